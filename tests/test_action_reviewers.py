"""The Action's labels, review requests and reviewer outputs, run against a real repository whose
touched code several people wrote, and the GitHub API stand-in of test_action."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from diffrisk.commands import action
from testing.repo import Repo
from tests.test_action import _GitHub, clone, environment, review, served

CODE = '''import subprocess


def run(cmd):
    """Run."""
    return subprocess.call(cmd)


def parse_row(row):
    """Parse."""
    parts = row.split(",")
    return [part.strip() for part in parts]


def total(values):
    """Sum."""
    return sum(values)


def greet(name):
    """Greet."""
    return "hello " + name
'''
#: Each person's edit on the base branch: (name, address, old text, new text).
HISTORY = [
    ("Bob", "12345+bobby@users.noreply.github.com", "return sum(values)", "return sum(values, 0)"),
    ("Dave, Jr.", "dave@example.org", 'parts = row.split(",")', 'parts = row.split(",", -1)'),
    ("Erin", "erin@old.example", 'return "hello " + name', 'return "hello, " + name'),
]
#: The pull request's edit of everybody's lines (shell=True makes it L2).
RISKY_EDIT = [
    ("subprocess.call(cmd)", "subprocess.call(cmd, shell=True)"),
    ('row.split(",", -1)', 'row.split(";")'),
    ("sum(values, 0)", "sum(values, 1)"),
    ('"hello, "', '"hi, "'),
]
REVIEWERS = "/repos/owner/project/pulls/7/requested_reviewers"
REVIEWS = "/repos/owner/project/pulls/7/reviews?per_page=100&page=1"
LABELS = "/repos/owner/project/issues/7/labels"


@pytest.fixture
def github_api() -> Iterator[str]:
    with served() as url:
        yield url


def commit_as(repo: Repo, name: str, address: str, message: str) -> str:
    repo.git("add", "-A")
    repo.git("-c", f"user.name={name}", "-c", f"user.email={address}", "commit", "-q", "-m", message)
    return repo.git("rev-parse", "HEAD").strip()


def known_code(repo: Repo) -> dict[str, str]:
    """The base branch: app/run.py by Alice, then one line each by Bob, Dave and Erin, and a
    CODEOWNERS file.  Each person's commit, by name."""
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L3"\n\n[tool.diffrisk.reviewers]\nmax_experts = 4\n')
    repo.write(".github/CODEOWNERS", "* owners@example.org @carol\n*.py @Mallory @carol @owner/core @elsewhere/team docs@example.org\n")
    repo.write("README.md", "# demo\n")
    repo.write("app/run.py", CODE)
    shas = {"Alice": commit_as(repo, "Alice", "alice@example.org", "initial")}
    for name, address, old, new in HISTORY:
        path = repo.path / "app" / "run.py"
        path.write_text(path.read_text().replace(old, new))
        shas[name] = commit_as(repo, name, address, f"{name}'s edit")
    return shas


def pull_request_by_mallory(repo: Repo, tmp_path: Path, edits: list[tuple[str, str]]) -> Path:
    repo.git("checkout", "-q", "-b", "feature")
    path = repo.path / "app" / "run.py"
    text = path.read_text()
    for old, new in edits:
        text = text.replace(old, new)
    path.write_text(text)
    repo.write("README.md", "# demo\n\nMore.\n")
    commit_as(repo, "Mallory", "mallory@example.org", "change")
    return clone(repo, tmp_path)


@pytest.fixture
def shas(repo: Repo) -> dict[str, str]:
    return known_code(repo)


@pytest.fixture
def careful(repo: Repo, shas: dict[str, str], tmp_path: Path) -> Path:
    """An L2 pull request by Mallory that edits lines of Alice, Bob, Dave and Erin."""
    return pull_request_by_mallory(repo, tmp_path, RISKY_EDIT)


