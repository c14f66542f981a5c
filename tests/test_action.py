"""The GitHub Action: its metadata, and its script run with a simulated GITHUB_* environment
against real repositories (a shallow PR checkout) and a GitHub API stand-in on loopback."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml

from diffrisk.commands import action
from diffrisk.diffsource import git
from testing.repo import Repo

PROJECT = Path(__file__).resolve().parent.parent
RISKY = 'import subprocess\n\n\ndef run(cmd):\n    """Run."""\n    return subprocess.call(cmd, shell=True)\n'


def test_action_metadata_validates() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    if not checker.exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-actions", str(PROJECT / "action.yml")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_expression_is_interpolated_into_a_script() -> None:
    metadata = yaml.safe_load((PROJECT / "action.yml").read_text())
    steps = metadata["runs"]["steps"]
    assert metadata["runs"]["using"] == "composite"
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"]
            assert step["shell"] == "bash"


_ISSUE_LABELS = re.compile(r"/repos/owner/project/issues/7/labels")
_ISSUE_LABEL = re.compile(r"/repos/owner/project/issues/7/labels/([^/]+)")
_COMMIT = re.compile(r"/repos/owner/project/commits/([0-9a-f]+)")


class _GitHub(http.server.BaseHTTPRequestHandler):
    """The API calls the Action makes: comments, a pull request's reviews and commits, and team
    membership (``members``: "org/team" -> logins); ``broken`` answers 500 to the reviews.

    Labels: the repository's (``labels``: name -> colour; creating one that exists answers 422
    already_exists, as GitHub does) and the pull request's (``pr_labels``); ``labels_broken``
    answers 500 to the pull request's labels.  A commit by sha: ``commit_authors`` (sha -> the
    login GitHub links it to, None: no account; any other sha is 404).  Review requests land in
    ``requested``; with ``collaborators`` set, one naming anybody else is refused with 422."""

    comments: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    commits: list[dict[str, Any]] = []
    members: dict[str, set[str]] = {}
    broken = False
    #: Team membership answers 403, as it does to a workflow token without read:org.
    teams_forbidden = False
    labels: dict[str, str] = {}
    pr_labels: list[str] = []
    labels_broken = False
    commit_authors: dict[str, str | None] = {}
    collaborators: set[str] | None = None
    requested: list[dict[str, Any]] = []
    calls: list[tuple[str, str]] = []
    #: (method, path, body) of each call that sends one.
    sent: list[tuple[str, str, Any]] = []

    @classmethod
    def reset(cls) -> None:
        cls.comments, cls.calls, cls.sent, cls.reviews, cls.commits, cls.members = [], [], [], [], [], {}
        cls.labels, cls.pr_labels, cls.commit_authors, cls.requested, cls.collaborators = {}, [], {}, [], None
        cls.broken = cls.teams_forbidden = cls.labels_broken = False

    def _reply(self, payload: Any, status: int = 200) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        return loaded

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path))
        url = urlparse(self.path)
        first = parse_qs(url.query).get("page") == ["1"]
        membership = re.fullmatch(r"/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)", url.path)
        commit = _COMMIT.fullmatch(url.path)
        if _ISSUE_LABELS.fullmatch(url.path) and self.labels_broken:
            self.send_error(500)
        elif _ISSUE_LABELS.fullmatch(url.path):
            self._reply([{"name": name} for name in self.pr_labels] if first else [])
        elif commit and commit[1] in self.commit_authors:
            login = self.commit_authors[commit[1]]
            self._reply({"sha": commit[1], "author": {"login": login, "type": "User"} if login else None})
        elif commit:
            self.send_error(404)
        elif url.path.endswith("/reviews") and self.broken:
            self.send_error(500)
        elif url.path.endswith("/reviews"):
            self._reply(self.reviews if first else [])
        elif url.path.endswith("/commits"):
            self._reply(self.commits if first else [])
        elif membership and self.teams_forbidden:
            self.send_error(403)
        elif membership and membership[3] in self.members.get(f"{membership[1]}/{membership[2]}", set()):
            self._reply({"state": "active", "role": "member"})
        elif membership:
            self.send_error(404)
        else:
            self._reply(self.comments if first else [])

    def do_POST(self) -> None:
        self.calls.append(("POST", self.path))
        body = self._body()
        self.sent.append(("POST", self.path, body))
        if self.path == "/repos/owner/project/labels":
            self._create_label(body)
        elif _ISSUE_LABELS.fullmatch(self.path) and self.labels_broken:
            self.send_error(500)
        elif _ISSUE_LABELS.fullmatch(self.path):
            self.pr_labels.extend(name for name in body["labels"] if name not in self.pr_labels)
            self._reply([{"name": name} for name in self.pr_labels])
        elif self.path == "/repos/owner/project/pulls/7/requested_reviewers":
            self._request_reviews(body)
        else:
            comment = {"id": 41, "body": body["body"], "user": {"login": "github-actions[bot]", "type": "Bot"}}
            self.comments.append(comment)
            self._reply(comment)

    def _create_label(self, body: dict[str, Any]) -> None:
        if body["name"].lower() in {name.lower() for name in self.labels}:
            errors = [{"resource": "Label", "code": "already_exists", "field": "name"}]
            self._reply({"message": "Validation Failed", "errors": errors}, 422)
        else:
            self.labels[body["name"]] = body["color"]
            self._reply({"name": body["name"], "color": body["color"]}, 201)

    def _request_reviews(self, body: dict[str, Any]) -> None:
        if self.collaborators is not None and not set(body["reviewers"]) <= self.collaborators:
            self._reply({"message": (
                "Reviews may only be requested from collaborators. One or more of the users or teams you specified "
                "is not a collaborator of the owner/project repository."
            )}, 422)
        else:
            self.requested.append(body)
            self._reply({"number": 7}, 201)

    def do_PATCH(self) -> None:
        self.calls.append(("PATCH", self.path))
        body = self._body()
        self.sent.append(("PATCH", self.path, body))
        self.comments[0]["body"] = body["body"]
        self._reply(self.comments[0])

    def do_DELETE(self) -> None:
        self.calls.append(("DELETE", self.path))
        self.sent.append(("DELETE", self.path, None))
        label = _ISSUE_LABEL.fullmatch(self.path)
        name = unquote(label[1]) if label else ""
        if name in self.pr_labels:
            self.pr_labels.remove(name)
            self._reply([{"name": name} for name in self.pr_labels])
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextlib.contextmanager
def served() -> Iterator[str]:
    """The stand-in, reset, on a loopback port: its base URL."""
    _GitHub.reset()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GitHub)
    # A short poll: shutdown() waits for the loop to look again (0.5 s by default, per test).
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def github_api() -> Iterator[str]:
    with served() as url:
        yield url


@pytest.fixture
def pull_request(repo: Repo, tmp_path: Path) -> Path:
    """A shallow checkout of a PR branch whose base is not fetched, as actions/checkout leaves it."""
    repo.write("README.md", "# demo\n")
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L2"\n')
    repo.commit("initial")
    repo.write("lib.py", "VALUE = 1\n")
    repo.commit("more history")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app/run.py", RISKY)
    repo.commit("runner")
    return clone(repo, tmp_path, "--depth", "1")


def clone(repo: Repo, tmp_path: Path, *options: str) -> Path:
    """The feature branch as actions/checkout leaves it in the workspace."""
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", *options, "--branch", "feature", f"file://{repo.path}", str(checkout)], check=True)
    return checkout


def environment(checkout: Path, tmp_path: Path, api: str, fork: bool = False) -> dict[str, str]:
    event = tmp_path / "event.json"
    head = {"repo": {"full_name": "someone/fork" if fork else "owner/project", "fork": fork}}
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": head}}))
    for name in ("summary.md", "output.txt"):
        (tmp_path / name).write_text("")
    return {
        "GITHUB_WORKSPACE": str(checkout), "GITHUB_BASE_REF": "main", "GITHUB_REPOSITORY": "owner/project",
        "GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": api, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"), "RUNNER_TEMP": str(tmp_path), "DIFFRISK_COMMENT": "true",
        "DIFFRISK_TOKEN": "t0ken", "DIFFRISK_SARIF": str(tmp_path / "diffrisk.sarif"),
        "DIFFRISK_HTML": str(tmp_path / "diffrisk-report.html"), "DIFFRISK_LABELS": "false",
    }


def test_pull_request_run_annotates_summarises_and_keeps_one_comment(
    pull_request: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = environment(pull_request, tmp_path, github_api)
    assert action.main(env) == 1  # L2 reaches the repository's fail level
    out = capsys.readouterr().out
    assert "::error file=app/run.py,line=6,endLine=6,col=12,title=B602 (high)::" in out
    outputs = (tmp_path / "output.txt").read_text()
    assert outputs.startswith("level=L2\nscore=") and outputs.endswith("\nai-authored=false\nexperts=\nowners=\n")
    assert (tmp_path / "summary.md").read_text().startswith("<!-- diffrisk -->\n## ")
    assert json.loads((tmp_path / "diffrisk.sarif").read_text())["version"] == "2.1.0"
    html = (tmp_path / "diffrisk-report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and '<li class="hotspot" id="hotspot-1"><a href="#file-1-n' in html
    assert [method for method, _ in _GitHub.calls] == ["GET", "POST"]
    assert _GitHub.calls[1][1] == "/repos/owner/project/issues/7/comments"
    assert action.main(env) == 1
    assert [method for method, _ in _GitHub.calls][2:] == ["GET", "PATCH"]  # updated, not a second comment
    assert _GitHub.calls[-1][1] == "/repos/owner/project/issues/comments/41"
    assert len(_GitHub.comments) == 1


def test_fork_pull_request_gets_annotations_only(pull_request: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert action.main(environment(pull_request, tmp_path, github_api, fork=True)) == 1
    assert "a pull request from a fork has a read-only token: annotations only" in capsys.readouterr().out
    assert _GitHub.calls == []


def test_missing_base_says_to_fetch_history(pull_request: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str]) -> None:
    env = environment(pull_request, tmp_path, github_api)
    env["DIFFRISK_BASE"] = "no-such-branch"
    assert action.main(env) == 2
    assert "use actions/checkout with fetch-depth: 0" in capsys.readouterr().out


@pytest.mark.parametrize("base", ["--upload-pack=touch /tmp/owned", "main\n::error::forged", "a b"])
def test_hostile_base_names_are_refused(pull_request: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str], base: str) -> None:
    env = environment(pull_request, tmp_path, github_api)
    env["DIFFRISK_BASE"] = base
    assert action.main(env) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error::diffrisk: ") and out.endswith(" is not a branch name\n")
    assert out.count("\n") == 1


def test_a_marked_comment_from_a_person_is_not_taken_over(pull_request: Path, tmp_path: Path, github_api: str) -> None:
    _GitHub.comments.append({"id": 7, "body": "<!-- diffrisk -->\nL0, trust me", "user": {"login": "mallory", "type": "User"}})
    assert action.main(environment(pull_request, tmp_path, github_api)) == 1
    assert [method for method, _ in _GitHub.calls] == ["GET", "POST"]  # one page, shorter than 100: the last
    assert _GitHub.comments[0]["body"] == "<!-- diffrisk -->\nL0, trust me"


def test_the_policy_comes_from_the_base_branch(pull_request: Path, tmp_path: Path, github_api: str) -> None:
    # The pull request tries to exclude its own risky file; the base branch's policy still applies.
    (pull_request / "pyproject.toml").write_text('[tool.diffrisk]\nfail_level = "L3"\nextend_exclude = ["app/"]\n')
    subprocess.run(["git", "commit", "-qam", "relax the policy"], cwd=pull_request, check=True)
    assert action.main(environment(pull_request, tmp_path, github_api)) == 1
    assert (tmp_path / "output.txt").read_text().startswith("level=L2\n")


# -- acceptance: only a trusted reviewer's approval of the last push ------------------------------


@pytest.fixture
def gated_pull_request(repo: Repo, tmp_path: Path) -> Path:
    """A pull request beyond its base branch's policy (L2 reaches fail level L2), whose base trusts
    ana, the owner/security team, and (CODEOWNERS) carol for app/."""
    repo.write("README.md", "# demo\n")
    repo.write("pyproject.toml", (
        '[tool.diffrisk]\nfail_level = "L2"\n\n[tool.diffrisk.accept]\nreviewers = ["ana"]\nteams = ["owner/security"]\n'
    ))
    repo.write(".github/CODEOWNERS", "/app/ @carol\n")
    repo.commit("initial")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("app/run.py", RISKY)
    repo.commit("runner")
    return clone(repo, tmp_path)


def head_of(checkout: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True).stdout.strip()


def pull_environment(checkout: Path, tmp_path: Path, api: str, author: str = "mallory") -> dict[str, str]:
    env = environment(checkout, tmp_path, api)
    event = {"pull_request": {
        "number": 7, "user": {"login": author, "type": "User"},
        "head": {"sha": head_of(checkout), "repo": {"full_name": "owner/project", "fork": False}},
    }}
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(event))
    env["DIFFRISK_COMMENT"] = "false"
    _GitHub.commits = [{"sha": head_of(checkout), "author": {"login": author}}]
    return env


def review(login: str, state: str, commit: str) -> dict[str, Any]:
    return {"user": {"login": login, "type": "User"}, "state": state, "commit_id": commit}


def verdict(tmp_path: Path) -> tuple[dict[str, Any], list[str]]:
    report = json.loads((tmp_path / "diffrisk-report.json").read_text())
    return report["verdict"], report["notes"]


def test_an_approval_by_a_trusted_reviewer_after_the_last_push_accepts(gated_pull_request: Path, tmp_path: Path, github_api: str) -> None:
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    _GitHub.reviews = [review("ana", "APPROVED", head_of(gated_pull_request))]
    assert action.main(env) == 0
    assert verdict(tmp_path)[0] == {
        "within_policy": True, "fail_level": "L2", "accepted_by": "ana", "accepted_via": "review",
        "message": "accepted: L2 accepted by ana (beyond policy: L2 reaches the fail level L2)",
    }
    assert "- Risk accepted by ana (an approval the code host reports)" in (tmp_path / "summary.md").read_text()
    assert ("GET", "/repos/owner/project/pulls/7/reviews?per_page=100&page=1") in _GitHub.calls


def test_an_approval_by_a_trusted_team_member_or_code_owner_accepts(gated_pull_request: Path, tmp_path: Path, github_api: str) -> None:
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    _GitHub.members = {"owner/security": {"dave"}}
    _GitHub.reviews = [review("dave", "APPROVED", head_of(gated_pull_request))]
    assert action.main(env) == 0
    assert verdict(tmp_path)[0]["accepted_by"] == "dave"
    _GitHub.reviews = [review("carol", "APPROVED", head_of(gated_pull_request))]
    assert action.main(env) == 0
    assert verdict(tmp_path)[0]["accepted_by"] == "carol"


_NO_TRUSTED = "no reviewer the base branch's policy trusts approved the pull request's last push"
_NO_OWNER = "; no code owner of app/run.py (@carol) approved it"


@pytest.mark.parametrize(("author", "reviews", "why"), [
    # The author of the change, even one the policy trusts, cannot accept it.
    ("ana", [review("ana", "APPROVED", "HEAD")], f"ana approved a change they wrote, which does not accept it{_NO_OWNER}"),
    ("mallory", [review("eve", "APPROVED", "HEAD")], f"approved by eve, whom the base branch's policy does not trust{_NO_OWNER}"),
    ("mallory", [review("ana", "APPROVED", "0" * 40)], f"ana approved an earlier push, not the pull request's last one{_NO_OWNER}"),
    # A later request for changes withdraws the approval.
    ("mallory", [review("ana", "APPROVED", "HEAD"), review("ana", "CHANGES_REQUESTED", "HEAD")], _NO_TRUSTED + _NO_OWNER),
    # A bot account is no person, whatever its name.
    ("mallory", [{**review("ana", "APPROVED", "HEAD"), "user": {"login": "ana", "type": "Bot"}}], _NO_TRUSTED + _NO_OWNER),
])
def test_approvals_that_do_not_accept(
    gated_pull_request: Path, tmp_path: Path, github_api: str, author: str, reviews: list[dict[str, Any]], why: str,
) -> None:
    env = pull_environment(gated_pull_request, tmp_path, github_api, author=author)
    head = head_of(gated_pull_request)
    _GitHub.reviews = [{**item, "commit_id": head if item["commit_id"] == "HEAD" else item["commit_id"]} for item in reviews]
    assert action.main(env) == 1
    found, notes = verdict(tmp_path)
    assert (found["within_policy"], found["accepted_by"], notes[-1]) == (False, None, f"not accepted: {why}")


def test_team_membership_that_cannot_be_read_accepts_nothing(gated_pull_request: Path, tmp_path: Path, github_api: str) -> None:
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    _GitHub.teams_forbidden = True
    _GitHub.reviews = [review("dave", "APPROVED", head_of(gated_pull_request))]
    assert action.main(env) == 1
    assert verdict(tmp_path)[1][-1] == (
        "not accepted: whether dave is in the team owner/security could not be read (HTTPError: HTTP Error 403: "
        "Forbidden); give the Action a token that can read the organisation's teams (read:org)"
    )


def test_a_push_after_the_approval_makes_it_stale(gated_pull_request: Path, tmp_path: Path, github_api: str) -> None:
    approved = head_of(gated_pull_request)
    (gated_pull_request / "app" / "more.py").write_text("import os\n\n\ndef run(cmd):\n    return os.system(cmd)\n")
    subprocess.run(["git", "add", "-A"], cwd=gated_pull_request, check=True)
    subprocess.run(["git", "commit", "-qm", "one more thing"], cwd=gated_pull_request, check=True)
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    _GitHub.reviews = [review("ana", "APPROVED", approved)]
    assert action.main(env) == 1
    assert verdict(tmp_path)[1][-1] == (
        "not accepted: ana approved an earlier push, not the pull request's last one; "
        "no code owner of app/more.py (@carol) approved it"
    )


def test_a_pull_request_cannot_trust_its_own_reviewer(gated_pull_request: Path, tmp_path: Path, github_api: str) -> None:
    policy = gated_pull_request / "pyproject.toml"
    policy.write_text(policy.read_text().replace('reviewers = ["ana"]', 'reviewers = ["ana", "eve"]'))
    subprocess.run(["git", "commit", "-qam", "trust eve"], cwd=gated_pull_request, check=True)
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    _GitHub.reviews = [review("eve", "APPROVED", head_of(gated_pull_request))]
    assert action.main(env) == 1
    assert verdict(tmp_path)[1][-1] == f"not accepted: approved by eve, whom the base branch's policy does not trust{_NO_OWNER}"


def test_the_change_cannot_accept_itself_in_ci(
    gated_pull_request: Path, tmp_path: Path, github_api: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    subprocess.run(["git", "commit", "-q", "--amend", "-m", "runner\n\nRisk-Accepted-By: Ana <ana@example.com>"],
                   cwd=gated_pull_request, check=True)
    monkeypatch.setenv("DIFFRISK_ACCEPT", "Ana <ana@example.com>")
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    assert action.main(env) == 1
    found, notes = verdict(tmp_path)
    assert found["accepted_by"] is None
    assert notes[-3:] == [
        "a Risk-Accepted-By trailer names Ana <ana@example.com>, but a change cannot accept its own risk: in CI, a "
        "reviewer the base branch's policy trusts approves the pull request ([tool.diffrisk.accept]); locally, a "
        "person runs with --accept or DIFFRISK_ACCEPT",
        f"not accepted: {_NO_TRUSTED}{_NO_OWNER}",
        "DIFFRISK_ACCEPT 'Ana <ana@example.com>' does not accept this change: in CI only the approval of a reviewer "
        "the base branch's policy trusts accepts a change",
    ]


def test_reviews_that_cannot_be_read_accept_nothing(gated_pull_request: Path, tmp_path: Path, github_api: str) -> None:
    env = pull_environment(gated_pull_request, tmp_path, github_api)
    _GitHub.reviews = [review("ana", "APPROVED", head_of(gated_pull_request))]
    _GitHub.broken = True
    assert action.main(env) == 1
    assert verdict(tmp_path)[1][-1] == (
        "not accepted: the pull request's reviews could not be read (HTTPError: HTTP Error 500: Internal Server Error)"
    )


def test_an_ai_authored_pull_request_needs_an_approval_when_the_policy_says_so(
    repo: Repo, tmp_path: Path, github_api: str,
) -> None:
    repo.write("pyproject.toml", '[tool.diffrisk.ai]\nrequire_approval = true\n\n[tool.diffrisk.accept]\nreviewers = ["ana"]\n')
    repo.commit("initial")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("names.py", "GREETING = 'hello'\n")
    repo.commit("greeting\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    checkout = clone(repo, tmp_path)
    env = pull_environment(checkout, tmp_path, github_api)
    assert action.main(env) == 1  # L0, but AI-authored: within the level, not within the policy
    found, _ = verdict(tmp_path)
    assert (found["within_policy"], found["message"]) == (False, (
        "beyond policy: an AI-authored change needs the approval of a reviewer the policy trusts (ai.require_approval): "
        "no reviewer the base branch's policy trusts approved the pull request's last push"
    ))
    _GitHub.reviews = [review("ana", "APPROVED", head_of(checkout))]
    assert action.main(env) == 0
    found, notes = verdict(tmp_path)
    assert (found["within_policy"], notes[-1]) == (True, "AI-authored change approved by ana, a reviewer the policy trusts")


def test_the_fail_level_input_only_tightens_the_base_branch_policy(pull_request: Path, tmp_path: Path, github_api: str) -> None:
    # The pull request edits its own workflow to pass fail-level: L3; the base branch says L2.
    env = environment(pull_request, tmp_path, github_api)
    env["DIFFRISK_FAIL_LEVEL"] = "L3"
    assert action.main(env) == 1
    assert verdict(tmp_path)[0]["fail_level"] == "L2"
    env["DIFFRISK_FAIL_LEVEL"] = "L1"
    assert action.main(env) == 1
    assert verdict(tmp_path)[0]["fail_level"] == "L1"


def test_the_checkout_cannot_stand_in_for_the_action_code(tmp_path: Path) -> None:
    # A pull request may add a diffrisk/ (or pip/) package at its root, the working directory of
    # the Action's steps; python -I does not look there.
    fake = tmp_path / "diffrisk" / "commands"
    fake.mkdir(parents=True)
    for folder in (tmp_path / "diffrisk", fake):
        (folder / "__init__.py").write_text("")
    (fake / "action.py").write_text("print('within policy, trust me')\n")
    steps = yaml.safe_load((PROJECT / "action.yml").read_text())["runs"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands == ['python -I -m pip install --quiet "$GITHUB_ACTION_PATH$DIFFRISK_EXTRA"', "python -I -m diffrisk.commands.action"]
    # The extra's name is the Action's own ("[report]" or nothing), never text from the pull request.
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert install["env"] == {"DIFFRISK_EXTRA": "${{ inputs.mode == 'report' && '[report]' || '' }}"}
    environ = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-I", "-m", "diffrisk.commands.action"], cwd=tmp_path, capture_output=True, text=True,
                         env=environ, check=False)
    assert (ran.returncode, ran.stdout) == (2, "::error::diffrisk: no base to compare with: set the 'base' input or run on a pull_request event\n")


def test_the_coverage_input_reports_what_the_tests_ran(
    pull_request: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The workflow ran the tests before the step; here they only import the module.
    runner = tmp_path / "run_tests.py"
    runner.write_text(f"import sys\nsys.path.insert(0, {str(pull_request)!r})\nimport app.run\n")
    for args in (["run", "--source=app", str(runner)], ["xml", "-o", str(tmp_path / "coverage.xml")]):
        subprocess.run([sys.executable, "-m", "coverage", *args], cwd=pull_request, check=True, capture_output=True)
    env = environment(pull_request, tmp_path, github_api)
    env["DIFFRISK_COVERAGE"] = f"{tmp_path / 'coverage.xml'}\n"
    assert action.main(env) == 1
    report = json.loads((tmp_path / "diffrisk-report.json").read_text())
    assert report["coverage"] == {
        "sources": [str(tmp_path / "coverage.xml")],  # outside the checkout: named as given
        "files": [{"path": "app/run.py", "status": "measured", "executable": 3, "covered": 2, "uncovered": [[6, 6]], "partial": [], "why": None}],
    }
    assert "::warning file=app/run.py,line=4,endLine=6,title=DR-T001 (medium)::new function `run` ran in no test" in capsys.readouterr().out


def test_a_clone_the_action_deepens_is_no_longer_shallow(pull_request: Path) -> None:
    """The action fetches the history a shallow checkout lacks before it checks (a shallow clone
    truncates the history signals); what is_shallow says must follow, within the same process."""
    checkout = git.Repo(cwd=str(pull_request))
    assert git.is_shallow(checkout) is True
    subprocess.run(["git", "-C", str(pull_request), "fetch", "-q", "--unshallow", "origin"], check=True)
    assert git.is_shallow(checkout) is False
