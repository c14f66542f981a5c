"""One changed Python file, both of its versions: what the change introduced and removed, the
functions and blocks it touched with their measurements before and after, and why a file could
not be analysed.

Functions over values: each step returns what it found, and ``_finish`` makes the one record.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Set

from diffrisk import rules
from diffrisk.analyzers.smells import NOSEC as NOSEC_COMMENT
from diffrisk.change import analyzed_version, issue_matching, touched, weakened_tests
from diffrisk.change.analyzed_version import AnalyzedVersion, Problems
from diffrisk.change.mechanical import is_mechanical
from diffrisk.change.rebound import module_rebound, readers_of_rebound_names, rebound_issues
from diffrisk.config import Config
from diffrisk.model import (
    MAINTAINABILITY_INDEX,
    ChangeKind,
    FileAnalysis,
    FileChange,
    FileSummary,
    Finding,
    Ignore,
    Issue,
    Severity,
    UnitChange,
)
from diffrisk.paths import is_python, is_test
from diffrisk.pyfile import generated, ignores, imports
from diffrisk.pyfile.comments import string_lines
from diffrisk.pyfile.python2 import python2_syntax
from diffrisk.pyfile.source import PythonSource, line_count, touches
from diffrisk.records import record, replace


@record
class ChangedFile:
    """One changed file as the analysis sees it: which of its lines the change added and deleted."""

    change: FileChange
    config: Config
    #: 1-based new-side lines the change added, and old-side lines it deleted.
    added: frozenset[int]
    deleted: frozenset[int]
    #: Blob ids of the two versions, the keys of the caches (None: do not cache).
    old_id: str | None = None
    new_id: str | None = None

    @property
    def path(self) -> str:
        return self.change.path

    @property
    def is_test(self) -> bool:
        return is_test(self.change.path)


def changed_file(change: FileChange, config: Config, old_id: str | None = None, new_id: str | None = None) -> ChangedFile:
    """The file with the lines its hunks add and delete."""
    return ChangedFile(change, config, frozenset(change.added_lines), frozenset(change.deleted_lines), old_id, new_id)


def summary(change: FileChange, skipped: str | None, added: int | None = None) -> FileSummary:
    """The file's line in the report, before anything of its contents is known."""
    return FileSummary(
        path=change.path,
        old_path=change.old_path if change.kind in (ChangeKind.RENAMED, ChangeKind.COPIED) else None,
        status=change.kind.value,
        added=len(change.added_lines) if added is None else added,
        deleted=len(change.deleted_lines),
        is_python=is_python(change.path),
        is_test=is_test(change.path),
        skipped=skipped,
    )


@record
class _Outcome:
    """What the analysis of a file found, before it becomes the file's record."""

    findings: tuple[Finding, ...] = ()
    units: tuple[UnitChange, ...] = ()
    #: radon's maintainability index before and after.
    maintainability: tuple[float | None, float | None] = (None, None)
    lines_before: int = 0
    #: Why the new version counts as generated (pyfile.generated), or None.
    generated: str | None = None
    mechanical: bool = False
    new_imports: tuple[tuple[int, str], ...] = ()
    ignores: tuple[Ignore, ...] = ()
    problems: Problems = Problems()


def analyze(file: ChangedFile, old_text: str | None, new_text: str | None, generated_attribute: bool | None) -> FileAnalysis:
    """Analyse both versions (None: the side does not exist); ``generated_attribute`` is what
    ``linguist-generated`` says of the file (None: not set)."""
    old_source = _parse_old(file, old_text)
    lines_before = line_count(old_text) if old_text is not None else 0
    if new_text is None:
        return _finish(file, _deleted(file, old_source, lines_before))
    if _has_lone_carriage_return(new_text):
        # Python ends a line at a lone CR; git does not: the diff would not show the code Python runs.
        line = line_count(new_text.split("\r")[0] + "x")
        message = "lone CR line endings: git and Python see different lines"
        return whole_file_finding(file, "DR-E002", line, message, line_count(new_text))
    try:
        new_source = analyzed_version.parse(file.path, new_text, file.new_id)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return _unparsable(file, error, new_text)
    why_generated, problems = _generated(file, (old_text, old_source), (new_text, new_source), generated_attribute)
    if old_source is not None and is_mechanical(old_source, new_source, file.deleted, file.added):
        return _finish(file, _Outcome(lines_before=lines_before, generated=why_generated, mechanical=True, problems=problems))
    outcome = _both_versions(file, old_source, new_source)
    return _finish(file, replace(outcome, lines_before=lines_before, generated=why_generated, problems=problems + outcome.problems))


