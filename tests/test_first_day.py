"""What a new user tripped over on the first day (issue 19), each on a real repository."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from testing.repo import Repo
from testing.run import check_json, run


def test_nothing_staged_says_so(repo: Repo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("a")
    assert run("-C", str(repo.path), "check") == (
        0, "diffrisk: nothing staged (git add what to check, or check --worktree, --commit C or --base B)\n",
    )
    code, report = check_json(repo)
    assert (code, report["notes"][0], report["files"]) == (0, "nothing staged", [])


def test_dash_o_adds_an_output_and_keeps_standard_output(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("a")
    repo.write("a.py", "x = 2\n")
    repo.commit("b")
    for extra in (["-o", f"json={tmp_path / 'r.json'}"], ["-o", str(tmp_path / "r.txt")]):
        code, out = run("-C", str(repo.path), "check", "--commit", "HEAD", *extra)
        assert code == 0 and out.startswith("diffrisk: L0 skim"), extra
    assert json.loads((tmp_path / "r.json").read_text())["level"] == "L0"
    assert (tmp_path / "r.txt").read_text().startswith("diffrisk: L0 skim")


TEST_FILE = "import pytest\n\n\ndef test_add():\n    assert 1 + 1 == 2\n"
SKIPPED = "import pytest\n\n\n@pytest.mark.skip(reason='flaky')\ndef test_add():\n    assert 1 + 1 == 2\n"


def test_a_skipped_test_shows_in_the_one_line_and_the_text_report(repo: Repo, tmp_path: Path) -> None:
    repo.write("tests/test_a.py", TEST_FILE)
    repo.commit("tests")
    repo.write("tests/test_a.py", SKIPPED)
    repo.commit("skip")
    quiet = tmp_path / "quiet.toml"
    quiet.write_text('[tool.diffrisk]\nreport_level = "L3"\n')
    code, out = run("-C", str(repo.path), "check", "--commit", "HEAD", "--config", str(quiet))
    assert code == 0
    # The level is above what the score says: the line says what set it.
    assert out.endswith("within policy (commit " + repo.git("rev-parse", "HEAD")[:12]
                        + "); raised to L1: tests weakened or switched off (DR-S002 at tests/test_a.py:4)\n")
    code, out = run("-C", str(repo.path), "check", "--commit", "HEAD")
    assert "  Tests weakened or switched off: tests/test_a.py:4 (DR-S002)\n" in out


def test_counts_agree_with_their_nouns_and_components_line_up(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.py", "def f(x):\n    return x\n")
    repo.commit("a")
    repo.write("a.py", "def f(x):\n    return x + 1\n")
    repo.write("b.txt", "note\n")
    repo.commit("b")
    full = tmp_path / "full.toml"
    full.write_text('[tool.diffrisk]\nreport_level = "L0"\n')
    code, out = run("-C", str(repo.path), "check", "--commit", "HEAD", "--config", str(full))
    assert code == 0
    assert "1 line of Python code added, 1 deleted" in out
    assert "1 line changed in other files" in out
    assert "Files: 2 changed (+2 -1), 1 code line added, 0 test lines added" in out
    assert "  expert    nobody else wrote the code this change touches" in out
    block = out.split("Why: score components (0-100 each; - : shown, not scored)\n", 1)[1].split("\n\n", 1)[0]
    rows = [re.match(r"^  (\S.*?)\s+(\d+|-)  ", line) for line in block.splitlines() if not line.startswith("     ")]
    assert all(rows) and len(rows) == 7
    assert len({row.start(2) + len(row[2]) for row in rows if row}) == 1  # the scores end in one column
    assert "change smells" in block and "smells of generated code" not in block


def test_explain_knows_bandit_s_rules() -> None:
    code, out = run("explain", "B602")
    assert code == 0
    assert out.startswith("B602: Test for use of popen with shell equals true\n")
    assert out.endswith(
        "severity: bandit sets it per finding, from what the call is given; CWE-78\n"
        "bandit's rule, in diffrisk's security component; diffrisk counts it as shell, which sets the level to at least L2; "
        "silence one line with `# nosec B602` (a suppression the change adds still counts)\n"
        "https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html\n"
    )
    code, out = run("explain", "B301")
    assert out.startswith("B301: pickle (a blacklisted call)\n\nPickle and modules that wrap it can be unsafe")
    assert "severity: medium; CWE-502\n" in out


def test_explain_into_a_closed_pipe_is_not_an_error() -> None:
    import subprocess
    import sys

    listing = subprocess.Popen([sys.executable, "-m", "diffrisk", "explain", "--markdown"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert listing.stdout is not None
    listing.stdout.close()  # the reader is gone before a line is written, as `| head -0` would be
    _, err = listing.communicate()
    assert (listing.returncode, err) == (0, b"")


def test_html_tells_added_from_deleted_lines_without_colour(repo: Repo, tmp_path: Path) -> None:
    """A risky function's added lines were shaded red like deleted lines; now the two differ in
    shape (a solid or dashed bar) and the risk stays in its own column."""
    repo.write("app.py", "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n")
    repo.commit("a")
    repo.write("app.py", "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False, timeout=5)\n")
    repo.commit("b")
    page = tmp_path / "r.html"
    assert run("-C", str(repo.path), "check", "--commit", "HEAD", "-o", f"html={page}")[0] == 0
    html = page.read_text()
    assert "tr.add td.code{border-left:3px solid #2e7d32}tr.del td.code{border-left:3px dashed #c62828;color:var(--muted)}" in html
    assert "td.code{background" not in html
    assert '<tr class="add r-high"' in html or '<tr class="add r-medium"' in html


COMPUTE = '''import functools


def compute(values, limit):
    total = 0
    for value in values:
        if value > limit:
            total += value
    return total
'''


def test_a_decorator_or_an_added_line_does_not_make_a_function_new(repo: Repo) -> None:
    repo.write("m.py", COMPUTE)
    repo.commit("a")
    for edited in (COMPUTE.replace("def compute", "@functools.cache\ndef compute"), COMPUTE.replace("    return total", "    total += 1\n    return total")):
        repo.write("m.py", edited)
        code, report = check_json(repo, "--worktree")
        spot = report["hotspots"][0]
        assert (spot["name"], spot["complexity_before"], spot["complexity_after"]) == ("compute", 3, 3)
        assert "new" not in spot["reasons"] and spot["terms"]["new_function"] == 0


def test_a_stub_ranks_below_a_function_that_turns_tls_verification_off(repo: Repo) -> None:
    repo.write("app.py", "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n")
    repo.commit("a")
    repo.write("app.py", "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5, verify=False)\n\n\n"
                         'def later(values):\n    """To do."""\n    pass\n')
    code, report = check_json(repo, "--worktree")
    assert [(spot["name"], spot["reasons"][0]) for spot in report["hotspots"]] == [("fetch", "B501"), ("later", "new stub")]


def test_one_finding_per_problem_and_no_magic_in_well_known_numbers(repo: Repo) -> None:
    repo.write("app.py", "def ok():\n    return 1\n")
    repo.commit("a")
    repo.write("app.py", (
        "def ok(response, cleanup):\n"
        "    try:\n"
        "        cleanup()\n"
        "    except Exception:\n"
        "        pass\n"
        "    if response.status_code == 200 and response.elapsed < 60:\n"
        "        return response.size > 1024\n"
        "    return response.retries > 7\n"
    ))
    code, report = check_json(repo, "--worktree")
    found = sorted((item["rule"], item["line"]) for item in report["findings"])
    assert ("B110", 4) not in found and ("B110", 5) not in found
    assert [item for item in found if item[0] == "DR-S004"] == [("DR-S004", 4)]
    assert [item for item in found if item[0] == "DR-R007"] == [("DR-R007", 8)]


def test_a_shallow_clone_says_its_history_is_truncated(repo: Repo, tmp_path: Path) -> None:
    import subprocess

    repo.write("app.py", "def f(x):\n    return x\n")
    repo.write("other.py", "Y = 1\n")
    repo.commit("start")
    for index in range(3):
        repo.write("app.py", f"def f(x):\n    return x + {index}\n")
        repo.commit(f"fix crash {index}")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", repo.path.as_uri(), str(clone)], check=True)
    (clone / "app.py").write_text("def f(x):\n    return x * 2\n")
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    code, report = check_json(Repo(clone))
    summary = next(item for item in report["files"] if item["path"] == "app.py")
    # The boundary commit ("fix crash 1", with its parent cut off) does not count: only "fix crash 2".
    assert (summary["prior_changes"], summary["prior_fixes"]) == (1, 1)
    assert ("the history is truncated (a shallow clone): prior changes, fixes and files that usually change together "
            "count only the 1 commit it holds; fetch the whole history for them") in report["notes"]


def test_help_is_as_wide_as_shutil_would_make_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The help is sized without importing shutil, the way argparse's own formatter sizes it."""
    import shutil
    import subprocess
    import sys

    from diffrisk.commands.arguments import _columns

    for columns in ("", "0", "x", "60", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        assert _columns() == shutil.get_terminal_size().columns
    program = (
        "import argparse, contextlib, io, sys\n"
        "from diffrisk.commands import arguments\n"
        "def show():\n"
        "    out = io.StringIO()\n"
        "    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "        arguments.parser().parse_args(['check', '--help'])\n"
        "    return out.getvalue()\n"
        "ours, imported = show(), 'shutil' in sys.modules\n"
        "arguments._Formatter = argparse.HelpFormatter\n"
        "print(imported, ours == show(), len(ours.splitlines()))\n"
    )
    for columns in ("60", "200"):
        completed = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": columns},
        )
        assert completed.stdout.split()[:2] == ["False", "True"], completed.stderr
