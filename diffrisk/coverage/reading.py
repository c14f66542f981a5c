"""``read``: the coverage data files a user gave, reduced to the changed files' line facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from diffrisk.coverage import cobertura, database, jsonreport, lcov
from diffrisk.coverage.files import MAX_BYTES, sniff
from diffrisk.coverage.listed import Listed
from diffrisk.coverage.measure import Texts, from_database, from_report
from diffrisk.coverage.merging import merge
from diffrisk.coverage.model import CoverageData, Measurement
from diffrisk.coverage.paths import PathMapper

#: Report format -> its parser: (data file, content, which data paths to read the lines of) ->
#: (Cobertura's <source> folders, every data path with its lines).
Parse = Callable[[str, bytes, Callable[[str], bool]], tuple[tuple[str, ...], dict[str, Listed]]]
REPORTS: dict[str, Parse] = {
    "cobertura": cobertura.parse,
    "lcov": lambda path, content, keep: ((), lcov.parse(path, content, keep)),
    "json": lambda path, content, keep: ((), jsonreport.parse(path, content, keep)),
}


def read(
    paths: Sequence[str],
    repo_root: str,
    wanted: Mapping[str, str | None],
    remap: Sequence[tuple[str, ...]] = (),
    max_bytes: int = MAX_BYTES,
) -> CoverageData:
    """Coverage of the ``wanted`` files (repository-relative path -> new-side text, None when
    unknown) in the data ``paths`` (any mix of the four formats, told apart by content).
    ``remap``: coverage.py's ``[paths]`` groups, canonical path first.  Raises ConfigError
    naming the data file that is missing, unreadable, too big, malformed or not coverage data."""
    mapper = PathMapper(repo_root, wanted, remap)
    texts = Texts(wanted)
    found: dict[str, list[tuple[str, Measurement]]] = {}
    notes: list[str] = []
    databases = []
    for path in paths:
        kind, content = sniff(path, max_bytes)
        if kind == "sqlite":
            databases.append(path)
            continue
        source_dirs, listed = REPORTS[kind](path, content, mapper.could_name)
        resolution = mapper.resolve_all((name, source_dirs) for name in listed)
        notes += _path_notes(path, resolution.outside, resolution.ambiguous)
        for name, changed in resolution.mapping.items():
            found.setdefault(changed, []).append((path, from_report(listed[name], changed, texts)))
    if databases:
        measured = database.read(databases, mapper)
        for path in databases:
            notes += _path_notes(path, measured.outside[path], measured.ambiguous[path])
        notes += [f"{path}: no branch data, so branches are not measured" for path in measured.without_arcs]
        label = ", ".join(databases)
        for changed, lines in measured.lines.items():
            arcs = measured.arcs[changed] if measured.arcs is not None else None
            found.setdefault(changed, []).append((label, from_database(lines, arcs, changed, texts)))
    files = {}
    for changed in sorted(found):
        files[changed], stale_notes = merge(changed, found[changed])
        notes += stale_notes
    return CoverageData(files=files, sources=tuple(paths), notes=tuple(notes))


def _path_notes(path: str, outside: int, ambiguous: Sequence[str]) -> list[str]:
    notes = [f"{path}: {outside} {'file' if outside == 1 else 'files'} outside the repository ignored"] if outside else []
    return notes + [f"{path}: several files in the data end with {name}, so none is used for it" for name in ambiguous]
