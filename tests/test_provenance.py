"""AI authorship: commit metadata, agents' environment markers, flags, and the policy for it."""

from __future__ import annotations

import pytest

from diffrisk.history.provenance import declared, of_commit, of_environment
from diffrisk.main import main
from testing.repo import Repo
from testing.run import check_json


@pytest.mark.parametrize(
    ("author", "email", "committer", "message", "reason"),
    [
        ("Ana", "ana@example.com", "Ana", "Fix it\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", "trailer:claude"),
        ("Ana", "ana@example.com", "Ana", "Fix it\n\nCo-authored-by: Copilot <copilot@github.com>\n", "trailer:copilot"),
        ("Paul Gauthier (aider)", "paul@example.com", "Paul Gauthier (aider)", "refactor", "author:aider"),
        ("Paul Gauthier", "paul@example.com", "Paul Gauthier (aider)", "refactor", "committer:aider"),
        ("Ana", "ana@example.com", "Ana", "aider: add retries", "prefix:aider"),
        ("Ana", "ana@example.com", "Ana", "Add x\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n", "footer:claude"),
        ("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "GitHub", "Add x", "author:devin"),
        ("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com", "GitHub", "Add x", "author:jules"),
    ],
)
def test_agents_are_recognised(author: str, email: str, committer: str, message: str, reason: str) -> None:
    found = of_commit(author, email, committer, "c@example.com", message)
    assert (found.ai_authored, found.reason) == (True, reason)


@pytest.mark.parametrize(
    ("author", "email", "message"),
    [
        ("Claude Monet", "claude@monet.fr", "Paint\n\nCo-authored-by: Claude Debussy <claude@debussy.fr>\n"),
        ("Devin Booker", "devin@suns.com", "Fix the bug Devin found"),
        ("Ana", "ana@example.com", "Mention that docs were generated with sphinx"),
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "Bump x"),
    ],
)
def test_people_and_other_bots_are_not_agents(author: str, email: str, message: str) -> None:
    assert of_commit(author, email, author, email, message).ai_authored is False


# -- staged changes, flags and policy -------------------------------------------------------------

@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({"CLAUDECODE": "1"}, "environment:CLAUDECODE (claude)"),
        ({"GEMINI_CLI": "1"}, "environment:GEMINI_CLI (gemini)"),
        ({"CODEX_THREAD_ID": "th_123"}, "environment:CODEX_THREAD_ID (codex)"),
        ({"OPENCODE": "1"}, "environment:OPENCODE (opencode)"),
        ({"CURSOR_AGENT": "1"}, "environment:CURSOR_AGENT (cursor)"),
        ({"AGENT": "amp", "CLAUDECODE": "1"}, "environment:AGENT=amp"),
        ({"AWS_EXECUTION_ENV": "AWS_ECS AmazonQ-For-CLI Version/1.2"}, "environment:AWS_EXECUTION_ENV (amazon-q)"),
    ],
)
def test_agent_environment_markers(environ: dict[str, str], reason: str) -> None:
    assert of_environment(environ).reason == reason


@pytest.mark.parametrize("environ", [{}, {"CLAUDECODE": "0"}, {"AGENT": "smith"}, {"CURSOR_TRACE_ID": "abc"}, {"TERM_PROGRAM": "vscode"}])
def test_no_agent_marker(environ: dict[str, str]) -> None:
    assert of_environment(environ).ai_authored is False


def test_declared_authorship_flags_beat_the_variable() -> None:
    assert declared(True, {"DIFFRISK_AI": "0"}) == declared(True, {})
    assert (declared(None, {"DIFFRISK_AI": "yes"}).ai_authored, declared(None, {"DIFFRISK_AI": "no"}).ai_authored) == (True, False)  # type: ignore[union-attr]
    assert declared(None, {}) is None
    with pytest.raises(ValueError, match="DIFFRISK_AI must be 1/true/yes or 0/false/no, not 'maybe'"):
        declared(None, {"DIFFRISK_AI": "maybe"})


@pytest.fixture
def small_change(repo: Repo) -> Repo:
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L2"\n[tool.diffrisk.ai]\nraise_level = 1\n')
    repo.write("app.py", "def add(a, b):\n    return a + b\n")
    repo.commit("start")
    repo.write("app.py", "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n")
    repo.stage()
    return repo


