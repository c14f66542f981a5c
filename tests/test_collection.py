"""The cycle collector during a command (diffrisk.commands.collection): it runs only when diffrisk
asks while a command runs, is as it was once the command ends, and a history's scoring collects
fully every so many commits."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from diffrisk.commands import collection
from diffrisk.main import main
from testing.repo import Repo

#: bandit scans in the check below: the new version's added function (the old version lost no line).
SCANS = 1


class _Cycle:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_check_collects_only_what_bandit_scanned_and_restores_the_collector(repo: Repo) -> None:
    repo.write("app.py", "import subprocess\n")
    repo.commit("base")
    repo.write("app.py", "import subprocess\n\n\ndef run(cmd):\n    return subprocess.run(cmd, shell=True)\n")
    repo.commit("shell")
    generations: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        # Only within the command (the collector off): argument parsing before it, and the
        # collector switched back on after it, collect as they always did.
        if phase == "start" and not gc.isenabled():
            generations.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        exit_code = main(["-C", str(repo.path), "check", "--commit", "HEAD", "--no-cache", "--format", "json"])
    finally:
        gc.callbacks.remove(seen)
    assert exit_code == 0
    # Only the young collections after bandit's scans: none that the collector started by itself.
    assert generations == [0] * SCANS
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_by_hand_turns_the_collector_off_and_back_on() -> None:
    assert gc.isenabled()
    with collection.by_hand():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        with collection.by_hand():
            pass
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()


def test_a_caller_s_own_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collection.by_hand():
            assert gc.get_freeze_count() >= frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_full_collection_comes_every_so_many_commits() -> None:
    with collection.by_hand():
        garbage = _Cycle()
        freed = weakref.ref(garbage)
        del garbage
        assert freed() is not None
        # Wherever the process's count of scored commits stands, this many more make one full collection.
        for _ in range(collection.FULL_COLLECTION_EVERY):
            collection.after_commit()
        assert freed() is None
