"""Configuration: ``[tool.diffrisk]`` in pyproject.toml, or a file given with ``--config``.

Config is data (:class:`Config`); ``load`` is the only function that reads a file.  Every default
is documented in docs/configuration.md with its reason.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from collections.abc import Mapping
from typing import Any

from diffrisk.errors import ConfigError
from diffrisk.model import ComponentName, Level, plain
from diffrisk.records import field, record, replace
from diffrisk.regex import Regex

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: Vendored and generated code: nobody reviews it line by line, so it must not drive the level.
DEFAULT_EXCLUDE = (
    "vendor/",
    "vendored/",
    "_vendor/",
    "third_party/",
    "*_pb2.py",
    "*_pb2.pyi",
    "*_pb2_grpc.py",
)
COMPONENTS = tuple(name.value for name in ComponentName)
#: "history" reads the touched files' past commits (history.fixes, history.co_change), "impact" where
#: the repository uses what the change edited (change.impact), "experts" who knows the touched code
#: (reviewers); the others are file analyzers.
ANALYZER_NAMES = ("complexity", "security", "weaknesses", "readability", "smells", "history", "impact", "experts")
#: The weakness classes (rules.WEAKNESSES), each a floor of L2 unless the policy says otherwise.
WEAKNESS_NAMES = ("code-execution", "deserialization", "shell", "tls-verification-off", "hardcoded-credentials",
                  "sql-built-from-strings")


@record
class AiPolicy:
    """``[tool.diffrisk.ai]``: a stricter policy for changes a coding agent wrote (history.provenance)."""

    #: Levels to add to an AI-authored change's level (0-3).
    raise_level: int = 0
    #: Thresholds and fail level that replace the project's for AI-authored changes (None: keep).
    thresholds: tuple[int, int, int] | None = None
    fail_level: Level | None = None
    #: A trailer every AI-authored commit must carry (e.g. "Reviewed-by"); missing: beyond policy.
    #: A trailer is the change's own claim: in the GitHub Action it must be backed by an approval
    #: from a trusted reviewer.
    require_trailer: str | None = None
    #: In the GitHub Action, an AI-authored change needs an approval from a trusted reviewer,
    #: whatever its level.
    require_approval: bool = False
    #: The least level of an AI-authored change with a function no test ran (DR-T001; L0: none).
    untested_floor: Level = Level.L2


@record
class ReviewersPolicy:
    """``[tool.diffrisk.reviewers]``: who should review a change (reviewers)."""

    #: People with no commit in this many months count as gone: named apart, as departed experts.
    active_months: int = 12
    #: Experts named at most.
    max_experts: int = 3
    #: The least level of an AI-authored change whose people wrote none of the code it touches
    #: (DR-O001; L0: none).
    ownership_floor: Level = Level.L2


@record
class AcceptPolicy:
    """``[tool.diffrisk.accept]``: whose approval of a pull request accepts a change beyond policy
    (read by the GitHub Action from the code host, never from the change itself)."""

    #: Code-host logins, e.g. "alice".
    reviewers: tuple[str, ...] = ()
    #: Teams, as "org/team-slug".
    teams: tuple[str, ...] = ()
    #: Whether the CODEOWNERS owners of the changed paths (as of the base) are trusted too.
    codeowners: bool = True


@record
class Config:
    #: A change at or above this level is beyond policy (exit 1).
    fail_level: Level = Level.L3
    #: Below this level the text report is one line; at or above it, the full report.
    report_level: Level = Level.L1
    #: Lowest score of L1, L2 and L3, fitted with the point values (scoring.components); what
    #: share of real commits each level holds is in benchmarks/README.md.
    thresholds: tuple[int, int, int] = (15, 40, 70)
    weights: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 1.0))
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    critical_paths: tuple[str, ...] = ()
    analyzers: Mapping[str, bool] = field(default_factory=lambda: dict.fromkeys(ANALYZER_NAMES, True))
    #: Files larger than this are not analysed (reported as skipped).
    max_file_bytes: int = 1_000_000
    #: Analyse and score generated or minified Python (pyfile.generated) instead of leaving it out.
    analyze_generated: bool = False
    #: Where the configuration came from, for the report ("defaults" when nowhere).
    origin: str = "defaults"
    ai: AiPolicy = field(default_factory=AiPolicy)
    accept: AcceptPolicy = field(default_factory=AcceptPolicy)
    reviewers: ReviewersPolicy = field(default_factory=ReviewersPolicy)
    #: The least level a finding that shows each weakness asks for (L0: no floor).
    weaknesses: Mapping[str, Level] = field(default_factory=lambda: dict.fromkeys(WEAKNESS_NAMES, Level.L2))
    #: Coverage data files (relative to the repository's top folder) read on every check, with
    #: those ``--coverage`` names.
    coverage: tuple[str, ...] = ()
    #: Beyond policy when less than this percent of the measured added statements ran in tests
    #: (``[tool.diffrisk.coverage] fail_under``; None: no such rule).
    coverage_fail_under: float | None = None
    #: Review minutes the team can give per week (``[tool.diffrisk.capacity]``; None: not said),
    #: and how it was given, for the report.
    capacity_minutes: int | None = None
    capacity_source: str = ""


_KEYS = (
    "fail_level", "report_level", "thresholds", "weights", "exclude", "extend_exclude",
    "critical_paths", "analyzers", "max_file_bytes", "analyze_generated", "ai", "accept", "weaknesses", "coverage",
    "reviewers", "capacity",
)
_AI_KEYS = ("raise_level", "thresholds", "fail_level", "require_trailer", "require_approval", "untested_floor")
_ACCEPT_KEYS = ("reviewers", "teams", "codeowners")
_REVIEWERS_KEYS = ("active_months", "max_experts", "ownership_floor")
_TRAILER_KEY = Regex(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
#: A code-host login or "org/team" (GitHub's: letters, digits, single hyphens; teams add a slash).
_LOGIN = Regex(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$")


def load(explicit_path: str | None, project_root: str | None) -> Config:
    """Read the configuration: ``explicit_path``, else ``project_root``/pyproject.toml, else defaults."""
    if explicit_path is not None:
        return from_table(_read_table(explicit_path), explicit_path)
    if project_root is not None:
        path = os.path.join(project_root, "pyproject.toml")
        if os.path.isfile(path):
            return from_table(_read_table(path), path)
    return Config()


def from_text(text: str, path: str, origin: str) -> Config:
    """The configuration in ``text``, the contents of the file at ``path``: a pyproject.toml or a
    TOML file whose top level is the table (``origin`` names it: "pyproject.toml at 1a2b3c4")."""
    return from_table(table_in(text, path, origin), origin)


def _read_table(path: str) -> Mapping[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ConfigError(f"cannot read config file {path!r}: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return table_in(text, path, path)


def table_in(text: str, path: str, origin: str) -> Mapping[str, Any]:
    """The diffrisk table in the text of the file at ``path``: ``[tool.diffrisk]`` of a
    pyproject.toml (or of any file with a ``[tool]`` table), else the file's top level."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{origin}: not valid TOML: {error}") from None
    if os.path.basename(path) == "pyproject.toml" or "tool" in document:
        tool = document.get("tool", {})
        table = tool.get("diffrisk", {}) if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            raise ConfigError(f"{origin}: [tool] and [tool.diffrisk] must be tables")
        return table
    return document


