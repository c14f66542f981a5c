"""The only module that runs git.  Argument lists only, never a shell.

Every diff is made with plumbing commands and explicit options, so a user's configuration
(diff.noprefix, diff.mnemonicPrefix, diff.external, color.ui=always, diff.algorithm, diff.relative,
textconv drivers) cannot change what diffrisk parses.  The environment is passed through
unchanged: inside a hook, ``GIT_INDEX_FILE`` names the index being committed (``git commit -a``
uses a temporary one) and must be honoured.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterable, Sequence

from diffrisk.errors import GitError
from diffrisk.records import record
from diffrisk.regex import Regex

# Options that pin the patch format; see the module docstring.
DIFF_OPTIONS = (
    "-p",
    "--full-index",
    # Renames only: a copy is new code to review, so it is diffed as an added file.
    "--find-renames",
    "-l1000",  # pinned: the user's diff.renameLimit must not change which files pair up
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--diff-algorithm=myers",
    "--no-relative",
    "--submodule=short",
    "--ignore-submodules=none",
)
# Configuration that could still reach plumbing commands, pinned to git's defaults.
CONFIG_OVERRIDES = (
    "-c", "core.quotePath=true",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "color.ui=never",
    "-c", "core.pager=cat",
)


@record
class Repo:
    """Where git should look, as ``git -C DIR`` and ``git --git-dir DIR`` have it."""

    cwd: str | None = None
    git_dir: str | None = None

    def command(self, args: Sequence[str]) -> list[str]:
        prefix = ["git"]
        if self.cwd is not None:
            prefix += ["-C", self.cwd]
        if self.git_dir is not None:
            prefix += ["--git-dir", self.git_dir]
        return [*prefix, *CONFIG_OVERRIDES, *args]


def run(repo: Repo, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    """Run git and return its standard output; raise GitError with git's own message on failure."""
    completed = _run(repo, args, stdin)
    if completed.returncode != 0:
        raise GitError(_describe_failure(args, completed.stderr))
    return completed.stdout


