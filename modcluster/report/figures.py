"""Figures of candidate systems (matplotlib): Gantt, network, cost breakdown, Pareto front.

matplotlib is the optional extra ``modcluster[plot]``; it is imported only when
a figure is drawn, so the rest of the library works without it. Every figure is
a :class:`matplotlib.figure.Figure` on the Agg canvas (pyplot and the global
backend are never touched), drawn under :data:`FIGURE_STYLE` (fixed font, size
and DPI) with a fixed layout seed, so the same input draws the same picture.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

from modcluster.domain.catalog import Catalog
from modcluster.domain.solution import Candidate
from modcluster.errors import PlotUnavailableError
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "DPI",
    "FIGURE_STYLE",
    "INTEGRATION_COLOUR",
    "ROLE_COLOURS",
    "Front",
    "FrontPoint",
    "PlotUnavailableError",
    "Task",
    "cost_breakdown",
    "figure_png",
    "front_from_analysis",
    "front_from_candidates",
    "gantt",
    "module_colours",
    "network",
    "nondominated",
    "pareto",
    "precedences",
    "require_matplotlib",
    "schedule_tasks",
]

#: Resolution of every figure, in dots per inch.
DPI = 110
#: matplotlib settings every figure is drawn and saved under.
FIGURE_STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs everywhere
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "modcluster",
    "svg.fonttype": "path",
    "hatch.linewidth": 0.6,
}
#: Node colours by organisation kind (shared with the graph export).
ROLE_COLOURS: dict[str, str] = {
    "developer": "#1f77b4",
    "processor": "#ff7f0e",
    "university": "#2ca02c",
    "lab": "#17becf",
    "enterprise": "#9467bd",
    "intermediary": "#d62728",
    "": "#7f7f7f",
}
#: Colour of the hub's integration task.
INTEGRATION_COLOUR = "#3d3d3d"
_DEADLINE_COLOUR = "#c0392b"
_HANDOVER_COLOUR = "#8a8a8a"
_PALETTE = "tab10"
_STRETCH = 1.7
_ROLE_ORDER = ["developer", "processor", "enterprise", "university", "lab", ""]


def require_matplotlib() -> ModuleType:
    """Import matplotlib, or raise :class:`PlotUnavailableError` with the install command."""
    try:
        import matplotlib
    except ImportError:
        raise PlotUnavailableError(
            "figures need matplotlib, which is not installed: pip install 'modcluster[plot]'"
        ) from None
    return matplotlib


def _new_figure(width: float, height: float) -> Figure:
    """An empty figure on the Agg canvas, with constrained layout."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, without a timestamp or version: same figure, same bytes."""
    matplotlib = require_matplotlib()
    buffer = io.BytesIO()
    with matplotlib.rc_context(FIGURE_STYLE):
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# The schedule as tasks
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Task:
    """One task of a candidate's schedule, on days ``[start, end)``.

    ``key`` names it uniquely (``housing/step/1``, ``head/seed``,
    ``controller/buy``, ``integration``) and is the ``gid`` of its Gantt bar.
    """

    key: str
    module: str | None
    kind: str
    label: str
    organization: str
    start: int
    end: int


def schedule_tasks(candidate: Candidate) -> tuple[Task, ...]:
    """Every task of the candidate, module by module (seed, steps, purchase), integration last.

    >>> [t.key for t in schedule_tasks(_example())]
    ['frame/buy', 'lens/seed', 'lens/step/1', 'lens/step/2', 'integration']
    """
    tasks: list[Task] = []
    for m in candidate.modules:
        if m.source == "buy":
            assert m.organization is not None and m.start is not None and m.end is not None
            tasks.append(Task(f"{m.id}/buy", m.id, "buy", m.id, m.organization, m.start, m.end))
            continue
        if m.seed is not None:
            s = m.seed
            tasks.append(Task(f"{m.id}/seed", m.id, "seed", f"{m.id} seed", s.organization, s.start, s.end))
        for index, step in enumerate(m.steps, start=1):
            tasks.append(
                Task(
                    f"{m.id}/step/{index}",
                    m.id,
                    "step",
                    f"{m.id} {index}",
                    step.organization,
                    step.start,
                    step.end,
                )
            )
    start, end = candidate.integration
    tasks.append(Task("integration", None, "integration", "integration", candidate.hub, start, end))
    return tuple(tasks)


