"""Accountable suppression: a ``# diffrisk: ignore[RULE, ...] -- reason`` comment silences those
rules on that line, and only with a reason.

The silenced findings stay in the report, with the reason, so a reviewer sees what was waved
through and why.  An ignore that has no reason, names a rule that does not exist, or (when the
change added it) silences nothing, is itself reported as DR-S009: suppressions must not rot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from diffrisk import rules
from diffrisk.model import FileAnalysis, Finding, Ignore, Severity, Suppressed

_BANDIT_ID = re.compile(r"^B\d{3}$")
RULE = "DR-S009"


def is_known(rule: str) -> bool:
    return rule in rules.RULES or bool(_BANDIT_ID.match(rule))


def apply(analyses: Sequence[FileAnalysis]) -> tuple[tuple[FileAnalysis, ...], tuple[Suppressed, ...]]:
    """Silence the findings that valid ignores name; report the ignores that are not valid."""
    updated = []
    silenced: list[Suppressed] = []
    for analysis in analyses:
        if not analysis.ignores:
            updated.append(analysis)
            continue
        kept, quiet, problems = _apply_one(analysis.findings, analysis.ignores)
        silenced += quiet
        updated.append(replace(analysis, findings=tuple(kept) + tuple(problems)))
    return tuple(updated), tuple(silenced)


def _apply_one(findings: Sequence[Finding], ignores: Sequence[Ignore]) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    by_line: dict[int, Ignore] = {ignore.line: ignore for ignore in ignores}
    used: set[tuple[int, str]] = set()
    kept: list[Finding] = []
    quiet: list[Suppressed] = []
    for finding in findings:
        ignore = by_line.get(finding.line)
        if ignore is not None and ignore.reason and finding.rule in ignore.rules and not finding.removed and finding.rule != RULE:
            used.add((ignore.line, finding.rule))
            quiet.append(Suppressed(finding, ignore.reason))
        else:
            kept.append(finding)
    return kept, quiet, [problem for ignore in ignores for problem in _problems(ignore, used)]


def _problems(ignore: Ignore, used: set[tuple[int, str]]) -> list[Finding]:
    def finding(message: str) -> Finding:
        return Finding(RULE, "smells", ignore.path, ignore.line, ignore.line, Severity.LOW, message)

    if not ignore.rules:
        return [finding("diffrisk ignore names no rule: write # diffrisk: ignore[RULE] -- reason")]
    problems = [finding(f"diffrisk ignore names unknown rule {rule}") for rule in ignore.rules if not is_known(rule)]
    if not ignore.reason:
        problems.append(finding(f"diffrisk ignore[{', '.join(ignore.rules)}] has no reason (add: -- why), so it silences nothing"))
    elif ignore.added:
        problems += [
            finding(f"diffrisk ignore[{rule}] silences nothing on this line")
            for rule in ignore.rules
            if is_known(rule) and (ignore.line, rule) not in used
        ]
    return problems
