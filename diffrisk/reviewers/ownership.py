"""DR-O001: a coding agent changed code that none of the people behind the change wrote."""

from __future__ import annotations

from diffrisk import rules
from diffrisk.model import Diff, Finding, Reviewers, Severity
from diffrisk.reviewers.people import Started


def nobody_knows(diff: Diff, started: Started, reviewers: Reviewers) -> Finding:
    """The finding, on the changed file with the most touched lines, naming who should look."""
    by_old_path = {change.old_path: change for change in diff.files if change.old_path is not None}
    busiest = max(started.touched, key=lambda lines: (len(lines.lines), lines.path))
    change = by_old_path[busiest.path]
    line = next((hunk.new_start for hunk in change.hunks if hunk.new_start > 0), 1)
    if reviewers.experts:
        ask = "ask " + ", ".join(f"{expert.name} <{expert.email}>" for expert in reviewers.experts) + ", who wrote it"
    elif reviewers.departed:
        ask = "everyone who wrote it has left (" + ", ".join(expert.name for expert in reviewers.departed) + "): review it as new code"
    else:
        ask = "nobody else who wrote it can be asked"
    return Finding(
        rule=rules.NOBODY_KNOWS, analyzer="reviewers", path=change.path, line=line, end_line=line,
        severity=Severity.MEDIUM,
        message=f"nobody behind this AI-authored change wrote any of the {reviewers.touched_lines} lines it touches; {ask}",
    )
