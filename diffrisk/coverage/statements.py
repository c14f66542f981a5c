"""The new text's statements, by coverage.py's own parser, and what a run's lines and arcs
mean for them: the same steps as coverage.py's ``results.analysis_from_file_reporter`` and
``Analysis.missing_branch_arcs``, over the parser's public methods only.

coverage.py is imported here, on first use: a check without coverage data never pays for it.
The default exclusion and partial-branch patterns are used; a project's own ``exclude_also``
is not read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from diffrisk.records import record

if TYPE_CHECKING:
    from coverage.parser import PythonParser


@record
class Analysis:
    executable: frozenset[int]
    executed: frozenset[int]
    missing_exits: dict[int, frozenset[str]]


def parser(text: str) -> PythonParser | None:
    """The parsed text, or None when it is not Python coverage.py can parse."""
    from coverage.config import DEFAULT_EXCLUDE
    from coverage.exceptions import NotPython
    from coverage.parser import PythonParser

    parsed = PythonParser(text=text or "\n", exclude=_any(DEFAULT_EXCLUDE))
    try:
        parsed.parse_source()
    except NotPython:
        return None
    return parsed


def unexpected_line(parsed: PythonParser, lines: Iterable[int], line_count: int, traced: bool = False) -> str | None:
    """Why ``lines`` (measured on some version of the file) cannot be this text's statements.
    ``traced``: raw traced lines, which include docstrings (looked for only when needed)."""
    allowed = parsed.statements | parsed.excluded
    for line in sorted(lines):
        if line > line_count:
            return f"line {line} is past the end of the file ({line_count} lines)"
        if line not in allowed and traced:
            allowed = allowed | docstring_lines(parsed.text)
            traced = False
        if line not in allowed:
            return f"line {line} is not a statement in the file's new text"
    return None


def analyse(parsed: PythonParser, lines: Iterable[int], arcs: Iterable[tuple[int, int]] | None) -> Analysis:
    """Executed statements and, when ``arcs`` were measured, the exits not taken from branch
    lines that ran."""
    statements = frozenset(parsed.statements)
    executed = frozenset(parsed.translate_lines(lines)) & statements
    if arcs is None:
        return Analysis(statements, executed, {})
    return Analysis(statements, executed, _missing_exits(parsed, arcs, executed))


def _missing_exits(parsed: PythonParser, measured: Iterable[tuple[int, int]], executed: frozenset[int]) -> dict[int, frozenset[str]]:
    from coverage.config import DEFAULT_PARTIAL, DEFAULT_PARTIAL_ALWAYS

    possible = parsed.arcs()
    destinations: dict[int, set[int]] = {}
    for start, end in possible:
        destinations.setdefault(start, set()).add(end)
    # A line that jumps to itself stands for its only exit (coverage.py's "single_dests").
    only = {start: next(iter(ends)) for start, ends in destinations.items() if len(ends) == 1}
    taken = {(start, end) for start, end in measured if start != end}
    taken |= {(start, only[start]) for start, end in measured if start == end and start in only}
    taken = parsed.translate_arcs(taken)
    no_branch = parsed.lines_matching(_any(DEFAULT_PARTIAL + DEFAULT_PARTIAL_ALWAYS))
    branch_lines = {line for line, count in parsed.exit_counts().items() if count > 1}
    missing: dict[int, set[str]] = {}
    for start, end in possible - taken:
        if start in branch_lines and start in executed and start not in no_branch and end not in parsed.excluded:
            missing.setdefault(start, set()).add(str(end) if end > 0 else "exit")
    return {line: frozenset(exits) for line, exits in missing.items()}


def _any(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


#: Clause lines a coverage tool may list though the syntax tree gives them no statement of their own.
_CLAUSES = ("else", "finally")


def statement_starts(text: str) -> frozenset[int] | None:
    """Every line on which coverage.py could report a statement of ``text`` (a superset: the
    first lines of statements, decorators, ``except`` and ``case`` clauses, and bare clause
    lines), or None when the standard library cannot parse the text."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.excepthandler, ast.match_case)):
            found.add(node.pattern.lineno if isinstance(node, ast.match_case) else node.lineno)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.update(decorator.lineno for decorator in node.decorator_list)
    lines = text.splitlines()
    found.update(number for number, line in enumerate(lines, 1) if line.lstrip().startswith(_CLAUSES))
    return frozenset(found)


def docstring_lines(text: str) -> set[int]:
    """Lines of the module's, classes' and functions' docstrings: Python traces a docstring's
    line (it is an assignment to ``__doc__``) though coverage.py does not count it."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return found
