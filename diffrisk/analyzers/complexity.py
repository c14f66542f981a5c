"""Complexity, through radon's public API: cyclomatic complexity per function and the file's
maintainability index.  Uses the shared ``ast`` tree; radon never parses the file again.

The maintainability index is radon's formula (``mi_compute``) over radon's Halstead volume and
cyclomatic complexity.  Its line counts (logical lines, comment and docstring lines) come from the
same tree instead of ``radon.raw.analyze``, which tokenizes the file piece by piece and cost more
than everything else in this module together (benchmarks/README.md).

radon's visitors add up what they find statement by statement: a module's total complexity is 1
plus what each top-level statement adds, a class's is 1 plus what each statement of its body adds,
and the Halstead counts are sums and unions of sets.  So radon is run on each top-level statement,
and on each statement of a top-level class body, apart, and the parts are added as radon adds
them (``_Part``).  A part depends only on its statement's text, so it is kept by that text: the
two versions of a changed file share all but the changed statements, and ``diffrisk log`` meets
each version twice, so only what a change touched is analysed again.  The result is radon's for
the whole file (tests/test_analyzers.py checks it against radon on real files).
"""

from __future__ import annotations

import ast
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

from diffrisk.analyzers.scope import Scope
from diffrisk.model import CYCLOMATIC_COMPLEXITY, MAINTAINABILITY_INDEX, FileResult, UnitMetric
from diffrisk.pyfile.source import PythonSource, child_bodies, first_line
from diffrisk.records import record

NAME = "complexity"
#: See ``diffrisk.analyzers.Scope``; the pipeline gives this analyzer only what it needs.
SCOPE = Scope.FILE
#: Whether it measures functions (``FileResult.unit_metrics``): the old side of a change is then
#: also analysed for the functions the change touched, for their "before" measurements.
MEASURES_FUNCTIONS = True

#: Statements whose parts are kept (each a few numbers and the Halstead sets of one statement),
#: and their text at most: a part's sets grow with its statement, and a generated module's one
#: huge table, changed by every commit, must not fill a ``log`` worker's memory.
KEPT_PARTS = 8192
KEPT_TEXT = 8_000_000


@record
class _Part:
    """What one statement adds to its file's radon results; lines count from its first line."""

    #: What it adds to the module's total cyclomatic complexity.
    complexity: int
    #: (def line - the statement's first line, complexity) of each function radon reports.
    functions: tuple[tuple[int, int], ...]
    operators: int
    operands: int
    operators_seen: frozenset[Any]
    #: Distinct operands that are values (names, attributes, constants), with their function.
    operands_seen: frozenset[Any]
    #: Distinct operands that are expressions (a call, a subscript): radon tells those apart by
    #: node, so each occurrence of the statement has its own, even where its text repeats.
    expression_operands: int
    #: Statements, nested ones included (the maintainability index's logical lines).
    statements: int
    #: (first, last) line of each string statement (docstrings), from the statement's first line.
    strings: tuple[tuple[int, int], ...]


def analyze(source: PythonSource) -> FileResult:
    from radon.metrics import mi_compute

    lines = source.lines
    parts = list(_parts(source.tree, lines))
    complexity = 1 + sum(part.complexity for part, _ in parts)
    metrics = {
        UnitMetric(start + offset, CYCLOMATIC_COMPLEXITY, float(value))
        for part, start in parts for offset, value in part.functions
    }
    strings = [(start + first, start + last) for part, start in parts for first, last in part.strings]
    logical_lines, comment_percent = _line_counts(lines, sum(part.statements for part, _ in parts), strings)
    mi = mi_compute(_volume(part for part, _ in parts), complexity, logical_lines, comment_percent)
    return FileResult(unit_metrics=tuple(sorted(metrics)), file_metrics=((MAINTAINABILITY_INDEX, round(mi, 2)),))


