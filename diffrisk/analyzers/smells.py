"""The smells of generated code that one file version shows: suppressions of other tools' checks
(DR-S002), broadened exception expectations in tests (DR-S003), swallowed errors (DR-S004), and
stubs or elisions left behind (DR-S005).

Like every analyzer it reports what a file version holds; the pipeline's matching keeps what the
change introduced (a ``# noqa`` that was already there, or a stub that only moved, is not new).
Comments are found with a regular expression and confirmed with ``tokenize`` on that one line,
so ``"# noqa"`` inside a string is not a suppression; lines inside multi-line strings are skipped.
"""

from __future__ import annotations

import ast
import re

from diffrisk import paths
from diffrisk.analyzers.scope import Scope
from diffrisk.model import FileResult, Issue, Severity
from diffrisk.pyfile.comments import MAX_LINE, comment_of, string_lines
from diffrisk.pyfile.source import PythonSource
from diffrisk.regex import Regex

NAME = "smells"
#: The changed statements are enough: a slice keeps changed comment lines wherever they stand,
#: and only issues on changed lines count (visiting whole files was measurably slower:
#: benchmarks/README.md, "Measurements behind the code").
SCOPE = Scope.STATEMENTS
#: See ``diffrisk.analyzers.Analyzer``.
MEASURES_FUNCTIONS = False

#: bandit's own marker, as bandit reads it (the pipeline gives no removal credit where one is added).
NOSEC = Regex(r"#[ \t]*nosec\b", re.I)
#: Comments that switch another tool's check off, with the tool's name for the message.
_SUPPRESSION_COMMENTS = (
    (NOSEC, "bandit's # nosec"),
    (Regex(r"#[ \t]*(?:flake8|ruff)[ \t]*:[ \t]*noqa\b", re.I), "file-wide # noqa"),
    (Regex(r"#[ \t]*noqa\b", re.I), "# noqa"),
    (Regex(r"#[ \t]*type:[ \t]*ignore\b"), "# type: ignore"),
    (Regex(r"#[ \t]*mypy:[ \t]*ignore-errors\b"), "file-wide # mypy: ignore-errors"),
    (Regex(r"#[ \t]*pyright:[ \t]*ignore\b"), "# pyright: ignore"),
    (Regex(r"#[ \t]*pyre-(?:ignore|fixme)\b"), "# pyre-ignore"),
    (Regex(r"#[ \t]*pragma:[ \t]*no[ \t]*cover\b", re.I), "# pragma: no cover"),
    (Regex(r"#[ \t]*pylint:[ \t]*(?:disable|skip-file)\b"), "# pylint: disable"),
)
#: Comments that stand where code was left out.  Each phrase must end the comment (a filler such
#: as "here", "unchanged" or "..." allowed), so prose that mentions "the rest of the function"
#: in passing is not an elision.  Matched on the comment's text, at most MAX_COMMENT characters.
_ELISION = Regex(
    r"^\W{0,10}\.\.\.[ \t]*(?:existing|previous|rest|remaining|other|more|same)\b"
    r"|\b(?:rest|remainder)[ \t]+of[ \t]+(?:the[ \t]+)?(?:code|implementation|function|method|file|class|logic)"
    r"(?:[ \t]+(?:here|unchanged|omitted|as[ \t]+before|goes[ \t]+here"
    r"|remains(?:[ \t]+the[ \t]+same|[ \t]+unchanged)?|stays[ \t]+the[ \t]+same))?[ \t.:)\]]*$"
    r"|\b(?:implementation|your[ \t]+code|code|logic)[ \t]+goes[ \t]+here[ \t.!:]*$"
    r"|^\W{0,10}(?:todo|fixme)\b\W{0,5}implement\b"
    r"|\b(?:existing|previous|original|remaining|other)[ \t]+(?:code|implementation|methods|logic)[ \t]+"
    r"(?:here|unchanged|omitted|as[ \t]+before|remains(?:[ \t]+the[ \t]+same|[ \t]+unchanged)?|stays[ \t]+the[ \t]+same)[ \t.:)\]]*$",
    re.I,
)
MAX_COMMENT = 500
SUPPRESSION_MARKER = Regex("|".join(pattern.pattern for pattern, _ in _SUPPRESSION_COMMENTS), re.I)
_ELISION_HINT = Regex(r"\.\.\.|rest|remainder|goes[ \t]+here|implement|existing|previous|original|remaining|other", re.I)
#: Decorators and calls that skip a test or expect it to fail.
_SKIP_NAMES = frozenset({
    "pytest.mark.skip", "pytest.mark.skipif", "pytest.mark.xfail", "mark.skip", "mark.skipif", "mark.xfail",
    "unittest.skip", "unittest.skipIf", "unittest.skipUnless", "unittest.expectedFailure",
    "skip", "skipIf", "skipUnless", "expectedFailure", "pytest.skip", "pytest.xfail",
})
#: What catches every error (``except:`` catches even KeyboardInterrupt).
_CATCH_ALL = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
#: Decorators under which an empty body is the point: abstract methods, overloads, click and
#: typer groups and commands (``@click.group() def cli(): pass``), pluggy hook specifications.
_EMPTY_BY_DESIGN = frozenset({
    "abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod", "overload",
    "group", "command", "hookspec",
})
#: Classes that declare an interface: their own name says so, or they derive directly from these.
_INTERFACE_NAME = Regex(r"^(?:Abstract|Base)[A-Z_]|(?:Base|Interface|Protocol|ABC|Mixin)$")
_INTERFACE_BASES = frozenset({"Protocol", "ABC", "ABCMeta"})
#: Functions where swallowing every error is the documented duty (__del__ must never raise).
_MUST_NOT_RAISE = frozenset({"__del__", "__exit__", "__aexit__"})
_Function = ast.FunctionDef | ast.AsyncFunctionDef


