"""Complexity, through radon's public API: cyclomatic complexity per function and the file's
maintainability index.  Uses the shared ``ast`` tree; radon never parses the file again.

The maintainability index is radon's formula (``mi_compute``) over radon's Halstead volume and
cyclomatic complexity.  Its line counts (logical lines, comment and docstring lines) come from the
same tree instead of ``radon.raw.analyze``, which tokenizes the file piece by piece and cost more
than everything else in this module together (benchmarks/README.md).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from diffrisk.analyzers.scope import Scope
from diffrisk.model import CYCLOMATIC_COMPLEXITY, MAINTAINABILITY_INDEX, FileResult, UnitMetric
from diffrisk.pyfile.source import PythonSource, child_bodies

NAME = "complexity"
#: See ``diffrisk.analyzers.Scope``; the pipeline gives this analyzer only what it needs.
SCOPE = Scope.FILE


def analyze(source: PythonSource) -> FileResult:
    from radon.metrics import h_visit_ast, mi_compute
    from radon.visitors import ComplexityVisitor

    visitor = ComplexityVisitor.from_ast(source.tree)
    metrics = tuple(
        UnitMetric(function.lineno, CYCLOMATIC_COMPLEXITY, float(function.complexity))
        for function in _functions(visitor.blocks)
    )
    logical_lines, comment_percent = _line_counts(source)
    volume = h_visit_ast(source.tree).total.volume
    mi = mi_compute(volume, visitor.total_complexity, logical_lines, comment_percent)
    return FileResult(unit_metrics=tuple(sorted(set(metrics))), file_metrics=((MAINTAINABILITY_INDEX, round(mi, 2)),))


def _functions(blocks: list[Any]) -> Iterator[Any]:
    """radon's functions and methods with their closures and the methods of inner classes."""
    for block in blocks:
        if hasattr(block, "closures"):  # a radon Function
            yield block
            yield from _functions(block.closures)
        else:  # a radon Class: its methods are listed in ``blocks`` already, inner classes are not
            for inner in block.inner_classes:
                yield from _functions(inner.methods)
                yield from _functions(inner.inner_classes)


def _line_counts(source: PythonSource) -> tuple[int, float]:
    """(logical lines, comments as a percent of source lines), counted as radon's ``analyze``
    with ``multi=True`` counts them: comment tokens, plus the non-empty lines of string statements
    spanning several lines (docstrings), over the lines that hold code."""
    lines = source.text.split("\n")
    statements = list(_statements(source.tree.body))
    in_strings: set[int] = set()
    multi = 0
    for node in statements:
        end = node.end_lineno or node.lineno
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            span = range(node.lineno, end + 1)
            in_strings.update(span)
            if end > node.lineno:
                multi += sum(1 for number in span if lines[number - 1].strip())
    full_line_comments = sum(1 for line in lines if line.lstrip().startswith("#"))
    inline_comments = sum(
        1 for number, line in enumerate(lines, start=1) if number not in in_strings and _has_inline_comment(line)
    )
    blank = sum(1 for line in lines if not line.strip())
    source_lines = max(len(lines) - blank - full_line_comments - multi, 0)
    percent = (full_line_comments + inline_comments + multi) / source_lines * 100 if source_lines else 0.0
    return len(statements), percent


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without walking into expressions (which ``ast.walk``
    would, at ten times the cost)."""
    for node in body:
        yield node
        for nested in child_bodies(node):
            yield from _statements(nested)


def _has_inline_comment(line: str) -> bool:
    """A ``#`` after code and outside a one-line string literal."""
    if "#" not in line or line.lstrip().startswith("#"):
        return False
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return True
        index += 1
    return False
