"""Coverage of the added lines in ``diffrisk check``: real code run under coverage.py, real data
files, the report in text, Markdown and JSON, and data a change cannot vouch for itself with."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from diffrisk.main import main
from testing.repo import Repo
from testing.run import check_json

BEFORE = "def add(a, b):\n    return a + b\n"
AFTER = (
    "def add(a, b):\n"  # 1
    "    return a + b\n"  # 2
    "\n"
    "\n"
    "def div(a, b):\n"  # 5
    "    # Nothing to divide by.\n"  # 6: a comment is not a statement
    "    if b == 0:\n"  # 7: only the false branch runs
    "        return None\n"  # 8: never runs
    "    return a / b\n"  # 9
)


def coverage(repo: Repo, *commands: list[str]) -> None:
    """Run coverage.py's ``commands`` in ``repo`` (``run`` a script, then write reports)."""
    for args in commands:
        subprocess.run([sys.executable, "-m", "coverage", *args], cwd=repo.path, check=True, capture_output=True)


def staged_calc(repo: Repo, text: str) -> None:
    """``app/calc.py`` changed from BEFORE to ``text`` and staged, after a first commit with the
    full-report policy, and a script that calls ``add`` and ``div`` once (with b != 0)."""
    repo.write("app/__init__.py", "")
    repo.write("app/calc.py", BEFORE)
    repo.write("pyproject.toml", '[tool.diffrisk]\nreport_level = "L0"\n')  # the full text report, even at L0
    repo.commit("start")
    repo.write("app/calc.py", text)
    repo.write("run_it.py", "from app.calc import add, div\nadd(1, 2)\ndiv(1, 2)\n")
    repo.git("add", "app/calc.py")


@pytest.fixture
def measured(repo: Repo) -> Repo:
    """A change adding ``div``, staged, and coverage data in every format from running it once."""
    staged_calc(repo, AFTER)
    coverage(repo, ["run", "--branch", "run_it.py"], ["xml", "-o", "coverage.xml"], ["json", "-o", "coverage.json"],
             ["lcov", "-o", "coverage.lcov"])
    return repo


EXPECTED = {
    "path": "app/calc.py", "status": "measured", "executable": 4, "covered": 3, "uncovered": [[8, 8]], "partial": [7], "why": None,
}


@pytest.mark.parametrize("data", [".coverage", "coverage.xml", "coverage.json", "coverage.lcov"])
def test_every_format_gives_the_same_answer_for_the_added_lines(measured: Repo, data: str) -> None:
    _, report = check_json(measured, "--coverage", data)
    assert report["coverage"]["files"] == [EXPECTED]
    assert report["coverage"]["sources"] == [data]  # as the repository names it


