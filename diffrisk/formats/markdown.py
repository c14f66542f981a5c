"""``--format markdown``: a review summary for a PR comment or ``$GITHUB_STEP_SUMMARY``.

Starts with a hidden marker so a workflow can find and update its one sticky comment.  Text from
the diff is escaped for Markdown and HTML (no links, tags or tables can be injected by a file
name), findings are capped, and the whole stays under GitHub's comment limit of 65,536 characters.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from diffrisk.formats import reviewers
from diffrisk.formats.escape import coverage_detail, coverage_summary, line_ranges, not_analysed, show_bytes, suppression_note
from diffrisk.model import Hotspot, Report

MARKER = "<!-- diffrisk -->"
#: GitHub refuses PR comments over 65,536 characters; stay well below with room for the tail.
MAX_CHARS = 60_000
MAX_HOTSPOTS = 15
MAX_FINDINGS = 50
_MARKDOWN_ACTIVE = "\\`*_{}[]()#+-.!|~>"
_LEVEL_SIGNS = {"L0": "🟢", "L1": "🔵", "L2": "🟠", "L3": "🔴"}


def text(value: str) -> str:
    """Plain text, safe inside Markdown paragraphs and table cells."""
    cleaned = "".join(char if char.isprintable() else " " for char in show_bytes(value))
    escaped = html.escape(cleaned, quote=False)
    marked = "".join(f"\\{char}" if char in _MARKDOWN_ACTIVE else char for char in escaped)
    # GitHub links @user, @org/team and #123 after Markdown is parsed; a word joiner breaks them.
    return marked.replace("@", "@\u2060").replace("\\#", "#\u2060")


def format_report(report: Report, color: bool = False) -> str:
    level = report.level
    verdict = "within policy" if report.verdict.within_policy else "**beyond policy**"
    lines = [
        MARKER,
        f"## {_LEVEL_SIGNS[level.value]} diffrisk: {level.value} {level.word} review, risk {report.score}/100",
        "",
        f"{text(level.meaning)} About **{report.review_minutes} min** to review; {verdict} "
        f"(fail level {report.verdict.fail_level.value}). Source: {text(report.source)}.",
    ]
    lines += [f"- {text(reason)}" for reason in report.level_reasons]
    if report.authorship is not None and report.authorship.ai_authored:
        lines.append(f"- Treated as AI-authored: {text(report.authorship.reason or '')}")
    if report.verdict.accepted_by:
        how = {"review": " (an approval the code host reports)", "flag": " (--accept)", "environment": " (DIFFRISK_ACCEPT)"}
        lines.append(f"- Risk accepted by {text(report.verdict.accepted_by)}{how.get(report.verdict.accepted_via or '', '')}")
    lines += ["", "| component | score | why |", "|---|---:|---|"]
    for component in sorted(report.components, key=lambda item: (-item.points, not item.reasons, item.name)):
        why = "; ".join(text(reason.message) for reason in component.reasons[:3]) or "nothing found"
        more = f" (+{len(component.reasons) - 3} more)" if len(component.reasons) > 3 else ""
        score = str(component.score) if component.weight > 0 else "not scored"
        lines.append(f"| {component.name.label} | {score} | {why}{more} |")
    lines += _hotspots(report) + _coverage(report) + _reviewers(report) + _findings(report) + _suppressed(report) + _not_analysed(report)
    body = "\n".join(lines) + "\n"
    if len(body) > MAX_CHARS:
        body = body[:MAX_CHARS].rsplit("\n", 1)[0]
        if body.count("<details>") > body.count("</details>"):
            body += "\n\n</details>"
        body += "\n\n*(cut to stay within GitHub's size limits; the JSON report has everything)*\n"
    return body


def _suppressed(report: Report) -> list[str]:
    if not report.suppressed:
        return []
    lines = ["", f"<details><summary>{len(report.suppressed)} under a suppression comment</summary>", ""]
    for item in report.suppressed[:MAX_FINDINGS]:
        where = text(f"{item.finding.path}:{item.finding.line}")
        how = "added or edited by this change, still counted" if item.counted else "an older ignore on unchanged code"
        lines.append(f"- {where} {text(item.finding.rule)} {text(item.finding.message)}: {text(item.reason)} ({how})")
    return lines + ["", "</details>"]


def _not_analysed(report: Report) -> list[str]:
    skipped = not_analysed(report)
    if not skipped:
        return []
    lines = ["", f"<details><summary>{len(skipped)} not analysed</summary>", ""]
    lines += [f"- {text(path)}: {text(why)}" for path, why in skipped[:MAX_FINDINGS]]
    return lines + ["", "</details>"]


def _hotspots(report: Report) -> list[str]:
    lines = []
    if report.hotspots:
        lines += ["", "### Start here: where a bug most likely is", "",
                  "| # | where | what | likely | risk | changed | why |", "|---:|---|---|---:|---:|---|---|"]
        for rank, spot in enumerate(report.hotspots[:MAX_HOTSPOTS], start=1):
            lines.append(
                f"| {rank} | {_where(report, spot)} | {text(spot.name)} | {spot.likelihood}% | {spot.risk} | "
                f"+{spot.added} −{spot.deleted} | {text(' · '.join(spot.reasons))} |"
            )
        if len(report.hotspots) > MAX_HOTSPOTS:
            lines.append(f"\n*{len(report.hotspots) - MAX_HOTSPOTS} more hotspots in the JSON report.*")
    if report.security_hotspots:
        lines += ["", "### Security: read these lines", "", "| # | where | what | lines | why |", "|---:|---|---|---|---|"]
        for rank, spot in enumerate(report.security_hotspots[:MAX_HOTSPOTS], start=1):
            lines.append(
                f"| {rank} | {_where(report, spot)} | {text(spot.name)} | {line_ranges(spot.lines)} | "
                f"{text(' · '.join(spot.reasons))} |"
            )
        if len(report.security_hotspots) > MAX_HOTSPOTS:
            lines.append(f"\n*{len(report.security_hotspots) - MAX_HOTSPOTS} more in the JSON report.*")
    return lines


def _coverage(report: Report) -> list[str]:
    summary = coverage_summary(report)
    if summary is None:
        return []
    lines = ["", "### Tests", "", text(summary[0].upper() + summary[1:]) + ".", ""]
    if report.coverage:
        lines += ["| file | what the tests ran |", "|---|---|"]
        lines += [f"| {text(item.path)} | {text(coverage_detail(item))} |" for item in report.coverage[:MAX_FINDINGS]]
    return lines


def _reviewers(report: Report) -> list[str]:
    """Names and addresses, never mentions: the comment must not notify people (the Action's
    review requests do that, when asked)."""
    rows = reviewers.lines(report.reviewers) if report.reviewers is not None else []
    if not rows:
        return []
    return ["", "### Who should review it", ""] + [f"- **{label}**: {text(row)}" for label, row in rows]


def _where(report: Report, spot: Hotspot) -> str:
    where = f"{spot.path}:{spot.line}" + (f"-{spot.end_line}" if spot.end_line != spot.line else "")
    if spot.side == "old":
        return text(where + " (before)")
    return _link(report, spot.path, spot.line, spot.end_line, where)



def _link(report: Report, path: str, line: int, end_line: int, label: str) -> str:
    """``label`` linked to the lines at ``report.link_base``; the path is percent-encoded, so a
    hostile name cannot leave the URL, and the label is escaped text."""
    if not report.link_base:
        return text(label)
    anchor = f"#L{line}" + (f"-L{end_line}" if end_line > line else "")
    url = f"{report.link_base.rstrip('/')}/{quote(path.encode('utf-8', 'surrogateescape'), safe='/')}{anchor}"
    return f"[{text(label)}]({url})"


def _findings(report: Report) -> list[str]:
    findings = [finding for finding in report.findings if not finding.removed]
    if not findings:
        return []
    ordered = sorted(findings, key=lambda item: (-item.severity.rank, item.path, item.line, item.rule))
    lines = ["", f"<details><summary>Findings ({len(findings)})</summary>", ""]
    lines += ["| where | rule | severity | message |", "|---|---|---|---|"]
    for finding in ordered[:MAX_FINDINGS]:
        where = _link(report, finding.path, finding.line, finding.end_line, f"{finding.path}:{finding.line}")
        lines.append(f"| {where} | {text(finding.rule)} | {finding.severity.value} | {text(finding.message + suppression_note(finding))} |")
    if len(findings) > MAX_FINDINGS:
        lines.append(f"\n*{len(findings) - MAX_FINDINGS} more findings in the JSON report.*")
    lines += ["", "</details>"]
    return lines
