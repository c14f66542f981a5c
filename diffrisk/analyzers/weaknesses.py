"""Weaknesses a reviewer must read line by line, in the spellings bandit does not read, and the
confirmation that an eval or exec runs something computed (rules.WEAKNESSES).

- DR-W001 code execution: eval, exec or compile of something that is not a constant, or of a
  literal that itself calls or imports; __import__ or importlib.import_module of a computed name;
  getattr on a module or builtins with a computed name.  For eval and exec, bandit reports the
  call too (B307, B102): change.file_analysis keeps bandit's finding, now known to be a weakness.
- DR-W002 shell: a function that always runs a shell (``asyncio.create_subprocess_shell``,
  ``os.system``, ``pty.spawn`` of a shell...), ``shell`` passed through ``**{...}`` or a mapping
  bound in the file, a shell started with ``-c`` and a computed command (``["sh", "-c", cmd]``), and
  a notebook's shell command that interpolates values or pipes into a shell.
- DR-W003 TLS verification off: ``verify=`` a falsy constant or a name bound to one (annotated
  too), ``**{"verify": False}``, ``X.verify = False`` and ``setattr(X, "verify", False)``,
  ``check_hostname`` falsy, ``verify_mode``/``cert_reqs`` ``CERT_NONE`` (or 0).
- DR-W004 unsafe deserialization bandit does not see: pickle, marshal, shelve, dill or an unsafe
  YAML loader reached through an alias (``L = pickle.loads``, ``__import__("pickle").loads``).
- DR-W005 a hard-coded credential in a format issued by a known service (AWS, GitHub, Slack,
  Stripe, Google, OpenAI, Anthropic, private keys).
- DR-W006 SQL built from strings: an ``execute``-like call given a string built by formatting or
  concatenation with values (directly, or through a name bound to one in the same scope).

Names are resolved through the file's imports and simple assignments (``E = eval``, ``run =
os.system``, ``__builtins__["eval"]``, ``sys.modules["pickle"]``, ``getattr(os, "sys" + "tem")``), so
an alias is seen for what it is.  change.file_analysis keeps one finding per weakness and line:
bandit's where it reports the same weakness there.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator

from diffrisk.analyzers.scope import Scope
from diffrisk.model import FileResult, Issue, Severity
from diffrisk.pyfile.source import PythonSource
from diffrisk.regex import Regex

NAME = "weaknesses"
#: The changed statements, the imports and the module's assignments, to resolve what they call.
SCOPE = Scope.STATEMENTS_AND_NAMES
#: See ``diffrisk.analyzers.Analyzer``.
MEASURES_FUNCTIONS = False
#: What a notebook's shell command becomes in its code text (change.notebooks).
NOTEBOOK_SHELL = "__notebook_shell__"
NOTEBOOK_RUN = "__notebook_run__"

_CODE_RUNNERS = frozenset({"eval", "exec", "compile", "builtins.eval", "builtins.exec", "builtins.compile"})
_IMPORTERS = frozenset({"__import__", "builtins.__import__", "importlib.import_module", "importlib.__import__"})
#: Other ways to run code given as data: a function object from a code object, a module run by
#: path or name, an interactive interpreter.
_CODE_OBJECTS = frozenset({
    "types.FunctionType", "types.CodeType", "runpy.run_path", "runpy.run_module", "code.InteractiveInterpreter",
    "code.InteractiveConsole", "code.interact", "code.compile_command",
})
#: Environment variables that, set empty or to 0, turn certificate checks off for requests,
#: curl-based clients or Python's own https.
_TLS_VARIABLES = frozenset({"CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "PYTHONHTTPSVERIFY"})
#: Functions that start processes and take ``shell``.
_PROCESS = frozenset({
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
    "asyncio.create_subprocess_exec",
})
#: Functions that always run their command through a shell.
_SHELL_ALWAYS = frozenset({
    "os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "asyncio.create_subprocess_shell",
    "commands.getoutput", "commands.getstatusoutput", "platform.popen",
})
#: Functions that run a program given as a list (or as arguments): a shell with ``-c`` among them.
_ARGV_RUNNERS = _PROCESS | frozenset({"pty.spawn", "os.execv", "os.execve", "os.execvp", "os.execvpe", "os.execl", "os.execle",
                                      "os.execlp", "os.execlpe", "os.spawnv", "os.spawnve", "os.spawnvp", "os.spawnvpe",
                                      "os.spawnl", "os.spawnle", "os.spawnlp", "os.spawnlpe", "os.posix_spawn", "os.posix_spawnp"})
_SHELLS = Regex(r"^(?:.*/)?(?:ba|z|da|k|c|tc|fi)?sh$|^(?:.*\\)?cmd(?:\.exe)?$|^(?:.*/)?(?:pwsh|powershell)(?:\.exe)?$")
_SHELL_COMMAND_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command", "-lc", "-ec"})
_CERT_NONE = frozenset({"ssl.CERT_NONE", "CERT_NONE"})
_DESERIALIZERS = frozenset({
    "pickle.loads", "pickle.load", "pickle.Unpickler", "_pickle.loads", "_pickle.load", "cPickle.loads", "cPickle.load",
    "marshal.loads", "marshal.load", "shelve.open", "dill.loads", "dill.load", "jsonpickle.decode", "yaml.unsafe_load",
    "yaml.unsafe_load_all",
})
_YAML_LOADERS = frozenset({"yaml.load", "yaml.load_all"})
_SAFE_YAML = Regex(r"(^|\.)C?(Safe|Base)Loader$")
#: Methods that build a string from a template and values.
_FORMATTERS = frozenset({"format", "format_map", "join", "substitute", "safe_substitute"})
#: Methods that run SQL given as their first argument.
_SQL_RUNNERS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "raw", "mogrify"})
#: SQL: a statement as SQL starts one, or a WHERE clause comparing a column.
_SQL_START = Regex(
    r"^\s*(?:select\b[\s\S]*\bfrom\b|select\s+\*|insert\s+(?:or\s+\w+\s+)?into\b|update\s+\S+\s+set\b|delete\s+from\b"
    r"|(?:create|drop|alter|truncate)\s+(?:temp(?:orary)?\s+)?(?:table|index|view|database|schema|trigger|sequence)\b"
    r"|replace\s+into\b|pragma\s|with\s+(?:recursive\s+)?\w+\s+as\s*\()",
    re.IGNORECASE,
)
_SQL_CLAUSE = Regex(r"\bwhere\s+[\w.]+\s*(?:=|<|>|\blike\b|\bin\b)", re.IGNORECASE)
#: Credential formats services issue (their documented prefixes and lengths).
_CREDENTIALS = Regex(
    r"\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}\b|\bxox[abposr]-[A-Za-z0-9-]{10,}"
    r"|\b[sr]k_live_[0-9A-Za-z]{10,}\b|\bAIza[0-9A-Za-z_-]{35}\b|\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}\b"
    r"|-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"
)
#: Placeholders in documentation and tests (AWS's own example key ends so).
_PLACEHOLDER = Regex(r"EXAMPLE|example|XXXX|xxxx|dummy|DUMMY|fake|FAKE")
#: A notebook shell command that hands Python values or downloaded text to a shell.
_NOTEBOOK_DANGER = Regex(r"\$\w|\{[^}]+\}|\|\s*(?:sudo\s+)?(?:(?:ba|z|da|k)?sh|python\d*)\b|\b(?:ba|z|da|k)?sh\s*<")
_Function = ast.FunctionDef | ast.AsyncFunctionDef


def analyze(source: PythonSource) -> FileResult:
    visitor = _Visitor(*_aliases(source.tree))
    visitor.visit(source.tree)
    return FileResult(issues=tuple(sorted(set(visitor.issues), key=Issue.sort_key)))


def _aliases(tree: ast.Module) -> tuple[dict[str, str], frozenset[str]]:
    """What each imported or assigned name stands for (``il`` -> ``importlib``, ``go`` ->
    ``subprocess.run``, ``E`` -> ``eval`` after ``E = eval``), and the names that are modules."""
    found: dict[str, str] = {}
    assigned: list[tuple[str, ast.expr]] = []
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assigned += [(target.id, node.value) for target in targets if isinstance(target, ast.Name)]
    modules = frozenset(alias for alias, target in found.items() if "." not in target)
    resolver = _Resolver(found)
    for name, value in assigned:
        target = resolver.qualified(value)
        if target and target != name:
            found.setdefault(name, target)
    return found, modules


def _statements(tree: ast.Module) -> Iterator[ast.AST]:
    """The nodes ``ast.walk`` gives, in its order, but only statements and what holds them
    (``except`` and ``case`` clauses): an expression holds no statement, and they are most of a
    tree's nodes."""
    queue: deque[ast.AST] = deque([tree])
    while queue:
        node = queue.popleft()
        yield node
        queue.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, _HOLDS_STATEMENTS))


