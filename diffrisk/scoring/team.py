"""The team's view (``diffrisk report``): the review the stored changes require, week by week,
against what the team can give, how much of it came from coding agents, and the riskiest recent
changes.  A pure function of the stored rows.

- **Demand** is each change's ``review_minutes``, by the week of its author date (UTC, ISO weeks).
  Every week from the first to the last change is listed, empty ones included, so that the
  backlog carries over them.
- **Backlog**: review minutes not given by the end of a week, carried into the next:
  ``max(0, backlog before + demand - capacity)``.
- **Agents**: a change is an agent's when its metadata carried an agent marker (history.provenance);
  the per-author table lists such changes under the agent, not the person who committed them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from diffrisk.model import CommitScore, Level, TeamAuthor, TeamChange, TeamReport, TeamWeek
from diffrisk.records import record

#: The riskiest changes listed.
MAX_RISKIEST = 15
#: How recent "recent" is for that list: the last this many weeks of the report.
RECENT_WEEKS = 8
_WEEK = 7 * 86400


@record
class Source:
    """One repository's stored changes."""

    repository: str
    web_url: str | None
    #: (score, the commit message's first line).
    rows: Sequence[tuple[CommitScore, str]]


def build(sources: Sequence[Source], capacity_minutes: int | None, capacity_source: str, since: int | None) -> TeamReport:
    scored = [
        (source, row, subject) for source in sources for row, subject in source.rows
        if row.level is not None and row.size is not None and (since is None or row.timestamp >= since)
    ]
    weeks = _weeks([row for _, row, _ in scored], capacity_minutes)
    notes = []
    errors = sum(1 for source in sources for row, _ in source.rows if row.level is None and (since is None or row.timestamp >= since))
    if errors:
        what = "commit could not be scored and is" if errors == 1 else "commits could not be scored and are"
        notes.append(f"{errors} stored {what} left out")
    if capacity_minutes is None:
        notes.append("no capacity configured ([tool.diffrisk.capacity]): demand is shown without it")
    return TeamReport(
        repositories=tuple(source.repository for source in sources),
        weeks=weeks,
        riskiest=_riskiest(scored, weeks),
        authors=_authors([row for _, row, _ in scored]),
        capacity_minutes=capacity_minutes,
        capacity_source=capacity_source,
        since=since,
        notes=tuple(notes),
    )


def _monday(timestamp: int) -> int:
    day = datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc).date()
    monday = day - datetime.timedelta(days=day.weekday())
    return int(datetime.datetime(monday.year, monday.month, monday.day, tzinfo=datetime.timezone.utc).timestamp())


def _week_name(start: int) -> str:
    year, week, _ = datetime.datetime.fromtimestamp(start, tz=datetime.timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def _lines(row: CommitScore) -> int:
    return (row.size.lines_added + row.size.lines_deleted) if row.size else 0


def _weeks(rows: Sequence[CommitScore], capacity: int | None) -> tuple[TeamWeek, ...]:
    if not rows:
        return ()
    by_week: dict[int, list[CommitScore]] = {}
    for row in rows:
        by_week.setdefault(_monday(row.timestamp), []).append(row)
    weeks = []
    backlog = 0
    start, last = min(by_week), max(by_week)
    while start <= last:
        found = by_week.get(start, [])
        minutes = [sum(row.review_minutes or 0 for row in found if row.level is level) for level in Level]
        ai = [row for row in found if row.authorship is not None and row.authorship.ai_authored]
        lines = sum(_lines(row) for row in found)
        demand = sum(minutes)
        backlog = max(0, backlog + demand - capacity) if capacity is not None else 0
        weeks.append(TeamWeek(
            week=_week_name(start), start=start, changes=len(found),
            minutes_by_level=(minutes[0], minutes[1], minutes[2], minutes[3]),
            changes_by_level=_by_level(found),
            lines=lines, ai_changes=len(ai), ai_lines=sum(_lines(row) for row in ai),
            ai_minutes=sum(row.review_minutes or 0 for row in ai),
            risk_density=round(100 * sum(row.score or 0 for row in found) / lines, 2) if lines else None,
            backlog=backlog,
        ))
        # Weeks are counted in UTC calendar days: a week is not always 604,800 seconds apart.
        start = _monday(start + _WEEK + 43200)
    return tuple(weeks)


def _by_level(rows: Sequence[CommitScore]) -> tuple[int, int, int, int]:
    counts = [sum(1 for row in rows if row.level is level) for level in Level]
    return counts[0], counts[1], counts[2], counts[3]


def _riskiest(scored: Sequence[tuple[Source, CommitScore, str]], weeks: Sequence[TeamWeek]) -> tuple[TeamChange, ...]:
    if not weeks:
        return ()
    recent = weeks[max(0, len(weeks) - RECENT_WEEKS)].start
    candidates = [item for item in scored if item[1].timestamp >= recent]
    candidates.sort(key=lambda item: (-(item[1].score or 0), -(item[1].review_minutes or 0), -item[1].timestamp, item[1].sha))
    return tuple(
        TeamChange(
            repository=source.repository, sha=row.sha, subject=subject, author=row.author, timestamp=row.timestamp,
            level=row.level or Level.L0, score=row.score or 0, review_minutes=row.review_minutes or 0,
            ai_authored=bool(row.authorship and row.authorship.ai_authored),
            link=f"{source.web_url}/commit/{row.sha}" if source.web_url else None,
        )
        for source, row, subject in candidates[:MAX_RISKIEST]
    )


def agent_of(row: CommitScore) -> str | None:
    """The agent named by an AI-authored change's marker ("trailer:claude" -> "claude")."""
    if row.authorship is None or not row.authorship.ai_authored:
        return None
    reason = row.authorship.reason or "agent"
    return reason.split(":", 1)[-1].split(" ", 1)[0].strip() or "agent"


def _authors(rows: Sequence[CommitScore]) -> tuple[TeamAuthor, ...]:
    groups: dict[tuple[str, str], list[CommitScore]] = {}
    for row in rows:
        agent = agent_of(row)
        key = ("agent", agent) if agent else ("person", row.author)
        groups.setdefault(key, []).append(row)
    authors = [
        TeamAuthor(
            name=name, kind=kind, changes=len(found), minutes=sum(row.review_minutes or 0 for row in found),
            changes_by_level=_by_level(found), lines=sum(_lines(row) for row in found),
        )
        for (kind, name), found in groups.items()
    ]
    return tuple(sorted(authors, key=lambda author: (-author.minutes, author.kind, author.name)))
