"""The command line's verbs and options (``main`` parses them; ``commands.run`` runs the verb)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from diffrisk import __version__
from diffrisk.formats import FORMAT_NAMES


class _Formatter(argparse.HelpFormatter):
    """argparse's help, as wide as the terminal, measured as ``shutil.get_terminal_size`` does:
    argparse makes a formatter for every option it is given, and its own imports shutil (with
    bz2 and lzma), 3.5 ms of every run, to learn the width."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    """$COLUMNS, else the width of the terminal standard output is, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stream = sys.__stdout__  # None where Python runs without a console (pythonw)
        try:
            columns = os.get_terminal_size(stream.fileno()).columns if stream is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser with ``_Formatter``; the commands' parsers are made by their parent's class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{"formatter_class": _Formatter, **kwargs})


def parser() -> argparse.ArgumentParser:
    """The command line: the verbs and their options."""
    # -C and --git-dir work before and after the command, as users type them for git.
    common = _Parser(add_help=False)
    _repository_options(common, argparse.SUPPRESS)
    parser = _Parser(
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
        "--format", choices=tuple(FORMAT_NAMES), default="text",
        help="output format on standard output (default: text)",
    )
    check.add_argument(
        "-o", "--output", metavar="[FORMAT=]FILE", action="append", default=[],
        help="also write FORMAT (default: --format) to FILE; repeatable, e.g. -o sarif=diffrisk.sarif",
    )
    check.add_argument("--fail-level", choices=("L0", "L1", "L2", "L3"), help="override fail_level")
    check.add_argument("--no-cache", action="store_true",
                       help="do not read or write the analysis cache (diffrisk/cache in the repository's git directory)")
    check.add_argument("--link-base", metavar="URL", help="link Markdown hotspots and findings to URL/PATH#L10")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour (default: auto)")
    check.add_argument("--jobs", type=_positive, default=0, metavar="N",
                       help="processes for a big diff's files (default: the CPU count)")
    check.add_argument("--coverage", metavar="FILE", action="append", default=[],
                       help="coverage data for the changed lines: .coverage, coverage.xml (Cobertura), LCOV or "
                       "coverage.py's JSON report; repeatable (also: coverage = [...] in the policy)")
    check.add_argument("--analyze-generated", action="store_true",
                       help="analyse and score generated or minified Python too (default: shown, not scored)")
    authored = check.add_mutually_exclusive_group()
    authored.add_argument("--ai", dest="ai", action="store_const", const=True, default=None,
                          help="treat the change as written by a coding agent (also: DIFFRISK_AI=1)")
    authored.add_argument("--no-ai", dest="ai", action="store_const", const=False,
                          help="treat the change as written by a person, unless an agent's marker is detected "
                          "(a declaration cannot hide one)")
    check.add_argument("--accept", metavar="NAME", help="a person accepts a staged or unstaged change beyond policy, "
                       "recorded as accepted by NAME (also: DIFFRISK_ACCEPT); refused for commits and ranges, in CI and "
                       "while an agent's marker is in the environment")
    log = commands.add_parser(
        "log", parents=[common], help="score every commit of a history",
        description="Score each non-merge commit against its first parent, as check --commit does.",
    )
    log.add_argument("revision_range", nargs="?", metavar="REVISION_RANGE", help="e.g. v1.0..HEAD (default: all of HEAD)")
    log.add_argument(
        "--experts", action="store_true",
        help="also work out who knew each commit's code (a blame per commit; only the ownership floor DR-O001 changes a level)",
    )
    log.add_argument("--commits", metavar="FILE", help="score the commits listed in FILE (- for stdin), in that order")
    log.add_argument("--format", choices=("text", "jsonl", "csv"), default="text", help="output format (default: text)")
    log.add_argument("--jobs", type=_positive, default=0, metavar="N", help="worker processes (default: the CPU count)")
    log.add_argument("--summary", choices=("week", "author"), help="per-level counts and review minutes per week or author")
    log.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    log.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    log.add_argument(
        "--db", nargs="?", const="", metavar="PATH",
        help="keep the scores in a SQLite database and score only commits it lacks for this version and policy "
             "(PATH default: diffrisk/history.sqlite in the repository's git directory)",
    )
    trailer = commands.add_parser(
        "trailer", parents=[common], help="prepare-commit-msg hook: add a Review-Depth trailer",
        description="Add 'Review-Depth: L2 (risk 57/100, ~25 min)' to a commit message file, in git's trailer format.",
    )
    trailer.add_argument("message_file", metavar="MESSAGE_FILE")
    trailer.add_argument("source", nargs="?", metavar="SOURCE", help="as git passes it: message, template, merge, squash, commit")
    trailer.add_argument("sha", nargs="?", metavar="SHA")
    trailer.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    note = commands.add_parser(
        "note", parents=[common], help="post-commit hook: store the report's summary as a git note",
        description="Store a short summary of a commit's report as a git note under refs/notes/diffrisk "
                    "(git log --notes=diffrisk shows it).",
    )
    note.add_argument("commit", nargs="?", default="HEAD", metavar="COMMIT", help="default: HEAD")
    note.add_argument("--json", action="store_true", help="also keep the whole JSON report, under refs/notes/diffrisk-json")
    note.add_argument("--config", metavar="FILE", help="configuration file (default: pyproject.toml)")
    commands.add_parser(
        "install-hooks", parents=[common], help="install plain git hooks (never over existing ones)",
        description="Write pre-commit, prepare-commit-msg and post-commit hooks that run diffrisk.",
    )
    explain = commands.add_parser("explain", help="what a rule means (no RULE: list them)",
                                  description="Print a rule's explanation, e.g. diffrisk explain DR-S001.")
    explain.add_argument("rule", nargs="?", metavar="RULE")
    explain.add_argument("--markdown", action="store_true", help="print every rule as a Markdown reference (docs/rules.md)")
    report = commands.add_parser(
        "report", parents=[common], help="the team's review demand against capacity, week by week",
        description="Read the scores diffrisk log --db stored (one or several repositories) and show the review they require "
                    "against the team's capacity ([tool.diffrisk.capacity]), what came from coding agents, and the riskiest changes.",
    )
    report.add_argument("--db", action="append", metavar="PATH",
                        help="a database diffrisk log --db wrote; repeat for several repositories (default: this repository's)")
    report.add_argument("--since", metavar="DATE", help="only changes authored on or after DATE (YYYY-MM-DD)")
    report.add_argument("--format", choices=("html", "markdown", "json"), default="html", help="default: html")
    report.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    report.add_argument("--config", metavar="FILE", help="configuration file with [tool.diffrisk.capacity] (default: pyproject.toml)")
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
