"""One version of one Python file: decoded once, parsed once, its functions and classes located
once, with indexed line lookups.

Analyzers share the ``ast`` tree made here instead of parsing the file again.
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import tokenize
import warnings
from collections.abc import Iterable, Iterator

from diffrisk.model import DefinitionKind
from diffrisk.records import record
from diffrisk.regex import Regex

#: PEP 263: an encoding declaration, valid on one of the first two lines.
CODING_COOKIE = Regex(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class UndecodableSource(Exception):
    """The bytes are not text in the encoding the file declares (UTF-8 unless a cookie says)."""


@record
class Unit:
    """A function, method or class: what a reviewer reads and a hotspot names."""

    qualname: str
    #: 1-based line of the ``def``/``class`` keyword (what radon and ``ast`` call its line).
    def_line: int
    #: 1-based first line, decorators included, and last line, inclusive.
    start: int
    end: int
    kind: DefinitionKind = "function"
    #: The qualname, made unique for a name defined again in the same scope (a property's setter,
    #: a function defined in both branches of an ``if``): "C.x", then "C.x#2", "C.x#3"...
    key: str = ""


@record
class PythonSource:
    path: str
    text: str
    tree: ast.Module
    #: Functions and methods, in source order.
    units: tuple[Unit, ...]
    #: (start, end) 1-based line spans of the module's top-level statements, decorators included.
    top_level: tuple[tuple[int, int], ...]
    #: For each top-level statement, the class it defines, or None.
    top_level_classes: tuple[str | None, ...] = ()
    #: Classes, in source order.
    classes: tuple[Unit, ...] = ()

    @property
    def line_count(self) -> int:
        return line_count(self.text)

    @functools.cached_property
    def lines(self) -> list[str]:
        """The text's lines, without their line ends (split once per version)."""
        return self.text.split("\n")

    # Line lookups are indexed once per source: a scan per changed line is quadratic on a big
    # added file (every line added, each scanning every function).
    @functools.cached_property
    def _unit_owners(self) -> dict[int, Unit]:
        return _owners(self.units)

    @functools.cached_property
    def _class_owners(self) -> dict[int, Unit]:
        return _owners(self.classes)

    @functools.cached_property
    def function_nodes(self) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
        """Every function's node by its ``def`` line.  Functions are statements, so only
        statement bodies are walked (a walk of every expression node costs ten times as much),
        once per parsed version: ``log`` meets each version twice, as a commit's new side and as
        the next one's old side."""
        return {
            node.lineno: node for node, _ in _definition_nodes(self.tree.body, "")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }

    @functools.cached_property
    def _top_level_starts(self) -> list[int]:
        return [start for start, _ in self.top_level]

    def unit_at(self, line: int) -> Unit | None:
        """The most deeply nested function whose lines include ``line``."""
        return self._unit_owners.get(line)

    def class_at(self, line: int) -> Unit | None:
        """The most deeply nested class whose lines include ``line``."""
        return self._class_owners.get(line)

    def statement_at(self, line: int) -> int | None:
        """The index in ``top_level`` of the top-level statement holding ``line``, or None."""
        index = bisect.bisect_right(self._top_level_starts, line) - 1
        # Statements can share a line ("x = (1,\n 2); y = 3"): the first one holding it wins.
        while index > 0 and self.top_level[index - 1][1] >= line:
            index -= 1
        if index >= 0 and self.top_level[index][1] >= line:
            return index
        return None


def _owners(units: Iterable[Unit]) -> dict[int, Unit]:
    """Each line's innermost unit: of the units holding it, the one that starts last (a later
    start inside an earlier unit is nested in it)."""
    owners: dict[int, Unit] = {}
    for unit in sorted(units, key=lambda unit: unit.start):
        for line in range(unit.start, unit.end + 1):
            owners[line] = unit
    return owners


