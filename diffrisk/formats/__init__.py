"""Stage 7, output formats.  Each is a pure function of the report: ``format_report(report, color) -> str``.

Formats read only the report (and the model it is written in): they never do I/O and never see
the stages that made it; only the commands write.  Whatever they write may reach a CI log, so no
format can emit a workflow command but the github format's own (escape.neutralise_ci).  A format's module is
imported when it is used, so a run pays only for the format it writes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Protocol

from diffrisk.formats.escape import neutralise_ci
from diffrisk.model import Report


class Formatter(Protocol):
    def __call__(self, report: Report, color: bool) -> str: ...


#: The formats that write JSON (a workflow command cannot start one of their lines).
_JSON = frozenset({"json", "sarif", "rdjson", "gitlab"})
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
        if name == "github":
            return formatter  # workflow commands on purpose, their data escaped (formats.github)

        def safe(report: Report, color: bool) -> str:
            return neutralise_ci(formatter(report, color), json_text=name in _JSON)

        return safe

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Formatter] = _Formats()
#: The format names, in the order the command line lists them.
FORMAT_NAMES = tuple(_MODULES)
