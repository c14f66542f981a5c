"""Which analyzer issues the change introduced, and which it removed.

An issue on an added line is only new when the old side had no such issue to account for it:
- the same rule on the same code among the deleted lines: the code moved;
- the same rule in the same function (or both at module level) among the deleted lines: the
  line was edited and the issue stayed (a call split over lines, a result assigned).
Whatever is left over on the old side, on deleted lines, is an issue the change removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from diffrisk.model import Issue

#: (analyzer, issue) pairs.
Found = tuple[str, Issue]


@dataclass(frozen=True)
class Side:
    """The issues of one side that touch its changed lines, and how to describe where each is."""

    issues: list[Found]
    #: The stripped text of a line.
    text: Callable[[int], str]
    #: The key of the function holding a line on the new side ("<module>" outside functions).
    owner: Callable[[int], str]


def touching(results: Mapping[str, Iterable[Issue]], lines: set[int], keep: Callable[[str, Issue], bool]) -> list[Found]:
    """The issues with a line in ``lines`` that ``keep`` accepts."""
    return [
        (analyzer, issue)
        for analyzer, issues in results.items()
        for issue in issues
        if keep(analyzer, issue) and any(line in lines for line in range(issue.line, issue.end_line + 1))
    ]


def match(old: Side, new: Side) -> tuple[list[Found], list[Found]]:
    """(introduced, removed): the new-side issues the old side does not account for, and the
    old-side issues the new side does not account for."""
    introduced, removed = list(new.issues), list(old.issues)
    for describe_old, describe_new in ((old.text, new.text), (old.owner, new.owner)):
        introduced, removed = _cancel(introduced, removed, describe_new, describe_old)
    return introduced, removed


def _cancel(
    introduced: list[Found], removed: list[Found], describe_new: Callable[[int], str], describe_old: Callable[[int], str]
) -> tuple[list[Found], list[Found]]:
    """Drop pairs of a new and an old issue of the same analyzer and rule with the same description."""
    waiting: dict[tuple[str, str, str], list[int]] = {}
    for index, (analyzer, issue) in enumerate(removed):
        waiting.setdefault((analyzer, issue.rule, describe_old(issue.line)), []).append(index)
    cancelled: set[int] = set()
    kept: list[Found] = []
    for analyzer, issue in introduced:
        candidates = waiting.get((analyzer, issue.rule, describe_new(issue.line)))
        if candidates:
            cancelled.add(candidates.pop(0))
        else:
            kept.append((analyzer, issue))
    return kept, [found for index, found in enumerate(removed) if index not in cancelled]
