"""What reading coverage data adds to ``diffrisk check``: the same commits with and without it.

    python benchmarks/bench_coverage.py --work-tree DIR --data FILE [--commits 10] [--runs 9]

``--work-tree`` is a repository's work tree; ``--data`` a coverage data file of it (a
``.coverage`` database, Cobertura XML, LCOV or coverage.py's JSON).  The commits scored are its
typical ones (at most 5 Python files and 300 changed lines, evenly spaced, as bench_compare
picks them).  Each commit runs ``diffrisk check --commit C --format json`` as a whole process,
without and with ``--coverage FILE`` alternately (which goes first alternates too), ``--runs``
times after one untimed round; the table gives each side's median wall time and the difference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_compare import ENVIRONMENT, typical_commits


def timed(work_tree: Path, sha: str, data: Path | None) -> float:
    command = [sys.executable, "-m", "diffrisk", "-C", str(work_tree), "check", "--commit", sha, "--format", "json"]
    command += ["--coverage", str(data)] if data is not None else []
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, env=ENVIRONMENT, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(f"check failed on {sha}: {completed.stderr.decode(errors='replace')}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-tree", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    data = args.data.resolve()
    differences = []
    print("| commit | without data | with data | added |\n|---|---:|---:|---:|")
    for sha in typical_commits(args.work_tree / ".git", args.commits):
        sides: dict[str, Path | None] = {"without": None, "with": data}
        for given in sides.values():
            timed(args.work_tree, sha, given)  # untimed round: the page cache, not the code
        times: dict[str, list[float]] = {name: [] for name in sides}
        for run in range(args.runs):
            # Which side goes first alternates, so that neither always inherits a warmer machine.
            for name in (["without", "with"] if run % 2 == 0 else ["with", "without"]):
                times[name].append(timed(args.work_tree, sha, sides[name]))
        without, with_data = statistics.median(times["without"]), statistics.median(times["with"])
        differences.append(with_data - without)
        print(f"| {sha[:12]} | {without * 1000:.0f} ms | {with_data * 1000:.0f} ms | {(with_data - without) * 1000:+.0f} ms |")
    print(f"\nmedian added time over {len(differences)} commits: {statistics.median(differences) * 1000:+.0f} ms "
          f"(range {min(differences) * 1000:+.0f} to {max(differences) * 1000:+.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
