"""coverage.py's JSON report (``coverage json``): ``files: {path: {executed_lines,
missing_lines, excluded_lines, executed_branches, missing_branches, ...}}`` and ``meta``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from diffrisk.coverage.files import problem
from diffrisk.coverage.listed import Listed

_NOTHING = Listed(frozenset(), frozenset())


def _lines(entry: Mapping[str, Any], key: str) -> frozenset[int]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        raise ValueError(key)
    return frozenset(values)


def _missing_exits(entry: Mapping[str, Any], executed: frozenset[int]) -> dict[int, frozenset[str]]:
    missing: dict[int, set[str]] = {}
    for arc in entry.get("missing_branches", []):
        start, end = (int(value) for value in arc)
        if start in executed:
            # A negative destination leaves the code object: the XML report's "exit".
            missing.setdefault(start, set()).add(str(end) if end > 0 else "exit")
    return {line: frozenset(exits) for line, exits in missing.items()}


def _listed(entry: Mapping[str, Any]) -> Listed:
    executed = _lines(entry, "executed_lines")
    return Listed(
        executable=executed | _lines(entry, "missing_lines"),
        executed=executed,
        missing_exits=_missing_exits(entry, executed),
        has_branches="executed_branches" in entry or "missing_branches" in entry,
    )


def parse(path: str, content: bytes, keep: Callable[[str], bool] = lambda _: True) -> dict[str, Listed]:
    """Each file's lines (none for a path ``keep`` refuses)."""
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as error:
        raise problem(path, f"malformed JSON ({str(error).splitlines()[0][:100]})") from None
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict) or not isinstance(document.get("meta"), dict):
        raise problem(path, "JSON, but not coverage.py's JSON report (no 'meta' and 'files')")
    try:
        return {name: _listed(entry) if keep(name) else _NOTHING for name, entry in files.items()}
    except (ValueError, TypeError, AttributeError):
        raise problem(path, "a 'files' entry whose lines or branches are not whole numbers") from None
