"""The GitHub Action: its metadata, and its script run with a simulated GITHUB_* environment
against real repositories (a shallow PR checkout) and a GitHub API stand-in on loopback."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from diffrisk.commands import action
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


class _GitHub(http.server.BaseHTTPRequestHandler):
    comments: list[dict[str, Any]] = []
    calls: list[tuple[str, str]] = []

    def _reply(self, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        return loaded

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path))
        query = parse_qs(urlparse(self.path).query)
        self._reply(self.comments if query.get("page") == ["1"] else [])

    def do_POST(self) -> None:
        self.calls.append(("POST", self.path))
        comment = {"id": 41, "body": self._body()["body"], "user": {"login": "github-actions[bot]", "type": "Bot"}}
        self.comments.append(comment)
        self._reply(comment)

    def do_PATCH(self) -> None:
        self.calls.append(("PATCH", self.path))
        self.comments[0]["body"] = self._body()["body"]
        self._reply(self.comments[0])

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def github_api() -> Iterator[str]:
    _GitHub.comments, _GitHub.calls = [], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GitHub)
    # A short poll: shutdown() waits for the loop to look again (0.5 s by default, per test).
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo.path}", str(checkout)], check=True)
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
        "DIFFRISK_HTML": str(tmp_path / "diffrisk-report.html"),
    }


def test_pull_request_run_annotates_summarises_and_keeps_one_comment(
    pull_request: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = environment(pull_request, tmp_path, github_api)
    assert action.main(env) == 1  # L2 reaches the repository's fail level
    out = capsys.readouterr().out
    assert "::error file=app/run.py,line=6,endLine=6,col=12,title=B602 (high)::" in out
    outputs = (tmp_path / "output.txt").read_text()
    assert outputs.startswith("level=L2\nscore=") and outputs.endswith("\nai-authored=false\n")
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
    assert [method for method, _ in _GitHub.calls] == ["GET", "GET", "POST"]
    assert _GitHub.comments[0]["body"] == "<!-- diffrisk -->\nL0, trust me"


def test_the_policy_comes_from_the_base_branch(pull_request: Path, tmp_path: Path, github_api: str) -> None:
    # The pull request tries to exclude its own risky file; the base branch's policy still applies.
    (pull_request / "pyproject.toml").write_text('[tool.diffrisk]\nfail_level = "L3"\nextend_exclude = ["app/"]\n')
    subprocess.run(["git", "commit", "-qam", "relax the policy"], cwd=pull_request, check=True)
    assert action.main(environment(pull_request, tmp_path, github_api)) == 1
    assert (tmp_path / "output.txt").read_text().startswith("level=L2\n")
