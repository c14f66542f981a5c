"""Accountable suppression: ``# diffrisk: ignore[RULE, ...] -- reason`` silences those rules on
that line, and only with a reason.

The silenced findings stay in the report, with the reason, so a reviewer sees what was waved
through and why.  An ignore that has no reason, names a rule that does not exist, or (when the
change added it) silences nothing, is itself reported as DR-S009: suppressions must not rot.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from diffrisk import pysource, rules
from diffrisk.model import FileAnalysis, Finding, Ignore, Severity, Suppressed

#: Bounded, so a line of repeated "# diffrisk: ignore[" cannot make the search quadratic.  The
#: "#" starts the comment or follows a space (after code or another comment), so text that
#: quotes the syntax, as in ``# diffrisk: ignore[...]``, is not an ignore.
_IGNORE = re.compile(r"(?<![^ \t])#[ \t]*diffrisk:[ \t]*ignore\[(?P<rules>[^\]\n]{0,200})\](?P<rest>[^\n]{0,1000})", re.I)
_BANDIT_ID = re.compile(r"^B\d{3}$")
RULE = "DR-S009"
#: Longer lines are data, not code a person wrote a comment on.
MAX_LINE = 10_000


def find(path: str, lines: Iterable[tuple[int, str]], added: set[int], tree: ast.Module | None = None) -> tuple[Ignore, ...]:
    """The ignore comments among ``(line number, text)`` pairs.  With the file's syntax ``tree``
    (Python), only real comments count: not the same text inside a string."""
    found = []
    candidates = [(number, text) for number, text in lines if "diffrisk" in text and len(text) <= MAX_LINE]
    # Walking the tree for its strings is paid only by files that mention diffrisk at all.
    in_strings = pysource.string_lines(tree) if tree is not None and candidates else set()
    for number, text in candidates:
        if number in in_strings:
            continue
        comment = pysource.comment_of(text) if tree is not None else text
        match = _IGNORE.search(comment) if comment else None
        if match is None:
            continue
        named = tuple(rule.strip().upper() for rule in match.group("rules").split(",") if rule.strip())
        rest = match.group("rest").strip()
        reason = rest[2:].strip() if rest.startswith("--") else ""
        found.append(Ignore(path, number, named, reason, number in added))
    return tuple(found)


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
