"""A candidate's cost as one stacked bar of its five terms, with the budget drawn."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from modcluster.domain import Candidate
from modcluster.report.figures.common import DEADLINE_COLOUR, FIGURE_STYLE, new_figure, require_matplotlib
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["cost_breakdown"]

_COST_TERMS = ("integration", "steps", "modules", "licences", "onboarding")
_COST_COLOURS = ("#3d3d3d", "#4c72b0", "#dd8452", "#55a868", "#c44e52")


def _draw_segments(ax: Axes, values: list[Decimal], span: float) -> None:
    """One segment per term, left to right, labelled when wide enough (over 7% of the axis)."""
    left = 0.0
    for term, value, colour in zip(_COST_TERMS, values, _COST_COLOURS, strict=True):
        bars = ax.barh(0, float(value), left=left, height=0.6, color=colour, edgecolor="white", linewidth=1)
        bars.patches[0].set_gid(f"cost:{term}")
        if float(value) / span > 0.07:
            ax.text(
                left + float(value) / 2,
                0,
                f"{term}\n{format_money(value)}",
                ha="center",
                va="center",
                fontsize=7.5,
                color="white",
            )
        left += float(value)


def cost_breakdown(
    candidate: Candidate,
    *,
    budget: Decimal | None = None,
    money: str = "",
    title: str | None = None,
) -> Figure:
    """The candidate's cost as one stacked bar of its five terms, with the budget drawn.

    Each segment is a Rectangle with ``gid`` ``cost:<term>``; its width is the term.

    Args:
        candidate: The system whose :attr:`~Candidate.cost_breakdown` to draw.
        budget: The request's budget, drawn as a line when given.
        money: The catalog's money unit, for the axis and the title.
        title: The chart's title instead of the default one.

    Returns:
        The figure, on the Agg canvas.

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    matplotlib = require_matplotlib()
    from matplotlib.patches import Patch

    b = candidate.cost_breakdown
    values = [b.integration, b.steps, b.modules, b.licences, b.onboarding]
    total = b.total
    span = float(max(total, budget or Decimal(0), Decimal(1)))
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(10.0, 2.5)
        ax = fig.add_subplot()
        _draw_segments(ax, values, span)
        if budget is not None:
            ax.axvline(float(budget), color=DEADLINE_COLOUR, linestyle="--", linewidth=1.4)
            ax.text(
                float(budget), 0.42, f"budget {format_money(budget)} ", ha="right", fontsize=8, color=DEADLINE_COLOUR
            )
        ax.set_xlim(0, span * 1.04)
        ax.set_ylim(-0.5, 0.62)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(money or "cost")
        unit = f" {money}" if money else ""
        ax.set_title(title or f"Cost of candidate {candidate.rank}: {format_money(total)}{unit}")
        handles = [
            Patch(facecolor=c, label=f"{t} {format_money(v)}")
            for t, v, c in zip(_COST_TERMS, values, _COST_COLOURS, strict=True)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=5)
    return fig
