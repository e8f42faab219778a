"""The product system as a network: the hub at the centre, partners around it grouped by role."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from modcluster.domain import Candidate, Catalog
from modcluster.report.figures.common import (
    FIGURE_STYLE,
    HANDOVER_COLOUR,
    ROLE_COLOURS,
    ROLE_ORDER,
    new_figure,
    require_matplotlib,
)
from modcluster.report.figures.tasks import Task, precedences, schedule_tasks
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["network"]

#: How much wider than tall the circle of partners is drawn (the labels are wide).
_STRETCH = 1.7

#: A licensed seed to draw: its node name, its licensor and its label.
_Seed = tuple[str, str, str]
#: Where each node (organisation or seed) sits.
_Positions = dict[str, Any]


def _kind(catalog: Catalog, org: str) -> str:
    """The organisation's kind, or "" when the catalog gives none."""
    found = catalog.org_by_id.get(org)
    return str(found.kind) if found is not None and found.kind is not None else ""


def _onboarding_note(catalog: Catalog, hub: str, partner: str) -> str:
    """The label of a new tie: the hub's on-boarding fee for the partner, and the intermediary offering it.

    The fee is the contract's, :meth:`Catalog.onboarding_cost`; the intermediary
    named is the first by id of the shared ones asking exactly that fee (none
    when the catalog's default applies).
    """
    fee = catalog.onboarding_cost(hub, partner)
    via = sorted(
        i.id for i in catalog.intermediaries if i.onboarding_cost == fee and hub in i.members and partner in i.members
    )
    return f"new tie {format_money(fee)} ({via[0]})" if via else f"new tie {format_money(fee)}"


def _positions(candidate: Candidate, partners: list[str], seeds: Sequence[_Seed]) -> _Positions:
    """Organisations on networkx's shell layout stretched into an ellipse, seeds just inside their licensor."""
    import networkx as nx

    hub = candidate.hub
    star = nx.star_graph([hub, *partners])  # the hub at the centre, every partner tied to it
    shells = [[hub], partners] if partners else [[hub]]
    shell = nx.shell_layout(star, shells, scale=len(shells))  # partners on the unit circle
    pos: _Positions = {k: (float(v[0]) * _STRETCH, float(v[1])) for k, v in shell.items()}
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
    return pos


def _work(tasks: Sequence[Task]) -> dict[str, list[str]]:
    """The modules each organisation works on (seeds aside), in task order."""
    work: dict[str, list[str]] = {}
    for t in tasks:
        if t.module is not None and t.kind != "seed" and t.module not in work.setdefault(t.organization, []):
            work[t.organization].append(t.module)
    return work


def _flows(hub: str, tasks: Sequence[Task]) -> list[tuple[str, str]]:
    """Partner-to-partner handovers of parts (the hub's own are its spokes), each pair once."""
    return sorted(
        {
            (a.organization, b.organization)
            for a, b in precedences(tasks)
            if a.organization != b.organization and hub not in (a.organization, b.organization) and a.kind != "seed"
        }
    )


def _draw_links(
    ax: Axes, catalog: Catalog, hub: str, partners: list[str], flows: list[tuple[str, str]], pos: _Positions
) -> None:
    """The hub's spokes (solid for an existing tie, dashed for a new one), then the partners' handovers."""
    from matplotlib.patches import FancyArrowPatch

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
                color=HANDOVER_COLOUR,
                alpha=0.8,
                linewidth=0.8,
                shrinkA=14,
                shrinkB=14,
                zorder=1,
            )
        )


def _draw_seeds(ax: Axes, seeds: Sequence[_Seed], pos: _Positions) -> None:
    """Each licensed seed as a star on a dotted line to its licensor."""
    for node, licensor, label in seeds:
        (x0, y0), (x1, y1) = pos[node], pos[licensor]
        ax.plot([x0, x1], [y0, y1], color="#2ca02c", linestyle=":", linewidth=1.0, zorder=1)
        ax.scatter([x0], [y0], s=140, marker="*", color="#f1c40f", edgecolors="#7d6608", zorder=3, gid=node)
        ax.text(x0, y0 - 0.05, label, fontsize=6.5, ha="center", va="top", zorder=4)


