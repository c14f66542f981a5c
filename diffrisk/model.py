"""The immutable records that cross module boundaries.

Line numbers are 1-based everywhere (as git, radon and Python's ``ast`` count them); columns are
0-based (as ast and bandit count them).  Every record is complete when it is made.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal, NamedTuple

from diffrisk.records import field, fields, is_record, record

#: The two versions a change relates: "old" before it, "new" after it.
Side = Literal["old", "new"]
#: What a hotspot or touched unit is: a function or method, a class body's own statements,
#: module-level statements, or a whole file that could not be analysed unit by unit.
UnitKind = Literal["function", "class", "module", "file"]
#: What a definition in a Python file is (pyfile.source.Unit).
DefinitionKind = Literal["function", "class"]


# --------------------------------------------------------------------------------------------
# The diff
# --------------------------------------------------------------------------------------------


class ChangeKind(str, enum.Enum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"


class LineKind(str, enum.Enum):
    CONTEXT = " "
    ADDED = "+"
    DELETED = "-"


class DiffLine(NamedTuple):
    kind: LineKind
    #: The line's text without its line terminator (a trailing CR is removed too).
    text: str
    #: 1-based line number in the old file; None for an added line.
    old_lineno: int | None
    #: 1-based line number in the new file; None for a deleted line.
    new_lineno: int | None


@record
class Hunk:
    #: 1-based first line of the hunk in the old file (0 when the old side is empty).
    old_start: int
    old_count: int
    #: 1-based first line of the hunk in the new file (0 when the new side is empty).
    new_start: int
    new_count: int
    #: The text git prints after the second ``@@`` (usually the enclosing function's header).
    section: str
    lines: tuple[DiffLine, ...]


@record
class FileChange:
    #: Path before the change (posix, relative to the repository root); None when added.
    old_path: str | None
    #: Path after the change; None when deleted.
    new_path: str | None
    kind: ChangeKind
    #: File modes as git prints them ("100644", "100755", "120000" symlink, "160000" submodule).
    old_mode: str | None = None
    new_mode: str | None = None
    #: Blob ids from the ``index`` line, full or abbreviated; None when the diff has none.
    old_blob: str | None = None
    new_blob: str | None = None
    #: Rename or copy similarity in percent, when git gave one.
    similarity: int | None = None
    is_binary: bool = False
    hunks: tuple[Hunk, ...] = ()

    @property
    def path(self) -> str:
        """The path a reviewer knows the file by: the new one, or the old one when deleted."""
        path = self.new_path if self.new_path is not None else self.old_path
        assert path is not None, "a file change has at least one path"
        return path

    @property
    def added_lines(self) -> tuple[int, ...]:
        """1-based new-side line numbers of the added lines."""
        return tuple(
            line.new_lineno
            for hunk in self.hunks
            for line in hunk.lines
            if line.kind is LineKind.ADDED and line.new_lineno is not None
        )

    def added_text(self) -> Iterator[tuple[int, str]]:
        """(1-based new-side line number, text) of each added line."""
        for hunk in self.hunks:
            for line in hunk.lines:
                if line.kind is LineKind.ADDED and line.new_lineno is not None:
                    yield line.new_lineno, line.text

    @property
    def deleted_lines(self) -> tuple[int, ...]:
        """1-based old-side line numbers of the deleted lines."""
        return tuple(
            line.old_lineno
            for hunk in self.hunks
            for line in hunk.lines
            if line.kind is LineKind.DELETED and line.old_lineno is not None
        )

    @property
    def mode_changed(self) -> bool:
        return self.old_mode is not None and self.new_mode is not None and self.old_mode != self.new_mode


@record
class Diff:
    files: tuple[FileChange, ...] = ()


# --------------------------------------------------------------------------------------------
# What analyzers produce (about one version of one file; they know nothing of diffs)
# --------------------------------------------------------------------------------------------


class Severity(str, enum.Enum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


@record
@functools.total_ordering
class Issue:
    """Something an analyzer found at a place in one file version."""

    rule: str
    #: 1-based first and last line of what the issue is about.
    line: int
    end_line: int
    severity: Severity
    message: str
    #: 0-based column, when the tool gives one.
    column: int | None = None
    #: How sure the tool is ("low", "medium", "high"); bandit gives one.
    confidence: str | None = None
    cwe: int | None = None
    #: What the issue is about when its rule names one thing (the skip of DR-S002).
    subject: str | None = None

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.end_line, self.rule, self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Issue):
            return NotImplemented
        return self.sort_key() < other.sort_key()


class UnitMetric(NamedTuple):
    """One measurement of one function, identified by the 1-based line of its ``def``."""

    def_line: int
    name: str
    value: float


@record
class FileResult:
    """What one analyzer says about one version of one file."""

    issues: tuple[Issue, ...] = ()
    unit_metrics: tuple[UnitMetric, ...] = ()
    #: Whole-file measurements, e.g. ("maintainability_index", 71.3).
    file_metrics: tuple[tuple[str, float], ...] = ()


# Metric names shared between analyzers and the pipeline.
CYCLOMATIC_COMPLEXITY = "cyclomatic_complexity"
MAINTAINABILITY_INDEX = "maintainability_index"
FUNCTION_LENGTH = "length"
NESTING_DEPTH = "nesting_depth"
PARAMETER_COUNT = "parameters"


# --------------------------------------------------------------------------------------------
# Rules and score components (the vocabulary a report is written in)
# --------------------------------------------------------------------------------------------


class ComponentName(str, enum.Enum):
    """The score's components, in the order reports list them."""

    SIZE = "size"
    COMPLEXITY = "complexity"
    SECURITY = "security"
    READABILITY = "readability"
    SMELLS = "smells"
    HISTORY = "history"
    TESTS = "tests"

    @property
    def label(self) -> str:
        """What a report calls the component."""
        return _COMPONENT_TITLES[self]


