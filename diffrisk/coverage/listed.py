"""What the report formats (Cobertura, LCOV, JSON) list for one file, as they list it."""

from __future__ import annotations

from collections.abc import Mapping

from diffrisk.records import field, record


@record
class Listed:
    #: 1-based statement lines the report lists.
    executable: frozenset[int]
    #: 1-based lines the report says ran.
    executed: frozenset[int]
    #: Lines that ran with branch exits not taken: the exits' ids ("7", "exit").
    missing_exits: Mapping[int, frozenset[str]] = field(default_factory=dict)
    has_branches: bool = False
    #: LCOV's optional per-line checksums (base64 MD5 of the line, without '=' padding).
    checksums: Mapping[int, str] = field(default_factory=dict)


def merge(first: Listed, second: Listed) -> Listed:
    """One file listed twice in one report (Cobertura tools write a ``<class>`` per class)."""
    return Listed(
        executable=first.executable | second.executable,
        executed=first.executed | second.executed,
        missing_exits={**first.missing_exits, **second.missing_exits},
        has_branches=first.has_branches or second.has_branches,
        checksums={**first.checksums, **second.checksums},
    )