_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def _constant_string(node: ast.expr | None) -> str | None:
    """The value of a string written as literals (concatenated, or in an f-string of literals)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_string(node.left), _constant_string(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr) and all(isinstance(part, ast.Constant) for part in node.values):
        return "".join(str(part.value) for part in node.values if isinstance(part, ast.Constant))
    return None


def _is_constant(node: ast.expr | None) -> bool:
    """A literal (or a literal built of literals)."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(part, ast.Constant) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left) and _is_constant(node.right)
    return False


def _falsy_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (False, 0, "") and node.value is not None


class _Resolver:
    """Dotted names of what an expression refers to, through the file's aliases."""

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = aliases

    def qualified(self, node: ast.expr) -> str:
        """``subprocess.run`` for ``go`` when ``from subprocess import run as go``; ``builtins.eval``
        for ``__builtins__["eval"]``; ``pickle.loads`` for ``__import__("pickle").loads``."""
        parts: list[str] = []
        while True:
            if isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
            elif isinstance(node, ast.Subscript) and _constant_string(node.slice) is not None:
                head = self.qualified(node.value)
                key = _constant_string(node.slice) or ""
                if head in ("builtins", "__builtins__") or head.endswith("__builtins__"):
                    return ".".join(["builtins", key, *reversed(parts)])
                if head == "sys.modules":
                    return ".".join([key, *reversed(parts)])
                if head in ("globals", "locals"):
                    return _normal(".".join([self.aliases.get(key, key), *reversed(parts)]))
                return ""
            elif isinstance(node, ast.Call):
                head = self._called_module(node)
                return _normal(".".join([head, *reversed(parts)])) if head else ""
            else:
                break
        if not isinstance(node, ast.Name):
            return ""
        return _normal(".".join([self.aliases.get(node.id, node.id), *reversed(parts)]))

    def _called_module(self, node: ast.Call) -> str:
        """What a call whose result is used as a name gives: ``__import__("os")`` is ``os``,
        ``getattr(os, "system")`` is ``os.system``, ``globals()`` is ``globals``."""
        name = self.qualified(node.func)
        first = _constant_string(node.args[0]) if node.args else None
        if name in _IMPORTERS and first is not None:
            return first
        if name in ("getattr", "builtins.getattr") and len(node.args) >= 2:
            attribute = _constant_string(node.args[1])
            owner = self.qualified(node.args[0])
            return f"{owner}.{attribute}" if attribute is not None and owner else ""
        if name in ("globals", "locals", "builtins.globals", "builtins.locals") and not node.args:
            return "globals"
        if name in ("vars", "builtins.vars") and len(node.args) == 1:
            return self.qualified(node.args[0])  # vars(builtins)["eval"]
        return ""


