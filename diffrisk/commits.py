"""The commits a change is made of, read for who wrote them and what their trailers say.

Provenance (was an agent the author?) and acceptance (did someone sign off on the risk?) come
from commit messages, so only changes that are commits have them; staged changes use the
environment and the command line instead (provenance.py, main.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from diffrisk import git, provenance
from diffrisk.provenance import Provenance

#: Commits read from one range at most: provenance of the newest 1,000 is answer enough.
MAX_COMMITS = 1000
ACCEPTED_BY = "Risk-Accepted-By"
_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


@dataclass(frozen=True)
class CommitMeta:
    sha: str
    provenance: Provenance
    #: (key, value) of the trailers in the message's last paragraph, in order.
    trailers: tuple[tuple[str, str], ...]

    def trailer(self, key: str) -> str | None:
        """The last value of trailer ``key`` (case-insensitive), or None."""
        found = [value for name, value in self.trailers if name.lower() == key.lower()]
        return found[-1] if found else None


def read(repo: git.Repo, base: str | None, target: str, only_target: bool) -> list[CommitMeta]:
    """The commits of ``base..target`` (just ``target`` when ``only_target`` or no base), newest first."""
    revisions = [target] if only_target or base is None else [f"{base}..{target}"]
    out = git.run(repo, [
        "log", f"--max-count={MAX_COMMITS}", "--format=%H%x00%an%x00%ae%x00%cn%x00%ce%x00%B%x01",
        *(["--no-walk"] if only_target or base is None else []), "--end-of-options", *revisions,
    ])
    found = []
    for record in out.decode("utf-8", "replace").split("\x01"):
        fields = record.lstrip("\n").split("\x00")
        if len(fields) < 6:
            continue
        sha, author, email, committer, committer_email, message = fields[:6]
        marker = provenance.of_commit(author, email, committer, committer_email, message)
        found.append(CommitMeta(sha, marker, parse_trailers(message)))
    return found


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


def accepted_by(commits: Sequence[CommitMeta]) -> str | None:
    """Who accepted the change's risk: the newest Risk-Accepted-By trailer in its commits.

    Only a person's commit can accept: a trailer in a commit a coding agent wrote (which the agent
    may have written itself) is not honoured, nor one naming an agent's identity.
    """
    for commit in commits:
        who = commit.trailer(ACCEPTED_BY)
        if who and not commit.provenance.ai_authored and not provenance.names_agent(who):
            return who
    return None
