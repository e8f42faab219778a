"""A plan in the terminal: each entry's system, the totals, the price of sharing, and a Gantt by organisation.

The Gantt has one row per organisation taking part: each column is a span
of days, and its character is the most tasks the organisation runs at once
in that span (``.`` none, ``1``-``9``, ``+`` more), so a row shows its load
against the capacity printed beside it. The organisation's tasks follow.
"""

from __future__ import annotations

from collections import defaultdict

from modcluster.domain import Catalog, Plan, PlanTask, Status, calendar_of
from modcluster.report.text import calendar_line, format_money, gantt_width, table

__all__ = ["alone_rows", "load_profile", "render_plan"]

_STATUS_TEXT = {
    Status.OPTIMAL: "optimal (proven)",
    Status.FEASIBLE: "feasible (best plan found within the time limit, not proven optimal)",
    Status.INFEASIBLE: "infeasible (no plan meets the request)",
    Status.UNKNOWN: "unknown (no plan found within the time limit, nothing proven)",
}


def load_profile(tasks: list[PlanTask], span: int, width: int) -> tuple[str, int]:
    """One organisation's load as a line of ``width`` characters over days ``[0, span)``, and its peak.

    A task of 0 days takes no capacity and is not counted.

    >>> load_profile([PlanTask("a", "e", "x", 0, 4), PlanTask("a", "f", "y", 2, 6)], 6, 6)
    ('112211', 2)
    """
    span = max(span, 1)
    line = []
    peak = 0
    for column in range(width):
        first = column * span // width
        last = max(first + 1, (column + 1) * span // width)
        most = max((sum(1 for t in tasks if t.start <= day < t.end) for day in range(first, last)), default=0)
        peak = max(peak, most)
        line.append("." if most == 0 else str(most) if most <= 9 else "+")
    return "".join(line), peak


def _gantt(plan: Plan, catalog: Catalog | None, width: int | None = None) -> list[str]:
    by_org: dict[str, list[PlanTask]] = defaultdict(list)
    for task in plan.tasks():
        by_org[task.organization].append(task)
    span = plan.makespan or 1
    name_w = max((len(org) for org in by_org), default=12)
    if width is None:  # the profile between "  name  cap  peak  |" and "|"
        width = gantt_width(name_w + 18, 60)
    width = min(width, span)
    lines = [f"  {'organisation'.ljust(name_w)}  cap  peak  day 0{'day ' + str(span):>{width - 4}}"]
    for org in sorted(by_org):
        tasks = sorted(by_org[org], key=lambda t: (t.start, t.entry, t.label))
        cap = catalog.org_by_id[org].capacity if catalog is not None and org in catalog.org_by_id else None
        profile, peak = load_profile(tasks, span, width)
        over = "  OVER CAPACITY" if cap is not None and peak > cap else ""
        cap_text = "?" if cap is None else str(cap)
        lines.append(f"  {org.ljust(name_w)}  {cap_text:>3}  {peak:>4}  |{profile}|{over}")
        listing = ", ".join(f"{t.entry}: {t.label} {t.start}-{t.end}" for t in tasks)
        lines.append(f"  {'':{name_w}}              {listing}")
    return lines


def render_plan(plan: Plan, catalog: Catalog | None = None) -> str:
    """The plan as readable text: status, totals, entries, the price of sharing, a Gantt by organisation."""
    out = [f"plan ({plan.objective}): {_STATUS_TEXT[plan.status]}"]
    if plan.bound is not None:
        out.append(f"  proven lower bound of the objective's first figure: {plan.bound}")
    calendar = calendar_of(plan.request)
    if calendar is not None:
        out.append(f"  {calendar_line(calendar)}")
    if plan.entries:
        assert plan.total_cost is not None and plan.makespan is not None
        ends = "" if calendar is None else f" (ends {calendar.end_date(0, plan.makespan)})"
        out.append(
            f"  total cost {format_money(plan.total_cost)}, sum of lead times {plan.total_lead_time} days, "
            f"makespan {plan.makespan} days{ends}, {len(plan.entries)} entries"
        )
        out.append("")
        rows = [
            [
                e.id,
                e.product,
                str(e.quantity),
                str(e.release),
                e.system.hub,
                str(len(e.system.partners)),
                format_money(e.system.cost),
                format_money(e.system.cost_breakdown.onboarding),
                str(e.system.lead_time),
                *(
                    []
                    if calendar is None
                    else [str(calendar.date_of(e.release)), str(calendar.end_date(0, e.system.lead_time))]
                ),
            ]
            for e in plan.entries
        ]
        header = ["entry", "product", "qty", "release", "hub", "partners", "cost", "onboarding paid", "lead"]
        header += [] if calendar is None else ["from", "to"]
        out += ["  " + line for line in table(rows, header, indent=2)]
    out.append("")
    out.append("each entry alone (v1, one candidate, from its release day):")
    rows = alone_rows(plan)
    out += [
        "  " + line
        for line in table(rows, ["entry", "status", "cost", "lead", "cost in plan - alone", "lead"], indent=2)
    ]
    price = plan.price_of_sharing
    if price is not None:
        out.append(
            f"  price of sharing: {format_money(price['cost'])} in cost, {price['lead_time']} days in the sum of "
            "lead times (negative: sharing the cluster saves)"
        )
    if plan.entries:
        out.append("")
        out.append("load by organisation (tasks at once per span of days, against capacity):")
        out += _gantt(plan, catalog)
    if plan.explanation is not None:
        ex = plan.explanation
        out.append("")
        out.append(f"why: {ex.summary}")
        alone_text = ", ".join(f"{key}: {status.value}" for key, status in ex.alone)
        out.append(f"  each entry alone: {alone_text}")
    return "\n".join(out)


def alone_rows(plan: Plan) -> list[list[str]]:
    """Each entry alone against the plan, as cells: id, status alone, cost and lead time alone, and the differences.

    The text report and the HTML report (:mod:`modcluster.report.plan_html`) both show this table.
    """
    in_plan = {e.id: e for e in plan.entries}
    rows = []
    for a in plan.alone:
        mine = in_plan.get(a.id)
        rows.append(
            [
                a.id,
                a.status.value,
                "-" if a.cost is None else format_money(a.cost),
                "-" if a.lead_time is None else str(a.lead_time),
                "-" if mine is None or a.cost is None else format_money(mine.system.cost - a.cost),
                "-" if mine is None or a.lead_time is None else str(mine.system.lead_time - a.lead_time),
            ]
        )
    return rows