_COMPONENT_TITLES = {
    ComponentName.SIZE: "size and spread",
    ComponentName.COMPLEXITY: "complexity",
    ComponentName.SECURITY: "security",
    ComponentName.READABILITY: "readability",
    ComponentName.SMELLS: "change smells",
    ComponentName.HISTORY: "history",
    ComponentName.TESTS: "untested code",
}


class Rule(NamedTuple):
    """One of diffrisk's own rules (bandit's keep bandit's ids and feed the security component)."""

    id: str
    component: ComponentName
    title: str
    #: Risk points one finding adds before the component weight (scoring.components).
    points: float
    #: Why it matters and what to do (``diffrisk explain RULE``, the HTML report).
    explanation: str = ""
    #: Exactly when it fires (``diffrisk explain RULE``, docs/rules.md).
    fires_when: str = ""


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


class Level(str, enum.Enum):
    L0 = "L0"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"

    @property
    def rank(self) -> int:
        return int(self.value[1])

    @property
    def word(self) -> str:
        """The level's one-word name: skim, standard, careful, deep."""
        return _LEVEL_TITLES[self]

    @property
    def meaning(self) -> str:
        return _LEVEL_MEANINGS[self]

    def raised(self) -> Level:
        return Level(f"L{min(3, self.rank + 1)}")


_LEVEL_TITLES = {Level.L0: "skim", Level.L1: "standard", Level.L2: "careful", Level.L3: "deep"}
_LEVEL_MEANINGS = {
    Level.L0: "Trivial or mechanical: a quick skim is enough.",
    Level.L1: "A standard review by one reviewer.",
    Level.L2: "Review line by line, and expect tests that exercise the change.",
    Level.L3: "A second reviewer or the code owner must review it; consider splitting the change.",
}


@record
class Finding:
    """An issue that the change introduced (or, with ``removed``, took away)."""

    rule: str
    analyzer: str
    path: str
    #: 1-based lines on the new side of the file (the old side when ``removed`` is true).
    line: int
    end_line: int
    severity: Severity
    message: str
    confidence: str | None = None
    cwe: int | None = None
    #: True for an issue the change removed; it counts in the change's favour.
    removed: bool = False
    #: 0-based column of the start, when the tool gives one.
    column: int | None = None
    #: What the finding is about, when rules need it beyond the message (an imported module,
    #: a removed test's name).
    subject: str | None = None
    #: The suppression comment that covers it ("# nosec", "# diffrisk: ignore[...] -- reason"),
    #: when the change added it or edited what it covers: it is reported, and it still counts.
    suppression: str | None = None
    #: The weakness it shows (rules.WEAKNESSES: "shell", "code-execution"...), which sets a floor.
    weakness: str | None = None
    #: The names its statement reads that the change gave new values (change.rebound): why a
    #: finding on a line the change did not touch, or that matches an old one, is still new.
    new_input: tuple[str, ...] = ()

    @property
    def weakens_tests(self) -> bool:
        """A weakened test (DR-S003), or a test switched off (a DR-S002 skip, which names the
        skip as its subject); a ``# noqa`` or ``# type: ignore`` is a suppression, but switches
        no test off."""
        return self.rule == "DR-S003" or self.rule == "DR-S002" and self.subject is not None