def test_text_and_markdown_say_what_the_tests_ran(measured: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(measured.path), "check", "--coverage", "coverage.xml", "--color", "never"]) == 0
    text = capsys.readouterr().out
    assert "Tests: 3 of 4 added statements ran in tests (75%) (from coverage.xml)" in text
    assert "  app/calc.py: 3 of 4 added statements ran; not run: 8; a branch not taken both ways at 7\n" in text
    assert main(["-C", str(measured.path), "check", "--coverage", "coverage.xml", "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "3 of 4 added statements ran in tests \\(75%\\) \\(from coverage\\.xml\\)." in markdown
    assert "| app/calc\\.py | 3 of 4 added statements ran; not run: 8; a branch not taken both ways at 7 |" in markdown


def test_a_file_the_data_does_not_mention_is_not_measured_and_stale_data_does_not_count(measured: Repo) -> None:
    measured.write("app/other.py", "VALUE = 1\n")
    measured.git("add", "app/other.py")
    # A line above shifts every line: the data's line 1 (def add) is now a comment.
    measured.write("app/calc.py", "# Arithmetic.\n" + AFTER)
    measured.git("add", "app/calc.py")
    _, report = check_json(measured, "--coverage", "coverage.xml")
    files = {item["path"]: (item["status"], item["executable"], item["covered"]) for item in report["coverage"]["files"]}
    assert files["app/other.py"] == ("not measured", 0, 0)
    assert files["app/calc.py"][0] == "stale"


def test_the_policy_names_the_data_and_a_change_cannot_bring_its_own(measured: Repo) -> None:
    measured.write("pyproject.toml", '[tool.diffrisk]\ncoverage = ["coverage.xml"]\n')
    # The policy is trusted at HEAD, and the staged change is judged by it.
    measured.git("commit", "-q", "-m", "read coverage", "--", "pyproject.toml")
    _, report = check_json(measured)
    assert report["coverage"]["files"] == [EXPECTED]
    measured.git("add", "coverage.xml")
    _, report = check_json(measured)
    unread = {**EXPECTED, "status": "not measured", "executable": 0, "covered": 0, "uncovered": [], "partial": []}
    assert report["coverage"] == {"sources": [], "files": [unread]}
    assert "coverage.xml was not read: it is part of the change, and a change cannot vouch for its own tests" in report["notes"]


def test_no_coverage_given_means_no_coverage_section(measured: Repo) -> None:
    _, report = check_json(measured)
    assert report["coverage"] == {"sources": [], "files": []}


def test_a_missing_data_file_is_a_usage_error(measured: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(measured.path), "check", "--coverage", "nowhere.xml"]) == 2
    assert capsys.readouterr().err.startswith("diffrisk: error: ")


UNTESTED = AFTER + "\n\ndef mul(a, b):\n    product = a * b\n    return product\n"  # 12-14: never called


@pytest.fixture
def untested(repo: Repo) -> Repo:
    """A change adding ``div`` (run) and ``mul`` (never run), staged, with coverage.xml."""
    staged_calc(repo, UNTESTED)
    coverage(repo, ["run", "--branch", "run_it.py"], ["xml", "-o", "coverage.xml"])
    return repo


def test_a_function_no_test_ran_is_dr_t001_and_untested_lines_are_scored(untested: Repo) -> None:
    _, without = check_json(untested)
    _, report = check_json(untested, "--coverage", "coverage.xml")
    assert [(f["rule"], f["line"], f["end_line"], f["message"]) for f in report["findings"] if f["rule"] == "DR-T001"] == [
        ("DR-T001", 12, 14, "new function `mul` ran in no test: none of its 2 statements executed"),
    ]
    # The lines of div no test ran, marked for annotations; mul's lines are in its DR-T001.
    assert [(f["rule"], f["line"], f["end_line"], f["severity"]) for f in report["findings"] if f["rule"] == "DR-T002"] == [
        ("DR-T002", 8, 8, "low"),
    ]
    tests = next(part for part in report["components"] if part["name"] == "tests")
    # 1 + 2 added statements no test ran (line 8 of div, lines 13-14 of mul; mul's def ran at import).
    assert [reason["message"] for reason in tests["reasons"]] == [
        "DR-T001 new function `mul` ran in no test: none of its 2 statements executed at app/calc.py:12",
        "3 added statements no test ran (app/calc.py 3)",
    ]
    assert tests["points"] == round(0.1 + 0.0568 * math.sqrt(3), 4)
    assert report["score"] > without["score"]
    assert next(part for part in without["components"] if part["name"] == "tests")["points"] == 0.0


def test_an_agent_s_untested_function_is_at_least_l2(untested: Repo) -> None:
    _, person = check_json(untested, "--coverage", "coverage.xml", "--no-ai")
    _, agent = check_json(untested, "--coverage", "coverage.xml", "--ai")
    assert (person["level"], agent["level"]) == ("L1", "L2")
    assert [(floor["kind"], floor["level"]) for floor in agent["floors"] if floor["kind"] == "untested-ai"] == [("untested-ai", "L2")]


def test_a_function_no_test_ran_ranks_above_its_tested_twin(repo: Repo) -> None:
    repo.write("app/__init__.py", "")
    repo.write("app/twins.py", "")
    repo.commit("start")
    repo.write("app/twins.py", "def first(a):\n    total = a + 1\n    return total\n\n\ndef second(a):\n    total = a + 1\n    return total\n")
    repo.write("run_it.py", "from app.twins import first\nfirst(1)\n")
    repo.git("add", "app/twins.py")
    coverage(repo, ["run", "run_it.py"], ["xml", "-o", "coverage.xml"])
    _, without = check_json(repo)
    _, report = check_json(repo, "--coverage", "coverage.xml")
    assert [spot["name"] for spot in without["hotspots"]] == ["first", "second"]
    assert [(spot["name"], spot["terms"]["not_run"]) for spot in report["hotspots"]] == [("second", 1.0), ("first", 0.0)]


def _policy(repo: Repo, table: str) -> None:
    """Commit ``table`` as the policy at HEAD (which judges the staged change), nothing else."""
    repo.write("pyproject.toml", '[tool.diffrisk]\nreport_level = "L0"\n\n' + table)
    repo.git("commit", "-q", "-m", "policy", "--", "pyproject.toml")


def test_coverage_fail_under_puts_a_less_tested_change_beyond_policy(measured: Repo) -> None:
    _policy(measured, '[tool.diffrisk.coverage]\nfiles = ["coverage.xml"]\nfail_under = 80\n')
    code, report = check_json(measured)
    assert (code, report["verdict"]["message"]) == (1, "beyond policy: 75% of the added statements ran in tests, under coverage.fail_under 80%")
    _policy(measured, '[tool.diffrisk.coverage]\nfiles = ["coverage.xml"]\nfail_under = 75\n')
    assert check_json(measured)[0] == 0


def test_coverage_fail_under_fails_closed_without_data(measured: Repo) -> None:
    _policy(measured, "[tool.diffrisk.coverage]\nfail_under = 50\n")
    code, report = check_json(measured)
    assert (code, report["verdict"]["message"]) == (
        1, "beyond policy: coverage.fail_under is 50%, and app/calc.py has no usable coverage data",
    )


def test_machine_formats_carry_the_untested_lines(untested: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(untested.path), "check", "--coverage", "coverage.xml", "--format", "github"]) == 0
    github = capsys.readouterr().out
    assert "::warning file=app/calc.py,line=12,endLine=14,title=DR-T001 (medium)::new function `mul` ran in no test" in github
    assert "::notice file=app/calc.py,line=8,endLine=8,title=DR-T002 (low)::added statements no test ran (line 8)" in github
    assert main(["-C", str(untested.path), "check", "--coverage", "coverage.xml", "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    regions = {(result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"]) for result in results}
    assert {("DR-T001", 12), ("DR-T002", 8)} <= regions
    for name in ("rdjson", "gitlab"):
        assert main(["-C", str(untested.path), "check", "--coverage", "coverage.xml", "--format", name]) == 0
        assert "DR-T002" in capsys.readouterr().out