def _org_label(catalog: Catalog, hub: str, org: str, work: dict[str, list[str]], person: str | None = None) -> str:
    """Name (hub marked, with the person placed there, v1.1), kind and site, modules worked on, a new tie's fee."""
    found = catalog.org_by_id.get(org)
    site = found.site if found is not None and found.site else "no site"
    mark = "" if org != hub else " (hub)" if person is None else f" (hub, led by {person})"
    lines = [f"{org}{mark}", f"{_kind(catalog, org) or 'organisation'} · {site}"]
    if work.get(org):
        lines.append(", ".join(work[org]))
    if org != hub and frozenset((hub, org)) not in catalog.ties:
        lines.append(_onboarding_note(catalog, hub, org))
    return "\n".join(lines)


def _draw_org(
    ax: Axes,
    catalog: Catalog,
    hub: str,
    org: str,
    pos: _Positions,
    work: dict[str, list[str]],
    person: str | None = None,
) -> None:
    """The organisation's node, coloured by role (the hub larger, outlined), and its label."""
    x, y = pos[org]
    is_hub = org == hub
    ax.scatter(
        [x],
        [y],
        s=900 if is_hub else 420,
        color=ROLE_COLOURS.get(_kind(catalog, org), ROLE_COLOURS[""]),
        edgecolors="black" if is_hub else "white",
        linewidths=2.2 if is_hub else 1.0,
        zorder=3,
        gid=f"org:{org}",
    )
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
        _org_label(catalog, hub, org, work, person),
        fontsize=7,
        ha=ha,
        va=va,
        linespacing=1.15,
        zorder=4,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )


def _legend(fig: Figure, catalog: Catalog, orgs: list[str], with_seeds: bool) -> None:
    """The roles present, the two kinds of tie, handovers and (when drawn) licensed seeds."""
    from matplotlib.lines import Line2D

    roles = sorted({_kind(catalog, o) for o in orgs}, key=ROLE_ORDER.index)
    handles: list[Any] = [
        Line2D([], [], marker="o", linestyle="", markersize=8, color=ROLE_COLOURS[r], label=r or "other") for r in roles
    ]
    handles += [
        Line2D([], [], color="#555555", linewidth=1.6, label="existing tie"),
        Line2D([], [], color="#555555", linestyle=(0, (5, 3)), linewidth=1.2, label="new tie (on-boarding)"),
        Line2D([], [], color=HANDOVER_COLOUR, marker=">", markersize=4, label="parts handed over"),
    ]
    if with_seeds:
        handles.append(Line2D([], [], marker="*", linestyle="", markersize=11, color="#f1c40f", label="licensed seed"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5))


def network(candidate: Candidate, catalog: Catalog, *, title: str | None = None) -> Figure:
    """The product system as a network: the hub at the centre, partners around it grouped by role.

    Hub-partner edges are solid for an existing tie and dashed for a new one
    (labelled with its on-boarding cost); thin grey arrows show parts handed
    from one partner to another; licensed seeds hang off their licensor.
    Organisations sit on networkx's shell layout (stretched into an ellipse),
    which involves no randomness: the same candidate always gets the same picture.

    Args:
        candidate: The system to draw.
        catalog: The catalog it was configured from (kinds, sites, ties, intermediaries).
        title: The chart's title instead of the default one.

    Returns:
        The figure, on the Agg canvas.

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    matplotlib = require_matplotlib()
    hub = candidate.hub
    tasks = schedule_tasks(candidate)
    partners = sorted(candidate.partners, key=lambda o: (ROLE_ORDER.index(_kind(catalog, o)), o))
    orgs = [hub, *partners]
    seeds = [(f"seed:{m.id}", m.seed.organization, f"{m.seed.seed}\n(for {m.id})") for m in candidate.modules if m.seed]
    pos = _positions(candidate, partners, seeds)
    work = _work(tasks)
    with matplotlib.rc_context(FIGURE_STYLE):
        fig = new_figure(10.0, 7.8)
        ax = fig.add_subplot()
        ax.set_axis_off()
        _draw_links(ax, catalog, hub, partners, _flows(hub, tasks), pos)
        _draw_seeds(ax, seeds, pos)
        for org in orgs:
            _draw_org(ax, catalog, hub, org, pos, work, candidate.person)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
        ax.set_ylim(min(ys) - 0.32, max(ys) + 0.3)
        ax.set_title(title or f"Product system of candidate {candidate.rank}: hub {hub}, {len(partners)} partner(s)")
        _legend(fig, catalog, orgs, bool(seeds))
    return fig
