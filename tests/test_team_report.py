"""The history store (``log --db``) and the team report (``diffrisk report``): real repositories
with dated commits by several authors and an agent, real SQLite files, real Chromium."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from diffrisk.main import main
from diffrisk.store import database
from testing.repo import Repo
from tests.test_html import _chromium

WEEK = 7 * 86400
#: Monday 2026-03-02, 10:00 UTC.
START = 1772445600


def commit_at(repo: Repo, when: int, who: str, message: str, files: dict[str, str]) -> str:
    name, _, email = who.partition(" <")
    for path, text in files.items():
        repo.write(path, text)
    stamp = f"@{when} +0000"
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"), "GIT_AUTHOR_DATE": stamp,
           "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email.rstrip(">"), "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", "add", "-A"], cwd=repo.path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo.path, check=True, env=env)
    return repo.git("rev-parse", "HEAD").strip()


def module(count: int) -> str:
    return "".join(f"def f{index}(x):\n    if x > {index}:\n        return x * {index}\n    return {index}\n\n\n" for index in range(count))


def project(root: Path, weeks: int = 3) -> Repo:
    """Per week: one human commit and one agent commit (a Co-authored-by trailer)."""
    repo = Repo.create(root)
    for week in range(weeks):
        when = START + week * WEEK
        commit_at(repo, when, "Ana <ana@x.org>", f"feature {week}", {f"pkg/a{week}.py": module(3 + week)})
        commit_at(repo, when + 3600, "Ana <ana@x.org>", f"agent work {week}\n\nCo-authored-by: Claude <noreply@anthropic.com>",
                  {f"pkg/b{week}.py": module(6)})
    return repo


def diffrisk(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def log_db(repo: Repo, db: Path, *extra: str) -> str:
    code, _, err = diffrisk("-C", str(repo.path), "log", "--db", str(db), "--format", "jsonl", "--jobs", "1", *extra)
    assert code == 0, err
    return err.strip().splitlines()[0]


def test_only_new_commits_are_scored_and_a_policy_change_scores_again(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    db = tmp_path / "history.sqlite"
    assert log_db(repo, db) == f"diffrisk: 0 of 6 commits already stored in {db}; scoring 6"
    commit_at(repo, START + 3 * WEEK, "Ana <ana@x.org>", "more", {"pkg/c.py": module(2)})
    assert log_db(repo, db) == f"diffrisk: 6 of 7 commits already stored in {db}; scoring 1"
    assert log_db(repo, db) == f"diffrisk: 7 of 7 commits already stored in {db}; scoring 0"
    policy = tmp_path / "policy.toml"
    policy.write_text("[tool.diffrisk]\nthresholds = { L1 = 10, L2 = 30, L3 = 60 }\n")
    assert log_db(repo, db, "--config", str(policy)) == f"diffrisk: 0 of 7 commits already stored in {db}; scoring 7"
    with database.open_store(str(db), write=False) as store:
        assert store.count() == 14
        assert store.meta() == {"repository": "p", "web_url": ""}


def test_stored_rows_print_as_freshly_scored_ones(tmp_path: Path) -> None:
    repo = project(tmp_path / "p", weeks=1)
    db = tmp_path / "h.sqlite"
    fresh = diffrisk("-C", str(repo.path), "log", "--format", "jsonl", "--jobs", "1")[1]
    diffrisk("-C", str(repo.path), "log", "--db", str(db), "--format", "jsonl", "--jobs", "1")
    stored = diffrisk("-C", str(repo.path), "log", "--db", str(db), "--format", "jsonl", "--jobs", "1")[1]
    assert stored == fresh


def test_the_default_database_lives_in_the_git_directory(tmp_path: Path) -> None:
    repo = project(tmp_path / "p", weeks=1)
    code, _, err = diffrisk("-C", str(repo.path), "log", "--db", "--format", "jsonl")
    assert code == 0
    path = repo.path / ".git" / "diffrisk" / "history.sqlite"
    assert err.splitlines()[0] == f"diffrisk: 0 of 2 commits already stored in {path}; scoring 2"
    assert repo.git("status", "--porcelain") == ""


def test_a_killed_run_leaves_a_consistent_database(tmp_path: Path) -> None:
    repo = Repo.create(tmp_path / "big")
    for index in range(130):
        commit_at(repo, START + index * 3600, "Ana <ana@x.org>", f"c{index}", {f"m{index % 7}.py": module(1 + index % 5)})
    db = tmp_path / "h.sqlite"
    command = [sys.executable, "-m", "diffrisk", "-C", str(repo.path), "log", "--db", str(db), "--format", "jsonl", "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _rows(db) < database_batch() and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    stored = _rows(db)
    # Killed after the first batch and before the last: whole batches only.
    assert stored % database_batch() == 0 and 0 < stored < 130
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    with database.open_store(str(db), write=False) as store:
        assert len(store.latest()) == stored
    assert log_db(repo, db) == f"diffrisk: {stored} of 130 commits already stored in {db}; scoring {130 - stored}"


def database_batch() -> int:
    from diffrisk.commands.history_store import BATCH

    return BATCH


def _rows(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(connection.execute("SELECT COUNT(*) FROM commits").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return 0


def test_a_foreign_or_newer_database_is_refused(tmp_path: Path) -> None:
    repo = project(tmp_path / "p", weeks=1)
    foreign = tmp_path / "other.sqlite"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()
    code, _, err = diffrisk("-C", str(repo.path), "log", "--db", str(foreign))
    assert (code, err.strip()) == (2, f"diffrisk: error: {foreign}: not a diffrisk database (another program's SQLite file); give another --db path")
    code, _, err = diffrisk("report", "--db", str(foreign))
    assert code == 2 and "not a diffrisk database" in err
    newer = tmp_path / "newer.sqlite"
    log_db(repo, newer)
    connection = sqlite3.connect(newer)
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    for argv in (("-C", str(repo.path), "log", "--db", str(newer)), ("report", "--db", str(newer))):
        code, _, err = diffrisk(*argv)
        assert (code, err.strip()) == (
            2, f"diffrisk: error: {newer}: written by a newer diffrisk (schema 99; this one knows up to {database.SCHEMA_VERSION}): upgrade diffrisk",
        )
    code, _, err = diffrisk("report", "--db", str(tmp_path / "missing.sqlite"))
    assert (code, err.strip()) == (2, f"diffrisk: error: {tmp_path / 'missing.sqlite'}: no such database (diffrisk log --db "
                                      f"{tmp_path / 'missing.sqlite'} writes one)")


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    repo = project(tmp_path / "p", weeks=1)
    db = tmp_path / "h.sqlite"
    with database.open_store(str(db), write=True):
        code, _, err = diffrisk("-C", str(repo.path), "log", "--db", str(db))
    assert (code, err.strip()) == (2, f"diffrisk: error: {db}: another diffrisk log is writing this database; try again when it ends")


def team_json(*argv: str) -> dict[str, Any]:
    code, out, err = diffrisk("report", "--format", "json", *argv)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def test_demand_capacity_backlog_and_agents_week_by_week(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    db = tmp_path / "h.sqlite"
    log_db(repo, db)
    rows = [json.loads(line) for line in diffrisk("-C", str(repo.path), "log", "--db", str(db), "--format", "jsonl")[1].splitlines()]
    minutes = {row["date"][:10]: 0 for row in rows}
    for row in rows:
        minutes[row["date"][:10]] += row["review_minutes"]
    capacity = tmp_path / "capacity.toml"
    capacity.write_text("[tool.diffrisk.capacity]\nminutes_per_week = 10\n")
    report = team_json("--db", str(db), "--config", str(capacity))
    assert report["schema_version"] == 1
    assert report["repositories"] == ["p"]
    assert [week["week"] for week in report["weeks"]] == ["2026-W10", "2026-W11", "2026-W12"]
    assert [week["minutes"] for week in report["weeks"]] == [minutes["2026-03-02"], minutes["2026-03-09"], minutes["2026-03-16"]]
    assert [(week["changes"], week["ai_changes"]) for week in report["weeks"]] == [(2, 1), (2, 1), (2, 1)]
    backlog = 0
    for week in report["weeks"]:
        backlog = max(0, backlog + week["minutes"] - 10)
        assert week["backlog"] == backlog
    assert (report["capacity_minutes"], report["capacity_source"]) == (10, "10 min per week")
    agent = next(author for author in report["authors"] if author["kind"] == "agent")
    assert (agent["name"], agent["changes"]) == ("claude", 3)
    person = next(author for author in report["authors"] if author["kind"] == "person")
    assert (person["name"], person["changes"]) == ("Ana", 3)
    since = team_json("--db", str(db), "--since", "2026-03-09")
    assert [week["week"] for week in since["weeks"]] == ["2026-W11", "2026-W12"]


def test_two_repositories_merge(tmp_path: Path) -> None:
    first, second = project(tmp_path / "alpha", weeks=1), project(tmp_path / "beta", weeks=2)
    second.git("remote", "add", "origin", "git@github.com:example/beta.git")
    log_db(first, tmp_path / "a.sqlite")
    log_db(second, tmp_path / "b.sqlite")
    report = team_json("--db", str(tmp_path / "a.sqlite"), "--db", str(tmp_path / "b.sqlite"))
    assert report["repositories"] == ["alpha", "example/beta"]
    assert sum(week["changes"] for week in report["weeks"]) == 6
    links = {change["repository"]: change["link"] for change in report["riskiest"]}
    assert links["alpha"] is None
    assert links["example/beta"].startswith("https://github.com/example/beta/commit/")


def test_markdown_carries_the_same_numbers(tmp_path: Path) -> None:
    repo = project(tmp_path / "p", weeks=2)
    db = tmp_path / "h.sqlite"
    log_db(repo, db)
    report = team_json("--db", str(db))
    code, markdown, _ = diffrisk("report", "--db", str(db), "--format", "markdown")
    assert code == 0
    for week in report["weeks"]:
        levels = " | ".join(str(count) for count in week["changes_by_level"])
        assert f"| {week['week']} | {week['changes']} | {levels} | {week['minutes']} |" in markdown


class _Dom(HTMLParser):
    """Text of every element with an id, and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, list[str]] = {}
        self.open: list[str] = []
        self.tags: set[str] = set()
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        element = dict(attrs).get("id")
        if element:
            self.ids.setdefault(element, [])
            self.open.append(element)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())
            for element in self.open:
                self.ids[element].append(data.strip())


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed (CI installs Debian's chromium in .ci/run)")
def test_the_page_renders_in_chromium_with_every_chart(tmp_path: Path) -> None:
    repo = project(tmp_path / "p")
    db = tmp_path / "h.sqlite"
    log_db(repo, db)
    capacity = tmp_path / "capacity.toml"
    capacity.write_text("[tool.diffrisk.capacity]\nreviewers = 1\nhours_per_week = 0.02\n")
    weeks = team_json("--db", str(db), "--config", str(capacity))["weeks"]
    over = [week["week"] for week in weeks if week["minutes"] > 1]
    page = tmp_path / "team.html"
    assert diffrisk("report", "--db", str(db), "--config", str(capacity), "-o", str(page))[0] == 0
    browser = _chromium()
    assert browser is not None
    common = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
              "--window-size=1200,2600"]
    env = {**os.environ, "HOME": str(tmp_path)}
    dumped = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, check=True, env=env, timeout=120)
    dom = _Dom()
    dom.feed(dumped.stdout.decode("utf-8"))
    assert "script" not in dom.tags
    charts = {
        "chart-demand": ("Required review minutes per week, by level, against capacity", "review minutes"),
        "chart-agents": ("Share from coding agents per week", "share from agents (%)"),
        "chart-careful": ("Careful (L2) and deep (L3) changes per week", "changes"),
        "chart-density": ("Risk density per week", "score per 100 changed lines"),
    }
    for element, (title, y_label) in charts.items():
        texts = dom.ids[element]
        assert title in texts and y_label in texts and "week (ISO, UTC)" in texts, element
    assert "capacity-line" in dom.ids and "capacity (1 min)" in dom.ids["chart-demand"]
    assert over and (f"Capacity 1 min per week (1 reviewer x 0.02 h per week); demand exceeded it in {len(over)} of 3 weeks "
                     f"({', '.join(over)})") in dom.texts
    shot = tmp_path / "team.png"
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, check=True, env=env, timeout=120)
    assert shot.stat().st_size > 10_000


