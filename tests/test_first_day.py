"""What a new user tripped over on the first day (issue 19), each on a real repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

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