def from_table(table: Mapping[str, Any], origin: str) -> Config:
    """Validate a ``[tool.diffrisk]`` table; unknown keys and bad values raise ConfigError."""
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"{origin}: unknown key {unknown[0]!r} in [tool.diffrisk]; valid keys: {', '.join(_KEYS)}"
        )
    config = Config(origin=origin)
    exclude = _strings(table, "exclude", origin) if "exclude" in table else config.exclude
    exclude += _strings(table, "extend_exclude", origin) if "extend_exclude" in table else ()
    return replace(
        config,
        fail_level=_level(table, "fail_level", origin, config.fail_level),
        report_level=_level(table, "report_level", origin, config.report_level),
        thresholds=(thresholds := _thresholds(table, origin, config.thresholds)),
        weights=_weights(table, origin, config.weights),
        exclude=exclude,
        critical_paths=_strings(table, "critical_paths", origin) if "critical_paths" in table else (),
        analyzers=_switches(table, origin, config.analyzers),
        max_file_bytes=_whole_number(table, "max_file_bytes", f"{origin}: max_file_bytes", config.max_file_bytes, MAX_FILE_BYTES_LIMIT),
        analyze_generated=_bool(table, "analyze_generated", origin, config.analyze_generated),
        ai=_ai_policy(table, origin, thresholds),
        accept=_accept_policy(table, origin),
        reviewers=_reviewers_policy(table, origin),
        weaknesses=_weaknesses(table, origin, config.weaknesses),
        coverage=_coverage_files(table, origin),
        coverage_fail_under=_fail_under(table, origin),
        **_capacity(table, origin),
    )


