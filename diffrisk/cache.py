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
    """Least-recently-used values by key; a key of None is never cached."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Value] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable | None, compute: Callable[[], Value]) -> Value:
        if key is None:
            return compute()
        if key in self.entries:
            self.entries.move_to_end(key)
            self.hits += 1
            return self.entries[key]
        self.misses += 1
        value = compute()  # an exception leaves nothing cached
        self.entries[key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value
