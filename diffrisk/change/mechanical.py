"""Is a change mechanical: formatting and comments only, the code the same to Python?"""

from __future__ import annotations

import ast
from collections.abc import Set

from diffrisk.analyzers.readability import looks_like_code
from diffrisk.analyzers.smells import SUPPRESSION_MARKER
from diffrisk.pyfile.comments import MAX_LINE
from diffrisk.pyfile.source import CODING_COOKIE, PythonSource, first_line, touches

_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def is_mechanical(old: PythonSource, new: PythonSource, deleted: Set[int], added: Set[int]) -> bool:
    """True when every statement holding a changed line has the same syntax tree (``ast.dump``
    omits positions) as its counterpart, the encoding declaration is the same, and no added
    comment suppresses a check."""
    if _coding(old.text) != _coding(new.text):
        return False
    new_lines = new.lines
    added_text = [new_lines[line - 1] for line in added if 0 < line <= len(new_lines)]
    # A comment that changes what tools check is not "only a comment" (and a line too long to
    # read as code is not provably formatting).
    if any(len(line) > MAX_LINE or SUPPRESSION_MARKER.search(line) for line in added_text):
        return False
    # Commented-out code is a finding (DR-R008) of its own, not formatting.
    if any(line.lstrip().startswith("#") and looks_like_code(line.strip()) for line in added_text):
        return False
    try:
        return _same_statements(old.tree.body, new.tree.body, sorted(deleted), sorted(added))
    except RecursionError:
        return False  # too deep to compare: not provably the same


def _coding(text: str) -> str | None:
    for line in text.split("\n", 2)[:2]:
        match = CODING_COOKIE.match(line)  # it changes what the bytes mean
        if match:
            return match.group(1).lower().replace("_", "-")
    return None


def _same_statements(before: list[ast.stmt], after: list[ast.stmt], deleted: list[int], added: list[int]) -> bool:
    """Statements without changed lines are the same text on both sides, so only touched ones are
    compared; with equal statement counts, counterparts are the statements at one index.  Classes
    and functions are compared header first, then statement by statement, so a one-line change in
    a big class does not dump the whole class."""
    if len(before) != len(after):
        return False
    for old_node, new_node in zip(before, after):
        if not (_touches(deleted, old_node) or _touches(added, new_node)):
            continue
        if isinstance(old_node, _DEFINITIONS) and isinstance(new_node, _DEFINITIONS) and type(old_node) is type(new_node):
            if _header(old_node) != _header(new_node) or not _same_statements(old_node.body, new_node.body, deleted, added):
                return False
        elif ast.dump(old_node) != ast.dump(new_node):
            return False
    return True


def _header(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Everything of a definition but its body (name, arguments, bases, decorators) as text."""
    return [_dump(value) for name, value in ast.iter_fields(node) if name != "body"]


def _dump(value: object) -> str:
    if isinstance(value, ast.AST):
        return ast.dump(value)
    if isinstance(value, list):
        return "[" + ",".join(_dump(item) for item in value) + "]"
    return repr(value)


def _touches(lines: list[int], node: ast.stmt) -> bool:
    return touches(lines, first_line(node), node.end_lineno or node.lineno)
