"""What the GitHub Action writes on the pull request after the check, besides its comment: two
labels, and (optionally) review requests.

Labels: exactly two of the Action's own, ``review: L2 careful`` (the level) and ``review: ~25 min``
(the review time), created in the repository when missing, one colour per level.  Older labels of
its own (a name that starts with ``review: L`` and a digit, or ``review: ~``) are removed; every
other label stays.

Review requests, for L2 and L3 only: the code owners of the changed paths first, as the base
branch's CODEOWNERS names them (``@login``, or ``@org/team`` of the repository's organisation;
addresses cannot be requested), then the people who know the touched code, whose GitHub login is
the author of one of their commits (or in their noreply address).  Never the pull request's author;
at most ``max-reviewers`` people and teams in all, counting those already requested or reviewing, so
that each push does not ask more people.  A request GitHub refuses as a whole (422: someone is not
a collaborator) is made again one reviewer at a time.

A fork's pull request has a read-only token: nothing is written.  An API error is a warning; the
step's exit code is the check's.
"""

from __future__ import annotations

import itertools
import re
import urllib.error
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from diffrisk.commands import github
from diffrisk.formats.github import escape_data
from diffrisk.records import record
from diffrisk.regex import Regex

#: The level label's colour, L0 green to L3 red; the time label is grey.
LEVEL_COLOURS = {"L0": "0e8a16", "L1": "1d76db", "L2": "fbca04", "L3": "d93f0b"}
TIME_COLOUR = "ededed"
#: The Action's own labels, of this or an earlier run.
OWN_LABEL = Regex(r"review: (?:L[0-9]|~)")
#: The levels that get review requests.
REQUEST_LEVELS = ("L2", "L3")
#: GitHub's login syntax: letters, digits and hyphens, no hyphen first, at most 39 characters.
LOGIN = Regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}")
#: A team's slug (its name, lower case, with hyphens).
TEAM_SLUG = Regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
#: The address GitHub gives a person who keeps theirs private: ``[id+]login@users.noreply.github.com``.
NOREPLY = Regex(r"(?:[0-9]+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com", re.IGNORECASE)
COMMIT_SHA = Regex(r"[0-9a-f]{40}|[0-9a-f]{64}")


@record
class Target:
    """The pull request to write to, and what its event says of it."""

    api: str
    repository: str
    number: int
    token: str
    #: The pull request author's login ("" when the event does not say).
    author: str
    #: Reviewers already requested: ("user", login) or ("team", slug), lower case.
    requested: frozenset[tuple[str, str]]

    @property
    def repo_url(self) -> str:
        return f"{self.api}/repos/{self.repository}"

    @property
    def issue_url(self) -> str:
        return f"{self.repo_url}/issues/{self.number}"

    @property
    def pull_url(self) -> str:
        return f"{self.repo_url}/pulls/{self.number}"


@record
class Label:
    name: str
    colour: str
    description: str


def is_fork(pull: Mapping[str, Any], repository: str | None) -> bool:
    """Whether the pull request comes from another repository (its token is read-only)."""
    head_repo = (pull.get("head") or {}).get("repo") or {}
    return bool(head_repo.get("fork")) or head_repo.get("full_name") not in (None, repository)


def enabled(env: Mapping[str, str], name: str, default: str) -> bool:
    return env.get(name, default).strip().lower() == "true"


def update(env: Mapping[str, str], event: Mapping[str, Any], report: Mapping[str, Any]) -> None:
    """Labels (input ``labels``) and review requests (``request-reviewers``), as the inputs ask."""
    labels = enabled(env, "DIFFRISK_LABELS", "true")
    requests = enabled(env, "DIFFRISK_REQUEST_REVIEWERS", "false")
    if not labels and not requests:
        return
    what = " or ".join(name for name, wanted in (("labels", labels), ("review requests", requests)) if wanted)
    target = _target(env, event, what)
    if target is None:
        return
    if labels:
        set_labels(target, report)
    if requests:
        limit = _max_reviewers(env.get("DIFFRISK_MAX_REVIEWERS", "2"))
        request_reviews(target, report, limit)


