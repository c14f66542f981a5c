"""What a change breaks elsewhere: the uses, across the repository, of the functions and classes the
change edited or deleted, and the calls among them that no longer fit (DR-S013).

One ``git grep`` at the new revision finds every line that names a changed definition.  Only the
files holding uses of a definition whose parameters changed incompatibly, or that the change deleted
or renamed, are then read and parsed, to judge each call against the old and the new signature.
Nothing analysed is imported or run.

Matching is by name, as a reader searching the repository would match: a method is recognised by its
attribute name alone (the message says so), and a function by its name where the calling file does
not bind that name to something else.
"""

from __future__ import annotations

import ast
import bisect
import functools
import hashlib
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

from diffrisk.change import analyzed_version
from diffrisk.change.cache import BlobCache
from diffrisk.change.signatures import Signature, bind, changes, plural, signature, why
from diffrisk.diffsource import git
from diffrisk.errors import GitError
from diffrisk.model import DefinitionKind, FileAnalysis, Finding, Reach, Severity, UnitChange
from diffrisk.pyfile.source import UndecodableSource, child_bodies, decode, first_line
from diffrisk.records import record

RULE = "DR-S013"
#: A changed file's text before and after the change (None where that side does not exist).
Sides = tuple[str | None, str | None]
#: Files larger than this are not read to judge their calls (the default of ``max_file_bytes``).
MAX_FILE_BYTES = 1_000_000
#: A call longer than this is shown as ``name(...)`` in a message.
_SHOWN_CALL = 60
#: Decorators that make a method an attribute: it is read, not called, so parameters mean nothing.
_ATTRIBUTE_DECORATORS = frozenset({"property", "cached_property", "setter", "getter", "deleter"})


@record
class Use:
    """One line, at the new revision, that names a changed definition."""

    path: str
    #: 1-based.
    line: int


@record
class Impact:
    """A function or class the change edited or deleted, and where the rest of the repository uses it."""

    #: The file defining it: the new path, or the old one for a deleted function.
    path: str
    #: Qualified name, as in ``UnitChange.name`` ("parse_row", "Parser.parse_row"); a class whose
    #: ``__init__`` changed is named by the class.
    name: str
    kind: DefinitionKind
    #: Lines naming it elsewhere (calls, imports, references), found by name, in path and line order;
    #: not its own ``def``/``class`` line, nor lines this change added or edited.
    uses: tuple[Use, ...]
    #: Distinct files among ``uses``.
    files: int
    #: True when a call that fitted the old parameters may not fit the new ones.
    signature_changed: bool
    deleted: bool
    #: How the parameters changed, for the reader ("parameter 'sep' was removed"); empty unless
    #: ``signature_changed``.
    changes: tuple[str, ...] = ()
    #: The qualified name before the change, when the change renamed it; ``uses`` then name the old name.
    renamed_from: str | None = None

    def reach(self) -> Reach:
        """What a report keeps of it: the counts and the reviewer's sentence."""
        return Reach(self.name, len(self.uses), self.files, self.signature_changed, self.deleted, self.reason())

    def reason(self) -> str:
        """One sentence for the reviewer: what changed, and how widely the rest of the code relies on it."""
        if not self.uses:
            return f"{self._what()}; no uses elsewhere"
        counts = sorted(Counter(use.path for use in self.uses).items(), key=lambda item: (-item[1], item[0]))
        shown = ", ".join(f"{path} {count}" for path, count in counts[:3]) + (", ..." if len(counts) > 3 else "")
        spread = f"{plural(len(self.uses), 'use')} in {plural(self.files, 'file')}"
        return f"{self._what()}; {spread}, none changed in this diff ({shown})"

    def _what(self) -> str:
        if self.deleted:
            return f"`{self.name}` was deleted"
        if self.renamed_from is not None:
            return f"`{self.name}` was renamed from `{self.renamed_from}`"
        if self.signature_changed:
            whose = "its constructor's" if self.kind == "class" else "its"
            return f"`{self.name}` changed {whose} parameters ({', '.join(self.changes)})"
        return f"`{self.name}` changed"


