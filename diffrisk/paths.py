"""What kind of file a path names: Python or not, test or code, excluded, critical."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from diffrisk.regex import Regex

if TYPE_CHECKING:
    import pathspec

#: A test file, by the same rule the evaluation labels use (benchmarks/README.md), so that
#: "lines added to non-test Python files" means the same thing here and there.
TEST_PATH = Regex(r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_tests?\.py$|(^|/)conftest\.py$")


def is_python(path: str) -> bool:
    """Python source by its name (``.pyw`` is a Windows script without a console).  A script with
    a ``#!...python`` line and no such name is Python too, but that takes its contents to tell."""
    return path.endswith((".py", ".pyw"))


def is_test(path: str) -> bool:
    return TEST_PATH.search(path) is not None


#: What separates the literal text of a glob: wildcards and slashes (a ``**/`` may match no
#: folder at all, so the text around a slash is required apart).
_GLOB_SYNTAX = Regex(r"\*|\?|/")
#: A pattern that is plain names and slashes: what it matches is a comparison of path parts.
_PLAIN_PATTERN = Regex(r"/?[\w.+@=,~-]+(?:/[\w.+@=,~-]+)*/?", re.ASCII)
#: A path as git names one: parts of printable characters between single slashes.  Others
#: (``./x``, ``/x``, ``a//b``, backslashes, a newline, which pathspec's ``.`` and ``$`` treat
#: apart) are left to pathspec.
_PLAIN_PATH = Regex(r"[^/\\\x00-\x1f\x7f]+(?:/[^/\\\x00-\x1f\x7f]+)*")


class Patterns:
    """A list of globs with .gitignore semantics (``dir/``, ``*.py``, ``**/migrations/*.py``)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        # Compiled on first use: most pattern lists are never asked about in a run.
        self._spec: pathspec.GitIgnoreSpec | None = None
        #: Each pattern on its own, compiled only when a path matches (to name the pattern).
        self._each: list[tuple[str, pathspec.GitIgnoreSpec]] | None = None

    @functools.cached_property
    def _required(self) -> list[tuple[str, ...]]:
        """For each pattern that can make a path match, the text every path it matches contains
        (worked out on first use, like the rest: lists are made on import)."""
        return [_required_text(pattern) for pattern in self.patterns if not pattern.startswith("!")]

    @functools.cached_property
    def _plain(self) -> bool:
        """Whether every pattern is plain (``docs/``, ``conftest.py``, ``/setup.py``): then no
        pattern takes a match away, and the first that matches is found without pathspec."""
        return all(_is_plain(pattern) for pattern in self.patterns)

    def first_match(self, path: str) -> str | None:
        """The first pattern that matches ``path``, or None."""
        if not self._may_match(path):
            return None
        if self._plain and _is_plain_path(path):
            return next((pattern for pattern in self.patterns if _plain_match(pattern, path)), None)
        if self._spec is None:
            # Imported on first use: importing pathspec costs more than a small check's analysis.
            import pathspec

            self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)
        if not self._spec.match_file(path):
            return None
        if self._each is None:
            import pathspec

            self._each = [(pattern, pathspec.GitIgnoreSpec.from_lines([pattern])) for pattern in self.patterns]
        return next((pattern for pattern, spec in self._each if spec.match_file(path)), None)

    def _may_match(self, path: str) -> bool:
        """False only when no pattern can match ``path``: each needs its literal text in the path.

        This is what keeps a check from importing pathspec and compiling every list (35 ms) to
        learn that ``src/app.py`` is no lock file; pathspec still decides every other path.
        Negated patterns are left out, as they only ever take a match away.
        """
        return any(all(text in path for text in required) for required in self._required)


def _required_text(pattern: str) -> tuple[str, ...]:
    """Pieces of text that every path ``pattern`` matches contains; none (so anything may match)
    for a pattern with escapes or character classes, whose literal text is not what it reads as
    (``[]a]`` is a class of ``]`` and ``a``)."""
    if "\\" in pattern or "[" in pattern:
        return ()
    # Stripping spaces only asks for less: git drops a pattern's unescaped trailing spaces.
    return tuple(piece.strip() for piece in _GLOB_SYNTAX.split(pattern) if piece.strip())


def _is_plain(pattern: str) -> bool:
    return _PLAIN_PATTERN.fullmatch(pattern) is not None and not _has_dot_part(pattern)


def _is_plain_path(path: str) -> bool:
    """Whether gitignore's answer for ``path`` is a comparison of its parts: pathspec normalizes
    a leading ``./`` away, and a ``.`` or ``..`` part means what a folder's name does not."""
    return _PLAIN_PATH.fullmatch(path) is not None and not _has_dot_part(path)


def _has_dot_part(text: str) -> bool:
    return any(part in (".", "..") for part in text.split("/"))


def _plain_match(pattern: str, path: str) -> bool:
    """gitignore's answer for a plain pattern: with a slash before its end it names a path from the
    root (``/setup.py``, ``src/gen``), else a name at any depth; a trailing slash names only a
    folder (so the files in it)."""
    folder_only = pattern.endswith("/")
    name = pattern.strip("/")
    if "/" in pattern.rstrip("/"):
        return path.startswith(name + "/") or not folder_only and path == name
    parts = path.split("/")
    return name in (parts[:-1] if folder_only else parts)
