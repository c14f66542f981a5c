"""``diffrisk log``: score many commits, each against its first parent, as ``check --commit`` does.

Commits are scored in worker processes (``--jobs``), in order, so each result can be printed as
soon as it and those before it are done.  Workers keep a cache of parsed files and analyzer
results by git blob id (see ``pipeline``): consecutive commits share most file versions, and
commits are handed out in runs so that neighbours land in the same worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from diffrisk import check, git
from diffrisk.config import Config
from diffrisk.errors import DiffriskError, GitError
from diffrisk.model import Authorship, CommitScore, Report
from diffrisk.provenance import HUMAN, Provenance, of_commit
from diffrisk.sources import DiffRequest, SourceKind

#: Commits handed to a worker at a time: big enough that neighbours share cached file versions,
#: small enough that results keep flowing.
CHUNK = 8


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    author: str
    email: str
    #: Author date, seconds since the epoch (UTC).
    timestamp: int
    parents: tuple[str, ...]
    #: Whether a coding agent wrote it, by its metadata (provenance.py).
    provenance: Provenance = HUMAN


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


def commit_infos(repo: git.Repo, shas: Sequence[str]) -> dict[str, CommitInfo]:
    """Author, date and parents of each commit, in one git call; unknown ids raise GitError."""
    if not shas:
        return {}
    for sha in shas:
        if sha.startswith("-"):
            raise GitError(f"not a commit: {sha!r}")
    out = git.run(
        repo,
        ["log", "--no-walk=unsorted", "--stdin", "--format=%H%x00%an%x00%ae%x00%at%x00%P%x00%cn%x00%ce%x00%B%x01"],
        stdin="".join(f"{sha}\n" for sha in shas).encode(),
    )
    infos: dict[str, CommitInfo] = {}
    for record in out.decode("utf-8", "replace").split("\x01"):
        fields = record.lstrip("\n").split("\x00")
        if len(fields) < 8:
            continue
        sha, author, email, timestamp, parents, committer, committer_email, message = fields[:8]
        provenance = of_commit(author, email, committer, committer_email, message)
        infos[sha] = CommitInfo(sha, author, email, int(timestamp), tuple(parents.split()), provenance)
    return infos


def resolve_all(repo: git.Repo, shas: Sequence[str]) -> list[str]:
    """Full ids for the given commit names, in order; the first unknown one raises GitError."""
    return [git.resolve_commit(repo, sha) for sha in shas]


def score(repo: git.Repo, config: Config, shas: Sequence[str], infos: dict[str, CommitInfo], jobs: int) -> Iterator[CommitScore]:
    """Score the commits in order, with ``jobs`` worker processes (1: in this process)."""
    if jobs <= 1 or len(shas) < 2:
        _init_worker(repo, config, infos, in_child=False)
        yield from (_score_one(sha) for sha in shas)
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    pool = context.Pool(jobs, initializer=_init_worker, initargs=(repo, config, infos, True))
    try:
        yield from pool.imap(_score_one, shas, chunksize=CHUNK)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


_WORKER: dict[str, object] = {}


def _init_worker(repo: git.Repo, config: Config, infos: dict[str, CommitInfo], in_child: bool) -> None:
    if in_child:
        # Ctrl-C goes to the whole process group; the parent alone decides what to do with it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(repo=repo, config=config, infos=infos)


def _score_one(sha: str) -> CommitScore:
    repo = _WORKER["repo"]
    config = _WORKER["config"]
    infos = _WORKER["infos"]
    assert isinstance(repo, git.Repo) and isinstance(config, Config) and isinstance(infos, dict)
    info = infos.get(sha) or CommitInfo(sha, "", "", 0, (), HUMAN)
    try:
        # The commit's provenance is already known from the one metadata read for all commits.
        known = Authorship(info.provenance.ai_authored, info.provenance.reason or "no agent marker in the commit")
        report = check.run(DiffRequest(SourceKind.COMMIT, sha), repo, config, authorship=known)
    except DiffriskError as error:
        return CommitScore(sha, info.author, info.email, info.timestamp, error=str(error))
    return from_report(info, report)


def from_report(info: CommitInfo, report: Report) -> CommitScore:
    rules: dict[str, int] = {}
    for finding in report.findings:
        if not finding.removed:
            rules[finding.rule] = rules.get(finding.rule, 0) + 1
    return CommitScore(
        sha=info.sha,
        author=info.author,
        email=info.email,
        timestamp=info.timestamp,
        score=report.score,
        level=report.level,
        review_minutes=report.review_minutes,
        components=tuple((part.name, part.score, part.points) for part in report.components),
        size=report.size,
        rules=tuple(sorted(rules.items())),
        failures=report.failures,
        ai_authored=info.provenance.ai_authored,
        ai_reason=info.provenance.reason,
    )