@record
class Floor:
    """A rule that sets a lowest level for the change, whether or not it raised the level."""

    #: What kind: "security:severity", "security:<weakness>", "smell:<rule>", "unreadable",
    #: "tests-weakened", "critical-path".
    kind: str
    level: Level
    #: Why, for the reader ("high-severity security issue B602 at app/run.py:6").
    why: str


@record
class Reason:
    """One named contribution to a score component."""

    #: Risk points before the component's weight (the score is 100 * (1 - exp(-sum of weighted points))).
    points: float
    message: str
    path: str | None = None
    line: int | None = None


@record
class Component:
    name: ComponentName
    #: 0-100: the score this component alone would give.
    score: int
    #: Weighted risk points (see ``Reason.points``).
    points: float
    #: What the component's points are multiplied by: the fitted scale times the configured
    #: weight.  0 means its reasons are shown for the reviewer but do not add to the score.
    weight: float
    reasons: tuple[Reason, ...]


HotspotList = Literal["bugs", "security"]


@record
class Hotspot:
    path: str
    #: Qualified name of the function, or "<module>" for module-level code.
    name: str
    kind: UnitKind
    #: 1-based line range on the new side (the old side when ``side`` is "old").
    line: int
    end_line: int
    side: Side
    added: int
    deleted: int
    risk: int
    reasons: tuple[str, ...]
    complexity_before: int | None = None
    complexity_after: int | None = None
    #: What the ranking weighed, by term (scoring.hotspots.WEIGHTS): the unit's measurements, not
    #: yet weighted.
    terms: tuple[tuple[str, float], ...] = ()
    #: Which list it belongs to: "bugs" (where a bug most likely is, the ranking's order) or
    #: "security" (a unit holding a security finding: read these lines).
    source: HotspotList = "bugs"
    #: The ranking's estimate, in percent, that this unit holds the change's bug if it has one
    #: ("bugs" list); 0 in the security list.
    likelihood: int = 0
    #: The lines to read: the security findings' lines ("security" list); empty otherwise.
    lines: tuple[int, ...] = ()


@record
class FileSummary:
    path: str
    old_path: str | None
    status: str
    added: int
    deleted: int
    is_python: bool
    is_test: bool
    #: Why the file was not analysed (binary, excluded, not UTF-8, ...); None when it was.
    skipped: str | None = None
    #: Why the new version looks generated or minified (pyfile.generated); None when it does not.
    #: Such files are skipped unless ``analyze_generated`` is on.
    generated: str | None = None
    #: True when only formatting and comments changed: the syntax tree is the same before and after.
    mechanical: bool = False
    #: Commits (and bug-fix commits among them) that changed the file in the year before the
    #: change; None where no history is known (added files, patches, history switched off).
    prior_changes: int | None = None
    prior_fixes: int | None = None
    #: radon's maintainability index (0-100, higher is easier) before and after, when measured.
    maintainability_before: float | None = None
    maintainability_after: float | None = None


@record
class SizeMetrics:
    """Size and spread of the change, after Kamei et al. (TSE 2013)."""

    lines_added: int
    lines_deleted: int
    #: Lines added and deleted in Python files that are not tests (LA-code / LD-code).
    code_lines_added: int
    code_lines_deleted: int
    test_lines_added: int
    test_lines_deleted: int
    other_lines_added: int
    other_lines_deleted: int
    files: int
    python_files: int
    directories: int
    subsystems: int
    #: Normalised Shannon entropy of the changed lines across files (0 = one file, 1 = even spread).
    entropy: float
    #: Lines in the touched Python files before the change (LT).
    lines_before: int


