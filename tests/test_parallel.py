"""change.parallel: one pool for every split of work, in order, with the state given explicitly."""

from __future__ import annotations

import os

import pytest

from diffrisk.change import parallel


def describe(state: tuple[str, int], item: int) -> tuple[str, int, int]:
    """What a worker did with ``item``: the state it was given, the item, and its process id."""
    prefix, factor = state
    return prefix, item * factor, os.getpid()


def test_one_job_runs_in_this_process() -> None:
    results = list(parallel.imap(describe, ("x", 3), [1, 2, 3], jobs=1))
    assert [(prefix, value) for prefix, value, _ in results] == [("x", 3), ("x", 6), ("x", 9)]
    assert {pid for _, _, pid in results} == {os.getpid()}


@pytest.mark.skipif(not parallel.CAN_FORK, reason="fork is not available here")
def test_forked_workers_keep_the_order_and_get_the_state() -> None:
    results = list(parallel.imap(describe, ("y", 2), list(range(20)), jobs=2))
    assert [(prefix, value) for prefix, value, _ in results] == [("y", 2 * item) for item in range(20)]
    assert os.getpid() not in {pid for _, _, pid in results}


def test_spawned_workers_where_fork_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CAN_FORK", False)
    results = list(parallel.imap(describe, ("z", 5), [1, 2, 3, 4], jobs=2, chunksize=2))
    assert [(prefix, value) for prefix, value, _ in results] == [("z", 5), ("z", 10), ("z", 15), ("z", 20)]
    assert os.getpid() not in {pid for _, _, pid in results}
