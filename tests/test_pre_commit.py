"""The real pre-commit framework running diffrisk's hooks from this checkout (try-repo).

The first test builds pre-commit's environment for diffrisk (a pip install of this project and its
dependencies), shared by the others through one PRE_COMMIT_HOME for the session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Repo

PROJECT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Repo, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(PROJECT), *args, "--verbose"],
        cwd=repo.path, capture_output=True, text=True, env=environment, check=False,
    )


@pytest.fixture
def project(repo: Repo) -> Repo:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo.write("README.md", "# demo\n")
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L2"\n')
    repo.commit("initial")
    return repo


def test_risky_commit_is_blocked_and_a_safe_one_passes(project: Repo, pre_commit_home: Path) -> None:
    project.write("app/run.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    project.stage()
    blocked = try_repo(project, pre_commit_home, "diffrisk", "--hook-stage", "pre-commit")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Verdict: beyond policy: L2 reaches the fail level L2" in blocked.stdout
    assert "How to proceed" in blocked.stdout
    project.git("reset", "-q")
    project.write("README.md", "# demo\n\nMore words.\n")
    project.stage("README.md")
    passed = try_repo(project, pre_commit_home, "diffrisk", "--hook-stage", "pre-commit")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_trailer_hook_appends_review_depth(project: Repo, pre_commit_home: Path, tmp_path: Path) -> None:
    project.write("app.py", "VALUE = 1\n")
    project.stage()
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("Add a value\n")
    result = try_repo(
        project, pre_commit_home, "diffrisk-trailer", "--hook-stage", "prepare-commit-msg",
        "--commit-msg-filename", str(message), "--prepare-commit-message-source", "message",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert message.read_text() == "Add a value\n\nReview-Depth: L0 (risk 6/100, ~1 min)\n"


def test_note_hook_stores_the_report(project: Repo, pre_commit_home: Path) -> None:
    project.write("app.py", "VALUE = 1\n")
    project.commit("Add a value")
    result = try_repo(project, pre_commit_home, "diffrisk-note", "--hook-stage", "post-commit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(project.git("notes", "--ref=diffrisk", "show", "HEAD"))["level"] == "L0"


def test_push_range_is_checked(project: Repo, pre_commit_home: Path) -> None:
    base = project.git("rev-parse", "HEAD").strip()
    project.write("app/run.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    head = project.commit("runner")
    result = try_repo(project, pre_commit_home, "diffrisk", "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", head)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"range {base}...{head}" in result.stdout
