"""Regenerate the diff corpus in ``tests/data/diffs/``: one real diff per git quirk.

Run it as ``python tests/data/make_diffs.py [OUTPUT_DIR]``.  Every diff is made by real git (or GNU
``diff``) in a temporary repository, with argument lists (never a shell) and an environment
isolated from the user's configuration: HOME is a temporary folder, GIT_CONFIG_NOSYSTEM=1,
GIT_CONFIG_GLOBAL is a temporary file, and the author and committer dates are fixed, so blob and
commit ids come out the same on every run.

Unless the quirk is about a user's configuration or another tool's output, a diff is made the way
diffrisk's git adapter makes it: ``git <CONFIG_OVERRIDES> diff-tree -r <DIFF_OPTIONS> OLD NEW``.
The files are written as bytes: some contain CRLF, tabs or bytes that are not UTF-8.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from diffrisk.diffsource.git import CONFIG_OVERRIDES, DIFF_OPTIONS  # noqa: E402

DATE = "2026-01-01T00:00:00+00:00"
EPOCH_2026 = 1767225600  # 2026-01-01T00:00:00Z, the mtime of the files `diff -ruN` compares
# format-patch signs its mails with git's version; pin it so the corpus does not depend on it.
SIGNATURE = "2.39.5"

Quirk = Callable[["Repo"], bytes]
QUIRKS: dict[str, Quirk] = {}


def quirk(name: str) -> Callable[[Quirk], Quirk]:
    def register(function: Quirk) -> Quirk:
        QUIRKS[name] = function
        return function

    return register


class Repo:
    """A throw-away repository and the isolated environment git runs in."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.env = env
        path.mkdir()
        self.git("init", "-q")

    def run(self, args: list[str], ok_codes: tuple[int, ...] = (0,), cwd: Path | None = None) -> bytes:
        completed = subprocess.run(
            args, cwd=cwd or self.path, env=self.env, capture_output=True, check=False
        )
        if completed.returncode not in ok_codes:
            raise SystemExit(f"{args!r} failed ({completed.returncode}): {completed.stderr.decode(errors='replace')}")
        return completed.stdout

    def git(self, *args: str) -> bytes:
        return self.run(["git", *args])

    def write(self, name: str, data: str | bytes, mode: int | None = None) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if mode is not None:
            target.chmod(mode)

    def remove(self, name: str) -> None:
        (self.path / name).unlink()

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").decode().strip()

    def diff_tree(self, old: str, new: str, *extra: str) -> bytes:
        """What diffrisk's adapter (``diffrisk.diffsource.git.trees``) runs, plus ``extra`` options."""
        return self.git(*CONFIG_OVERRIDES, "diff-tree", "-r", *DIFF_OPTIONS, *extra, old, new)


def environment(home: Path) -> dict[str, str]:
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test Author\n\temail = author@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(config),
        GIT_AUTHOR_DATE=DATE,
        GIT_COMMITTER_DATE=DATE,
        TZ="UTC",
        LC_ALL="C",
    )
    return env


def numbered(count: int, start: int = 1) -> str:
    return "".join(f"line {number}\n" for number in range(start, start + count))


# -- added, deleted, modified -----------------------------------------------------------------


@quirk("added")
def added(repo: Repo) -> bytes:
    old = repo.commit("base")
    repo.write("hello.py", 'def hello():\n    return "hello"\n')
    return repo.diff_tree(old, repo.commit())


@quirk("deleted")
def deleted(repo: Repo) -> bytes:
    repo.write("hello.py", 'def hello():\n    return "hello"\n')
    old = repo.commit("base")
    repo.remove("hello.py")
    return repo.diff_tree(old, repo.commit())


MODULE = "".join(
    f"def f{number}(x):\n    y = x + {number}\n    z = y * {number}\n    return z\n\n\n" for number in range(1, 6)
)


@quirk("modified_hunks")
def modified_hunks(repo: Repo) -> bytes:
    repo.write("calc.py", MODULE)
    old = repo.commit("base")
    new = MODULE.replace("    y = x + 1\n", "    y = x - 1\n")
    new = new.replace("    z = y * 3\n", "    z = y * 3\n    z += 1\n")
    new = new.replace("    return z\n\n\ndef f5", "\n\ndef f5").replace("    y = x + 5\n", "    y = x + 50\n")
    repo.write("calc.py", new)
    return repo.diff_tree(old, repo.commit())


@quirk("markers_in_content")
def markers_in_content(repo: Repo) -> bytes:
    """Lines whose text looks like diff syntax: '-- ', '--- a/x', '+++ b/x', '@@ ... @@', '\\'."""
    repo.write("notes.md", "# Notes\n- \n-- a/x\n++ b/x\nkeep\n")
    old = repo.commit("base")
    repo.write("notes.md", "# Notes\n-- \n@@ -1 +1 @@\nkeep\n\\ backslash\n")
    return repo.diff_tree(old, repo.commit())


# -- renames and copies -----------------------------------------------------------------------


@quirk("rename_pure")
def rename_pure(repo: Repo) -> bytes:
    repo.write("old_name.txt", numbered(5))
    old = repo.commit("base")
    repo.git("mv", "old_name.txt", "new_name.txt")
    return repo.diff_tree(old, repo.commit())


@quirk("rename_edit")
def rename_edit(repo: Repo) -> bytes:
    repo.write("src/util.py", numbered(10))
    old = repo.commit("base")
    repo.remove("src/util.py")
    repo.write("lib/helpers.py", numbered(10).replace("line 5\n", "line five\n"))
    return repo.diff_tree(old, repo.commit())


@quirk("copy_edit")
def copy_edit(repo: Repo) -> bytes:
    # --find-copies only looks at sources modified in the same change; the original is left
    # alone here, so it takes --find-copies-harder to get a "copy from" header.
    repo.write("template.cfg", numbered(10))
    old = repo.commit("base")
    repo.write("copy.cfg", numbered(10).replace("line 10\n", "line ten\n"))
    return repo.diff_tree(old, repo.commit(), "--find-copies-harder")


@quirk("rename_quoted")
def rename_quoted(repo: Repo) -> bytes:
    """Pure renames where one side of "diff --git" is quoted and the other is not."""
    repo.write("plain name.txt", numbered(3))
    repo.write("caf\u00e9.txt", numbered(3, start=10))
    old = repo.commit("base")
    repo.git("mv", "plain name.txt", "na\u00efve name.txt")
    repo.git("mv", "caf\u00e9.txt", "cafe b.txt")
    return repo.diff_tree(old, repo.commit())


# -- modes, binaries, links, submodules -------------------------------------------------------


@quirk("mode_only")
def mode_only(repo: Repo) -> bytes:
    repo.write("run.sh", "#!/bin/sh\necho hi\n", mode=0o644)
    old = repo.commit("base")
    (repo.path / "run.sh").chmod(0o755)
    return repo.diff_tree(old, repo.commit())


@quirk("mode_and_content")
def mode_and_content(repo: Repo) -> bytes:
    repo.write("run.sh", "#!/bin/sh\necho hi\n", mode=0o755)
    old = repo.commit("base")
    repo.write("run.sh", "#!/bin/sh\necho bye\n", mode=0o644)
    return repo.diff_tree(old, repo.commit())


PNG_1 = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PNG_2 = PNG_1[:-4] + b"\x00\x1f\x15\xc4\x89"


@quirk("binary_added")
def binary_added(repo: Repo) -> bytes:
    old = repo.commit("base")
    repo.write("logo.png", PNG_1)
    return repo.diff_tree(old, repo.commit())


@quirk("binary_modified")
def binary_modified(repo: Repo) -> bytes:
    repo.write("logo.png", PNG_1)
    old = repo.commit("base")
    repo.write("logo.png", PNG_2)
    return repo.diff_tree(old, repo.commit())


@quirk("binary_patch")
def binary_patch(repo: Repo) -> bytes:
    """``--binary`` (what format-patch uses) prints base85 data instead of "Binary files differ"."""
    repo.write("a.bin", PNG_1)
    repo.write("b.txt", "one\n")
    old = repo.commit("base")
    repo.write("a.bin", PNG_2)
    repo.write("b.txt", "two\n")
    return repo.diff_tree(old, repo.commit(), "--binary")


@quirk("symlink_added")
def symlink_added(repo: Repo) -> bytes:
    old = repo.commit("base")
    os.symlink("target/file.txt", repo.path / "link")
    return repo.diff_tree(old, repo.commit())


SUB_1 = "1111111111111111111111111111111111111111"
SUB_2 = "2222222222222222222222222222222222222222"
SUB_3 = "3333333333333333333333333333333333333333"


@quirk("submodule")
def submodule(repo: Repo) -> bytes:
    """A gitlink moved to another commit, and one added (no .gitmodules needed for the diff)."""
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{SUB_1},vendor/lib")
    repo.git("commit", "-q", "-m", "base")
    old = repo.git("rev-parse", "HEAD").decode().strip()
    repo.git("update-index", "--cacheinfo", f"160000,{SUB_2},vendor/lib")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{SUB_3},vendor/new")
    repo.git("commit", "-q", "-m", "bump")
    return repo.diff_tree(old, repo.git("rev-parse", "HEAD").decode().strip())


# -- unusual paths ----------------------------------------------------------------------------


@quirk("path_spaces")
def path_spaces(repo: Repo) -> bytes:
    repo.write("my dir/file name.txt", "a\nb\n")
    old = repo.commit("base")
    repo.write("my dir/file name.txt", "a\nc\n")
    return repo.diff_tree(old, repo.commit())


@quirk("path_quoted")
def path_quoted(repo: Repo) -> bytes:
    old = repo.commit("base")
    repo.write('say "hi"\there\\now.txt', "quoted\n")
    return repo.diff_tree(old, repo.commit())


@quirk("path_non_ascii")
def path_non_ascii(repo: Repo) -> bytes:
    repo.write("caf\u00e9/\u65e5\u672c.txt", "one\n")
    old = repo.commit("base")
    repo.write("caf\u00e9/\u65e5\u672c.txt", "one\ntwo\n")
    return repo.diff_tree(old, repo.commit())


@quirk("path_not_utf8")
def path_not_utf8(repo: Repo) -> bytes:
    """A Latin-1 file name (byte 0xE9): git quotes it as \\351, which is not UTF-8."""
    old = repo.commit("base")
    (repo.path / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"x\n")
    return repo.diff_tree(old, repo.commit())


# -- line endings and contents ----------------------------------------------------------------


@quirk("crlf")
def crlf(repo: Repo) -> bytes:
    repo.write("win.txt", b"one\r\ntwo\r\nthree\r\n")
    old = repo.commit("base")
    repo.write("win.txt", b"one\r\n2\r\nthree\r\nfour\r\n")
    return repo.diff_tree(old, repo.commit())


@quirk("content_not_utf8")
def content_not_utf8(repo: Repo) -> bytes:
    repo.write("latin1.txt", b"caf\xe9\n")
    old = repo.commit("base")
    repo.write("latin1.txt", b"caf\xe9 cr\xe8me\n")
    return repo.diff_tree(old, repo.commit())


@quirk("content_separators")
def content_separators(repo: Repo) -> bytes:
    """Characters that str.splitlines() would split at (FF, FS, NEL, U+2028, a lone CR) but a diff does not."""
    repo.write("odd.txt", "page\x0cbreak\nfile\x1csep\n")
    old = repo.commit("base")
    repo.write("odd.txt", "page\x0cbreak\nnext\x85line \u2028 sep\nlone\rcr\n")
    return repo.diff_tree(old, repo.commit())


@quirk("no_newline_old")
def no_newline_old(repo: Repo) -> bytes:
    repo.write("f.txt", "a\nb")
    old = repo.commit("base")
    repo.write("f.txt", "a\nb\n")
    return repo.diff_tree(old, repo.commit())


@quirk("no_newline_new")
def no_newline_new(repo: Repo) -> bytes:
    repo.write("f.txt", "a\nb\n")
    old = repo.commit("base")
    repo.write("f.txt", "a\nb")
    return repo.diff_tree(old, repo.commit())


@quirk("no_newline_both")
def no_newline_both(repo: Repo) -> bytes:
    repo.write("f.txt", "a\nb")
    old = repo.commit("base")
    repo.write("f.txt", "a\nc")
    return repo.diff_tree(old, repo.commit())


@quirk("empty")
def empty(repo: Repo) -> bytes:
    repo.write("same.txt", "same\n")
    old = repo.commit("base")
    return repo.diff_tree(old, repo.commit("nothing"))


@quirk("added_empty")
def added_empty(repo: Repo) -> bytes:
    old = repo.commit("base")
    repo.write("empty.txt", b"")
    return repo.diff_tree(old, repo.commit())


