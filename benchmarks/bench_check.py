"""Wall time of ``diffrisk check --commit`` on real commits, as whole processes, next to a floor.

    python benchmarks/bench_check.py --git-dir PATH/TO/repo.git COMMIT [COMMIT ...] [--runs 7]

For each commit it runs, alternately and ``--runs`` times each:
- ``diffrisk check --commit C --format json`` (a fresh process, as a hook or CI step runs it);
- the floor: a fresh Python process that only runs ``git diff-tree -p`` for the commit and
  ``ast.parse`` on every changed Python file's new version (nothing can be faster and still read
  the code).
and prints the median, minimum and maximum wall time of each and the ratio of the medians.
Alternating the two keeps machine noise from favouring either.  Nothing here is a test: timings
belong in benchmarks/README.md, never in assertions.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

FLOOR = r"""
import ast, subprocess, sys
git_dir, commit = sys.argv[1], sys.argv[2]
git = ["git", "--git-dir", git_dir]
parent = subprocess.run([*git, "rev-parse", commit + "^"], capture_output=True, text=True).stdout.strip()
subprocess.run([*git, "diff-tree", "-r", "-p", "--full-index", parent, commit], capture_output=True, check=True)
names = subprocess.run([*git, "diff-tree", "-r", "--name-only", "--diff-filter=d", parent, commit],
                       capture_output=True, text=True, check=True).stdout.split()
for name in names:
    if name.endswith(".py"):
        source = subprocess.run([*git, "show", f"{commit}:{name}"], capture_output=True, check=True).stdout
        ast.parse(source)
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command[:4]} failed ({completed.returncode}): {completed.stderr.decode(errors='replace')}")
    return elapsed


def describe(git_dir: str, commit: str) -> str:
    stat = subprocess.run(
        ["git", "--git-dir", git_dir, "show", "--shortstat", "--format=%h", commit],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")
    return f"{stat[0]}: {stat[-2].strip()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--git-dir", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("commits", nargs="+")
    args = parser.parse_args(argv)
    print("| commit | diffrisk median (min-max) | floor median (min-max) | ratio |")
    print("|---|---|---|---|")
    for commit in args.commits:
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(args.runs):
            ours.append(timed([sys.executable, "-m", "diffrisk", "--git-dir", args.git_dir, "check", "--commit", commit, "--format", "json"]))
            floor.append(timed([sys.executable, "-c", FLOOR, args.git_dir, commit]))
        ratio = statistics.median(ours) / statistics.median(floor)
        print(
            f"| {describe(args.git_dir, commit)} | {statistics.median(ours):.2f} s ({min(ours):.2f}-{max(ours):.2f}) "
            f"| {statistics.median(floor):.2f} s ({min(floor):.2f}-{max(floor):.2f}) | {ratio:.1f}x |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