def _coverage_files(table: Mapping[str, Any], origin: str) -> tuple[str, ...]:
    """``coverage = [...]``, or ``files`` of a ``[tool.diffrisk.coverage]`` table."""
    value = table.get("coverage")
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"files", "fail_under"})
        if unknown:
            raise ConfigError(f"{origin}: unknown key {unknown[0]!r} in coverage; valid keys: files, fail_under")
        return _files(value, "files", f"{origin}: coverage") if "files" in value else ()
    return _files(table, "coverage", origin) if value is not None else ()


def _fail_under(table: Mapping[str, Any], origin: str) -> float | None:
    value = table.get("coverage")
    if not isinstance(value, dict) or "fail_under" not in value:
        return None
    limit = value["fail_under"]
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 <= limit <= 100:
        raise ConfigError(f"{origin}: coverage.fail_under must be a percentage from 0 to 100, not {limit!r}")
    return float(limit)


def _files(table: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...]:
    """A list of files inside the repository, relative to its top folder."""
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{origin}: {key} must be a list of file paths relative to the repository's top folder")
    for item in value:
        parts = item.replace("\\", "/").split("/")
        if ".." in parts or item.startswith(("/", "\\")) or (len(item) > 1 and item[1] == ":"):
            raise ConfigError(f"{origin}: {key}: {item!r} is not a path inside the repository")
    return tuple(value)


def _ai_policy(table: Mapping[str, Any], origin: str, project_thresholds: tuple[int, int, int]) -> AiPolicy:
    """The ``ai`` table; its thresholds are merged over the project's own."""
    value = _subtable(table, "ai", origin, _AI_KEYS, 'raise_level = 1, fail_level = "L2"')
    if value is None:
        return AiPolicy()
    where = f"{origin}: ai"
    steps = value.get("raise_level", 0)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 0 <= steps <= 3:
        raise ConfigError(f"{where}.raise_level must be a whole number from 0 to 3, not {steps!r}")
    trailer = value.get("require_trailer")
    if trailer is not None and (not isinstance(trailer, str) or not _TRAILER_KEY.match(trailer)):
        raise ConfigError(f"{where}.require_trailer must be a trailer name such as \"Reviewed-by\", not {trailer!r}")
    thresholds = _thresholds(value, where, project_thresholds) if "thresholds" in value else None
    fail_level = _level(value, "fail_level", where, Level.L3) if "fail_level" in value else None
    untested = _level(value, "untested_floor", where, Level.L2)
    return AiPolicy(steps, thresholds, fail_level, trailer, _bool(value, "require_approval", where, False), untested)


