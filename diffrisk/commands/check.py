"""``diffrisk check``: one diff from the request to the report, the whole pipeline start to finish.

diff source (diffsource) -> per-file analyses (change) -> what the history says (history) ->
findings of the whole change (change) -> score, level, hotspots, verdict (scoring).  ``run`` is
the pipeline, for every command that scores a change; ``command`` is the verb.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace

from diffrisk import config as configuration
from diffrisk.change import cross_file, dependencies, pipeline, undeclared_imports
from diffrisk.commands import output
from diffrisk.config import Config
from diffrisk.diffsource import contents, git
from diffrisk.diffsource.request import MAX_PATCH_BYTES, DiffRequest, LoadedDiff, SourceKind, load_diff
from diffrisk.errors import ExitCode, UsageError
from diffrisk.history import commits, fixes, provenance
from diffrisk.model import Authorship, FileAnalysis, Level, Report
from diffrisk.scoring import policy
from diffrisk.scoring import report as reports

_UNCOMMITTED = (SourceKind.STAGED, SourceKind.WORKTREE)


def run(
    request: DiffRequest,
    repo: git.Repo,
    config: Config,
    stdin: bytes = b"",
    declared: Authorship | None = None,
    environ: Mapping[str, str] | None = None,
    authorship: Authorship | None = None,
    jobs: int = 1,
) -> Report:
    """Score the change ``request`` names.  ``declared`` is what --ai/--no-ai/DIFFRISK_AI said;
    ``authorship``, when given, is taken as known (``diffrisk log`` reads it for many commits at
    once); ``jobs`` processes may share a big diff's files."""
    loaded = load_diff(request, repo, stdin)
    wanted = pipeline.files_needing_contents(loaded.diff, config)
    found, available = contents.load_contents(
        request, repo, loaded.diff, wanted, loaded.in_repository, config.max_file_bytes, loaded.target
    )
    analyses = pipeline.analyze(loaded.diff, found if available else None, config, jobs)
    if loaded.base is not None and config.analyzers.get("history", True):
        analyses = _with_history(repo, loaded.base, analyses)
    if config.analyzers.get("smells", True):
        analyses = cross_file.add_findings(loaded.diff, analyses)
        if loaded.in_repository and any(analysis.new_imports for analysis in analyses):
            analyses = undeclared_imports.add_findings(analyses, _project(repo, loaded))
    records: list[commits.CommitRecord] = []
    if loaded.target and authorship is None:
        records = commits.of_change(repo, loaded.base, loaded.target, request.kind is SourceKind.COMMIT)
    if authorship is None:
        authorship = provenance.of_change(
            records, declared, os.environ if environ is None else environ, request.kind in _UNCOMMITTED, config.ai.require_trailer,
        )
    report = reports.build(analyses, loaded.description, available or not wanted, config, authorship, diff=loaded.diff)
    who = provenance.accepted_by(records)
    return policy.accept(report, who) if who else report


def _project(repo: git.Repo, loaded: LoadedDiff) -> dependencies.Project:
    """The project's declarations at the change's new side (a patch: HEAD plus the patch's own lines)."""
    treeish = loaded.target
    if treeish is None and loaded.description.startswith("patch"):
        treeish = "HEAD" if git.has_head(repo) else None
    manifests = [
        (change.path, text)
        for change in loaded.diff.files
        if loaded.target is None and dependencies.is_manifest(change.path)
        for _, text in change.added_text()
    ]
    return dependencies.load(repo, treeish, manifests, [change.path for change in loaded.diff.files])


