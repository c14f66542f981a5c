"""Readability, through libcst (it keeps comments, which ``ast`` drops).

Per function it measures length, nesting depth and parameter count (the pipeline decides whether a
change made them worse).  Per line it reports complex boolean expressions, unclear names, public
API without a docstring, magic numbers in comparisons and commented-out code.

libcst costs about 0.3 s to import, so it is imported only when a diff has Python to read.
"""

from __future__ import annotations

import ast
import re

from diffrisk.model import FileResult, Issue, Severity
from diffrisk.pysource import PythonSource

NAME = "readability"

#: Names that say nothing of what they hold, whatever follows them.
_ALWAYS_GENERIC = frozenset(
    {"tmp", "temp", "foo", "bar", "baz", "qux", "stuff", "thing", "things", "dummy", "blah", "my_var"}
)
#: Names that are vague but common; with a number appended ("data2", "result_3") they say nothing.
_GENERIC_BASES = _ALWAYS_GENERIC | {"data", "result", "res", "ret", "item", "value", "val", "var", "obj", "x"}
_GENERIC_WITH_NUMBER = re.compile(r"^([a-z_]+?)_?(\d+)$")
_PRAGMA = re.compile(r"^(?:(?:noqa|pragma|nosec|todo|fixme|xxx|note|hack)\b|(?:type|pylint|fmt|isort|mypy|pyright|ruff):)", re.I)
# Prose rarely has "=", a call's parentheses or brackets, or starts with "import"; code usually does.
_CODE_HINT = re.compile(r"[=(\[]|^(?:import|from)\s")


class UnsupportedSyntax(Exception):
    """libcst's grammar does not cover this (valid) Python; readability is skipped for the file."""


def analyze(source: PythonSource) -> FileResult:
    import libcst
    from libcst.metadata import MetadataWrapper, PositionProvider

    from diffrisk.analyzers.readability_cst import ReadabilityVisitor

    try:
        module = libcst.parse_module(source.text)
    except libcst.ParserSyntaxError as error:
        raise UnsupportedSyntax(f"libcst cannot parse this file: {str(error).splitlines()[0]}") from None
    # unsafe_skip_copy: the wrapper would otherwise deep-copy the whole tree, which we never change.
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    visitor = ReadabilityVisitor(wrapper.resolve(PositionProvider))
    wrapper.module.visit(visitor)
    issues = visitor.issues + commented_out_code(visitor.comments)
    return FileResult(issues=tuple(sorted(issues)), unit_metrics=tuple(sorted(visitor.metrics)))


def unclear(name: str) -> str | None:
    """Why ``name`` tells a reader nothing, or None when it is fine."""
    if len(name) == 1 and name != "_":
        return "a single letter"
    lowered = name.lower()
    if lowered in _ALWAYS_GENERIC:
        return "says nothing of what it holds"
    match = _GENERIC_WITH_NUMBER.match(lowered)
    if match and match.group(1) in _GENERIC_BASES:
        return "a generic name with a number"
    return None


def commented_out_code(comments: list[tuple[int, str]]) -> list[Issue]:
    """One DR-R008 issue per run of consecutive comment lines that parse as Python code."""
    issues: list[Issue] = []
    run: list[int] = []
    for line, text in sorted(comments):
        if not looks_like_code(text):
            continue
        if run and line != run[-1] + 1:
            issues.append(_commented_issue(run))
            run = []
        run.append(line)
    if run:
        issues.append(_commented_issue(run))
    return issues


def _commented_issue(lines: list[int]) -> Issue:
    return Issue("DR-R008", lines[0], lines[-1], Severity.LOW, "commented-out code; delete it (git keeps history)")


def looks_like_code(comment: str) -> bool:
    """True for a comment such as ``# total = compute(x)``; False for prose and pragmas."""
    body = comment.lstrip("#").strip()
    if not body or _PRAGMA.match(body) or "://" in body or not _CODE_HINT.search(body):
        return False
    if body.endswith(":"):
        body += " pass"  # "# if retry:" is a block opener whose body was not commented
    try:
        tree = ast.parse(body)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    # One bare name or constant ("# TODO", "# 'quoted'") is prose, not code.
    only = tree.body[0] if len(tree.body) == 1 else None
    return not (isinstance(only, ast.Expr) and isinstance(only.value, (ast.Name, ast.Constant)))
