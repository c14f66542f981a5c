"""Which of a change's added lines the tests ran, from coverage data (diffrisk.coverage).

The one fact a reviewer most wants and cannot see in a diff: of the statements the change added,
which ones no test executed.  Only added lines count (a deleted line cannot run), and of those only
statements as coverage counts them, so comments and blank lines neither help nor hurt.  Test files
are left out: their own coverage says nothing about the code under review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from diffrisk.model import ChangedCoverage, Diff, FileAnalysis, Finding, Severity, UnitChange, line_runs
from diffrisk.paths import is_python, is_test
from diffrisk.records import replace
from diffrisk.regex import Regex
from diffrisk.rules import UNTESTED_FUNCTION, UNTESTED_LINES

if TYPE_CHECKING:
    from diffrisk.coverage import CoverageData, FileCoverage


#: coverage.py's default exclusion comment ("# pragma: no cover"), as its DEFAULT_EXCLUDE spells it.
_NO_COVER = Regex(r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)")


def measure(diff: Diff, data: CoverageData, texts: Mapping[str, str | None] | None = None) -> tuple[ChangedCoverage, ...]:
    """One entry per changed non-test Python file with a new side, in path order (``texts``: the
    files' new text, to see code the change itself excluded from coverage)."""
    found = []
    for change in sorted(diff.files, key=lambda item: item.path):
        if change.new_path is None or not is_python(change.path) or is_test(change.path) or not change.added_lines:
            continue
        item = _of_file(change.path, frozenset(change.added_lines), data)
        text = (texts or {}).get(change.path)
        measured = data.files.get(change.path)
        if item.status == "measured" and text is not None and measured is not None and measured.executable is not None:
            item = _with_self_excluded(item, frozenset(change.added_lines) - measured.executable, text)
        found.append(item)
    return tuple(found)


def _with_self_excluded(item: ChangedCoverage, added: frozenset[int], text: str) -> ChangedCoverage:
    """Count as untested the added code (``added``: the added lines the data does not count) that
    a ``# pragma: no cover`` the change added takes out of coverage: the exclusion is the change's
    own claim (and DR-S002 reports the comment)."""
    lines = text.split("\n")
    if not any(0 < line <= len(lines) and _NO_COVER.search(lines[line - 1]) for line in added):
        return item
    from diffrisk.coverage import statements  # coverage.py's parser, only when such a comment was added

    parsed = statements.parser(text)
    if parsed is None:
        return item
    claimed = [
        line for line in sorted(added & frozenset(parsed.excluded))
        if 0 < line <= len(lines) and lines[line - 1].strip() and not lines[line - 1].lstrip().startswith("#")
    ]
    if not claimed:
        return item
    uncovered = line_runs(sorted({line for first, last in item.uncovered for line in range(first, last + 1)} | set(claimed)))
    return replace(item, executable=item.executable + len(claimed), uncovered=uncovered)


def _of_file(path: str, added: frozenset[int], data: CoverageData) -> ChangedCoverage:
    measured = data.files.get(path)
    if measured is None:
        return ChangedCoverage(path, "not measured")
    if measured.stale is not None:
        return ChangedCoverage(path, "stale", why=measured.stale)
    if measured.executable is None:
        return ChangedCoverage(path, "not measured", why="the data lists no statements and the file's text was not available")
    executable = added & measured.executable
    covered = executable & measured.executed
    return ChangedCoverage(
        path, "measured", len(executable), len(covered), line_runs(executable - covered),
        tuple(sorted(added & measured.partial_branches)),
    )


def untested_functions(analyses: Sequence[FileAnalysis], data: CoverageData) -> tuple[Finding, ...]:
    """DR-T001 for each function the change added or edited whose body no test ran, in files the
    data measured (and not stale)."""
    found = []
    for analysis in analyses:
        measured = data.files.get(analysis.summary.path)
        if analysis.summary.is_test or measured is None or measured.stale is not None or measured.executable is None:
            continue
        for unit in analysis.units:
            if unit.kind == "function" and unit.side == "new" and unit.added:
                finding = _untested(unit, measured)
                if finding is not None:
                    found.append(finding)
    return tuple(found)


def _untested(unit: UnitChange, measured: FileCoverage) -> Finding | None:
    assert measured.executable is not None
    statements = sorted(line for line in measured.executable if unit.line <= line <= unit.end_line)
    # The first is the def (or its first decorator), which runs when the module is imported.
    body = statements[1:]
    if not body or any(line in measured.executed for line in body):
        return None
    what = "new function" if unit.is_new else "changed function"
    message = f"{what} `{unit.name}` ran in no test: none of its {len(body)} statement{'s' if len(body) != 1 else ''} executed"
    return Finding(
        UNTESTED_FUNCTION, "tests", unit.path, unit.line, unit.end_line, Severity.MEDIUM, message, subject=unit.name,
    )


def untested_lines(coverage: Sequence[ChangedCoverage], functions: Sequence[Finding]) -> tuple[Finding, ...]:
    """DR-T002 for each run of added statements no test ran, outside the functions DR-T001
    (``functions``) reports whole."""
    reported = {(finding.path, line) for finding in functions for line in range(finding.line, finding.end_line + 1)}
    found = []
    for item in coverage:
        for first, last in item.uncovered:
            lines = [line for line in range(first, last + 1) if (item.path, line) not in reported]
            for start, end in line_runs(lines):
                what = f"line {start}" if start == end else f"lines {start}-{end}"
                found.append(Finding(
                    UNTESTED_LINES, "tests", item.path, start, end, Severity.LOW, f"added statements no test ran ({what})",
                ))
    return tuple(found)


def percent(files: Iterable[ChangedCoverage]) -> float | None:
    """The share of the measured files' added statements that ran, in percent (None: nothing measured)."""
    measured = [item for item in files if item.status == "measured"]
    executable = sum(item.executable for item in measured)
    return None if not executable else 100.0 * sum(item.covered for item in measured) / executable
