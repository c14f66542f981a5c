"""Who should review it: does diffrisk name, among its top three experts, the person who next
changed the code a commit wrote?

    python benchmarks/expert_eval.py --mirrors DIR --manifest FILE [--per-repo 250]
        [--repos owner/name,...] [--work DIR] [--again] [--verify 5] [--knowledge N] [--labels DIR]
        [--write-readme]

The proxy (the issue's): for a change whose lines someone other than its author modified or deleted
within 180 days, how often is that person among the experts diffrisk suggested for the change?

The cases.  For each development history (up to the manifest's head): the non-merge commits C with a
parent, committed at least 180 days before the head, that modify existing lines of non-test Python
files (add and delete lines in one such file; the labeller's test-path rule, diffrisk.paths.is_test),
modifying at most 20 non-test Python files with at most 1,000 changed lines in them (mass edits and
reformats say nothing of who knows a piece of code, and would make the blame below unaffordable).
Of those, ``--per-repo`` commits evenly spaced over the history by commit date (all of them in a
small history).

Who changed C's lines next (the right reviewers).  The later commits L: non-merge commits of
``C..head`` committed within 180 days after C that touch one of the non-test Python files C modified
and added lines to (by path: a later rename is not followed).  For each L, ``git diff -w -U0`` of the file against L's parent
gives the lines L deleted or replaced (whitespace-only edits do not count; a whole-file deletion,
usually a move, does not count), and ``git blame -w`` of those lines at L's parent tells whether C
wrote them, as SZZ does: a line blamed to C is one C added and L modified or deleted.  Blame follows
every branch, so a line is counted however L reached it.  The right reviewers are the authors of
such L, one person per identity of the ``.mailmap`` at C's parent (diffrisk.reviewers.mailmap),
less the people behind C (its author, committer and ``Co-authored-by`` people: diffrisk rules them
out as reviewers, so no method could name them) and bots and agents (experts.is_machine).  A commit
with at least one right reviewer is an evaluation case.

What each method suggests, at C's parent, from nothing later:
 (a) diffrisk's experts, by the code ``diffrisk check --commit C`` runs (commands.check): the diff
     and both sides of its files as check reads them, ``people.start`` on them, the year of commits
     to the changed Python files (``history.fixes.window``), the people behind C (check's own
     ``_people_behind``), C's author date as ``now``, ``people.finish`` with the default policy
     (active in the last 12 months, 3 experts);
 (b) the baseline: the three people with the most commits to the same files in the same year (the
     same window), most recent first among ties, after the same exclusions (the people behind C,
     bots and agents) and the same mailmap;
 (c) CODEOWNERS, where C's parent has a file: owners are GitHub logins or teams, matched to an
     identity only through a GitHub no-reply address (``N+login@users.noreply.github.com``).
A suggestion is right when it is one of the right reviewers: the same address after the mailmap,
or the same name (diffrisk's own rule for "the same person", experts.is_involved).  hit@3: a right
reviewer among the (up to) three suggestions; hit@1: the first one is right.  A method with no
suggestion misses.  The pooled difference (a) - (b) carries two 95% bootstrap intervals: paired,
resampling cases; and clustered, resampling repositories (their cases whole).

Variants, on the same cases (the blame is not run again): ``experts.HALF_LIFE_DAYS`` set to 90
and 365 in-process; ``experts.COMMIT_WEIGHT`` set to 0 and 10 (shipped: 2); only the Python files'
touched lines blamed (check blames every changed file, the changelog's lines too); and the activity
check asked with the addresses as fixed strings (``_active_fixed``: people._active escapes addresses
for Python's regular expressions, which git reads as POSIX basic ones, where ``\\+`` means "one or
more": a GitHub no-reply address never matches).

PR time.  C's committer, when another person, is usually the maintainer who applied it, and later
often edits its lines; check leaves the committer out, which on a pull request (committed by its
author) leaves out nobody more.  So the same comparison is made again with only C's author and
co-authors left out of the suggestions and of the right reviewers (``right_pr``, ``pr``).

The cost: wall time of ``people.start`` + ``people.finish`` (blame of the touched lines, the commits'
records, the mailmap, the activity check), median over the cases, next to the
``history.fixes.window`` call check makes anyway.  A few cases per repository (``--verify``) are
also scored by the whole of ``check.run``, to confirm that it names the same experts.

``--knowledge N`` (second part): for the evaluation data's fixed-seed sample of N mature labelled
commits per repository (history_eval.mature_sample), diffrisk's ``knowledge_at_risk`` (the share of
touched lines last written by people with no commit in 12 months) and the ROC-AUC for
``is_bug_inducing`` of LA (lines added to .py files, history_eval.size_baselines), of knowledge at
risk alone, and of logistic models fitted leaving each repository out: log(1 + LA) with "touched no
old line" (knowledge at risk unknown: the reference), then with knowledge at risk added.

Per-commit results are kept as JSON in ``--work``, so that a second run only recomputes tables.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import readme_block
from history_eval import mature_sample, size_baselines

from diffrisk.change import impact, pipeline
from diffrisk.commands import check
from diffrisk.config import Config
from diffrisk.diffsource import contents, git
from diffrisk.diffsource.request import DiffRequest, LoadedDiff, SourceKind, load_diff
from diffrisk.errors import DiffriskError
from diffrisk.history import commits, fixes, provenance
from diffrisk.model import ChangeKind, Reviewers, line_runs
from diffrisk.paths import is_python, is_test
from diffrisk.reviewers import blame, experts, mailmap, people

HERE = Path(__file__).resolve().parent
DAY = 86400
#: A later change counts when it comes at most this long after the commit.
HORIZON_DAYS = 180
#: Commits beyond these sizes (non-test Python files, changed lines) are not sampled.
MAX_FILES = 20
MAX_LINES = 1000
TOP = 3
HALF_LIVES = (90, 180, 365)
#: experts.COMMIT_WEIGHT tried besides the shipped 2.0: 0 ranks by the blamed lines alone (the
#: year's committers only after them), 10 mostly by the commits.
COMMIT_WEIGHTS = (0.0, 10.0)
SEED = 20261201
BOOTSTRAP = 2000
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+")
_NO_REPLY = re.compile(r"^(?:\d+\+)?([^@+]+)@users\.noreply\.github\.com$", re.I)

Case = dict[str, Any]


# -- the commits to judge ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    sha: str
    committed: int
    #: The non-test Python files it modifies and adds lines to (paths at C).
    files: tuple[str, ...]


def candidates(repo: git.Repo, head: str) -> list[Candidate]:
    """Non-merge commits up to ``head``, oldest first, that modify existing lines of non-test
    Python files (adding and deleting lines in one), within the size limits, at least
    HORIZON_DAYS older than ``head``."""
    head_time = int(git.run(repo, ["log", "-1", "--format=%ct", head]).strip())
    out = git.run(
        repo, ["log", "--no-merges", "--no-renames", "--diff-filter=M", "--numstat", "--format=%x01%H %P%x00%ct", head, "--", "*.py"],
    ).decode("utf-8", "surrogateescape")
    found = []
    for record in out.split("\x01")[1:]:
        header, _, body = record.partition("\n")
        ids, _, when = header.partition("\x00")
        sha, *parents = ids.split()
        if not parents or int(when) > head_time - HORIZON_DAYS * DAY:
            continue
        files, modified, lines = [], False, 0
        for line in body.splitlines():
            parts = line.split("\t", 2)
            if len(parts) != 3 or parts[0] == "-" or is_test(parts[2]) or not is_python(parts[2]):
                continue
            added, deleted = int(parts[0]), int(parts[1])
            lines += added + deleted
            if added:
                files.append(parts[2])
                modified = modified or bool(deleted)
        if modified and len(files) <= MAX_FILES and lines <= MAX_LINES:
            found.append(Candidate(sha, int(when), tuple(files)))
    return sorted(found, key=lambda candidate: (candidate.committed, candidate.sha))


def evenly(items: Sequence[Candidate], count: int) -> list[Candidate]:
    if len(items) <= count:
        return list(items)
    return [items[int((index + 0.5) * len(items) / count)] for index in range(count)]


# -- who changed its lines next ------------------------------------------------------------------


def read_mailmap(repo: git.Repo, revision: str) -> mailmap.Mailmap:
    found = git.read_blobs(repo, [f"{revision}:.mailmap"], 1_000_000)
    return mailmap.parse((found.get(f"{revision}:.mailmap") or b"").decode("utf-8", "replace"))


def behind(record: commits.CommitRecord, people_map: mailmap.Mailmap, committer: bool = True) -> list[experts.Person]:
    """The people behind a commit: author, committer, co-authors (as check's _people_behind);
    without the committer when ``committer`` is False."""
    raw = [(record.author, record.email), *provenance.co_authors(record.message)]
    if committer:
        raw.append((record.committer, record.committer_email))
    return [experts.person(people_map, name, email) for name, email in raw]


def deleted_lines(patch: str) -> dict[str, list[int]]:
    """Old-side lines each file of a ``-U0`` patch deletes or replaces (deleted files left out)."""
    found: dict[str, list[int]] = {}
    current: str | None = None
    old: str | None = None
    for line in patch.split("\n"):
        if line.startswith("--- "):
            old = _patch_path(line[4:])
        elif line.startswith("+++ "):
            current = old if line[4:] != "/dev/null" else None
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                first, count = int(match.group(1)), int(match.group(2) or "1")
                found.setdefault(current, []).extend(range(first, first + count))
    return {path: lines for path, lines in found.items() if lines}


def _patch_path(text: str) -> str | None:
    if text == "/dev/null":
        return None
    if text.startswith('"'):
        text = text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
    return text[2:] if text.startswith(("a/", "b/")) else text


def next_changers(repo: git.Repo, head: str, candidate: Candidate) -> Case:
    """The right reviewers of ``candidate`` (module docstring), with what was counted on the way:
    ``right`` leaves out everyone behind C; ``right_pr`` only its author and co-authors (C's
    committer, when another person, stays: see ``PR time`` in the module docstring)."""
    record = commits.listed(repo, [candidate.sha])[candidate.sha]
    parent = record.parents[0]
    people_map = read_mailmap(repo, parent)
    involved = behind(record, people_map)
    authors = behind(record, people_map, committer=False)
    until = candidate.committed + HORIZON_DAYS * DAY
    out = git.run(repo, [
        "log", "--no-merges", "--no-renames", "-w", "-U0", "-p", "--no-ext-diff", "--format=%x01%H%x00%an%x00%ae%x00%ct%x00",
        f"--max-age={candidate.committed}", f"--min-age={until}", f"{candidate.sha}..{head}", "--",
        *(f":(literal){path}" for path in candidate.files),
    ]).decode("utf-8", "surrogateescape")
    changed: dict[str, experts.Person] = {}
    later, blames = 0, 0
    for chunk in out.split("\x01")[1:]:
        sha, name, email, _, patch = chunk.split("\x00", 4)
        later += 1
        who = experts.person(people_map, name, email)
        if experts.is_machine(who) or who.key in changed or experts.is_involved(who, authors):
            continue
        lines = deleted_lines(patch)
        if not lines:
            continue
        blames += 1
        found = blame.start(repo, f"{sha}^", {path: list(line_runs(numbers)) for path, numbers in lines.items()}).collect()
        if any(commit == candidate.sha for numbers in found.lines.values() for commit in numbers.values()):
            changed[who.key] = who
    right = [who for who in changed.values() if not experts.is_involved(who, involved)]
    return {
        "sha": candidate.sha, "files": list(candidate.files), "later": later, "blames": blames,
        "right": [[who.name, who.email] for who in right],
        "right_pr": [[who.name, who.email] for who in changed.values()],
        "by_involved": bool(changed) and not right,
    }


# -- what each method suggests -------------------------------------------------------------------


class _Done(blame.Pending):
    """Blame already collected, for ranking the same change again (another half-life)."""

    def __init__(self, blamed: blame.Blamed) -> None:
        super().__init__({})
        self._blamed = blamed

    def collect(self) -> blame.Blamed:
        return self._blamed


@dataclass(frozen=True)
class Inputs:
    """What check hands people.start and people.finish for one commit."""

    loaded: LoadedDiff
    request: DiffRequest
    config: Config
    sides: Mapping[str, impact.Sides]
    #: The changed files' contents, by index in the diff.
    found: Mapping[int, contents.FileContents]
    window: list[commits.CommitRecord]
    involved: list[tuple[str, str]]
    #: The same without the committers: who is behind the change while it is a pull request.
    authors: list[tuple[str, str]]
    now: int
    window_seconds: float

    @property
    def paths(self) -> list[str]:
        return [change.path for change in self.loaded.diff.files]


def inputs(repo: git.Repo, sha: str) -> Inputs:
    """The steps of commands.check.score that the reviewers need, with the same arguments."""
    config = Config()
    request = DiffRequest(SourceKind.COMMIT, sha)
    loaded = load_diff(request, repo, b"")
    assert loaded.base is not None and loaded.target is not None
    wanted = pipeline.files_needing_contents(loaded.diff, config)
    found, available = contents.load_contents(
        request, repo, loaded.diff, wanted, loaded.in_repository, config.max_file_bytes, loaded.target, loaded.base
    )
    sides = check._python_sides(loaded, found if available else {})
    records = commits.of_change(repo, loaded.base, loaded.target, True)
    # check._with_history: the changed Python files that existed before, as the base names them.
    touched = list(dict.fromkeys(
        change.old_path if change.kind in (ChangeKind.RENAMED, ChangeKind.COPIED) and change.old_path else change.path
        for change in loaded.diff.files if is_python(change.path) and change.kind not in (ChangeKind.ADDED, ChangeKind.DELETED)
    ))
    clock = time.perf_counter()
    window = fixes.window(repo, loaded.base, touched)
    if any(not record.parents for record in window) and git.is_shallow(repo):
        window = [record for record in window if record.parents]  # as check drops a shallow clone's boundary
    window_seconds = time.perf_counter() - clock
    authors = list(dict.fromkeys(
        [(record.author, record.email) for record in records]
        + [identity for record in records for identity in provenance.co_authors(record.message)]
    ))
    return Inputs(
        loaded, request, config, sides, found if available else {}, window, check._people_behind(records, []), authors,
        records[0].timestamp, window_seconds,
    )


def suggestions(repo: git.Repo, sha: str) -> dict[str, Any]:
    """(a) for each half-life, (b), (c) and the costs, for commit ``sha`` at its parent."""
    given = inputs(repo, sha)
    loaded, config, window, involved, now = given.loaded, given.config, given.window, given.involved, given.now
    window_seconds = given.window_seconds
    assert loaded.base is not None
    clock = time.perf_counter()
    started = check._start_reviewers(repo, loaded, given.request, config, given.sides, given.found)
    assert started is not None
    blamed = started.pending.collect()
    again = people.Started(started.base, started.touched, _Done(blamed))
    ranked: dict[int, Reviewers] = {}
    default = experts.HALF_LIFE_DAYS
    ranked[default] = people.finish(
        repo, again, window, involved, given.paths, now,
        config.reviewers.active_months, config.reviewers.max_experts,
    )
    cost = time.perf_counter() - clock
    try:
        for half_life in HALF_LIVES:
            if half_life in ranked:
                continue
            experts.HALF_LIFE_DAYS = half_life
            ranked[half_life] = people.finish(
                repo, again, window, involved, given.paths, now,
                config.reviewers.active_months, config.reviewers.max_experts,
            )
    finally:
        experts.HALF_LIFE_DAYS = default
    variants = {}
    weight = experts.COMMIT_WEIGHT
    try:
        for commit_weight in COMMIT_WEIGHTS:
            experts.COMMIT_WEIGHT = commit_weight
            variants[f"commit-weight-{commit_weight:g}"] = people.finish(
                repo, again, window, involved, given.paths, now, config.reviewers.active_months, config.reviewers.max_experts
            )
    finally:
        experts.COMMIT_WEIGHT = weight
    # Variant: only the Python files' touched lines blamed (check blames every changed file).
    python = []
    for index, change in enumerate(loaded.diff.files):
        if is_python(change.path):
            held = given.found.get(index)
            old = given.sides.get(change.path, (None, None))[0]
            python.append((change, check._old_functions(change.path, old, held.old_id if held else None)))
    if len(python) < len(loaded.diff.files):
        only = people.start(repo, loaded.base, python)
        variants["python"] = people.finish(
            repo, only, window, involved, given.paths, now, config.reviewers.active_months, config.reviewers.max_experts
        )
    else:
        variants["python"] = ranked[default]
    # Variant: who is active, asked with addresses as fixed strings (people._active's regex misses "+").
    original = people._active
    try:
        people._active = _active_fixed
        variants["active-fixed"] = people.finish(
            repo, again, window, involved, given.paths, now, config.reviewers.active_months, config.reviewers.max_experts
        )
    finally:
        people._active = original
    # PR time: the committer is not left out (module docstring).
    variants["pr"] = people.finish(
        repo, again, window, given.authors, given.paths, now, config.reviewers.active_months, config.reviewers.max_experts
    )
    people_map = read_mailmap(repo, loaded.base)
    reviewers = ranked[default]
    return {
        "experts": {
            **{str(days): [[expert.name, expert.email] for expert in found.experts] for days, found in ranked.items()},
            **{name: [[expert.name, expert.email] for expert in found.experts] for name, found in variants.items()},
        },
        "knowledge_at_risk_fixed": variants["active-fixed"].knowledge_at_risk,
        "departed": len(reviewers.departed),
        "frequent": most_frequent(window, people_map, involved),
        "frequent_pr": most_frequent(window, people_map, given.authors),
        "codeowners": reviewers.codeowners,
        "owners": sorted({
            owner for owned in reviewers.owners if is_python(owned.path) and not is_test(owned.path) for owner in owned.owners
        }),
        "touched_lines": reviewers.touched_lines,
        "knowledge_at_risk": reviewers.knowledge_at_risk,
        "cost": cost, "window_cost": window_seconds,
    }


def most_frequent(window: Iterable[commits.CommitRecord], people_map: mailmap.Mailmap, out: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The baseline: the TOP authors of the most commits in ``window``, the latest first among
    ties, leaving out ``out``, bots and agents."""
    behind_it = [experts.person(people_map, name, email) for name, email in out]
    frequent: dict[str, tuple[experts.Person, int, int]] = {}
    for record in window:
        who = experts.person(people_map, record.author, record.email)
        if experts.is_machine(who) or experts.is_involved(who, behind_it):
            continue
        _, count, last = frequent.get(who.key, (who, 0, 0))
        frequent[who.key] = (who, count + 1, max(last, record.timestamp))
    ranked = sorted(frequent.values(), key=lambda entry: (-entry[1], -entry[2], entry[0].key))
    return [[who.name, who.email] for who, _, _ in ranked[:TOP]]


def _active_fixed(
    repo: git.Repo, base: str, cutoff: int, undecided: Sequence[experts.Tally], people: mailmap.Mailmap
) -> set[str]:
    """people._active with the addresses matched as fixed strings (``-F``) instead of escaped
    for Python's regular expressions, which git reads as POSIX basic ones (``\\+`` is "one or more")."""
    if not undecided:
        return set()
    addresses = sorted({address for tally in undecided for address in tally.addresses})
    patterns = [f"--author=<{address}>" for address in addresses]
    out = git.try_run(
        repo, ["log", "-z", "--no-mailmap", f"--max-age={cutoff}", "--format=%an%x00%ae", "-i", "-F", *patterns, base, "--"]
    ) or b""
    fields = out.decode("utf-8", "replace").split("\0")
    return {experts.person(people, name, email).key for name, email in zip(fields[::2], fields[1::2])}


def agrees(repo: git.Repo, sha: str, named: Sequence[Sequence[str]]) -> bool:
    """Whether the whole of ``diffrisk check --commit`` (in this process) names the same experts."""
    report = check.run(DiffRequest(SourceKind.COMMIT, sha), repo, Config())
    found = [[expert.name, expert.email] for expert in (report.reviewers.experts if report.reviewers else ())]
    if found != [list(pair) for pair in named]:
        print(f"  {sha[:12]}: check names {found}, this script {named}", file=sys.stderr)
    return found == [list(pair) for pair in named]


# -- judging -------------------------------------------------------------------------------------


def _persons(pairs: Iterable[Sequence[str]]) -> list[experts.Person]:
    return [experts.Person(name, email) for name, email in pairs]


def hits(suggested: Sequence[Sequence[str]], right: Sequence[Sequence[str]]) -> tuple[float, float]:
    """(hit@1, hit@3) of a list of suggestions, best first."""
    truth = _persons(right)
    said = _persons(suggested)
    first = bool(said) and experts.is_involved(said[0], truth)
    return float(first), float(any(experts.is_involved(who, truth) for who in said[:TOP]))


def owner_hits(case: Case) -> float | None:
    """1.0 when an owner of C's non-test Python files is a right reviewer (logins matched through
    a right reviewer's GitHub no-reply address, or an owner written as an address); None when
    those files have no owner.  Owners come unordered, so there is no hit@1."""
    owners = case["suggested"]["owners"]
    if not owners:
        return None
    names = set()
    for _, email in case["right"]:
        names.add(email.strip().lower())
        match = _NO_REPLY.match(email.strip())
        if match:
            names.add(f"@{match.group(1).lower()}")
    return float(any(owner.lower() in names for owner in owners))


Method = Callable[[Case], tuple[float, float]]


def experts_of(variant: str = "180", right: str = "right") -> Method:
    return lambda case: hits(case["suggested"]["experts"][variant], case[right])


def frequent_of(key: str = "frequent", right: str = "right") -> Method:
    return lambda case: hits(case["suggested"][key], case[right])


#: The experts' variants, ranked on the same cases: half-lives, and two changes to the code.
VARIANTS = {
    "90": "half-life 90 days",
    "180": "half-life 180 days (shipped)",
    "365": "half-life 365 days",
    "commit-weight-0": "180 days, COMMIT_WEIGHT 0 (blamed lines first)",
    "commit-weight-10": "180 days, COMMIT_WEIGHT 10 (mostly commits)",
    "python": "180 days, only the Python files' touched lines blamed",
    "active-fixed": "180 days, activity asked with the addresses as fixed strings",
}


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def paired_interval(differences: Sequence[float]) -> tuple[float, float]:
    generator = random.Random(SEED)
    count = len(differences)
    means = sorted(sum(differences[generator.randrange(count)] for _ in range(count)) / count for _ in range(BOOTSTRAP))
    return means[int(0.025 * BOOTSTRAP)], means[int(0.975 * BOOTSTRAP) - 1]


def cluster_interval(groups: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Resample repositories whole; the statistic is the pooled mean over the drawn cases."""
    generator = random.Random(SEED)
    means = []
    for _ in range(BOOTSTRAP):
        drawn = [groups[generator.randrange(len(groups))] for _ in groups]
        total = sum(len(group) for group in drawn)
        means.append(sum(sum(group) for group in drawn) / total if total else 0.0)
    means.sort()
    return means[int(0.025 * BOOTSTRAP)], means[int(0.975 * BOOTSTRAP) - 1]


def _rates(cases: Sequence[Case], method: Method) -> tuple[float, float]:
    results = [method(case) for case in cases]
    return _mean(result[0] for result in results), _mean(result[1] for result in results)


def differences(groups: Sequence[Sequence[Case]], ours: Method, theirs: Method) -> str:
    """Pooled mean difference of hit@3 and hit@1, with the two bootstrap intervals."""
    pooled = [case for cases in groups for case in cases]
    text = ""
    for index, measure in ((1, "hit@3"), (0, "hit@1")):
        each = [ours(case)[index] - theirs(case)[index] for case in pooled]
        low, high = paired_interval(each)
        clustered = cluster_interval([[ours(case)[index] - theirs(case)[index] for case in cases] for cases in groups])
        text += (
            f"- {measure}: {_mean(each):+.3f}, cases [{low:+.3f}, {high:+.3f}], "
            f"repositories [{clustered[0]:+.3f}, {clustered[1]:+.3f}]\n"
        )
    return text


def table(per_repo: Mapping[str, Sequence[Case]], sampled: Mapping[str, int]) -> str:
    judged = {repo: [case for case in cases if case["right"] and "suggested" in case] for repo, cases in per_repo.items()}
    groups = [cases for cases in judged.values() if cases]
    pooled = [case for cases in groups for case in cases]
    ours, theirs = experts_of(), frequent_of()
    lines = [
        "| repository | sampled | cases | experts hit@1 | experts hit@3 | frequent hit@1 | frequent hit@3 | "
        "experts named | CODEOWNERS cases |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, count: int, cases: Sequence[Case], bold: bool = False) -> str:
        mark = "**" if bold else ""
        cells = [f"{mark}{value:.3f}{mark}" for method in (ours, theirs) for value in _rates(cases, method)]
        named = _mean(float(bool(case["suggested"]["experts"]["180"])) for case in cases)
        owned = sum(1 for case in cases if case["suggested"]["owners"])
        with_file = sum(1 for case in cases if case["suggested"]["codeowners"])
        return f"| {name} | {count} | {len(cases)} | " + " | ".join(cells) + f" | {named:.2f} | {owned} of {with_file} |"

    for repo, cases in judged.items():
        lines.append(row(repo, sampled[repo], cases) if cases else f"| {repo} | {sampled[repo]} | 0 | | | | | | |")
    lines.append(row("**pooled**", sum(sampled.values()), pooled, bold=True))
    medians = [
        f"{statistics.median(_rates(cases, method)[index] for cases in groups):.3f}" for method in (ours, theirs) for index in (0, 1)
    ]
    lines.append("| median over repositories | | | " + " | ".join(medians) + " | | |")
    text = "\n".join(lines) + "\n\n"
    text += "experts minus frequent, pooled (95% bootstrap intervals: paired over cases; clustered over repositories):\n\n"
    text += differences(groups, ours, theirs)
    text += "\nVariants of the experts' ranking on the same cases:\n\n"
    text += "| variant | pooled hit@1 | pooled hit@3 | median hit@1 | median hit@3 |\n|---|---:|---:|---:|---:|\n"
    for variant, label in VARIANTS.items():
        method = experts_of(variant)
        per = [_rates(cases, method) for cases in groups]
        both = _rates(pooled, method)
        text += (
            f"| {label} | {both[0]:.3f} | {both[1]:.3f} | {statistics.median(r[0] for r in per):.3f} | "
            f"{statistics.median(r[1] for r in per):.3f} |\n"
        )
    at_pr = [[case for case in cases if case.get("right_pr") and "suggested" in case] for cases in per_repo.values()]
    at_pr = [cases for cases in at_pr if cases]
    everything = [case for cases in at_pr for case in cases]
    pr_ours, pr_theirs = experts_of("pr", "right_pr"), frequent_of("frequent_pr", "right_pr")
    if everything:
        mine, other = _rates(everything, pr_ours), _rates(everything, pr_theirs)
        text += (
            f"\nAt pull-request time (C's committer, when another person, neither left out of the suggestions nor of the "
            f"right reviewers): {len(everything)} cases; experts hit@1 {mine[0]:.3f}, hit@3 {mine[1]:.3f}; frequent hit@1 "
            f"{other[0]:.3f}, hit@3 {other[1]:.3f}. experts minus frequent:\n\n" + differences(at_pr, pr_ours, pr_theirs)
        )
    owned_cases = [case for case in pooled if case["suggested"]["owners"]]
    matched = [result for case in owned_cases if (result := owner_hits(case)) is not None]
    text += (
        f"\nCODEOWNERS: {sum(1 for case in pooled if case['suggested']['codeowners'])} cases had a CODEOWNERS file at the "
        f"parent, {len(owned_cases)} of them with an owner for a changed non-test Python file"
    )
    if owned_cases:
        text += f"; an owner was a right reviewer in {_mean(matched):.3f} of those (logins matched through no-reply addresses only)"
    text += ".\n"
    costs = sorted(case["suggested"]["cost"] for case in pooled)
    windows = [case["suggested"]["window_cost"] for case in pooled]
    if costs:
        text += (
            f"\nCost per commit, `people.start` + `people.finish`: median {1000 * statistics.median(costs):.0f} ms, "
            f"90th percentile {1000 * costs[int(0.9 * (len(costs) - 1))]:.0f} ms, max {1000 * costs[-1]:.0f} ms "
            f"(the year's window of commits, which check reads anyway: median {1000 * statistics.median(windows):.0f} ms).\n"
        )
    verified = [case["agrees"] for cases in per_repo.values() for case in cases if "agrees" in case]
    text += (
        f"\nThe experts above are those the whole of `diffrisk check --commit` names: compared on {len(verified)} cases "
        f"(the first few of each repository), {sum(verified)} identical.\n"
    )
    failed = sum(1 for cases in per_repo.values() for case in cases if "error" in case)
    if failed:
        text += f"\nCases left out because git could not read the diff (a blob missing from the snapshot): {failed}.\n"
    return text


# -- knowledge at risk ---------------------------------------------------------------------------


def knowledge_rows(repo: git.Repo, git_dir: Path, labels: Path, size: int) -> list[dict[str, Any]]:
    rows = mature_sample(labels, size)
    shas = [row["sha"] for row in rows]
    sizes = size_baselines(git_dir, shas)
    found = []
    for row in rows:
        try:
            risk, fixed = _knowledge_at_risk(repo, row["sha"])
        except (DiffriskError, KeyError, IndexError) as error:
            print(f"  {row['sha'][:12]}: {error}", file=sys.stderr)
            continue
        found.append({
            "sha": row["sha"], "bug": int(row["is_bug_inducing"]), "la": sizes.get(row["sha"], (0, 0, 0))[0], "risk": risk,
            "fixed": fixed,
        })
    return found


def _knowledge_at_risk(repo: git.Repo, sha: str) -> tuple[float | None, float | None]:
    """Knowledge at risk as check reports it, and with the activity asked with fixed strings."""
    given = inputs(repo, sha)
    started = check._start_reviewers(repo, given.loaded, given.request, given.config, given.sides, given.found)
    assert started is not None
    again = people.Started(started.base, started.touched, _Done(started.pending.collect()))
    found = []
    original = people._active
    try:
        for active in (original, _active_fixed):
            people._active = active
            reviewers = people.finish(
                repo, again, given.window, given.involved, given.paths, given.now,
                given.config.reviewers.active_months, given.config.reviewers.max_experts,
            )
            found.append(reviewers.knowledge_at_risk)
    finally:
        people._active = original
    return found[0], found[1]


def _features(row: Mapping[str, Any], key: str | None = "risk") -> list[float]:
    """log(1 + LA), whether the change touched no old line, and (``key``) its knowledge at risk."""
    risk = row.get(key or "risk")
    features = [math.log1p(row["la"]), 1.0 if risk is None else 0.0]
    return features + ([0.0 if risk is None else float(risk)] if key else [])


def fit_logistic(rows: Sequence[Sequence[float]], labels: Sequence[int], steps: int = 50, ridge: float = 1e-3) -> list[float]:
    """Maximum-likelihood logistic regression (intercept first) by Newton's method, with a
    little ridge so that a feature that never varies does not break the solve."""
    width = len(rows[0]) + 1
    weights = [0.0] * width
    for _ in range(steps):
        gradient = [0.0] * width
        hessian = [[0.0] * width for _ in range(width)]
        for row, label in zip(rows, labels):
            x = [1.0, *row]
            p = 1.0 / (1.0 + math.exp(-max(min(sum(w * v for w, v in zip(weights, x)), 30.0), -30.0)))
            for i in range(width):
                gradient[i] += (label - p) * x[i]
                for j in range(width):
                    hessian[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(width):
            gradient[i] -= ridge * weights[i]
            hessian[i][i] += ridge
        step = _solve(hessian, gradient)
        weights = [w + s for w, s in zip(weights, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return weights


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting."""
    size = len(vector)
    augmented = [row[:] + [value] for row, value in zip(matrix, vector)]
    for column in range(size):
        pivot = max(range(column, size), key=lambda row: abs(augmented[row][column]))
        augmented[column], augmented[pivot] = augmented[pivot], augmented[column]
        for row in range(column + 1, size):
            factor = augmented[row][column] / augmented[column][column]
            for k in range(column, size + 1):
                augmented[row][k] -= factor * augmented[column][k]
    solution = [0.0] * size
    for row in reversed(range(size)):
        solution[row] = (augmented[row][size] - sum(augmented[row][k] * solution[k] for k in range(row + 1, size))) / augmented[row][row]
    return solution


def knowledge_table(per_repo: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """Per repository: ROC-AUC for is_bug_inducing of LA, of knowledge at risk alone, and of
    logistic models fitted on the other repositories: LA with "touched no old line" (the
    reference), and that with knowledge at risk (as shipped, and with the activity asked with
    fixed strings)."""
    from diffrisk.scoring.evaluation import auc

    lines = [
        "| repository | commits | bug-inducing | touched old lines | mean knowledge at risk (bug / other) | LA | knowledge at risk "
        "| LA + none touched | + knowledge at risk | the same, activity fixed |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    models: dict[str, str | None] = {"reference": None, "both": "risk", "both-fixed": "fixed"}
    names = ("la", "risk", *models)
    columns: dict[str, list[float]] = {name: [] for name in names}
    for repo, rows in per_repo.items():
        train = [row for other, others in per_repo.items() if other != repo for row in others]
        labels = [row["bug"] for row in rows]
        values = {
            "la": auc([float(row["la"]) for row in rows], labels),
            "risk": auc([float(row["risk"] or 0.0) for row in rows], labels),
        }
        for name, key in models.items():
            weights = fit_logistic([_features(row, key) for row in train], [row["bug"] for row in train])
            values[name] = auc([sum(w * v for w, v in zip(weights, [1.0, *_features(row, key)])) for row in rows], labels)
        known = [row for row in rows if row["risk"] is not None]
        bug = _mean(row["risk"] for row in known if row["bug"])
        other = _mean(row["risk"] for row in known if not row["bug"])
        cells = []
        for name in names:
            value = values[name]
            if value is not None:
                columns[name].append(value)
            cells.append("" if value is None else f"{value:.3f}")
        lines.append(f"| {repo} | {len(rows)} | {sum(labels)} | {len(known)} | {bug:.3f} / {other:.3f} | " + " | ".join(cells) + " |")
    lines.append("| **median** | | | | | " + " | ".join(f"**{statistics.median(columns[name]):.3f}**" for name in names) + " |")
    text = "\n".join(lines) + "\n\n"
    everything = [row for rows in per_repo.values() for row in rows]
    for name, against in (("reference", "la"), ("both", "reference"), ("both-fixed", "reference")):
        shift = [mine - theirs for mine, theirs in zip(columns[name], columns[against])]
        full = fit_logistic([_features(row, models[name]) for row in everything], [row["bug"] for row in everything])
        interval = cluster_interval([[value] for value in shift])
        fitted = f"log(1 + LA) {full[1]:+.3f}, none touched {full[2]:+.3f}"
        if len(full) > 3:
            fitted += f", knowledge at risk {full[3]:+.3f}"
        label = {"reference": "LA + none touched minus LA", "both": "adding knowledge at risk",
                 "both-fixed": "adding knowledge at risk (activity fixed)"}[name]
        text += (
            f"- {label}, per repository: median {statistics.median(shift):+.4f}, mean {_mean(shift):+.4f} "
            f"[{interval[0]:+.4f}, {interval[1]:+.4f}] (95%, repositories resampled), higher in "
            f"{sum(1 for value in shift if value > 0)} of {len(shift)}, lower in {sum(1 for value in shift if value < 0)}; "
            f"weights fitted on all repositories: {fitted}\n"
        )
    return text


# -- the run -------------------------------------------------------------------------------------


def evaluate(repo_name: str, head: str, args: argparse.Namespace) -> tuple[list[Case], int]:
    slug = repo_name.replace("/", "+")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cache = work / f"{slug}.{args.per_repo}.json"
    if cache.exists() and not args.again:
        stored = json.loads(cache.read_text())
        return stored["cases"], stored["sampled"]
    repo = git.Repo(git_dir=str(Path(args.mirrors) / slug / "repo"))
    started = time.monotonic()
    chosen = evenly(candidates(repo, head), args.per_repo)
    cases: list[Case] = []
    for candidate in chosen:
        case = next_changers(repo, head, candidate)
        if case["right_pr"]:
            try:
                case["suggested"] = suggestions(repo, candidate.sha)
            except DiffriskError as error:
                # A snapshot can lack a big blob: check could not read this diff either.
                print(f"  {candidate.sha[:12]}: {error}", file=sys.stderr)
                case["error"] = str(error)
                cases.append(case)
                continue
            if sum(1 for done in cases if "agrees" in done) < args.verify:
                case["agrees"] = agrees(repo, candidate.sha, case["suggested"]["experts"][str(experts.HALF_LIFE_DAYS)])
        cases.append(case)
    cache.write_text(json.dumps({"cases": cases, "sampled": len(chosen)}))
    judged = sum(1 for case in cases if case["right"])
    print(f"{repo_name}: {len(chosen)} sampled, {judged} cases, {time.monotonic() - started:.0f} s", file=sys.stderr)
    return cases, len(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--mirrors", required=True, help="bare clones as owner+name/repo")
    parser.add_argument("--manifest", required=True, help="the development set's manifest.json")
    parser.add_argument("--per-repo", type=int, default=250, help="commits sampled per repository")
    parser.add_argument("--repos", help="comma-separated owner/name list (default: the manifest)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "diffrisk-experts"))
    parser.add_argument("--again", action="store_true", help="recompute even when --work has the results")
    parser.add_argument("--verify", type=int, default=5, help="cases per repository checked against the whole of check")
    parser.add_argument("--knowledge", type=int, default=0, help="labelled mature commits per repository for knowledge at risk")
    parser.add_argument("--labels", help="the labels' folder (default: the manifest's)")
    parser.add_argument("--write-readme", action="store_true", help="put the tables into benchmarks/README.md")
    args = parser.parse_args(argv)
    manifest = json.loads(Path(args.manifest).read_text())
    heads = {entry["repo"]: entry["head"] for entry in manifest}
    names = args.repos.split(",") if args.repos else list(heads)
    per_repo: dict[str, list[Case]] = {}
    sampled: dict[str, int] = {}
    for name in names:
        per_repo[name], sampled[name] = evaluate(name, heads[name], args)
    report = table(per_repo, sampled)
    if args.knowledge:
        labels = Path(args.labels) if args.labels else Path(args.manifest).parent
        rows: dict[str, list[dict[str, Any]]] = {}
        for name in names:
            slug = name.replace("/", "+")
            cache = Path(args.work) / f"{slug}.knowledge.{args.knowledge}.json"
            if not cache.exists() or args.again:
                started = time.monotonic()
                git_dir = Path(args.mirrors) / slug / "repo"
                found = knowledge_rows(git.Repo(git_dir=str(git_dir)), git_dir, labels / f"{slug}.csv", args.knowledge)
                cache.write_text(json.dumps(found))
                print(f"{name}: knowledge at risk of {len(found)} commits, {time.monotonic() - started:.0f} s", file=sys.stderr)
            rows[name] = json.loads(cache.read_text())
        report += "\n### Does knowledge at risk add to size? (`--knowledge`)\n\n" + knowledge_table(rows)
    print(report)
    if args.write_readme:
        from diffrisk import __version__

        readme_block.write("expert-eval", f"{time.strftime('%Y-%m-%d')}, diffrisk {__version__}", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
