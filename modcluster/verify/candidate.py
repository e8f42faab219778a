"""Checking one candidate: what it reports against what its choices give.

One function per rule of the contract that a reported candidate can break:

- the schedule: :func:`check_durations` (``end - start`` is the duration,
  nothing before day 0), :func:`check_handovers` (chains and handover gaps),
  :func:`check_capacity` (no organisation runs more tasks at once than its
  capacity; a 0-day task takes none) and :func:`check_lead_time` (the lead
  time is the end of integration), together :func:`check_schedule`;
- :func:`check_partners`, :func:`check_links`, :func:`check_cost` (each
  ``cost_breakdown`` key and the cost);
- :func:`check_candidate`: the above plus eligibility and limits
  (:mod:`modcluster.verify.eligibility`) for one reported candidate;
- :func:`system_problems`: why a system given by its choices is not allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from modcluster.domain import Catalog, Make, Module, Product, Request
from modcluster.verify.eligibility import (
    Parents,
    deadline_problem,
    hub_problems,
    limit_problems,
    source_problems,
    taxonomy_parents,
)
from modcluster.verify.evaluation import evaluate, normalise_choices
from modcluster.verify.figures import BREAKDOWN_KEYS, Choices, MakeChoice, Problem, SystemFigures, render
from modcluster.verify.reading import Reported
from modcluster.verify.selection import reported_decisions, selection_problems

__all__ = [
    "check_candidate",
    "check_capacity",
    "check_cost",
    "check_durations",
    "check_handovers",
    "check_lead_time",
    "check_links",
    "check_partners",
    "check_schedule",
    "system_problems",
]

#: Each task's reported ``(start, end)``, in the order of ``SystemFigures.tasks``; None where it could not be read.
Times = Sequence[tuple[int, int] | None]


def check_durations(figures: SystemFigures, times: Times) -> list[Problem]:
    """Every task starts on day 0 or later and lasts its duration (``end - start``)."""
    problems: list[Problem] = []
    for task, interval in zip(figures.tasks, times, strict=True):
        if interval is None:
            continue  # its shape was reported already
        start, end = interval
        if start < 0:
            problems.append((task.name, f"starts on day {start}, before day 0"))
        if end - start != task.duration:
            problems.append(
                (task.name, f"runs from day {start} to day {end} ({end - start} days) but takes {task.duration} days")
            )
    return problems


def check_handovers(figures: SystemFigures, times: Times) -> list[Problem]:
    """Each precedence holds: the later task starts at least its gap after the earlier one ends."""
    problems: list[Problem] = []
    for prec in figures.precedences:
        a, b = times[prec.before], times[prec.after]
        if a is None or b is None:
            continue
        earliest = a[1] + prec.gap
        if b[0] < earliest:
            before = figures.tasks[prec.before]
            after = figures.tasks[prec.after]
            why = (
                f"a handover gap of {prec.gap} days after {before.name} ({before.organization!r}) ends on day {a[1]}"
                if prec.gap
                else f"{before.name} ends on day {a[1]}"
            )
            problems.append((after.name, f"starts on day {b[0]}, but {why}: earliest day {earliest}"))
    return problems


def check_capacity(figures: SystemFigures, times: Times, catalog: Catalog) -> list[Problem]:
    """No organisation runs more tasks at once than its capacity (tasks hold ``[start, end)``; 0 days hold none)."""
    problems: list[Problem] = []
    by_org: dict[str, list[tuple[int, int, str]]] = {}
    for task, interval in zip(figures.tasks, times, strict=True):
        if interval is not None and interval[1] > interval[0]:
            by_org.setdefault(task.organization, []).append((interval[0], interval[1], task.name))
    for org_id, intervals in sorted(by_org.items()):
        capacity = catalog.org_by_id[org_id].capacity
        for start, _, _ in sorted(intervals):
            running = [name for s, e, name in intervals if s <= start < e]
            if len(running) > capacity:
                problems.append(
                    (
                        f"organization {org_id}",
                        f"{len(running)} tasks run on day {start} ({', '.join(running)}); its capacity is {capacity}",
                    )
                )
                break
    return problems


def check_available(figures: SystemFigures, rep: Reported) -> list[Problem]:
    """The integration starts no earlier than the placed person's ``available_day`` (MODEL.md v1.1 "People")."""
    integration = rep.times.get("integration")
    if integration is not None and integration[0] < figures.available_day:
        return [
            (
                "integration",
                f"starts on day {integration[0]}, before {figures.person!r} is available (day {figures.available_day})",
            )
        ]
    return []


def check_lead_time(rep: Reported) -> list[Problem]:
    """The lead time is the day the integration ends."""
    integration = rep.times.get("integration")
    if integration is not None and rep.lead_time is not None and rep.lead_time != integration[1]:
        return [("lead_time", f"is {rep.lead_time}, but the integration ends on day {integration[1]}")]
    return []


