"""Who should review a change (diffrisk.reviewers): real repositories with several authors, a
.mailmap, a departed author, a bot, CODEOWNERS with overlapping patterns and an agent co-author."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from diffrisk.model import ChangeKind, DiffLine, FileChange, Hunk, LineKind
from diffrisk.reviewers import mailmap, touched
from testing.repo import Repo
from testing.run import check_json, run

IO_V1 = '''def parse_row(row):
    fields = row.split(",")
    cleaned = [field.strip() for field in fields]
    return cleaned


def write_row(values):
    text = ",".join(values)
    return text + "\\n"
'''
#: Alice rewrites parse_row's body (lines 2-3).
IO_V2 = IO_V1.replace('row.split(",")', 'row.split(",", maxsplit=-1)').replace("field.strip()", "field.strip() for _ in [0]][0] or [field.strip()")
#: Alice, under her other address, edits write_row's first body line.
IO_V3 = IO_V2.replace('",".join(values)', '",".join(str(value) for value in values)')
#: Bob edits parse_row's return.
IO_V4 = IO_V3.replace("    return cleaned", "    return list(cleaned)")
#: The change: parse_row's split and write_row's newline.
IO_CHANGED = IO_V4.replace('row.split(",", maxsplit=-1)', 'row.split(";")').replace('text + "\\n"', 'text + "\\r\\n"')

CODEOWNERS = "*  @org/everyone\napp/  @carol\napp/io.py  @alice @org/io-team\n"
MAILMAP = "Alice Smith <alice@work.org> <alice.s@home.net>\n"


def commit_as(repo: Repo, who: str, when: str, message: str = "change") -> str:
    name, _, email = who.partition(" <")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">"), "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email.rstrip(">"), "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", "add", "-A"], cwd=repo.path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo.path, check=True, env=env)
    return repo.git("rev-parse", "HEAD").strip()


@pytest.fixture
def history(tmp_path: Path) -> Repo:
    repo = Repo.create(tmp_path / "project")
    repo.write("app/io.py", IO_V1)
    repo.write("app/other.py", "VALUE = 1\n")
    commit_as(repo, "Dan <dan@old.org>", "2023-01-10T10:00:00+00:00", "add io")
    repo.write("app/io.py", IO_V2)
    repo.write(".github/CODEOWNERS", CODEOWNERS)
    repo.write(".mailmap", MAILMAP)
    commit_as(repo, "Alice <alice@work.org>", "2026-03-01T10:00:00+00:00", "split once")
    repo.write("app/io.py", IO_V3)
    commit_as(repo, "A. Smith <alice.s@home.net>", "2026-05-01T10:00:00+00:00", "strings")
    repo.write("app/io.py", IO_V4)
    commit_as(repo, "Bob <bob@work.org>", "2026-06-01T10:00:00+00:00", "a list")
    repo.write("app/other.py", "VALUE = 2\n")
    commit_as(repo, "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", "2026-06-10T10:00:00+00:00", "bump")
    return repo


def change_by(repo: Repo, who: str, message: str = "semicolons", extra: dict[str, str] | None = None) -> dict[str, Any]:
    repo.write("app/io.py", IO_CHANGED)
    repo.write("app/other.py", "VALUE = 3\n")
    for name, text in (extra or {}).items():
        repo.write(name, text)
    commit_as(repo, who, "2026-07-01T10:00:00+00:00", message)
    code, report = check_json(repo, "--commit", "HEAD")
    assert code in (0, 1)
    return report


AGENT_MESSAGE = "semicolons\n\nCo-authored-by: Claude <noreply@anthropic.com>"
ALICE = {
    "name": "Alice Smith", "email": "alice@work.org", "weight": 4.872, "lines": 3, "share": 0.375, "commits": 2,
    "last_change": 1777629600, "active": True,
    "reason": "wrote 50% of the touched lines of `parse_row` (app/io.py); 2 commits to the touched files in the last year; "
              "last change 2 months ago",
}
BOB = {
    "name": "Bob", "email": "bob@work.org", "weight": 2.673, "lines": 1, "share": 0.125, "commits": 1,
    "last_change": 1780308000, "active": True,
    "reason": "wrote 25% of the touched lines of `parse_row` (app/io.py); 1 commit to the touched files in the last year; "
              "last change 1 month ago",
}


def without_commits(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in person.items() if key != "commit"} for person in people]


def test_experts_owners_and_departed_for_an_agent_change(history: Repo) -> None:
    report = change_by(history, "Erin <erin@work.org>", AGENT_MESSAGE)
    reviewers = report["reviewers"]
    assert without_commits(reviewers["experts"]) == [ALICE, BOB]
    # Dan wrote both functions' first lines and write_row's last, and has not committed since 2023.
    assert [(person["name"], person["lines"], person["active"]) for person in reviewers["departed"]] == [("Dan", 3, False)]
    assert reviewers["departed"][0]["reason"] == "wrote 67% of the touched lines of `write_row` (app/io.py); last change 3 years ago"
    # 7 lines of the two functions, and other.py's line, which the bot wrote: nobody to ask.
    assert reviewers["touched_lines"] == 8
    assert reviewers["knowledge_at_risk"] == 0.375
    assert reviewers["author_knows"] is False
    assert reviewers["codeowners"] == ".github/CODEOWNERS"
    assert reviewers["owners"] == [
        {"path": "app/io.py", "owners": ["@alice", "@org/io-team"], "pattern": "app/io.py"},
        {"path": "app/other.py", "owners": ["@carol"], "pattern": "app/"},
    ]
    ownership = [finding for finding in report["findings"] if finding["rule"] == "DR-O001"]
    assert [(item["path"], item["line"], item["message"]) for item in ownership] == [(
        "app/io.py", 1,
        "nobody behind this AI-authored change wrote any of the 8 lines it touches; "
        "ask Alice Smith <alice@work.org>, Bob <bob@work.org>, who wrote it",
    )]
    assert report["level"] == "L2"
    assert [floor["kind"] for floor in report["floors"]] == ["ownership"]


def test_an_expert_making_the_change_is_left_out_and_knows_it(history: Repo) -> None:
    report = change_by(history, "Bob <bob@work.org>", AGENT_MESSAGE)
    reviewers = report["reviewers"]
    assert [person["name"] for person in reviewers["experts"]] == ["Alice Smith"]
    assert reviewers["author_knows"] is True
    assert not [finding for finding in report["findings"] if finding["rule"] == "DR-O001"]


def test_a_person_s_own_change_needs_no_ownership_floor(history: Repo) -> None:
    report = change_by(history, "Erin <erin@work.org>")
    assert report["reviewers"]["author_knows"] is False
    assert not [finding for finding in report["findings"] if finding["rule"] == "DR-O001"]
    assert report["level"] == "L0"


def test_a_mailmap_the_change_edits_is_not_believed(history: Repo) -> None:
    """The agent's change maps its author onto Alice: read at the base, the mailmap still tells them apart."""
    forged = MAILMAP + "Alice Smith <alice@work.org> <erin@work.org>\n"
    report = change_by(history, "Erin <erin@work.org>", AGENT_MESSAGE, {".mailmap": forged})
    assert report["reviewers"]["author_knows"] is False
    assert [person["name"] for person in report["reviewers"]["experts"]] == ["Alice Smith", "Bob"]
    assert [finding["rule"] for finding in report["findings"] if finding["rule"] == "DR-O001"] == ["DR-O001"]


