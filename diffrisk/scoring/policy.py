"""Policy: which configuration judges a change (``[tool.diffrisk.ai]`` for AI-authored ones), the
verdict against its fail level, and a change beyond policy that someone accepted."""

from __future__ import annotations

from collections.abc import Sequence

from diffrisk.change import covered
from diffrisk.config import Config
from diffrisk.model import Authorship, ChangedCoverage, Level, Report, Verdict
from diffrisk.records import replace


def policy_for(config: Config, authorship: Authorship | None) -> Config:
    """The configuration that judges this change: ``[tool.diffrisk.ai]`` applies to AI-authored ones."""
    if authorship is None or not authorship.ai_authored:
        return config
    return replace(
        config,
        thresholds=config.ai.thresholds or config.thresholds,
        fail_level=config.ai.fail_level or config.fail_level,
    )


def verdict(
    level: Level, policy: Config, authorship: Authorship | None = None, coverage: Sequence[ChangedCoverage] = (),
) -> Verdict:
    """Beyond policy when the level reaches ``fail_level``, when an AI-authored commit lacks the
    trailer the policy requires, or when the tests ran less of the added statements than
    ``coverage.fail_under`` asks (``coverage``: change.covered's answer)."""
    if authorship is not None and authorship.lacking_trailer:
        missing = ", ".join(sha[:12] for sha in authorship.lacking_trailer[:3])
        more = f" and {len(authorship.lacking_trailer) - 3} more" if len(authorship.lacking_trailer) > 3 else ""
        message = f"beyond policy: AI-authored commit {missing}{more} lacks the {policy.ai.require_trailer}: trailer (ai.require_trailer)"
        return Verdict(False, policy.fail_level, message)
    if level.rank >= policy.fail_level.rank:
        return Verdict(False, policy.fail_level, f"beyond policy: {level.value} reaches the fail level {policy.fail_level.value}")
    shortfall = _coverage_shortfall(coverage, policy.coverage_fail_under)
    if shortfall is not None:
        return Verdict(False, policy.fail_level, f"beyond policy: {shortfall}")
    return Verdict(True, policy.fail_level, f"within policy: {level.value} is below the fail level {policy.fail_level.value}")


def _coverage_shortfall(coverage: Sequence[ChangedCoverage], limit: float | None) -> str | None:
    """Why the change falls short of ``coverage.fail_under``: a changed file with no usable data
    fails closed (missing evidence is not evidence of tests), then the share that ran."""
    if limit is None:
        return None
    unmeasured = [item.path for item in coverage if item.status != "measured"]
    if unmeasured:
        more = f" and {len(unmeasured) - 3} more" if len(unmeasured) > 3 else ""
        return f"coverage.fail_under is {limit:g}%, and {', '.join(unmeasured[:3])}{more} has no usable coverage data"
    tested = covered.percent(coverage)
    if tested is not None and tested < limit:
        return f"{tested:.0f}% of the added statements ran in tests, under coverage.fail_under {limit:g}%"
    return None


def accept(report: Report, who: str, via: str, overrule_trailer: bool = False) -> Report:
    """A change beyond policy that someone accepted: it passes, and the report records who
    accepted which level, and how (``via``: "review", "flag", "environment").  A missing required
    trailer is a rule, not a risk: only a trusted reviewer's approval (``overrule_trailer``) stands
    in for it."""
    if report.verdict.within_policy:
        return report
    if report.authorship is not None and report.authorship.lacking_trailer and not overrule_trailer:
        return report
    message = f"accepted: {report.level.value} accepted by {who} ({report.verdict.message})"
    return replace(report, verdict=Verdict(True, report.verdict.fail_level, message, accepted_by=who, accepted_via=via))
