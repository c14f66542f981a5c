"""A file version cut down to the statements an analyzer needs, with line numbers kept.

Cutting is two steps: ``plan`` decides which statements stay (cheap: a look at the top-level
statements), ``build`` makes the cut version (a pass over every line of the file).  A plan has a
``key``, so that a result kept from an earlier run is found without building the cut at all.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterable

from diffrisk.pyfile.source import PythonSource, first_line, from_tree, touches
from diffrisk.records import record

#: One kept top-level statement: its index in the module's body, and for a class cut down to
#: some of its body statements, their indices (None: the whole statement).
KeptStatement = tuple[int, "tuple[int, ...] | None"]


@record
class Plan:
    """Which statements of a version a cut keeps, and its lines (1-based) that stay in its text."""

    statements: tuple[KeptStatement, ...]
    lines: frozenset[int]

    @property
    def key(self) -> str:
        """The same for two plans of one version exactly when they cut the same text and tree."""
        return repr((self.statements, sorted(self.lines)))


def plan(source: PythonSource, wanted: Iterable[int], keep_imports: bool, keep_assignments: bool = False) -> Plan | None:
    """Keep only the top-level statements holding ``wanted`` lines (None: that is all of them).

    Everything else becomes blank lines, so line numbers stay true and the text still parses.
    Inside a class only the touched body statements are kept (with the class header).  With
    ``keep_imports`` top-level imports stay too, for tools that resolve names through them, and
    with ``keep_assignments`` the top-level assignments (``run = os.system``).
    Comment lines among ``wanted`` stay wherever they are (a comment is valid anywhere).
    """
    targets = sorted(set(wanted))
    keep: set[int] = set()
    statements: list[KeptStatement] = []
    for index, node in enumerate(source.tree.body):
        start, end = first_line(node), node.end_lineno or node.lineno
        touched = touches(targets, start, end)
        if keep_imports and _is_import_block(node) or keep_assignments and isinstance(node, (ast.Assign, ast.AnnAssign)):
            keep.update(range(start, end + 1))
            statements.append((index, None))
        elif touched and isinstance(node, ast.ClassDef):
            statements.append((index, _class_plan(node, targets, keep)))
        elif touched:
            keep.update(range(start, end + 1))
            statements.append((index, None))
    if len(statements) == len(source.tree.body) and all(children is None for _, children in statements):
        return None
    lines = source.lines
    keep.update(line for line in targets if 0 < line <= len(lines) and lines[line - 1].lstrip().startswith("#"))
    return Plan(tuple(statements), frozenset(keep))


def build(source: PythonSource, cut: Plan) -> PythonSource:
    """The version ``cut`` plans.  The tree is the original tree pruned the same way, so nothing
    is parsed again."""
    body: list[ast.stmt] = []
    for index, children in cut.statements:
        node = source.tree.body[index]
        if children is not None and isinstance(node, ast.ClassDef):
            pruned = copy.copy(node)
            pruned.body = [node.body[child] for child in children]
            node = pruned
        body.append(node)
    keep = cut.lines
    text = "\n".join([line if number in keep else "" for number, line in enumerate(source.lines, start=1)])
    return from_tree(source.path, text, ast.Module(body=body, type_ignores=[]))


def _is_import_block(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    # "try: import x / except ImportError" and "if TYPE_CHECKING: import y" shims
    return isinstance(node, (ast.If, ast.Try)) and any(isinstance(child, (ast.Import, ast.ImportFrom)) for child in node.body)


def _class_plan(node: ast.ClassDef, targets: list[int], keep: set[int]) -> tuple[int, ...] | None:
    """The indices of the class's body statements with ``targets`` lines (at least one), or None
    when that is all of them.  The lines of the header (decorators, ``class`` line) and of those
    statements are added to ``keep``; what lies between them (comments, blank lines) is not."""
    kept = [
        index for index, child in enumerate(node.body)
        if touches(targets, first_line(child), child.end_lineno or child.lineno) or (index == 0 and _is_docstring(child))
    ]
    kept = kept or [0]  # only the header changed: keep a body so the class parses
    keep.update(range(first_line(node), first_line(node.body[0])))
    for index in kept:
        child = node.body[index]
        keep.update(range(first_line(child), (child.end_lineno or child.lineno) + 1))
    return None if len(kept) == len(node.body) else tuple(kept)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
