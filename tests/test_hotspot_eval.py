"""The hotspot benchmark's judging: exact expectations over ties, and which units a blamed line
makes buggy (benchmarks/hotspot_eval.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import hotspot_eval


def unit(name: str, added: int, buggy: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "added": added, "buggy": buggy, "test": False, **extra}


def test_a_strict_order_scores_the_rank_of_the_first_buggy_unit() -> None:
    commit = [unit("a", 9), unit("b", 5, buggy=True), unit("c", 1, buggy=True)]
    assert hotspot_eval.first_buggy(commit, hotspot_eval.ORDERS["LA"]) == (0.0, 1.0, 0.5)


def test_ties_count_at_their_exact_expectation() -> None:
    commit = [unit("a", 3), unit("b", 3, buggy=True), unit("c", 3)]
    hit1, hit3, reciprocal = hotspot_eval.first_buggy(commit, hotspot_eval.ORDERS["random"])
    assert [hit1, hit3, reciprocal] == pytest.approx([1 / 3, 1.0, (1 + 1 / 2 + 1 / 3) / 3])
    # Two buggy of four tied: the first buggy one is first with chance 1/2, second 1/3, third 1/6.
    commit = [unit("a", 1, buggy=True), unit("b", 1, buggy=True), unit("c", 1), unit("d", 1)]
    hit1, hit3, reciprocal = hotspot_eval.first_buggy(commit, hotspot_eval.ORDERS["random"])
    assert [hit1, hit3, reciprocal] == pytest.approx([1 / 2, 1.0, 1 / 2 + 1 / 6 + 1 / 18])


def test_tests_last_puts_a_bigger_test_unit_after_product_code() -> None:
    commit = [unit("t", 40, test=True), unit("p", 2, buggy=True)]
    assert hotspot_eval.first_buggy(commit, hotspot_eval.ORDERS["LA-tl"]) == (1.0, 1.0, 1.0)
    assert hotspot_eval.first_buggy(commit, hotspot_eval.ORDERS["LA"]) == (0.0, 1.0, 0.5)


def test_a_class_body_is_buggy_only_for_lines_outside_the_functions_it_spans() -> None:
    units = [
        {"path": "m.py", "kind": "class", "side": "new", "line": 1, "end_line": 20},
        {"path": "m.py", "kind": "function", "side": "new", "line": 5, "end_line": 9},
        {"path": "m.py", "kind": "function", "side": "old", "line": 1, "end_line": 30},
        {"path": "n.py", "kind": "module", "side": "new", "line": 1, "end_line": 3},
    ]
    judged = hotspot_eval.labelled(units, [("m.py", 7), ("n.py", 2)])
    assert [item["buggy"] for item in judged] == [False, True, False, True]
    judged = hotspot_eval.labelled(units, [("m.py", 3)])
    assert [item["buggy"] for item in judged] == [True, False, False, False]
