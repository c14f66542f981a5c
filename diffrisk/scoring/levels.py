"""The review level: the score's level, then the floors rules set on it (security issues and
weaknesses, smells of what gets installed or runs with credentials, a policy edit, unreadable or
unread code, weakened tests, critical paths, AI authorship), each with the reason it applied."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from diffrisk import rules
from diffrisk.config import Config
from diffrisk.model import Authorship, FileAnalysis, Finding, Floor, Level
from diffrisk.paths import Patterns


def level_for(score: int, config: Config) -> Level:
    """The level the score alone reaches under the configured thresholds."""
    level = Level.L0
    for candidate, threshold in zip((Level.L1, Level.L2, Level.L3), config.thresholds):
        if score >= threshold:
            level = candidate
    return level


def level(
    score: int, analyses: Sequence[FileAnalysis], config: Config, authorship: Authorship | None = None,
) -> tuple[Level, tuple[str, ...], tuple[Floor, ...]]:
    """The change's level, why it differs from the score's own, and every floor that applied."""
    found = level_for(score, config)
    reasons: list[str] = []
    introduced = [finding for analysis in analyses for finding in analysis.findings if not finding.removed]
    ai_authored = authorship is not None and authorship.ai_authored
    floors = tuple(_floors(introduced, config, ai_authored))
    for floor in floors:
        if found.rank < floor.level.rank:
            found = floor.level
            reasons.append(f"raised to {found.value}: {floor.why}")
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
        floors += (Floor("critical-path", raised, f"touches critical path {touched[0]}{more}"),)
        found = raised
    return found, tuple(reasons), floors


def raised_for_ai(level: Level, steps: int) -> tuple[Level, str]:
    """``level`` raised by ``steps`` (ai.raise_level), with why."""
    raised = level
    for _ in range(steps):
        raised = raised.raised()
    change = f"raised {level.value} -> {raised.value}" if raised is not level else f"stays {level.value}"
    return raised, f"{change}: AI-authored change (ai.raise_level = {steps})"


def _floors(findings: Sequence[Finding], config: Config, ai_authored: bool) -> Iterator[Floor]:
    """Each kind of floor once, for its first (for security: its worst) finding, in this order."""
    severity = _security_floor(findings)
    if severity is not None:
        yield severity
    seen: set[str] = set()
    for finding in findings:
        for floor in _floors_of(finding, config, ai_authored):
            if floor.kind not in seen:
                seen.add(floor.kind)
                yield floor


def _floors_of(finding: Finding, config: Config, ai_authored: bool) -> Iterator[Floor]:
    where = f"{finding.path}:{finding.line}"
    if finding.weakness is not None and config.weaknesses.get(finding.weakness, Level.L0) is not Level.L0:
        cwe = f", CWE-{finding.cwe}" if finding.cwe else ""
        yield Floor(f"security:{finding.weakness}", config.weaknesses[finding.weakness],
                    f"{finding.weakness} ({finding.rule}{cwe}) at {where}")
    smell = rules.SMELL_FLOORS.get(finding.rule)
    if smell is not None:
        yield Floor(f"smell:{finding.rule}", smell, f"{finding.rule} {finding.message} at {where}")
    if finding.rule in rules.UNREADABLE:
        yield Floor("unreadable", rules.UNREADABLE_FLOOR, f"changed Python cannot be read as the diff shows it ({finding.rule} at {where})")
    if finding.rule == rules.UNTESTED_FUNCTION and ai_authored and config.ai.untested_floor is not Level.L0:
        yield Floor("untested-ai", config.ai.untested_floor, f"an AI-authored function no test ran ({finding.message} at {where})")
    if finding.rule == rules.NOBODY_KNOWS and config.reviewers.ownership_floor is not Level.L0:
        yield Floor("ownership", config.reviewers.ownership_floor, f"{finding.message} ({finding.rule} at {where})")
    if rules.weakens_tests(finding):
        floor = rules.TESTS_WEAKENED_AI_FLOOR if ai_authored else rules.TESTS_WEAKENED_FLOOR
        by = " by an AI-authored change" if ai_authored else ""
        yield Floor("tests-weakened", floor, f"tests weakened or switched off{by} ({finding.rule} at {where})")


def _security_floor(findings: Sequence[Finding]) -> Floor | None:
    """The level the worst new bandit issue asks for by its severity, with why."""
    worst: Finding | None = None
    for finding in findings:
        sure = finding.confidence in ("high", "medium")
        if finding.analyzer == "security" and sure and finding.severity in rules.SECURITY_FLOORS:
            if worst is None or finding.severity.rank > worst.severity.rank:
                worst = finding
    if worst is None:
        return None
    why = f"{worst.severity.value}-severity security issue {worst.rule} at {worst.path}:{worst.line}"
    return Floor("security:severity", rules.SECURITY_FLOORS[worst.severity], why)
