"""Stage 7, output formats.  Each is a pure function of the report: ``format_report(report, color) -> str``.

Formats read only the report (and the model it is written in): they never do I/O and never see
the stages that made it; only the commands write.  A format's module is
imported when it is used, so a run pays only for the format it writes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Protocol

from diffrisk.model import Report


class Formatter(Protocol):
    def __call__(self, report: Report, color: bool) -> str: ...


#: Format name -> module in this package.
_MODULES = {
    "text": "text", "json": "json_format", "github": "github", "markdown": "markdown", "sarif": "sarif",
    "rdjson": "rdjson", "gitlab": "gitlab", "html": "html",
}


class _Formats(Mapping[str, Formatter]):
    """The formats by name, each module imported on first use."""

    def __getitem__(self, name: str) -> Formatter:
        module = importlib.import_module(f"diffrisk.formats.{_MODULES[name]}")
        formatter: Formatter = module.format_report
        return formatter

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Formatter] = _Formats()
#: The format names, in the order the command line lists them.
FORMAT_NAMES = tuple(_MODULES)
