"""Readability: function length, nesting depth and parameter count per function; complex boolean
expressions, unclear names, public API without a docstring, magic numbers in comparisons and
commented-out code per line.

Everything walks the ``ast`` tree the pipeline already parsed, a small fraction of what libcst's
concrete syntax tree cost to import, parse and visit (benchmarks/README.md).  Comments need no
concrete syntax tree either: a line that starts with ``#`` is a comment unless the tree shows it
inside a multi-line string.

Thresholds follow pylint's defaults where pylint has one, so a team that knows pylint knows these.
"""

from __future__ import annotations

import ast
import re

from diffrisk.analyzers.scope import Scope
from diffrisk.model import FUNCTION_LENGTH, NESTING_DEPTH, PARAMETER_COUNT, FileResult, Issue, Severity, UnitMetric
from diffrisk.pyfile.comments import string_lines
from diffrisk.pyfile.source import PythonSource, first_line
from diffrisk.regex import Regex

NAME = "readability"
#: See ``diffrisk.analyzers.Scope``; the pipeline gives this analyzer only what it needs.
SCOPE = Scope.STATEMENTS
#: See ``diffrisk.analyzers.Analyzer``.
MEASURES_FUNCTIONS = True

#: Operands in one boolean expression before it needs a truth table to review (pylint's
#: max-bool-expr allows 5 per ``if``; one expression of 4 is already hard to read).
MAX_BOOLEAN_OPERANDS = 3
#: Numbers that explain themselves in a comparison (ruff's PLR2004 allows 0 and 1).
PLAIN_NUMBERS = frozenset({0, 1, 2, -1})
#: Numbers every reader knows: powers of ten, time units, byte sizes and limits.
WELL_KNOWN_NUMBERS = frozenset({10, 100, 1000, 60, 24, 3600, 86400, 255, 256, 1024, 65535})
#: HTTP status codes, known as such beside a name that says "status" or "code" (``status_code == 200``).
HTTP_STATUSES = range(100, 600)
#: Names that say nothing of what they hold, whatever follows them.
_ALWAYS_GENERIC = frozenset(
    {"tmp", "temp", "foo", "bar", "baz", "qux", "stuff", "thing", "things", "dummy", "blah", "my_var"}
)
#: Names that are vague but common; with a number appended ("data2", "result_3") they say nothing.
_GENERIC_BASES = _ALWAYS_GENERIC | {"data", "result", "res", "ret", "item", "value", "val", "var", "obj", "x"}
_GENERIC_WITH_NUMBER = Regex(r"^([a-z_]+?)_?(\d+)$")
_PRAGMA = Regex(r"^(?:(?:noqa|pragma|nosec|todo|fixme|xxx|note|hack)\b|(?:type|pylint|fmt|isort|mypy|pyright|ruff):)", re.I)
# Prose rarely has "=", a call's parentheses or brackets, or starts with "import"; code usually does.
_CODE_HINT = Regex(r"[=(\[]|^(?:import|from)\s")
_NESTING = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
_NOT_API_DECORATORS = ("overload", "setter", "deleter", "override")
_TYPE_FACTORIES = ("TypeVar", "ParamSpec", "TypeVarTuple", "NewType")
_Function = ast.FunctionDef | ast.AsyncFunctionDef


def analyze(source: PythonSource) -> FileResult:
    visitor = _Visitor(source.text.split("\n"))
    visitor.visit(source.tree)
    issues = visitor.issues + _commented_out_code(source)
    return FileResult(issues=tuple(sorted(issues)), unit_metrics=tuple(sorted(visitor.metrics)))


def _commented_out_code(source: PythonSource) -> list[Issue]:
    """A line whose first character is ``#`` is a comment unless it lies inside a multi-line
    string, which the tree knows exactly; so no tokenizer or concrete syntax tree is needed."""
    candidates = [
        (number, line.strip()) for number, line in enumerate(source.text.split("\n"), start=1)
        if line.lstrip().startswith("#") and looks_like_code(line.strip())
    ]
    if not candidates:
        return []
    inside = string_lines(source.tree)
    return commented_out_code([(number, text) for number, text in candidates if number not in inside])


