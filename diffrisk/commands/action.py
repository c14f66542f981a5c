"""The GitHub Action's work (action.yml runs ``python -m diffrisk.commands.action``).

Inputs arrive as ``DIFFRISK_*`` environment variables set through ``env:`` in action.yml, never
interpolated into a script.  It checks the pull request's diff against the merge base, prints
annotations, writes the Markdown summary to ``$GITHUB_STEP_SUMMARY``, optionally SARIF, sets the
step outputs, keeps one sticky PR comment up to date (found by its hidden marker; skipped on fork
PRs, whose token is read-only), labels the PR and asks reviewers (commands.pull_request), and exits
per policy like ``diffrisk check``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import Any

from diffrisk import commands
from diffrisk.change import policy_edits
from diffrisk.commands import approvals, arguments, check, collection, github, pull_request, trusted_config
from diffrisk.commands.check import HostApproval
from diffrisk.diffsource import git
from diffrisk.errors import DiffriskError
from diffrisk.formats import markdown
from diffrisk.formats.github import escape_data

#: GitHub's step summary limit is 1 MiB per step (GitHub Docs, "Adding a job summary").
SUMMARY_LIMIT = 1024 * 1024


def main(environ: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    repo = git.Repo(cwd=env.get("GITHUB_WORKSPACE") or None)
    if env.get("DIFFRISK_MODE", "check") == "report":
        return _team_report(env, repo)
    if env.get("DIFFRISK_MODE", "check") != "check":
        print(f"::error::diffrisk: mode must be check or report, not {_quote(env['DIFFRISK_MODE'])}")
        return 2
    base = env.get("DIFFRISK_BASE") or env.get("GITHUB_BASE_REF") or ""
    if not base:
        print("::error::diffrisk: no base to compare with: set the 'base' input or run on a pull_request event")
        return 2
    if base.startswith("-") or git.try_run(repo, ["check-ref-format", "--branch", base]) is None:
        print(f"::error::diffrisk: {_quote(base)} is not a branch name")
        return 2
    base_ref = _fetched_base(repo, base)
    if base_ref is None:
        print(
            f"::error::diffrisk: the base {_quote(base)} is not in this checkout and could not be fetched; "
            "use actions/checkout with fetch-depth: 0"
        )
        return 2
    work = env.get("RUNNER_TEMP") or "."
    report_path = os.path.join(work, "diffrisk-report.json")
    summary_path = os.path.join(work, "diffrisk-summary.md")
    args = ["-C", repo.cwd or ".", "check", "--base", base_ref, "--format", "github",
            "-o", f"json={report_path}", "-o", f"markdown={summary_path}"]
    # The policy is what the base branch committed: check reads it at the merge base, and a
    # pull request's own edit can only make it stricter (commands.trusted_config).
    if env.get("DIFFRISK_CONFIG"):
        args += ["--config", env["DIFFRISK_CONFIG"]]
    if env.get("DIFFRISK_FAIL_LEVEL"):
        args += ["--fail-level", env["DIFFRISK_FAIL_LEVEL"]]
    for data in env.get("DIFFRISK_COVERAGE", "").split():
        args += ["--coverage", data]
    if env.get("DIFFRISK_SARIF"):
        args += ["-o", f"sarif={env['DIFFRISK_SARIF']}"]
    if env.get("DIFFRISK_HTML"):
        args += ["-o", f"html={env['DIFFRISK_HTML']}"]
    head = git.try_run(repo, ["rev-parse", "HEAD"])
    if head and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        args += ["--link-base", f"{server}/{env['GITHUB_REPOSITORY']}/blob/{head.decode().strip()}"]
    host = _host_approval(env, repo, base_ref)
    code = commands.run(arguments.parser().parse_args(args), lambda parsed: check.execute(parsed, host))
    if not os.path.exists(report_path):  # a usage or git error: nothing to summarise
        return code
    with open(report_path, encoding="utf-8") as handle:
        report = json.load(handle)
    with open(summary_path, encoding="utf-8") as handle:
        summary = handle.read()
    _append(env.get("GITHUB_STEP_SUMMARY"), summary[:SUMMARY_LIMIT])
    _append(env.get("GITHUB_OUTPUT"), (
        f"level={report['level']}\nscore={report['score']}\nreview-minutes={report['review_minutes']}\n"
        f"ai-authored={'true' if (report.get('authorship') or {}).get('ai_authored') else 'false'}\n"
        f"{_reviewer_outputs(report.get('reviewers'))}"
    ))
    if env.get("DIFFRISK_COMMENT", "false").lower() == "true":
        _sticky_comment(env, summary)
    pull_request.update(env, _event(env), report)
    return code


def _team_report(env: Mapping[str, str], repo: git.Repo) -> int:
    """``mode: report``: score the commits the history store lacks (``log --db``; the workflow
    keeps the database between runs with the cache action), then write the team's page and put
    its Markdown form in the job summary."""
    where = ["-C", repo.cwd or "."]
    database = ["--db", env["DIFFRISK_DB"]] if env.get("DIFFRISK_DB") else ["--db"]
    config = ["--config", env["DIFFRISK_CONFIG"]] if env.get("DIFFRISK_CONFIG") else []
    page = env.get("DIFFRISK_HTML") or "diffrisk-team.html"
    summary = os.path.join(env.get("RUNNER_TEMP") or ".", "diffrisk-team.md")
    steps = [
        [*where, "log", *database, "--format", "jsonl", "-o", os.devnull, *config],
        [*where, "report", *(database if env.get("DIFFRISK_DB") else []), *config, "--format", "html", "-o", page],
        [*where, "report", *(database if env.get("DIFFRISK_DB") else []), *config, "--format", "markdown", "-o", summary],
    ]
    for argv in steps:
        code = commands.run(arguments.parser().parse_args(argv))
        if code != 0:
            return code
    with open(summary, encoding="utf-8") as handle:
        _append(env.get("GITHUB_STEP_SUMMARY"), handle.read()[:SUMMARY_LIMIT])
    _append(env.get("GITHUB_OUTPUT"), f"report-path={page}\n")
    return 0


def _reviewer_outputs(reviewers: Any) -> str:
    """The ``experts`` ("Name <address>") and ``owners`` outputs, comma-separated, one line each."""
    reviewers = reviewers if isinstance(reviewers, dict) else {}
    experts = [_person(expert) for expert in reviewers.get("experts") or []]
    owners = [_output_text(str(owner)) for entry in reviewers.get("owners") or [] for owner in entry.get("owners") or []]
    return f"experts={', '.join(experts)}\nowners={', '.join(dict.fromkeys(owner for owner in owners if owner))}\n"


def _person(expert: dict[str, Any]) -> str:
    name = _output_text(str(expert.get("name", "")))
    address = _output_text(str(expert.get("email", ""))).replace(" ", "")
    return f"{name} <{address}>" if name else f"<{address}>"


def _output_text(text: str) -> str:
    """Text for a comma-separated step output: commas, angle brackets, line breaks and other
    control characters become spaces."""
    cleaned = "".join(
        " " if char in ",<>" or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") else char
        for char in text
    )
    return re.sub(r"\s+", " ", cleaned).strip()


def _quote(text: str) -> str:
    """A value from the event, safe inside a workflow command's message."""
    return repr(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _fetched_base(repo: git.Repo, base: str) -> str | None:
    """A ref for the base that exists here, fetching it (and enough history) when needed."""
    for candidate in (f"origin/{base}", base):
        if git.try_run(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{candidate}^{{commit}}"]):
            if _has_merge_base(repo, candidate):
                return candidate
    # A shallow checkout (actions/checkout's default depth is 1): fetch the base and deepen.
    git.try_run(repo, ["fetch", "--no-tags", "--prune", "origin", f"+refs/heads/{base}:refs/remotes/origin/{base}"])
    if git.is_shallow(repo):
        git.try_run(repo, ["fetch", "--no-tags", "--unshallow", "origin"])
    candidate = f"origin/{base}"
    if git.try_run(repo, ["rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"]) and _has_merge_base(repo, candidate):
        return candidate
    return None


def _host_approval(env: Mapping[str, str], repo: git.Repo, base_ref: str) -> HostApproval:
    """What GitHub says of the pull request's approvals, judged by the base branch's policy; in CI
    without a pull request (or a token), nobody can approve, and nothing else accepts a change."""
    pull = _event(env).get("pull_request") or {}
    token = env.get("DIFFRISK_TOKEN") or env.get("GITHUB_TOKEN")
    api = github.checked_api_url(env.get("GITHUB_API_URL", "https://api.github.com"))
    if not pull or not token or api is None:
        return HostApproval((), "no pull request and token to read approvals with")
    merge_base = (git.try_run(repo, ["merge-base", base_ref, "HEAD"]) or b"").decode().strip()
    if not merge_base:
        return HostApproval((), f"no merge base with {base_ref}")
    try:
        policy = trusted_config.at_commit(repo, merge_base, env.get("DIFFRISK_CONFIG"))
    except DiffriskError as error:
        return HostApproval((), f"the base branch's policy cannot be read ({error})")
    changed = git.run(repo, ["diff-tree", "-r", "-z", "--name-only", "--no-renames", merge_base, "HEAD"])
    paths = [path for path in changed.decode("utf-8", "surrogateescape").split("\0") if path]
    owners = next(
        (text.decode("utf-8", "replace") for location in policy_edits.CODEOWNERS
         if (text := git.try_run(repo, ["cat-file", "blob", f"{merge_base}:{location}"])) is not None),
        None,
    )
    return approvals.approval(api, env.get("GITHUB_REPOSITORY", ""), token, pull, policy.accept, owners, paths)


def _has_merge_base(repo: git.Repo, ref: str) -> bool:
    return git.try_run(repo, ["merge-base", ref, "HEAD"]) is not None


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def _sticky_comment(env: Mapping[str, str], body: str) -> None:
    """Create or update the one comment that starts with the marker; fork PRs get annotations only."""
    event = _event(env)
    pull = event.get("pull_request") or {}
    number = pull.get("number")
    token = env.get("DIFFRISK_TOKEN") or env.get("GITHUB_TOKEN")
    if not number or not token:
        print("::notice::diffrisk: no pull request or token: the summary is in the job summary only")
        return
    if pull_request.is_fork(pull, env.get("GITHUB_REPOSITORY")):
        print("::notice::diffrisk: a pull request from a fork has a read-only token: annotations only, no comment")
        return
    api = github.checked_api_url(env.get("GITHUB_API_URL", "https://api.github.com"))
    if api is None:
        print("::warning::diffrisk: GITHUB_API_URL is not an http(s) URL: no comment")
        return
    repository = env.get("GITHUB_REPOSITORY", "")
    comments_url = f"{api}/repos/{repository}/issues/{number}/comments"
    try:
        existing = _find_marked(comments_url, token)
        if existing is None:
            github.request("POST", comments_url, token, {"body": body})
        else:
            github.request("PATCH", f"{api}/repos/{repository}/issues/comments/{existing}", token, {"body": body})
    except (github.NotFound, *github.ApiError) as error:
        print(f"::warning::diffrisk: could not update the pull request comment: {escape_data(str(error))}")


def _find_marked(url: str, token: str) -> int | None:
    for comment in github.pages(url, token):
        # Only a comment the bot wrote: anyone can post a comment that starts with the marker.
        author = comment.get("user") or {}
        if str(comment.get("body", "")).startswith(markdown.MARKER) and author.get("type") == "Bot":
            return int(comment["id"])
    return None


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        loaded = json.load(handle)
    return loaded if isinstance(loaded, dict) else {}


if __name__ == "__main__":  # pragma: no cover
    # The Action's own process, which ends with the run: as the ``diffrisk`` program does.
    with collection.by_hand(restore=False):
        code = main()
    sys.exit(code)
