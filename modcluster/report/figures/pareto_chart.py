"""The cost / lead-time front as a staircase, with the ranked candidates marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from modcluster.report.figures.front import Front, FrontPoint
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["pareto"]

_FRONT_COLOUR = "#1f77b4"
_CANDIDATE_COLOUR = "#d62728"


def _near(limit: float | None, lo: float, hi: float) -> bool:
    """Whether a limit is close enough to the data to draw without squashing it."""
    if limit is None:
        return False
    reach = max(hi - lo, abs(hi) * 0.05, 5.0)
    return lo - reach <= limit <= hi + reach


def _rank_labels(candidates: Sequence[Candidate], y_span: float) -> list[tuple[int, float, str]]:
    """One ``#1 #2`` label per cluster of candidates at the same lead time and nearly the same cost."""
    out: list[tuple[int, float, list[int]]] = []
    for c in sorted(candidates, key=lambda c: (c.lead_time, c.cost, c.rank)):
        cost = float(c.cost)
        if out and out[-1][0] == c.lead_time and abs(out[-1][1] - cost) <= 0.04 * y_span:
            out[-1][2].append(c.rank)
        else:
            out.append((c.lead_time, cost, [c.rank]))
    return [(x, y, " ".join(f"#{r}" for r in sorted(ranks))) for x, y, ranks in out]


@dataclass(frozen=True, slots=True)
class _Frame:
    """What the axes span, which limits are drawn, and the notes for the rest."""

    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float
    pad_x: float
    pad_y: float
    deadline: float | None
    budget: float | None
    notes: list[str]

    @classmethod
    def of(cls, front: Front, xs: list[float], ys: list[float], budget: Decimal | None, deadline: int | None) -> _Frame:
        """The frame around the points: a limit near them is drawn (and spanned), one far off only noted."""
        notes = [front.note] if front.note else []
        draw_deadline = _near(None if deadline is None else float(deadline), min(xs), max(xs))
        draw_budget = _near(None if budget is None else float(budget), min(ys), max(ys))
        if deadline is not None and not draw_deadline:
            notes.append(f"deadline {deadline} days (off the chart)")
        if budget is not None and not draw_budget:
            notes.append(f"budget {format_money(budget)} (off the chart)")
        if draw_deadline:
            xs = [*xs, float(deadline or 0)]
        if draw_budget:
            ys = [*ys, float(budget or 0)]
        x_lo, x_hi = min(xs), max(xs)
        y_lo, y_hi = min(ys), max(ys)
        return cls(
            x_lo,
            x_hi,
            y_lo,
            y_hi,
            pad_x=max((x_hi - x_lo) * 0.12, 2.0),
            pad_y=max((y_hi - y_lo) * 0.15, y_hi * 0.004, 1.0),
            deadline=float(deadline or 0) if draw_deadline else None,
            budget=float(budget or 0) if draw_budget else None,
            notes=notes,
        )


def _draw_front(ax: Axes, front: Front, pts: Sequence[FrontPoint], frame: _Frame) -> None:
    """The staircase through the points, the dominated region above it shaded, and the points."""
    stair_x = [float(p.lead_time) for p in pts] + [frame.x_hi + frame.pad_x]
    stair_y = [float(p.cost) for p in pts] + [float(pts[-1].cost)]
    ax.step(
        stair_x,
        stair_y,
        where="post",
        color=_FRONT_COLOUR,
        linestyle="-" if front.exact else "--",
        linewidth=1.5,
        label="Pareto front" if front.exact else "non-dominated among candidates",
        zorder=2,
    )
    ax.fill_between(stair_x, stair_y, frame.y_hi + frame.pad_y, step="post", color=_FRONT_COLOUR, alpha=0.06, zorder=1)
    ax.scatter(
        [p.lead_time for p in pts],
        [float(p.cost) for p in pts],
        s=28,
        color=_FRONT_COLOUR,
        zorder=3,
        label="front point" if front.exact else None,
        gid="front-points",
    )


