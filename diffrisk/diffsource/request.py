"""Which diff to read (staged changes, a commit, a range, a branch against its base, the work
tree, a patch), read and parsed.

git diffs are made with plumbing and pinned options (diffsource.git); a patch is read bounded
and refused when it is a series of commits rather than one diff.
"""

from __future__ import annotations

import enum
import os

from diffrisk.diffsource import git, parser
from diffrisk.errors import UsageError
from diffrisk.model import Diff
from diffrisk.paths import is_python
from diffrisk.records import record


class SourceKind(str, enum.Enum):
    STAGED = "staged"
    BASE = "base"
    COMMIT = "commit"
    RANGE = "range"
    WORKTREE = "worktree"
    DIFF_FILE = "diff-file"


@record
class DiffRequest:
    kind: SourceKind
    #: The ref, commit, range or patch path the user gave (None for staged and worktree).
    value: str | None = None
    #: For a commit given by its full id whose first parent git already named (``diffrisk log``
    #: reads every commit's parents at once): that parent, so that neither is asked again.
    first_parent: str | None = None


@record
class LoadedDiff:
    diff: Diff
    #: What was diffed, for the report ("staged changes", "commit 1a2b3c4d5e6f").
    description: str
    in_repository: bool
    #: The commit the change starts from (its history came before the change), when there is one.
    base: str | None
    #: The commit the change ends at (None: the index, the work tree or a patch).
    target: str | None = None


def load_diff(request: DiffRequest, repo: git.Repo, stdin: bytes) -> LoadedDiff:
    """The diff the request names, parsed."""
    if request.kind is SourceKind.DIFF_FILE:
        path = request.value or "-"
        if path != "-" and repo.cwd is not None:
            path = os.path.join(repo.cwd, path)  # like git, -C DIR makes relative paths start in DIR
        diff = parser.parse(_read_patch(path, stdin).decode("utf-8", "surrogateescape"))
        _refuse_series(diff)
        return LoadedDiff(diff, _patch_description(request.value), git.is_repository(repo), None)
    if request.kind not in (SourceKind.STAGED, SourceKind.WORKTREE, SourceKind.COMMIT):
        # Those three ask a question first whose failure is followed by this check (one git
        # process less for the usual hook and --commit runs).
        git.check_repository(repo)
    command, description, base, target = _git_diff(request, repo)
    diff = parser.parse(command.run(repo).decode("utf-8", "surrogateescape"))
    return LoadedDiff(_python_as_text(diff, command, repo), description, True, base, target)


def _python_as_text(diff: Diff, command: git.DiffCommand, repo: git.Repo) -> Diff:
    """Diff again, as text, the Python files git called binary.

    A ``.gitattributes`` line (``*.py -diff``), a user's attributes file or core.bigFileThreshold
    can make git print "Binary files differ" for source code, which would hide it from review.
    """
    hidden = [change for change in diff.files if change.is_binary and is_python(change.path)]
    if not hidden:
        return diff
    paths = sorted({path for change in hidden for path in (change.old_path, change.new_path) if path})
    as_text = parser.parse(command.run(repo, ["--text"], paths).decode("utf-8", "surrogateescape"))
    by_paths = {(change.old_path, change.new_path): change for change in as_text.files}
    return Diff(tuple(by_paths.get((change.old_path, change.new_path), change) for change in diff.files))


def _refuse_series(diff: Diff) -> None:
    """A patch series (format-patch of several commits, ``git log -p``) changes a file twice;
    its parts cannot be scored as one diff."""
    seen: set[str] = set()
    for change in diff.files:
        if change.path in seen:
            raise UsageError(
                f"the patch changes {change.path!r} more than once (a series of commits?); "
                "give one diff, e.g. the output of git diff A B"
            )
        seen.add(change.path)


def _patch_description(value: str | None) -> str:
    return "patch from standard input" if value in (None, "-") else f"patch {value}"


#: The largest patch read: a hostile or runaway patch must not exhaust memory (its parsed lines take
#: several times its size), and a real diff of a million lines is well under it.
MAX_PATCH_BYTES = 64 * 1024 * 1024


def _read_patch(path: str, stdin: bytes) -> bytes:
    if path == "-":
        data = stdin
    else:
        try:
            with open(path, "rb") as patch:
                data = patch.read(MAX_PATCH_BYTES + 1)
        except OSError as error:
            raise UsageError(f"cannot read diff file {path!r}: {error.strerror}") from None
    if len(data) > MAX_PATCH_BYTES:
        raise UsageError(f"the patch is larger than {MAX_PATCH_BYTES:,} bytes: give a smaller diff")
    return data


def _git_diff(request: DiffRequest, repo: git.Repo) -> tuple[git.DiffCommand, str, str | None, str | None]:
    """The diff command, its description, and the commits the change starts from and ends at."""
    value = request.value or ""
    if request.kind in (SourceKind.STAGED, SourceKind.WORKTREE):
        head = _head(repo)
        if request.kind is SourceKind.STAGED:
            if request.value:  # an amend: the index against the amended commit's parent
                return git.DiffCommand(("diff-index", "--cached"), (request.value,)), "staged changes (amend)", request.value, None
            return git.staged(repo, head), "staged changes", head, None
        return git.worktree(), "unstaged changes", head, None
    if request.kind is SourceKind.COMMIT:
        # log knows each commit's parent; else a failure here is followed by the repository check.
        commit, parent = (value, request.first_parent) if request.first_parent else git.commit_and_first_parent(repo, value)
        return git.trees(parent or git.empty_tree(repo), commit), f"commit {commit[:12]}", parent, commit
    if request.kind is SourceKind.BASE:
        head = git.resolve_commit(repo, "HEAD")
        base = git.merge_base(repo, git.resolve_commit(repo, value), head, (value, "HEAD"))
        return git.trees(base, head), f"HEAD against merge base {base[:12]} with {value}", base, head
    old, new = _split_range(repo, value)
    return git.trees(old, new), f"range {value}", old, new


def _head(repo: git.Repo) -> str | None:
    """"HEAD" when it names a commit; None in a repository without commits; a clear error where
    there is no repository at all."""
    if git.has_head(repo):
        return "HEAD"
    git.check_repository(repo)
    return None


def _split_range(repo: git.Repo, value: str) -> tuple[str, str]:
    """``A..B`` diffs A with B; ``A...B`` diffs B with its merge base with A (as git diff does)."""
    separator = "..." if "..." in value else ".." if ".." in value else None
    if separator is None:
        raise UsageError(f"--range needs A..B or A...B, not {value!r}")
    left, right = value.split(separator, 1)
    if not left or not right:
        # git reads a missing end as HEAD; in CI an empty variable ("$BASE..HEAD") would then
        # check nothing and pass, so both ends must be named.
        raise UsageError(f"--range needs both ends, A{separator}B, not {value!r}")
    if separator == "...":
        new = git.resolve_commit(repo, right)
        return git.merge_base(repo, git.resolve_commit(repo, left), new, (left, right)), new
    return git.resolve_commit(repo, left), git.resolve_commit(repo, right)