def pull_env(
    checkout: Path, tmp_path: Path, api: str, *, labels: bool = False, request: bool = False, max_reviewers: str = "2",
    fork: bool = False, **pull: Any,
) -> dict[str, str]:
    """The Action's environment for pull request 7 by mallory (``pull``: more of the event's
    pull_request), with the labels and request-reviewers inputs as given."""
    env = environment(checkout, tmp_path, api, fork=fork)
    event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text())
    event["pull_request"].update({"user": {"login": "mallory", "type": "User"}, **pull})
    Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(event))
    env.update({
        "DIFFRISK_COMMENT": "false", "DIFFRISK_LABELS": str(labels).lower(),
        "DIFFRISK_REQUEST_REVIEWERS": str(request).lower(), "DIFFRISK_MAX_REVIEWERS": max_reviewers,
    })
    return env


def report_of(tmp_path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((tmp_path / "diffrisk-report.json").read_text())
    return loaded


# -- labels ----------------------------------------------------------------------------------------


def test_labels_replace_the_actions_older_ones_and_keep_the_rest(careful: Path, tmp_path: Path, github_api: str) -> None:
    _GitHub.labels = {"bug": "d73a4a", "review: L1 standard": "1d76db", "review: ~5 min": "ededed", "review: L2 careful": "fbca04"}
    _GitHub.pr_labels = ["review: L1 standard", "bug", "review: ~5 min"]
    env = pull_env(careful, tmp_path, github_api, labels=True)
    assert action.main(env) == 0
    report = report_of(tmp_path)
    assert (report["level"], report["level_name"], report["review_minutes"]) == ("L2", "careful", 10)
    assert _GitHub.sent == [
        # The level's label exists in the repository (422 already_exists); the time's is created.
        ("POST", "/repos/owner/project/labels", {"name": "review: L2 careful", "color": "fbca04", "description": "diffrisk: how deeply to review"}),
        ("POST", "/repos/owner/project/labels", {"name": "review: ~10 min", "color": "ededed", "description": "diffrisk: estimated review time"}),
        ("POST", LABELS, {"labels": ["review: L2 careful", "review: ~10 min"]}),
        ("DELETE", f"{LABELS}/review%3A%20L1%20standard", None),
        ("DELETE", f"{LABELS}/review%3A%20~5%20min", None),
    ]
    assert _GitHub.calls[0] == ("GET", f"{LABELS}?per_page=100&page=1")
    assert len(_GitHub.calls) == 6
    assert _GitHub.pr_labels == ["bug", "review: L2 careful", "review: ~10 min"]
    assert _GitHub.labels["review: ~10 min"] == "ededed" and _GitHub.labels["review: L2 careful"] == "fbca04"
    # Run again: the labels are right, so the pull request's labels are only read.
    _GitHub.calls, _GitHub.sent = [], []
    assert action.main(env) == 0
    assert (_GitHub.calls, _GitHub.sent) == ([("GET", f"{LABELS}?per_page=100&page=1")], [])


def test_labels_missing_from_the_repository_are_created_in_the_levels_colour(careful: Path, tmp_path: Path, github_api: str) -> None:
    assert action.main(pull_env(careful, tmp_path, github_api, labels=True)) == 0
    assert _GitHub.labels == {"review: L2 careful": "fbca04", "review: ~10 min": "ededed"}
    assert _GitHub.pr_labels == ["review: L2 careful", "review: ~10 min"]
    assert [(method, path) for method, path, _ in _GitHub.sent] == [
        ("POST", "/repos/owner/project/labels"), ("POST", "/repos/owner/project/labels"), ("POST", LABELS),
    ]


def test_a_labels_api_error_is_a_warning_and_keeps_the_exit_code(
    careful: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str],
) -> None:
    env = pull_env(careful, tmp_path, github_api, labels=True)
    env["DIFFRISK_FAIL_LEVEL"] = "L2"
    _GitHub.labels_broken = True
    assert action.main(env) == 1  # L2 reaches the fail level, as without the labels
    assert "::warning::diffrisk: could not set the pull request's labels: HTTPError: HTTP Error 500: Internal Server Error\n" in capsys.readouterr().out
    assert _GitHub.calls == [("GET", f"{LABELS}?per_page=100&page=1")]
    env["DIFFRISK_LABELS"] = "false"
    assert action.main(env) == 1


# -- review requests -------------------------------------------------------------------------------


