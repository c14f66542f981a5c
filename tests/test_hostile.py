"""Hostile input and broken repositories: every case gets a correct answer or a clear
one-line error with its exit code, on a real repository made by real git."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from diffrisk.analyzers import ANALYZERS
from diffrisk.change import analyzed_version
from diffrisk.main import main
from testing.repo import Repo
from testing.run import check_json

PACKAGE = Path(__file__).parent.parent / "diffrisk"


def findings(report: dict[str, Any]) -> list[tuple[str, str, int]]:
    """The findings the change introduced, readability's aside (the examples are not about names)."""
    return [
        (item["rule"], item["path"], item["line"])
        for item in report["findings"]
        if not item["removed"] and not item["rule"].startswith("DR-R")
    ]


def files(report: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(item["path"], item["status"], item["skipped"]) for item in report["files"]]


def run_process(repo: Repo, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "diffrisk", *args], input=stdin, capture_output=True, cwd=repo.path, check=False
    )


@pytest.fixture
def project(repo: Repo) -> Repo:
    repo.write("README.md", "# demo\n")
    repo.write("app/core.py", "def f():\n    return 1\n")
    repo.commit("initial")
    return repo


# -- repository shapes -----------------------------------------------------------------------


def test_empty_repository(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-C", str(repo.path), "check"]) == 0
    assert capsys.readouterr().out == "diffrisk: nothing staged (git add what to check, or check --worktree, --commit C or --base B)\n"
    for args, name in ((["--commit", "HEAD"], "HEAD"), (["--base", "main"], "HEAD"), (["--range", "HEAD~1..HEAD"], "HEAD~1")):
        assert main(["-C", str(repo.path), "check", *args]) == 2
        assert capsys.readouterr().err == (
            f"diffrisk: error: unknown revision {name!r}: the repository has no commits yet "
            "(check staged changes with: diffrisk check)\n"
        )


def test_root_commit(repo: Repo) -> None:
    repo.write("a.py", "VALUE = eval('1')\n")
    repo.commit("root")
    code, report = check_json(repo, "--commit", "HEAD")
    assert (code, files(report), findings(report)) == (0, [("a.py", "added", None)], [("B307", "a.py", 1)])


def test_detached_head(project: Repo) -> None:
    project.git("checkout", "-q", "--detach")
    project.write("app/core.py", "def f():\n    return eval('1')\n")
    project.commit("on a detached head")
    for args in (["--commit", "HEAD"], ["--base", "main"], ["--range", "main..HEAD"]):
        code, report = check_json(project, *args)
        assert (code, findings(report)) == (0, [("B307", "app/core.py", 2)])


def test_merge_commit_is_diffed_against_its_first_parent(project: Repo) -> None:
    project.git("checkout", "-q", "-b", "feature")
    project.write("app/feature.py", "def g():\n    return eval('2')\n")
    project.commit("feature")
    project.git("checkout", "-q", "main")
    project.write("app/main_side.py", "X = 1\n")
    project.commit("main side")
    project.git("merge", "-q", "--no-ff", "--no-edit", "feature")
    code, report = check_json(project, "--commit", "HEAD")
    assert (code, files(report), findings(report)) == (
        0, [("app/feature.py", "added", None)], [("B307", "app/feature.py", 2)]
    )


def test_octopus_merge_is_diffed_against_its_first_parent(project: Repo) -> None:
    for branch in ("one", "two"):
        project.git("checkout", "-q", "-b", branch, "main")
        project.write(f"app/{branch}.py", f"{branch.upper()} = 1\n")
        project.commit(branch)
    project.git("checkout", "-q", "main")
    project.write("app/three.py", "THREE = 3\n")
    project.commit("three")
    project.git("merge", "-q", "--no-edit", "one", "two")
    assert len(project.git("log", "-1", "--format=%P").split()) == 3
    code, report = check_json(project, "--commit", "HEAD")
    assert (code, files(report), report["level"]) == (
        0, [("app/one.py", "added", None), ("app/two.py", "added", None)], "L0"
    )


def test_commit_that_only_deletes_files(project: Repo) -> None:
    project.git("rm", "-q", "app/core.py", "README.md")
    project.commit("delete")
    code, report = check_json(project, "--commit", "HEAD")
    assert (code, files(report), report["level"], report["size"]["lines_deleted"]) == (
        0, [("README.md", "deleted", None), ("app/core.py", "deleted", None)], "L0", 3
    )


def test_shallow_clone_without_the_merge_base(project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project.git("checkout", "-q", "-b", "feature")
    for number in range(3):
        project.write("app/feature.py", f"X = {number}\n")
        project.commit(f"feature {number}")
    project.git("checkout", "-q", "main")
    project.write("app/core.py", "def f():\n    return 2\n")
    project.commit("main moves on")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{project.path}", str(shallow)], check=True
    )
    subprocess.run(["git", "checkout", "-q", "feature"], cwd=shallow, check=True)
    assert main(["-C", str(shallow), "check", "--base", "origin/main"]) == 2
    assert capsys.readouterr().err == (
        "diffrisk: error: no merge base between 'origin/main' and 'HEAD': this is a shallow clone: fetch the "
        "history of 'origin/main' and 'HEAD' (git fetch --deepen, or fetch-depth: 0 in actions/checkout)\n"
    )
    # With the history fetched, the same command gives the full answer.
    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=shallow, check=True)
    code, report = check_json(Repo(shallow), "--base", "origin/main")
    assert (code, files(report)) == (0, [("app/feature.py", "added", None)])


