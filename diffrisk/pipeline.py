"""From a diff and file contents to per-file analyses: run the analyzers on both sides of each
changed Python file, keep what the change did, and map it to functions.

This is the only place that knows both the diff and the analyzers.  Each file is analysed in
isolation: a crash on one file is recorded as that file's failure and the others go on.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace

from diffrisk import fragments, generated, ignores, imports, matching, pysource, rules, testchanges, units
from diffrisk.analyzers import ANALYZERS, smells
from diffrisk.analyzers.scope import Scope
from diffrisk.cache import DEFAULT_SIZE, BlobCache
from diffrisk.config import Config
from diffrisk.mechanical import is_mechanical
from diffrisk.model import (
    CYCLOMATIC_COMPLEXITY,
    FUNCTION_LENGTH,
    MAINTAINABILITY_INDEX,
    NESTING_DEPTH,
    PARAMETER_COUNT,
    ChangeKind,
    Diff,
    FileAnalysis,
    FileChange,
    FileResult,
    FileSummary,
    Finding,
    Ignore,
    Issue,
    LineKind,
    Severity,
    UnitChange,
)
from diffrisk.paths import Patterns, is_python, is_test
from diffrisk.pysource import PythonSource
from diffrisk.sources import FileContents

_SYMLINK, _SUBMODULE = "120000", "160000"
#: The analyzers (ours, radon's and bandit's) walk the syntax tree recursively, one or two Python
#: frames a level, and Python stops at 1,000 frames: deeper trees are reported, not analysed.
MAX_TREE_DEPTH = 400
_NOT_PYTHON = "not Python"
#: Without the file's contents, hunks further into a file than this are not analysed.
MAX_FRAGMENT_LINE = 200_000


def files_needing_contents(diff: Diff, config: Config) -> frozenset[int]:
    """Indexes of the files whose contents the analysis reads (changed, analysable Python)."""
    excluded = Patterns(config.exclude)
    return frozenset(
        index for index, change in enumerate(diff.files) if _skip_reason(change, excluded) is None and change.hunks
    )


#: A diff is analysed in several processes (``jobs``) when at least this many changed lines of
#: at least two analysable files need it: below that, starting the workers costs more than it saves.
PARALLEL_MIN_LINES = 200


def analyze(
    diff: Diff, contents: Mapping[int, FileContents] | None, config: Config, jobs: int = 1
) -> tuple[FileAnalysis, ...]:
    """Analyse every file of ``diff``; ``contents`` None means only the diff's own lines exist.
    Big diffs are split over ``jobs`` processes, file by file (each file's analysis is isolated)."""
    work = [(change, None if contents is None else contents.get(index)) for index, change in enumerate(diff.files)]
    heavy = [index for index, (change, found) in enumerate(work) if found is not None and found.new is not None]
    lines = sum(len(work[index][0].added_lines) + len(work[index][0].deleted_lines) for index in heavy)
    if jobs > 1 and len(heavy) > 1 and lines >= PARALLEL_MIN_LINES and hasattr(os, "fork"):
        return _in_processes(work, config, jobs)
    excluded = Patterns(config.exclude)
    return tuple(_isolated(change, found, config, excluded) for change, found in work)


_SHARED: dict[str, object] = {}


def _in_processes(work: list[tuple[FileChange, FileContents | None]], config: Config, jobs: int) -> tuple[FileAnalysis, ...]:
    """The same analyses, in forked worker processes, biggest files first so the workers finish
    together; the results come back in the diff's order."""
    import multiprocessing
    import signal

    from diffrisk.analyzers import security

    if config.analyzers.get("security", True):
        security.prepare()  # import bandit and load its plugins once, before the fork shares them
    _SHARED.update(work=work, config=config, excluded=Patterns(config.exclude))
    order = sorted(range(len(work)), key=lambda index: -_weight(work[index]))
    context = multiprocessing.get_context("fork")
    pool = context.Pool(min(jobs, len(work)), initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))
    try:
        results = dict(zip(order, pool.imap(_analyze_shared, order, chunksize=1)))
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _SHARED.clear()
    return tuple(results[index] for index in range(len(work)))