class _Visitor(ast.NodeVisitor):
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.issues: list[Issue] = []
        self.metrics: list[UnitMetric] = []
        #: Enclosing scopes, outermost first: ("class" | "function", name).
        self.scopes: list[tuple[str, str]] = []
        #: Nesting depth inside the innermost function: [current, deepest].
        self.depth = [0, 0]

    def report(self, rule: str, node: ast.expr | ast.stmt | ast.arg, message: str, column: int | None = None) -> None:
        end = node.end_lineno or node.lineno
        where = node.col_offset if column is None else column
        self.issues.append(Issue(rule, node.lineno, end, Severity.LOW, message, column=where))

    def name_column(self, node: _Function | ast.ClassDef) -> int:
        """The column of the name after ``def``/``class`` (``ast`` points at the keyword)."""
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        found = re.compile(rf"\b{re.escape(node.name)}\b").search(line, node.col_offset)
        return found.start() if found else node.col_offset

    # -- functions and classes -------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.function(node)

    def function(self, node: _Function) -> None:
        start = first_line(node)
        params = _parameters(node.args)
        counted = [param for param in params if param.arg not in ("self", "cls")]
        self.metrics.append(UnitMetric(node.lineno, FUNCTION_LENGTH, float((node.end_lineno or node.lineno) - start + 1)))
        self.metrics.append(UnitMetric(node.lineno, PARAMETER_COUNT, float(len(counted))))
        self.check_docstring(node, "function")
        self.check_name(node.name, node, "function", self.name_column(node))
        for param in params:
            self.check_name(param.arg, param, "parameter")
        for decorator in node.decorator_list:
            self.visit(decorator)
        for default in [*node.args.defaults, *(item for item in node.args.kw_defaults if item is not None)]:
            self.visit(default)
        outer_depth, self.depth = self.depth, [0, 0]
        self.scopes.append(("function", node.name))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()
        self.metrics.append(UnitMetric(node.lineno, NESTING_DEPTH, float(self.depth[1])))
        self.depth = outer_depth

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.check_docstring(node, "class")
        self.check_name(node.name, node, "class", self.name_column(node))
        self.scopes.append(("class", node.name))
        self.generic_visit(node)
        self.scopes.pop()

    def check_docstring(self, node: _Function | ast.ClassDef, kind: str) -> None:
        # Nested functions and members of private scopes are not public API.
        private_scope = any(scope == "function" or name.startswith("_") for scope, name in self.scopes)
        if node.name.startswith("_") or private_scope:
            return
        if any(_dotted_name(decorator).endswith(_NOT_API_DECORATORS) for decorator in node.decorator_list):
            return
        if ast.get_docstring(node, clean=False) is None:
            self.report("DR-R006", node, f"public {kind} `{node.name}` has no docstring", self.name_column(node))
            self.issues[-1] = _one_line(self.issues[-1])

    # -- nesting ---------------------------------------------------------------------------------

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, _NESTING) and self.scopes and self.scopes[-1][0] == "function":
            self.depth[0] += 1
            self.depth[1] = max(self.depth)
            self.visit_nested(node)
            self.depth[0] -= 1
        else:
            super().generic_visit(node)

    def visit_nested(self, node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_elif(node):
            # An ``elif`` is a sibling branch of its ``if``, not a deeper level.
            for field_name, value in ast.iter_fields(node):
                if field_name != "orelse":
                    self.visit_value(value)
            self.depth[0] -= 1
            self.visit(node.orelse[0])
            self.depth[0] += 1
        else:
            super().generic_visit(node)

    def visit_value(self, value: object) -> None:
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    self.visit(item)
        elif isinstance(value, ast.AST):
            self.visit(value)

    # -- expressions -----------------------------------------------------------------------------

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        operands = _boolean_operands(node)
        if operands > MAX_BOOLEAN_OPERANDS:
            self.report("DR-R004", node, f"boolean expression with {operands} operands; name its parts")
        for value in _boolean_leaves(node):
            self.visit(value)

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        about_status = any(_mentions_status(operand) for operand in operands)
        for operand in operands:
            number = _number(operand)
            if number is None or number in PLAIN_NUMBERS or number in WELL_KNOWN_NUMBERS:
                continue
            if about_status and isinstance(number, int) and number in HTTP_STATUSES:
                continue
            self.report("DR-R007", operand, f"magic number {number!r} in a comparison; name it")
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        """Numbers in assertions state expected values; they are not magic."""

    # -- names -----------------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        factory = isinstance(node.value, ast.Call) and _dotted_name(node.value.func).endswith(_TYPE_FACTORIES)
        if not factory:  # T = TypeVar("T") is the convention
            for target in node.targets:
                for name in _names_in(target):
                    self.check_name(name.id, name, "variable")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        for name in _names_in(node.target):
            self.check_name(name.id, name, "variable")
        self.generic_visit(node)

    def check_name(self, name: str, node: ast.expr | ast.stmt | ast.arg, kind: str, column: int | None = None) -> None:
        reason = unclear(name)
        if reason:
            self.report("DR-R005", node, f"unclear {kind} name `{name}`: {reason}", column)
            self.issues[-1] = _one_line(self.issues[-1])


def _one_line(issue: Issue) -> Issue:
    """Issues about a definition's name point at the line of the name, not the whole body."""
    return Issue(issue.rule, issue.line, issue.line, issue.severity, issue.message, column=issue.column)


def _is_elif(node: ast.If) -> bool:
    return len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) and node.orelse[0].col_offset == node.col_offset


def _parameters(args: ast.arguments) -> list[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    found += [arg for arg in (args.vararg, args.kwarg) if arg is not None]
    return found


def _boolean_operands(node: ast.expr) -> int:
    if isinstance(node, ast.BoolOp):
        return sum(_boolean_operands(value) for value in node.values)
    return 1


def _boolean_leaves(node: ast.BoolOp) -> list[ast.expr]:
    leaves: list[ast.expr] = []
    for value in node.values:
        leaves += _boolean_leaves(value) if isinstance(value, ast.BoolOp) else [value]
    return leaves


def _mentions_status(node: ast.expr) -> bool:
    """``response.status_code``, ``status``, ``resp.status``, ``exit_code``: a name about a status."""
    name = _dotted_name(node).lower().rsplit(".", 1)[-1]
    return "status" in name or name == "code" or name.endswith("_code")


def _number(node: ast.expr) -> int | float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    return None


def _names_in(target: ast.expr) -> list[ast.Name]:
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names_in(element)]
    return []


def _dotted_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _dotted_name(node.func)
    if isinstance(node, ast.Attribute):
        return f"{_dotted_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ""


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