def _both_versions(file: ChangedFile, old_source: PythonSource | None, new_source: PythonSource) -> _Outcome:
    pairs = touched.pair_functions(old_source, new_source, file.added, file.deleted)
    module = module_rebound(new_source, old_source)
    old_wanted, old_measured, new_wanted = _wanted_lines(file, old_source, new_source, pairs, module)
    old, old_problems = (None, Problems()) if old_source is None else analyzed_version.analyze(
        file.path, old_source, old_wanted, file.old_id, file.config, old_measured
    )
    new, new_problems = analyzed_version.analyze(file.path, new_source, new_wanted, file.new_id, file.config, base_id=file.old_id)
    units = _unit_changes(file, touched.touched(file.change, old_source, new_source, file.added, file.deleted, pairs), old, new)
    findings = _under_nosec(_with_weaknesses(_issue_findings(file, old, new, pairs, module)), new) + _limit_findings(file, units)
    if file.is_test and old_source is not None:
        findings += _weakened_tests(file, old_source, new_source, pairs)
    new_imports = tuple((found.line, found.module) for found in imports.new_imports(old_source, new_source, file.added))
    found_ignores = ignores.find(file.path, enumerate(new.lines, start=1), file.added, new_source.tree)
    maintainability = (old.file_metric(MAINTAINABILITY_INDEX) if old else None, new.file_metric(MAINTAINABILITY_INDEX))
    return _Outcome(
        tuple(findings), tuple(units), maintainability, new_imports=new_imports, ignores=found_ignores,
        problems=old_problems + new_problems,
    )


def _finish(file: ChangedFile, outcome: _Outcome) -> FileAnalysis:
    findings, units = outcome.findings, outcome.units
    if outcome.generated is not None and not file.config.analyze_generated:
        # Of a generated file, only what no generator excuses: security issues and code that does
        # not parse.  Its size, complexity and style are the generator's.
        findings, units = tuple(finding for finding in findings if finding.analyzer in ("security", "weaknesses", "parser")), ()
    before, after = outcome.maintainability
    file_summary = replace(
        summary(file.change, None, added=len(file.added)), generated=outcome.generated, mechanical=outcome.mechanical,
        maintainability_before=before, maintainability_after=after,
    )
    return FileAnalysis(
        summary=file_summary,
        findings=tuple(sorted(findings, key=_finding_key)),
        units=tuple(sorted(units, key=lambda unit: (unit.side, unit.line, unit.name))),
        lines_before=outcome.lines_before,
        failures=outcome.problems.failures,
        notes=outcome.problems.notes,
        new_imports=outcome.new_imports,
        ignores=outcome.ignores,
    )


# -- files that cannot be analysed function by function -----------------------------------------


def whole_file_finding(
    file: ChangedFile, rule: str, line: int, message: str, lines: int, skipped: str | None = None,
) -> FileAnalysis:
    """A file that cannot be analysed: one high-risk finding, and the whole file as its hotspot;
    ``skipped`` says why it was not read at all, when it was not."""
    finding = Finding(rule, "parser", file.path, line, line, Severity.HIGH, message)
    whole = UnitChange(
        file.path, file.path, "file", 1, max(lines, 1), "new", len(file.added), len(file.deleted),
        False, file.is_test, {}, {},
    )
    analysis = _finish(file, _Outcome(findings=(finding,), units=(whole,)))
    return replace(analysis, summary=replace(analysis.summary, skipped=skipped)) if skipped else analysis


def _unparsable(file: ChangedFile, error: Exception, text: str) -> FileAnalysis:
    lines = line_count(text)
    if isinstance(error, SyntaxError):
        line = min(max(error.lineno or 1, 1), lines)
        python2 = python2_syntax(error)
        if python2 is not None:
            message = f"does not parse as Python 3: Python 2 syntax ({python2}, line {error.lineno}); diffrisk analyses Python 3 only"
        else:
            message = f"does not parse: {error.msg} (line {error.lineno})" if error.lineno else f"does not parse: {error.msg}"
        return whole_file_finding(file, "DR-E001", line, message, lines)
    line = min(file.added) if file.added else 1
    return whole_file_finding(file, "DR-E001", line, "does not parse: nested too deeply for Python's parser", lines)


