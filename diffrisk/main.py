"""The command line: parse arguments, run, write the output, map the outcome to an exit code.

Exit codes: 0 within policy, 1 beyond policy, 2 usage/config/git/input error, 3 internal error
(or an analyzer failed, so the report is incomplete), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from diffrisk import __version__, git, sources
from diffrisk.sources import DiffRequest, SourceKind

if TYPE_CHECKING:
    from diffrisk.provenance import Provenance

EXIT_OK, EXIT_BEYOND_POLICY, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("diffrisk: error: a command is required (try: diffrisk check)", file=sys.stderr)
        return EXIT_ERROR
    try:
        commands = {
            "log": _log, "calibrate": _calibrate, "trailer": _trailer, "note": _note, "install-hooks": _install_hooks,
            "explain": _explain,
        }
        return commands.get(args.command, _check)(args)
    except KeyboardInterrupt:
        print("diffrisk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - the one place that turns errors into exit codes
        return _report_error(error)


def _report_error(error: Exception) -> int:
    from diffrisk.errors import DiffriskError

    if isinstance(error, DiffriskError):
        print(f"diffrisk: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"diffrisk: internal error: {type(error).__name__}: {error} (please report this)", file=sys.stderr)
    return EXIT_INTERNAL


def _check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from diffrisk import check, config
    from diffrisk.formats import FORMATS
    from diffrisk.model import Level

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    request = _request(args)
    if request.kind is SourceKind.STAGED and git.merge_in_progress(repo):
        # The index holds everything the other branch brought; those commits were checked there.
        print("diffrisk: a merge is in progress: not scored (check the merged branch on its own)")
        return EXIT_OK
    settings = config.load(args.config, _project_root(repo, request))
    if args.fail_level is not None:
        # The command line wins over the configuration, the AI policy's fail level included.
        settings = replace(settings, fail_level=Level(args.fail_level), ai=replace(settings.ai, fail_level=None))
    if args.analyze_generated:
        settings = replace(settings, analyze_generated=True)
    # Read one byte past the limit, so that sources can refuse an oversized patch.
    stdin = sys.stdin.buffer.read(sources.MAX_PATCH_BYTES + 1) if request.kind is SourceKind.DIFF_FILE and request.value == "-" else b""
    jobs = args.jobs or os.cpu_count() or 1
    report = check.run(request, repo, settings, stdin, declared=_declared_authorship(args), jobs=jobs)
    if args.link_base:
        if not args.link_base.startswith(("https://", "http://")):
            from diffrisk.errors import UsageError

            raise UsageError(f"--link-base must be an http(s) URL, not {args.link_base!r}")
        report = replace(report, link_base=args.link_base)
    accepted = (args.accept or os.environ.get("DIFFRISK_ACCEPT", "")).strip()
    if accepted:
        report = check.accept(report, accepted)
    outputs = _outputs(args.output, args.format)
    for name, path in outputs:
        _write(FORMATS[name](report, False), path)
    if not any(name == args.format for name, _ in outputs):
        _write(FORMATS[args.format](report, _use_color(args.color, None)), None)
    if report.failures:
        return EXIT_INTERNAL
    return EXIT_OK if report.verdict.within_policy else EXIT_BEYOND_POLICY


def _declared_authorship(args: argparse.Namespace) -> Provenance | None:
    """--ai / --no-ai, else DIFFRISK_AI (provenance.declared); a bad DIFFRISK_AI is a usage error."""
    from diffrisk import provenance
    from diffrisk.errors import UsageError

    try:
        return provenance.declared(args.ai, os.environ)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _explain(args: argparse.Namespace) -> int:
    """Print what a rule means, or list the rules."""
    from diffrisk import rules
    from diffrisk.errors import UsageError

    if args.rule is None:
        for listed in rules.RULES.values():
            print(f"{listed.id}  {listed.title}")
        print("B101..B703  bandit's rules (see https://bandit.readthedocs.io)")
        return EXIT_OK
    known = rules.RULES.get(args.rule.upper())
    if known is None:
        raise UsageError(f"unknown rule {args.rule!r}; `diffrisk explain` lists them")
    rule = known
    print(f"{rule.id}: {rule.title}\n\n{rule.explanation}\n\ncomponent: {rule.component}; silence one line with "
          f"`# diffrisk: ignore[{rule.id}] -- reason`")
    return EXIT_OK


def _log(args: argparse.Namespace) -> int:
    from diffrisk import config, history, progress
    from diffrisk.formats import rows

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    settings = config.load(args.config, git.toplevel(repo))
    if args.commits is not None:
        text = sys.stdin.read() if args.commits == "-" else _read_text(args.commits)
        shas = history.resolve_all(repo, history.read_commit_list(text))
    else:
        shas = history.commits_in(repo, args.revision_range)
    infos = history.commit_infos(repo, shas)
    jobs = args.jobs or os.cpu_count() or 1
    scored = progress.track(history.score(repo, settings, shas, infos, jobs), len(shas), sys.stderr)
    failed = False
    with _Output(args.output) as out:
        if args.summary:
            collected = []
            for row in scored:
                collected.append(row)
                failed = failed or bool(row.failures)
            entries = rows.summarize(collected, args.summary)
            render = {"text": rows.summary_text, "csv": rows.summary_csv, "jsonl": rows.summary_jsonl}[args.format]
            out.write(render(entries, args.summary))
            return EXIT_INTERNAL if failed else EXIT_OK
        out.write({"text": rows.text_header(), "csv": rows.csv_header(), "jsonl": ""}[args.format])
        line = {"text": rows.text_row, "csv": rows.csv_row, "jsonl": rows.jsonl}[args.format]
        for row in scored:
            out.write(line(row))
            failed = failed or bool(row.failures)
    return EXIT_INTERNAL if failed else EXIT_OK


class _Output:
    """Standard output or a file, written line by line so an interrupted run leaves whole lines."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.handle = sys.stdout

    def __enter__(self) -> _Output:
        if self.path is not None:
            from diffrisk.errors import UsageError

            try:
                self.handle = open(self.path, "w", encoding="utf-8")
            except OSError as error:
                raise UsageError(f"cannot write {self.path!r}: {error.strerror}") from None
        return self

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
            self.handle.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(EXIT_OK) from None

    def __exit__(self, *exc: object) -> None:
        if self.handle is not sys.stdout:
            self.handle.close()


