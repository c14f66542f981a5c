"""A large code change without tests (DR-S008)."""

from __future__ import annotations

from collections.abc import Sequence

from diffrisk.model import Diff, FileAnalysis, Finding, Severity

#: Non-test Python lines added, with no test file changed, for DR-S008.
UNTESTED_LINES = 100


def find(diff: Diff, analyses: Sequence[FileAnalysis]) -> list[Finding]:
    """DR-S008 at the first added line of the file that added most code, when the change adds
    UNTESTED_LINES or more lines of non-test code and touches no test file."""
    code = [
        analysis.summary for analysis in analyses
        if analysis.summary.is_python and not analysis.summary.is_test and not analysis.summary.skipped
        and not analysis.summary.mechanical and not analysis.summary.generated
    ]
    added = sum(summary.added for summary in code)
    if added < UNTESTED_LINES or any(analysis.summary.is_test for analysis in analyses):
        return []
    biggest = max(code, key=lambda summary: (summary.added, summary.path))
    change = next(change for change in diff.files if change.path == biggest.path)
    line = change.added_lines[0] if change.added_lines else 1
    message = f"large code change without tests: {added} lines of Python code added, no test file changed"
    return [Finding("DR-S008", "smells", biggest.path, line, line, Severity.MEDIUM, message)]
