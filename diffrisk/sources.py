"""Where a diff comes from, and the file contents on both of its sides.

Contents are read from git objects by blob id, never from the work tree (except for unstaged
changes), so the analysis matches the diff exactly and works in a bare repository.
"""

from __future__ import annotations

import enum
import functools
import os
from dataclasses import dataclass, replace

from diffrisk import diff as diff_parser
from diffrisk import generated, git
from diffrisk.errors import GitError, UsageError
from diffrisk.model import ChangeKind, Diff, FileChange, LineKind
from diffrisk.paths import is_python


class SourceKind(str, enum.Enum):
    STAGED = "staged"
    BASE = "base"
    COMMIT = "commit"
    RANGE = "range"
    WORKTREE = "worktree"
    DIFF_FILE = "diff-file"


@dataclass(frozen=True)
class DiffRequest:
    kind: SourceKind
    #: The ref, commit, range or patch path the user gave (None for staged and worktree).
    value: str | None = None


@dataclass(frozen=True)
class FileContents:
    """Both sides of one file; None where a side does not exist or could not be read."""

    old: bytes | None
    new: bytes | None
    #: Full blob ids of the two sides, when the bytes are exactly those blobs (for caching).
    old_id: str | None = None
    new_id: str | None = None
    #: Why ``new`` is None although the file has a new side (too big, missing object).
    unread: str | None = None
    #: The ``linguist-generated`` attribute: True or False when set either way, else None.
    generated: bool | None = None


@dataclass(frozen=True)
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
        diff = diff_parser.parse(_read_patch(path, stdin).decode("utf-8", "surrogateescape"))
        _refuse_series(diff)
        return LoadedDiff(diff, _patch_description(request.value), git.is_repository(repo), None)
    git.check_repository(repo)
    command, description, base, target = _git_diff(request, repo)
    diff = diff_parser.parse(command.run(repo).decode("utf-8", "surrogateescape"))
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
    as_text = diff_parser.parse(command.run(repo, ["--text"], paths).decode("utf-8", "surrogateescape"))
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


#: The largest patch read (a hostile or runaway patch must not exhaust memory: its parsed lines
#: take about ten times its size).  A million-line diff is about 50 MB.
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
        head = "HEAD" if git.has_head(repo) else None
        if request.kind is SourceKind.STAGED:
            if request.value:  # an amend: the index against the amended commit's parent
                return git.DiffCommand(("diff-index", "--cached"), (request.value,)), "staged changes (amend)", request.value, None
            return git.staged(repo), "staged changes", head, None
        return git.worktree(), "unstaged changes", head, None
    if request.kind is SourceKind.COMMIT:
        commit = git.resolve_commit(repo, value)
        parent = git.first_parent(repo, commit)
        return git.trees(parent or git.empty_tree(repo), commit), f"commit {commit[:12]}", parent, commit
    if request.kind is SourceKind.BASE:
        head = git.resolve_commit(repo, "HEAD")
        base = git.merge_base(repo, git.resolve_commit(repo, value), head, (value, "HEAD"))
        return git.trees(base, head), f"HEAD against merge base {base[:12]} with {value}", base, head
    old, new = _split_range(repo, value)
    return git.trees(old, new), f"range {value}", old, new


def _split_range(repo: git.Repo, value: str) -> tuple[str, str]:
    """``A..B`` diffs A with B; ``A...B`` diffs B with its merge base with A (as git diff does)."""
    if "..." in value:
        left, right = value.split("...", 1)
        new = git.resolve_commit(repo, right or "HEAD")
        return git.merge_base(repo, git.resolve_commit(repo, left or "HEAD"), new, (left or "HEAD", right or "HEAD")), new
    if ".." in value:
        left, right = value.split("..", 1)
        return git.resolve_commit(repo, left or "HEAD"), git.resolve_commit(repo, right or "HEAD")
    raise UsageError(f"--range needs A..B or A...B, not {value!r}")


def load_contents(
    request: DiffRequest, repo: git.Repo, diff: Diff, wanted: frozenset[int], in_repo: bool, max_bytes: int,
    target: str | None = None,
) -> tuple[dict[int, FileContents], bool]:
    """Read both sides of the files whose index is in ``wanted``.

    Returns (contents, available).  For a patch file, contents are used only when every wanted
    file's blobs are in the repository and agree with the patch's lines; otherwise none are, and
    the caller analyses the diff's own lines.
    """
    if not wanted:
        return {}, True
    if request.kind is SourceKind.DIFF_FILE and not in_repo:
        return {}, False
    changes = {index: diff.files[index] for index in sorted(wanted)}
    ids = [blob for change in changes.values() for blob in (change.old_blob, change.new_blob) if blob]
    blobs = git.read_blobs(repo, ids, max_bytes)
    contents: dict[int, FileContents] = {}
    for index, change in changes.items():
        old = blobs.get(change.old_blob) if change.old_blob else None
        new_id = _full_id(change.new_blob)
        if request.kind is SourceKind.WORKTREE and change.new_path is not None:
            new, new_id = _read_worktree(_work_tree(repo), change.new_path, max_bytes), None
        else:
            new = blobs.get(change.new_blob) if change.new_blob else None
        contents[index] = FileContents(old, new, _full_id(change.old_blob), new_id)
    contents = _explain_unread(repo, request, changes, contents, max_bytes)
    contents = _with_generated_attribute(repo, request, diff, changes, contents, target)
    if request.kind is SourceKind.DIFF_FILE:
        if not all(_agrees(diff.files[index], found) for index, found in contents.items()):
            return {}, False
    return contents, True


