"""Checking a plan (contract v1.1): several entries' systems sharing one cluster.

A plan (``modcluster/plan/1``) gives one system per entry of a plan request.
The checks, as the project reads the contract (MODEL.md, "Plans: several
products sharing the cluster"):

1. The header: ``schema`` is ``modcluster/plan/1``; ``objective`` is the plan
   request's; the entries appear once each, in the plan request's order, each
   with the entry's id (:attr:`~modcluster.domain.PlanEntry.key`), product,
   quantity (of the entry's layered v1 request) and release.
2. Each entry's system, against the entry's v1 request
   (:func:`~modcluster.domain.entry_requests`): everything the v1 verifier
   checks of one candidate (the hub, each source and seed, ``sites`` and
   ``exclude``, ``require``, ``hub``, ``max_partners``, durations, chains and
   handover gaps, the lead time, links, partners, each cost term and the
   breakdown), with the same functions, except that:

   a. capacity is not checked per entry but across the plan (rule 3);
   b. the ``deadline`` is a day of the plan's calendar: the lead time, the end
      of integration counted from day 0, is at most the deadline;
   c. every task of the entry (steps, seed transfers, bought modules and the
      integration) starts on the entry's ``release`` day or later;
   d. onboarding between a hub and a partner is paid once in the plan, by the
      first entry in the plan request's order whose system has that pair (hub
      H with partner P); the pair is unordered, like the catalog's ties, so a
      later entry with hub P and partner H treats it as tied too. Later
      entries pay nothing for it: an entry's ``cost_breakdown.onboarding`` and
      ``cost`` hold only the onboarding it pays, and its own
      ``limits.budget`` bounds that cost.
3. Shared capacity: at every moment an organisation runs at most
   ``capacity`` tasks across all entries; tasks are the steps, seed
   transfers, bought modules and each entry's integration (a task of its hub),
   each holding the days ``[start, end)``; a 0-day task holds none.
4. The totals: ``total_cost`` is the sum of the entries' costs,
   ``total_lead_time`` the sum of their lead times, ``makespan`` the largest
   lead time; the plan's ``limits.budget`` bounds the total cost (exact
   decimals, each term rounded as in v1). A ``price_of_sharing``, when given,
   is the totals minus the sums of the ``alone`` figures.
5. The status: ``optimal`` and ``feasible`` need a system for every entry and
   no explanation; ``infeasible`` and ``unknown`` need no entries (an empty
   list, totals null). ``alone`` lists every entry id once, in order, each
   with a status among the four; ``optimal``/``feasible`` ones carry a cost
   and a lead time, the others neither. Whether the plan or an ``alone``
   figure is optimal cannot be checked here.

Missing or mistyped fields are problems, never exceptions.
:func:`verify_plan` returns the problems, one sentence each naming the entry
and the place (``entry sensors-q1, module housing step 1: ...``);
:func:`check_plan` raises :class:`~modcluster.errors.VerificationError`.
"""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from modcluster.domain import PLAN_SCHEMA, Catalog, Plan, PlanRequest, Product, Request, entry_requests, exact
from modcluster.errors import VerificationError
from modcluster.verify.candidate import (
    check_capacity,
    check_cost,
    check_durations,
    check_handovers,
    check_lead_time,
    check_links,
    check_partners,
    eligible_figures,
)
from modcluster.verify.checks import STATUSES
from modcluster.verify.dates import date_problems
from modcluster.verify.eligibility import (
    Parents,
    deadline_problem,
    limit_problems,
    taxonomy_parents,
)
from modcluster.verify.evaluation import cost_breakdown
from modcluster.verify.figures import Problem, SystemFigures, TaskFigure, render
from modcluster.verify.reading import Reader, Reported, read_candidate

__all__ = [
    "check_plan",
    "onboarding_paid",
    "release_problems",
    "shared_capacity_problems",
    "totals_problems",
    "verify_plan",
]

#: A hub-partner pair, unordered.
Pair = frozenset[str]