def _draw_candidates(ax: Axes, candidates: Sequence[Candidate], frame: _Frame) -> None:
    """The candidates circled, with their ranks (one label per cluster)."""
    ax.scatter(
        [c.lead_time for c in candidates],
        [float(c.cost) for c in candidates],
        s=110,
        facecolors="none",
        edgecolors=_CANDIDATE_COLOUR,
        linewidths=1.8,
        zorder=4,
        label="candidates (rank)",
        gid="candidates",
    )
    for x, y, text in _rank_labels(candidates, (frame.y_hi - frame.y_lo) + 2 * frame.pad_y):
        ax.annotate(
            text,
            (x, y),
            xytext=(7, 6),
            textcoords="offset points",
            fontsize=8.5,
            color=_CANDIDATE_COLOUR,
            fontweight="bold",
        )


def _set_axes(ax: Axes, frame: _Frame, money: str, title: str) -> None:
    """Limits, integer days across, grouped cost up, the title, the notes and the legend."""
    from matplotlib.ticker import MaxNLocator

    ax.set_xlim(frame.x_lo - frame.pad_x, frame.x_hi + frame.pad_x)
    ax.set_ylim(frame.y_lo - frame.pad_y, frame.y_hi + frame.pad_y)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    money_axis(ax.yaxis)
    ax.set_xlabel("lead time (days)")
    ax.set_ylabel(f"cost ({money})" if money else "cost")
    ax.grid(color="#eeeeee")
    ax.set_axisbelow(True)
    ax.set_title(title)
    if frame.notes:
        ax.text(
            0.01,
            0.98,
            "\n".join(frame.notes),
            transform=ax.transAxes,
            fontsize=7.5,
            va="top",
            color="#555555",
        )
    ax.legend(loc="upper right")


def pareto(
    front: Front,
    candidates: Sequence[Candidate] = (),
    *,
    budget: Decimal | None = None,
    deadline: int | None = None,
    money: str = "",
    title: str | None = None,
) -> Figure:
    """The cost / lead-time front as a staircase, with the ranked candidates marked.

    Lead time is on the x axis, cost on the y axis; everything above and to the
    right of the staircase is dominated. The budget and deadline are drawn when
    they lie near the points (otherwise they are named in a note, so that the
    points are not squashed into a corner).

    Args:
        front: The points to draw (:func:`front_from_analysis` or :func:`front_from_candidates`).
        candidates: The ranked candidates to mark.
        budget: The request's budget.
        deadline: The request's deadline in days.
        money: The catalog's money unit, for the cost axis.
        title: The chart's title instead of the default one.

    Returns:
        The figure, on the Agg canvas ("nothing to draw" without points or candidates).

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    matplotlib = require_matplotlib()
    pts = sorted(front.points, key=lambda p: (p.lead_time, p.cost))
    xs = [float(p.lead_time) for p in pts] + [float(c.lead_time) for c in candidates]
    ys = [float(p.cost) for p in pts] + [float(c.cost) for c in candidates]
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(8.0, 5.2)
        ax = fig.add_subplot()
        if not xs:
            ax.text(0.5, 0.5, "no feasible system: nothing to draw", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        frame = _Frame.of(front, xs, ys, budget, deadline)
        if pts:
            _draw_front(ax, front, pts, frame)
        if candidates:
            _draw_candidates(ax, candidates, frame)
        if frame.deadline is not None:
            ax.axvline(frame.deadline, color=DEADLINE_COLOUR, linestyle="--", linewidth=1.1, label="deadline")
        if frame.budget is not None:
            ax.axhline(frame.budget, color=DEADLINE_COLOUR, linestyle=":", linewidth=1.1, label="budget")
        kind = f"Pareto front, {len(pts)} point(s)" if front.exact else "candidates only"
        _set_axes(ax, frame, money, title or f"Cost / lead time: {kind}")
    return fig