def precedences(tasks: Sequence[Task]) -> list[tuple[Task, Task]]:
    """The contract's precedences: seed before first step, steps in order, each module before integration.

    >>> for a, b in precedences(schedule_tasks(_example())):
    ...     print(a.key, "->", b.key)
    frame/buy -> integration
    lens/seed -> lens/step/1
    lens/step/1 -> lens/step/2
    lens/step/2 -> integration
    """
    integration = next(t for t in tasks if t.kind == "integration")
    by_module: dict[str, list[Task]] = {}
    for t in tasks:
        if t.module is not None:
            by_module.setdefault(t.module, []).append(t)
    pairs: list[tuple[Task, Task]] = []
    for chain in by_module.values():
        pairs += list(itertools.pairwise(chain))
        pairs.append((chain[-1], integration))
    return pairs


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


def gantt(
    candidate: Candidate,
    *,
    deadline: int | None = None,
    title: str | None = None,
) -> Figure:
    """The schedule as a Gantt chart: one row per organisation, bars coloured by module.

    Each bar is a :class:`~matplotlib.patches.Rectangle` whose ``x`` is the
    task's start day, ``width`` its length in days and ``gid`` its
    :attr:`Task.key`. Seed transfers are hatched, integration is dark, grey
    arrows join tasks handed over between organisations (the gap is the
    handover), and the deadline and lead time are drawn as vertical lines.
    An organisation with capacity above 1 gets one lane per overlapping task.
    """
    matplotlib = require_matplotlib()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    tasks = schedule_tasks(candidate)
    colours = module_colours(candidate)
    orgs = _organisation_order(candidate, tasks)
    lanes = _lanes(tasks)
    lanes_per_org = {t.organization: lanes[t.key][1] for t in tasks}
    band_top: dict[str, float] = {}
    y = 0.0
    for org in orgs:
        band_top[org] = y
        y += lanes_per_org[org]
    total_rows = y
    span = max(candidate.lead_time, deadline or 0, 1)
    width_in = 10.0
    height_in = 1.9 + 0.42 * total_rows
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = _new_figure(width_in, height_in)
        ax = fig.add_subplot()
        lane_h = 0.72

        def centre(t: Task) -> float:
            lane, _ = lanes[t.key]
            return band_top[t.organization] + lane + 0.5

        days_per_inch = span * 1.08 / (width_in - 2.6)
        for t in tasks:
            colour = INTEGRATION_COLOUR if t.module is None else colours[t.module]
            seed = t.kind == "seed"
            bars = ax.barh(
                centre(t),
                t.end - t.start,
                left=t.start,
                height=lane_h,
                color=colour,
                alpha=0.55 if seed else 1.0,
                hatch="////" if seed else None,
                edgecolor="white" if not seed else colour,
                linewidth=0.8,
                zorder=3,
            )
            bars.patches[0].set_gid(t.key)
            if t.end == t.start:
                ax.plot([t.start], [centre(t)], marker="D", color=colour, markersize=6, zorder=4)
            fits = (t.end - t.start) / days_per_inch >= 0.075 * len(t.label) + 0.08
            if fits:
                dark = t.module is None or not seed
                ax.text(
                    (t.start + t.end) / 2,
                    centre(t),
                    t.label,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if dark else "black",
                    zorder=5,
                )
        for a, b in precedences(tasks):
            if a.organization == b.organization:
                continue
            ax.annotate(
                "",
                xy=(b.start, centre(b)),
                xytext=(a.end, centre(a)),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": _HANDOVER_COLOUR,
                    "lw": 0.7,
                    "shrinkA": 0,
                    "shrinkB": 0,
                    "mutation_scale": 7,
                },
                zorder=2,
                gid=f"handover:{a.key}->{b.key}",
            )
        ax.axvline(candidate.lead_time, color="#222222", linestyle=":", linewidth=1.1, zorder=1)
        ax.text(
            candidate.lead_time,
            -0.15,
            f" lead time {candidate.lead_time}",
            ha="left" if deadline is None or deadline > candidate.lead_time else "right",
            va="bottom",
            fontsize=8,
        )
        if deadline is not None:
            ax.axvline(deadline, color=_DEADLINE_COLOUR, linestyle="--", linewidth=1.4, zorder=1)
            ax.text(
                deadline,
                -0.15,
                f" deadline {deadline}",
                ha="left" if deadline >= candidate.lead_time else "right",
                va="bottom",
                fontsize=8,
                color=_DEADLINE_COLOUR,
            )
        ax.set_yticks([band_top[o] + lanes_per_org[o] / 2 for o in orgs])
        ax.set_yticklabels([f"{o} (hub)" if o == candidate.hub else o for o in orgs])
        for o in orgs[1:]:
            ax.axhline(band_top[o], color="#e4e4e4", linewidth=0.8, zorder=0)
        ax.set_ylim(total_rows, -0.9)
        ax.set_xlim(0, span * 1.08)
        ax.set_xlabel("day")
        ax.grid(axis="x", color="#eeeeee", zorder=0)
        ax.set_axisbelow(True)
        ax.set_title(title or f"Schedule of candidate {candidate.rank}: lead time {candidate.lead_time} days")
        handles: list[Any] = [Patch(facecolor=colours[m.id], label=m.id) for m in candidate.modules]
        handles.append(Patch(facecolor=INTEGRATION_COLOUR, label="integration (hub)"))
        handles.append(Patch(facecolor="#bbbbbb", edgecolor="#888888", hatch="////", label="seed transfer"))
        handles.append(Line2D([], [], color=_HANDOVER_COLOUR, marker=">", markersize=4, label="handover"))
        if deadline is not None:
            handles.append(Line2D([], [], color=_DEADLINE_COLOUR, linestyle="--", label="deadline"))
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 6))
    return fig


