"""scoring.evaluation: the measures and the fit whose weights `diffrisk calibrate` writes into a
project's pyproject.toml, checked against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from diffrisk.scoring.evaluation import auc, effort_recall, fit_hazard, stratified_auc


def test_auc_counts_pairs_ranked_right_and_ties_as_half() -> None:
    assert auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75
    assert auc([1, 2, 3], [0, 1, 1]) == 1.0
    assert auc([3, 2, 1], [0, 1, 1]) == 0.0
    assert auc([5, 5, 5, 5], [0, 1, 0, 1]) == 0.5
    assert auc([1, 2], [1, 1]) is None


def test_stratified_auc_averages_inside_bins_weighted_by_size() -> None:
    # Two bins of the strata: inside the first the score ranks perfectly (1.0), inside the
    # second backwards (0.0): weighted by size, 0.5.
    scores = [1, 2, 3, 4, 4, 3, 2, 1]
    labels = [0, 0, 1, 1, 0, 0, 1, 1]
    strata = [1, 1, 1, 1, 9, 9, 9, 9]
    assert stratified_auc(scores, labels, strata, bins=2) == 0.5
    assert stratified_auc(scores, [0] * 8, strata, bins=2) is None


def test_effort_recall_walks_by_priority_until_the_budget_is_spent() -> None:
    priority = [0.9, 0.8, 0.1, 0.5]
    effort = [10, 30, 10, 50]
    labels = [1, 0, 1, 1]
    # 20% of 100 lines: the first commit (10 lines) fits, the second (30) does not.
    assert effort_recall(priority, effort, labels, budget=0.2) == pytest.approx(1 / 3)
    assert effort_recall(priority, effort, labels, budget=1.0) == 1.0
    assert effort_recall(priority, effort, [0, 0, 0, 0]) is None


def test_fit_hazard_recovers_the_rate_of_one_feature() -> None:
    # Commits with x = 1 are bug-inducing half the time, commits with x = 0 a tenth of the time:
    # 1 - exp(-b) = 0.1 and 1 - exp(-(b + w)) = 0.5.
    rows = [[0.0]] * 100 + [[1.0]] * 100
    labels = [1] * 10 + [0] * 90 + [1] * 50 + [0] * 50
    bias, (weight,) = fit_hazard(rows, labels, sweeps=200)
    assert bias == pytest.approx(-math.log(0.9), abs=1e-4)
    assert weight == pytest.approx(math.log(0.9 / 0.5), abs=1e-4)


def test_fit_hazard_never_gives_a_negative_weight() -> None:
    # A feature that marks the safe commits would want a negative weight: it gets 0.
    rows = [[1.0]] * 50 + [[0.0]] * 50
    labels = [0] * 50 + [1] * 25 + [0] * 25
    _, (weight,) = fit_hazard(rows, labels)
    assert weight == 0.0
