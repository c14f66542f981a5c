"""``--format github``: GitHub Actions workflow commands that annotate the changed lines.

GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job) and drops the
rest silently (GitHub Docs, "Workflow commands for GitHub Actions"), so each kind is capped and a last notice says how many were
left out.  Everything taken from the diff is escaped as the runner requires: ``%``, CR and LF in
the message, and also ``:`` and ``,`` in properties, so a file named ``a,b:c%0A::error::x.py``
cannot forge a command.
"""

from __future__ import annotations

from collections.abc import Callable

from diffrisk.formats.escape import neutralise_ci, not_analysed, show_bytes, suppression_note
from diffrisk.model import Finding, Report, Severity

#: GitHub's per-step limits per annotation kind; one notice is kept for the summary line.
CAPS = {"error": 10, "warning": 10, "notice": 9}
_KINDS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The runner's escapes, after writing other control characters (ESC, bidi marks) as \\uXXXX."""
    visible = "".join(
        char if char.isprintable() or char in "\r\n" else char.encode("unicode_escape").decode("ascii")
        for char in show_bytes(text)
    )
    return neutralise_ci(visible.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_report(report: Report, color: bool = False) -> str:
    lines = []
    shown = dict.fromkeys(CAPS, 0)
    left_out = 0
    place = _hotspot_rank(report)
    ordered = sorted(
        (finding for finding in report.findings if not finding.removed),
        key=lambda finding: (-finding.severity.rank, place(finding), finding.path, finding.line, finding.rule),
    )
    for finding in ordered:
        kind = _KINDS[finding.severity]
        if shown[kind] >= CAPS[kind]:
            left_out += 1
            continue
        shown[kind] += 1
        lines.append(_annotation(kind, finding))
    summary = (
        f"diffrisk {report.level.value} {report.level.word} review: risk {report.score}/100, "
        f"about {report.review_minutes} min. {report.verdict.message}"
    )
    if left_out:
        summary += f" ({left_out} more findings were not annotated: GitHub shows 10 per kind and step)"
    skipped = not_analysed(report)
    if skipped:
        named = "; ".join(f"{path} ({why})" for path, why in skipped[:5])
        summary += f" Not analysed: {named}" + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "") + "."
    silenced = [item for item in report.suppressed if not item.counted]
    if silenced:
        summary += f" {len(silenced)} finding(s) silenced by older diffrisk ignores on unchanged lines."
    lines.append(f"::notice title={escape_property('diffrisk')}::{escape_data(summary)}")
    return "\n".join(lines) + "\n"


def _hotspot_rank(report: Report) -> Callable[[Finding], int]:
    """Where a finding's unit stands in the hotspot list (after every hotspot when none holds it),
    so that within a kind, which GitHub caps, the likeliest place of a bug is annotated first."""
    spans = [(spot.path, spot.line, spot.end_line) for spot in report.hotspots if spot.side == "new"]

    def place(finding: Finding) -> int:
        return next(
            (rank for rank, (path, first, last) in enumerate(spans) if path == finding.path and first <= finding.line <= last),
            len(spans),
        )

    return place


def _annotation(kind: str, finding: Finding) -> str:
    properties = {"file": finding.path, "line": str(finding.line), "endLine": str(max(finding.end_line, finding.line))}
    if finding.column is not None:
        properties["col"] = str(finding.column + 1)  # GitHub counts columns from 1
    properties["title"] = f"{finding.rule} ({finding.severity.value})"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{kind} {joined}::{escape_data(finding.message + suppression_note(finding))}"
