"""The Gantt chart of a candidate's schedule: one row per organisation, bars coloured by module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from modcluster.domain import Candidate, WorkingCalendar
from modcluster.report.figures.calendar_axis import date_axis
from modcluster.report.figures.common import (
    DEADLINE_COLOUR,
    FIGURE_STYLE,
    HANDOVER_COLOUR,
    INTEGRATION_COLOUR,
    new_figure,
    require_matplotlib,
)
from modcluster.report.figures.tasks import Task, precedences, schedule_tasks

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["gantt", "handover_route", "module_colours"]

_PALETTE = "tab10"
_WIDTH_IN = 10.0
_LANE_HEIGHT = 0.72


def module_colours(candidate: Candidate) -> dict[str, str]:
    """A colour per module, in the product's module order (matplotlib's ``tab10``/``tab20``)."""
    require_matplotlib()
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    ids = [m.id for m in candidate.modules]
    cmap = colormaps[_PALETTE if len(ids) <= 9 else "tab20"]
    # The palettes' greys are left out: they would read as the integration colour.
    greys = {7} if cmap.N == 10 else {14, 15}
    slots = [i for i in range(cmap.N) if i not in greys]
    return {mid: to_hex(cmap(slots[i % len(slots)])) for i, mid in enumerate(ids)}


def _lanes(tasks: Sequence[Task]) -> dict[str, tuple[int, int]]:
    """Lane of each task within its organisation's row (overlaps need capacity > 1): key -> (lane, lanes)."""
    lanes_of: dict[str, list[int]] = {}
    lane: dict[str, int] = {}
    for t in sorted(tasks, key=lambda t: (t.organization, t.start, t.end, t.key)):
        ends = lanes_of.setdefault(t.organization, [])
        for i, last_end in enumerate(ends):
            if last_end <= t.start:
                ends[i] = max(last_end, t.end)
                lane[t.key] = i
                break
        else:
            ends.append(t.end)
            lane[t.key] = len(ends) - 1
    return {t.key: (lane[t.key], len(lanes_of[t.organization])) for t in tasks}


def _organisation_order(candidate: Candidate, tasks: Sequence[Task]) -> list[str]:
    """The hub first, then partners by their first task's start, then id."""
    first: dict[str, int] = {}
    for t in tasks:
        first[t.organization] = min(first.get(t.organization, t.start), t.start)
    others = sorted((o for o in first if o != candidate.hub), key=lambda o: (first[o], o))
    return [candidate.hub, *others]


@dataclass(frozen=True, slots=True)
class _Rows:
    """Where each organisation's band and each task's lane sit on the y axis (row 0 at the top)."""

    orgs: list[str]
    lanes: dict[str, tuple[int, int]]
    lanes_per_org: dict[str, int]
    band_top: dict[str, float]
    total: float

    @classmethod
    def of(cls, candidate: Candidate, tasks: Sequence[Task]) -> _Rows:
        """The rows of the candidate's tasks: the hub's band first, one lane per overlapping task."""
        orgs = _organisation_order(candidate, tasks)
        lanes = _lanes(tasks)
        lanes_per_org = {t.organization: lanes[t.key][1] for t in tasks}
        band_top: dict[str, float] = {}
        y = 0.0
        for org in orgs:
            band_top[org] = y
            y += lanes_per_org[org]
        return cls(orgs, lanes, lanes_per_org, band_top, y)

    def centre(self, t: Task) -> float:
        """The y of the middle of the task's lane."""
        lane, _ = self.lanes[t.key]
        return self.band_top[t.organization] + lane + 0.5


def _draw_bars(ax: Axes, tasks: Sequence[Task], rows: _Rows, colours: dict[str, str], days_per_inch: float) -> None:
    """One bar per task (seeds hatched, a zero-day task a diamond), labelled when the label fits."""
    for t in tasks:
        colour = INTEGRATION_COLOUR if t.module is None else colours[t.module]
        seed = t.kind == "seed"
        bars = ax.barh(
            rows.centre(t),
            t.end - t.start,
            left=t.start,
            height=_LANE_HEIGHT,
            color=colour,
            alpha=0.55 if seed else 1.0,
            hatch="////" if seed else None,
            edgecolor="white" if not seed else colour,
            linewidth=0.8,
            zorder=3,
        )
        bars.patches[0].set_gid(t.key)
        if t.end == t.start:
            ax.plot([t.start], [rows.centre(t)], marker="D", color=colour, markersize=6, zorder=4)
        fits = (t.end - t.start) / days_per_inch >= 0.075 * len(t.label) + 0.08
        if fits:
            dark = t.module is None or not seed
            ax.text(
                (t.start + t.end) / 2,
                rows.centre(t),
                t.label,
                ha="center",
                va="center",
                fontsize=7.5,
                color="white" if dark else "black",
                zorder=5,
            )


