"""Bar charts of two analyses: each policy's value per product, each person's saving per product.

Imported by path (``from modcluster.report.figures.analysis_charts import
policy_values``), like every figure it needs matplotlib only when drawn. One
horizontal bar per (policy or person, product) row, its width the money the
row is worth; a row whose worth is not a proven figure gets no bar but its
status written at zero (``unknown``, ``unlocks``, ``no system`` ...), so no
guess is drawn as a result. Each bar is a Rectangle with ``gid``
``policy:<policy>:<product>`` or ``person:<person>:<product>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from modcluster.report.figures.common import (
    DEADLINE_COLOUR,
    FIGURE_STYLE,
    money_axis,
    new_figure,
    require_matplotlib,
)
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from modcluster.analysis import PeopleValue, PolicyValue

__all__ = ["DEFAULT_ROWS", "people_savings", "policy_values"]

#: How many rows a chart draws at most by default (the most valuable first when there are more).
DEFAULT_ROWS = 30
_GAIN = "#4c72b0"
_LOSS = "#c44e52"
_NOTE = "#7f7f7f"


@dataclass(frozen=True, slots=True)
class _Row:
    gid: str
    label: str
    amount: Decimal | None
    note: str


def _shown(rows: Sequence[_Row], limit: int) -> list[_Row]:
    """At most ``limit`` rows, in their order; when there are more, those worth most (the others last)."""
    if len(rows) <= limit:
        return list(rows)
    ranked = sorted(range(len(rows)), key=lambda i: (rows[i].amount is None, -(rows[i].amount or 0), i))
    keep = set(ranked[:limit])
    return [row for i, row in enumerate(rows) if i in keep]


def _bars(rows: Sequence[_Row], *, limit: int, money: str, title: str, xlabel: str, empty: str) -> Figure:
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    matplotlib = require_matplotlib()
    shown = _shown(rows, limit)
    heading = title + (f"\nthe {len(shown)} rows worth most of {len(rows)}" if len(shown) < len(rows) else "")
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(10.0, 1.4 + 0.34 * max(len(shown), 1) + (0.2 if "\n" in heading else 0.0))
        ax = fig.add_subplot()
        ax.set_title(heading)
        if not shown:
            ax.set_axis_off()
            ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes)
            return fig
        amounts = [float(r.amount) for r in shown if r.amount is not None]
        span = max([abs(a) for a in amounts] + [1.0])
        for y, row in enumerate(shown):
            value = 0.0 if row.amount is None else float(row.amount)
            colour = _LOSS if value < 0 else _GAIN
            bars = ax.barh(y, value, height=0.62, color=colour, edgecolor="white", linewidth=1)
            bars.patches[0].set_gid(row.gid)
            text = row.note if row.amount is None else format_money(row.amount) + (f" ({row.note})" if row.note else "")
            ax.text(
                value + span * (0.01 if value >= 0 else -0.01),
                y,
                f" {text} ",
                ha="left" if value >= 0 else "right",
                va="center",
                fontsize=8,
                color=_NOTE if row.amount is None else "#222222",
            )
        ax.axvline(0, color="#555555", linewidth=0.8)
        low = min([0.0, *amounts])
        ax.set_xlim(low - span * (0.25 if low < 0 else 0.0), max([0.0, *amounts]) + span * 0.3)
        ax.set_yticks(range(len(shown)), [r.label for r in shown])
        ax.set_ylim(len(shown) - 0.5, -0.5)  # the first row on top
        ax.set_xlabel(f"{xlabel} ({money})" if money else xlabel)
        money_axis(ax.xaxis)
        ax.grid(axis="x", color="#eeeeee", zorder=0)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        if any(r.amount is None and ("unknown" in r.note or "not proven" in r.note) for r in shown):
            ax.text(
                1.0,
                -0.08,
                "unknown, not proven: a solve ended at its time limit (or failed), so no figure is drawn",
                ha="right",
                va="top",
                fontsize=7.5,
                color=DEADLINE_COLOUR,
                transform=ax.transAxes,
            )
    return fig


def policy_values(
    value: PolicyValue, *, money: str = "", limit: int = DEFAULT_ROWS, title: str | None = None
) -> Figure:
    """Each policy's value per product: the best cost without it minus the best cost with every policy.

    Args:
        value: The analysis (:func:`~modcluster.analysis.policy_value`).
        money: The catalog's money unit, for the axis.
        limit: The most rows drawn (the most valuable when there are more).
        title: The chart's title instead of the default one.

    Returns:
        The figure, on the Agg canvas: a bar ``policy:<policy>:<product>`` per row, of width the
        value (no width when the value is not proven: its status is written instead).

    Raises:
        PlotUnavailableError: matplotlib is not installed.
        ValueError: ``limit`` is below 1.
    """
    rows = [
        _Row(
            f"policy:{e.policy}:{e.product}",
            f"{e.policy} / {e.product}",
            e.value,
            ", ".join(f"{w.city} {'+' if w.change > 0 else ''}{format_money(w.change)}" for w in e.gains) or "",
        )
        if e.value is not None
        else _Row(f"policy:{e.policy}:{e.product}", f"{e.policy} / {e.product}", None, e.status)
        for e in value.effects
    ]
    return _bars(
        rows,
        limit=limit,
        money=money,
        title=title or "What each policy is worth: best cost without it minus with every policy",
        xlabel="value",
        empty="the catalog has no policies" if not value.policies else "no product to value",
    )


def people_savings(
    value: PeopleValue, *, money: str = "", limit: int = DEFAULT_ROWS, title: str | None = None
) -> Figure:
    """Each person's saving per product: the best cost with nobody placed minus with only them placeable.

    Args:
        value: The analysis (:func:`~modcluster.analysis.people_value`).
        money: The catalog's money unit, for the axis.
        limit: The most rows drawn (the largest savings when there are more).
        title: The chart's title instead of the default one.

    Returns:
        The figure, on the Agg canvas: a bar ``person:<person>:<product>`` per row, of width the
        saving (none when the placement unlocks the product, does nothing, or is not proven).

    Raises:
        PlotUnavailableError: matplotlib is not installed.
        ValueError: ``limit`` is below 1.
    """
    rows = []
    for e in value.effects:
        gid, label = f"person:{e.person}:{e.product}", f"{e.person} / {e.product}"
        if e.effect == "improves" and e.proven and e.saving is not None:
            rows.append(_Row(gid, label, e.saving, f"at {e.hub}"))
        else:
            rows.append(_Row(gid, label, None, e.effect if e.proven else f"{e.effect}, not proven"))
    return _bars(
        rows,
        limit=limit,
        money=money,
        title=title or "What each placement saves: best cost with nobody placed minus with the person",
        xlabel="saving",
        empty="no person of the catalog may lead any product's family",
    )