def _deleted(file: ChangedFile, old_source: PythonSource | None, lines_before: int) -> _Outcome:
    """A deleted file: the issues it took away count in the change's favour."""
    if old_source is None:
        return _Outcome(lines_before=lines_before)
    old, problems = analyzed_version.analyze(file.path, old_source, file.deleted, file.old_id, file.config)
    removed = issue_matching.touching(old.issues(), file.deleted, lambda analyzer, issue: _keep_old(file, issue))
    findings = _with_weaknesses(
        [_finding(file, analyzer, issue, removed=True) for analyzer, issue in removed if analyzer in rules.CREDIT_REMOVALS]
    )
    if file.is_test:
        findings += _weakened_tests(file, old_source, None, {})
    whole = UnitChange(
        file.path, file.path, "file", 1, max(lines_before, 1), "old", 0, len(file.deleted), False, file.is_test, {}, {},
    )
    return _Outcome(tuple(findings), (whole,), lines_before=lines_before, problems=problems)


def _parse_old(file: ChangedFile, old_text: str | None) -> PythonSource | None:
    if old_text is None:
        return None
    try:
        return analyzed_version.parse(file.path, old_text, file.old_id)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the old side's state is not this change's doing; treat all as new


def _has_lone_carriage_return(text: str) -> bool:
    return "\r" in text.replace("\r\n", "")


# -- generated code -------------------------------------------------------------------------------


def _generated(
    file: ChangedFile, old: tuple[str | None, PythonSource | None], new: tuple[str, PythonSource], attribute: bool | None,
) -> tuple[str | None, Problems]:
    """Why the new version counts as generated (pyfile.generated), or None.

    The attribute comes from the repository (diffsource.contents: never from a change that edits
    .gitattributes).  A banner or minified code counts only when the old version already had it:
    a change cannot declare its own hand-written code generated and so hide it."""
    if attribute is not None:
        return ("marked linguist-generated in .gitattributes" if attribute else None), Problems()
    why = _generated_by_contents(*new)
    old_text, old_source = old
    if why is None or old_text is None or file.change.kind is ChangeKind.COPIED:
        return why, Problems()
    if _generated_by_contents(old_text, old_source) is None:
        note = f"{file.path}: the change makes hand-written code look generated ({why}): analysed as code"
        return None, Problems(notes=(note,))
    return why, Problems()


def _generated_by_contents(text: str, source: PythonSource | None) -> str | None:
    why = generated.banner(text)
    if why is None and source is not None and generated.may_be_minified(text):
        why = generated.minified(text, string_lines(source.tree))
    return why


# -- findings on changed lines --------------------------------------------------------------------


def _wanted_lines(
    file: ChangedFile, old: PythonSource | None, new: PythonSource, pairs: Mapping[str, str], module: frozenset[str],
) -> tuple[Set[int], Set[int], Set[int]]:
    """The lines each version's analysis must cover: the changed lines, and the statements that
    read a module-level name the change rebinds (``module``, change.rebound); and on the old side, for the
    analyzers that measure functions, the functions the change touched (their "before").  The old
    side's issues count only where they touch a deleted line (the rest are matched by nothing),
    so an addition needs no issue of the old side at all."""
    new_wanted = file.added | set(touched.deleted_anchors(file.change).values()) | readers_of_rebound_names(new, module)
    targets = sorted(new_wanted)
    touched_keys = {unit.key for unit in new.units if touches(targets, unit.start, unit.end)}
    measured = set() if old is None else {unit.def_line for unit in old.units if pairs.get(unit.key) in touched_keys}
    return file.deleted, measured, new_wanted


def _keep_old(file: ChangedFile, issue: Issue) -> bool:
    return not (file.is_test and issue.rule in rules.NOT_IN_TESTS)


