"""One version of one Python file: decoded once, parsed once, its functions located once.

Analyzers share the ``ast`` tree made here instead of parsing the file again.
"""

from __future__ import annotations

import ast
import bisect
import copy
import functools
import io
import re
import tokenize
import warnings
from collections.abc import Iterable
from dataclasses import dataclass


#: PEP 263: an encoding declaration, valid on one of the first two lines.
CODING_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class UndecodableSource(Exception):
    """The bytes are not text in the encoding the file declares (UTF-8 unless a cookie says)."""


@dataclass(frozen=True)
class Unit:
    """A function, method or class: what a reviewer reads and a hotspot names."""

    qualname: str
    #: 1-based line of the ``def``/``class`` keyword (what radon and ``ast`` call its line).
    def_line: int
    #: 1-based first line, decorators included, and last line, inclusive.
    start: int
    end: int
    kind: str = "function"  # or "class"
    #: The qualname, made unique for a name defined again in the same scope (a property's setter,
    #: a function defined in both branches of an ``if``): "C.x", then "C.x#2", "C.x#3"...
    key: str = ""


@dataclass(frozen=True)
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

    # Line lookups are indexed once per source: a scan per changed line took minutes on files
    # of 100,000 lines (every line added, each scanning every function).
    @functools.cached_property
    def _unit_owners(self) -> dict[int, Unit]:
        return _owners(self.units)

    @functools.cached_property
    def _class_owners(self) -> dict[int, Unit]:
        return _owners(self.classes)

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


#: Python 3's own messages for Python 2 syntax, and what that syntax is called.
_PYTHON2_MESSAGES = (
    ("Missing parentheses in call to 'print'", "print statement"),
    ("Missing parentheses in call to 'exec'", "exec statement"),
    ("multiple exception types must be parenthesized", "'except Type, name'"),
    ("leading zeros in decimal integer literals", "octal literal without 0o"),
)
#: Python 2 syntax Python 3 only calls invalid, told apart on the offending line.  Each pattern
#: is linear (no nested repetition), so a hostile long line costs only its length.
_PYTHON2_LINES = (
    (re.compile(r"`"), "backquote repr"),
    (re.compile(r"<>"), "'<>' operator"),
    (re.compile(r"(?<![\w.])[uU][rR][\"']"), "ur'' string"),
    (re.compile(r"(?<![\w.])(?:0[xX][0-9a-fA-F]+|[0-9]+)[lL]\b"), "long integer literal"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "'raise Type, message'"),
)


def python2_syntax(error: SyntaxError) -> str | None:
    """The Python 2 construct a SyntaxError stopped at, or None when it is not one."""
    for message, name in _PYTHON2_MESSAGES:
        if error.msg.startswith(message):
            return name
    if error.msg not in ("invalid syntax", "invalid decimal literal", "invalid hexadecimal literal"):
        return None
    line = error.text or ""
    at = (error.offset or 0) - 1
    # The construct must be where Python stopped: a backquote in a comment is not Python 2.
    for pattern, name in _PYTHON2_LINES:
        if any(match.start() <= at < match.end() for match in pattern.finditer(line)):
            return name
    return None


def parse(path: str, text: str) -> PythonSource:
    """Parse ``text``; raises SyntaxError (or RecursionError/MemoryError for pathological input)."""
    with warnings.catch_warnings():
        # Invalid escape sequences and the like are the code's business, not noise for our users.
        warnings.simplefilter("ignore")
        tree = ast.parse(text, filename=path, type_comments=False)
    return _source(path, text, tree)


def _source(path: str, text: str, tree: ast.Module) -> PythonSource:
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

    def add(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, qualname: str, kind: str) -> None:
        seen[qualname] = seen.get(qualname, 0) + 1
        key = qualname if seen[qualname] == 1 else f"{qualname}#{seen[qualname]}"
        units.append(Unit(qualname, node.lineno, first_line(node), node.end_lineno or node.lineno, kind, key))

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                add(node, f"{prefix}{node.name}", "function")
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, ast.ClassDef):
                add(node, f"{prefix}{node.name}", "class")
                visit(node.body, f"{prefix}{node.name}.")
            else:
                for child_body in child_bodies(node):
                    visit(child_body, prefix)

    visit(tree.body, "")
    return tuple(sorted(units, key=lambda unit: (unit.start, unit.def_line)))


def child_bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """Statement lists nested in compound statements (functions defined under ``if``, ``try``...)."""
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


def slice_source(source: PythonSource, wanted: Iterable[int], keep_imports: bool) -> PythonSource:
    """The same file with only the top-level statements holding ``wanted`` lines left in place.

    Everything else becomes blank lines, so line numbers stay true and the text still parses.
    Inside a class only the touched body statements are kept (with the class header).  With
    ``keep_imports`` top-level imports stay too, for tools that resolve names through them.
    Comment lines among ``wanted`` stay wherever they are (a comment is valid anywhere).  The tree
    is the original tree pruned the same way, so nothing is parsed again.
    """
    targets = sorted(set(wanted))
    lines = source.text.split("\n")
    keep: set[int] = set()
    body: list[ast.stmt] = []
    for node in source.tree.body:
        start, end = first_line(node), node.end_lineno or node.lineno
        if keep_imports and _is_import_block(node):
            keep.update(range(start, end + 1))
            body.append(node)
        elif touches(targets, start, end):
            kept, kept_lines = _class_slice(node, targets) if isinstance(node, ast.ClassDef) else (node, range(start, end + 1))
            keep.update(kept_lines)
            body.append(kept)
    keep.update(line for line in targets if 0 < line <= len(lines) and lines[line - 1].lstrip().startswith("#"))
    if len(body) == len(source.tree.body) and all(a is b for a, b in zip(body, source.tree.body)):
        return source
    text = "\n".join(line if number in keep else "" for number, line in enumerate(lines, start=1))
    return _source(source.path, text, ast.Module(body=body, type_ignores=[]))


def touches(targets: list[int], start: int, end: int) -> bool:
    """True when the sorted ``targets`` hold a line from ``start`` to ``end``."""
    index = bisect.bisect_left(targets, start)
    return index < len(targets) and targets[index] <= end


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


def comment_of(line: str) -> str | None:
    """The comment on one line of code, read by Python's tokenizer (None: no comment), so a
    ``#`` inside a string on that line is not taken for one."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line.lstrip()).readline):
            if token.type == tokenize.COMMENT:
                return token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None  # an unclosed bracket ends the line's tokens; a comment would have come first
    return None


def string_lines(tree: ast.AST) -> set[int]:
    """Lines inside a string literal that spans lines (after its first line), where a ``#`` is
    text, not a comment.  Anywhere else, a line whose first character is ``#`` is a comment."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno and node.end_lineno > node.lineno:
            if isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes)):
                inside.update(range(node.lineno + 1, node.end_lineno + 1))
    return inside


def depth(tree: ast.AST) -> int:
    """How deeply the syntax tree nests, counted without recursion (so any tree can be measured)."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest
