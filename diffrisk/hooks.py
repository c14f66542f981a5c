"""Git hook work: the Review-Depth trailer, the git note, and installing plain git hooks.

The scripts in ``HOOK_SCRIPTS`` are what ``diffrisk install-hooks`` writes; the repository's
``hooks/`` folder holds the same files for teams that copy them by hand (a test keeps the two
identical).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from diffrisk import git
from diffrisk.errors import GitError
from diffrisk.model import Report

TRAILER = "Review-Depth"
ACCEPTED_TRAILER = "Risk-Accepted-By"
NOTES_REF = "refs/notes/diffrisk"
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
        fallback = f"exec {quoted} -m diffrisk {command}"
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


def add_note(repo: git.Repo, commit: str, text: str) -> None:
    git.run(repo, ["notes", f"--ref={NOTES_REF}", "add", "-f", "-F", "-", commit], stdin=text.encode())


@dataclass(frozen=True)
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
