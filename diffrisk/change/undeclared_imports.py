"""Undeclared imports (DR-S001): modules a change newly imports that the project does not account
for (not the standard library, not its own code, not a declared dependency)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from diffrisk.change.dependencies import Project
from diffrisk.model import FileAnalysis, Finding, Severity
from diffrisk.paths import Patterns

#: Documentation and examples are not installed with the package: what they import is the
#: reader's to install, and examples routinely show optional integrations.
NOT_SHIPPED = Patterns(("examples/", "example/", "docs/", "doc/", "docs_src/", "tutorials/", "tutorial/", "cookbook/"))


def add_findings(analyses: Sequence[FileAnalysis], project: Project) -> tuple[FileAnalysis, ...]:
    """Add DR-S001 for each newly imported module the project does not account for."""
    if not project.has_manifest:
        return tuple(analyses)
    updated = []
    for analysis in analyses:
        if NOT_SHIPPED.first_match(analysis.summary.path):
            updated.append(analysis)
            continue
        found = [
            Finding("DR-S001", "smells", analysis.summary.path, line, line, Severity.MEDIUM,
                    f"undeclared import: `{module}` is not in the standard library, the repository or the declared dependencies",
                    subject=module)
            for line, module in analysis.new_imports
            if not project.provides(module)
        ]
        updated.append(replace(analysis, findings=analysis.findings + tuple(found)) if found else analysis)
    return tuple(updated)
