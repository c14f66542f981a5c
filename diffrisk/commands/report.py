"""``diffrisk report``: the team's view of the changes ``diffrisk log --db`` stored, from one or
several repositories' databases (each row labelled with its repository)."""

from __future__ import annotations

import argparse
import datetime

from diffrisk import config as configuration
from diffrisk.commands import history_store, output
from diffrisk.diffsource import git
from diffrisk.errors import DiffriskError, UsageError
from diffrisk.model import TeamReport
from diffrisk.scoring import team
from diffrisk.store import database


def command(args: argparse.Namespace) -> int:
    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    in_repository = git.is_repository(repo)
    paths = args.db or ([history_store.default_path(repo)] if in_repository else [])
    if not paths:
        raise UsageError("no database: give --db PATH (diffrisk log --db PATH writes one), or run inside a repository")
    settings = configuration.load(args.config, git.toplevel(repo) if in_repository else None)
    sources = []
    for path in paths:
        with database.open_store(path, write=False) as store:
            meta = store.meta()
            rows = [(stored.score, stored.subject) for stored in store.latest(_since(args.since))]
        sources.append(team.Source(meta.get("repository", path), meta.get("web_url") or None, rows))
    report = team.build(sources, settings.capacity_minutes, settings.capacity_source, _since(args.since))
    output.write(_render(report, args.format), args.output)
    return 0


def _render(report: TeamReport, kind: str) -> str:
    from diffrisk.formats import team_text

    if kind == "json":
        return team_text.to_json(report)
    if kind == "markdown":
        return team_text.to_markdown(report)
    from diffrisk.formats import charts, team_html

    try:
        return team_html.format_team(report)
    except charts.MissingExtra as error:
        raise DiffriskError(str(error)) from None


def _since(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r}: expected a date such as 2026-01-31") from None
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp())