@pytest.mark.parametrize(("most", "reviewers", "teams", "looked_up", "shown"), [
    ("1", ["carol"], [], [], "@carol"),
    # Owners first (the author, an address and another organisation's team cannot be asked), then
    # the experts: Alice through her commit, Bob by his noreply address (no call); the limit
    # reached, nobody else is looked up.
    ("4", ["carol", "alice-gh", "bobby"], ["core"], ["Alice"], "@carol, @owner/core, @alice-gh, @bobby"),
])
def test_review_requests_go_to_the_owners_then_the_experts(
    careful: Path, shas: dict[str, str], tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str],
    most: str, reviewers: list[str], teams: list[str], looked_up: list[str], shown: str,
) -> None:
    _GitHub.commit_authors = {shas["Alice"]: "alice-gh", shas["Dave, Jr."]: None, shas["Erin"]: "MALLORY"}
    assert action.main(pull_env(careful, tmp_path, github_api, request=True, max_reviewers=most)) == 0
    assert _GitHub.requested == [{"reviewers": reviewers, "team_reviewers": teams}]
    assert _GitHub.calls == [
        ("GET", REVIEWS), *(("GET", f"/repos/owner/project/commits/{shas[name]}") for name in looked_up), ("POST", REVIEWERS),
    ]
    assert f"diffrisk: requested reviews from {shown}\n" in capsys.readouterr().out


def test_review_requests_skip_whoever_is_requested_or_reviewing_and_count_them(
    careful: Path, shas: dict[str, str], tmp_path: Path, github_api: str,
) -> None:
    # Carol is requested and Bob reviewed: two of the five; Dave's commit has no GitHub account
    # and Erin's is the author's, so only the team and Alice are left to ask.
    _GitHub.commit_authors = {shas["Alice"]: "alice-gh", shas["Dave, Jr."]: None, shas["Erin"]: "MALLORY"}
    _GitHub.reviews = [review("bobby", "COMMENTED", "0" * 40), review("mallory", "COMMENTED", "0" * 40)]
    env = pull_env(careful, tmp_path, github_api, request=True, max_reviewers="5", requested_reviewers=[{"login": "Carol"}])
    assert action.main(env) == 0
    assert _GitHub.requested == [{"reviewers": ["alice-gh"], "team_reviewers": ["core"]}]
    assert _GitHub.calls == [
        ("GET", REVIEWS), *(("GET", f"/repos/owner/project/commits/{shas[name]}") for name in ("Alice", "Dave, Jr.", "Erin")),
        ("POST", REVIEWERS),
    ]
    # A pull request that has its reviewers already is not asked for more.
    _GitHub.calls, _GitHub.requested = [], []
    env = pull_env(careful, tmp_path, github_api, request=True, max_reviewers="2", requested_reviewers=[{"login": "Carol"}])
    assert action.main(env) == 0
    assert (_GitHub.calls, _GitHub.requested) == ([("GET", REVIEWS)], [])


def test_a_request_github_refuses_is_made_one_reviewer_at_a_time(
    careful: Path, shas: dict[str, str], tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str],
) -> None:
    _GitHub.commit_authors = {shas["Alice"]: "alice-gh"}
    _GitHub.collaborators = {"carol", "bobby"}
    assert action.main(pull_env(careful, tmp_path, github_api, request=True, max_reviewers="3")) == 0
    assert [body for method, path, body in _GitHub.sent if path == REVIEWERS] == [
        {"reviewers": ["carol", "alice-gh"], "team_reviewers": ["core"]},
        {"reviewers": ["carol"], "team_reviewers": []},
        {"reviewers": [], "team_reviewers": ["core"]},
        {"reviewers": ["alice-gh"], "team_reviewers": []},
        {"reviewers": ["bobby"], "team_reviewers": []},
    ]
    assert _GitHub.requested == [
        {"reviewers": ["carol"], "team_reviewers": []}, {"reviewers": [], "team_reviewers": ["core"]},
        {"reviewers": ["bobby"], "team_reviewers": []},
    ]
    out = capsys.readouterr().out
    assert (
        "::warning::diffrisk: GitHub refused a review request from @alice-gh: Reviews may only be requested from collaborators. "
        "One or more of the users or teams you specified is not a collaborator of the owner/project repository.\n"
    ) in out
    assert "diffrisk: requested reviews from @carol, @owner/core, @bobby\n" in out


