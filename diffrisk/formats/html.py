"""``--format html``: one self-contained page a reviewer would rather look at than read.

The level, score, review time, verdict and the score's components on top; a map of the change
(files as blocks sized by changed lines, coloured and labelled by risk, hotspots marked); a
"review in this order" list; then the diff itself, riskiest file first, each changed line shaded
by the risk of the function it belongs to and each finding shown under its line with its rule
and explanation.

- Self-contained and inert: no script, no external font, image or style; a Content-Security-
  Policy forbids loading anything, so even an escaping bug could not fetch or run code.
- Works without JavaScript: files are ``<details>`` (low-risk ones start collapsed), links are
  anchors.  Each file's body uses ``content-visibility: auto`` so that a 10,000-line diff lays
  out only what is on screen.
- Colour is never the only signal: every level, band and line carries a text label or marker.
- Everything from the diff (paths, code, messages, commit text) is HTML-escaped; control and
  bidirectional characters are shown as visible ``<U+202E>`` marks (trojan source).
- Deterministic: the same report gives the same bytes.
"""

from __future__ import annotations

import bisect
import html
import math
import unicodedata
from collections.abc import Mapping, Sequence

from diffrisk.formats import reviewers
from diffrisk.formats.escape import line_ranges, show_bytes, suppression_note
from diffrisk.model import FileChange, FileSummary, Finding, Hotspot, LineKind, Report, Rule
from diffrisk.records import field, record

#: Risk (0-100) bands, as the level thresholds cut the score: each has a word shown next to it.
BANDS = ((70, "high"), (40, "medium"), (15, "low"), (0, "minimal"))
#: Files below this risk start collapsed; the riskiest stay open.
OPEN_FROM_RISK = 15
#: Longer code lines are cut for display (the browser would lay out a megabyte-long line).
MAX_SHOWN_LINE = 2000
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MARKS = {LineKind.ADDED: ("add", "+"), LineKind.DELETED: ("del", "-"), LineKind.CONTEXT: ("ctx", " ")}
_BANDIT_DOCS = "https://bandit.readthedocs.io/en/latest/plugins/index.html"


#: How the review map shows coverage, when the check was given coverage data.
_COVERAGE_LEGEND = (
    " Untested: DR-T002 under a line marks added statements no test ran, DR-T001 a function no test ran"
    " (from the coverage data given)."
)


def format_report(report: Report, color: bool = False) -> str:
    files = _files(report)
    parts = [
        HEAD.format(title=_plain(f"diffrisk: {report.level.value} {report.level.word} review, {report.source}"), style=_STYLE),
        _summary(report),
        _map(files),
        _order(files),
        _hotspots(report, files),
        _reviewers(report),
        '<section id="diff" aria-labelledby="diff-title"><h2 id="diff-title">The diff, riskiest file first</h2>\n'
        '<p class="hint">The risk column marks each changed line with the risk of the function it belongs to: '
        '<b>H</b> high, <b>M</b> medium, <b>L</b> low (blank: minimal). ★ marks where a hotspot starts; '
        'findings are shown under their line. Added lines have a solid green bar at their left, deleted lines a '
        'dashed red one and grey text. Files of minimal risk start collapsed.'
        + (_COVERAGE_LEGEND if report.coverage_sources else "") + '</p>\n',
        *(_file_section(item) for item in files),
        "</section>\n",
        _footer(report),
        "</main>\n</body>\n</html>\n",
    ]
    return "".join(parts)


# -- the files, in review order ----------------------------------------------------------------


@record(frozen=False)
class _File:
    number: int
    summary: FileSummary
    changes: list[FileChange]
    hotspots: list[Hotspot]
    findings: list[Finding]
    #: diffrisk's rules by id, for the findings' explanations.
    rules: Mapping[str, Rule]
    risk: int = 0
    index: _Index = field(init=False)

    @property
    def anchor(self) -> str:
        return f"file-{self.number}"

    @property
    def changed(self) -> int:
        return self.summary.added + self.summary.deleted


