"""From analyses to the score's components and the score.

The score combines components like independent risks.  Each component collects risk *points*
from named reasons; with weight w its score is ``100 * (1 - exp(-w * points))`` and the total is
``100 * (1 - exp(-sum of w * points))``, which equals ``100 * (1 - prod(1 - component/100))``.
So no component can hide another, every reason adds, and nothing passes 100.

Read as a probability, that is the additive-hazard model P(bug) = 1 - exp(-points), and the
point values below were fitted as exactly that model (benchmarks/fit_weights.py: maximum
likelihood, every value >= 0) on the mature commits of the development histories, labelled
bug-inducing by SZZ; so the score reads as the chance, in percent, that a change like this one
later needs a bug fix (benchmarks/README.md has the figures).  Terms the fit set to 0 (deleted
lines, test lines, spread, security and readability points) still show their reasons; security
issues raise the level by rule instead (scoring.levels), because a security hole needs a careful
review whether or not it is a "bug".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from diffrisk import rules
from diffrisk.config import Config
from diffrisk.model import (
    CYCLOMATIC_COMPLEXITY,
    ChangedCoverage,
    Component,
    ComponentName,
    FileAnalysis,
    Finding,
    Reason,
    Severity,
    SizeMetrics,
    UnitChange,
)

# -- size and spread (fitted) ---------------------------------------------------------------------
#: Points per sqrt(line).  Lines added to non-test code carry the risk (alone they rank
#: bug-inducing commits about as well as everything else together); deleted and test lines added
#: nothing once those were counted (fitted 0), other files a little.
CODE_ADDED = 0.0568
CODE_DELETED = 0.0
TEST_LINES = 0.0
OTHER_LINES = 0.0039
#: Points per directory beyond the first, at most MAX_SPREAD (Kamei et al. found diffusion
#: predictive; on the development histories it added nothing beyond size: fitted 0).
PER_DIRECTORY = 0.0
MAX_SPREAD = 0.2

# -- complexity -----------------------------------------------------------------------------------
#: Points per unit of cyclomatic complexity a function gained, and per unit above the limit.
COMPLEXITY_GAINED = 0.04
COMPLEXITY_OVER_LIMIT = 0.03
#: Points per point of maintainability index lost by a file.
MAINTAINABILITY_LOST = 0.01

# -- security -------------------------------------------------------------------------------------
SEVERITY_POINTS = {Severity.HIGH: 0.8, Severity.MEDIUM: 0.4, Severity.LOW: 0.1, Severity.INFO: 0.0}
CONFIDENCE_FACTOR = {"high": 1.0, "medium": 0.7, "low": 0.4}
#: An issue the change removed counts for half an issue, in the change's favour.
REMOVAL_CREDIT = 0.5

# -- fitted scales ----------------------------------------------------------------------------------
#: Multipliers of the hand-set complexity, security and readability points above, fitted.
#: Complexity gained adds beyond size; security and readability points did not predict bugs
#: beyond size (fitted 0): their findings are shown for the reviewer, and high-severity security
#: issues raise the level by rule (scoring.levels).
COMPONENT_SCALE = {
    ComponentName.COMPLEXITY: 0.0626, ComponentName.SECURITY: 0.0, ComponentName.READABILITY: 0.0, ComponentName.SMELLS: 1.0,
}

# -- untested code --------------------------------------------------------------------------------
#: Points per sqrt(added statement no test ran), set by argument, not fitted (the histories carry
#: no coverage): the size component prices an added line of code at CODE_ADDED, as code is usually
#: tested; a line no test ran is counted once more at that rate, so an untested change weighs as
#: much as one twice its size.  A function no test ran at all (DR-T001) adds its rule's points.
UNTESTED_ADDED = CODE_ADDED

# -- history --------------------------------------------------------------------------------------
#: Points per log(1 + bug-fix commits that touched the changed code files in the year before), fitted.
PRIOR_FIXES = 0.0595


def count(number: int, singular: str, plural: str | None = None) -> str:
    """"1 line", "2 lines": a report that says "1 bug-fix commits" reads as careless."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def to_score(points: float) -> int:
    """The 0-100 score of ``points``: 100 * (1 - exp(-points))."""
    return int(round(100 * (1 - math.exp(-max(points, 0.0)))))


