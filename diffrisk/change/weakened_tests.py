"""Weakened tests (DR-S003): what a change took away from the tests it touched.

A test function removed, a test whose body became empty, a test with fewer assertions than
before, or with as many but weaker ones (``assert result == 3`` became ``assert result``,
``assertEqual`` became ``assertTrue``).  Tests are compared with their old selves through the
function pairing of ``change.touched`` (so a renamed test is the same test); a test that moved
to another file, removed here and added there under its name, is not weakened (``moved``).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence, Set

from diffrisk.model import FileAnalysis
from diffrisk.pyfile.source import PythonSource, Unit, child_bodies
from diffrisk.records import record

#: Assertion methods and helpers that pin a value; the others only check truth or a type.
_STRONG_METHODS = frozenset({
    "assertEqual", "assertEquals", "assertNotEqual", "assertIn", "assertNotIn", "assertRaises", "assertRaisesRegex",
    "assertAlmostEqual", "assertNotAlmostEqual", "assertCountEqual", "assertDictEqual", "assertListEqual",
    "assertSequenceEqual", "assertSetEqual", "assertTupleEqual", "assertMultiLineEqual", "assertRegex",
    "assertNotRegex", "assertGreater", "assertGreaterEqual", "assertLess", "assertLessEqual", "assertWarns",
    "assertWarnsRegex", "assertLogs", "assert_called_with", "assert_called_once_with", "assert_any_call",
    "assert_has_calls", "assert_not_called", "raises", "warns", "deprecated_call",
})
_WEAK_METHODS = frozenset({
    "assertTrue", "assertFalse", "assertIsNotNone", "assertIsNone", "assertIsInstance", "assertNotIsInstance",
    "assert_", "failUnless", "assert_called", "assert_called_once",
})
_Function = ast.FunctionDef | ast.AsyncFunctionDef


@record
class Weakened:
    #: New-side line (for a removed test, where it used to stand; for a deleted file, its old line).
    line: int
    end_line: int
    message: str
    #: The test's own name, to recognise it if the change re-added it in another file.
    test_name: str
    removed: bool


@record
class Assertions:
    strong: int
    weak: int

    @property
    def total(self) -> int:
        return self.strong + self.weak


def weakened(
    old: PythonSource,
    new: PythonSource | None,
    pairs: Mapping[str, str],
    deleted: Set[int],
    anchors: Mapping[int, int],
) -> list[Weakened]:
    """What the change took away from the old side's tests that its deleted lines touch."""
    old_nodes = _functions(old.tree)
    new_units = {unit.key: unit for unit in new.units} if new is not None else {}
    new_nodes = _functions(new.tree) if new is not None else {}
    found = []
    for unit in old.units:
        node = old_nodes.get(unit.def_line)
        if node is None or not _is_test(unit) or not any(unit.start <= line <= unit.end for line in deleted):
            continue
        before = count(node)
        name = unit.qualname.rsplit(".", 1)[-1]
        successor = new_units.get(pairs.get(unit.key, unit.key))
        if successor is None:
            place = _removed_place(unit, deleted, anchors, new is None)
            found.append(Weakened(place, place, f"test `{unit.qualname}` removed ({_assertions(before.total)})", name, True))
            continue
        after_node = new_nodes.get(successor.def_line)
        if after_node is None:
            continue
        what = _what_weakened(node, before, after_node, count(after_node))
        if what:
            found.append(Weakened(successor.def_line, successor.def_line, f"test `{successor.qualname}` {what}", name, False))
    return found


def _what_weakened(old: _Function, before: Assertions, new: _Function, after: Assertions) -> str | None:
    if _is_empty(new.body) and not _is_empty(old.body):
        return "body emptied"
    if after.total < before.total:
        return f"assertions {before.total} -> {after.total}"
    if after.strong < before.strong:
        return f"assertions weakened: {before.strong} that pin a value -> {after.strong}"
    return None


def _removed_place(unit: Unit, deleted: Set[int], anchors: Mapping[int, int], file_deleted: bool) -> int:
    if file_deleted:
        return unit.def_line
    first = min(line for line in deleted if unit.start <= line <= unit.end)
    return anchors.get(first, 1)


def _assertions(total: int) -> str:
    return "it had 1 assertion" if total == 1 else f"it had {total} assertions"


def _is_test(unit: Unit) -> bool:
    """pytest's and unittest's default collection: ``test*`` functions and methods."""
    return unit.kind == "function" and unit.qualname.rsplit(".", 1)[-1].startswith("test")


def _functions(tree: ast.Module) -> dict[int, _Function]:
    """Every function by the line of its ``def``, found through statement bodies only (a walk of
    every expression node costs several times as much)."""
    found: dict[int, _Function] = {}
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.lineno] = node
        for body in child_bodies(node):
            pending.extend(body)
    return found


def _is_empty(body: list[ast.stmt]) -> bool:
    statements = body[1:] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else body
    return all(
        isinstance(statement, ast.Pass)
        or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in statements
    )


def count(function: _Function) -> Assertions:
    """Assertions a test makes: those in its own body (not in functions nested in it), times
    its ``pytest.mark.parametrize`` cases, so folding three asserts into three cases is no loss."""
    own = _own_assertions(function)
    cases = _parametrize_cases(function)
    return Assertions(own.strong * cases, own.weak * cases)


def _parametrize_cases(function: _Function) -> int:
    cases = 1
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and _called_name(decorator.func) == "parametrize" and len(decorator.args) >= 2:
            values = decorator.args[1]
            if isinstance(values, (ast.List, ast.Tuple, ast.Set)):
                cases *= max(len(values.elts), 1)
    return cases


def _own_assertions(function: _Function) -> Assertions:
    strong = weak = 0
    for node in _own_nodes(function):
        if isinstance(node, ast.Assert):
            if _pins_value(node.test):
                strong += 1
            else:
                weak += 1
        elif isinstance(node, ast.Call):
            name = _called_name(node.func)
            if name in _WEAK_METHODS:
                weak += 1
            elif name in _STRONG_METHODS or name.startswith(("assert", "assert_")):
                strong += 1
    return Assertions(strong, weak)


def _own_nodes(function: _Function) -> list[ast.AST]:
    nodes: list[ast.AST] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        nodes.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return nodes


def _pins_value(test: ast.expr) -> bool:
    """``a == b``, ``a in b``, ``a < b``: yes.  ``a``, ``not a``, ``a is not None``, ``isinstance``: no."""
    if not isinstance(test, ast.Compare):
        return False
    for op, right in zip(test.ops, test.comparators):
        is_none_check = isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value in (None, True, False)
        if not is_none_check:
            return True
    return False


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def moved(analyses: Sequence[FileAnalysis]) -> set[tuple[str, str]]:
    """(test name, file it was removed from) for removed tests that the change adds or edits
    under the same name in another file: the test moved, nothing was weakened."""
    added_tests: dict[str, set[str]] = {}
    for analysis in analyses:
        for unit in analysis.units:
            # New or edited: a test merged into a parametrized one elsewhere keeps its name there.
            if unit.is_test and unit.kind == "function" and unit.side == "new":
                added_tests.setdefault(unit.name.rsplit(".", 1)[-1], set()).add(unit.path)
    found = set()
    for analysis in analyses:
        for finding in analysis.findings:
            if finding.rule == "DR-S003" and finding.subject and added_tests.get(finding.subject, set()) - {analysis.summary.path}:
                found.add((finding.subject, analysis.summary.path))
    return found
