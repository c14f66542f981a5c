"""Stable identities for findings, so CI systems match an alert across runs (SARIF, GitLab)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from diffrisk.model import Finding
from diffrisk.regex import Regex

_NUMBERS = Regex(r"[0-9]+")


def fingerprinted(findings: Iterable[Finding]) -> list[tuple[Finding, str]]:
    """The findings the change introduced, in a stable order, each with a SHA-256 hex digest of
    its rule, path, message without numbers ("complexity 14" changes with every edit; the alert
    should not) and its occurrence among findings that share those; line numbers play no part."""
    seen: dict[str, int] = {}
    result = []
    for finding in sorted(findings, key=lambda item: (item.path, item.line, item.rule, item.message)):
        if finding.removed:
            continue
        identity = f"{finding.rule}\0{finding.path}\0{_NUMBERS.sub('#', finding.message)}"
        seen[identity] = seen.get(identity, 0) + 1
        digest = hashlib.sha256(f"{identity}\0{seen[identity]}".encode("utf-8", "surrogateescape")).hexdigest()
        result.append((finding, digest))
    return result
