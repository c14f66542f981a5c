"""Formats for ``diffrisk log``: one row per commit (jsonl, csv, text) and a summary table.

Each function is pure; ``commands.log`` writes rows as they arrive.  Rows carry text from commits
(author names), so csv escapes through the csv module and text through ``escape``.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import time
from collections.abc import Iterable

from diffrisk.formats.escape import show_bytes
from diffrisk.model import CommitScore, ComponentName, Level
from diffrisk.records import fields, record

CSV_COLUMNS = (
    "commit", "author", "date", "score", "level", "review_minutes",
    *(f"{name.value}_score" for name in ComponentName),
    "lines_added", "lines_deleted", "code_lines_added", "files", "python_files", "findings", "ai_authored", "error",
)


def _date(timestamp: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def as_dict(row: CommitScore) -> dict[str, object]:
    """The jsonl object of one commit."""
    document: dict[str, object] = {
        "commit": row.sha,
        "author": show_bytes(row.author),
        "date": _date(row.timestamp),
        "score": row.score,
        "level": row.level.value if row.level else None,
        "review_minutes": row.review_minutes,
        "components": {name.value: score for name, score, _ in row.components},
        "points": {name.value: round(points, 4) for name, _, points in row.components},
        "lines_added": row.size.lines_added if row.size else None,
        "lines_deleted": row.size.lines_deleted if row.size else None,
        "files": row.size.files if row.size else None,
        "size": _size(row),
        "rules": dict(row.rules),
        "ai_authored": None if row.authorship is None else row.authorship.ai_authored,
        "ai_reason": None if row.authorship is None else row.authorship.reason,
        "floors": list(row.floors),
        "failures": [show_bytes(failure) for failure in row.failures],
        "error": show_bytes(row.error) if row.error else None,
    }
    return document


def _size(row: CommitScore) -> dict[str, object] | None:
    if row.size is None:
        return None
    return {name: getattr(row.size, name) for name in (item.name for item in fields(row.size))}


def jsonl(row: CommitScore) -> str:
    return json.dumps(as_dict(row), ensure_ascii=True) + "\n"


def csv_header() -> str:
    return _csv_line(CSV_COLUMNS)


def csv_row(row: CommitScore) -> str:
    components = {name: score for name, score, _ in row.components}
    size = row.size
    values: list[object] = [
        row.sha, show_bytes(row.author), _date(row.timestamp), row.score, row.level.value if row.level else "",
        row.review_minutes, *(components.get(name, "") for name in ComponentName),
        size.lines_added if size else "", size.lines_deleted if size else "", size.code_lines_added if size else "",
        size.files if size else "", size.python_files if size else "", sum(count for _, count in row.rules),
        "" if row.authorship is None else int(row.authorship.ai_authored), show_bytes(row.error or ""),
    ]
    return _csv_line(values)


def _csv_line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_csv_cell(value) for value in values])
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def text_header() -> str:
    return f"{'commit':<12}  {'date':<10}  {'level':<11}  {'risk':>4}  {'min':>4}  {'+lines':>7}  {'-lines':>7}  {'AI':<2}  author\n"


def text_row(row: CommitScore) -> str:
    date = _date(row.timestamp)[:10]
    author = _printable(row.author)[:40]
    if row.error or row.level is None or row.size is None:
        error = _printable(row.error or "")
        return f"{row.sha[:12]}  {date}  {'error':<11}  {'':>4}  {'':>4}  {'':>7}  {'':>7}  {_ai(row):<2}  {author}: {error}\n"
    level = f"{row.level.value} {row.level.word}"
    return (
        f"{row.sha[:12]}  {date}  {level:<11}  {row.score:>4}  {row.review_minutes:>4}  "
        f"{row.size.lines_added:>7}  {row.size.lines_deleted:>7}  {_ai(row):<2}  {author}\n"
    )


def _ai(row: CommitScore) -> str:
    """"AI" for a commit a coding agent wrote (by its metadata)."""
    return "AI" if row.authorship is not None and row.authorship.ai_authored else ""


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else "?" for char in show_bytes(text))


# -- summaries ------------------------------------------------------------------------------------


@record(frozen=False)
class SummaryRow:
    key: str
    commits: int
    levels: dict[Level, int]
    review_minutes: int
    errors: int
    #: Of those, the commits an agent wrote, their changed lines and review minutes.
    ai_commits: int = 0
    ai_lines: int = 0
    ai_minutes: int = 0


def summarize(rows: Iterable[CommitScore], by: str) -> list[SummaryRow]:
    """Per-level counts and review minutes per ISO week ("2026-W07") or per author."""
    table: dict[str, SummaryRow] = {}
    for row in rows:
        key = _week(row.timestamp) if by == "week" else f"{row.author} <{row.email}>"
        entry = table.setdefault(key, SummaryRow(key, 0, dict.fromkeys(Level, 0), 0, 0))
        entry.commits += 1
        if row.level is None:
            entry.errors += 1
            continue
        entry.levels[row.level] += 1
        entry.review_minutes += row.review_minutes or 0
        if _ai(row):
            entry.ai_commits += 1
            entry.ai_lines += (row.size.lines_added + row.size.lines_deleted) if row.size else 0
            entry.ai_minutes += row.review_minutes or 0
    ordered = sorted(table.values(), key=lambda entry: entry.key)
    return ordered if by == "week" else sorted(ordered, key=lambda entry: -entry.review_minutes)


def _week(timestamp: int) -> str:
    year, week, _ = datetime.datetime.fromtimestamp(timestamp, tz=datetime.timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def summary_text(entries: list[SummaryRow], by: str) -> str:
    title = "week" if by == "week" else "author"
    width = max([len(title), *(len(_printable(entry.key)) for entry in entries)])
    lines = [f"{title:<{width}}  {'commits':>7}  {'L0':>5}  {'L1':>5}  {'L2':>5}  {'L3':>5}  {'review min':>10}  "
             f"{'AI commits':>10}  {'AI lines':>8}  {'AI min':>6}"]
    for entry in entries:
        counts = "  ".join(f"{entry.levels[level]:>5}" for level in Level)
        lines.append(f"{_printable(entry.key):<{width}}  {entry.commits:>7}  {counts}  {entry.review_minutes:>10}  "
                     f"{entry.ai_commits:>10}  {entry.ai_lines:>8}  {entry.ai_minutes:>6}")
    total_minutes = sum(entry.review_minutes for entry in entries)
    total_commits = sum(entry.commits for entry in entries)
    totals = "  ".join(f"{sum(entry.levels[level] for entry in entries):>5}" for level in Level)
    ai = (sum(entry.ai_commits for entry in entries), sum(entry.ai_lines for entry in entries), sum(entry.ai_minutes for entry in entries))
    lines.append(f"{'total':<{width}}  {total_commits:>7}  {totals}  {total_minutes:>10}  {ai[0]:>10}  {ai[1]:>8}  {ai[2]:>6}")
    return "\n".join(lines) + "\n"


def summary_csv(entries: list[SummaryRow], by: str) -> str:
    lines = [_csv_line((by, "commits", "L0", "L1", "L2", "L3", "review_minutes", "errors", "ai_commits", "ai_lines", "ai_minutes"))]
    for entry in entries:
        counts = (entry.levels[level] for level in Level)
        lines.append(_csv_line((show_bytes(entry.key), entry.commits, *counts, entry.review_minutes, entry.errors,
                                entry.ai_commits, entry.ai_lines, entry.ai_minutes)))
    return "".join(lines)


def summary_jsonl(entries: list[SummaryRow], by: str) -> str:
    return "".join(
        json.dumps({by: show_bytes(entry.key), "commits": entry.commits, "levels": {level.value: entry.levels[level] for level in Level},
                    "review_minutes": entry.review_minutes, "errors": entry.errors, "ai_commits": entry.ai_commits,
                    "ai_lines": entry.ai_lines, "ai_minutes": entry.ai_minutes}, ensure_ascii=True) + "\n"
        for entry in entries
    )
