"""The git hooks' commands: ``trailer`` (prepare-commit-msg: the Review-Depth trailer), ``note``
(post-commit: the report as a git note) and ``install-hooks`` (plain git hooks).

The scripts in ``HOOK_SCRIPTS`` are what ``diffrisk install-hooks`` writes; the repository's
``hooks/`` folder holds the same files for teams that copy them by hand (a test keeps the two
identical).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys

from diffrisk import config as configuration
from diffrisk.diffsource import git
from diffrisk.diffsource.request import DiffRequest, SourceKind
from diffrisk.errors import DiffriskError, ExitCode, GitError, UsageError
from diffrisk.history import provenance
from diffrisk.history.provenance import ACCEPTED_BY
from diffrisk.model import Report
from diffrisk.records import record

TRAILER = "Review-Depth"
NOTES_REF = "refs/notes/diffrisk"
#: The whole JSON report (note --json): a ref of its own, so that git log --notes=diffrisk stays short.
JSON_NOTES_REF = "refs/notes/diffrisk-json"
#: prepare-commit-msg sources whose message diffrisk must leave alone: git writes merge and
#: squash messages itself and they describe other commits.
UNTOUCHED_SOURCES = frozenset({"merge", "squash"})

#: The hooks, with ``{missing}``: what to do when diffrisk is not on PATH.  The pre-commit hook
#: refuses (a policy that silently stops working is worse); the others let the commit through.
HOOK_SCRIPTS = {
    "pre-commit": (
        "#!/bin/sh\n"
        "# diffrisk: block a commit beyond the review policy (installed by `diffrisk install-hooks`).\n"
        "# It checks exactly what is being committed (git sets GIT_INDEX_FILE for `git commit -a`).\n"
        "command -v diffrisk >/dev/null 2>&1 && exec diffrisk check\n"
        "{missing_block}\n"
    ),
    "prepare-commit-msg": (
        "#!/bin/sh\n"
        "# diffrisk: add a Review-Depth trailer to the commit message (installed by `diffrisk install-hooks`).\n"
        'command -v diffrisk >/dev/null 2>&1 && exec diffrisk trailer "$@"\n'
        "{missing_pass}\n"
    ),
    "post-commit": (
        "#!/bin/sh\n"
        "# diffrisk: keep the commit's report as a git note under refs/notes/diffrisk\n"
        "# (installed by `diffrisk install-hooks`; see it with git log --notes=diffrisk).\n"
        "command -v diffrisk >/dev/null 2>&1 && exec diffrisk note\n"
        "{missing_pass}\n"
    ),
}
_NOT_FOUND = 'echo "diffrisk is not on PATH: install it or activate its environment" >&2'
#: For copying by hand (the repository's hooks/ folder): no known interpreter to fall back on.
GENERIC = {"missing_block": f"{_NOT_FOUND}; exit 1", "missing_pass": f"{_NOT_FOUND}; exit 0"}


def scripts(python: str | None) -> dict[str, str]:
    """The hook scripts; with ``python``, falling back on that interpreter's diffrisk."""
    if python is None:
        return {name: script.format(**GENERIC) for name, script in HOOK_SCRIPTS.items()}
    quoted = "'" + python.replace("'", "'\\''") + "'"
    rendered = {}
    for name, script in HOOK_SCRIPTS.items():
        command = {"pre-commit": "check", "prepare-commit-msg": 'trailer "$@"', "post-commit": "note"}[name]
        # -I: a diffrisk/ folder in the work tree (where git runs hooks) must not stand in for diffrisk.
        fallback = f"exec {quoted} -I -m diffrisk {command}"
        rendered[name] = script.format(missing_block=fallback, missing_pass=fallback)
    return rendered


def trailer_value(report: Report) -> str:
    return f"{report.level.value} (risk {report.score}/100, ~{report.review_minutes} min)"