def sides(old: bytes | None, new: bytes | None) -> Sides:
    """A changed file's two versions as Python reads them (its encoding declaration honoured);
    None for a side that does not exist or cannot be decoded."""
    return _decoded(old), _decoded(new)


def _decoded(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return decode(data)
    except UndecodableSource:
        return None


def find(
    repo: git.Repo,
    revision: str | None,
    analyses: Sequence[FileAnalysis],
    texts: Mapping[str, Sides],
    changed_lines: Mapping[str, frozenset[int]],
    max_files: int = 200,
) -> tuple[tuple[Impact, ...], tuple[Finding, ...]]:
    """The impact of each function and class the change edited or deleted, and the DR-S013 findings:
    calls elsewhere that fitted the old signature and do not fit the new one, or that call what the
    change deleted or renamed.

    ``revision`` is the new side's commit (None: the index); ``texts`` both sides of the changed
    Python files, by path; ``changed_lines`` the new-side lines the change added or edited, by path
    (uses there were updated by the change).  At most ``max_files`` files are parsed for findings.
    """
    if revision is not None and revision.startswith("-"):
        raise GitError(f"not a revision: {revision!r}")
    targets = _targets(analyses, texts)
    if not targets:
        return (), ()
    lines = _grep(repo, revision, sorted({target.word for target in targets}))
    uses = {target: _uses(target, lines.get(target.word, ()), changed_lines) for target in targets}
    impacts = tuple(_impact(target, uses[target]) for target in targets)
    judged = {target: kept for target in targets if (kept := _to_judge(target, uses[target], lines.get(target.word, ())))}
    findings = _findings(repo, revision, judged, texts, max_files)
    return impacts, findings


# -- the changed definitions ----------------------------------------------------------------------


@record
class _Target:
    """A changed definition to look for, and what its calls are judged against."""

    path: str
    name: str
    kind: DefinitionKind
    #: The name searched for and called: the last part of the (old, when renamed) qualified name.
    word: str
    #: The new side's ``def``/``class`` line, not a use of itself; None when the change deleted it.
    def_line: int | None
    old: Signature | None
    new: Signature | None
    #: The class a method belongs to (its calls are attribute calls), else None.
    owner: str | None
    #: A method called on an instance (``Class.method(obj, ...)`` passes ``self`` itself).
    instance_method: bool
    deleted: bool
    renamed_from: str | None

    @functools.cached_property
    def changed(self) -> dict[str, str]:
        """How the parameters changed incompatibly (``changes``); empty when either side is unknown."""
        return changes(self.old, self.new) if self.old is not None and self.new is not None else {}

    @property
    def gone(self) -> bool:
        """Whether nothing answers to ``word`` at the definition's place any more."""
        return self.deleted or self.renamed_from is not None

    @property
    def module(self) -> str:
        """The last part of the defining module's dotted name ("io" for app/io.py, "app" for app/__init__.py)."""
        parts = self.path.removesuffix(".py").split("/")
        return parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]

    @property
    def module_parts(self) -> frozenset[str]:
        """The package names on the defining file's path: a package may re-export what a module defines."""
        return frozenset(self.path.removesuffix(".py").split("/")) - {"__init__"}


@record
class _Definition:
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    #: The class whose body holds it directly, else None.
    owner: str | None
    #: Defined inside a function: nothing outside that function can name it.
    local: bool


def _targets(analyses: Sequence[FileAnalysis], texts: Mapping[str, Sides]) -> list[_Target]:
    """The definitions to look for, one per (path, name), in path and name order."""
    indexes: dict[tuple[str, int], _Index] = {}

    def index(path: str, side: int) -> _Index:
        if (path, side) not in indexes:
            text = texts.get(path, (None, None))[side]
            indexes[path, side] = _index(None if text is None else _changed_tree(path, text))
        return indexes[path, side]

    found: dict[tuple[str, str], _Target] = {}
    for analysis in analyses:
        for unit in analysis.units:
            if _is_candidate(unit):
                target = _target(unit, analysis.summary.old_path or unit.path, index(unit.path, 0), index(unit.path, 1))
                if target is not None:
                    found.setdefault((target.path, target.name), target)
    return [found[key] for key in sorted(found)]


