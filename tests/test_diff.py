"""The unified-diff parser against a corpus of real diffs (tests/data/diffs, made by
tests/data/make_diffs.py with real git and GNU diff), small inline error cases, and a round trip
through real git."""

from __future__ import annotations

import random
from typing import Any

import pytest

from diffrisk.diffsource import git
from diffrisk.diffsource.parser import parse
from diffrisk.errors import DiffParseError
from diffrisk.model import ChangeKind, Diff, FileChange
from testing.diffgen import apply, lines_of
from testing.repo import Repo
from tests.conftest import DATA

DIFFS = DATA / "diffs"

ADDED, DELETED, MODIFIED = ChangeKind.ADDED, ChangeKind.DELETED, ChangeKind.MODIFIED
RENAMED, COPIED = ChangeKind.RENAMED, ChangeKind.COPIED
Z40 = "0" * 40


def load(name: str) -> Diff:
    # As diffrisk reads a patch (diffsource.request): bytes decoded as UTF-8 with surrogateescape.
    return parse((DIFFS / name).read_bytes().decode("utf-8", "surrogateescape"))


def only(name: str) -> FileChange:
    files = load(name).files
    assert len(files) == 1, files
    return files[0]


def header(change: FileChange) -> dict[str, Any]:
    """Every field of a file change but its hunks."""
    return {
        "old_path": change.old_path,
        "new_path": change.new_path,
        "kind": change.kind,
        "old_mode": change.old_mode,
        "new_mode": change.new_mode,
        "old_blob": change.old_blob,
        "new_blob": change.new_blob,
        "similarity": change.similarity,
        "is_binary": change.is_binary,
    }


def expect(
    old_path: str | None,
    new_path: str | None,
    kind: ChangeKind,
    old_mode: str | None = None,
    new_mode: str | None = None,
    old_blob: str | None = None,
    new_blob: str | None = None,
    similarity: int | None = None,
    is_binary: bool = False,
) -> dict[str, Any]:
    return {
        "old_path": old_path,
        "new_path": new_path,
        "kind": kind,
        "old_mode": old_mode,
        "new_mode": new_mode,
        "old_blob": old_blob,
        "new_blob": new_blob,
        "similarity": similarity,
        "is_binary": is_binary,
    }


def hunk_heads(change: FileChange) -> list[tuple[int, int, int, int, str]]:
    return [(h.old_start, h.old_count, h.new_start, h.new_count, h.section) for h in change.hunks]


def body(change: FileChange, hunk: int = 0) -> list[tuple[str, str, int | None, int | None]]:
    """(kind, text, old_lineno, new_lineno) of every line of one hunk."""
    return [(line.kind.value, line.text, line.old_lineno, line.new_lineno) for line in change.hunks[hunk].lines]


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------

CORPUS = {
    "added.diff", "added_empty.diff", "binary_added.diff", "binary_modified.diff", "binary_patch.diff",
    "config_mnemonic_cached.diff", "config_mnemonic_worktree.diff", "config_noprefix.diff",
    "content_not_utf8.diff", "content_separators.diff", "copy_edit.diff", "crlf.diff", "deleted.diff",
    "deleted_empty.diff", "empty.diff", "format_patch.diff", "gnu_diff_ruN.diff", "markers_in_content.diff",
    "mode_and_content.diff", "mode_only.diff", "modified_hunks.diff", "no_newline_both.diff",
    "no_newline_new.diff", "no_newline_old.diff", "path_non_ascii.diff", "path_not_utf8.diff",
    "path_quoted.diff", "path_spaces.diff", "rename_edit.diff", "rename_pure.diff", "rename_quoted.diff",
    "show.diff", "show_empty_commit.diff", "show_merge.diff", "submodule.diff", "symlink_added.diff",
}


def test_every_corpus_file_has_a_test() -> None:
    assert {path.name for path in DIFFS.glob("*.diff")} == CORPUS


def test_added() -> None:
    change = only("added.diff")
    assert header(change) == expect(
        None, "hello.py", ADDED, new_mode="100644", new_blob="d58c8784eb3c72274fe15fbbbd42e66211747492"
    )
    assert change.path == "hello.py"
    assert hunk_heads(change) == [(0, 0, 1, 2, "")]
    assert body(change) == [("+", "def hello():", None, 1), ("+", '    return "hello"', None, 2)]
    assert change.added_lines == (1, 2)
    assert change.deleted_lines == ()


