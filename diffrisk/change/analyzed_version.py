"""One version of a changed file run through the analyzers, each given only as much of the file as
it needs for the lines asked about, with results kept by git blob id between commits.

A crash of one analyzer on one version is a failure of that analyzer on that file, reported; a
syntax tree too deep for the analyzers to walk is a note.  Neither stops the others.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Set

from diffrisk import rules
from diffrisk.analyzers import ANALYZERS, Analyzer, complexity
from diffrisk.analyzers.scope import Scope
from diffrisk.change.cache import DEFAULT_SIZE, BlobCache
from diffrisk.change.disk_cache import DiskCache
from diffrisk.config import Config
from diffrisk.model import FileResult, Issue
from diffrisk.pyfile import slicing
from diffrisk.pyfile.source import PythonSource, depth
from diffrisk.pyfile.source import parse as parse_source
from diffrisk.records import record

#: The analyzers (ours, radon's and bandit's) walk the syntax tree recursively, one or two Python
#: frames a level, and Python stops at 1,000 frames: deeper trees are reported, not analysed.
MAX_TREE_DEPTH = 400


@record
class Problems:
    """What went wrong along the way: notes for the reader, failures that make the run exit 3."""

    notes: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()

    def __add__(self, other: Problems) -> Problems:
        return Problems(self.notes + other.notes, self.failures + other.failures)


@record
class AnalyzedVersion:
    """One version of the file: its whole source and each analyzer's result."""

    source: PythonSource
    results: Mapping[str, FileResult]

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    def unit_metrics(self, def_line: int) -> dict[str, float]:
        """The metrics of the function whose ``def`` is on ``def_line``."""
        return dict(self._metrics_by_line.get(def_line, {}))

    @functools.cached_property
    def _metrics_by_line(self) -> dict[int, dict[str, float]]:
        """Each function's metrics by its ``def`` line, gathered once (not once per function)."""
        by_line: dict[int, dict[str, float]] = {}
        for result in self.results.values():
            for metric in result.unit_metrics:
                by_line.setdefault(metric.def_line, {})[metric.name] = metric.value
        return by_line

    def file_metric(self, name: str) -> float | None:
        for result in self.results.values():
            for key, value in result.file_metrics:
                if key == name:
                    return value
        return None

    def issues(self) -> dict[str, tuple[Issue, ...]]:
        """Each analyzer's issues, without those another analyzer's issue on the same lines
        already states (rules.SAYS_THE_SAME)."""
        found = {name: result.issues for name, result in self.results.items()}
        spans = {(issue.rule, line) for issues in found.values() for issue in issues for line in range(issue.line, issue.end_line + 1)}
        return {
            name: tuple(issue for issue in issues if (rules.SAYS_THE_SAME.get(issue.rule), issue.line) not in spans)
            for name, issues in found.items()
        }

    def issue_text(self, issue: Issue) -> str:
        """The stripped code of all the issue's lines."""
        return "\n".join(line.strip() for line in self.lines[max(issue.line - 1, 0): issue.end_line])

    def signature(self, issue: Issue) -> str:
        """The parameters of the innermost function holding the issue ("" at module level): code
        that moved, or stayed, is the same code only if what it is given is the same."""
        unit = self.source.unit_at(issue.line)
        return "" if unit is None else self._signatures.get(unit.def_line, "")

    @functools.cached_property
    def _signatures(self) -> dict[int, str]:
        return {line: ast.unparse(node.args) for line, node in self.source.function_nodes.items()}

    def owner(self, issue: Issue) -> str | None:
        """The key of the innermost function, else class, holding the issue; None at module level."""
        unit = self.source.unit_at(issue.line)
        if unit is None:
            unit = self.source.class_at(issue.line)
        return unit.key if unit is not None else None


