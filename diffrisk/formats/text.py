"""``--format text``: short, grouped, readable in a terminal.

Everything that comes from the diff (paths, messages) passes through ``_safe`` so that a file name
cannot move the cursor, recolour the terminal or forge lines.
"""

from __future__ import annotations

from diffrisk.formats import reviewers
from diffrisk.formats.escape import coverage_detail, coverage_summary, line_ranges, show_bytes, suppression_note
from diffrisk.model import Component, Finding, Hotspot, Level, Report

MAX_REASONS = 4
MAX_HOTSPOTS = 10
MAX_FINDINGS = 20
_LEVEL_COLORS = {Level.L0: "32", Level.L1: "36", Level.L2: "33", Level.L3: "31"}


def format_report(report: Report, color: bool = False) -> str:
    paint = _Painter(color)
    if report.level.rank < report.report_level.rank and not report.failures:
        return _one_line(report, paint) + "\n"
    lines = _headline(report, paint)
    lines += _components(report.components, paint)
    lines += _hotspots(report, paint)
    lines += _coverage(report, paint)
    lines += _reviewers(report, paint)
    lines += _findings(report.findings, paint)
    lines += _suppressed(report)
    lines += _files(report)
    lines += [f"note: {_safe(note)}" for note in report.notes]
    lines += [paint("1;31", f"error: {_safe(failure)}") for failure in report.failures]
    if report.failures:
        lines.append(paint("1;31", "the report is incomplete because an analyzer failed (exit 3)"))
    return "\n".join(lines) + "\n"


def _suppressed(report: Report) -> list[str]:
    if not report.suppressed:
        return []
    lines = ["", "Under a suppression comment (the reason given):"]
    for item in report.suppressed[:MAX_FINDINGS]:
        finding = item.finding
        how = "added or edited by this change: still counted" if item.counted else "an older ignore on unchanged code: silenced"
        lines.append(f"  {_safe(finding.path)}:{finding.line}  {finding.rule} {_safe(finding.message)} -- {_safe(item.reason)} ({how})")
    if len(report.suppressed) > MAX_FINDINGS:
        lines.append(f"  ... and {len(report.suppressed) - MAX_FINDINGS} more")
    return lines


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def _safe(text: str) -> str:
    """Escape control characters and undecodable bytes so a hostile name prints as plain text."""
    out = []
    for char in show_bytes(text):
        if char.isprintable() or char == " ":
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def _level_text(report: Report, paint: _Painter) -> str:
    return paint(f"1;{_LEVEL_COLORS[report.level]}", f"{report.level.value} {report.level.word}")


def _one_line(report: Report, paint: _Painter) -> str:
    verdict = "within policy" if report.verdict.within_policy else "BEYOND POLICY"
    line = (
        f"diffrisk: {_level_text(report, paint)} · risk {report.score}/100 · ~{report.review_minutes} min · "
        f"{verdict} ({_safe(report.source)})"
    )
    if report.level_reasons:
        # A level above what the score says: name what set it, so that "risk 0" does not read as safe.
        line += f"; {_safe(report.level_reasons[0])}"
    # Python that was not read must never pass unmentioned, even in the quiet form.
    unread = [item for item in report.files if item.skipped and not item.skipped.startswith("excluded")]
    if unread:
        names = ", ".join(f"{_safe(item.path)} ({_safe(item.skipped or '')})" for item in unread[:3])
        line += f"; not analysed: {names}" + (f" and {len(unread) - 3} more" if len(unread) > 3 else "")
    weakened = _weakened(report)
    if weakened and not any("tests weakened" in reason for reason in report.level_reasons[:1]):
        line += f"; {weakened}"
    return line


def summary_note(report: Report) -> str:
    """A git note of a few lines: the one-line verdict, where to start, and the worst findings."""
    lines = [_one_line(report, _Painter(False))]
    if report.hotspots:
        spots = "; ".join(f"{_where(spot)} {_safe(spot.name)}" for spot in report.hotspots[:3])
        lines.append(f"start here: {spots}")
    found = sorted((item for item in report.findings if not item.removed), key=lambda item: (-item.severity.rank, item.path, item.line))
    if found:
        named = "; ".join(f"{item.rule} {item.severity.value} {_safe(item.path)}:{item.line}" for item in found[:3])
        lines.append(f"findings: {named}" + (f" (+{len(found) - 3} more)" if len(found) > 3 else ""))
    return "\n".join(lines) + "\n"


def _weakened(report: Report) -> str:
    """"tests weakened or switched off: t.py:4 (DR-S003), ...", or "" when none was."""
    found = [finding for finding in report.findings if finding.weakens_tests and not finding.removed]
    if not found:
        return ""
    named = ", ".join(f"{_safe(finding.path)}:{finding.line} ({finding.rule})" for finding in found[:3])
    return f"tests weakened or switched off: {named}" + (f" and {len(found) - 3} more" if len(found) > 3 else "")


def _headline(report: Report, paint: _Painter) -> list[str]:
    lines = [
        f"diffrisk · {_safe(report.source)}",
        f"{_level_text(report, paint)} review · risk {report.score}/100 · about {report.review_minutes} min to review",
        f"  {report.level.meaning}",
    ]
    lines += [f"  ({_safe(reason)})" for reason in report.level_reasons]
    if report.authorship is not None and report.authorship.ai_authored:
        lines.append(f"  Treated as AI-authored: {_safe(report.authorship.reason or '')}")
    weakened = _weakened(report)
    if weakened:
        lines.append(f"  {weakened[0].upper()}{weakened[1:]}")
    if report.review_minutes > report.session_limit_minutes:
        lines.append(f"  Over {report.session_limit_minutes} minutes: reviewers miss more after that (SmartBear); split the review.")
    verdict_color = "32" if report.verdict.within_policy else "1;31"
    lines.append(paint(verdict_color, f"Verdict: {_safe(report.verdict.message)}"))
    if not report.verdict.within_policy:
        lines += [
            "How to proceed: split the change into smaller ones, or get the review this level asks for: in CI, an",
            "  approval from a reviewer the base branch's policy trusts; locally, a person accepts the risk by name",
            '  with DIFFRISK_ACCEPT="Name <email>" git commit ... (recorded as a Risk-Accepted-By trailer; not for agents)',
        ]
    return lines


