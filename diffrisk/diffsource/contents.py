"""The file versions on both sides of a diff, read from git objects by blob id.

Never from the work tree (except for unstaged changes), so the analysis matches the diff exactly
and works in a bare repository.  A patch's blobs are used only when the repository has them and
they agree with every line of the patch.
"""

from __future__ import annotations

import functools
import os
import posixpath

from diffrisk.diffsource import git
from diffrisk.diffsource.request import DiffRequest, SourceKind
from diffrisk.errors import GitError
from diffrisk.model import ChangeKind, Diff, FileChange, LineKind
from diffrisk.records import record, replace


@record
class FileContents:
    """Both sides of one file; None where a side does not exist or could not be read."""

    old: bytes | None
    new: bytes | None
    #: Full blob ids of the two sides, when the bytes are exactly those blobs (for caching).
    old_id: str | None = None
    new_id: str | None = None
    #: Why ``new`` is None although the file has a new side (too big, missing object).
    unread: str | None = None
    #: The ``linguist-generated`` attribute at the change's base: True or False when set either
    #: way, else None.
    generated: bool | None = None
    #: For a symbolic link: the repository path it points to, whose contents ``new`` holds.
    link_to: str | None = None


def load_contents(
    request: DiffRequest, repo: git.Repo, diff: Diff, wanted: frozenset[int], in_repo: bool, max_bytes: int,
    target: str | None = None, base: str | None = None,
) -> tuple[dict[int, FileContents], bool]:
    """Read both sides of the files whose index is in ``wanted`` (``target``: the commit the change
    ends at, None for the index, the work tree or a patch; ``base``: the commit it starts from,
    whose attributes are trusted).  A symbolic link to a Python file in the repository holds that
    file's contents as its new side.

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
        if request.kind is SourceKind.WORKTREE and change.new_path is not None and change.new_mode == _SYMLINK:
            new, new_id = _read_worktree_link(_work_tree(repo), change.new_path), None
        elif request.kind is SourceKind.WORKTREE and change.new_path is not None:
            new, new_id = _read_worktree(_work_tree(repo), change.new_path, max_bytes), None
        else:
            new = blobs.get(change.new_blob) if change.new_blob else None
        contents[index] = FileContents(old, new, _full_id(change.old_blob), new_id)
        if change.new_mode == _SYMLINK and new is not None and request.kind is not SourceKind.DIFF_FILE:
            contents[index] = _link_target(repo, request, change, new, target, max_bytes)
    contents = _explain_unread(repo, request, changes, contents, max_bytes)
    contents = _with_generated_attribute(repo, changes, contents, base)
    if request.kind is SourceKind.DIFF_FILE:
        if not all(_agrees(diff.files[index], found) for index, found in contents.items()):
            return {}, False
    return contents, True


def _explain_unread(
    repo: git.Repo, request: DiffRequest, changes: dict[int, FileChange], contents: dict[int, FileContents], max_bytes: int
) -> dict[int, FileContents]:
    """Say why a file's new side could not be read: the report must not just call it unavailable."""
    unread = [
        index for index, found in contents.items()
        if found.new is None and found.unread is None and changes[index].new_path is not None
    ]
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
        too_big = size is not None and size > max_bytes
        why = f"larger than max_file_bytes ({size:,} > {max_bytes:,} bytes)" if too_big else "contents missing from the repository"
        explained[index] = replace(contents[index], unread=why)
    return explained


_SYMLINK = "120000"


def _link_target(
    repo: git.Repo, request: DiffRequest, change: FileChange, link: bytes, target: str | None, max_bytes: int
) -> FileContents:
    """A symbolic link's new side: the contents of the repository file it points to, read where
    the change ends (a link out of the repository, or to nothing, cannot be read)."""
    pointed = link.decode("utf-8", "surrogateescape")
    folder = posixpath.dirname(change.new_path or "")
    resolved = posixpath.normpath(posixpath.join(folder, pointed))
    if pointed.startswith("/") or resolved == ".." or resolved.startswith("../"):
        return FileContents(None, None, unread=f"a symbolic link to {pointed}, outside the repository")
    if target is not None:
        data = git.try_run(repo, ["cat-file", "blob", f"{target}:{resolved}"])
    elif request.kind is SourceKind.WORKTREE:
        data = _read_worktree(_work_tree(repo), resolved, max_bytes)
    else:
        data = git.try_run(repo, ["cat-file", "blob", f":{resolved}"])
    if data is None:
        return FileContents(None, None, unread=f"a symbolic link to {resolved}, which the repository does not hold")
    if len(data) > max_bytes:
        return FileContents(None, None, unread=f"a symbolic link to {resolved}, larger than max_file_bytes")
    return FileContents(None, data, link_to=resolved)


def _with_generated_attribute(
    repo: git.Repo, changes: dict[int, FileChange], contents: dict[int, FileContents], base: str | None,
) -> dict[int, FileContents]:
    """Add what ``linguist-generated`` says of each file as of the change's base: the change's
    own attributes (it may edit .gitattributes) cannot mark its code generated."""
    if base is None:
        return contents
    paths = {index: change.new_path for index, change in changes.items() if change.new_path is not None}
    values = git.attribute(repo, "linguist-generated", sorted(set(paths.values())), base)
    marked = dict(contents)
    for index, path in paths.items():
        flag = _linguist_generated(values.get(path, "unspecified"))
        if flag is not None:
            marked[index] = replace(contents[index], generated=flag)
    return marked


def _linguist_generated(value: str) -> bool | None:
    """What a ``linguist-generated`` value from ``git check-attr`` says: True (set, true), False
    (unset, false) or None (unspecified: the contents decide, pyfile.generated)."""
    if value in ("set", "true"):
        return True
    if value in ("unset", "false"):
        return False
    return None


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


def _read_worktree_link(root: str, path: str) -> bytes | None:
    """What a work-tree symbolic link says it points to (the link is read, never followed)."""
    full = os.path.join(root, path)
    if os.path.isabs(path) or not os.path.realpath(os.path.dirname(full)).startswith(root):
        return None
    try:
        return os.fsencode(os.readlink(full))
    except OSError:
        return None


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
