"""``diffrisk check``: diff source -> diff -> analyses -> score, level, hotspots -> report."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace

from diffrisk import changesmells, churn, commits, dependencies, git, ignores, pipeline, provenance, rules, scoring, sources
from diffrisk.analyzers import size
from diffrisk.config import Config
from diffrisk.model import Authorship, Diff, FileAnalysis, Finding, Level, Report, Severity, Verdict
from diffrisk.paths import Patterns
from diffrisk.sources import DiffRequest, SourceKind

#: Changed Python that does not parse cannot be reviewed by reading the diff alone.
UNPARSABLE_FLOOR = Level.L2


def run(
    request: DiffRequest,
    repo: git.Repo,
    config: Config,
    stdin: bytes = b"",
    declared: provenance.Provenance | None = None,
    environ: Mapping[str, str] | None = None,
    authorship: Authorship | None = None,
    jobs: int = 1,
    diff: Diff | None = None,
) -> Report:
    """Score the change ``request`` names.  ``declared`` is what --ai/--no-ai/DIFFRISK_AI said;
    ``authorship``, when given, is taken as known (``diffrisk log`` reads it for many commits at
    once); ``jobs`` processes may share a big diff's files."""
    loaded = sources.load_diff(request, repo, stdin)
    wanted = pipeline.files_needing_contents(loaded.diff, config)
    contents, available = sources.load_contents(
        request, repo, loaded.diff, wanted, loaded.in_repository, config.max_file_bytes, loaded.target
    )
    analyses = pipeline.analyze(loaded.diff, contents if available else None, config, jobs)
    if loaded.base is not None and config.analyzers.get("history", True):
        analyses = _with_history(repo, loaded.base, analyses)
    if config.analyzers.get("smells", True):
        analyses = changesmells.add_change_findings(loaded.diff, analyses)
        if loaded.in_repository and any(analysis.new_imports for analysis in analyses):
            analyses = changesmells.undeclared_imports(analyses, _project(repo, loaded))
    known = authorship is not None
    metas = commits.read(repo, loaded.base, loaded.target, request.kind is SourceKind.COMMIT) if loaded.target and not known else []
    if authorship is None:
        authorship = _authorship(request, metas, declared, os.environ if environ is None else environ, config)
    report = build_report(analyses, loaded.description, available or not wanted, config, authorship, diff=loaded.diff)
    who = commits.accepted_by(metas)
    return accept(report, who) if who else report


def _project(repo: git.Repo, loaded: sources.LoadedDiff) -> dependencies.Project:
    """The project's declarations at the change's new side (a patch: HEAD plus the patch's own lines)."""
    treeish = loaded.target
    if treeish is None and loaded.description.startswith("patch"):
        treeish = "HEAD" if git.has_head(repo) else None
    manifests = [
        (change.path, text)
        for change in loaded.diff.files
        if loaded.target is None and dependencies.is_manifest(change.path)
        for _, text in changesmells.added_lines(change)
    ]
    return dependencies.load(repo, treeish, manifests, [change.path for change in loaded.diff.files])


def _authorship(
    request: DiffRequest, metas: Sequence[commits.CommitMeta], declared: provenance.Provenance | None,
    environ: Mapping[str, str], config: Config,
) -> Authorship:
    """Whether to treat the change as AI-authored: what the user declared, else the commits'
    metadata, else (for staged or unstaged changes) the environment's agent markers."""
    if declared is not None:
        found = declared
    elif metas:
        found = provenance.of_commits([(meta.sha, meta.provenance) for meta in metas])
    elif request.kind in (SourceKind.STAGED, SourceKind.WORKTREE):
        found = provenance.of_environment(environ)
    else:
        found = provenance.HUMAN
    if not found.ai_authored:
        why = found.reason or ("no agent marker in the commits" if metas else "no agent marker in the environment" if request.kind in (SourceKind.STAGED, SourceKind.WORKTREE) else "no commit metadata (a patch)")
        return Authorship(False, why)
    lacking: tuple[str, ...] = ()
    trailer = config.ai.require_trailer
    if trailer:
        lacking = tuple(meta.sha for meta in metas if meta.provenance.ai_authored and not meta.trailer(trailer))
        if declared is not None and metas and not any(meta.provenance.ai_authored for meta in metas):
            lacking = tuple(meta.sha for meta in metas if not meta.trailer(trailer))
    return Authorship(True, found.reason or "AI-authored", lacking)


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


