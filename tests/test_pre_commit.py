"""The real pre-commit framework running diffrisk's hooks from this checkout.

pre-commit builds an environment (a pip install of diffrisk and its dependencies) per hook
repository and revision, and ``try-repo`` builds it again on every call.  So the checkout, with
whatever is not committed yet, is copied once per session into a repository of one commit, and
every test runs ``pre-commit run`` with a configuration that names that repository and revision:
only the first test pays for the environment.  Slow: ``pytest -m "not slow"`` leaves these out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testing.repo import Repo

PROJECT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed (pip install -e '.[test]')"),
]


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def hook_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pre-commit configuration with diffrisk's hooks from this checkout as it is now (tracked
    and new files, not ignored ones), committed once into a repository of its own."""
    target = tmp_path_factory.mktemp("diffrisk-hooks")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=PROJECT, capture_output=True, check=True,
    ).stdout.decode("utf-8", "surrogateescape").split("\0")
    for name in filter(None, listed):
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    revision = Repo.create(target).commit("diffrisk as checked out")
    config = tmp_path_factory.mktemp("pre-commit-config") / ".pre-commit-config.yaml"
    hooks = "".join(f"      - id: {hook}\n" for hook in ("diffrisk", "diffrisk-trailer", "diffrisk-note"))
    config.write_text(f"repos:\n  - repo: {target}\n    rev: {revision}\n    hooks:\n{hooks}")
    return config


def run_hook(repo: Repo, home: Path, config: Path, hook: str, *args: str, verbose: bool = True) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [str(PRE_COMMIT), "run", hook, "--config", str(config), *args, *(["--verbose"] if verbose else [])],
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


def test_risky_commit_is_blocked_and_a_safe_one_passes(project: Repo, pre_commit_home: Path, hook_config: Path) -> None:
    project.write("app/run.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    project.stage()
    blocked = run_hook(project, pre_commit_home, hook_config, "diffrisk", "--hook-stage", "pre-commit")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Verdict: beyond policy: L2 reaches the fail level L2" in blocked.stdout
    assert "How to proceed" in blocked.stdout
    project.git("reset", "-q")
    project.write("README.md", "# demo\n\nMore words.\n")
    project.stage("README.md")
    passed = run_hook(project, pre_commit_home, hook_config, "diffrisk", "--hook-stage", "pre-commit")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_a_passing_commit_at_l2_shows_its_report(project: Repo, pre_commit_home: Path, hook_config: Path) -> None:
    """Without --verbose, as a user runs it: pre-commit would print only "Passed"."""
    project.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L3"\n')
    project.commit("fail at L3")
    project.write("app/run.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    project.stage()
    passed = run_hook(project, pre_commit_home, hook_config, "diffrisk", "--hook-stage", "pre-commit", verbose=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "diffrisk review depth" in passed.stdout and "Passed" in passed.stdout
    assert "L2 careful review" in passed.stdout
    assert "app/run.py:6  B602  high" in passed.stdout


def test_trailer_hook_appends_review_depth(project: Repo, pre_commit_home: Path, hook_config: Path, tmp_path: Path) -> None:
    project.write("app.py", "VALUE = 1\n")
    project.stage()
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("Add a value\n")
    result = run_hook(
        project, pre_commit_home, hook_config, "diffrisk-trailer", "--hook-stage", "prepare-commit-msg",
        "--commit-msg-filename", str(message), "--prepare-commit-message-source", "message",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert message.read_text() == "Add a value\n\nReview-Depth: L0 (risk 6/100, ~1 min)\n"


def test_note_hook_stores_the_report(project: Repo, pre_commit_home: Path, hook_config: Path) -> None:
    project.write("app.py", "VALUE = 1\n")
    project.commit("Add a value")
    result = run_hook(project, pre_commit_home, hook_config, "diffrisk-note", "--hook-stage", "post-commit")
    assert result.returncode == 0, result.stdout + result.stderr
    head = project.git("rev-parse", "HEAD")[:12]
    assert project.git("notes", "--ref=diffrisk", "show", "HEAD") == (
        f"diffrisk: L0 skim · risk 6/100 · ~1 min · within policy (commit {head})\nstart here: app.py:1 <module>\n"
    )


def test_push_range_is_checked(project: Repo, pre_commit_home: Path, hook_config: Path) -> None:
    base = project.git("rev-parse", "HEAD").strip()
    project.write("app/run.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    head = project.commit("runner")
    result = run_hook(project, pre_commit_home, hook_config, "diffrisk", "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", head)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"range {base}...{head}" in result.stdout