def _parts(tree: ast.Module, lines: list[str]) -> Iterator[tuple[_Part, int]]:
    """Each part of the file with its first line: top-level statements, and the header and body
    statements of top-level classes."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            yield _class_header(node), node.lineno
        for child, kind in _kept_nodes(node):
            yield _kept(lines, child, kind), first_line(child)


def _kept_nodes(node: ast.stmt) -> list[tuple[ast.stmt, str]]:
    """The statements of a top-level statement whose parts are kept, with their kind: a class's
    body statements ("member"), else the statement itself."""
    if isinstance(node, ast.ClassDef):
        return [(child, "member") for child in node.body]
    return [(node, "statement")]


#: A part's key: its kind ("statement" or "member"), its columns, its ``def`` line less its first
#: line (decorators), and its text.
_Key = tuple[str, int, "int | None", int, str]
_KEPT: OrderedDict[_Key, _Part] = OrderedDict()
#: The total length of the kept statements' texts.
_KEPT_TEXT = [0]


def _kept(lines: list[str], node: ast.stmt, kind: str) -> _Part:
    """The part of ``node``, kept by its text: the same text at the same columns is the same
    syntax tree, wherever in whichever file it is."""
    key = _key(lines, node, kind)
    found = _KEPT.get(key)
    if found is not None:
        _KEPT.move_to_end(key)
        return found
    part = _member(node, first_line(node)) if kind == "member" else _statement(node, first_line(node))
    _keep(key, part)
    return part


def _key(lines: list[str], node: ast.stmt, kind: str) -> _Key:
    start = first_line(node)
    end = node.end_lineno or node.lineno
    return kind, node.col_offset, node.end_col_offset, node.lineno - start, "\n".join(lines[start - 1: end])


def _keep(key: _Key, part: _Part) -> None:
    if key in _KEPT:
        return
    _KEPT[key] = part
    _KEPT_TEXT[0] += len(key[-1])
    while len(_KEPT) > KEPT_PARTS or _KEPT_TEXT[0] > KEPT_TEXT and len(_KEPT) > 1:
        dropped, _ = _KEPT.popitem(last=False)
        _KEPT_TEXT[0] -= len(dropped[-1])


# -- parts kept between runs ----------------------------------------------------------------------
#
# A hook's new version shares all but the changed statements with HEAD's, whose parts an earlier
# run worked out: kept on disk with HEAD's result (change.analyzed_version), they spare the new
# version all but its changed statements.  As text, so that nothing on disk is ever unpickled:
# each Halstead operand's value is a literal's repr, read back by ``ast.literal_eval``.


def export_parts(source: PythonSource) -> str:
    """The kept parts of ``source``'s statements, as text for ``seed_parts``."""
    entries = []
    for node in source.tree.body:
        for child, kind in _kept_nodes(node):
            key = _key(source.lines, child, kind)
            part = _KEPT.get(key)
            if part is not None:
                entries.append([list(key), _encode_part(part)])
    return json.dumps(entries, separators=(",", ":"))


def seed_parts(text: str) -> None:
    """Keep the parts ``export_parts`` wrote; text that does not read back whole is ignored (the
    parts are then worked out again, as they would have been)."""
    try:
        entries = json.loads(text)
        iter(entries)
    except (ValueError, TypeError, RecursionError):
        return
    for entry in entries:
        try:
            key, part = entry
            _keep(_decode_key(key), _decode_part(part))
        except (ValueError, TypeError, KeyError, SyntaxError, MemoryError, RecursionError):
            continue


def _encode_part(part: _Part) -> list[Any]:
    operands = [[context, *_encode_value(value)] for context, value in part.operands_seen]
    return [
        part.complexity, [list(item) for item in part.functions], part.operators, part.operands, sorted(part.operators_seen),
        operands, part.expression_operands, part.statements, [list(item) for item in part.strings],
    ]


def _encode_value(value: Any) -> list[str]:
    """An operand's value (a name, or a literal's value) as text: floats exactly (infinities
    too, which ``1e999`` gives), the rest as the repr ``ast.literal_eval`` reads back."""
    if isinstance(value, float):
        return ["float", value.hex()]
    if value is Ellipsis:
        return ["ellipsis"]
    return ["repr", repr(value)]


def _decode_value(kind: str, *text: str) -> Any:
    if kind == "float":
        return float.fromhex(text[0])
    if kind == "ellipsis":
        return Ellipsis
    if kind == "repr":
        return ast.literal_eval(text[0])
    raise ValueError(f"not an operand: {kind!r}")


def _decode_key(key: Any) -> _Key:
    kind, column, end_column, offset, text = key
    if kind not in ("statement", "member") or not isinstance(text, str):
        raise ValueError("not a part's key")
    return kind, int(column), None if end_column is None else int(end_column), int(offset), text


def _decode_part(entry: Any) -> _Part:
    complexity, functions, operators, operands, operators_seen, operands_seen, expression_operands, statements, strings = entry
    values = frozenset((None if context is None else str(context), _decode_value(*value)) for context, *value in operands_seen)
    return _Part(
        int(complexity), tuple((int(line), int(value)) for line, value in functions), int(operators), int(operands),
        frozenset(str(operator) for operator in operators_seen), values, int(expression_operands), int(statements),
        tuple((int(first), int(last)) for first, last in strings),
    )


def _statement(node: ast.stmt, start: int) -> _Part:
    """A top-level statement, as radon's module visitor sees it."""
    from radon.visitors import ComplexityVisitor

    visitor = ComplexityVisitor()
    visitor.visit(node)
    added = visitor.complexity - 1 + visitor.functions_complexity + visitor.classes_complexity
    return _with_halstead([node], added, _functions(visitor.blocks), start, list(_statements([node])))