def test_deleted() -> None:
    change = only("deleted.diff")
    assert header(change) == expect(
        "hello.py", None, DELETED, old_mode="100644", old_blob="d58c8784eb3c72274fe15fbbbd42e66211747492"
    )
    assert change.path == "hello.py"
    assert hunk_heads(change) == [(1, 2, 0, 0, "")]
    assert body(change) == [("-", "def hello():", 1, None), ("-", '    return "hello"', 2, None)]
    assert change.deleted_lines == (1, 2)


def test_modified_with_several_hunks() -> None:
    change = only("modified_hunks.diff")
    assert header(change) == expect(
        "calc.py", "calc.py", MODIFIED, "100644", "100644",
        "bfc004893710f9d53ceac0f5cef7d7f98fa0cf2f", "46dab401d523fdda7db68937187710a9723b98cb",
    )
    assert not change.mode_changed
    assert hunk_heads(change) == [(1, 5, 1, 5, ""), (13, 17, 13, 17, "def f2(x):")]
    assert body(change, 0) == [
        (" ", "def f1(x):", 1, 1),
        ("-", "    y = x + 1", 2, None),
        ("+", "    y = x - 1", None, 2),
        (" ", "    z = y * 1", 3, 3),
        (" ", "    return z", 4, 4),
        (" ", "", 5, 5),
    ]
    assert body(change, 1) == [
        (" ", "def f3(x):", 13, 13),
        (" ", "    y = x + 3", 14, 14),
        (" ", "    z = y * 3", 15, 15),
        ("+", "    z += 1", None, 16),
        (" ", "    return z", 16, 17),
        (" ", "", 17, 18),
        (" ", "", 18, 19),
        (" ", "def f4(x):", 19, 20),
        (" ", "    y = x + 4", 20, 21),
        (" ", "    z = y * 4", 21, 22),
        ("-", "    return z", 22, None),
        (" ", "", 23, 23),
        (" ", "", 24, 24),
        (" ", "def f5(x):", 25, 25),
        ("-", "    y = x + 5", 26, None),
        ("+", "    y = x + 50", None, 26),
        (" ", "    z = y * 5", 27, 27),
        (" ", "    return z", 28, 28),
        (" ", "", 29, 29),
    ]
    assert change.added_lines == (2, 16, 26)
    assert change.deleted_lines == (2, 22, 26)


def test_lines_that_look_like_diff_syntax() -> None:
    change = only("markers_in_content.diff")
    assert header(change) == expect(
        "notes.md", "notes.md", MODIFIED, "100644", "100644",
        "bf6fa7b6a42d360426caa1b77f5b0ad29991abb6", "e631468897bc21db3949e3a4f1db4d495ee85669",
    )
    assert hunk_heads(change) == [(1, 5, 1, 5, "")]
    assert body(change) == [
        (" ", "# Notes", 1, 1),
        ("-", "- ", 2, None),
        ("-", "-- a/x", 3, None),
        ("-", "++ b/x", 4, None),
        ("+", "-- ", None, 2),
        ("+", "@@ -1 +1 @@", None, 3),
        (" ", "keep", 5, 4),
        ("+", "\\ backslash", None, 5),
    ]


def test_pure_rename() -> None:
    change = only("rename_pure.diff")
    assert header(change) == expect("old_name.txt", "new_name.txt", RENAMED, similarity=100)
    assert change.path == "new_name.txt"
    assert change.hunks == ()


def test_rename_with_edits() -> None:
    change = only("rename_edit.diff")
    assert header(change) == expect(
        "src/util.py", "lib/helpers.py", RENAMED, "100644", "100644",
        "fa2da6e55caa540725b55c04d13f1e42b4c725ce", "8476ff2c085b644a5d2b4734face9212c29144fc", similarity=86,
    )
    assert hunk_heads(change) == [(2, 7, 2, 7, "line 1")]
    assert body(change) == [
        (" ", "line 2", 2, 2),
        (" ", "line 3", 3, 3),
        (" ", "line 4", 4, 4),
        ("-", "line 5", 5, None),
        ("+", "line five", None, 5),
        (" ", "line 6", 6, 6),
        (" ", "line 7", 7, 7),
        (" ", "line 8", 8, 8),
    ]


