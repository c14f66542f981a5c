"""Which analyzer issues the change introduced, and which it removed.

An issue on an added line is only new when the old side had no such issue to account for it:
- the same rule on the same code in the same function among the deleted lines: a line rewritten as it was;
- the same rule in the same function or class among the deleted lines: the line was edited and
  the issue stayed (a call split over lines, a result assigned);
- the same rule on the same code elsewhere among the deleted lines: the code moved.
Issues must also agree on severity and confidence: an issue that got worse is a new issue.
Whatever is left over on the old side, on deleted lines, is an issue the change removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set

from diffrisk.model import Issue
from diffrisk.records import record

#: (analyzer, issue) pairs.
Found = tuple[str, Issue]


@record
class Side:
    """The issues of one side that touch its changed lines, and how to describe where each is."""

    issues: list[Found]
    #: The stripped code of an issue's lines, with what it depends on (None: it matches nothing).
    text: Callable[[Issue], str | None]
    #: The key of the function or class holding an issue, in new-side terms (None: module level,
    #: where "the same place" cannot be told, so only the code text can match).
    owner: Callable[[Issue], str | None]


def touching(results: Mapping[str, Iterable[Issue]], lines: Set[int], keep: Callable[[str, Issue], bool]) -> list[Found]:
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
    passes: tuple[tuple[Callable[[Issue], str | None], Callable[[Issue], str | None]], ...] = (
        (_both(old), _both(new)),  # the same code in the same function: nothing happened to it
        (old.owner, new.owner),  # the same function, other code: the line was edited, the issue stayed
        (old.text, new.text),  # the same code in another function: it moved
    )
    for describe_old, describe_new in passes:
        introduced, removed = _cancel(introduced, removed, describe_new, describe_old)
    return introduced, removed


def _both(side: Side) -> Callable[[Issue], str | None]:
    def describe(issue: Issue) -> str | None:
        owner, text = side.owner(issue), side.text(issue)
        return None if owner is None or text is None else f"{owner}\n{text}"

    return describe


def _cancel(
    introduced: list[Found],
    removed: list[Found],
    describe_new: Callable[[Issue], str | None],
    describe_old: Callable[[Issue], str | None],
) -> tuple[list[Found], list[Found]]:
    """Drop pairs of a new and an old issue of the same analyzer, rule, severity and confidence
    with the same description (a worse severity is a different issue)."""
    waiting: dict[tuple[str, str, str, str | None, str], list[int]] = {}
    for index, (analyzer, issue) in enumerate(removed):
        description = describe_old(issue)
        if description is not None:
            key = (analyzer, issue.rule, issue.severity.value, issue.confidence, description)
            waiting.setdefault(key, []).append(index)
    cancelled: set[int] = set()
    kept: list[Found] = []
    for analyzer, issue in introduced:
        description = describe_new(issue)
        key = (analyzer, issue.rule, issue.severity.value, issue.confidence, description or "")
        candidates = waiting.get(key) if description is not None else None
        if candidates:
            cancelled.add(candidates.pop(0))
        else:
            kept.append((analyzer, issue))
    return kept, [found for index, found in enumerate(removed) if index not in cancelled]