def _explain_unread(
    repo: git.Repo, request: DiffRequest, changes: dict[int, FileChange], contents: dict[int, FileContents], max_bytes: int
) -> dict[int, FileContents]:
    """Say why a file's new side could not be read: the report must not just call it unavailable."""
    unread = [index for index, found in contents.items() if found.new is None and changes[index].new_path is not None]
    if not unread:
        return contents
    if request.kind is SourceKind.WORKTREE:
        root = _work_tree(repo)
        sizes = {index: _worktree_size(root, changes[index].new_path or "") for index in unread}
    else:
        blobs = git.blob_sizes(repo, sorted({changes[index].new_blob or "" for index in unread} - {""}))
        sizes = {index: blobs.get(changes[index].new_blob or "") for index in unread}
    explained = dict(contents)
    for index in unread:
        size = sizes[index]
        why = f"larger than max_file_bytes ({size:,} > {max_bytes:,} bytes)" if size is not None and size > max_bytes else "contents missing from the repository"
        explained[index] = replace(contents[index], unread=why)
    return explained


def _with_generated_attribute(
    repo: git.Repo, request: DiffRequest, diff: Diff, changes: dict[int, FileChange], contents: dict[int, FileContents],
    target: str | None,
) -> dict[int, FileContents]:
    """Add what ``linguist-generated`` says of each file, as of the change's new side, unless
    the change edits a .gitattributes file: a change must not mark its own code generated."""
    if any(os.path.basename(change.path) == ".gitattributes" for change in diff.files):
        return contents
    paths = {index: change.new_path for index, change in changes.items() if change.new_path is not None}
    values = git.attribute(repo, "linguist-generated", sorted(set(paths.values())), target, request.kind is SourceKind.WORKTREE)
    marked = dict(contents)
    for index, path in paths.items():
        flag = generated.from_attribute(values.get(path, "unspecified"))
        if flag is not None:
            marked[index] = replace(contents[index], generated=flag)
    return marked


def _worktree_size(root: str, path: str) -> int | None:
    if _outside(root, path):
        return None
    try:
        return os.lstat(os.path.join(root, path)).st_size
    except OSError:
        return None


def _full_id(blob: str | None) -> str | None:
    """A blob id that names exactly one version (abbreviated ids from patches do not)."""
    return blob if blob is not None and len(blob) in (40, 64) else None


def _agrees(change: FileChange, contents: FileContents) -> bool:
    """True when the blobs exist and every hunk line matches them (the patch is of these files)."""
    needs_old = change.kind is not ChangeKind.ADDED
    needs_new = change.kind is not ChangeKind.DELETED
    if (needs_old and contents.old is None) or (needs_new and contents.new is None):
        return False
    old_lines = _split_lines(contents.old)
    new_lines = _split_lines(contents.new)
    for hunk in change.hunks:
        for line in hunk.lines:
            if line.kind is not LineKind.ADDED and not _line_is(old_lines, line.old_lineno, line.text):
                return False
            if line.kind is not LineKind.DELETED and not _line_is(new_lines, line.new_lineno, line.text):
                return False
    return True


def _split_lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    return [line.rstrip("\r") for line in data.decode("utf-8", "surrogateescape").split("\n")]


def _line_is(lines: list[str], lineno: int | None, text: str) -> bool:
    return lineno is not None and 0 < lineno <= len(lines) and lines[lineno - 1] == text


@functools.lru_cache(maxsize=8)
def _work_tree(repo: git.Repo) -> str:
    """The work tree's real path, asked of git once per repository, not once per file."""
    top = git.toplevel(repo)
    if top is None:
        raise GitError("--worktree needs a work tree, and this repository is bare")
    return os.path.realpath(top)


def _outside(root: str, path: str) -> bool:
    """True for a path that would leave the work tree (absolute, ``..``, or through a symlink)."""
    return os.path.isabs(path) or not os.path.realpath(os.path.join(root, path)).startswith(root + os.sep)


def _read_worktree(root: str, path: str, max_bytes: int) -> bytes | None:
    """Read a work-tree file, refusing paths that would leave the work tree."""
    if _outside(root, path):
        return None
    full = os.path.realpath(os.path.join(root, path))
    try:
        if os.path.islink(os.path.join(root, path)) or os.path.getsize(full) > max_bytes:
            return None
        with open(full, "rb") as handle:
            return handle.read()
    except OSError:
        return None
