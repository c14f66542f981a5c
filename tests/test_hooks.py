"""Git hooks with real git: the plain hook scripts, the trailer, the note, install-hooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from diffrisk.commands.hooks import scripts
from diffrisk.main import main
from testing.repo import Repo

HOOKS = Path(__file__).resolve().parent.parent / "hooks"


@pytest.fixture
def hooked(repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Repo:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    repo.write("README.md", "# demo\n")
    repo.commit("initial")
    assert main(["install-hooks", "-C", str(repo.path)]) == 0
    assert capsys.readouterr().out.count("installed ") == 3
    return repo


def commit(repo: Repo, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "commit", "-q", *args], cwd=repo.path, capture_output=True, check=False)


def message(repo: Repo) -> str:
    return repo.git("log", "-1", "--format=%B")


def test_hook_files_match_what_install_hooks_writes() -> None:
    for name, script in scripts(None).items():
        assert (HOOKS / name).read_text() == script
        assert os.access(HOOKS / name, os.X_OK)


def test_trailer_lands_and_amend_keeps_one(hooked: Repo) -> None:
    hooked.write("app.py", "VALUE = 1\n")
    hooked.stage()
    assert commit(hooked, "-m", "Add value").returncode == 0
    assert message(hooked) == "Add value\n\nReview-Depth: L0 (risk 6/100, ~1 min)\n\n"
    hooked.write("app.py", "".join(f"VALUE_{index} = {index}\n" for index in range(40)))
    hooked.stage()
    assert commit(hooked, "--amend", "--no-edit").returncode == 0
    amended = message(hooked)
    assert amended.count("Review-Depth:") == 1
    assert "Review-Depth: L1 (risk " in amended


def test_merge_messages_are_left_alone(hooked: Repo) -> None:
    hooked.git("checkout", "-q", "-b", "side")
    hooked.write("side.py", "SIDE = 1\n")
    hooked.stage()
    assert commit(hooked, "-m", "side").returncode == 0
    hooked.git("checkout", "-q", "main")
    hooked.write("main.py", "MAIN = 1\n")
    hooked.stage()
    assert commit(hooked, "-m", "main").returncode == 0
    hooked.git("merge", "-q", "--no-edit", "side")
    assert "Review-Depth" not in message(hooked)


def test_note_lands(hooked: Repo) -> None:
    hooked.write("app.py", "VALUE = 1\n")
    hooked.stage()
    assert commit(hooked, "-m", "Add value").returncode == 0
    head = hooked.git("rev-parse", "HEAD")[:12]
    assert hooked.git("notes", "--ref=diffrisk", "show", "HEAD") == (
        f"diffrisk: L0 skim · risk 6/100 · ~1 min · within policy (commit {head})\nstart here: app.py:1 <module>\n"
    )
    assert "Notes (diffrisk):" in hooked.git("log", "-1", "--notes=diffrisk")
    assert hooked.git("notes", "--ref=diffrisk-json", "list") == ""


def test_note_keeps_the_json_under_its_own_ref(hooked: Repo) -> None:
    hooked.write("app.py", "VALUE = 1\n")
    hooked.commit("value")
    assert main(["-C", str(hooked.path), "note", "--json"]) == 0
    note = json.loads(hooked.git("notes", "--ref=diffrisk-json", "show", "HEAD"))
    assert (note["level"], note["source"]) == ("L0", f"commit {hooked.git('rev-parse', 'HEAD')[:12]}")
    assert hooked.git("notes", "--ref=diffrisk", "show", "HEAD").startswith("diffrisk: L0 skim")


def test_accepted_risk_passes_the_block_and_is_recorded(hooked: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    hooked.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L1"\n')
    hooked.write("app.py", "".join(f"VALUE_{index} = {index}\n" for index in range(40)))
    hooked.stage()
    blocked = commit(hooked, "-m", "Values")
    assert blocked.returncode == 1
    assert b"How to proceed: split the change" in blocked.stderr
    monkeypatch.setenv("DIFFRISK_ACCEPT", "Ana Lima <ana@example.com>")
    assert commit(hooked, "-m", "Values").returncode == 0
    assert "Risk-Accepted-By: Ana Lima <ana@example.com>" in message(hooked)


def test_install_hooks_never_overwrites(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    existing = repo.path / ".git" / "hooks" / "pre-commit"
    existing.write_text("#!/bin/sh\necho mine\n")
    assert main(["install-hooks", "-C", str(repo.path)]) == 0
    out = capsys.readouterr().out
    assert existing.read_text() == "#!/bin/sh\necho mine\n"
    assert "kept the existing" in out and out.count("installed ") == 2


def test_trailer_leaves_the_first_line_for_the_subject_in_an_editor(hooked: Repo, tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nsed -i "1s/^$/Fix the thing/" "$1"\n')
    editor.chmod(0o755)
    hooked.write("app.py", "VALUE = 1\n")
    hooked.stage()
    result = subprocess.run(["git", "commit", "-q"], cwd=hooked.path, capture_output=True, check=False,
                            env={**os.environ, "GIT_EDITOR": str(editor)})
    assert result.returncode == 0, result.stderr
    assert hooked.git("log", "-1", "--format=%s|%(trailers:key=Review-Depth,valueonly)") == "Fix the thing|L0 (risk 6/100, ~1 min)\n\n"


def test_merges_in_progress_are_not_scored(hooked: Repo) -> None:
    hooked.git("checkout", "-q", "-b", "big")
    hooked.write("big.py", "".join(f"VALUE_{index} = {index}\n" for index in range(300)))
    hooked.stage()
    assert commit(hooked, "-m", "big", "--no-verify").returncode == 0
    hooked.git("checkout", "-q", "main")
    hooked.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L1"\n')
    hooked.stage()
    assert commit(hooked, "-m", "policy", "--no-verify").returncode == 0  # the policy edit is L1 itself (DR-S012)
    merged = subprocess.run(["git", "merge", "--no-ff", "--no-commit", "big"], cwd=hooked.path, capture_output=True, check=False)
    assert merged.returncode == 0
    finished = commit(hooked, "-m", "merge big")
    assert finished.returncode == 0, finished.stderr
    assert b"a merge is in progress: not scored" in finished.stderr


def test_installed_hooks_fall_back_on_the_installing_interpreter(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("README.md", "# demo\n")
    repo.commit("initial")
    assert main(["install-hooks", "-C", str(repo.path)]) == 0
    capsys.readouterr()
    repo.write("app.py", "VALUE = 1\n")
    repo.stage()
    bare_path = {**os.environ, "PATH": "/usr/bin:/bin"}  # diffrisk is not on it
    result = subprocess.run(["git", "commit", "-q", "-m", "value"], cwd=repo.path, capture_output=True, env=bare_path, check=False)
    assert result.returncode == 0, result.stderr
    assert "Review-Depth: L0" in message(repo)