def analyze(
    path: str, source: PythonSource, wanted: Set[int], blob_id: str | None, config: Config, measured: Set[int] = frozenset(),
    base_id: str | None = None,
) -> tuple[AnalyzedVersion, Problems]:
    """Run the enabled analyzers on ``source`` for the ``wanted`` lines, and those that measure
    functions also for the ``measured`` lines (``blob_id``: the version's git blob id, the cache
    key; None: not cached; ``base_id``: the blob id of the version it was changed from, whose
    statements it mostly shares).  An analyzer given no line to answer for finds nothing, and is
    not run."""
    results: dict[str, FileResult] = {}
    slices: dict[tuple[Scope, bool], _Slice] = {}
    problems = Problems()
    for name, analyzer in ANALYZERS.items():
        if not config.analyzers.get(name, True):
            continue
        lines = wanted | measured if analyzer.MEASURES_FUNCTIONS else wanted
        if not lines and analyzer.SCOPE is not Scope.FILE:
            results[name] = FileResult()
            continue
        try:
            if (analyzer.SCOPE, analyzer.MEASURES_FUNCTIONS) not in slices:
                slices[analyzer.SCOPE, analyzer.MEASURES_FUNCTIONS] = _scoped(source, lines, analyzer.SCOPE)
            scoped = slices[analyzer.SCOPE, analyzer.MEASURES_FUNCTIONS]
            results[name] = _kept_result(path, name, analyzer, scoped, (blob_id, base_id))
        except (RecursionError, MemoryError):
            problems += _too_deep(path, name, source)
        except Exception as error:  # noqa: BLE001 - isolate one analyzer's crash on one file
            # bandit reports its own RecursionError as a generic failure: tell the two apart.
            if depth(source.tree) <= MAX_TREE_DEPTH:
                problems += Problems(failures=(f"{name} failed on {path}: {type(error).__name__}: {error}",))
            else:
                problems += _too_deep(path, name, source)
    return AnalyzedVersion(source, results), problems


class NotKept(BaseException):
    """Raised, under ``only_kept``, where an analyzer would have to run.  A BaseException, so
    that the handlers isolating one analyzer's or one file's crash let it through."""


#: Whether analyzers may run (see ``only_kept``).
_ONLY_KEPT: list[bool] = [False]


@contextlib.contextmanager
def only_kept() -> Iterator[None]:
    """Within it, a result that is not in memory or the disk cache raises NotKept instead of
    running its analyzer: the pipeline learns that a warm check needs no worker processes (and
    no bandit) by trying it."""
    _ONLY_KEPT[0] = True
    try:
        yield
    finally:
        _ONLY_KEPT[0] = False


def _not_kept() -> FileResult:
    raise NotKept


def _kept_result(path: str, name: str, analyzer: Analyzer, scoped: _Slice, blobs: tuple[str | None, str | None]) -> FileResult:
    """What ``analyzer`` finds in the ``scoped`` part of a version, from memory or the disk cache
    when it was worked out before (the part is then never cut out at all).  A part is keyed by
    its plan: the same statements of the same blob are the same text and tree.  ``blobs``: the
    version's blob id and its base's (see ``analyze``)."""
    blob_id, base_id = blobs
    key = None if blob_id is None else (blob_id, path, name, scoped.key)
    disk = _DISK[0] if key is not None and _DISK else None
    compute: Callable[[], FileResult]
    if _ONLY_KEPT[0]:
        compute = _not_kept
    elif disk is not None and name == complexity.NAME:
        compute = functools.partial(_sharing_parts, disk, path, scoped, blob_id, base_id)
    else:
        compute = functools.partial(_run, analyzer, scoped)
    if disk is not None and key is not None:
        compute = functools.partial(disk.get, key, compute)
    return _RESULTS.get(key, compute)


def _run(analyzer: Analyzer, scoped: _Slice) -> FileResult:
    return analyzer.analyze(scoped.source)  # the cut is built here, only when an analyzer runs


#: What the disk cache keeps complexity's per-statement parts under, next to a version's result.
COMPLEXITY_PARTS = "complexity parts"


def _sharing_parts(disk: DiskCache, path: str, scoped: _Slice, blob_id: str | None, base_id: str | None) -> FileResult:
    """complexity's result for a whole version, starting from the parts of the version it was
    changed from (a hook's HEAD version, which an earlier run analysed), and keeping its own parts
    for the version that will be changed from it next."""
    if base_id is not None:
        kept = disk.read((base_id, path, COMPLEXITY_PARTS))
        if kept is not None:
            complexity.seed_parts(kept)
    result = complexity.analyze(scoped.source)
    if blob_id is not None:
        disk.write((blob_id, path, COMPLEXITY_PARTS), complexity.export_parts(scoped.source))
    return result


def _too_deep(path: str, analyzer: str, source: PythonSource) -> Problems:
    return Problems(notes=(f"{path}: {analyzer} skipped: the syntax tree nests {depth(source.tree)} levels deep",))


#: Analyzer results kept on disk between runs (``use_disk_cache``), behind the in-memory cache.
_DISK: list[DiskCache] = []


def use_disk_cache(cache: DiskCache | None) -> DiskCache | None:
    """Keep analyzer results in ``cache`` from now on (None: in memory only, as ``log`` does);
    the cache used until now."""
    previous = _DISK[0] if _DISK else None
    _DISK[:] = [cache] if cache is not None else []
    return previous


