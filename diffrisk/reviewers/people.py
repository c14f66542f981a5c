"""Who should review a change, start to finish: blame starts as soon as the change's old side is
read (``start``) and runs while the change is analysed; ``finish`` names the experts, the departed
experts, the owners, and whether anyone behind the change knows the touched code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from diffrisk.diffsource import git
from diffrisk.history import commits
from diffrisk.history.commits import CommitRecord
from diffrisk.model import FileChange, Reviewers, line_runs
from diffrisk.records import record
from diffrisk.reviewers import blame, experts, mailmap, owners, touched

#: Months without a commit after which a person counts as gone (their knowledge at risk).
ACTIVE_MONTHS = 12
#: Experts named at most.
MAX_EXPERTS = 3
_MONTH = 365 * 86400 // 12


@record
class Started:
    base: str
    touched: tuple[touched.TouchedLines, ...]
    pending: blame.Pending


def start(repo: git.Repo, base: str, changes: Iterable[tuple[FileChange, Sequence[touched.Function]]]) -> Started:
    """Start blaming, at ``base``, the old side each change (with its old side's functions) touched."""
    found = tuple(lines for change, functions in changes if (lines := touched.of_change(change, functions)) is not None and lines.lines)
    ranges = {lines.path: list(line_runs(lines.lines)) for lines in found}
    return Started(base, found, blame.start(repo, base, ranges))


def finish(
    repo: git.Repo,
    started: Started,
    file_commits: Sequence[CommitRecord],
    involved: Iterable[tuple[str, str]],
    changed_paths: Sequence[str],
    now: int,
    active_months: int = ACTIVE_MONTHS,
    max_experts: int = MAX_EXPERTS,
) -> Reviewers:
    """``file_commits``: the year's commits to the touched files before the base (history.fixes);
    ``involved``: (name, address) of everyone behind the change; ``now``: when it was made (ages
    and the activity period count back from it)."""
    blamed = started.pending.collect()
    shas = sorted({sha for lines in blamed.lines.values() for sha in lines.values()})
    line_commits = commits.listed(repo, shas)
    found = git.read_blobs(repo, {f"{started.base}:{name}": name for name in (*owners.LOCATIONS, ".mailmap")}, owners.MAX_BYTES)
    at_base = {name.split(":", 1)[1]: data for name, data in found.items()}
    people = mailmap.parse((at_base.get(".mailmap") or b"").decode("utf-8", "replace"))
    behind = [experts.person(people, name, email) for name, email in involved]
    tallies, unit_sizes, attributed = experts.rank(started.touched, blamed.lines, line_commits, file_commits, people, now)
    candidates = [tally for tally in tallies if not experts.is_machine(tally.person) and not experts.is_involved(tally.person, behind)]
    cutoff = now - active_months * _MONTH
    active = _active(repo, started.base, cutoff, [tally for tally in candidates if tally.last < cutoff], people)
    files = len({lines.path for lines in started.touched})
    ranked = [
        experts.expert(tally, unit_sizes, attributed, tally.last >= cutoff or tally.person.key in active, now, files)
        for tally in candidates
    ]
    gone = [expert for expert in ranked if not expert.active and expert.lines]
    codeowners = owners.choose(at_base)
    notes = tuple(f"{path}: who wrote it is unknown ({why})" for path, why in sorted(blamed.unknown.items()))
    return Reviewers(
        experts=tuple(expert for expert in ranked if expert.active)[:max_experts],
        departed=tuple(gone[:max_experts]),
        owners=owners.of_paths(codeowners[1], changed_paths) if codeowners else (),
        codeowners=codeowners[0] if codeowners else "",
        touched_lines=attributed,
        knowledge_at_risk=round(sum(expert.lines for expert in gone) / attributed, 3) if attributed else None,
        author_knows=any(tally.lines for tally in tallies if experts.is_involved(tally.person, behind)) if attributed else None,
        notes=notes,
    )


def _active(repo: git.Repo, base: str, cutoff: int, undecided: Sequence[experts.Tally], people: mailmap.Mailmap) -> set[str]:
    """Which of the people whose own work here is older than ``cutoff`` committed anywhere in the
    repository since: one ``git log`` limited to their addresses."""
    if not undecided:
        return set()
    addresses = sorted({address for tally in undecided for address in tally.addresses})
    patterns = [f"--author=<{address}>" for address in addresses]
    # Raw identities (--no-mailmap): the work tree's .mailmap may be the change's own edit.
    # Fixed strings: git reads --author as a basic regular expression, where the "+" of a GitHub
    # no-reply address ("123+name@users.noreply.github.com") would mean "one or more".
    options = ["-z", "--no-mailmap", f"--max-age={cutoff}", "--format=%an%x00%ae", "-i", "--fixed-strings"]
    out = git.try_run(repo, ["log", *options, *patterns, base, "--"]) or b""
    fields = out.decode("utf-8", "replace").split("\0")
    return {experts.person(people, name, email).key for name, email in zip(fields[::2], fields[1::2])}
