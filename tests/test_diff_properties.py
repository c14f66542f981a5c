"""Properties of the diff parser, checked by hypothesis.

- Any text either parses or raises the parser's own DiffParseError (with a line number inside
  the input), never anything else.
- A diff made by real git from random file contents parses to exactly the lines git changed.
- Parse, write back as a patch, parse again: the same Diff.

Examples are derandomized and no example database is written, so CI runs the same cases every
time; benchmarks/fuzz.py runs the same properties for longer.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffrisk.diffsource import git
from diffrisk.diffsource.parser import parse
from diffrisk.errors import DiffParseError
from testing.diffgen import apply, diff_like_text, format_diff, lines_of
from testing.repo import Repo

PROPERTY = settings(derandomize=True, database=None, deadline=None, max_examples=300)


def parses_or_refuses(text: str) -> None:
    try:
        diff = parse(text)
    except DiffParseError as error:
        assert 1 <= error.line_number <= text.count("\n") + 2, (error.line_number, str(error))
        return
    assert parse(format_diff(diff)) == diff


@PROPERTY
@given(st.text())
def test_any_text_parses_or_raises_the_parsers_error(text: str) -> None:
    parses_or_refuses(text)


@PROPERTY
@given(diff_like_text())
def test_diff_like_text_parses_or_raises_the_parsers_error(text: str) -> None:
    parses_or_refuses(text)


@PROPERTY
@given(st.binary(max_size=400))
def test_any_bytes_parse_or_raise_the_parsers_error(data: bytes) -> None:
    parses_or_refuses(data.decode("utf-8", "surrogateescape"))


LINES = st.lists(st.sampled_from(["", "x = 1", "y = 2", "    pass", "def f():", "-", "+", " ", "\\ x", "@@", "é\t"]), max_size=30)
NAMES = st.sampled_from(["a.py", "dir/b c.py", "caf\u00e9.py", "-dash.py", 'q"uote.py', "tab\there.py"])


@settings(derandomize=True, database=None, deadline=None, max_examples=40,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(old=st.dictionaries(NAMES, LINES, max_size=3), new=st.dictionaries(NAMES, LINES, max_size=3), newline=st.booleans())
def test_git_diffs_parse_to_exactly_the_changed_lines(old: dict[str, list[str]], new: dict[str, list[str]], newline: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        made = Repo.create(Path(folder))
        repo = made.path
        commits = []
        for files in (old, new):
            for path in repo.glob("**/*.py"):
                path.unlink()
            for name, lines in files.items():
                target = repo / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(("\n".join(lines) + ("\n" if newline and lines else "")).encode())
            commits.append(made.commit("c"))
        raw = git.trees(commits[0], commits[1]).run(git.Repo(cwd=str(repo)))
        texts = {"old": _tree(repo, commits[0]), "new": _tree(repo, commits[1])}
    diff = parse(raw.decode("utf-8", "surrogateescape"))
    changed = {name for name in old.keys() | new.keys() if texts["old"].get(name) != texts["new"].get(name)}
    seen = set()
    for change in diff.files:
        before = [] if change.old_path is None else lines_of(texts["old"][change.old_path])
        after = [] if change.new_path is None else lines_of(texts["new"][change.new_path])
        assert apply(before, change) == after
        seen |= {change.old_path, change.new_path} - {None}
    assert seen == changed
    assert parse(format_diff(diff)) == diff


def _tree(repo: Path, commit: str) -> dict[str, bytes]:
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "-z", "--name-only", commit], cwd=repo, check=True, capture_output=True
    ).stdout.split(b"\0")
    return {
        name.decode("utf-8", "surrogateescape"): subprocess.run(
            ["git", "show", f"{commit}:{name.decode('utf-8', 'surrogateescape')}"], cwd=repo, check=True, capture_output=True
        ).stdout
        for name in listing if name
    }
