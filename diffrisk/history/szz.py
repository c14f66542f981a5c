"""Label a repository's own history with SZZ (Sliwerski, Zimmermann, Zeller, 2005), the way
the evaluation labels in benchmarks/README.md were made:

- a fix is a non-merge commit that history.fixes.is_fix accepts: its subject has a fix keyword
  (not a typo, docs, lint or CI chore) or its message says "fixes #N";
- for each Python line a fix deleted or changed (not blank, comment, bracket-only or docstring
  lines, and not in test files), ``git blame -w`` on the fix's parent names the commit that wrote
  it: that commit is bug-inducing;
- fixes touching over 50 files or 500 lines are skipped (bulk changes blame everything), and the
  repository's ``.git-blame-ignore-revs`` is honoured.

``blamed_lines`` keeps the answer at line level, as (inducing commit, path in that commit, line in
that commit's new version): where in a change its bug was, for judging hotspot order.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from diffrisk.diffsource import git, parser
from diffrisk.history.commits import CommitRecord
from diffrisk.model import FileChange, LineKind, line_runs
from diffrisk.paths import is_python, is_test
from diffrisk.regex import Regex

MAX_FIX_FILES = 50
MAX_FIX_LINES = 500
_BRACKETS_ONLY = Regex(r"^[\s()\[\]{},:;]*$")


class BlamedLine(NamedTuple):
    """A line a later fix changed, where it was written."""

    commit: str
    #: The file's path in ``commit``.
    path: str
    #: The line's number in ``commit``'s version of the file.
    line: int


def bug_inducing(repo: git.Repo, fixes: Iterable[CommitRecord]) -> set[str]:
    """The commits whose lines the fixes changed."""
    return {blamed.commit for blamed in blamed_lines(repo, fixes)}


def blamed_lines(repo: git.Repo, fixes: Iterable[CommitRecord]) -> set[BlamedLine]:
    """Every line the fixes changed, at the commit that wrote it."""
    blamed: set[BlamedLine] = set()
    with tempfile.TemporaryDirectory(prefix="diffrisk-szz-") as folder:
        for fix in fixes:
            if fix.parent is not None:
                blamed |= _blame_fix(repo, fix, folder)
    return blamed


def _blame_fix(repo: git.Repo, fix: CommitRecord, folder: str) -> set[BlamedLine]:
    assert fix.parent is not None
    patch = git.trees(fix.parent, fix.sha).run(repo, ["-U0"])
    changes = [change for change in parser.parse(patch.decode("utf-8", "surrogateescape")).files if change.hunks]
    if len(changes) > MAX_FIX_FILES or sum(len(c.added_lines) + len(c.deleted_lines) for c in changes) > MAX_FIX_LINES:
        return set()
    ignore = _ignore_revs(repo, fix.parent, folder)
    blamed: set[BlamedLine] = set()
    for change in changes:
        if change.old_path is None or not is_python(change.old_path) or is_test(change.old_path):
            continue
        lines = _blameable(change)
        if lines:
            blamed |= _blame(repo, fix.parent, change.old_path, lines, ignore)
    return blamed


def _blameable(change: FileChange) -> list[int]:
    """Old-side line numbers worth blaming: real code the fix deleted or changed."""
    found = []
    in_docstring = False
    for hunk in change.hunks:
        for line in hunk.lines:
            if line.old_lineno is None or line.kind is not LineKind.DELETED:
                continue
            text = line.text.strip()
            quotes = text.count('"""') + text.count("'''")
            if quotes % 2 == 1:
                in_docstring = not in_docstring
                continue
            if in_docstring or quotes or not text or text.startswith("#") or _BRACKETS_ONLY.match(text):
                continue
            found.append(line.old_lineno)
    return found


def _ignore_revs(repo: git.Repo, parent: str, folder: str) -> str | None:
    content = git.try_run(repo, ["show", f"{parent}:.git-blame-ignore-revs"])
    if not content:
        return None
    path = os.path.join(folder, "ignore-revs")
    with open(path, "wb") as handle:
        handle.write(content)
    return path


def _blame(repo: git.Repo, revision: str, path: str, lines: Sequence[int], ignore: str | None) -> set[BlamedLine]:
    ranges = [arg for start, end in line_runs(lines) for arg in ("-L", f"{start},{end}")]
    extra = ["--ignore-revs-file", ignore] if ignore else []
    out = git.try_run(repo, ["blame", "-w", "--line-porcelain", *extra, *ranges, revision, "--", path])
    if out is None:
        return set()
    return set(_porcelain_lines(out.decode("utf-8", "surrogateescape")))


def _porcelain_lines(text: str) -> Iterator[BlamedLine]:
    """--line-porcelain writes, per line, a header "<commit> <original line> <final line> [count]",
    the commit's details, "filename <path in that commit>" and the line's text after a tab."""
    commit, original = "", 0
    for line in text.splitlines():
        if line.startswith("\t"):
            continue
        if line.startswith("filename "):
            yield BlamedLine(commit, parser.unquote(line[len("filename "):]), original)
            continue
        fields = line.split(" ")
        if len(fields) in (3, 4) and len(fields[0]) in (40, 64) and all(c in "0123456789abcdef" for c in fields[0]):
            commit, original = fields[0], int(fields[1])
