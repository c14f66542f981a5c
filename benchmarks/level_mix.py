"""How the review levels fall on real history, and how often each floor sets them.

Reads the scored samples that ``history_eval.py`` leaves in its ``--work`` folders (``all/*.json``:
one record per mature commit, with its SZZ label and diffrisk's log row) and prints, as Markdown:

- the level mix and the share of bug-inducing commits at each level, for each folder given (e.g.
  before and after a change to the floors): levels are useful only while they still separate
  risky commits from the rest;
- how often each floor applied, per 1,000 commits, pooled over the repositories and in the
  repository where it applied most, with the bug rate of the commits it applied to (rows that
  carry ``floors``: diffrisk 0.1 after the floors were recorded).

    python benchmarks/level_mix.py before=/tmp/eval-before after=/tmp/eval-after
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

LEVELS = ("L0", "L1", "L2", "L3")


def load(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The scored records of each repository in a history_eval work folder."""
    return {
        path.stem.replace("+", "/"): [record for record in json.loads(path.read_text()) if record["result"].get("level")]
        for path in sorted((folder / "all").glob("*.json"))
    }


def level_table(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    header = "| level | " + " | ".join(f"{name}: share | {name}: bug rate" for name in runs) + " |"
    lines = [header, "|---|" + "---:|---:|" * len(runs)]
    pooled = {name: [record for records in repos.values() for record in records] for name, repos in runs.items()}
    for level in LEVELS:
        cells = []
        for records in pooled.values():
            at = [record for record in records if record["result"]["level"] == level]
            bugs = sum(int(record["bug"]) for record in at)
            cells += [f"{len(at) / len(records):.1%} ({len(at)})", f"{bugs / len(at):.0%}" if at else "-"]
        lines.append(f"| {level} | " + " | ".join(cells) + " |")
    totals = []
    for records in pooled.values():
        totals += [f"100% ({len(records)})", f"{sum(int(record['bug']) for record in records) / len(records):.0%}"]
    lines.append("| all | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def floor_table(repos: dict[str, list[dict[str, Any]]]) -> str:
    records = [record for listed in repos.values() for record in listed]
    fired: Counter[str] = Counter()
    bugs: Counter[str] = Counter()
    for record in records:
        for kind in set(record["result"].get("floors") or ()):
            fired[kind] += 1
            bugs[kind] += int(record["bug"])
    lines = [
        "| floor | per 1,000 commits | most in one repository (per 1,000) | bug rate where it applied |",
        "|---|---:|---|---:|",
    ]
    for kind, count in sorted(fired.items(), key=lambda item: (-item[1], item[0])):
        worst, rate = max(
            ((repo, 1000 * sum(kind in (record["result"].get("floors") or ()) for record in listed) / len(listed))
             for repo, listed in repos.items() if listed),
            key=lambda item: item[1],
        )
        lines.append(f"| `{kind}` | {1000 * count / len(records):.1f} | {worst} ({rate:.0f}) | {bugs[kind] / count:.0%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", metavar="NAME=FOLDER", help="a history_eval --work folder, named")
    args = parser.parse_args(argv)
    runs = {}
    for run in args.runs:
        name, _, folder = run.partition("=")
        runs[name] = load(Path(folder))
    print("#### Level mix, and the share of bug-inducing commits at each level\n")
    print(level_table(runs))
    last = list(runs)[-1]
    print(f"\n#### How often each floor applied ({last})\n")
    print(floor_table(runs[last]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
