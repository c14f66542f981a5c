"""Security issues whose input the change gave a new value: they are the change's, even where the
line that shows them is unchanged or matches an old issue.

An ``eval(text)`` is the same risk only while ``text`` is the same.  When the change rebinds a name
the issue's statement reads (an assignment, an import, a loop or ``with`` target, an ``except``
or ``match`` capture, a parameter that is new or changed, a function of the same file whose body
changed), the statement runs something new: ``from json import loads`` becoming ``from pickle
import loads`` makes the untouched ``loads(data)`` unsafe.  Moving, re-indenting or editing
unrelated lines of a function leaves its issues matched to the old ones (change.issue_matching).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from diffrisk.model import Issue
from diffrisk.pyfile.source import PythonSource, first_line, touches

#: Analyzers whose issues carry the security floors: the ones a rebound input must not hide.
SECURITY_ANALYZERS = frozenset({"security", "weaknesses"})
_Function = ast.FunctionDef | ast.AsyncFunctionDef
_Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
#: Fields of compound statements that hold statements (the rest is the statement's header).
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def rebound_issues(
    issues: Mapping[str, tuple[Issue, ...]], new: PythonSource, old: PythonSource | None, pairs: Mapping[str, str],
    module: frozenset[str],
) -> list[tuple[str, Issue, frozenset[str]]]:
    """The security issues whose statement reads a name the change rebinds in its scope (its
    function, or the module: ``module``, from ``module_rebound``), with those names (``pairs``:
    old function key -> new key)."""
    wanted = [(analyzer, issue) for analyzer, listed in issues.items() if analyzer in SECURITY_ANALYZERS for issue in listed]
    if old is None or not wanted:
        return []
    new_lines, old_lines = new.lines, old.lines
    functions, old_functions = _functions(new), _functions(old)
    new_to_old = {new_key: old_key for old_key, new_key in pairs.items()}
    # Per function, not per issue: a long function with many issues was walked once for each.
    in_function: dict[str, frozenset[str]] = {}
    statements: dict[str | None, list[ast.stmt]] = {}
    found = []
    for analyzer, issue in wanted:
        unit = new.unit_at(issue.line)
        function = functions.get(unit.key) if unit is not None else None
        if function is None or unit is None:
            if None not in statements:
                statements[None] = list(_statements(new.tree.body))
            rebound, read = module, _names_read(statements[None], issue)
        else:
            if unit.key not in in_function:
                before = old_functions.get(new_to_old.get(unit.key, unit.key))
                old_texts = _binding_texts(before.body, old_lines) if before is not None else {}
                in_function[unit.key] = frozenset(
                    module | _rebound(_binding_texts(function.body, new_lines), old_texts) | _changed_parameters(function, before)
                )
                statements[unit.key] = list(_statements(function.body))
            rebound, read = in_function[unit.key], _names_read(statements[unit.key], issue)
        if rebound & read:
            found.append((analyzer, issue, frozenset(rebound & read)))
    return found


def readers_of_rebound_names(new: PythonSource, rebound: frozenset[str]) -> set[int]:
    """The first lines of the module's top-level statements that read a module-level name the
    change rebinds (``rebound``, from ``module_rebound``: an import, a constant, a function):
    they must be analysed even where the change did not touch them, for rebound_issues to see
    their issues."""
    if not rebound:
        return set()
    lines = new.lines
    mentions = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in sorted(rebound)))
    return {
        statement.lineno for statement, (start, end) in zip(new.tree.body, new.top_level)
        if _reads(statement, lines[start - 1: end], start, mentions, rebound)
    }


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _reads(statement: ast.stmt, lines: Sequence[str], first: int, mentions: re.Pattern[str], names: frozenset[str]) -> bool:
    """Whether ``statement`` (its ``lines``, the first of them numbered ``first``) reads one of
    ``names``.  A name read is written on its line, so only the nodes spanning a line that
    mentions one are walked: on a big class whose own name was rebound, its one or two methods
    that mention it, not the whole class.  Python normalizes identifiers (NFKC), so text that
    is not ASCII may name one in another spelling, and is walked whole."""
    if not all(line.isascii() for line in lines):
        return any(_is_read(node, names) for node in ast.walk(statement))
    marked = [first + index for index, line in enumerate(lines) if mentions.search(line)]
    if not marked:
        return False
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if _is_read(node, names):
            return True
        start = _start(node)
        if start is None or touches(marked, start, getattr(node, "end_lineno", None) or start):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _start(node: ast.AST) -> int | None:
    """A node's first line (None for a node without lines): a definition's decorators come
    before its ``def`` line."""
    return first_line(node) if isinstance(node, _DEFINITIONS) else getattr(node, "lineno", None)


def _is_read(node: ast.AST, names: frozenset[str]) -> bool:
    return isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names


def module_rebound(new: PythonSource, old: PythonSource | None) -> frozenset[str]:
    """The module-level names the change rebinds (none for a new file).  Worked out once per
    file: on a large module the bindings' texts are most of what both functions above cost."""
    if old is None:
        return frozenset()
    return frozenset(_rebound(_binding_texts(new.tree.body, new.lines), _binding_texts(old.tree.body, old.lines)))


def _functions(source: PythonSource) -> dict[str, _Function]:
    by_line = source.function_nodes
    return {unit.key: by_line[unit.def_line] for unit in source.units if unit.def_line in by_line}


