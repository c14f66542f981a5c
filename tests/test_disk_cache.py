"""The analysis cache (change.disk_cache) through whole checks on a real repository: a second run
hits it with identical bytes; another policy misses; a corrupt entry or two runs at once never
change a result or fail a run."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from diffrisk.analyzers import installed
from diffrisk.change import analyzed_version
from diffrisk.change.disk_cache import DiskCache, decode, encode, prune
from diffrisk.model import FileResult, Issue, Severity, UnitMetric
from testing.repo import Repo
from testing.run import run

OLD = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd.split())\n"
NEW = "import subprocess\n\n\ndef run(cmd):\n    if not cmd:\n        return 0\n    return subprocess.call(cmd, shell=True)\n"


def changed(repo: Repo) -> Repo:
    repo.write("app.py", OLD)
    repo.commit("start")
    repo.write("app.py", NEW)
    repo.stage()
    return repo


def entries(repo: Repo) -> list[Path]:
    return sorted((repo.path / ".git" / "diffrisk" / "cache").rglob("*.json"))


def results_in(paths: list[Path]) -> list[Path]:
    """The analyzer results among the entries (a JSON object each; complexity's parts are a list)."""
    return [path for path in paths if path.read_text(errors="replace").startswith("{")]


#: The old side's functions (first line, last line, name), which check reads to start its blame.
OLD_SPANS = '[[4,5,"run"]]'


def spans_in(paths: list[Path]) -> list[Path]:
    return [path for path in paths if path.read_text(errors="replace") == OLD_SPANS]


def check(repo: Repo, *extra: str) -> tuple[int, str]:
    # The in-memory caches in front of the disk (results, parsed versions): a new process has none.
    analyzed_version._RESULTS.entries.clear()
    analyzed_version._PARSED.entries.clear()
    analyzed_version._PARSED.weight = 0
    return run("-C", str(repo.path), "check", "--format", "json", *extra)


_INODES: dict[Path, int] = {}


def aged(paths: list[Path]) -> None:
    """Mark the entries as last used long ago, and remember which file each is."""
    for path in paths:
        os.utime(path, (1, 1))
        _INODES[path] = path.stat().st_ino


def used(paths: list[Path]) -> list[Path]:
    """Entries read since ``aged``: a hit marks its entry as used now and leaves the file as it is
    (an entry computed again is a new file, renamed into place)."""
    return [path for path in paths if path.stat().st_mtime > 1_000_000 and _INODES.get(path) == path.stat().st_ino]


def test_a_second_run_hits_the_cache_with_identical_bytes(repo: Repo) -> None:
    changed(repo)
    first = check(repo)
    written = entries(repo)
    # Both sides of app.py, each through the five analyzers; each side's complexity parts, for a
    # later change of that version (read only when its result must be worked out); and the old
    # side's functions, where the blame of the lines the change touched starts.
    results, spans = results_in(written), spans_in(written)
    assert (len(written), len(results), len(spans)) == (13, 10, 1)
    aged(written)
    second = check(repo)
    assert second == first
    assert entries(repo) == written and used(written) == sorted(results + spans)
    assert analyzed_version._DISK == []  # the run's cache is not left behind for the next run in this process


def test_another_policy_misses(repo: Repo, tmp_path: Path) -> None:
    changed(repo)
    check(repo)
    policy = tmp_path / "policy.toml"
    policy.write_text("[tool.diffrisk]\nthresholds = { L1 = 10, L2 = 30, L3 = 60 }\n")
    old = entries(repo)
    aged(old)
    check(repo, "--config", str(policy))
    assert len(entries(repo)) == 26 and used(old) == []  # thirteen new entries, none of the old read


def test_no_cache_reads_and_writes_nothing(repo: Repo) -> None:
    changed(repo)
    check(repo, "--no-cache")
    assert entries(repo) == [] and analyzed_version._DISK == []


def test_corrupt_entries_are_computed_again(repo: Repo) -> None:
    changed(repo)
    reference = check(repo)
    for index, entry in enumerate(entries(repo)):
        garbage = ["", "{", '{"issues": [["B602"]], "units": [], "file": []}', "\x00\xff", "[" * 5000 + "]" * 5000]
        entry.write_text(garbage[index % len(garbage)], errors="surrogateescape")
    assert check(repo) == reference
    # Written again, whole: the next run reads the results (the parts are read only to work one out).
    results, spans = results_in(entries(repo)), spans_in(entries(repo))
    assert len(results) == 10 and all(decode(entry.read_text()) is not None for entry in results) and len(spans) == 1
    aged(entries(repo))
    assert check(repo) == reference
    assert used(entries(repo)) == sorted(results + spans)


@pytest.mark.parametrize("entry", [
    "[" * 5000 + "]" * 5000,  # nested past what json reads
    '[[4,100000000,"run"]]', '[[4,7,"run"]]', '[[0,5,"run"]]', '[[5,4,"run"]]',  # lines the version does not have
    '[[true,5,"run"]]', '[[4,5.0,"run"]]', '[[4,5,null]]', '[[4,5]]', '{"run":[4,5]}',
])
def test_a_wrong_functions_entry_is_worked_out_again(repo: Repo, entry: str) -> None:
    """The old side's functions decide which lines are blamed: an entry that cannot be them is
    not read, and the right one takes its place."""
    changed(repo)
    reference = check(repo)
    [kept] = spans_in(entries(repo))
    kept.write_text(entry)
    assert check(repo) == reference
    assert kept.read_text() == OLD_SPANS


def test_two_runs_at_once_agree(repo: Repo) -> None:
    changed(repo)
    command = [sys.executable, "-m", "diffrisk", "-C", str(repo.path), "check", "--format", "json"]
    reference = subprocess.run([*command, "--no-cache"], capture_output=True, check=True).stdout
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(3)]
    outputs = [process.communicate()[0] for process in runs]
    assert outputs == [reference] * 3
    assert (len(entries(repo)), len(results_in(entries(repo)))) == (13, 10)
    assert not list((repo.path / ".git" / "diffrisk" / "cache").rglob(".tmp-*"))


