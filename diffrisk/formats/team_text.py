"""The team report as JSON (``schema_version`` 1, docs/team-report.md) and as Markdown (short
enough for a job summary): the same numbers as the HTML page."""

from __future__ import annotations

import json
import time
from typing import Any

from diffrisk.formats.json_format import plain
from diffrisk.formats.markdown import text
from diffrisk.model import TeamReport

SCHEMA_VERSION = 1
#: Weeks the Markdown table lists (the newest): a job summary stays short.
MARKDOWN_WEEKS = 12


def to_json(report: TeamReport) -> str:
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, **plain(report)}
    for week, source in zip(document["weeks"], report.weeks):
        week["minutes"] = source.minutes
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def date(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def to_markdown(report: TeamReport) -> str:
    lines = [f"## diffrisk: review demand against capacity ({text(', '.join(report.repositories))})", ""]
    if report.capacity_minutes is not None:
        over = [week for week in report.weeks if week.minutes > report.capacity_minutes]
        lines.append(
            f"Capacity: {report.capacity_minutes} min per week ({text(report.capacity_source)}). "
            f"Demand exceeded it in {len(over)} of {len(report.weeks)} weeks; "
            f"backlog now {report.weeks[-1].backlog if report.weeks else 0} min."
        )
    lines += [f"- {text(note)}" for note in report.notes]
    lines += [
        "",
        "| week | changes | L0 | L1 | L2 | L3 | review min | from agents (changes / lines / min) | backlog min | risk per 100 lines |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for week in report.weeks[-MARKDOWN_WEEKS:]:
        levels = " | ".join(str(count) for count in week.changes_by_level)
        shares = ((week.ai_changes, week.changes), (week.ai_lines, week.lines), (week.ai_minutes, week.minutes))
        agents = " / ".join(_percent(part, whole) for part, whole in shares)
        flag = " ⚠" if report.capacity_minutes is not None and week.minutes > report.capacity_minutes else ""
        density = "" if week.risk_density is None else f"{week.risk_density:g}"
        lines.append(f"| {week.week} | {week.changes} | {levels} | {week.minutes}{flag} | {agents} | {week.backlog} | {density} |")
    if report.riskiest:
        lines += ["", "### Riskiest recent changes", "", "| change | level | score | min | author | agent |", "|---|---|---:|---:|---|---|"]
        for change in report.riskiest:
            label = f"{change.sha[:12]} {text(change.subject)}"
            where = f"[{label}]({change.link})" if change.link else label
            lines.append(f"| {where} | {change.level.value} | {change.score} | {change.review_minutes} | {text(change.author)} | "
                         f"{'yes' if change.ai_authored else ''} |")
    if report.authors:
        lines += ["", "### Per author and agent", "", "| who | changes | review min | L0 / L1 / L2 / L3 | lines |",
                  "|---|---:|---:|---|---:|"]
        for author in report.authors[:20]:
            who = f"{text(author.name)} (agent)" if author.kind == "agent" else text(author.name)
            levels = " / ".join(map(str, author.changes_by_level))
            lines.append(f"| {who} | {author.changes} | {author.minutes} | {levels} | {author.lines} |")
    return "\n".join(lines) + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"
