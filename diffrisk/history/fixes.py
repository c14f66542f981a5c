"""Bug fixes: which commits are fixes, and how often the files a change touches needed them before.

Files that keep needing fixes keep having bugs (Kim et al., "Predicting Faults from Cached
History", ICSE 2007; Hassan, "Predicting faults using the complexity of code changes", ICSE
2009).  On real histories the number of fix commits that touched a change's non-test Python
files in the year before it ranks bug-inducing commits better than size alone inside every size
quintile (benchmarks/README.md).  One ``git log`` per change, over one year, limited to the
touched paths.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from diffrisk.diffsource import git
from diffrisk.history import commits
from diffrisk.records import record
from diffrisk.regex import Regex

#: How far back the history is read, counted from the base commit's date (not from "now", so the
#: same diff always gives the same answer).
WINDOW_DAYS = 365
_FIX_SUBJECT = Regex(r"\b(fix(e[sd])?|bug(fix)?|hotfix|crash(es)?|regression|broken|repair(ed)?|patch(ed)?)\b", re.I)
_CHORE = Regex(r"\b(typos?|docs?|documentation|lint(ing)?|ci|changelog|readme|spelling|format(ting)?|style|comments?)\b", re.I)
_FIXES_ISSUE = Regex(r"\b(fix(e[sd])?|close[sd]?|resolve[sd]?)\s+#\d+", re.I)


def is_fix(message: str) -> bool:
    """A bug fix: the subject names a fix (not a typo, docs, lint or CI chore), or the message
    says it fixes an issue ("fixes #12")."""
    subject = message.split("\n", 1)[0]
    if _FIXES_ISSUE.search(message):
        return True
    return bool(_FIX_SUBJECT.search(subject)) and not _CHORE.search(subject)


@record
class FileHistory:
    #: Non-merge commits that changed the file in the window.
    changes: int
    #: How many of them were bug fixes (is_fix).
    fixes: int


def window(repo: git.Repo, base: str, paths: Sequence[str]) -> list[commits.CommitRecord]:
    """The commits of the year before ``base`` that changed any of ``paths``, newest first, each
    with every path it changed (what changed with them: history.co_change)."""
    if not paths:
        return []
    moment = committed_at(repo, base)
    return commits.touching(repo, base, paths, moment - WINDOW_DAYS * 86400, every_path=True)


def committed_at(repo: git.Repo, commit: str) -> int:
    """The commit's committer date, seconds since the epoch, from its object (``cat-file`` is a
    third of what ``log -1`` costs on a large repository, which sets up a history walk)."""
    header = git.run(repo, ["cat-file", "commit", commit]).split(b"\n\n", 1)[0]
    for line in header.split(b"\n"):
        if line.startswith(b"committer "):
            fields = line.rsplit(b" ", 2)
            return int(fields[1]) if len(fields) == 3 and fields[1].isdigit() else 0
    return 0


def recent_history(records: Sequence[commits.CommitRecord], paths: Sequence[str]) -> dict[str, FileHistory]:
    """How often each of ``paths`` changed, and needed a fix, in ``records`` (``window``)."""
    changes = dict.fromkeys(paths, 0)
    fixes = dict.fromkeys(paths, 0)
    for commit in records:
        fix = is_fix(commit.message.strip())
        for path in commit.paths:
            if path in changes:
                changes[path] += 1
                fixes[path] += int(fix)
    return {path: FileHistory(changes[path], fixes[path]) for path in paths}
