"""A progress line on standard error, only when it is a terminal."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

Item = TypeVar("Item")

#: Seconds between redraws: often enough to look alive, rarely enough to cost nothing.
REDRAW = 0.2


def track(items: Iterable[Item], total: int, stream: TextIO) -> Iterator[Item]:
    """Yield ``items`` unchanged, drawing "[done/total] rate" on ``stream`` if it is a terminal."""
    if not stream.isatty():
        yield from items
        return
    start = last = time.monotonic()
    done = 0
    try:
        for item in items:
            done += 1
            now = time.monotonic()
            if now - last >= REDRAW or done == total:
                rate = done / max(now - start, 1e-9)
                stream.write(f"\r[{done}/{total}] {rate:.1f} commits/s")
                stream.flush()
                last = now
            yield item
    finally:
        stream.write("\r\x1b[K")
        stream.flush()
