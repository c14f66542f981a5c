"""One data file's facts about one changed file, checked against the file's new text."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from diffrisk.coverage import statements
from diffrisk.coverage.listed import Listed
from diffrisk.coverage.model import Measurement

if TYPE_CHECKING:
    from coverage.parser import PythonParser


class Texts:
    """The changed files' new text, each parsed by coverage.py's parser at most once."""

    def __init__(self, texts: Mapping[str, str | None]) -> None:
        self._texts = texts
        self._parsed: dict[str, PythonParser | None] = {}

    def text(self, path: str) -> str | None:
        return self._texts.get(path)

    def parsed(self, path: str) -> PythonParser | None:
        if path not in self._parsed:
            text = self._texts.get(path)
            self._parsed[path] = statements.parser(text) if text is not None else None
        return self._parsed[path]


def from_report(listed: Listed, path: str, texts: Texts) -> Measurement:
    """A report's lines as they are, stale when they do not fit the new text."""
    text = texts.text(path)
    stale = None
    if text is not None:
        stale = _checksum_mismatch(listed.checksums, text) or _listed_misfit(listed.executable | listed.executed, text)
    return Measurement(listed.executed, listed.executable, listed.missing_exits, listed.has_branches, stale)


def from_database(lines: frozenset[int], arcs: frozenset[tuple[int, int]] | None, path: str, texts: Texts) -> Measurement:
    """A database stores no statement list: the new text's statements stand in for it, so
    without the text only the raw traced lines are known."""
    has_branches = arcs is not None
    parsed = texts.parsed(path)
    if texts.text(path) is None:
        return Measurement(lines, None, has_branches=has_branches)
    if parsed is None:
        return Measurement(lines, None, has_branches=has_branches, stale="the new text is not Python coverage.py can parse")
    stale = _misfit(parsed.translate_lines(lines), path, texts, traced=True)
    analysis = statements.analyse(parsed, lines, arcs)
    return Measurement(analysis.executed, analysis.executable, analysis.missing_exits, has_branches, stale)


def _listed_misfit(lines: Iterable[int], text: str) -> str | None:
    """A listed line that cannot be a statement of ``text``: judged with the standard library's
    parser rather than coverage.py's, so that reading a report never imports coverage.py (its
    import alone costs more than the whole reading; benchmarks/README.md)."""
    line_count = len(text.splitlines())
    starts = statements.statement_starts(text)
    for line in sorted(lines):
        if line > line_count:
            return f"line {line} is past the end of the file ({line_count} lines)"
        if starts is not None and line not in starts:
            return f"line {line} is not a statement in the file's new text"
    return None


def _misfit(lines: Iterable[int], path: str, texts: Texts, traced: bool = False) -> str | None:
    text = texts.text(path) or ""
    parsed = texts.parsed(path)
    line_count = len(text.splitlines())
    if parsed is None:
        beyond = [line for line in lines if line > line_count]
        return f"line {min(beyond)} is past the end of the file ({line_count} lines)" if beyond else None
    return statements.unexpected_line(parsed, lines, line_count, traced)


def _checksum_mismatch(checksums: Mapping[int, str], text: str) -> str | None:
    """LCOV's optional line checksums, computed as coverage.py's ``lcovreport.line_hash`` does."""
    source = text.splitlines()
    for line, checksum in sorted(checksums.items()):
        if line > len(source):
            return f"line {line} is past the end of the file ({len(source)} lines)"
        digest = hashlib.md5(source[line - 1].encode("utf-8"), usedforsecurity=False).digest()
        if base64.b64encode(digest).decode("ascii").rstrip("=") != checksum:
            return f"line {line}'s checksum differs from the file's new text"
    return None
