"""Does diffrisk's score rank bug-inducing commits above the others?  The evaluation protocol
(benchmarks/README.md), run on the labelled development repositories.

    python benchmarks/history_eval.py --mirrors DIR [--labels DIR] [--sample 400]
        [--repos owner/name,...] [--jobs N] [--work DIR] [--write-readme]

``--mirrors`` holds bare clones named ``owner+name/repo`` (as the search tool's fetch lays them
out); nothing of them is ever committed.  For each repository it takes the mature commits (all of
them, or a fixed-seed random sample of ``--sample`` at the natural rate), runs
``diffrisk log --commits - --format jsonl`` on them, measures the two size-only baselines with
``git log --numstat`` (LA: lines added to .py files; LA-code: to non-test .py files), and reports
ROC-AUC, size-stratified AUC (inside quintiles of LA-code) and effort-aware recall at 20% of the
changed lines (risk density against smallest-first), for all commits and for the AI-marked ones.
Scored rows are kept in ``--work`` (default: a folder under the system's temporary directory) so
that fitting (fit_weights.py) can reuse them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import readme_block

from diffrisk.scoring.evaluation import auc, effort_recall, stratified_auc

HERE = Path(__file__).resolve().parent
SEED = 20261126
# The labeller's test-path rule, the same as diffrisk.paths.TEST_PATH.
TEST_PATH = re.compile(r"(^|/)(tests?|testing)/|(^|/)test_[^/]*\.py$|_tests?\.py$|(^|/)conftest\.py$")


# -- data -----------------------------------------------------------------------------------------


def mature_sample(labels_csv: Path, size: int, ai_only: bool = False) -> list[dict[str, str]]:
    with open(labels_csv, newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["mature"] == "1" and (row["is_ai_authored"] == "1" or not ai_only)]
    if len(rows) > size:
        rows = random.Random(SEED).sample(rows, size)
    return rows


def size_baselines(git_dir: Path, shas: Sequence[str]) -> dict[str, tuple[int, int, int]]:
    """(LA, LA-code, Python lines changed) per commit, from ``git log --numstat``."""
    out = subprocess.run(
        # Only .py paths: snapshots may lack big data blobs, and only Python lines count here.
        ["git", "--git-dir", str(git_dir), "log", "--no-walk=unsorted", "--stdin", "--numstat", "-M", "--format=C %H",
         "--", "*.py"],
        input="".join(f"{sha}\n" for sha in shas).encode(), capture_output=True, check=True,
    ).stdout.decode("utf-8", "replace")
    result: dict[str, list[int]] = {}
    current = ""
    for line in out.splitlines():
        if line.startswith("C "):
            current = line[2:].strip()
            result[current] = [0, 0, 0]
        elif line.count("\t") >= 2 and current:
            added, deleted, path = line.split("\t", 2)
            path = _renamed_to(path)
            if not path.endswith(".py") or added == "-":
                continue
            result[current][0] += int(added)
            result[current][2] += int(added) + int(deleted)
            if not TEST_PATH.search(path):
                result[current][1] += int(added)
    return {sha: (values[0], values[1], values[2]) for sha, values in result.items()}


def _renamed_to(path: str) -> str:
    """numstat writes renames as "dir/{old => new}/x.py" or "old => new"."""
    if " => " not in path:
        return path
    if "{" in path:
        return re.sub(r"\{[^{}]* => ([^{}]*)\}", r"\1", path).replace("//", "/")
    return path.split(" => ", 1)[1]


def score_commits(git_dir: Path, shas: Sequence[str], jobs: int) -> dict[str, dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-m", "diffrisk", "--git-dir", str(git_dir), "log", "--commits", "-", "--format", "jsonl",
         "--jobs", str(jobs)],
        input="".join(f"{sha}\n" for sha in shas).encode(), capture_output=True, check=False,
    )
    if completed.returncode not in (0, 3):
        raise SystemExit(f"diffrisk log failed on {git_dir}: {completed.stderr.decode(errors='replace')[-500:]}")
    rows = [json.loads(line) for line in completed.stdout.decode().splitlines() if line.strip()]
    return {str(row["commit"]): row for row in rows}


# -- evaluation -----------------------------------------------------------------------------------


def evaluate(records: list[dict[str, object]], score: Callable[[dict[str, object]], float]) -> dict[str, float | None]:
    """The protocol's figures for one set of commits."""
    labels = [int(record["bug"]) for record in records]  # type: ignore[call-overload]
    scores = [score(record) for record in records]
    la = [float(record["la"]) for record in records]  # type: ignore[arg-type]
    la_code = [float(record["la_code"]) for record in records]  # type: ignore[arg-type]
    effort = [int(record["changed"]) for record in records]  # type: ignore[call-overload]
    return {
        "n": len(records),
        "positives": sum(labels),
        "auc": auc(scores, labels),
        "auc_la": auc(la, labels),
        "auc_la_code": auc(la_code, labels),
        "strat": stratified_auc(scores, labels, la_code),
        "strat_la_code": stratified_auc(la_code, labels, la_code),
        "recall_density": effort_recall([value / max(lines, 1) for value, lines in zip(scores, effort)], effort, labels),
        "recall_smallest": effort_recall([1 / max(lines, 1) for lines in effort], effort, labels),
    }


