"""Which lines of the old side a change touched, for blame: the lines it deleted or replaced,
the lines around what it inserted, and every line of each function (on the old side) that it
edited, each line with the function it belongs to.  The functions come from the old side's
parse, which the analysis shares (change.analyzed_version keeps it by blob id)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from diffrisk.model import FileChange, LineKind
from diffrisk.records import record

#: Old-side lines attributed to no function.
MODULE = "<module>"


@record
class TouchedLines:
    #: The file's path on the old side (what blame reads at the base).
    path: str
    #: Old-side lines to blame, sorted.
    lines: tuple[int, ...]
    #: Old-side line -> the innermost function holding it (qualified name), or MODULE.
    units: Mapping[int, str]


#: A function of the old side: (first line, decorators included; last line; qualified name).
Function = tuple[int, int, str]


def of_change(change: FileChange, functions: Sequence[Function]) -> TouchedLines | None:
    """The touched old-side lines of one changed file, given the old side's functions in source
    order (outer before inner); None when it has no old side."""
    if change.old_path is None or change.is_binary:
        return None
    edited = set(_edited_lines(change))
    innermost: dict[int, tuple[int, int, str]] = {}
    for function in functions:  # source order: an outer function before those inside it, which overwrite
        innermost.update(dict.fromkeys(range(function[0], function[1] + 1), function))
    units: dict[int, str] = {}
    for first, last, _ in {innermost[line] for line in edited if line in innermost}:
        units.update((line, innermost[line][2]) for line in range(first, last + 1))
    lines = sorted(edited | set(units))
    return TouchedLines(change.old_path, tuple(lines), {line: units.get(line, MODULE) for line in lines})


def _edited_lines(change: FileChange) -> Iterator[int]:
    """Deleted lines, and for each run of inserted lines the old lines just before and after it."""
    for hunk in change.hunks:
        before: int | None = None
        inserting = False
        for line in hunk.lines:
            if line.kind is LineKind.DELETED and line.old_lineno is not None:
                yield line.old_lineno
            elif line.kind is LineKind.ADDED:
                inserting = True
                if before is not None:
                    yield before
            elif line.old_lineno is not None:
                if inserting:
                    yield line.old_lineno
                inserting = False
            if line.old_lineno is not None:
                before = line.old_lineno
