"""diffrisk check against what users would run instead, on real diffs nobody here wrote.

    python benchmarks/bench_check.py [--runs 5] [--cache DIR] [--write-readme]

Builds one git repository per package from two consecutive releases' source distributions on
PyPI (release A committed, then each diff as a commit on top of it): the full release diff, and
synthetic commits cut from it by taking the new version of some of the changed Python files
(about 1 file / 50 changed lines, 5 files / 300, 20 files / 2,000).  Downloads are checked
against PyPI's sha256 and cached in ``--cache`` (default ~/.cache/diffrisk-bench), outside the
repository; nothing downloaded is ever committed.

For each diff it runs, alternately and ``--runs`` times each, as whole processes:
- ``diffrisk check --commit C --format json``;
- the peers a user would run on the same changed Python files: ``bandit -q FILES``, ``radon cc
  FILES`` and ``radon mi FILES`` (their times summed, their peak memory the largest);
- the floor: a Python process that only runs ``git diff-tree -p`` and ``ast.parse`` on the
  changed files.
It prints wall time (median, min-max), CPU time and peak memory (max RSS) of each, and the ratios
diffrisk/peers and diffrisk/floor.  Nothing here is a test: timings are never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import readme_block

BIN = Path(sys.executable).parent
#: Consecutive releases (A, B) whose source distributions make the benchmark's diffs.
RELEASES = (
    ("requests", "2.31.0", "2.32.0"),
    ("flask", "3.0.3", "3.1.0"),
    ("attrs", "23.2.0", "24.1.0"),
    ("rich", "13.7.1", "13.8.0"),
    ("black", "24.4.2", "24.8.0"),
    ("pip", "24.1.2", "24.2"),
)
#: (label, files, changed lines) of the commits cut from each release diff.
CUTS = (("1 file / 50 lines", 1, 50), ("5 files / 300 lines", 5, 300), ("20 files / 2,000 lines", 20, 2000))
FLOOR = r"""
import ast, subprocess, sys
repo, commit = sys.argv[1], sys.argv[2]
git = ["git", "-C", repo]
subprocess.run([*git, "diff-tree", "-r", "-p", "--full-index", commit + "^", commit], capture_output=True, check=True)
names = subprocess.run([*git, "diff-tree", "-r", "--name-only", "--diff-filter=d", commit + "^", commit],
                       capture_output=True, text=True, check=True).stdout.split()
for name in names:
    if name.endswith(".py"):
        ast.parse(subprocess.run([*git, "show", f"{commit}:{name}"], capture_output=True, check=True).stdout)
