"""Sensitive files (DR-S007): what runs with the repository's credentials or decides what gets
installed.  (``critical_paths`` have their own place: they raise the level by one.)"""

from __future__ import annotations

import re

from diffrisk.model import Diff, FileChange, Finding, LineKind, Severity
from diffrisk.paths import Patterns

_CI = Patterns((
    ".github/workflows/", ".github/actions/", ".gitlab-ci.yml", ".gitlab/ci/", ".circleci/", ".travis.yml",
    "azure-pipelines*.yml", "azure-pipelines*.yaml", "Jenkinsfile", ".buildkite/", "bitbucket-pipelines.yml",
    ".pre-commit-config.yaml", "/action.yml", "/action.yaml",
))
_DOCKER = Patterns((
    "Dockerfile", "Dockerfile.*", "*.dockerfile", "Containerfile", "docker-compose*.yml", "docker-compose*.yaml", "compose.yml",
    "compose.yaml",
))
_LOCKS_AND_REQUIREMENTS = Patterns((
    "*requirements*.txt", "*requirements*.in", "requirements/*.txt", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
    "pdm.lock", "pylock.toml", "pylock.*.toml", "conda-lock.yml", "environment.yml", "package.json", "package-lock.json",
    "yarn.lock", "pnpm-lock.yaml",
))
#: Manifests that also hold other things (versions, metadata, tool settings): only changed lines
#: that read as a requirement ("name>=1.0", poetry's name = "^1.0") make the change sensitive.
_MIXED_MANIFESTS = Patterns(("pyproject.toml", "setup.cfg", "setup.py"))
_REQUIREMENT_LINE = re.compile(
    # A quoted requirement anywhere on the line ("requests>=2.0"), or poetry's name = "^1.0".
    r"""["'][A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*(==|>=|<=|~=|!=|<|>|===)\s*[0-9]"""
    r"""|^\s*(?!version\b|python_requires\b|requires-python\b)[A-Za-z0-9][A-Za-z0-9._-]*\s*=\s*(["'][\^~<>=!]|\{\s*version)"""
)


def find(diff: Diff) -> list[Finding]:
    """DR-S007 for each CI, container or dependency file the change touches."""
    findings = []
    for change in diff.files:
        what = kind_of(change)
        if what is None:
            continue
        line = change.added_lines[0] if change.added_lines else 1
        findings.append(Finding("DR-S007", "smells", change.path, line, line, Severity.LOW, f"sensitive file changed: {what}"))
    return findings


def kind_of(change: FileChange) -> str | None:
    """What makes the changed file sensitive, or None."""
    paths = [path for path in (change.new_path, change.old_path) if path]
    for path in paths:
        if _CI.first_match(path):
            return "CI or automation that runs with the repository's credentials"
        if _DOCKER.first_match(path):
            return "a container build"
        if _LOCKS_AND_REQUIREMENTS.first_match(path):
            return "dependencies: what gets installed"
    if any(_MIXED_MANIFESTS.first_match(path) for path in paths) and any(
        _REQUIREMENT_LINE.search(line.text) for hunk in change.hunks for line in hunk.lines if line.kind is not LineKind.CONTEXT
    ):
        return "dependencies: what gets installed"
    return None
