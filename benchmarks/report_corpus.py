"""Record every report format for a fixed corpus of real commits, or compare two recordings.

A refactoring must not change what users see.  This records, for each commit of a fixed sample,
the bytes of every ``diffrisk check --commit`` format and the ``diffrisk log`` rows, so that a
recording made before a change and one made after can be compared file by file.

    python benchmarks/report_corpus.py record --mirrors DIR --out DIR [--per-repo 90] [--repos a/b,...] [--jobs 1]
    python benchmarks/report_corpus.py compare BEFORE AFTER

``--mirrors`` holds bare clones named ``owner+name/repo`` (as the search tool's fetch lays them
out); nothing of them is ever committed.  The sample is every k-th non-merge commit of HEAD that
touches a ``.py`` file, spread evenly over the history, so that it reaches early and late code.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import io
import subprocess
import sys
from pathlib import Path

from diffrisk.main import main as diffrisk_main

FORMATS = ("json", "text", "markdown", "github", "sarif", "rdjson", "gitlab", "html")
DEFAULT_REPOS = ("pallets/click", "python-attrs/attrs", "encode/httpx")


def sample(git_dir: Path, count: int) -> list[str]:
    """``count`` non-merge commits touching Python, evenly spaced from oldest to newest."""
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-list", "--no-merges", "--reverse", "HEAD", "--", "*.py"],
        capture_output=True, check=True,
    ).stdout.decode().split()
    if len(out) <= count:
        return out
    step = len(out) / count
    return [out[int(index * step)] for index in range(count)]


def run(args: list[str]) -> tuple[int, str, str]:
    """diffrisk in this process, with its standard output and error captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = diffrisk_main(args)
    return code, out.getvalue(), err.getvalue()


def record(mirrors: Path, out: Path, repos: list[str], per_repo: int, jobs: int) -> None:
    for name in repos:
        git_dir = mirrors / name.replace("/", "+") / "repo"
        folder = out / name.replace("/", "+")
        folder.mkdir(parents=True, exist_ok=True)
        shas = sample(git_dir, per_repo)
        (folder / "commits.txt").write_text("".join(f"{sha}\n" for sha in shas))
        for number, sha in enumerate(shas, start=1):
            outputs = [f"{fmt}={folder / f'{sha[:12]}.{fmt}'}" for fmt in FORMATS]
            code, _, err = run(["--git-dir", str(git_dir), "check", "--commit", sha, "--jobs", str(jobs), "--format", "json",
                                *(arg for value in outputs for arg in ("-o", value))])
            (folder / f"{sha[:12]}.exit").write_text(f"{code}\n{err}")
            print(f"\r{name}: {number}/{len(shas)}", end="", file=sys.stderr)
        for fmt in ("jsonl", "csv", "text"):
            code, text, err = run(["--git-dir", str(git_dir), "log", "--commits", str(folder / "commits.txt"),
                                   "--jobs", str(jobs), "--format", fmt])
            (folder / f"log.{fmt}").write_text(f"{code}\n{err}{text}")
        print(file=sys.stderr)


def compare(before: Path, after: Path) -> int:
    left = sorted(path.relative_to(before) for path in before.rglob("*") if path.is_file())
    right = sorted(path.relative_to(after) for path in after.rglob("*") if path.is_file())
    differing = [path for path in left if path in right and not filecmp.cmp(before / path, after / path, shallow=False)]
    missing = sorted(set(left) ^ set(right))
    commits = sum(1 for path in left if path.suffix == ".exit")
    print(f"{len(left)} files ({commits} commits) before, {len(right)} after; "
          f"{len(differing)} differ, {len(missing)} only on one side")
    for path in differing[:50] + missing[:50]:
        print(f"  {path}")
    return 1 if differing or missing else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    recording = verbs.add_parser("record")
    recording.add_argument("--mirrors", type=Path, required=True)
    recording.add_argument("--out", type=Path, required=True)
    recording.add_argument("--repos", default=",".join(DEFAULT_REPOS))
    recording.add_argument("--per-repo", type=int, default=90)
    # More than one job takes the process pools' paths (big diffs' files, log's commits): the
    # bytes must be the same.
    recording.add_argument("--jobs", type=int, default=1)
    comparing = verbs.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.verb == "compare":
        return compare(args.before, args.after)
    record(args.mirrors, args.out, args.repos.split(","), args.per_repo, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