def _read_text(path: str) -> str:
    from diffrisk.errors import UsageError

    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path!r}: {getattr(error, 'strerror', None) or error}") from None


def _trailer(args: argparse.Namespace) -> int:
    """prepare-commit-msg: add ``Review-Depth: L2 (risk 57/100, ~25 min)`` to the message."""
    from diffrisk import check, config, hooks
    from diffrisk.errors import DiffriskError

    # pre-commit passes only the file; it puts git's other two arguments in the environment.
    args.source = args.source or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE")
    args.sha = args.sha or os.environ.get("PRE_COMMIT_COMMIT_OBJECT_NAME")
    if args.source in hooks.UNTOUCHED_SOURCES:
        return EXIT_OK
    if not os.path.isfile(args.message_file):
        from diffrisk.errors import UsageError

        raise UsageError(f"no commit message file at {args.message_file!r}")
    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    base = None
    if args.source == "commit" and args.sha and git.has_head(repo) and git.resolve_commit(repo, args.sha) == git.resolve_commit(repo, "HEAD"):
        # --amend: the commit being written replaces HEAD, so its change is the index against HEAD's parent.
        head = git.resolve_commit(repo, "HEAD")
        base = git.first_parent(repo, head) or git.empty_tree(repo)
    try:
        settings = config.load(args.config, git.toplevel(repo))
        report = check.run(DiffRequest(SourceKind.STAGED, base), repo, settings)
    except DiffriskError as error:
        # A hook that cannot annotate must not stop the commit: say why and let it through.
        print(f"diffrisk trailer: skipped: {error}", file=sys.stderr)
        return EXIT_OK
    trailers = {hooks.TRAILER: hooks.trailer_value(report)}
    accepted = os.environ.get("DIFFRISK_ACCEPT", "").strip()
    if accepted:
        trailers[hooks.ACCEPTED_TRAILER] = accepted
    try:
        hooks.add_trailers(repo, args.message_file, trailers)
    except (OSError, DiffriskError) as error:
        print(f"diffrisk trailer: skipped: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
    return EXIT_OK


def _note(args: argparse.Namespace) -> int:
    """post-commit: keep the commit's JSON report as a git note."""
    from diffrisk import check, config, hooks
    from diffrisk.formats import FORMATS

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    commit = git.resolve_commit(repo, args.commit)
    report = check.run(DiffRequest(SourceKind.COMMIT, commit), repo, config.load(args.config, git.toplevel(repo)))
    hooks.add_note(repo, commit, FORMATS["json"](report, False))
    return EXIT_OK


def _install_hooks(args: argparse.Namespace) -> int:
    from diffrisk import hooks

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    installed = hooks.install(repo, sys.executable)
    for path in installed.written:
        print(f"installed {path}")
    for path in installed.kept:
        print(f"kept the existing {path} (add `diffrisk` to it by hand, see hooks/ in diffrisk's repository)")
    return EXIT_OK


def _calibrate(args: argparse.Namespace) -> int:
    import os.path

    from diffrisk import calibration, config

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    root = git.toplevel(repo)
    settings = config.load(args.config, root)
    result = calibration.calibrate(repo, settings, args.since, args.jobs or os.cpu_count() or 1)
    print(
        f"{result.commits} mature commits changing Python, {result.bug_inducing} bug-inducing by SZZ "
        f"({result.fixes} fixes blamed).\n"
        f"ROC-AUC on this history: default weights {_figure(result.auc_default)}, calibrated "
        f"{_figure(result.auc_calibrated)} in-sample, {_figure(result.auc_calibrated_cv)} by 5-fold cross-validation.\n"
    )
    print(calibration.as_toml(result), end="")
    if args.write:
        if root is None:
            from diffrisk.errors import UsageError

            raise UsageError("--write needs a work tree with a pyproject.toml; paste the tables instead")
        target = os.path.join(root, "pyproject.toml")
        calibration.write(target, result)
        print(f"\nwritten to {target}")
    return EXIT_OK


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _outputs(values: Sequence[str], default_format: str) -> list[tuple[str, str]]:
    """(format, path) for each ``-o [FORMAT=]FILE``; a bare FILE takes the ``--format``."""
    from diffrisk.errors import UsageError
    from diffrisk.formats import FORMATS

    outputs = []
    for value in values:
        name, separator, path = value.partition("=")
        if not separator or name not in FORMATS:
            name, path = default_format, value
        if not path:
            raise UsageError(f"-o needs a file name: {value!r}")
        outputs.append((name, path))
    return outputs


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


def _project_root(repo: git.Repo, request: DiffRequest) -> str | None:
    """Where pyproject.toml is looked for: the work tree's root, else (no repository) the cwd."""
    if not git.is_repository(repo):
        return repo.cwd or os.getcwd()
    return git.toplevel(repo)


def _use_color(choice: str, output: str | None) -> bool:
    if choice != "auto":
        return choice == "always"
    # https://no-color.org: any non-empty NO_COLOR disables colour.
    return output is None and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


def _write(text: str, path: str | None) -> None:
    if path is None:
        try:
            try:
                sys.stdout.write(text)
            except UnicodeEncodeError:
                # A terminal or pipe that is not UTF-8 (PYTHONIOENCODING=latin-1): write the
                # characters it cannot hold as escapes rather than fail.
                encoding = sys.stdout.encoding or "ascii"
                sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader (head, a pager) stopped early; the verdict and exit code still stand.
            # Point stdout at /dev/null so the interpreter's final flush does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    from diffrisk.errors import UsageError

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"cannot write {path!r}: {error.strerror}") from None


