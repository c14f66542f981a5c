"""Which lines of the old side a change touched, for blame: the lines it deleted or replaced,
the lines around what it inserted, and every line of each function (on the old side) that it
edited, each line with the function it belongs to."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from diffrisk.model import FileChange, LineKind
from diffrisk.paths import is_python

#: Old-side lines attributed to no function.
MODULE = "<module>"


@dataclass(frozen=True)
class TouchedLines:
    #: The file's path on the old side (what blame reads at the base).
    path: str
    #: Old-side lines to blame, sorted.
    lines: tuple[int, ...]
    #: Old-side line -> the innermost function holding it (qualified name), or MODULE.
    units: Mapping[int, str]


def of_change(change: FileChange, old_text: str | None) -> TouchedLines | None:
    """The touched old-side lines of one changed file; None when it has no old side."""
    if change.old_path is None or change.is_binary:
        return None
    edited = set(_edited_lines(change))
    functions = _functions(old_text) if old_text is not None and is_python(change.old_path) else []
    innermost: dict[int, tuple[int, int, str]] = {}
    for function in functions:  # outermost first, so that inner functions overwrite
        innermost.update(dict.fromkeys(range(function[0], function[1] + 1), function))
    units: dict[int, str] = {}
    for first, last, _ in {innermost[line] for line in edited if line in innermost}:
        units.update((line, innermost[line][2]) for line in range(first, last + 1))
    lines = sorted(edited | set(units))
    return TouchedLines(change.old_path, tuple(lines), {line: units.get(line, MODULE) for line in lines})


def _edited_lines(change: FileChange) -> Iterator[int]:
    """Deleted lines, and for each run of inserted lines the old lines just before and after it."""
    for hunk in change.hunks:
        before: int | None = None
        inserting = False
        for line in hunk.lines:
            if line.kind is LineKind.DELETED and line.old_lineno is not None:
                yield line.old_lineno
            elif line.kind is LineKind.ADDED:
                inserting = True
                if before is not None:
                    yield before
            elif line.old_lineno is not None:
                if inserting:
                    yield line.old_lineno
                inserting = False
            if line.old_lineno is not None:
                before = line.old_lineno


def _functions(text: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function, outermost first.  Only
    statements are walked (a function is one), never expressions, however deep they nest."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: list[tuple[int, int, str]] = []
    pending: list[tuple[ast.AST, str]] = [(tree, "")]
    while pending:
        node, prefix = pending.pop(0)
        for child in _statements_in(node):
            name = prefix
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}."
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(decorator.lineno for decorator in child.decorator_list)])
                    found.append((first, child.end_lineno or child.lineno, f"{prefix}{child.name}"))
            pending.append((child, name))
    return sorted(found, key=lambda function: (function[0], -function[1]))


def _statements_in(node: ast.AST) -> Iterator[ast.AST]:
    """The statements (and ``except``/``case`` clauses) directly inside ``node``."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        children = getattr(node, field, None)
        if isinstance(children, list):
            yield from (child for child in children if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)))
