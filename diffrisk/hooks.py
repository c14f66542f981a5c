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
from diffrisk.model import Report

TRAILER = "Review-Depth"
ACCEPTED_TRAILER = "Risk-Accepted"
NOTES_REF = "refs/notes/diffrisk"
#: prepare-commit-msg sources whose message diffrisk must leave alone: git writes merge and
#: squash messages itself and they describe other commits.
UNTOUCHED_SOURCES = frozenset({"merge", "squash"})

HOOK_SCRIPTS = {
    "pre-commit": (
        "#!/bin/sh\n"
        "# diffrisk: block a commit beyond the review policy (installed by `diffrisk install-hooks`).\n"
        "# It checks exactly what is being committed (git sets GIT_INDEX_FILE for `git commit -a`).\n"
        "exec diffrisk check\n"
    ),
    "prepare-commit-msg": (
        "#!/bin/sh\n"
        "# diffrisk: add a Review-Depth trailer to the commit message (installed by `diffrisk install-hooks`).\n"
        'exec diffrisk trailer "$@"\n'
    ),
    "post-commit": (
        "#!/bin/sh\n"
        "# diffrisk: keep the commit's report as a git note under refs/notes/diffrisk\n"
        "# (installed by `diffrisk install-hooks`; see it with git log --notes=diffrisk).\n"
        "exec diffrisk note\n"
    ),
}


def trailer_value(report: Report) -> str:
    return f"{report.level.value} (risk {report.score}/100, ~{report.review_minutes} min)"


def add_trailers(repo: git.Repo, message_file: str, trailers: dict[str, str]) -> None:
    """Set the trailers in the message file with git's own ``interpret-trailers`` (replacing a
    trailer of the same name, so running twice or on ``--amend`` leaves one)."""
    arguments = ["interpret-trailers", "--in-place", "--if-exists", "replace"]
    for key, value in trailers.items():
        arguments += ["--trailer", f"{key}: {' '.join(value.split())}"]
    git.run(repo, [*arguments, "--", message_file])


def add_note(repo: git.Repo, commit: str, text: str) -> None:
    git.run(repo, ["notes", f"--ref={NOTES_REF}", "add", "-f", "-F", "-", commit], stdin=text.encode())


@dataclass(frozen=True)
class Installed:
    written: tuple[str, ...]
    kept: tuple[str, ...]


def install(repo: git.Repo) -> Installed:
    """Write the hook scripts into the repository's hooks folder (core.hooksPath respected),
    never over a hook that is already there."""
    folder = git.run(repo, ["rev-parse", "--git-path", "hooks"]).decode("utf-8", "surrogateescape").strip()
    if repo.cwd is not None and not os.path.isabs(folder):
        folder = os.path.join(repo.cwd, folder)
    os.makedirs(folder, exist_ok=True)
    written, kept = [], []
    for name, script in HOOK_SCRIPTS.items():
        path = os.path.join(folder, name)
        if os.path.lexists(path):
            kept.append(path)
            continue
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(script)
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        written.append(path)
    return Installed(tuple(written), tuple(kept))
