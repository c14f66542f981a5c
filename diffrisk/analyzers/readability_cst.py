"""The libcst visitor behind the readability analyzer; imported only when a diff needs it.

Thresholds follow pylint's defaults where pylint has one, so a team that knows pylint knows these.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst
from libcst.metadata import CodeRange

from diffrisk.analyzers.readability import unclear
from diffrisk.model import FUNCTION_LENGTH, NESTING_DEPTH, PARAMETER_COUNT, Issue, Severity, UnitMetric

#: Operands in one boolean expression before it needs a truth table to review (pylint's
#: max-bool-expr allows 5 per ``if``; one expression of 4 is already hard to read).
MAX_BOOLEAN_OPERANDS = 3
#: Numbers that explain themselves in a comparison (ruff's PLR2004 allows 0 and 1).
PLAIN_NUMBERS = frozenset({"0", "1", "2", "-1", "0.0", "1.0"})
_NESTING_NODES = (libcst.If, libcst.For, libcst.While, libcst.With, libcst.Try, libcst.TryStar, libcst.Match)
_NOT_API_DECORATORS = ("overload", "setter", "deleter", "override")
_TYPE_FACTORIES = ("TypeVar", "ParamSpec", "TypeVarTuple", "NewType")


class ReadabilityVisitor(libcst.CSTVisitor):
    def __init__(self, positions: Mapping[libcst.CSTNode, CodeRange]) -> None:
        super().__init__()
        self.positions = positions
        self.issues: list[Issue] = []
        self.metrics: list[UnitMetric] = []
        #: Full-line comments: (1-based line, text).
        self.comments: list[tuple[int, str]] = []
        #: Enclosing scopes, outermost first: ("class" | "function", name).
        self.scopes: list[tuple[str, str]] = []
        #: Per enclosing function: [current nesting depth, deepest depth, def line].
        self.depths: list[list[int]] = []
        #: Nodes not to count again: inner operands of a boolean expression, ``elif`` branches.
        self.seen: set[int] = set()

    # -- helpers ---------------------------------------------------------------------------------

    def line_of(self, node: libcst.CSTNode) -> int:
        return self.positions[node].start.line

    def report(self, rule: str, node: libcst.CSTNode, message: str) -> None:
        where = self.positions[node]
        self.issues.append(
            Issue(rule, where.start.line, where.end.line, Severity.LOW, message, column=where.start.column)
        )

    # -- functions and classes -------------------------------------------------------------------

    def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
        def_line = self.line_of(node.name)
        first_line = self.line_of(node.decorators[0]) if node.decorators else def_line
        params = _parameters(node.params)
        counted = [param for param in params if param.name.value not in ("self", "cls")]
        length = self.positions[node].end.line - first_line + 1
        self.metrics.append(UnitMetric(def_line, FUNCTION_LENGTH, float(length)))
        self.metrics.append(UnitMetric(def_line, PARAMETER_COUNT, float(len(counted))))
        self.check_docstring(node, "function")
        self.check_name(node.name, "function")
        for param in params:
            self.check_name(param.name, "parameter")
        self.scopes.append(("function", node.name.value))
        self.depths.append([0, 0, def_line])

    def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
        self.scopes.pop()
        _, deepest, def_line = self.depths.pop()
        self.metrics.append(UnitMetric(def_line, NESTING_DEPTH, float(deepest)))

    def visit_ClassDef(self, node: libcst.ClassDef) -> None:
        self.check_docstring(node, "class")
        self.check_name(node.name, "class")
        self.scopes.append(("class", node.name.value))

    def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
        self.scopes.pop()

    def check_docstring(self, node: libcst.FunctionDef | libcst.ClassDef, kind: str) -> None:
        name = node.name.value
        # Nested functions and members of private scopes are not public API.
        if name.startswith("_") or any(scope == "function" or scope_name.startswith("_") for scope, scope_name in self.scopes):
            return
        if any(decorator_name(decorator.decorator).endswith(_NOT_API_DECORATORS) for decorator in node.decorators):
            return
        if node.get_docstring() is None:
            self.report("DR-R006", node.name, f"public {kind} `{name}` has no docstring")

    # -- nesting ---------------------------------------------------------------------------------

    def on_visit(self, node: libcst.CSTNode) -> bool:
        if isinstance(node, libcst.If) and isinstance(node.orelse, libcst.If):
            self.seen.add(id(node.orelse))  # an ``elif`` is a sibling branch, not a deeper level
        if isinstance(node, _NESTING_NODES) and self.depths and id(node) not in self.seen:
            depth = self.depths[-1]
            depth[0] += 1
            depth[1] = max(depth[1], depth[0])
        return super().on_visit(node)

    def on_leave(self, original_node: libcst.CSTNode) -> None:
        if isinstance(original_node, _NESTING_NODES) and self.depths and id(original_node) not in self.seen:
            self.depths[-1][0] -= 1
        super().on_leave(original_node)

    # -- expressions -----------------------------------------------------------------------------

    def visit_BooleanOperation(self, node: libcst.BooleanOperation) -> None:
        if id(node) in self.seen:
            return
        operands = self.boolean_operands(node)
        if operands > MAX_BOOLEAN_OPERANDS:
            self.report("DR-R004", node, f"boolean expression with {operands} operands; name its parts")

    def boolean_operands(self, node: libcst.BaseExpression) -> int:
        if isinstance(node, libcst.BooleanOperation):
            self.seen.add(id(node))
            return self.boolean_operands(node.left) + self.boolean_operands(node.right)
        return 1

    def visit_Comparison(self, node: libcst.Comparison) -> None:
        for operand in [node.left, *(target.comparator for target in node.comparisons)]:
            number = number_text(operand)
            if number is not None and number not in PLAIN_NUMBERS:
                self.report("DR-R007", operand, f"magic number {number} in a comparison; name it")

    def visit_Assert(self, node: libcst.Assert) -> bool:
        return False  # numbers in assertions state expected values; they are not magic

    # -- names -----------------------------------------------------------------------------------

    def visit_Assign(self, node: libcst.Assign) -> None:
        if isinstance(node.value, libcst.Call) and decorator_name(node.value.func).endswith(_TYPE_FACTORIES):
            return  # T = TypeVar("T") is the convention
        for target in node.targets:
            for name in names_in(target.target):
                self.check_name(name, "variable")

    def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
        for name in names_in(node.target):
            self.check_name(name, "variable")

    def check_name(self, name: libcst.Name, kind: str) -> None:
        reason = unclear(name.value)
        if reason:
            self.report("DR-R005", name, f"unclear {kind} name `{name.value}`: {reason}")

    # -- comments --------------------------------------------------------------------------------

    def visit_EmptyLine(self, node: libcst.EmptyLine) -> None:
        if node.comment is not None:
            self.comments.append((self.line_of(node.comment), node.comment.value))


def _parameters(params: libcst.Parameters) -> list[libcst.Param]:
    found = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, libcst.Param):
        found.append(params.star_arg)
    if params.star_kwarg is not None:
        found.append(params.star_kwarg)
    return found


def names_in(target: libcst.BaseExpression) -> list[libcst.Name]:
    if isinstance(target, libcst.Name):
        return [target]
    if isinstance(target, (libcst.Tuple, libcst.List)):
        return [name for element in target.elements for name in names_in(element.value)]
    return []


def number_text(node: libcst.BaseExpression) -> str | None:
    if isinstance(node, (libcst.Integer, libcst.Float)):
        return node.value
    if isinstance(node, libcst.UnaryOperation) and isinstance(node.operator, libcst.Minus):
        inner = number_text(node.expression)
        return None if inner is None else f"-{inner}"
    return None


def decorator_name(node: libcst.BaseExpression) -> str:
    if isinstance(node, libcst.Call):
        return decorator_name(node.func)
    if isinstance(node, libcst.Attribute):
        return f"{decorator_name(node.value)}.{node.attr.value}"
    if isinstance(node, libcst.Name):
        return node.value
    return ""