Point = tuple[float, float]


def _crosses(path: Sequence[Point], t: Task, rows: _Rows) -> bool:
    """Whether a polyline of horizontal and vertical segments runs through the inside of ``t``'s bar."""
    top, bottom = rows.centre(t) - _LANE_HEIGHT / 2, rows.centre(t) + _LANE_HEIGHT / 2
    eps = 1e-9
    for (x1, y1), (x2, y2) in pairwise(path):
        xs, ys = sorted((x1, x2)), sorted((y1, y2))
        if xs[1] > t.start + eps and xs[0] < t.end - eps and ys[1] > top + eps and ys[0] < bottom - eps:
            return True
    return False


def handover_route(a: Task, b: Task, tasks: Sequence[Task], rows: _Rows, arrive: float | None = None) -> list[Point]:
    """The elbow path of the handover arrow from ``a`` to ``b``, crossing as few other bars as can be.

    The arrow leaves ``a``'s end, runs in ``a``'s lane or in the gap beside
    it, turns at some day ``x`` between ``a.end`` and ``b.start`` (the
    handover gap, or an edge of another bar), and comes into ``b``'s start in
    ``b``'s lane (at height ``arrive``, its middle by default) or down the gap
    beside it. Of these paths, one that crosses the fewest other bars wins,
    then one with fewer turns, then one turning nearest the middle of the gap.
    """
    ya, yb = rows.centre(a), rows.centre(b) if arrive is None else arrive
    low, high = min(a.end, b.start), max(a.end, b.start)
    middle = (low + high) / 2
    turns = {float(low), float(high), middle}
    turns |= {float(x) for t in tasks for x in (t.start, t.end) if low <= x <= high}
    others = [t for t in tasks if t.key not in (a.key, b.key)]
    toward = 0.5 if yb > ya else -0.5
    gap_a, gap_b = rows.centre(a) + toward, rows.centre(b) - toward

    def routes(x: float) -> list[list[Point]]:
        out = [[(a.end, ya), (x, ya), (x, yb), (b.start, yb)]]
        if ya != yb:
            out.append([(a.end, ya), (a.end, gap_a), (x, gap_a), (x, yb), (b.start, yb)])
            out.append([(a.end, ya), (a.end, gap_a), (x, gap_a), (x, gap_b), (b.start, gap_b), (b.start, yb)])
        return out

    def score(path: list[Point]) -> tuple[int, int, float, float]:
        x = path[2][0]
        return (sum(_crosses(path, t, rows) for t in others), len(path), abs(x - middle), -x)

    return min((path for x in turns for path in routes(x)), key=score)


def _draw_handovers(ax: Axes, tasks: Sequence[Task], rows: _Rows) -> None:
    """A grey elbow arrow for each precedence between two organisations (the gap is the handover).

    Each arrow turns in the handover gap so that it crosses no other bar when
    it can, and the arrows into one task (the integration) arrive spread over
    its bar's height instead of at one point.
    """
    pairs = [(a, b) for a, b in precedences(tasks) if a.organization != b.organization]
    incoming: dict[str, list[Task]] = {}
    for a, b in pairs:
        incoming.setdefault(b.key, []).append(a)
    for a, b in pairs:
        sources = sorted(incoming[b.key], key=rows.centre)
        spread = _LANE_HEIGHT * 0.8
        arrive = rows.centre(b) + (0.0 if len(sources) == 1 else spread * (sources.index(a) / (len(sources) - 1) - 0.5))
        path = handover_route(a, b, tasks, rows, arrive)
        ax.plot(
            [p[0] for p in path[:-1]],
            [p[1] for p in path[:-1]],
            color=HANDOVER_COLOUR,
            lw=0.7,
            zorder=2,
            gid=f"handover-path:{a.key}->{b.key}",
        )
        ax.annotate(
            "",
            xy=path[-1],
            xytext=path[-2],
            arrowprops={
                "arrowstyle": "-|>",
                "color": HANDOVER_COLOUR,
                "lw": 0.7,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 7,
            },
            zorder=2,
            gid=f"handover:{a.key}->{b.key}",
        )