def test_the_page_needs_the_report_extra_only_for_html(tmp_path: Path) -> None:
    """JSON and Markdown never import matplotlib: the hook's environment may not have it."""
    repo = project(tmp_path / "p", weeks=1)
    db = tmp_path / "h.sqlite"
    log_db(repo, db)
    script = ("import sys\nfrom diffrisk.main import main\n"
              f"main(['report', '--db', {str(db)!r}, '--format', 'markdown', '-o', {str(tmp_path / 'x.md')!r}])\n"
              "print('matplotlib' in sys.modules)\n")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout == "False\n"


def test_the_action_report_mode_keeps_the_database_and_writes_the_page(tmp_path: Path) -> None:
    from diffrisk.commands import action

    repo = project(tmp_path / "p", weeks=2)
    for name in ("summary.md", "output.txt"):
        (tmp_path / name).write_text("")
    env = {
        "GITHUB_WORKSPACE": str(repo.path), "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"), "DIFFRISK_MODE": "report", "DIFFRISK_HTML": str(tmp_path / "team.html"),
    }
    assert action.main(env) == 0
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("## diffrisk: review demand against capacity (p)\n")
    assert (tmp_path / "output.txt").read_text() == f"report-path={tmp_path / 'team.html'}\n"
    assert '<svg id="chart-demand"' in (tmp_path / "team.html").read_text()
    db = repo.path / ".git" / "diffrisk" / "history.sqlite"
    with database.open_store(str(db), write=False) as store:
        assert store.count() == 4
    # The next scheduled run (the database restored from the cache) scores only the new commit.
    commit_at(repo, START + 2 * WEEK, "Ana <ana@x.org>", "later", {"pkg/z.py": module(1)})
    assert action.main({**env, "DIFFRISK_DB": str(db)}) == 0
    with database.open_store(str(db), write=False) as store:
        assert store.count() == 5
    assert action.main({**env, "DIFFRISK_MODE": "deploy"}) == 2
