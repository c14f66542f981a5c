"""Fit the hotspot ranking's weights on the development histories (after hotspot_eval.py).

    python benchmarks/fit_hotspots.py --mirrors DIR [--work DIR] [--terms a,b,...]

The ranking (diffrisk/scoring/hotspots.py) puts units in tiers first (product code, then test and
generated code, then functions the change deleted: SZZ never blames a test line or a deleted one,
so no history can say they should come first), and inside a tier orders them by a weighted sum of
their terms (Hotspot.terms).  The weights are those of a conditional logit: for each bug-inducing
commit, the chance that the first unit picked is a buggy one is a softmax of the weighted sums
over its units, and the weights maximise the log of that chance over all commits (with a small
ridge penalty), by Newton steps.  That is the quantity hit@1 counts.

It prints the fitted weights, and per repository hit@1 / hit@3 / MRR of: LA-tl, the order
hotspot_eval.py recorded (the shipped one), the fitted weights in-sample, and leave-one-repository-
out (each repository ranked with weights fitted on the others: the honest figure), with a pooled
paired bootstrap interval of leave-one-out minus LA-tl.  Needs numpy (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import hotspot_eval
import numpy
import readme_block

from diffrisk.scoring.hotspots import TIER_TERMS

RIDGE = 1.0
STEPS = 25

Commit = hotspot_eval.Commit


def tier(unit: dict[str, object]) -> int:
    terms = unit["terms"]
    assert isinstance(terms, dict)
    return -max((rank for name, rank in TIER_TERMS.items() if terms.get(name)), default=0)


def fit(commits: Sequence[Commit], names: Sequence[str]) -> list[float]:
    """Conditional-logit weights over the first tier of each commit (the one holding units a
    reviewer starts with)."""
    blocks = []
    for commit in commits:
        top = max(tier(unit) for unit in commit)
        units = [unit for unit in commit if tier(unit) == top]
        if any(unit["buggy"] for unit in units) and not all(unit["buggy"] for unit in units):
            rows = numpy.array([[float(unit["terms"].get(name, 0.0)) for name in names] for unit in units])
            blocks.append((rows, numpy.array([bool(unit["buggy"]) for unit in units])))
    weights = numpy.zeros(len(names))
    for _ in range(STEPS):
        gradient = -RIDGE * weights
        fisher = RIDGE * numpy.eye(len(names))
        for rows, labels in blocks:
            scores = rows @ weights
            exps = numpy.exp(scores - scores.max())
            p = exps / exps.sum()
            q = numpy.where(labels, exps, 0.0)
            q /= q.sum()
            gradient += (q - p) @ rows
            # The covariance under p: the Fisher information of the softmax (positive definite
            # with the ridge), so every step climbs even where several units are buggy.
            centred = rows - p @ rows
            fisher += (centred * p[:, None]).T @ centred
        step = numpy.linalg.solve(fisher, gradient)
        weights += step
        if numpy.abs(step).max() < 1e-6:
            break
    return [float(w) for w in weights]


def ranked_by(weights: Sequence[float], names: Sequence[str]) -> hotspot_eval.Order:
    def key(unit: dict[str, object]) -> tuple[float, ...]:
        terms = unit["terms"]
        assert isinstance(terms, dict)
        return (tier(unit), round(sum(w * float(terms.get(name, 0.0)) for w, name in zip(weights, names)), 9))
    return key


def _means(results: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    return tuple(sum(r[i] for r in results) / len(results) for i in range(3))  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", required=True)
    parser.add_argument("--labels", default=str(hotspot_eval.HERE.parent.parent / "shared" / "eval" / "dev"))
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "diffrisk-hotspots"))
    parser.add_argument("--terms", help="comma-separated terms to fit (default: every non-tier term)")
    parser.add_argument("--write-readme", action="store_true", help="put the weights and the table into benchmarks/README.md")
    args = parser.parse_args(argv)
    args.rescore = args.rescore_blame = False
    args.sample, args.jobs = 150, 1
    repos = sorted(path.stem.replace("+", "/") for path in (Path(args.work) / "units").glob("*.json"))
    per_repo = {repo: [hotspot_eval.with_file_index(c) for c in hotspot_eval.load(repo, args)] for repo in repos}
    every = sorted({name for judged in per_repo.values() for commit in judged for unit in commit for name in unit["terms"]})
    names = args.terms.split(",") if args.terms else [name for name in every if name not in TIER_TERMS]
    pooled = [commit for judged in per_repo.values() for commit in judged]
    weights = fit(pooled, names)
    report = ["Fitted weights (all repositories):", "", "```python"]
    report += [f"    {name!r}: {weight:.3f}," for name, weight in zip(names, weights)]
    report += ["```", ""]
    rows: dict[str, list[tuple[float, float, float]]] = {"LA-tl": [], "shipped": [], "fitted in-sample": [], "leave-one-out": []}
    lines = ["| repository | commits | " + " | ".join(f"{name} hit@1 / hit@3 / MRR" for name in rows) + " |",
             "|---" * (len(rows) + 2) + "|"]
    per_repo_means: dict[str, list[tuple[float, float, float]]] = {name: [] for name in rows}
    for repo, judged in per_repo.items():
        others = [commit for other, commits_ in per_repo.items() if other != repo for commit in commits_]
        held_out = fit(others, names)
        orders = {
            "LA-tl": hotspot_eval.ORDERS["LA-tl"], "shipped": hotspot_eval.ORDERS["diffrisk"],
            "fitted in-sample": ranked_by(weights, names), "leave-one-out": ranked_by(held_out, names),
        }
        cells = []
        for name, order in orders.items():
            results = [hotspot_eval.first_buggy(commit, order) for commit in judged]
            rows[name] += results
            per_repo_means[name].append(_means(results))
            cells.append(" / ".join(f"{v:.3f}" for v in _means(results)))
        lines.append(f"| {repo} | {len(judged)} | " + " | ".join(cells) + " |")
        print(f"{repo}: done", file=sys.stderr)
    lines.append(f"| **pooled** | {len(pooled)} | " + " | ".join(" / ".join(f"{v:.3f}" for v in _means(rows[n])) for n in rows) + " |")
    lines.append("| **median** | | " + " | ".join(
        " / ".join(f"{statistics.median(m[i] for m in per_repo_means[n]):.3f}" for i in range(3)) for n in rows) + " |")
    report += lines + [""]
    shift = hotspot_eval.differences(rows["leave-one-out"], rows["LA-tl"])
    report.append(f"Leave-one-out minus LA-tl, pooled, 95% paired bootstrap interval: {shift}")
    text = "\n".join(report) + "\n"
    print(text)
    if args.write_readme:
        from diffrisk import __version__

        readme_block.write("hotspot-fit", f"{time.strftime('%Y-%m-%d')}, diffrisk {__version__}", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
