"""Fit the component weights and level thresholds on a team's own history (``diffrisk calibrate``).

The repository's commits are labelled with SZZ (history.szz), the mature ones (old enough for their
bugs to have been found and fixed) are scored with unit weights (commands.calibrate), and the
weights of the components are fitted as the additive-hazard model the score is (evaluation).  How
well the default and the calibrated scores rank the repository's own bug-inducing commits is
measured by ROC-AUC, in-sample and by 5-fold cross-validation (the honest figure).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from diffrisk.config import COMPONENTS
from diffrisk.errors import DiffriskError
from diffrisk.model import CommitScore
from diffrisk.records import record
from diffrisk.scoring.components import to_score
from diffrisk.scoring.evaluation import auc, fit_hazard

#: Fewer commits or bug-inducing ones than this and a fit says more about chance than the team.
MIN_COMMITS = 200
MIN_BUG_INDUCING = 30
#: A commit's bugs need time to be found: only commits this much older than HEAD are labelled.
MATURITY_DAYS = 365
#: The calibrated thresholds put this share of the history's commits below L1, L2 and L3.
LEVEL_QUANTILES = (0.5, 0.8, 0.95)
FOLDS = 5


class CalibrationRefused(DiffriskError):
    """The history cannot support an honest fit (exit code 2, like other input problems)."""


@record
class Calibration:
    commits: int
    bug_inducing: int
    fixes: int
    weights: dict[str, float]
    thresholds: tuple[int, int, int]
    auc_default: float | None
    auc_calibrated: float | None
    auc_calibrated_cv: float | None


def fit(scored: Sequence[CommitScore], labels: Sequence[int], fixes: int) -> Calibration:
    """The weights and thresholds that fit ``scored`` (commits scored with unit weights) to their
    SZZ ``labels`` (1: bug-inducing); ``fixes`` is how many fixes were blamed, for the report."""
    require(len(scored) >= MIN_COMMITS, f"only {len(scored)} mature commits change Python")
    require(sum(labels) >= MIN_BUG_INDUCING, f"only {sum(labels)} of them are bug-inducing by SZZ")
    features = [[points for _, _, points in row.components] for row in scored]
    _, fitted = fit_hazard(features, labels)
    # Components the shipped fit does not score (security, readability: scale 0 in
    # scoring.components) have no points to fit here; they are left out of the table.
    scored_components = [index for index in range(len(COMPONENTS)) if any(row[index] for row in features)]
    weights = {COMPONENTS[index]: round(fitted[index], 3) for index in scored_components}
    calibrated = [sum(w * x for w, x in zip(fitted, row)) for row in features]
    scores = sorted(to_score(value) for value in calibrated)
    return Calibration(
        commits=len(scored),
        bug_inducing=sum(labels),
        fixes=fixes,
        weights=weights,
        thresholds=_thresholds(scores),
        auc_default=auc([sum(row) for row in features], labels),
        auc_calibrated=auc(calibrated, labels),
        auc_calibrated_cv=_cross_validated(features, [*labels], [row.sha for row in scored]),
    )


def require(condition: bool, reason: str) -> None:
    """Refuse (CalibrationRefused) a history too short to fit anything honest."""
    if not condition:
        raise CalibrationRefused(
            f"the history is too short to fit anything honest: {reason} "
            f"(needs {MIN_COMMITS} mature commits changing Python, {MIN_BUG_INDUCING} of them bug-inducing)"
        )


def _thresholds(scores: Sequence[int]) -> tuple[int, int, int]:
    """Scores at the level quantiles, made strictly rising within 1..100."""
    picked: list[int] = []
    for share in LEVEL_QUANTILES:
        value = scores[min(int(share * len(scores)), len(scores) - 1)]
        floor = picked[-1] + 1 if picked else 1
        picked.append(min(max(value, floor), 98 + len(picked)))
    return picked[0], picked[1], picked[2]


def _cross_validated(features: list[list[float]], labels: list[int], shas: list[str]) -> float | None:
    """AUC of held-out predictions: each commit scored by weights fitted without its fold."""
    folds = [int(hashlib.sha1(sha.encode(), usedforsecurity=False).hexdigest(), 16) % FOLDS for sha in shas]
    predictions = [0.0] * len(features)
    for fold in range(FOLDS):
        train = [index for index, value in enumerate(folds) if value != fold]
        _, weights = fit_hazard([features[index] for index in train], [labels[index] for index in train])
        for index, value in enumerate(folds):
            if value == fold:
                predictions[index] = sum(w * x for w, x in zip(weights, features[index]))
    return auc(predictions, labels)


#: What a weight fitted to 0 means, beside it in the tables.
SWITCHED_OFF = "switched off: it did not predict bugs in this history"


def as_toml(result: Calibration) -> str:
    """The tables to paste under ``[tool.diffrisk]`` in pyproject.toml; a weight fitted to 0
    says why, so that nobody takes it for a mistake."""
    weights = "\n".join(f"{name} = {value}" + (f"  # {SWITCHED_OFF}" if value == 0 else "") for name, value in result.weights.items())
    low, middle, high = result.thresholds
    return f"[tool.diffrisk.weights]\n{weights}\n\n[tool.diffrisk.thresholds]\nL1 = {low}\nL2 = {middle}\nL3 = {high}\n"