def _normal(name: str) -> str:
    """``__builtins__`` (a module or its dict, as CPython pleases) is ``builtins``."""
    head, dot, rest = name.partition(".")
    return f"builtins{dot}{rest}" if head == "__builtins__" else name


class _Visitor(ast.NodeVisitor):
    def __init__(self, aliases: dict[str, str], modules: frozenset[str]) -> None:
        self.resolver = _Resolver(aliases)
        self.issues: list[Issue] = []
        #: Per enclosing scope, innermost last: names bound to a falsy constant, names bound to a
        #: mapping that sets ``shell``/``verify``, names bound to a string built with values.
        self.false_names: list[set[str]] = [set()]
        self.shell_mappings: list[set[str]] = [set()]
        self.built_strings: list[set[str]] = [set()]
        self.sql_texts: list[set[str]] = [set()]
        self.modules = modules
        #: The nodes called (a reference to eval that is called is read as a call, not a value).
        self.called: set[int] = set()

    def report(self, rule: str, node: ast.expr | ast.stmt, message: str) -> None:
        end = node.end_lineno or node.lineno
        self.issues.append(Issue(rule, node.lineno, end, Severity.HIGH, message, column=node.col_offset, confidence="high"))

    def qualified(self, node: ast.expr) -> str:
        return self.resolver.qualified(node)

    def _bound(self, sets: list[set[str]], name: str) -> bool:
        return name in sets[-1] or name in sets[0]

    # -- scopes and what names are bound to ---------------------------------------------------------

    def _function(self, node: _Function) -> None:
        scoped = (self.false_names, self.shell_mappings, self.built_strings, self.sql_texts)
        for sets in scoped:
            sets.append(set())
        self.generic_visit(node)
        for sets in scoped:
            sets.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        # Class attributes bound to a falsy constant are read as Class.attr: verify=Settings.verify.
        for statement in node.body:
            if isinstance(statement, ast.Assign) and _falsy_constant(statement.value):
                self.false_names[0].update(f"{node.name}.{target.id}" for target in statement.targets if isinstance(target, ast.Name))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._assigned(target, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value, node)
        self.generic_visit(node)

    def _assigned(self, target: ast.expr, value: ast.expr, node: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            for sets, bound in (
                (self.false_names, _falsy_constant(value)),
                (self.shell_mappings, self._sets_option(value, "shell", truthy=True)),
                (self.built_strings, self._built_string(value)),
                (self.sql_texts, _sql_text(_constant_string(value))),
            ):
                (sets[-1].add if bound else sets[-1].discard)(target.id)
        elif isinstance(target, ast.Attribute):
            self._attribute_set(target.attr, value, node)
        elif isinstance(target, ast.Subscript) and self.qualified(target.value) == "os.environ":
            variable = _constant_string(target.slice)
            if variable in _TLS_VARIABLES and (_falsy_constant(value) or _constant_string(value) == "0"):
                self.report("DR-W003", node, f"TLS verification turned off: `{variable}` set to {ast.unparse(value)}")

    def _attribute_set(self, attribute: str, value: ast.expr, node: ast.expr | ast.stmt) -> None:
        if attribute in ("verify", "check_hostname") and self._falsy(value):
            self.report("DR-W003", node, f"TLS verification turned off: `.{attribute} = {ast.unparse(value)}`")
        elif attribute == "verify_mode" and (self.qualified(value) in _CERT_NONE or _is_zero(value)):
            self.report("DR-W003", node, "TLS verification turned off: `.verify_mode = CERT_NONE`")

    # -- calls -----------------------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        self._reference(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._reference(node)
        self.generic_visit(node)

    def _reference(self, node: ast.Name | ast.Attribute) -> None:
        """eval, a deserializer or a shell function passed as a value (to a lambda, a map, a
        staticmethod): it will be called where no call of it can be seen."""
        if not isinstance(node.ctx, ast.Load) or id(node) in self.called:
            return
        name = self.qualified(node)
        if name in ("eval", "exec", "builtins.eval", "builtins.exec"):
            self.report("DR-W001", node, f"`{name.removeprefix('builtins.')}` is passed as a value: what calls it runs code")
        elif name in _DESERIALIZERS:
            self.report("DR-W004", node, f"`{name}` is passed as a value: what calls it deserializes data that can run code")
        elif name in _SHELL_ALWAYS:
            self.report("DR-W002", node, f"`{name}` is passed as a value: what calls it runs a shell")

    def visit_Call(self, node: ast.Call) -> None:
        self.called.add(id(node.func))
        name = self.qualified(node.func)
        self._code_execution(name, node)
        self._shell(name, node)
        self._tls(name, node)
        self._deserialization(name, node)
        self._sql(node)
        self.generic_visit(node)

    def _code_execution(self, name: str, node: ast.Call) -> None:
        first = node.args[0] if node.args else None
        if name == NOTEBOOK_RUN:
            target = (_constant_string(first) or "").split()
            script = next((part for part in target if not part.startswith("-")), "")
            if not script.endswith((".py", ".ipynb")):
                self.report("DR-W001", node, f"the notebook runs {script or 'a file'!r} as Python, which is not read as Python here")
            return
        if name in _CODE_RUNNERS and node.args:
            if not _is_constant(first):
                self.report("DR-W001", node, f"`{name.removeprefix('builtins.')}` runs code computed at run time")
            elif _literal_calls(first):
                self.report("DR-W001", node, f"`{name.removeprefix('builtins.')}` runs a string of code that calls or imports")
        elif name in _CODE_OBJECTS and (name.startswith("code.Interactive") or not all(_is_constant(argument) for argument in node.args)):
            self.report("DR-W001", node, f"`{name}` runs code given to it at run time")
        elif name in _IMPORTERS and node.args and not _is_constant(first):
            self.report("DR-W001", node, f"`{name}` imports a module whose name is computed at run time")
        elif name in ("getattr", "builtins.getattr") and len(node.args) >= 2 and self._is_module(node.args[0]) \
                and _constant_string(node.args[1]) is None:
            self.report("DR-W001", node, "`getattr` takes a computed name from a module: any of its functions can be called")

    def _shell(self, name: str, node: ast.Call) -> None:
        if name == NOTEBOOK_SHELL:
            command = _constant_string(node.args[0]) if node.args else None
            in_cell = any(keyword.arg == "cell" for keyword in node.keywords)
            if in_cell:
                self.report("DR-W002", node, "a notebook shell cell runs this line as a shell command")
            elif command is None or _NOTEBOOK_DANGER.search(command):
                self.report("DR-W002", node, "a notebook shell command hands values or downloaded text to a shell")
        elif name in _SHELL_ALWAYS or self._ipython_shell(node):
            if node.args and not _is_constant(node.args[0]):
                self.report("DR-W002", node, f"`{name or ast.unparse(node.func)}` runs its command through a shell")
        elif name in _PROCESS and self._shell_in_mapping(node):
            self.report("DR-W002", node, f"`{name}` runs a shell: `shell` is set through a `**` mapping")
        elif name in _ARGV_RUNNERS and _shell_with_command(node.args):
            self.report("DR-W002", node, f"`{name}` starts a shell with `-c` and a computed command")

    def _tls(self, name: str, node: ast.Call) -> None:
        if name in ("setattr", "builtins.setattr") and len(node.args) == 3:
            attribute = _constant_string(node.args[1])
            if attribute is not None:
                self._attribute_set(attribute, node.args[2], node)
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "verify" and self._falsy(value):
                self.report("DR-W003", node, f"TLS verification turned off: `verify={ast.unparse(value)}`")
            elif keyword.arg in ("cert_reqs", "verify_mode") and (
                self.qualified(value) in _CERT_NONE or _constant_string(value) == "CERT_NONE" or _is_zero(value)
            ):
                self.report("DR-W003", node, f"TLS verification turned off: `{keyword.arg}=CERT_NONE`")
            elif keyword.arg is None and self._sets_option(value, "verify", truthy=False):
                self.report("DR-W003", node, "TLS verification turned off: `verify` set to False through a `**` mapping")

    def _deserialization(self, name: str, node: ast.Call) -> None:
        allows_pickle = any(
            keyword.arg == "allow_pickle" and not _falsy_constant(keyword.value) for keyword in node.keywords
        )
        if name in _DESERIALIZERS or allows_pickle:
            self.report("DR-W004", node, f"`{name}` deserializes data that can run code when loaded")
        elif name in _YAML_LOADERS:
            loader = next((keyword.value for keyword in node.keywords if keyword.arg == "Loader"), None)
            loader = loader if loader is not None or len(node.args) < 2 else node.args[1]
            if loader is None or not _SAFE_YAML.search(self.qualified(loader) or ast.unparse(loader)):
                self.report("DR-W004", node, f"`{name}` with a loader that can build any Python object")

    def _sql(self, node: ast.Call) -> None:
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in _SQL_RUNNERS and node.args):
            return
        query = node.args[0]
        built = self._built_string(query) or isinstance(query, ast.Name) and self._bound(self.built_strings, query.id)
        if built:
            self.report("DR-W006", node, f"`.{node.func.attr}` runs SQL built from strings and values: pass the values as parameters")

    def visit_Constant(self, node: ast.Constant) -> None:
        text = node.value if isinstance(node.value, str) else None
        if text is not None and len(text) < 10_000 and _CREDENTIALS.search(text) and not _PLACEHOLDER.search(text):
            self.report("DR-W005", node, "a credential in a format a service issues is written into the code")

    # -- helpers -------------------------------------------------------------------------------------------

    def _falsy(self, value: ast.expr) -> bool:
        """A falsy constant, or a name this scope (or the module) bound to one, or a class
        attribute bound to one."""
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            return f"{value.value.id}.{value.attr}" in self.false_names[0]
        return _falsy_constant(value) or isinstance(value, ast.Name) and self._bound(self.false_names, value.id)

    def _ipython_shell(self, node: ast.Call) -> bool:
        """``get_ipython().system(cmd)``: IPython runs ``cmd`` through a shell."""
        func = node.func
        return isinstance(func, ast.Attribute) and func.attr in ("system", "getoutput") and isinstance(func.value, ast.Call) \
            and self.qualified(func.value.func) == "get_ipython"

    def _is_module(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and (node.id in self.modules or node.id in ("builtins", "__builtins__"))

    def _sets_option(self, value: ast.expr, option: str, truthy: bool) -> bool:
        """Whether a mapping (a dict literal, ``dict(...)``, or a name bound to one that sets
        ``shell``) sets ``option`` to a truthy (or, ``truthy`` False, a falsy) value."""
        if isinstance(value, ast.Name) and option == "shell":
            return self._bound(self.shell_mappings, value.id)
        pairs: list[tuple[str | None, ast.expr]] = []
        if isinstance(value, ast.Dict):
            pairs = [(_constant_string(key) if key is not None else None, item) for key, item in zip(value.keys, value.values)]
        elif isinstance(value, ast.Call) and self.qualified(value.func) in ("dict", "builtins.dict"):
            pairs = [(keyword.arg, keyword.value) for keyword in value.keywords]
        for key, item in pairs:
            if key == option:
                falsy = _falsy_constant(item) or isinstance(item, ast.Constant) and item.value is None
                return not falsy if truthy else _falsy_constant(item)
        return False

    def _shell_in_mapping(self, node: ast.Call) -> bool:
        return any(keyword.arg is None and self._sets_option(keyword.value, "shell", truthy=True) for keyword in node.keywords)

    def _built_string(self, node: ast.expr) -> bool:
        """A string that reads as SQL, built from literals and values (%, +, f-string, format, join)."""
        if isinstance(node, ast.JoinedStr):
            return any(isinstance(part, ast.FormattedValue) for part in node.values) and self._looks_like_sql(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
            return not _is_constant(node) and self._looks_like_sql(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FORMATTERS:
            values = [*node.args, *(keyword.value for keyword in node.keywords)]
            has_values = not all(_is_constant(value) for value in values)
            return has_values and self._looks_like_sql(node)
        return False

    def _looks_like_sql(self, node: ast.expr) -> bool:
        """Whether the expression's literals, or the names it uses for SQL text, read as SQL."""
        for part in ast.walk(node):
            if isinstance(part, ast.Constant) and isinstance(part.value, str) and _sql_text(part.value):
                return True
            if isinstance(part, ast.Name) and self._bound(self.sql_texts, part.id):
                return True
        return False


def _sql_text(text: str | None) -> bool:
    return text is not None and bool(_SQL_START.search(text) or _SQL_CLAUSE.search(text))


def _is_zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0 and node.value is not False


def _literal_calls(node: ast.expr | None) -> bool:
    """Whether a string of code written as a literal calls or imports anything when run (``eval('1
    + 1')`` runs nothing anyone should read twice; ``exec('\\x69mport os...')`` does)."""
    text = _constant_string(node)
    if text is None:
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(isinstance(part, (ast.Call, ast.Import, ast.ImportFrom)) for part in ast.walk(tree))


def _argv(arguments: list[ast.expr]) -> list[ast.expr]:
    """The program and its arguments as a call gives them: one list (``subprocess.run([...])``), a
    path and a list (``os.execv(path, [...])``), or each as an argument (``os.execl(path, arg0, ...)``)."""
    if not arguments:
        return []
    if isinstance(arguments[0], (ast.List, ast.Tuple)):
        return list(arguments[0].elts)
    if len(arguments) > 1 and isinstance(arguments[1], (ast.List, ast.Tuple)):
        return [arguments[0], *arguments[1].elts]
    return list(arguments)


def _shell_with_command(arguments: list[ast.expr]) -> bool:
    """A shell given ``-c`` and a command that is not a constant: ``["sh", "-c", cmd]``, or
    ``os.execl("/bin/sh", "sh", "-c", cmd)``."""
    items = _argv(arguments)
    texts = [_constant_string(item) for item in items]
    if not any(text is not None and _SHELLS.match(text) for text in texts[:2]):
        return False
    for index, text in enumerate(texts):
        if text in _SHELL_COMMAND_FLAGS:
            return index + 1 < len(items) and not _is_constant(items[index + 1])
    return False
