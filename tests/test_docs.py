"""The documentation stays true: the rule reference is generated from the rule table, every link
resolves, and the configuration and JSON pages name every key there is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from diffrisk import config
from diffrisk.commands.explain import reference
from diffrisk.config import Config
from diffrisk.formats import FORMATS
from diffrisk.model import Authorship, FileAnalysis, FileSummary, Finding, Ignore, Severity, UnitChange
from diffrisk.scoring.report import build

PROJECT = Path(__file__).resolve().parent.parent
PAGES = sorted([PROJECT / "README.md", PROJECT / "benchmarks" / "README.md", *(PROJECT / "docs").glob("*.md")])
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
#: Fenced blocks and inline code, where brackets are text, not links.
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def test_the_rule_reference_is_the_rule_table() -> None:
    assert (PROJECT / "docs" / "rules.md").read_text() == reference(), (
        "docs/rules.md is out of date: run `diffrisk explain --markdown > docs/rules.md`"
    )


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to dashes."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(PROJECT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for match in LINK.finditer(CODE.sub("", page.read_text())):
        target = match.group("target")
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists() or (anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved)):
            broken.append(target)
    assert broken == []


def test_the_configuration_page_names_every_key() -> None:
    page = (PROJECT / "docs" / "configuration.md").read_text()
    assert [key for key in config._KEYS if f"| `{key}` |" not in page] == []


def _keys(value: object) -> set[str]:
    """Every key of every object in a JSON document."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_the_json_page_names_every_field_of_the_report() -> None:
    summary = FileSummary("a.py", None, "added", 2, 0, True, False)
    shell = Finding("B602", "security", "a.py", 1, 1, Severity.HIGH, "shell=True", "high", 78)
    silenced = Finding("DR-S004", "smells", "a.py", 2, 2, Severity.LOW, "swallowed error")
    unit = UnitChange("a.py", "run", "function", 1, 2, "new", 2, 0, True, False, {}, {"cyclomatic_complexity": 2.0})
    ignore = Ignore("a.py", 2, ("DR-S004",), "cleanup must not raise", True)
    analysis = FileAnalysis(summary, (shell, silenced), (unit,), ignores=(ignore,))
    report = build([analysis], "commit 0", True, Config(), Authorship(True, "--ai"))
    document = json.loads(FORMATS["json"](report, False))
    assert document["suppressed"] and document["hotspots"] and document["findings"]  # every kind of object is there
    page = (PROJECT / "docs" / "json.md").read_text()
    assert sorted(key for key in _keys(document) if f"`{key}`" not in page) == []
