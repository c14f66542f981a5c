"""Two versions of diffrisk side by side on the same commits: did a change make ``check`` slower?

    python benchmarks/bench_compare.py --baseline DIR --candidate DIR --git-dir REPO [--commits 20] [--runs 5]

``--baseline`` and ``--candidate`` are source trees of diffrisk (a checkout, or ``git archive`` of
a commit unpacked), run with this interpreter and its installed dependencies.  ``--git-dir`` is a
repository whose commits are scored: the non-merge commits that change at most 5 Python files and
300 lines (a typical commit), evenly spaced over its history.  Each commit runs ``diffrisk check
--commit C --format json`` as a whole process, baseline and candidate alternately (which goes
first alternates too), ``--runs`` times after one untimed round; the table gives each side's
median wall time and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

#: Bytecode is written on the untimed round, as an installed package has it: a shell with
#: PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module whose cached bytecode is stale.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def typical_commits(git_dir: Path, count: int) -> list[str]:
    """Up to ``count`` commits of at most 5 Python files and 300 changed lines, evenly spaced."""
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "log", "--no-merges", "--reverse", "--numstat", "--format=C %H", "--", "*.py"],
        capture_output=True, check=True,
    ).stdout.decode("utf-8", "replace")
    found: list[tuple[str, int, int]] = []
    for block in out.split("C ")[1:]:
        sha, *rows = block.strip().split("\n")
        numbers = [row.split("\t") for row in rows if row.strip()]
        lines = sum(int(added) + int(deleted) for added, deleted, _ in numbers if added.isdigit() and deleted.isdigit())
        found.append((sha, len(numbers), lines))
    typical = [sha for sha, files, lines in found if 0 < files <= 5 and 0 < lines <= 300]
    step = max(len(typical) / count, 1)
    return [typical[int(index * step)] for index in range(min(count, len(typical)))]


def timed(source: Path, git_dir: Path, sha: str, extra: Sequence[str], where: Path) -> float:
    """One run of ``source``'s check, started in the empty folder ``where``: ``python -m`` puts the
    folder it starts in first on the import path, before PYTHONPATH, so started in this checkout
    both sides would import its diffrisk, and the comparison would measure one tree against itself."""
    environment = {**ENVIRONMENT, "PYTHONPATH": str(source)}
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "diffrisk", "--git-dir", str(git_dir.resolve()), "check", "--commit", sha, "--format", "json", *extra],
        capture_output=True, env=environment, check=False, cwd=where,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{source} failed on {sha}: {completed.stderr.decode(errors='replace')}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--candidate", type=Path, required=True)
    parser.add_argument("--git-dir", type=Path, required=True)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--candidate-args", default="",
        help="more arguments for the candidate's check, e.g. --no-cache (paths absolute: the check starts in an empty folder)",
    )
    parser.add_argument("--baseline-args", default="", help="more arguments for the baseline's check (paths absolute, too)")
    args = parser.parse_args(argv)
    extra = {"baseline": tuple(args.baseline_args.split()), "candidate": tuple(args.candidate_args.split())}
    shas = typical_commits(args.git_dir, args.commits)
    sides = {"baseline": args.baseline.resolve(), "candidate": args.candidate.resolve()}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as where:
        ratios = _compare(args, sides, shas, extra, Path(where))
    print(f"\nmedian ratio over {len(ratios)} commits: {statistics.median(ratios):.3f}x "
          f"(range {min(ratios):.2f}-{max(ratios):.2f})")
    return 0


def _compare(
    args: argparse.Namespace, sides: dict[str, Path], shas: list[str], extra: dict[str, tuple[str, ...]], where: Path,
) -> list[float]:
    """Each commit's ratio of the candidate's median time to the baseline's, printed as a table row."""
    git_dir, runs = args.git_dir, args.runs
    ratios = []
    print("| commit | baseline | candidate | candidate / baseline |\n|---|---:|---:|---:|")
    for sha in shas:
        for source in sides.values():
            timed(source, git_dir, sha, (), where)  # untimed round: the page cache (and for the candidate its own cache)
        times: dict[str, list[float]] = {name: [] for name in sides}
        for run in range(runs):
            # Which side goes first alternates, so that neither always inherits a warmer machine.
            for name in (["baseline", "candidate"] if run % 2 == 0 else ["candidate", "baseline"]):
                times[name].append(timed(sides[name], git_dir, sha, extra[name], where))
        base, candidate = statistics.median(times["baseline"]), statistics.median(times["candidate"])
        ratios.append(candidate / base)
        print(f"| {sha[:12]} | {base:.3f} s | {candidate:.3f} s | {candidate / base:.2f}x |")
    return ratios


if __name__ == "__main__":
    raise SystemExit(main())