def _weight(item: tuple[FileChange, FileContents | None]) -> int:
    change, found = item
    if found is None:
        return 0
    return len(found.new or b"") + len(found.old or b"")


def _analyze_shared(index: int) -> FileAnalysis:
    work = _SHARED["work"]
    config, excluded = _SHARED["config"], _SHARED["excluded"]
    assert isinstance(work, list) and isinstance(config, Config) and isinstance(excluded, Patterns)
    change, found = work[index]
    return _isolated(change, found, config, excluded)


def _isolated(change: FileChange, contents: FileContents | None, config: Config, excluded: Patterns) -> FileAnalysis:
    try:
        return _analyze_file(change, contents, config, excluded)
    except (RecursionError, MemoryError):
        return _empty(_summary(change, "too deeply nested to analyse"), (f"{change.path}: too deeply nested to analyse",))
    except Exception as error:  # noqa: BLE001 - one file's crash must not lose the others' results
        analysis = _empty(_summary(change, "analysis failed"))
        failure = f"analysis failed on {change.path}: {type(error).__name__}: {error}"
        return FileAnalysis(analysis.summary, (), (), None, None, 0, (failure,), ())


def _skip_reason(change: FileChange, excluded: Patterns) -> str | None:
    pattern = excluded.first_match(change.path)
    if pattern is None and change.old_path is not None and change.old_path != change.path:
        pattern = excluded.first_match(change.old_path)
    if pattern is not None:
        return f"excluded by pattern {pattern!r}"
    if _SUBMODULE in (change.old_mode, change.new_mode):
        return "submodule"
    if _SYMLINK in (change.old_mode, change.new_mode):
        return "symbolic link"
    if change.is_binary:
        return "binary file"
    if not is_python(change.path):
        return _NOT_PYTHON
    return None


def _summary(change: FileChange, skipped: str | None, mechanical: bool = False, added: int | None = None) -> FileSummary:
    return FileSummary(
        path=change.path,
        old_path=change.old_path if change.kind in (ChangeKind.RENAMED, ChangeKind.COPIED) else None,
        status=change.kind.value,
        added=len(change.added_lines) if added is None else added,
        deleted=len(change.deleted_lines),
        is_python=is_python(change.path),
        is_test=is_test(change.path),
        skipped=skipped,
        mechanical=mechanical,
    )


def _empty(summary: FileSummary, notes: tuple[str, ...] = ()) -> FileAnalysis:
    return FileAnalysis(summary, (), (), None, None, 0, (), notes)


def _analyze_file(change: FileChange, contents: FileContents | None, config: Config, excluded: Patterns) -> FileAnalysis:
    skipped = _skip_reason(change, excluded)
    if skipped == "binary file" and is_python(change.path):
        # git diffs are re-made as text for Python (sources.py); only a patch can still hide code so.
        message = "shown as binary in the patch, so the change cannot be read; Python source should be text"
        return _FileWork(change, config).whole_file_finding("DR-E001", 1, message, 1)
    if skipped is not None or not change.hunks:
        return _empty(_summary(change, None if skipped == _NOT_PYTHON else skipped))
    if contents is None:
        return _analyze_fragments(change, config)
    old_text = None
    if contents.old is not None and change.kind is not ChangeKind.COPIED and not _is_lfs_pointer(contents.old):
        try:
            old_text = pysource.decode(contents.old)
        except pysource.UndecodableSource:
            old_text = None  # the old side's state is not this change's doing; treat all as new
    if _is_lfs_pointer(contents.new):
        return _empty(_summary(change, "git LFS pointer: the contents are stored outside git"))
    if contents.new is None:
        if change.kind is ChangeKind.DELETED:
            return _FileWork(change, config, old_id=contents.old_id).run(old_text, None)
        return _empty(_summary(change, contents.unread or "contents missing from the repository"))
    try:
        new_text = pysource.decode(contents.new)
    except pysource.UndecodableSource as error:
        return _FileWork(change, config).whole_file_finding(
            "DR-E001", 1, f"does not decode: {error}", contents.new.count(b"\n") + 1
        )
    if change.kind is ChangeKind.COPIED:
        # A copy is new code wherever it came from: review it as an added file.
        all_lines = set(range(1, pysource.line_count(new_text) + 1))
        work = _FileWork(change, config, added=all_lines, deleted=set(), new_id=contents.new_id)
    else:
        work = _FileWork(change, config, old_id=contents.old_id, new_id=contents.new_id)
    work.generated_attribute = contents.generated
    return work.run(old_text, new_text)


