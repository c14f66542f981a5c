"""The report: the per-file analyses of a change scored, levelled, ranked and judged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from diffrisk import rules
from diffrisk.change import silencing, size
from diffrisk.change.file_analysis import NOSEC
from diffrisk.config import Config
from diffrisk.model import Authorship, ChangedCoverage, Diff, FileAnalysis, Finding, Report, Reviewers, Rule, Suppressed
from diffrisk.scoring import components, hotspots, levels, policy, review_time


def build(
    analyses: Sequence[FileAnalysis],
    description: str,
    contents_available: bool,
    config: Config,
    authorship: Authorship | None = None,
    diff: Diff | None = None,
    coverage: Sequence[ChangedCoverage] = (),
    coverage_sources: Sequence[str] = (),
    reviewers: Reviewers | None = None,
) -> Report:
    """The report of a change whose files were analysed into ``analyses``; ``description`` says
    what was diffed, ``authorship`` whether an agent wrote it, ``diff`` is kept for formats that
    show it."""
    analyses, suppressed = silencing.apply(analyses)
    judging = policy.policy_for(config, authorship)
    # Excluded files keep only their security findings (change.pipeline), generated ones their
    # security findings and critical paths: neither counts by its size.
    counted = list(analyses)
    sized = [
        analysis for analysis in counted
        if not (analysis.summary.skipped or "").startswith("excluded")
        and (analysis.summary.generated is None or config.analyze_generated)
    ]
    bugs, security = hotspots.lists(counted)
    metrics = size.measure([analysis.summary for analysis in sized], sum(a.lines_before for a in sized))
    parts = components.components(counted, metrics, config, coverage)
    score = components.total_score(parts)
    level, level_reasons, floors = levels.level(score, counted, judging, authorship)
    if authorship is not None and authorship.ai_authored and config.ai.raise_level:
        level, why = levels.raised_for_ai(level, config.ai.raise_level)
        level_reasons += (why,)
    notes = [note for analysis in analyses for note in analysis.notes]
    if not contents_available:
        notes.insert(0, "file contents were not available: only the lines in the diff were analysed")
    findings = tuple(finding for analysis in counted for finding in analysis.findings)
    # Findings under a # nosec the change added or edited (marked by change.file_analysis).
    suppressed += tuple(Suppressed(finding, finding.suppression) for finding in findings if finding.suppression == NOSEC)
    return Report(
        source=description,
        score=score,
        level=level,
        level_reasons=level_reasons,
        review_minutes=review_time.review_minutes([analysis.summary for analysis in analyses], score, level, config.analyze_generated),
        components=parts,
        hotspots=bugs,
        findings=findings,
        files=tuple(sorted((analysis.summary for analysis in analyses), key=lambda item: item.path)),
        size=metrics,
        verdict=policy.verdict(level, judging, authorship, coverage),
        report_level=config.report_level,
        contents_available=contents_available,
        session_limit_minutes=review_time.SESSION_LIMIT_MINUTES,
        rules=_rules_named([*findings, *(item.finding for item in suppressed)]),
        notes=tuple(notes),
        failures=tuple(failure for analysis in analyses for failure in analysis.failures),
        suppressed=suppressed,
        authorship=authorship,
        diff=diff,
        floors=floors,
        security_hotspots=security,
        coverage=tuple(coverage),
        coverage_sources=tuple(coverage_sources),
        reviewers=reviewers,
    )


def _rules_named(findings: Iterable[Finding]) -> tuple[Rule, ...]:
    """diffrisk's own rules among those the findings name, by id (formats describe them)."""
    named = {finding.rule for finding in findings}
    return tuple(rules.RULES[rule] for rule in sorted(named) if rule in rules.RULES)
