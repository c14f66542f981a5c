"""Undeclared imports (DR-S001): modules a change newly imports that the project does not account
for (not the standard library, not its own code, not a declared dependency); and imports one typo
away from a declared dependency or a popular package (DR-S011)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from diffrisk.change import near_misses
from diffrisk.change.dependencies import Project
from diffrisk.model import FileAnalysis, Finding, Severity
from diffrisk.paths import Patterns

#: Documentation and examples are not installed with the package: what they import is the
#: reader's to install, and examples routinely show optional integrations.
NOT_SHIPPED = Patterns(("examples/", "example/", "docs/", "doc/", "docs_src/", "tutorials/", "tutorial/", "cookbook/"))


def add_findings(analyses: Sequence[FileAnalysis], project: Project) -> tuple[FileAnalysis, ...]:
    """Add DR-S001 for each newly imported module the project does not account for, and DR-S011
    for each that is a near miss of a declared dependency or a popular package."""
    known = near_misses.POPULAR | project.declared
    updated = []
    for analysis in analyses:
        shipped = not NOT_SHIPPED.first_match(analysis.summary.path)
        found = []
        for line, module in analysis.new_imports:
            if module in project.local:
                continue
            near = near_misses.near_miss(module, known)
            if near is not None:
                found.append(Finding(
                    "DR-S011", "smells", analysis.summary.path, line, line, Severity.MEDIUM,
                    f"`{module}` is one typo away from `{near}`: check it is the package meant, not a look-alike", subject=module,
                ))
            if shipped and project.has_manifest and not project.provides(module):
                found.append(Finding(
                    "DR-S001", "smells", analysis.summary.path, line, line, Severity.MEDIUM,
                    f"undeclared import: `{module}` is not in the standard library, the repository or the declared dependencies",
                    subject=module,
                ))
        updated.append(replace(analysis, findings=analysis.findings + tuple(found)) if found else analysis)
    return tuple(updated)