def components(
    analyses: Sequence[FileAnalysis], size: SizeMetrics, config: Config, coverage: Sequence[ChangedCoverage] = (),
) -> tuple[Component, ...]:
    """Every component, in ComponentName's order, with its reasons riskiest first."""
    reasons = {
        ComponentName.SIZE: _size_reasons(size),
        ComponentName.COMPLEXITY: _complexity_reasons(analyses),
        ComponentName.SECURITY: _finding_reasons(analyses, ComponentName.SECURITY),
        ComponentName.READABILITY: _finding_reasons(analyses, ComponentName.READABILITY),
        ComponentName.SMELLS: _smell_reasons(analyses),
        ComponentName.HISTORY: _history_reasons(analyses),
        ComponentName.TESTS: _untested_reasons(coverage) + _finding_reasons(analyses, ComponentName.TESTS),
    }
    result = []
    for name, found in reasons.items():
        weight = config.weights.get(name.value, 1.0)
        # Reasons keep their own points (to rank them); the component's fitted scale and the
        # user's weight decide what they add to the score.
        weight *= COMPONENT_SCALE.get(name, 1.0)
        points = max(0.0, sum(reason.points for reason in found)) * weight
        ordered = tuple(sorted(found, key=lambda reason: (-reason.points, reason.path or "", reason.line or 0, reason.message)))
        result.append(Component(name, to_score(points), round(points, 4), weight, ordered))
    return tuple(result)


def total_score(parts: Iterable[Component]) -> int:
    return to_score(sum(part.points for part in parts))


# -- reasons --------------------------------------------------------------------------------------


def _size_reasons(size: SizeMetrics) -> list[Reason]:
    reasons: list[Reason] = []
    if size.code_lines_added or size.code_lines_deleted:
        points = CODE_ADDED * math.sqrt(size.code_lines_added) + CODE_DELETED * math.sqrt(size.code_lines_deleted)
        reasons.append(Reason(points, f"{count(size.code_lines_added, 'line')} of Python code added, {size.code_lines_deleted} deleted"))
    test_lines = size.test_lines_added + size.test_lines_deleted
    if test_lines:
        reasons.append(Reason(TEST_LINES * math.sqrt(test_lines), f"{count(test_lines, 'test line')} changed"))
    other_lines = size.other_lines_added + size.other_lines_deleted
    if other_lines:
        reasons.append(Reason(OTHER_LINES * math.sqrt(other_lines), f"{count(other_lines, 'line')} changed in other files"))
    if size.directories > 1:
        spread = min(MAX_SPREAD, PER_DIRECTORY * (size.directories - 1))
        reasons.append(Reason(spread, f"spread over {count(size.files, 'file')} in {count(size.directories, 'directory', 'directories')}"))
    return reasons


def _complexity_reasons(analyses: Sequence[FileAnalysis]) -> list[Reason]:
    reasons: list[Reason] = []
    for analysis in analyses:
        for unit in analysis.units:
            points = unit_complexity_points(unit)
            if points > 0:
                reasons.append(Reason(points, _complexity_message(unit), unit.path, unit.line))
        before, after = analysis.summary.maintainability_before, analysis.summary.maintainability_after
        if before is not None and after is not None and after < before - 1:
            reasons.append(Reason(
                MAINTAINABILITY_LOST * (before - after),
                f"{analysis.summary.path} maintainability index {before:.0f} -> {after:.0f}",
                analysis.summary.path,
            ))
        for finding in analysis.findings:
            if finding.rule in rules.UNREADABLE:
                reasons.append(Reason(rules.RULES[finding.rule].points, f"{finding.path}: {finding.message}", finding.path, finding.line))
    return reasons


def unit_complexity_points(unit: UnitChange) -> float:
    """Points for the cyclomatic complexity a function gained (new functions start from 1)."""
    after = unit.after.get(CYCLOMATIC_COMPLEXITY)
    if after is None or unit.side != "new" or unit.is_test:
        return 0.0  # test code counts through its size (TEST_LINES), not its branches
    before = unit.before.get(CYCLOMATIC_COMPLEXITY, 1.0 if unit.is_new else after)
    gained = after - before
    if gained <= 0:
        return 0.0
    return COMPLEXITY_GAINED * gained + COMPLEXITY_OVER_LIMIT * max(0.0, after - max(before, rules.COMPLEXITY_LIMIT))