#: The first line of every git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md);
#: a pointer is smaller than 1,024 bytes.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def _generated_by_contents(text: str, source: PythonSource | None) -> str | None:
    why = generated.banner(text)
    if why is None and source is not None and generated.may_be_minified(text):
        why = generated.minified(text, pysource.string_lines(source.tree))
    return why


def _is_lfs_pointer(data: bytes | None) -> bool:
    return data is not None and len(data) < 1024 and data.startswith(_LFS_POINTER)


def _analyze_fragments(change: FileChange, config: Config) -> FileAnalysis:
    """Without file contents, analyse the hunks' own lines placed at their line numbers."""
    last = max((hunk.new_start + hunk.new_count for hunk in change.hunks), default=0)
    if last > MAX_FRAGMENT_LINE:
        # Placing the lines means padding the text to that line: bounded, as a hostile patch's
        # "@@ -1 +9999999 @@" must not cost minutes.
        note = f"{change.path}: only a fragment is available, and it reaches beyond line {MAX_FRAGMENT_LINE:,}"
        return _empty(_summary(change, "fragment too far into the file to analyse alone"), (note,))
    old_text = None if change.kind is ChangeKind.ADDED else fragments.side_text(change, LineKind.DELETED)
    new_text = None if change.kind is ChangeKind.DELETED else fragments.side_text(change, LineKind.ADDED)
    if change.kind is not ChangeKind.DELETED and new_text is None:
        note = f"{change.path}: only a fragment of this file is available and it does not parse alone"
        return _empty(_summary(change, "fragment does not parse on its own"), (note,))
    return _FileWork(change, config).run(old_text, new_text)


class _Side:
    """One analysed version of the file: its whole source and each analyzer's result."""

    def __init__(self, source: PythonSource, results: Mapping[str, FileResult]) -> None:
        self.source = source
        self.results = results
        self.lines = source.text.split("\n")

    def unit_metrics(self, def_line: int) -> dict[str, float]:
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
        return {name: result.issues for name, result in self.results.items()}

    def issue_text(self, issue: Issue) -> str:
        """The stripped code of all the issue's lines."""
        return "\n".join(line.strip() for line in self.lines[max(issue.line - 1, 0): issue.end_line])

    def owner(self, issue: Issue) -> str | None:
        """The key of the innermost function, else class, holding the issue; None at module level."""
        unit = self.source.unit_at(issue.line)
        if unit is None:
            unit = self.source.class_at(issue.line)
        return unit.key if unit is not None else None


