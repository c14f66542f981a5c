"""Escaping, and the wording of what every format must list, shared by the formats."""

from __future__ import annotations

from collections.abc import Sequence

from diffrisk.model import ChangedCoverage, Finding, Report, line_runs

# Paths and contents are decoded with "surrogateescape": a byte that is not UTF-8 becomes a lone
# surrogate U+DC80..U+DCFF, which no strict JSON or terminal accepts.
_UNDECODABLE_BYTES = {code: f"\\x{code - 0xDC00:02x}" for code in range(0xDC80, 0xDD00)}


def show_bytes(text: str) -> str:
    """Write each byte that was not UTF-8 as the four characters ``\\xNN``."""
    # ASCII text has none, and most text is ASCII: checking costs about 2% of translating.
    return text if text.isascii() else text.translate(_UNDECODABLE_BYTES)


#: Between the two characters of a workflow command's marker: invisible, and it breaks the marker.
_ZERO_WIDTH = "\u200b"


def neutralise_ci(text: str, json_text: bool = False) -> str:
    """Output that reaches a CI log cannot steer it.  GitHub reads a line that starts (after any
    whitespace) with ``::`` as a workflow command, and ``##[`` anywhere as an older one; a file
    name or message in a report must be neither.  Text gets a zero-width space between the two
    marks; JSON writes the second ``#`` as ``\\u0023``, which decodes to the same string."""
    if json_text:
        return text.replace("##[", "#\\u0023[")
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("::"):
            indent = len(line) - len(stripped)
            lines[index] = f"{line[:indent]}:{_ZERO_WIDTH}{stripped[1:]}"
    return "\n".join(lines).replace("##[", f"#{_ZERO_WIDTH}#[")


def not_analysed(report: Report) -> list[tuple[str, str]]:
    """(path, why) of each changed file diffrisk did not analyse: every format lists them."""
    return [(summary.path, summary.skipped) for summary in report.files if summary.skipped]


def suppression_note(finding: Finding) -> str:
    """What a finding under a suppression the change added or edited says in a one-line format."""
    return f" [under {finding.suppression}, which this change added or edited: still counted]" if finding.suppression else ""


def line_ranges(lines: Sequence[int]) -> str:
    """Lines as ranges: "4-6, 9"."""
    return spans(line_runs(lines))


def spans(runs: Sequence[tuple[int, int]]) -> str:
    """(first, last) line runs as text: "4-6, 9"."""
    return ", ".join(f"{first}" if first == last else f"{first}-{last}" for first, last in runs)


def coverage_summary(report: Report) -> str | None:
    """One sentence on what the tests ran of the added statements, when coverage data was given."""
    if not report.coverage_sources:
        return None
    measured = [item for item in report.coverage if item.status == "measured"]
    executable = sum(item.executable for item in measured)
    ran = sum(item.covered for item in measured)
    unmeasured = len(report.coverage) - len(measured)
    share = "no added statement was measured"
    if executable:
        share = f"{ran} of {executable} added statements ran in tests ({100 * ran / executable:.0f}%)"
    rest = f"; {unmeasured} changed file{'s' if unmeasured != 1 else ''} not measured" if unmeasured else ""
    return f"{share}{rest} (from {', '.join(report.coverage_sources)})"


def coverage_detail(item: ChangedCoverage) -> str:
    """What the tests ran of one file's added statements, in words."""
    if item.status == "stale":
        return f"stale data, not counted: {item.why}"
    if item.status == "not measured":
        return "not measured" + (f": {item.why}" if item.why else " (the data does not mention it)")
    if not item.executable:
        return "no added statements"
    detail = f"{item.covered} of {item.executable} added statements ran"
    if item.uncovered:
        detail += "; not run: " + spans(item.uncovered)
    if item.partial:
        detail += "; a branch not taken both ways at " + line_ranges(item.partial)
    return detail

