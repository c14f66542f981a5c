"""The findings only the whole change shows, added to the file each is about: copy-pasted blocks
(DR-S006), sensitive files (DR-S007), a large code change without tests (DR-S008); and tests that
only moved between files are no longer called weakened (DR-S003).

Pure functions of the diff and the per-file analyses; undeclared imports (DR-S001), which need the
project's declared dependencies, are added by change.undeclared_imports.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from diffrisk.change import copy_paste, sensitive_files, untested, weakened_tests
from diffrisk.model import Diff, FileAnalysis, Finding
from diffrisk.paths import is_python
from diffrisk.pyfile import ignores
from diffrisk.records import replace


def attach(analyses: Sequence[FileAnalysis], findings: Sequence[Finding]) -> tuple[FileAnalysis, ...]:
    """The analyses with ``findings`` added to the file each is about."""
    if not findings:
        return tuple(analyses)
    extra: dict[str, list[Finding]] = {}
    for finding in findings:
        extra.setdefault(finding.path, []).append(finding)
    return tuple(
        replace(analysis, findings=analysis.findings + tuple(extra[analysis.summary.path]))
        if analysis.summary.path in extra else analysis
        for analysis in analyses
    )


def add_findings(
    diff: Diff, analyses: Sequence[FileAnalysis], texts: Mapping[str, sensitive_files.Sides] | None = None,
    ci_scripts: Collection[str] = (),
) -> tuple[FileAnalysis, ...]:
    """The analyses with the change-level findings added to the file each is about (``texts``:
    both sides of the manifests by path; ``ci_scripts``: the paths CI's workflows run)."""
    extra: dict[str, list[Finding]] = {}
    sensitive = sensitive_files.find(diff, texts, ci_scripts)
    for finding in [*copy_paste.find(diff, analyses), *sensitive, *untested.find(diff, analyses)]:
        extra.setdefault(finding.path, []).append(finding)
    moved_tests = weakened_tests.moved(analyses)
    updated = []
    for change, analysis in zip(diff.files, analyses):
        findings = [
            finding for finding in analysis.findings
            if not (finding.rule == "DR-S003" and finding.subject is not None and (finding.subject, analysis.summary.path) in moved_tests)
        ]
        findings += extra.pop(analysis.summary.path, [])
        found_ignores = analysis.ignores
        if not is_python(change.path) and sensitive_files.kind_of(change) is not None:
            # The only findings a non-Python file gets are DR-S007's, and these files all use "#"
            # for comments; elsewhere (Markdown) a "#" is a heading, and documentation of the
            # syntax is not an ignore.
            found_ignores = ignores.find(change.path, change.added_text(), set(change.added_lines))
        updated.append(replace(analysis, findings=tuple(findings), ignores=found_ignores))
    return tuple(updated)
