"""Analyzer results kept on disk between runs, so that a hook run does not analyse again the file
versions the last run analysed (above all the old side of a staged change: HEAD's version, the
same on every commit until the next).

- **Keyed** by what decides the result: the blob's id, the path, the analyzer, the statements it
  was given (pyfile.slicing), and a salt of diffrisk's version, the effective configuration and
  what the analyzers run on (Python's, bandit's and radon's versions: analyzers.installed). A
  blob id names one file version, so an entry never goes stale; another version or policy simply
  misses.
- **Stored** under the repository's git directory (``diffrisk/cache``), one small JSON file per
  entry, written to a temporary file and renamed into place: two hooks running at once never read
  half an entry, and the last writer wins with an equal value.
- **Bounded**: past MAX_BYTES the oldest entries (by last use) are removed.
- **Never trusted to be right**: an entry that does not decode is ignored, removed, and computed
  again; a cache that cannot be written is simply not written. A result is the same whether or
  not it came from the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

from diffrisk.analyzers import installed
from diffrisk.model import FileResult, Issue, Severity, UnitMetric

#: The cache's size on disk at most (it is pruned to 80% of this when it grows past it).
MAX_BYTES = 64 * 1024 * 1024
#: Writes between two looks at the cache's size.
PRUNE_EVERY = 64
#: Entry and key format; part of every key, so that a new format never reads an old entry.
#: 2: a part of a file is keyed by the plan of its statements, no longer by its text.
FORMAT = 2


class DiskCache:
    def __init__(self, folder: str, salt: str, max_bytes: int = MAX_BYTES) -> None:
        self.folder = folder
        # Every key holds what the analyzers run on: another bandit's or Python's results never match.
        self.salt = f"{salt}:{analyzers_identity()}"
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._writes = 0

    def get(self, key: tuple[str, ...], compute: Callable[[], FileResult]) -> FileResult:
        path = self._path(key)
        text = _read(path)
        if text is not None:
            try:
                found = decode(text)
            except (ValueError, KeyError, TypeError, RecursionError):
                _remove(path)  # corrupt (or nested past what json reads): computed again below
            else:
                self.hits += 1
                return found
        self.misses += 1
        result = compute()
        self._put(path, encode(result))
        return result

    def read(self, key: tuple[str, ...]) -> str | None:
        """The text kept for ``key`` (``write``), or None; a text is checked by whoever reads it."""
        return _read(self._path(key))

    def write(self, key: tuple[str, ...], text: str) -> None:
        """Keep ``text`` for ``key``, as results are kept (atomically; not at all on a full disk)."""
        self._put(self._path(key), text)

    def _path(self, key: tuple[str, ...]) -> str:
        digest = hashlib.sha256("\0".join((str(FORMAT), self.salt, *key)).encode("utf-8", "surrogatepass")).hexdigest()
        return os.path.join(self.folder, digest[:2], digest[2:] + ".json")

    def _put(self, path: str, text: str) -> None:
        # Imported here: a warm run writes nothing, and tempfile costs a twentieth of it to import.
        import tempfile

        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except OSError:
            return  # a read-only or full disk: the run goes on without the cache
        self._writes += 1
        if self._writes % PRUNE_EVERY == 1:
            prune(self.folder, self.max_bytes)


def analyzers_identity() -> str:
    """What the analyzers run on (analyzers.installed): part of the key of every result kept
    between runs, here and in ``log --db``'s store."""
    return installed.identity()


def prune(folder: str, max_bytes: int) -> None:
    """Remove the least recently used entries until the cache is under 80% of ``max_bytes``."""
    entries = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            try:
                status = os.stat(path)
            except OSError:
                continue
            entries.append((status.st_mtime, status.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return
    for _, size, path in sorted(entries):
        _remove(path)
        total -= size
        if total <= max_bytes * 0.8:
            return


def _read(path: str) -> str | None:
    """An entry's text, marked as used now (for pruning); None when there is none, or it cannot be
    read as text (it is then written again, whole, by whoever works it out)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        os.utime(path)
    except (OSError, ValueError):
        return None
    return text


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def encode(result: FileResult) -> str:
    return json.dumps({
        "issues": [[issue.rule, issue.line, issue.end_line, issue.severity.value, issue.message, issue.column, issue.confidence,
                    issue.cwe, issue.subject] for issue in result.issues],
        "units": [[metric.def_line, metric.name, metric.value] for metric in result.unit_metrics],
        "file": [[name, value] for name, value in result.file_metrics],
    }, separators=(",", ":"))


def decode(text: str) -> FileResult:
    """The result; ValueError, KeyError or TypeError for anything that is not an entry."""
    document: Any = json.loads(text)
    issues = tuple(
        Issue(str(rule), int(line), int(end), Severity(severity), str(message), column, confidence, cwe, subject)
        for rule, line, end, severity, message, column, confidence, cwe, subject in document["issues"]
    )
    units = tuple(UnitMetric(int(line), str(name), float(value)) for line, name, value in document["units"])
    metrics = tuple((str(name), float(value)) for name, value in document["file"])
    return FileResult(issues, units, metrics)