# -- unusual files ---------------------------------------------------------------------------


def test_submodule_change_is_shown_not_analysed(project: Repo) -> None:
    commit = project.git("rev-parse", "HEAD").strip()
    project.git("update-index", "--add", "--cacheinfo", f"160000,{commit},libs/sub")
    code, report = check_json(project)
    assert (code, files(report), report["score"]) == (0, [("libs/sub", "added", "submodule")], 0)


def test_symlink_to_python_is_not_read_through(project: Repo) -> None:
    os.symlink("/etc/passwd", project.path / "app" / "link.py")
    project.stage()
    code, report = check_json(project)
    # Python would import what the link points to, which diffrisk cannot read: fail closed.
    assert (code, report["level"], files(report), findings(report)) == (
        0, "L2", [("app/link.py", "added", "a symbolic link to /etc/passwd, outside the repository")],
        [("DR-E004", "app/link.py", 1)],
    )
    # A tracked file replaced by a link, unstaged: the work tree is never read through the link.
    project.commit("link")
    os.remove(project.path / "app" / "core.py")
    os.symlink("/etc/passwd", project.path / "app" / "core.py")
    code, report = check_json(project, "--worktree")
    # git shows a file turned into a link as the file deleted and the link added.
    assert (code, files(report), findings(report)) == (
        0, [("app/core.py", "deleted", None), ("app/core.py", "added", "a symbolic link to /etc/passwd, outside the repository")],
        [("DR-E004", "app/core.py", 1)],
    )


def test_lfs_pointer_is_not_parsed_as_python(project: Repo) -> None:
    project.write("app/model.py", (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        "size 12345\n"
    ))
    project.stage()
    code, report = check_json(project)
    assert (code, report["level"], files(report), findings(report)) == (
        0, "L2", [("app/model.py", "added", "a git LFS pointer: the code is stored outside git")], [("DR-E004", "app/model.py", 1)]
    )


def test_file_over_the_size_limit_says_how_big(project: Repo) -> None:
    # 1,200,000 bytes in one string: the size is the point, not the count of statements to analyse.
    project.write("app/core.py", 'X = """\n' + ("a" * 99 + "\n") * 11_999 + "b" * 88 + '"""\n')
    too_big = [("app/core.py", "modified", "larger than max_file_bytes (1,200,000 > 1,000,000 bytes)")]
    assert files(check_json(project, "--worktree")[1]) == too_big
    project.stage()
    code, report = check_json(project)
    assert (files(report), findings(report)) == (too_big, [("DR-E004", "app/core.py", 1)])
    assert report["floors"][0] == {
        "kind": "unreadable", "level": "L2",
        "why": "changed Python cannot be read as the diff shows it (DR-E004 at app/core.py:1)",
    }
    # The limit is the base's: raising it in the same change does not help (the stricter applies).
    project.write("pyproject.toml", "[tool.diffrisk]\nmax_file_bytes = 2_000_000\n")
    project.stage()
    assert files(check_json(project)[1])[0] == too_big[0]
    project.git("stash", "-q")
    project.write("pyproject.toml", "[tool.diffrisk]\nmax_file_bytes = 2_000_000\n")
    project.commit("allow bigger files")
    project.git("checkout", "-q", "stash@{0}", "--", "app/core.py")
    code, report = check_json(project)
    assert [item["skipped"] for item in report["files"] if item["path"] == "app/core.py"] == [None]


