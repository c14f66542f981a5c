"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``)."""

from __future__ import annotations

import hashlib
import json

from diffrisk.formats.escape import not_analysed, show_bytes, suppression_note
from diffrisk.formats.fingerprint import fingerprinted
from diffrisk.model import Report, Severity

_SEVERITIES = {Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor", Severity.INFO: "info"}


def format_report(report: Report, color: bool = False) -> str:
    issues = []
    for finding, fingerprint in fingerprinted(report.findings):
        issues.append({
            "description": show_bytes(f"{finding.rule}: {finding.message}{suppression_note(finding)}"),
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": _SEVERITIES[finding.severity],
            "location": {"path": show_bytes(finding.path), "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)}},
        })
    silenced = [item for item in report.suppressed if not item.counted]
    for (finding, fingerprint), item in zip(fingerprinted([item.finding for item in silenced]), silenced):
        issues.append({
            "description": show_bytes(f"{finding.rule}: {finding.message} [silenced by an older ignore on unchanged code: {item.reason}]"),
            "check_name": finding.rule,
            "fingerprint": hashlib.sha256(f"silenced\0{fingerprint}".encode()).hexdigest(),
            "severity": "info",
            "location": {"path": show_bytes(finding.path), "lines": {"begin": finding.line}},
        })
    for path, why in not_analysed(report):
        issues.append({
            "description": show_bytes(f"not analysed: {why}"),
            "check_name": "not-analysed",
            "fingerprint": hashlib.sha256(f"not analysed\0{path}".encode("utf-8", "surrogateescape")).hexdigest(),
            "severity": "info",
            "location": {"path": show_bytes(path), "lines": {"begin": 1}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"
