"""Measures of how well a score ranks bug-inducing commits, and the fit of the score's weights.

Used by ``diffrisk calibrate`` and by the benchmarks (benchmarks/history_eval.py,
benchmarks/fit_weights.py), so the product and its evaluation measure the same way.  Pure Python:
a few thousand commits and a handful of features need no numerical library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def auc(scores: Sequence[float], labels: Sequence[int]) -> float | None:
    """ROC-AUC by ranks (ties count half); None when one class is missing."""
    order = sorted(range(len(scores)), key=lambda index: scores[index])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    rank_sum = sum(rank for rank, label in zip(ranks, labels) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def stratified_auc(scores: Sequence[float], labels: Sequence[int], strata: Sequence[float], bins: int = 5) -> float | None:
    """AUC inside each quantile bin of ``strata``, averaged weighted by bin size (bins with one
    class only are left out)."""
    order = sorted(range(len(strata)), key=lambda index: (strata[index], index))
    total = 0.0
    weight = 0
    for part in range(bins):
        members = order[part * len(order) // bins: (part + 1) * len(order) // bins]
        value = auc([scores[index] for index in members], [labels[index] for index in members])
        if value is not None:
            total += value * len(members)
            weight += len(members)
    return total / weight if weight else None


def effort_recall(priority: Sequence[float], effort: Sequence[int], labels: Sequence[int], budget: float = 0.2) -> float | None:
    """Share of positives found when reviewing highest ``priority`` first until ``budget`` of all
    effort (changed lines) is spent; ties go to the smaller change."""
    positives = sum(labels)
    if not positives:
        return None
    order = sorted(range(len(labels)), key=lambda index: (-priority[index], effort[index], index))
    limit = budget * sum(effort)
    spent = 0
    found = 0
    for index in order:
        if spent + effort[index] > limit:
            break
        spent += effort[index]
        found += labels[index]
    return found / positives


def fit_hazard(rows: Sequence[Sequence[float]], labels: Sequence[int], sweeps: int = 60) -> tuple[float, list[float]]:
    """Maximum-likelihood (b, w) of P(y = 1) = 1 - exp(-(b + w.x)), with b > 0 and w >= 0.

    That is the score's own form (scoring.components): points add up as independent risks, and none can
    lower the risk.  The log-likelihood is concave, so cyclic coordinate ascent with one projected
    Newton step per coordinate (halved until the likelihood rises) reaches the maximum.
    """
    width = len(rows[0]) if rows else 0
    columns = [[1.0] * len(rows)] + [[float(row[j]) for row in rows] for j in range(width)]
    params = [max(sum(labels) / max(len(labels), 1), 1e-3)] + [0.0] * width
    eta = [params[0]] * len(rows)
    for _ in range(sweeps):
        moved = 0.0
        for j, column in enumerate(columns):
            gradient = hessian = 0.0
            for value, label, current in zip(column, labels, eta):
                if value == 0.0:
                    continue
                grown = math.expm1(current)
                gradient += value * ((1.0 / grown) if label else -1.0)
                if label:
                    hessian += value * value * (grown + 1.0) / (grown * grown)
            if hessian <= 0.0:
                hessian = 1e-9 + abs(gradient)
            floor = 1e-6 if j == 0 else 0.0
            step = max(floor, params[j] + gradient / hessian) - params[j]
            before = _log_likelihood(eta, labels)
            while step != 0.0:
                trial = [current + step * value for current, value in zip(eta, column)]
                if min(trial) > 0.0 and _log_likelihood(trial, labels) >= before:
                    params[j] += step
                    eta = trial
                    moved = max(moved, abs(step))
                    break
                step /= 2.0
                if abs(step) < 1e-12:
                    break
        if moved < 1e-9:
            break
    return params[0], params[1:]


def _log_likelihood(eta: Sequence[float], labels: Sequence[int]) -> float:
    return sum(math.log(-math.expm1(-value)) if label else -value for value, label in zip(eta, labels))