def test_copy_with_edits() -> None:
    change = only("copy_edit.diff")
    assert header(change) == expect(
        "template.cfg", "copy.cfg", COPIED, "100644", "100644",
        "fa2da6e55caa540725b55c04d13f1e42b4c725ce", "c02d574c385274b40836771f749de29dc12141ba", similarity=87,
    )
    assert hunk_heads(change) == [(7, 4, 7, 4, "line 6")]
    assert body(change) == [
        (" ", "line 7", 7, 7),
        (" ", "line 8", 8, 8),
        (" ", "line 9", 9, 9),
        ("-", "line 10", 10, None),
        ("+", "line ten", None, 10),
    ]


def test_renames_with_one_quoted_side() -> None:
    first, second = load("rename_quoted.diff").files
    # diff --git "a/caf\303\251.txt" b/cafe b.txt
    assert header(first) == expect("caf\u00e9.txt", "cafe b.txt", RENAMED, similarity=100)
    # diff --git a/plain name.txt "b/na\303\257ve name.txt"
    assert header(second) == expect("plain name.txt", "na\u00efve name.txt", RENAMED, similarity=100)
    assert first.hunks == second.hunks == ()


def test_mode_only_change() -> None:
    change = only("mode_only.diff")
    assert header(change) == expect("run.sh", "run.sh", MODIFIED, "100644", "100755")
    assert change.mode_changed
    assert change.hunks == ()


def test_mode_and_content_change() -> None:
    change = only("mode_and_content.diff")
    assert header(change) == expect(
        "run.sh", "run.sh", MODIFIED, "100755", "100644",
        "4163036efa65bd4a469e752267498f01ea36a55c", "ac238105ba996fbbc6410e8b63ac6efc29786f1d",
    )
    assert change.mode_changed
    assert body(change) == [(" ", "#!/bin/sh", 1, 1), ("-", "echo hi", 2, None), ("+", "echo bye", None, 2)]


def test_binary_added() -> None:
    change = only("binary_added.diff")
    assert header(change) == expect(
        None, "logo.png", ADDED, new_mode="100644", new_blob="d1ed0c8713020f5bda68b22792b0512681d2c0f9",
        is_binary=True,
    )
    assert change.hunks == ()


def test_binary_modified() -> None:
    change = only("binary_modified.diff")
    assert header(change) == expect(
        "logo.png", "logo.png", MODIFIED, "100644", "100644",
        "d1ed0c8713020f5bda68b22792b0512681d2c0f9", "3904a96bd7e4bafa90829c5ed317732d48f45939", is_binary=True,
    )
    assert change.hunks == ()


def test_binary_patch_data_is_skipped_up_to_the_next_file() -> None:
    binary, text = load("binary_patch.diff").files
    assert header(binary) == expect(
        "a.bin", "a.bin", MODIFIED, "100644", "100644",
        "d1ed0c8713020f5bda68b22792b0512681d2c0f9", "3904a96bd7e4bafa90829c5ed317732d48f45939", is_binary=True,
    )
    assert binary.hunks == ()
    assert header(text) == expect(
        "b.txt", "b.txt", MODIFIED, "100644", "100644",
        "5626abf0f72e58d7a153368ba57db4c673c0e171", "f719efd430d52bcfc8566a43b2eb655688d38871",
    )
    assert hunk_heads(text) == [(1, 1, 1, 1, "")]
    assert body(text) == [("-", "one", 1, None), ("+", "two", None, 1)]


def test_symlink_added() -> None:
    change = only("symlink_added.diff")
    assert header(change) == expect(
        None, "link", ADDED, new_mode="120000", new_blob="0b975558893c5e700ef95729acea58354e18b53b"
    )
    # The link's target, followed by "\ No newline at end of file".
    assert hunk_heads(change) == [(0, 0, 1, 1, "")]
    assert body(change) == [("+", "target/file.txt", None, 1)]


def test_submodule_moved_and_added() -> None:
    moved, added = load("submodule.diff").files
    assert header(moved) == expect("vendor/lib", "vendor/lib", MODIFIED, "160000", "160000", "1" * 40, "2" * 40)
    assert hunk_heads(moved) == [(1, 1, 1, 1, "")]
    assert body(moved) == [
        ("-", "Subproject commit " + "1" * 40, 1, None),
        ("+", "Subproject commit " + "2" * 40, None, 1),
    ]
    assert header(added) == expect(None, "vendor/new", ADDED, new_mode="160000", new_blob="3" * 40)
    assert body(added) == [("+", "Subproject commit " + "3" * 40, None, 1)]


