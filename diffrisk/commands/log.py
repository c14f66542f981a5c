"""``diffrisk log``: score many commits, each against its first parent, as ``check --commit`` does.

Commits are scored in worker processes (``--jobs``), in order, so each result can be printed as
soon as it and those before it are done.  Workers keep a cache of parsed files and analyzer
results by git blob id (change.analyzed_version): consecutive commits share most file versions,
and commits are handed out in runs so that neighbours land in the same worker.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

from diffrisk import config as configuration
from diffrisk.change import parallel
from diffrisk.commands import check, collection, history_store, output, progress
from diffrisk.config import Config
from diffrisk.diffsource import git
from diffrisk.diffsource.request import DiffRequest, SourceKind
from diffrisk.errors import DiffriskError, ExitCode, GitError
from diffrisk.history import commits, provenance
from diffrisk.history.commits import CommitRecord
from diffrisk.model import Authorship, CommitScore, Report

#: Commits handed to a worker at a time: big enough that neighbours share cached file versions,
#: small enough that results keep flowing.
CHUNK = 8


def commits_in(repo: git.Repo, revision_range: str | None) -> list[str]:
    """The non-merge commits of ``revision_range`` (default: all of HEAD's history), newest first."""
    spec = revision_range or "HEAD"
    if spec.startswith("-"):
        raise GitError(f"not a revision range: {spec!r}")
    out = git.run(repo, ["rev-list", "--no-merges", "--end-of-options", *spec.split()])
    return out.decode().split()


def read_commit_list(text: str) -> list[str]:
    """Commit ids from a ``--commits`` file: one per line; blank lines and ``#`` comments skipped."""
    found = []
    for line in text.splitlines():
        value = line.split("#", 1)[0].strip()
        if value:
            found.append(value.split()[0])
    return found


def resolve_all(repo: git.Repo, shas: Sequence[str]) -> list[str]:
    """Full ids for the given commit names, in order; the first unknown one raises GitError."""
    return [git.resolve_commit(repo, sha) for sha in shas]


def score(repo: git.Repo, config: Config, shas: Sequence[str], records: dict[str, CommitRecord], jobs: int) -> Iterator[CommitScore]:
    """Score the commits in order, with ``jobs`` worker processes (1: in this process)."""
    return parallel.imap(_score_one, (repo, config, records), shas, jobs, chunksize=CHUNK)


def _score_one(state: tuple[git.Repo, Config, dict[str, CommitRecord]], sha: str) -> CommitScore:
    repo, config, records = state
    record = records.get(sha) or CommitRecord(sha, (), "", "", "", "", 0, "")
    marker = provenance.of_record(record)
    try:
        # The commit's provenance is already known from the one metadata read for all commits.
        known = Authorship(marker.ai_authored, marker.reason or "no agent marker in the commit")
        # So are its parents (none: a root commit, or a shallow clone's boundary, which git is asked about).
        request = DiffRequest(SourceKind.COMMIT, sha, first_parent=record.parent)
        report = check.run(request, repo, config, authorship=known)
    except DiffriskError as error:
        return CommitScore(sha, record.author, record.email, record.timestamp, error=str(error))
    finally:
        collection.after_commit()
    return from_report(record, marker, report)


def from_report(record: CommitRecord, marker: Authorship, report: Report) -> CommitScore:
    """The essentials of one commit's report, with its agent marker (``marker``)."""
    rules: dict[str, int] = {}
    for finding in report.findings:
        if not finding.removed:
            rules[finding.rule] = rules.get(finding.rule, 0) + 1
    return CommitScore(
        sha=record.sha,
        author=record.author,
        email=record.email,
        timestamp=record.timestamp,
        score=report.score,
        level=report.level,
        review_minutes=report.review_minutes,
        components=tuple((part.name, part.score, part.points) for part in report.components),
        size=report.size,
        rules=tuple(sorted(rules.items())),
        failures=report.failures,
        authorship=marker,
        floors=tuple(floor.kind for floor in report.floors),
    )


# -- the command ----------------------------------------------------------------------------------


def command(args: argparse.Namespace) -> int:
    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    settings = configuration.for_history(configuration.load(args.config, git.toplevel(repo)), args.experts)
    if args.commits is not None:
        text = sys.stdin.read() if args.commits == "-" else output.read_text(args.commits)
        shas = resolve_all(repo, read_commit_list(text))
    else:
        shas = commits_in(repo, args.revision_range)
    records = commits.listed(repo, shas)
    jobs = args.jobs or os.cpu_count() or 1
    with contextlib.ExitStack() as stack:
        if args.db is not None:
            store = stack.enter_context(history_store.open_for(repo, args.db, write=True))
            rows = history_store.score_with(store, repo, settings, shas, records, lambda todo: score(repo, settings, todo, records, jobs))
        else:
            rows = score(repo, settings, shas, records, jobs)
        return _write(args, progress.track(rows, len(shas), sys.stderr))


def _write(args: argparse.Namespace, scored: Iterator[CommitScore]) -> int:
    from diffrisk.formats import rows
    from diffrisk.formats.escape import neutralise_ci

    failed = False
    with output.Lines(args.output) as out:
        if args.summary:
            collected = []
            for row in scored:
                collected.append(row)
                failed = failed or bool(row.failures)
            entries = rows.summarize(collected, args.summary)
            render = {"text": rows.summary_text, "csv": rows.summary_csv, "jsonl": rows.summary_jsonl}[args.format]
            out.write(neutralise_ci(render(entries, args.summary), json_text=args.format == "jsonl"))
            return ExitCode.INTERNAL if failed else ExitCode.OK
        out.write({"text": rows.text_header(), "csv": rows.csv_header(), "jsonl": ""}[args.format])
        line = {"text": rows.text_row, "csv": rows.csv_row, "jsonl": rows.jsonl}[args.format]
        for row in scored:
            # Author names are the commits' own text: they must not steer the CI log they reach.
            out.write(neutralise_ci(line(row), json_text=args.format == "jsonl"))
            failed = failed or bool(row.failures)
    return ExitCode.INTERNAL if failed else ExitCode.OK