def test_no_review_requests_below_l2(repo: Repo, shas: dict[str, str], tmp_path: Path, github_api: str) -> None:
    checkout = pull_request_by_mallory(repo, tmp_path, [('"hello, "', '"hi, "')])
    _GitHub.commit_authors = {shas["Erin"]: "erin-gh"}
    assert action.main(pull_env(checkout, tmp_path, github_api, request=True, max_reviewers="4")) == 0
    assert report_of(tmp_path)["level"] in ("L0", "L1")
    assert (_GitHub.calls, _GitHub.requested) == ([], [])


def test_a_fork_pull_request_gets_no_labels_or_review_requests(
    careful: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert action.main(pull_env(careful, tmp_path, github_api, labels=True, request=True, fork=True)) == 0
    assert "::notice::diffrisk: a pull request from a fork has a read-only token: no labels or review requests\n" in capsys.readouterr().out
    assert _GitHub.calls == []


def test_without_a_token_nothing_is_written(careful: Path, tmp_path: Path, github_api: str, capsys: pytest.CaptureFixture[str]) -> None:
    env = pull_env(careful, tmp_path, github_api, labels=True)
    del env["DIFFRISK_TOKEN"]
    assert action.main(env) == 0
    assert "::notice::diffrisk: no pull request or token: no labels\n" in capsys.readouterr().out
    assert _GitHub.calls == []


# -- outputs ---------------------------------------------------------------------------------------


def test_the_experts_and_owners_outputs(careful: Path, tmp_path: Path, github_api: str) -> None:
    assert action.main(pull_env(careful, tmp_path, github_api)) == 0
    outputs = (tmp_path / "output.txt").read_text().splitlines()
    assert outputs[-2:] == [
        # git keeps the comma of "Dave, Jr." (and drops the final dot); the output cannot.
        "experts=Alice <alice@example.org>, Bob <12345+bobby@users.noreply.github.com>, Dave Jr <dave@example.org>, Erin <erin@old.example>",
        "owners=owners@example.org, @carol, @Mallory, @owner/core, @elsewhere/team, docs@example.org",
    ]


def test_outputs_stay_one_line_whatever_the_names() -> None:
    reviewers = {
        "experts": [{"name": "Ann\nlevel=L0, Lee\u2028", "email": "ann@x.org>\r\n"}, {"name": "", "email": "bo@x.org"}],
        "owners": [{"path": "a", "owners": ["@ann", "@org/t\neam"]}, {"path": "b", "owners": ["@ann"]}],
    }
    assert action._reviewer_outputs(reviewers) == "experts=Ann level=L0 Lee <ann@x.org>, <bo@x.org>\nowners=@ann, @org/t eam\n"
    assert action._reviewer_outputs(None) == "experts=\nowners=\n"


def test_the_workflow_declares_the_new_inputs_and_outputs() -> None:
    import yaml

    metadata = yaml.safe_load((Path(__file__).resolve().parent.parent / "action.yml").read_text())
    assert {name: metadata["inputs"][name]["default"] for name in ("labels", "request-reviewers", "max-reviewers")} == {
        "labels": "true", "request-reviewers": "false", "max-reviewers": "2",
    }
    assert [metadata["outputs"][name]["value"] for name in ("experts", "owners")] == [
        "${{ steps.diffrisk.outputs.experts }}", "${{ steps.diffrisk.outputs.owners }}",
    ]
    run = next(step for step in metadata["runs"]["steps"] if step.get("id") == "diffrisk")
    assert {name: run["env"][name] for name in ("DIFFRISK_LABELS", "DIFFRISK_REQUEST_REVIEWERS", "DIFFRISK_MAX_REVIEWERS")} == {
        "DIFFRISK_LABELS": "${{ inputs.labels }}", "DIFFRISK_REQUEST_REVIEWERS": "${{ inputs.request-reviewers }}",
        "DIFFRISK_MAX_REVIEWERS": "${{ inputs.max-reviewers }}",
    }

