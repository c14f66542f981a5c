"""Which policy judges a change: what the change cannot write.

The configuration committed at the change's base (HEAD for staged or unstaged changes, the parent
of a commit, the merge base of a branch, the start of a range) judges it.  When the change edits
that configuration, it is judged by the stricter of the old and the new (config.stricter): an
edit can tighten the check that judges it, never relax it.  A configuration nobody committed
(a repository without commits yet, a --config file the change added) can only tighten the
defaults.  A --config file outside the repository is the caller's own and is read as it is.
"""

from __future__ import annotations

import os

from diffrisk import config
from diffrisk.config import Config
from diffrisk.diffsource import git
from diffrisk.diffsource.request import DiffRequest, LoadedDiff, SourceKind
from diffrisk.records import replace

PYPROJECT = "pyproject.toml"


def policy_path(repo: git.Repo, explicit: str | None) -> str | None:
    """The policy file's path relative to the repository's top level, or None when it is a file
    outside the work tree (or there is no work tree to resolve it in)."""
    if explicit is None:
        return PYPROJECT
    top = git.toplevel(repo) if git.is_repository(repo) else None
    if top is None:
        return None
    # The folder is resolved, the file itself is not: a link the change makes at the policy's path
    # must not send diffrisk to a file outside the repository (or to /dev/null) instead.
    joined = os.path.join(repo.cwd or os.getcwd(), explicit)
    absolute = os.path.join(os.path.realpath(os.path.dirname(joined)), os.path.basename(joined))
    root = os.path.realpath(top)
    if not absolute.startswith(root + os.sep):
        return None
    return os.path.relpath(absolute, root).replace(os.sep, "/")


def load(repo: git.Repo, loaded: LoadedDiff, request: DiffRequest, explicit: str | None) -> Config:
    """The policy that judges ``loaded``: see the module's docstring."""
    if not loaded.in_repository:
        return _untracked(repo, explicit)
    relative = policy_path(repo, explicit)
    if relative is None:
        assert explicit is not None
        return config.load(os.path.join(repo.cwd or "", explicit), None)
    base = loaded.base if loaded.base is not None or request.kind is not SourceKind.DIFF_FILE else _head(repo)
    trusted = _committed(repo, base, relative) if base is not None else None
    edited = _edited(repo, request, loaded, relative)
    if trusted is None and edited is None and explicit is not None:
        # A file the caller named that no commit holds and the change does not touch: theirs.
        return config.load(os.path.join(repo.cwd or "", explicit), None)
    if trusted is None:
        # Nothing committed holds a policy: what the change brings can only tighten the defaults.
        return config.stricter(Config(), edited) if edited is not None else Config()
    if edited is None or replace(edited, origin=trusted.origin) == trusted:
        return trusted
    return config.stricter(trusted, edited)


def at_commit(repo: git.Repo, treeish: str, explicit: str | None) -> Config:
    """The policy committed at ``treeish`` alone (the defaults when it holds none): whom the base
    branch trusts to approve, which a pull request cannot change for itself."""
    relative = policy_path(repo, explicit)
    if relative is None:
        assert explicit is not None
        return config.load(os.path.join(repo.cwd or "", explicit), None)
    return _committed(repo, treeish, relative) or Config()


def _untracked(repo: git.Repo, explicit: str | None) -> Config:
    """No repository: the caller's file, or pyproject.toml in the folder diffrisk runs in."""
    folder = repo.cwd or os.getcwd()
    if explicit is not None:
        return config.load(os.path.join(folder, explicit), None)
    return config.load(None, folder)


def _head(repo: git.Repo) -> str | None:
    return "HEAD" if git.has_head(repo) else None


def _committed(repo: git.Repo, treeish: str, relative: str) -> Config | None:
    """The policy file as committed at ``treeish`` (None: it is not there); a committed file that
    is not valid is the repository's error to fix (exit 2)."""
    data = git.try_run(repo, ["cat-file", "blob", f"{treeish}:{relative}"])
    if data is None:
        return None
    return config.from_text(data.decode("utf-8", "replace"), relative, f"{relative} at {treeish[:12]}")


def _edited(repo: git.Repo, request: DiffRequest, loaded: LoadedDiff, relative: str) -> Config | None:
    """The policy as the change leaves it, when the change touches it (None: it does not, or the
    new version cannot be read).  An edit that is not valid is a usage error (exit 2): reporting it
    fails closed, where judging by the old policy alone would hide the typo from its author."""
    if not any(relative in (change.old_path, change.new_path) for change in loaded.diff.files):
        return None
    data: bytes | None
    if loaded.target is not None:
        data = git.try_run(repo, ["cat-file", "blob", f"{loaded.target}:{relative}"])
    elif request.kind is SourceKind.STAGED:
        data = git.try_run(repo, ["cat-file", "blob", f":{relative}"])
    elif request.kind is SourceKind.WORKTREE and git.toplevel(repo) is not None:
        data = _read(os.path.join(git.toplevel(repo) or "", relative))
    else:
        return None  # a patch: its new side is not in the repository
    if data is None:
        return None
    return config.from_text(data.decode("utf-8", "replace"), relative, f"{relative} as the change leaves it")


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None
