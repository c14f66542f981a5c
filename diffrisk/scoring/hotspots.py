"""Hotspots: every function, class body or module-level block the change touched, scored from
its own changed lines, complexity gained and findings, riskiest first.

They answer "where do I look first": security findings count at their own points here, although
they are not scored in the change's total (scoring.components), so the shell call is read first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from diffrisk import rules
from diffrisk.model import CYCLOMATIC_COMPLEXITY, ComponentName, FileAnalysis, Finding, Hotspot, Side, UnitChange
from diffrisk.scoring.components import (
    CODE_ADDED,
    CODE_DELETED,
    COMPONENT_SCALE,
    TEST_LINES,
    finding_points,
    to_score,
    unit_complexity_points,
)

_SIDES: tuple[Side, Side] = ("old", "new")


def hotspots(analyses: Sequence[FileAnalysis]) -> tuple[Hotspot, ...]:
    """Every touched function or block, riskiest first.  Each finding counts for the innermost
    unit that holds it (a method, not also its class)."""
    spots = []
    for analysis in analyses:
        owners = {side: _owners(analysis.units, side) for side in _SIDES}
        owned: dict[int, list[Finding]] = {}
        for finding in analysis.findings:
            owner = owners["old" if finding.removed else "new"].get(finding.line)
            if owner is not None:
                owned.setdefault(owner, []).append(finding)
        spots += [_hotspot(unit, owned.get(index, [])) for index, unit in enumerate(analysis.units)]
    return tuple(sorted(spots, key=lambda spot: (-spot.risk, -(spot.added + spot.deleted), spot.path, spot.line, spot.name)))


def _owners(units: Sequence[UnitChange], side: Side) -> dict[int, int]:
    """For each line of ``side``, the index of the innermost unit holding it: of the units that
    do, the one starting last, then ending first.  Built once per file, so that a file of
    thousands of functions and findings is not searched once per finding."""
    ranked = sorted((unit.line, -unit.end_line, index) for index, unit in enumerate(units) if unit.side == side)
    owners: dict[int, int] = {}
    for line, negative_end, index in ranked:
        for number in range(line, -negative_end + 1):
            owners[number] = index
    return owners


def _hotspot(unit: UnitChange, inside: Sequence[Finding]) -> Hotspot:
    size_rate = TEST_LINES if unit.is_test else CODE_ADDED
    points = size_rate * math.sqrt(unit.added) + CODE_DELETED * math.sqrt(unit.deleted)
    points += COMPONENT_SCALE[ComponentName.COMPLEXITY] * unit_complexity_points(unit)
    for finding in inside:
        component = rules.component_of(finding.rule, finding.analyzer)
        # Where to look first: a security issue is worth reading first even though it does not
        # predict bugs (its scale is 0 in the score), so hotspots count it at its own points.
        scale = 1.0 if component is ComponentName.SECURITY else COMPONENT_SCALE.get(component, 1.0)
        points += scale * finding_points(finding)
    points += sum(rules.RULES[finding.rule].points for finding in inside if finding.rule in rules.UNREADABLE)
    reasons = [finding.rule for finding in sorted(inside, key=lambda item: -finding_points(item))]
    if unit_complexity_points(unit) > 0:
        before = "" if unit.is_new else f"{int(unit.before[CYCLOMATIC_COMPLEXITY])} -> "
        reasons.insert(0, f"complexity {before}{int(unit.after[CYCLOMATIC_COMPLEXITY])}")
    if unit.renamed_from is not None:
        reasons.insert(0, f"renamed from {unit.renamed_from}")
    if unit.side == "old":
        reasons.insert(0, "deleted")
    elif unit.is_new and unit.kind == "function":
        reasons.insert(0, "new")
    return Hotspot(
        path=unit.path, name=unit.name, kind=unit.kind, line=unit.line, end_line=unit.end_line, side=unit.side,
        added=unit.added, deleted=unit.deleted, risk=to_score(points), reasons=tuple(dict.fromkeys(reasons)),
        complexity_before=_int(unit.before.get(CYCLOMATIC_COMPLEXITY)),
        complexity_after=_int(unit.after.get(CYCLOMATIC_COMPLEXITY)),
    )


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
