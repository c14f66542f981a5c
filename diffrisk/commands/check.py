"""``diffrisk check``: one diff from the request to the report, the whole pipeline start to finish.

diff source (diffsource) -> per-file analyses (change) -> what the history says (history) ->
findings of the whole change (change) -> score, level, hotspots, verdict (scoring).  ``run`` is
the pipeline, for every command that scores a change; ``command`` is the verb.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence

from diffrisk import paths
from diffrisk.change import (
    analyzed_version,
    ci_scripts,
    cross_file,
    dependencies,
    impact,
    pipeline,
    policy_edits,
    sensitive_files,
    undeclared_imports,
)
from diffrisk.change.disk_cache import DiskCache
from diffrisk.commands import output, trusted_config
from diffrisk.config import Config, fingerprint
from diffrisk.diffsource import contents, git
from diffrisk.diffsource.request import MAX_PATCH_BYTES, DiffRequest, LoadedDiff, SourceKind, load_diff
from diffrisk.errors import ExitCode, UsageError
from diffrisk.history import co_change, commits, fixes, provenance
from diffrisk.model import Authorship, ChangedCoverage, Diff, FileAnalysis, Finding, Level, Reach, Report, Reviewers, Verdict
from diffrisk.records import record, replace
from diffrisk.reviewers import ownership, people
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
    return score(load_diff(request, repo, stdin), request, repo, config, declared, environ, authorship, jobs)


def score(
    loaded: LoadedDiff,
    request: DiffRequest,
    repo: git.Repo,
    config: Config,
    declared: Authorship | None = None,
    environ: Mapping[str, str] | None = None,
    authorship: Authorship | None = None,
    jobs: int = 1,
    policy_file: str | None = trusted_config.PYPROJECT,
    local: bool = False,
) -> Report:
    """Score a diff already loaded (``run``, or a command that chose its policy from the diff);
    ``policy_file`` is the policy's path in the repository, whose edits are findings (DR-S010);
    ``local``: a change checked where its author works (a pre-push range), whose environment's agent
    markers count."""
    wanted = pipeline.files_needing_contents(loaded.diff, config)
    found, available = contents.load_contents(
        request, repo, loaded.diff, wanted, loaded.in_repository, config.max_file_bytes, loaded.target, loaded.base
    )
    sides = _python_sides(loaded, found if available else {})
    started = _start_reviewers(repo, loaded, request, config, sides, found if available else {})
    analyses = pipeline.analyze(loaded.diff, found if available else None, config, jobs)
    window: list[commits.CommitRecord] = []
    if loaded.base is not None and config.analyzers.get("history", True):
        analyses, window = _with_history(repo, loaded.base, analyses, _paths_in(loaded.diff))
    relative = policy_file or ""
    texts = _texts(
        repo, request, loaded, config,
        lambda path: policy_edits.is_policy_file(path, relative) or dependencies.is_manifest(path) or sensitive_files.is_conftest(path),
    )
    analyses = cross_file.attach(analyses, policy_edits.find(loaded.diff, texts, relative))
    if config.analyzers.get("smells", True):
        analyses = cross_file.add_findings(
            loaded.diff, analyses, texts, ci_scripts.run_by_workflows(repo, loaded.base, [change.path for change in loaded.diff.files])
        )
        if loaded.in_repository and any(analysis.new_imports for analysis in analyses):
            analyses = _with_undeclared_imports(repo, loaded, analyses)
    analyses = _with_impact(repo, loaded, request, config, analyses, sides)
    records: list[commits.CommitRecord] = []
    if loaded.target and authorship is None:
        records = commits.of_change(repo, loaded.base, loaded.target, request.kind is SourceKind.COMMIT)
    if authorship is None:
        authorship = provenance.of_change(
            records, declared, os.environ if environ is None else environ, request.kind in _UNCOMMITTED or local,
            config.ai.require_trailer,
        )
    tested = _coverage(repo, loaded, config, analyses, sides)
    reviewers = None
    if started is not None:
        reviewers = _reviewers(repo, started, window, records, request.kind in _UNCOMMITTED, local, loaded, config)
        if authorship.ai_authored and reviewers.author_knows is False:
            analyses = cross_file.attach(analyses, (ownership.nobody_knows(loaded.diff, started, reviewers),))
    report = reports.build(
        cross_file.attach(analyses, tested.untested), loaded.description, available or not wanted, config, authorship,
        diff=loaded.diff, coverage=tested.files, coverage_sources=tested.sources, reviewers=reviewers,
    )
    report = replace(report, notes=report.notes + tested.notes)
    claimed = provenance.accepted_by(records)
    if claimed and not report.verdict.within_policy:
        # The commits are the change's own words: they cannot accept its risk.
        note = f"a Risk-Accepted-By trailer names {claimed}, but a change cannot accept its own risk: {_HOW_TO_ACCEPT}"
        report = replace(report, notes=report.notes + (note,))
    return report


#: How a change beyond policy gets through, for the notes that refuse another way.
_HOW_TO_ACCEPT = (
    "in CI, a reviewer the base branch's policy trusts approves the pull request ([tool.diffrisk.accept]); "
    "locally, a person runs with --accept or DIFFRISK_ACCEPT"
)


def _texts(
    repo: git.Repo, request: DiffRequest, loaded: LoadedDiff, config: Config, wanted: Callable[[str], bool]
) -> dict[str, tuple[str | None, str | None]]:
    """Both sides of the changed files whose path ``wanted`` accepts, as text, where they can be read."""
    indexes = frozenset(
        index for index, change in enumerate(loaded.diff.files)
        if any(path and wanted(path) for path in (change.old_path, change.new_path))
    )
    if not indexes:
        return {}
    found, available = contents.load_contents(
        request, repo, loaded.diff, indexes, loaded.in_repository, config.max_file_bytes, loaded.target, loaded.base
    )
    if not available:
        return {}
    return {loaded.diff.files[index].path: (_text(sides.old), _text(sides.new)) for index, sides in found.items()}




def _text(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


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


def _with_history(
    repo: git.Repo, base: str, analyses: Sequence[FileAnalysis], in_change: Collection[str]
) -> tuple[tuple[FileAnalysis, ...], list[commits.CommitRecord]]:
    """Add each touched Python file's year of history before the change (history.fixes), and the
    files that usually change with it but are not in ``in_change`` (history.co_change); and that
    year's commits (who worked on the files: reviewers)."""
    touched = {
        analysis.summary.old_path or analysis.summary.path: analysis.summary.path
        for analysis in analyses
        if analysis.summary.is_python and analysis.summary.status not in ("added", "deleted")
    }
    records = fixes.window(repo, base, list(touched))
    # Only a commit without parents can be a shallow clone's boundary: ask git only then.
    truncated = any(not record.parents for record in records) and git.is_shallow(repo)
    if truncated:
        # A shallow clone's oldest commit has its parents cut off: git shows it adding every file,
        # which would read as one commit that touched (and perhaps fixed) them all.
        records = [record for record in records if record.parents]
    known = fixes.recent_history(records, list(touched))
    coupled = co_change.couplings(records, touched, in_change)
    present = co_change.existing(repo, base, {coupling.partner for coupling in coupled})
    missing = co_change.findings([coupling for coupling in coupled if coupling.partner in present])
    updated = []
    for analysis in analyses:
        found = known.get(analysis.summary.old_path or analysis.summary.path)
        if found is not None:
            summary = replace(analysis.summary, prior_changes=found.changes, prior_fixes=found.fixes)
            analysis = replace(analysis, summary=summary)
        extra = missing.get(analysis.summary.path, ())
        if extra:
            analysis = replace(analysis, findings=analysis.findings + extra)
        updated.append(analysis)
    if truncated and updated:
        note = (f"the history is truncated (a shallow clone): prior changes, fixes and files that usually change "
                f"together count only the {len(records)} {'commit' if len(records) == 1 else 'commits'} it holds; "
                "fetch the whole history for them")
        updated[0] = replace(updated[0], notes=updated[0].notes + (note,))
    return tuple(updated), records


