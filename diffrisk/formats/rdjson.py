"""``--format rdjson``: reviewdog's Diagnostic Result (``reviewdog -f=rdjson``)."""

from __future__ import annotations

import json

from diffrisk.formats.escape import not_analysed, show_bytes, suppression_note
from diffrisk.model import Report, Severity

_SEVERITIES = {Severity.HIGH: "ERROR", Severity.MEDIUM: "WARNING", Severity.LOW: "INFO", Severity.INFO: "INFO"}


def format_report(report: Report, color: bool = False) -> str:
    diagnostics = [
        {
            "message": show_bytes(finding.message + suppression_note(finding)),
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
    diagnostics += [
        {
            "message": show_bytes(f"{item.finding.message} [silenced by an older ignore on unchanged code: {item.reason}]"),
            "location": {"path": show_bytes(item.finding.path), "range": {"start": {"line": item.finding.line}}},
            "severity": "INFO",
            "code": {"value": item.finding.rule},
        }
        for item in report.suppressed if not item.counted
    ]
    diagnostics += [
        {"message": show_bytes(f"not analysed: {why}"), "location": {"path": show_bytes(path)}, "severity": "INFO"}
        for path, why in not_analysed(report)
    ]
    document = {"source": {"name": "diffrisk"}, "severity": "WARNING", "diagnostics": diagnostics}
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