def test_path_with_spaces() -> None:
    # git ends the ---/+++ lines of such a path with a TAB.
    change = only("path_spaces.diff")
    assert header(change) == expect(
        "my dir/file name.txt", "my dir/file name.txt", MODIFIED, "100644", "100644",
        "422c2b7ab3b3c668038da977e4e93a5fc623169c", "0f7bc766052a5a0ee28a393d51d2370f96d8ceb8",
    )
    assert body(change) == [(" ", "a", 1, 1), ("-", "b", 2, None), ("+", "c", None, 2)]


def test_quoted_path_with_quote_tab_and_backslash() -> None:
    change = only("path_quoted.diff")
    assert header(change) == expect(
        None, 'say "hi"\there\\now.txt', ADDED, new_mode="100644",
        new_blob="b04fedbe6c307caf738551314749c0819e238e97",
    )
    assert body(change) == [("+", "quoted", None, 1)]


def test_non_ascii_path() -> None:
    change = only("path_non_ascii.diff")
    assert header(change) == expect(
        "caf\u00e9/\u65e5\u672c.txt", "caf\u00e9/\u65e5\u672c.txt", MODIFIED, "100644", "100644",
        "5626abf0f72e58d7a153368ba57db4c673c0e171", "814f4a422927b82f5f8a43f8fab6d3839e3983f2",
    )
    assert hunk_heads(change) == [(1, 1, 1, 2, "")]
    assert body(change) == [(" ", "one", 1, 1), ("+", "two", None, 2)]


def test_path_that_is_not_utf8() -> None:
    # "caf\351.txt": the Latin-1 byte comes back as a surrogate escape, as os.fsdecode would give it.
    change = only("path_not_utf8.diff")
    assert header(change) == expect(
        None, "caf\udce9.txt", ADDED, new_mode="100644", new_blob="587be6b4c3f93f93c489c0111bba5596147a26cb"
    )
    assert change.new_path is not None
    assert change.new_path.encode("utf-8", "surrogateescape") == b"caf\xe9.txt"


def test_crlf_contents() -> None:
    change = only("crlf.diff")
    assert header(change) == expect(
        "win.txt", "win.txt", MODIFIED, "100644", "100644",
        "e1587ff9ea6ced3af32e07e4b6b68d21374907ec", "90b31a37a233aff62e59ccf6df74ad5a88f6e7f5",
    )
    assert hunk_heads(change) == [(1, 3, 1, 4, "")]
    assert body(change) == [
        (" ", "one", 1, 1),
        ("-", "two", 2, None),
        ("+", "2", None, 2),
        (" ", "three", 3, 3),
        ("+", "four", None, 4),
    ]


def test_contents_that_are_not_utf8() -> None:
    change = only("content_not_utf8.diff")
    assert header(change) == expect(
        "latin1.txt", "latin1.txt", MODIFIED, "100644", "100644",
        "6f83395d973c448cdb70a7b21f7fc8018797acf6", "7721c5cd915f50b5793b3873f5f890b7bac5c63b",
    )
    assert body(change) == [("-", "caf\udce9", 1, None), ("+", "caf\udce9 cr\udce8me", None, 1)]


def test_only_newline_ends_a_line() -> None:
    change = only("content_separators.diff")
    assert header(change) == expect(
        "odd.txt", "odd.txt", MODIFIED, "100644", "100644",
        "49ec6e79efbc41cd687a85094942e2d357547ff8", "24993f29d582021fd265f903c31602934c1326fb",
    )
    assert hunk_heads(change) == [(1, 2, 1, 3, "")]
    assert body(change) == [
        (" ", "page\x0cbreak", 1, 1),
        ("-", "file\x1csep", 2, None),
        ("+", "next\x85line \u2028 sep", None, 2),
        ("+", "lone\rcr", None, 3),
    ]


@pytest.mark.parametrize(
    ("name", "old_blob", "new_blob", "lines"),
    [
        (
            "no_newline_old.diff",
            "0a207c060e61f3b88eaee0a8cd0696f46fb155eb",
            "422c2b7ab3b3c668038da977e4e93a5fc623169c",
            [(" ", "a", 1, 1), ("-", "b", 2, None), ("+", "b", None, 2)],
        ),
        (
            "no_newline_new.diff",
            "422c2b7ab3b3c668038da977e4e93a5fc623169c",
            "0a207c060e61f3b88eaee0a8cd0696f46fb155eb",
            [(" ", "a", 1, 1), ("-", "b", 2, None), ("+", "b", None, 2)],
        ),
        (
            "no_newline_both.diff",
            "0a207c060e61f3b88eaee0a8cd0696f46fb155eb",
            "817f660e4423f7df2dfc7d4bff0e01b2092a8ce9",
            [(" ", "a", 1, 1), ("-", "b", 2, None), ("+", "c", None, 2)],
        ),
    ],
)
def test_no_newline_at_end_of_file(
    name: str, old_blob: str, new_blob: str, lines: list[tuple[str, str, int | None, int | None]]
) -> None:
    change = only(name)
    assert header(change) == expect("f.txt", "f.txt", MODIFIED, "100644", "100644", old_blob, new_blob)
    assert hunk_heads(change) == [(1, 2, 1, 2, "")]
    assert body(change) == lines


def test_empty_diff() -> None:
    assert (DIFFS / "empty.diff").read_bytes() == b""
    assert load("empty.diff") == Diff(files=())