def _start_reviewers(
    repo: git.Repo, loaded: LoadedDiff, request: DiffRequest, config: Config, sides: Mapping[str, impact.Sides],
    found: Mapping[int, contents.FileContents],
) -> people.Started | None:
    """Start blaming the touched lines at the base (reviewers), to run while the change is analysed."""
    if not config.analyzers.get("experts", True) or loaded.base is None or not loaded.in_repository or request.kind is SourceKind.DIFF_FILE:
        return None
    functions = [
        _old_functions(change.path, sides.get(change.path, (None, None))[0], held.old_id if (held := found.get(index)) else None)
        for index, change in enumerate(loaded.diff.files)
    ]
    return people.start(repo, loaded.base, zip(loaded.diff.files, functions))


def _old_functions(path: str, old_text: str | None, blob_id: str | None) -> list[tuple[int, int, str]]:
    """The old side's functions (first line, last line, qualified name), from the parse the
    analysis then reuses (kept by blob id); none when the old side is not Python that parses."""
    if old_text is None or not paths.is_python(path):
        return []
    try:
        return analyzed_version.definition_spans(path, old_text, blob_id)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []


def _with_undeclared_imports(repo: git.Repo, loaded: LoadedDiff, analyses: Sequence[FileAnalysis]) -> tuple[FileAnalysis, ...]:
    """DR-S001 and DR-S011 for the change's new imports; one the base already uses is a note."""
    project = _project(repo, loaded)
    imported = {module for analysis in analyses for _, module in analysis.new_imports if not project.provides(module)}
    used = undeclared_imports.imported_at(repo, loaded.base, imported) if loaded.base is not None else set()
    return undeclared_imports.add_findings(analyses, project, used)


