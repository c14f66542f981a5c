"""End to end: ``diffrisk check`` on real repositories, through ``main`` and as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from diffrisk.main import main
from testing.repo import Repo
from testing.run import check_json
from testing.samples import RISKY


def rules_at(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted((item["rule"], item["path"], item["line"]) for item in report["findings"] if not item["removed"])


@pytest.fixture
def base_repo(repo: Repo) -> Repo:
    repo.write("README.md", "# demo\n")
    repo.write("app/__init__.py", "")
    repo.commit("initial")
    return repo


def test_risky_staged_change_is_beyond_an_l2_policy(base_repo: Repo) -> None:
    base_repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L2"\n')
    base_repo.commit("policy")
    base_repo.write("app/run.py", RISKY)
    base_repo.stage()
    code, report = check_json(base_repo)
    assert code == 1
    assert report["level"] in ("L2", "L3")
    assert report["verdict"]["within_policy"] is False
    assert rules_at(report) == [
        ("B307", "app/run.py", 11),
        ("B404", "app/run.py", 1),
        ("B602", "app/run.py", 6),
        ("DR-C001", "app/run.py", 14),
    ]
    complexity = next(item for item in report["findings"] if item["rule"] == "DR-C001")
    assert complexity["message"] == "`parse_row` cyclomatic complexity 15 (new); over the limit of 10"
    hotspots = {(spot["name"], spot["line"], spot["end_line"]) for spot in report["hotspots"]}
    assert {("run_command", 4, 6), ("evaluate", 9, 11), ("parse_row", 14, 42)} <= hotspots
    security = next(part for part in report["components"] if part["name"] == "security")
    assert security["reasons"][0]["message"].startswith("B602 subprocess call with shell=True identified")
    assert "at app/run.py:6" in security["reasons"][0]["message"]


def test_readme_only_change_is_l0_and_passes(base_repo: Repo) -> None:
    base_repo.write("README.md", "# demo\n\nMore words about the demo.\n")
    base_repo.stage()
    code, report = check_json(base_repo)
    assert code == 0
    assert report["level"] == "L0"
    assert report["findings"] == []
    assert report["size"]["other_lines_added"] == 2


def test_pure_rename_is_l0(base_repo: Repo) -> None:
    base_repo.write("app/run.py", RISKY)
    base_repo.commit("add runner")
    base_repo.git("mv", "app/run.py", "app/runner.py")
    code, report = check_json(base_repo)
    assert code == 0
    assert report["level"] == "L0"
    assert report["score"] == 0
    assert report["files"] == [{
        "path": "app/runner.py", "old_path": "app/run.py", "status": "renamed", "added": 0, "deleted": 0,
        "is_python": True, "is_test": False, "skipped": None, "generated": None, "mechanical": False,
        "prior_changes": 1, "prior_fixes": 0, "maintainability_before": None, "maintainability_after": None,
    }]


def test_commit_and_its_patch_on_stdin_agree(base_repo: Repo) -> None:
    base_repo.write("app/run.py", RISKY)
    sha = base_repo.commit("add runner")
    _, by_commit = check_json(base_repo, "--commit", sha)
    patch = base_repo.git("show", sha).encode()
    process = subprocess.run(
        [sys.executable, "-m", "diffrisk", "check", "--diff-file", "-", "--format", "json"],
        input=patch, capture_output=True, cwd=base_repo.path, check=False,
    )
    by_patch = json.loads(process.stdout)
    assert (process.returncode, by_patch["level"]) == (0, "L2")  # L2 is below the default fail level
    assert by_patch["contents_available"] is True
    assert by_patch["findings"] == by_commit["findings"]
    assert by_patch["score"] == by_commit["score"]
    assert by_commit["source"] == f"commit {sha[:12]}"


def test_patch_without_repository_analyses_the_diff_lines(tmp_path: Path, base_repo: Repo) -> None:
    base_repo.write("app/run.py", RISKY)
    sha = base_repo.commit("add runner")
    patch = tmp_path / "change.patch"
    patch.write_text(base_repo.git("show", sha))
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code, report = check_json(None, "-C", str(outside), "--diff-file", str(patch))
    assert report["contents_available"] is False
    assert report["notes"][0] == "file contents were not available: only the lines in the diff were analysed"
    assert ("B602", "app/run.py", 6) in rules_at(report)
    assert (code, report["level"]) == (0, "L2")


def test_unparsable_python_is_a_high_risk_finding(base_repo: Repo) -> None:
    base_repo.write("app/broken.py", "def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    base_repo.stage()
    code, report = check_json(base_repo)
    assert rules_at(report) == [("DR-E001", "app/broken.py", 4)]
    assert (report["level"], code) == ("L2", 0)
    assert report["level_reasons"] == ["raised to L2: changed Python cannot be read as the diff shows it (DR-E001 at app/broken.py:4)"]


def test_modified_function_reports_complexity_delta(base_repo: Repo) -> None:
    simple = 'def parse_row(row, mode):\n    """Score one row."""\n    total = 0\n    for cell in row:\n        if cell:\n            total += 1\n    return total\n'
    base_repo.write("app/rows.py", simple)
    base_repo.commit("simple")
    base_repo.write("app/rows.py", RISKY[RISKY.index("def parse_row"):])
    base_repo.stage()
    code, report = check_json(base_repo)
    complexity = next(part for part in report["components"] if part["name"] == "complexity")
    assert complexity["reasons"][0]["message"] == "`parse_row` cyclomatic complexity 3 -> 15"
    assert rules_at(report) == [("DR-C001", "app/rows.py", 1)]
    spot = report["hotspots"][0]
    assert (spot["name"], spot["complexity_before"], spot["complexity_after"]) == ("parse_row", 3, 15)
    summary = report["files"][0]
    assert summary["maintainability_before"] > summary["maintainability_after"] > 0


def test_removed_security_issue_counts_in_favour(base_repo: Repo) -> None:
    base_repo.write("app/calc.py", 'def evaluate(text):\n    """Evaluate."""\n    return eval(text)\n')
    base_repo.commit("eval")
    base_repo.write("app/calc.py", 'import ast\n\n\ndef evaluate(text):\n    """Evaluate."""\n    return ast.literal_eval(text)\n')
    base_repo.stage()
    code, report = check_json(base_repo)
    removed = [(item["rule"], item["line"]) for item in report["findings"] if item["removed"]]
    assert removed == [("B307", 3)]
    security = next(part for part in report["components"] if part["name"] == "security")
    assert security["score"] == 0
    assert code == 0


def test_moved_code_keeps_its_old_issues_out(base_repo: Repo) -> None:
    base_repo.write("app/calc.py", 'def evaluate(text):\n    """Evaluate."""\n    return eval(text)\n')
    base_repo.commit("eval")
    base_repo.write("app/calc.py", 'def evaluate(text):\n    """Evaluate."""\n    if text:\n        return eval(text)\n    return None\n')
    base_repo.stage()
    _, report = check_json(base_repo)
    assert [item["rule"] for item in report["findings"]] == []


def test_formatting_only_change_is_mechanical(base_repo: Repo) -> None:
    base_repo.write("app/calc.py", "def add(a,b):\n    return a+b\n")
    base_repo.commit("add")
    base_repo.write("app/calc.py", "def add(a, b):\n    # sum two numbers\n    return a + b\n")
    base_repo.stage()
    code, report = check_json(base_repo)
    assert report["files"][0]["mechanical"] is True
    assert (report["level"], report["findings"], code) == ("L0", [], 0)


def test_critical_paths_raise_the_level(base_repo: Repo) -> None:
    base_repo.write("pyproject.toml", '[tool.diffrisk]\ncritical_paths = ["app/auth/**"]\n')
    base_repo.commit("config")
    base_repo.write("app/auth/tokens.py", 'TIMEOUT = 30\n')
    base_repo.stage()
    _, report = check_json(base_repo)
    assert report["level"] == "L1"
    assert report["level_reasons"] == ["raised L0 -> L1: touches critical path app/auth/tokens.py"]


def test_edits_of_excluded_files_count_by_their_security_findings_only(base_repo: Repo) -> None:
    base_repo.write("app/vendor/lib.py", "def run(text):\n    return text\n")
    base_repo.commit("vendor a library")
    base_repo.write("app/vendor/lib.py", "def run(text):\n    return text.strip()\n\n\n" + "def more():\n    return 1\n" * 40)
    base_repo.stage()
    code, report = check_json(base_repo)
    assert (report["level"], report["findings"], report["size"]["code_lines_added"], code) == ("L0", [], 0, 0)
    assert report["files"][0]["skipped"] == "excluded by pattern 'vendor/'"
    # Vendored code runs like any other: an exclusion does not lift a security floor.
    base_repo.write("app/vendor/lib.py", RISKY)
    base_repo.stage()
    code, report = check_json(base_repo)
    assert (report["level"], rules_at(report)) == ("L2", [
        ("B307", "app/vendor/lib.py", 11), ("B404", "app/vendor/lib.py", 1), ("B602", "app/vendor/lib.py", 6),
    ])


def test_a_file_added_to_an_excluded_path_is_analysed(base_repo: Repo) -> None:
    # The exclusion was written for code that was already there; a new file is the change's own.
    base_repo.write("app/vendor/lib.py", RISKY)
    base_repo.stage()
    code, report = check_json(base_repo)
    assert (report["level"], code) == ("L2", 0)
    assert report["files"][0]["skipped"] is None
    assert ("B602", "app/vendor/lib.py", 6) in rules_at(report)


def test_binary_files_are_skipped_and_undecodable_python_is_a_finding(base_repo: Repo) -> None:
    base_repo.write("app/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    base_repo.write("app/legacy.py", b"name = '\xff\xfe caf\xe9'\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    skipped = {item["path"]: item["skipped"] for item in report["files"]}
    assert skipped == {"app/logo.png": "binary file", "app/legacy.py": None}
    assert rules_at(report) == [("DR-E001", "app/legacy.py", 1)]
    assert report["findings"][0]["message"].startswith("does not decode: ")
    assert report["level"] == "L2"


def test_sources_agree_on_one_change(base_repo: Repo) -> None:
    first = base_repo.git("rev-parse", "HEAD").strip()
    base_repo.git("checkout", "-q", "-b", "feature")
    base_repo.write("app/run.py", RISKY)
    sha = base_repo.commit("add runner")
    results = []
    for args in (
        ["--commit", sha],
        ["--base", "main"],
        ["--range", f"{first}..{sha}"],
        ["--range", "main...feature"],
    ):
        _, report = check_json(base_repo, *args)
        results.append((report["score"], rules_at(report)))
    assert len(set(map(str, results))) == 1


def test_worktree_reads_unstaged_changes(base_repo: Repo) -> None:
    base_repo.write("app/run.py", "VALUE = 1\n")
    base_repo.commit("value")
    base_repo.write("app/run.py", "import subprocess\nVALUE = subprocess.call('ls', shell=True)\n")
    _, staged = check_json(base_repo)
    _, unstaged = check_json(base_repo, "--worktree")
    assert staged["files"] == []
    assert ("B602", "app/run.py", 2) in rules_at(unstaged)


def test_root_commit_is_diffed_against_the_empty_tree(repo: Repo) -> None:
    repo.write("main.py", "print('hello')\n")
    sha = repo.commit("root")
    _, report = check_json(repo, "--commit", sha)
    assert [(item["path"], item["status"], item["added"]) for item in report["files"]] == [("main.py", "added", 1)]


def test_staged_changes_before_the_first_commit(repo: Repo) -> None:
    repo.write("main.py", "print('hello')\n")
    repo.stage()
    code, report = check_json(repo)
    assert (code, report["size"]["code_lines_added"]) == (0, 1)


def test_bare_repository_and_git_dir_before_or_after_the_command(base_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("app/run.py", RISKY)
    sha = base_repo.commit("add runner")
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(base_repo.path), str(bare)], check=True)
    assert main(["--git-dir", str(bare), "check", "--commit", sha, "--format", "json", "--fail-level", "L2"]) == 1
    before = json.loads(capsys.readouterr().out)
    assert main(["check", "--git-dir", str(bare), "--commit", sha, "--format", "json", "--fail-level", "L2"]) == 1
    after = json.loads(capsys.readouterr().out)
    assert before == after
    assert ("B602", "app/run.py", 6) in rules_at(before)


def test_user_git_config_does_not_change_the_result(base_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("app/run.py", RISKY)
    sha = base_repo.commit("add runner")
    plain = main(["-C", str(base_repo.path), "check", "--commit", sha, "--format", "json"]), capsys.readouterr().out
    for key, value in (
        ("diff.noprefix", "true"), ("diff.mnemonicPrefix", "true"), ("color.ui", "always"),
        ("color.diff", "always"), ("diff.external", "false"), ("diff.algorithm", "patience"),
        ("diff.relative", "true"), ("core.quotePath", "false"), ("diff.renames", "false"),
    ):
        base_repo.git("config", key, value)
    configured = main(["-C", str(base_repo.path), "check", "--commit", sha, "--format", "json"]), capsys.readouterr().out
    assert configured == plain


def test_json_output_is_byte_for_byte_deterministic(base_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("app/run.py", RISKY)
    base_repo.stage()
    outputs = set()
    for _ in range(2):
        main(["-C", str(base_repo.path), "check", "--format", "json"])
        outputs.add(capsys.readouterr().out)
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--commit", "no-such-ref"], "diffrisk: error: unknown revision 'no-such-ref': check the name\n"),
        (["--range", "main"], "diffrisk: error: --range needs A..B or A...B, not 'main'\n"),
        # An empty variable in CI ("$BASE..HEAD") must not check nothing and pass.
        (["--range", "..HEAD"], "diffrisk: error: --range needs both ends, A..B, not '..HEAD'\n"),
        (["--range", "main..."], "diffrisk: error: --range needs both ends, A...B, not 'main...'\n"),
        (["-o", "bogus=x"], "diffrisk: error: -o 'bogus=x': unknown format 'bogus' (formats: text, json, github, markdown, sarif, "
         "rdjson, gitlab, html; a file named so: -o ./bogus=x)\n"),
        (["--diff-file", "/nonexistent/x.patch"], "diffrisk: error: cannot read diff file '/nonexistent/x.patch': No such file or directory\n"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(base_repo: Repo, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["-C", str(base_repo.path), "check", *args]) == 2
    assert capsys.readouterr().err == message


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(tmp_path), "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("diffrisk: error: not a git repository")
    assert err.endswith("(run inside a repository, or pass -C DIR or --git-dir DIR)\n")
    assert err.count("\n") == 1


def test_not_a_diff_on_stdin_exits_2_with_the_line(base_repo: Repo) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "diffrisk", "check", "--diff-file", "-"],
        input=b"hello\nworld\n", capture_output=True, cwd=base_repo.path, check=False,
    )
    assert process.returncode == 2
    assert process.stderr == b"diffrisk: error: diff input line 1: no diff found (expected 'diff --git' or '---'/'+++' lines)\n"


def test_bad_config_names_the_key(base_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("pyproject.toml", '[tool.diffrisk]\nfail_levl = "L2"\n')
    base_repo.stage()
    assert main(["-C", str(base_repo.path), "check"]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'fail_levl' in [tool.diffrisk]; valid keys: fail_level, report_level" in err


def test_text_output_is_plain_off_a_terminal_and_coloured_on_request(base_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("app/run.py", RISKY)
    base_repo.stage()
    main(["-C", str(base_repo.path), "check"])
    plain = capsys.readouterr().out
    assert "\x1b[" not in plain
    assert plain.splitlines()[1] == "L2 careful review · risk 34/100 · about 10 min to review"
    assert plain.splitlines()[3] == "  (raised to L2: high-severity security issue B602 at app/run.py:6)"
    main(["-C", str(base_repo.path), "check", "--color", "always"])
    assert "\x1b[1;33mL2 careful\x1b[0m" in capsys.readouterr().out


def test_low_risk_text_report_is_one_line(base_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("README.md", "# demo\n\nMore.\n")
    base_repo.stage()
    main(["-C", str(base_repo.path), "check"])
    assert capsys.readouterr().out == (
        "diffrisk: L0 skim · risk 1/100 · ~1 min · within policy (staged changes)\n"
    )


def test_output_file(base_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("README.md", "# demo\n\nMore.\n")
    base_repo.stage()
    target = tmp_path / "report.json"
    assert main(["-C", str(base_repo.path), "check", "--format", "json", "-o", str(target)]) == 0
    # -o adds an output: standard output keeps its own copy.
    assert capsys.readouterr().out == target.read_text()
    assert json.loads(target.read_text())["level"] == "L0"


def test_deleted_function_is_a_hotspot_on_the_old_side(base_repo: Repo) -> None:
    base_repo.write("app/calc.py", 'def keep():\n    """Kept."""\n    return 1\n\n\ndef drop(value):\n    """Dropped."""\n    return value * 2\n')
    base_repo.commit("two functions")
    base_repo.write("app/calc.py", 'def keep():\n    """Kept."""\n    return 1\n')
    base_repo.stage()
    _, report = check_json(base_repo)
    spots = [(spot["name"], spot["side"], spot["line"], spot["end_line"], spot["deleted"]) for spot in report["hotspots"]]
    assert spots == [("drop", "old", 6, 8, 3)]  # the two blank lines between the functions are no block


def test_relative_diff_file_is_found_from_the_c_directory(base_repo: Repo, tmp_path: Path) -> None:
    base_repo.write("app/run.py", RISKY)
    sha = base_repo.commit("add runner")
    (base_repo.path / "change.patch").write_text(base_repo.git("show", sha))
    code, report = check_json(base_repo, "--diff-file", "change.patch")
    assert (code, report["source"], report["level"]) == (0, "patch change.patch", "L2")


def test_plain_git_hook_blocks_a_risky_commit_and_lets_a_safe_one_through(base_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = Path(__file__).parent.parent / "hooks" / "pre-commit"
    target = base_repo.path / ".git" / "hooks" / "pre-commit"
    target.write_bytes(hook.read_bytes())
    target.chmod(0o755)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{__import__('os').environ['PATH']}")
    base_repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L2"\n')
    base_repo.commit("policy")
    base_repo.write("app/run.py", RISKY)
    base_repo.stage()
    blocked = subprocess.run(["git", "commit", "-q", "-m", "risky"], cwd=base_repo.path, capture_output=True, check=False)
    assert blocked.returncode == 1
    assert b"Verdict: beyond policy: L2 reaches the fail level L2" in blocked.stderr  # git shows hook output on stderr
    base_repo.git("reset", "-q")
    base_repo.write("README.md", "# demo\n\nSafe.\n")
    base_repo.stage("README.md")
    passed = subprocess.run(["git", "commit", "-q", "-m", "safe"], cwd=base_repo.path, capture_output=True, check=False)
    assert passed.returncode == 0
    assert passed.stderr == b"diffrisk: L0 skim \xc2\xb7 risk 1/100 \xc2\xb7 ~1 min \xc2\xb7 within policy (staged changes)\n"


def test_mechanical_detection_inside_classes(base_repo: Repo) -> None:
    body = 'class Store:\n    """A store."""\n\n    def get(self, key):\n        """Get."""\n        return self.items[key]\n\n    def put(self, key, value):\n        """Put."""\n        self.items[key]=value\n'
    base_repo.write("app/store.py", body)
    base_repo.commit("store")
    base_repo.write("app/store.py", body.replace("self.items[key]=value", "self.items[key] = value"))
    base_repo.stage()
    _, formatted = check_json(base_repo)
    assert formatted["files"][0]["mechanical"] is True
    base_repo.write("app/store.py", body.replace("self.items[key]=value", "self.items[key] = value or None"))
    base_repo.stage()
    _, changed = check_json(base_repo)
    assert changed["files"][0]["mechanical"] is False
    assert [(spot["name"], spot["line"]) for spot in changed["hotspots"]] == [("Store.put", 8)]


# -- regressions found by an outside review ---------------------------------------------------


def test_python_marked_binary_by_gitattributes_is_still_analysed(base_repo: Repo) -> None:
    base_repo.write("a.py", 'def f():\n    """D."""\n    return 1\n')
    base_repo.commit("f")
    base_repo.write("a.py", 'import os\ndef f():\n    """D."""\n    os.system(input())\n')
    base_repo.write(".gitattributes", "*.py -diff\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    assert ("B605", "a.py", 4) in rules_at(report)
    assert report["level"] != "L0"


def test_user_attributes_and_big_file_threshold_do_not_hide_python(base_repo: Repo, tmp_path: Path) -> None:
    attributes = tmp_path / "attributes"
    attributes.write_text("*.py binary\n")
    base_repo.git("config", "core.attributesFile", str(attributes))
    base_repo.git("config", "core.bigFileThreshold", "1")
    base_repo.write("a.py", "import os\nos.system(input())\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    assert ("B605", "a.py", 2) in rules_at(report)


def test_a_second_copy_of_an_existing_issue_is_new(base_repo: Repo) -> None:
    base_repo.write("a.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    subprocess.call(cmd, shell=True)\n    return 0\n')
    base_repo.commit("one call")
    base_repo.write("a.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    subprocess.call(cmd, shell=True)\n    for item in cmd:\n        subprocess.call(item, shell=True)\n    return 0\n')
    base_repo.stage()
    _, report = check_json(base_repo)
    assert rules_at(report) == [("B602", "a.py", 8)]


def test_an_edited_line_keeps_its_issue_without_new_or_removed(base_repo: Repo) -> None:
    base_repo.write("a.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    base_repo.commit("call")
    base_repo.write("a.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    result = subprocess.call(\n        cmd, shell=True\n    )\n    return result\n')
    base_repo.stage()
    _, report = check_json(base_repo)
    assert report["findings"] == []


COMPLEX = "def parse(v):\n    \"\"\"P.\"\"\"\n" + "".join(f"    if v == '{i}':\n        return {i}\n" for i in range(14)) + "    return None\n"


def test_a_renamed_function_is_an_edit_not_a_new_function(base_repo: Repo) -> None:
    base_repo.write("a.py", COMPLEX)
    base_repo.commit("parse")
    base_repo.write("a.py", COMPLEX.replace("def parse(v)", "def parse_value(v)"))
    base_repo.stage()
    _, report = check_json(base_repo)
    assert report["findings"] == []
    assert report["level"] == "L0"
    spot = report["hotspots"][0]
    assert (spot["name"], spot["side"], spot["reasons"], spot["complexity_before"], spot["complexity_after"]) == (
        "parse_value", "new", ["renamed from parse"], 15, 15,
    )


def test_a_copied_file_is_reviewed_as_new_code(base_repo: Repo) -> None:
    module = 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n' + "".join(f"\n\ndef helper_{i}():\n    \"\"\"Help.\"\"\"\n    return {i}\n" for i in range(8))
    base_repo.write("a.py", module)
    base_repo.commit("a")
    base_repo.write("a.py", module + "\nEXTRA = 1\n")
    base_repo.write("b.py", module + "\nOTHER = 2\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    copied = next(item for item in report["files"] if item["path"] == "b.py")
    assert (copied["status"], copied["added"]) == ("added", module.count("\n") + 2)
    assert ("B602", "b.py", 6) in rules_at(report)


def test_class_docstring_survives_slicing_and_findings_count_once(base_repo: Repo) -> None:
    base_repo.write("a.py", 'class Store:\n    """Keeps things."""\n\n    limit = 3\n\n    def load(self, text):\n        """Load."""\n        return text\n')
    base_repo.commit("store")
    base_repo.write("a.py", 'class Store:\n    """Keeps things."""\n\n    limit = 4\n\n    def load(self, text):\n        """Load."""\n        return eval(text)\n')
    base_repo.stage()
    _, report = check_json(base_repo)
    assert rules_at(report) == [("B307", "a.py", 8)]
    reasons = {spot["name"]: spot["reasons"] for spot in report["hotspots"]}
    assert reasons == {"Store.load": ["B307"], "Store": []}


def test_property_getter_and_setter_are_told_apart(base_repo: Repo) -> None:
    prop = 'class C:\n    """C."""\n\n    @property\n    def x(self):\n        """X."""\n        return self._x\n\n    @x.setter\n    def x(self, value):\n        self._x = value\n'
    base_repo.write("a.py", prop)
    base_repo.commit("prop")
    base_repo.write("a.py", prop.replace("        return self._x\n", "        return eval(self._x)\n"))
    base_repo.stage()
    _, report = check_json(base_repo)
    assert [(spot["name"], spot["line"], spot["end_line"], spot["reasons"]) for spot in report["hotspots"]] == [
        ("C.x", 4, 7, ["B307"]),
    ]


def test_removed_test_asserts_earn_no_credit(base_repo: Repo) -> None:
    base_repo.write("tests/test_a.py", "def test_one():\n    assert 1 + 1 == 2\n")
    base_repo.commit("test")
    base_repo.write("tests/test_a.py", "def test_one():\n    pass\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    # No credit for the assert (B101) it removed; the emptied test is a weakened test.
    assert [(item["rule"], item["line"], item["message"], item["removed"]) for item in report["findings"]] == [
        ("DR-S003", 1, "weakened test: test `test_one` body emptied", False),
    ]


def test_encoding_cookie_files_are_analysed(base_repo: Repo) -> None:
    base_repo.write("cp.py", b'# -*- coding: cp1252 -*-\nname = "\xc1"\nvalue = eval(name)\n')
    base_repo.stage()
    code, report = check_json(base_repo)
    assert (code, report["failures"], rules_at(report)) == (0, [], [("B307", "cp.py", 3)])


def test_deep_but_valid_expression_does_not_crash(base_repo: Repo) -> None:
    # One term a line: on one line it would be minified (pyfile.generated), and not analysed at all.
    base_repo.write("a.py", "X = (\n" + "\n+ ".join(["1"] * 1500) + "\n)\n")
    base_repo.commit("deep")
    base_repo.write("a.py", "X = (\n" + "\n+ ".join(["2"] * 1500) + "\n)\n")
    base_repo.stage()
    code, report = check_json(base_repo)
    assert (code, report["failures"], report["level"]) == (1, [], "L3")  # 1,500 changed lines
    assert report["notes"] == [
        f"a.py: {analyzer} skipped: the syntax tree nests 1502 levels deep"
        for analyzer in ("complexity", "security", "weaknesses", "readability", "smells")
    ] * 2


def test_deleting_a_file_credits_its_issues_and_shows_it(base_repo: Repo) -> None:
    base_repo.write("b.py", 'def f(text):\n    """F."""\n    return eval(text)\n')
    base_repo.commit("b")
    base_repo.git("rm", "-q", "b.py")
    _, report = check_json(base_repo)
    assert [(item["rule"], item["line"], item["removed"]) for item in report["findings"]] == [("B307", 3, True)]
    assert [(spot["name"], spot["kind"], spot["side"]) for spot in report["hotspots"]] == [("b.py", "file", "old")]


def test_moving_a_file_out_of_a_critical_path_still_raises(base_repo: Repo) -> None:
    base_repo.write("pyproject.toml", '[tool.diffrisk]\ncritical_paths = ["src/auth/"]\n')
    base_repo.write("src/auth/tok.py", "".join(f"VALUE_{i} = {i}\n" for i in range(20)))
    base_repo.commit("tokens")
    (base_repo.path / "src" / "misc").mkdir()
    base_repo.git("mv", "src/auth/tok.py", "src/misc/tok.py")
    _, report = check_json(base_repo)
    assert report["level_reasons"] == ["raised L0 -> L1: touches critical path src/misc/tok.py"]


def test_patch_series_is_refused(base_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("a.py", "A = 1\n")
    base_repo.commit("one")
    base_repo.write("a.py", "A = 2\n")
    base_repo.commit("two")
    series = tmp_path / "series.patch"
    series.write_text(base_repo.git("format-patch", "--stdout", "HEAD~2"))
    assert main(["-C", str(base_repo.path), "check", "--diff-file", str(series)]) == 2
    assert capsys.readouterr().err == (
        "diffrisk: error: the patch changes 'a.py' more than once (a series of commits?); "
        "give one diff, e.g. the output of git diff A B\n"
    )


def test_lone_carriage_returns_are_a_finding(base_repo: Repo) -> None:
    base_repo.write("a.py", b"import os\rdef f():\r    os.system(input())\r")
    base_repo.stage()
    _, report = check_json(base_repo)
    assert rules_at(report) == [("DR-E002", "a.py", 1)]
    assert report["level"] == "L2"


def test_encoding_change_and_added_suppression_are_not_mechanical(base_repo: Repo) -> None:
    base_repo.write("a.py", b"# coding: latin-1\nSIGN = '\xa4'\n")
    base_repo.write("b.py", b"import os\nos.system(input())\n")
    base_repo.commit("files")
    base_repo.write("a.py", b"# coding: iso8859-15\nSIGN = '\xa4'\n")
    base_repo.write("b.py", b"import os\nos.system(input())  # nosec\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    assert [item["mechanical"] for item in report["files"]] == [False, False]


def test_pipe_closed_early_is_not_an_internal_error(base_repo: Repo) -> None:
    base_repo.write("app/run.py", RISKY)
    base_repo.stage()
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before diffrisk writes a byte
    writer = subprocess.run(
        [sys.executable, "-m", "diffrisk", "check", "--format", "json"],
        cwd=base_repo.path, stdout=write_end, stderr=subprocess.PIPE, check=False,
    )
    os.close(write_end)
    assert (writer.returncode, writer.stderr) == (0, b"")


def test_shallow_clone_names_the_missing_parent_and_the_fix(base_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("a.py", "A = 1\n")
    base_repo.commit("a")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{base_repo.path}", str(shallow)], check=True)
    assert main(["-C", str(shallow), "check", "--commit", "HEAD"]) == 2
    head = base_repo.git("rev-parse", "HEAD").strip()
    assert capsys.readouterr().err == (
        f"diffrisk: error: the parent of {head[:12]} is not in this shallow clone: "
        "fetch more history (git fetch --deepen, or fetch-depth: 0 in actions/checkout)\n"
    )
    assert main(["-C", str(shallow), "check", "--commit", "nope"]) == 2
    assert capsys.readouterr().err == (
        "diffrisk: error: unknown revision 'nope': this is a shallow clone: fetch it "
        "(git fetch --deepen, or fetch-depth: 0 in actions/checkout)\n"
    )


# -- regressions found by a second review -----------------------------------------------------


def change_and_check(repo: Repo, before: str, after: str) -> dict[str, Any]:
    repo.write("mod.py", before)
    repo.commit("before")
    repo.write("mod.py", after)
    repo.stage()
    return check_json(repo)[1]


RUN_SAFE = 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call("ls -l", shell=True)\n'


def test_an_issue_that_got_worse_is_new(base_repo: Repo) -> None:
    report = change_and_check(base_repo, RUN_SAFE, RUN_SAFE.replace('"ls -l"', "cmd"))
    assert ("B602", "mod.py", 6) in rules_at(report)


def test_an_issue_spanning_lines_matches_on_all_its_lines(base_repo: Repo) -> None:
    before = 'import subprocess\n\n\ndef cleanup():\n    """Clean."""\n    subprocess.call(\n        "rm -rf /tmp/cache", shell=True)\n\n\ndef run(cmd):\n    """Run."""\n    return cmd\n'
    after = 'import subprocess\n\n\ndef cleanup():\n    """Clean."""\n\n\ndef run(cmd):\n    """Run."""\n    subprocess.call(\n        cmd, shell=True)\n'
    report = change_and_check(base_repo, before, after)
    assert ("B602", "mod.py", 10) in rules_at(report)


def test_module_level_issues_are_not_matched_by_place(base_repo: Repo) -> None:
    before = 'import subprocess\nimport sys\n\nsubprocess.call("make", shell=True)\n'
    after = 'import subprocess\nimport sys\n\nif __name__ == "__main__":\n    subprocess.call(sys.argv[1], shell=True)\n'
    report = change_and_check(base_repo, before, after)
    assert ("B602", "mod.py", 5) in rules_at(report)


def test_a_nosec_hides_an_issue_but_earns_no_credit(base_repo: Repo) -> None:
    report = change_and_check(base_repo, RUN_SAFE.replace('"ls -l"', "cmd"), RUN_SAFE.replace('"ls -l", shell=True)', "cmd, shell=True)  # nosec"))
    assert [item for item in report["findings"] if item["removed"]] == []


def test_a_renamed_function_and_a_new_one_with_its_old_name(base_repo: Repo) -> None:
    other = "def parse(v):\n    \"\"\"Other.\"\"\"\n" + "".join(f"    while v > {i}:\n        v -= {i + 1}\n" for i in range(12)) + "    return v\n"
    report = change_and_check(base_repo, COMPLEX, COMPLEX.replace("def parse(v)", "def parse_legacy(v)") + "\n\n" + other)
    spots = {spot["name"]: spot["reasons"] for spot in report["hotspots"]}
    assert spots["parse_legacy"] == ["renamed from parse"]
    assert spots["parse"][0] == "new"
    assert ("DR-C001", "`parse` cyclomatic complexity 13 (new); over the limit of 10") in [
        (item["rule"], item["message"]) for item in report["findings"]
    ]
    assert min(item["line"] for item in report["findings"]) == 34  # all in the new parse, none in the renamed one


def test_adding_an_overload_does_not_shift_the_others(base_repo: Repo) -> None:
    stub = '@overload\ndef conv(v: {0}) -> {0}: ...\n\n\n'
    impl = 'def conv(v):\n    """Convert."""\n    return eval(v)\n'
    before = "from typing import overload\n\n\n" + stub.format("int") + stub.format("str") + impl
    after = "from typing import overload\n\n\n" + stub.format("bytes") + stub.format("int") + stub.format("str") + impl.replace("return eval(v)", "result = eval(v)\n    return result")
    report = change_and_check(base_repo, before, after)
    assert rules_at(report) == [("DR-R005", "mod.py", 5)]  # only the new stub's `v`: no B307, no DR-C001


def test_one_line_functions_are_not_paired_blindly(base_repo: Repo) -> None:
    before = 'class Store:\n    """S."""\n\n    def size(self): return len(self._items)\n'
    after = 'class Store:\n    """S."""\n\n    def wipe_everything(self): return __import__("os").system("rm -rf /")\n'
    report = change_and_check(base_repo, before, after)
    spot = next(spot for spot in report["hotspots"] if spot["name"] == "Store.wipe_everything")
    assert spot["reasons"][0] == "new"


def test_binary_python_in_a_patch_is_a_finding(base_repo: Repo, tmp_path: Path) -> None:
    base_repo.write("a.py", "A = 1\n")
    base_repo.write(".gitattributes", "*.py -diff\n")
    base_repo.commit("a")
    base_repo.write("a.py", "import os\nos.system(input())\n")
    sha = base_repo.commit("b")
    patch = tmp_path / "b.patch"
    patch.write_text(base_repo.git("show", sha))
    assert "Binary files" in patch.read_text()
    code, report = check_json(base_repo, "--diff-file", str(patch))
    assert rules_at(report) == [("DR-E001", "a.py", 1)]
    assert (report["level"], code) == ("L2", 0)


def test_adding_only_commented_out_code_is_not_mechanical(base_repo: Repo) -> None:
    report = change_and_check(base_repo, RUN_SAFE, RUN_SAFE + "# result = eval(cmd)\n# print(result)\n")
    assert report["files"][0]["mechanical"] is False
    assert rules_at(report) == [("DR-R008", "mod.py", 7)]


def test_history_counts_fixes_to_the_touched_files(base_repo: Repo) -> None:
    for number in range(3):
        base_repo.write("app/parser.py", f'LIMIT = {number}\n')
        base_repo.commit(f"Fix parser limit, take {number}")
    base_repo.write("app/parser.py", "LIMIT = 9\n")
    base_repo.commit("Tune the limit")
    base_repo.write("app/parser.py", "LIMIT = 10\n")
    base_repo.stage()
    _, report = check_json(base_repo)
    summary = next(item for item in report["files"] if item["path"] == "app/parser.py")
    assert (summary["prior_changes"], summary["prior_fixes"]) == (4, 3)
    history = next(part for part in report["components"] if part["name"] == "history")
    assert history["reasons"][0]["message"] == (
        "3 bug-fix commits touched the changed files in the year before (app/parser.py 3)"
    )
    assert history["score"] > 0


def test_one_run_annotates_and_writes_sarif_and_markdown(base_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base_repo.write("app/run.py", RISKY)
    base_repo.stage()
    sarif, summary = tmp_path / "out.sarif", tmp_path / "summary.md"
    code = main(["-C", str(base_repo.path), "check", "--format", "github", "-o", f"sarif={sarif}", "-o", f"markdown={summary}"])
    assert code == 0
    annotations = capsys.readouterr().out.splitlines()
    assert annotations[0] == "::error file=app/run.py,line=6,endLine=6,col=12,title=B602 (high)::subprocess call with shell=True identified, security issue."
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] in ("B602", "B307", "B404", "DR-C001")
    assert summary.read_text().startswith("<!-- diffrisk -->\n## 🟠 diffrisk: L2 careful review")


def test_a_big_diff_split_over_processes_gives_the_same_bytes(base_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("app/one.py", "app/two.py"):
        body = "".join(
            f"def handler_{index}(value):\n    if value > {index}:\n        return eval(value)\n    return value\n\n\n"
            for index in range(40)
        )
        base_repo.write(name, body)
    base_repo.stage()
    outputs = []
    # Two jobs first: afterwards the results are kept, and a check that finds them all kept runs
    # in one process (test_a_warm_big_diff_starts_no_workers).
    for jobs in ("2", "1"):
        code = main(["-C", str(base_repo.path), "check", "--format", "json", "--jobs", jobs])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0][1])
    assert (report["size"]["code_lines_added"], len(report["hotspots"]), report["failures"]) == (480, 80, [])
    assert [item["rule"] for item in report["findings"]].count("B307") == 80


def test_a_warm_big_diff_starts_no_workers(base_repo: Repo) -> None:
    """Run again on the same diff, a big check finds every result in the cache: it neither forks
    workers nor imports bandit, and says what the cold run said.  (The workers of a run that
    needs them import bandit themselves, when they first have code to scan: never the parent.)"""
    for name in ("app/one.py", "app/two.py"):
        base_repo.write(name, "".join(f"def handler_{index}(value):\n    return eval(value)\n\n\n" for index in range(80)))
    base_repo.stage()
    # change.parallel imports multiprocessing only to start workers.
    program = (
        "import sys\n"
        "from diffrisk.main import main\n"
        "code = main(sys.argv[1:])\n"
        "sys.stderr.write(f'{code} {\"multiprocessing\" in sys.modules} {\"bandit\" in sys.modules}')\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", program, "-C", str(base_repo.path), "check", "--format", "json", "--jobs", "2", *extra],
            capture_output=True, text=True, check=True,
        )
        for extra in (["--no-cache"], [], [])
    ]
    assert [run.stderr for run in runs] == ["1 True False", "1 True False", "1 False False"]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert [item["rule"] for item in json.loads(runs[2].stdout)["findings"]].count("B307") == 160
