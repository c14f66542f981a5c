"""Every format on one shared report, including hostile file names and messages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from diffrisk.config import Config
from diffrisk.formats import FORMATS
from diffrisk.formats.github import escape_data, escape_property
from diffrisk.model import Expert, FileAnalysis, FileSummary, Finding, Level, PathOwners, Report, Reviewers, Severity, UnitChange
from diffrisk.records import replace
from diffrisk.scoring.report import build as build_report

HOSTILE = "a,b:c%0A::error::x\x1b[2J\r\n[click](http://evil)<img src=x>|\u202e.py"
SCHEMAS = Path(__file__).parent / "data" / "schemas"


def make_report(findings: int = 1, path: str = HOSTILE) -> Report:
    summary = FileSummary(path, None, "added", 3, 0, True, False)
    found = tuple(
        Finding("B602", "security", path, 2 + index, 2 + index, Severity.HIGH if index % 3 == 0 else Severity.MEDIUM,
                "shell=True\x1b[31m | `x` <b>", "high", 78)
        for index in range(findings)
    )
    unit = UnitChange(path, "run", "function", 1, 3, "new", 3, 0, True, False, {}, {"cyclomatic_complexity": 2.0})
    analysis = FileAnalysis(summary, found, (unit,))
    return build_report([analysis], "commit 0123456789ab", True, Config())


@pytest.fixture
def report() -> Report:
    return make_report()


def test_json_is_ascii_escaped_and_complete(report: Report) -> None:
    text = FORMATS["json"](report, False)
    assert text.isascii()
    document = json.loads(text)
    assert document["schema_version"] == 3
    assert document["findings"][0] == {
        "rule": "B602", "analyzer": "security", "path": HOSTILE, "line": 2, "end_line": 2, "severity": "high",
        "message": "shell=True\x1b[31m | `x` <b>", "confidence": "high", "cwe": 78, "removed": False, "column": None,
        "subject": None, "suppression": None, "weakness": None, "new_input": [],
    }
    assert list(document) == [
        "schema_version", "tool", "source", "score", "level", "level_name", "level_meaning", "level_reasons",
        "review_minutes", "verdict", "components", "hotspots", "security_hotspots", "findings", "files", "size", "contents_available",
        "link_base", "notes", "failures", "suppressed", "authorship", "floors", "coverage", "reviewers",
    ]


def test_text_escapes_control_characters(report: Report) -> None:
    text = FORMATS["text"](report, False)
    assert "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert "\\x1b[2J\\r\\n" in text


def test_github_commands_cannot_be_forged(report: Report) -> None:
    lines = FORMATS["github"](report, False).splitlines()
    assert lines[0] == (
        "::error file=a%2Cb%3Ac%250A%3A%3Aerror%3A%3Ax\\x1b[2J%0D%0A[click](http%3A//evil)<img src=x>|\\u202e.py,"
        "line=2,endLine=2,title=B602 (high)::shell=True\\x1b[31m | `x` <b>"
    )
    assert all(line.startswith("::") for line in lines)  # no injected line can start a command
    assert escape_data("100%\r\n") == "100%25%0D%0A"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_github_caps_annotations_and_says_how_many_were_left_out() -> None:
    lines = FORMATS["github"](make_report(findings=40, path="app.py"), False).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    assert lines[-1].startswith("::notice title=diffrisk::diffrisk L")
    assert lines[-1].endswith("(20 more findings were not annotated: GitHub shows 10 per kind and step)")


def test_markdown_escapes_and_stays_small() -> None:
    markdown = FORMATS["markdown"](make_report(findings=1000), False)
    assert markdown.startswith("<!-- diffrisk -->\n## ")
    assert "<img" not in markdown and "](http" not in markdown and "\x1b" not in markdown
    assert "\\[click\\]\\(http:" in markdown
    assert "&lt;img src=x&gt;" in markdown
    assert len(markdown) < 65_536
    assert "950 more findings in the JSON report." in markdown
    # every table row keeps its column count: no cell text can add a "|"
    rows = [line for line in markdown.splitlines() if "| B602 |" in line]
    # 50 findings (4 columns) and the 15 entries of the security list (5 columns)
    assert Counter(line.count("|") - line.count("\\|") for line in rows) == {5: 50, 6: 15}


def _schema(*parts: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(SCHEMAS.joinpath(*parts).read_text())
    return loaded


def test_sarif_validates_and_is_stable(report: Report) -> None:
    import jsonschema

    document = json.loads(FORMATS["sarif"](report, False))
    jsonschema.validate(document, _schema("sarif-schema-2.1.0.json"))
    run = document["runs"][0]
    result = run["results"][0]
    assert result["ruleId"] == "B602"
    assert result["level"] == "error"
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("a%2Cb%3Ac%250A%3A%3Aerror") and "%0D%0A" in uri
    assert run["properties"]["level"] == report.level.value
    assert run["properties"]["score"] == report.score
    moved = replace(report, findings=tuple(replace(finding, line=finding.line + 10, end_line=finding.end_line + 10) for finding in report.findings))
    again = json.loads(FORMATS["sarif"](moved, False))["runs"][0]["results"][0]
    assert again["partialFingerprints"] == result["partialFingerprints"]  # survives lines moving


def test_rdjson_validates(report: Report) -> None:
    import jsonschema

    document = json.loads(FORMATS["rdjson"](report, False))
    jsonschema.validate(document, _schema("rdjson", "DiagnosticResult.json"))
    assert document["diagnostics"][0]["code"] == {"value": "B602"}
    assert document["diagnostics"][0]["location"]["range"]["start"] == {"line": 2}


def test_gitlab_code_quality(report: Report) -> None:
    issues = json.loads(FORMATS["gitlab"](report, False))
    assert issues[0]["check_name"] == "B602"
    assert issues[0]["severity"] == "critical"
    assert issues[0]["location"] == {"path": HOSTILE, "lines": {"begin": 2, "end": 2}}
    assert len(issues[0]["fingerprint"]) == 64


def test_formats_are_deterministic(report: Report) -> None:
    for name, formatter in FORMATS.items():
        assert formatter(report, False) == formatter(report, False), name


def test_undecodable_bytes_become_visible_escapes(report: Report) -> None:
    odd = replace(report, files=(replace(report.files[0], path="caf\udce9.py", skipped="binary file"),))
    document = FORMATS["json"](odd, False)
    assert json.loads(document)["files"][0]["path"] == "caf\\xe9.py"
    assert "caf\\xe9.py" in FORMATS["text"](odd, False)


def test_markdown_links_keep_hostile_paths_inside_the_url(report: Report) -> None:
    linked = replace(report, link_base="https://github.com/o/r/blob/abc123")
    markdown = FORMATS["markdown"](linked, False)
    assert "](https://github.com/o/r/blob/abc123/a%2Cb%3Ac%250A%3A%3Aerror%3A%3Ax%1B%5B2J%0D%0A%5Bclick%5D%28http%3A//evil%29%3Cimg%20src%3Dx%3E%7C%E2%80%AE.py#L2)" in markdown


def test_markdown_breaks_mentions_and_github_escapes_control_characters() -> None:
    odd = make_report(path="@org/team/x.py")
    assert "@org" not in FORMATS["markdown"](odd, False).replace("@\u2060org", "")
    annotations = FORMATS["github"](make_report(path="app.py"), False)
    assert "\x1b" not in annotations and "\\x1b[31m" in annotations


def test_reviewers_from_hostile_history_are_escaped_everywhere(report: Report) -> None:
    """Names and addresses come from commits anyone could write: no terminal escape, no HTML,
    no Markdown link and no @mention gets through."""
    expert = Expert(
        name="Eve\x1b[2J <b>[x](http://e)</b>", email="@team", weight=1.0, lines=1, share=1.0, commits=0,
        last_change=0, commit="0" * 40, active=True, reason="wrote 100% of the touched lines of `f` (a.py); last change today",
    )
    owners = (PathOwners("a.py", ("@org/team",), "*"),)
    hostile = replace(report, level=Level.L2, reviewers=Reviewers(experts=(expert,), owners=owners, codeowners="CODEOWNERS"))
    text = FORMATS["text"](hostile, False)
    assert "  expert    Eve\\x1b[2J <b>[x](http://e)</b> <@team>: wrote 100% of the touched lines of `f` (a.py); last change today" in text
    markdown = FORMATS["markdown"](hostile, False)
    line = next(row for row in markdown.splitlines() if row.startswith("- **expert**: "))
    # Markdown shows the escape character as a space: it cannot reach a terminal from a comment.
    assert line == r"- **expert**: Eve \[2J &lt;b&gt;\[x\]\(http://e\)&lt;/b&gt; &lt;@" + "\u2060" + r"team&gt;: wrote 100% of the touched lines of \`f\` \(a\.py\); last change today"
    assert "@\u2060org/team" in markdown and "@org/team" not in markdown
    html_page = FORMATS["html"](hostile, False)
    assert "<b>[x]" not in html_page and "&lt;b&gt;[x](http://e)&lt;/b&gt;" in html_page
