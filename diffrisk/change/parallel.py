"""One process pool for the work diffrisk splits: a big diff's files (change.pipeline) and a
history's commits (commands.log).

Workers are forked where the platform can fork, so they start at once and share what the parent
already loaded (bandit's plugins, caches); elsewhere they are spawned.  Each worker gets its state
once, explicitly, as an argument of its start (never through a module-level dict the parent
fills), and ignores Ctrl-C: the whole process group receives it, and only the parent decides what
to do (it stops the workers and exits 130).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar, cast

State = TypeVar("State")
Item = TypeVar("Item")
Result = TypeVar("Result")

#: Whether workers can be forked (POSIX); spawned workers re-import everything, which only long
#: runs (a history) can afford.
CAN_FORK = hasattr(os, "fork")


class _Task(Generic[State, Item, Result]):
    """What one worker process runs: ``work(state, item)`` for each item it is handed."""

    def __init__(self, work: Callable[[State, Item], Result], state: State) -> None:
        self.work = work
        self.state = state

    def __call__(self, item: Item) -> Result:
        return self.work(self.state, item)


#: The task of this worker process, set once when it starts.
_task: list[_Task[object, object, object]] = []


def _start(task: _Task[object, object, object]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _task[:] = [task]


def _run(item: object) -> object:
    return _task[0](item)


def imap(
    work: Callable[[State, Item], Result], state: State, items: Sequence[Item], jobs: int, chunksize: int = 1,
) -> Iterator[Result]:
    """``work(state, item)`` for each item, yielded in the items' order as soon as it and those
    before it are done, computed by ``jobs`` worker processes (one: in this process).

    ``work`` must be a module-level function, and ``state`` picklable, where workers are spawned.
    Stopping the iteration early (or an exception) stops the workers.
    """
    if jobs <= 1 or len(items) < 2:
        yield from (work(state, item) for item in items)
        return
    import multiprocessing  # only runs that split their work pay for it

    context = multiprocessing.get_context("fork" if CAN_FORK else "spawn")
    task: _Task[State, Item, Result] = _Task(work, state)
    pool = context.Pool(min(jobs, len(items)), initializer=_start, initargs=(task,))
    try:
        for result in pool.imap(_run, items, chunksize=chunksize):
            yield cast(Result, result)  # _run returns what work returns
        pool.close()
    finally:
        pool.terminate()
        pool.join()