def _with_history(repo: git.Repo, base: str, analyses: Sequence[FileAnalysis]) -> tuple[FileAnalysis, ...]:
    """Add each touched Python file's year of history before the change (history.fixes)."""
    paths = [
        analysis.summary.old_path or analysis.summary.path
        for analysis in analyses
        if analysis.summary.is_python and analysis.summary.status != "added"
    ]
    known = fixes.recent_history(repo, base, paths)
    updated = []
    for analysis in analyses:
        found = known.get(analysis.summary.old_path or analysis.summary.path)
        if found is not None:
            summary = replace(analysis.summary, prior_changes=found.changes, prior_fixes=found.fixes)
            analysis = replace(analysis, summary=summary)
        updated.append(analysis)
    return tuple(updated)


# -- the command ----------------------------------------------------------------------------------


def command(args: argparse.Namespace) -> int:
    from diffrisk.formats import FORMATS

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    request = _request(args)
    if request.kind is SourceKind.STAGED and git.merge_in_progress(repo):
        # The index holds everything the other branch brought; those commits were checked there.
        print("diffrisk: a merge is in progress: not scored (check the merged branch on its own)")
        return ExitCode.OK
    settings = _settings(args, repo)
    # Read one byte past the limit, so that the diff source can refuse an oversized patch.
    stdin = sys.stdin.buffer.read(MAX_PATCH_BYTES + 1) if request.kind is SourceKind.DIFF_FILE and request.value == "-" else b""
    report = run(request, repo, settings, stdin, declared=declared_authorship(args.ai), jobs=args.jobs or os.cpu_count() or 1)
    if args.link_base:
        if not args.link_base.startswith(("https://", "http://")):
            raise UsageError(f"--link-base must be an http(s) URL, not {args.link_base!r}")
        report = replace(report, link_base=args.link_base)
    accepted = (args.accept or os.environ.get("DIFFRISK_ACCEPT", "")).strip()
    if accepted:
        report = policy.accept(report, accepted)
    written = output.outputs(args.output, args.format, list(FORMATS))
    for name, path in written:
        output.write(FORMATS[name](report, False), path)
    if not any(name == args.format for name, _ in written):
        output.write(FORMATS[args.format](report, output.use_color(args.color)), None)
    if report.failures:
        return ExitCode.INTERNAL
    return ExitCode.OK if report.verdict.within_policy else ExitCode.BEYOND_POLICY


def _settings(args: argparse.Namespace, repo: git.Repo) -> Config:
    settings = configuration.load(args.config, _project_root(repo))
    if args.fail_level is not None:
        # The command line wins over the configuration, the AI policy's fail level included.
        settings = replace(settings, fail_level=Level(args.fail_level), ai=replace(settings.ai, fail_level=None))
    if args.analyze_generated:
        settings = replace(settings, analyze_generated=True)
    return settings


def declared_authorship(flag: bool | None) -> Authorship | None:
    """--ai / --no-ai, else DIFFRISK_AI (history.provenance.declared); a bad DIFFRISK_AI is a usage error."""
    try:
        return provenance.declared(flag, os.environ)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _request(args: argparse.Namespace) -> DiffRequest:
    for kind, value in (
        (SourceKind.BASE, args.base),
        (SourceKind.COMMIT, args.commit),
        (SourceKind.RANGE, args.range),
        (SourceKind.DIFF_FILE, args.diff_file),
    ):
        if value is not None:
            return DiffRequest(kind, value)
    if args.worktree:
        return DiffRequest(SourceKind.WORKTREE)
    return _pre_commit_range() or DiffRequest(SourceKind.STAGED)


def _pre_commit_range() -> DiffRequest | None:
    """pre-commit's pre-push stage and ``pre-commit run --from-ref X --to-ref Y`` name a range in
    the environment; the change is then what Y adds since it left X (``X...Y``)."""
    start, end = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if not start or not end or set(start) == {"0"}:
        return None
    return DiffRequest(SourceKind.RANGE, f"{start}...{end}")


def _project_root(repo: git.Repo) -> str | None:
    """Where pyproject.toml is looked for: the work tree's root, else (no repository) the cwd."""
    if not git.is_repository(repo):
        return repo.cwd or os.getcwd()
    return git.toplevel(repo)
