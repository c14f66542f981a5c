"""Shared fixtures: every test runs real git in a temporary folder, isolated from the user's
git configuration, home folder and any ``GIT_*`` variables of a surrounding hook."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from testing.repo import Repo

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    global_config = home / ".gitconfig"
    global_config.write_text(
        "[user]\n\tname = Test Author\n\temail = author@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    from diffrisk.commands.check import CI_VARIABLES
    from diffrisk.history.provenance import ENVIRONMENT_MARKERS

    # A test run inside a coding agent's shell must not be treated as AI-authored, and one run by CI
    # must not be treated as a CI check: tests that want either set the variables themselves.
    agent_markers = {variable for variable, _, _ in ENVIRONMENT_MARKERS} | {"AGENT", "AWS_EXECUTION_ENV"}
    for name in list(os.environ):
        if (
            name.startswith(("GIT_", "DIFFRISK_", "GITHUB_"))
            or name in ("PRE_COMMIT", "NO_COLOR")
            or name in agent_markers
            or name in CI_VARIABLES
        ):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(global_config))
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2026-01-01T00:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-01T00:00:00+00:00")
    yield


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo.create(tmp_path / "repo")