def _target(env: Mapping[str, str], event: Mapping[str, Any], what: str) -> Target | None:
    """The pull request to write to, or None (and a notice or warning saying why not)."""
    pull = event.get("pull_request") or {}
    number = pull.get("number")
    token = env.get("DIFFRISK_TOKEN") or env.get("GITHUB_TOKEN")
    repository = env.get("GITHUB_REPOSITORY", "")
    if not isinstance(number, int) or not token or not repository:
        print(f"::notice::diffrisk: no pull request or token: no {what}")
        return None
    if is_fork(pull, repository):
        print(f"::notice::diffrisk: a pull request from a fork has a read-only token: no {what}")
        return None
    api = github.checked_api_url(env.get("GITHUB_API_URL", "https://api.github.com"))
    if api is None:
        print(f"::warning::diffrisk: GITHUB_API_URL is not an http(s) URL: no {what}")
        return None
    requested = {("user", str(user.get("login", "")).lower()) for user in pull.get("requested_reviewers") or []}
    requested |= {("team", str(team.get("slug", "")).lower()) for team in pull.get("requested_teams") or []}
    author = str((pull.get("user") or {}).get("login") or "")
    return Target(api, repository, number, token, author, frozenset(requested))


def _max_reviewers(value: str) -> int:
    if value.strip().isdigit():
        return int(value.strip())
    print(f"::warning::diffrisk: max-reviewers {escape_data(repr(value))} is not a whole number: using 2")
    return 2


# -- labels ----------------------------------------------------------------------------------------


def wanted_labels(report: Mapping[str, Any]) -> tuple[Label, Label]:
    """The level's label and the review time's."""
    level = str(report["level"])
    return (
        Label(f"review: {level} {report['level_name']}", LEVEL_COLOURS.get(level, TIME_COLOUR), "diffrisk: how deeply to review"),
        Label(f"review: ~{int(report['review_minutes'])} min", TIME_COLOUR, "diffrisk: estimated review time"),
    )


def set_labels(target: Target, report: Mapping[str, Any]) -> None:
    """Add the two labels the pull request lacks and remove the Action's older ones."""
    wanted = wanted_labels(report)
    try:
        present = [str(label.get("name", "")) for label in github.pages(f"{target.issue_url}/labels", target.token)]
        missing = [label for label in wanted if label.name not in present]
        for label in missing:
            _create_label(target, label)
        if missing:
            github.request("POST", f"{target.issue_url}/labels", target.token, {"labels": [label.name for label in missing]})
        names = {label.name for label in wanted}
        for name in present:
            if OWN_LABEL.match(name) and name not in names:
                _remove_label(target, name)
    except (github.NotFound, *github.ApiError) as error:
        print(f"::warning::diffrisk: could not set the pull request's labels: {_describe(error)}")


def _create_label(target: Target, label: Label) -> None:
    """The label in the repository; one that exists already (422 already_exists) stays as it is."""
    payload = {"name": label.name, "color": label.colour, "description": label.description}
    try:
        github.request("POST", f"{target.repo_url}/labels", target.token, payload)
    except urllib.error.HTTPError as error:
        refused = github.refusal(error)
        if refused is None or "already_exists" not in refused.codes:
            raise


def _remove_label(target: Target, name: str) -> None:
    try:
        github.request("DELETE", f"{target.issue_url}/labels/{quote(name, safe='')}", target.token)
    except github.NotFound:
        pass  # removed meanwhile


# -- review requests -------------------------------------------------------------------------------


def request_reviews(target: Target, report: Mapping[str, Any], limit: int) -> None:
    """Ask the owners, then the experts, to review an L2 or L3 change."""
    if report.get("level") not in REQUEST_LEVELS:
        return
    reviewers = report.get("reviewers")
    if not isinstance(reviewers, Mapping):
        print("::notice::diffrisk: the report names no reviewers (the experts analyzer is off): no review requests")
        return
    if not reviewers.get("owners") and not reviewers.get("experts"):
        return
    try:
        taken = set(target.requested) | _reviewing(target)
        room = limit - len(taken)
        if room <= 0:
            return
        candidates = _candidates(target, reviewers, taken)
        chosen = [candidate for _, candidate in zip(range(room), candidates)]
        asked = _ask(target, chosen, candidates, room)
    except (github.NotFound, *github.ApiError) as error:
        print(f"::warning::diffrisk: could not request reviews: {_describe(error)}")
        return
    if asked:
        print(f"diffrisk: requested reviews from {', '.join(_show(target, candidate) for candidate in asked)}")


