"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``)."""

from __future__ import annotations

import json

from diffrisk.formats.escape import show_bytes
from diffrisk.formats.fingerprint import fingerprinted
from diffrisk.model import Report, Severity

_SEVERITIES = {Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor", Severity.INFO: "info"}


def format_report(report: Report, color: bool = False) -> str:
    issues = []
    for finding, fingerprint in fingerprinted(report.findings):
        issues.append({
            "description": show_bytes(f"{finding.rule}: {finding.message}"),
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": _SEVERITIES[finding.severity],
            "location": {"path": show_bytes(finding.path), "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"