def _issue_findings(
    file: ChangedFile, old: AnalyzedVersion | None, new: AnalyzedVersion, pairs: Mapping[str, str], module: frozenset[str],
) -> list[Finding]:
    """The issues the change introduced, and (security) the ones it removed (``module``: the
    module-level names the change rebinds)."""
    created = _created_definition_lines(old.source if old else None, new.source, pairs)

    def keep_new(analyzer: str, issue: Issue) -> bool:
        if issue.rule in rules.NEW_UNITS_ONLY and issue.line not in created:
            return False
        return _keep_old(file, issue)

    candidates = issue_matching.touching(new.issues(), file.added, keep_new)
    if old is None:
        return [_finding(file, analyzer, issue, removed=False) for analyzer, issue in candidates]
    # An issue under a # nosec on lines the change touched is the change's: it matches nothing old;
    # so is one on an untouched line that reads a name the change gave a new value (change.rebound).
    sticky = {id(issue) for analyzer, issue in candidates if analyzer == "security" and _nosec_on(new, issue)}
    rebound = {
        id(issue): (analyzer, issue, names)
        for analyzer, issue, names in rebound_issues(new.issues(), new.source, old.source, pairs, module) if _keep_old(file, issue)
    }
    touching = {id(issue) for _, issue in candidates}
    candidates += [(analyzer, issue) for key, (analyzer, issue, _) in rebound.items() if key not in touching]
    sticky |= set(rebound)

    def new_text(issue: Issue) -> str | None:
        return None if id(issue) in sticky else f"{new.signature(issue)}\n{new.issue_text(issue)}"

    def new_owner(issue: Issue) -> str | None:
        owner = new.owner(issue)
        return None if owner is None or id(issue) in sticky else f"{owner}({new.signature(issue)})"

    def old_owner(issue: Issue) -> str | None:
        owner = old.owner(issue)
        return f"{pairs.get(owner, f'<deleted {owner}>')}({old.signature(issue)})" if owner is not None else None

    def old_text(issue: Issue) -> str | None:
        return f"{old.signature(issue)}\n{old.issue_text(issue)}"

    kept_old = issue_matching.touching(old.issues(), file.deleted, lambda analyzer, issue: _keep_old(file, issue))
    introduced, removed = issue_matching.match(
        issue_matching.Side(kept_old, old_text, old_owner), issue_matching.Side(candidates, new_text, new_owner)
    )
    findings = [
        _with_new_input(_finding(file, analyzer, issue, removed=False), rebound[id(issue)][2])
        if id(issue) in rebound else _finding(file, analyzer, issue, removed=False)
        for analyzer, issue in introduced
    ]
    if not _adds_nosec(file, new):  # a "# nosec" hides an issue; it does not remove it
        findings += [_finding(file, analyzer, issue, removed=True) for analyzer, issue in removed if analyzer in rules.CREDIT_REMOVALS]
    return findings


def _with_new_input(finding: Finding, names: frozenset[str]) -> Finding:
    """A finding whose statement reads names the change rebound, saying so: the reviewer must see
    why an untouched line is new."""
    shown = ", ".join(f"`{name}`" for name in sorted(names))
    message = f"{finding.message} (it reads {shown}, which this change gives a new value)"
    return replace(finding, new_input=tuple(sorted(names)), message=message)


#: What marks a finding under a bandit ``# nosec`` the change added or edited.
NOSEC = "# nosec"


def _nosec_on(version: AnalyzedVersion, issue: Issue) -> bool:
    return any(NOSEC_COMMENT.search(line) for line in version.lines[max(issue.line - 1, 0): issue.end_line])


def _under_nosec(findings: list[Finding], new: AnalyzedVersion) -> list[Finding]:
    """bandit's findings on lines that carry a ``# nosec``: they count, and say so.  (Every
    finding here is one the change introduced, so its lines, and the nosec, are the change's.)"""
    marked = []
    for finding in findings:
        lines = new.lines[max(finding.line - 1, 0): finding.end_line]
        if finding.analyzer == "security" and not finding.removed and any(NOSEC_COMMENT.search(line) for line in lines):
            finding = replace(finding, suppression=NOSEC)
        marked.append(finding)
    return marked


def _with_weaknesses(findings: list[Finding]) -> list[Finding]:
    """Each finding with the weakness it shows (rules.WEAKNESSES), one finding per weakness and
    line: where bandit reports a weakness that diffrisk's own rules also see, bandit's finding
    stays.  bandit's eval and exec (B307, B102) are a weakness only where DR-W001 confirms that
    what they run is computed."""
    # Keyed by side too: a removed eval is confirmed by the DR-W001 of the old code.
    confirmed = {(finding.line, finding.removed) for finding in findings if finding.rule == "DR-W001"}
    tagged = []
    for finding in findings:
        if finding.analyzer == "security":
            weakness = rules.BANDIT_WEAKNESSES.get(finding.rule)
            if finding.rule in rules.NEEDS_CONFIRMATION and (finding.line, finding.removed) not in confirmed:
                weakness = None
        else:
            weakness = rules.OWN_WEAKNESSES.get(finding.rule)
        if weakness is not None:
            cwe = finding.cwe if finding.cwe is not None else rules.WEAKNESSES[weakness].cwe[0]
            finding = replace(finding, weakness=weakness, cwe=cwe)
        tagged.append(finding)
    by_bandit = {(finding.line, finding.removed, finding.weakness) for finding in tagged if finding.analyzer == "security"}
    return [
        finding for finding in tagged
        if finding.analyzer == "security" or finding.weakness is None or (finding.line, finding.removed, finding.weakness) not in by_bandit
    ]


