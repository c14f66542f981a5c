"""The command line: parse arguments, run, write the output, map the outcome to an exit code.

Exit codes: 0 within policy, 1 beyond policy, 2 usage/config/git/input error, 3 internal error
(or an analyzer failed, so the report is incomplete), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from diffrisk import __version__, git
from diffrisk.sources import DiffRequest, SourceKind

EXIT_OK, EXIT_BEYOND_POLICY, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        print("diffrisk: error: a command is required (try: diffrisk check)", file=sys.stderr)
        return EXIT_ERROR
    try:
        return _check(args)
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
    settings = config.load(args.config, _project_root(repo, request))
    if args.fail_level is not None:
        settings = replace(settings, fail_level=Level(args.fail_level))
    stdin = sys.stdin.buffer.read() if request.kind is SourceKind.DIFF_FILE and request.value == "-" else b""
    report = check.run(request, repo, settings, stdin)
    output = FORMATS[args.format](report, _use_color(args.color, args.output))
    _write(output, args.output)
    if report.failures:
        return EXIT_INTERNAL
    return EXIT_OK if report.verdict.within_policy else EXIT_BEYOND_POLICY


def _request(args: argparse.Namespace) -> DiffRequest:
    for kind, value in (
        (SourceKind.BASE, args.base),
        (SourceKind.COMMIT, args.commit),
        (SourceKind.RANGE, args.range),
        (SourceKind.DIFF_FILE, args.diff_file),
    ):
        if value is not None:
            return DiffRequest(kind, value)
    return DiffRequest(SourceKind.WORKTREE if args.worktree else SourceKind.STAGED)


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
            sys.stdout.write(text)
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
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    check.add_argument("--fail-level", choices=("L0", "L1", "L2", "L3"), help="override fail_level")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour (default: auto)")
    return parser


def _repository_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("-C", dest="directory", metavar="DIR", default=default, help="run as if started in DIR")
    parser.add_argument("--git-dir", metavar="DIR", default=default, help="the repository's git directory")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