def _member(node: ast.stmt, start: int) -> _Part:
    """A statement of a top-level class's body, as radon's class visitor sees it (``classname``
    only names radon's methods, which are reported by line, so any name gives the same part)."""
    from radon.visitors import ComplexityVisitor

    visitor = ComplexityVisitor(True, "", off=False)
    visitor.visit(node)
    added = visitor.complexity + visitor.functions_complexity + len(visitor.functions)
    functions = [*_functions(visitor.functions), *_nested_class_functions(visitor.classes)]
    return _with_halstead([node], added, functions, start, list(_statements([node])))


def _class_header(node: ast.ClassDef) -> _Part:
    """A top-level class without its body: no complexity (radon starts a class at 1 and takes
    the 1 off again in the module's total; its body adds the rest, ``_member``), and the Halstead
    counts of its bases, keywords and decorators."""
    header: list[ast.AST] = [*node.bases, *node.keywords, *node.decorator_list, *getattr(node, "type_params", [])]
    return _with_halstead(header, 0, [], node.lineno, statements=[node])


def _with_halstead(
    nodes: list[ast.AST], complexity: int, functions: Iterable[Any], start: int, statements: list[ast.stmt],
) -> _Part:
    """The part, with radon's Halstead counts of ``nodes`` as its module visitor counts them, and
    the line counts of its ``statements``."""
    from radon.visitors import HalsteadVisitor

    visitor = HalsteadVisitor()
    for node in nodes:
        visitor.visit(node)
    values = frozenset(operand for operand in visitor.operands_seen if not isinstance(operand[1], ast.AST))
    return _Part(
        complexity, tuple(sorted({(function.lineno - start, function.complexity) for function in functions})),
        visitor.operators, visitor.operands, frozenset(visitor.operators_seen), values,
        len(visitor.operands_seen) - len(values), len(statements),
        tuple((node.lineno - start, (node.end_lineno or node.lineno) - start) for node in statements if _is_string(node)),
    )


def _volume(parts: Iterable[_Part]) -> float:
    """radon's Halstead volume of the whole file, from its parts' counts."""
    from radon.metrics import halstead_visitor_report
    from radon.visitors import HalsteadVisitor

    total = HalsteadVisitor()
    for occurrence, part in enumerate(parts):
        total.operators += part.operators
        total.operands += part.operands
        total.operators_seen.update(part.operators_seen)
        total.operands_seen.update(part.operands_seen)
        total.operands_seen.update((occurrence, index) for index in range(part.expression_operands))
    return float(halstead_visitor_report(total).volume)


def _functions(blocks: list[Any]) -> Iterator[Any]:
    """radon's functions and methods with their closures and the methods of inner classes."""
    for block in blocks:
        if hasattr(block, "closures"):  # a radon Function
            yield block
            yield from _functions(block.closures)
        else:  # a radon Class: its methods are listed in ``blocks`` already, inner classes are not
            yield from _nested_class_functions(block.inner_classes)


def _nested_class_functions(classes: list[Any]) -> Iterator[Any]:
    """What radon reports of the classes nested in a class: their methods, and what it reports of
    classes nested in them in turn."""
    for inner in classes:
        yield from _functions(inner.methods)
        yield from _functions(inner.inner_classes)


def _line_counts(lines: list[str], statements: int, strings: Iterable[tuple[int, int]]) -> tuple[int, float]:
    """(logical lines, comments as a percent of source lines), counted as radon's ``analyze``
    with ``multi=True`` counts them: comment tokens, plus the non-empty lines of string statements
    spanning several lines (docstrings, from their first to last line), over the lines that hold
    code."""
    in_strings: set[int] = set()
    multi = 0
    for start, end in strings:
        span = range(start, end + 1)
        in_strings.update(span)
        if end > start:
            multi += sum(1 for number in span if lines[number - 1].strip())
    full_line_comments = sum(1 for line in lines if line.lstrip().startswith("#"))
    inline_comments = sum(
        1 for number, line in enumerate(lines, start=1) if number not in in_strings and _has_inline_comment(line)
    )
    blank = sum(1 for line in lines if not line.strip())
    source_lines = max(len(lines) - blank - full_line_comments - multi, 0)
    percent = (full_line_comments + inline_comments + multi) / source_lines * 100 if source_lines else 0.0
    return statements, percent


def _is_string(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without walking into expressions (which ``ast.walk``
    would, at ten times the cost)."""
    for node in body:
        yield node
        for nested in child_bodies(node):
            yield from _statements(nested)


def _has_inline_comment(line: str) -> bool:
    """A ``#`` after code and outside a one-line string literal."""
    if "#" not in line or line.lstrip().startswith("#"):
        return False
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return True
        index += 1
    return False
