"""diffrisk.paths.Patterns: gitignore semantics by pathspec, asked only when a path can match."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pathspec
import pytest

from diffrisk.change import sensitive_files, undeclared_imports
from diffrisk.config import DEFAULT_EXCLUDE
from diffrisk.paths import Patterns

PROJECT = Path(__file__).resolve().parent.parent

#: Patterns whose literal text is not what it reads as, or which take matches away.
TRICKY = (
    "**/requirements/*.txt", "/action.yml", "docs/", "build/**", "*.py[co]", "[Mm]akefile", "a?c.txt",
    "!keep/requirements.txt", "\\#notes.txt", "trailing.txt   ", "**/migrations/*.py", "src/**/gen_*.py",
    "*", "!*.py", "", "# a comment", "foo\\ bar.txt", "\\!bang.txt", "x/[!a-c]*/y.py",
    "[]a]x", "[!]a]x", "[^]]z", "a[]b]c",
    # plain names and paths, which are matched without pathspec
    "conftest.py", "/setup.py", "src/gen", "src/gen/", "/docs/", "tests", "a.b", "./x.py", "../x.py", "x/./y",
    "a//b", "/", "docs", "Makefile/", "poetry.lock", "/a/b/c.txt",
)

PATHS = [
    "requirements.txt", "requirements/dev.txt", "a/requirements/dev.txt", "keep/requirements.txt", "action.yml",
    "sub/action.yml", "docs/index.md", "docs", "build/lib/x.py", "mod.pyc", "mod.pyo", "Makefile", "makefile",
    "abc.txt", "a/c.txt", "#notes.txt", "trailing.txt", "trailing.txt   ", "app/migrations/0001_initial.py",
    "migrations/0002.py", "src/gen_x.py", "src/a/b/gen_y.py", "foo bar.txt", "!bang.txt", "x/d/y.py", "x/a/y.py",
    ".github/workflows/ci.yml", ".github/actions/setup/action.yaml", "conftest.py", "tests/conftest.py",
    "Dockerfile.dev", "web.dockerfile", "docker-compose.override.yml", "poetry.lock", "pyproject.toml",
    "src/app.py", "ci/Jenkinsfile", "Jenkinsfile", "x.mk", "env/pylock.dev.toml", "examples/demo.py",
    "ax", "]x", "bx", "qz", "abc", "a]c",
    "setup.py", "pkg/setup.py", "src/gen", "src/gen/x.py", "src/generated.py", "a/src/gen/x.py", "docs/a/b.md",
    "a/docs/x.md", "tests", "tests/x.py", "a/tests/b/x.py", "a.b", "xa.b", "a.b/c", "x.py", "a/b", "a/b/c.txt",
    "poetry.lock/x", "Makefile/x", "./x.py", "/setup.py", "a//b", "a\\b", "src\\gen\\x.py",
    "./setup.py", "./src/gen/x.py", "./docs/x.md", "a/./docs/x.md", "a/../setup.py", "a\nb/docs/x.py", "x.py\n",
    "docs\n/x.py", "tests/conftest.py\n", "a\tb/docs/x.md", "caf\u00e9/docs/x.md",
]


def _lists() -> list[tuple[str, ...]]:
    found = [DEFAULT_EXCLUDE, undeclared_imports.NOT_SHIPPED.patterns, TRICKY, *((pattern,) for pattern in TRICKY)]
    found += [value.patterns for value in vars(sensitive_files).values() if isinstance(value, Patterns)]
    return found


def _pathspec_answer(patterns: tuple[str, ...], path: str) -> str | None:
    if not pathspec.GitIgnoreSpec.from_lines(patterns).match_file(path):
        return None
    return next(pattern for pattern in patterns if pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(path))


def _all_paths() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout
    return PATHS + [path for path in listed.decode().split("\0") if path]


@pytest.mark.parametrize("patterns", _lists(), ids=lambda patterns: ",".join(patterns)[:40] or "empty")
def test_the_answer_is_pathspec_s_for_every_path(patterns: tuple[str, ...]) -> None:
    listed = Patterns(patterns)
    assert [(path, listed.first_match(path)) for path in _all_paths()] == [
        (path, _pathspec_answer(patterns, path)) for path in _all_paths()
    ]


def test_named_answers() -> None:
    assert Patterns(TRICKY).first_match("a/requirements/dev.txt") == "**/requirements/*.txt"
    assert Patterns(TRICKY).first_match("requirements/dev.txt") == "**/requirements/*.txt"
    assert Patterns(("**/requirements/*.txt", "!requirements/dev.txt")).first_match("requirements/dev.txt") is None
    assert Patterns(("\\#notes.txt",)).first_match("#notes.txt") == "\\#notes.txt"
    assert Patterns(("*.lock",)).first_match("src/app.py") is None


def test_a_path_no_pattern_can_match_does_not_import_pathspec() -> None:
    program = (
        "import sys\n"
        "from diffrisk.change import sensitive_files\n"
        "from diffrisk.model import ChangeKind, FileChange\n"
        "change = FileChange(old_path='src/app.py', new_path='src/app.py', kind=ChangeKind.MODIFIED)\n"
        "print(sensitive_files.kind_of(change), 'pathspec' in sys.modules)\n"
        "change = FileChange(old_path='poetry.lock', new_path='poetry.lock', kind=ChangeKind.MODIFIED)\n"
        "print(sensitive_files.kind_of(change), 'pathspec' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert out == "None False\ndependencies: what gets installed True\n"
