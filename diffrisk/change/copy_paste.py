"""Copy-pasted blocks (DR-S006): six or more added lines that the same change adds again elsewhere.

A later fix to one copy will miss the others.  Lines are compared without indentation or spacing,
so a block moved into a class or a function is still the same block.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from diffrisk.model import Diff, FileAnalysis, FileChange, Finding, LineKind, Severity
from diffrisk.paths import is_python

#: Lines in a copied block (the issue's "six or more similar lines").
COPY_LINES = 6
#: A block must hold this many letters and digits, so six closing brackets or ``pass`` lines,
#: which every file repeats, do not count.
COPY_MIN_CHARACTERS = 80


def find(diff: Diff, analyses: Sequence[FileAnalysis]) -> list[Finding]:
    """Blocks of COPY_LINES or more added lines that the change adds again elsewhere, at each further copy."""
    first_seen: dict[tuple[str, ...], tuple[str, int]] = {}
    repeats: list[tuple[str, int, int, str, int]] = []
    for change, analysis in zip(diff.files, analyses):
        if not is_python(change.path) or analysis.summary.skipped or analysis.summary.mechanical or analysis.summary.generated:
            continue
        for run in _added_runs(change):
            for start in range(len(run) - COPY_LINES + 1):
                window = run[start:start + COPY_LINES]
                key = tuple(text for _, text in window)
                if sum(sum(ch.isalnum() for ch in text) for text in key) < COPY_MIN_CHARACTERS or len(set(key)) < 4:
                    continue
                origin = first_seen.setdefault(key, (change.path, window[0][0]))
                overlaps = origin[0] == change.path and abs(origin[1] - window[0][0]) < COPY_LINES
                if not overlaps:
                    repeats.append((change.path, window[0][0], window[-1][0], origin[0], origin[1]))
    return _merged_blocks(repeats)


def _added_runs(change: FileChange) -> Iterator[list[tuple[int, str]]]:
    """Runs of consecutive added lines as (line, text without indentation or spacing), blank
    and comment-only lines left out."""
    run: list[tuple[int, str]] = []
    previous = None
    for hunk in change.hunks:
        for line in hunk.lines:
            if line.kind is not LineKind.ADDED or line.new_lineno is None:
                if line.kind is not LineKind.ADDED and run:
                    yield run
                    run = []
                continue
            text = " ".join(line.text.split())
            if not text or text.startswith("#"):
                continue
            if previous is not None and run and line.new_lineno != previous + 1 and not _blank_gap(run, line.new_lineno):
                yield run
                run = []
            run.append((line.new_lineno, text))
            previous = line.new_lineno
    if run:
        yield run


def _blank_gap(run: list[tuple[int, str]], line: int) -> bool:
    # Skipped blank or comment lines are still added lines: a gap of a few keeps the run.
    return line - run[-1][0] <= 3


def _merged_blocks(repeats: list[tuple[str, int, int, str, int]]) -> list[Finding]:
    findings: list[Finding] = []
    current: list[int] = []
    last: tuple[str, int, int, str, int] | None = None
    for path, start, end, origin_path, origin_line in repeats:
        if last is not None and last[0] == path and start <= current[1] + 1 and last[3] == origin_path:
            current[1] = max(current[1], end)
            continue
        if last is not None:
            findings.append(_copy_finding(last[0], current[0], current[1], last[3], last[4]))
        last, current = (path, start, end, origin_path, origin_line), [start, end]
    if last is not None:
        findings.append(_copy_finding(last[0], current[0], current[1], last[3], last[4]))
    return findings


def _copy_finding(path: str, start: int, end: int, origin_path: str, origin_line: int) -> Finding:
    where = f"line {origin_line}" if origin_path == path else f"{origin_path}:{origin_line}"
    message = f"copy-pasted block: lines {start}-{end} repeat lines added at {where}"
    return Finding("DR-S006", "smells", path, start, end, Severity.LOW, message)
