"""Output formats.  Each is a pure function of the report: ``format_report(report, color) -> str``.

Formats never do I/O and never see the engine; only ``main`` writes.
"""

from __future__ import annotations

from typing import Protocol

from diffrisk.formats import github, gitlab, json_format, markdown, rdjson, sarif, text
from diffrisk.model import Report


class Formatter(Protocol):
    def __call__(self, report: Report, color: bool) -> str: ...


FORMATS: dict[str, Formatter] = {
    "text": text.format_report,
    "json": json_format.format_report,
    "github": github.format_report,
    "markdown": markdown.format_report,
    "sarif": sarif.format_report,
    "rdjson": rdjson.format_report,
    "gitlab": gitlab.format_report,
}
