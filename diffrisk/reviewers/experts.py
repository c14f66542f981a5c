"""Who knows the code a change touches: the people who last wrote its touched lines (blame at
the change's base) and who committed to its files in the year before, recent work counting more.

Excluded: the people behind the change (they cannot review it), bots and coding agents (the
provenance table: they cannot be asked), and people with no commit anywhere in the repository in
the activity period (reported apart, as departed: their knowledge is at risk).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from diffrisk.history import provenance
from diffrisk.history.commits import CommitRecord
from diffrisk.model import Expert
from diffrisk.records import field, record
from diffrisk.regex import Regex
from diffrisk.reviewers.mailmap import Mailmap
from diffrisk.reviewers.touched import MODULE, TouchedLines

#: Knowledge halves every this many days of age (benchmarks/README.md, "Who should review it").
HALF_LIFE_DAYS = 180
#: One commit to a touched file counts as this many touched lines.
COMMIT_WEIGHT = 2.0
_DAY = 86400
_BOT = Regex(r"\[bot\]|^(dependabot|renovate|pre-commit-ci|github-actions|greenkeeper|snyk-bot)\b", re.I)
_NO_REPLY = frozenset({"noreply@github.com", "action@github.com"})


@record
class Person:
    """One identity after the mailmap: its key is the lower-cased address."""

    name: str
    email: str

    @property
    def key(self) -> str:
        return self.email.strip().lower() or self.name.strip().lower()


def person(mailmap: Mailmap, name: str, email: str) -> Person:
    proper_name, proper_email = mailmap.canonical(name, email)
    return Person(proper_name, proper_email)


def is_machine(who: Person) -> bool:
    """A bot or a coding agent: nobody to ask for a review."""
    return (
        provenance.names_agent(f"{who.name} <{who.email}>")
        or bool(_BOT.search(who.name)) or "[bot]" in who.email.lower() or who.email.lower() in _NO_REPLY
    )


@record(frozen=False)
class Tally:
    person: Person
    weight: float = 0.0
    lines: int = 0
    commits: int = 0
    last: int = 0
    commit: str = ""
    #: (path, unit) -> touched lines of that unit they wrote.
    units: dict[tuple[str, str], int] = field(default_factory=dict)
    #: The raw addresses their records carry (several, when the mailmap joins them).
    addresses: set[str] = field(default_factory=set)

    def credit(self, weight: float, when: int, sha: str) -> None:
        self.weight += weight
        if when >= self.last:
            self.last, self.commit = when, sha


def rank(
    touched: Sequence[TouchedLines],
    blamed: Mapping[str, Mapping[int, str]],
    line_commits: Mapping[str, CommitRecord],
    file_commits: Iterable[CommitRecord],
    mailmap: Mailmap,
    now: int,
) -> tuple[list[Tally], dict[tuple[str, str], int], int]:
    """Everyone's tally, best first; the touched lines per (path, unit); and how many touched
    lines blame attributed.  ``now``: the base commit's date, so the same diff gives the same answer."""
    tallies: dict[str, Tally] = {}
    unit_sizes: dict[tuple[str, str], int] = {}
    attributed = 0
    for file in touched:
        lines = blamed.get(file.path, {})
        for line in file.lines:
            record = line_commits.get(lines.get(line, ""))
            if record is None:
                continue
            attributed += 1
            unit = (file.path, file.units.get(line, MODULE))
            unit_sizes[unit] = unit_sizes.get(unit, 0) + 1
            tally = _tally(tallies, mailmap, record)
            tally.credit(_decay(now - record.timestamp), record.timestamp, record.sha)
            tally.lines += 1
            tally.units[unit] = tally.units.get(unit, 0) + 1
    for record in file_commits:
        tally = _tally(tallies, mailmap, record)
        tally.credit(COMMIT_WEIGHT * _decay(now - record.timestamp), record.timestamp, record.sha)
        tally.commits += 1
    ordered = sorted(tallies.values(), key=lambda tally: (-tally.weight, tally.person.key))
    return ordered, unit_sizes, attributed


def _tally(tallies: dict[str, Tally], mailmap: Mailmap, record: CommitRecord) -> Tally:
    who = person(mailmap, record.author, record.email)
    if who.key not in tallies:
        tallies[who.key] = Tally(who)
    tallies[who.key].addresses.add(record.email)
    return tallies[who.key]


def _decay(age_seconds: int) -> float:
    return float(0.5 ** (max(age_seconds, 0) / (HALF_LIFE_DAYS * _DAY)))


def expert(tally: Tally, unit_sizes: Mapping[tuple[str, str], int], attributed: int, active: bool, now: int, files: int) -> Expert:
    share = tally.lines / attributed if attributed else 0.0
    return Expert(
        name=tally.person.name, email=tally.person.email, weight=round(tally.weight, 3), lines=tally.lines,
        share=round(share, 3), commits=tally.commits, last_change=tally.last, commit=tally.commit, active=active,
        reason=_reason(tally, unit_sizes, now, files),
    )


def _reason(tally: Tally, unit_sizes: Mapping[tuple[str, str], int], now: int, files: int) -> str:
    parts = []
    if tally.units:
        (path, unit), count = max(tally.units.items(), key=lambda item: (item[1] / unit_sizes[item[0]], item[1], item[0]))
        share = round(100 * count / unit_sizes[(path, unit)])
        where = f"of {path}" if unit == MODULE else f"of `{unit}` ({path})"
        parts.append(f"wrote {share}% of the touched lines {where}")
    if tally.commits:
        files_text = "the touched file" if files == 1 else "the touched files"
        parts.append(f"{tally.commits} {'commit' if tally.commits == 1 else 'commits'} to {files_text} in the last year")
    parts.append(f"last change {age(now - tally.last)}")
    return "; ".join(parts)


def age(seconds: int) -> str:
    """'today', '3 days ago', '3 weeks ago', '5 months ago', '2 years ago'."""
    days = max(seconds, 0) // _DAY
    for size, unit in ((365, "year"), (30, "month"), (7, "week"), (1, "day")):
        if days >= size:
            count = days // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "today"


def is_involved(who: Person, involved: Collection[Person]) -> bool:
    """Whether ``who`` is one of the people behind the change: the same address, or the same name."""
    return any(who.key == other.key or (who.name.strip() and who.name.strip().lower() == other.name.strip().lower()) for other in involved)
