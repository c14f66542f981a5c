"""Parity with diff-cover, the tool users would otherwise run: the same diff and the same
coverage.xml give the same changed-line coverage, file by file (diff-cover is in the test extra)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testing.repo import Repo
from testing.run import check_json

TEXT_BEFORE = 'def shout(text):\n    return text.upper()\n'
TEXT_AFTER = (
    "def shout(text, mark='!'):\n"
    "    if not text:\n"
    "        return ''\n"
    "    return text.upper() + mark\n"
    "\n"
    "\n"
    "def whisper(text):\n"
    "    # Lower case, no mark.\n"
    "    return text.lower()\n"
)
NUMBERS_BEFORE = "def half(value):\n    return value / 2\n"
NUMBERS_AFTER = (
    "def half(value):\n"
    "    if value < 0:\n"
    "        raise ValueError('negative')\n"
    "    return value / 2\n"
    "\n"
    "\n"
    "def double(value):\n"
    "    return value * 2\n"
)
TESTS = (
    "from pkg.numbers import double, half\n"
    "from pkg.text import shout\n"
    "\n"
    "\n"
    "def test_shout():\n"
    "    assert shout('hi') == 'HI!'\n"
    "\n"
    "\n"
    "def test_numbers():\n"
    "    assert half(4) == 2\n"
    "    assert double(2) == 4\n"
)


def _run(repo: Repo, *args: str) -> None:
    subprocess.run([sys.executable, "-m", *args], cwd=repo.path, check=True, capture_output=True)


def test_changed_line_coverage_equals_diff_cover_file_by_file(repo: Repo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/text.py", TEXT_BEFORE)
    repo.write("pkg/numbers.py", NUMBERS_BEFORE)
    repo.write("tests/test_pkg.py", "def test_nothing():\n    assert True\n")
    repo.write(".gitignore", ".coverage\ncoverage.xml\n.pytest_cache/\n__pycache__/\n")
    repo.commit("start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("pkg/text.py", TEXT_AFTER)
    repo.write("pkg/numbers.py", NUMBERS_AFTER)
    repo.write("tests/test_pkg.py", TESTS)
    repo.commit("feature")
    # The project's own test suite, under coverage.py, as CI would run it.
    _run(repo, "coverage", "run", "--branch", "--source=pkg", "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    _run(repo, "coverage", "xml", "-o", "coverage.xml")
    _run(repo, "diff_cover.diff_cover_tool", "coverage.xml", "--compare-branch=main", "--json-report", "diff-cover.json")
    theirs = json.loads((Path(repo.path) / "diff-cover.json").read_text())["src_stats"]
    _, report = check_json(repo, "--base", "main", "--coverage", "coverage.xml")
    ours = {item["path"]: item for item in report["coverage"]["files"]}
    assert sorted(theirs) == sorted(ours) == ["pkg/numbers.py", "pkg/text.py"]
    for path, stats in theirs.items():
        uncovered = [line for first, last in ours[path]["uncovered"] for line in range(first, last + 1)]
        assert uncovered == stats["violation_lines"], path
        assert ours[path]["covered"] == len(stats["covered_lines"]), path
        assert 100 * ours[path]["covered"] / ours[path]["executable"] == stats["percent_covered"], path
    # The exact figures, so that a change in either tool is seen: text.py's early return and
    # whisper never ran; numbers.py's raise never ran.
    assert {path: stats["violation_lines"] for path, stats in theirs.items()} == {"pkg/text.py": [3, 9], "pkg/numbers.py": [3]}