@record
class UnitChange:
    """A function or module-level block that the change touched, with its measurements."""

    path: str
    #: Qualified function name, "<module>" for module-level code, or the path for a whole file.
    name: str
    kind: UnitKind
    #: 1-based line range on ``side`` ("new", or "old" for a function the change deleted).
    line: int
    end_line: int
    side: Side
    added: int
    deleted: int
    #: True when the function did not exist before the change.
    is_new: bool
    is_test: bool
    before: Mapping[str, float]
    after: Mapping[str, float]
    #: The function's name before the change, when the change renamed or moved it.
    renamed_from: str | None = None
    #: Its body does nothing (``pass``, ``...``, a docstring, ``raise NotImplementedError``, a bare
    #: ``return``): nothing in it can go wrong when it runs.
    stub: bool = False


@record
class Ignore:
    """A ``# diffrisk: ignore[RULE, ...] -- reason`` comment: accountable silencing of rules on a line."""

    path: str
    line: int
    rules: tuple[str, ...]
    #: Why; required (an ignore without one is itself reported, DR-S009).
    reason: str
    #: Whether the change added this comment (only those can be reported as unused).
    added: bool


@record
class Suppressed:
    """A finding under a suppression comment, with the reason given."""

    finding: Finding
    reason: str
    #: True when it still counts: the change added the comment or edited what it covers (also
    #: in ``findings``); False when an older comment on unchanged code silences it.
    counted: bool = True


@record
class ChangedCoverage:
    """What the tests ran of one changed Python file's added lines (change.covered)."""

    path: str
    #: "measured"; "not measured" (the data does not mention the file, which is not the same as
    #: 0% covered); "stale" (the data is of another version of the file: not counted as run).
    status: Literal["measured", "not measured", "stale"]
    #: Added lines that are statements, as coverage counts them (not comments or blank lines).
    executable: int = 0
    #: Of those, the ones a test ran.
    covered: int = 0
    #: The added statements no test ran, as (first, last) line ranges.
    uncovered: tuple[tuple[int, int], ...] = ()
    #: Added lines with a branch not taken both ways (branch data only).
    partial: tuple[int, ...] = ()
    #: Why the data counts as stale.
    why: str | None = None


@record
class Reach:
    """How widely the rest of the repository relies on a function or class the change edited or
    deleted: uses found by name at the new revision, outside the lines the change touched."""

    #: Qualified name, as in UnitChange.name (a class whose ``__init__`` changed: the class).
    name: str
    uses: int
    files: int
    signature_changed: bool
    deleted: bool
    #: One sentence with the count and the top files, for the hotspot's reasons.
    reason: str


@record
class FileAnalysis:
    """Everything the analysis of a change learnt about one changed file."""

    summary: FileSummary
    findings: tuple[Finding, ...] = ()
    units: tuple[UnitChange, ...] = ()
    #: Lines in the file before the change (Python files only; LT in Kamei et al.).
    lines_before: int = 0
    #: "analyzer failed on path: error" for analyzers that crashed on this file.
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: Third-party modules the change newly imports, not yet checked against the project's
    #: declared dependencies (that needs the repository: change.undeclared_imports): (line, module).
    new_imports: tuple[tuple[int, str], ...] = ()
    #: ``# diffrisk: ignore[...]`` comments in the new version of the file.
    ignores: tuple[Ignore, ...] = ()
    #: Where the rest of the repository uses the functions and classes the change edited or
    #: deleted in this file (change.impact).
    reach: tuple[Reach, ...] = ()


@record
class Verdict:
    within_policy: bool
    fail_level: Level
    message: str
    #: Who accepted a change beyond policy: a reviewer the policy trusts who approved the pull
    #: request, or (locally only) "Name <email>" from --accept or DIFFRISK_ACCEPT; the level they
    #: accepted is the report's level.
    accepted_by: str | None = None
    #: How: "review" (an approval the code host reports), "flag" (--accept) or "environment"
    #: (DIFFRISK_ACCEPT).
    accepted_via: str | None = None


@record
class Authorship:
    """Whether a change (or one commit) was written by a coding agent, and why (history.provenance)."""

    ai_authored: bool
    #: The marker or flag that decided, e.g. "trailer:claude in commit 1a2b3c4d5e6f",
    #: "environment:CLAUDECODE", "--ai".  In a report, for a human change, why none applied; for
    #: one commit's metadata read on its own, None when it carries no marker.
    reason: str | None
    #: AI-authored commits without the trailer the policy requires (ai.require_trailer).
    lacking_trailer: tuple[str, ...] = ()