def _reviewers(
    repo: git.Repo, started: people.Started, window: Sequence[commits.CommitRecord], records: Sequence[commits.CommitRecord],
    uncommitted: bool, local: bool, loaded: LoadedDiff, config: Config,
) -> Reviewers:
    """Who should review the change, once blame (started before the analysis) is done."""
    # Whoever is committing here, asked once (git var) for both uses below.
    committing = [_ident(repo, variable) for variable in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")] if uncommitted or local else []
    involved = _people_behind(records, committing)
    # A commit's own date, so that the same commit always gives the same answer; a change not yet
    # committed gets the date git would give its commit (GIT_AUTHOR_DATE honoured), else the clock.
    if records and not uncommitted:
        now = records[0].timestamp
    else:
        now = (committing[0] if committing else _ident(repo, "GIT_AUTHOR_IDENT"))[2] or int(time.time())
    return people.finish(
        repo, started, window, involved, [change.path for change in loaded.diff.files], now,
        config.reviewers.active_months, config.reviewers.max_experts,
    )


def _people_behind(records: Sequence[commits.CommitRecord], committing: Sequence[tuple[str, str, int]]) -> list[tuple[str, str]]:
    """(name, address) of everyone behind the change: its commits' authors, committers and
    co-authors, and whoever is committing here (``committing``: for staged changes, a pre-push
    range)."""
    found = [(record.author, record.email) for record in records] + [(record.committer, record.committer_email) for record in records]
    found += [identity for record in records for identity in provenance.co_authors(record.message)]
    found += [(name, address) for name, address, _ in committing if address]
    return list(dict.fromkeys(found))


def _ident(repo: git.Repo, variable: str) -> tuple[str, str, int]:
    """(name, address, seconds since the epoch) of ``git var``'s "Name <address> 1700000000 +0100"."""
    ident = (git.try_run(repo, ["var", variable]) or b"").decode("utf-8", "replace")
    name, _, rest = ident.partition("<")
    address, _, when = rest.partition(">")
    stamp = when.split()[0] if when.split() else ""
    return name.strip(), address, int(stamp) if stamp.isdigit() else 0


@record
class _Tested:
    """What the coverage data says of the change (change.covered)."""

    files: tuple[ChangedCoverage, ...]
    #: The data files read, as the repository names them.
    sources: tuple[str, ...]
    #: DR-T001: functions the change added or edited that no test ran.
    untested: tuple[Finding, ...]
    notes: tuple[str, ...]


def _coverage(
    repo: git.Repo, loaded: LoadedDiff, config: Config, analyses: Sequence[FileAnalysis], sides: Mapping[str, impact.Sides]
) -> _Tested:
    """Read the coverage data for the change's files.  A data file that is part of the change is
    not read: a change cannot vouch for its own tests.  A coverage.fail_under with no data given
    still measures, to fail closed on "not measured"."""
    if not config.coverage and config.coverage_fail_under is None:
        return _Tested((), (), (), ())
    from diffrisk import coverage  # only a check given coverage data pays for its readers
    from diffrisk.change import covered

    root = git.toplevel(repo)
    if root is None:
        return _Tested((), (), (), ("coverage data was not read: it needs the repository's work tree",))
    in_change = _paths_in(loaded.diff)
    readable, shown, notes = [], [], []
    for name in config.coverage:
        path = name if os.path.isabs(name) else os.path.join(root, name)
        inside = os.path.relpath(path, root).replace(os.sep, "/")
        if inside in in_change:
            notes.append(f"{inside} was not read: it is part of the change, and a change cannot vouch for its own tests")
        else:
            readable.append(path)
            shown.append(path if inside.startswith("../") else inside)
    texts = {path: new for path, (_, new) in sides.items()}
    wanted = {change.path: texts.get(change.path) for change in loaded.diff.files if change.new_path is not None}
    remap = _coverage_paths(repo, loaded.base)
    data = coverage.read(readable, root, wanted, remap) if readable else coverage.CoverageData({}, ())
    files = covered.measure(loaded.diff, data, texts)
    functions = covered.untested_functions(analyses, data)
    untested = functions + covered.untested_lines(files, functions)
    return _Tested(files, tuple(shown), untested, tuple(notes) + data.notes)


def _coverage_paths(repo: git.Repo, base: str | None) -> tuple[tuple[str, ...], ...]:
    """The project's coverage.py ``[paths]`` remapping, as the change's base has it: the change
    must not decide which data counts for which of its files."""
    from diffrisk.coverage import settings

    if base is None:
        return ()
    names = {f"{base}:{name}": name for name, _ in settings.CONFIG_FILES}
    found = git.read_blobs(repo, names, _SETTINGS_BYTES)
    texts = {names[spec]: data.decode("utf-8", "replace") for spec, data in found.items() if data is not None}
    return settings.path_groups(texts)[0]


#: A coverage configuration file larger than this is not read for its [paths].
_SETTINGS_BYTES = 1_000_000


#: Changes whose new side git cannot search: the work tree (git grep reads it only as files), a patch.
_NO_REVISION = frozenset({SourceKind.WORKTREE, SourceKind.DIFF_FILE})


def _python_sides(loaded: LoadedDiff, found: Mapping[int, contents.FileContents]) -> dict[str, impact.Sides]:
    """Both versions of each changed file whose contents were read, decoded as Python reads them
    (once, for the impact analysis and the coverage reading)."""
    return {
        change.path: impact.sides(held.old, held.new)
        for index, change in enumerate(loaded.diff.files) if (held := found.get(index)) is not None
    }


def _with_impact(
    repo: git.Repo, loaded: LoadedDiff, request: DiffRequest, config: Config, analyses: Sequence[FileAnalysis],
    sides: Mapping[str, impact.Sides],
) -> tuple[FileAnalysis, ...]:
    """Add where the rest of the repository uses what the change edited or deleted, and the calls
    it left unfitting (DR-S013; change.impact).  A call in a file outside the diff is reported
    with the file that defines what it calls."""
    if not config.analyzers.get("impact", True) or not loaded.in_repository or request.kind in _NO_REVISION:
        return tuple(analyses)
    python = {path: both for path, both in sides.items() if path.endswith(".py")}
    changed = {change.path: frozenset(change.added_lines) for change in loaded.diff.files if change.path in python}
    impacts, stale = impact.find(repo, loaded.target, analyses, python, changed)
    by_path = {analysis.summary.path for analysis in analyses}
    defined_in = {item.name: item.path for item in impacts}
    reach: dict[str, list[Reach]] = {}
    for item in impacts:
        reach.setdefault(item.path, []).append(item.reach())
    extra: dict[str, list[Finding]] = {}
    for finding in stale:
        owner = finding.path if finding.path in by_path else defined_in.get(finding.subject or "", "")
        extra.setdefault(owner, []).append(finding)
    return tuple(
        replace(
            analysis, reach=tuple(reach.get(analysis.summary.path, ())),
            findings=analysis.findings + tuple(extra.get(analysis.summary.path, ())),
        )
        for analysis in analyses
    )


def _paths_in(diff: Diff) -> frozenset[str]:
    """Every path the diff names, on either side."""
    return frozenset(path for change in diff.files for path in (change.old_path, change.new_path) if path is not None)


# -- the command ----------------------------------------------------------------------------------


@record
class HostApproval:
    """What the code host reports of a pull request's reviews (the GitHub Action asks it): the
    reviewers the base branch's policy trusts who approved its current head."""

    approved_by: tuple[str, ...]
    #: Why no approval counts, for the report, when ``approved_by`` is empty.
    why_not: str = ""


def command(args: argparse.Namespace) -> int:
    return execute(args)


def execute(args: argparse.Namespace, host: HostApproval | None = None) -> int:
    """``diffrisk check`` with the parsed arguments; ``host``: in CI, what the code host says of
    the pull request's approvals (None: no code host was asked, as in a local hook)."""
    from diffrisk.formats import FORMATS

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    request, local = _request(args)
    if request.kind is SourceKind.STAGED and git.merge_in_progress(repo):
        # The index holds everything the other branch brought; those commits were checked there.
        print("diffrisk: a merge is in progress: not scored (check the merged branch on its own)")
        return ExitCode.OK
    # Read one byte past the limit, so that the diff source can refuse an oversized patch.
    stdin = sys.stdin.buffer.read(MAX_PATCH_BYTES + 1) if request.kind is SourceKind.DIFF_FILE and request.value == "-" else b""
    loaded = load_diff(request, repo, stdin)
    nothing_staged = request.kind is SourceKind.STAGED and not loaded.diff.files
    if nothing_staged and args.format == "text" and not args.output:
        print("diffrisk: nothing staged (git add what to check, or check --worktree, --commit C or --base B)")
        return ExitCode.OK
    settings = _overridden(trusted_config.load(repo, loaded, request, args.config), args, tighten_only=host is not None)
    analyzed_version.use_disk_cache(_disk_cache(repo, settings) if loaded.in_repository and not args.no_cache else None)
    try:
        report = score(
            loaded, request, repo, settings, declared=declared_authorship(args.ai), jobs=args.jobs or os.cpu_count() or 1,
            policy_file=trusted_config.policy_path(repo, args.config) if loaded.in_repository else None, local=local,
        )
    finally:
        # Only this run's repository: a later run in this process (the Action's, a test's) has its own.
        analyzed_version.use_disk_cache(None)
    if args.link_base:
        if not args.link_base.startswith(("https://", "http://")):
            raise UsageError(f"--link-base must be an http(s) URL, not {args.link_base!r}")
        report = replace(report, link_base=args.link_base)
    report = _accepted(report, args, local, host, settings)
    if nothing_staged:
        report = replace(report, notes=("nothing staged",) + report.notes)
    # -o adds outputs: standard output always gets --format.
    for name, path in output.outputs(args.output, args.format, list(FORMATS)):
        output.write(FORMATS[name](report, False), path)
    output.write(FORMATS[args.format](report, output.use_color(args.color)), None)
    if report.failures:
        return ExitCode.INTERNAL
    return ExitCode.OK if report.verdict.within_policy else ExitCode.BEYOND_POLICY


def _disk_cache(repo: git.Repo, settings: Config) -> DiskCache | None:
    """The analysis cache under the repository's git directory, salted with this version of
    diffrisk, the effective policy and what the analyzers run on (change.disk_cache)."""
    from diffrisk import __version__

    git_dir = git.try_run(repo, ["rev-parse", "--absolute-git-dir"])
    if git_dir is None:
        return None
    folder = os.path.join(git_dir.decode("utf-8", "surrogateescape").strip(), "diffrisk", "cache")
    return DiskCache(folder, f"{__version__}:{fingerprint(settings)}")


def _overridden(settings: Config, args: argparse.Namespace, tighten_only: bool = False) -> Config:
    """The policy with what the command line says on top of it; ``tighten_only`` (the Action,
    whose inputs a pull request can edit in its own workflow file): a fail level can only be lower
    than the trusted policy's."""
    if args.fail_level is not None and tighten_only:
        asked = Level(args.fail_level)
        settings = replace(
            settings, fail_level=min(asked, settings.fail_level, key=lambda level: level.rank),
            ai=replace(settings.ai, fail_level=min(asked, settings.ai.fail_level or asked, key=lambda level: level.rank)),
        )
    elif args.fail_level is not None:
        # The command line wins over the configuration, the AI policy's fail level included.
        settings = replace(settings, fail_level=Level(args.fail_level), ai=replace(settings.ai, fail_level=None))
    if args.analyze_generated:
        settings = replace(settings, analyze_generated=True)
    # Like git's -C, and like --diff-file, -C DIR makes a relative path start in DIR.
    given = tuple(os.path.abspath(os.path.join(args.directory or ".", path)) for path in getattr(args, "coverage", ()))
    if given:
        settings = replace(settings, coverage=settings.coverage + given)
    return settings


#: Variables CI systems set; where one is set, a flag or variable cannot accept a change's risk.
CI_VARIABLES = (
    "CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL", "TF_BUILD", "TRAVIS", "TEAMCITY_VERSION",
)


def _accepted(report: Report, args: argparse.Namespace, local: bool, host: HostApproval | None, settings: Config) -> Report:
    """Who accepted the change, if anyone may: in CI only a trusted reviewer's approval the code
    host reports; locally a person's --accept or DIFFRISK_ACCEPT, never an agent's."""
    if host is not None:
        report = _host_acceptance(report, host, settings)
    claimed, via = (args.accept, "flag") if args.accept else (os.environ.get("DIFFRISK_ACCEPT", ""), "environment")
    claimed = claimed.strip()
    if not claimed or report.verdict.within_policy:
        return report
    refusal = _local_refusal(local, host)
    if refusal is None:
        report = policy.accept(report, claimed, via)
        if not report.verdict.within_policy:
            refusal = "a missing required trailer is a rule, not a risk anyone can accept"
    if refusal is not None:
        source = "--accept" if via == "flag" else "DIFFRISK_ACCEPT"
        report = replace(report, notes=report.notes + (f"{source} {claimed!r} does not accept this change: {refusal}",))
    return report


def _local_refusal(local: bool, host: HostApproval | None) -> str | None:
    """Why a flag or variable cannot accept the change here, or None when it can."""
    agent = provenance.of_environment(os.environ)
    if agent.ai_authored:
        return f"an agent cannot accept its own risk ({agent.reason})"
    ci = next((name for name in CI_VARIABLES if os.environ.get(name, "").strip().lower() not in ("", "0", "false")), None)
    if host is not None or ci is not None:
        where = f" ({ci} is set)" if ci is not None and host is None else ""
        return f"in CI{where} only the approval of a reviewer the base branch's policy trusts accepts a change"
    if not local:
        return f"a commit, range or branch is accepted by a reviewer's approval, not by a flag ({_HOW_TO_ACCEPT})"
    return None


def _host_acceptance(report: Report, host: HostApproval, settings: Config) -> Report:
    """The code host's word: an AI-authored change that the policy says needs approval, and
    acceptance of a change beyond policy by the trusted reviewers who approved it."""
    authorship = report.authorship
    needs = authorship is not None and authorship.ai_authored and (settings.ai.require_approval or bool(settings.ai.require_trailer))
    if needs and not host.approved_by:
        rule = "ai.require_approval" if settings.ai.require_approval else "ai.require_trailer"
        message = f"beyond policy: an AI-authored change needs the approval of a reviewer the policy trusts ({rule}): {host.why_not}"
        return replace(report, verdict=Verdict(False, report.verdict.fail_level, message))
    if needs:
        note = f"AI-authored change approved by {', '.join(host.approved_by)}, a reviewer the policy trusts"
        report = replace(report, notes=report.notes + (note,))
    if report.verdict.within_policy:
        return report
    if not host.approved_by:
        return replace(report, notes=report.notes + (f"not accepted: {host.why_not}",))
    return policy.accept(report, ", ".join(host.approved_by), "review", overrule_trailer=True)


def declared_authorship(flag: bool | None) -> Authorship | None:
    """--ai / --no-ai, else DIFFRISK_AI (history.provenance.declared); a bad DIFFRISK_AI is a usage error."""
    try:
        return provenance.declared(flag, os.environ)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _request(args: argparse.Namespace) -> tuple[DiffRequest, bool]:
    """The diff the arguments name, and whether it is a local one (staged or unstaged changes,
    or the range a pre-push hook checks), which a person at the keyboard may accept."""
    for kind, value in (
        (SourceKind.BASE, args.base),
        (SourceKind.COMMIT, args.commit),
        (SourceKind.RANGE, args.range),
        (SourceKind.DIFF_FILE, args.diff_file),
    ):
        if value is not None:
            return DiffRequest(kind, value), False
    if args.worktree:
        return DiffRequest(SourceKind.WORKTREE), True
    return _pre_commit_range() or DiffRequest(SourceKind.STAGED), True


def _pre_commit_range() -> DiffRequest | None:
    """pre-commit's pre-push stage and ``pre-commit run --from-ref X --to-ref Y`` name a range in
    the environment; the change is then what Y adds since it left X (``X...Y``)."""
    start, end = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if not start or not end or set(start) == {"0"}:
        return None
    return DiffRequest(SourceKind.RANGE, f"{start}...{end}")