def _files(report: Report) -> list[_File]:
    changes: dict[str, list[FileChange]] = {}
    for change in report.diff.files if report.diff is not None else ():
        changes.setdefault(change.path, []).append(change)
    files = []
    known = {rule.id: rule for rule in report.rules}
    seen: set[str] = set()
    for summary in report.files:
        if summary.path in seen:
            continue  # a file turned into a link is two summaries of one path: show its diff once
        seen.add(summary.path)
        spots = [spot for spot in report.hotspots if spot.path == summary.path]
        found = [finding for finding in report.findings if finding.path == summary.path]
        risk = max((spot.risk for spot in spots), default=0)
        files.append(_File(0, summary, changes.get(summary.path, []), spots, found, known, risk))
    files.sort(key=lambda item: (-item.risk, -len(item.findings), -item.changed, item.summary.path))
    for number, item in enumerate(files, start=1):
        item.number = number
        item.index = _Index(item.anchor, item.changes, item.hotspots, item.summary.status == "deleted")
    return files


def _band(risk: int) -> str:
    return next(name for floor, name in BANDS if risk >= floor)


def _risk_label(risk: int) -> str:
    return f"risk {risk} ({_band(risk)})"


# -- top of the page ---------------------------------------------------------------------------


def _summary(report: Report) -> str:
    level = report.level
    verdict = report.verdict
    verdict_class = "ok" if verdict.within_policy else "fail"
    out = [
        '<header id="summary">\n',
        f'<p class="source">{_text(report.source)}</p>\n',
        f'<h1><span class="badge lv-{level.value}">{level.value}</span> {_text(level.word)} review'
        f' <span class="score">risk {report.score}/100</span>'
        f' <span class="minutes">about {report.review_minutes} min to review</span></h1>\n',
        f'<p class="meaning">{_text(level.meaning)}</p>\n',
    ]
    out += [f'<p class="why-level">{_text(reason)}</p>\n' for reason in report.level_reasons]
    mark = "✔" if verdict.within_policy else "✖"
    out.append(f'<p class="verdict {verdict_class}" id="verdict"><span aria-hidden="true">{mark}</span> '
               f'Verdict: {_text(verdict.message)}</p>\n')
    authorship = report.authorship
    if authorship is not None and authorship.ai_authored:
        out.append(f'<p class="ai" id="authorship"><strong>AI-authored.</strong> {_text(authorship.reason or "")}</p>\n')
        if authorship.lacking_trailer:
            out.append(f'<p class="ai">Commits lacking the required trailer: {_text(", ".join(sha[:12] for sha in authorship.lacking_trailer))}</p>\n')
    elif authorship is not None:
        out.append(f'<p class="human" id="authorship">Not treated as AI-authored: {_text(authorship.reason or "")}</p>\n')
    out.append(_components(report))
    out.append("</header>\n<main>\n")
    return "".join(out)


def _components(report: Report) -> str:
    rows = []
    for component in report.components:
        scored = component.weight > 0
        label = f"{component.score}" if scored else f"{component.score} (shown, not scored)"
        reasons = "; ".join(reason.message for reason in component.reasons[:3]) or "nothing found"
        rows.append(
            f'<tr><th scope="row">{_text(component.name)}</th>'
            f'<td class="barcell"><span class="bar{"" if scored else " unscored"}" style="width:{component.score}%"></span></td>'
            f'<td class="num">{label}</td><td class="reasons">{_text(reasons)}</td></tr>\n'
        )
    return ('<table class="components" aria-label="Score components (0-100 each)">'
            '<caption>Score components, 0-100 each</caption>\n' + "".join(rows) + "</table>\n")


