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
from diffrisk.formats.escape import show_bytes
from diffrisk.formats.fingerprint import fingerprinted
from diffrisk.model import Finding, Report, Rule, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
_BANDIT_DOCS = "https://bandit.readthedocs.io/en/latest/plugins/index.html"


def format_report(report: Report, color: bool = False) -> str:
    findings = [finding for finding in report.findings if not finding.removed]
    rule_ids = sorted({finding.rule for finding in findings})
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "diffrisk",
                "version": __version__,
                "informationUri": "https://pypi.org/project/diffrisk/",
                "rules": [_rule(rule_id, findings, {rule.id: rule for rule in report.rules}) for rule_id in rule_ids],
            }},
            "automationDetails": {"id": "diffrisk/"},
            "results": _results(findings, rule_ids),
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
            "message": {"text": show_bytes(finding.message)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": finding.line, "endLine": max(finding.end_line, finding.line)},
            }}],
            "partialFingerprints": {"diffrisk/v1": fingerprint[:32]},
        })
    return results


def _uri(path: str) -> str:
    """A relative URI: every character outside the unreserved set and "/" percent-encoded."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")
