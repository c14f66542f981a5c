"""Reading a data file the user named: its size capped, its format told by its first bytes."""

from __future__ import annotations

import os
from typing import Literal

from diffrisk.errors import ConfigError

Format = Literal["sqlite", "cobertura", "lcov", "json"]

#: Data files over this many bytes are refused: one may come from a pull request's branch.
MAX_BYTES = 200 * 1024 * 1024
_SQLITE = b"SQLite format 3\x00"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def problem(path: str, what: str) -> ConfigError:
    """The one-line error for a data file that cannot be used."""
    return ConfigError(f"coverage data {path}: {what}")


def _read(path: str, count: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(count)
    except FileNotFoundError:
        raise problem(path, "no such file") from None
    except IsADirectoryError:
        raise problem(path, "is a folder, not a file") from None
    except OSError as error:
        raise problem(path, f"cannot be read ({error.strerror or error})") from None


def read_bytes(path: str, max_bytes: int) -> bytes:
    """The file's bytes; reads at most one byte past the cap, so a huge or endless file (a FIFO,
    /dev/zero) costs nothing."""
    content = _read(path, max_bytes + 1)
    if len(content) > max_bytes:
        raise problem(path, f"larger than the {max_bytes}-byte limit for coverage data")
    return content


def sniff(path: str, max_bytes: int) -> tuple[Format, bytes]:
    """The format of the file's content (never of its name), and the content: empty for a
    SQLite database, which coverage.py opens itself."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_bytes says what is wrong
    if size > max_bytes:
        raise problem(path, f"larger than the {max_bytes}-byte limit for coverage data")
    # coverage.py opens a database itself: only its header is read here.
    if _read(path, len(_SQLITE)) == _SQLITE:
        return "sqlite", b""
    content = read_bytes(path, max_bytes)
    start = content.removeprefix(_BOMS[0]).lstrip()
    if content.startswith(_BOMS[1:]) or start.startswith(b"<"):
        return "cobertura", content
    if start.startswith(b"{"):
        return "json", content
    if start.startswith((b"TN:", b"SF:", b"VER:")):
        return "lcov", content
    raise problem(path, "not coverage data (expected a .coverage database, Cobertura XML, LCOV or coverage.py JSON)")
