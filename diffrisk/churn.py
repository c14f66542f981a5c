"""What the change touches: how often the touched files needed bug fixes before.

Files that keep needing fixes keep having bugs (Kim et al., "Predicting Faults from Cached
History", ICSE 2007; Hassan, "Predicting faults using the complexity of code changes", ICSE
2009).  On the development histories (../shared/eval) the number of fix commits that touched a
change's non-test Python files in the year before it ranks bug-inducing commits better than size
alone inside every size quintile (benchmarks/README.md).  One ``git log`` per change, over one
year, limited to the touched paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from diffrisk import git
from diffrisk.szz import is_fix

#: How far back the history is read, counted from the base commit's date (not from "now", so the
#: same diff always gives the same answer).
WINDOW_DAYS = 365


@dataclass(frozen=True)
class FileHistory:
    #: Non-merge commits that changed the file in the window.
    changes: int
    #: How many of them were bug fixes (szz.is_fix).
    fixes: int


def recent_history(repo: git.Repo, base: str, paths: Sequence[str]) -> dict[str, FileHistory]:
    """The year of history before ``base`` of each path in ``paths``."""
    if not paths:
        return {}
    moment = int(git.run(repo, ["log", "-1", "--format=%ct", base]).strip() or 0)
    out = git.run(
        repo,
        [
            "log", "--no-merges", "--no-renames", f"--max-age={moment - WINDOW_DAYS * 86400}",
            "--format=%x1e%B%x1f", "--name-only", base, "--", *(f":(literal){path}" for path in paths),
        ],
    )
    wanted = set(paths)
    changes = dict.fromkeys(paths, 0)
    fixes = dict.fromkeys(paths, 0)
    for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
        message, _, names = record.partition("\x1f")
        fix = is_fix(message.strip())
        for name in names.split("\n"):
            if name in wanted:
                changes[name] += 1
                fixes[name] += int(fix)
    return {path: FileHistory(changes[path], fixes[path]) for path in paths}
