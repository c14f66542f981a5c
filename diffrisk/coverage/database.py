"""coverage.py's SQLite data file (``.coverage``, also combined parallel data), read with
coverage.py's public ``CoverageData``: only the changed files' lines and arcs are loaded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from diffrisk.coverage.files import problem
from diffrisk.coverage.paths import PathMapper
from diffrisk.records import field, record


@record
class Measured:
    """Several databases' raw measurements of the changed files, unioned (as ``coverage
    combine`` does) before anything is derived from them."""

    #: Changed file -> raw line numbers that ran (not yet moved to their statement's first line).
    lines: Mapping[str, frozenset[int]] = field(default_factory=dict)
    #: Changed file -> raw arcs, only when every database measured branches.
    arcs: Mapping[str, frozenset[tuple[int, int]]] | None = None
    #: Data paths that climbed out of the repository, per database read.
    outside: Mapping[str, int] = field(default_factory=dict)
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Databases measured without --branch, when others had branches.
    without_arcs: tuple[str, ...] = ()


def read(paths: Sequence[str], mapper: PathMapper) -> Measured:
    try:
        import coverage
        from coverage.exceptions import CoverageException
    except ImportError:
        raise problem(paths[0], "reading a .coverage database needs coverage.py (pip install coverage)") from None
    lines: dict[str, set[int]] = {}
    arcs: dict[str, set[tuple[int, int]]] = {}
    outside: dict[str, int] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    with_arcs: list[bool] = []
    for path in paths:
        data = coverage.CoverageData(basename=path)
        try:
            data.read()
            resolution = mapper.resolve_all((name, ()) for name in data.measured_files())
            with_arcs.append(data.has_arcs())
            for name, wanted in resolution.mapping.items():
                lines.setdefault(wanted, set()).update(data.lines(name) or ())
                if data.has_arcs():
                    arcs.setdefault(wanted, set()).update(data.arcs(name) or ())
        except CoverageException as error:
            raise problem(path, f"not a readable coverage.py database ({str(error).splitlines()[0]})") from None
        outside[path], ambiguous[path] = resolution.outside, resolution.ambiguous
    return Measured(
        lines={name: frozenset(found) for name, found in lines.items()},
        arcs={name: frozenset(arcs.get(name, ())) for name in lines} if with_arcs and all(with_arcs) else None,
        outside=outside,
        ambiguous=ambiguous,
        without_arcs=tuple(path for path, has in zip(paths, with_arcs) if not has) if any(with_arcs) else (),
    )
