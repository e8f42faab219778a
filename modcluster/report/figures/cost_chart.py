"""A candidate's cost as one stacked bar of its gross terms, the policies' refunds taken off, the budget drawn.

The terms are the five of v1 and, when the catalog has ``people`` (v1.1), the
placement's fee; when it has ``policies``, the refunds (``subsidies``) are
drawn as a hatched band under the right end of the bar, from the net cost
to the gross, with a line at the net cost: the figure the title gives and
the budget bounds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from modcluster.domain import Candidate
from modcluster.report.figures.common import (
    DEADLINE_COLOUR,
    FIGURE_STYLE,
    money_axis,
    new_figure,
    require_matplotlib,
)
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["cost_breakdown"]

_COST_TERMS = ("integration", "steps", "modules", "licences", "onboarding", "people")
_COST_COLOURS = ("#3d3d3d", "#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3")
_SUBSIDY_COLOUR = "#1e7b34"
_REFUND_Y = -0.5  # the refunds' band, under the bar of the gross terms


def _draw_segments(ax: Axes, terms: list[tuple[str, Decimal, str]], span: float) -> None:
    """One segment per term, left to right, labelled when wide enough (over 7% of the axis)."""
    left = 0.0
    for term, value, colour in terms:
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
    """The candidate's cost as one stacked bar of its terms, less the policies' refunds, with the budget drawn.

    Each segment is a Rectangle with ``gid`` ``cost:<term>``; its width is the
    term. The ``people`` segment is drawn when the catalog has people; when it
    has policies, a hatched Rectangle ``cost:subsidies`` (under the bar) of width
    the refunds ends where the gross terms end, so it starts at the net cost (the title's).

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
    people = candidate.with_people or b.people != 0
    policies = candidate.with_policies or b.subsidies != 0
    terms = [
        (term, getattr(b, term), colour)
        for term, colour in zip(_COST_TERMS, _COST_COLOURS, strict=True)
        if term != "people" or people
    ]
    total = b.total
    span = float(max(b.gross, budget or Decimal(0), Decimal(1)))
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(10.0, 2.5)
        ax = fig.add_subplot()
        _draw_segments(ax, terms, span)
        if policies:
            refund = ax.barh(
                _REFUND_Y,
                float(b.subsidies),
                left=float(total),
                height=0.22,
                color="white",
                edgecolor=_SUBSIDY_COLOUR,
                hatch="///",
                linewidth=1.2,
            )
            refund.patches[0].set_gid("cost:subsidies")
            ax.axvline(float(total), color=_SUBSIDY_COLOUR, linewidth=1.6)
            ax.text(
                float(total), _REFUND_Y, f"net {format_money(total)} ", ha="right", va="center", fontsize=8,
                color=_SUBSIDY_COLOUR,
            )  # fmt: skip
        if budget is not None:
            ax.axvline(float(budget), color=DEADLINE_COLOUR, linestyle="--", linewidth=1.4)
            ax.text(
                float(budget), 0.42, f"budget {format_money(budget)} ", ha="right", fontsize=8, color=DEADLINE_COLOUR
            )
        ax.set_xlim(0, span * 1.04)
        ax.set_ylim(_REFUND_Y - 0.2 if policies else -0.5, 0.62)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(money or "cost")
        money_axis(ax.xaxis)
        unit = f" {money}" if money else ""
        heading = f"Cost of candidate {candidate.rank}: {format_money(total)}{unit}"
        if policies:
            heading += f" (gross {format_money(b.gross)} less subsidies {format_money(b.subsidies)})"
        ax.set_title(title or heading)
        handles = [Patch(facecolor=c, label=f"{t} {format_money(v)}") for t, v, c in terms]
        if policies:
            handles.append(
                Patch(
                    facecolor="white",
                    edgecolor=_SUBSIDY_COLOUR,
                    hatch="///",
                    label=f"less subsidies {format_money(b.subsidies)}",
                )
            )
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles) if len(handles) <= 5 else 4)
    return fig