def test_the_ownership_floor_is_configurable(history: Repo) -> None:
    history.write("pyproject.toml", '[tool.diffrisk.reviewers]\nownership_floor = "L3"\nmax_experts = 1\n')
    commit_as(history, "Alice <alice@work.org>", "2026-06-20T10:00:00+00:00", "policy")
    report = change_by(history, "Erin <erin@work.org>", AGENT_MESSAGE)
    assert report["level"] == "L3"
    assert [person["name"] for person in report["reviewers"]["experts"]] == ["Alice Smith"]


def test_text_report_names_who_should_review(history: Repo) -> None:
    change_by(history, "Erin <erin@work.org>", AGENT_MESSAGE)
    code, out = run("-C", str(history.path), "check", "--commit", "HEAD")
    section = out.split("Who should review it\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section == [
        f"  expert    Alice Smith <alice@work.org>: {ALICE['reason']}",
        f"  expert    Bob <bob@work.org>: {BOB['reason']}",
        "  departed  Dan <dan@old.org>: wrote 67% of the touched lines of `write_row` (app/io.py); last change 3 years ago "
        "(no commit in the activity period)",
        "  at risk   38% of the 8 touched lines were last written by people no longer active",
        "  owners    app/io.py: @alice @org/io-team (.github/CODEOWNERS: app/io.py)",
        "  owners    app/other.py: @carol (.github/CODEOWNERS: app/)",
    ]
    assert code == 0


