"""Commits as ``git log`` gives them: one record format and one reader for every question diffrisk
asks of a history (the commits of a change, a list of commits to score, a whole history to label,
the commits that touched some files).

Records are read with ``-z`` and NUL between fields: git refuses a NUL byte in a commit message, so
a message cannot forge a field or a record, whatever else it holds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from diffrisk.diffsource import git
from diffrisk.errors import GitError
from diffrisk.records import record
from diffrisk.regex import Regex

#: sha, parents, author name and address, committer name and address, author date, message.
_FIELDS = ("%H", "%P", "%an", "%ae", "%cn", "%ce", "%at", "%B")
_FORMAT = "--format=" + "%x00".join(_FIELDS)
_SHA = Regex(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_TRAILER_KEY = Regex(r"[A-Za-z0-9][A-Za-z0-9-]*")
#: Commits read from one change at most: the newest 1,000 are answer enough for who wrote it.
MAX_CHANGE_COMMITS = 1000


@record
class CommitRecord:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    committer: str
    committer_email: str
    #: Author date, seconds since the epoch (UTC).
    timestamp: int
    #: The raw message (subject, body and trailers).
    message: str
    #: Paths the commit changed, of those asked about (``touching``); empty otherwise.
    paths: tuple[str, ...] = ()

    @property
    def parent(self) -> str | None:
        """The first parent, or None for a root commit."""
        return self.parents[0] if self.parents else None

    def trailer(self, key: str) -> str | None:
        """The last value of trailer ``key`` (case-insensitive), or None."""
        found = [value for name, value in parse_trailers(self.message) if name.lower() == key.lower()]
        return found[-1] if found else None


def parse_trailers(message: str) -> tuple[tuple[str, str], ...]:
    """Git's trailer block: the last paragraph, when every line of it is ``Key: value``."""
    paragraphs = [part for part in re.split(r"\n\s*\n", message.strip()) if part.strip()]
    if len(paragraphs) < 2:
        return ()
    trailers = []
    for line in paragraphs[-1].splitlines():
        key, colon, value = line.partition(":")
        if not colon or not _TRAILER_KEY.fullmatch(key.strip()) or not value.strip():
            return ()
        trailers.append((key.strip(), value.strip()))
    return tuple(trailers)


def listed(repo: git.Repo, shas: Sequence[str]) -> dict[str, CommitRecord]:
    """The records of the given commits, in one git call; an unknown id raises GitError."""
    if not shas:
        return {}
    for sha in shas:
        if sha.startswith("-"):
            raise GitError(f"not a commit: {sha!r}")
    records = _read(repo, ["--no-walk=unsorted", "--stdin"], stdin="".join(f"{sha}\n" for sha in shas).encode())
    return {record.sha: record for record in records}


def of_change(repo: git.Repo, base: str | None, target: str, only_target: bool) -> list[CommitRecord]:
    """The commits of ``base..target`` (just ``target`` when ``only_target`` or no base), newest first."""
    one = only_target or base is None
    revisions = [target] if one else [f"{base}..{target}"]
    return _read(repo, [f"--max-count={MAX_CHANGE_COMMITS}", *(["--no-walk"] if one else []), "--end-of-options", *revisions])


def history(repo: git.Repo, since: str | None) -> list[CommitRecord]:
    """Non-merge commits of HEAD, newest first (optionally only those after ``since``)."""
    return _read(repo, ["--no-merges", *([f"--since={since}"] if since else [])])


def touching(repo: git.Repo, base: str, paths: Sequence[str], max_age: int, every_path: bool = False) -> list[CommitRecord]:
    """Non-merge commits up to ``base``, authored or committed after ``max_age`` (seconds since
    the epoch), that changed any of ``paths`` (as they were named then: no rename following);
    each record lists which of ``paths`` it changed, or with ``every_path`` every path it changed
    (what changed together with them)."""
    if not paths:
        return []
    literal = [f":(literal){path}" for path in paths]
    full = ["--full-diff"] if every_path else []
    return _read(
        repo, ["--no-merges", "--no-renames", f"--max-age={max_age}", "--name-only", *full, base, "--", *literal],
        names=None if every_path else set(paths),
    )


def _read(repo: git.Repo, args: Sequence[str], stdin: bytes | None = None, names: Collection[str] | None = ()) -> list[CommitRecord]:
    out = git.run(repo, ["log", "-z", _FORMAT, *args], stdin=stdin)
    return _parse(out.split(b"\x00"), names)


def _parse(tokens: list[bytes], names: Collection[str] | None) -> list[CommitRecord]:
    """Records from the NUL-separated tokens: each record's fields, then (with ``--name-only``)
    the paths it changed, the first after a newline, up to the next record; of those, the ones
    among ``names`` are kept (``names`` None: every one).  Paths are decoded as the diff's are (undecodable bytes kept as
    surrogates), so that they compare equal; the other fields are text for people."""
    records = []
    width = len(_FIELDS)
    index = 0
    while index + width <= len(tokens):
        fields = [token.decode("utf-8", "replace") for token in tokens[index:index + width]]
        if not _SHA.match(fields[0]):
            index += 1  # not a record's start (git's own output always is one): resynchronise
            continue
        index += width
        sha, parents, author, email, committer, committer_email, timestamp, message = fields
        paths: list[str] = []
        first = True
        listed = names is None or bool(names)  # with --name-only
        while listed and index < len(tokens) and tokens[index] and not _SHA.match(tokens[index].decode("ascii", "replace")):
            token = tokens[index][1:] if first and tokens[index].startswith(b"\n") else tokens[index]
            path = token.decode("utf-8", "surrogateescape")
            if names is None or path in names:
                paths.append(path)
            first, index = False, index + 1
        records.append(CommitRecord(
            sha, tuple(parents.split()), author, email, committer, committer_email, int(timestamp or 0), message, tuple(paths),
        ))
    return records
