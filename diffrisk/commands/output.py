"""Where the commands write: standard output or files, with colour only for a terminal, and
what a closed pipe or a terminal that is not UTF-8 needs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from diffrisk.errors import ExitCode, UsageError


def use_color(choice: str) -> bool:
    """``--color``: always, never, or (auto) only on a terminal without NO_COLOR."""
    if choice != "auto":
        return choice == "always"
    # https://no-color.org: any non-empty NO_COLOR disables colour.
    return not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def outputs(values: Sequence[str], default_format: str, formats: Sequence[str]) -> list[tuple[str, str]]:
    """(format, path) for each ``-o [FORMAT=]FILE``; a bare FILE takes the ``--format``."""
    found = []
    for value in values:
        name, separator, path = value.partition("=")
        if separator and name.isidentifier() and name not in formats:
            raise UsageError(f"-o {value!r}: unknown format {name!r} (formats: {', '.join(formats)}; a file named so: -o ./{value})")
        if not separator or name not in formats:
            name, path = default_format, value
        if not path:
            raise UsageError(f"-o needs a file name: {value!r}")
        found.append((name, path))
    return found


def write(text: str, path: str | None) -> None:
    """Write ``text`` to the file at ``path``, or (None) to standard output."""
    if path is None:
        try:
            try:
                sys.stdout.write(text)
            except UnicodeEncodeError:
                # A terminal or pipe that is not UTF-8 (PYTHONIOENCODING=latin-1): write the
                # characters it cannot hold as escapes rather than fail.
                encoding = sys.stdout.encoding or "ascii"
                sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader (head, a pager) stopped early; the verdict and exit code still stand.
            _silence_stdout()
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"cannot write {path!r}: {error.strerror}") from None


def read_text(path: str) -> str:
    """A UTF-8 text file the user named, or a UsageError that says why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path!r}: {getattr(error, 'strerror', None) or error}") from None


class Lines:
    """Standard output or a file, written line by line so an interrupted run leaves whole lines."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.handle = sys.stdout

    def __enter__(self) -> Lines:
        if self.path is not None:
            try:
                self.handle = open(self.path, "w", encoding="utf-8")
            except OSError as error:
                raise UsageError(f"cannot write {self.path!r}: {error.strerror}") from None
        return self

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
            self.handle.flush()
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(ExitCode.OK) from None

    def __exit__(self, *exc: object) -> None:
        if self.handle is not sys.stdout:
            self.handle.close()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