class _FileWork:
    """The analysis of one changed Python file."""

    def __init__(
        self,
        change: FileChange,
        config: Config,
        added: set[int] | None = None,
        deleted: set[int] | None = None,
        old_id: str | None = None,
        new_id: str | None = None,
    ) -> None:
        self.change = change
        #: Blob ids of the two sides, the keys of the caches (None: do not cache).
        self.old_id = old_id
        self.new_id = new_id
        self.config = config
        self.path = change.path
        self.test = is_test(change.path)
        self.added = set(change.added_lines) if added is None else added
        self.deleted = set(change.deleted_lines) if deleted is None else deleted
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.new_imports: tuple[tuple[int, str], ...] = ()
        self.ignores: tuple[Ignore, ...] = ()
        #: What ``linguist-generated`` says (None: not set), and why the file looks generated.
        self.generated_attribute: bool | None = None
        self.generated: str | None = None

    def run(self, old_text: str | None, new_text: str | None) -> FileAnalysis:
        old_source = self._parse_old(old_text)
        lines_before = pysource.line_count(old_text) if old_text is not None else 0
        if new_text is None:
            return self._deleted_file(old_source, lines_before)
        if _has_lone_carriage_return(new_text):
            # Python ends a line at a lone CR; git does not: the diff would not show the code Python runs.
            line = pysource.line_count(new_text.split("\r")[0] + "x")
            return self.whole_file_finding("DR-E002", line, "lone CR line endings: git and Python see different lines", pysource.line_count(new_text))
        try:
            new_source = _parse(self.path, new_text, self.new_id)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return self._unparsable(error, new_text)
        self.generated = self._generated(new_text, new_source, old_text, old_source)
        if old_source is not None and is_mechanical(old_source, new_source, self.deleted, self.added):
            return self._result((), (), None, None, lines_before, mechanical=True)
        pairs = units.pair_functions(old_source, new_source, self.added, self.deleted)
        old_wanted, new_wanted = self._wanted_lines(old_source, new_source, pairs)
        old = self._analyze(old_source, old_wanted, self.old_id) if old_source is not None else None
        new = self._analyze(new_source, new_wanted, self.new_id)
        touched = units.touched(self.change, old_source, new_source, self.added, self.deleted, pairs)
        changes = self._unit_changes(touched, old, new)
        findings = self._issue_findings(old, new, pairs) + self._unit_findings(changes)
        if self.test and old_source is not None:
            findings += self._weakened_tests(old_source, new_source, pairs)
        mi_before = old.file_metric(MAINTAINABILITY_INDEX) if old else None
        self.new_imports = tuple((found.line, found.module) for found in imports.new_imports(old_source, new_source, self.added))
        self.ignores = ignores.find(self.path, enumerate(new.lines, start=1), self.added, new_source.tree)
        return self._result(findings, changes, mi_before, new.file_metric(MAINTAINABILITY_INDEX), lines_before, mechanical=False)

    def _generated(self, new_text: str, new: PythonSource, old_text: str | None, old: PythonSource | None) -> str | None:
        """Why the new version counts as generated (generated.py), or None.

        The attribute comes from the repository (sources.py: never from a change that edits
        .gitattributes).  A banner or minified code counts only when the old version already
        had it: a change cannot declare its own hand-written code generated and so hide it."""
        if self.generated_attribute is not None:
            return "marked linguist-generated in .gitattributes" if self.generated_attribute else None
        why = _generated_by_contents(new_text, new)
        if why is None or old_text is None or self.change.kind is ChangeKind.COPIED:
            return why
        if _generated_by_contents(old_text, old) is None:
            self.notes.append(f"{self.path}: the change makes hand-written code look generated ({why}): analysed as code")
            return None
        return why

    def _result_of_generated(self, findings: Iterable[Finding]) -> list[Finding]:
        """Of a generated file, only what no generator excuses: security issues and code that
        does not parse.  Its size, complexity and style are the generator's."""
        return [finding for finding in findings if finding.analyzer in ("security", "parser")]

    def _weakened_tests(self, old: PythonSource, new: PythonSource | None, pairs: Mapping[str, str]) -> list[Finding]:
        """DR-S003 for what the change took away from the tests (testchanges.py)."""
        anchors = units.deleted_anchors(self.change)
        return [
            Finding("DR-S003", "smells", self.path, found.line, found.end_line, Severity.MEDIUM,
                    f"weakened test: {found.message}", subject=found.test_name if found.removed else None)
            for found in testchanges.weakened(old, new, pairs, self.deleted, anchors)
        ]

    def _result(
        self,
        findings: Iterable[Finding],
        changes: Iterable[UnitChange],
        mi_before: float | None,
        mi_after: float | None,
        lines_before: int,
        mechanical: bool,
    ) -> FileAnalysis:
        if self.generated is not None and not self.config.analyze_generated:
            findings, changes = self._result_of_generated(findings), ()
        summary = replace(
            _summary(self.change, None, mechanical, added=len(self.added)),
            generated=self.generated,
            maintainability_before=mi_before,
            maintainability_after=mi_after,
        )
        return FileAnalysis(
            summary=summary,
            findings=tuple(sorted(findings, key=_finding_key)),
            units=tuple(sorted(changes, key=lambda unit: (unit.side, unit.line, unit.name))),
            maintainability_before=mi_before,
            maintainability_after=mi_after,
            lines_before=lines_before,
            failures=tuple(self.failures),
            notes=tuple(self.notes),
            new_imports=self.new_imports,
            ignores=self.ignores,
        )

    # -- whole files -----------------------------------------------------------------------------

    def _parse_old(self, old_text: str | None) -> PythonSource | None:
        if old_text is None:
            return None
        try:
            return _parse(self.path, old_text, self.old_id)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the old side's state is not this change's doing; treat all as new

    def _unparsable(self, error: Exception, text: str) -> FileAnalysis:
        line_count = pysource.line_count(text)
        if isinstance(error, SyntaxError):
            line = min(max(error.lineno or 1, 1), line_count)
            python2 = pysource.python2_syntax(error)
            if python2 is not None:
                message = f"does not parse as Python 3: Python 2 syntax ({python2}, line {error.lineno}); diffrisk analyses Python 3 only"
            else:
                message = f"does not parse: {error.msg} (line {error.lineno})"
            return self.whole_file_finding("DR-E001", line, message, line_count)
        line = min(self.added) if self.added else 1
        return self.whole_file_finding("DR-E001", line, "does not parse: nested too deeply for Python's parser", line_count)

    def whole_file_finding(self, rule: str, line: int, message: str, line_count: int) -> FileAnalysis:
        """A file that cannot be analysed: one high-risk finding, and the whole file as its hotspot."""
        finding = Finding(rule, "parser", self.path, line, line, Severity.HIGH, message)
        whole = UnitChange(
            self.path, self.path, "file", 1, max(line_count, 1), "new", len(self.added), len(self.deleted),
            False, self.test, {}, {},
        )
        return self._result((finding,), (whole,), None, None, 0, mechanical=False)

    def _deleted_file(self, old_source: PythonSource | None, lines_before: int) -> FileAnalysis:
        """A deleted file: the issues it took away count in the change's favour."""
        if old_source is None:
            return self._result((), (), None, None, lines_before, mechanical=False)
        old = self._analyze(old_source, self.deleted, self.old_id)
        removed = matching.touching(old.issues(), self.deleted, self._keep_old)
        findings = [self._finding(analyzer, issue, removed=True) for analyzer, issue in removed if analyzer in rules.CREDIT_REMOVALS]
        if self.test:
            findings += self._weakened_tests(old_source, None, {})
        whole = UnitChange(
            self.path, self.path, "file", 1, max(lines_before, 1), "old", 0, len(self.deleted), False, self.test, {}, {},
        )
        return self._result(findings, (whole,), None, None, lines_before, mechanical=False)

    # -- running the analyzers -------------------------------------------------------------------

    def _wanted_lines(self, old: PythonSource | None, new: PythonSource, pairs: Mapping[str, str]) -> tuple[set[int], set[int]]:
        """The lines each side's analysis must cover: the changed lines, and on the old side the
        functions the change touched (for their "before" measurements)."""
        new_wanted = self.added | set(units.deleted_anchors(self.change).values())
        targets = sorted(new_wanted)
        touched = {unit.key for unit in new.units if pysource.touches(targets, unit.start, unit.end)}
        old_wanted = set(self.deleted)
        if old is not None:
            old_wanted |= {unit.def_line for unit in old.units if pairs.get(unit.key) in touched}
        return old_wanted, new_wanted

    def _analyze(self, source: PythonSource, wanted: set[int], blob_id: str | None) -> _Side:
        results: dict[str, FileResult] = {}
        slices: dict[Scope, PythonSource] = {}
        for name, analyzer in ANALYZERS.items():
            if not self.config.analyzers.get(name, True):
                continue
            try:
                if analyzer.SCOPE not in slices:
                    slices[analyzer.SCOPE] = _scoped(source, wanted, analyzer.SCOPE)
                scoped = slices[analyzer.SCOPE]
                # A slice is keyed by its text (through a digest, so keys stay small): the same
                # statements of the same blob give the same text.
                key = None if blob_id is None else (blob_id, self.path, name, "" if scoped is source else _digest(scoped.text))
                results[name] = _RESULTS.get(key, lambda: analyzer.analyze(scoped))
            except (RecursionError, MemoryError):
                self._too_deep(name, source)
            except Exception as error:  # noqa: BLE001 - isolate one analyzer's crash on one file
                # bandit reports its own RecursionError as a generic failure: tell the two apart.
                if pysource.depth(source.tree) <= MAX_TREE_DEPTH:
                    self.failures.append(f"{name} failed on {self.path}: {type(error).__name__}: {error}")
                else:
                    self._too_deep(name, source)
        return _Side(source, results)

    def _too_deep(self, analyzer: str, source: PythonSource) -> None:
        depth = pysource.depth(source.tree)
        self.notes.append(f"{self.path}: {analyzer} skipped: the syntax tree nests {depth} levels deep")

    # -- findings on lines -----------------------------------------------------------------------

    def _keep_old(self, analyzer: str, issue: Issue) -> bool:
        return not (self.test and issue.rule in rules.NOT_IN_TESTS)

    def _issue_findings(self, old: _Side | None, new: _Side, pairs: Mapping[str, str]) -> list[Finding]:
        created = _created_definition_lines(old.source if old else None, new.source, pairs)

        def keep_new(analyzer: str, issue: Issue) -> bool:
            if issue.rule in rules.NEW_UNITS_ONLY and issue.line not in created:
                return False
            return self._keep_old(analyzer, issue)

        new_side = matching.Side(matching.touching(new.issues(), self.added, keep_new), new.issue_text, new.owner)
        if old is None:
            return [self._finding(analyzer, issue, removed=False) for analyzer, issue in new_side.issues]

        def old_owner(issue: Issue) -> str | None:
            owner = old.owner(issue)
            return pairs.get(owner, f"<deleted {owner}>") if owner is not None else None

        old_side = matching.Side(matching.touching(old.issues(), self.deleted, self._keep_old), old.issue_text, old_owner)
        introduced, removed = matching.match(old_side, new_side)
        findings = [self._finding(analyzer, issue, removed=False) for analyzer, issue in introduced]
        if not self._adds_suppression(new):  # a "# nosec" hides an issue; it does not remove it
            findings += [self._finding(analyzer, issue, removed=True) for analyzer, issue in removed if analyzer in rules.CREDIT_REMOVALS]
        return findings

    def _adds_suppression(self, new: _Side) -> bool:
        return any(smells.NOSEC.search(new.lines[line - 1]) for line in self.added if 0 < line <= len(new.lines))

    def _finding(self, analyzer: str, issue: Issue, removed: bool) -> Finding:
        return Finding(
            rule=issue.rule, analyzer=analyzer, path=self.path, line=issue.line, end_line=issue.end_line,
            severity=issue.severity, message=issue.message, confidence=issue.confidence, cwe=issue.cwe,
            removed=removed, column=issue.column,
        )

    # -- units -----------------------------------------------------------------------------------

    def _unit_changes(self, touched: units.Touched, old: _Side | None, new: _Side) -> list[UnitChange]:
        changes = []
        for unit, previous, touch in touched.functions.values():
            before = old.unit_metrics(previous.def_line) if old is not None and previous is not None else {}
            renamed = previous.qualname if previous is not None and previous.qualname != unit.qualname else None
            changes.append(UnitChange(
                self.path, unit.qualname, "function", unit.start, unit.end, "new", touch.added, touch.deleted,
                previous is None, self.test, before, new.unit_metrics(unit.def_line), renamed,
            ))
        for unit, touch in touched.deleted.values():
            before = old.unit_metrics(unit.def_line) if old is not None else {}
            changes.append(UnitChange(
                self.path, unit.qualname, "function", unit.start, unit.end, "old", 0, touch.deleted,
                False, self.test, before, {},
            ))
        for start, end, class_name, touch in units.merge_blocks(new.source, touched.blocks):
            name, kind = (class_name, "class") if class_name else ("<module>", "module")
            changes.append(UnitChange(
                self.path, name, kind, start, end, "new", touch.added, touch.deleted, False, self.test, {}, {},
            ))
        return changes

    def _unit_findings(self, changes: list[UnitChange]) -> list[Finding]:
        findings: list[Finding] = []
        for unit in changes:
            if unit.side != "new" or unit.kind != "function":
                continue
            findings += self._over_limit(unit, CYCLOMATIC_COMPLEXITY, rules.COMPLEXITY_LIMIT, "DR-C001", "complexity")
            findings += self._over_limit(unit, FUNCTION_LENGTH, rules.LENGTH_LIMIT, "DR-R001", "readability")
            findings += self._over_limit(unit, NESTING_DEPTH, rules.NESTING_LIMIT, "DR-R002", "readability")
            findings += self._over_limit(unit, PARAMETER_COUNT, rules.PARAMETER_LIMIT, "DR-R003", "readability")
        return findings

    def _over_limit(self, unit: UnitChange, metric: str, limit: int, rule: str, analyzer: str) -> list[Finding]:
        after = unit.after.get(metric)
        before = unit.before.get(metric)
        if after is None or after <= limit or (before is not None and after <= before):
            return []
        severity = Severity.LOW if analyzer == "readability" else Severity.MEDIUM
        if metric == CYCLOMATIC_COMPLEXITY and after > rules.COMPLEXITY_HIGH:
            severity = Severity.HIGH
        return [Finding(rule, analyzer, self.path, unit.line, unit.end_line, severity, _limit_message(unit, metric, limit))]