def _is_candidate(unit: UnitChange) -> bool:
    """Code that existed before the change: only its uses elsewhere can have been written against it."""
    if unit.kind not in ("function", "class") or unit.is_new or unit.is_test:
        return False
    last = unit.name.rsplit(".", 1)[-1]
    # Dunder methods are called by Python, not by name; __init__ is called through its class.
    return not (last.startswith("__") and last.endswith("__")) or (last == "__init__" and "." in unit.name)


def _target(unit: UnitChange, old_path: str, old: _Index, new: _Index) -> _Target | None:
    """What the unit's callers know it as: a class for its ``__init__``, the old name when renamed;
    None for a function local to another (nothing elsewhere can call it)."""
    name, old_name = unit.name, unit.renamed_from or unit.name
    if unit.side == "old":
        # Deleted, unless a definition of the same name took its place (git paired them otherwise).
        return None if new.get(unit.name) else _deleted_target(unit, old_path, old)
    if name.endswith(".__init__"):
        name, old_name = name.rsplit(".", 1)[0], old_name.rsplit(".", 1)[0]
    now = _definition(new, name, None if name != unit.name else unit.line)
    if now is None or now.local:
        return None
    before = _definition(old, old_name, None)
    if old_name != name and new.get(old_name):
        # The old name is defined again (a new function took it): its callers call that one, and
        # how this one's parameters changed means nothing to them.
        old_name, before = name, None
    word, old_word = name.rsplit(".", 1)[-1], old_name.rsplit(".", 1)[-1]
    return _Target(
        unit.path, name, _kind(now), old_word, now.node.lineno, _signature_of(before), _signature_of(now), now.owner,
        _is_instance_method(now), False, old_name if old_word != word else None,
    )


def _deleted_target(unit: UnitChange, old_path: str, old: _Index) -> _Target | None:
    if unit.name.endswith(".__init__"):
        return None  # the class is still there, with its parent's constructor: nothing to judge
    before = _definition(old, unit.name, unit.line)
    if before is None or before.local:
        return None
    return _Target(
        old_path, unit.name, "function", unit.name.rsplit(".", 1)[-1], None, _signature_of(before), None,
        before.owner, _is_instance_method(before), True, None,
    )


def _kind(definition: _Definition) -> DefinitionKind:
    return "class" if isinstance(definition.node, ast.ClassDef) else "function"


def _changed_tree(path: str, text: str) -> ast.Module | None:
    """A changed file's version: the analysis parsed it already."""
    source = analyzed_version.parsed(path, text)
    return source.tree if source is not None else _parse(path, text)


def _parse(path: str, text: str) -> ast.Module | None:
    """The syntax tree, or None for a file Python would not accept either; kept by the text's
    digest, since ``log`` parses the same calling files for commit after commit."""
    key = (path, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())
    return _TREES.get(key, functools.partial(_parse_now, path, text))[0]


#: Parsed calling files with their text's size, bounded by the sizes: a tree takes many times its
#: source's memory (the bound of analyzed_version's parsed files).
_TREES: BlobCache[tuple[ast.Module | None, int]] = BlobCache(weigh=lambda parsed: parsed[1], max_weight=2_500_000)


