"""A file version cut down to the statements an analyzer needs, with line numbers kept."""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterable

from diffrisk.pyfile.source import PythonSource, first_line, from_tree, touches


def slice_source(source: PythonSource, wanted: Iterable[int], keep_imports: bool, keep_assignments: bool = False) -> PythonSource:
    """The same file with only the top-level statements holding ``wanted`` lines left in place.

    Everything else becomes blank lines, so line numbers stay true and the text still parses.
    Inside a class only the touched body statements are kept (with the class header).  With
    ``keep_imports`` top-level imports stay too, for tools that resolve names through them, and
    with ``keep_assignments`` the top-level assignments (``run = os.system``).
    Comment lines among ``wanted`` stay wherever they are (a comment is valid anywhere).  The tree
    is the original tree pruned the same way, so nothing is parsed again.
    """
    targets = sorted(set(wanted))
    lines = source.text.split("\n")
    keep: set[int] = set()
    body: list[ast.stmt] = []
    for node in source.tree.body:
        start, end = first_line(node), node.end_lineno or node.lineno
        if keep_imports and _is_import_block(node) or keep_assignments and isinstance(node, (ast.Assign, ast.AnnAssign)):
            keep.update(range(start, end + 1))
            body.append(node)
        elif touches(targets, start, end):
            kept, kept_lines = _class_slice(node, targets) if isinstance(node, ast.ClassDef) else (node, range(start, end + 1))
            keep.update(kept_lines)
            body.append(kept)
    keep.update(line for line in targets if 0 < line <= len(lines) and lines[line - 1].lstrip().startswith("#"))
    if len(body) == len(source.tree.body) and all(a is b for a, b in zip(body, source.tree.body)):
        return source
    text = "\n".join([line if number in keep else "" for number, line in enumerate(lines, start=1)])
    return from_tree(source.path, text, ast.Module(body=body, type_ignores=[]))


def _is_import_block(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    # "try: import x / except ImportError" and "if TYPE_CHECKING: import y" shims
    return isinstance(node, (ast.If, ast.Try)) and any(isinstance(child, (ast.Import, ast.ImportFrom)) for child in node.body)


def _class_slice(node: ast.ClassDef, targets: list[int]) -> tuple[ast.ClassDef, set[int]]:
    """A copy of the class holding only the body statements with ``targets`` lines (at least
    one), and the lines to keep: the header (decorators, ``class`` line) and those statements."""
    kept = [
        child for index, child in enumerate(node.body)
        if touches(targets, first_line(child), child.end_lineno or child.lineno) or (index == 0 and _is_docstring(child))
    ]
    kept = kept or node.body[:1]  # only the header changed: keep a body so the class parses
    lines = set(range(first_line(node), first_line(node.body[0])))
    for child in kept:
        lines.update(range(first_line(child), (child.end_lineno or child.lineno) + 1))
    if len(kept) == len(node.body):
        return node, lines
    pruned = copy.copy(node)
    pruned.body = kept
    return pruned, lines


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