def _map(files: Sequence[_File]) -> str:
    blocks = []
    for item in files:
        spots = len(item.hotspots)
        star = f' · <span class="star">★</span> {spots} hotspot{"s" if spots != 1 else ""}' if spots else ""
        count = len(item.findings)
        flagged = f' · <span class="flag">⚑</span> {count} finding{"s" if count != 1 else ""}' if count else ""
        skipped = f" · not analysed: {_text(item.summary.skipped)}" if item.summary.skipped else ""
        blocks.append(
            f'<a class="block b-{_band(item.risk)}" href="#{item.anchor}" style="flex:{max(item.changed, 1)} 1 {_block_width(item.changed):.1f}rem">'
            f'<span class="path">{_text(item.summary.path)}</span>'
            f'<span class="meta">{_risk_label(item.risk)} · +{item.summary.added} −{item.summary.deleted}{star}{flagged}{skipped}</span></a>\n'
        )
    return ('<section id="map" aria-labelledby="map-title"><h2 id="map-title">Map of the change</h2>\n'
            '<p class="hint">Each block is a file, sized by its changed lines, coloured and labelled by the risk of its riskiest hotspot.</p>\n'
            '<div class="map">\n' + "".join(blocks) + "</div>\n</section>\n")


def _block_width(changed: int) -> float:
    """A block's starting width: it grows with the square root of the changed lines, so that a
    block's area, not its width, follows the lines (a 400-line file is not 100 times as wide)."""
    return min(6.0 + math.sqrt(changed), 40.0)


def _order(files: Sequence[_File]) -> str:
    items = []
    for item in files:
        counts = f"{len(item.hotspots)} hotspots, {len(item.findings)} findings" if not item.summary.skipped else f"not analysed: {_text(item.summary.skipped)}"
        items.append(
            f'<li><a href="#{item.anchor}">{_text(item.summary.path)}</a> '
            f'<span class="tag b-{_band(item.risk)}">{_risk_label(item.risk)}</span> '
            f'{_text(item.summary.status)}, +{item.summary.added} −{item.summary.deleted}, {counts}</li>\n'
        )
    return ('<section id="order" aria-labelledby="order-title"><h2 id="order-title">Review in this order</h2>\n<ol>\n'
            + "".join(items) + "</ol>\n</section>\n")


def _hotspots(report: Report, files: Sequence[_File]) -> str:
    by_path = {item.summary.path: item for item in files}
    items = []
    for rank, spot in enumerate(report.hotspots, start=1):
        item = by_path.get(spot.path)
        target = item.index.target(spot) if item is not None else "diff"
        why = f" — {_text('; '.join(spot.reasons))}" if spot.reasons else ""
        where = "deleted " if spot.side == "old" else ""
        items.append(
            f'<li class="hotspot" id="hotspot-{rank}"><a href="#{target}">{_text(spot.path)}:{spot.line}-{spot.end_line}</a> '
            f'{where}<code>{_text(spot.name)}</code> likely {spot.likelihood}% '
            f'<span class="tag b-{_band(spot.risk)}">{_risk_label(spot.risk)}</span> +{spot.added} −{spot.deleted}{why}</li>\n'
        )
    body = "<ol>\n" + "".join(items) + "</ol>\n" if items else "<p>No Python function or block was touched.</p>\n"
    security = []
    for rank, spot in enumerate(report.security_hotspots, start=1):
        item = by_path.get(spot.path)
        target = item.index.target(spot) if item is not None else "diff"
        security.append(
            f'<li class="hotspot" id="security-{rank}"><a href="#{target}">{_text(spot.path)}:{spot.line}-{spot.end_line}</a> '
            f'<code>{_text(spot.name)}</code> lines {_text(line_ranges(spot.lines))} — {_text("; ".join(spot.reasons))}</li>\n'
        )
    security_list = (
        '<h3 id="security-title">Security: read these lines</h3>\n<ol>\n' + "".join(security) + "</ol>\n" if security else ""
    )
    return ('<section id="hotspots" aria-labelledby="hotspots-title"><h2 id="hotspots-title">Start here: where a bug most '
            'likely is</h2>\n' + body + security_list + "</section>\n")