def _parse_now(path: str, text: str) -> tuple[ast.Module | None, int]:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences and the like are the analysed code's business.
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path), len(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, 0


#: A file's definitions by qualified name, each name's in source order.
_Index = Mapping[str, Sequence[_Definition]]


def _index(tree: ast.Module | None) -> _Index:
    found: dict[str, list[_Definition]] = {}
    for qualname, definition in _definitions(tree):
        # An @overload stub is never called: the implementation after the stubs is.
        if not _is_overload(definition.node):
            found.setdefault(qualname, []).append(definition)
    return {qualname: sorted(each, key=lambda definition: definition.node.lineno) for qualname, each in found.items()}


def _definition(index: _Index, qualname: str, start: int | None) -> _Definition | None:
    """The definition called ``qualname``: the one starting at line ``start`` when given, else the
    last one (at run time, the last definition of a name wins)."""
    matches = index.get(qualname, ())
    exact = [found for found in matches if start is not None and first_line(found.node) == start]
    chosen = exact or matches
    return chosen[-1] if chosen else None


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    return not isinstance(node, ast.ClassDef) and "overload" in _decorators(node)


def _definitions(tree: ast.Module | None) -> Iterator[tuple[str, _Definition]]:
    stack: list[tuple[list[ast.stmt], str, str | None, bool]] = [(tree.body if tree else [], "", None, False)]
    while stack:
        body, prefix, owner, local = stack.pop()
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield f"{prefix}{node.name}", _Definition(node, owner, local)
                inner_owner = node.name if isinstance(node, ast.ClassDef) else None
                stack.append((node.body, f"{prefix}{node.name}.", inner_owner, local or inner_owner is None))
            else:
                stack.extend((child, prefix, owner, local) for child in child_bodies(node))


def _signature_of(definition: _Definition | None) -> Signature | None:
    """What a call of the definition binds to; None when it cannot be called by its name with
    arguments (a property) or, for a class, when its constructor is inherited."""
    if definition is None:
        return None
    node = definition.node
    if isinstance(node, ast.ClassDef):
        inits = [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__init__"]
        return signature(inits[-1].args, drop_first=True) if inits else None
    decorators = _decorators(node)
    if decorators & _ATTRIBUTE_DECORATORS:
        return None
    return signature(node.args, drop_first=definition.owner is not None and "staticmethod" not in decorators)


def _is_instance_method(definition: _Definition) -> bool:
    node = definition.node
    return definition.owner is not None and not isinstance(node, ast.ClassDef) and not _decorators(node) & {"staticmethod", "classmethod"}


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The last part of each decorator's name (``functools.cached_property`` -> ``cached_property``)."""
    names = set()
    for decorator in node.decorator_list:
        dotted = _dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if dotted is not None:
            names.add(dotted.rsplit(".", 1)[-1])
    return names


# -- where the definitions are used ---------------------------------------------------------------


@record
class _Line:
    """A line of ``git grep``'s output."""

    path: str
    line: int
    text: str


def _grep(repo: git.Repo, revision: str | None, words: Sequence[str]) -> dict[str, list[_Line]]:
    """Every line of a Python file naming one of ``words``, by word, from one ``git grep``."""
    # Options pinned so that grep.* and color.grep in a user's configuration cannot change the
    # output; -z so that a path holding ":" or a newline stays whole.
    args = ["grep", "-n", "-w", "-E", "-I", "-z", "--full-name", "--no-column", "--color=never", "--no-recurse-submodules"]
    # One alternation, not -F with an -e per name: git matches -w patterns one by one, about 30
    # times slower for a hundred names.  Identifiers hold no character special to a regex.
    words = [word for word in words if word.isidentifier()]
    if not words:
        return {}
    args += ["-e", "(" + "|".join(words) + ")"]
    # :(top) because a pathspec is otherwise relative to the folder git runs in.
    args += ["--cached", "--", ":(top)*.py"] if revision is None else [revision, "--", ":(top)*.py"]
    out = git.try_run(repo, args)
    if out is None:
        _check_searchable(repo, revision)  # git grep also fails, with status 1, when nothing matches
        return {}
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + r")(?!\w)")
    prefix = b"" if revision is None else f"{revision}:".encode()
    by_word: dict[str, list[_Line]] = {}
    for path, line, text in _records(out, prefix):
        for word in set(pattern.findall(text)):
            by_word.setdefault(word, []).append(_Line(path, line, text))
    return by_word


def _check_searchable(repo: git.Repo, revision: str | None) -> None:
    """Raise GitError when ``git grep`` failed because it could not search, not because nothing matched."""
    if revision is not None and git.try_run(repo, ["rev-parse", "--verify", "--quiet", f"{revision}^{{tree}}"]) is None:
        raise GitError(f"unknown revision {revision!r}: cannot search it for the uses of changed functions")
    if revision is None and git.toplevel(repo) is None:
        raise GitError("a bare repository has no index to search for the uses of changed functions")


def _records(out: bytes, prefix: bytes) -> Iterator[tuple[str, int, str]]:
    """(path, line, text) from ``git grep -n -z``: "[REV:]path NUL line NUL text LF" each.

    Read field by field, because a path may hold a newline (never a NUL) and a line never does."""
    position = 0
    while position < len(out):
        path_end = out.index(b"\0", position)
        line_end = out.index(b"\0", path_end + 1)
        text_end = out.find(b"\n", line_end + 1)
        text_end = len(out) if text_end < 0 else text_end
        path = out[position:path_end].removeprefix(prefix).decode("utf-8", "surrogateescape")
        yield path, int(out[path_end + 1:line_end]), out[line_end + 1:text_end].decode("utf-8", "replace")
        position = text_end + 1


def _uses(target: _Target, lines: Iterable[_Line], changed_lines: Mapping[str, frozenset[int]]) -> tuple[Use, ...]:
    """The lines naming ``target``, less its own definition and the lines the change wrote."""
    found = {
        Use(line.path, line.line)
        for line in lines
        if line.line not in changed_lines.get(line.path, frozenset())
        and not (line.path == target.path and line.line == target.def_line)
    }
    return tuple(sorted(found, key=lambda use: (use.path, use.line)))


def _impact(target: _Target, uses: tuple[Use, ...]) -> Impact:
    return Impact(
        target.path, target.name, target.kind, uses, len({use.path for use in uses}), bool(target.changed), target.deleted,
        tuple(target.changed.values()), target.renamed_from,
    )


def _to_judge(target: _Target, uses: tuple[Use, ...], lines: Iterable[_Line]) -> tuple[Use, ...]:
    """The uses whose calls may be wrong now: none unless the target is gone or its parameters
    changed incompatibly.  A deleted method is judged only where it is named through its class
    (``_refers``), so only those lines are worth parsing."""
    if not (target.gone or target.changed):
        return ()
    if target.owner is not None and target.gone:
        through_class = {(line.path, line.line) for line in lines if f"{target.owner}.{target.word}" in line.text}
        return tuple(use for use in uses if (use.path, use.line) in through_class)
    return uses


# -- judging the calls ----------------------------------------------------------------------------


@record
class _Scope:
    """What one file binds: its own module-level definitions, the names it imports (from which
    module; "" for ``from . import x``), and the modules it imports, by the local name."""

    defined: frozenset[str]
    imported: Mapping[str, str]
    modules: Mapping[str, str]


@record
class _Call:
    """A call (or, for a gone definition, an import) that refers to a target."""

    node: ast.Call | ast.ImportFrom
    target: _Target
    #: Matched by attribute name only: the object it is called on is not known.
    by_name_only: bool = False
    #: Called on the class (``Parser.parse_row(obj, ...)``): ``self`` is among the arguments.
    passes_self: bool = False


def _findings(
    repo: git.Repo, revision: str | None, judged: Mapping[_Target, tuple[Use, ...]],
    texts: Mapping[str, Sides], max_files: int,
) -> tuple[Finding, ...]:
    by_file: dict[str, dict[_Target, set[int]]] = {}
    for target, uses in judged.items():
        for use in uses:
            by_file.setdefault(use.path, {}).setdefault(target, set()).add(use.line)
    paths = sorted(by_file)[:max_files]
    sources = _sources(repo, revision, paths, texts)
    findings = [
        finding
        for path, text in sorted(sources.items())
        if (tree := _parse(path, text)) is not None
        for call in _calls(path, tree, by_file[path])
        if (finding := _judge(path, call)) is not None
    ]
    return tuple(sorted(findings, key=lambda finding: (finding.path, finding.line, finding.column or 0, finding.message)))


def _sources(repo: git.Repo, revision: str | None, paths: Sequence[str], texts: Mapping[str, Sides]) -> dict[str, str]:
    """The new-revision text of each path: the change's own where it has it, else from git."""
    found = {path: new for path in paths if (new := texts.get(path, (None, None))[1]) is not None}
    unread = [path for path in paths if path not in found and _askable(path)]
    names = {f"{revision}:{path}" if revision is not None else f":0:{path}": path for path in unread}
    for name, data in git.read_blobs(repo, names, MAX_FILE_BYTES).items():
        if data is not None:
            try:
                found[names[name]] = decode(data)
            except UndecodableSource:
                continue
    return found


def _askable(path: str) -> bool:
    """Whether ``cat-file --batch`` can be asked for the path: it reads one object name a line (and
    strips a CR before the LF), read_blobs splits its answers into lines and sends UTF-8, while git
    grep's paths are any bytes but NUL (held here as surrogate escapes)."""
    if path.splitlines() != [path]:
        return False
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _calls(path: str, tree: ast.Module, targets: Mapping[_Target, set[int]]) -> Iterator[_Call]:
    """The calls in ``tree``, on lines naming a target, that refer to that target."""
    by_word: dict[str, list[_Target]] = {}
    for target in targets:
        by_word.setdefault(target.word, []).append(target)
    scope = _scope(tree)
    wanted = sorted({line for lines in targets.values() for line in lines})
    for node in _nodes_on(tree, wanted):
        if isinstance(node, ast.Call):
            word, line = _called(node.func)
            for target in by_word.get(word or "", []):
                call = _refers(path, node, target, scope) if line in targets[target] else None
                if call is not None:
                    yield call
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                for target in by_word.get(alias.name, []):
                    if target.gone and target.owner is None and node.lineno in targets[target] and _same_module(node, target):
                        yield _Call(node, target)


def _called(func: ast.expr) -> tuple[str | None, int]:
    """The name a call's function is named by, and the line where that name is written."""
    if isinstance(func, ast.Name):
        return func.id, func.lineno
    if isinstance(func, ast.Attribute):
        return func.attr, func.end_lineno or func.lineno
    return None, func.lineno


def _refers(path: str, node: ast.Call, target: _Target, scope: _Scope) -> _Call | None:
    """The call as a call of ``target``, or None when the file binds the name to something else."""
    func = node.func
    if target.owner is not None:
        if not isinstance(func, ast.Attribute):
            return None  # a bare name inside a class's methods is a global, not the method
        receiver = _dotted(func.value) or ""
        on_class = receiver.rsplit(".", 1)[-1] == target.owner
        on_self = receiver in ("self", "cls") and path == target.path and not target.gone
        if not (on_class or on_self):
            # Another class, or a library's, may well define a method of the same name (``.run()``,
            # ``.send()``): its calls cannot be told from stale ones, so they count as uses only.
            return None
        return _Call(node, target, by_name_only=on_self, passes_self=on_class and target.instance_method)
    if isinstance(func, ast.Name):
        return _Call(node, target) if _name_refers(path, target, scope) else None
    dotted = _resolved(scope, func.value) if isinstance(func, ast.Attribute) else None
    return _Call(node, target) if dotted is not None and _module_matches(dotted, target) else None


def _name_refers(path: str, target: _Target, scope: _Scope) -> bool:
    """Whether a bare name in ``path`` means ``target``: it is imported from the defining module (or
    a package that may re-export it), or defined there, or the file does not bind it otherwise."""
    if target.word in scope.imported:
        return _module_matches(scope.imported[target.word], target)
    return path == target.path or target.word not in scope.defined


def _module_matches(module: str, target: _Target) -> bool:
    """Whether ``module`` may be where ``target`` comes from.  For a gone definition only its own
    module counts: an import from elsewhere is where the change moved it."""
    if not module:
        return True  # ``from . import name``: the package's own, as far as a name can tell
    last = module.rsplit(".", 1)[-1]
    return last == target.module if target.gone else last in target.module_parts


def _same_module(node: ast.ImportFrom, target: _Target) -> bool:
    return _module_matches(node.module or "", target)


def _nodes_on(tree: ast.Module, lines: Sequence[int]) -> Iterator[ast.AST]:
    """The nodes of ``tree`` whose lines hold one of ``lines`` (sorted), and their ancestors: a
    subtree with none of them is never entered (a calling file is mostly other code)."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            first = getattr(child, "lineno", None)
            if first is None:
                pending.append(child)  # arguments, keywords, comprehensions: no lines of their own
                continue
            last = getattr(child, "end_lineno", None) or first
            index = bisect.bisect_left(lines, first)
            if index < len(lines) and lines[index] <= last:
                pending.append(child)


def _statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement, at any depth (imports are statements: no expression needs visiting)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                pending.extend(child for child in children if isinstance(child, ast.stmt))
                for holder in children:
                    if isinstance(holder, (ast.ExceptHandler, ast.match_case)):
                        pending.extend(holder.body)


def _scope(tree: ast.Module) -> _Scope:
    defined = {
        node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    } | {
        target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets if isinstance(target, ast.Name)
    }
    imported: dict[str, str] = {}
    modules: dict[str, str] = {}
    # Imports anywhere, not only at module level: deferred imports inside functions are common.
    for node in _statements(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module or ""
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}" if node.module else alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    return _Scope(frozenset(defined), imported, modules)


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names, else None (a call, a subscript...)."""
    attributes = []
    # A loop, not recursion: a parsed file may chain more attributes than the recursion limit.
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(attributes)]) if isinstance(node, ast.Name) else None


