"""``diffrisk calibrate``: fit the component weights and level thresholds on a team's own history.

The repository's commits are labelled with SZZ (szz.py), the mature ones (old enough for their
bugs to have been found and fixed) are scored with the current configuration, and the weights of
the four components are fitted as the additive-hazard model the score is (evaluation.py).  How
well the default and the calibrated scores rank the repository's own bug-inducing commits is
measured by ROC-AUC, in-sample and by 5-fold cross-validation (the honest figure).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from diffrisk import git, history, szz
from diffrisk.config import COMPONENTS, Config
from diffrisk.errors import DiffriskError
from diffrisk.evaluation import auc, fit_hazard
from diffrisk.model import CommitScore
from diffrisk.scoring import to_score

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


@dataclass(frozen=True)
class Calibration:
    commits: int
    bug_inducing: int
    fixes: int
    weights: dict[str, float]
    thresholds: tuple[int, int, int]
    auc_default: float | None
    auc_calibrated: float | None
    auc_calibrated_cv: float | None


def calibrate(repo: git.Repo, config: Config, since: str | None, jobs: int) -> Calibration:
    scored, labels, fixes = _labelled_history(repo, config, since, jobs)
    features = [[points for _, _, points in row.components] for row in scored]
    _, fitted = fit_hazard(features, labels)
    # Components the shipped fit does not score (security, readability: scale 0 in scoring.py)
    # have no points to fit here; they are left out of the table.
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
        auc_calibrated_cv=_cross_validated(features, labels, [row.sha for row in scored]),
    )


def _labelled_history(repo: git.Repo, config: Config, since: str | None, jobs: int) -> tuple[list[CommitScore], list[int], int]:
    """The mature commits that change Python, scored with unit weights, their SZZ labels, and
    how many fixes were blamed; refuses a history too short to learn from."""
    commits = szz.history(repo, since)
    if not commits:
        raise CalibrationRefused("no commits to learn from")
    newest = max(commit.timestamp for commit in commits)
    mature = [commit for commit in commits if commit.timestamp <= newest - MATURITY_DAYS * 86400]
    _require(len(mature) >= MIN_COMMITS, f"only {len(mature)} commits are over {MATURITY_DAYS} days old")
    fixes = [commit for commit in commits if szz.is_fix(commit.message)]
    inducing = szz.bug_inducing(repo, fixes)
    shas = [commit.sha for commit in mature]
    baseline = replace(config, weights={name: 1.0 for name in COMPONENTS})
    rows = history.score(repo, baseline, shas, history.commit_infos(repo, shas), jobs)
    scored = [row for row in rows if row.size is not None and row.size.python_files]
    labels = [int(row.sha in inducing) for row in scored]
    _require(len(scored) >= MIN_COMMITS, f"only {len(scored)} mature commits change Python")
    _require(sum(labels) >= MIN_BUG_INDUCING, f"only {sum(labels)} of them are bug-inducing by SZZ")
    return scored, labels, len(fixes)


def _require(condition: bool, reason: str) -> None:
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


def as_toml(result: Calibration) -> str:
    """The tables to paste under ``[tool.diffrisk]`` in pyproject.toml."""
    weights = "\n".join(f"{name} = {value}" for name, value in result.weights.items())
    low, middle, high = result.thresholds
    return f"[tool.diffrisk.weights]\n{weights}\n\n[tool.diffrisk.thresholds]\nL1 = {low}\nL2 = {middle}\nL3 = {high}\n"


def write(pyproject: str, result: Calibration) -> None:
    """Set ``[tool.diffrisk] weights`` and ``thresholds`` in ``pyproject``, keeping everything else."""
    import tomlkit

    try:
        with open(pyproject, encoding="utf-8") as handle:
            document = tomlkit.parse(handle.read())
    except FileNotFoundError:
        document = tomlkit.document()
    except (OSError, tomlkit.exceptions.TOMLKitError) as error:
        raise CalibrationRefused(f"cannot update {pyproject}: {error}") from None
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    section = tool.setdefault("diffrisk", tomlkit.table())
    weights = tomlkit.table()
    for name, value in result.weights.items():
        weights[name] = value
    thresholds = tomlkit.table()
    for name, value in zip(("L1", "L2", "L3"), result.thresholds):
        thresholds[name] = value
    section["weights"] = weights
    section["thresholds"] = thresholds
    with open(pyproject, "w", encoding="utf-8") as handle:
        handle.write(tomlkit.dumps(document))