# -- the diff of one file ----------------------------------------------------------------------


class _Index:
    """One file's diff rows, and what belongs to each: built once, so that a file of thousands
    of functions is not searched once per line."""

    def __init__(self, anchor: str, changes: Sequence[FileChange], hotspots: Sequence[Hotspot], deleted_file: bool) -> None:
        self.anchor = anchor
        self.deleted_file = deleted_file
        #: Row ids by (side, line number); a context row is on both sides.
        self.rows: dict[tuple[str, int], str] = {}
        for change in changes:
            for hunk in change.hunks:
                for line in hunk.lines:
                    row = self.row_id(line.kind, line.old_lineno, line.new_lineno)
                    if line.old_lineno is not None:
                        self.rows.setdefault(("o", line.old_lineno), row)
                    if line.new_lineno is not None:
                        self.rows.setdefault(("n", line.new_lineno), row)
        self.shown = {side: sorted(number for key, number in self.rows if key == side) for side in ("o", "n")}
        self.owners = {side: _owners(hotspots, "old" if side == "o" else "new") for side in ("o", "n")}
        self.starts: dict[str, list[Hotspot]] = {}
        for spot in sorted(hotspots, key=lambda spot: -spot.risk):
            self.starts.setdefault(self.target(spot), []).append(spot)

    def row_id(self, kind: LineKind, old: int | None, new: int | None) -> str:
        return f"{self.anchor}-o{old}" if kind is LineKind.DELETED else f"{self.anchor}-n{new}"

    def target(self, spot: Hotspot) -> str:
        """The first row the diff shows inside the hotspot (its def line is often outside every
        hunk), else the file."""
        side = "o" if spot.side == "old" else "n"
        numbers = self.shown[side]
        at = bisect.bisect_left(numbers, spot.line)
        if at < len(numbers) and numbers[at] <= spot.end_line:
            return self.rows[(side, numbers[at])]
        return self.anchor

    def finding_key(self, finding: Finding) -> tuple[str, int]:
        # A deleted file has only old lines, whatever side its findings name.
        return ("o" if finding.removed or self.deleted_file else "n", finding.line)

    def risk(self, kind: LineKind, old: int | None, new_anchor: int) -> int | None:
        """The risk of the hotspot a changed line belongs to: a deleted line, of the deleted
        function it was in, else of the function now at its place."""
        if kind is LineKind.CONTEXT:
            return None
        spot = self.owners["o"].get(old) if kind is LineKind.DELETED and old is not None else None
        spot = spot or self.owners["n"].get(new_anchor)
        return spot.risk if spot is not None else None


def _owners(hotspots: Sequence[Hotspot], side: str) -> dict[int, Hotspot]:
    """Each line's hotspot on ``side``: a function before a module or file block, and of those
    the innermost (a later start inside an earlier one)."""
    ranked = sorted(
        (spot for spot in hotspots if spot.side == side),
        key=lambda spot: (spot.kind == "function", spot.line, -spot.end_line, spot.risk),
    )
    owners: dict[int, Hotspot] = {}
    for spot in ranked:
        for number in range(spot.line, spot.end_line + 1):
            owners[number] = spot
    return owners