def onboarding_paid(figures: SystemFigures, tied: set[Pair]) -> SystemFigures:
    """The figures of a system whose onboarding for the pairs already ``tied`` in the plan is waived.

    The onboarding terms of the other partners stay; the breakdown and the
    cost are summed again from the terms.

    Args:
        figures: The system's figures as v1 computes them (every untied partner onboarded).
        tied: The hub-partner pairs earlier entries of the plan have.
    """
    waived = {p for p, _ in figures.onboarding if frozenset((figures.hub, p)) in tied}
    if not waived:
        return figures
    places = {f"onboarding {p}" for p in waived}  # the place evaluation gives a partner's onboarding term
    terms = tuple(t for t in figures.terms if not (t.kind == "onboarding" and t.place in places))
    breakdown, cost = cost_breakdown(terms, figures.refunds)  # onboarding is never eligible: the refunds stand
    onboarding = tuple((p, a) for p, a in figures.onboarding if p not in waived)
    return dataclasses.replace(figures, terms=terms, breakdown=breakdown, cost=cost, onboarding=onboarding)


def _pairs(figures: SystemFigures | None, rep: Reported) -> set[Pair]:
    """The hub-partner pairs of an entry's system: recomputed, else as reported (best effort)."""
    if figures is not None:
        return {frozenset((figures.hub, p)) for p in figures.partners}
    if rep.hub is None or rep.partners is None:
        return set()
    return {frozenset((rep.hub, p)) for p in rep.partners if isinstance(p, str) and p != rep.hub}


def release_problems(rep: Reported, release: int) -> list[Problem]:
    """Every task the entry reports starts on its release day or later (the integration named last)."""
    if release <= 0:
        return []  # day 0 is check_durations' rule
    problems: list[Problem] = []
    for name, (start, _) in sorted(rep.times.items(), key=lambda item: item[0] == "integration"):
        if start < release:
            problems.append((name, f"starts on day {start}, before the entry's release day {release}"))
    return problems


def _onboarding_notes(
    full: SystemFigures, paid: SystemFigures, rep: Reported, payers: Mapping[Pair, str]
) -> list[Problem]:
    """Say which earlier entry paid for a pair when the reported onboarding disagrees with what this entry pays."""
    got = rep.breakdown.get("onboarding")
    if got is None or got == paid.breakdown.onboarding or paid is full:
        return []
    kept = {p for p, _ in paid.onboarding}
    by_payer: dict[str, list[str]] = {}
    for partner, _ in full.onboarding:
        if partner not in kept:
            by_payer.setdefault(payers[frozenset((full.hub, partner))], []).append(partner)
    return [
        ("cost_breakdown", f"entry {payer} already pays the onboarding of hub {full.hub!r} with {partners}")
        for payer, partners in by_payer.items()
    ]


def _entry_problems(
    catalog: Catalog,
    request: Request,
    product: Product,
    rep: Reported,
    parents: Parents,
    release: int,
    payers: Mapping[Pair, str],
) -> tuple[list[Problem], SystemFigures | None]:
    """Every problem of one entry's system but capacity, and its figures with the onboarding it pays.

    What :func:`~modcluster.verify.candidate.check_candidate` checks, with the
    onboarding of the pairs in ``payers`` (tied by earlier entries) waived,
    and the release day.
    """
    problems: list[Problem] = release_problems(rep, release)
    eligibility, full = eligible_figures(catalog, request, product, rep, parents)
    problems += eligibility
    if full is None:
        return problems, None

    paid = onboarding_paid(full, set(payers))
    times = [rep.times.get(task.name) for task in full.tasks]
    problems += check_partners(full, rep)
    problems += check_durations(full, times) + check_handovers(full, times) + check_lead_time(rep)
    problems += check_links(full, rep)
    problems += check_cost(paid, rep)
    problems += _onboarding_notes(full, paid, rep, payers)
    problems += limit_problems(request, paid)
    late = deadline_problem(request, rep.lead_time)
    if late is not None:
        problems.append(late)
    return problems, paid