def _rebound(new: Mapping[str, set[str]], old: Mapping[str, set[str]]) -> set[str]:
    """The names the old scope bound that the new one binds by code the old did not have (a moved
    or re-indented binding is the same text, and rebinds nothing; a name the change binds for the
    first time is read only by code the change wrote)."""
    return {name for name, texts in new.items() if name in old and texts - old[name]}


def _statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a scope, in compound statements too, not inside nested functions or
    classes (their names are the scope's; their bodies are their own scopes)."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in _BODIES:
            for child in getattr(statement, field, []) or []:
                if isinstance(child, ast.stmt):
                    yield from _statements([child])
                else:  # an except handler or a match case: its own statements
                    yield from _statements(getattr(child, "body", []))


def _binding_texts(body: Iterable[ast.stmt], lines: list[str]) -> dict[str, set[str]]:
    """For each name a scope binds, the code of each place that binds it (stripped lines)."""
    texts: dict[str, set[str]] = {}
    for statement in _statements(body):
        for span, names in _bindings(statement):
            text = "\n".join(line.strip() for line in lines[span.start - 1: span.stop - 1])
            for name in names:
                texts.setdefault(name, set()).add(text)
    return texts


def _bindings(statement: ast.stmt) -> Iterator[tuple[range, set[str]]]:
    """(lines, names) for each place ``statement`` binds names: a simple statement as a whole, a
    compound one by its header (a loop's target, a ``with`` name, an ``except`` or ``case``
    capture, a walrus in a condition), a nested function or class by its whole span (a helper
    whose body changed gives its callers something new)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield _span(statement), {statement.name}
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        yield _span(statement), {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    elif not any(getattr(statement, field, None) for field in _BODIES):
        yield _span(statement), _stored(statement)
    else:
        parts = [node for _, value in _header(statement) for node in (value if isinstance(value, list) else [value])
                 if isinstance(node, ast.AST)]
        last = max([getattr(part, "end_lineno", None) or 0 for part in parts] + [statement.lineno])
        yield range(statement.lineno, last + 1), set().union(*(_stored(part) for part in parts))
        for child in [*getattr(statement, "handlers", []), *getattr(statement, "cases", [])]:
            pattern = getattr(child, "pattern", None) or getattr(child, "type", None)
            first: int = getattr(child, "lineno", None) or getattr(pattern, "lineno", None) or statement.lineno
            end: int = getattr(pattern, "end_lineno", None) or first
            yield range(first, end + 1), _captured(child)


def _captured(child: ast.AST) -> set[str]:
    """The names an ``except ... as name`` or a ``case`` pattern binds."""
    if isinstance(child, ast.ExceptHandler):
        return {child.name} if child.name else set()
    names = set()
    for node in ast.walk(getattr(child, "pattern", child)):
        name = getattr(node, "name", None) if isinstance(node, (ast.MatchAs, ast.MatchStar)) else getattr(node, "rest", None)
        if isinstance(name, str):
            names.add(name)
    return names | _stored(getattr(child, "guard", None))


def _stored(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {found.id for found in ast.walk(node) if isinstance(found, ast.Name) and isinstance(found.ctx, (ast.Store, ast.Del))}


def _span(node: ast.stmt) -> range:
    start = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
    return range(start, (node.end_lineno or node.lineno) + 1)


def _changed_parameters(function: _Function, before: _Function | None) -> set[str]:
    """Parameters that are new, or whose definition (annotation, default) changed."""
    old = _parameters(before) if before is not None else {}
    return {name for name, text in _parameters(function).items() if old.get(name) != text}


def _parameters(function: _Function) -> dict[str, str]:
    """Each parameter's name and its whole definition as text (annotation and default included)."""
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    keywords: list[ast.expr | None] = list(arguments.kw_defaults)
    found = {
        argument.arg: f"{_text(argument.annotation)}={_text(default)}"
        for argument, default in [*zip(positional, defaults), *zip(arguments.kwonlyargs, keywords)]
    }
    for star in (arguments.vararg, arguments.kwarg):
        if star is not None:
            found[star.arg] = "*" + _text(star.annotation)
    return found


def _text(node: ast.expr | None) -> str:
    return "" if node is None else ast.unparse(node)


def _names_read(statements: Sequence[ast.stmt], issue: Issue) -> set[str]:
    """The names the simple statement holding the issue reads (the issue's own lines when it is
    in a compound statement's header); ``statements``: its scope's (``_statements``)."""
    first, last = issue.line, issue.end_line
    for statement in statements:
        simple = not any(getattr(statement, field, None) for field in _BODIES)
        if simple and statement.lineno <= issue.line <= (statement.end_lineno or statement.lineno):
            first, last = statement.lineno, statement.end_lineno or statement.lineno
            break
    return {
        node.id
        for statement in statements if statement.lineno <= last and (statement.end_lineno or statement.lineno) >= first
        for node in _own_expressions(statement)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and first <= node.lineno <= last
    }


def _own_expressions(statement: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of a statement, not of the statements nested in it (they are walked on their own)."""
    stack: list[object] = [value for _, value in _header(statement)]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, ast.AST) or isinstance(node, (ast.stmt, ast.ExceptHandler, ast.match_case)):
            continue
        yield node
        if not isinstance(node, _Scope):
            stack.extend(ast.iter_child_nodes(node))


def _header(statement: ast.stmt) -> Iterator[tuple[str, object]]:
    for name, value in ast.iter_fields(statement):
        if name not in _BODIES:
            yield name, value
