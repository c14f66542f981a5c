"""Several data files' facts about one changed file, as one: what any run executed ran."""

from __future__ import annotations

from collections.abc import Sequence

from diffrisk.coverage.model import FileCoverage, Measurement


def merge(path: str, measurements: Sequence[tuple[str, Measurement]]) -> tuple[FileCoverage, tuple[str, ...]]:
    """The file's coverage over every data file whose facts fit its new text (over all of them,
    marked stale, when none does), and a note for each data file left out as stale."""
    fresh = [(source, measured) for source, measured in measurements if measured.stale is None]
    used = fresh or list(measurements)
    stale = None if fresh else "; ".join(f"{source}: {measured.stale}" for source, measured in measurements)
    notes = tuple(
        f"{source}: data for {path} does not fit its new text ({measured.stale}); not used"
        for source, measured in measurements
        if measured.stale is not None and fresh
    )
    known = [measured.executable for _, measured in used if measured.executable is not None]
    executed = frozenset().union(*(measured.executed for _, measured in used))
    coverage = FileCoverage(
        path=path,
        executable=frozenset().union(*known) if known else None,
        executed=executed,
        partial_branches=_partial(executed, [measured for _, measured in used]),
        has_branches=any(measured.has_branches for _, measured in used),
        stale=stale,
    )
    return coverage, notes


def _partial(executed: frozenset[int], measurements: Sequence[Measurement]) -> frozenset[int]:
    """Lines where an exit was missed by every run that executed the line: a run that took the
    other way makes the branch covered."""
    partial = set()
    for line in executed:
        runs = [measured for measured in measurements if line in measured.executed]
        missed = [measured.missing_exits.get(line, frozenset()) for measured in runs]
        if missed and frozenset.intersection(*missed):
            partial.add(line)
    return frozenset(partial)