# ---------------------------------------------------------------------------
# The product system as a network
# ---------------------------------------------------------------------------


def _kind(catalog: Catalog, org: str) -> str:
    found = catalog.org_by_id.get(org)
    return str(found.kind) if found is not None and found.kind is not None else ""


def _onboarding_note(catalog: Catalog, hub: str, partner: str) -> str:
    """How the hub on-boards a partner it has no tie to: via the cheapest shared intermediary, or the default."""
    shared = [i for i in catalog.intermediaries if hub in i.members and partner in i.members]
    if shared:
        best = min(shared, key=lambda i: (i.onboarding_cost, i.id))
        return f"new tie {format_money(best.onboarding_cost)} ({best.id})"
    return f"new tie {format_money(catalog.defaults.onboarding_cost)}"


def network(candidate: Candidate, catalog: Catalog, *, title: str | None = None) -> Figure:
    """The product system as a network: the hub at the centre, partners around it grouped by role.

    Hub-partner edges are solid for an existing tie and dashed for a new one
    (labelled with its on-boarding cost); thin grey arrows show parts handed
    from one partner to another; licensed seeds hang off their licensor.
    Organisations sit on networkx's shell layout (stretched into an ellipse),
    which involves no randomness: the same candidate always gets the same picture.
    """
    matplotlib = require_matplotlib()
    import networkx as nx
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    hub = candidate.hub
    tasks = schedule_tasks(candidate)
    partners = sorted(candidate.partners, key=lambda o: (_ROLE_ORDER.index(_kind(catalog, o)), o))
    orgs = [hub, *partners]
    star = nx.star_graph(orgs)  # the hub at the centre, every partner tied to it
    shells = [[hub], partners] if partners else [[hub]]
    shell = nx.shell_layout(star, shells, scale=len(shells))  # partners on the unit circle
    seeds = [(f"seed:{m.id}", m.seed.organization, f"{m.seed.seed}\n(for {m.id})") for m in candidate.modules if m.seed]
    # Labels are wide: stretch the circle into an ellipse.
    pos: dict[str, Any] = {k: (float(v[0]) * _STRETCH, float(v[1])) for k, v in shell.items()}
    # Seeds sit just inside their licensor, turned off the hub's spoke (the labels go outwards).
    per_licensor: dict[str, int] = {}
    for node, licensor, _ in seeds:
        index = per_licensor[licensor] = per_licensor.get(licensor, -1) + 1
        x, y = pos[licensor]
        if (x, y) == (0.0, 0.0):
            pos[node] = (0.45 * _STRETCH, -0.3 - 0.18 * index)
            continue
        angle = math.atan2(y, x / _STRETCH) + math.radians(11 + 9 * index)
        pos[node] = (0.7 * math.cos(angle) * _STRETCH, 0.7 * math.sin(angle))
    work: dict[str, list[str]] = {}
    for t in tasks:
        if t.module is not None and t.kind != "seed" and t.module not in work.setdefault(t.organization, []):
            work[t.organization].append(t.module)
    flows = sorted(
        {
            (a.organization, b.organization)
            for a, b in precedences(tasks)
            if a.organization != b.organization and hub not in (a.organization, b.organization) and a.kind != "seed"
        }
    )
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = _new_figure(10.0, 7.8)
        ax = fig.add_subplot()
        ax.set_axis_off()
        for p in partners:
            existing = frozenset((hub, p)) in catalog.ties
            (x0, y0), (x1, y1) = pos[hub], pos[p]
            ax.plot(
                [x0, x1],
                [y0, y1],
                color="#555555",
                linestyle="-" if existing else (0, (5, 3)),
                linewidth=1.6 if existing else 1.2,
                zorder=1,
                gid=f"tie:{p}:{'existing' if existing else 'new'}",
            )
        for a, b in flows:
            ax.add_patch(
                FancyArrowPatch(
                    pos[a],
                    pos[b],
                    arrowstyle="-|>",
                    mutation_scale=9,
                    connectionstyle="arc3,rad=0.25",
                    color=_HANDOVER_COLOUR,
                    alpha=0.8,
                    linewidth=0.8,
                    shrinkA=14,
                    shrinkB=14,
                    zorder=1,
                )
            )
        for node, licensor, label in seeds:
            (x0, y0), (x1, y1) = pos[node], pos[licensor]
            ax.plot([x0, x1], [y0, y1], color="#2ca02c", linestyle=":", linewidth=1.0, zorder=1)
            ax.scatter([x0], [y0], s=140, marker="*", color="#f1c40f", edgecolors="#7d6608", zorder=3, gid=node)
            ax.text(x0, y0 - 0.05, label, fontsize=6.5, ha="center", va="top", zorder=4)
        for org in orgs:
            x, y = pos[org]
            kind = _kind(catalog, org)
            is_hub = org == hub
            ax.scatter(
                [x],
                [y],
                s=900 if is_hub else 420,
                color=ROLE_COLOURS.get(kind, ROLE_COLOURS[""]),
                edgecolors="black" if is_hub else "white",
                linewidths=2.2 if is_hub else 1.0,
                zorder=3,
                gid=f"org:{org}",
            )
            found = catalog.org_by_id.get(org)
            site = found.site if found is not None and found.site else "no site"
            lines = [f"{org}{' (hub)' if is_hub else ''}", f"{kind or 'organisation'} · {site}"]
            if work.get(org):
                lines.append(", ".join(work[org]))
            if not is_hub and frozenset((hub, org)) not in catalog.ties:
                lines.append(_onboarding_note(catalog, hub, org))
            # Partners sit on a circle: their labels go outwards, the hub's below it.
            if is_hub:
                lx, ly, ha, va = x, y - 0.12, "center", "top"
            else:
                lx, ly = x + 0.1 * x / _STRETCH, y * 1.1
                ha = "left" if x > 0.3 else "right" if x < -0.3 else "center"
                va = "bottom" if y > 0.3 else "top" if y < -0.3 else "center"
            ax.text(
                lx,
                ly,
                "\n".join(lines),
                fontsize=7,
                ha=ha,
                va=va,
                linespacing=1.15,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
            )
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
        ax.set_ylim(min(ys) - 0.32, max(ys) + 0.3)
        ax.set_title(title or f"Product system of candidate {candidate.rank}: hub {hub}, {len(partners)} partner(s)")
        roles = sorted({_kind(catalog, o) for o in orgs}, key=_ROLE_ORDER.index)
        handles: list[Any] = [
            Line2D([], [], marker="o", linestyle="", markersize=8, color=ROLE_COLOURS[r], label=r or "other")
            for r in roles
        ]
        handles += [
            Line2D([], [], color="#555555", linewidth=1.6, label="existing tie"),
            Line2D([], [], color="#555555", linestyle=(0, (5, 3)), linewidth=1.2, label="new tie (on-boarding)"),
            Line2D([], [], color=_HANDOVER_COLOUR, marker=">", markersize=4, label="parts handed over"),
        ]
        if seeds:
            handles.append(
                Line2D([], [], marker="*", linestyle="", markersize=11, color="#f1c40f", label="licensed seed")
            )
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5))
    return fig