def test_the_cache_is_pruned_oldest_first(tmp_path: Path) -> None:
    cache = DiskCache(str(tmp_path), "salt", max_bytes=10_000)
    big = FileResult(issues=tuple(Issue("DR-S004", line, line, Severity.MEDIUM, "x" * 200) for line in range(1, 11)))
    for index in range(20):
        cache.get((f"blob{index}", "a.py", "smells", ""), lambda: big)
    prune(str(tmp_path), 10_000)
    kept = sum(path.stat().st_size for path in tmp_path.rglob("*.json"))
    assert 0 < kept <= 8_000


def test_entries_round_trip() -> None:
    result = FileResult(
        issues=(Issue("B602", 3, 4, Severity.HIGH, "shell", 8, "high", 78, None), Issue("DR-S002", 1, 1, Severity.LOW, "skip", subject="t")),
        unit_metrics=(UnitMetric(3, "cyclomatic_complexity", 2.0),),
        file_metrics=(("maintainability_index", 71.25),),
    )
    assert decode(encode(result)) == result


def test_results_are_kept_apart_by_what_the_analyzers_run_on() -> None:
    """A new bandit, radon or Python can give another result for the same text: each is in every key."""
    python = f"python-{sys.implementation.name}-{platform.python_version()}"
    bandit, radon = importlib.metadata.version("bandit"), importlib.metadata.version("radon")
    assert installed.identity() == f"{python};bandit-{bandit}.dist-info;radon-{radon}.dist-info"
    assert DiskCache("unused", "version:policy").salt == f"version:policy:{installed.identity()}"


def test_a_distribution_is_named_by_its_own_metadata_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside the package: its metadata folders, all of them (an upgrade's leftovers too), and
    not a plugin's whose name starts with the package's."""
    (tmp_path / "drpkg").mkdir()
    (tmp_path / "drpkg" / "__init__.py").write_text("")
    for folder in ("drpkg-1.10.0.dist-info", "drpkg-1.9.4.dist-info", "drpkg_plugin-2.0.dist-info", "drpkgx-3.0.dist-info"):
        (tmp_path / folder).mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed._distribution("drpkg") == "drpkg-1.10.0.dist-info+drpkg-1.9.4.dist-info"
    assert installed._distribution("drpkg_absent") == "drpkg_absent-absent"
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "__init__.py").write_text("")
    assert installed._distribution("alone") == f"alone@{tmp_path / 'alone' / '__init__.py'}"
