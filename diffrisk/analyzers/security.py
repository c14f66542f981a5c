"""Security, through bandit's public API (``BanditManager``): every issue with its test id,
severity, confidence and CWE, ``# nosec`` or not.

bandit reads files from disk and has no API for text, so the source goes through a private
temporary file that is removed right after the scan.
"""

from __future__ import annotations

import ast
import functools
import gc
import os
from typing import Any

from diffrisk.analyzers import deferred
from diffrisk.analyzers.scope import Scope
from diffrisk.model import FileResult, Issue, Severity
from diffrisk.pyfile.source import CODING_COOKIE, PythonSource

NAME = "security"
#: See ``diffrisk.analyzers.Scope``; the pipeline gives this analyzer only what it needs.
SCOPE = Scope.STATEMENTS_AND_IMPORTS
#: See ``diffrisk.analyzers.Analyzer``.
MEASURES_FUNCTIONS = False

#: bandit's test for bidirectional control characters ("trojan source").
_TROJAN_SOURCE = "B613"
_SEVERITIES = {"LOW": Severity.LOW, "MEDIUM": Severity.MEDIUM, "HIGH": Severity.HIGH}


class BanditFailure(Exception):
    """bandit skipped the file (it reports failures as skips, not exceptions)."""


def analyze(source: PythonSource) -> FileResult:
    # Imported here, as bandit is: a check whose files are all in the analysis cache needs neither.
    import tempfile

    manager = _manager(bidi=_has_bidi_characters(source.text))
    # A private file (mode 0600, a name no one else gets), not a folder: making and removing a
    # folder per scan costs a millisecond, which ``log`` pays hundreds of times.
    handle, path = tempfile.mkstemp(prefix="diffrisk-", suffix=".py")
    try:
        with open(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(_without_coding_cookie(source.text))
        _reset(manager, path)
        try:
            manager.run_tests()
        except SystemExit:
            # bandit turns Ctrl-C into sys.exit(2); give it back as the interrupt it was.
            raise KeyboardInterrupt from None
        finally:
            _release_scanned_tree()
    finally:
        os.remove(path)
    skipped = manager.get_skipped()
    if skipped:
        raise BanditFailure(f"bandit skipped the file: {skipped[0][1]}")
    return FileResult(issues=tuple(sorted(_issue(item) for item in manager.get_issue_list())))


def _release_scanned_tree() -> None:
    """Free the syntax tree bandit scanned, now.

    bandit links every node it visits to its parent, so its tree is a web of reference cycles
    that only Python's cycle collector frees.  Worse, CPython gives every ``Load``, ``Store``,
    ``Add``, ``Eq``... of every tree as one shared node, and bandit links those too: the shared
    nodes, which live as long as the process, held the last scan's tree.  It outlived the scan,
    grew old, and was garbage only a full collection finds, which costs a traversal of every
    object alive.  Unlinked, the tree is young garbage, and a collection
    of the youngest objects, what the scan itself made, frees it (diffrisk.commands.collection)."""
    for node in _shared_nodes():
        for name in [name for name in vars(node) if name.startswith("_bandit_")]:
            delattr(node, name)
    gc.collect(0)


#: Code with every context (Load, Store, Del) and every operator: CPython shares one node of each.
_EVERY_SHARED_NODE = (
    "a = b; del a; a + b; a - b; a * b; a @ b; a / b; a % b; a ** b; a << b; a >> b; a | b; a ^ b;"
    " a & b; a // b; ~a; not a; +a; -a; a == b; a != b; a < b; a <= b; a > b; a >= b; a is b;"
    " a is not b; a in b; a not in b; a and b; a or b"
)
_SHARED_KINDS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)


@functools.cache
def _shared_nodes() -> tuple[ast.AST, ...]:
    found = {id(node): node for node in ast.walk(ast.parse(_EVERY_SHARED_NODE)) if isinstance(node, _SHARED_KINDS)}
    return tuple(found.values())


