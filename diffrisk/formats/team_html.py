"""The team report as one self-contained HTML page: the charts inline as SVG (formats.charts), no
script, no network (a Content-Security-Policy as strict as the review map's), and every chart's
numbers again in a table, for readers without colour or without sight."""

from __future__ import annotations

import html

from diffrisk.formats import charts
from diffrisk.formats.html import HEAD
from diffrisk.formats.team_text import date
from diffrisk.model import TeamReport, TeamWeek

_STYLE = """
:root{color-scheme:light;--fg:#1b1b1b;--muted:#555}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff;
margin:0 auto;max-width:1100px;padding:1rem 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ddd}
.muted{color:var(--muted)}figure{margin:.5rem 0 1rem}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.4rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.15rem .45rem;text-align:right}
th:first-child,td:first-child,td.text{text-align:left}.over{font-weight:bold}.over::after{content:" (over capacity)"}
summary{cursor:pointer;color:var(--muted)}
"""


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def format_team(report: TeamReport) -> str:
    title = f"diffrisk: review demand against capacity, {', '.join(report.repositories)}"
    parts = [
        HEAD.format(title=_text(title), style=_STYLE) + "<main>\n",
        f"<h1>Review demand against capacity</h1>\n<p class=\"muted\">{_text(', '.join(report.repositories))}"
        + (f" since {date(report.since)}" if report.since is not None else "") + "</p>\n",
        _summary(report),
        _chart("Demand", charts.demand(report.weeks, report.capacity_minutes), _demand_table(report)),
        _chart("Coding agents", charts.agent_share(report.weeks), _agent_table(report.weeks)),
        _chart("Careful and deep reviews", charts.careful(report.weeks), _careful_table(report.weeks)),
        _chart("Risk density", charts.density(report.weeks), _density_table(report.weeks)),
        _riskiest(report),
        _authors(report),
        "</main>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _summary(report: TeamReport) -> str:
    items = []
    if report.capacity_minutes is not None:
        over = [week.week for week in report.weeks if week.minutes > report.capacity_minutes]
        items.append(f"Capacity {report.capacity_minutes} min per week ({_text(report.capacity_source)}); demand exceeded it in "
                     f"{len(over)} of {len(report.weeks)} weeks" + (f" ({_text(', '.join(over[-6:]))})" if over else ""))
        items.append(f"Backlog at the end: {report.weeks[-1].backlog if report.weeks else 0} min")
    total = sum(week.minutes for week in report.weeks)
    agents = sum(week.ai_minutes for week in report.weeks)
    items.append(f"{sum(week.changes for week in report.weeks)} changes, {total} min of review required, "
                 f"{round(100 * agents / total) if total else 0}% of it for changes from coding agents")
    items += [_text(note) for note in report.notes]
    return "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>\n"


def _chart(name: str, svg: str, table: str) -> str:
    slug = name.lower().replace(" ", "-")
    return (f'<section id="{slug}" aria-labelledby="{slug}-title"><h2 id="{slug}-title">{_text(name)}</h2>\n'
            f"<figure>{svg}</figure>\n<details><summary>The numbers</summary>\n{table}</details></section>\n")


def _table(headers: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    head = "".join(f"<th>{_text(header)}</th>" for header in headers)
    body = "".join(
        f"<tr{classes[index] if classes else ''}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n"
        for index, row in enumerate(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"


def _demand_table(report: TeamReport) -> str:
    capacity = report.capacity_minutes
    rows = [[_text(week.week), *(str(minutes) for minutes in week.minutes_by_level), str(week.minutes), str(week.backlog)]
            for week in report.weeks]
    classes = [' class="over"' if capacity is not None and week.minutes > capacity else "" for week in report.weeks]
    return _table(["week", "L0 min", "L1 min", "L2 min", "L3 min", "required min", "backlog min"], rows, classes)


def _agent_table(weeks: tuple[TeamWeek, ...]) -> str:
    rows = [[_text(week.week), f"{week.ai_changes} of {week.changes}", f"{week.ai_lines} of {week.lines}",
             f"{week.ai_minutes} of {week.minutes}"] for week in weeks]
    return _table(["week", "changes from agents", "changed lines from agents", "review min from agents"], rows)


def _careful_table(weeks: tuple[TeamWeek, ...]) -> str:
    return _table(["week", "L2 changes", "L3 changes"],
                  [[_text(week.week), str(week.changes_by_level[2]), str(week.changes_by_level[3])] for week in weeks])


def _density_table(weeks: tuple[TeamWeek, ...]) -> str:
    return _table(["week", "score per 100 changed lines"],
                  [[_text(week.week), "" if week.risk_density is None else f"{week.risk_density:g}"] for week in weeks])


def _riskiest(report: TeamReport) -> str:
    if not report.riskiest:
        return ""
    rows = []
    for change in report.riskiest:
        label = f"{_text(change.sha[:12])} {_text(change.subject)}"
        where = f'<a href="{_text(change.link)}">{label}</a>' if change.link else label
        rows.append([f'<span class="text">{where}</span>', _text(change.repository), f"{change.level.value} {change.level.word}",
                     str(change.score), str(change.review_minutes), _text(change.author), "agent" if change.ai_authored else "",
                     date(change.timestamp)])
    return ('<section id="riskiest"><h2>Riskiest recent changes</h2>\n'
            + _table(["change", "repository", "level", "score", "min", "author", "AI", "date"], rows) + "</section>\n")


def _authors(report: TeamReport) -> str:
    rows = [[_text(author.name), author.kind, str(author.changes), str(author.minutes),
             " / ".join(str(count) for count in author.changes_by_level), str(author.lines)] for author in report.authors]
    return ('<section id="authors"><h2>Per author and agent</h2>\n'
            + _table(["who", "kind", "changes", "review min", "L0 / L1 / L2 / L3", "changed lines"], rows) + "</section>\n")