_METRIC_WORDS = {
    CYCLOMATIC_COMPLEXITY: ("cyclomatic complexity", ""),
    FUNCTION_LENGTH: ("length", " lines"),
    NESTING_DEPTH: ("nesting depth", " levels"),
    PARAMETER_COUNT: ("parameters", ""),
}


def _limit_message(unit: UnitChange, metric: str, limit: int) -> str:
    words, unit_word = _METRIC_WORDS[metric]
    after = int(unit.after[metric])
    before = unit.before.get(metric)
    change = f"{int(before)} -> {after}" if before is not None else f"{after} (new)"
    return f"`{unit.name}` {words} {change}{unit_word}; over the limit of {limit}"


def _created_definition_lines(old: PythonSource | None, new: PythonSource, pairs: Mapping[str, str]) -> set[int]:
    """Lines of the ``def``/``class`` of definitions the change created (not renamed ones)."""
    existed = {unit.key for unit in (old.units + old.classes)} if old else set()
    existed |= set(pairs.values())
    return {unit.def_line for unit in new.units + new.classes if unit.key not in existed}


#: Parsed file versions and analyzer results by blob id, for ``diffrisk log`` (see cache.py).
#: Parsed versions are bounded by their source size: 2.5 MB of source is about 90 MB of trees,
#: and still holds the few dozen file versions that neighbouring commits share.
PARSED_SOURCE_BYTES = 2_500_000
_PARSED: BlobCache[PythonSource] = BlobCache(weigh=lambda source: len(source.text), max_weight=PARSED_SOURCE_BYTES)
_RESULTS: BlobCache[FileResult] = BlobCache(size=2 * DEFAULT_SIZE)


def _parse(path: str, text: str, blob_id: str | None) -> PythonSource:
    return _PARSED.get(None if blob_id is None else (blob_id, path), lambda: pysource.parse(path, text))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _scoped(source: PythonSource, wanted: set[int], scope: Scope) -> PythonSource:
    """What an analyzer of ``scope`` needs to see of ``source`` to answer for ``wanted`` lines."""
    if scope is Scope.FILE:
        return source
    return pysource.slice_source(source, wanted, keep_imports=scope is Scope.STATEMENTS_AND_IMPORTS)


def _has_lone_carriage_return(text: str) -> bool:
    return "\r" in text.replace("\r\n", "")


def _finding_key(finding: Finding) -> tuple[str, int, int, str, str, bool]:
    return (finding.path, finding.line, finding.end_line, finding.rule, finding.message, finding.removed)
