"""One stored commit as JSON text and back: the row ``diffrisk log`` computed, whole, so that a
stored commit prints exactly as a freshly scored one does."""

from __future__ import annotations

import json

from diffrisk.model import Authorship, CommitScore, ComponentName, Level, SizeMetrics, plain
from diffrisk.records import record


@record
class StoredCommit:
    score: CommitScore
    #: The commit message's first line (the team report lists the riskiest changes by it).
    subject: str = ""


def encode(stored: StoredCommit) -> str:
    return json.dumps(plain(stored), sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def decode(text: str) -> StoredCommit:
    """The stored commit; a row this program did not write raises ValueError."""
    document = json.loads(text)
    row = document["score"]
    size = row.get("size")
    authorship = row.get("authorship")
    score = CommitScore(
        sha=str(row["sha"]), author=str(row["author"]), email=str(row["email"]), timestamp=int(row["timestamp"]),
        score=row.get("score"), level=Level(row["level"]) if row.get("level") else None,
        review_minutes=row.get("review_minutes"),
        components=tuple((ComponentName(name), int(value), float(points)) for name, value, points in row.get("components", ())),
        size=SizeMetrics(**size) if size else None,
        rules=tuple((str(rule), int(count)) for rule, count in row.get("rules", ())),
        failures=tuple(row.get("failures", ())),
        authorship=Authorship(bool(authorship["ai_authored"]), authorship.get("reason"), tuple(authorship.get("lacking_trailer", ())))
        if authorship else None,
        floors=tuple(row.get("floors", ())),
        error=row.get("error"),
    )
    return StoredCommit(score, str(document.get("subject", "")))
