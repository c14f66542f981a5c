"""Stage 3, the file analyzers.  Each reads one version of one Python file and knows nothing of diffs.

A closed set: the registry below is the whole list (no plugins, no entry points).  Modules keep
their heavy imports (radon, bandit) inside ``analyze`` so that a diff without Python
pays for none of them.
"""

from __future__ import annotations

from typing import Protocol

from diffrisk.analyzers import complexity, readability, security, smells, weaknesses
from diffrisk.analyzers.scope import Scope
from diffrisk.model import FileResult
from diffrisk.pyfile.source import PythonSource


class Analyzer(Protocol):
    NAME: str
    SCOPE: Scope
    #: Whether it reports measurements of functions (``FileResult.unit_metrics``), not only
    #: issues: the old side of a change is then analysed also for the functions the change
    #: touched (their "before"), where the others need only the lines it deleted.
    MEASURES_FUNCTIONS: bool

    def analyze(self, source: PythonSource) -> FileResult: ...


ANALYZERS: dict[str, Analyzer] = {
    complexity.NAME: complexity,
    security.NAME: security,
    weaknesses.NAME: weaknesses,
    readability.NAME: readability,
    smells.NAME: smells,
}
