"""The score, levels, hotspots and review time, on hand-made analyses."""

from __future__ import annotations

import math

import pytest

from diffrisk.config import Config
from diffrisk.model import FileSummary, Level, SizeMetrics, UnitChange
from diffrisk.scoring import components, levels, review_time


def size(code_added: int = 0, other_added: int = 0, files: int = 1, directories: int = 1) -> SizeMetrics:
    return SizeMetrics(code_added + other_added, 0, code_added, 0, 0, 0, other_added, 0, files, files, directories, 1, 0.0, 0)


@pytest.mark.parametrize(("points", "score"), [(0.0, 0), (-1.0, 0), (0.1, 10), (0.5, 39), (1.0, 63), (5.0, 99)])
def test_to_score_saturates(points: float, score: int) -> None:
    assert components.to_score(points) == score


@pytest.mark.parametrize(("score", "level"), [(0, Level.L0), (14, Level.L0), (15, Level.L1), (39, Level.L1), (40, Level.L2), (70, Level.L3), (100, Level.L3)])
def test_levels_follow_thresholds(score: int, level: Level) -> None:
    assert levels.level_for(score, Config()) is level


@pytest.mark.parametrize(("lines", "level"), [(1, Level.L0), (5, Level.L0), (24, Level.L1), (400, Level.L2), (2000, Level.L3)])
def test_size_alone_levels(lines: int, level: Level) -> None:
    parts = components.components([], size(code_added=lines), Config())
    assert levels.level_for(components.total_score(parts), Config()) is level


def test_total_combines_components_as_independent_risks() -> None:
    parts = components.components([], size(code_added=100, files=3, directories=3), Config())
    total = components.total_score(parts)
    assert total == round(100 * (1 - math.exp(-sum(part.points for part in parts))))
    assert [part.name for part in parts] == ["size", "complexity", "security", "readability", "smells", "history", "tests"]
    assert parts[0].reasons[0].message == "100 lines of Python code added, 0 deleted"
    assert parts[0].reasons[1].message == "spread over 3 files in 3 directories"


def test_weights_scale_components() -> None:
    doubled = Config(weights={"size": 2.0, "complexity": 1.0, "security": 1.0, "readability": 1.0})
    plain = components.components([], size(code_added=100), Config())[0]
    heavy = components.components([], size(code_added=100), doubled)[0]
    assert heavy.points == pytest.approx(2 * plain.points)


def test_review_minutes_grow_with_risk_not_only_lines() -> None:
    code = FileSummary("a.py", "a.py", "modified", 400, 0, True, False)
    assert review_time.review_minutes([code], 0, Level.L0) == 49   # 400 lines at 500/h + half a minute for the file
    assert review_time.review_minutes([code], 100, Level.L0) == 121  # 400 lines at 200/h
    assert review_time.review_minutes([FileSummary("a.py", "a.py", "modified", 0, 0, True, False)], 0, Level.L0) == 1
    assert review_time.review_minutes([], 0, Level.L0) == 0


def test_what_is_only_looked_over_costs_a_glance() -> None:
    """An 11,000-line deletion of a committed build folder, a 4 MB file not read, generated code:
    each is a glance, not hours of reading."""
    deleted = [FileSummary(f"build/m{index}.py", f"build/m{index}.py", "deleted", 0, 1100, True, False) for index in range(10)]
    assert review_time.review_minutes(deleted, 0, Level.L0) == 1
    skipped = FileSummary("data.py", None, "added", 90_000, 0, True, False, skipped="4,000,000 bytes: over max_file_bytes")
    generated = FileSummary("pb2.py", None, "added", 5_000, 0, True, False, generated="a protobuf header")
    assert review_time.review_minutes([skipped, generated], 0, Level.L2) == 10
    assert review_time.review_minutes([generated], 0, Level.L0, analyze_generated=True) == 601  # read when asked to: 5,000 lines at 500/h
    # Lines deleted from a file that stays are skimmed: 1,000 at 1,000/h.
    assert review_time.review_minutes([FileSummary("a.py", "a.py", "modified", 0, 1000, True, False)], 0, Level.L0) == 61


def test_the_estimate_never_contradicts_the_level() -> None:
    one_line = [FileSummary("a.py", "a.py", "modified", 1, 1, True, False)]
    assert [review_time.review_minutes(one_line, 0, level) for level in Level] == [1, 2, 10, 20]


def test_complexity_points_count_what_a_function_gained() -> None:
    grown = UnitChange("a.py", "f", "function", 1, 30, "new", 10, 2, False, False, {"cyclomatic_complexity": 4.0}, {"cyclomatic_complexity": 15.0})
    new = UnitChange("a.py", "g", "function", 1, 30, "new", 10, 0, True, False, {}, {"cyclomatic_complexity": 15.0})
    simpler = UnitChange("a.py", "h", "function", 1, 30, "new", 1, 5, False, False, {"cyclomatic_complexity": 9.0}, {"cyclomatic_complexity": 3.0})
    assert components.unit_complexity_points(grown) == pytest.approx(0.04 * 11 + 0.03 * 5)
    assert components.unit_complexity_points(new) == pytest.approx(0.04 * 14 + 0.03 * 5)
    assert components.unit_complexity_points(simpler) == 0.0