def test_log_leaves_experts_out_unless_asked(history: Repo) -> None:
    change_by(history, "Erin <erin@work.org>", AGENT_MESSAGE)
    code, out = run("-C", str(history.path), "log", "HEAD~1..HEAD", "--format", "jsonl")
    assert (code, json.loads(out)["level"]) == (0, "L0")
    code, out = run("-C", str(history.path), "log", "HEAD~1..HEAD", "--format", "jsonl", "--experts")
    assert (code, json.loads(out)["level"]) == (0, "L2")


def test_mailmap_forms() -> None:
    parsed = mailmap.parse(
        "# comment\n"
        "Proper One <one@x.org>\n"
        "<two@x.org> <Two@Old.org>\n"
        "Proper Three <three@x.org> <three@old.org>\n"
        "Proper Four <four@x.org> Old Four <four@old.org>\n"
        "not an entry\n"
    )
    assert parsed.canonical("one", "ONE@x.org") == ("Proper One", "ONE@x.org")
    assert parsed.canonical("Two", "two@old.org") == ("Two", "two@x.org")
    assert parsed.canonical("Three", "three@old.org") == ("Proper Three", "three@x.org")
    assert parsed.canonical("old four", "four@old.org") == ("Proper Four", "four@x.org")
    assert parsed.canonical("Someone Else", "four@old.org") == ("Someone Else", "four@old.org")


def test_touched_lines_cover_deletions_insertions_and_edited_functions() -> None:
    # The old side: "import os", then def f() on lines 4-7 (given as its parse gives it), X = 1, Y = 2.
    hunks = (
        Hunk(6, 1, 6, 1, "", (DiffLine(LineKind.DELETED, "    b = 2", 6, None), DiffLine(LineKind.ADDED, "    b = 3", None, 6))),
        Hunk(10, 2, 10, 3, "", (
            DiffLine(LineKind.CONTEXT, "X = 1", 10, 10), DiffLine(LineKind.ADDED, "Z = 0", None, 11),
            DiffLine(LineKind.CONTEXT, "Y = 2", 11, 12),
        )),
    )
    change = FileChange("m.py", "m.py", ChangeKind.MODIFIED, hunks=hunks)
    found = touched.of_change(change, [(4, 7, "f")])
    assert found is not None
    assert found.lines == (4, 5, 6, 7, 10, 11)
    assert found.units == {4: "f", 5: "f", 6: "f", 7: "f", 10: "<module>", 11: "<module>"}
    assert touched.of_change(FileChange(None, "n.py", ChangeKind.ADDED), []) is None


def test_whoever_commits_staged_changes_is_behind_them(history: Repo) -> None:
    history.git("config", "user.name", "Bob")
    history.git("config", "user.email", "bob@work.org")
    history.write("app/io.py", IO_CHANGED)
    history.stage()
    code, report = check_json(history, "--ai")
    assert code == 0
    assert [person["name"] for person in report["reviewers"]["experts"]] == ["Alice Smith"]
    assert report["reviewers"]["author_knows"] is True
    assert not [finding for finding in report["findings"] if finding["rule"] == "DR-O001"]


def test_no_reviewers_for_a_patch_file(history: Repo, tmp_path: Path) -> None:
    history.write("app/io.py", IO_CHANGED)
    patch = tmp_path / "change.patch"
    patch.write_text(history.git("diff"))
    code, report = check_json(history, "--diff", str(patch))
    assert (code, report["reviewers"]) == (0, None)


def test_an_expert_with_a_github_no_reply_address_is_active(history: Repo) -> None:
    """git reads --author as a regular expression: the "+" of a no-reply address must match itself."""
    history.write("app/other.py", "VALUE = 4\n")
    commit_as(history, "Zed <81753080+zed@users.noreply.github.com>", "2022-01-10T10:00:00+00:00", "old work")
    history.write("docs.txt", "recent\n")
    commit_as(history, "Zed <81753080+zed@users.noreply.github.com>", "2026-06-15T10:00:00+00:00", "recent work elsewhere")
    report = change_by(history, "Erin <erin@work.org>", AGENT_MESSAGE)
    zed = [person for person in report["reviewers"]["experts"] + report["reviewers"]["departed"] if person["name"] == "Zed"]
    assert [(person["active"], person["lines"]) for person in zed] == [(True, 1)]
