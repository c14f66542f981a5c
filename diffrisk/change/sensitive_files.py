"""Sensitive files (DR-S007): what runs with the repository's credentials or decides what gets
installed: CI configuration and every file CI executes (tox, nox, make, conftest.py, the scripts
the workflows call), container builds, and every dependency declaration (requirements and
constraints files, locks, and the requirements in pyproject.toml, setup.cfg and setup.py, read
whole so that a multi-line list, an unpinned name or a URL counts).  (``critical_paths`` have
their own place: they raise the level by one.)"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping

from diffrisk.change.dependencies import requirements_in
from diffrisk.model import Diff, FileChange, Finding, LineKind, Severity
from diffrisk.paths import Patterns
from diffrisk.pyfile.source import first_line
from diffrisk.regex import Regex

_CI = Patterns((
    ".github/workflows/", ".github/actions/", ".gitlab-ci.yml", ".gitlab/ci/", ".circleci/", ".travis.yml",
    "azure-pipelines*.yml", "azure-pipelines*.yaml", "Jenkinsfile", ".buildkite/", "bitbucket-pipelines.yml",
    ".pre-commit-config.yaml", "/action.yml", "/action.yaml",
))
#: Files CI runs: test and build runners.
_CI_RUNS = Patterns(("tox.ini", "noxfile.py", "Makefile", "GNUmakefile", "*.mk", "justfile"))
#: pytest's conftest.py: its module code and its ``pytest_*`` hooks run when pytest starts, before
#: any test; its fixtures run only when a test asks for them, as any test code does.
_CONFTEST = Patterns(("conftest.py",))
_DOCKER = Patterns((
    "Dockerfile", "Dockerfile.*", "*.dockerfile", "Containerfile", "docker-compose*.yml", "docker-compose*.yaml", "compose.yml",
    "compose.yaml",
))
_LOCKS_AND_REQUIREMENTS = Patterns((
    "*requirements*.txt", "*requirements*.in", "**/requirements/*.txt", "**/requirements/*.in", "*constraints*.txt",
    "**/constraints/*.txt",
    "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
    "pdm.lock", "pylock.toml", "pylock.*.toml", "conda-lock.yml", "environment.yml", "package.json", "package-lock.json",
    "yarn.lock", "pnpm-lock.yaml",
))
#: Manifests that also hold other things (versions, metadata, tool settings): only a change to the
#: requirements they declare makes the change sensitive (read whole where both sides can be
#: read; else changed lines that read as a requirement, "name>=1.0" or poetry's name = "^1.0").
_MIXED_MANIFESTS = Patterns(("pyproject.toml", "setup.cfg", "setup.py"))
_REQUIREMENT_LINE = Regex(
    # A quoted requirement anywhere on the line ("requests>=2.0"), or poetry's name = "^1.0".
    r"""["'][A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*(==|>=|<=|~=|!=|<|>|===)\s*[0-9]"""
    r"""|^\s*(?!version\b|python_requires\b|requires-python\b)[A-Za-z0-9][A-Za-z0-9._-]*\s*=\s*(["'][\^~<>=!]|\{\s*version)"""
)


#: (old text, new text) of a changed file; None where a side does not exist or was not read.
Sides = tuple[str | None, str | None]


def find(diff: Diff, texts: Mapping[str, Sides] | None = None, ci_scripts: Collection[str] = ()) -> list[Finding]:
    """DR-S007 for each CI, container or dependency file the change touches; ``texts`` has both
    sides of the mixed manifests by path, ``ci_scripts`` the paths the base's workflows name."""
    findings = []
    for change in diff.files:
        what = kind_of(change, (texts or {}).get(change.path), ci_scripts)
        if what is None:
            continue
        line = change.added_lines[0] if change.added_lines else 1
        findings.append(Finding("DR-S007", "smells", change.path, line, line, Severity.LOW, f"sensitive file changed: {what}"))
    return findings


def kind_of(change: FileChange, sides: Sides | None = None, ci_scripts: Collection[str] = ()) -> str | None:
    """What makes the changed file sensitive, or None."""
    paths = [path for path in (change.new_path, change.old_path) if path]
    for path in paths:
        if _CI.first_match(path):
            return "CI or automation that runs with the repository's credentials"
        if _CI_RUNS.first_match(path) or path in ci_scripts:
            return "a file CI runs with the repository's credentials"
        if _CONFTEST.first_match(path) and change.new_path is not None and _runs_when_pytest_starts(change, sides):
            return "conftest.py code that runs when pytest starts, with the repository's credentials"
        if _DOCKER.first_match(path):
            return "a container build"
        if _LOCKS_AND_REQUIREMENTS.first_match(path):
            return "dependencies: what gets installed"
    if any(_MIXED_MANIFESTS.first_match(path) for path in paths) and _requirements_changed(change, sides):
        return "dependencies: what gets installed"
    return None


def is_conftest(path: str) -> bool:
    return _CONFTEST.first_match(path) is not None


def _runs_when_pytest_starts(change: FileChange, sides: Sides | None) -> bool:
    """Whether an added line of a conftest.py is in code pytest runs as it starts: module-level
    statements (imports aside), class bodies, decorators and defaults, and ``pytest_*`` hooks.
    Without the new text to read, or when it does not parse, it is (fail closed)."""
    new = sides[1] if sides is not None else None
    if new is None:
        return True
    try:
        tree = ast.parse(new)
    except (SyntaxError, ValueError, RecursionError):
        return True
    added = set(change.added_lines)
    return any(_runs_at_import(node, added) for node in tree.body)


def _runs_at_import(node: ast.stmt, added: set[int]) -> bool:
    if not any(line in added for line in range(first_line(node), (node.end_lineno or node.lineno) + 1)):
        return False
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return False  # the module it names is analysed where it lives
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return False  # a docstring
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if node.name.startswith("pytest_"):
            return True
        evaluated = [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        return any(_calls(part) for part in evaluated if _touches(part, added))
    if isinstance(node, ast.ClassDef):
        return any(_calls(part) for part in node.decorator_list if _touches(part, added)) \
            or any(_runs_at_import(statement, added) for statement in node.body)
    return True


#: Decorators that only mark a function, run nothing of the change's: ``@pytest.fixture(scope=...)``.
_MARKERS = Regex(r"^(pytest\.)?(fixture|mark\.\w+)$")


def _touches(node: ast.expr, added: set[int]) -> bool:
    return any(line in added for line in range(node.lineno, (node.end_lineno or node.lineno) + 1))


def _calls(expression: ast.expr) -> bool:
    """Whether evaluating a decorator or default calls anything but pytest's markers."""
    for node in ast.walk(expression):
        if isinstance(node, ast.Call) and not _MARKERS.match(ast.unparse(node.func)):
            return True
    return False


def _requirements_changed(change: FileChange, sides: Sides | None) -> bool:
    if sides is not None and (sides[0] is not None or sides[1] is not None):
        old, new = (requirements_in(change.path, text) if text is not None else frozenset() for text in sides)
        return old != new
    return any(
        _REQUIREMENT_LINE.search(line.text) for hunk in change.hunks for line in hunk.lines if line.kind is not LineKind.CONTEXT
    )