def _reviewing(target: Target) -> set[tuple[str, str]]:
    """The people who reviewed the pull request already (its author and bots aside)."""
    found = set()
    for review in github.pages(f"{target.pull_url}/reviews", target.token):
        user = review.get("user") or {}
        login = str(user.get("login") or "").lower()
        if login and user.get("type") != "Bot" and login != target.author.lower():
            found.add(("user", login))
    return found


def _candidates(target: Target, reviewers: Mapping[str, Any], taken: set[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """("user", login) or ("team", slug) to ask, best first, each once; an expert's login is
    looked up only when the loop gets to them."""
    seen = set(taken) | {("user", target.author.lower())}
    for candidate in _all_candidates(target, reviewers):
        key = (candidate[0], candidate[1].lower())
        if key not in seen:
            seen.add(key)
            yield candidate


def _all_candidates(target: Target, reviewers: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    organisation = target.repository.partition("/")[0].lower()
    for entry in reviewers.get("owners") or []:
        for owner in entry.get("owners") or []:
            found = _owner(str(owner), organisation)
            if found is not None:
                yield found
    for expert in reviewers.get("experts") or []:
        login = _login_of(target, expert)
        if login is not None:
            yield ("user", login)


def _owner(owner: str, organisation: str) -> tuple[str, str] | None:
    """A CODEOWNERS owner as a reviewer: ``@login``, or ``@org/team`` of the repository's
    organisation (GitHub can request no other team); an address is no login."""
    if not owner.startswith("@"):
        return None
    name = owner[1:]
    org, slash, slug = name.partition("/")
    if slash:
        return ("team", slug) if org.lower() == organisation and TEAM_SLUG.fullmatch(slug) else None
    return ("user", name) if LOGIN.fullmatch(name) else None


def _login_of(target: Target, expert: Mapping[str, Any]) -> str | None:
    """The GitHub login of an expert: in a noreply address, or the author of their commit as
    GitHub links it (None: GitHub knows no account for it)."""
    noreply = NOREPLY.fullmatch(str(expert.get("email", "")))
    if noreply and LOGIN.fullmatch(noreply[1]):
        return noreply[1]
    sha = str(expert.get("commit", ""))
    if not COMMIT_SHA.fullmatch(sha):
        return None
    try:
        commit = github.request("GET", f"{target.repo_url}/commits/{sha}", target.token)
    except github.NotFound:
        return None
    author = (commit.get("author") if isinstance(commit, dict) else None) or {}
    login = str(author.get("login") or "")
    return login if LOGIN.fullmatch(login) and author.get("type") != "Bot" else None


def _ask(
    target: Target, chosen: Sequence[tuple[str, str]], more: Iterator[tuple[str, str]], room: int,
) -> list[tuple[str, str]]:
    """Request ``chosen`` at once; when GitHub refuses (422: someone is not a collaborator), one at
    a time, going on down the candidates until ``room`` accepted.  The ones requested."""
    if not chosen:
        return []
    try:
        _post_request(target, chosen)
        return list(chosen)
    except urllib.error.HTTPError as error:
        if github.refusal(error) is None:
            raise
    asked: list[tuple[str, str]] = []
    for candidate in itertools.chain(chosen, more):
        if len(asked) >= room:
            break
        try:
            _post_request(target, [candidate])
            asked.append(candidate)
        except urllib.error.HTTPError as error:
            refused = github.refusal(error)
            if refused is None:
                raise
            print(f"::warning::diffrisk: GitHub refused a review request from {escape_data(_show(target, candidate))}: "
                  f"{escape_data(refused.message)}")
    return asked


def _post_request(target: Target, reviewers: Sequence[tuple[str, str]]) -> None:
    github.request("POST", f"{target.pull_url}/requested_reviewers", target.token, {
        "reviewers": [name for kind, name in reviewers if kind == "user"],
        "team_reviewers": [name for kind, name in reviewers if kind == "team"],
    })


def _show(target: Target, candidate: tuple[str, str]) -> str:
    kind, name = candidate
    return f"@{name}" if kind == "user" else f"@{target.repository.partition('/')[0]}/{name}"


def _describe(error: BaseException) -> str:
    """An API error for a workflow command's message, escaped."""
    return escape_data(f"{type(error).__name__}: {error}")
