"""The team report's charts, drawn by matplotlib into static SVG at report time (the optional
``report`` extra: the hook never imports it).

Readable without colour: each level has its own hatching, each line its own marker and dash, and
every series is labelled in a legend; text stays text (``svg.fonttype = none``), so a screen reader
and the DOM see the titles and axis labels.  Deterministic: no date in the metadata, and element
ids from a fixed salt, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from diffrisk.model import TeamWeek
from diffrisk.regex import Regex

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: One greyscale-safe colour and one hatching per level, L0..L3.
LEVEL_STYLE = (("#a5d6a7", ""), ("#90caf9", "//"), ("#ffb74d", "xx"), ("#e57373", ".."))
LEVEL_NAMES = ("L0 skim", "L1 standard", "L2 careful", "L3 deep")
_XML_PROLOGUE = Regex(r"^.*?(?=<svg)", re.S)


class MissingExtra(Exception):
    """matplotlib is not installed."""


def _pyplot_figure() -> Figure:
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("the HTML team report draws its charts with matplotlib: pip install 'diffrisk[report]'") from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": "diffrisk", "font.size": 9, "hatch.linewidth": 0.6,
        "axes.spines.top": False, "axes.spines.right": False,
    })
    from matplotlib.figure import Figure

    return Figure(figsize=(9, 3.2), layout="constrained")


def _svg(figure: Figure, element_id: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)
    return svg.replace("<svg ", f'<svg id="{element_id}" role="img" ', 1)


def _axes(weeks: Sequence[TeamWeek], title: str, y_label: str) -> tuple[Figure, Axes]:
    """A chart over the weeks: its title, the week axis, and the value axis's label."""
    figure = _pyplot_figure()
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel("week (ISO, UTC)")
    axes.set_ylabel(y_label)
    axes.set_xticks(*_ticks(weeks), rotation=45, ha="right")
    return figure, axes


def _ticks(weeks: Sequence[TeamWeek]) -> tuple[list[int], list[str]]:
    """At most about 12 week labels along the axis."""
    step = max(1, len(weeks) // 12)
    positions = list(range(0, len(weeks), step))
    return positions, [weeks[index].week for index in positions]


def demand(weeks: Sequence[TeamWeek], capacity: int | None) -> str:
    """Required review minutes per week, stacked by level, with the capacity line and the backlog."""
    figure, axes = _axes(weeks, "Required review minutes per week, by level, against capacity", "review minutes")
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for level, ((colour, hatch), name) in enumerate(zip(LEVEL_STYLE, LEVEL_NAMES)):
        heights = [week.minutes_by_level[level] for week in weeks]
        axes.bar(positions, heights, bottom=bottom, color=colour, hatch=hatch, edgecolor="#333", linewidth=0.3, label=name)
        bottom = [low + high for low, high in zip(bottom, heights)]
    if capacity is not None:
        line = axes.axhline(capacity, color="#000", linestyle="--", linewidth=1.2, label=f"capacity ({capacity} min)")
        line.set_gid("capacity-line")
        backlog = axes.plot(positions, [week.backlog for week in weeks], color="#6a1b9a", marker="o", markersize=3,
                            linestyle=":", linewidth=1, label="backlog at week's end")
        backlog[0].set_gid("backlog-line")
    axes.set_ylim(bottom=0)
    _legend(axes)
    return _svg(figure, "chart-demand")


def agent_share(weeks: Sequence[TeamWeek]) -> str:
    """The share of changes, changed lines and review minutes that came from coding agents."""
    figure, axes = _axes(weeks, "Share from coding agents per week", "share from agents (%)")
    positions = list(range(len(weeks)))
    series = (
        ("changes", [_share(week.ai_changes, week.changes) for week in weeks], "o", "-"),
        ("changed lines", [_share(week.ai_lines, week.lines) for week in weeks], "s", "--"),
        ("review minutes", [_share(week.ai_minutes, week.minutes) for week in weeks], "^", ":"),
    )
    for name, values, marker, dash in series:
        drawn = axes.plot(positions, values, marker=marker, markersize=3, linestyle=dash, linewidth=1, color="#333", label=name)
        drawn[0].set_gid(f"agents-{name.split()[-1]}")
    axes.set_ylim(0, 100)
    _legend(axes)
    return _svg(figure, "chart-agents")


def careful(weeks: Sequence[TeamWeek]) -> str:
    """L2 and L3 changes per week."""
    figure, axes = _axes(weeks, "Careful (L2) and deep (L3) changes per week", "changes")
    positions = list(range(len(weeks)))
    careful_counts = [week.changes_by_level[2] for week in weeks]
    deep_counts = [week.changes_by_level[3] for week in weeks]
    for counts, bottom, level in ((careful_counts, [0] * len(weeks), 2), (deep_counts, careful_counts, 3)):
        colour, hatch = LEVEL_STYLE[level]
        axes.bar(positions, counts, bottom=bottom, color=colour, hatch=hatch, edgecolor="#333", linewidth=0.3, label=LEVEL_NAMES[level])
    axes.set_ylim(bottom=0)
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(axes)
    return _svg(figure, "chart-careful")


def density(weeks: Sequence[TeamWeek]) -> str:
    """Risk density: score per 100 changed lines, per week."""
    figure, axes = _axes(weeks, "Risk density per week", "score per 100 changed lines")
    points = [(index, week.risk_density) for index, week in enumerate(weeks) if week.risk_density is not None]
    drawn = axes.plot([index for index, _ in points], [value for _, value in points], marker="o", markersize=3,
                      color="#333", linewidth=1, label="risk per 100 changed lines")
    drawn[0].set_gid("density-line")
    axes.set_xlim(-0.5, max(len(weeks) - 0.5, 0.5))
    return _svg(figure, "chart-density")


def _legend(axes: Axes) -> None:
    """Beside the plot, not over it: bars and lines stay readable whatever their height."""
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0
