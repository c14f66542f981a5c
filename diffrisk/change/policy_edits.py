"""A change that edits the policy that judges it (DR-S010): the ``[tool.diffrisk]`` table or the
``--config`` file, ``.gitattributes`` (which files count as generated, binary or text), a
``CODEOWNERS`` file (who may approve), and the pre-commit configuration or CI workflows that run
diffrisk.  The change is still judged by the stricter of the old and new policy
(commands.trusted_config); this makes a person read the policy change itself.  An edit of the
diffrisk table that only tightens it (DR-S012: adopting diffrisk, a lower fail level) asks for
less: it can relax nothing, now or later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from diffrisk import config
from diffrisk.errors import ConfigError
from diffrisk.model import Diff, FileChange, Finding, Severity
from diffrisk.regex import Regex

RULE = "DR-S010"
TIGHTENS = "DR-S012"
#: Where GitHub looks for CODEOWNERS, in its order (the first found is the one it uses).
CODEOWNERS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_WORKFLOW = Regex(r"^\.github/workflows/[^/]+\.ya?ml$")
_RUNS_DIFFRISK = Regex(r"diffrisk", re.IGNORECASE)

#: (old text, new text) of a changed file; None where a side does not exist or was not read.
Sides = tuple[str | None, str | None]


def is_policy_file(path: str, policy_path: str) -> bool:
    """Whether ``path`` may hold policy (its contents are needed to tell)."""
    return (
        path == policy_path or path.rsplit("/", 1)[-1] == ".gitattributes" or path in CODEOWNERS
        or path == ".pre-commit-config.yaml" or bool(_WORKFLOW.match(path))
    )


def find(diff: Diff, texts: Mapping[str, Sides], policy_path: str) -> list[Finding]:
    """DR-S010 for each policy file the change edits; ``texts`` has the two sides of the changed
    policy files by path (a file missing from it is judged by its path and changed lines alone)."""
    findings = []
    for change in diff.files:
        sides = texts.get(change.path, (None, None))
        what = _edited_policy(change, sides, policy_path)
        if what is None:
            continue
        line = change.added_lines[0] if change.added_lines else 1
        if what == _TABLE and _only_tightens(sides, change.path):
            findings.append(Finding(TIGHTENS, "smells", change.path, line, line, Severity.LOW,
                                    f"the change tightens the policy that judges it: {what}"))
        else:
            findings.append(Finding(RULE, "smells", change.path, line, line, Severity.MEDIUM,
                                    f"the change edits the policy that judges it: {what}"))
    return findings


_TABLE = "the diffrisk configuration"


def _only_tightens(sides: Sides, path: str) -> bool:
    """Whether the new diffrisk table demands at least what the old one did (no old file: the
    defaults); a side that cannot be read or is not valid is an edit to read, not a tightening."""
    old, new = sides
    if new is None:
        return False
    try:
        before = config.from_text(old, path, "old") if old is not None else config.Config()
        return config.only_tightens(before, config.from_text(new, path, "new"))
    except ConfigError:
        return False


def _edited_policy(change: FileChange, sides: Sides, policy_path: str) -> str | None:
    paths = {path for path in (change.old_path, change.new_path) if path}
    if policy_path in paths:
        old, new = sides
        if old is None and new is None:
            return "its configuration file" if _mentions(change, "diffrisk") else None
        return _TABLE if _policy_table(old, policy_path) != _policy_table(new, policy_path) else None
    if any(path.rsplit("/", 1)[-1] == ".gitattributes" for path in paths):
        return "git attributes (what counts as generated, binary or text)"
    if paths & set(CODEOWNERS):
        return "CODEOWNERS (who may approve)"
    if any(path == ".pre-commit-config.yaml" or _WORKFLOW.match(path) for path in paths):
        if any(text is not None and _RUNS_DIFFRISK.search(text) for text in sides) or _mentions(change, "diffrisk"):
            return "a hook or workflow that runs diffrisk"
    return None


def _policy_table(text: str | None, path: str) -> Any:
    """The diffrisk table of a policy file's text (None: no file; the text itself when it is not
    valid TOML, so that any edit of an unreadable policy counts as an edit)."""
    if text is None:
        return None
    try:
        return config.table_in(text, path, path)
    except (ConfigError, ValueError):
        return text


def _mentions(change: FileChange, word: str) -> bool:
    """Whether the diff's own lines of the file mention ``word`` (when no contents were read)."""
    return any(word in line.text.lower() for hunk in change.hunks for line in hunk.lines)
