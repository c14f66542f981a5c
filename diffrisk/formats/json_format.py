"""``--format json``: the whole report, versioned (``schema_version``), documented in docs/json.md.

Deterministic: the same report gives the same bytes (no time stamps, fixed key order, ASCII-only
output so that any byte from a hostile file name arrives escaped).
"""

from __future__ import annotations

import json
from typing import Any

from diffrisk import __version__
from diffrisk.formats.escape import show_bytes
from diffrisk.model import Hotspot, Report
from diffrisk.model import plain as model_plain

SCHEMA_VERSION = 3


def format_report(report: Report, color: bool = False) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "diffrisk", "version": __version__},
        "source": show_bytes(report.source),
        "score": report.score,
        "level": report.level.value,
        "level_name": report.level.word,
        "level_meaning": report.level.meaning,
        "level_reasons": [show_bytes(reason) for reason in report.level_reasons],
        "review_minutes": report.review_minutes,
        "verdict": plain(report.verdict),
        "components": [plain(component) for component in report.components],
        "hotspots": [_hotspot(hotspot) for hotspot in report.hotspots],
        "security_hotspots": [_hotspot(hotspot) for hotspot in report.security_hotspots],
        "findings": [plain(finding) for finding in report.findings],
        "files": [plain(summary) for summary in report.files],
        "size": plain(report.size),
        "contents_available": report.contents_available,
        "link_base": report.link_base,
        "notes": [show_bytes(note) for note in report.notes],
        "failures": [show_bytes(failure) for failure in report.failures],
        "suppressed": [plain(item) for item in report.suppressed],
        "authorship": plain(report.authorship),
        "floors": [plain(floor) for floor in report.floors],
        "coverage": {
            "sources": [show_bytes(source) for source in report.coverage_sources],
            "files": [plain(item) for item in report.coverage],
        },
        "reviewers": plain(report.reviewers),
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def _hotspot(hotspot: Hotspot) -> dict[str, Any]:
    document: dict[str, Any] = plain(hotspot)
    document["terms"] = {name: round(value, 4) for name, value in hotspot.terms}
    return document


def plain(value: Any) -> Any:
    """The report's records as JSON values (model.plain), every text escaped to ASCII-safe form
    and every number rounded to 4 places, in the same walk."""
    return model_plain(value, _safe)


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return show_bytes(value)
    if isinstance(value, float):
        return round(value, 4)
    return value
