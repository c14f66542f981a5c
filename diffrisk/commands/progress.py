"""A progress line on standard error, only when it is a terminal."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

Item = TypeVar("Item")

#: Seconds between redraws: often enough to look alive, rarely enough to cost nothing.
REDRAW = 0.2


def track(items: Iterable[Item], total: int, stream: TextIO) -> Iterator[Item]:
    """Yield ``items`` unchanged, drawing "[done/total] rate" on ``stream`` if it is a terminal.
    The line is cleared before each item goes to the caller, which may print it to the same
    terminal, and drawn again once the caller is done with it."""
    if not stream.isatty():
        yield from items
        return
    start = last = time.monotonic()
    done = 0
    drawn = False
    try:
        for item in items:
            done += 1
            if drawn:
                stream.write(_CLEAR)
                stream.flush()
                drawn = False
            yield item
            now = time.monotonic()
            if now - last >= REDRAW or done == total:
                rate = done / max(now - start, 1e-9)
                stream.write(f"\r[{done}/{total}] {rate:.1f} commits/s")
                stream.flush()
                drawn, last = True, now
    finally:
        if drawn:
            stream.write(_CLEAR)
            stream.flush()


#: Back to the line's start, and erase it.
_CLEAR = "\r\x1b[K"
