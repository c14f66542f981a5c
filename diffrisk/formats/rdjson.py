"""``--format rdjson``: reviewdog's Diagnostic Result (``reviewdog -f=rdjson``)."""

from __future__ import annotations

import json

from diffrisk.formats.escape import show_bytes
from diffrisk.model import Report, Severity

_SEVERITIES = {Severity.HIGH: "ERROR", Severity.MEDIUM: "WARNING", Severity.LOW: "INFO", Severity.INFO: "INFO"}


def format_report(report: Report, color: bool = False) -> str:
    diagnostics = [
        {
            "message": show_bytes(finding.message),
            "location": {
                "path": show_bytes(finding.path),
                "range": {"start": {"line": finding.line}, "end": {"line": max(finding.end_line, finding.line)}},
            },
            "severity": _SEVERITIES[finding.severity],
            "code": {"value": finding.rule},
        }
        for finding in sorted(report.findings, key=lambda item: (item.path, item.line, item.rule))
        if not finding.removed
    ]
    document = {"source": {"name": "diffrisk"}, "severity": "WARNING", "diagnostics": diagnostics}
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