def _complexity_message(unit: UnitChange) -> str:
    after = int(unit.after[CYCLOMATIC_COMPLEXITY])
    if unit.is_new:
        return f"new function `{unit.name}` cyclomatic complexity {after}"
    return f"`{unit.name}` cyclomatic complexity {int(unit.before[CYCLOMATIC_COMPLEXITY])} -> {after}"


def finding_points(finding: Finding) -> float:
    """Points one finding adds (negative for a security issue the change removed)."""
    if rules.component_of(finding.rule, finding.analyzer) is ComponentName.SECURITY:
        points = SEVERITY_POINTS[finding.severity] * CONFIDENCE_FACTOR.get(finding.confidence or "high", 1.0)
        return -REMOVAL_CREDIT * points if finding.removed else points
    rule = rules.RULES.get(finding.rule)
    return rule.points if rule is not None and rule.component in _POINTED else 0.0


#: Components whose rules carry their own points (security's come from bandit's severities).
_POINTED = (ComponentName.READABILITY, ComponentName.SMELLS, ComponentName.TESTS)


def _finding_reasons(analyses: Sequence[FileAnalysis], component: ComponentName) -> list[Reason]:
    reasons = []
    for analysis in analyses:
        for finding in analysis.findings:
            if rules.component_of(finding.rule, finding.analyzer) != component:
                continue
            points = finding_points(finding)
            if points:
                reasons.append(Reason(points, finding_reason(finding), finding.path, finding.line))
    return reasons


def _smell_reasons(analyses: Sequence[FileAnalysis]) -> list[Reason]:
    """One reason per smell rule that fired: each rule's points were fitted as "fired at least
    once in the change" (benchmarks/fit_weights.py), so repeats add no points but are counted."""
    first: dict[str, Finding] = {}
    counts: dict[str, int] = {}
    for analysis in analyses:
        for finding in analysis.findings:
            if finding.removed or rules.component_of(finding.rule, finding.analyzer) is not ComponentName.SMELLS:
                continue
            first.setdefault(finding.rule, finding)
            counts[finding.rule] = counts.get(finding.rule, 0) + 1
    reasons = []
    for rule, finding in sorted(first.items()):
        more = f" (and {counts[rule] - 1} more)" if counts[rule] > 1 else ""
        reasons.append(Reason(rules.RULES[rule].points, f"{finding_reason(finding)}{more}", finding.path, finding.line))
    return reasons


def finding_reason(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}"
    if finding.analyzer in ("security", "weaknesses"):
        cwe = f", CWE-{finding.cwe}" if finding.cwe else ""
        verb = "removed" if finding.removed else "at"
        return f"{finding.rule} {finding.message} {verb} {where} ({finding.severity.value} severity, {finding.confidence} confidence{cwe})"
    return f"{finding.rule} {finding.message} at {where}"


def _untested_reasons(coverage: Sequence[ChangedCoverage]) -> list[Reason]:
    """Added statements no test ran, in the files the coverage data measured (change.covered)."""
    missed = [
        (item.executable - item.covered, item.path)
        for item in coverage if item.status == "measured" and item.executable > item.covered
    ]
    total = sum(count for count, _ in missed)
    if not total:
        return []
    named = ", ".join(f"{path} {count}" for count, path in sorted(missed, key=lambda item: (-item[0], item[1]))[:3])
    more = f" and {len(missed) - 3} more files" if len(missed) > 3 else ""
    return [Reason(UNTESTED_ADDED * math.sqrt(total), f"{count(total, 'added statement')} no test ran ({named}{more})")]


def _history_reasons(analyses: Sequence[FileAnalysis]) -> list[Reason]:
    """Bug fixes that touched the changed code files in the year before (history.fixes)."""
    counted = [
        analysis.summary for analysis in analyses
        if analysis.summary.prior_fixes and not analysis.summary.is_test and not analysis.summary.mechanical
    ]
    total = sum(summary.prior_fixes or 0 for summary in counted)
    if not total:
        return []
    worst = sorted(counted, key=lambda summary: (-(summary.prior_fixes or 0), summary.path))
    named = ", ".join(f"{summary.path} {summary.prior_fixes}" for summary in worst[:3])
    more = f" and {len(worst) - 3} more files" if len(worst) > 3 else ""
    message = f"{count(total, 'bug-fix commit')} touched the changed files in the year before ({named}{more})"
    return [Reason(PRIOR_FIXES * math.log1p(total), message)]
