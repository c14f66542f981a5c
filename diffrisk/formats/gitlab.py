"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``)."""

from __future__ import annotations

import hashlib
import re
import json

from diffrisk.formats.escape import show_bytes
from diffrisk.model import Report, Severity

_SEVERITIES = {Severity.HIGH: "critical", Severity.MEDIUM: "major", Severity.LOW: "minor", Severity.INFO: "info"}


def format_report(report: Report, color: bool = False) -> str:
    issues = []
    seen: dict[str, int] = {}
    for finding in sorted(report.findings, key=lambda item: (item.path, item.line, item.rule, item.message)):
        if finding.removed:
            continue
        # Numbers in a message ("complexity 14") change with every edit; the alert should not.
        identity = f"{finding.rule}\0{finding.path}\0{re.sub(r'[0-9]+', '#', finding.message)}"
        seen[identity] = seen.get(identity, 0) + 1
        issues.append({
            "description": show_bytes(f"{finding.rule}: {finding.message}"),
            "check_name": finding.rule,
            "fingerprint": hashlib.sha256(f"{identity}\0{seen[identity]}".encode("utf-8", "surrogateescape")).hexdigest(),
            "severity": _SEVERITIES[finding.severity],
            "location": {"path": show_bytes(finding.path), "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=True) + "\n"