def _components(components: tuple[Component, ...], paint: _Painter) -> list[str]:
    lines = ["", paint("1", "Why: score components (0-100 each; - : shown, not scored)")]
    # The names' column is as wide as the longest name, so the scores line up whatever they are.
    width = max((len(component.name.label) for component in components), default=0) + 2
    for component in sorted(components, key=lambda item: (-item.points, not item.reasons, item.name)):
        name = component.name.label
        # Reasons that add no points are listed only when nothing else is: a component whose
        # findings are all unscored (most smells) must not read "nothing found".
        reasons = [reason.message for reason in component.reasons if reason.points > 0] or [
            f"{reason.message} (not scored)" for reason in component.reasons
        ] or ["nothing found"]
        score = f"{component.score:>3}" if component.weight > 0 else "  -"  # shown, not scored
        lines.append(f"  {name:<{width}}{score}  {_safe(reasons[0])}")
        lines += [f"  {'':<{width}}     {_safe(reason)}" for reason in reasons[1:MAX_REASONS]]
        if len(reasons) > MAX_REASONS:
            lines.append(f"  {'':<{width}}     (+{len(reasons) - MAX_REASONS} more)")
    return lines


def _hotspots(report: Report, paint: _Painter) -> list[str]:
    lines = []
    if report.hotspots:
        lines += ["", paint("1", "Start here: where a bug most likely is")]
        for rank, spot in enumerate(report.hotspots[:MAX_HOTSPOTS], start=1):
            reasons = " · ".join(spot.reasons)
            lines.append(
                f"  {rank:>2}. {_where(spot)}  {_safe(spot.name)}  likely {spot.likelihood}%  risk {spot.risk}  "
                f"+{spot.added} -{spot.deleted}" + (f"  {_safe(reasons)}" if reasons else "")
            )
        if len(report.hotspots) > MAX_HOTSPOTS:
            lines.append(f"      (+{len(report.hotspots) - MAX_HOTSPOTS} more; --format json lists all)")
    if report.security_hotspots:
        lines += ["", paint("1", "Security: read these lines")]
        for rank, spot in enumerate(report.security_hotspots[:MAX_HOTSPOTS], start=1):
            reasons = " · ".join(spot.reasons)
            lines.append(f"  {rank:>2}. {_where(spot)}  {_safe(spot.name)}  lines {line_ranges(spot.lines)}  {_safe(reasons)}")
        if len(report.security_hotspots) > MAX_HOTSPOTS:
            lines.append(f"      (+{len(report.security_hotspots) - MAX_HOTSPOTS} more; --format json lists all)")
    return lines


def _coverage(report: Report, paint: _Painter) -> list[str]:
    summary = coverage_summary(report)
    if summary is None:
        return []
    lines = ["", paint("1", "Tests: " + _safe(summary))]
    lines += [f"  {_safe(item.path)}: {_safe(coverage_detail(item))}" for item in report.coverage]
    return lines


def _reviewers(report: Report, paint: _Painter) -> list[str]:
    rows = reviewers.lines(report.reviewers) if report.reviewers is not None else []
    if not rows:
        return []
    return ["", paint("1", "Who should review it")] + [f"  {label:<9} {_safe(row)}" for label, row in rows]


def _where(spot: Hotspot) -> str:
    where = f"{spot.path}:{spot.line}" + (f"-{spot.end_line}" if spot.end_line != spot.line else "")
    return _safe(where + (" (before the change)" if spot.side == "old" else ""))



def _findings(findings: tuple[Finding, ...], paint: _Painter) -> list[str]:
    if not findings:
        return []
    ordered = sorted(findings, key=lambda item: (item.removed, -item.severity.rank, item.path, item.line, item.rule))
    lines = ["", paint("1", f"Findings ({len(findings)})")]
    for finding in ordered[:MAX_FINDINGS]:
        where = f"{finding.path}:{finding.line}"
        removed = "removed: " if finding.removed else ""
        message = _safe(finding.message + suppression_note(finding))
        lines.append(f"  {_safe(where)}  {finding.rule}  {finding.severity.value}  {removed}{message}")
    if len(findings) > MAX_FINDINGS:
        lines.append(f"  (+{len(findings) - MAX_FINDINGS} more; --format json lists all)")
    return lines


def _files(report: Report) -> list[str]:
    size = report.size
    code = f"{size.code_lines_added} code {'line' if size.code_lines_added == 1 else 'lines'}"
    tests = f"{size.test_lines_added} test {'line' if size.test_lines_added == 1 else 'lines'}"
    lines = ["", f"Files: {len(report.files)} changed (+{size.lines_added} -{size.lines_deleted}), {code} added, {tests} added"]
    for summary in report.files:
        if summary.skipped:
            lines.append(f"  skipped {_safe(summary.path)}: {_safe(summary.skipped)}")
        elif summary.mechanical:
            lines.append(f"  {_safe(summary.path)}: formatting or comments only")
    return lines
