"""Every format on one shared report, including hostile file names and messages."""

from __future__ import annotations

import json

import pytest

from diffrisk.check import build_report
from diffrisk.config import Config
from diffrisk.formats import FORMATS
from diffrisk.model import FileAnalysis, FileSummary, Finding, Report, Severity, UnitChange

HOSTILE = "evil\x1b[2J\r\nname\u202e.py"


@pytest.fixture
def report() -> Report:
    summary = FileSummary(HOSTILE, None, "added", 3, 0, True, False)
    finding = Finding("B602", "security", HOSTILE, 2, 2, Severity.HIGH, "shell=True\x1b[31m", "high", 78)
    unit = UnitChange(HOSTILE, "run", "function", 1, 3, "new", 3, 0, True, False, {}, {"cyclomatic_complexity": 2.0})
    analysis = FileAnalysis(summary, (finding,), (unit,), None, 80.0, 0, (), ())
    return build_report([analysis], "commit 0123456789ab", True, Config(report_level=Config().report_level))


def test_json_is_ascii_escaped_and_complete(report: Report) -> None:
    text = FORMATS["json"](report, False)
    assert text.isascii()
    document = json.loads(text)
    assert document["schema_version"] == 1
    assert document["findings"][0]["path"] == HOSTILE
    assert document["findings"][0] == {
        "rule": "B602", "analyzer": "security", "path": HOSTILE, "line": 2, "end_line": 2, "severity": "high",
        "message": "shell=True\x1b[31m", "confidence": "high", "cwe": 78, "removed": False,
    }
    assert list(document) == [
        "schema_version", "tool", "source", "score", "level", "level_name", "level_meaning", "level_reasons",
        "review_minutes", "verdict", "components", "hotspots", "findings", "files", "size", "contents_available",
        "notes", "failures",
    ]


def test_text_escapes_control_characters(report: Report) -> None:
    text = FORMATS["text"](report, False)
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert "evil\\x1b[2J\\r\\nname\\u202e.py:2  B602  high  shell=True\\x1b[31m" in text
    # every line of the report is one line: nothing in a name can forge another
    assert all(not line.startswith("name") for line in text.splitlines())


def test_formats_are_deterministic(report: Report) -> None:
    for name, formatter in FORMATS.items():
        assert formatter(report, False) == formatter(report, False), name


def test_undecodable_bytes_become_visible_escapes(report: Report) -> None:
    from dataclasses import replace

    odd = replace(report, files=(replace(report.files[0], path="caf\udce9.py", skipped="binary file"),))
    document = FORMATS["json"](odd, False)
    assert json.loads(document)["files"][0]["path"] == "caf\\xe9.py"
    assert "caf\\xe9.py" in FORMATS["text"](odd, False)