# ---------------------------------------------------------------------------
# Cost breakdown
# ---------------------------------------------------------------------------

_COST_TERMS = ("integration", "steps", "modules", "licences", "onboarding")
_COST_COLOURS = ("#3d3d3d", "#4c72b0", "#dd8452", "#55a868", "#c44e52")


def cost_breakdown(
    candidate: Candidate,
    *,
    budget: Decimal | None = None,
    money: str = "",
    title: str | None = None,
) -> Figure:
    """The candidate's cost as one stacked bar of its five terms, with the budget drawn.

    Each segment is a Rectangle with ``gid`` ``cost:<term>``; its width is the term.
    """
    matplotlib = require_matplotlib()
    from matplotlib.patches import Patch

    b = candidate.cost_breakdown
    values = [b.integration, b.steps, b.modules, b.licences, b.onboarding]
    total = b.total
    span = float(max(total, budget or Decimal(0), Decimal(1)))
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = _new_figure(10.0, 2.5)
        ax = fig.add_subplot()
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
        if budget is not None:
            ax.axvline(float(budget), color=_DEADLINE_COLOUR, linestyle="--", linewidth=1.4)
            ax.text(
                float(budget), 0.42, f"budget {format_money(budget)} ", ha="right", fontsize=8, color=_DEADLINE_COLOUR
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


# ---------------------------------------------------------------------------
# Cost / lead-time Pareto front
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrontPoint:
    """A (cost, lead time) point, with the candidate system that reaches it when known."""

    cost: Decimal
    lead_time: int
    candidate: Candidate | None = None


@dataclass(frozen=True, slots=True)
class Front:
    """Points to draw as the cost / lead-time front.

    ``exact`` is True for the exact front of the request (every non-dominated
    point) and False when only the candidates' own points are known.
    """

    points: tuple[FrontPoint, ...]
    exact: bool
    note: str = ""


def nondominated(points: Iterable[FrontPoint]) -> tuple[FrontPoint, ...]:
    """The points no other point beats in both cost and lead time, by lead time.

    >>> pts = [FrontPoint(Decimal(c), t) for c, t in [(10, 5), (8, 7), (9, 7), (12, 4), (11, 6)]]
    >>> [(int(p.cost), p.lead_time) for p in nondominated(pts)]
    [(12, 4), (10, 5), (8, 7)]
    """
    best: dict[tuple[Decimal, int], FrontPoint] = {}
    for p in points:
        best.setdefault((p.cost, p.lead_time), p)
    out: list[FrontPoint] = []
    for key in sorted(best, key=lambda k: (k[1], k[0])):
        if not out or key[0] < out[-1].cost:
            out.append(best[key])
    return tuple(out)


def front_from_candidates(candidates: Sequence[Candidate]) -> Front:
    """A stand-in front: the non-dominated points among the candidates only (``exact=False``)."""
    points = nondominated(FrontPoint(c.cost, c.lead_time, c) for c in candidates)
    return Front(points, exact=False, note="candidates only: the exact front was not computed")


def _field(item: Any, name: str, index: int) -> Any:
    if isinstance(item, (tuple, list)):
        return item[index] if len(item) > index else None
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def front_from_analysis(front: Any) -> Front:
    """A :class:`Front` from the exact Pareto analysis's result.

    Accepts an object with ``points`` (or an iterable of points), each point
    having ``cost``, ``lead_time`` and optionally ``candidate`` (attributes,
    dict keys, or a ``(cost, lead_time[, candidate])`` tuple). A result with a
    false ``complete`` or ``proven`` attribute is drawn as exact but noted
    as not proven complete.
    """
    raw = getattr(front, "points", front)
    points: list[FrontPoint] = []
    for item in raw:
        cost = _field(item, "cost", 0)
        lead_time = _field(item, "lead_time", 1)
        candidate = _field(item, "candidate", 2)
        points.append(
            FrontPoint(
                Decimal(str(cost)),
                int(lead_time),
                candidate if isinstance(candidate, Candidate) else None,
            )
        )
    complete = all(bool(getattr(front, name, True)) for name in ("complete", "proven"))
    note = "" if complete else "the time limit stopped the search: the front may be incomplete"
    return Front(tuple(sorted(points, key=lambda p: (p.lead_time, p.cost))), exact=True, note=note)


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
    """
    matplotlib = require_matplotlib()
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    pts = sorted(front.points, key=lambda p: (p.lead_time, p.cost))
    xs = [float(p.lead_time) for p in pts] + [float(c.lead_time) for c in candidates]
    ys = [float(p.cost) for p in pts] + [float(c.cost) for c in candidates]
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = _new_figure(8.0, 5.2)
        ax = fig.add_subplot()
        if not xs:
            ax.text(0.5, 0.5, "no feasible system: nothing to draw", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        notes = [front.note] if front.note else []
        draw_deadline = _near(None if deadline is None else float(deadline), min(xs), max(xs))
        draw_budget = _near(None if budget is None else float(budget), min(ys), max(ys))
        if deadline is not None and not draw_deadline:
            notes.append(f"deadline {deadline} days (off the chart)")
        if budget is not None and not draw_budget:
            notes.append(f"budget {format_money(budget)} (off the chart)")
        if draw_deadline:
            xs.append(float(deadline or 0))
        if draw_budget:
            ys.append(float(budget or 0))
        x_lo, x_hi = min(xs), max(xs)
        y_lo, y_hi = min(ys), max(ys)
        pad_x = max((x_hi - x_lo) * 0.12, 2.0)
        pad_y = max((y_hi - y_lo) * 0.15, y_hi * 0.004, 1.0)
        if pts:
            stair_x = [float(p.lead_time) for p in pts] + [x_hi + pad_x]
            stair_y = [float(p.cost) for p in pts] + [float(pts[-1].cost)]
            ax.step(
                stair_x,
                stair_y,
                where="post",
                color="#1f77b4",
                linestyle="-" if front.exact else "--",
                linewidth=1.5,
                label="Pareto front" if front.exact else "non-dominated among candidates",
                zorder=2,
            )
            ax.fill_between(stair_x, stair_y, y_hi + pad_y, step="post", color="#1f77b4", alpha=0.06, zorder=1)
            ax.scatter(
                [p.lead_time for p in pts],
                [float(p.cost) for p in pts],
                s=28,
                color="#1f77b4",
                zorder=3,
                label="front point" if front.exact else None,
                gid="front-points",
            )
        if candidates:
            ax.scatter(
                [c.lead_time for c in candidates],
                [float(c.cost) for c in candidates],
                s=110,
                facecolors="none",
                edgecolors="#d62728",
                linewidths=1.8,
                zorder=4,
                label="candidates (rank)",
                gid="candidates",
            )
            for x, y, text in _rank_labels(candidates, (y_hi - y_lo) + 2 * pad_y):
                ax.annotate(
                    text,
                    (x, y),
                    xytext=(7, 6),
                    textcoords="offset points",
                    fontsize=8.5,
                    color="#d62728",
                    fontweight="bold",
                )
        if draw_deadline:
            ax.axvline(float(deadline or 0), color=_DEADLINE_COLOUR, linestyle="--", linewidth=1.1, label="deadline")
        if draw_budget:
            ax.axhline(float(budget or 0), color=_DEADLINE_COLOUR, linestyle=":", linewidth=1.1, label="budget")
        ax.set_xlim(x_lo - pad_x, x_hi + pad_x)
        ax.set_ylim(y_lo - pad_y, y_hi + pad_y)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_xlabel("lead time (days)")
        ax.set_ylabel(f"cost ({money})" if money else "cost")
        ax.grid(color="#eeeeee")
        ax.set_axisbelow(True)
        kind = f"Pareto front, {len(pts)} point(s)" if front.exact else "candidates only"
        ax.set_title(title or f"Cost / lead time: {kind}")
        if notes:
            ax.text(
                0.01,
                0.98,
                "\n".join(notes),
                transform=ax.transAxes,
                fontsize=7.5,
                va="top",
                color="#555555",
            )
        ax.legend(loc="upper right")
    return fig


def _example() -> Candidate:
    """A two-module candidate for the doctests."""
    from modcluster.domain.solution import CostBreakdown, ModuleChoice, SeedChoice, StepChoice

    zero = Decimal(0)
    return Candidate(
        rank=1,
        proven_optimal=True,
        cost=Decimal(100),
        lead_time=20,
        hub="h",
        partners=("a", "b"),
        modules=(
            ModuleChoice("frame", "buy", organization="a", offer="frame", start=0, end=5),
            ModuleChoice(
                "lens",
                "make",
                steps=(StepChoice("grind", "b", "grind", 4, 9), StepChoice("coat", "h", "coat", 10, 12)),
                seed=SeedChoice("b", "s1", 0, 4),
            ),
        ),
        integration=(12, 20),
        links=(),
        cost_breakdown=CostBreakdown(Decimal(100), zero, zero, zero, zero),
    )