def _draw_limits(ax: Axes, lead_time: int, deadline: int | None) -> None:
    """The lead time and the deadline as labelled vertical lines."""
    ax.axvline(lead_time, color="#222222", linestyle=":", linewidth=1.1, zorder=1)
    ax.text(
        lead_time,
        -0.15,
        f" lead time {lead_time}",
        ha="left" if deadline is None or deadline > lead_time else "right",
        va="bottom",
        fontsize=8,
    )
    if deadline is not None:
        ax.axvline(deadline, color=DEADLINE_COLOUR, linestyle="--", linewidth=1.4, zorder=1)
        ax.text(
            deadline,
            -0.15,
            f" deadline {deadline}",
            ha="left" if deadline >= lead_time else "right",
            va="bottom",
            fontsize=8,
            color=DEADLINE_COLOUR,
        )


def _set_axes(
    ax: Axes, candidate: Candidate, rows: _Rows, span: int, title: str | None, calendar: WorkingCalendar | None
) -> None:
    """Organisation names down the side (the hub marked), band separators, day axis and title."""
    ax.set_yticks([rows.band_top[o] + rows.lanes_per_org[o] / 2 for o in rows.orgs])
    ax.set_yticklabels([f"{o} (hub)" if o == candidate.hub else o for o in rows.orgs])
    for o in rows.orgs[1:]:
        ax.axhline(rows.band_top[o], color="#e4e4e4", linewidth=0.8, zorder=0)
    ax.set_ylim(rows.total, -0.9)
    ax.set_xlim(0, span * 1.08)
    ax.set_xlabel("day")
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.set_axisbelow(True)
    ends = "" if calendar is None else f", {calendar.date_of(0)} to {calendar.end_date(0, candidate.lead_time)}"
    ax.set_title(title or f"Schedule of candidate {candidate.rank}: lead time {candidate.lead_time} days{ends}")
    if calendar is not None:
        date_axis(ax, calendar, span)


def _legend(fig: Figure, candidate: Candidate, colours: dict[str, str], deadline: int | None) -> None:
    """The modules' colours, integration, seed transfers, handovers and the deadline, below the chart."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [Patch(facecolor=colours[m.id], label=m.id) for m in candidate.modules]
    handles.append(Patch(facecolor=INTEGRATION_COLOUR, label="integration (hub)"))
    handles.append(Patch(facecolor="#bbbbbb", edgecolor="#888888", hatch="////", label="seed transfer"))
    handles.append(Line2D([], [], color=HANDOVER_COLOUR, marker=">", markersize=4, label="handover"))
    if deadline is not None:
        handles.append(Line2D([], [], color=DEADLINE_COLOUR, linestyle="--", label="deadline"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6))


def gantt(
    candidate: Candidate,
    *,
    deadline: int | None = None,
    title: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> Figure:
    """The schedule as a Gantt chart: one row per organisation, bars coloured by module.

    Each bar is a :class:`~matplotlib.patches.Rectangle` whose ``x`` is the
    task's start day, ``width`` its length in days and ``gid`` its
    :attr:`Task.key`. Seed transfers are hatched, integration is dark, grey
    arrows join tasks handed over between organisations (the gap is the
    handover), and the deadline and lead time are drawn as vertical lines.
    An organisation with capacity above 1 gets one lane per overlapping task.

    Args:
        candidate: The system whose schedule to draw.
        deadline: The request's deadline in days, drawn when given.
        title: The chart's title instead of the default one.
        calendar: The request's calendar: dates on a top axis (week or month
            starts) and holidays and closed days shaded lightly.

    Returns:
        The figure, on the Agg canvas.

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    matplotlib = require_matplotlib()
    tasks = schedule_tasks(candidate)
    colours = module_colours(candidate)
    rows = _Rows.of(candidate, tasks)
    span = max(candidate.lead_time, deadline or 0, 1)
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(_WIDTH_IN, 1.9 + 0.42 * rows.total)
        ax = fig.add_subplot()
        _draw_bars(ax, tasks, rows, colours, days_per_inch=span * 1.08 / (_WIDTH_IN - 2.6))
        _draw_handovers(ax, tasks, rows)
        _draw_limits(ax, candidate.lead_time, deadline)
        _set_axes(ax, candidate, rows, span, title, calendar)
        _legend(fig, candidate, colours, deadline)
    return fig
