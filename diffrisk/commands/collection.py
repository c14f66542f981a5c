"""When Python's cycle collector runs during a command.

Reference counting frees almost everything a command lets go of; the cycle collector exists for
what it cannot free, reference cycles.  diffrisk's own work makes almost none (a warm check of a
71-file release left 1,390 objects in cycles of the 222,000 it had), but it keeps many objects alive
for long (syntax trees, kept results), and the automatic collector traverses those again and
again: 18% of ``log``'s time on click, 8-15% of a warm ``check`` (benchmarks/README.md, "Speed,
round two").  So a command runs with automatic collection off:

- bandit's scans, the one maker of cycles that matters, free their own trees when they end
  (analyzers.security);
- ``log`` collects everything every ``FULL_COLLECTION_EVERY`` commits in each process, so a cycle
  made elsewhere cannot pile up over a long history;
- what the imports made before the command is set aside for good (``gc.freeze``): it lives to
  the end, and no collection needs to look at it again.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterator

#: Commands scored by one process between its full collections (``log``, ``calibrate``).  One
#: costs about 0.2 s on a 560,000-object heap, about 1 ms a commit at this spacing.
FULL_COLLECTION_EVERY = 200


@contextlib.contextmanager
def by_hand(restore: bool = True) -> Iterator[None]:
    """Within it, the cycle collector runs only when diffrisk asks.  At its end, with ``restore``,
    it is as before (a caller that runs commands in its own process, such as a test, keeps its
    collector); without, it stays off, for a process that ends right after: turned back on, it
    would traverse every object once more as Python exits (30 ms after a typical warm check,
    150 ms after a release's)."""
    was_enabled = gc.isenabled()
    # A caller that froze its own objects keeps them frozen: unfreezing releases all of them, so
    # only what this froze, with nothing frozen before, is released.
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if restore:
            if freezing:
                gc.unfreeze()
            if was_enabled:
                gc.enable()


_scored = itertools.count(1)


def after_commit() -> None:
    """Called by each process after each commit it scores: every ``FULL_COLLECTION_EVERY``th
    time, a full collection."""
    if next(_scored) % FULL_COLLECTION_EVERY == 0:
        gc.collect()