def _id_list_problems(ids: Sequence[str], expected: Sequence[str], what: str) -> list[Problem]:
    """Each expected id once, no other, in the expected order."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for key in ids:
        if key in seen:
            problems.append((what, f"entry {key!r} appears more than once"))
        elif key not in expected:
            problems.append((what, f"entry {key!r} is not an entry of the plan request"))
        seen.add(key)
    missing = [key for key in expected if key not in seen]
    if missing:
        problems.append((what, f"missing entries {missing}"))
    elif len(ids) == len(expected) and list(ids) != list(expected):
        problems.append((what, f"not in the plan request's order: {list(ids)}, expected {list(expected)}"))
    return problems


def _entry_header(
    reader: Reader, raw: Any, index: int, keys: Sequence[str], plan_request: PlanRequest, requests: Sequence[Request]
) -> tuple[str | None, Mapping[str, Any] | None]:
    """Read an entry's id and system; its product, quantity and release against the plan request's entry."""
    place = f"entries[{index}]"
    entry = reader.mapping(raw, place, "an entry")
    if entry is None:
        return None, None
    key = reader.text(entry, "id", place)
    if key is None or key not in keys:  # reported by the id list; its system still counts in the totals
        system = entry.get("system")
        return key, system if isinstance(system, Mapping) else None
    label = f"entry {key}"
    position = keys.index(key)
    asked, request = plan_request.entries[position], requests[position]
    if entry.get("product") != asked.product:
        reader.problems.append((label, f"product is {entry.get('product')!r}, the entry asks for {asked.product!r}"))
    for field, want in (("quantity", request.quantity), ("release", asked.release)):
        got = entry.get(field)
        if isinstance(got, bool) or got != want:
            reader.problems.append((label, f"{field} is {got!r}, the entry has {want}"))
    system = reader.mapping(entry.get("system"), label, "'system'")
    return key, system


def _read_system(system: Mapping[str, Any], reader: Reader) -> Reported:
    """Read an entry's system as a v1 candidate (a system has no ``rank`` nor ``proven_optimal``)."""
    return read_candidate({**system, "rank": 1, "proven_optimal": True}, reader)


def totals_problems(
    top: Mapping[str, Any],
    reader: Reader,
    listed: Sequence[tuple[Mapping[str, Any] | None, SystemFigures | None]],
    budget: Decimal | None,
) -> tuple[list[Problem], Decimal | None, int | None]:
    """The totals against the entries as listed, the plan's budget against the recomputed costs.

    Args:
        top: The plan.
        reader: Collects the problems of the totals' shape.
        listed: Each listed entry's system (None when unreadable) and its recomputed figures (None when unknown).
        budget: The plan's budget.

    Returns:
        The problems, and the entries' reported cost and lead time sums (None when not all can be read).
    """
    problems: list[Problem] = []
    if not listed:
        for key in ("total_cost", "total_lead_time", "makespan"):
            value = top.get(key)
            if value is not None:
                shown = value if isinstance(value, (int, Decimal)) else repr(value)
                problems.append((key, f"is {shown}, but no entry is listed: it must be null"))
        return problems, None, None
    total_cost = reader.money(top, "total_cost", "total_cost")
    total_lead = reader.whole(top, "total_lead_time", "total_lead_time")
    makespan = reader.whole(top, "makespan", "makespan")
    quiet = Reader()  # an entry's own fields are judged with the entry
    costs = [None if system is None else quiet.money(system, "cost", "") for system, _ in listed]
    leads = [None if system is None else quiet.whole(system, "lead_time", "") for system, _ in listed]
    true_costs = [cost if figures is None else figures.cost for cost, (_, figures) in zip(costs, listed, strict=True)]
    sum_cost: Decimal | None = None
    sum_lead: int | None = None
    with decimal.localcontext(exact()):
        if all(c is not None for c in costs):
            sum_cost = sum((c for c in costs if c is not None), Decimal(0))
            if total_cost is not None and total_cost != sum_cost:
                problems.append(("total_cost", f"is {total_cost}, the entries' costs add up to {sum_cost}"))
        if budget is not None and all(c is not None for c in true_costs):
            true_cost = sum((c for c in true_costs if c is not None), Decimal(0))
            if true_cost > budget:
                problems.append(("total_cost", f"total cost {true_cost} exceeds the plan's budget {budget}"))
    if all(lead is not None for lead in leads):
        known = [lead for lead in leads if lead is not None]
        sum_lead = sum(known)
        if total_lead is not None and total_lead != sum_lead:
            problems.append(("total_lead_time", f"is {total_lead}, the entries' lead times add up to {sum_lead}"))
        if makespan is not None and makespan != max(known):
            problems.append(("makespan", f"is {makespan}, the latest entry ends on day {max(known)}"))
    return problems, sum_cost, sum_lead


def _alone_problems(top: Mapping[str, Any], reader: Reader, keys: Sequence[str]) -> tuple[list[Problem], list[Any]]:
    """The ``alone`` list: every entry once, in order, with a status and, when it has a system, its figures.

    Returns the problems and each listed entry's ``(cost, lead_time)`` (None where not both are known).
    """
    problems: list[Problem] = []
    listed = reader.listing(top.get("alone"), "alone", "'alone'")
    if listed is None:
        return problems, []
    ids: list[str] = []
    figures: list[Any] = []
    for index, raw in enumerate(listed):
        place = f"alone[{index}]"
        item = reader.mapping(raw, place, "an alone entry")
        key = None if item is None else reader.text(item, "id", place)
        if item is None or key is None:
            figures.append(None)
            continue
        ids.append(key)
        place = f"alone {key}"
        status = item.get("status")
        if status not in STATUSES:
            problems.append((place, f"status must be one of {list(STATUSES)}, got {status!r}"))
            figures.append(None)
        elif status in ("optimal", "feasible"):
            cost = reader.money(item, "cost", place)
            lead = reader.whole(item, "lead_time", place)
            figures.append(None if cost is None or lead is None else (cost, lead))
        else:
            for field in ("cost", "lead_time"):
                if item.get(field) is not None:
                    problems.append((place, f"is {status!r} alone, yet its {field} is {item.get(field)!r}"))
            figures.append(None)
    problems += _id_list_problems(ids, keys, "alone")
    return problems, figures


def _price_problems(
    top: Mapping[str, Any], reader: Reader, want_cost: Decimal | None, want_lead: int | None, alone: list[Any]
) -> list[Problem]:
    """A ``price_of_sharing``, when given, is the totals minus the sums of the alone figures."""
    raw = top.get("price_of_sharing")
    if raw is None:
        return []
    price = reader.mapping(raw, "price_of_sharing", "'price_of_sharing'")
    if price is None:
        return []
    cost = reader.money(price, "cost", "price_of_sharing")
    lead = reader.whole(price, "lead_time", "price_of_sharing")
    if want_cost is None or want_lead is None or not alone or any(a is None for a in alone):
        return []
    problems: list[Problem] = []
    with decimal.localcontext(exact()):
        cost_diff = want_cost - sum((a[0] for a in alone), Decimal(0))
    lead_diff = want_lead - sum(a[1] for a in alone)
    if cost is not None and cost != cost_diff:
        problems.append(("price_of_sharing", f"cost is {cost}, the total cost minus the alone costs is {cost_diff}"))
    if lead is not None and lead != lead_diff:
        problems.append(
            ("price_of_sharing", f"lead_time is {lead}, the total lead time minus the alone lead times is {lead_diff}")
        )
    return problems


def _status_problems(top: Mapping[str, Any], status: Any, listed: int, keys: Sequence[str]) -> list[Problem]:
    """The status against the entries listed, and the explanation."""
    problems: list[Problem] = []
    if status not in STATUSES:
        problems.append(("status", f"must be one of {list(STATUSES)}, got {status!r}"))
    elif status in ("infeasible", "unknown") and listed:
        problems.append(("status", f"is {status!r} but {listed} entries are listed"))
    elif status in ("optimal", "feasible"):
        if not listed:
            problems.append(("status", f"is {status!r} but no entry is listed (the plan has {len(keys)})"))
        if top.get("explanation") is not None:
            problems.append(("explanation", f"must be null when the status is {status!r}"))
    explanation = top.get("explanation")
    if status == "infeasible" and isinstance(explanation, Mapping):
        conflict = explanation.get("conflict")
        if isinstance(conflict, (list, tuple)):
            unknown = [c for c in conflict if c not in keys]
            if unknown:
                problems.append(("explanation", f"conflict names {unknown}, which are not entries of the plan"))
    return problems


def shared_capacity_problems(
    tasks: Sequence[TaskFigure], times: Sequence[tuple[int, int] | None], catalog: Catalog
) -> list[Problem]:
    """Capacity across a plan: every entry's tasks (integrations included) against each organisation's capacity."""
    if not tasks:
        return []
    # check_capacity reads only the tasks of the figures it is given: all entries' tasks at once.
    everything = SystemFigures(
        hub="",
        sources=(),
        terms=(),
        cost=Decimal(0),
        breakdown=cost_breakdown(())[0],
        integration_days=0,
        tasks=tuple(tasks),
        precedences=(),
        partners=(),
        links=(),
    )
    return check_capacity(everything, list(times), catalog)


def verify_plan(catalog: Catalog, plan_request: PlanRequest, plan: Plan | Mapping[str, Any]) -> list[str]:
    """Every disagreement between a plan and the catalog and plan request (empty: verified).

    Args:
        catalog: The catalog.
        plan_request: The plan request the plan answers.
        plan: A :class:`~modcluster.domain.Plan` or the parsed plan JSON
            (money may be Decimal, int or float).

    Returns:
        One sentence per problem, naming the entry and the place
        (``entry sensors-q1, module housing step 1: ...``).

    Raises:
        RequestError: The plan request names what the catalog lacks (not a problem of the plan).
    """
    requests = entry_requests(catalog, plan_request)
    keys = [entry.key for entry in plan_request.entries]
    data: Any = plan.to_dict() if isinstance(plan, Plan) else plan
    reader = Reader()
    top = reader.mapping(data, "", "the plan")
    if top is None:
        return render(reader.problems)

    problems: list[Problem] = []
    if top.get("schema") != PLAN_SCHEMA:
        problems.append(("schema", f"is {top.get('schema')!r}, expected {PLAN_SCHEMA!r}"))
    if top.get("objective") != plan_request.objective.value:
        problems.append(
            ("objective", f"is {top.get('objective')!r}, the plan request asks for {plan_request.objective.value!r}")
        )
    entries = reader.listing(top.get("entries"), "", "'entries'") or []

    # Read every entry, then check them in the plan request's order (the order that decides who pays a tie).
    systems: dict[str, Mapping[str, Any]] = {}
    ids: list[str] = []
    listed: list[tuple[str | None, Mapping[str, Any] | None]] = []
    for index, raw in enumerate(entries):
        key, system = _entry_header(reader, raw, index, keys, plan_request, requests)
        listed.append((key, system))
        if key is None:
            continue
        ids.append(key)
        if system is not None and key in keys:
            systems.setdefault(key, system)
    if entries:
        problems += _id_list_problems(ids, keys, "entries")

    parents = taxonomy_parents(catalog)
    payers: dict[Pair, str] = {}
    recomputed: dict[str, SystemFigures] = {}
    shared_tasks: list[TaskFigure] = []
    shared_times: list[tuple[int, int] | None] = []
    for position, key in enumerate(keys):
        system = systems.get(key)
        if system is None:
            continue
        label = f"entry {key}"
        request = requests[position]
        product = catalog.product_by_id[request.product]
        entry_reader = Reader()
        rep = _read_system(system, entry_reader)
        release = plan_request.entries[position].release
        entry_problems, figures = _entry_problems(catalog, request, product, rep, parents, release, payers)
        entry_problems += date_problems(system, plan_request.start_date, plan_request.calendar)
        problems += [("", text) for text in render(entry_reader.problems + entry_problems, label)]
        for pair in _pairs(figures, rep):
            payers.setdefault(pair, key)
        if figures is not None:
            recomputed[key] = figures
            for task in figures.tasks:
                shared_tasks.append(dataclasses.replace(task, name=f"{label} {task.name}"))
                shared_times.append(rep.times.get(task.name))
    problems += shared_capacity_problems(shared_tasks, shared_times, catalog)

    # An entry's recomputed figures stand for the first system listed under its id only.
    figured = [
        (system, recomputed.get(key) if key is not None and systems.get(key) is system else None)
        for key, system in listed
    ]
    totals, want_cost, want_lead = totals_problems(top, reader, figured, plan_request.limits.budget)
    problems += totals
    status = top.get("status")
    problems += _status_problems(top, status, len(entries), keys)
    alone_problems, alone = _alone_problems(top, reader, keys)
    problems += alone_problems
    problems += _price_problems(top, reader, want_cost, want_lead, alone)
    return render(reader.problems + problems)


def check_plan(catalog: Catalog, plan_request: PlanRequest, plan: Plan | Mapping[str, Any]) -> None:
    """Raise :class:`~modcluster.errors.VerificationError` listing every problem of the plan, if any."""
    problems = verify_plan(catalog, plan_request, plan)
    if problems:
        raise VerificationError(problems)