def build_report(
    analyses: Sequence[FileAnalysis],
    description: str,
    contents_available: bool,
    config: Config,
    authorship: Authorship | None = None,
    jobs: int = 1,
    diff: Diff | None = None,
) -> Report:
    analyses, suppressed = ignores.apply(analyses)
    policy = policy_for(config, authorship)
    counted = [analysis for analysis in analyses if not (analysis.summary.skipped or "").startswith("excluded")]
    # Generated files keep their security findings and critical paths, not their size.
    sized = [analysis for analysis in counted if analysis.summary.generated is None or config.analyze_generated]
    metrics = size.measure([analysis.summary for analysis in sized], sum(a.lines_before for a in sized))
    parts = scoring.components(counted, metrics, config)
    score = scoring.total_score(parts)
    level, level_reasons = _level(score, counted, policy)
    if authorship is not None and authorship.ai_authored and config.ai.raise_level:
        level, why = _raise_for_ai(level, config.ai.raise_level)
        level_reasons += (why,)
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
        verdict=_verdict(level, policy, authorship),
        report_level=config.report_level,
        contents_available=contents_available,
        notes=tuple(notes),
        failures=tuple(failure for analysis in analyses for failure in analysis.failures),
        suppressed=suppressed,
        authorship=authorship,
        diff=diff,
    )


def policy_for(config: Config, authorship: Authorship | None) -> Config:
    """The configuration that judges this change: ``[tool.diffrisk.ai]`` applies to AI-authored ones."""
    if authorship is None or not authorship.ai_authored:
        return config
    return replace(
        config,
        thresholds=config.ai.thresholds or config.thresholds,
        fail_level=config.ai.fail_level or config.fail_level,
    )


def _raise_for_ai(level: Level, steps: int) -> tuple[Level, str]:
    raised = level
    for _ in range(steps):
        raised = raised.raised()
    change = f"raised {level.value} -> {raised.value}" if raised is not level else f"stays {level.value}"
    return raised, f"{change}: AI-authored change (ai.raise_level = {steps})"


def _verdict(level: Level, policy: Config, authorship: Authorship | None) -> Verdict:
    if authorship is not None and authorship.lacking_trailer:
        missing = ", ".join(sha[:12] for sha in authorship.lacking_trailer[:3])
        more = f" and {len(authorship.lacking_trailer) - 3} more" if len(authorship.lacking_trailer) > 3 else ""
        return Verdict(False, policy.fail_level, f"beyond policy: AI-authored commit {missing}{more} lacks the {policy.ai.require_trailer}: trailer (ai.require_trailer)")
    return verdict(level, policy)


def _level(score: int, analyses: Sequence[FileAnalysis], config: Config) -> tuple[Level, tuple[str, ...]]:
    level = scoring.level_for(score, config)
    reasons: list[str] = []
    security = _security_floor(analyses)
    if security is not None and level.rank < security[0].rank:
        level = security[0]
        reasons.append(f"raised to {level.value}: {security[1]}")
    floor = _smell_floor(analyses)
    if floor is not None and level.rank < floor[0].rank:
        level = floor[0]
        reasons.append(f"raised to {level.value}: {floor[1]}")
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


def _smell_floor(analyses: Sequence[FileAnalysis]) -> tuple[Level, str] | None:
    """The least review a supply-chain or privilege smell asks for (rules.SMELL_FLOORS)."""
    for analysis in analyses:
        for finding in analysis.findings:
            floor = rules.SMELL_FLOORS.get(finding.rule)
            if floor is not None and not finding.removed:
                return floor, f"{finding.rule} {finding.message} at {finding.path}:{finding.line}"
    return None


def accept(report: Report, who: str) -> Report:
    """A change beyond policy that someone accepted: it passes, and the report records who
    accepted which level (Risk-Accepted-By trailer, --accept or DIFFRISK_ACCEPT)."""
    if report.verdict.within_policy:
        return report
    if report.authorship is not None and report.authorship.lacking_trailer:
        return report  # a missing required trailer is a rule, not a risk anyone can accept
    message = f"accepted: {report.level.value} accepted by {who} ({report.verdict.message})"
    return replace(report, verdict=Verdict(True, report.verdict.fail_level, message, accepted_by=who))


def verdict(level: Level, config: Config) -> Verdict:
    """Beyond policy when the level reaches ``fail_level``."""
    if level.rank >= config.fail_level.rank:
        return Verdict(False, config.fail_level, f"beyond policy: {level.value} reaches the fail level {config.fail_level.value}")
    return Verdict(True, config.fail_level, f"within policy: {level.value} is below the fail level {config.fail_level.value}")
