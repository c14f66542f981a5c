"""A small bounded cache for work keyed by git blob ids.

A blob id names exactly one file version, so what was computed from it never goes stale.
``diffrisk log`` meets the same versions again and again (commit N's new side is commit N+1's
old side); the bound keeps a long history from filling memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")

#: Entries kept per cache: a few hundred file versions and their analyses.
DEFAULT_SIZE = 512


class BlobCache(Generic[Value]):
    """Least-recently-used values by key; a key of None is never cached.

    Bounded by count, and when ``weigh`` is given also by total weight: a parsed file's syntax
    tree takes many times its source's size in memory, so counting files alone lets ``diffrisk
    log`` workers grow without bound on histories with big files (benchmarks/README.md).
    """

    def __init__(self, size: int = DEFAULT_SIZE, weigh: Callable[[Value], int] | None = None, max_weight: int = 0) -> None:
        self.size = size
        self.weigh = weigh
        self.max_weight = max_weight
        self.weight = 0
        self.entries: OrderedDict[Hashable, tuple[Value, int]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def peek(self, key: Hashable) -> Value | None:
        """The value kept for ``key``, or None; nothing is computed or counted."""
        found = self.entries.get(key)
        return None if found is None else found[0]

    def get(self, key: Hashable | None, compute: Callable[[], Value]) -> Value:
        if key is None:
            return compute()
        if key in self.entries:
            self.entries.move_to_end(key)
            self.hits += 1
            return self.entries[key][0]
        self.misses += 1
        value = compute()  # an exception leaves nothing cached
        weight = self.weigh(value) if self.weigh is not None else 0
        self.entries[key] = (value, weight)
        self.weight += weight
        while len(self.entries) > self.size or (self.weigh is not None and self.weight > self.max_weight and len(self.entries) > 1):
            _, (_, dropped) = self.entries.popitem(last=False)
            self.weight -= dropped
        return value