def test_added_empty_file() -> None:
    change = only("added_empty.diff")
    assert header(change) == expect(
        None, "empty.txt", ADDED, new_mode="100644", new_blob="e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    )
    assert change.hunks == ()


def test_deleted_empty_file() -> None:
    change = only("deleted_empty.diff")
    assert header(change) == expect(
        "empty.txt", None, DELETED, old_mode="100644", old_blob="e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    )
    assert change.hunks == ()


def test_git_show_of_a_commit() -> None:
    # The message quotes "--- a/...", "+++ b/..." and "diff --git" lines (indented by git show).
    readme, app = load("show.diff").files
    assert header(readme) == expect(None, "README", ADDED, new_mode="100644", new_blob="95dcfb4")
    assert body(readme) == [("+", "Read me.", None, 1)]
    assert header(app) == expect("app.py", "app.py", MODIFIED, "100644", "100644", "e59f059", "4b23a4b")
    assert body(app) == [("-", "print('v1')", 1, None), ("+", "print('v2')", None, 1)]


def test_git_show_of_an_empty_commit() -> None:
    assert load("show_empty_commit.diff") == Diff(files=())


def test_git_show_of_a_merge_is_a_combined_diff() -> None:
    with pytest.raises(DiffParseError, match="combined diffs") as caught:
        load("show_merge.diff")
    assert caught.value.line_number == 8  # "diff --cc f.txt", after the commit header


def test_format_patch_mail() -> None:
    # "From <sha>", Subject, the "---" diffstat and the "-- " signature around the patch.
    app, old = load("format_patch.diff").files
    assert header(app) == expect("app.py", "app.py", MODIFIED, "100644", "100644", "adacb11", "66f5a5f")
    assert hunk_heads(app) == [(1, 3, 1, 3, "")]
    assert body(app) == [
        ("-", "import os", 1, None),
        ("+", "import sys", None, 1),
        (" ", "", 2, 2),
        ("-", "print(os.name)", 3, None),
        ("+", "print(sys.platform)", None, 3),
    ]
    assert header(old) == expect("old.txt", None, DELETED, old_mode="100644", old_blob="286c5f5")
    assert body(old) == [("-", "gone", 1, None)]


def test_config_noprefix() -> None:
    gone, new, app = load("config_noprefix.diff").files
    assert header(gone) == expect("gone.txt", None, DELETED, old_mode="100644", old_blob="b023018")
    assert body(gone) == [("-", "bye", 1, None)]
    assert header(new) == expect(None, "new.txt", ADDED, new_mode="100644", new_blob="45b983b")
    assert body(new) == [("+", "hi", None, 1)]
    assert header(app) == expect("src/app.py", "src/app.py", MODIFIED, "100644", "100644", "7d4290a", "407de30")
    assert body(app) == [("-", "x = 1", 1, None), ("+", "x = 2", None, 1)]


def test_config_mnemonic_prefix_index_and_worktree() -> None:
    change = only("config_mnemonic_worktree.diff")  # diff --git i/app.py w/app.py
    assert header(change) == expect("app.py", "app.py", MODIFIED, "100644", "100644", "7d4290a", "407de30")
    assert body(change) == [("-", "x = 1", 1, None), ("+", "x = 2", None, 1)]


def test_config_mnemonic_prefix_commit_and_index() -> None:
    added, app = load("config_mnemonic_cached.diff").files  # diff --git c/... i/...
    assert header(added) == expect(None, "added.py", ADDED, new_mode="100644", new_blob="a003ef7")
    assert body(added) == [("+", "y = 1", None, 1)]
    assert header(app) == expect("app.py", "app.py", MODIFIED, "100644", "100644", "7d4290a", "407de30")
    assert body(app) == [("-", "x = 1", 1, None), ("+", "x = 2", None, 1)]


def test_gnu_diff_of_two_folders() -> None:
    # diff -ruN: timestamps after a TAB, quoted names with spaces, and for a missing file an
    # empty stand-in dated the epoch instead of /dev/null.
    changed, removed, added = load("gnu_diff_ruN.diff").files
    assert header(changed) == expect("changed.txt", "changed.txt", MODIFIED)
    assert hunk_heads(changed) == [(1, 3, 1, 3, "")]
    assert body(changed) == [(" ", "a", 1, 1), ("-", "b", 2, None), ("+", "B", None, 2), (" ", "c", 3, 3)]
    assert header(removed) == expect("removed.txt", None, DELETED)
    assert hunk_heads(removed) == [(1, 1, 0, 0, "")]
    assert body(removed) == [("-", "bye", 1, None)]
    assert header(added) == expect(None, "sub dir/added.txt", ADDED)
    assert hunk_heads(added) == [(0, 0, 1, 2, "")]
    assert body(added) == [("+", "hi", None, 1), ("+", "there", None, 2)]


# --------------------------------------------------------------------------------------------
# Small inline cases
# --------------------------------------------------------------------------------------------

GIT_HEAD = "diff --git a/x b/x\nindex 1111111..2222222 100644\n--- a/x\n+++ b/x\n"  # lines 1-4


def parse_error(text: str) -> DiffParseError:
    with pytest.raises(DiffParseError) as caught:
        parse(text)
    return caught.value


def test_empty_string() -> None:
    assert parse("") == Diff(files=())


def test_blank_lines_only() -> None:
    assert parse("\n\n") == Diff(files=())


def test_git_show_header_of_an_empty_commit_inline() -> None:
    text = (
        "commit 0123456789abcdef0123456789abcdef01234567\n"
        "Author: A U Thor <a@example.com>\n"
        "Date:   Thu Jan 1 00:00:00 2026 +0000\n"
        "\n"
        "    Nothing here\n"
    )
    assert parse(text) == Diff(files=())


def test_not_a_diff() -> None:
    error = parse_error("hello\nworld\n")
    assert error.line_number == 1
    assert "no diff found" in str(error)


def test_truncated_hunk() -> None:
    # The header (line 5) counts 3 lines on each side; lines 6-7 give two, then the input ends.
    error = parse_error(GIT_HEAD + "@@ -1,3 +1,3 @@\n a\n-b\n")
    assert error.line_number == 8
    assert "ends inside the hunk that starts at line 5" in str(error)


def test_truncated_hunk_followed_by_next_file() -> None:
    error = parse_error(GIT_HEAD + "@@ -1,3 +1,3 @@\n a\n-b\n+c\n" + GIT_HEAD)
    assert error.line_number == 9
    assert "fewer lines than its header counts" in str(error)


def test_truncated_plain_hunk() -> None:
    error = parse_error("--- a\n+++ b\n@@ -1,2 +1,2 @@\n-x\n")
    assert error.line_number == 5


@pytest.mark.parametrize("extra", ["+c", "-c"])
def test_extra_line_beyond_the_hunk_count(extra: str) -> None:
    error = parse_error(GIT_HEAD + f"@@ -1 +1 @@\n-a\n+b\n{extra}\n")
    assert error.line_number == 8
    assert "more lines than its '@@' header counts" in str(error)


def test_line_that_does_not_fit_the_counts() -> None:
    # The old side is used up after "-a"; a second "-" cannot belong to this hunk.
    error = parse_error(GIT_HEAD + "@@ -1 +1,2 @@\n-a\n-b\n+c\n")
    assert error.line_number == 7
    assert "does not match its header's line counts" in str(error)


@pytest.mark.parametrize(
    "bad",
    ["@@ -1,x +1 @@", "@@ -1 +1", "@@ 1 1 @@", "@@-1 +1@@"],
)
def test_malformed_hunk_header(bad: str) -> None:
    error = parse_error(GIT_HEAD + f"{bad}\n-a\n+b\n")
    assert error.line_number == 5
    assert "malformed hunk header" in str(error)


def test_combined_diff() -> None:
    text = (
        "diff --cc f.txt\nindex ba2906d,2299c37..20b117f\n--- a/f.txt\n+++ b/f.txt\n"
        "@@@ -1,1 -1,1 +1,1 @@@\n- main\n -side\n++merged\n"
    )
    error = parse_error(text)
    assert error.line_number == 1
    assert "combined diffs" in str(error)


def test_combined_diff_after_a_good_file() -> None:
    error = parse_error(GIT_HEAD + "@@ -1 +1 @@\n-a\n+b\ndiff --combined f.txt\n")
    assert error.line_number == 8


def test_minus_line_without_plus_line() -> None:
    error = parse_error("diff --git a/x b/x\n--- a/x\n@@ -1 +1 @@\n-a\n+b\n")
    assert error.line_number == 3


def test_plain_file_lines_without_hunk() -> None:
    error = parse_error("--- a/x\n+++ b/x\nnothing\n")
    assert error.line_number == 3


def test_empty_context_line_without_its_space() -> None:
    # Some editors strip the lone space of an empty context line.
    change = parse(GIT_HEAD + "@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n").files[0]
    assert body(change) == [(" ", "a", 1, 1), (" ", "", 2, 2), ("-", "b", 3, None), ("+", "c", None, 3)]


def test_hunk_header_without_counts() -> None:
    change = parse(GIT_HEAD + "@@ -7 +7,0 @@ def f():\n-gone\n").files[0]
    assert hunk_heads(change) == [(7, 1, 7, 0, "def f():")]
    assert body(change) == [("-", "gone", 7, None)]


def test_crlf_line_endings_of_the_patch_itself() -> None:
    text = GIT_HEAD.replace("\n", "\r\n") + "@@ -1 +1 @@\r\n-a\r\n+b\r\n"
    change = parse(text).files[0]
    assert (change.old_path, change.new_path) == ("x", "x")
    assert body(change) == [("-", "a", 1, None), ("+", "b", None, 1)]


@pytest.mark.parametrize(
    ("stamp", "kind"),
    [
        ("1970-01-01 00:00:00.000000000 +0000", ADDED),
        ("1969-12-31 19:00:00.000000000 -0500", ADDED),  # the epoch in New York time
        ("1970-01-01 01:00:00 +0100", ADDED),
        ("1970-01-01 00:00:01.000000000 +0000", MODIFIED),
        ("2026-01-01 00:00:00.000000000 +0000", MODIFIED),
    ],
)
def test_plain_diff_epoch_stands_for_a_missing_file(stamp: str, kind: ChangeKind) -> None:
    text = f"--- old/f.txt\t{stamp}\n+++ new/f.txt\t2026-01-01 00:00:00.000000000 +0000\n@@ -0,0 +1 @@\n+x\n"
    change = parse(text).files[0]
    assert change.kind is kind
    assert change.new_path == "f.txt"
    assert change.old_path == (None if kind is ADDED else "f.txt")


def test_plain_diff_epoch_with_old_lines_is_a_real_file() -> None:
    # Only an empty side can be the stand-in for a missing file.
    text = "--- old/f.txt\t1970-01-01 00:00:00.000000000 +0000\n+++ new/f.txt\t2026-01-01 00:00:00 +0000\n" \
           "@@ -1 +1 @@\n-x\n+y\n"
    change = parse(text).files[0]
    assert header(change) == expect("f.txt", "f.txt", MODIFIED)


def test_plain_diff_epoch_on_the_new_side_is_a_deletion() -> None:
    text = "--- old/f.txt\t2026-01-01 00:00:00.000000000 +0000\n+++ new/f.txt\t1970-01-01 00:00:00.000000000 +0000\n" \
           "@@ -1,2 +0,0 @@\n-x\n-y\n"
    change = parse(text).files[0]
    assert header(change) == expect("f.txt", None, DELETED)
    assert body(change) == [("-", "x", 1, None), ("-", "y", 2, None)]


def test_plain_diff_quoted_paths_with_timestamps() -> None:
    # GNU diff quotes a name with a space and still appends a TAB and the date.
    text = '--- "old/a b.txt"\t2026-01-01 00:00:00.000000000 +0000\n' \
           '+++ "new/a\\tb.txt"\t2026-01-01 00:00:00.000000000 +0000\n@@ -1 +1 @@\n-x\n+y\n'
    change = parse(text).files[0]
    assert header(change) == expect("a b.txt", "a\tb.txt", MODIFIED)


def test_plain_diff_with_dev_null() -> None:
    text = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+x\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n"
    added, deleted = parse(text).files
    assert header(added) == expect(None, "new.txt", ADDED)
    assert header(deleted) == expect("old.txt", None, DELETED)


def test_zero_blob_ids_become_none() -> None:
    text = f"diff --git a/x b/x\nnew file mode 100644\nindex {Z40}..{'e' * 40}\n"
    assert header(parse(text).files[0]) == expect(None, "x", ADDED, new_mode="100644", new_blob="e" * 40)


# --------------------------------------------------------------------------------------------
# Round trip through real git
# --------------------------------------------------------------------------------------------

# Repeated lines make git's alignment non-trivial; some look like diff syntax.
VOCABULARY = [
    "", "", "x = 1", "x = 1", "return x", "    pass", "}", "def f():", "- item", "-- ", "--- a/x", "+++ b/x",
    "@@ -1 +1 @@", "\\ not a marker", "caf\u00e9 \u65e5\u672c", "\tindented", " leading space", "end",
]
PATHS = ["a.txt", "dir/b c.txt", "caf\u00e9.py", "d.md", "e/f/g.txt"]


def random_lines(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(VOCABULARY) for _ in range(count)]


def mutate(rng: random.Random, lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        roll = rng.random()
        if roll < 0.05:
            continue  # delete
        if roll < 0.1:
            out.append(rng.choice(VOCABULARY))  # replace
            continue
        out.append(line)
        if roll > 0.95:
            out += random_lines(rng, rng.randint(1, 3))  # insert
    if rng.random() < 0.5:
        out = random_lines(rng, rng.randint(1, 3)) + out
    return out


def encode(lines: list[str], final_newline: bool = True) -> bytes:
    if not lines:
        return b""
    return ("\n".join(lines) + ("\n" if final_newline else "")).encode("utf-8")


@pytest.mark.parametrize("seed", range(8))
def test_round_trip_through_git(repo: Repo, seed: int) -> None:
    rng = random.Random(seed)
    old_files = {path: encode(random_lines(rng, rng.randint(0, 80))) for path in PATHS[:4]}
    for path, data in old_files.items():
        repo.write(path, data)
    old_sha = repo.commit("old")

    new_files = {path: encode(mutate(rng, lines_of(data)), rng.random() < 0.7) for path, data in old_files.items()}
    gone = PATHS[rng.randrange(4)]
    del new_files[gone]
    # A new file: unrelated, or an edited version of the deleted one (a rename) or of a modified
    # one (a copy), so that git's rename and copy detection come into play.
    kept = PATHS[(PATHS.index(gone) + 1) % 4]
    source = [random_lines(rng, 20), lines_of(old_files[gone]), lines_of(old_files[kept])][seed % 3]
    new_files[PATHS[4]] = encode(mutate(rng, source))
    for path in old_files:
        (repo.path / path).unlink()
    for path, data in new_files.items():
        repo.write(path, data)
    new_sha = repo.commit("new")
    old_tree = {path: lines_of(data) for path, data in old_files.items()}
    new_tree = {path: lines_of(data) for path, data in new_files.items()}

    raw = git.trees(old_sha, new_sha).run(git.Repo(cwd=str(repo.path)))
    diff = parse(raw.decode("utf-8", "surrogateescape"))

    changed = {path for path in old_files.keys() | new_files.keys() if old_files.get(path) != new_files.get(path)}
    seen: set[str] = set()
    for change in diff.files:
        assert not change.is_binary
        old_lines = [] if change.old_path is None else old_tree[change.old_path]
        new_lines = [] if change.new_path is None else new_tree[change.new_path]
        assert apply(old_lines, change) == new_lines, change.path
        seen.add(change.path)
        if change.kind in (RENAMED, DELETED):
            assert change.old_path is not None
            seen.add(change.old_path)
    assert seen == changed
