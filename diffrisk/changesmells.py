"""Smells that only the whole change shows: copy-pasted blocks (DR-S006), sensitive files
(DR-S007), a large code change without tests (DR-S008), undeclared imports (DR-S001, with the
project's declared dependencies), and tests that only moved between files (not DR-S003).

Pure functions of the diff and the per-file analyses; check.py supplies the project context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from diffrisk import ignores
from diffrisk.dependencies import Project
from diffrisk.model import Diff, FileAnalysis, FileChange, Finding, LineKind, Severity
from diffrisk.paths import Patterns, is_python

#: Lines in a copied block (the issue's "six or more similar lines").
COPY_LINES = 6
#: A block must hold this many letters and digits, so six closing brackets or ``pass`` lines,
#: which every file repeats, do not count.
COPY_MIN_CHARACTERS = 80
#: Non-test Python lines added, with no test file changed, for DR-S008.
UNTESTED_LINES = 100

_CI = Patterns((
    ".github/workflows/", ".github/actions/", ".gitlab-ci.yml", ".gitlab/ci/", ".circleci/", ".travis.yml",
    "azure-pipelines*.yml", "azure-pipelines*.yaml", "Jenkinsfile", ".buildkite/", "bitbucket-pipelines.yml",
    ".pre-commit-config.yaml", "/action.yml", "/action.yaml",
))
_DOCKER = Patterns(("Dockerfile", "Dockerfile.*", "*.dockerfile", "Containerfile", "docker-compose*.yml", "docker-compose*.yaml", "compose.yml", "compose.yaml"))
_LOCKS_AND_REQUIREMENTS = Patterns((
    "*requirements*.txt", "*requirements*.in", "requirements/*.txt", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock",
    "pdm.lock", "pylock.toml", "pylock.*.toml", "conda-lock.yml", "environment.yml", "package.json", "package-lock.json",
    "yarn.lock", "pnpm-lock.yaml",
))
#: Manifests that also hold other things (versions, metadata, tool settings): only changed lines
#: that read as a requirement ("name>=1.0", poetry's name = "^1.0") make the change sensitive.
_MIXED_MANIFESTS = Patterns(("pyproject.toml", "setup.cfg", "setup.py"))
_REQUIREMENT_LINE = re.compile(
    # A quoted requirement anywhere on the line ("requests>=2.0"), or poetry's name = "^1.0".
    r"""["'][A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*(==|>=|<=|~=|!=|<|>|===)\s*[0-9]"""
    r"""|^\s*(?!version\b|python_requires\b|requires-python\b)[A-Za-z0-9][A-Za-z0-9._-]*\s*=\s*(["'][\^~<>=!]|\{\s*version)"""
)


def add_change_findings(diff: Diff, analyses: Sequence[FileAnalysis]) -> tuple[FileAnalysis, ...]:
    """The analyses with the change-level findings added to the file each is about."""
    extra: dict[str, list[Finding]] = {}
    for finding in [*copy_paste(diff, analyses), *sensitive_files(diff), *untested(diff, analyses)]:
        extra.setdefault(finding.path, []).append(finding)
    moved_tests = _new_test_names(analyses)
    updated = []
    for change, analysis in zip(diff.files, analyses):
        findings = [
            finding for finding in analysis.findings
            if not (finding.rule == "DR-S003" and finding.subject is not None and (finding.subject, analysis.summary.path) in moved_tests)
        ]
        findings += extra.pop(analysis.summary.path, [])
        found_ignores = analysis.ignores
        if not is_python(change.path) and _sensitive_kind(change) is not None:
            # The only findings a non-Python file gets are DR-S007's, and these files all use "#"
            # for comments; elsewhere (Markdown) a "#" is a heading, and documentation of the
            # syntax is not an ignore.
            found_ignores = ignores.find(change.path, added_lines(change), set(change.added_lines))
        updated.append(replace(analysis, findings=tuple(findings), ignores=found_ignores))
    return tuple(updated)


def added_lines(change: FileChange) -> Iterator[tuple[int, str]]:
    """(new line number, text) of each line the change added to the file."""
    for hunk in change.hunks:
        for line in hunk.lines:
            if line.kind is LineKind.ADDED and line.new_lineno is not None:
                yield line.new_lineno, line.text


def _new_test_names(analyses: Sequence[FileAnalysis]) -> set[tuple[str, str]]:
    """(test name, file it was removed from) for removed tests that the change adds or edits
    under the same name in another file: the test moved, nothing was weakened."""
    added_tests: dict[str, set[str]] = {}
    for analysis in analyses:
        for unit in analysis.units:
            # New or edited: a test merged into a parametrized one elsewhere keeps its name there.
            if unit.is_test and unit.kind == "function" and unit.side == "new":
                added_tests.setdefault(unit.name.rsplit(".", 1)[-1], set()).add(unit.path)
    moved = set()
    for analysis in analyses:
        for finding in analysis.findings:
            if finding.rule == "DR-S003" and finding.subject and added_tests.get(finding.subject, set()) - {analysis.summary.path}:
                moved.add((finding.subject, analysis.summary.path))
    return moved


# -- copy-paste -----------------------------------------------------------------------------------


