"""Parse unified diffs (git's extended format and plain ``diff -u``) into a :class:`Diff`.

``parse`` is a pure function of the text.  It models both sides: every line carries its old and
new line numbers.  It accepts what ``git diff``, ``git show``, ``git format-patch`` and ``diff -u``
print, and raises :class:`DiffParseError` (with the 1-based input line) for text that is not a
diff, is cut short, or whose hunks disagree with their headers.
"""

from __future__ import annotations

import re
from datetime import datetime

from diffrisk.errors import DiffParseError
from diffrisk.model import ChangeKind, Diff, DiffLine, FileChange, Hunk, LineKind
from diffrisk.records import field, record
from diffrisk.regex import Regex

_HUNK_HEADER = Regex(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")
_INDEX_LINE = Regex(r"index ([0-9a-fA-F]+)\.\.([0-9a-fA-F]+)(?: (\d+))?$")
_SIMILARITY = Regex(r"(?:dis)?similarity index (\d+)%$")
# The date ``diff -u`` writes after a ---/+++ path, e.g. "2026-01-01 00:00:00.000000000 +0000".
_EPOCH_CANDIDATE = Regex(r"\t(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.0*)? ([+-]\d{4})$")
_DEV_NULL = "/dev/null"
#: No real file has more lines than this (git itself refuses far smaller files as text).
MAX_LINE_NUMBER = 10_000_000
# git's own prefixes ("a/", "b/") and diff.mnemonicPrefix's (commit, index, worktree, object).
_PREFIXES = ("a/", "b/", "c/", "i/", "w/", "o/", "1/", "2/")
_C_ESCAPES = {
    "a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92,
}
# A hunk body line starts with one of these; "\" is "\ No newline at end of file".
_BODY_MARKERS = frozenset(" +-\\")


def parse(text: str) -> Diff:
    """Parse ``text`` (a whole patch) into a :class:`Diff`.  Pure; raises DiffParseError."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start another
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    files = _Parser(lines).files()
    if not files and _has_content(lines) and not _is_log_header(lines):
        raise DiffParseError("no diff found (expected 'diff --git' or '---'/'+++' lines)", 1)
    return Diff(files=tuple(files))


def _has_content(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


def _is_log_header(lines: list[str]) -> bool:
    """``git show`` of an empty commit and a mail with no patch carry no diff, legitimately."""
    first = next((line for line in lines if line.strip()), "")
    return bool(re.match(r"(commit|From) [0-9a-f]{7,64}\b", first))


@record(frozen=False)
class _FileHeader:
    """What the extended header lines of one file say, gathered before its hunks."""

    old_path: str | None = None
    new_path: str | None = None
    git_old: str | None = None
    git_new: str | None = None
    kind: ChangeKind | None = None
    old_mode: str | None = None
    new_mode: str | None = None
    old_blob: str | None = None
    new_blob: str | None = None
    similarity: int | None = None
    is_binary: bool = False
    hunks: list[Hunk] = field(default_factory=list)


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0

    def files(self) -> list[FileChange]:
        files: list[FileChange] = []
        while self.pos < len(self.lines):
            line = self.lines[self.pos]
            if line.startswith("diff --git "):
                files.append(self._git_file())
            elif line.startswith("diff --cc ") or line.startswith("diff --combined "):
                raise DiffParseError(
                    "combined diffs of merge commits are not supported; diff against one parent", self.pos + 1
                )
            elif line.startswith("--- ") and self._peek(1).startswith("+++ "):
                files.append(self._plain_file())
            else:
                self.pos += 1  # text around the patch: a commit message, mail headers, a signature
        return files

    def _peek(self, offset: int) -> str:
        index = self.pos + offset
        return self.lines[index] if index < len(self.lines) else ""

    # -- one file in git's extended format ------------------------------------------------------

    def _git_file(self) -> FileChange:
        start = self.pos
        header = _FileHeader()
        header.git_old, header.git_new = _split_git_line(self.lines[self.pos][len("diff --git "):], start + 1)
        self.pos += 1
        while self.pos < len(self.lines) and self._header_line(header):
            self.pos += 1
        if self.pos < len(self.lines) and self.lines[self.pos].startswith("--- "):
            self._file_lines(header)
        self._hunks(header)
        return _finish(header, start + 1)

    def _header_line(self, header: _FileHeader) -> bool:
        """Consume one extended header line; False when the line is not one."""
        line = self.lines[self.pos]
        key = line.partition(" ")[0]
        if line.startswith("old mode "):
            header.old_mode = line[len("old mode "):]
        elif line.startswith("new mode "):
            header.new_mode = line[len("new mode "):]
        elif line.startswith("new file mode "):
            header.kind, header.new_mode = ChangeKind.ADDED, line[len("new file mode "):]
        elif line.startswith("deleted file mode "):
            header.kind, header.old_mode = ChangeKind.DELETED, line[len("deleted file mode "):]
        elif line.startswith(("rename from ", "copy from ")):
            header.old_path = _unquote(line.split(" ", 2)[2], self.pos + 1)
            header.kind = ChangeKind.RENAMED if key == "rename" else ChangeKind.COPIED
        elif line.startswith(("rename to ", "copy to ")):
            header.new_path = _unquote(line.split(" ", 2)[2], self.pos + 1)
            # Either line names the change (hypothesis found a lone "rename to" read as an edit).
            header.kind = ChangeKind.RENAMED if key == "rename" else ChangeKind.COPIED
        elif _SIMILARITY.match(line):
            match = _SIMILARITY.match(line)
            assert match is not None
            header.similarity = int(match.group(1))
        elif _INDEX_LINE.match(line):
            self._index_line(header, line)
        elif line.startswith("Binary files ") and line.endswith(" differ"):
            header.is_binary = True
        elif line == "GIT binary patch":
            header.is_binary = True
            self._skip_binary_patch()
        else:
            return False
        return True

    def _index_line(self, header: _FileHeader, line: str) -> None:
        match = _INDEX_LINE.match(line)
        assert match is not None
        header.old_blob, header.new_blob = match.group(1), match.group(2)
        if match.group(3):  # "index a..b 100644": the mode did not change
            header.old_mode = header.old_mode or match.group(3)
            header.new_mode = header.new_mode or match.group(3)

    def _skip_binary_patch(self) -> None:
        # "GIT binary patch" is followed by base85 blocks ("literal N"/"delta N" and data lines),
        # a blank line ending each block.  Stop before the next file's header.
        while self._peek(1) and not self._peek(1).startswith("diff --"):
            self.pos += 1
        if self._peek(1) == "":
            self.pos += 1

    def _file_lines(self, header: _FileHeader) -> None:
        minus = _strip_timestamp(self.lines[self.pos][4:], git=True)
        if not self._peek(1).startswith("+++ "):
            raise DiffParseError("'---' line is not followed by a '+++' line", self.pos + 2)
        plus = _strip_timestamp(self._peek(1)[4:], git=True)
        header.old_path = None if minus == _DEV_NULL else _unquote(minus, self.pos + 1)
        header.new_path = None if plus == _DEV_NULL else _unquote(plus, self.pos + 2)
        if minus == _DEV_NULL:
            header.kind = ChangeKind.ADDED
        if plus == _DEV_NULL:
            header.kind = ChangeKind.DELETED
        header.old_path, header.new_path = _strip_prefix_pair(header.old_path, header.new_path)
        self.pos += 2

    # -- one file in plain unified format ------------------------------------------------------

    def _plain_file(self) -> FileChange:
        start = self.pos
        header = _FileHeader()
        minus = _strip_timestamp(self.lines[self.pos][4:], git=False)
        plus = _strip_timestamp(self._peek(1)[4:], git=False)
        header.old_path = None if minus == _DEV_NULL else _unquote(minus, self.pos + 1)
        header.new_path = None if plus == _DEV_NULL else _unquote(plus, self.pos + 2)
        header.old_path, header.new_path = _strip_plain_prefix(header.old_path, header.new_path)
        header.kind = ChangeKind.ADDED if header.old_path is None else None
        if header.new_path is None:
            header.kind = ChangeKind.DELETED
        self.pos += 2
        self._hunks(header)
        if not header.hunks:
            raise DiffParseError("'---'/'+++' lines without a hunk ('@@ ... @@')", start + 3)
        # ``diff -N`` stands in an empty file dated the epoch for a missing one (patch(1) reads it so).
        if _is_epoch(self.lines[start]) and all(hunk.old_count == 0 for hunk in header.hunks):
            header.kind = ChangeKind.ADDED
        elif _is_epoch(self.lines[start + 1]) and all(hunk.new_count == 0 for hunk in header.hunks):
            header.kind = ChangeKind.DELETED
        return _finish(header, start + 1)

    # -- hunks ----------------------------------------------------------------------------------

    def _hunks(self, header: _FileHeader) -> None:
        while self.pos < len(self.lines) and self.lines[self.pos].startswith("@@"):
            header.hunks.append(self._hunk())
        if self.pos < len(self.lines) and header.hunks:
            line = self.lines[self.pos]
            if line[:1] in ("+", "-") and line != "-- " and not line.startswith(("--- ", "+++ ")):
                raise DiffParseError("hunk has more lines than its '@@' header counts", self.pos + 1)

    def _hunk(self) -> Hunk:
        header_line = self.pos + 1
        match = _HUNK_HEADER.match(self.lines[self.pos])
        if match is None:
            raise DiffParseError(f"malformed hunk header {self.lines[self.pos][:80]!r}", header_line)
        old_start, new_start = int(match.group(1)), int(match.group(3))
        old_count = 1 if match.group(2) is None else int(match.group(2))
        new_count = 1 if match.group(4) is None else int(match.group(4))
        if max(old_start, new_start) > MAX_LINE_NUMBER:
            # A 60-byte patch must not make the analysis build a file of a billion lines.
            raise DiffParseError(f"hunk starts beyond line {MAX_LINE_NUMBER:,}", header_line)
        self.pos += 1
        lines = self._hunk_body(old_start, old_count, new_start, new_count, header_line)
        return Hunk(old_start, old_count, new_start, new_count, match.group(5), tuple(lines))

    def _hunk_body(
        self, old_start: int, old_count: int, new_start: int, new_count: int, header_line: int
    ) -> list[DiffLine]:
        # An empty side starts at line 0 ("-0,0"); its first line would be line 1.
        old_no, new_no = max(old_start, 1), max(new_start, 1)
        old_left, new_left = old_count, new_count
        body: list[DiffLine] = []
        while old_left > 0 or new_left > 0:
            if self.pos >= len(self.lines):
                raise DiffParseError(
                    f"diff ends inside the hunk that starts at line {header_line}", self.pos + 1
                )
            line = self.lines[self.pos]
            # Some editors and mailers strip the lone space of an empty context line.
            marker, text = (line[0], line[1:]) if line else (" ", "")
            if marker not in _BODY_MARKERS:
                raise DiffParseError(
                    f"hunk that starts at line {header_line} has fewer lines than its header counts",
                    self.pos + 1,
                )
            if marker == "\\":
                self.pos += 1
                continue
            if marker == " " and (old_left == 0 or new_left == 0) or marker == "-" and old_left == 0 or (
                marker == "+" and new_left == 0
            ):
                raise DiffParseError(
                    f"hunk that starts at line {header_line} does not match its header's line counts",
                    self.pos + 1,
                )
            if marker == " ":
                body.append(DiffLine(LineKind.CONTEXT, text, old_no, new_no))
                old_no, new_no, old_left, new_left = old_no + 1, new_no + 1, old_left - 1, new_left - 1
            elif marker == "-":
                body.append(DiffLine(LineKind.DELETED, text, old_no, None))
                old_no, old_left = old_no + 1, old_left - 1
            else:
                body.append(DiffLine(LineKind.ADDED, text, None, new_no))
                new_no, new_left = new_no + 1, new_left - 1
            self.pos += 1
        if self.pos < len(self.lines) and self.lines[self.pos].startswith("\\"):
            self.pos += 1  # "\ No newline at end of file" after the hunk's last line
        return body


def _finish(header: _FileHeader, line_number: int) -> FileChange:
    old_path, new_path = header.old_path, header.new_path
    kind = header.kind
    if kind is None:
        kind = ChangeKind.MODIFIED
    if header.git_old is not None or header.git_new is not None:
        # Paths missing from ---/+++ (mode-only, binary or pure renames) come from "diff --git".
        if old_path is None and kind is not ChangeKind.ADDED:
            old_path = header.git_old
        if new_path is None and kind is not ChangeKind.DELETED:
            new_path = header.git_new
    old_mode, new_mode = header.old_mode, header.new_mode
    if kind is ChangeKind.ADDED:
        old_path, old_mode = None, None
    if kind is ChangeKind.DELETED:
        new_path, new_mode = None, None
    if old_path is None and new_path is None:
        raise DiffParseError("cannot tell which file this diff is about", line_number)
    if kind in (ChangeKind.RENAMED, ChangeKind.COPIED) and (old_path is None or new_path is None):
        raise DiffParseError(f"{kind.value} file without both its old and its new name", line_number)
    if header.is_binary and header.hunks:
        raise DiffParseError("a binary file's diff has text hunks", line_number)
    for path in (old_path, new_path):
        if path is not None and _leaves_the_repository(path):
            # git never writes such a path; git apply refuses one.  Nothing reads files by these
            # paths, but reports and annotations must not point outside the repository either.
            raise DiffParseError(f"unsafe path {path[:200]!r}: a diff's paths must stay inside the repository", line_number)
    return FileChange(
        old_path=old_path,
        new_path=new_path,
        kind=kind,
        old_mode=old_mode,
        new_mode=new_mode,
        old_blob=_no_zero_blob(header.old_blob),
        new_blob=_no_zero_blob(header.new_blob),
        similarity=header.similarity,
        is_binary=header.is_binary,
        hunks=tuple(header.hunks),
    )


def _leaves_the_repository(path: str) -> bool:
    return path.startswith("/") or ".." in path.split("/")


def _no_zero_blob(blob: str | None) -> str | None:
    """git writes an all-zero id for the missing side of an added or deleted file."""
    return None if blob is None or set(blob) == {"0"} else blob


def _split_git_line(rest: str, line_number: int) -> tuple[str | None, str | None]:
    """Split what follows "diff --git " into two paths, prefixes removed.

    Unquoted paths may contain spaces, so "a/x y b/x y" is ambiguous in general; git only leaves
    it unquoted when the two paths are equal or the header lines that follow name them, so try
    the equal split first and fall back on the "rename"/"---" lines.
    """
    if rest.startswith('"'):
        old, remainder = _take_quoted(rest, line_number)
        new = _unquote(remainder.lstrip(" "), line_number)
        return _strip_prefix_pair(old, new)
    if rest.endswith('"'):
        start = rest.rfind(' "')
        old_text, new_text = rest[:start], rest[start + 1:]
        return _strip_prefix_pair(old_text, _unquote(new_text, line_number))
    half = (len(rest) - 1) // 2
    if len(rest) % 2 == 1 and rest[half] == " ":
        old_text, new_text = rest[:half], rest[half + 1:]
        stripped = _strip_prefix_pair(old_text, new_text)
        if stripped[0] == stripped[1]:
            return stripped
    return None, None


def _take_quoted(text: str, line_number: int) -> tuple[str, str]:
    """Split a leading C-quoted string off ``text``: (unquoted value, rest)."""
    index = 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return _unquote(text[: index + 1], line_number), text[index + 1:]
        index += 1
    raise DiffParseError("unterminated quoted path", line_number)


def _strip_timestamp(path: str, git: bool) -> str:
    """git appends a TAB to ---/+++ paths that contain a space; ``diff -u`` a TAB and a date."""
    if path.startswith('"'):
        return path.split("\t", 1)[0]  # a quoted path has no raw TAB: git and diff write "\t"
    if git:
        return path[:-1] if path.endswith("\t") else path
    return path.split("\t", 1)[0]


def _is_epoch(line: str) -> bool:
    """True when a ``diff -u`` ---/+++ line is dated 1970-01-01 00:00:00 UTC (in any time zone)."""
    match = _EPOCH_CANDIDATE.search(line)
    if match is None:
        return False
    return datetime.strptime(" ".join(match.groups()), "%Y-%m-%d %H:%M:%S %z").timestamp() == 0


def _strip_prefix_pair(old: str | None, new: str | None) -> tuple[str | None, str | None]:
    """Remove git's "a/" and "b/" (or mnemonic) prefixes when both sides carry one."""
    old_ok = old is None or old.startswith(_PREFIXES)
    new_ok = new is None or new.startswith(_PREFIXES)
    if not (old_ok and new_ok):
        return old, new  # diff.noprefix: the paths are bare
    return (None if old is None else old[2:]), (None if new is None else new[2:])


def _strip_plain_prefix(old: str | None, new: str | None) -> tuple[str | None, str | None]:
    """``diff -ru old/ new/`` names files under two top folders; drop them like ``patch -p1``."""
    if (old is None or "/" in old) and (new is None or "/" in new):
        return (None if old is None else old.split("/", 1)[1]), (None if new is None else new.split("/", 1)[1])
    return old, new


def unquote(path: str) -> str:
    """A path as git wrote it (C-quoted when unusual, in any of its outputs), unquoted."""
    return _unquote(path, 0)


def _unquote(path: str, line_number: int) -> str:
    """Undo git's C-style quoting ("a/caf\\303\\251") of unusual paths; plain paths pass through."""
    if not (len(path) >= 2 and path.startswith('"') and path.endswith('"')):
        return path
    body = path[1:-1]
    out = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            index += 1
            continue
        escape = body[index + 1: index + 2]
        if escape in _C_ESCAPES:
            out.append(_C_ESCAPES[escape])
            index += 2
        elif re.fullmatch(r"[0-3][0-7]{2}", body[index + 1: index + 4]):
            out.append(int(body[index + 1: index + 4], 8))
            index += 4
        else:
            raise DiffParseError(f"bad escape in quoted path {path[:80]!r}", line_number)
    return out.decode("utf-8", "surrogateescape")
