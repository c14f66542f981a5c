"""The scripts CI runs (DR-S007): the changed paths that a step of the base's GitHub workflows
runs, as in ``run: ./ci/test.sh`` or ``run: python scripts/release.py``.

Only a step's ``run:`` script counts: that is what the job executes with the repository's secrets.
A path a workflow names anywhere else runs nothing (a list of files to type-check, a variable
naming the release notes).  The workflows are read as the base has them: the change cannot
un-name its own script.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from diffrisk.change.cache import BlobCache
from diffrisk.diffsource import git

#: A workflow file larger than this is not read for the scripts it runs.
MAX_WORKFLOW_BYTES = 1_000_000
WORKFLOWS = ".github/workflows"
#: Workflow texts, and the scripts their steps run, by blob id.
_TEXTS: BlobCache[str] = BlobCache(size=64)
_SCRIPTS: BlobCache[tuple[str, ...]] = BlobCache(size=64)


def run_by_workflows(repo: git.Repo, base: str | None, paths: Iterable[str]) -> frozenset[str]:
    """The ``paths`` that a ``run:`` step of the workflows at ``base`` names."""
    if base is None:
        return frozenset()
    listing = git.try_run(repo, ["ls-tree", "-r", "-z", base, "--", WORKFLOWS]) or b""
    blobs = [record.split(b"\t", 1)[0].split()[2].decode() for record in listing.split(b"\0") if b"\t" in record]
    # Workflows change rarely: ``log`` meets the same blobs commit after commit.
    unread = [blob for blob in blobs if blob not in _TEXTS.entries]
    for blob, data in git.read_blobs(repo, unread, MAX_WORKFLOW_BYTES).items():
        _TEXTS.get(blob, functools.partial(_text, data))
    workflows = [(blob, text) for blob in blobs if (text := _TEXTS.get(blob, functools.partial(_text, None)))]
    # Most changes touch nothing a workflow names: only then is any workflow parsed.
    named = _named_in(paths, [text for _, text in workflows])
    if not named:
        return frozenset()
    scripts = [script for blob, text in workflows for script in _SCRIPTS.get(blob, functools.partial(_all_scripts, text))]
    return frozenset(path for path, pattern in named if any(pattern.search(script) for script in scripts))


def _named_in(paths: Iterable[str], texts: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    """The ``paths`` some of ``texts`` names, each with its pattern.  A path a text does not hold
    at all cannot be named in it: only the others cost a pattern."""
    named = [(path, _named(path)) for path in paths if any(path in text for text in texts)]
    return [(path, pattern) for path, pattern in named if any(pattern.search(text) for text in texts)]


def _text(data: bytes | None) -> str:
    return data.decode("utf-8", "replace") if data else ""


def _all_scripts(text: str) -> tuple[str, ...]:
    return tuple(_run_scripts(text))


def _named(path: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w./-])(?:\./)?{re.escape(path)}(?![\w./-])")


def _run_scripts(text: str) -> Iterator[str]:
    """Every ``run:`` script of a workflow; a workflow that is not valid YAML is all script
    (GitHub would not run it, but diffrisk cannot tell what it names, so it fails closed)."""
    import yaml  # only when a workflow names a changed path

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        yield text
        return
    yield from _runs(document)


def _runs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield value
            else:
                yield from _runs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _runs(item)