def test_the_review_map_marks_untested_lines_with_a_legend(untested: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(untested.path), "check", "--coverage", "coverage.xml", "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert "Untested: DR-T002 under a line marks added statements no test ran" in page
    assert "added statements no test ran (line 8)" in page
    assert main(["-C", str(untested.path), "check", "--format", "html"]) == 0
    assert "Untested:" not in capsys.readouterr().out


INSTALLED_XML = """<?xml version="1.0" ?>
<coverage version="7.6" line-rate="0.5" branch-rate="0" lines-covered="2" lines-valid="4">
  <sources><source>/venv/lib/python3.11/site-packages</source></sources>
  <packages><package name="mypkg"><classes>
    <class name="calc.py" filename="mypkg/calc.py" line-rate="0.5">
      <lines><line number="1" hits="1"/><line number="2" hits="1"/><line number="5" hits="1"/><line number="6" hits="0"/></lines>
    </class>
  </classes></package></packages>
</coverage>
"""


def test_the_projects_paths_remapping_is_read_at_the_base(repo: Repo) -> None:
    # The tests ran against the installed package; [paths] maps it back to src/.
    repo.write("src/mypkg/calc.py", "def add(a, b):\n    return a + b\n")
    repo.write("pyproject.toml", '[tool.diffrisk]\nreport_level = "L0"\n\n[tool.coverage.paths]\nsource = ["src/", "*/site-packages/"]\n')
    repo.commit("start")
    repo.write("src/mypkg/calc.py", "def add(a, b):\n    return a + b\n\n\ndef neg(a):\n    return -a\n")
    repo.git("add", "src/mypkg/calc.py")
    repo.write("coverage.xml", INSTALLED_XML)
    _, report = check_json(repo, "--coverage", "coverage.xml")
    assert [(f["path"], f["status"], f["executable"], f["covered"], f["uncovered"]) for f in report["coverage"]["files"]] == [
        ("src/mypkg/calc.py", "measured", 2, 1, [[6, 6]]),
    ]
    # A remapping the change itself brings does not count: it could map other files' data onto its own.
    repo.git("reset", "-q", "--hard")
    repo.write("pyproject.toml", '[tool.diffrisk]\nreport_level = "L0"\n')
    repo.commit("no remapping")
    repo.write("src/mypkg/calc.py", "def add(a, b):\n    return a + b\n\n\ndef neg(a):\n    return -a\n")
    repo.write("pyproject.toml", '[tool.diffrisk]\nreport_level = "L0"\n\n[tool.coverage.paths]\nsource = ["src/", "*/site-packages/"]\n')
    repo.git("add", "src/mypkg/calc.py", "pyproject.toml")
    repo.write("coverage.xml", INSTALLED_XML)
    _, report = check_json(repo, "--coverage", "coverage.xml")
    assert [(f["path"], f["status"]) for f in report["coverage"]["files"]] == [("src/mypkg/calc.py", "not measured")]


def test_code_the_change_itself_excludes_from_coverage_counts_as_untested(repo: Repo) -> None:
    staged_calc(repo, UNTESTED.replace("def mul(a, b):\n", "def mul(a, b):  # pragma: no cover\n"))
    coverage(repo, ["run", "--branch", "run_it.py"], ["xml", "-o", "coverage.xml"])
    _, report = check_json(repo, "--coverage", "coverage.xml")
    # coverage.py leaves mul (12-14) out of the statements; the change's own pragma cannot.
    assert [(f["executable"], f["covered"], f["uncovered"]) for f in report["coverage"]["files"]] == [(7, 3, [[8, 8], [12, 14]])]
    assert sorted((f["line"], f["rule"], f["end_line"]) for f in report["findings"] if f["rule"] in ("DR-S002", "DR-T002")) == [
        (8, "DR-T002", 8), (12, "DR-S002", 12), (12, "DR-T002", 14),
    ]


def test_untested_lines_are_annotated_likeliest_hotspot_first(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("app/__init__.py", "")
    repo.write("app/m.py", "")
    repo.commit("start")
    repo.write("app/m.py", (
        "def small(flag):\n    if flag:\n        return 1\n    return 0\n\n\n"
        "def big(count):\n    total = 0\n    for index in range(count):\n        total += index\n"
        "    if total > 100:\n        total = 100\n    return total\n"
    ))
    repo.write("run_it.py", "from app.m import big, small\nsmall(0)\nbig(3)\n")
    repo.git("add", "app/m.py")
    coverage(repo, ["run", "run_it.py"], ["xml", "-o", "coverage.xml"])
    assert main(["-C", str(repo.path), "check", "--coverage", "coverage.xml", "--format", "github"]) == 0
    marks = [line for line in capsys.readouterr().out.splitlines() if "DR-T002" in line]
    # big is the likelier place of a bug, so its untested line comes first, although later in the file.
    assert [mark.split(",")[1] for mark in marks] == ["line=12", "line=3"]


HOSTILE_LCOV = (
    "SF:../../etc/passwd\nDA:1,1\nend_of_record\n"  # leaves the repository: ignored, never opened
    "SF:/home/ci/work/project/app/calc.py\nDA:5,1\nDA:7,1\nDA:8,1\nDA:9,1\nend_of_record\n"
)


def test_hostile_paths_in_the_data_are_ignored_and_foreign_absolute_paths_map(measured: Repo) -> None:
    (measured.path / "hostile.lcov").write_text(HOSTILE_LCOV)
    _, report = check_json(measured, "--coverage", "hostile.lcov")
    assert [(f["path"], f["status"], f["executable"], f["covered"]) for f in report["coverage"]["files"]] == [
        ("app/calc.py", "measured", 4, 4),
    ]
    assert f"{measured.path / 'hostile.lcov'}: 1 file outside the repository ignored" in report["notes"]
