"""Helpers shared by the diff parser's tests and its fuzz script (benchmarks/fuzz.py): write a
parsed Diff back as a git patch, rebuild a file's new side from its hunks, and hypothesis
strategies for diff-like text."""

from __future__ import annotations

from hypothesis import strategies as st

from diffrisk.model import ChangeKind, Diff, FileChange, Hunk, LineKind

_PREFIX = {LineKind.CONTEXT: " ", LineKind.ADDED: "+", LineKind.DELETED: "-"}
_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n"}


def quote(path: str) -> str:
    """A path as git writes it: C-quoted when it holds quotes, backslashes, control characters
    or bytes outside ASCII (core.quotePath), else as it is."""
    data = path.encode("utf-8", "surrogateescape")
    if all(0x20 <= byte < 0x7F and byte not in _ESCAPES for byte in data):
        return path
    escaped = "".join(
        _ESCAPES.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}") for byte in data
    )
    return f'"{escaped}"'


def format_diff(diff: Diff) -> str:
    """``diff`` as ``git diff`` would print it: what the parser reads back to the same Diff."""
    return "".join(_format_file(change) for change in diff.files)


def _format_file(change: FileChange) -> str:
    old = change.old_path if change.old_path is not None else change.new_path
    new = change.new_path if change.new_path is not None else change.old_path
    assert old is not None and new is not None
    out = [f"diff --git {quote('a/' + old)} {quote('b/' + new)}"]
    # Without a mode line, only the ---/+++ lines can say a file was added or deleted.
    unmarked = change.kind in (ChangeKind.ADDED, ChangeKind.DELETED) and (change.old_mode or change.new_mode) is None
    if change.kind is ChangeKind.ADDED and change.new_mode is not None:
        out.append(f"new file mode {change.new_mode}")
    elif change.kind is ChangeKind.DELETED and change.old_mode is not None:
        out.append(f"deleted file mode {change.old_mode}")
    elif not unmarked:
        out += [f"old mode {change.old_mode}"] if change.old_mode is not None else []
        out += [f"new mode {change.new_mode}"] if change.new_mode is not None else []
    if change.similarity is not None:
        out.append(f"similarity index {change.similarity}%")
    if change.kind in (ChangeKind.RENAMED, ChangeKind.COPIED):
        verb = "rename" if change.kind is ChangeKind.RENAMED else "copy"
        out += [f"{verb} from {quote(old)}", f"{verb} to {quote(new)}"]
    if change.old_blob is not None or change.new_blob is not None:
        out.append(f"index {change.old_blob or '0000000'}..{change.new_blob or '0000000'}")
    if change.is_binary:
        out.append(f"Binary files {_side('a/', change.old_path)} and {_side('b/', change.new_path)} differ")
    if (change.hunks and not change.is_binary) or unmarked:
        out += [f"--- {_side('a/', change.old_path)}", f"+++ {_side('b/', change.new_path)}"]
        for hunk in change.hunks:
            out += _format_hunk(hunk)
    return "".join(line + "\n" for line in out)


def _side(prefix: str, path: str | None) -> str:
    return "/dev/null" if path is None else quote(prefix + path)


def _format_hunk(hunk: Hunk) -> list[str]:
    section = f" {hunk.section}" if hunk.section else ""
    header = f"@@ -{hunk.old_start},{hunk.old_count} +{hunk.new_start},{hunk.new_count} @@{section}"
    return [header] + [_PREFIX[line.kind] + line.text for line in hunk.lines]


# -- strategies ------------------------------------------------------------------------------

#: Lines from every part of the diff grammar, so random text reaches deep parser states.
DIFF_WORDS = [
    "diff --git a/x.py b/x.py", "diff --git a/x.py b/y.py", 'diff --git "a/\\303\\251.py" "b/\\303\\251.py"',
    "diff --cc x.py", "--- a/x.py", "+++ b/x.py", "--- /dev/null", "+++ /dev/null", "--- x.py\t2024-01-01",
    "@@ -1 +1 @@", "@@ -1,2 +1,2 @@ def f():", "@@ -0,0 +1,3 @@", "@@ -1,0 +0,0 @@", "@@@ -1 -1 +1 @@@",
    "new file mode 100644", "deleted file mode 100644", "old mode 100644", "new mode 100755",
    "similarity index 90%", "rename from x.py", "rename to y.py", "copy from x.py", "copy to y.py",
    "index 1234567..89abcde 100644", "index 0000000..1234567", "Binary files a/x and b/x differ",
    "GIT binary patch", "literal 0", "\\ No newline at end of file", " context", "+added", "-deleted",
    "", " ", "+", "-", "commit 0123456789abcdef0123456789abcdef01234567", "Author: A <a@b>", "    message",
    "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001", "Subject: [PATCH] x",
    "only in a: x", "diff -ru a/x b/x", "x\r",
]


def diff_like_text() -> st.SearchStrategy[str]:
    """Text made of diff grammar lines, random lines, and random characters."""
    line = st.one_of(st.sampled_from(DIFF_WORDS), st.text(max_size=20))
    return st.lists(line, max_size=40).map(lambda lines: "\n".join(lines) + "\n")


def lines_of(data: bytes) -> list[str]:
    """A file's lines as the diff shows them: split at LF, the final line's newline optional."""
    lines = data.decode("utf-8").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def apply(old: list[str], change: FileChange) -> list[str]:
    """Rebuild the new side from the old one and the parsed hunks, checking every line number."""
    result: list[str] = []
    cursor = 0  # index of the next old line not yet used
    for hunk in change.hunks:
        for line in hunk.lines:
            if line.kind is LineKind.ADDED:
                assert line.old_lineno is None and line.new_lineno is not None
                gap = line.new_lineno - 1 - len(result)
            else:
                assert line.old_lineno is not None
                gap = line.old_lineno - 1 - cursor
            assert gap >= 0
            result += old[cursor: cursor + gap]
            cursor += gap
            if line.kind is not LineKind.ADDED:
                assert old[cursor] == line.text
                cursor += 1
            if line.kind is LineKind.DELETED:
                assert line.new_lineno is None
            else:
                assert line.new_lineno == len(result) + 1
                result.append(line.text)
    return result + old[cursor:]


def file_change(old: str, new: str, path: str = "m.py") -> FileChange:
    """The FileChange of ``old`` -> ``new``, as a unified diff made by difflib and read by
    diffrisk's own parser (no git: for fast unit tests of what consumes a change)."""
    import difflib

    from diffrisk.diffsource.parser import parse

    patch = "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}",
    ))
    (change,) = parse(patch).files
    return change
