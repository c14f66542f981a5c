"""Where to look first: does diffrisk's hotspot order reach the buggy unit of a bug-inducing commit
sooner than "the unit with the most added lines, test files last"?

    python benchmarks/hotspot_eval.py --mirrors DIR [--labels DIR] [--sample 150] [--jobs N]
        [--work DIR] [--repos owner/name,...] [--rescore] [--write-readme]

The protocol of the evaluation data's README ("Where the bug was"): line-level SZZ with the
labeller's rules (diffrisk.history.szz.blamed_lines, over the commits the labels mark as fixes)
keeps each blamed line as (inducing commit, path in it, line in its new version).  For a fixed-seed
sample of each repository's mature bug-inducing commits, ``diffrisk check --commit`` (in this
process's workers, with the default policy) lists the hotspots; a unit is buggy when its new-side
line range holds a blamed line (for a class body or module block, outside the touched functions
it spans: ``labelled``).  Commits with fewer than two hotspots, or with no buggy unit (the
blamed lines fell outside every unit: the same for every order), are left out.

For each order it reports hit@1, hit@3 and the mean reciprocal rank of the first buggy unit: ties
in a baseline count at their exact expectation over a random order of the tied units.  The
baselines, on the same units: LA (most added lines first), LA-tl (the same, test-file units last:
the one to beat), LAD-tl (added plus deleted lines, tests last), random (exact expectation) and file
order.  Pooled figures carry a paired bootstrap interval for diffrisk minus LA-tl.

Blamed lines and scored units are kept in ``--work`` (blame/, units/), so that fit_hotspots.py can
fit the ranking's weights on them without running git again.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from math import comb
from pathlib import Path
from typing import Any

import readme_block

from diffrisk.commands import check
from diffrisk.config import Config
from diffrisk.diffsource import git
from diffrisk.diffsource.request import DiffRequest, SourceKind
from diffrisk.errors import DiffriskError
from diffrisk.history import commits, szz
from diffrisk.paths import is_test

HERE = Path(__file__).resolve().parent
SEED = 20261130
BOOTSTRAP = 2000

Unit = dict[str, Any]
#: For one commit: its units in diffrisk's order, each with "buggy".
Commit = list[Unit]


# -- data -----------------------------------------------------------------------------------------


def label_rows(labels_csv: Path) -> list[dict[str, str]]:
    with open(labels_csv, newline="") as handle:
        return list(csv.DictReader(handle))


def _blame_chunk(job: tuple[str, list[str]]) -> list[tuple[str, str, int]]:
    git_dir, shas = job
    repo = git.Repo(git_dir=git_dir)
    fixes = commits.listed(repo, shas).values()
    return sorted(szz.blamed_lines(repo, fixes))


def blamed(git_dir: Path, rows: list[dict[str, str]], jobs: int) -> dict[str, list[tuple[str, int]]]:
    """The blamed lines of every fix the labels list, by inducing commit."""
    fixes = [row["sha"] for row in rows if row["is_fix"] == "1"]
    chunks = [(str(git_dir), fixes[index:index + 20]) for index in range(0, len(fixes), 20)]
    found: dict[str, set[tuple[str, int]]] = {}
    with multiprocessing.Pool(jobs) as pool:
        for lines in pool.imap_unordered(_blame_chunk, chunks):
            for commit, path, line in lines:
                found.setdefault(commit, set()).add((path, line))
    return {commit: sorted(lines) for commit, lines in found.items()}


def inducing_sample(rows: list[dict[str, str]], size: int) -> list[str]:
    shas = [row["sha"] for row in rows if row["mature"] == "1" and row["is_bug_inducing"] == "1"]
    return sorted(random.Random(SEED).sample(shas, size)) if len(shas) > size else shas


_REPO: git.Repo | None = None


def _start_worker(git_dir: str) -> None:
    global _REPO
    _REPO = git.Repo(git_dir=git_dir)


def _units_of(sha: str) -> tuple[str, list[Unit] | None]:
    assert _REPO is not None
    try:
        report = check.run(DiffRequest(SourceKind.COMMIT, sha), _REPO, Config())
    except DiffriskError:
        return sha, None
    files = {summary.path: summary for summary in report.files}
    units = []
    for order, spot in enumerate(report.hotspots):
        summary = files.get(spot.path)
        units.append({
            "order": order, "path": spot.path, "name": spot.name, "kind": spot.kind, "line": spot.line,
            "end_line": spot.end_line, "side": spot.side, "added": spot.added, "deleted": spot.deleted,
            "risk": spot.risk, "reasons": list(spot.reasons), "terms": dict(spot.terms),
            "source": getattr(spot, "source", "bugs"), "test": is_test(spot.path),
            "file_status": summary.status if summary else None,
        })
    return sha, units


def scored_units(git_dir: Path, shas: Sequence[str], jobs: int) -> dict[str, list[Unit]]:
    with multiprocessing.Pool(jobs, initializer=_start_worker, initargs=(str(git_dir),)) as pool:
        return {sha: units for sha, units in pool.imap_unordered(_units_of, shas, chunksize=4) if units is not None}


def labelled(units: list[Unit], lines: Iterable[tuple[str, int]]) -> Commit:
    """Mark each unit buggy when its range holds a blamed line.  A class body's or module block's
    range spans the methods inside it, which are units of their own and which a reader of that
    hotspot does not read: so for those two kinds, lines inside a touched function do not count."""
    by_path: dict[str, list[int]] = {}
    for path, line in lines:
        by_path.setdefault(path, []).append(line)
    functions: dict[str, list[tuple[int, int]]] = {}
    for unit in units:
        if unit["side"] == "new" and unit["kind"] == "function":
            functions.setdefault(unit["path"], []).append((unit["line"], unit["end_line"]))
    for unit in units:
        held = by_path.get(unit["path"], ()) if unit["side"] == "new" else ()
        if unit["kind"] in ("class", "module"):
            inside = functions.get(unit["path"], [])
            held = [line for line in held if not any(start <= line <= end for start, end in inside)]
        unit["buggy"] = any(unit["line"] <= line <= unit["end_line"] for line in held)
    return units


def load(repo: str, args: argparse.Namespace) -> list[Commit]:
    """The labelled bug-inducing commits of one repository that an order can be judged on."""
    slug = repo.replace("/", "+")
    work = Path(args.work)
    git_dir = Path(args.mirrors) / slug / "repo"
    rows = label_rows(Path(args.labels) / f"{slug}.csv")
    blame_file = work / "blame" / f"{slug}.json"
    if args.rescore_blame or not blame_file.exists():
        started = time.monotonic()
        blame_file.parent.mkdir(parents=True, exist_ok=True)
        blame_file.write_text(json.dumps(blamed(git_dir, rows, args.jobs)))
        print(f"{repo}: blamed its fixes in {time.monotonic() - started:.0f} s", file=sys.stderr)
    lines = json.loads(blame_file.read_text())
    units_file = work / "units" / f"{slug}.json"
    if args.rescore or not units_file.exists():
        started = time.monotonic()
        units_file.parent.mkdir(parents=True, exist_ok=True)
        units_file.write_text(json.dumps(scored_units(git_dir, inducing_sample(rows, args.sample), args.jobs)))
        print(f"{repo}: listed hotspots in {time.monotonic() - started:.0f} s", file=sys.stderr)
    scored = json.loads(units_file.read_text())
    judged = []
    for sha in sorted(scored):
        units = labelled(scored[sha], [(path, line) for path, line in lines.get(sha, ())])
        if len(units) >= 2 and any(unit["buggy"] for unit in units):
            judged.append(units)
    return judged


# -- orders and their figures ---------------------------------------------------------------------

#: An order: a sort key per unit, higher first; equal keys are ties.
Order = Callable[[Unit], tuple[float, ...]]
ORDERS: dict[str, Order] = {
    "diffrisk": lambda unit: (-unit["order"],),
    "LA": lambda unit: (unit["added"],),
    "LA-tl": lambda unit: (not unit["test"], unit["added"]),
    "LAD-tl": lambda unit: (not unit["test"], unit["added"] + unit["deleted"]),
    "random": lambda unit: (0,),
    "file order": lambda unit: (-unit["file_index"], -unit["line"]),
}


def first_buggy(commit: Commit, key: Order) -> tuple[float, float, float]:
    """(hit@1, hit@3, reciprocal rank) of the first buggy unit, at their exact expectation over a
    random order of tied units."""
    groups: dict[tuple[float, ...], list[bool]] = {}
    for unit in commit:
        groups.setdefault(key(unit), []).append(unit["buggy"])
    before = 0
    for group_key in sorted(groups, reverse=True):
        group = groups[group_key]
        buggy = sum(group)
        if not buggy:
            before += len(group)
            continue
        size = len(group)
        # P(the first buggy unit is the j-th of the group): C(size - j, buggy - 1) / C(size, buggy).
        chances = [comb(size - j, buggy - 1) / comb(size, buggy) for j in range(1, size - buggy + 2)]
        hit1 = sum(p for j, p in enumerate(chances, start=1) if before + j <= 1)
        hit3 = sum(p for j, p in enumerate(chances, start=1) if before + j <= 3)
        return hit1, hit3, sum(p / (before + j) for j, p in enumerate(chances, start=1))
    raise ValueError("a judged commit has a buggy unit")


def with_file_index(commit: Commit) -> Commit:
    paths = sorted({unit["path"] for unit in commit})
    for unit in commit:
        unit["file_index"] = paths.index(unit["path"])
    return commit


def figures(commits_: Sequence[Commit]) -> dict[str, list[tuple[float, float, float]]]:
    return {name: [first_buggy(commit, key) for commit in commits_] for name, key in ORDERS.items()}


def bootstrap(ours: Sequence[tuple[float, ...]], theirs: Sequence[tuple[float, ...]], measure: int) -> tuple[float, float]:
    """A 95% paired bootstrap interval of mean(ours - theirs) for one measure."""
    differences = [mine[measure] - other[measure] for mine, other in zip(ours, theirs)]
    generator = random.Random(SEED)
    means = sorted(
        sum(differences[generator.randrange(len(differences))] for _ in differences) / len(differences)
        for _ in range(BOOTSTRAP)
    )
    return means[int(0.025 * BOOTSTRAP)], means[int(0.975 * BOOTSTRAP) - 1]


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def table(per_repo: dict[str, list[Commit]]) -> str:
    names = list(ORDERS)
    header = "| repository | commits | " + " | ".join(f"{name} hit@1 / hit@3 / MRR" for name in names) + " |"
    lines = [header, "|---" * (len(names) + 2) + "|"]
    pooled: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    medians: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for repo, judged in per_repo.items():
        results = figures(judged)
        cells = []
        for name in names:
            means = tuple(_mean(result[i] for result in results[name]) for i in range(3))
            pooled[name] += results[name]
            medians[name].append(means)  # type: ignore[arg-type]
            cells.append(" / ".join(f"{value:.3f}" for value in means))
        lines.append(f"| {repo} | {len(judged)} | " + " | ".join(cells) + " |")
    total = sum(len(judged) for judged in per_repo.values())
    lines.append(f"| **pooled** | {total} | " + " | ".join(
        " / ".join(f"{_mean(result[i] for result in pooled[name]):.3f}" for i in range(3)) for name in names
    ) + " |")
    lines.append("| **median** | | " + " | ".join(
        " / ".join(f"{statistics.median(means[i] for means in medians[name]):.3f}" for i in range(3)) for name in names
    ) + " |")
    shift = differences(pooled["diffrisk"], pooled["LA-tl"])
    return "\n".join(lines) + f"\n\ndiffrisk minus LA-tl, pooled, 95% paired bootstrap interval: {shift}\n"


def differences(ours: Sequence[tuple[float, ...]], theirs: Sequence[tuple[float, ...]]) -> str:
    """Mean paired difference and its 95% bootstrap interval, for hit@1, hit@3 and MRR."""
    parts = []
    for index, measure in enumerate(("hit@1", "hit@3", "MRR")):
        difference = _mean(mine[index] - other[index] for mine, other in zip(ours, theirs))
        low, high = bootstrap(ours, theirs, index)
        parts.append(f"{measure} {difference:+.3f} [{low:+.3f}, {high:+.3f}]")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", required=True)
    parser.add_argument("--labels", default=str(HERE.parent.parent / "shared" / "eval" / "dev"))
    parser.add_argument("--sample", type=int, default=150, help="bug-inducing commits per repository")
    parser.add_argument("--repos", help="comma-separated owner/name list (default: the manifest)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "diffrisk-hotspots"))
    parser.add_argument("--rescore", action="store_true", help="list the hotspots again even when --work has them")
    parser.add_argument("--rescore-blame", action="store_true", help="blame the fixes again")
    parser.add_argument("--write-readme", action="store_true", help="put the table into benchmarks/README.md")
    args = parser.parse_args(argv)
    manifest = json.loads((Path(args.labels) / "manifest.json").read_text())
    repos = args.repos.split(",") if args.repos else [entry["repo"] for entry in manifest]
    per_repo = {repo: [with_file_index(commit) for commit in load(repo, args)] for repo in repos}
    report = table(per_repo)
    print(report)
    if args.write_readme:
        from diffrisk import __version__

        readme_block.write("hotspot-eval", f"{time.strftime('%Y-%m-%d')}, diffrisk {__version__}", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
