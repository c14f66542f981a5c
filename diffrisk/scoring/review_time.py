"""An honest estimate of how long the review takes, from the lines a reviewer must read and how
carefully (the score)."""

from __future__ import annotations

import math

from diffrisk.model import SizeMetrics

#: The SmartBear/Cisco study of about 2,500 reviews ("Best Kept Secrets of Peer Code Review",
#: 2006): reviews found most defects at 300-500 lines per hour or slower, and fewer when faster.
#: So a risk-free change is read at 500 lines/hour and the riskiest at 200: every score point
#: slows the reading by 3 lines/hour.
FASTEST_RATE = 500.0
SLOWEST_RATE = 200.0
#: Lines that are not code (docs, config) and formatting-only code are skimmed at 1,000 lines/hour.
SKIM_RATE = 1000.0
#: Opening a file and finding one's way in it.
MINUTES_PER_FILE = 0.5
#: SmartBear: effectiveness drops after 60-90 minutes; longer reviews should be split.
SESSION_LIMIT_MINUTES = 60


def review_minutes(size: SizeMetrics, score: int) -> int:
    """Minutes to review a change of ``size`` with risk ``score`` (at least 1 for any file)."""
    if size.files == 0:
        return 0
    rate = FASTEST_RATE - (FASTEST_RATE - SLOWEST_RATE) * score / 100
    careful = size.code_lines_added + size.code_lines_deleted + size.test_lines_added + size.test_lines_deleted
    skimmed = size.other_lines_added + size.other_lines_deleted
    minutes = careful / rate * 60 + skimmed / SKIM_RATE * 60 + MINUTES_PER_FILE * size.files
    return max(1, math.ceil(minutes))