@record
class Expert:
    """A person who knows the code a change touches (reviewers.experts)."""

    name: str
    email: str
    #: Recency-weighted knowledge: each touched line they last wrote, and each of their commits
    #: to the touched files in the year before, counted at half weight every half-life of age.
    weight: float
    #: Touched old-side lines they last wrote, and that number's share of all touched lines.
    lines: int
    share: float
    #: Their commits to the touched files in the year before the change.
    commits: int
    #: Their latest work on the touched code or files (seconds since the epoch).
    last_change: int
    #: A commit of theirs on the touched code or files (for the code host's login).
    commit: str
    #: Whether they committed anywhere in the repository in the activity period.
    active: bool
    #: "wrote 62% of the touched lines of `parse_row` (app/io.py); last change 3 weeks ago".
    reason: str


@record
class PathOwners:
    """What CODEOWNERS (as the change's base has it) says of one changed path."""

    path: str
    #: "@login", "@org/team" or an address, as written; empty: the path has no owner.
    owners: tuple[str, ...]
    #: The CODEOWNERS pattern that gave them (the last matching line, as GitHub reads it).
    pattern: str | None


@record
class Reviewers:
    """Who should review a change: the people who know the code it touches and its owners."""

    #: Active people who know the touched code, best first (the change's own people, bots and
    #: coding agents left out).
    experts: tuple[Expert, ...] = ()
    #: People who knew it but committed nothing in the activity period.
    departed: tuple[Expert, ...] = ()
    owners: tuple[PathOwners, ...] = ()
    #: The CODEOWNERS file read ("" when the base has none).
    codeowners: str = ""
    #: Old-side lines the change touched (deleted, replaced, beside insertions, in edited functions).
    touched_lines: int = 0
    #: Share of those lines last written by people no longer active (None: nothing touched).
    knowledge_at_risk: float | None = None
    #: Whether a person behind the change (its human authors, committers, co-authors, or who runs
    #: the hook) last wrote any touched line (None: nothing touched, or unknown).
    author_knows: bool | None = None
    notes: tuple[str, ...] = ()


