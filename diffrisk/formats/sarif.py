"""``--format sarif``: SARIF 2.1.0 for code scanning (github/codeql-action/upload-sarif).

Alerts are matched across runs by ``partialFingerprints``: here a hash of the rule, the path, the
message and the occurrence of that triple, which survives lines moving.  Paths are relative to
``%SRCROOT%`` and percent-encoded as URIs.  The run's properties carry the level and the score.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import quote

from diffrisk import __version__
from diffrisk.formats.escape import not_analysed, show_bytes, suppression_note
from diffrisk.formats.fingerprint import fingerprinted
from diffrisk.model import Finding, Report, Rule, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
_BANDIT_DOCS = "https://bandit.readthedocs.io/en/latest/plugins/index.html"


def format_report(report: Report, color: bool = False) -> str:
    findings = [finding for finding in report.findings if not finding.removed]
    silenced = [(item.finding, item.reason) for item in report.suppressed if not item.counted]
    rule_ids = sorted({finding.rule for finding in findings} | {finding.rule for finding, _ in silenced})
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "diffrisk",
                "version": __version__,
                "informationUri": "https://pypi.org/project/diffrisk/",
                "rules": [
                    _rule(rule_id, findings + [finding for finding, _ in silenced], {rule.id: rule for rule in report.rules})
                    for rule_id in rule_ids
                ],
            }},
            "automationDetails": {"id": "diffrisk/"},
            "invocations": [{"executionSuccessful": not report.failures, "toolExecutionNotifications": _not_analysed(report)}],
            "results": _results(findings, rule_ids) + _silenced(silenced, rule_ids),
            "properties": {
                "level": report.level.value,
                "score": report.score,
                "reviewMinutes": report.review_minutes,
                "withinPolicy": report.verdict.within_policy,
                "source": show_bytes(report.source),
            },
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def _rule(rule_id: str, findings: list[Finding], known_rules: Mapping[str, Rule]) -> dict[str, object]:
    known = known_rules.get(rule_id)
    example = next(finding for finding in findings if finding.rule == rule_id)
    title = known.title if known else show_bytes(example.message)
    properties: dict[str, str] = {"component": known.component.value if known else example.analyzer}
    if example.cwe:
        properties["cwe"] = f"CWE-{example.cwe}"
    described: dict[str, object] = {
        "id": rule_id,
        "name": rule_id.replace("-", ""),
        "shortDescription": {"text": title},
        "properties": properties,
    }
    if rule_id.startswith("B"):
        described["helpUri"] = _BANDIT_DOCS
    return described


def _results(findings: list[Finding], rule_ids: list[str]) -> list[dict[str, object]]:
    results = []
    for finding, fingerprint in fingerprinted(findings):
        results.append({
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": _LEVELS[finding.severity],
            "message": {"text": show_bytes(finding.message + suppression_note(finding))},
            "locations": [_location(finding)],
            "partialFingerprints": {"diffrisk/v1": fingerprint[:32]},
        })
    return results


def _silenced(silenced: list[tuple[Finding, str]], rule_ids: list[str]) -> list[dict[str, object]]:
    """Findings an older ignore on unchanged code silences: results code scanning shows as
    suppressed in the source, with the reason."""
    results = []
    for (finding, fingerprint), (_, reason) in zip(fingerprinted([item for item, _ in silenced]), silenced):
        results.append({
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": _LEVELS[finding.severity],
            "message": {"text": show_bytes(finding.message)},
            "locations": [_location(finding)],
            "partialFingerprints": {"diffrisk/v1": fingerprint[:32]},
            "suppressions": [{"kind": "inSource", "justification": show_bytes(reason)}],
        })
    return results


def _not_analysed(report: Report) -> list[dict[str, object]]:
    """The changed files diffrisk did not analyse, as notifications of the run."""
    return [
        {
            "level": "warning",
            "message": {"text": show_bytes(f"not analysed: {why}")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}}}],
        }
        for path, why in not_analysed(report)
    ]


def _location(finding: Finding) -> dict[str, object]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": finding.line, "endLine": max(finding.end_line, finding.line)},
    }}


def _uri(path: str) -> str:
    """A relative URI: every character outside the unreserved set and "/" percent-encoded."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")
