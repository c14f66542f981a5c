"""Configuration: defaults, pyproject discovery, validation messages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from diffrisk import config
from diffrisk.errors import ConfigError
from diffrisk.model import Level


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    loaded = config.load(None, str(tmp_path))
    assert loaded == config.Config()
    assert (loaded.fail_level, loaded.report_level, loaded.thresholds) == (Level.L3, Level.L1, (15, 40, 70))


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.diffrisk]\nfail_level = "L2"\nthresholds = { L2 = 35 }\nweights = { security = 2 }\n'
        'extend_exclude = ["migrations/"]\ncritical_paths = ["src/auth/**"]\nanalyzers = { readability = false }\n'
    )
    loaded = config.load(None, str(tmp_path))
    assert loaded.fail_level is Level.L2
    assert loaded.thresholds == (15, 35, 70)
    assert loaded.weights == {"size": 1.0, "complexity": 1.0, "security": 2.0, "readability": 1.0, "smells": 1.0, "history": 1.0, "tests": 1.0}
    assert loaded.exclude == (*config.DEFAULT_EXCLUDE, "migrations/")
    assert loaded.critical_paths == ("src/auth/**",)
    assert loaded.analyzers == {
        "complexity": True, "security": True, "weaknesses": True, "readability": False, "smells": True, "history": True, "impact": True,
        "experts": True,
    }
    assert loaded.origin == str(tmp_path / "pyproject.toml")


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert config.load(None, str(tmp_path)).fail_level is Level.L3


def test_explicit_standalone_file(tmp_path: Path) -> None:
    path = tmp_path / "diffrisk.toml"
    path.write_text('fail_level = "L1"\n')
    assert config.load(str(path), None).fail_level is Level.L1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"coverage": "coverage.xml"}, "x.toml: coverage must be a list of file paths relative to the repository's top folder"),
        ({"coverage": ["../elsewhere/coverage.xml"]}, "x.toml: coverage: '../elsewhere/coverage.xml' is not a path inside the repository"),
        ({"coverage": ["/tmp/coverage.xml"]}, "x.toml: coverage: '/tmp/coverage.xml' is not a path inside the repository"),
        ({"coverage": {"fail_under": 120}}, "x.toml: coverage.fail_under must be a percentage from 0 to 100, not 120"),
        ({"coverage": {"file": ["c.xml"]}}, "x.toml: unknown key 'file' in coverage; valid keys: files, fail_under"),
        ({"fail_levl": "L2"}, "x.toml: unknown key 'fail_levl' in [tool.diffrisk]; valid keys: fail_level, report_level, thresholds, weights, exclude, extend_exclude, critical_paths, analyzers, max_file_bytes, analyze_generated, ai, accept, weaknesses, coverage, reviewers, capacity"),
        ({"fail_level": "L4"}, "x.toml: fail_level must be one of \"L0\", \"L1\", \"L2\", \"L3\", not 'L4'"),
        ({"thresholds": {"L2": 5}}, "x.toml: thresholds must rise: L1 < L2 < L3, not (15, 5, 70)"),
        ({"thresholds": {"L4": 5}}, "x.toml: unknown key 'L4' in thresholds; valid keys: L1, L2, L3"),
        ({"thresholds": {"L1": 0}}, "x.toml: thresholds.L1 must be a whole number from 1 to 100, not 0"),
        ({"weights": {"speed": 1}}, "x.toml: unknown key 'speed' in weights; valid keys: size, complexity, security, readability, smells, history, tests"),
        ({"weights": {"size": -1}}, "x.toml: weights.size must be a number from 0 to 100, not -1"),
        ({"exclude": "vendor/"}, "x.toml: exclude must be a list of non-empty strings (glob patterns)"),
        ({"analyzers": {"security": "no"}}, "x.toml: analyzers.security must be true or false, not 'no'"),
        ({"analyzers": {"lint": True}}, "x.toml: unknown key 'lint' in analyzers; valid keys: complexity, security, weaknesses, readability, smells, history, impact, experts"),
        ({"max_file_bytes": 0}, "x.toml: max_file_bytes must be a whole number from 1 to 50,000,000, not 0"),
        ({"max_file_bytes": 10**12}, "x.toml: max_file_bytes must be a whole number from 1 to 50,000,000, not 1000000000000"),
        ({"analyze_generated": "yes"}, "x.toml: analyze_generated must be true or false, not 'yes'"),
        ({"ai": {"raise_level": 4}}, "x.toml: ai.raise_level must be a whole number from 0 to 3, not 4"),
        ({"ai": {"require_trailer": "Reviewed by"}}, "x.toml: ai.require_trailer must be a trailer name such as \"Reviewed-by\", not 'Reviewed by'"),
        ({"ai": {"thresholds": {"L1": 50}}}, "x.toml: ai: thresholds must rise: L1 < L2 < L3, not (50, 40, 70)"),
        ({"ai": {"fail_level": "L9"}}, "x.toml: ai: fail_level must be one of \"L0\", \"L1\", \"L2\", \"L3\", not 'L9'"),
        ({"ai": {"strict": True}}, "x.toml: unknown key 'strict' in ai; valid keys: raise_level, thresholds, fail_level, require_trailer, require_approval, untested_floor"),
    ],
)
def test_invalid_values_name_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        config.from_table(table, "x.toml")
    assert str(error.value) == message


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.diffrisk\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: not valid TOML"):
        config.load(None, str(tmp_path))


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read config file .*: No such file or directory"):
        config.load(str(tmp_path / "nope.toml"), None)


@pytest.mark.parametrize(("content", "message"), [
    (b'tool = "x"\n', "[tool] and [tool.diffrisk] must be tables"),
    (b"[tool.diffrisk]\nfail_level = '\xff'\n", "not valid TOML"),
])
def test_malformed_pyproject_is_a_config_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "pyproject.toml").write_bytes(content)
    with pytest.raises(ConfigError, match=re.escape(message)):
        config.load(None, str(tmp_path))


def _policy(text: str) -> config.Config:
    return config.from_text(text, "pyproject.toml", "test")


def test_the_stricter_of_two_policies_takes_each_settings_stricter_side() -> None:
    old = _policy('[tool.diffrisk]\nfail_level = "L2"\nexclude = ["vendor/", "gen/"]\nmax_file_bytes = 500000\n'
                  '[tool.diffrisk.accept]\nreviewers = ["ana", "bo"]\n')
    new = _policy('[tool.diffrisk]\nfail_level = "L3"\nexclude = ["vendor/", "app/"]\ncritical_paths = ["pay/"]\n'
                  '[tool.diffrisk.accept]\nreviewers = ["ana", "eve"]\n[tool.diffrisk.weaknesses]\nshell = "L0"\n')
    strict = config.stricter(old, new)
    assert (strict.fail_level, strict.exclude, strict.critical_paths, strict.max_file_bytes, strict.accept.reviewers) == (
        Level.L2, ("vendor/",), ("pay/",), 500_000, ("ana",),
    )
    assert strict.weaknesses["shell"] is Level.L2
    assert (config.only_tightens(old, new), config.only_tightens(new, strict)) == (False, True)


def test_adopting_diffrisk_or_lowering_the_fail_level_only_tightens() -> None:
    assert config.only_tightens(config.Config(), _policy('[tool.diffrisk]\nfail_level = "L2"\ncritical_paths = ["pay/"]\n'))
    assert not config.only_tightens(config.Config(), _policy('[tool.diffrisk]\nextend_exclude = ["app/"]\n'))
    assert not config.only_tightens(config.Config(), _policy('[tool.diffrisk.accept]\nreviewers = ["eve"]\n'))


@pytest.mark.parametrize(("table", "message"), [
    ({"reviewers": {"ownership_floor": "L9"}}, 'x.toml: reviewers: ownership_floor must be one of "L0", "L1", "L2", "L3", not \'L9\''),
    ({"reviewers": {"active_months": 0}}, "x.toml: reviewers.active_months must be a whole number from 1 to 600, not 0"),
    ({"reviewers": {"max_experts": 21}}, "x.toml: reviewers.max_experts must be a whole number from 1 to 20, not 21"),
    ({"reviewers": {"experts": 1}}, "x.toml: unknown key 'experts' in reviewers; valid keys: active_months, max_experts, ownership_floor"),
])
def test_invalid_reviewers_table(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        config.from_table(table, "x.toml")
    assert str(error.value) == message


def test_the_stricter_reviewers_policy_keeps_the_higher_floor() -> None:
    old = config.from_table({"reviewers": {"ownership_floor": "L3", "active_months": 6}}, "old")
    new = config.from_table({"reviewers": {"ownership_floor": "L1", "max_experts": 5}}, "new")
    assert config.stricter(old, new).reviewers == config.ReviewersPolicy(active_months=6, max_experts=5, ownership_floor=Level.L3)
    assert not config.only_tightens(old, new)


@pytest.mark.parametrize(("table", "minutes", "source"), [
    ({"reviewers": 3, "hours_per_week": 4}, 720, "3 reviewers x 4 h per week"),
    ({"reviewers": 1, "hours_per_week": 1.5}, 90, "1 reviewer x 1.5 h per week"),
    ({"minutes_per_week": 600}, 600, "600 min per week"),
])
def test_capacity(table: dict[str, Any], minutes: int, source: str) -> None:
    loaded = config.from_table({"capacity": table}, "x.toml")
    assert (loaded.capacity_minutes, loaded.capacity_source) == (minutes, source)


@pytest.mark.parametrize(("table", "message"), [
    ({"reviewers": 3}, "x.toml: capacity: give reviewers and hours_per_week (hours each reviewer reviews per week), or minutes_per_week"),
    ({"minutes_per_week": 60, "reviewers": 2}, "x.toml: capacity: give minutes_per_week alone, or reviewers and hours_per_week"),
    ({"reviewers": 2, "hours_per_week": 0}, "x.toml: capacity.hours_per_week must be a number of hours from 0 to 80, not 0"),
])
def test_invalid_capacity(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        config.from_table({"capacity": table}, "x.toml")
    assert str(error.value) == message
