"""The Gantt chart of a whole plan: one row per organisation, bars coloured by entry, capacity beside the name.

Imported by path (``from modcluster.report.figures.plan_gantt_chart import
plan_gantt``), like every figure it needs matplotlib only when drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modcluster.domain import Catalog, Plan, PlanTask, calendar_of
from modcluster.report.figures.calendar_axis import date_axis
from modcluster.report.figures.common import (
    FIGURE_STYLE,
    INTEGRATION_COLOUR,
    new_figure,
    require_matplotlib,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["entry_colours", "plan_gantt", "task_key"]

_WIDTH_IN = 12.0
_LANE_IN = 0.3
_MAX_HEIGHT_IN = 60.0
_BAR_HEIGHT = 0.74
_FONT = 6.5


def task_key(task: PlanTask) -> str:
    """The task's unique name in a plan, the ``gid`` of its bar: ``<entry>/<label>``.

    >>> task_key(PlanTask("shop", "laser-q1", "head 1:optics.polishing", 0, 4))
    'laser-q1/head 1:optics.polishing'
    """
    return f"{task.entry}/{task.label}"


def entry_colours(plan: Plan) -> dict[str, str]:
    """A colour per entry, in file order (matplotlib's ``tab10``/``tab20``, greys left out)."""
    require_matplotlib()
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    ids = [e.id for e in plan.entries]
    cmap = colormaps["tab10" if len(ids) <= 9 else "tab20"]
    # The palettes' greys are left out: they would read as the integration outline.
    greys = {7} if cmap.N == 10 else {14, 15}
    slots = [i for i in range(cmap.N) if i not in greys]
    return {eid: to_hex(cmap(slots[i % len(slots)])) for i, eid in enumerate(ids)}


def _text_colour(colour: str) -> str:
    """White on a dark bar, black on a light one (relative luminance)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "white"


def _kind(task: PlanTask) -> str:
    """``integration``, ``seed``, ``buy`` or ``step``, from the task's label (see :meth:`PlannedEntry.tasks`)."""
    if task.label == "integration":
        return "integration"
    if task.label.endswith(" seed"):
        return "seed"
    if task.label.endswith(" (buy)"):
        return "buy"
    return "step"


@dataclass(frozen=True, slots=True)
class _Rows:
    """Organisations in id order, each a band of as many lanes as it runs tasks at once (at least one)."""

    orgs: list[str]
    lane: dict[str, int]
    lanes_per_org: dict[str, int]
    band_top: dict[str, float]
    total: float

    @classmethod
    def of(cls, tasks: Sequence[PlanTask]) -> _Rows:
        """Lanes by a sweep in start order: a task takes the first lane free at its start."""
        ends_of: dict[str, list[int]] = {}
        lane: dict[str, int] = {}
        for t in sorted(tasks, key=lambda t: (t.organization, t.start, t.end, t.entry, t.label)):
            ends = ends_of.setdefault(t.organization, [])
            for i, last_end in enumerate(ends):
                if last_end <= t.start:
                    ends[i] = max(last_end, t.end)
                    lane[task_key(t)] = i
                    break
            else:
                ends.append(t.end)
                lane[task_key(t)] = len(ends) - 1
        orgs = sorted(ends_of)
        lanes_per_org = {o: max(len(ends_of[o]), 1) for o in orgs}
        band_top: dict[str, float] = {}
        y = 0.0
        for org in orgs:
            band_top[org] = y
            y += lanes_per_org[org]
        return cls(orgs, lane, lanes_per_org, band_top, y)

    def centre(self, t: PlanTask) -> float:
        """The y of the middle of the task's lane."""
        return self.band_top[t.organization] + self.lane[task_key(t)] + 0.5


def _fits(days: int, text: str, days_per_inch: float) -> bool:
    """Whether ``text`` fits inside a bar of ``days`` at the label font."""
    return days / days_per_inch >= 0.062 * len(text) + 0.05


def _draw_bars(
    ax: Axes,
    tasks: Sequence[PlanTask],
    rows: _Rows,
    colours: dict[str, str],
    numbers: dict[str, int],
    days_per_inch: float,
) -> None:
    """One bar per task, each labelled: ``<n> <task>`` inside when it fits, else ``<n>`` inside or beside it."""
    for t in tasks:
        colour = colours[t.entry]
        kind = _kind(t)
        seed = kind == "seed"
        integration = kind == "integration"
        y = rows.centre(t)
        bars = ax.barh(
            y,
            t.end - t.start,
            left=t.start,
            height=_BAR_HEIGHT,
            color=colour,
            alpha=0.55 if seed else 1.0,
            hatch="////" if seed else None,
            edgecolor=INTEGRATION_COLOUR if integration else (colour if seed else "white"),
            linewidth=1.6 if integration else 0.6,
            zorder=3,
        )
        key = task_key(t)
        bars.patches[0].set_gid(key)
        if t.end == t.start:
            ax.plot([t.start], [y], marker="D", color=colour, markersize=5, zorder=4)
        tag = str(numbers[t.entry])
        long = f"{tag} {t.label}"
        days = t.end - t.start
        if _fits(days, long, days_per_inch) or _fits(days, tag, days_per_inch):
            text = long if _fits(days, long, days_per_inch) else tag
            ink = "black" if seed else _text_colour(colour)
            ax.text((t.start + t.end) / 2, y, text, ha="center", va="center", fontsize=_FONT, color=ink, zorder=5)
        else:  # too short for even its number: the number just after the bar
            ax.text(t.end + 0.3, y, tag, ha="left", va="center", fontsize=_FONT, color="#222222", zorder=5)
        ax.texts[-1].set_gid(f"label:{key}")


def _set_axes(ax: Axes, rows: _Rows, capacity: dict[str, int | None], span: int, makespan: int) -> None:
    """Organisation names with their capacity down the side, band separators, the makespan, the day axis."""
    ax.set_yticks([rows.band_top[o] + rows.lanes_per_org[o] / 2 for o in rows.orgs])
    ax.set_yticklabels([f"{o}  (cap {'?' if capacity[o] is None else capacity[o]})" for o in rows.orgs])
    for o in rows.orgs[1:]:
        ax.axhline(rows.band_top[o], color="#e4e4e4", linewidth=0.8, zorder=0)
    ax.axvline(makespan, color="#222222", linestyle=":", linewidth=1.1, zorder=1)
    ax.text(makespan, -0.15, f" makespan {makespan}", ha="right", va="bottom", fontsize=8)
    ax.set_ylim(max(rows.total, 1), -0.9)
    ax.set_xlim(0, span * 1.04)
    ax.set_xlabel("day")
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.set_axisbelow(True)


def _legend(fig: Figure, plan: Plan, colours: dict[str, str], numbers: dict[str, int]) -> None:
    """The entries' numbers and colours, the integration outline and seed transfers, below the chart."""
    from matplotlib.patches import Patch

    handles: list[Any] = [Patch(facecolor=colours[e.id], label=f"{numbers[e.id]} {e.id}") for e in plan.entries]
    handles.append(Patch(facecolor="white", edgecolor=INTEGRATION_COLOUR, linewidth=1.6, label="integration (hub)"))
    handles.append(Patch(facecolor="#bbbbbb", edgecolor="#888888", hatch="////", label="seed transfer"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5))


def plan_gantt(plan: Plan, catalog: Catalog | None = None, *, title: str | None = None) -> Figure:
    """The whole plan as a Gantt chart: one row per organisation taking part, bars coloured by entry.

    Rows are in organisation id order; each is labelled with the
    organisation's capacity (from ``catalog``; ``?`` without it) and has one
    lane per task it runs at once, so a row is never taller than its
    capacity in a verified plan. Each bar is a
    :class:`~matplotlib.patches.Rectangle` whose ``x`` is the task's start
    day, ``width`` its length and ``gid`` its :func:`task_key`; each bar is
    labelled (a text with ``gid`` ``label:<key>``) with its entry's number in
    the legend and, when it fits, the task (``head 1:optics.polishing``,
    ``integration`` ...). Integration is outlined dark, seed transfers are
    hatched, and the makespan is a dotted line. A plan without entries
    (infeasible, unknown) draws empty axes with a note. With a calendar in
    the plan request (``start_date``, v1.1 "Calendars") a top axis gives the
    dates and holidays and closed days are shaded lightly.

    Args:
        plan: The plan whose tasks to draw.
        catalog: The catalog the plan was made from, for the capacities.
        title: The chart's title instead of the default one.

    Returns:
        The figure, on the Agg canvas.

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    matplotlib = require_matplotlib()
    tasks = plan.tasks()
    colours = entry_colours(plan)
    numbers = {e.id: i for i, e in enumerate(plan.entries, start=1)}
    rows = _Rows.of(tasks)
    makespan = plan.makespan or 0
    span = max(makespan, 1)
    lane_in = min(_LANE_IN, _MAX_HEIGHT_IN / max(rows.total, 1))
    capacity = {
        o: (catalog.org_by_id[o].capacity if catalog is not None and o in catalog.org_by_id else None)
        for o in rows.orgs
    }
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(_WIDTH_IN, 2.2 + lane_in * max(rows.total, 1) + 0.18 * (len(plan.entries) // 5))
        ax = fig.add_subplot()
        default = f"Plan ({plan.objective}, {plan.status.value}): {len(plan.entries)} entries, makespan {makespan} days"
        ax.set_title(title or default)
        if not tasks:
            ax.text(0.5, 0.5, "no plan to draw", ha="center", va="center", transform=ax.transAxes)
            ax.set_yticks([])
            return fig
        _draw_bars(ax, tasks, rows, colours, numbers, days_per_inch=span * 1.04 / (_WIDTH_IN - 3.2))
        _set_axes(ax, rows, capacity, span, makespan)
        calendar = calendar_of(plan.request)
        if calendar is not None:
            date_axis(ax, calendar, span)
        _legend(fig, plan, colours, numbers)
    return fig
