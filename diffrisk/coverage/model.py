"""The records coverage data becomes: what one file's tests ran, for the files a change touched."""

from __future__ import annotations

from collections.abc import Mapping

from diffrisk.records import field, record


@record
class FileCoverage:
    """What the coverage data says about one changed file, merged over every data file given."""

    #: Repository-relative, '/'-separated, as the diff names it.
    path: str
    #: 1-based lines of the statements coverage measures.  None when no data file lists them and
    #: the source was not given: a ``.coverage`` database stores only the lines that ran, so
    #: without the file's text "which lines could have run" is unknown (never guess 100%).
    executable: frozenset[int] | None
    #: 1-based lines that ran (within ``executable`` when that is known).
    executed: frozenset[int]
    #: 1-based lines that ran and have a branch exit no run took (only with branch data).
    partial_branches: frozenset[int] = frozenset()
    #: Some data file measured branches for this file.
    has_branches: bool = False
    #: Why the data does not describe the file's new text (None: it does, or no text to compare
    #: with).  Stale data must not count as coverage: treat the file as not measured.
    stale: str | None = None


@record
class CoverageData:
    #: Only the wanted paths the data mentions: a wanted file absent here was not measured, which
    #: is not the same as measured and 0% covered.
    files: Mapping[str, FileCoverage]
    #: The data files read, as given.
    sources: tuple[str, ...]
    #: One line each, for the report: paths ignored, stale data files, branch data dropped.
    notes: tuple[str, ...] = ()


@record
class Measurement:
    """One data file's facts about one wanted file, before merging (internal to the package)."""

    #: 1-based lines that ran.
    executed: frozenset[int]
    #: 1-based statement lines, None when the format does not list them.
    executable: frozenset[int] | None
    #: Branch lines that ran with exits not taken, by line: the exits' ids ("12", or "exit" when
    #: leaving the function), so that two runs that each took another way merge as covered.
    missing_exits: Mapping[int, frozenset[str]] = field(default_factory=dict)
    has_branches: bool = False
    #: Why this data file's facts do not fit the new text, if they do not.
    stale: str | None = None