def load_or_score(repo: str, args: argparse.Namespace, ai_only: bool = False) -> list[dict[str, object]]:
    """The scored, labelled sample of one repository (from ``--work`` when already scored)."""
    slug = repo.replace("/", "+")
    cached = Path(args.work) / ("ai" if ai_only else "all") / f"{slug}.json"
    cached.parent.mkdir(parents=True, exist_ok=True)
    if cached.exists() and not args.rescore:
        return list(json.loads(cached.read_text()))
    git_dir = Path(args.mirrors) / slug / "repo"
    sample = mature_sample(Path(args.labels) / f"{slug}.csv", args.sample, ai_only)
    shas = [row["sha"] for row in sample]
    started = time.monotonic()
    scored = score_commits(git_dir, shas, args.jobs)
    elapsed = time.monotonic() - started
    sizes = size_baselines(git_dir, shas)
    records = []
    for row in sample:
        result = scored.get(row["sha"])
        if result is None or result.get("error") or row["sha"] not in sizes:
            continue
        la, la_code, changed = sizes[row["sha"]]
        records.append({
            "sha": row["sha"], "bug": int(row["is_bug_inducing"]), "ai": int(row["is_ai_authored"]),
            "la": la, "la_code": la_code, "changed": changed, "result": result,
        })
    cached.write_text(json.dumps(records))
    print(f"{repo}: scored {len(scored)} commits in {elapsed:.0f} s ({len(scored) / max(elapsed, 1e-9):.1f} commits/s)", file=sys.stderr)
    return records


#: AI-marked mature commits a repository needs for its own AI figures.
MIN_AI = 50


def _ai_marked(labels_csv: Path) -> int:
    with open(labels_csv, newline="") as handle:
        return sum(1 for row in csv.DictReader(handle) if row["mature"] == "1" and row["is_ai_authored"] == "1")


def diffrisk_score(record: dict[str, object]) -> float:
    result = record["result"]
    assert isinstance(result, dict)
    return float(result["score"])


def table(results: dict[str, dict[str, float | None]]) -> str:
    columns = ("n", "positives", "auc", "auc_la", "auc_la_code", "strat", "strat_la_code", "recall_density", "recall_smallest")
    titles = ("commits", "bug-inducing", "AUC score", "AUC LA", "AUC LA-code", "strat. AUC score", "strat. AUC LA-code",
              "recall@20% density", "recall@20% smallest-first")
    lines = ["| repository | " + " | ".join(titles) + " |", "|---" * (len(titles) + 1) + "|"]
    for repo, figures in results.items():
        lines.append(f"| {repo} | " + " | ".join(_cell(figures.get(column)) for column in columns) + " |")
    medians = {column: _median([figures.get(column) for figures in results.values()]) for column in columns}
    lines.append("| **median** | " + " | ".join(_cell(medians[column]) for column in columns) + " |")
    return "\n".join(lines)


def _median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", required=True)
    parser.add_argument("--labels", default=str(HERE.parent.parent / "shared" / "eval" / "dev"))
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--repos", help="comma-separated owner/name list (default: the manifest)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "diffrisk-eval"))
    parser.add_argument("--rescore", action="store_true", help="score again even when --work has results")
    parser.add_argument("--write-readme", action="store_true", help="put the tables into benchmarks/README.md")
    args = parser.parse_args(argv)
    Path(args.work).mkdir(parents=True, exist_ok=True)
    manifest = json.loads((Path(args.labels) / "manifest.json").read_text())
    repos = args.repos.split(",") if args.repos else [entry["repo"] for entry in manifest]
    overall: dict[str, dict[str, float | None]] = {}
    ai: dict[str, dict[str, float | None]] = {}
    for repo in repos:
        records = load_or_score(repo, args)
        overall[repo] = evaluate(records, diffrisk_score)
        if _ai_marked(Path(args.labels) / f"{repo.replace('/', '+')}.csv") >= MIN_AI:
            # A sample of their own: at the natural rate the AI-marked commits would be too few.
            ai[repo] = evaluate(load_or_score(repo, args, ai_only=True), diffrisk_score)
    report = (
        f"### All mature commits\n\n{table(overall)}\n\n"
        f"### AI-marked mature commits (repositories with {MIN_AI} or more; their own sample of up to {args.sample})\n\n"
        f"{table(ai)}\n"
    )
    print(report)
    if args.write_readme:
        _write_readme(report)
    return 0


def _write_readme(report: str) -> None:
    from diffrisk import __version__

    readme_block.write("history-eval", f"{time.strftime('%Y-%m-%d')}, diffrisk {__version__}", report)


if __name__ == "__main__":
    raise SystemExit(main())