GENERATED = "# Generated by the protocol buffer compiler.  DO NOT EDIT!\nVALUE = eval('1')\n"
MINIFIED = ";".join(f"v{number}={number}" for number in range(400)) + "\nW = eval('1')\n"


def generated_of(report: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [(item["path"], item["skipped"], item["generated"]) for item in report["files"] if item["path"].startswith("app/")]


BANNER = "generator banner 'DO NOT EDIT' in the header"
PACKED = "minified: 1 of its 2 code lines are over 110 characters"


def test_generated_and_minified_python_keep_security_findings_not_size(project: Repo) -> None:
    project.write("app/schema.py", GENERATED)
    project.write("app/packed.py", MINIFIED)
    project.write("app/doc.py", '"""Tokens generated by the lexer."""\nVALUE = eval("1")\n')
    project.stage()
    code, report = check_json(project)
    # Marked, and their size, complexity and style left out; a security issue stays a finding.
    assert (code, generated_of(report), report["size"]["code_lines_added"]) == (0, [
        ("app/core.py", None, None), ("app/doc.py", None, None), ("app/packed.py", None, PACKED), ("app/schema.py", None, BANNER),
    ][1:], 2)
    assert [(item["rule"], item["path"]) for item in report["findings"]] == [
        ("B307", "app/doc.py"), ("B307", "app/packed.py"), ("B307", "app/schema.py"),
    ]
    # Overridable: on the command line and in the configuration.
    code, report = check_json(project, "--analyze-generated")
    assert (report["size"]["code_lines_added"], [item["generated"] for item in report["files"]]) == (6, [None, PACKED, BANNER])
    project.write("pyproject.toml", "[tool.diffrisk]\nanalyze_generated = true\n")
    project.stage()
    assert check_json(project)[1]["size"]["code_lines_added"] == 6


def test_a_change_cannot_declare_its_own_code_generated(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A banner added to hand-written code does not count: the file is analysed as code.
    project.write("app/core.py", "# DO NOT EDIT\ndef f():\n    return eval('1')\n")
    project.stage()
    code, report = check_json(project)
    assert (generated_of(report), findings(report), report["notes"]) == (
        [("app/core.py", None, None)], [("B307", "app/core.py", 3)],
        [f"app/core.py: the change makes hand-written code look generated ({BANNER}): analysed as code"],
    )
    # Nor does a .gitattributes the same change edits.
    project.write("app/core.py", "def f():\n    return eval('1')\n")
    project.write(".gitattributes", "app/*.py linguist-generated\n")
    project.stage()
    code, report = check_json(project)
    assert (generated_of(report), report["size"]["code_lines_added"]) == ([("app/core.py", None, None)], 1)
    # Once the attribute is the repository's, it counts, and -linguist-generated corrects a guess.
    project.git("commit", "-q", "-m", "attributes")
    project.write(".gitattributes", "app/*.py linguist-generated\napp/schema.py -linguist-generated\n")
    project.commit("correct one guess")
    project.write("app/core.py", "def f():\n    return eval('2')\n")
    project.write("app/schema.py", GENERATED)
    project.commit("edit")
    code, report = check_json(project, "--commit", "HEAD")
    assert (generated_of(report), report["size"]["code_lines_added"]) == (
        [("app/core.py", None, "marked linguist-generated in .gitattributes"), ("app/schema.py", None, None)], 2
    )
    # From a subfolder the attributes are the same.
    (project.path / "docs").mkdir()
    assert main(["-C", str(project.path / "docs"), "check", "--format", "json", "--commit", "HEAD"]) == 0
    assert generated_of(json.loads(capsys.readouterr().out)) == generated_of(report)
    # And from a bare clone, where only the commit's own tree can answer.
    bare = project.path.parent / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(project.path), str(bare)], check=True)
    assert main(["--git-dir", str(bare), "check", "--format", "json", "--commit", "HEAD"]) == 0
    assert generated_of(json.loads(capsys.readouterr().out)) == generated_of(report)


def test_long_prose_in_a_docstring_is_not_minified(project: Repo) -> None:
    project.write("app/text.py", 'TEXT = """\n' + ("lorem ipsum " * 40 + "\n") * 20 + '"""\nV = eval("1")\n')
    project.stage()
    code, report = check_json(project)
    assert (files(report), findings(report)) == ([("app/text.py", "added", None)], [("B307", "app/text.py", 23)])


