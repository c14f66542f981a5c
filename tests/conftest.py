"""Shared fixtures: every test runs real git in a temporary folder, isolated from the user's
git configuration, home folder and any ``GIT_*`` variables of a surrounding hook."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    global_config = home / ".gitconfig"
    global_config.write_text(
        "[user]\n\tname = Test Author\n\temail = author@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    from diffrisk.provenance import ENVIRONMENT_MARKERS

    # A test run inside a coding agent's shell must not be treated as AI-authored.
    agent_markers = {variable for variable, _, _ in ENVIRONMENT_MARKERS} | {"AGENT", "AWS_EXECUTION_ENV"}
    for name in list(os.environ):
        if name.startswith(("GIT_", "DIFFRISK_")) or name in ("PRE_COMMIT", "NO_COLOR") or name in agent_markers:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(global_config))
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-01T00:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-01T00:00:00+00:00")
    yield


class Repo:
    """A real git repository in a temporary folder, with a few shortcuts for tests."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, input: bytes | None = None) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=self.path, input=input, capture_output=True, check=True
        )
        return completed.stdout.decode("utf-8", "surrogateescape")

    def write(self, name: str, text: str | bytes) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_bytes(text.encode("utf-8"))
        return target

    def stage(self, *names: str) -> None:
        self.git("add", *(("--", *names) if names else ("-A",)))

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return Repo(path)
