"""The review level: the score's level, then the floors rules set on it (security issues, smells
of what gets installed or runs with credentials, unreadable code, critical paths, AI authorship),
each with the reason it applied."""

from __future__ import annotations

from collections.abc import Sequence

from diffrisk import rules
from diffrisk.config import Config
from diffrisk.model import FileAnalysis, Finding, Level
from diffrisk.paths import Patterns


def level_for(score: int, config: Config) -> Level:
    """The level the score alone reaches under the configured thresholds."""
    level = Level.L0
    for candidate, threshold in zip((Level.L1, Level.L2, Level.L3), config.thresholds):
        if score >= threshold:
            level = candidate
    return level


def level(score: int, analyses: Sequence[FileAnalysis], config: Config) -> tuple[Level, tuple[str, ...]]:
    """The change's level and why it differs from the score's own."""
    found = level_for(score, config)
    reasons: list[str] = []
    for floor in (_security_floor(analyses), _smell_floor(analyses), _unreadable_floor(analyses)):
        if floor is not None and found.rank < floor[0].rank:
            found = floor[0]
            reasons.append(f"raised to {found.value}: {floor[1]}")
    critical = Patterns(config.critical_paths)
    touched = sorted({
        analysis.summary.path
        for analysis in analyses
        for path in (analysis.summary.path, analysis.summary.old_path)
        if path is not None and critical.first_match(path)
    })
    if touched:
        more = f" and {len(touched) - 1} more" if len(touched) > 1 else ""
        raised = found.raised()
        change = f"raised {found.value} -> {raised.value}" if raised is not found else "stays L3"
        reasons.append(f"{change}: touches critical path {touched[0]}{more}")
        found = raised
    return found, tuple(reasons)


def raised_for_ai(level: Level, steps: int) -> tuple[Level, str]:
    """``level`` raised by ``steps`` (ai.raise_level), with why."""
    raised = level
    for _ in range(steps):
        raised = raised.raised()
    change = f"raised {level.value} -> {raised.value}" if raised is not level else f"stays {level.value}"
    return raised, f"{change}: AI-authored change (ai.raise_level = {steps})"


def _security_floor(analyses: Sequence[FileAnalysis]) -> tuple[Level, str] | None:
    """The level the worst new security issue asks for, with why."""
    worst: Finding | None = None
    for analysis in analyses:
        for finding in analysis.findings:
            sure = finding.confidence in ("high", "medium")
            if finding.analyzer == "security" and not finding.removed and sure and finding.severity in rules.SECURITY_FLOORS:
                if worst is None or finding.severity.rank > worst.severity.rank:
                    worst = finding
    if worst is None:
        return None
    why = f"{worst.severity.value}-severity security issue {worst.rule} at {worst.path}:{worst.line}"
    return rules.SECURITY_FLOORS[worst.severity], why


def _smell_floor(analyses: Sequence[FileAnalysis]) -> tuple[Level, str] | None:
    """The least review a supply-chain or privilege smell asks for (rules.SMELL_FLOORS)."""
    for analysis in analyses:
        for finding in analysis.findings:
            floor = rules.SMELL_FLOORS.get(finding.rule)
            if floor is not None and not finding.removed:
                return floor, f"{finding.rule} {finding.message} at {finding.path}:{finding.line}"
    return None


def _unreadable_floor(analyses: Sequence[FileAnalysis]) -> tuple[Level, str] | None:
    if any(finding.rule in rules.UNREADABLE for analysis in analyses for finding in analysis.findings):
        return rules.UNREADABLE_FLOOR, "changed Python cannot be read as the diff shows it"
    return None
