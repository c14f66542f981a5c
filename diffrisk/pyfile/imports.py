"""The top-level modules a file imports, and which of them a change newly brought in.

Only absolute imports count (a relative import is the repository's own code).  An import that
is guarded, inside ``try`` with a handler for ImportError (an optional dependency) or under
``if TYPE_CHECKING`` (never run), is not a runtime requirement.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Set

from diffrisk.pyfile.source import COMPOUND_STATEMENTS, PythonSource
from diffrisk.records import record

#: The standard library of every Python diffrisk may run on, plus modules removed from it, so the
#: answer does not depend on the interpreter that runs diffrisk (PEP 594 and 632 removals, and
#: Python 2's names, which compatibility code imports under ``try``).
_REMOVED_STDLIB = frozenset({
    "aifc", "asynchat", "asyncore", "audioop", "cgi", "cgitb", "chunk", "crypt", "distutils", "imghdr", "imp",
    "lib2to3", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "smtpd", "sndhdr", "spwd", "sunau",
    "telnetlib", "uu", "xdrlib", "__builtin__", "ConfigParser", "Cookie", "HTMLParser", "Queue", "SocketServer",
    "StringIO", "UserDict", "cPickle", "cStringIO", "commands", "cookielib", "httplib", "urllib2", "urlparse",
    "xmlrpclib", "thread", "dummy_thread", "exceptions", "sets", "md5", "sha", "new", "tkinter", "Tkinter",
    "_winreg",
})
STDLIB = frozenset(sys.stdlib_module_names) | _REMOVED_STDLIB | {"__future__", "__main__", "builtins"}
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


@record(order=True)
class NewImport:
    #: The first added line that imports it.
    line: int
    #: The top-level module, e.g. "requests" for ``from requests.adapters import X``.
    module: str


def imported(tree: ast.Module) -> dict[str, list[tuple[int, bool]]]:
    """Each absolute top-level module imported, with (line, guarded) for every import of it."""
    found: dict[str, list[tuple[int, bool]]] = {}
    _collect(tree.body, False, found)
    return found


def _collect(statements: Iterable[ast.stmt], guarded: bool, found: dict[str, list[tuple[int, bool]]]) -> None:
    for statement in statements:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                found.setdefault(alias.name.split(".")[0], []).append((statement.lineno, guarded))
        elif isinstance(statement, ast.ImportFrom):
            if statement.level == 0 and statement.module:
                found.setdefault(statement.module.split(".")[0], []).append((statement.lineno, guarded))
        elif isinstance(statement, ast.Try) or (sys.version_info >= (3, 11) and isinstance(statement, ast.TryStar)):
            catches = any(_catches_import_error(handler) for handler in statement.handlers)
            _collect(statement.body, guarded or catches, found)
            for handler in statement.handlers:
                _collect(handler.body, guarded, found)
            _collect(statement.orelse, guarded, found)
            _collect(statement.finalbody, guarded, found)
        elif isinstance(statement, ast.If):
            _collect(statement.body, guarded or _is_type_checking(statement.test), found)
            _collect(statement.orelse, guarded, found)
        elif isinstance(statement, COMPOUND_STATEMENTS):
            for field in ("body", "orelse", "finalbody"):
                nested = getattr(statement, field, None)
                if isinstance(nested, list):
                    _collect(nested, guarded, found)
            for case in getattr(statement, "cases", None) or []:
                _collect(case.body, guarded, found)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(_name(kind) in _IMPORT_ERRORS for kind in types)


def _is_type_checking(test: ast.expr) -> bool:
    return _name(test) == "TYPE_CHECKING"


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def new_imports(old: PythonSource | None, new: PythonSource, added: Set[int]) -> tuple[NewImport, ...]:
    """Third-party modules the new side imports unguarded on an added line, that the old side did not import."""
    before = set(imported(old.tree)) if old is not None else set()
    result = []
    for module, places in imported(new.tree).items():
        if module in before or module in STDLIB:
            continue
        lines = sorted(line for line, guarded in places if not guarded and line in added)
        if lines and not any(guarded for _, guarded in places):
            result.append(NewImport(lines[0], module))
    return tuple(sorted(result))
