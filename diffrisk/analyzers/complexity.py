"""Complexity, through radon's public API: cyclomatic complexity per function and the file's
maintainability index.  Uses the shared ``ast`` tree; radon never parses the file again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from diffrisk.model import CYCLOMATIC_COMPLEXITY, MAINTAINABILITY_INDEX, FileResult, UnitMetric
from diffrisk.pysource import PythonSource

NAME = "complexity"


def analyze(source: PythonSource) -> FileResult:
    from radon.metrics import h_visit_ast, mi_compute
    from radon.raw import analyze as raw_metrics
    from radon.visitors import ComplexityVisitor

    visitor = ComplexityVisitor.from_ast(source.tree)
    metrics = tuple(
        UnitMetric(function.lineno, CYCLOMATIC_COMPLEXITY, float(function.complexity))
        for function in _functions(visitor.blocks)
    )
    raw = raw_metrics(source.text)
    # radon's own "mi_visit(code, multi=True)", computed from the tree we already have.
    comment_lines = raw.comments + raw.multi
    comment_percent = comment_lines / raw.sloc * 100 if raw.sloc else 0.0
    volume = h_visit_ast(source.tree).total.volume
    mi = mi_compute(volume, visitor.total_complexity, raw.lloc, comment_percent)
    return FileResult(unit_metrics=tuple(sorted(set(metrics))), file_metrics=((MAINTAINABILITY_INDEX, round(mi, 2)),))


def _functions(blocks: list[Any]) -> Iterator[Any]:
    """radon's functions and methods with their closures and the methods of inner classes."""
    for block in blocks:
        if hasattr(block, "closures"):  # a radon Function
            yield block
            yield from _functions(block.closures)
        else:  # a radon Class: its methods are listed in ``blocks`` already, inner classes are not
            for inner in block.inner_classes:
                yield from _functions(inner.methods)
                yield from _functions(inner.inner_classes)