def _file_section(item: _File) -> str:
    summary = item.summary
    opened = " open" if item.risk >= OPEN_FROM_RISK or item.findings else ""
    head = (
        f'<details class="file" id="{item.anchor}"{opened}><summary><span class="num">{item.number}.</span> '
        f'<span class="path">{_text(summary.path)}</span>'
        + (f' <span class="was">(was {_text(summary.old_path)})</span>' if summary.old_path else "")
        + f' <span class="tag b-{_band(item.risk)}">{_risk_label(item.risk)}</span> {_text(summary.status)}, '
        f'+{summary.added} −{summary.deleted}'
        + (f' <span class="skipped">not analysed: {_text(summary.skipped)}</span>' if summary.skipped else "")
        + (f' <span class="skipped">generated ({_text(summary.generated)}): only security findings count</span>' if summary.generated else "")
        + "</summary>\n"
    )
    body = [head, '<div class="body">\n']
    body += [_finding_note(finding, item.rules) for finding in item.findings if item.index.finding_key(finding) not in item.index.rows]
    if any(change.hunks for change in item.changes):
        body.append('<table class="diff"><thead><tr><th scope="col">old</th><th scope="col">new</th>'
                    '<th scope="col"><span class="sr">change</span></th><th scope="col">risk</th><th scope="col">code</th></tr></thead>\n')
        for change in item.changes:
            body.append(_change_rows(item, change))
        body.append("</table>\n")
    else:
        body.append('<p class="nolines">No lines to show (binary, mode-only, rename or submodule change).</p>\n')
    body.append("</div></details>\n")
    return "".join(body)


def _change_rows(item: _File, change: FileChange) -> str:
    index = item.index
    by_row: dict[str, list[Finding]] = {}
    for finding in item.findings:
        row = index.rows.get(index.finding_key(finding))
        if row is not None:
            by_row.setdefault(row, []).append(finding)
    rows = []
    for hunk in change.hunks:
        section = f" {_text(hunk.section)}" if hunk.section else ""
        rows.append(f'<tr class="hunk"><td colspan="5">@@ -{hunk.old_start},{hunk.old_count} +{hunk.new_start},{hunk.new_count} @@{section}</td></tr>\n')
        anchor_new = hunk.new_start
        for line in hunk.lines:
            if line.new_lineno is not None:
                anchor_new = line.new_lineno
            row = index.row_id(line.kind, line.old_lineno, line.new_lineno)
            risk = index.risk(line.kind, line.old_lineno, anchor_new)
            rows.append(_row(row, line.kind, line.old_lineno, line.new_lineno, line.text, risk, index.starts.pop(row, [])))
            rows += [_finding_row(finding, item.rules) for finding in by_row.pop(row, ())]
    return "".join(rows)


def _row(row: str, kind: LineKind, old: int | None, new: int | None, text: str, risk: int | None, starts: Sequence[Hotspot]) -> str:
    css, mark = _MARKS[kind]
    # Minimal risk is left unmarked, so that the marks stand out: H(igh), M(edium), L(ow).
    band = _band(risk) if risk is not None and risk >= BANDS[-2][0] else ""
    risk_cell = f'<td class="rk b-{band}">{band[0].upper()}</td>' if band else '<td class="rk"></td>'
    spots = "".join(f'<span class="spot">★ {_text(spot.name)}</span>' for spot in starts)
    return (
        f'<tr class="{css}{" r-" + band if band else ""}" id="{row}">'
        f'<td class="ln">{old if old is not None else ""}</td><td class="ln">{new if new is not None else ""}</td>'
        f'<td class="mk">{mark}</td>{risk_cell}'
        f'<td class="code">{spots}<code>{_code(text)}</code></td></tr>\n'
    )


def _finding_row(finding: Finding, known_rules: Mapping[str, Rule]) -> str:
    return f'<tr class="finding"><td colspan="5">{_finding_note(finding, known_rules)}</td></tr>\n'


def _finding_note(finding: Finding, known_rules: Mapping[str, Rule]) -> str:
    known = known_rules.get(finding.rule)
    if known is not None:
        explanation = f"{known.title}. {known.explanation}"
    elif finding.rule.startswith("B"):
        cwe = f" CWE-{finding.cwe}." if finding.cwe else ""
        explanation = f"bandit rule {finding.rule}, confidence {finding.confidence or 'unknown'}.{cwe} See {_BANDIT_DOCS}"
    else:
        explanation = ""
    removed = " (removed by this change: counts in its favour)" if finding.removed else ""
    return (
        f'<div class="note sev-{finding.severity.value}" role="note">'
        f'<span class="rule">{_text(finding.rule)}</span> <span class="sev">{finding.severity.value}</span> '
        f'line {finding.line}: {_text(finding.message + suppression_note(finding))}{removed}'
        + (f'<p class="why">{_text(explanation)}</p>' if explanation else "")
        + "</div>\n"
    )