def _capacity(table: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """``[tool.diffrisk.capacity]``: ``reviewers`` and ``hours_per_week``, or ``minutes_per_week``."""
    value = _subtable(table, "capacity", origin, ("reviewers", "hours_per_week", "minutes_per_week"), "reviewers = 3, hours_per_week = 4")
    if value is None:
        return {}
    where = f"{origin}: capacity"
    if "minutes_per_week" in value:
        if set(value) != {"minutes_per_week"}:
            raise ConfigError(f"{where}: give minutes_per_week alone, or reviewers and hours_per_week")
        minutes = _whole_number(value, "minutes_per_week", f"{where}.minutes_per_week", 0, 1_000_000)
        return {"capacity_minutes": minutes, "capacity_source": f"{minutes} min per week"}
    if set(value) != {"reviewers", "hours_per_week"}:
        raise ConfigError(f"{where}: give reviewers and hours_per_week (hours each reviewer reviews per week), or minutes_per_week")
    reviewers = _whole_number(value, "reviewers", f"{where}.reviewers", 0, 10_000)
    hours = value["hours_per_week"]
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 80:
        raise ConfigError(f"{where}.hours_per_week must be a number of hours from 0 to 80, not {hours!r}")
    return {
        "capacity_minutes": round(reviewers * hours * 60),
        "capacity_source": f"{reviewers} {'reviewer' if reviewers == 1 else 'reviewers'} x {hours:g} h per week",
    }


def _reviewers_policy(table: Mapping[str, Any], origin: str) -> ReviewersPolicy:
    value = _subtable(table, "reviewers", origin, _REVIEWERS_KEYS, 'active_months = 6, ownership_floor = "L3"')
    if value is None:
        return ReviewersPolicy()
    where = f"{origin}: reviewers"
    return ReviewersPolicy(
        active_months=_whole_number(value, "active_months", f"{where}.active_months", 12, 600),
        max_experts=_whole_number(value, "max_experts", f"{where}.max_experts", 3, 20),
        ownership_floor=_level(value, "ownership_floor", where, Level.L2),
    )


def _accept_policy(table: Mapping[str, Any], origin: str) -> AcceptPolicy:
    value = _subtable(table, "accept", origin, _ACCEPT_KEYS, 'reviewers = ["alice"], teams = ["org/security"]')
    if value is None:
        return AcceptPolicy()
    where = f"{origin}: accept"
    names = {}
    for key in ("reviewers", "teams"):
        found = value.get(key, [])
        if not isinstance(found, list) or not all(isinstance(item, str) and _LOGIN.match(item.removeprefix("@")) for item in found):
            example = '["alice"]' if key == "reviewers" else '["org/team-slug"]'
            raise ConfigError(f"{where}.{key} must be a list of code-host names such as {example}, not {found!r}")
        names[key] = tuple(item.removeprefix("@") for item in found)
    for team in names["teams"]:
        if "/" not in team:
            raise ConfigError(f"{where}.teams: {team!r} must be \"org/team-slug\"")
    return AcceptPolicy(names["reviewers"], names["teams"], _bool(value, "codeowners", where, True))


def _weaknesses(table: Mapping[str, Any], origin: str, default: Mapping[str, Level]) -> Mapping[str, Level]:
    value = _subtable(table, "weaknesses", origin, WEAKNESS_NAMES, 'shell = "L2", hardcoded-credentials = "L1"')
    if value is None:
        return default
    floors = dict(default)
    for key in value:
        floors[key] = _level(value, key, f"{origin}: weaknesses", default[key])
    return floors


def _level(table: Mapping[str, Any], key: str, origin: str, default: Level) -> Level:
    if key not in table:
        return default
    value = table[key]
    if value not in ("L0", "L1", "L2", "L3"):
        raise ConfigError(f"{origin}: {key} must be one of \"L0\", \"L1\", \"L2\", \"L3\", not {value!r}")
    return Level(value)


def _strings(table: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{origin}: {key} must be a list of non-empty strings (glob patterns)")
    # Patterns are only ever matched against paths from the diff, never used to open files; one
    # that climbs out of the repository can never match, and is most likely a mistake or a probe.
    for item in value:
        if ".." in item.replace("\\", "/").split("/"):
            raise ConfigError(f"{origin}: {key}: pattern {item!r} names a place outside the repository; patterns match paths inside it")
    return tuple(value)


def _subtable(table: Mapping[str, Any], key: str, origin: str, valid: tuple[str, ...], example: str) -> dict[str, Any] | None:
    """The table under ``key`` (None when absent), with only ``valid`` keys."""
    if key not in table:
        return None
    value = table[key]
    if not isinstance(value, dict):
        raise ConfigError(f"{origin}: {key} must be a table such as {{ {example} }}")
    unknown = sorted(set(value) - set(valid))
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r} in {key}; valid keys: {', '.join(valid)}")
    return value


def _thresholds(table: Mapping[str, Any], origin: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
    value = _subtable(table, "thresholds", origin, ("L1", "L2", "L3"), "L1 = 10, L2 = 40, L3 = 70")
    if value is None:
        return default
    merged = dict(zip(("L1", "L2", "L3"), default)) | value
    for key, number in merged.items():
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 100:
            raise ConfigError(f"{origin}: thresholds.{key} must be a whole number from 1 to 100, not {number!r}")
    result = (merged["L1"], merged["L2"], merged["L3"])
    if not result[0] < result[1] < result[2]:
        raise ConfigError(f"{origin}: thresholds must rise: L1 < L2 < L3, not {result}")
    return result


def _weights(table: Mapping[str, Any], origin: str, default: Mapping[str, float]) -> Mapping[str, float]:
    value = _subtable(table, "weights", origin, COMPONENTS, "security = 1.5")
    if value is None:
        return default
    weights = dict(default)
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not (0 <= number <= 100) or math.isnan(number):
            raise ConfigError(f"{origin}: weights.{key} must be a number from 0 to 100, not {number!r}")
        weights[key] = float(number)
    return weights


def _switches(table: Mapping[str, Any], origin: str, default: Mapping[str, bool]) -> Mapping[str, bool]:
    value = _subtable(table, "analyzers", origin, ANALYZER_NAMES, "readability = false")
    if value is None:
        return default
    switches = dict(default)
    for key, flag in value.items():
        if not isinstance(flag, bool):
            raise ConfigError(f"{origin}: analyzers.{key} must be true or false, not {flag!r}")
        switches[key] = flag
    return switches


#: The most max_file_bytes may allow: a parsed file takes many times its size in memory
#: (benchmarks/README.md), so a configuration must not be able to make one file cost gigabytes.
MAX_FILE_BYTES_LIMIT = 50_000_000


def _whole_number(table: Mapping[str, Any], key: str, label: str, default: int, most: int) -> int:
    """``table[key]`` (``default`` when absent), a whole number from 1 to ``most``; ``label``
    names it in the error ("x.toml: max_file_bytes", "x.toml: reviewers.max_experts")."""
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= most:
        raise ConfigError(f"{label} must be a whole number from 1 to {most:,}, not {value!r}")
    return value


def _bool(table: Mapping[str, Any], key: str, origin: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{origin}: {key} must be true or false, not {value!r}")
    return value


def for_history(config: Config, experts: bool = False) -> Config:
    """The policy for scoring a history's past commits (``log``, ``calibrate``): without coverage
    data, which describes the tests of today's tree and not each past commit's, and (unless
    ``experts``) without naming experts, which costs a blame per commit and changes no score, only
    the ownership floor of AI-authored commits (DR-O001)."""
    switches = {**config.analyzers, "experts": experts and config.analyzers.get("experts", True)}
    return replace(config, coverage=(), coverage_fail_under=None, analyzers=switches)


def stricter(old: Config, new: Config) -> Config:
    """The stricter of two policies, setting by setting: a change that edits the policy that judges
    it is held to whatever the old and the new policy would each demand, never to the looser."""
    return Config(
        fail_level=_lower(old.fail_level, new.fail_level),
        report_level=_lower(old.report_level, new.report_level),
        thresholds=_lowest(old.thresholds, new.thresholds),
        weights={name: max(old.weights.get(name, 1.0), new.weights.get(name, 1.0)) for name in COMPONENTS},
        # Only what both leave out stays out; a path only the new policy excludes is analysed.
        exclude=tuple(pattern for pattern in old.exclude if pattern in new.exclude),
        critical_paths=tuple(dict.fromkeys(old.critical_paths + new.critical_paths)),
        analyzers={name: old.analyzers.get(name, True) or new.analyzers.get(name, True) for name in ANALYZER_NAMES},
        # A lower limit leaves more files unread, and an unread file is at least L2.
        max_file_bytes=min(old.max_file_bytes, new.max_file_bytes),
        analyze_generated=old.analyze_generated or new.analyze_generated,
        origin=f"the stricter of {old.origin} and {new.origin}",
        ai=AiPolicy(
            raise_level=max(old.ai.raise_level, new.ai.raise_level),
            thresholds=_lowest(old.ai.thresholds or old.thresholds, new.ai.thresholds or new.thresholds)
            if old.ai.thresholds or new.ai.thresholds else None,
            fail_level=_lower(old.ai.fail_level or old.fail_level, new.ai.fail_level or new.fail_level)
            if old.ai.fail_level or new.ai.fail_level else None,
            require_trailer=old.ai.require_trailer or new.ai.require_trailer,
            require_approval=old.ai.require_approval or new.ai.require_approval,
            untested_floor=max(old.ai.untested_floor, new.ai.untested_floor, key=lambda level: level.rank),
        ),
        # Fewer trusted reviewers is stricter: only those both policies trust.
        accept=AcceptPolicy(
            tuple(name for name in old.accept.reviewers if name in new.accept.reviewers),
            tuple(name for name in old.accept.teams if name in new.accept.teams),
            old.accept.codeowners and new.accept.codeowners,
        ),
        # Only the level floor decides anything; naming more experts costs nothing.
        reviewers=ReviewersPolicy(
            active_months=min(old.reviewers.active_months, new.reviewers.active_months),
            max_experts=max(old.reviewers.max_experts, new.reviewers.max_experts),
            ownership_floor=max(old.reviewers.ownership_floor, new.reviewers.ownership_floor, key=lambda level: level.rank),
        ),
        weaknesses={name: max(old.weaknesses[name], new.weaknesses[name], key=lambda level: level.rank) for name in WEAKNESS_NAMES},
        # Coverage data can only add risk (untested changed lines), so reading more is stricter.
        coverage=tuple(dict.fromkeys(old.coverage + new.coverage)),
        coverage_fail_under=max(
            (limit for limit in (old.coverage_fail_under, new.coverage_fail_under) if limit is not None), default=None,
        ),
        # The team's capacity judges no change: the newer word stands.
        capacity_minutes=new.capacity_minutes,
        capacity_source=new.capacity_source,
    )


def only_tightens(old: Config, new: Config) -> bool:
    """Whether ``new`` demands at least what ``old`` does in every setting: the stricter of the
    two is ``new`` itself (pattern and name lists compared as sets)."""
    return _comparable(stricter(old, new)) == _comparable(new)


def _comparable(policy: Config) -> Config:
    def ordered(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(names)))

    accept = AcceptPolicy(ordered(policy.accept.reviewers), ordered(policy.accept.teams), policy.accept.codeowners)
    return replace(
        policy, origin="", exclude=ordered(policy.exclude), critical_paths=ordered(policy.critical_paths),
        coverage=ordered(policy.coverage),
        accept=accept, weights=dict(policy.weights), analyzers=dict(policy.analyzers), weaknesses=dict(policy.weaknesses),
    )


def _lower(first: Level, second: Level) -> Level:
    return first if first.rank <= second.rank else second


def _lowest(first: tuple[int, int, int], second: tuple[int, int, int]) -> tuple[int, int, int]:
    """Each threshold at the lower of the two (the pairwise minimum of two rising triples rises)."""
    return (min(first[0], second[0]), min(first[1], second[1]), min(first[2], second[2]))


def fingerprint(config: Config) -> str:
    """A digest of the effective policy (where it was read from left out): what was computed under
    another policy (a stored score, a cached analysis) is not reused."""
    document = plain(replace(config, origin=""))
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
