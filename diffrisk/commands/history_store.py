"""``diffrisk log --db``: which commits the store already holds, scoring the others, and storing
them as they arrive, in batches, each batch one transaction."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence

from diffrisk import __version__
from diffrisk.change import disk_cache
from diffrisk.config import Config, fingerprint
from diffrisk.diffsource import git
from diffrisk.history.commits import CommitRecord
from diffrisk.model import CommitScore
from diffrisk.regex import Regex
from diffrisk.store import database
from diffrisk.store.codec import StoredCommit

#: New rows written per transaction: a killed run loses at most this many scored commits.
BATCH = 50
_REMOTE = Regex(r"^(?:https?://(?:[^@/]+@)?|ssh://git@|git@)([^/:]+)[:/](.+?)/?$")


def default_path(repo: git.Repo) -> str:
    """diffrisk/history.sqlite in the repository's git directory, where no work tree shows it."""
    git_dir = git.run(repo, ["rev-parse", "--absolute-git-dir"]).decode("utf-8", "surrogateescape").strip()
    return os.path.join(git_dir, "diffrisk", "history.sqlite")


def open_for(repo: git.Repo, path: str, write: bool) -> database.Store:
    """The store at ``path`` ("": the repository's default), labelled with the repository."""
    store = database.open_store(path or default_path(repo), write)
    if write:
        name, url = repository_label(repo)
        store.set_meta({"repository": name, "web_url": url or ""})
    return store


def repository_label(repo: git.Repo) -> tuple[str, str | None]:
    """("owner/name", its web address) from the origin remote, or the work tree's folder name."""
    remote = (git.try_run(repo, ["config", "--get", "remote.origin.url"]) or b"").decode("utf-8", "replace").strip()
    match = _REMOTE.match(remote)
    if match:
        host, name = match[1], match[2].removesuffix(".git")
        return name, f"https://{host}/{name}"
    # The folder the repository lives in: a work tree's (its .git's parent), or a bare one's own.
    git_dir = git.run(repo, ["rev-parse", "--absolute-git-dir"]).decode("utf-8", "replace").strip().rstrip("/")
    folder = os.path.dirname(git_dir) if os.path.basename(git_dir) == ".git" else git_dir
    return os.path.basename(folder).removesuffix(".git") or "repository", None


def score_with(
    store: database.Store, repo: git.Repo, settings: Config, shas: Sequence[str], records: dict[str, CommitRecord],
    score: Callable[[Sequence[str]], Iterator[CommitScore]],
) -> Iterator[CommitScore]:
    """Every commit of ``shas`` in order: stored rows of this version and policy as they are,
    the others scored (``score``) and stored."""
    # What the analyzers run on is part of the policy: a row another bandit scored is not reused.
    version, policy = __version__, f"{fingerprint(settings)}:{disk_cache.analyzers_identity()}"
    known = store.known(shas, version, policy)
    todo = [sha for sha in shas if sha not in known]
    print(f"diffrisk: {len(shas) - len(todo)} of {len(shas)} commits already stored in {store.path}; scoring {len(todo)}",
          file=sys.stderr)
    fresh = score(todo)
    batch: list[StoredCommit] = []
    try:
        for sha in shas:
            if sha in known:
                yield known[sha].score
                continue
            row = next(fresh)
            if not row.failures:  # an analyzer crash is not an answer to keep
                batch.append(StoredCommit(row, _subject(records.get(sha))))
            if len(batch) >= BATCH:
                store.add(batch, version, policy, int(time.time()))
                batch = []
            yield row
    finally:
        if batch:
            store.add(batch, version, policy, int(time.time()))


def _subject(record: CommitRecord | None) -> str:
    return record.message.strip().split("\n", 1)[0][:200] if record is not None else ""
