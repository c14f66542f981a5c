"""change.issue_matching: which issues a change introduced and which it removed."""

from __future__ import annotations

from collections.abc import Mapping

from diffrisk.change.issue_matching import Found, Side, match, touching
from diffrisk.model import Issue, Severity


def issue(rule: str, line: int, severity: Severity = Severity.HIGH, confidence: str = "high") -> Issue:
    return Issue(rule, line, line, severity, f"{rule} message", confidence=confidence)


def side(found: list[Issue], code: Mapping[int, str], owners: Mapping[int, str | None]) -> Side:
    """A side whose issues sit on lines of ``code``, inside the functions ``owners`` names."""
    return Side([("security", item) for item in found], lambda item: code[item.line], lambda item: owners[item.line])


def rules_of(found: list[Found]) -> list[tuple[str, int]]:
    return [(item.rule, item.line) for _, item in found]


def test_a_line_rewritten_as_it_was_is_neither_new_nor_removed() -> None:
    old = side([issue("B602", 5)], {5: "call(cmd, shell=True)"}, {5: "run"})
    new = side([issue("B602", 7)], {7: "call(cmd, shell=True)"}, {7: "run"})
    assert match(old, new) == ([], [])


def test_an_edited_line_in_the_same_function_keeps_its_issue() -> None:
    old = side([issue("B602", 5)], {5: "call(cmd, shell=True)"}, {5: "run"})
    new = side([issue("B602", 5)], {5: "result = call(command, shell=True)"}, {5: "run"})
    assert match(old, new) == ([], [])


def test_code_moved_to_another_function_is_the_same_issue() -> None:
    old = side([issue("B602", 5)], {5: "call(cmd, shell=True)"}, {5: "run"})
    new = side([issue("B602", 40)], {40: "call(cmd, shell=True)"}, {40: "helper"})
    assert match(old, new) == ([], [])


def test_module_level_issues_match_only_by_their_code() -> None:
    old = side([issue("B307", 3)], {3: "X = eval(a)"}, {3: None})
    new = side([issue("B307", 3)], {3: "X = eval(b)"}, {3: None})
    introduced, removed = match(old, new)
    assert (rules_of(introduced), rules_of(removed)) == ([("B307", 3)], [("B307", 3)])


def test_a_worse_severity_or_confidence_is_a_new_issue() -> None:
    old = side([issue("B602", 5, Severity.MEDIUM)], {5: "call(cmd, shell=True)"}, {5: "run"})
    new = side([issue("B602", 5, Severity.HIGH)], {5: "call(cmd, shell=True)"}, {5: "run"})
    assert tuple(map(rules_of, match(old, new))) == ([("B602", 5)], [("B602", 5)])


def test_each_old_issue_accounts_for_one_new_one() -> None:
    old = side([issue("B602", 5)], {5: "call(cmd, shell=True)"}, {5: "run"})
    new = side([issue("B602", 5), issue("B602", 6)], {5: "call(cmd, shell=True)", 6: "call(cmd, shell=True)"}, {5: "run", 6: "run"})
    assert tuple(map(rules_of, match(old, new))) == ([("B602", 6)], [])


def test_touching_keeps_issues_with_a_line_among_the_changed_ones() -> None:
    spanning = Issue("B602", 3, 6, Severity.HIGH, "m")
    found = touching({"security": [issue("B101", 1), spanning, issue("B303", 9)]}, {5, 9}, lambda analyzer, item: item.rule != "B303")
    assert found == [("security", spanning)]
