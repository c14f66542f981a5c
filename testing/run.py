"""diffrisk run in the test's own process, with its standard output captured."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from diffrisk.main import main
from testing.repo import Repo


def run(*argv: str) -> tuple[int, str]:
    """diffrisk's exit code and what it wrote to standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def check_json(repo: Repo | None, *args: str) -> tuple[int, dict[str, Any]]:
    """``diffrisk check --format json`` in ``repo`` (None: the current folder), and its report."""
    where = ["-C", str(repo.path)] if repo is not None else []
    code, out = run(*where, "check", "--format", "json", *args)
    report: dict[str, Any] = json.loads(out)
    return code, report


def staged_report(repo: Repo, *args: str) -> dict[str, Any]:
    """The report of everything in ``repo``'s work tree, staged."""
    repo.stage()
    return check_json(repo, *args)[1]


def log_jsonl(*args: str) -> list[dict[str, Any]]:
    """``diffrisk log --format jsonl``'s rows (it must succeed)."""
    code, out = run("log", "--format", "jsonl", *args)
    assert code == 0, out
    return [json.loads(line) for line in out.splitlines()]