def _adds_nosec(file: ChangedFile, new: AnalyzedVersion) -> bool:
    return any(NOSEC_COMMENT.search(new.lines[line - 1]) for line in file.added if 0 < line <= len(new.lines))


def _finding(file: ChangedFile, analyzer: str, issue: Issue, removed: bool) -> Finding:
    return Finding(
        rule=issue.rule, analyzer=analyzer, path=file.path, line=issue.line, end_line=issue.end_line,
        severity=issue.severity, message=issue.message, confidence=issue.confidence, cwe=issue.cwe,
        removed=removed, column=issue.column, subject=issue.subject,
    )


def _created_definition_lines(old: PythonSource | None, new: PythonSource, pairs: Mapping[str, str]) -> set[int]:
    """Lines of the ``def``/``class`` of definitions the change created (not renamed ones)."""
    existed = {unit.key for unit in (old.units + old.classes)} if old else set()
    existed |= set(pairs.values())
    return {unit.def_line for unit in new.units + new.classes if unit.key not in existed}


def _weakened_tests(file: ChangedFile, old: PythonSource, new: PythonSource | None, pairs: Mapping[str, str]) -> list[Finding]:
    """DR-S003 for what the change took away from the tests."""
    anchors = touched.deleted_anchors(file.change)
    return [
        Finding("DR-S003", "smells", file.path, found.line, found.end_line, Severity.MEDIUM,
                f"weakened test: {found.message}", subject=found.test_name if found.removed else None)
        for found in weakened_tests.weakened(old, new, pairs, file.deleted, anchors)
    ]


# -- functions and blocks -------------------------------------------------------------------------


def _unit_changes(file: ChangedFile, found: touched.Touched, old: AnalyzedVersion | None, new: AnalyzedVersion) -> list[UnitChange]:
    changes = []
    stubs = stub_lines(new.source)
    for unit, previous, touch in found.functions.values():
        before = old.unit_metrics(previous.def_line) if old is not None and previous is not None else {}
        renamed = previous.qualname if previous is not None and previous.qualname != unit.qualname else None
        changes.append(UnitChange(
            file.path, unit.qualname, "function", unit.start, unit.end, "new", touch.added, touch.deleted,
            previous is None, file.is_test, before, new.unit_metrics(unit.def_line), renamed, unit.def_line in stubs,
        ))
    for unit, touch in found.deleted.values():
        before = old.unit_metrics(unit.def_line) if old is not None else {}
        changes.append(UnitChange(
            file.path, unit.qualname, "function", unit.start, unit.end, "old", 0, touch.deleted,
            False, file.is_test, before, {},
        ))
    for start, end, class_name, touch in touched.merge_blocks(new.source, found.blocks):
        changes.append(UnitChange(
            file.path, class_name or "<module>", "class" if class_name else "module", start, end, "new",
            touch.added, touch.deleted, False, file.is_test, {}, {},
        ))
    return changes


def stub_lines(source: PythonSource) -> set[int]:
    """The ``def`` lines of functions whose body does nothing (UnitChange.stub)."""
    return {line for line, node in source.function_nodes.items() if all(_does_nothing(statement) for statement in node.body)}


def _does_nothing(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)  # a docstring, or ...
    if isinstance(statement, ast.Return):
        return statement.value is None or isinstance(statement.value, ast.Constant) and statement.value.value is None
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"
    return False


def _limit_findings(file: ChangedFile, units: Iterable[UnitChange]) -> list[Finding]:
    """The function-level limit rules (rules.LIMIT_RULES) on the functions the change left."""
    findings = []
    for unit in units:
        if unit.side != "new" or unit.kind != "function":
            continue
        for limit in rules.LIMIT_RULES:
            over = rules.over_limit(limit, unit.name, unit.before, unit.after)
            if over is not None:
                findings.append(Finding(over.rule, over.analyzer, file.path, unit.line, unit.end_line, over.severity, over.message))
    return findings


def _finding_key(finding: Finding) -> tuple[str, int, int, str, str, bool]:
    return (finding.path, finding.line, finding.end_line, finding.rule, finding.message, finding.removed)
