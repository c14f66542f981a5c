"""Accountable suppression: a ``# diffrisk: ignore[RULE, ...] -- reason`` comment covers those
rules on that line, and only with a reason.

A suppression lowers nothing the change brings: the author of a change could otherwise write away
its own risk.  A finding under an ignore the change added, or under an older one whose statement
the change edited, still counts, and the report says it is suppressed and why; only an older ignore
on unchanged code silences what it names (the report still lists it, with the reason).  An ignore
without a reason, naming a rule that does not exist, or (when the change added it) covering no
finding, is itself reported as DR-S009: suppressions must not rot.
"""

from __future__ import annotations

from collections.abc import Sequence

from diffrisk import rules
from diffrisk.model import FileAnalysis, Finding, Ignore, Severity, Suppressed
from diffrisk.records import replace
from diffrisk.regex import Regex

_BANDIT_ID = Regex(r"^B\d{3}$")
RULE = "DR-S009"


def is_known(rule: str) -> bool:
    return rule in rules.RULES or bool(_BANDIT_ID.match(rule))


def apply(analyses: Sequence[FileAnalysis]) -> tuple[tuple[FileAnalysis, ...], tuple[Suppressed, ...]]:
    """Mark the findings valid ignores cover, silence only what an older ignore on unchanged code
    covers, and report the ignores that are not valid."""
    updated = []
    suppressed: list[Suppressed] = []
    for analysis in analyses:
        if not analysis.ignores:
            updated.append(analysis)
            continue
        kept, covered, problems = _apply_one(analysis.findings, analysis.ignores)
        suppressed += covered
        updated.append(replace(analysis, findings=tuple(kept) + tuple(problems)))
    return tuple(updated), tuple(suppressed)


def _apply_one(findings: Sequence[Finding], ignores: Sequence[Ignore]) -> tuple[list[Finding], list[Suppressed], list[Finding]]:
    by_line: dict[int, Ignore] = {ignore.line: ignore for ignore in ignores}
    used: set[tuple[int, str]] = set()
    kept: list[Finding] = []
    covered: list[Suppressed] = []
    for finding in findings:
        ignore = by_line.get(finding.line)
        if ignore is None or not ignore.reason or finding.rule not in ignore.rules or finding.removed or finding.rule == RULE:
            kept.append(finding)
            continue
        used.add((ignore.line, finding.rule))
        # An older ignore on an unchanged line silences a finding that stays on that line; one the
        # change added, one over a statement that reaches changed lines, or one over a statement
        # whose input the change rebound (change.rebound), does not.
        silences = not ignore.added and finding.end_line == finding.line and not finding.new_input
        if silences:
            covered.append(Suppressed(finding, ignore.reason, counted=False))
        else:
            marked = replace(finding, suppression=f"# diffrisk: ignore[{', '.join(ignore.rules)}] -- {ignore.reason}")
            kept.append(marked)
            covered.append(Suppressed(marked, ignore.reason))
    return kept, covered, [problem for ignore in ignores for problem in _problems(ignore, used)]


def _problems(ignore: Ignore, used: set[tuple[int, str]]) -> list[Finding]:
    def finding(message: str) -> Finding:
        return Finding(RULE, "smells", ignore.path, ignore.line, ignore.line, Severity.LOW, message)

    if not ignore.rules:
        return [finding("diffrisk ignore names no rule: write # diffrisk: ignore[RULE] -- reason")]
    problems = [finding(f"diffrisk ignore names unknown rule {rule}") for rule in ignore.rules if not is_known(rule)]
    if not ignore.reason:
        problems.append(finding(f"diffrisk ignore[{', '.join(ignore.rules)}] has no reason (add: -- why), so it covers nothing"))
    elif ignore.added:
        problems += [
            finding(f"diffrisk ignore[{rule}] covers no finding on this line")
            for rule in ignore.rules
            if is_known(rule) and (ignore.line, rule) not in used
        ]
    return problems