def analyze(source: PythonSource) -> FileResult:
    lines = source.text.split("\n")
    in_strings = string_lines(source.tree)
    issues = _comment_issues(lines, in_strings)
    visitor = _Visitor(paths.is_test(source.path), source.path.endswith(".pyi"))
    visitor.visit(source.tree)
    return FileResult(issues=tuple(sorted(issues + visitor.issues)))


# -- comments -------------------------------------------------------------------------------------


def _comment_issues(lines: list[str], in_strings: set[int]) -> list[Issue]:
    issues = []
    for number, line in enumerate(lines, start=1):
        if "#" not in line or number in in_strings or len(line) > MAX_LINE:
            continue
        if not (SUPPRESSION_MARKER.search(line) or _ELISION_HINT.search(line)):
            continue
        comment = comment_of(line)
        if comment is None:
            continue
        for pattern, what in _SUPPRESSION_COMMENTS:
            if pattern.search(comment):
                issues.append(Issue("DR-S002", number, number, Severity.LOW, f"new suppression: {what}"))
                break
        if _ELISION.search(comment.lstrip("#").strip()[:MAX_COMMENT]):
            issues.append(Issue("DR-S005", number, number, Severity.MEDIUM, "elision comment: code may have been left out here"))
    return issues


# -- the syntax tree ------------------------------------------------------------------------------


