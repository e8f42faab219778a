"""The load profile of a plan: per organisation, tasks at once over the days against its capacity line.

Imported by path (``from modcluster.report.figures.plan_load_chart import
plan_load``), like every figure it needs matplotlib only when drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from modcluster.domain import Catalog, Plan, PlanTask
from modcluster.report.figures.common import DEADLINE_COLOUR, FIGURE_STYLE, new_figure, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DEFAULT_LIMIT", "OrganisationLoad", "organisation_loads", "plan_load"]

#: How many organisations :func:`plan_load` draws at most by default (the busiest).
DEFAULT_LIMIT = 20
_COLUMNS = 4
_FILL = "#4c72b0"
_OVER = "#c0392b"


@dataclass(frozen=True, slots=True)
class OrganisationLoad:
    """One organisation's load in a plan.

    Attributes:
        organization: Its id.
        capacity: Tasks it may run at once (None: not in the catalog given).
        edges: Days where the load changes, from 0 to the makespan (``len(values) + 1`` of them).
        values: Tasks at once on ``[edges[i], edges[i + 1])``; a task of 0 days is not counted.
        peak: The most tasks at once.
        task_days: The sum of its tasks' days.
    """

    organization: str
    capacity: int | None
    edges: tuple[int, ...]
    values: tuple[int, ...]
    peak: int
    task_days: int

    @property
    def busy(self) -> Fraction:
        """Task-days per unit of capacity: how :func:`organisation_loads` ranks the busiest first."""
        return Fraction(self.task_days, self.capacity or 1)


def _profile(tasks: Sequence[PlanTask], span: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The step function of tasks at once over ``[0, span]``: change days and the value after each.

    >>> _profile([PlanTask("a", "e", "x", 0, 4), PlanTask("a", "f", "y", 2, 6)], 8)
    ((0, 2, 4, 6, 8), (1, 2, 1, 0))
    """
    delta: dict[int, int] = {}
    for t in tasks:
        if t.end > t.start:
            delta[t.start] = delta.get(t.start, 0) + 1
            delta[t.end] = delta.get(t.end, 0) - 1
    days = sorted({0, span, *(d for d in delta if 0 <= d <= span)})
    edges: list[int] = []
    values: list[int] = []
    level = 0
    for day in days[:-1]:
        level += delta.get(day, 0)
        if values and values[-1] == level:
            continue
        edges.append(day)
        values.append(level)
    edges.append(days[-1])
    return tuple(edges), tuple(values)


def organisation_loads(plan: Plan, catalog: Catalog | None = None) -> list[OrganisationLoad]:
    """The load of every organisation taking part in the plan, busiest first.

    Busiest: the most task-days per unit of capacity, then the highest peak,
    then the organisation id.
    """
    by_org: dict[str, list[PlanTask]] = {}
    for t in plan.tasks():
        by_org.setdefault(t.organization, []).append(t)
    span = max(plan.makespan or 0, 1)
    out = []
    for org, tasks in by_org.items():
        edges, values = _profile(tasks, span)
        capacity = catalog.org_by_id[org].capacity if catalog is not None and org in catalog.org_by_id else None
        task_days = sum(t.end - t.start for t in tasks)
        out.append(OrganisationLoad(org, capacity, edges, values, max(values, default=0), task_days))
    out.sort(key=lambda load: (-load.busy, -load.peak, load.organization))
    return out


def plan_load(
    plan: Plan,
    catalog: Catalog | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    title: str | None = None,
) -> Figure:
    """Small multiples of the busiest organisations' load: tasks at once over the days, the capacity dashed.

    One panel per organisation (at most ``limit``, the busiest first, see
    :func:`organisation_loads`), four to a row. In each, the load is a filled
    :class:`~matplotlib.patches.StepPatch` with ``gid`` ``load:<org>`` whose
    data are :attr:`OrganisationLoad.values` and ``edges``, and the capacity
    a dashed red line with ``gid`` ``capacity:<org>``; a panel above its
    capacity is filled red. When organisations are left out, the title's
    second line says how many. A plan without entries draws a note.

    Args:
        plan: The plan whose load to draw.
        catalog: The catalog the plan was made from, for the capacities (no line without it).
        limit: The most organisations drawn (at least 1).
        title: The figure's title instead of the default one.

    Returns:
        The figure, on the Agg canvas.

    Raises:
        PlotUnavailableError: matplotlib is not installed.
        ValueError: ``limit`` is below 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    matplotlib = require_matplotlib()
    loads = organisation_loads(plan, catalog)
    shown = loads[:limit]
    span = max(plan.makespan or 0, 1)
    columns = max(1, min(_COLUMNS, len(shown)))
    rows = max(1, math.ceil(len(shown) / columns))
    heading = title or f"Load by organisation: tasks at once against capacity, makespan {plan.makespan or 0} days"
    if len(loads) > len(shown):
        heading += (
            f"\nthe {len(shown)} busiest of {len(loads)} organisations taking part "
            f"(task-days per unit of capacity); {len(loads) - len(shown)} left out"
        )
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(12.0, 1.0 + 1.55 * rows + (0.2 if "\n" in heading else 0.0))
        fig.suptitle(heading, fontsize=11, fontweight="bold")
        if not shown:
            ax = fig.add_subplot()
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no plan to draw", ha="center", va="center", transform=ax.transAxes)
            return fig
        axes = fig.subplots(rows, columns, sharex=True, squeeze=False)
        for index, load in enumerate(shown):
            ax = axes[index // columns][index % columns]
            over = load.capacity is not None and load.peak > load.capacity
            ax.stairs(
                load.values,
                load.edges,
                fill=True,
                color=_OVER if over else _FILL,
                alpha=0.85,
                gid=f"load:{load.organization}",
            )
            top = max(load.peak, load.capacity or 0, 1)
            if load.capacity is not None:
                line = ax.axhline(load.capacity, color=DEADLINE_COLOUR, linestyle="--", linewidth=1.2)
                line.set_gid(f"capacity:{load.organization}")
            cap = "?" if load.capacity is None else str(load.capacity)
            ax.set_title(
                f"{load.organization}\ncap {cap}, peak {load.peak}" + (", OVER CAPACITY" if over else ""),
                fontsize=8,
                fontweight="normal",
                color=_OVER if over else "#222222",
            )
            ax.set_xlim(0, span)
            ax.set_ylim(0, top + 0.6)
            ax.set_yticks(range(top + 1))
            ax.grid(axis="y", color="#eeeeee", zorder=0)
            ax.set_axisbelow(True)
        for index in range(len(shown), rows * columns):
            axes[index // columns][index % columns].set_axis_off()
        for index in range(max(len(shown) - columns, 0), len(shown)):
            if index + columns >= len(shown):  # nothing below it: its own day axis
                axes[index // columns][index % columns].tick_params(labelbottom=True)
        fig.supxlabel("day", fontsize=9)
        fig.supylabel("tasks at once", fontsize=9)
    return fig
