"""Who approved a pull request, as the code host reports it, and whether the base branch's
policy trusts them: the one acceptance a change cannot write for itself.

An approval counts when it is the reviewer's latest verdict on the pull request (a later request
for changes or a dismissal withdraws it), it was given on the pull request's current head (a push
after it makes it stale), the reviewer is a person, and they are neither the pull request's
author nor the author of one of its commits.  The policy (``[tool.diffrisk.accept]``, read from
the base branch) trusts named reviewers, members of named teams, and (``codeowners``) the owners
that the base branch's CODEOWNERS gives the changed paths: then every changed path that has
owners needs an approval from one of them, as GitHub's "require review from code owners" does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from diffrisk.commands import github
from diffrisk.commands.check import HostApproval
from diffrisk.config import AcceptPolicy

#: The review states that are a reviewer's verdict (comments are not).
_VERDICTS = frozenset({"APPROVED", "CHANGES_REQUESTED", "DISMISSED"})


def approval(
    api: str, repository: str, token: str, pull: Mapping[str, Any], policy: AcceptPolicy,
    codeowners: str | None, changed: Sequence[str],
) -> HostApproval:
    """The trusted approvals of the pull request's current head (fails closed: an API error is no
    approval, and says so)."""
    number = pull.get("number")
    head = (pull.get("head") or {}).get("sha")
    if not number or not head:
        return HostApproval((), "no pull request to read approvals from")
    base = f"{api}/repos/{repository}/pulls/{number}"
    try:
        verdicts = _approvers(list(github.pages(f"{base}/reviews", token)), head, _authors(pull, base, token))
        return _trusted(verdicts, policy, codeowners, changed, _Membership(api, token))
    except _Unreadable as error:
        return HostApproval((), str(error))
    except (github.NotFound, *github.ApiError) as error:
        return HostApproval((), f"the pull request's reviews could not be read ({type(error).__name__}: {error})")


class _Unreadable(Exception):
    """Something the approval depends on could not be read: no approval, and why."""


def _authors(pull: Mapping[str, Any], base: str, token: str) -> set[str]:
    """The pull request's author and its commits' authors, who cannot accept their own change."""
    authors = {str((pull.get("user") or {}).get("login", "")).lower()}
    for commit in github.pages(f"{base}/commits", token):
        login = (commit.get("author") or {}).get("login")
        if login:
            authors.add(str(login).lower())
    return authors - {""}


class _Verdicts(NamedTuple):
    """The pull request's approvals, sorted by what they are worth."""

    #: Logins whose latest verdict approves the current head.
    current: list[str]
    #: Logins whose approval is of an older push.
    stale: list[str]
    #: Authors of the change who approved it (not counted).
    own: list[str]


def _approvers(reviews: Iterable[Mapping[str, Any]], head: str, authors: set[str]) -> _Verdicts:
    latest: dict[str, Mapping[str, Any]] = {}
    for review in reviews:
        user = review.get("user") or {}
        login = str(user.get("login", ""))
        if review.get("state") in _VERDICTS and login and user.get("type") != "Bot":
            latest[login] = review
    approved = {login: review for login, review in latest.items() if review.get("state") == "APPROVED"}
    return _Verdicts(
        current=sorted(login for login, review in approved.items() if review.get("commit_id") == head and login.lower() not in authors),
        stale=sorted(login for login, review in approved.items() if review.get("commit_id") != head and login.lower() not in authors),
        own=sorted(login for login in approved if login.lower() in authors),
    )


class _Membership:
    """Team membership, asked of the API once per (team, login)."""

    def __init__(self, api: str, token: str) -> None:
        self.api = api
        self.token = token
        self.known: dict[tuple[str, str], bool] = {}

    def __call__(self, team: str, login: str) -> bool:
        key = (team.lower(), login.lower())
        if key not in self.known:
            org, _, slug = team.partition("/")
            try:
                answer = github.request("GET", f"{self.api}/orgs/{org}/teams/{slug}/memberships/{login}", self.token)
                self.known[key] = isinstance(answer, dict) and answer.get("state") == "active"
            except github.NotFound:
                self.known[key] = False
            except github.ApiError as error:
                # The workflow's own token cannot read an organisation's teams: a token with
                # read:org (the Action's token input) can.
                raise _Unreadable(
                    f"whether {login} is in the team {team} could not be read ({type(error).__name__}: {error}); "
                    "give the Action a token that can read the organisation's teams (read:org)"
                ) from None
        return self.known[key]


def _trusted(
    verdicts: _Verdicts, policy: AcceptPolicy, codeowners: str | None, changed: Sequence[str],
    member: Callable[[str, str], bool],
) -> HostApproval:
    approvers = verdicts.current
    named = {name.lower() for name in policy.reviewers}
    explicit = [login for login in approvers if login.lower() in named or any(member(team, login) for team in policy.teams)]
    if explicit:
        return HostApproval(tuple(explicit))
    owned = _owners(codeowners, changed) if policy.codeowners and codeowners else {}
    uncovered = None
    if owned:
        approving: set[str] = set()
        for path, owners in owned.items():
            found = [login for login in approvers if _owns(owners, login, member)]
            approving.update(found)
            if not found and uncovered is None:
                uncovered = f"no code owner of {path} ({', '.join(owners)}) approved it"
        if uncovered is None:
            return HostApproval(tuple(sorted(approving)))
    return HostApproval((), _why_not(verdicts, policy, bool(owned), uncovered))


def _why_not(verdicts: _Verdicts, policy: AcceptPolicy, has_owners: bool, uncovered: str | None) -> str:
    """Why no approval counts, the likeliest mistake first."""
    owners = f"; {uncovered}" if uncovered else ""
    if not policy.reviewers and not policy.teams and not has_owners:
        return "the base branch's policy trusts no reviewer: set [tool.diffrisk.accept] reviewers or teams, or keep a CODEOWNERS file"
    if verdicts.current:
        return f"approved by {', '.join(verdicts.current)}, whom the base branch's policy does not trust{owners}"
    if verdicts.stale:
        return f"{', '.join(verdicts.stale)} approved an earlier push, not the pull request's last one{owners}"
    if verdicts.own:
        return f"{', '.join(verdicts.own)} approved a change they wrote, which does not accept it{owners}"
    return f"no reviewer the base branch's policy trusts approved the pull request's last push{owners}"


def _owners(codeowners: str, changed: Sequence[str]) -> dict[str, list[str]]:
    """The owners CODEOWNERS gives each changed path that has any (GitHub's rule: the last
    matching line wins), as "@login", "@org/team" or an address."""
    from codeowners import CodeOwners

    parsed = CodeOwners(codeowners)
    found = {}
    for path in changed:
        owners = [owner for _, owner in parsed.of(path)]
        if owners:
            found[path] = owners
    return found


def _owns(owners: Sequence[str], login: str, member: Callable[[str, str], bool]) -> bool:
    for owner in owners:
        name = owner.removeprefix("@")
        if "/" in name and member(name, login):
            return True
        if "/" not in name and "@" not in name and name.lower() == login.lower():
            return True
    return False