def line_count(text: str) -> int:
    """Lines in ``text`` as git counts them (a last line without a newline counts)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def decode(data: bytes) -> str:
    """Decode source bytes as Python does: a BOM or an encoding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        # error.object is what the codec saw: after a BOM, for utf-8-sig.
        decoded = bytes(error.object)
        raise UndecodableSource(_where(decoded, error.start, f"not valid {error.encoding}")) from None
    except UnicodeError as error:  # codecs such as punycode raise the base class
        raise UndecodableSource(str(error)) from None
    except (SyntaxError, LookupError) as error:
        if "invalid or missing encoding declaration" in str(error):
            # tokenize found bytes that are not UTF-8 in the first two lines, and no cookie.
            bad = _first_non_utf8(data)
            raise UndecodableSource(_where(data, bad, "not UTF-8 and no encoding declared")) from None
        raise UndecodableSource(str(error)) from None


def _first_non_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return 0


def _where(data: bytes, offset: int, what: str) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"{what} (byte 0x{data[offset]:02x} on line {line})"


def parse(path: str, text: str) -> PythonSource:
    """Parse ``text``; raises SyntaxError (or RecursionError/MemoryError for pathological input)."""
    with warnings.catch_warnings():
        # Invalid escape sequences and the like are the code's business, not noise for our users.
        warnings.simplefilter("ignore")
        tree = ast.parse(text, filename=path, type_comments=False)
    return from_tree(path, text, tree)


def from_tree(path: str, text: str, tree: ast.Module) -> PythonSource:
    definitions = _definitions(tree)
    return PythonSource(
        path,
        text,
        tree,
        tuple(unit for unit in definitions if unit.kind == "function"),
        _top_level(tree),
        tuple(node.name if isinstance(node, ast.ClassDef) else None for node in tree.body),
        tuple(unit for unit in definitions if unit.kind == "class"),
    )


def first_line(node: ast.stmt) -> int:
    """The 1-based first line of a statement, its decorators included."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


def _top_level(tree: ast.Module) -> tuple[tuple[int, int], ...]:
    return tuple((first_line(node), node.end_lineno or node.lineno) for node in tree.body)


def _definitions(tree: ast.Module) -> tuple[Unit, ...]:
    units: list[Unit] = []
    seen: dict[str, int] = {}

    def add(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, qualname: str, kind: DefinitionKind) -> None:
        seen[qualname] = seen.get(qualname, 0) + 1
        key = qualname if seen[qualname] == 1 else f"{qualname}#{seen[qualname]}"
        units.append(Unit(qualname, node.lineno, first_line(node), node.end_lineno or node.lineno, kind, key))

    for node, qualname in _definition_nodes(tree.body, ""):
        add(node, qualname, "class" if isinstance(node, ast.ClassDef) else "function")
    return tuple(sorted(units, key=lambda unit: (unit.start, unit.def_line)))


def _definition_nodes(
    body: list[ast.stmt], prefix: str,
) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, str]]:
    """Every function and class with its qualified name, in source order, by a walk of statement
    bodies only (definitions are statements; compound statements' bodies hold some too)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node, f"{prefix}{node.name}"
            yield from _definition_nodes(node.body, f"{prefix}{node.name}.")
        else:
            for child_body in child_bodies(node):
                yield from _definition_nodes(child_body, prefix)


#: The statements that hold statement lists; every other kind (most of any file) holds none.
COMPOUND_STATEMENTS = tuple(
    kind for kind in (
        ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While, ast.With,
        ast.AsyncWith, ast.Try, getattr(ast, "TryStar", None), ast.Match,
    ) if kind is not None
)


def child_bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """Statement lists nested in compound statements (functions defined under ``if``, ``try``...)."""
    if not isinstance(node, COMPOUND_STATEMENTS):
        return []
    bodies: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            bodies.append(value)
    for handler in getattr(node, "handlers", []):
        bodies.append(handler.body)
    for case in getattr(node, "cases", []):
        bodies.append(case.body)
    return bodies


def touches(targets: list[int], start: int, end: int) -> bool:
    """True when the sorted ``targets`` hold a line from ``start`` to ``end``."""
    index = bisect.bisect_left(targets, start)
    return index < len(targets) and targets[index] <= end


def depth(tree: ast.AST) -> int:
    """How deeply the syntax tree nests, counted without recursion (so any tree can be measured)."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest
