"""What the templates show, as plain values: every figure taken from the library's results, formatted.

Nothing here decides anything: a value's status, cost, lead time and why
come from the decision table (:meth:`Configurator.options
<modcluster.configure.Configurator.options>`) and :meth:`Configurator.why
<modcluster.configure.Configurator.why>`; a plan's from
:func:`modcluster.plan`. This module only formats them (money as the CLI
writes it, :func:`~modcluster.report.text.format_money`; quantities with the
same thousands separators, :func:`format_count`; weights in full,
:func:`~modcluster.domain.catalog.plain_number`) and attaches the links of
each act.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modcluster.configure import Blame
from modcluster.domain import (
    Candidate,
    Catalog,
    Configuration,
    DecisionRow,
    Plan,
    Request,
    ValueRow,
    ValueStatus,
    WorkingCalendar,
    calendar_of,
)
from modcluster.domain.catalog import plain_number
from modcluster.report.configure_text import value_note
from modcluster.report.html import cost_rows
from modcluster.report.text import format_money
from modcluster.web.state import Act, Ask, configure_url

__all__ = [
    "BestView",
    "DecisionView",
    "LoadView",
    "ValueView",
    "WeightsView",
    "best_view",
    "decision_title",
    "deltas",
    "format_count",
    "load_views",
    "plan_rows",
    "request_calendar",
    "table_views",
    "value_title",
    "weights_view",
    "why_lines",
]


@dataclass(frozen=True, slots=True)
class ValueView:
    """One value's row in the decision table."""

    value: str
    title: str
    status: str
    selected: bool
    ruled_out: bool
    cost: str
    days: str
    delta_cost: str
    delta_days: str
    note: str
    select_url: str | None
    rule_out_url: str | None
    why_url: str | None
    why: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class DecisionView:
    """One decision: its name, a readable title, the chosen value and every value's row."""

    decision: str
    title: str
    chosen: str | None
    values: tuple[ValueView, ...]


@dataclass(frozen=True, slots=True)
class BestView:
    """The current best system: figures, who takes part, its tasks (with dates under a calendar), its costs."""

    cost: str
    lead_time: int
    end_date: str | None
    hub: str
    person: str | None
    partners: tuple[str, ...]
    proven: bool
    tasks: tuple[tuple[str, str, int, int, str], ...]
    costs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class LoadView:
    """One organisation's load in a plan: capacity, most tasks at once, task-days, and the load over time."""

    organization: str
    name: str
    capacity: str
    peak: int
    task_days: int
    over: bool
    profile: str


@dataclass(frozen=True, slots=True)
class WeightsView:
    """The weights a ``weighted`` request ranks by, written in full, and what they amount to."""

    cost: str
    lead_time: str
    note: str


def format_count(value: int) -> str:
    """A whole number (a quantity) with the thousands separators money has (:func:`format_money`).

    >>> format_count(5000), format_count(1234567), format_count(12)
    ('5,000', '1,234,567', '12')
    """
    return f"{value:,}"


def weights_view(request: Request) -> WeightsView | None:
    """The request's weights when its objective is ``weighted`` (None otherwise: they take no part then).

    The note says when one weight is 0: ``weighted`` ties are broken by lower
    cost, then lower lead time (MODEL.md, "Readings"), so a lead-time weight of
    0 ranks as ``cost`` does (the default weights, cost 1 and lead time 0, do
    that), and a cost weight of 0 as ``lead_time`` does.

    >>> from decimal import Decimal
    >>> from modcluster.domain import Request
    >>> weights_view(Request(product="p", objective="weighted", weights={"cost": 1, "lead_time": Decimal("1E+3")}))
    WeightsView(cost='1', lead_time='1000', note='')
    >>> weights_view(Request(product="p", objective="weighted")).note
    'the lead time weighs nothing: this ranks as the cost objective does'
    >>> weights_view(Request(product="p", objective="cost")) is None
    True
    """
    if request.objective.value != "weighted":
        return None
    weights = request.weights
    note = ""
    if weights.cost == 0 and weights.lead_time == 0:
        note = "neither weighs anything: every system ties, and ties go to the lower cost, as the cost objective ranks"
    elif weights.lead_time == 0:
        note = "the lead time weighs nothing: this ranks as the cost objective does"
    elif weights.cost == 0:
        note = "the cost weighs nothing: this ranks as the lead_time objective does"
    return WeightsView(plain_number(weights.cost), plain_number(weights.lead_time), note)


def _org(catalog: Catalog, org_id: str) -> str:
    org = catalog.org_by_id.get(org_id)
    return org.name if org is not None and org.name else org_id


def decision_title(decision: str) -> str:
    """A decision's name as a person reads it.

    >>> decision_title("modules.head.steps.2"), decision_title("hub")
    ('head: step 2', 'hub (integrates the product)')
    """
    parts = decision.split(".")
    if decision == "hub":
        return "hub (integrates the product)"
    if decision == "person":
        return "person placed at the hub"
    if len(parts) >= 3 and parts[0] == "modules":
        module, what = parts[1], parts[2]
        if what == "steps" and len(parts) == 4:
            return f"{module}: step {parts[3]}"
        return f"{module}: {what}"
    return decision


def value_title(catalog: Catalog, decision: str, value: str) -> str:
    """A value as a person reads it: an organisation's name, ``buy from ...``, a seed's licensor."""
    if decision.endswith(".source"):
        if value == "make":
            return "make it in the cluster"
        return "buy from " + _org(catalog, value.removeprefix("buy:"))
    if decision.endswith(".seed"):
        org, _, seed = value.partition("/")
        return f"seed {seed} of {_org(catalog, org)}"
    if decision == "person":
        return "nobody placed" if value == "none" else value
    return _org(catalog, value)


def deltas(table: Configuration, value: ValueRow) -> tuple[str, str]:
    """The difference to the current best: ``+70.00`` and ``-3 d``; ``= best`` when both are equal.

    The same as the terminal table (:mod:`modcluster.report.configure_text`).
    """
    if table.best is None or value.cost is None or value.lead_time is None:
        return "", ""
    cost = value.cost - table.best.cost
    days = value.lead_time - table.best.lead_time
    if cost == 0 and days == 0:
        return "= best", ""
    return f"{cost:+,.2f}", f"{days:+d} d"


def why_lines(blame: Blame | None, request: Request, money: str) -> tuple[str, ...]:
    """Why a value is impossible, one line per part of the smallest excluding set."""
    if blame is None:
        return ("not settled: the time limit came first (restart the server with a larger --time-limit)",)
    if not blame.parts:
        return ("the catalog and the request's filters alone: no system can take this value",)
    limits = request.limits
    named = {
        "limits.budget": f"the budget of {format_money(limits.budget)} {money}" if limits.budget is not None else "",
        "limits.deadline": f"the deadline of {limits.deadline} days",
        "limits.max_partners": f"at most {limits.max_partners} partners",
    }
    head = "together these exclude it (a smallest set):" if blame.smallest else "these exclude it (irreducible):"
    return (head, *(named.get(part) or part for part in blame.parts))


def _value_view(
    catalog: Catalog,
    table: Configuration,
    row: DecisionRow,
    value: ValueRow,
    links: tuple[Ask, tuple[Act, ...]],
    why: tuple[str, ...] | None,
) -> ValueView:
    ask, acts = links
    ruled = (row.decision, value.value) in table.selection.ruled_out
    pick = Act("select", row.decision, value.value)
    drop = Act("rule_out", row.decision, value.value)
    impossible = value.status is ValueStatus.IMPOSSIBLE
    delta_cost, delta_days = deltas(table, value)
    return ValueView(
        value=value.value,
        title=value_title(catalog, row.decision, value.value),
        status=value.status.value,
        selected=value.selected,
        ruled_out=ruled,
        cost="" if value.cost is None else format_money(value.cost),
        days="" if value.lead_time is None else str(value.lead_time),
        delta_cost=delta_cost,
        delta_days=delta_days,
        note=value_note(table, row, value, why=False),
        select_url=None if value.selected or impossible else configure_url(ask, (*acts, pick)),
        rule_out_url=None if ruled else configure_url(ask, (*acts, drop)),
        why_url=configure_url(ask, acts, why=f"{row.decision}={value.value}") + "#why" if impossible else None,
        why=why,
    )


def table_views(
    catalog: Catalog,
    table: Configuration,
    ask: Ask,
    acts: tuple[Act, ...],
    asked: tuple[str, str] | None = None,
    answer: tuple[str, ...] | None = None,
) -> tuple[DecisionView, ...]:
    """Every decision of the table with its values' rows and links (``answer``: the why of ``asked``)."""
    out = []
    for row in table.decisions:
        values = tuple(
            _value_view(catalog, table, row, v, (ask, acts), answer if asked == (row.decision, v.value) else None)
            for v in row.values
        )
        chosen = table.selection.value_of(row.decision)
        out.append(DecisionView(row.decision, decision_title(row.decision), chosen, values))
    return tuple(out)


def request_calendar(request: Request) -> WorkingCalendar | None:
    """The request's working calendar (None without a ``start_date``)."""
    return calendar_of(request.model_dump(mode="python", exclude_none=True))


def best_view(catalog: Catalog, candidate: Candidate, request: Request, proven: bool) -> BestView:
    """The current best system, formatted (dates when the request has a calendar)."""
    from modcluster.report.figures import schedule_tasks

    calendar = request_calendar(request)
    tasks = []
    for task in schedule_tasks(candidate):
        dates = "" if calendar is None else _dates(calendar, task.start, task.end)
        tasks.append((task.label, _org(catalog, task.organization), task.start, task.end, dates))
    end = None if calendar is None else calendar.end_date(0, candidate.lead_time).isoformat()
    return BestView(
        cost=format_money(candidate.cost),
        lead_time=candidate.lead_time,
        end_date=end,
        hub=_org(catalog, candidate.hub),
        person=candidate.person,
        partners=tuple(_org(catalog, p) for p in candidate.partners),
        proven=proven,
        tasks=tuple(tasks),
        costs=tuple((name, amount) for name, amount in cost_rows(candidate)),
    )


def _dates(calendar: WorkingCalendar, start: int, end: int) -> str:
    first = calendar.date_of(start).isoformat()
    last = calendar.end_date(start, end).isoformat()
    return first if first == last else f"{first} – {last}"


def load_views(catalog: Catalog, plan: Plan, width: int = 60) -> tuple[LoadView, ...]:
    """Every organisation's load in the plan, busiest first (``organisation_loads``), with a text profile."""
    from modcluster.report.figures.plan_load_chart import organisation_loads
    from modcluster.report.plan_text import load_profile

    span = max(plan.makespan or 0, 1)
    tasks: dict[str, list[Any]] = {}
    for task in plan.tasks():
        tasks.setdefault(task.organization, []).append(task)
    out = []
    for load in organisation_loads(plan, catalog):
        profile, _ = load_profile(tasks.get(load.organization, []), span, width)
        capacity = "" if load.capacity is None else str(load.capacity)
        over = load.capacity is not None and load.peak > load.capacity
        name = _org(catalog, load.organization)
        out.append(LoadView(load.organization, name, capacity, load.peak, load.task_days, over, profile))
    return tuple(out)


def plan_rows(catalog: Catalog, plan: Plan) -> tuple[tuple[str, ...], ...]:
    """Each planned entry: id, product, quantity, release, hub, partners, cost, lead time, alone figures."""
    alone = {a.id: a for a in plan.alone}
    rows = []
    for entry in plan.entries:
        system, by_itself = entry.system, alone.get(entry.id)
        alone_cost = "" if by_itself is None or by_itself.cost is None else format_money(by_itself.cost)
        alone_days = "" if by_itself is None or by_itself.lead_time is None else str(by_itself.lead_time)
        rows.append(
            (
                entry.id,
                entry.product,
                format_count(entry.quantity),
                str(entry.release),
                _org(catalog, system.hub),
                str(len(system.partners)),
                format_money(system.cost),
                str(system.lead_time),
                alone_cost,
                alone_days,
            )
        )
    return tuple(rows)
