"""``git blame`` of the old side of what a change touched: which commit last wrote each line.

One git process per file, started as soon as the lines are known and read when the answer is
needed: git runs on another core while diffrisk analyses the change.  Only ``-L`` ranges are
blamed, never a whole file, and only commit ids are read from the output: names and addresses
come from the commits' records (history.commits), so that a work tree's ``.mailmap`` (which
``git blame`` would apply) cannot rename anyone.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence

from diffrisk.diffsource import git
from diffrisk.records import record

#: Blames still running this many seconds after the first was started are stopped, and their
#: files said to be unknown: one budget for the whole change, not one per file.
TIMEOUT_SECONDS = 20.0
#: Files blamed at most, those with the most touched lines first: a change to more files than
#: this is a bulk change, whose experts the biggest files name.
MAX_FILES = 40


@record
class Blamed:
    #: Path -> old-side line -> the commit that wrote it.
    lines: Mapping[str, Mapping[int, str]]
    #: Files git could not blame (a timeout, a path missing at the revision), with why.
    unknown: Mapping[str, str]


class Pending:
    """Blame processes under way; ``collect`` waits for them."""

    def __init__(self, processes: Mapping[str, subprocess.Popen[bytes]], skipped: Sequence[str] = ()) -> None:
        self._processes = processes
        self._skipped = skipped
        self._deadline = time.monotonic() + TIMEOUT_SECONDS

    def collect(self) -> Blamed:
        found: dict[str, dict[int, str]] = {}
        left_out = f"more than {MAX_FILES} files changed; the {MAX_FILES} most touched were blamed"
        unknown: dict[str, str] = dict.fromkeys(self._skipped, left_out)
        for path, process in self._processes.items():
            try:
                out, _ = process.communicate(timeout=max(self._deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                unknown[path] = f"git blame took over {TIMEOUT_SECONDS:.0f} s"
                continue
            if process.returncode != 0:
                unknown[path] = "git blame failed"
                continue
            found[path] = _final_lines(out.decode("utf-8", "surrogateescape"))
        return Blamed(found, unknown)


def start(repo: git.Repo, revision: str, ranges: Mapping[str, Sequence[tuple[int, int]]]) -> Pending:
    """Start blaming ``ranges`` (path -> 1-based inclusive line ranges) of each file at ``revision``."""
    processes = {}
    biggest = sorted((path for path, spans in ranges.items() if spans), key=lambda path: -_size(ranges[path]))
    for path in biggest[:MAX_FILES]:
        spans = ranges[path]
        limits = [arg for first, last in spans for arg in ("-L", f"{first},{last}")]
        command = repo.command(["blame", "-w", "--porcelain", *limits, revision, "--", path])
        # A list of arguments, never a shell; the path comes last, after "--".
        processes[path] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return Pending(processes, biggest[MAX_FILES:])


def _size(spans: Sequence[tuple[int, int]]) -> int:
    return sum(last - first + 1 for first, last in spans)


def _final_lines(text: str) -> dict[int, str]:
    """--porcelain: each line's header is "<commit> <original line> <final line>[ <count>]",
    followed by the commit's details the first time it appears, then the text after a tab."""
    found: dict[int, str] = {}
    for line in text.split("\n"):
        if not line or line.startswith("\t"):
            continue
        fields = line.split(" ")
        if len(fields) in (3, 4) and len(fields[0]) in (40, 64) and fields[1].isdigit() and fields[2].isdigit():
            if all(character in "0123456789abcdef" for character in fields[0]):
                found[int(fields[2])] = fields[0]
    return found