def check_schedule(figures: SystemFigures, rep: Reported, catalog: Catalog) -> list[Problem]:
    """The reported schedule: durations, handovers, capacity and the lead time."""
    times = [rep.times.get(task.name) for task in figures.tasks]
    return (
        check_durations(figures, times)
        + check_handovers(figures, times)
        + check_capacity(figures, times, catalog)
        + check_available(figures, rep)
        + check_lead_time(rep)
    )


def check_links(figures: SystemFigures, rep: Reported) -> list[Problem]:
    """The reported links: one per product link, in product order, matched as the variants say."""
    if rep.links is None:
        return []
    problems: list[Problem] = []
    if len(rep.links) != len(figures.links):
        problems.append(("links", f"{len(rep.links)} links reported, the product has {len(figures.links)}"))
    for index, (raw, expected) in enumerate(zip(rep.links, figures.links, strict=False)):
        place = f"link {expected.between[0]}-{expected.between[1]} {expected.interface}"
        if not isinstance(raw, Mapping):
            problems.append((place, f"must be an object, got {raw!r}"))
            continue
        between = raw.get("between")
        if not isinstance(between, (list, tuple)) or list(between) != list(expected.between):
            problems.append((place, f"links[{index}] has between {between!r}, expected {list(expected.between)}"))
        if raw.get("interface") != expected.interface:
            problems.append((place, f"links[{index}] has interface {raw.get('interface')!r}"))
        matched = raw.get("matched")
        if matched is not expected.matched:
            va, vb = expected.variants
            problems.append((place, f"reported matched={matched!r}, but the variants are {va!r} and {vb!r}"))
    return problems


def check_cost(figures: SystemFigures, rep: Reported) -> list[Problem]:
    """Each ``cost_breakdown`` key and the cost equal the sums of the recomputed terms."""
    problems: list[Problem] = []
    for key in BREAKDOWN_KEYS:
        got = rep.breakdown.get(key)
        want: Decimal = getattr(figures.breakdown, key)
        if got is not None and got != want:
            terms = [f"{t.place} {t.amount}" for t in figures.terms if t.kind == key]
            if key == "subsidies":
                terms = [f"{policy} {refund} of {eligible}" for policy, eligible, refund in figures.refunds]
            problems.append(("cost_breakdown", f"{key} is {got}, expected {want} ({'; '.join(terms) or 'no terms'})"))
    if rep.cost is not None and rep.cost != figures.cost:
        problems.append(("cost", f"is {rep.cost}, expected {figures.cost}"))
    return problems


def check_partners(figures: SystemFigures, rep: Reported) -> list[Problem]:
    """The partners are the organisations other than the hub that run a task, sorted by id."""
    if rep.partners is None or list(rep.partners) == list(figures.partners):
        return []
    if sorted(map(str, rep.partners)) == list(figures.partners):
        return [("partners", f"{rep.partners} are not sorted by id")]
    return [("partners", f"reported {rep.partners}, expected {list(figures.partners)}")]


def _module_list_problems(product: Product, rep: Reported) -> tuple[list[Problem], bool]:
    """The module entries: each of the product's once, in product order; and whether each is there once."""
    problems: list[Problem] = []
    expected_ids = [m.id for m in product.modules]
    seen: set[str] = set()
    for module_id in rep.module_ids:
        if module_id in seen:
            problems.append((f"module {module_id}", "appears more than once"))
        elif module_id not in product.module_by_id:
            problems.append((f"module {module_id}", f"product {product.id!r} has no such module"))
        seen.add(module_id)
    missing = [m for m in expected_ids if m not in seen]
    if missing:
        problems.append(("modules", f"missing {missing}"))
    elif len(rep.module_ids) == len(expected_ids) and rep.module_ids != expected_ids:
        problems.append(("modules", f"not in product order: {rep.module_ids}, expected {expected_ids}"))
    return problems, not missing and len(rep.module_ids) == len(set(rep.module_ids))


def _capability_problems(module: Module, make: Make, rep: Reported) -> list[Problem]:
    """Each reported step of a made module names the capability of the product's step."""
    problems: list[Problem] = []
    for index, (got, step) in enumerate(zip(rep.capabilities.get(module.id, []), make.steps, strict=False)):
        if got != step.capability:
            problems.append(
                (f"module {module.id} step {index + 1}", f"capability {got!r}, expected {step.capability!r}")
            )
    return problems