def _parser() -> argparse.ArgumentParser:
    # -C and --git-dir work before and after the command, as users type them for git.
    common = argparse.ArgumentParser(add_help=False)
    _repository_options(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="diffrisk", description="How deeply must a human review this diff, and where to look first?"
    )
    parser.add_argument("--version", action="version", version=f"diffrisk {__version__}")
    _repository_options(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check", parents=[common], help="score a diff (default: the staged changes)",
        description="Score a diff: risk, review depth, hotspots and review time.",
    )
    source = check.add_mutually_exclusive_group()
    source.add_argument("--staged", action="store_true", help="the staged changes (the default)")
    source.add_argument("--base", metavar="REF", help="HEAD against its merge base with REF (what a PR shows)")
    source.add_argument("--commit", metavar="SHA", help="one commit against its first parent")
    source.add_argument("--range", metavar="A..B", help="B against A (A...B: against their merge base)")
    source.add_argument("--worktree", action="store_true", help="the unstaged changes in the work tree")
    source.add_argument("--diff-file", metavar="PATH", help="a patch file, or - for standard input")
    check.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    check.add_argument(
        "--format", choices=("text", "json", "github", "markdown", "sarif", "rdjson", "gitlab", "html"), default="text",
        help="output format on standard output (default: text)",
    )
    check.add_argument(
        "-o", "--output", metavar="[FORMAT=]FILE", action="append", default=[],
        help="also write FORMAT (default: --format) to FILE; repeatable, e.g. -o sarif=diffrisk.sarif",
    )
    check.add_argument("--fail-level", choices=("L0", "L1", "L2", "L3"), help="override fail_level")
    check.add_argument("--link-base", metavar="URL", help="link Markdown hotspots and findings to URL/PATH#L10")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour (default: auto)")
    check.add_argument("--jobs", type=_positive, default=0, metavar="N",
                       help="processes for a big diff's files (default: the CPU count)")
    check.add_argument("--analyze-generated", action="store_true",
                       help="analyse and score generated or minified Python too (default: shown, not scored)")
    authored = check.add_mutually_exclusive_group()
    authored.add_argument("--ai", dest="ai", action="store_const", const=True, default=None,
                          help="treat the change as written by a coding agent (also: DIFFRISK_AI=1)")
    authored.add_argument("--no-ai", dest="ai", action="store_const", const=False,
                          help="treat the change as written by a person, whatever its markers say")
    check.add_argument("--accept", metavar="NAME", help="accept a change beyond policy, recorded as accepted by NAME "
                       "(also: DIFFRISK_ACCEPT, or a Risk-Accepted-By: trailer on the commit)")
    log = commands.add_parser(
        "log", parents=[common], help="score every commit of a history",
        description="Score each non-merge commit against its first parent, as check --commit does.",
    )
    log.add_argument("revision_range", nargs="?", metavar="REVISION_RANGE", help="e.g. v1.0..HEAD (default: all of HEAD)")
    log.add_argument("--commits", metavar="FILE", help="score the commits listed in FILE (- for stdin), in that order")
    log.add_argument("--format", choices=("text", "jsonl", "csv"), default="text", help="output format (default: text)")
    log.add_argument("--jobs", type=_positive, default=0, metavar="N", help="worker processes (default: the CPU count)")
    log.add_argument("--summary", choices=("week", "author"), help="per-level counts and review minutes per week or author")
    log.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    log.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    trailer = commands.add_parser(
        "trailer", parents=[common], help="prepare-commit-msg hook: add a Review-Depth trailer",
        description="Add 'Review-Depth: L2 (risk 57/100, ~25 min)' to a commit message file, in git's trailer format.",
    )
    trailer.add_argument("message_file", metavar="MESSAGE_FILE")
    trailer.add_argument("source", nargs="?", metavar="SOURCE", help="as git passes it: message, template, merge, squash, commit")
    trailer.add_argument("sha", nargs="?", metavar="SHA")
    trailer.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    note = commands.add_parser(
        "note", parents=[common], help="post-commit hook: store the report as a git note",
        description="Store a commit's JSON report as a git note under refs/notes/diffrisk.",
    )
    note.add_argument("commit", nargs="?", default="HEAD", metavar="COMMIT", help="default: HEAD")
    note.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    commands.add_parser(
        "install-hooks", parents=[common], help="install plain git hooks (never over existing ones)",
        description="Write pre-commit, prepare-commit-msg and post-commit hooks that run diffrisk.",
    )
    explain = commands.add_parser("explain", help="what a rule means (no RULE: list them)",
                                  description="Print a rule's explanation, e.g. diffrisk explain DR-S001.")
    explain.add_argument("rule", nargs="?", metavar="RULE")
    calibrate = commands.add_parser(
        "calibrate", parents=[common], help="fit weights and thresholds on this repository's history",
        description="Label the history with SZZ, fit the component weights and level thresholds, "
        "and print them as [tool.diffrisk] tables.",
    )
    calibrate.add_argument("--since", metavar="DATE", help="only commits after DATE (as git log --since)")
    calibrate.add_argument("--write", action="store_true", help="write the tables into the work tree's pyproject.toml")
    calibrate.add_argument("--jobs", type=_positive, default=0, metavar="N", help="worker processes (default: the CPU count)")
    calibrate.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _repository_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("-C", dest="directory", metavar="DIR", default=default, help="run as if started in DIR")
    parser.add_argument("--git-dir", metavar="DIR", default=default, help="the repository's git directory")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
