"""What kind of file a path names: Python or not, test or code, excluded, critical."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

#: A test file, by the same rule the evaluation labels use (benchmarks/README.md), so that
#: "lines added to non-test Python files" means the same thing here and there.
TEST_PATH = re.compile(r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_tests?\.py$|(^|/)conftest\.py$")


def is_python(path: str) -> bool:
    """Python source by its name (``.pyw`` is a Windows script without a console).  A script with
    a ``#!...python`` line and no such name is Python too, but that takes its contents to tell."""
    return path.endswith((".py", ".pyw"))


def is_test(path: str) -> bool:
    return TEST_PATH.search(path) is not None


class Patterns:
    """A list of globs with .gitignore semantics (``dir/``, ``*.py``, ``**/migrations/*.py``)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        # Compiled on first use: most pattern lists are never asked about in a run.
        self._spec: pathspec.GitIgnoreSpec | None = None
        #: Each pattern on its own, compiled only when a path matches (to name the pattern).
        self._each: list[tuple[str, pathspec.GitIgnoreSpec]] | None = None

    def first_match(self, path: str) -> str | None:
        """The first pattern that matches ``path``, or None."""
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