def _resolved(scope: _Scope, node: ast.expr) -> str | None:
    """The dotted name an expression stands for, with an imported module's alias replaced by its name."""
    dotted = _dotted(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    head = scope.modules.get(head, head)
    return f"{head}.{rest}" if rest else head


def _judge(path: str, call: _Call) -> Finding | None:
    """The DR-S013 finding for a call (or import) of a changed definition, if it no longer works."""
    message = _stale(call) if call.target.gone else _unfitting(call)
    if message is None:
        return None
    if call.by_name_only:
        message += " (matched by name only)"
    node = call.node
    return Finding(
        RULE, "smells", path, node.lineno, node.end_lineno or node.lineno, Severity.MEDIUM, message,
        column=node.col_offset, subject=call.target.name,
    )


def _stale(call: _Call) -> str:
    target = call.target
    what = f"renamed to {target.name.rsplit('.', 1)[-1]}" if target.renamed_from else "deleted"
    verb = "imports" if isinstance(call.node, ast.ImportFrom) else "calls"
    return f"`{_shown(call.node, target.word)}` {verb} {target.word}, which this change {what}"


def _unfitting(call: _Call) -> str | None:
    target, node = call.target, call.node
    if not isinstance(node, ast.Call) or target.old is None or target.new is None:
        return None
    why = _breaks(node, target.old, target.new, target.changed, call.passes_self)
    if why is None:
        return None
    where = f"{target.path}:{target.def_line}"
    return f"`{_shown(node, target.word)}` fits the old signature of {target.name} ({where}) but not the new one: {why}"


def _breaks(node: ast.Call, old: Signature, new: Signature, changed: Mapping[str, str], passes_self: bool) -> str | None:
    """Why a call that binds to ``old`` does not bind to ``new``; None when it binds to both, to
    neither, or cannot be judged (``*args`` or ``**kwargs`` in the call)."""
    if any(isinstance(argument, ast.Starred) for argument in node.args) or any(keyword.arg is None for keyword in node.keywords):
        return None
    positional = len(node.args) - (1 if passes_self else 0)
    if positional < 0:
        return None
    keywords = [keyword.arg for keyword in node.keywords if keyword.arg is not None]
    failure = bind(new, positional, keywords)
    if failure is None or bind(old, positional, keywords) is not None:
        return None
    return why(failure, old, new, changed)


def _shown(node: ast.Call | ast.ImportFrom, word: str) -> str:
    """The call as written (normalised), or ``name(...)`` when that is too long to read in a
    message; an import, as the import of ``word`` alone."""
    if isinstance(node, ast.ImportFrom):
        return f"from {'.' * node.level}{node.module or ''} import {word}"
    try:
        text = ast.unparse(node)
        if len(text) <= _SHOWN_CALL:
            return text
        func = ast.unparse(node.func)
    except RecursionError:  # ast.unparse recurses; a parsed file can nest deeper than it allows
        func = ""
    return f"{func if 0 < len(func) <= _SHOWN_CALL else word}(...)"
