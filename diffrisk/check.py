"""``diffrisk check``: diff source -> diff -> analyses -> score, level, hotspots -> report."""

from __future__ import annotations

from collections.abc import Sequence

from dataclasses import replace

from diffrisk import churn, git, pipeline, rules, scoring, sources
from diffrisk.analyzers import size
from diffrisk.config import Config
from diffrisk.model import FileAnalysis, Finding, Level, Report, Severity, Verdict
from diffrisk.paths import Patterns
from diffrisk.sources import DiffRequest

#: Changed Python that does not parse cannot be reviewed by reading the diff alone.
UNPARSABLE_FLOOR = Level.L2


def run(request: DiffRequest, repo: git.Repo, config: Config, stdin: bytes = b"") -> Report:
    loaded = sources.load_diff(request, repo, stdin)
    wanted = pipeline.files_needing_contents(loaded.diff, config)
    contents, available = sources.load_contents(request, repo, loaded.diff, wanted, loaded.in_repository, config.max_file_bytes)
    analyses = pipeline.analyze(loaded.diff, contents if available else None, config)
    if loaded.base is not None and config.analyzers.get("history", True):
        analyses = _with_history(repo, loaded.base, analyses)
    return build_report(analyses, loaded.description, available or not wanted, config)


def _with_history(repo: git.Repo, base: str, analyses: Sequence[FileAnalysis]) -> tuple[FileAnalysis, ...]:
    """Add each touched Python file's year of history before the change (churn.py)."""
    paths = [
        analysis.summary.old_path or analysis.summary.path
        for analysis in analyses
        if analysis.summary.is_python and analysis.summary.status != "added"
    ]
    known = churn.recent_history(repo, base, paths)
    updated = []
    for analysis in analyses:
        found = known.get(analysis.summary.old_path or analysis.summary.path)
        if found is not None:
            summary = replace(analysis.summary, prior_changes=found.changes, prior_fixes=found.fixes)
            analysis = replace(analysis, summary=summary)
        updated.append(analysis)
    return tuple(updated)


def build_report(analyses: Sequence[FileAnalysis], description: str, contents_available: bool, config: Config) -> Report:
    counted = [analysis for analysis in analyses if not (analysis.summary.skipped or "").startswith("excluded")]
    metrics = size.measure([analysis.summary for analysis in counted], sum(a.lines_before for a in counted))
    parts = scoring.components(counted, metrics, config)
    score = scoring.total_score(parts)
    level, level_reasons = _level(score, counted, config)
    notes = [note for analysis in analyses for note in analysis.notes]
    if not contents_available:
        notes.insert(0, "file contents were not available: only the lines in the diff were analysed")
    return Report(
        source=description,
        score=score,
        level=level,
        level_reasons=level_reasons,
        review_minutes=scoring.review_minutes(metrics, score),
        components=parts,
        hotspots=scoring.hotspots(counted),
        findings=tuple(finding for analysis in counted for finding in analysis.findings),
        files=tuple(sorted((analysis.summary for analysis in analyses), key=lambda item: item.path)),
        size=metrics,
        verdict=verdict(level, config),
        report_level=config.report_level,
        contents_available=contents_available,
        notes=tuple(notes),
        failures=tuple(failure for analysis in analyses for failure in analysis.failures),
    )


def _level(score: int, analyses: Sequence[FileAnalysis], config: Config) -> tuple[Level, tuple[str, ...]]:
    level = scoring.level_for(score, config)
    reasons: list[str] = []
    security = _security_floor(analyses)
    if security is not None and level.rank < security[0].rank:
        level = security[0]
        reasons.append(f"raised to {level.value}: {security[1]}")
    if any(finding.rule in rules.UNREADABLE for analysis in analyses for finding in analysis.findings):
        if level.rank < UNPARSABLE_FLOOR.rank:
            level = UNPARSABLE_FLOOR
            reasons.append(f"raised to {level.value}: changed Python cannot be read as the diff shows it")
    critical = Patterns(config.critical_paths)
    touched = sorted({
        analysis.summary.path
        for analysis in analyses
        for path in (analysis.summary.path, analysis.summary.old_path)
        if path is not None and critical.first_match(path)
    })
    if touched:
        more = f" and {len(touched) - 1} more" if len(touched) > 1 else ""
        raised = level.raised()
        change = f"raised {level.value} -> {raised.value}" if raised is not level else "stays L3"
        reasons.append(f"{change}: touches critical path {touched[0]}{more}")
        level = raised
    return level, tuple(reasons)


#: The least review a new security issue asks for, by bandit's severity (confidence medium or high).
SECURITY_FLOORS = {Severity.HIGH: Level.L2, Severity.MEDIUM: Level.L1}


def _security_floor(analyses: Sequence[FileAnalysis]) -> tuple[Level, str] | None:
    """The level the worst new security issue asks for, with why."""
    worst: Finding | None = None
    for analysis in analyses:
        for finding in analysis.findings:
            sure = finding.confidence in ("high", "medium")
            if finding.analyzer == "security" and not finding.removed and sure and finding.severity in SECURITY_FLOORS:
                if worst is None or finding.severity.rank > worst.severity.rank:
                    worst = finding
    if worst is None:
        return None
    why = f"{worst.severity.value}-severity security issue {worst.rule} at {worst.path}:{worst.line}"
    return SECURITY_FLOORS[worst.severity], why


def accepted(verdict: Verdict, reason: str) -> Verdict:
    """A change beyond policy that someone accepted, with their reason (DIFFRISK_ACCEPT)."""
    return Verdict(True, verdict.fail_level, f"accepted risk: {verdict.message} (DIFFRISK_ACCEPT: {reason})")


def verdict(level: Level, config: Config) -> Verdict:
    """Beyond policy when the level reaches ``fail_level``."""
    if level.rank >= config.fail_level.rank:
        return Verdict(False, config.fail_level, f"beyond policy: {level.value} reaches the fail level {config.fail_level.value}")
    return Verdict(True, config.fail_level, f"within policy: {level.value} is below the fail level {config.fail_level.value}")