def _reviewers(report: Report) -> str:
    rows = reviewers.lines(report.reviewers) if report.reviewers is not None else []
    if not rows:
        return ""
    items = "".join(f"<li><b>{_text(label)}</b> {_text(row)}</li>\n" for label, row in rows)
    return f'<section id="reviewers" aria-labelledby="reviewers-title"><h2 id="reviewers-title">Who should review it</h2>\n<ul>\n{items}</ul></section>\n'


def _footer(report: Report) -> str:
    out = []
    if report.failures:
        out.append('<section id="failures"><h2>Analyzer failures: this report is incomplete</h2><ul>\n')
        out += [f"<li>{_text(failure)}</li>\n" for failure in report.failures]
        out.append("</ul></section>\n")
    if report.notes:
        out.append('<section id="notes"><h2>Notes</h2><ul>\n')
        out += [f"<li>{_text(note)}</li>\n" for note in report.notes]
        out.append("</ul></section>\n")
    if report.suppressed:
        out.append('<section id="suppressed"><h2>Under a suppression comment</h2><ul>\n')
        out += [
            f"<li>{_text(item.finding.path)}:{item.finding.line} {_text(item.finding.rule)}: {_text(item.reason)} "
            f"({'added or edited by this change: still counted' if item.counted else 'an older ignore on unchanged code: silenced'})</li>\n"
            for item in report.suppressed
        ]
        out.append("</ul></section>\n")
    return "".join(out)


# -- escaping ----------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Escape text for HTML, with undecodable bytes and control characters made visible."""
    return _visible(show_bytes(value))


def _is_control(char: str) -> bool:
    """Characters that change how text around them reads (or hide): control, format (zero-width,
    bidi) and line or paragraph separators."""
    return char in _BIDI or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _plain(value: str) -> str:
    """Escape text for an attribute or the <title>, where no markup may go: control and
    bidirectional characters become the plain text <U+XXXX>."""
    shown = "".join(
        f"<U+{ord(char):04X}>" if _is_control(char) else char
        for char in show_bytes(value)
    )
    return html.escape(shown, quote=True)


def _code(text: str) -> str:
    if len(text) > MAX_SHOWN_LINE:
        return _visible(show_bytes(text[:MAX_SHOWN_LINE])) + f'<span class="cut"> … {len(text) - MAX_SHOWN_LINE:,} more characters</span>'
    return _visible(show_bytes(text))


def _visible(text: str) -> str:
    if text.isprintable() and not (_BIDI & set(text)):
        return html.escape(text, quote=True)
    return "".join(_char(char) for char in text)


def _char(char: str) -> str:
    if char == "\t":
        return "\t"
    if _is_control(char):
        return f'<span class="ctl" title="control character">&lt;U+{ord(char):04X}&gt;</span>'
    return html.escape(char, quote=True)


