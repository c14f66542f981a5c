"""An honest estimate of how long the review takes, from the lines a reviewer must read and how
carefully (the score)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from diffrisk.model import FileSummary, Level

#: The SmartBear/Cisco study of about 2,500 reviews ("Best Kept Secrets of Peer Code Review",
#: 2006): reviews found most defects at 300-500 lines per hour or slower, and fewer when faster.
#: So a risk-free change is read at 500 lines/hour and the riskiest at 200: every score point
#: slows the reading by 3 lines/hour.
FASTEST_RATE = 500.0
SLOWEST_RATE = 200.0
#: Lines that are not Python (docs, config) and deleted lines are skimmed at 1,000 lines/hour.
SKIM_RATE = 1000.0
#: Opening a file and finding one's way in it.
MINUTES_PER_FILE = 0.5
#: SmartBear: effectiveness drops after 60-90 minutes; longer reviews should be split.
SESSION_LIMIT_MINUTES = 60


#: A file the reviewer only looks over as a whole: deleted, generated, vendored, not read (too
#: big), or formatting only. Its lines are not read one by one, so they cost nothing each.
GLANCE_MINUTES = 0.1
#: The least time each level asks for, whatever the size: a line-by-line review with its tests
#: (L2) or a second reviewer (L3) of even a one-line change takes minutes, and an estimate below
#: them would contradict the level.
LEVEL_MINUTES = {Level.L0: 1, Level.L1: 2, Level.L2: 10, Level.L3: 20}


def review_minutes(files: Sequence[FileSummary], score: int, level: Level, analyze_generated: bool = False) -> int:
    """Minutes to review the changed ``files`` with risk ``score`` at ``level`` (0 with no file).

    Added Python (code and tests) is read carefully, slower the riskier the change; deleted lines
    of a file that stays, and lines of other files, are skimmed; files looked over as a whole
    cost a glance each."""
    if not files:
        return 0
    rate = FASTEST_RATE - (FASTEST_RATE - SLOWEST_RATE) * score / 100
    minutes = 0.0
    for summary in files:
        if _glanced(summary, analyze_generated):
            minutes += GLANCE_MINUTES
            continue
        minutes += MINUTES_PER_FILE
        if summary.is_python:
            minutes += summary.added / rate * 60 + summary.deleted / SKIM_RATE * 60
        else:
            minutes += (summary.added + summary.deleted) / SKIM_RATE * 60
    return max(LEVEL_MINUTES[level], math.ceil(minutes))


def _glanced(summary: FileSummary, analyze_generated: bool) -> bool:
    generated = summary.generated is not None and not analyze_generated
    return bool(summary.skipped) or generated or summary.status == "deleted" or summary.mechanical
