"""How often each rule fires on the development histories, and whether it predicts bugs.

    python benchmarks/rule_rates.py [--work DIR] [--write-readme]

Reads the scored, labelled commits that history_eval.py kept in ``--work`` (a fixed-seed sample
of up to 400 mature commits per development repository) and prints, per rule: how many
commits it fired on (and per 1,000 commits), the share of those that were bug-inducing against the
share of the commits where it did not fire, and the same comparison *within size*: the median,
over quintiles of lines added to non-test Python, of (bug rate where it fires - where it does not).
A rule that only restates size shows a plain lift and no lift within size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import readme_block


def load(work: Path) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for path in sorted((work / "all").glob("*.json")):
        for record in json.loads(path.read_text()):
            record["repo"] = path.stem
            records.append(record)
    return records


def fired(record: dict[str, object], rule: str) -> bool:
    result = record["result"]
    assert isinstance(result, dict)
    return bool((result.get("rules") or {}).get(rule))


def quintiles(records: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    ordered = sorted(records, key=lambda record: (float(record["la_code"]), str(record["sha"])))  # type: ignore[arg-type]
    size = len(ordered)
    return [ordered[size * index // 5: size * (index + 1) // 5] for index in range(5)]


def rate(records: list[dict[str, object]]) -> float | None:
    return sum(int(record["bug"]) for record in records) / len(records) if records else None  # type: ignore[call-overload]


def table(records: list[dict[str, object]], rules: list[str]) -> str:
    lines = [
        f"{len(records)} mature commits of {len({record['repo'] for record in records})} repositories; "
        f"{sum(int(record['bug']) for record in records)} bug-inducing ({100 * (rate(records) or 0):.0f}%).\n",  # type: ignore[call-overload]
        "| rule | commits | per 1,000 | bug-inducing where it fires | where it does not | lift within size (median of quintiles) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    bins = quintiles(records)
    for rule in rules:
        hit = [record for record in records if fired(record, rule)]
        miss = [record for record in records if not fired(record, rule)]
        within = []
        for group in bins:
            inside, outside = rate([r for r in group if fired(r, rule)]), rate([r for r in group if not fired(r, rule)])
            if inside is not None and outside is not None and sum(1 for r in group if fired(r, rule)) >= 5:
                within.append(inside - outside)
        lift = f"{100 * statistics.median(within):+.0f} points" if within else "n/a"
        lines.append(
            f"| {rule} | {len(hit)} | {1000 * len(hit) / len(records):.0f} | {_percent(rate(hit))} | "
            f"{_percent(rate(miss))} | {lift} |"
        )
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "diffrisk-eval"))
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args(argv)
    from diffrisk import rules

    records = load(Path(args.work))
    if not records:
        raise SystemExit(f"no scored commits in {args.work}; run history_eval.py first")
    report = table(records, [rule for rule in rules.RULES if rule.startswith(("DR-S", "DR-C", "DR-R", "DR-E", "DR-H"))])
    print(report, end="")
    if args.write_readme:
        readme_block.write("rule-rates", time.strftime("%Y-%m-%d"), report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