def copy_paste(diff: Diff, analyses: Sequence[FileAnalysis]) -> list[Finding]:
    """Blocks of COPY_LINES or more added lines that the change adds again elsewhere."""
    first_seen: dict[tuple[str, ...], tuple[str, int]] = {}
    repeats: list[tuple[str, int, int, str, int]] = []
    for change, analysis in zip(diff.files, analyses):
        if not is_python(change.path) or analysis.summary.skipped or analysis.summary.mechanical or analysis.summary.generated:
            continue
        for run in _added_runs(change):
            for start in range(len(run) - COPY_LINES + 1):
                window = run[start:start + COPY_LINES]
                key = tuple(text for _, text in window)
                if sum(sum(ch.isalnum() for ch in text) for text in key) < COPY_MIN_CHARACTERS or len(set(key)) < 4:
                    continue
                origin = first_seen.setdefault(key, (change.path, window[0][0]))
                overlaps = origin[0] == change.path and abs(origin[1] - window[0][0]) < COPY_LINES
                if not overlaps:
                    repeats.append((change.path, window[0][0], window[-1][0], origin[0], origin[1]))
    return _merged_blocks(repeats)


def _added_runs(change: FileChange) -> Iterator[list[tuple[int, str]]]:
    """Runs of consecutive added lines as (line, text without indentation or spacing), blank
    and comment-only lines left out."""
    run: list[tuple[int, str]] = []
    previous = None
    for hunk in change.hunks:
        for line in hunk.lines:
            if line.kind is not LineKind.ADDED or line.new_lineno is None:
                if line.kind is not LineKind.ADDED and run:
                    yield run
                    run = []
                continue
            text = " ".join(line.text.split())
            if not text or text.startswith("#"):
                continue
            if previous is not None and run and line.new_lineno != previous + 1 and not _blank_gap(run, line.new_lineno):
                yield run
                run = []
            run.append((line.new_lineno, text))
            previous = line.new_lineno
    if run:
        yield run


def _blank_gap(run: list[tuple[int, str]], line: int) -> bool:
    # Skipped blank or comment lines are still added lines: a gap of a few keeps the run.
    return line - run[-1][0] <= 3


def _merged_blocks(repeats: list[tuple[str, int, int, str, int]]) -> list[Finding]:
    findings: list[Finding] = []
    current: list[int] = []
    last: tuple[str, int, int, str, int] | None = None
    for path, start, end, origin_path, origin_line in repeats:
        if last is not None and last[0] == path and start <= current[1] + 1 and last[3] == origin_path:
            current[1] = max(current[1], end)
            continue
        if last is not None:
            findings.append(_copy_finding(last[0], current[0], current[1], last[3], last[4]))
        last, current = (path, start, end, origin_path, origin_line), [start, end]
    if last is not None:
        findings.append(_copy_finding(last[0], current[0], current[1], last[3], last[4]))
    return findings


def _copy_finding(path: str, start: int, end: int, origin_path: str, origin_line: int) -> Finding:
    where = f"line {origin_line}" if origin_path == path else f"{origin_path}:{origin_line}"
    message = f"copy-pasted block: lines {start}-{end} repeat lines added at {where}"
    return Finding("DR-S006", "smells", path, start, end, Severity.LOW, message)


# -- sensitive files and missing tests ------------------------------------------------------------


def sensitive_files(diff: Diff) -> list[Finding]:
    """CI, container and dependency files.  (``critical_paths`` have their own place: they raise
    the level by one, check.py.)"""
    findings = []
    for change in diff.files:
        what = _sensitive_kind(change)
        if what is None:
            continue
        line = change.added_lines[0] if change.added_lines else 1
        findings.append(Finding("DR-S007", "smells", change.path, line, line, Severity.LOW, f"sensitive file changed: {what}"))
    return findings


def _sensitive_kind(change: FileChange) -> str | None:
    paths = [path for path in (change.new_path, change.old_path) if path]
    for path in paths:
        if _CI.first_match(path):
            return "CI or automation that runs with the repository's credentials"
        if _DOCKER.first_match(path):
            return "a container build"
        if _LOCKS_AND_REQUIREMENTS.first_match(path):
            return "dependencies: what gets installed"
    if any(_MIXED_MANIFESTS.first_match(path) for path in paths) and any(
        _REQUIREMENT_LINE.search(line.text) for hunk in change.hunks for line in hunk.lines if line.kind is not LineKind.CONTEXT
    ):
        return "dependencies: what gets installed"
    return None


def untested(diff: Diff, analyses: Sequence[FileAnalysis]) -> list[Finding]:
    code = [
        analysis.summary for analysis in analyses
        if analysis.summary.is_python and not analysis.summary.is_test and not analysis.summary.skipped
        and not analysis.summary.mechanical and not analysis.summary.generated
    ]
    added = sum(summary.added for summary in code)
    if added < UNTESTED_LINES or any(analysis.summary.is_test for analysis in analyses):
        return []
    biggest = max(code, key=lambda summary: (summary.added, summary.path))
    change = next(change for change in diff.files if change.path == biggest.path)
    line = change.added_lines[0] if change.added_lines else 1
    message = f"large code change without tests: {added} lines of Python code added, no test file changed"
    return [Finding("DR-S008", "smells", biggest.path, line, line, Severity.MEDIUM, message)]


# -- undeclared imports ---------------------------------------------------------------------------


#: Documentation and examples are not installed with the package: what they import is the
#: reader's to install, and examples routinely show optional integrations.
NOT_SHIPPED = Patterns(("examples/", "example/", "docs/", "doc/", "docs_src/", "tutorials/", "tutorial/", "cookbook/"))


def undeclared_imports(analyses: Sequence[FileAnalysis], project: Project) -> tuple[FileAnalysis, ...]:
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