#: The start of every page diffrisk writes: self-contained, no script, nothing from the network.
HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="diffrisk">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
"""

_STYLE = """
:root{color-scheme:light dark;--high:#c62828;--medium:#b34700;--low:#f9a825;--minimal:#9e9e9e;--fg:#1b1b1b;--muted:#555;--bg:#fff}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:1rem 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ddd}
.source{color:var(--muted);margin:0}.score,.minutes{font-weight:normal;color:var(--muted);font-size:1rem;margin-left:.6rem}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.3rem;color:#fff;font-weight:bold}
.lv-L0{background:#2e7d32}.lv-L1{background:#1565c0}.lv-L2{background:#b34700}.lv-L3{background:#c62828}
.verdict{font-weight:bold}.verdict.ok{color:#2e7d32}.verdict.fail{color:#c62828}
.ai{background:#fff3e0;color:#000;border-left:4px solid #b34700;padding:.3rem .6rem}.human{color:var(--muted)}
table.components{border-collapse:collapse;margin:.6rem 0}table.components caption{text-align:left;color:var(--muted)}
table.components th,table.components td{padding:.15rem .5rem;text-align:left;vertical-align:middle}
.barcell{width:12rem;background:#f2f2f2}.bar{display:block;height:.8rem;background:#37474f;min-width:1px}.bar.unscored{background:repeating-linear-gradient(45deg,#9e9e9e 0 4px,#e0e0e0 4px 8px)}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}.reasons{color:var(--muted);font-size:.9rem}
.map{display:flex;flex-wrap:wrap;gap:4px}
.block{min-height:3.2rem;padding:.3rem .4rem;color:#000;text-decoration:none;border:2px solid #0003;overflow:hidden;font-size:.85rem}
.block .path{display:block;font-weight:bold;word-break:break-all}.block .meta{display:block}
.b-high{background:#ffcdd2;border-color:var(--high)}.b-medium{background:#ffe0b2;border-color:var(--medium)}
.b-low{background:#fff9c4;border-color:var(--low)}.b-minimal{background:#f5f5f5;border-color:var(--minimal)}
.tag{color:#000;padding:0 .3rem;border:1px solid;border-radius:.2rem;font-size:.85rem;white-space:nowrap}
.hint{color:var(--muted);font-size:.9rem}
details.file{border:1px solid #ccc;border-radius:.3rem;margin:.6rem 0}
details.file>summary{padding:.4rem .6rem;background:#f6f8fa;cursor:pointer}
details.file>.body{content-visibility:auto;contain-intrinsic-size:auto 600px;overflow-x:auto}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}.was,.skipped{color:var(--muted)}
table.diff{border-collapse:collapse;width:100%;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
table.diff thead th{font-weight:normal;color:var(--muted);text-align:left;padding:0 .3rem}
table.diff td{padding:0 .3rem;vertical-align:top}.ln{color:#666;text-align:right;user-select:none;width:3.5rem}
.mk,.rk{width:1.2rem;text-align:center;user-select:none}.code{white-space:pre;tab-size:4}
tr.add{background:#e6ffec}tr.del{background:#ffebe9}
tr.add td.code{border-left:3px solid #2e7d32}tr.del td.code{border-left:3px dashed #c62828;color:var(--muted)}
.rk{font-weight:bold;border:none}.rk.b-high{background:var(--high);color:#fff}.rk.b-medium{background:var(--medium);color:#fff}.rk.b-low{background:var(--low);color:#000}
tr.hunk td{background:#ddf4ff;color:#555}
.spot{display:inline-block;font:bold 12px system-ui,sans-serif;background:#37474f;color:#fff;padding:0 .3rem;margin-right:.5rem;border-radius:.2rem}
.note{font:14px/1.4 system-ui,sans-serif;white-space:normal;margin:.2rem 0 .3rem 4rem;padding:.3rem .6rem;border-left:4px solid;background:#fafafa}
.sev-high{border-color:var(--high)}.sev-medium{border-color:var(--medium)}.sev-low,.sev-info{border-color:var(--minimal)}
.rule{font-weight:bold;font-family:ui-monospace,monospace}.sev{text-transform:uppercase;font-size:.75rem;font-weight:bold}
.why{margin:.2rem 0 0;color:var(--muted)}.ctl{background:#ffeb3b;color:#000;border-radius:.2rem}.cut{color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.nolines{color:var(--muted);padding:0 .6rem}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--muted:#aaa;--bg:#111}details.file>summary{background:#1d2125}
tr.add{background:#12361f}tr.del{background:#3d1518}
tr.hunk td{background:#102a43;color:#bbb}.note{background:#1a1a1a}.block{color:#000}.barcell{background:#333}
.bar{background:#b0bec5}a{color:#8ab4f8}.block,.block:visited{color:#000}.ln{color:#aaa}}
"""
