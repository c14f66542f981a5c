"""``--format json``: the whole report, versioned (``schema_version``), documented in docs/json.md.

Deterministic: the same report gives the same bytes (no time stamps, fixed key order, ASCII-only
output so that any byte from a hostile file name arrives escaped).
"""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any

from diffrisk import __version__
from diffrisk.formats.escape import show_bytes
from diffrisk.model import Hotspot, Report

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
        "verdict": _plain(report.verdict),
        "components": [_plain(component) for component in report.components],
        "hotspots": [_hotspot(hotspot) for hotspot in report.hotspots],
        "security_hotspots": [_hotspot(hotspot) for hotspot in report.security_hotspots],
        "findings": [_plain(finding) for finding in report.findings],
        "files": [_plain(summary) for summary in report.files],
        "size": _plain(report.size),
        "contents_available": report.contents_available,
        "link_base": report.link_base,
        "notes": [show_bytes(note) for note in report.notes],
        "failures": [show_bytes(failure) for failure in report.failures],
        "suppressed": [_plain(item) for item in report.suppressed],
        "authorship": _plain(report.authorship),
        "floors": [_plain(floor) for floor in report.floors],
        "coverage": {
            "sources": [show_bytes(source) for source in report.coverage_sources],
            "files": [_plain(item) for item in report.coverage],
        },
        "reviewers": _plain(report.reviewers),
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def _hotspot(hotspot: Hotspot) -> dict[str, Any]:
    plain: dict[str, Any] = _plain(hotspot)
    plain["terms"] = {name: round(value, 4) for name, value in hotspot.terms}
    return plain


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str):
        return show_bytes(value)
    return value
