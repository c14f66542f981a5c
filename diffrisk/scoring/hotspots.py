"""Hotspots: every function, class body or module-level block the change touched, in two lists.

- "bugs": where a bug most likely is, first.  Units come in tiers (product code; then test and
  generated code; then functions the change deleted), and inside a tier by a weighted sum of their
  terms (``_terms``: added and deleted lines, length, complexity, findings, the file's history).
  The weights were fitted on the development histories' line-level bug labels
  (benchmarks/fit_hotspots.py; figures in benchmarks/README.md), where this order finds the buggy
  unit first more often than "most added lines first, tests last".
- "security": the units holding a security finding, most severe first, with the lines to read.
  They stay first-class without displacing the unit most likely to hold a bug.

Each hotspot keeps ``risk``, the unit's own risk points on the 0-100 scale (what the HTML report
colours by), and ``likelihood``, its share of the ranking's odds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from diffrisk import rules
from diffrisk.model import CYCLOMATIC_COMPLEXITY, ComponentName, FileAnalysis, FileSummary, Finding, Hotspot, Reach, Side, UnitChange
from diffrisk.records import replace
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

#: Terms that put a unit in a later tier, whatever its weights: SZZ never blames a line of a
#: test file or of a deleted function, so no history can say a reviewer should start there; and a
#: function whose body does nothing (a stub) holds nothing that can go wrong.
TIER_TERMS = {"test": 1, "generated": 1, "stub": 1, "removed_unit": 2}


#: Each term's weight in the order inside a tier (benchmarks/fit_hotspots.py, all 18 development
#: histories; a positive weight moves a unit up).
WEIGHTS = {
    "added": 1.096,
    "class_body": -0.731,
    "complexity": 0.306,
    "complexity_gain": 0.294,
    "deleted": 0.102,
    "file_changes": 0.213,
    "file_fixes": -0.086,
    "length": -0.203,
    "module_level": 0.204,
    "new_file": -0.141,
    "new_function": -0.379,
    "other_findings": -0.011,
    "renamed": -0.763,
    "security_findings": 0.265,
    "unreadable": 1.742,
    "uses": 0.064,
    # Set by argument, not fitted (the histories carry no coverage): a function no test ran
    # (DR-T001) ranks above one that tests ran, other things equal.
    "not_run": 0.5,
}
#: How much less likely each later tier is taken to be, for ``likelihood`` (e^-5: under 1%).
TIER_PENALTY = 5.0


def lists(analyses: Sequence[FileAnalysis]) -> tuple[tuple[Hotspot, ...], tuple[Hotspot, ...]]:
    """Both lists: every touched function or block, the likeliest to hold a bug first; and the
    units holding a new security finding, most severe first.  Each finding counts for the
    innermost unit that holds it (a method, not also its class)."""
    spots: list[Hotspot] = []
    security: list[tuple[int, Hotspot]] = []
    for analysis in analyses:
        by_unit = _findings_by_unit(analysis)
        for unit, inside in zip(analysis.units, by_unit):
            spots.append(_hotspot(unit, inside, analysis))
            found = [finding for finding in inside if _is_security(finding) and not finding.removed]
            if found:
                security.append((_severity(found), _security_spot(unit, found, analysis)))
        owned = {id(finding) for inside in by_unit for finding in inside}
        security += [
            (_severity([finding]), _loose(finding))
            for finding in analysis.findings
            if id(finding) not in owned and _is_security(finding) and not finding.removed
        ]
    security.sort(key=lambda item: (-item[0], -item[1].risk, item[1].path, item[1].line, item[1].name))
    return _ranked(spots), tuple(spot for _, spot in security)


def _ranked(spots: Sequence[Hotspot]) -> tuple[Hotspot, ...]:
    """The likeliest to hold a bug first, each with its share of the odds."""
    ranked = sorted(spots, key=lambda spot: (_tier(spot), -_weighed(spot), -(spot.added + spot.deleted), spot.path, spot.line, spot.name))
    odds = [math.exp(_weighed(spot) - TIER_PENALTY * _tier(spot)) for spot in ranked]
    total = sum(odds)
    return tuple(replace(spot, likelihood=int(round(100 * chance / total))) for spot, chance in zip(ranked, odds))


def _security_spot(unit: UnitChange, found: Sequence[Finding], analysis: FileAnalysis) -> Hotspot:
    """A unit of the security list: its risk from its security findings alone, their lines to read."""
    spot = _hotspot(unit, found, analysis)
    return replace(spot, source="security", lines=_lines(found), reasons=tuple(dict.fromkeys(finding.rule for finding in found)))


def _findings_by_unit(analysis: FileAnalysis) -> list[list[Finding]]:
    owners = {side: _owners(analysis.units, side) for side in _SIDES}
    owned: list[list[Finding]] = [[] for _ in analysis.units]
    for finding in analysis.findings:
        # A call elsewhere that the change broke (DR-S013) is reported with this file, at its own path.
        owner = owners["old" if finding.removed else "new"].get(finding.line) if finding.path == analysis.summary.path else None
        if owner is not None:
            owned[owner].append(finding)
    return owned


def _is_security(finding: Finding) -> bool:
    return rules.component_of(finding.rule, finding.analyzer) is ComponentName.SECURITY


def _lines(findings: Sequence[Finding]) -> tuple[int, ...]:
    return tuple(sorted({line for finding in findings for line in range(finding.line, max(finding.end_line, finding.line) + 1)}))


def _loose(finding: Finding) -> Hotspot:
    """A security finding no unit holds, as a one-line entry of the security list."""
    return Hotspot(
        path=finding.path, name="<file>", kind="file", line=finding.line, end_line=max(finding.end_line, finding.line),
        side="new", added=0, deleted=0, risk=to_score(finding_points(finding)), reasons=(finding.rule,),
        source="security", lines=_lines([finding]),
    )


_SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}


def _severity(findings: Sequence[Finding]) -> int:
    """The rank of the most severe of ``findings``."""
    return max(_SEVERITY_RANK.get(finding.severity.value, 0) for finding in findings)


def _tier(spot: Hotspot) -> int:
    terms = dict(spot.terms)
    return max((rank for name, rank in TIER_TERMS.items() if terms.get(name)), default=0)


def _weighed(spot: Hotspot) -> float:
    return sum(WEIGHTS.get(name, 0.0) * value for name, value in spot.terms)


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


def _terms(unit: UnitChange, inside: Sequence[Finding], summary: FileSummary, reach: Reach | None) -> tuple[tuple[str, float], ...]:
    """The unit's measurements the ranking weighs; counts on a log scale, as a bug's odds grow
    with size but not in proportion to it."""
    security = sum(1 for finding in inside if rules.component_of(finding.rule, finding.analyzer) is ComponentName.SECURITY)
    unreadable = any(finding.rule in rules.UNREADABLE for finding in inside)
    not_run = sum(1 for finding in inside if finding.rule == rules.UNTESTED_FUNCTION)
    # Coverage findings are not the "other findings" the weights were fitted on.
    coverage_marks = sum(1 for finding in inside if finding.rule == rules.UNTESTED_LINES)
    before = unit.before.get(CYCLOMATIC_COMPLEXITY, 0.0)
    after = unit.after.get(CYCLOMATIC_COMPLEXITY, 0.0)
    values = {
        "added": math.log1p(unit.added),
        "deleted": math.log1p(unit.deleted),
        "length": math.log1p(unit.end_line - unit.line + 1),
        "test": float(unit.is_test),
        "removed_unit": float(unit.side == "old"),
        "new_function": float(unit.is_new and unit.kind == "function" and unit.side == "new"),
        "class_body": float(unit.kind == "class"),
        "module_level": float(unit.kind == "module"),
        "complexity": math.log1p(after),
        "complexity_gain": math.log1p(max(after - before, 0.0)),
        "security_findings": math.log1p(security),
        "other_findings": math.log1p(len(inside) - security - not_run - coverage_marks),
        "not_run": float(not_run > 0),
        "unreadable": float(unreadable),
        "file_fixes": math.log1p(summary.prior_fixes or 0),
        "file_changes": math.log1p(summary.prior_changes or 0),
        "new_file": float(summary.status == "added"),
        "generated": float(summary.generated is not None),
        "renamed": float(unit.renamed_from is not None),
        "uses": math.log1p(reach.uses if reach is not None else 0),
        "stub": float(unit.stub),
    }
    return tuple((name, round(value, 4)) for name, value in values.items())


def _reach(unit: UnitChange, analysis: FileAnalysis) -> Reach | None:
    """How widely the repository uses the unit (a class's ``__init__`` is used through its class)."""
    wanted = {unit.name, unit.renamed_from, unit.name.removesuffix(".__init__")}
    return next((reach for reach in analysis.reach if reach.name in wanted), None)


#: A changed name used this often elsewhere is worth a reason even with its parameters unchanged.
WIDELY_USED = 5


def _hotspot(unit: UnitChange, inside: Sequence[Finding], analysis: FileAnalysis) -> Hotspot:
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
    reach = _reach(unit, analysis)
    if reach is not None and reach.uses and (reach.signature_changed or reach.deleted or reach.uses >= WIDELY_USED):
        reasons.append(reach.reason)
    if unit.side == "old":
        reasons.insert(0, "deleted")
    elif unit.is_new and unit.kind == "function":
        reasons.insert(0, "new stub" if unit.stub else "new")
    return Hotspot(
        path=unit.path, name=unit.name, kind=unit.kind, line=unit.line, end_line=unit.end_line, side=unit.side,
        added=unit.added, deleted=unit.deleted, risk=to_score(points), reasons=tuple(dict.fromkeys(reasons)),
        complexity_before=_int(unit.before.get(CYCLOMATIC_COMPLEXITY)),
        complexity_after=_int(unit.after.get(CYCLOMATIC_COMPLEXITY)),
        terms=_terms(unit, inside, analysis.summary, reach),
    )


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