@record
class Report:
    #: What was analysed, e.g. "staged changes" or "commit 1a2b3c4".
    source: str
    score: int
    level: Level
    #: Why the level differs from the score's level (critical paths, parse errors), if it does.
    level_reasons: tuple[str, ...]
    review_minutes: int
    components: tuple[Component, ...]
    hotspots: tuple[Hotspot, ...]
    findings: tuple[Finding, ...]
    files: tuple[FileSummary, ...]
    size: SizeMetrics
    verdict: Verdict
    #: Below this level a human-readable format may show a one-line summary only.
    report_level: Level
    #: Whether full file contents were available (False: only the diff's own lines were analysed).
    contents_available: bool
    #: Reviews longer than this many minutes should be split (reviewers miss more after it).
    session_limit_minutes: int
    #: diffrisk's own rules that the findings name (bandit's are not listed), by id.
    rules: tuple[Rule, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    #: Analyzer failures: the report is incomplete and the run exits 3.
    failures: tuple[str, ...] = field(default=())
    #: Where a file's lines can be viewed, e.g. "https://github.com/o/r/blob/<sha>" (--link-base);
    #: the Markdown format links hotspots and findings to it.
    link_base: str | None = None
    #: Findings under a suppression comment the change added or edited (``# nosec``,
    #: ``# diffrisk: ignore[...] -- reason``), with the reason: they are in ``findings`` too, and
    #: count there.
    suppressed: tuple[Suppressed, ...] = field(default=())
    authorship: Authorship | None = None
    #: The diff itself, for formats that show it (html); None where it was not kept.
    diff: Diff | None = None
    #: Every floor that applied to the change, whether or not it raised the level.
    floors: tuple[Floor, ...] = field(default=())
    #: The units holding security findings, most severe first: their own short list, so that they
    #: do not push the unit most likely to hold a bug off the top of ``hotspots``.
    security_hotspots: tuple[Hotspot, ...] = field(default=())
    #: What the tests ran of each changed non-test Python file, when coverage data was given.
    coverage: tuple[ChangedCoverage, ...] = field(default=())
    #: The coverage data files read (empty: none given).
    coverage_sources: tuple[str, ...] = field(default=())
    #: Who should review it (None: not worked out, as in ``log``).
    reviewers: Reviewers | None = None


@record
class CommitScore:
    """One commit of ``diffrisk log``: the essentials of its report, or why it could not be scored."""

    sha: str
    author: str
    email: str
    #: Author date, seconds since the epoch (UTC).
    timestamp: int
    score: int | None = None
    level: Level | None = None
    review_minutes: int | None = None
    #: (component, score 0-100, weighted points).
    components: tuple[tuple[ComponentName, int, float], ...] = ()
    size: SizeMetrics | None = None
    #: Rule ids of the findings the commit introduced, with how often each occurs.
    rules: tuple[tuple[str, int], ...] = ()
    failures: tuple[str, ...] = ()
    #: Whether a coding agent wrote the commit, by its metadata (reason None: no marker);
    #: None: not known.
    authorship: Authorship | None = None
    #: The kinds of the floors that applied to it (Floor.kind).
    floors: tuple[str, ...] = ()
    #: Why the commit could not be scored (a git error), or None.
    error: str | None = None


@record
class TeamWeek:
    """One ISO week of a team's incoming changes (``diffrisk report``)."""

    #: "2026-W07".
    week: str
    #: The week's Monday, 00:00 UTC, seconds since the epoch.
    start: int
    changes: int
    #: Required review minutes of the week's changes, L0..L3.
    minutes_by_level: tuple[int, int, int, int]
    changes_by_level: tuple[int, int, int, int]
    #: Changed lines (added and deleted).
    lines: int
    ai_changes: int
    ai_lines: int
    ai_minutes: int
    #: Score per 100 changed lines (None: nothing changed).
    risk_density: float | None
    #: Review minutes left over at the week's end: last week's, plus demand, minus capacity.
    backlog: int

    @property
    def minutes(self) -> int:
        return sum(self.minutes_by_level)


@record
class TeamChange:
    """A stored change the report lists (the riskiest recent ones)."""

    repository: str
    sha: str
    subject: str
    author: str
    timestamp: int
    level: Level
    score: int
    review_minutes: int
    ai_authored: bool
    #: Where the commit can be seen, when the repository's web address is known.
    link: str | None


@record
class TeamAuthor:
    """One author's (or, for AI-authored changes, one agent's) share of the demand."""

    name: str
    #: "person" or "agent".
    kind: str
    changes: int
    minutes: int
    changes_by_level: tuple[int, int, int, int]
    lines: int


@record
class TeamReport:
    """Review demand against review capacity, week by week, for one or several repositories."""

    repositories: tuple[str, ...]
    weeks: tuple[TeamWeek, ...]
    riskiest: tuple[TeamChange, ...]
    authors: tuple[TeamAuthor, ...]
    #: Review minutes the team can give per week (None: not configured).
    capacity_minutes: int | None
    #: How the capacity was given, e.g. "3 reviewers x 4 h per week".
    capacity_source: str
    #: The first day counted (seconds since the epoch), when --since was given.
    since: int | None = None
    notes: tuple[str, ...] = ()


def line_runs(lines: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Line numbers as (first, last) runs of consecutive lines, in order: 3, 4, 5, 9 -> (3, 5), (9, 9)."""
    runs: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        if runs and line == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return tuple(runs)


def _as_it_is(value: Any) -> Any:
    return value


#: The types of most values a record holds, answered before anything else is asked of them.
_LEAVES = frozenset({str, int, float, bool, type(None)})


def plain(value: Any, leaf: Callable[[Any], Any] = _as_it_is) -> Any:
    """Records as JSON values: records as objects (every field), enums as their values, tuples
    as lists, mappings with text keys; the rest (texts, numbers, None: the leaves, and keys) as
    ``leaf`` makes them, by default as they are."""
    if type(value) in _LEAVES:
        return leaf(value)
    if is_record(value):
        return {item.name: plain(getattr(value, item.name), leaf) for item in fields(value)}
    if isinstance(value, enum.Enum):
        return leaf(value.value)
    if isinstance(value, (tuple, list)):
        return [plain(item, leaf) for item in value]
    if isinstance(value, Mapping):
        return {leaf(str(key)): plain(item, leaf) for key, item in value.items()}
    return leaf(value)