@quirk("deleted_empty")
def deleted_empty(repo: Repo) -> bytes:
    repo.write("empty.txt", b"")
    old = repo.commit("base")
    repo.remove("empty.txt")
    return repo.diff_tree(old, repo.commit())


# -- other commands and other tools -----------------------------------------------------------


@quirk("show")
def show(repo: Repo) -> bytes:
    repo.write("app.py", "print('v1')\n")
    repo.commit("base")
    repo.write("app.py", "print('v2')\n")
    repo.write("README", "Read me.\n")
    repo.commit("Bump to v2\n\nThe body mentions\n--- a/not-a-diff\n+++ b/not-a-diff\ndiff --git a/x b/x\n")
    return repo.git("show", "HEAD")


@quirk("show_empty_commit")
def show_empty_commit(repo: Repo) -> bytes:
    repo.commit("base")
    repo.commit("Nothing changed\n\nAn empty commit.")
    return repo.git("show", "HEAD")


@quirk("show_merge")
def show_merge(repo: Repo) -> bytes:
    """``git show`` of a merge with a conflict resolution prints a combined diff (diff --cc)."""
    repo.write("f.txt", "base\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("f.txt", "side\n")
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("f.txt", "main\n")
    repo.commit("main")
    repo.run(["git", "merge", "-q", "side"], ok_codes=(1,))
    repo.write("f.txt", "merged\n")
    repo.commit("Merge branch 'side'")
    return repo.git("show", "HEAD")


@quirk("format_patch")
def format_patch(repo: Repo) -> bytes:
    repo.write("app.py", "import os\n\nprint(os.name)\n")
    repo.write("old.txt", "gone\n")
    repo.commit("base")
    repo.write("app.py", "import sys\n\nprint(sys.platform)\n")
    repo.remove("old.txt")
    repo.commit("Use sys instead of os\n\nA longer explanation.")
    return repo.git("format-patch", "-1", "--stdout", f"--signature={SIGNATURE}", "HEAD")


@quirk("config_noprefix")
def config_noprefix(repo: Repo) -> bytes:
    """A user's ``git diff`` with diff.noprefix=true: no a/ and b/ prefixes at all."""
    repo.write("src/app.py", "x = 1\n")
    repo.write("gone.txt", "bye\n")
    old = repo.commit("base")
    repo.write("src/app.py", "x = 2\n")
    repo.write("new.txt", "hi\n")
    repo.remove("gone.txt")
    new = repo.commit()
    return repo.git("-c", "diff.noprefix=true", "diff", old, new)


@quirk("config_mnemonic_worktree")
def config_mnemonic_worktree(repo: Repo) -> bytes:
    """``git diff`` with diff.mnemonicPrefix=true compares the (i)ndex and the (w)ork tree."""
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    repo.write("app.py", "x = 2\n")
    return repo.git("-c", "diff.mnemonicPrefix=true", "diff")


@quirk("config_mnemonic_cached")
def config_mnemonic_cached(repo: Repo) -> bytes:
    """``git diff --cached`` with diff.mnemonicPrefix=true compares the (c)ommit and the (i)ndex."""
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    repo.write("app.py", "x = 2\n")
    repo.write("added.py", "y = 1\n")
    repo.git("add", "-A")
    return repo.git("-c", "diff.mnemonicPrefix=true", "diff", "--cached")


@quirk("gnu_diff_ruN")
def gnu_diff_run(repo: Repo) -> bytes:
    """``diff -ruN old new`` (GNU diffutils) of two folders: timestamps, and no /dev/null."""
    old, new = repo.path / "old", repo.path / "new"
    files = {
        old / "changed.txt": "a\nb\nc\n",
        new / "changed.txt": "a\nB\nc\n",
        old / "removed.txt": "bye\n",
        new / "sub dir" / "added.txt": "hi\nthere\n",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    (old / "sub dir").mkdir()
    for path in [*files, old / "sub dir", new / "sub dir", old, new]:
        os.utime(path, (EPOCH_2026, EPOCH_2026))
    return repo.run(["diff", "-ruN", "old", "new"], ok_codes=(1,))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE / "diffs"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="diffrisk-corpus-"))
    try:
        home = work / "home"
        home.mkdir()
        env = environment(home)
        for name, make in QUIRKS.items():
            data = make(Repo(work / name, env))
            (out / f"{name}.diff").write_bytes(data)
            print(f"{name}.diff: {len(data)} bytes")
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
