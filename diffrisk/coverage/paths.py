"""Which changed file a path in coverage data names.

Paths in coverage data are text from another machine, maybe from a pull request's branch: they
are only compared as strings, never opened.  The rules follow coverage.py's own: ``[paths]``
aliases first (``PathAliases``: the first pattern matching the start of the path rewrites it to
its group's first entry), then the path relative to the repository, then, for a path from
another checkout, the longest run of trailing path components that is a changed file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from diffrisk.records import record
from diffrisk.regex import Regex

_DRIVE = Regex(r"^[A-Za-z]:/")
#: coverage.py's glob dialect for ``[paths]`` (coverage/files.py ``G2RX_TOKENS``), on paths whose
#: backslashes are already slashes.
_GLOB_TOKENS = [
    (Regex(rx), sub)
    for rx, sub in [
        (r"^\*+/", r"(.*/)?"),
        (r"/\*+$", r"/.*"),
        (r"\*\*/", r"(.*/)?"),
        (r"\*", r"[^/]*"),
        (r"\?", r"[^/]"),
        (r"\[.*?\]", r"\g<0>"),
        (r"[\s\S]", None),
    ]
]


def slashed(path: str) -> str:
    """Windows separators as '/' (coverage.py writes the separator of the machine it ran on)."""
    return path.replace("\\", "/")


def is_absolute(path: str) -> bool:
    """Absolute on any system: '/x', '//server/share', 'C:/x' (after :func:`slashed`)."""
    return path.startswith("/") or _DRIVE.match(path) is not None


def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    while position < len(pattern):
        for token, substitute in _GLOB_TOKENS:  # the last token matches any one character
            match = token.match(pattern, position)
            if match:
                parts.append(re.escape(match[0]) if substitute is None else match.expand(substitute))
                position = match.end()
                break
    return re.compile("".join(parts), re.IGNORECASE)


class Aliases:
    """coverage.py's ``[paths]`` groups: each a canonical path first, then its aliases."""

    def __init__(self, groups: Sequence[tuple[str, ...]], repo_root: str) -> None:
        self._rules: list[tuple[re.Pattern[str], str]] = []
        for group in groups:
            for alias in group[1:]:
                pattern = slashed(alias).rstrip("/") if len(alias) > 1 else slashed(alias)
                # Like PathAliases.add: a relative pattern is relative to where coverage ran,
                # which for a project's own configuration is its top folder.
                if not pattern.startswith("*") and not is_absolute(pattern):
                    pattern = posixpath.join(repo_root, pattern)
                self._rules.append((_glob_regex(pattern.rstrip("/") + "/"), slashed(group[0]).rstrip("/") + "/"))

    def candidates(self, path: str) -> list[str]:
        """Each rule's rewrite of ``path``, in order (coverage.py keeps the first whose result
        exists; here: the first that names a changed file)."""
        return [result + path[match.end() :] for regex, result in self._rules if (match := regex.match(path))]


class PathMapper:
    """Maps data paths to the changed files they name, counting paths outside the repository."""

    def __init__(self, repo_root: str, wanted: Collection[str], remap: Sequence[tuple[str, ...]] = ()) -> None:
        self._root = posixpath.normpath(slashed(repo_root))
        self._wanted = frozenset(wanted)
        self._names = frozenset(posixpath.basename(path) for path in self._wanted)
        self._aliases = Aliases(remap, self._root)

    def could_name(self, data_path: str) -> bool:
        """Whether ``data_path`` might name a changed file, judged by its file name alone (no
        mapping rewrites a file name): the lines of any other file need not be read."""
        return posixpath.basename(slashed(data_path)) in self._names

    def resolve_all(self, data_paths: Iterable[tuple[str, Sequence[str]]]) -> Resolution:
        """Each data path (with Cobertura's ``<source>`` folders, which a relative ``filename``
        is relative to) that names a changed file.  Two data paths that reach one changed file
        only by their endings (two checkouts, or ``vendor/x/a.py`` beside ``x/a.py``) are
        ambiguous, and neither is used."""
        exact: dict[str, str] = {}
        by_ending: dict[str, list[str]] = {}
        outside = 0
        for data_path, source_dirs in data_paths:
            found, is_exact, escaped = self._resolve(data_path, source_dirs)
            outside += found is None and escaped
            if found is not None and is_exact:
                exact[data_path] = found
            elif found is not None:
                by_ending.setdefault(found, []).append(data_path)
        claimed = set(exact.values())
        mapping = dict(exact)
        ambiguous = []
        for found, paths in by_ending.items():
            if found in claimed:
                continue
            if len(set(paths)) == 1:
                mapping[paths[0]] = found
            else:
                ambiguous.append(found)
        return Resolution(mapping, outside, tuple(sorted(ambiguous)))

    def _resolve(self, data_path: str, source_dirs: Sequence[str]) -> tuple[str | None, bool, bool]:
        """(the changed file, named exactly rather than by its ending, some reading climbed out)."""
        path = slashed(data_path)
        joined = [posixpath.join(slashed(folder), path) for folder in source_dirs] if not is_absolute(path) else []
        escaped = False
        for candidate in [*joined, path]:
            for rewritten in [*self._aliases.candidates(candidate), candidate]:
                normal = posixpath.normpath(rewritten)
                escaped |= rewritten.startswith(self._root + "/") and not normal.startswith(self._root + "/")
                if normal == ".." or normal.startswith("../"):
                    escaped = True
                elif not is_absolute(normal):
                    if normal in self._wanted:
                        return normal, True, escaped
                elif normal.startswith(self._root + "/"):
                    if normal[len(self._root) + 1 :] in self._wanted:
                        return normal[len(self._root) + 1 :], True, escaped
                elif (ending := self._ending(normal)) is not None:
                    return ending, False, escaped
        return None, False, escaped

    def _ending(self, path: str) -> str | None:
        """The longest trailing run of ``path``'s components that is a changed file: a checkout
        on another machine names ``/home/ci/build/proj/src/pkg/a.py`` for ``src/pkg/a.py``."""
        parts = path.split("/")
        for start in range(1, len(parts)):
            if (suffix := "/".join(parts[start:])) in self._wanted:
                return suffix
        return None


@record
class Resolution:
    #: Data path (as written in the data) -> the changed file it names.
    mapping: Mapping[str, str]
    #: Data paths that climbed out of the repository ('../../etc/passwd'): ignored.
    outside: int
    #: Changed files that several data paths name by their endings only: ignored.
    ambiguous: tuple[str, ...]
