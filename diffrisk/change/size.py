"""Size and spread of a change (Kamei et al., TSE 2013: LA, LD, NF, ND, NS, entropy, LT).

Unlike the file analyzers this one reads the whole diff; it needs no file contents.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from diffrisk.model import FileSummary, SizeMetrics


def measure(files: Sequence[FileSummary], lines_before: int) -> SizeMetrics:
    """Measure the files that count (the caller leaves out excluded ones)."""
    code = [item for item in files if item.is_python and not item.is_test and not item.mechanical]
    tests = [item for item in files if item.is_python and item.is_test]
    other = [item for item in files if item not in code and item not in tests]
    directories = {_directory(item.path) for item in files}
    subsystems = {item.path.split("/", 1)[0] if "/" in item.path else "" for item in files}
    return SizeMetrics(
        lines_added=sum(item.added for item in files),
        lines_deleted=sum(item.deleted for item in files),
        code_lines_added=sum(item.added for item in code),
        code_lines_deleted=sum(item.deleted for item in code),
        test_lines_added=sum(item.added for item in tests),
        test_lines_deleted=sum(item.deleted for item in tests),
        other_lines_added=sum(item.added for item in other),
        other_lines_deleted=sum(item.deleted for item in other),
        files=len(files),
        python_files=sum(1 for item in files if item.is_python),
        directories=len(directories),
        subsystems=len(subsystems),
        entropy=round(entropy([item.added + item.deleted for item in files]), 4),
        lines_before=lines_before,
    )


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def entropy(changed_lines: Sequence[int]) -> float:
    """Shannon entropy of the changed lines over files, normalised to 0..1 by log2(files)."""
    counts = [count for count in changed_lines if count > 0]
    total = sum(counts)
    if len(counts) < 2 or total == 0:
        return 0.0
    raw = -sum(count / total * math.log2(count / total) for count in counts)
    return raw / math.log2(len(counts))
