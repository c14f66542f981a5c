"""CODEOWNERS, as GitHub reads it: the first of ``.github/CODEOWNERS``, ``CODEOWNERS`` and
``docs/CODEOWNERS`` that exists, read at a revision the change cannot write (its base), and for
each path the owners of the last matching line.  Parsed by the ``codeowners`` package, which
follows GitHub's pattern syntax and precedence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from diffrisk.model import PathOwners

#: Where GitHub looks for CODEOWNERS, in its order (the first found is the one it uses).
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
#: GitHub ignores a CODEOWNERS file over 3 MB.
MAX_BYTES = 3 * 1024 * 1024


def choose(found: Mapping[str, bytes | None]) -> tuple[str, str] | None:
    """(location, text) of the CODEOWNERS file GitHub uses, of the files at LOCATIONS read at
    the base (location -> bytes, None where missing); None when there is none."""
    for location in LOCATIONS:
        data = found.get(location)
        if data is not None:
            return location, data.decode("utf-8", "replace")
    return None


def of_paths(text: str, paths: Sequence[str]) -> tuple[PathOwners, ...]:
    """Each path's owners and the pattern that gave them (none: no line matches, or the last
    matching line names nobody, which GitHub reads as "no owner")."""
    from codeowners import CodeOwners  # only a change with a CODEOWNERS file pays for it

    parsed = CodeOwners(text)
    found = []
    for path in paths:
        owners, _, pattern, _ = parsed.matching_line(path)
        found.append(PathOwners(path, tuple(owner for _, owner in owners), pattern))
    return tuple(found)