class _Visitor(ast.NodeVisitor):
    def __init__(self, in_tests: bool, stub_file: bool) -> None:
        self.in_tests = in_tests
        self.stub_file = stub_file
        self.issues: list[Issue] = []
        self.classes: list[ast.ClassDef] = []
        #: Names of the enclosing functions, innermost last.
        self.functions: list[str] = []
        #: Inside ``if TYPE_CHECKING:``, where bodies are declarations for type checkers only.
        self.type_checking = 0

    def visit_If(self, node: ast.If) -> None:
        if _dotted(node.test).rsplit(".", 1)[-1] != "TYPE_CHECKING":
            self.generic_visit(node)
            return
        self.type_checking += 1
        for statement in node.body:
            self.visit(statement)
        self.type_checking -= 1
        for statement in node.orelse:
            self.visit(statement)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._skips(node.decorator_list)
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def _function(self, node: _Function) -> None:
        self._skips(node.decorator_list)
        stub = _stub_kind(node.body)
        if stub is not None and self._reports_stub(node, stub):
            end = node.end_lineno or node.lineno
            self.issues.append(Issue("DR-S005", node.lineno, end, Severity.MEDIUM, f"stub left behind: `{node.name}` body is only {stub}"))
        enclosing, self.classes = self.classes, []
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()
        self.classes = enclosing

    def _reports_stub(self, node: _Function, stub: str) -> bool:
        """Empty bodies that are the point are not stubs: test doubles, registered callbacks (a
        decorated ``def cli(): pass`` is a click group), dunder no-ops, abstract methods raising
        NotImplementedError, interfaces, type-checking-only code and stub files."""
        if self.in_tests or self.stub_file or self.type_checking:
            return False
        if any(_dotted(_called(decorator)).rsplit(".", 1)[-1] in _EMPTY_BY_DESIGN for decorator in node.decorator_list):
            return False
        if node.name.startswith("__") and node.name.endswith("__"):
            return False
        if self.classes and stub == "`raise NotImplementedError`":
            return False
        return not self._is_interface(node)

    def _is_interface(self, node: _Function) -> bool:
        """A method of a class that is itself an interface: named so, or directly a Protocol or ABC."""
        if not self.classes:
            return False
        owner = self.classes[-1]
        bases = [_dotted(_generic_origin(base)) for base in owner.bases] + [_dotted(keyword.value) for keyword in owner.keywords]
        return bool(_INTERFACE_NAME.search(owner.name)) or any(base.rsplit(".", 1)[-1] in _INTERFACE_BASES for base in bases)

    def _skips(self, decorators: list[ast.expr]) -> None:
        for decorator in decorators:
            name = _dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
            if name in _SKIP_NAMES:
                message = f"new suppression: test skipped or expected to fail (@{name})"
                self.issues.append(Issue("DR-S002", decorator.lineno, decorator.lineno, Severity.LOW, message, subject=name))

    def visit_Assign(self, node: ast.Assign) -> None:
        # pytestmark = pytest.mark.skip(...) skips a whole module or class.
        if any(isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            self._skips(values)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        if name in ("pytest.skip", "pytest.xfail") or name.endswith(".skipTest"):
            message = f"new suppression: test skipped at run time ({name})"
            self.issues.append(Issue("DR-S002", node.lineno, node.lineno, Severity.LOW, message, subject=name))
        elif self.in_tests and _broad_raises(name, node):
            message = f"weakened test: {name}({_catch_all(node.args[0])}) accepts any error"
            self.issues.append(Issue("DR-S003", node.lineno, node.lineno, Severity.MEDIUM, message))
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        caught = _catch_all(node.type)
        if (node.type is None or caught) and _swallows(node.body) and not (self.functions and self.functions[-1] in _MUST_NOT_RAISE):
            what = "bare except" if node.type is None else f"except {caught}"
            end = node.body[-1].end_lineno or node.lineno
            self.issues.append(Issue("DR-S004", node.lineno, end, Severity.MEDIUM, f"swallowed error: {what} that does nothing"))
        self.generic_visit(node)


def _generic_origin(base: ast.expr) -> ast.expr:
    """``Protocol`` for ``Protocol[T]``."""
    return base.value if isinstance(base, ast.Subscript) else base


def _stub_kind(body: list[ast.stmt]) -> str | None:
    """"pass", "..." or "raise NotImplementedError" when that (after a docstring) is the whole body."""
    statements = body[1:] if body and _is_docstring(body[0]) else body
    if len(statements) != 1:
        return None
    only = statements[0]
    if isinstance(only, ast.Pass):
        return "`pass`"
    if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant) and only.value.value is Ellipsis:
        return "`...`"
    if isinstance(only, ast.Raise) and only.exc is not None:
        raised = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        if _dotted(raised) == "NotImplementedError":
            return "`raise NotImplementedError`"
    return None


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


def _swallows(body: list[ast.stmt]) -> bool:
    """A handler body that neither handles, records nor re-raises: pass, ..., continue, return (None)."""
    if len(body) != 1:
        return False
    only = body[0]
    if isinstance(only, (ast.Pass, ast.Continue)):
        return True
    if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant) and only.value.value is Ellipsis:
        return True
    return isinstance(only, ast.Return) and (only.value is None or (isinstance(only.value, ast.Constant) and only.value.value is None))


def _broad_raises(name: str, node: ast.Call) -> bool:
    """``pytest.raises(Exception)`` or ``assertRaises(Exception)``: any error at all passes the
    test (unless a ``match=`` or a regex pins the message)."""
    if not node.args or not (name in ("pytest.raises", "raises") or name.endswith("assertRaises")):
        return False
    if any(keyword.arg == "match" for keyword in node.keywords):
        return False
    return bool(_catch_all(node.args[0]))


def _catch_all(node: ast.expr | None) -> str:
    """The catch-everything class an exception spec names ("Exception"), alone or in a tuple; "" if none."""
    if node is None:
        return ""
    for kind in node.elts if isinstance(node, ast.Tuple) else [node]:
        name = _dotted(kind)
        if name in _CATCH_ALL:
            return name
    return ""


def _called(node: ast.expr) -> ast.expr:
    """``click.group`` for ``@click.group()``."""
    return node.func if isinstance(node, ast.Call) else node


def _dotted(node: ast.expr | None) -> str:
    """"a.b.c" for a name or attribute chain; "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""