#: Parsed file versions and analyzer results by blob id, for ``diffrisk log``, whose neighbouring
#: commits share most file versions.  Parsed versions are bounded by their source size (a syntax
#: tree takes far more memory than its source; benchmarks/README.md measures it).
PARSED_SOURCE_BYTES = 2_500_000
_PARSED: BlobCache[PythonSource] = BlobCache(weigh=lambda source: len(source.text), max_weight=PARSED_SOURCE_BYTES)
_RESULTS: BlobCache[FileResult] = BlobCache(size=2 * DEFAULT_SIZE)


def parse(path: str, text: str, blob_id: str | None) -> PythonSource:
    """``pyfile.source.parse``, kept (when the version has a ``blob_id``) by the text's digest,
    where ``parsed`` finds it too; raises what it raises."""
    return _PARSED.get(None if blob_id is None else (path, _digest(text)), lambda: parse_source(path, text))


#: What the disk cache keeps a version's functions under (``definition_spans``).
DEFINITION_SPANS = "definition spans"
#: A function's first line (its decorators'), last line and qualified name.
Span = tuple[int, int, str]


def definition_spans(path: str, text: str, blob_id: str | None) -> list[Span]:
    """The version's functions (``PythonSource.units``), from its parse when it is kept, else from
    the disk cache, else from a parse (kept, for the analysis to reuse); raises what ``parse`` raises.

    ``check`` starts blaming the old side's touched definitions before the analysis, from these.
    A check of more than a few files analyses them in worker processes, which parse the versions
    again: with the spans on disk, its own process parses none of them on a warm run."""
    kept = parsed(path, text) if blob_id is not None else None
    if kept is not None or blob_id is None or not _DISK:
        return _spans_of(kept or parse(path, text, blob_id))
    disk, key = _DISK[0], (blob_id, path, DEFINITION_SPANS)
    found = _spans_from(disk.read(key), text.count("\n") + 1)
    if found is None:
        found = _spans_of(parse(path, text, blob_id))
        disk.write(key, json.dumps(found, separators=(",", ":")))
    return found


def _spans_of(source: PythonSource) -> list[Span]:
    return [(unit.start, unit.end, unit.qualname) for unit in source.units]


def _spans_from(text: str | None, lines: int) -> list[Span] | None:
    """The spans a disk entry holds, or None for no entry or anything that is not one (spans of
    a version of ``lines`` lines)."""
    if text is None:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # json reads nesting recursively
        return None
    if not isinstance(document, list) or not all(_is_span(item, lines) for item in document):
        return None
    return [(start, end, name) for start, end, name in document]


#: A span on disk: [first line, last line, name].
_SPAN_FIELDS = 3


def _is_span(item: object, lines: int) -> bool:
    if not isinstance(item, list) or len(item) != _SPAN_FIELDS:
        return False
    start, end, name = item
    numbers = type(start) is int and type(end) is int  # not bool, which is an int too
    return numbers and isinstance(name, str) and 1 <= start <= end <= lines


def parsed(path: str, text: str) -> PythonSource | None:
    """The version ``parse`` already parsed from ``text``, if it is still kept: the later stages
    (change.impact) look at the same versions again, and parsing a big file costs more than
    everything they do with it."""
    return _PARSED.peek((path, _digest(text)))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Slice:
    """The part of a version an analyzer of some scope needs: its key at once, the part itself
    (``source``) only when an analyzer has to run."""

    def __init__(self, whole: PythonSource, cut: slicing.Plan | None) -> None:
        self.whole = whole
        self.cut = cut
        #: "" for the whole version; else a digest of the plan, so keys stay small.
        self.key = "" if cut is None else _digest(cut.key).hex()

    @functools.cached_property
    def source(self) -> PythonSource:
        return self.whole if self.cut is None else slicing.build(self.whole, self.cut)


def _scoped(source: PythonSource, wanted: Set[int], scope: Scope) -> _Slice:
    """What an analyzer of ``scope`` needs to see of ``source`` to answer for ``wanted`` lines."""
    if scope is Scope.FILE:
        return _Slice(source, None)
    cut = slicing.plan(
        source, wanted, keep_imports=scope in (Scope.STATEMENTS_AND_IMPORTS, Scope.STATEMENTS_AND_NAMES),
        keep_assignments=scope is Scope.STATEMENTS_AND_NAMES,
    )
    return _Slice(source, cut)