def test_hostile_file_names(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["-rf.py", "--commit.py", "new\nline.py", "caf\udce9.py", "$(touch pwned).py", "a;rm -rf b.py"]
    for name in names:
        (project.path / os.fsencode(name).decode("utf-8", "surrogateescape")).write_bytes(b"V = eval('1')\n")
    project.stage()
    code, report = check_json(project)
    # Paths that are not UTF-8 are shown with their bytes escaped, as git's own core.quotePath does.
    shown = sorted(("B307", name.replace("\udce9", "\\xe9"), 1) for name in names)
    assert (code, findings(report)) == (0, shown)
    assert not (project.path / "pwned").exists()
    project.commit("names")
    code, report = check_json(project, "--commit", "HEAD")
    assert findings(report) == shown
    # The text report shows each name on one line, control characters escaped.
    main(["-C", str(project.path), "check", "--commit", "HEAD", "--fail-level", "L3"])
    out = capsys.readouterr().out
    assert "new\\nline.py" in out and "caf\\xe9.py" in out


@pytest.mark.parametrize(("data", "message"), [
    (b"NAME = '\xe9t\xe9'\n", "does not decode: not UTF-8 and no encoding declared (byte 0xe9 on line 1)"),
    (b"\xef\xbb\xbfa = 1\n\xe9 = 2\n", "does not decode: not valid utf-8 (byte 0xe9 on line 2)"),
    (b"# coding: punycode\nx = 1\n",
     "does not decode: decoding with 'punycode' codec failed (UnicodeError: Invalid extended code point '#')"),
])
def test_undecodable_content_is_a_finding(project: Repo, data: bytes, message: str) -> None:
    project.write("app/latin.py", data)
    project.stage()
    code, report = check_json(project)
    assert (code, report["level"], [(item["rule"], item["line"], item["message"]) for item in report["findings"]]) == (
        0, "L2", [("DR-E001", 1, message)]
    )


# -- Python that resists parsing -------------------------------------------------------------


@pytest.mark.parametrize(("source", "message"), [
    ("def f(:\n    pass\n", "does not parse: invalid syntax (line 1)"),
    ('print "hello"\n', "does not parse as Python 3: Python 2 syntax (print statement, line 1); diffrisk analyses Python 3 only"),
    ("try:\n    pass\nexcept ValueError, error:\n    pass\n",
     "does not parse as Python 3: Python 2 syntax ('except Type, name', line 3); diffrisk analyses Python 3 only"),
    ("X = `1`\n", "does not parse as Python 3: Python 2 syntax (backquote repr, line 1); diffrisk analyses Python 3 only"),
    ("def f(x):\n    return x +  # add `y` <> 10L later\n", "does not parse: invalid syntax (line 2)"),
    ("X = 0777\n", "does not parse as Python 3: Python 2 syntax (octal literal without 0o, line 1); diffrisk analyses Python 3 only"),
    ("X = 10L\n", "does not parse as Python 3: Python 2 syntax (long integer literal, line 1); diffrisk analyses Python 3 only"),
    ("raise ValueError, 'no'\n", "does not parse as Python 3: Python 2 syntax ('raise Type, message', line 1); diffrisk analyses Python 3 only"),
    ("X = " + "(" * 300 + "1" + ")" * 300 + "\n", "does not parse: too many nested parentheses (line 1)"),
    ("X = " + "-" * 200_000 + "1\n", "does not parse: nested too deeply for Python's parser"),
])
def test_code_that_does_not_parse_is_an_l2_finding(project: Repo, source: str, message: str) -> None:
    project.write("app/bad.py", source)
    project.stage()
    code, report = check_json(project)
    assert (code, report["level"], report["failures"]) == (0, "L2", [])
    assert [(item["rule"], item["path"], item["message"]) for item in report["findings"]] == [("DR-E001", "app/bad.py", message)]


def test_fifty_thousand_line_file(project: Repo) -> None:
    body = "".join(f"def f{number}(x):\n    return x + {number}\n\n\n" for number in range(12_499))
    project.write("app/many.py", body + "V = eval('1')\n")
    project.stage()
    code, report = check_json(project)
    assert (code, report["level"], report["size"]["code_lines_added"], report["failures"]) == (1, "L3", 49_997, [])
    assert ("B307", "app/many.py", 49_997) in findings(report)


def test_bom_cookie_tabs_and_crlf(project: Repo) -> None:
    project.write("app/bom.py", b"\xef\xbb\xbfV = eval('1')\n")
    project.write("app/cookie.py", b"# -*- coding: latin-1 -*-\nNAME = '\xe9'\nV = eval(NAME)\n")
    project.write("app/tabs.py", b"def f(x):\n\tif x:\n\t\treturn eval(x)\n\treturn None\n")
    project.write("app/crlf.py", b"def g(x):\r\n    if x:\r\n        return eval(x)\r\n    return None\r\n")
    project.stage()
    code, report = check_json(project)
    assert (code, report["failures"]) == (0, [])
    assert [item for item in findings(report) if item[0] == "B307"] == [
        ("B307", "app/bom.py", 1), ("B307", "app/cookie.py", 3), ("B307", "app/crlf.py", 3), ("B307", "app/tabs.py", 3),
    ]


# -- patches on standard input ---------------------------------------------------------------

PATCH = (
    "diff --git a/app/core.py b/app/core.py\n"
    "--- a/app/core.py\n"
    "+++ b/app/core.py\n"
    "@@ -1,2 +1,2 @@\n"
    " def f():\n"
    "-    return 1\n"
    "+    return 2\n"
)


@pytest.mark.parametrize(("patch", "message"), [
    (PATCH[: PATCH.index("-    return")], "diff input line 6: diff ends inside the hunk that starts at line 4"),
    (PATCH.replace("@@ -1,2 +1,2 @@", "@@ -1,3 +1,3 @@"), "diff input line 8: diff ends inside the hunk that starts at line 4"),
    (PATCH + "+    return 3\n", "diff input line 8: hunk has more lines than its '@@' header counts"),
    (PATCH.replace("@@ -1,2 +1,2 @@", "@@ -1,2 +1,2"), "diff input line 4: malformed hunk header '@@ -1,2 +1,2'"),
    ("Dear reviewer,\nplease look at this.\n", "diff input line 1: no diff found (expected 'diff --git' or '---'/'+++' lines)"),
    (PATCH.replace("@@ -1,2 +1,2 @@", "@@ -99999999999999999999,2 +1,2 @@"), "diff input line 4: hunk starts beyond line 10,000,000"),
    ('--- "a/x\\777.py"\n+++ "b/x\\777.py"\n@@ -1 +1 @@\n-a\n+b\n', "diff input line 1: bad escape in quoted path '\"a/x\\\\777.py\"'"),
    (PATCH.replace("app/core.py", "../outside.py"), "diff input line 1: unsafe path '../outside.py': a diff's paths must stay inside the repository"),
    (PATCH.replace("a/app/core.py", "/etc/passwd").replace("b/app/core.py", "/etc/passwd"),
     "diff input line 1: unsafe path '/etc/passwd': a diff's paths must stay inside the repository"),
])
def test_bad_patch_on_stdin_exits_2_with_the_line(project: Repo, patch: str, message: str) -> None:
    process = run_process(project, "check", "--diff-file", "-", stdin=patch.encode())
    assert (process.returncode, process.stderr.decode(), process.stdout) == (2, f"diffrisk: error: {message}\n", b"")


def test_oversized_patch_is_refused(project: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from diffrisk.diffsource import request as sources

    big = tmp_path / "big.patch"
    with open(big, "wb") as handle:
        handle.truncate(sources.MAX_PATCH_BYTES + 1)
    assert main(["-C", str(project.path), "check", "--diff-file", str(big)]) == 2
    assert capsys.readouterr().err == "diffrisk: error: the patch is larger than 67,108,864 bytes: give a smaller diff\n"


# -- failure isolation -----------------------------------------------------------------------


def test_one_analyzer_failing_on_one_file_exits_3_and_keeps_the_rest(
    project: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write("app/a.py", "V = eval('1')\n")
    project.write("app/b.py", "W = eval('2')\n")
    project.stage()
    complexity = ANALYZERS["complexity"]
    real = complexity.analyze

    def crash_on_b(source: Any) -> Any:
        if source.path == "app/b.py":
            raise ValueError("boom on purpose")
        return real(source)

    analyzed_version._RESULTS.entries.clear()
    monkeypatch.setattr(complexity, "analyze", crash_on_b)
    code, report = check_json(project)
    assert (code, report["failures"], findings(report)) == (
        3, ["complexity failed on app/b.py: ValueError: boom on purpose"], [("B307", "app/a.py", 1), ("B307", "app/b.py", 1)]
    )
    # Nothing from the failed analysis was cached: the same process, repaired, answers in full.
    monkeypatch.setattr(complexity, "analyze", real)
    code, report = check_json(project)
    assert (code, report["failures"]) == (0, [])


def test_ctrl_c_exits_130_without_a_traceback(project: Repo) -> None:
    # Blocked reading a patch from a pipe that stays open, the process is interrupted.
    process = subprocess.Popen(
        [sys.executable, "-m", "diffrisk", "check", "--diff-file", "-"], cwd=project.path,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (wchan.exists() and "pipe" in wchan.read_text()):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.stdin is not None
    assert (process.returncode, err, out) == (130, b"diffrisk: interrupted\n", b"")


# -- security --------------------------------------------------------------------------------


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


#: records.py compiles each record's ``__init__`` from the field names of diffrisk's own classes
#: (test_records checks that nothing else reaches it).
_COMPILES_OWN_CLASSES = {("records.py", "compile"), ("records.py", "exec")}


def test_no_shell_no_exec_no_import_of_analysed_code() -> None:
    """Every subprocess is an argument list without a shell, and nothing evaluates or imports text."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            name = ast.unparse(call.func)
            if (path.name, name) in _COMPILES_OWN_CLASSES:
                continue
            if name in ("eval", "exec", "compile", "__import__", "os.system", "os.popen") or (
                # Lazy imports of our own modules only (formats/__init__.py).
                name == "importlib.import_module" and not ast.unparse(call.args[0]).startswith("f'diffrisk.")
            ):
                offenders.append(f"{path.name}:{call.lineno} {name}")
            for keyword in call.keywords:
                if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                    offenders.append(f"{path.name}:{call.lineno} shell=")
            if name.startswith("subprocess.") and call.args and not isinstance(call.args[0], (ast.List, ast.Name, ast.Call)):
                offenders.append(f"{path.name}:{call.lineno} {name} with a string")
    assert offenders == []


def test_config_cannot_reach_outside_the_repository(project: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("pyproject.toml", '[tool.diffrisk]\nexclude = ["../../etc/*"]\n')
    project.write("app/x.py", "V = 1\n")
    project.stage()
    assert main(["-C", str(project.path), "check"]) == 2
    assert capsys.readouterr().err == (
        "diffrisk: error: pyproject.toml as the change leaves it: exclude: pattern '../../etc/*' names a place "
        "outside the repository; patterns match paths inside it\n"
    )


def test_long_adversarial_lines_through_the_whole_pipeline(project: Repo) -> None:
    """Each line is built against a pattern on diff content (comments, banners, suppressions,
    Python 2 tells, co-author lines); a catastrophic pattern would not finish."""
    width = 50_000
    lines = [
        "# " + "noqa " * (width // 5),
        "# " + "generated " * (width // 10),
        "X = '" + "\\t" * (width // 2) + "'",
        "# diffrisk: ignore[" + "DR-S001," * (width // 8),
        "Y = [" + "1, " * (width // 3) + "]",
        "# " + "rest of the code " * (width // 17),
    ]
    project.write("app/long.py", "\n".join(lines) + "\n")
    project.stage()
    code, report = check_json(project)
    assert (code, report["failures"], [(item["rule"], item["line"]) for item in report["findings"]]) == (0, [], [])


@pytest.mark.parametrize(("source", "expected"), [
    ("# Generated by the protocol buffer compiler.  DO NOT EDIT!\n", "generator banner 'DO NOT EDIT' in the header"),
    ("# -*- coding: utf-8 -*-\n#\n# This file was automatically generated by SWIG\n",
     "generator banner 'This file was automatically generated' in the header"),
    ("# file generated by setuptools_scm\n", "generator banner 'file generated by' in the header"),
    ('"""@generated"""\n', "generator banner '@generated' in the header"),
    ('"""Tokens generated by the lexer."""\n', None),
    ('"""Documents the ``@generated`` and "DO NOT EDIT" markers."""\n', None),
    ("# Generated by Django 4.2 on 2024-01-01 12:00\n", None),
    ("# sphinx-quickstart on Tue Jan 19.\n# Note: not all values are in this autogenerated file.\n", None),
    ('"""Payment limits.\n\nDo not edit these values without sign-off from the risk team.\n"""\n', None),
    ('"""Skip files marked @generated, as Phabricator does."""\n', None),
    ("import os\n# DO NOT EDIT\n", None),
])
def test_generator_banners(source: str, expected: str | None) -> None:
    from diffrisk.pyfile import generated

    assert generated.banner(source) == expected
