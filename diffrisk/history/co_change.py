"""Missing co-change: a file that usually changes together with a changed file, left out of this
change (DR-H001).

Change coupling (Zimmermann, Weißgerber, Diehl, Zeller, "Mining Version Histories to Guide
Software Changes", ICSE 2004): when two files changed together in most of one's past commits, a
change to one that leaves the other alone deserves a look.  Support (commits together) and
confidence (their share of the file's commits) are counted over the file's recent commits before
the change, from the one ``git log`` the history component already reads (history.fixes.window),
so the answer depends only on the base commit and is the same on every run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from diffrisk.diffsource import git
from diffrisk.history.commits import CommitRecord
from diffrisk.model import Finding, Severity
from diffrisk.paths import is_python, is_test
from diffrisk.records import record

#: A file's most recent commits that count (older coupling may no longer hold).
MAX_COMMITS = 50
#: Commits touching more files are bulk edits (reformatting, renames, licence headers): they
#: couple everything with everything, so they are left out.
MAX_FILES_PER_COMMIT = 30
#: Together at least this often, and in at least this share of the file's commits.
MIN_SUPPORT = 5
MIN_CONFIDENCE = 0.8


@record
class Coupling:
    #: The changed file, as the change names it, and as history named it.
    path: str
    history_path: str
    #: The file that usually changes with it and is not in the change.
    partner: str
    together: int
    changes: int

    def message(self) -> str:
        return (
            f"changed with {self.partner} in {self.together} of its last {self.changes} changes; "
            f"{self.partner} is not in this change"
        )


def couplings(records: Sequence[CommitRecord], changed: Mapping[str, str], in_change: Collection[str]) -> list[Coupling]:
    """For each changed file (``changed``: its path in history -> its path in the change), the
    non-test Python files that changed with it often enough and are not in ``in_change``; strongest
    first, ties by path."""
    found = []
    for history_path, path in changed.items():
        if is_test(path):
            continue
        own = [record for record in records if history_path in record.paths and len(record.paths) <= MAX_FILES_PER_COMMIT]
        own = own[:MAX_COMMITS]
        partners = Counter(
            other for record in own for other in set(record.paths)
            if other != history_path and other not in in_change and is_python(other) and not is_test(other)
        )
        for partner, together in partners.items():
            if together >= MIN_SUPPORT and together >= MIN_CONFIDENCE * len(own):
                found.append(Coupling(path, history_path, partner, together, len(own)))
    return sorted(found, key=lambda item: (item.path, -item.together / item.changes, item.partner))


def existing(repo: git.Repo, revision: str, paths: Collection[str]) -> set[str]:
    """Which of ``paths`` exist at ``revision`` (a partner deleted since is no longer expected)."""
    if not paths:
        return set()
    out = git.run(repo, ["ls-tree", "-r", "-z", "--name-only", revision, "--", *(f":(literal){path}" for path in sorted(paths))])
    return {name.decode("utf-8", "surrogateescape") for name in out.split(b"\x00") if name}


def findings(found: Sequence[Coupling]) -> dict[str, tuple[Finding, ...]]:
    """DR-H001 findings by changed path, on the file's first line."""
    by_path: dict[str, list[Finding]] = {}
    for coupling in found:
        by_path.setdefault(coupling.path, []).append(Finding(
            rule="DR-H001", analyzer="history", path=coupling.path, line=1, end_line=1, severity=Severity.LOW,
            message=coupling.message(), subject=coupling.partner,
        ))
    return {path: tuple(items) for path, items in by_path.items()}
