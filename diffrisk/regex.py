"""Regular expressions compiled the first time they are used.

A module's patterns are compiled when Python imports it, whether or not the run needs them: for
diffrisk's hundred-odd patterns that is over 20 ms, half of it for patterns that a check whose
analyses are all cached never uses (benchmarks/README.md).  ``Regex`` is written where
``re.compile`` would be, and compiles on its first use.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, AnyStr, Generic


class Regex(Generic[AnyStr]):
    """``re.compile(pattern, flags)``, done on first use; the methods are ``re.Pattern``'s."""

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self.pattern: AnyStr = pattern
        self.flags = flags
        self._compiled: re.Pattern[AnyStr] | None = None

    @property
    def compiled(self) -> re.Pattern[AnyStr]:
        """The compiled pattern (compiled now, the first time it is asked for)."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        """As ``re.Pattern.search``."""
        return self.compiled.search(string, pos, endpos)

    def match(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        """As ``re.Pattern.match``."""
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[AnyStr] | None:
        """As ``re.Pattern.fullmatch``."""
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: AnyStr, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[AnyStr]]:
        """As ``re.Pattern.finditer``."""
        return self.compiled.finditer(string, pos, endpos)

    def sub(self, replacement: AnyStr | Callable[[re.Match[AnyStr]], AnyStr], string: AnyStr, count: int = 0) -> AnyStr:
        """As ``re.Pattern.sub``."""
        return self.compiled.sub(replacement, string, count)

    def split(self, string: AnyStr, maxsplit: int = 0) -> list[AnyStr | Any]:
        """As ``re.Pattern.split``: a group that took no part in the match gives None."""
        return self.compiled.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r}, {self.flags!r})"
