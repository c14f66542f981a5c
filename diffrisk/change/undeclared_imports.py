"""Undeclared imports (DR-S001): modules a change newly imports that the project does not account
for (not the standard library, not its own code, not a declared dependency); and imports one typo
away from a declared dependency or a popular package (DR-S011)."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from diffrisk.change import near_misses
from diffrisk.change.dependencies import Project
from diffrisk.diffsource import git
from diffrisk.model import FileAnalysis, Finding, Severity
from diffrisk.paths import Patterns
from diffrisk.records import replace

#: Documentation and examples are not installed with the package: what they import is the
#: reader's to install, and examples routinely show optional integrations.
NOT_SHIPPED = Patterns(("examples/", "example/", "docs/", "doc/", "docs_src/", "tutorials/", "tutorial/", "cookbook/"))


def add_findings(analyses: Sequence[FileAnalysis], project: Project, used_at_base: Set[str] = frozenset()) -> tuple[FileAnalysis, ...]:
    """Add DR-S001 for each newly imported module the project does not account for, and DR-S011
    for each that is a near miss of a declared dependency or a popular package.  A module the
    project already imported at the change's base (``used_at_base``) is no new dependency: it
    gets a note that it is used but not declared, not a finding."""
    known = near_misses.POPULAR | project.declared
    updated = []
    for analysis in analyses:
        shipped = not NOT_SHIPPED.first_match(analysis.summary.path)
        found = []
        notes: list[str] = []
        for line, module in analysis.new_imports:
            if module in project.local:
                continue
            near = near_misses.near_miss(module, known)
            if near is not None:
                found.append(Finding(
                    "DR-S011", "smells", analysis.summary.path, line, line, Severity.MEDIUM,
                    f"`{module}` is one typo away from `{near}`: check it is the package meant, not a look-alike", subject=module,
                ))
            if shipped and project.has_manifest and not project.provides(module) and module in used_at_base:
                where = f"{analysis.summary.path}:{line}"
                notes.append(f"{where}: `{module}` is already imported at the base, but not declared as a dependency")
            elif shipped and project.has_manifest and not project.provides(module):
                found.append(Finding(
                    "DR-S001", "smells", analysis.summary.path, line, line, Severity.MEDIUM,
                    f"undeclared import: `{module}` is not in the standard library, the repository or the declared dependencies",
                    subject=module,
                ))
        updated.append(replace(analysis, findings=analysis.findings + tuple(found), notes=analysis.notes + tuple(notes)))
    return tuple(updated)


def imported_at(repo: git.Repo, revision: str, modules: Set[str]) -> set[str]:
    """Which of ``modules`` some Python file imports at ``revision``: one ``git grep``."""
    names = sorted(module for module in modules if all(part.isidentifier() for part in module.split(".")))
    if not names:
        return set()
    alternatives = "|".join(re.escape(name) for name in names)
    pattern = rf"^\s*(import|from)\s+({alternatives})([.[:space:],]|$)"
    # Options pinned, as change.impact pins them: a user's grep configuration cannot change the output.
    options = ["-h", "-E", "-I", "--color=never", "--no-recurse-submodules"]
    out = git.try_run(repo, ["grep", *options, "-e", pattern, revision, "--", ":(top)*.py"])
    found = set()
    matcher = re.compile(rf"^\s*(?:import|from)\s+({alternatives})(?:[.\s,]|$)")
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        match = matcher.match(line)
        if match:
            found.add(match[1])
    return found