def eligible_figures(
    catalog: Catalog, request: Request, product: Product, rep: Reported, parents: Parents
) -> tuple[list[Problem], SystemFigures | None]:
    """The eligibility problems of a reported system (hub, module list, sources, step capabilities).

    Also returns its recomputed figures, or None when they cannot be recomputed.
    What :func:`check_candidate` and the plan verifier check first, before the schedule and the figures.
    """
    problems: list[Problem] = []
    if rep.hub is None:
        return problems, None
    problems += hub_problems(catalog, request, product, rep.hub, rep.person)
    problems += _person_listing(catalog, rep)
    problems += _subsidies_listing(catalog, rep)
    listed, whole = _module_list_problems(product, rep)
    problems += listed
    for module in product.modules:
        source = rep.sources.get(module.id)
        if source is None:
            continue
        problems += source_problems(catalog, request, module, source, parents)
        if isinstance(source, MakeChoice) and module.make is not None:
            problems += _capability_problems(module, module.make, rep)
    if not (rep.complete and whole):
        return problems, None
    sources = {m: s for m, s in rep.sources.items() if m in product.module_by_id}
    figures, unresolved = evaluate(catalog, request, rep.hub, sources, rep.person)
    if figures is None:
        problems += [p for p in unresolved if p not in problems]
    return problems, figures


def _person_listing(catalog: Catalog, rep: Reported) -> list[Problem]:
    """``person`` and ``cost_breakdown.people`` appear exactly when the catalog has ``people`` (MODEL.md v1.1)."""
    has = catalog.people is not None
    problems: list[Problem] = []
    if has and not rep.person_listed:
        problems.append(("person", "missing: the catalog has people, so every candidate says who is placed (or null)"))
    if not has and rep.person_listed:
        problems.append(("person", "the catalog has no people, so no candidate carries 'person'"))
    if has and rep.breakdown and "people" not in rep.breakdown:
        problems.append(("cost_breakdown", "'people' is missing: the catalog has people"))
    if not has and "people" in rep.breakdown:
        problems.append(("cost_breakdown", "unknown key 'people': the catalog has no people"))
    return problems


def _subsidies_listing(catalog: Catalog, rep: Reported) -> list[Problem]:
    """``cost_breakdown.subsidies`` appears exactly when the catalog has ``policies`` (MODEL.md v1.1)."""
    has = catalog.policies is not None
    if has and rep.breakdown and "subsidies" not in rep.breakdown:
        return [("cost_breakdown", "'subsidies' is missing: the catalog has policies")]
    if not has and "subsidies" in rep.breakdown:
        return [("cost_breakdown", "unknown key 'subsidies': the catalog has no policies")]
    return []


def check_candidate(
    catalog: Catalog, request: Request, product: Product, rep: Reported, parents: Parents
) -> tuple[list[Problem], SystemFigures | None]:
    """Every problem of one reported candidate, and its recomputed figures (None when they cannot be).

    Args:
        catalog: The catalog.
        request: The request.
        product: The request's product.
        rep: The candidate as read (:func:`~modcluster.verify.reading.read_candidate`).
        parents: The taxonomy (:func:`~modcluster.verify.eligibility.taxonomy_parents`).
    """
    problems, figures = eligible_figures(catalog, request, product, rep, parents)
    if figures is None:
        return problems, None
    problems += check_partners(figures, rep)
    problems += check_schedule(figures, rep, catalog)
    problems += check_links(figures, rep)
    problems += check_cost(figures, rep)
    problems += limit_problems(request, figures)
    if request.select or request.rule_out:
        ruled = set(request.selection.ruled_out)
        problems += [("selection", p) for p in selection_problems(reported_decisions(rep), request.select, ruled)]
    late = deadline_problem(request, rep.lead_time)
    if late is not None:
        problems.append(late)
    return problems, figures


def system_problems(catalog: Catalog, request: Request, hub: str, choices: Choices) -> list[str]:
    """Why a system is not allowed, schedule aside (empty when it is).

    Checks the hub, every source's eligibility, the ``sites``/``exclude``
    filters of every organisation taking part, the request's ``hub`` and
    ``require``, ``max_partners`` and the budget. The deadline is not checked:
    it depends on the schedule.

    Args:
        catalog: The catalog.
        request: The request.
        hub: The hub's id.
        choices: Each module's source: a mapping by module id, or a sequence in product order.
    """
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return [f"unknown product {request.product!r}"]
    sources = normalise_choices(product, choices)
    parents = taxonomy_parents(catalog)
    problems = hub_problems(catalog, request, product, hub)
    for module in product.modules:
        source = sources.get(module.id)
        if source is None:
            problems.append((f"module {module.id}", "has no source"))
        else:
            problems += source_problems(catalog, request, module, source, parents)
    figures, unresolved = evaluate(catalog, request, hub, sources)
    if figures is None:
        problems += [p for p in unresolved if p not in problems]
    else:
        problems += limit_problems(request, figures)
    return render(problems)