def test_staged_change_in_an_agent_shell_is_raised_by_policy(
    small_change: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, human = check_json(small_change)
    assert (code, human["level"], human["authorship"]) == (0, "L0", {"ai_authored": False, "reason": "no agent marker in the environment", "lacking_trailer": []})
    monkeypatch.setenv("CLAUDECODE", "1")
    code, agent = check_json(small_change)
    assert (code, agent["level"], agent["score"]) == (0, "L1", human["score"])
    assert agent["authorship"]["reason"] == "environment:CLAUDECODE (claude)"
    assert agent["level_reasons"] == ["raised L0 -> L1: AI-authored change (ai.raise_level = 1)"]
    # A declaration cannot hide a marker: the agent could declare itself a person.
    code, overridden = check_json(small_change, "--no-ai")
    assert (overridden["level"], overridden["authorship"]["reason"]) == (
        "L1", "environment:CLAUDECODE (claude) (--no-ai does not override an agent's marker)",
    )
    monkeypatch.setenv("DIFFRISK_AI", "0")
    assert check_json(small_change)[1]["level"] == "L1"
    monkeypatch.delenv("DIFFRISK_AI")
    monkeypatch.delenv("CLAUDECODE")
    monkeypatch.setenv("DIFFRISK_AI", "bogus")
    assert main(["-C", str(small_change.path), "check"]) == 2
    assert capsys.readouterr().err == "diffrisk: error: DIFFRISK_AI must be 1/true/yes or 0/false/no, not 'bogus'\n"


def test_ai_thresholds_and_fail_level_replace_the_projects(small_change: Repo) -> None:
    small_change.git("stash", "-q")
    small_change.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L3"\n[tool.diffrisk.ai]\nthresholds = { L1 = 1, L2 = 2 }\nfail_level = "L2"\n')
    small_change.commit("policy")
    small_change.git("stash", "pop", "-q")
    small_change.stage()
    code, report = check_json(small_change, "--ai")
    assert (code, report["level"], report["verdict"]["fail_level"]) == (1, "L2", "L2")
    code, report = check_json(small_change)
    assert (code, report["level"], report["verdict"]["fail_level"]) == (0, "L0", "L3")


def test_commit_range_is_ai_authored_when_one_commit_is(repo: Repo) -> None:
    repo.write("app.py", "X = 1\n")
    base = repo.commit("start")
    repo.write("app.py", "X = 2\n")
    repo.commit("Person's change")
    repo.write("app.py", "X = 3\n")
    agent = repo.commit("Agent's change\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    _, report = check_json(repo, "--range", f"{base}..HEAD")
    assert report["authorship"] == {"ai_authored": True, "reason": f"trailer:claude in commit {agent[:12]}", "lacking_trailer": []}
    _, report = check_json(repo, "--commit", "HEAD~1")
    assert report["authorship"]["ai_authored"] is False


def test_required_trailer_for_ai_commits(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.diffrisk.ai]\nrequire_trailer = "Reviewed-by"\n')
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "X = 2\n")
    unreviewed = repo.commit("Agent's change\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    code, report = check_json(repo, "--commit", "HEAD")
    assert code == 1
    assert report["verdict"]["message"] == (
        f"beyond policy: AI-authored commit {unreviewed[:12]} lacks the Reviewed-by: trailer (ai.require_trailer)"
    )
    repo.git("commit", "-q", "--amend", "-m", "Agent's change\n\nCo-authored-by: Claude <noreply@anthropic.com>\nReviewed-by: Ana <ana@example.com>")
    code, report = check_json(repo, "--commit", "HEAD")
    assert (code, report["verdict"]["within_policy"]) == (0, True)


def test_a_commit_cannot_accept_its_own_risk(repo: Repo) -> None:
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L1"\n')
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "".join(f"VALUE_{index} = {index}\n" for index in range(60)))
    sha = repo.commit("Values\n\nRisk-Accepted-By: Ana Lima <ana@example.com>")
    code, report = check_json(repo, "--commit", "HEAD")
    assert (code, report["level"], report["verdict"]["within_policy"]) == (1, "L1", False)
    assert report["notes"][-1] == (
        "a Risk-Accepted-By trailer names Ana Lima <ana@example.com>, but a change cannot accept its own risk: "
        "in CI, a reviewer the base branch's policy trusts approves the pull request ([tool.diffrisk.accept]); "
        "locally, a person runs with --accept or DIFFRISK_ACCEPT"
    )
    code, report = check_json(repo, "--commit", sha, "--accept", "Bo <bo@example.com>")
    assert (code, report["verdict"]["accepted_by"]) == (1, None)
    assert report["notes"][-1].startswith(
        "--accept 'Bo <bo@example.com>' does not accept this change: a commit, range or branch is accepted by a reviewer's approval"
    )


def test_a_person_accepts_a_staged_change_and_an_agent_cannot(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "GITHUB_ACTIONS", "CLAUDECODE", "DIFFRISK_ACCEPT"):
        monkeypatch.delenv(name, raising=False)
    repo.write("pyproject.toml", '[tool.diffrisk]\nfail_level = "L1"\n')
    repo.write("app.py", "X = 1\n")
    repo.commit("start")
    repo.write("app.py", "".join(f"VALUE_{index} = {index}\n" for index in range(60)))
    repo.stage()
    code, report = check_json(repo, "--accept", "Ana Lima <ana@example.com>")
    assert (code, report["level"]) == (0, "L1")
    assert report["verdict"] == {
        "within_policy": True, "fail_level": "L1", "accepted_by": "Ana Lima <ana@example.com>", "accepted_via": "flag",
        "message": "accepted: L1 accepted by Ana Lima <ana@example.com> (beyond policy: L1 reaches the fail level L1)",
    }
    monkeypatch.setenv("CLAUDECODE", "1")
    code, report = check_json(repo, "--accept", "Ana Lima <ana@example.com>")
    assert (code, report["verdict"]["accepted_by"]) == (1, None)
    assert report["notes"][-1] == (
        "--accept 'Ana Lima <ana@example.com>' does not accept this change: an agent cannot accept its own risk "
        "(environment:CLAUDECODE (claude))"
    )
    monkeypatch.delenv("CLAUDECODE")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("DIFFRISK_ACCEPT", "Ana Lima <ana@example.com>")
    code, report = check_json(repo)
    assert (code, report["notes"][-1]) == (
        1, "DIFFRISK_ACCEPT 'Ana Lima <ana@example.com>' does not accept this change: in CI (CI is set) only the "
        "approval of a reviewer the base branch's policy trusts accepts a change",
    )