def add_trailers(repo: git.Repo, message_file: str, trailers: dict[str, str]) -> None:
    """Set the trailers in the message file with git's own ``interpret-trailers`` (replacing a
    trailer of the same name, so running twice or on ``--amend`` leaves one).

    A message with nothing but comments is about to be written in an editor: like ``git commit
    -s``, the trailers go after an empty subject line and a blank line, so what the user types on
    the first line stays the subject.
    """
    lines = [f"{key}: {' '.join(value.split())}" for key, value in trailers.items()]
    with open(message_file, encoding="utf-8", errors="surrogateescape") as handle:
        text = handle.read()
    comment = _comment_char(repo)
    if not any(line.strip() and not line.startswith(comment) for line in text.split("\n")):
        with open(message_file, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write("\n\n" + "\n".join(lines) + "\n" + text.lstrip("\n"))
        return
    arguments = ["interpret-trailers", "--in-place", "--if-exists", "replace"]
    for line in lines:
        arguments += ["--trailer", line]
    git.run(repo, [*arguments, "--", message_file])


def _comment_char(repo: git.Repo) -> str:
    configured = git.try_run(repo, ["config", "core.commentChar"])
    value = configured.decode().strip() if configured else "#"
    return value if len(value) == 1 else "#"


def add_note(repo: git.Repo, commit: str, text: str, ref: str | None = None) -> None:
    git.run(repo, ["notes", f"--ref={ref or NOTES_REF}", "add", "-f", "-F", "-", commit], stdin=text.encode())


@record
class Installed:
    written: tuple[str, ...]
    kept: tuple[str, ...]


def install(repo: git.Repo, python: str) -> Installed:
    """Write the hook scripts into the repository's hooks folder (core.hooksPath respected),
    never over a hook that is already there; they fall back on ``python -m diffrisk``."""
    folder = git.run(repo, ["rev-parse", "--git-path", "hooks"]).decode("utf-8", "surrogateescape").strip()
    if repo.cwd is not None and not os.path.isabs(folder):
        folder = os.path.join(repo.cwd, folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise GitError(f"cannot use the hooks folder {folder!r}: {error.strerror}") from None
    written, kept = [], []
    for name, script in scripts(python).items():
        path = os.path.join(folder, name)
        if os.path.lexists(path):
            kept.append(path)
            continue
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(script)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        written.append(path)
    return Installed(tuple(written), tuple(kept))


# -- the commands ---------------------------------------------------------------------------------


def trailer_command(args: argparse.Namespace) -> int:
    """prepare-commit-msg: add ``Review-Depth: L2 (risk 57/100, ~25 min)`` to the message."""
    # pre-commit passes only the file; it puts git's other two arguments in the environment.
    source = args.source or os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE")
    sha = args.sha or os.environ.get("PRE_COMMIT_COMMIT_OBJECT_NAME")
    if source in UNTOUCHED_SOURCES:
        return ExitCode.OK
    if not os.path.isfile(args.message_file):
        raise UsageError(f"no commit message file at {args.message_file!r}")
    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    base = None
    if source == "commit" and sha and git.has_head(repo) and git.resolve_commit(repo, sha) == git.resolve_commit(repo, "HEAD"):
        # --amend: the commit being written replaces HEAD, so its change is the index against HEAD's parent.
        head = git.resolve_commit(repo, "HEAD")
        base = git.first_parent(repo, head) or git.empty_tree(repo)
    from diffrisk.commands import check  # the whole pipeline: only the hooks that score pay for it

    try:
        settings = configuration.load(args.config, git.toplevel(repo))
        report = check.run(DiffRequest(SourceKind.STAGED, base), repo, settings)
    except DiffriskError as error:
        # A hook that cannot annotate must not stop the commit: say why and let it through.
        print(f"diffrisk trailer: skipped: {error}", file=sys.stderr)
        return ExitCode.OK
    trailers = {TRAILER: trailer_value(report)}
    accepted = os.environ.get("DIFFRISK_ACCEPT", "").strip()
    agent = provenance.of_environment(os.environ)
    if accepted and agent.ai_authored:
        print(f"diffrisk trailer: no {ACCEPTED_BY} trailer: an agent cannot accept its own risk ({agent.reason})", file=sys.stderr)
    elif accepted:
        # A record for people reading the history; no check trusts it (the commit is the change's own).
        trailers[ACCEPTED_BY] = accepted
    try:
        add_trailers(repo, args.message_file, trailers)
    except (OSError, DiffriskError) as error:
        print(f"diffrisk trailer: skipped: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
    return ExitCode.OK


def note_command(args: argparse.Namespace) -> int:
    """post-commit: keep a short summary of the commit's report as a git note (what
    ``git log --notes=diffrisk`` shows), and with ``--json`` the whole JSON report under a ref of
    its own."""
    from diffrisk.commands import check
    from diffrisk.formats import FORMATS, text

    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    commit = git.resolve_commit(repo, args.commit)
    report = check.run(DiffRequest(SourceKind.COMMIT, commit), repo, configuration.load(args.config, git.toplevel(repo)))
    add_note(repo, commit, text.summary_note(report))
    if args.json:
        add_note(repo, commit, FORMATS["json"](report, False), JSON_NOTES_REF)
    return ExitCode.OK


def install_command(args: argparse.Namespace) -> int:
    repo = git.Repo(cwd=args.directory, git_dir=args.git_dir)
    git.check_repository(repo)
    installed = install(repo, sys.executable)
    for path in installed.written:
        print(f"installed {path}")
    for path in installed.kept:
        print(f"kept the existing {path} (add `diffrisk` to it by hand, see hooks/ in diffrisk's repository)")
    return ExitCode.OK
