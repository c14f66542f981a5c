"""``diffrisk log`` on real repositories."""

from __future__ import annotations

import csv
import functools
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from diffrisk.commands.log import read_commit_list
from diffrisk.main import main
from testing.repo import Repo
from testing.run import log_jsonl


@pytest.fixture
def history(repo: Repo) -> list[str]:
    repo.write("README.md", "# demo\n")
    first = repo.commit("docs")
    repo.write("app.py", 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n')
    second = repo.commit("runner")
    repo.write("broken.py", "def broken(:\n    pass\n")
    third = repo.commit("broken")
    repo.git("checkout", "-q", "-b", "side", first)
    repo.write("side.py", "VALUE = 1\n")
    side = repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-edit", "side")
    return [first, second, third, side]


def test_every_non_merge_commit_is_scored(repo: Repo, history: list[str]) -> None:
    rows = log_jsonl("-C", str(repo.path), "--jobs", "1")
    first, second, third, side = history
    # git log's order; the fixture's commits share one timestamp, so only the set is fixed here
    assert sorted(row["commit"] for row in rows) == sorted([side, third, second, first])
    by_commit = {row["commit"]: row for row in rows}
    assert by_commit[second]["level"] == "L2"
    assert by_commit[second]["rules"] == {"B404": 1, "B602": 1}
    assert by_commit[third]["rules"] == {"DR-E001": 1}
    assert by_commit[first]["level"] == "L0"
    assert set(by_commit[first]) >= {
        "commit", "author", "date", "score", "level", "review_minutes", "components", "lines_added", "lines_deleted",
        "files", "ai_authored",
    }
    assert by_commit[first]["author"] == "Test Author"
    assert by_commit[first]["date"] == "2026-01-01T00:00:00Z"


def test_parallel_and_serial_agree(repo: Repo, history: list[str]) -> None:
    serial = log_jsonl("-C", str(repo.path), "--jobs", "1")
    parallel = log_jsonl("-C", str(repo.path), "--jobs", "2")
    assert serial == parallel


def test_a_shallow_clone_s_oldest_commit_is_an_error_not_a_root_commit(repo: Repo, tmp_path: Path) -> None:
    # Each commit's parents come from the one read of all commits; a shallow clone shows its
    # oldest commit with none, and only git can tell that from a root commit (which adds every file).
    shas = []
    for number in range(3):
        repo.write("app.py", "".join(f"VALUE_{each} = {each}\n" for each in range(number + 1)))
        shas.append(repo.commit(f"value {number}"))
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(shallow)], check=True)
    rows = log_jsonl("-C", str(shallow), "--jobs", "1")
    assert [row["commit"] for row in rows] == [shas[2], shas[1]]
    assert (rows[0]["level"], rows[0]["lines_added"], rows[0]["error"]) == ("L0", 1, None)
    assert rows[1]["error"] == (
        f"the parent of {shas[1][:12]} is not in this shallow clone: "
        "fetch more history (git fetch --deepen, or fetch-depth: 0 in actions/checkout)"
    )


def test_commit_list_in_given_order_from_stdin(repo: Repo, history: list[str]) -> None:
    first, second, _, _ = history
    process = subprocess.run(
        [sys.executable, "-m", "diffrisk", "log", "--commits", "-", "--format", "csv"],
        input=f"# chosen\n{first}\n\n{second[:10]}\n".encode(), capture_output=True, cwd=repo.path, check=False,
    )
    assert process.returncode == 0, process.stderr
    table = list(csv.DictReader(io.StringIO(process.stdout.decode())))
    assert [row["commit"] for row in table] == [first, second]
    assert table[1]["level"] == "L2"


def test_bare_repository_and_range(repo: Repo, history: list[str], tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(bare)], check=True)
    first, second, third, _ = history
    rows = log_jsonl("--git-dir", str(bare), f"{first}..{third}", "--jobs", "1")
    assert [row["commit"] for row in rows] == [third, second]


def test_summary_by_author(repo: Repo, history: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log", "-C", str(repo.path), "--summary", "author", "--jobs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["author", "commits", "L0", "L1", "L2", "L3", "review", "min", "AI", "commits", "AI", "lines", "AI", "min"]
    assert lines[1].startswith("Test Author <author@example.com>")
    assert lines[1].split()[-9:-4] == ["4", "2", "0", "2", "0"]
    assert lines[1].split()[-3:] == ["0", "0", "0"]
    assert lines[-1].split()[:2] == ["total", "4"]


def test_agent_commits_are_marked_in_rows_and_summaries(repo: Repo, history: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("agent.py", "def helper(values):\n    return [value * 2 for value in values]\n")
    agent = repo.commit("helper\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    assert main(["log", "-C", str(repo.path), "--jobs", "1", f"{agent}~1..{agent}"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[-2:] == ["AI", "author"]
    assert row.split()[-3:] == ["AI", "Test", "Author"]
    assert main(["log", "-C", str(repo.path), "--jobs", "1", "--summary", "week", "--format", "jsonl", f"{agent}~1..{agent}"]) == 0
    week = json.loads(capsys.readouterr().out)
    assert (week["commits"], week["ai_commits"], week["ai_lines"]) == (1, 1, 2)
    assert week["ai_minutes"] == week["review_minutes"]


def test_unknown_commit_in_list_is_exit_2(repo: Repo, history: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "commits.txt"
    listing.write_text("deadbeef\n")
    assert main(["log", "-C", str(repo.path), "--commits", str(listing)]) == 2
    assert capsys.readouterr().err == "diffrisk: error: unknown revision 'deadbeef': check the name\n"


def test_read_commit_list() -> None:
    assert read_commit_list("# header\nabc123  first\n\n def456 # note\n") == ["abc123", "def456"]


def test_progress_goes_to_a_terminal_only(repo: Repo, history: list[str]) -> None:
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.run(
        [sys.executable, "-m", "diffrisk", "log", "--format", "jsonl", "--jobs", "1"],
        cwd=repo.path, stdout=subprocess.PIPE, stderr=follower, check=False,
    )
    os.close(follower)
    drawn = os.read(leader, 4096)
    os.close(leader)
    assert process.returncode == 0
    assert b"[4/4] " in drawn and b"commits/s" in drawn
    assert len(process.stdout.splitlines()) == 4  # stdout carries the rows and nothing else


def test_csv_cells_cannot_become_formulas() -> None:
    from diffrisk.formats.rows import csv_row
    from diffrisk.model import CommitScore

    row = CommitScore("abc", '=HYPERLINK("http://evil")', "x@y", 0, error="+1")
    assert csv_row(row).startswith('abc,"\'=HYPERLINK(""http://evil"")",1970-01-01T00:00:00Z,')
    assert csv_row(row).rstrip("\n").endswith(",'+1")


def test_log_rows_say_which_commits_an_agent_wrote(repo: Repo) -> None:
    repo.write("a.py", "A = 1\n")
    human = repo.commit("By hand")
    repo.write("a.py", "A = 2\n")
    agent = repo.commit("Tweak\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    rows = {row["commit"]: row for row in log_jsonl("-C", str(repo.path), "--jobs", "1")}
    assert (rows[agent]["ai_authored"], rows[agent]["ai_reason"]) == (True, "trailer:claude")
    assert (rows[human]["ai_authored"], rows[human]["ai_reason"]) == (False, None)


def test_blob_cache_is_bounded_by_count_and_by_weight() -> None:
    from diffrisk.change.cache import BlobCache

    cache: BlobCache[str] = BlobCache(size=3, weigh=len, max_weight=10)
    for key, value in (("a", "xxxx"), ("b", "yyyy"), ("c", "zz")):
        assert cache.get(key, functools.partial(str, value)) == value
    assert (list(cache.entries), cache.weight) == (["a", "b", "c"], 10)
    cache.get("a", lambda: "never computed")  # a hit makes "a" the most recent
    cache.get("d", lambda: "www")  # 13 > 10: the least recent ("b") goes
    assert (list(cache.entries), cache.weight, cache.hits, cache.misses) == (["c", "a", "d"], 9, 1, 4)
    cache.get(None, lambda: "not kept")
    assert list(cache.entries) == ["c", "a", "d"]


def test_rows_on_a_terminal_start_on_a_line_of_their_own(repo: Repo, history: list[str]) -> None:
    """stdout and stderr on one terminal: the progress line is cleared before each row."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.run([sys.executable, "-m", "diffrisk", "log", "--jobs", "1"], cwd=repo.path, stdout=follower, stderr=follower,
                             check=False)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert process.returncode == 0
    # What a terminal shows of each line: the text after its last carriage return, erasures gone.
    visible = [line.rstrip(b"\r").rsplit(b"\r", 1)[-1].replace(b"\x1b[K", b"") for line in screen.split(b"\n")]
    rows = [line for line in visible if any(line.startswith(sha[:12].encode()) for sha in history)]
    assert len(rows) == 4 and b"[4/4]" in screen
    assert not [line for line in visible if b"commits/s" in line and any(sha[:12].encode() in line for sha in history)]


def test_the_csv_has_every_component() -> None:
    from diffrisk.formats.rows import csv_header
    from diffrisk.model import ComponentName

    header = csv_header().strip().split(",")
    assert [column for column in header if column.endswith("_score")] == [f"{name.value}_score" for name in ComponentName]
    assert "ai_authored" in header
