"""A self-contained HTML report of a plan: status, totals, entries, the price of sharing, and two figures.

Built like the solution report (:mod:`modcluster.report.html`): the same
style sheet, no scripts, the figures as PNG ``data:`` URLs, every catalog
string escaped, and the same input gives the same bytes. The figures are the
plan's Gantt by organisation
(:func:`~modcluster.report.figures.plan_gantt_chart.plan_gantt`) and the load
of its busiest organisations against their capacity
(:func:`~modcluster.report.figures.plan_load_chart.plan_load`).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from modcluster.domain import Catalog, Limits, Plan, PlannedEntry, PlanRequest, Request, Status
from modcluster.errors import ModclusterError
from modcluster.report import figures
from modcluster.report.html import _CSS, Report, _img, _span, _table
from modcluster.report.plan_text import alone_rows
from modcluster.report.text import format_money

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PLAN_FIGURES", "build_plan_report", "plan_figures"]

#: The PNG file names of a plan's figures (what ``modcluster plan --png DIR`` writes).
PLAN_FIGURES = ("plan-gantt.png", "plan-load.png")

_STATUS_TEXT = {
    Status.OPTIMAL: "optimal: the plan is proven best",
    Status.FEASIBLE: "feasible: best plan found within the time limit, not proven optimal",
    Status.INFEASIBLE: "infeasible: no plan meets the request",
    Status.UNKNOWN: "unknown: no plan found within the time limit, nothing proven",
}

_PLAN_CSS = """
section.plan { border-top: 3px solid #1f3a5f; margin-top: 28px; }
details { margin: 4px 0; } summary { cursor: pointer; }
"""


def plan_figures(catalog: Catalog, plan: Plan) -> dict[str, Figure]:
    """The plan's figures by PNG file name (:data:`PLAN_FIGURES`); none when the plan has no entries."""
    from modcluster.report.figures.plan_gantt_chart import plan_gantt
    from modcluster.report.figures.plan_load_chart import plan_load

    if not plan.entries:
        return {}
    return {"plan-gantt.png": plan_gantt(plan, catalog), "plan-load.png": plan_load(plan, catalog)}


def _requested(catalog: Catalog, plan: Plan) -> tuple[PlanRequest, tuple[Request, ...]] | None:
    """The plan request stored in the plan and each entry's effective request (catalog defaults merged)."""
    from modcluster.domain import entry_requests
    from modcluster.domain.frozen import thaw

    if plan.request is None:
        return None
    try:
        request = PlanRequest.model_validate(thaw(plan.request))
        return request, entry_requests(catalog, request)
    except (ModclusterError, ValueError):  # a plan read from elsewhere: show what it states, not its limits
        return None


def _entry_limits(catalog: Catalog, plan: Plan) -> tuple[dict[str, Limits], Decimal | None]:
    """Each entry's effective limits by entry id, and the plan's budget (empty, None: not known)."""
    found = _requested(catalog, plan)
    if found is None:
        return {}, None
    request, merged = found
    return {e.key: r.limits for e, r in zip(request.entries, merged, strict=True)}, request.limits.budget


def _requested_html(catalog: Catalog, plan: Plan) -> list[str]:
    """Without a plan: the entries as requested (what the explanation is about)."""
    found = _requested(catalog, plan)
    if found is None:
        return []
    request, merged = found
    rows = [
        [
            e.key,
            r.product,
            str(r.quantity),
            str(e.release),
            r.hub or "-",
            "-" if r.limits.budget is None else format_money(r.limits.budget),
            "-" if r.limits.deadline is None else str(r.limits.deadline),
        ]
        for e, r in zip(request.entries, merged, strict=True)
    ]
    header = ["entry", "product", "quantity", "release (day)", "hub", "budget", "deadline (day)"]
    return ["<h2>Entries requested</h2>", _table(header, rows, numeric=[2, 3, 5, 6])]


def _delta(value: Decimal | int) -> str:
    return format_money(value) if isinstance(value, Decimal) else str(value)


def _entry_details(entry: PlannedEntry, anchor: str, money: str) -> str:
    """One entry's system: hub, partners, each module's source and days, the cost terms."""
    c = entry.system
    rows: list[list[str]] = []
    for m in c.modules:
        if m.source == "buy":
            rows.append([m.id, "buy", f"{m.organization} / {m.offer}", _span(m)])
        else:
            by = [f"{s.organization} / {s.offer}" for s in m.steps]
            if m.seed is not None:
                by.insert(0, f"seed {m.seed.seed} of {m.seed.organization}")
            rows.append([m.id, "make", " → ".join(by), _span(m)])
    rows.append(["integration", c.hub, "the hub", f"{c.integration[0]}-{c.integration[1]}"])
    b = c.cost_breakdown
    cost_rows = [
        [name, format_money(value)]
        for name, value in (
            ("integration (design fee and bridges)", b.integration),
            ("steps", b.steps),
            ("modules", b.modules),
            ("licences", b.licences),
            ("on-boarding paid by this entry", b.onboarding),
            *((("person placed" + (f" ({c.person})" if c.person else ""), b.people),) if c.with_people else ()),
            *((("less subsidies (policies)", -b.subsidies),) if c.with_policies else ()),
        )
    ]
    cost_rows.append(["total", format_money(b.total)])
    return (
        f'<details id="{escape(anchor)}"><summary><b>{escape(entry.id)}</b>: {escape(entry.product)}, '
        f"hub {escape(c.hub)}, {len(c.partners)} partner(s): {escape(', '.join(c.partners) or 'none')}</summary>"
        '<div class="tables">'
        + "<div><h4>Modules</h4>"
        + _table(["module", "source", "by", "days"], rows)
        + "</div>"
        + f"<div><h4>Cost ({escape(money)})</h4>"
        + _table(["term", "amount"], cost_rows, numeric=[1])
        + "</div></div></details>"
    )


def _entries_html(catalog: Catalog, plan: Plan, money: str) -> list[str]:
    limits, _ = _entry_limits(catalog, plan)
    rows = []
    for e in plan.entries:
        lim = limits.get(e.id)
        deadline = "-" if lim is None or lim.deadline is None else str(lim.deadline)
        budget = "-" if lim is None or lim.budget is None else format_money(lim.budget)
        rows.append(
            [
                e.id,
                e.product,
                str(e.quantity),
                str(e.release),
                e.system.hub,
                str(len(e.system.partners)),
                format_money(e.system.cost),
                format_money(e.system.cost_breakdown.onboarding),
                budget,
                str(e.system.lead_time),
                deadline,
            ]
        )
    header = [
        "entry",
        "product",
        "quantity",
        "release (day)",
        "hub",
        "partners",
        f"cost ({money})",
        "on-boarding paid",
        "budget",
        "lead time (day)",
        "deadline (day)",
    ]
    out = ["<h2>Entries</h2>", _table(header, rows, numeric=[2, 3, 5, 6, 7, 8, 9, 10])]
    out.append('<p class="note">Each entry\'s system (click to open):</p>')
    out += [_entry_details(e, f"entry-{i}", money) for i, e in enumerate(plan.entries, start=1)]
    return out


def _alone_html(plan: Plan, money: str) -> list[str]:
    rows = alone_rows(plan)
    header = [
        "entry",
        "status alone",
        f"cost alone ({money})",
        "lead time alone (day)",
        "cost: plan - alone",
        "lead time: plan - alone",
    ]
    out = [
        "<h2>Each entry alone</h2>",
        '<p class="note">Each entry solved alone (v1, one candidate, the plan\'s objective, from its release '
        "day), as if it had the cluster to itself.</p>",
        _table(header, rows, numeric=[2, 3, 4, 5]),
    ]
    price = plan.price_of_sharing
    if price is not None:
        out.append(
            f'<p id="price-of-sharing">Price of sharing the cluster: <b>{escape(_delta(price["cost"]))} '
            f"{escape(money)}</b> in cost and <b>{escape(_delta(price['lead_time']))} days</b> in the sum of lead "
            "times (negative: sharing saves, through ties another entry paid for).</p>"
        )
    return out


def _explanation_html(plan: Plan, money: str) -> list[str]:
    ex = plan.explanation
    if ex is None:
        return []
    feasible = [key for key, status in ex.alone if status in (Status.OPTIMAL, Status.FEASIBLE)]
    not_alone = [f"{key} ({status.value})" for key, status in ex.alone if key not in feasible]
    size = "a smallest set" if ex.smallest else "irreducible: every entry of it is needed (a smaller set not ruled out)"
    items = [
        f"<li>Entries that cannot be planned together ({escape(size)}): <b>{escape(', '.join(ex.conflict))}</b>.</li>",
        f"<li>Feasible alone: {escape(', '.join(feasible) or 'none')}"
        + (f"; not feasible alone: {escape(', '.join(not_alone))}" if not_alone else "")
        + ".</li>",
        "<li>Days added to every deadline of the set that let it through: "
        + (f"{ex.extra_days}" if ex.extra_days is not None else "none found (days do not help, or not proven)")
        + ".</li>",
        "<li>Money added to every budget of the set that lets it through: "
        + (
            f"{escape(format_money(ex.extra_money))} {escape(money)}"
            if ex.extra_money is not None
            else "none found (money does not help, or not proven)"
        )
        + ".</li>",
    ]
    return [
        '<section id="why"><h2>Why no plan exists</h2>',
        f"<p>{escape(ex.summary)}</p>",
        "<ul>" + "".join(items) + "</ul></section>",
    ]


def build_plan_report(catalog: Catalog, plan: Plan, *, title: str | None = None) -> Report:
    """Draw the plan's figures once and build the HTML page around them.

    The page: the status, the totals (with the plan's budget), the entries
    with each one's system, the entries alone and the price of sharing, the
    explanation when no plan exists, the Gantt by organisation and the load
    of the busiest organisations against their capacity.

    Returns:
        The page, and the figures as PNG bytes named as in :data:`PLAN_FIGURES`
        (none when the plan has no entries).

    Raises:
        PlotUnavailableError: matplotlib is not installed.
    """
    figures.require_matplotlib()
    images = {name: figures.figure_png(fig) for name, fig in plan_figures(catalog, plan).items()}
    money = catalog.units.money
    heading = title or f"modcluster plan: {catalog.name or 'catalog'}"
    _, plan_budget = _entry_limits(catalog, plan)
    status = plan.status
    count = max(len(plan.alone), len(plan.entries))
    body = [
        '<section class="plan" id="summary">',
        f"<h2>Plan ({escape(plan.objective)})</h2>",
        f'<p class="status-{status.value}"><b>{escape(_STATUS_TEXT[status])}</b>; {count} entries.</p>',
    ]
    if plan.bound is not None:
        body.append(f"<p>Proven lower bound of the objective's first figure: {escape(str(plan.bound))}.</p>")
    if plan.entries:
        assert plan.total_cost is not None
        totals = [
            ["total cost", f"{format_money(plan.total_cost)} {money}"],
            ["sum of lead times", f"{plan.total_lead_time} days"],
            ["makespan", f"{plan.makespan} days"],
            ["entries", str(len(plan.entries))],
        ]
        if plan_budget is not None:
            totals.insert(1, ["plan budget", f"{format_money(plan_budget)} {money}"])
        body.append('<div id="totals">' + _table(["total", "value"], totals, numeric=[1]) + "</div>")
    body += _explanation_html(plan, money)
    body += _entries_html(catalog, plan, money) if plan.entries else _requested_html(catalog, plan)
    body += _alone_html(plan, money)
    if "plan-gantt.png" in images:
        body.append("<h2>Gantt by organisation</h2>")
        body.append(
            _img(
                images["plan-gantt.png"],
                "Gantt chart of the plan by organisation",
                "Every task of the plan: one row per organisation (its capacity beside its name, one lane per task "
                "it runs at once), bars coloured by entry and labelled with the entry's number and, when it fits, "
                "the task; integration outlined dark, seed transfers hatched, the makespan dotted.",
            )
        )
    if "plan-load.png" in images:
        body.append("<h2>Load by organisation</h2>")
        body.append(
            _img(
                images["plan-load.png"],
                "Load of the busiest organisations against their capacity",
                "Tasks at once over the days for the busiest organisations (task-days per unit of capacity), "
                "the capacity dashed red; no panel goes above its line.",
            )
        )
    body.append("</section>")
    toc = ['<li><a href="#summary">Status and totals</a></li>']
    if plan.explanation is not None:
        toc.append('<li><a href="#why">Why no plan exists</a></li>')
    toc += [
        f'<li><a href="#entry-{i}">{escape(e.id)}</a>: {escape(e.product)}, cost '
        f"{escape(format_money(e.system.cost))} {escape(money)}, lead time {e.system.lead_time} days</li>"
        for i, e in enumerate(plan.entries, start=1)
    ]
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)}</title>
<style>{_CSS}{_PLAN_CSS}</style>
</head>
<body>
<header><h1>{escape(heading)}</h1>
<p>{count} entries sharing {len(catalog.organizations)} organisations; objective {escape(plan.objective)};
money in {escape(money)}, time in days.</p></header>
<main>
<nav><h2>Contents</h2><ul>{"".join(toc)}</ul></nav>
{chr(10).join(body)}
</main>
</body>
</html>
"""
    return Report(page, images)