def _has_bidi_characters(text: str) -> bool:
    _defer_what_scans_never_run()
    from bandit.plugins.trojansource import BIDI_CHARACTERS

    return any(character in text for character in BIDI_CHARACTERS)


#: What bandit imports and diffrisk's use of it never runs: rich's progress bar, which bandit shows
#: only for more files than the one diffrisk gives it.  60 of the 210 ms that loading bandit took.
#: (yaml, read only for a configuration file diffrisk never passes, is a package: see deferred.)
_NEVER_RUN_BY_A_SCAN = ("rich.progress",)


@functools.cache
def _defer_what_scans_never_run() -> None:
    """Before bandit is first imported: see _NEVER_RUN_BY_A_SCAN."""
    for name in _NEVER_RUN_BY_A_SCAN:
        deferred.defer(name)


@functools.lru_cache(maxsize=2)
def _manager(bidi: bool) -> Any:
    """One BanditManager per process: making one loads every plugin, which costs more than a
    small file's scan (benchmarks/README.md).

    Without ``bidi`` the manager leaves out B613 (bidirectional control characters): it raises and
    catches an exception per character per line, a third of bandit's time on a large file, to
    find what one scan of the text rules out.  Text that has such a character gets the manager
    with every test, so B613's findings are bandit's own."""
    import logging

    _defer_what_scans_never_run()
    from bandit.core import config, manager

    # bandit logs through the root logger's last-resort handler; its messages are not ours to print.
    logging.getLogger("bandit").setLevel(logging.CRITICAL + 1)
    # ``# nosec`` is not honoured here: a nosec the change adds hides nothing from the report
    # (change.file_analysis marks what it covers), and an old one on unchanged code matches on
    # both sides like any issue the change did not touch.
    return manager.BanditManager(config.BanditConfig(), "file", quiet=True, profile=_own_tests(bidi), ignore_nosec=True)


def _own_tests(bidi: bool) -> dict[str, Any]:
    """A profile of bandit's own tests and blacklists only.  bandit also runs every plugin any
    installed package registers; a result would then depend on what else is installed, which
    neither the analysis cache's key (analyzers.installed) nor ``explain`` knows of."""
    from bandit.core import extension_loader

    loaded = extension_loader.MANAGER
    tests = {extension.plugin._test_id for extension in loaded.plugins if _is_bandits(extension.plugin)}
    blacklist: dict[str, list[dict[str, Any]]] = {}
    for extension in loaded.blacklists_mgr:
        if _is_bandits(extension.plugin):
            for node, entries in extension.plugin().items():
                blacklist.setdefault(node, []).extend(entries)
    include = tests | {entry["id"] for entries in blacklist.values() for entry in entries}
    if not bidi:
        include.discard(_TROJAN_SOURCE)
    return {"include": sorted(include), "blacklist": blacklist}


def _is_bandits(code: Any) -> bool:
    return str(getattr(code, "__module__", "")).startswith("bandit.")


def _reset(manager: Any, path: str) -> None:
    """Point the shared manager at one file, with the result lists its constructor starts with."""
    from bandit.core import metrics

    manager.files_list = [path]
    manager.results = []
    manager.skipped = []
    manager.scores = []
    manager.metrics = metrics.Metrics()


def _without_coding_cookie(text: str) -> str:
    """The text is written as UTF-8, so a cookie naming another encoding would make bandit read it
    wrongly; the cookie line becomes a blank line (line numbers stay)."""
    lines = text.split("\n", 2)
    for index in range(min(2, len(lines))):
        if CODING_COOKIE.match(lines[index]):
            lines[index] = ""
    return "\n".join(lines)


def _issue(item: Any) -> Issue:
    lines = [int(line) for line in item.linerange] or [int(item.lineno)]
    cwe = item.cwe.id if item.cwe is not None and item.cwe.id else None
    return Issue(
        rule=item.test_id,
        line=min(lines),
        end_line=max(lines),
        severity=_SEVERITIES.get(item.severity, Severity.LOW),
        message=str(item.text),
        column=item.col_offset,
        confidence=str(item.confidence).lower(),
        cwe=cwe,
    )
