"""Fit diffrisk's default point values on the development histories (after history_eval.py).

    python benchmarks/fit_weights.py [--work DIR]

The score is ``100 * (1 - exp(-points))`` with points a sum of non-negative terms (diffrisk/scoring/components.py).
Read as a probability that is the additive-hazard model P(bug) = 1 - exp(-(b + sum w_j x_j)), so
this script fits exactly that model: maximum likelihood over all scored commits, w_j >= 0 (every
reason can only add risk, so the components stay explainable), by projected gradient ascent (the
log-likelihood is concave in w).  The intercept b is the base rate; it is not part of the score.

It prints the fitted w, and per repository the ROC-AUC, size-stratified AUC and effort-aware
recall of: LA-code, the shipped score, the fitted points in-sample, and the fitted points under
leave-one-repository-out cross-validation (each repository scored with weights fitted on the
others: the honest figure).  Pure Python: no fitting library is needed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
from pathlib import Path

from diffrisk.scoring.evaluation import auc, effort_recall, fit_hazard, stratified_auc

#: The smells rules, each fitted as "fired at least once in the change" (its Rule.points).
SMELLS = ("DR-S001", "DR-S002", "DR-S003", "DR-S004", "DR-S005", "DR-S006", "DR-S007", "DR-S008", "DR-S009", "DR-S013", "DR-H001")
#: (name, the scoring.components constant it sets, what it multiplies), in the order of ``features``.
FEATURES = (
    ("code_added", "CODE_ADDED", "sqrt(lines added to non-test Python)"),
    ("code_deleted", "CODE_DELETED", "sqrt(lines deleted from non-test Python)"),
    ("test_lines", "TEST_LINES", "sqrt(test lines added and deleted)"),
    ("other_lines", "OTHER_LINES", "sqrt(lines changed in other files)"),
    ("directories", "PER_DIRECTORY", "directory beyond the first (at most 10)"),
    ("complexity", "COMPONENT_SCALE['complexity']", "complexity points at the current scale"),
    ("security", "(security: any bandit issue)", "commit with a new bandit issue (scale stays 0 if this is 0)"),
    ("readability", "(readability: any DR-R finding)", "commit with a DR-R finding (scale stays 0 if this is 0)"),
    ("history", "PRIOR_FIXES", "log(1 + bug fixes to the changed files in the year before)"),
    *((rule, f"RULES['{rule}'].points", f"commit where {rule} fires") for rule in SMELLS),
)


def all_features(record: dict[str, object]) -> list[float]:
    """The terms of the score, unweighted, as diffrisk log reported them."""
    from diffrisk.model import ComponentName
    from diffrisk.scoring import components

    result = record["result"]
    assert isinstance(result, dict)
    size = result["size"]
    points = result["points"]
    fired = result.get("rules") or {}
    scale = components.COMPONENT_SCALE
    return [
        math.sqrt(size["code_lines_added"]),
        math.sqrt(size["code_lines_deleted"]),
        math.sqrt(size["test_lines_added"] + size["test_lines_deleted"]),
        math.sqrt(size["other_lines_added"] + size["other_lines_deleted"]),
        min(float(max(size["directories"] - 1, 0)), 10.0),
        float(points["complexity"]) / scale[ComponentName.COMPLEXITY],
        float(any(rule[:1] == "B" and rule[1:].isdigit() for rule in fired)),
        float(any(rule.startswith("DR-R") for rule in fired)),
        float(points.get("history", 0.0)) / components.PRIOR_FIXES,
        *(float(bool(fired.get(rule))) for rule in SMELLS),
    ]


def points(weights: list[float], row: list[float]) -> float:
    return sum(w * x for w, x in zip(weights, row))


def figures(records: list[dict[str, object]], priority: list[float]) -> dict[str, float | None]:
    labels = [int(record["bug"]) for record in records]  # type: ignore[call-overload]
    la_code = [float(record["la_code"]) for record in records]  # type: ignore[arg-type]
    effort = [int(record["changed"]) for record in records]  # type: ignore[call-overload]
    return {
        "auc": auc(priority, labels),
        "strat": stratified_auc(priority, labels, la_code),
        "recall": effort_recall([value / max(lines, 1) for value, lines in zip(priority, effort)], effort, labels),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "diffrisk-eval"))
    parser.add_argument("--sweeps", type=int, default=60)
    parser.add_argument("--drop", default="", help="comma-separated feature names to leave out (to compare with and without)")
    args = parser.parse_args(argv)
    dropped = {index for index, (name, _, _) in enumerate(FEATURES) if name in args.drop.split(",")}

    def features(record: dict[str, object]) -> list[float]:
        return [0.0 if index in dropped else value for index, value in enumerate(all_features(record))]

    data = {path.stem: json.loads(path.read_text()) for path in sorted((Path(args.work) / "all").glob("*.json"))}
    all_rows = [features(record) for records in data.values() for record in records]
    all_labels = [int(record["bug"]) for records in data.values() for record in records]
    bias, weights = fit_hazard(all_rows, all_labels, args.sweeps)
    print(f"fitted on {len(all_rows)} commits of {len(data)} repositories; base rate term b = {bias:.4f}")
    for (_, constant, meaning), weight in zip(FEATURES, weights):
        print(f"  {constant:<32} = {weight:.4f}  # per {meaning}")
    rows: list[tuple[str, list[dict[str, float | None]]]] = []
    for repo, records in data.items():
        others = [record for other, group in data.items() if other != repo for record in group]
        _, held_out = fit_hazard([features(r) for r in others], [int(r["bug"]) for r in others], args.sweeps)
        own = [features(record) for record in records]
        rows.append((repo, [
            figures(records, [float(record["la_code"]) for record in records]),
            figures(records, [float(record["result"]["score"]) for record in records]),
            figures(records, [points(weights, row) for row in own]),
            figures(records, [points(held_out, row) for row in own]),
        ]))
    names = ("LA-code", "shipped score", "fitted (in-sample)", "fitted (leave-one-repo-out)")
    for measure in ("auc", "strat", "recall"):
        print(f"\n{measure}: " + " | ".join(names))
        for repo, results in rows:
            print(f"  {repo:<36} " + "  ".join(_cell(result[measure]) for result in results))
        medians = [
            statistics.median([value for _, results in rows if (value := results[index][measure]) is not None]) for index in range(4)
        ]
        print(f"  {'median':<36} " + "  ".join(f"{value:.3f}" for value in medians))
    return 0


def _cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