"""


# -- building the repositories --------------------------------------------------------------------


def sdist(cache: Path, name: str, version: str) -> Path:
    """The release's source distribution, downloaded once and checked against PyPI's sha256."""
    cache.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(f"https://pypi.org/simple/{name}/", timeout=60) as response:
        index = response.read().decode()
    pattern = re.compile(rf'href="([^"#]+/{re.escape(name)}-{re.escape(version)}\.tar\.gz)#sha256=([0-9a-f]{{64}})"', re.I)
    found = pattern.search(index)
    if found is None:
        raise SystemExit(f"no source distribution of {name} {version} on PyPI")
    url, digest = found.groups()
    target = cache / url.rsplit("/", 1)[1]
    if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != digest:
            raise SystemExit(f"{url}: sha256 does not match PyPI's")
        target.write_bytes(data)
    return target


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (root,) = [path for path in into.iterdir() if path.is_dir()]
    return root


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@dataclass(frozen=True)
class Case:
    package: str
    label: str
    repo: Path
    commit: str
    files: int
    added: int
    deleted: int
    python_files: tuple[str, ...]


def build(cache: Path, work: Path, name: str, old: str, new: str) -> list[Case]:
    """A repository with release ``old`` committed and one commit per diff on top of it."""
    base_dir, new_dir = unpack(sdist(cache, name, old), work / f"{name}-a"), unpack(sdist(cache, name, new), work / f"{name}-b")
    repo = work / name
    repo.mkdir()
    git(repo, "init", "-q")
    for key, value in (("user.name", "bench"), ("user.email", "bench@example.com"), ("commit.gpgsign", "false")):
        git(repo, "config", key, value)
    _replace_tree(repo, base_dir)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{name} {old}")
    base = git(repo, "rev-parse", "HEAD").strip()
    changed = _changed_python(base_dir, new_dir)
    cases = []
    for label, files, lines in CUTS:
        chosen = _choose(changed, files, lines)
        if chosen:
            cases.append(_commit(repo, base, name, label, base_dir, new_dir, chosen, whole=False))
    cases.append(_commit(repo, base, name, f"release {old} -> {new}", base_dir, new_dir, [], whole=True))
    return cases


def _replace_tree(repo: Path, source: Path) -> None:
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True)


def _changed_python(old: Path, new: Path) -> list[tuple[str, int]]:
    """(path, changed lines) of the Python files that differ between two release trees."""
    names = {str(path.relative_to(old)) for path in old.rglob("*.py")} | {str(path.relative_to(new)) for path in new.rglob("*.py")}
    changed = []
    for name in sorted(names):
        before = (old / name).read_text(errors="replace").splitlines() if (old / name).exists() else []
        after = (new / name).read_text(errors="replace").splitlines() if (new / name).exists() else []
        if before != after and (new / name).exists():
            import difflib

            patch = difflib.unified_diff(before, after, lineterm="", n=0)
            lines = sum(1 for line in patch if line[:1] in "+-" and line[:3] not in ("+++", "---"))
            changed.append((name, lines))
    return changed


def _choose(changed: list[tuple[str, int]], files: int, lines: int) -> list[str]:
    """``files`` changed files whose changed lines add up closest to ``lines`` (greedy)."""
    if len(changed) < files:
        return []
    per_file = lines / files
    ranked = sorted(changed, key=lambda item: (abs(item[1] - per_file), item[0]))
    return [name for name, _ in ranked[:files]]


def _commit(repo: Path, base: str, name: str, label: str, old: Path, new: Path, chosen: list[str], whole: bool) -> Case:
    git(repo, "checkout", "-q", "--detach", base)
    if whole:
        _replace_tree(repo, new)
    else:
        for path in chosen:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(new / path, repo / path)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{name}: {label}")
    commit = git(repo, "rev-parse", "HEAD").strip()
    stat = git(repo, "diff-tree", "-r", "--numstat", f"{commit}^", commit).split("\n")
    rows = [line.split("\t") for line in stat if line.count("\t") >= 2]
    added = sum(int(row[0]) for row in rows if row[0].isdigit())
    deleted = sum(int(row[1]) for row in rows if row[1].isdigit())
    python = tuple(row[2] for row in rows if row[2].endswith(".py") and (repo / row[2]).exists())
    return Case(name, label, repo, commit, len(rows), added, deleted, python)


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float


#: As installed: pip writes bytecode at install time, so no measured process compiles sources
#: (a shell with PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every changed module each run).
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], cwd: Path | None = None) -> Sample:
    """One whole process: wall time, its CPU time and its peak resident memory (os.wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def peers(case: Case, tree: Path) -> Sample:
    """bandit, radon cc and radon mi on the changed Python files, as a user would run them."""
    files = list(case.python_files)
    parts = [run([str(BIN / "bandit"), "-q", *files], tree), run([str(BIN / "radon"), "cc", *files], tree),
             run([str(BIN / "radon"), "mi", *files], tree)]
    return Sample(sum(p.wall for p in parts), sum(p.cpu for p in parts), max(p.peak_mb for p in parts))


def measure(case: Case, runs: int) -> dict[str, list[Sample]]:
    tree = case.repo.parent / f"{case.repo.name}-tree-{case.commit[:8]}"
    if not tree.exists():
        git(case.repo, "worktree", "add", "-q", "--detach", str(tree), case.commit)
    samples: dict[str, list[Sample]] = {"diffrisk": [], "peers": [], "floor": []}
    # One untimed round first: bytecode written, the files in the page cache, for all three alike.
    run([str(BIN / "diffrisk"), "-C", str(case.repo), "check", "--commit", case.commit, "--format", "json"])
    peers(case, tree)
    run([sys.executable, "-c", FLOOR, str(case.repo), case.commit])
    for _ in range(runs):
        samples["diffrisk"].append(run([str(BIN / "diffrisk"), "-C", str(case.repo), "check", "--commit", case.commit, "--format", "json"]))
        samples["peers"].append(peers(case, tree))
        samples["floor"].append(run([sys.executable, "-c", FLOOR, str(case.repo), case.commit]))
    return samples


def _cell(samples: list[Sample]) -> str:
    walls = [sample.wall for sample in samples]
    cpu = statistics.median(sample.cpu for sample in samples)
    peak = max(sample.peak_mb for sample in samples)
    return f"{statistics.median(walls):.2f} s ({min(walls):.2f}-{max(walls):.2f}), CPU {cpu:.2f} s, {peak:.0f} MB"


def row(case: Case, samples: dict[str, list[Sample]]) -> str:
    median = {name: statistics.median(sample.wall for sample in found) for name, found in samples.items()}
    return (
        f"| {case.package} | {case.label}: {case.files} files, +{case.added} -{case.deleted} | {_cell(samples['diffrisk'])} | "
        f"{_cell(samples['peers'])} | {_cell(samples['floor'])} | {median['diffrisk'] / median['peers']:.2f}x | "
        f"{median['diffrisk'] / median['floor']:.1f}x |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "diffrisk-bench"))
    parser.add_argument("--packages", help="comma-separated names from RELEASES (default: all)")
    parser.add_argument("--write-readme", action="store_true", help="put the table into benchmarks/README.md")
    args = parser.parse_args(argv)
    wanted = set(args.packages.split(",")) if args.packages else None
    header = [
        "| package | diff | diffrisk | bandit + radon cc + radon mi | floor | diffrisk / peers | diffrisk / floor |",
        "|---|---|---|---|---|---:|---:|",
    ]
    lines = list(header)
    print("\n".join(header), flush=True)
    with tempfile.TemporaryDirectory(prefix="diffrisk-bench-") as work:
        for name, old, new in RELEASES:
            if wanted and name not in wanted:
                continue
            for case in build(Path(args.cache), Path(work), name, old, new):
                line = row(case, measure(case, args.runs))
                lines.append(line)
                print(line, flush=True)
    table = "\n".join(lines) + "\n"
    if args.write_readme:
        from diffrisk import __version__

        python = sys.version.split()[0]
        stamp = f"{time.strftime('%Y-%m-%d')}, diffrisk {__version__}, {os.cpu_count()} cores, Python {python}, {args.runs} runs each:"
        readme_block.write("bench-check", stamp, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
