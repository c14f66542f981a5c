"""The GitHub Action's work (action.yml runs ``python -m diffrisk.commands.action``).

Inputs arrive as ``DIFFRISK_*`` environment variables set through ``env:`` in action.yml, never
interpolated into a script.  It checks the pull request's diff against the merge base, prints
annotations, writes the Markdown summary to ``$GITHUB_STEP_SUMMARY``, optionally SARIF, sets the
step outputs, keeps one sticky PR comment up to date (found by its hidden marker; skipped on fork
PRs, whose token is read-only), and exits per policy like ``diffrisk check``.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from diffrisk import commands
from diffrisk.commands import arguments
from diffrisk.diffsource import git
from diffrisk.formats import markdown

#: GitHub's step summary limit is 1 MiB per step (GitHub Docs, "Adding a job summary").
SUMMARY_LIMIT = 1024 * 1024


def main(environ: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    repo = git.Repo(cwd=env.get("GITHUB_WORKSPACE") or None)
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
    # The policy comes from the base branch, never from the pull request it judges.
    args += ["--config", env.get("DIFFRISK_CONFIG") or _base_config(repo, base_ref, work)]
    if env.get("DIFFRISK_FAIL_LEVEL"):
        args += ["--fail-level", env["DIFFRISK_FAIL_LEVEL"]]
    if env.get("DIFFRISK_SARIF"):
        args += ["-o", f"sarif={env['DIFFRISK_SARIF']}"]
    if env.get("DIFFRISK_HTML"):
        args += ["-o", f"html={env['DIFFRISK_HTML']}"]
    head = git.try_run(repo, ["rev-parse", "HEAD"])
    if head and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        args += ["--link-base", f"{server}/{env['GITHUB_REPOSITORY']}/blob/{head.decode().strip()}"]
    code = commands.run(arguments.parser().parse_args(args))
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
    ))
    if env.get("DIFFRISK_COMMENT", "false").lower() == "true":
        _sticky_comment(env, summary)
    return code


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


def _base_config(repo: git.Repo, base_ref: str, work: str) -> str:
    """The base branch's pyproject.toml (or an empty one: the defaults) as a file to pass."""
    folder = os.path.join(work, "diffrisk-base-config")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "pyproject.toml")
    content = git.try_run(repo, ["show", f"{base_ref}:pyproject.toml"]) or b""
    with open(path, "wb") as handle:
        handle.write(content)
    return path


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
    token = env.get("GITHUB_TOKEN") or env.get("DIFFRISK_TOKEN")
    if not number or not token:
        print("::notice::diffrisk: no pull request or token: the summary is in the job summary only")
        return
    head_repo = (pull.get("head") or {}).get("repo") or {}
    if head_repo.get("fork") or head_repo.get("full_name") not in (None, env.get("GITHUB_REPOSITORY")):
        print("::notice::diffrisk: a pull request from a fork has a read-only token: annotations only, no comment")
        return
    api = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    if not api.startswith(("https://", "http://")):
        print("::warning::diffrisk: GITHUB_API_URL is not an http(s) URL: no comment")
        return
    repository = env.get("GITHUB_REPOSITORY", "")
    comments_url = f"{api}/repos/{repository}/issues/{number}/comments"
    try:
        existing = _find_marked(comments_url, token)
        if existing is None:
            _request("POST", comments_url, token, {"body": body})
        else:
            _request("PATCH", f"{api}/repos/{repository}/issues/comments/{existing}", token, {"body": body})
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"::warning::diffrisk: could not update the pull request comment: {error}")


def _find_marked(url: str, token: str) -> int | None:
    page = 1
    while True:
        comments = _request("GET", f"{url}?per_page=100&page={page}", token, None)
        if not isinstance(comments, list) or not comments:
            return None
        for comment in comments:
            # Only a comment the bot wrote: anyone can post a comment that starts with the marker.
            author = comment.get("user") or {}
            if str(comment.get("body", "")).startswith(markdown.MARKER) and author.get("type") == "Bot":
                return int(comment["id"])
        page += 1


def _request(method: str, url: str, token: str, payload: dict[str, Any] | None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "Content-Type": "application/json",
        "User-Agent": "diffrisk",
    })
    # The URL's scheme was checked in _sticky_comment: http(s) only, never file: or custom ones.
    with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310
        text = response.read().decode("utf-8")
    return json.loads(text) if text else None


def _event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        loaded = json.load(handle)
    return loaded if isinstance(loaded, dict) else {}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