def _run(repo: Repo, args: Sequence[str], stdin: bytes | None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            repo.command(args), input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise GitError(f"cannot change to {repo.cwd!r}: not a directory") from None


def _describe_failure(args: Sequence[str], stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    message = next((line for line in lines if line.startswith("fatal:")), lines[-1] if lines else "")
    message = message.removeprefix("fatal: ").strip()
    if "not a git repository" in message:
        return f"{message} (run inside a repository, or pass -C DIR or --git-dir DIR)"
    return f"git {args[0]} failed: {message or 'no message'}"


def try_run(repo: Repo, args: Sequence[str], stdin: bytes | None = None) -> bytes | None:
    """Run git; None when it fails (for questions whose answer may be 'no')."""
    completed = _run(repo, args, stdin)
    return completed.stdout if completed.returncode == 0 else None


def is_repository(repo: Repo) -> bool:
    return try_run(repo, ["rev-parse", "--git-dir"]) is not None


def check_repository(repo: Repo) -> None:
    """Fail with one clear line when there is no repository where the user pointed."""
    run(repo, ["rev-parse", "--git-dir"])


def toplevel(repo: Repo) -> str | None:
    """The work tree's root, or None in a bare repository."""
    if run(repo, ["rev-parse", "--is-bare-repository"]).strip() == b"true":
        return None
    out = try_run(repo, ["rev-parse", "--show-toplevel"])
    return out.decode("utf-8", "surrogateescape").rstrip("\n") if out else None


def resolve_commit(repo: Repo, rev: str) -> str:
    """The full id of the commit ``rev`` names, or a GitError that says how to get it."""
    if rev.startswith("-"):
        raise GitError(f"not a revision: {rev!r}")
    out = try_run(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"])
    if out:
        return out.decode().strip()
    if not has_head(repo) and not try_run(repo, ["for-each-ref", "--count=1"]):
        raise GitError(f"unknown revision {rev!r}: the repository has no commits yet (check staged changes with: diffrisk check)")
    raise GitError(f"unknown revision {rev!r}: {_hint(repo, 'check the name', 'fetch it')}")


#: A revision that names one commit to ``rev-list`` as to ``rev-parse --verify``: a name (a branch,
#: a tag, an id, HEAD) and ``~N``/``^N`` steps.  Ranges (``A..B``, ``A^!``, ``A^-``), negations
#: and reflog forms are not: they are asked about the slow way, where rev-parse judges them.
_ONE_COMMIT = Regex(r"[\w./-]+(?:[~^][0-9]*)*")


def commit_and_first_parent(repo: Repo, rev: str) -> tuple[str, str | None]:
    """``resolve_commit`` and ``first_parent`` of it.  A plain revision (each commit ``log``
    scores, the one ``check --commit`` names) takes one git call for both; anything else, an
    error, and a commit without a parent (a root, or a shallow clone's boundary) the calls that
    tell them apart, with their messages."""
    if not rev.startswith("-") and ".." not in rev and _ONE_COMMIT.fullmatch(rev):
        ids = (try_run(repo, ["rev-list", "--parents", "-n", "1", "--end-of-options", f"{rev}^{{commit}}"]) or b"").split()
        if len(ids) > 1:
            return ids[0].decode(), ids[1].decode()
    check_repository(repo)
    commit = resolve_commit(repo, rev)
    return commit, first_parent(repo, commit)


def first_parent(repo: Repo, commit: str) -> str | None:
    """The first parent of ``commit``, or None for a root commit."""
    out = run(repo, ["rev-list", "--parents", "-n", "1", commit]).split()
    if len(out) > 1:
        return out[1].decode()
    if is_shallow(repo) and _is_shallow_boundary(repo, commit):
        raise GitError(
            f"the parent of {commit[:12]} is not in this shallow clone: "
            "fetch more history (git fetch --deepen, or fetch-depth: 0 in actions/checkout)"
        )
    return None


def merge_base(repo: Repo, a: str, b: str, names: tuple[str, str] | None = None) -> str:
    """The best common ancestor of commits ``a`` and ``b``; ``names`` are what the user called them."""
    out = try_run(repo, ["merge-base", a, b])
    if out:
        return out.decode().strip()
    left, right = names or (a[:12], b[:12])
    hint = _hint(repo, "the two histories share no commit", f"fetch the history of {left!r} and {right!r}")
    raise GitError(f"no merge base between {left!r} and {right!r}: {hint}")


def _hint(repo: Repo, usual: str, fetch: str) -> str:
    """What to do about a missing object: in a shallow clone it is usually just not fetched."""
    if is_shallow(repo):
        return f"this is a shallow clone: {fetch} (git fetch --deepen, or fetch-depth: 0 in actions/checkout)"
    return usual


def is_shallow(repo: Repo) -> bool:
    # Asked each time: the action deepens a shallow clone (fetch --unshallow) before its check.
    return try_run(repo, ["rev-parse", "--is-shallow-repository"]) == b"true\n"


def _is_shallow_boundary(repo: Repo, commit: str) -> bool:
    git_dir = run(repo, ["rev-parse", "--absolute-git-dir"]).decode("utf-8", "surrogateescape").strip()
    try:
        with open(f"{git_dir}/shallow", encoding="ascii") as shallow:
            return commit in shallow.read().split()
    except OSError:
        return False


def empty_tree(repo: Repo) -> str:
    """The id of the empty tree in this repository's hash (sha1 or sha256)."""
    return run(repo, ["hash-object", "-t", "tree", "--stdin"], stdin=b"").decode().strip()


def merge_in_progress(repo: Repo) -> bool:
    return try_run(repo, ["rev-parse", "--verify", "--quiet", "MERGE_HEAD"]) is not None


def has_head(repo: Repo) -> bool:
    return try_run(repo, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]) is not None


@record
class DiffCommand:
    """A plumbing diff without its options: ``diff-tree -r A B``, ``diff-index --cached B``..."""

    command: tuple[str, ...]
    revisions: tuple[str, ...] = ()

    def run(self, repo: Repo, extra: Sequence[str] = (), paths: Sequence[str] = ()) -> bytes:
        """The patch; ``paths`` limits it to those files, taken literally (no glob magic)."""
        literal = [f":(literal){path}" for path in paths]
        return run(repo, [*self.command, *DIFF_OPTIONS, *extra, *self.revisions, "--", *literal])


def trees(old: str, new: str) -> DiffCommand:
    return DiffCommand(("diff-tree", "-r"), (old, new))


def staged(repo: Repo, head: str | None) -> DiffCommand:
    """The index against ``head`` (None: a repository without commits, against the empty tree)."""
    return DiffCommand(("diff-index", "--cached"), (head or empty_tree(repo),))


def worktree() -> DiffCommand:
    return DiffCommand(("diff-files",))


def attribute(repo: Repo, name: str, paths: Sequence[str], source: str | None, worktree: bool = False) -> dict[str, str]:
    """The value of git attribute ``name`` for each path ("set", "unset", "unspecified" or a
    string), as of commit ``source``, else of the work tree (``worktree``), else of the index.

    Paths are relative to the repository's top level.  git before 2.40 cannot read attributes
    from a commit (``--source``); there the commit's tree is read into a temporary index and
    asked instead, so that nothing staged or checked out stands in.
    """
    if not paths:
        return {}
    cdup = _top_level_from_current_folder(repo, os.getcwd())
    asked = {cdup + path: path for path in paths}
    stdin = b"".join(path.encode("utf-8", "surrogateescape") + b"\0" for path in asked)
    command = ["check-attr", "-z", "--stdin"]
    out: bytes | None = None
    if source is None:
        out = try_run(repo, [*command, *([] if worktree else ["--cached"]), name], stdin=stdin)
    elif _ATTRIBUTE_SOURCE["supported"]:
        out = try_run(repo, [*command, f"--source={source}", name], stdin=stdin)
        if out is None:
            # Asked once per process: diffrisk log would otherwise fail this call per commit.
            _ATTRIBUTE_SOURCE["supported"] = False
    if source is not None and not _ATTRIBUTE_SOURCE["supported"]:
        out = _attribute_from_tree(repo, command, name, source, stdin)
    fields = [field.decode("utf-8", "surrogateescape") for field in (out or b"").split(b"\0")]
    return {asked.get(fields[index], fields[index]): fields[index + 2] for index in range(0, len(fields) - 2, 3)}


@functools.lru_cache(maxsize=4)
def _top_level_from_current_folder(repo: Repo, folder: str) -> str:
    """check-attr reads paths from the current folder (-C); the diff's are from the top level.
    Asked once per repository and current folder, not once per commit ``log`` scores."""
    return (try_run(repo, ["rev-parse", "--show-cdup"]) or b"").decode("utf-8", "surrogateescape").strip()


#: Whether this git reads attributes from a commit (``check-attr --source``, git 2.40).
_ATTRIBUTE_SOURCE = {"supported": True}


def _attribute_from_tree(repo: Repo, command: list[str], name: str, commit: str, stdin: bytes) -> bytes | None:
    import tempfile  # only for a git older than 2.40

    with tempfile.TemporaryDirectory(prefix="diffrisk-") as folder:
        index = os.path.join(folder, "index")
        environment = {**os.environ, "GIT_INDEX_FILE": index}
        read = subprocess.run(repo.command(["read-tree", commit]), capture_output=True, check=False, env=environment)
        if read.returncode != 0:
            return None
        completed = subprocess.run(
            repo.command([*command, "--cached", name]), input=stdin, capture_output=True, check=False, env=environment
        )
        return completed.stdout if completed.returncode == 0 else None


def read_blobs(repo: Repo, blob_ids: Iterable[str], max_bytes: int) -> dict[str, bytes | None]:
    """Contents of the given blobs, keyed by the id asked for (abbreviated ids are fine).

    A blob that is missing, ambiguous, not a blob, or larger than ``max_bytes`` maps to None.
    """
    wanted = sorted(set(blob_ids))
    if not wanted:
        return {}
    sizes = blob_sizes(repo, wanted)
    readable = [blob for blob in wanted if _fits(sizes.get(blob), max_bytes)]
    contents: dict[str, bytes | None] = dict.fromkeys(wanted)
    if readable:
        out = run(repo, ["cat-file", "--batch"], stdin="".join(f"{blob}\n" for blob in readable).encode())
        position = 0
        for blob in readable:
            header_end = out.index(b"\n", position)
            size = int(out[position:header_end].split()[2])
            contents[blob] = out[header_end + 1: header_end + 1 + size]
            position = header_end + 1 + size + 1
    return contents


def _fits(size: int | None, max_bytes: int) -> bool:
    return size is not None and size <= max_bytes


def blob_sizes(repo: Repo, blob_ids: list[str]) -> dict[str, int | None]:
    """The size in bytes of each blob; None for a missing object or one that is not a blob."""
    out = run(repo, ["cat-file", "--batch-check"], stdin="".join(f"{blob}\n" for blob in blob_ids).encode())
    sizes: dict[str, int | None] = {}
    for blob, line in zip(blob_ids, out.decode("utf-8", "replace").splitlines()):
        fields = line.split()
        sizes[blob] = int(fields[2]) if len(fields) == 3 and fields[1] == "blob" else None
    return sizes
