"""The independent check of the solver: recompute every figure of a solution.

The solver turns a catalog and a request into a CP-SAT model, solves it, and
decodes the answer. This module takes the other road on purpose: it does not
import :mod:`modcluster.solver` or OR-Tools, and it recomputes every figure of
every candidate from the catalog, the request and the *choices* alone (hub,
each module's source, the organisation and offer of each step, the seed), with
exact :class:`~decimal.Decimal` arithmetic:

- eligibility: the hub develops the product family; offers exist, have the
  right type or a capability that is the step's or a taxonomy descendant of
  it, meet ``require`` and ``max_lot``; seeds likewise; every organisation
  taking part passes ``sites`` and ``exclude``; the request's ``hub`` and
  ``require`` are honoured;
- durations of every task and the schedule: ``end - start`` is the duration,
  chains and handover gaps hold, and no organisation runs more tasks at once
  than its capacity;
- links (matched or bridged), partners, every cost term rounded half-up to
  0.01 on its own, the cost breakdown, the cost, the lead time, the limits;
- the list: status against the candidates, ranks, the objective order, the
  proven prefix, and that candidates are pairwise *different* in the sense
  of the contract.

What it cannot see is whether a better system or schedule exists: that is the
solver's claim (``proven_optimal``); ``tests/bruteforce.py`` checks it on small
instances by exhaustive search.

:func:`verify_solution` returns the problems, one sentence each naming the
candidate and the place (``candidate 2, module housing step 1: ...``);
:func:`check_solution` raises :class:`~modcluster.errors.VerificationError`.
:func:`evaluate_system` gives the figures of one system, for tests and tools.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modcluster.domain.catalog import (
    Catalog,
    Module,
    ModuleOffer,
    Organization,
    ProcessOffer,
    Product,
    Seed,
    requirements_met,
)
from modcluster.domain.request import Objective, Request
from modcluster.domain.solution import SOLUTION_SCHEMA, CostBreakdown, Solution
from modcluster.domain.values import CENT, ceil_decimal, exact, read_number, readable, round_money
from modcluster.errors import VerificationError

__all__ = [
    "BuyChoice",
    "Choices",
    "CostTerm",
    "LinkFigure",
    "MakeChoice",
    "ModuleSource",
    "Precedence",
    "SystemFigures",
    "TaskFigure",
    "check_solution",
    "choices_of",
    "evaluate_system",
    "objective_key",
    "system_problems",
    "verify_solution",
]

#: No solution the engine writes can hold a larger amount (the solver works in int64 cents).
MAX_AMOUNT = Decimal(10) ** 20

# --------------------------------------------------------------------------- choices


@dataclass(frozen=True, slots=True)
class BuyChoice:
    """A module bought: the selling organisation and the id of its module offer."""

    organization: str
    offer: str


@dataclass(frozen=True, slots=True)
class MakeChoice:
    """A module made: ``(organization, offer id)`` per step, in order, and the seed.

    ``seed`` is ``(organization, seed id)``, or None when the module has no
    technology. Lists are accepted and stored as tuples.
    """

    steps: tuple[tuple[str, str], ...] = ()
    seed: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple((str(o), str(f)) for o, f in self.steps))
        if self.seed is not None:
            object.__setattr__(self, "seed", (str(self.seed[0]), str(self.seed[1])))


ModuleSource = BuyChoice | MakeChoice
#: Sources by module id, or a sequence of sources in product order.
Choices = Mapping[str, ModuleSource] | Sequence[ModuleSource]

# --------------------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class TaskFigure:
    """One task of a system.

    Attributes:
        name: ``module m``, ``module m step 2`` (1-based), ``module m seed`` or ``integration``.
        kind: ``module`` (bought), ``step``, ``seed`` or ``integration``.
        module: The module id (None for the integration).
        step: The 0-based step index for a step, else None.
        organization: Who runs it.
        duration: Whole days.
    """

    name: str
    kind: str
    module: str | None
    step: int | None
    organization: str
    duration: int


@dataclass(frozen=True, slots=True)
class Precedence:
    """Task ``after`` starts at least ``gap`` days after task ``before`` ends (indices into tasks)."""

    before: int
    after: int
    gap: int


@dataclass(frozen=True, slots=True)
class CostTerm:
    """One cost term, already rounded half-up to 0.01.

    Attributes:
        kind: The ``cost_breakdown`` key it adds to.
        place: What it is, e.g. ``module housing step 1``, ``design fee``,
            ``bridge housing-head mech-mount``, ``onboarding sagami-plating``.
        amount: The rounded amount.
    """

    kind: str
    place: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LinkFigure:
    """A product link with the variants of its two ends and whether they match."""

    between: tuple[str, str]
    interface: str
    variants: tuple[str | None, str | None]
    matched: bool


@dataclass(frozen=True, slots=True)
class SystemFigures:
    """Every figure of one system (hub plus choices), schedule aside.

    ``tasks`` lists, module by module in product order, the seed transfer, the
    steps or the bought module, and ends with the integration.
    """

    hub: str
    sources: tuple[tuple[str, ModuleSource], ...]
    terms: tuple[CostTerm, ...]
    cost: Decimal
    breakdown: CostBreakdown
    integration_days: int
    tasks: tuple[TaskFigure, ...]
    precedences: tuple[Precedence, ...]
    partners: tuple[str, ...]
    links: tuple[LinkFigure, ...]
    onboarding: tuple[tuple[str, Decimal], ...] = field(default=())

    @property
    def integration(self) -> int:
        """Index of the integration task (the last one)."""
        return len(self.tasks) - 1

    @property
    def signature(self) -> tuple[Any, ...]:
        """What makes two systems *different* (same shape as ``Candidate.signature``)."""
        return _signature(self.hub, self.sources)

    def task_index(self, name: str) -> int:
        """Index of the task called ``name``."""
        for index, task in enumerate(self.tasks):
            if task.name == name:
                return index
        raise KeyError(name)


# --------------------------------------------------------------------------- small exact helpers


def _lot_days(setup_days: int, units_per_day: Decimal | None, quantity: int) -> int:
    """``setup_days + ceil(quantity / units_per_day)`` in exact rational arithmetic."""
    if units_per_day is None:
        return setup_days
    num, den = units_per_day.as_integer_ratio()
    return setup_days + -(-(quantity * den) // num)


def _lot_cost(setup_cost: Decimal, unit_cost: Decimal, quantity: int) -> Decimal:
    with decimal.localcontext(exact()):
        return round_money(setup_cost + unit_cost * quantity)


def _onboarding(catalog: Catalog, hub: str, partner: str) -> Decimal | None:
    """Return what the hub pays to start with ``partner``; None when they have a tie."""
    if hub == partner:
        return None
    for rel in catalog.relationships:
        if {rel.between[0], rel.between[1]} == {hub, partner}:
            return None
    shared = [i.onboarding_cost for i in catalog.intermediaries if hub in i.members and partner in i.members]
    return min(shared) if shared else catalog.defaults.onboarding_cost


def _parents(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    return {c.id: c.parents for c in catalog.capabilities}


def _descends(parents: Mapping[str, tuple[str, ...]], capability: str, ancestor: str) -> bool:
    """Whether ``capability`` is ``ancestor`` or reachable from it through children."""
    stack, seen = [capability], set()
    while stack:
        node = stack.pop()
        if node == ancestor:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(parents.get(node, ()))
    return False


def _process_offer(org: Organization, offer_id: str) -> ProcessOffer | None:
    return next((p for p in org.processes if p.offer_id == offer_id), None)


def _module_offer(org: Organization, offer_id: str) -> ModuleOffer | None:
    return next((m for m in org.modules if m.offer_id == offer_id), None)


def _seed(org: Organization, seed_id: str) -> Seed | None:
    return next((s for s in org.seeds if s.id == seed_id), None)


def _signature(hub: str, sources: Sequence[tuple[str, ModuleSource]]) -> tuple[Any, ...]:
    parts: list[Any] = [hub]
    for module_id, source in sources:
        if isinstance(source, BuyChoice):
            parts.append((module_id, "buy", source.organization))
        else:
            parts.append((module_id, "make", tuple(org for org, _ in source.steps), source.seed))
    return tuple(parts)


def objective_key(request: Request, cost: Decimal, lead_time: int) -> tuple[Decimal, ...]:
    """Return the sort key of a system under the request's objective (smaller is better).

    ``cost``: (cost, lead time); ``lead_time``: (lead time, cost); ``weighted``:
    (weights.cost * cost + weights.lead_time * lead time, cost, lead time).
    """
    lead = Decimal(lead_time)
    if request.objective == Objective.COST:
        return (cost, lead)
    if request.objective == Objective.LEAD_TIME:
        return (lead, cost)
    with decimal.localcontext(exact()):
        value = request.weights.cost * cost + request.weights.lead_time * lead
    return (value, cost, lead)


def _normalise_choices(product: Product, choices: Choices) -> dict[str, ModuleSource]:
    if isinstance(choices, Mapping):
        return dict(choices)
    listed = list(choices)
    if len(listed) != len(product.modules):
        raise VerificationError(
            [f"{len(listed)} sources given for the {len(product.modules)} modules of product {product.id!r}"]
        )
    return {m.id: s for m, s in zip(product.modules, listed, strict=True)}


Problem = tuple[str, str]  # (place, message); place "" for the system as a whole


def _render(problems: Sequence[Problem], prefix: str = "") -> list[str]:
    out = []
    for place, message in problems:
        where = ", ".join(p for p in (prefix, place) if p)
        out.append(f"{where}: {message}" if where else message)
    return out


# --------------------------------------------------------------------------- evaluation


def _evaluate(
    catalog: Catalog, request: Request, hub_id: str, sources: Mapping[str, ModuleSource]
) -> tuple[SystemFigures | None, list[Problem]]:
    """Figures of a system, or the references that do not resolve."""
    problems: list[Problem] = []
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return None, [("", f"unknown product {request.product!r}")]
    hub = catalog.org_by_id.get(hub_id)
    if hub is None:
        return None, [("hub", f"unknown organization {hub_id!r}")]
    quantity = request.quantity
    handover = catalog.defaults.handover_days
    tasks: list[TaskFigure] = []
    precedences: list[Precedence] = []
    terms: list[CostTerm] = []  # steps, modules and licences, in task order
    variants: dict[str, Mapping[str, str]] = {}
    last: dict[str, int] = {}

    def gap(a: int, org: str) -> int:
        return 0 if tasks[a].organization == org else handover

    for module in product.modules:
        place = f"module {module.id}"
        source = sources.get(module.id)
        if source is None:
            problems.append((place, "has no source"))
            continue
        if isinstance(source, BuyChoice):
            org = catalog.org_by_id.get(source.organization)
            if org is None:
                problems.append((place, f"unknown organization {source.organization!r}"))
                continue
            offer = _module_offer(org, source.offer)
            if offer is None:
                problems.append((place, f"organization {org.id!r} has no module offer {source.offer!r}"))
                continue
            days = _lot_days(offer.setup_days, offer.units_per_day, quantity)
            last[module.id] = len(tasks)
            tasks.append(TaskFigure(place, "module", module.id, None, org.id, days))
            terms.append(CostTerm("modules", place, _lot_cost(offer.setup_cost, offer.unit_cost, quantity)))
            variants[module.id] = offer.variants
            continue
        variants[module.id] = hub.house_variants
        previous: int | None = None
        if source.seed is not None:
            seed_place = f"{place} seed"
            org_id, seed_id = source.seed
            org = catalog.org_by_id.get(org_id)
            seed = None if org is None else _seed(org, seed_id)
            if org is None:
                problems.append((seed_place, f"unknown organization {org_id!r}"))
            elif seed is None:
                problems.append((seed_place, f"organization {org_id!r} has no seed {seed_id!r}"))
            else:
                previous = len(tasks)
                tasks.append(TaskFigure(seed_place, "seed", module.id, None, org.id, seed.transfer_days))
                with decimal.localcontext(exact()):
                    terms.append(CostTerm("licences", seed_place, round_money(seed.license_fee)))
        for index, (org_id, offer_id) in enumerate(source.steps):
            step_place = f"{place} step {index + 1}"
            org = catalog.org_by_id.get(org_id)
            process = None if org is None else _process_offer(org, offer_id)
            if org is None:
                problems.append((step_place, f"unknown organization {org_id!r}"))
                continue
            if process is None:
                problems.append((step_place, f"organization {org_id!r} has no process offer {offer_id!r}"))
                continue
            days = _lot_days(process.setup_days, process.units_per_day, quantity)
            current = len(tasks)
            tasks.append(TaskFigure(step_place, "step", module.id, index, org.id, days))
            terms.append(CostTerm("steps", step_place, _lot_cost(process.setup_cost, process.unit_cost, quantity)))
            if previous is not None:
                precedences.append(Precedence(previous, current, gap(previous, org.id)))
            previous = current
        if previous is not None:
            last[module.id] = previous
    unknown = sorted(set(sources) - set(product.module_by_id))
    for module_id in unknown:
        problems.append((f"module {module_id}", f"product {product.id!r} has no module {module_id!r}"))
    if problems:
        return None, problems

    links: list[LinkFigure] = []
    bridge_days = 0
    with decimal.localcontext(exact()):
        integration_terms = [CostTerm("integration", "design fee", round_money(hub.design_fee))]
        for link in product.links:
            a, b = link.between
            va = variants.get(a, {}).get(link.interface)
            vb = variants.get(b, {}).get(link.interface)
            matched = va is not None and va == vb
            links.append(LinkFigure((a, b), link.interface, (va, vb), matched))
            if matched:
                continue
            kind = catalog.interface_by_id.get(link.interface)
            if kind is None:
                problems.append((f"link {a}-{b} {link.interface}", f"unknown interface {link.interface!r}"))
                continue
            bridge_days += ceil_decimal(kind.bridge_days * hub.bridging)
            integration_terms.append(
                CostTerm(
                    "integration", f"bridge {a}-{b} {link.interface}", round_money(kind.bridge_cost * hub.bridging)
                )
            )
    if problems:
        return None, problems

    integration_days = hub.integration_days + bridge_days
    sink = len(tasks)
    tasks.append(TaskFigure("integration", "integration", None, None, hub.id, integration_days))
    for module in product.modules:
        if module.id in last:
            before = last[module.id]
            precedences.append(Precedence(before, sink, gap(before, hub.id)))

    partners = tuple(sorted({t.organization for t in tasks[:sink]} - {hub.id}))
    onboarding: list[tuple[str, Decimal]] = []
    terms = integration_terms + terms
    with decimal.localcontext(exact()):
        for partner in partners:
            amount = _onboarding(catalog, hub.id, partner)
            if amount is not None:
                rounded = round_money(amount)
                onboarding.append((partner, rounded))
                terms.append(CostTerm("onboarding", f"onboarding {partner}", rounded))
        sums = {kind: Decimal(0) for kind in ("integration", "steps", "modules", "licences", "onboarding")}
        for term in terms:
            sums[term.kind] += term.amount
        breakdown = CostBreakdown(**sums)
        cost = sum((t.amount for t in terms), Decimal(0))
    ordered = tuple((m.id, sources[m.id]) for m in product.modules)
    return (
        SystemFigures(
            hub=hub.id,
            sources=ordered,
            terms=tuple(terms),
            cost=cost,
            breakdown=breakdown,
            integration_days=integration_days,
            tasks=tuple(tasks),
            precedences=tuple(precedences),
            partners=partners,
            links=tuple(links),
            onboarding=tuple(onboarding),
        ),
        [],
    )


def evaluate_system(catalog: Catalog, request: Request, hub: str, choices: Choices) -> SystemFigures:
    """Every schedule-independent figure of a system: tasks, precedences, links, partners, cost.

    ``choices`` gives each module's source (a mapping by module id, or a
    sequence in product order). Eligibility is not judged here (see
    :func:`system_problems`); only references must resolve.

    Raises:
        VerificationError: A hub, organisation, offer, seed, module or interface does not resolve.
    """
    product = catalog.product_by_id.get(request.product)
    if product is None:
        raise VerificationError([f"unknown product {request.product!r}"])
    figures, problems = _evaluate(catalog, request, hub, _normalise_choices(product, choices))
    if figures is None:
        raise VerificationError(_render(problems))
    return figures


# --------------------------------------------------------------------------- eligibility


def _org_filter(request: Request, org: Organization) -> str | None:
    if org.id in request.exclude:
        return f"organization {org.id!r} is excluded by the request"
    if request.sites is not None and (org.site is None or org.site not in request.sites):
        where = "has no site" if org.site is None else f"is at {org.site!r}"
        return f"organization {org.id!r} {where}, outside the request's sites {list(request.sites)}"
    return None


def _lot_problem(what: str, max_lot: int | None, quantity: int) -> str | None:
    if max_lot is not None and max_lot < quantity:
        return f"{what} has max_lot {max_lot} < quantity {quantity}"
    return None


def _hub_problems(catalog: Catalog, request: Request, product: Product, hub_id: str) -> list[Problem]:
    hub = catalog.org_by_id.get(hub_id)
    if hub is None:
        return [("hub", f"unknown organization {hub_id!r}")]
    problems: list[Problem] = []
    if product.family not in hub.develops:
        problems.append(("hub", f"organization {hub_id!r} does not develop the product family {product.family!r}"))
    reason = _org_filter(request, hub)
    if reason:
        problems.append(("hub", reason))
    if request.hub is not None and request.hub != hub_id:
        problems.append(("hub", f"the request fixes the hub to {request.hub!r}, not {hub_id!r}"))
    return problems


def _source_problems(
    catalog: Catalog,
    request: Request,
    module: Module,
    source: ModuleSource,
    parents: Mapping[str, tuple[str, ...]],
) -> list[Problem]:
    """Eligibility of one module's source (references that do not resolve included)."""
    place = f"module {module.id}"
    quantity = request.quantity
    problems: list[Problem] = []

    def org_of(where: str, org_id: str) -> Organization | None:
        org = catalog.org_by_id.get(org_id)
        if org is None:
            problems.append((where, f"unknown organization {org_id!r}"))
            return None
        reason = _org_filter(request, org)
        if reason:
            problems.append((where, reason))
        return org

    if isinstance(source, BuyChoice):
        org = org_of(place, source.organization)
        if org is None:
            return problems
        offer = _module_offer(org, source.offer)
        if offer is None:
            problems.append((place, f"organization {org.id!r} has no module offer {source.offer!r}"))
            return problems
        what = f"module offer {offer.offer_id!r} of {org.id!r}"
        if offer.type != module.type:
            problems.append((place, f"{what} is of type {offer.type!r}, not the module's {module.type!r}"))
        lot = _lot_problem(what, offer.max_lot, quantity)
        if lot:
            problems.append((place, lot))
        return problems

    make = module.make
    if make is None:
        problems.append((place, f"module {module.id!r} has no make: it must be bought"))
        return problems
    if len(source.steps) != len(make.steps):
        problems.append((place, f"{len(source.steps)} steps given, the module's make has {len(make.steps)}"))
    for index, ((org_id, offer_id), step) in enumerate(zip(source.steps, make.steps, strict=False)):
        where = f"{place} step {index + 1}"
        org = org_of(where, org_id)
        if org is None:
            continue
        process = _process_offer(org, offer_id)
        if process is None:
            problems.append((where, f"organization {org_id!r} has no process offer {offer_id!r}"))
            continue
        what = f"offer {offer_id!r} of {org_id!r}"
        if not _descends(parents, process.capability, step.capability):
            problems.append(
                (where, f"{what} is for {process.capability!r}, not {step.capability!r} or a descendant of it")
            )
        if not requirements_met(step.require, process.attributes):
            problems.append((where, f"{what} does not meet the requirements {_show_require(step.require)}"))
        lot = _lot_problem(what, process.max_lot, quantity)
        if lot:
            problems.append((where, lot))
    tech = make.technology
    if tech is None:
        if source.seed is not None:
            problems.append((f"{place} seed", "the module's make has no technology, yet a seed is licensed"))
    elif source.seed is None:
        problems.append((f"{place} seed", f"the module needs a seed of {tech.capability!r}, none is licensed"))
    else:
        where = f"{place} seed"
        org_id, seed_id = source.seed
        org = org_of(where, org_id)
        seed = None if org is None else _seed(org, seed_id)
        if org is not None and seed is None:
            problems.append((where, f"organization {org_id!r} has no seed {seed_id!r}"))
        elif seed is not None:
            what = f"seed {seed_id!r} of {org_id!r}"
            if not _descends(parents, seed.technology, tech.capability):
                problems.append(
                    (where, f"{what} is of {seed.technology!r}, not {tech.capability!r} or a descendant of it")
                )
            if not requirements_met(tech.require, seed.attributes):
                problems.append((where, f"{what} does not meet the requirements {_show_require(tech.require)}"))
    return problems


def _show_require(require: Mapping[str, Any]) -> str:
    parts = []
    for name, req in require.items():
        bits = []
        if req.min is not None:
            bits.append(f"min {req.min}")
        if req.max is not None:
            bits.append(f"max {req.max}")
        if req.in_ is not None:
            bits.append(f"in {[str(v) for v in req.in_]}")
        parts.append(f"{name} {' '.join(bits)}".strip())
    return "{" + ", ".join(parts) + "}"


def _limit_problems(request: Request, figures: SystemFigures) -> list[Problem]:
    """Partner count, required organisations and budget (the deadline needs a schedule)."""
    problems: list[Problem] = []
    limits = request.limits
    if limits.max_partners is not None and len(figures.partners) > limits.max_partners:
        problems.append(("partners", f"{len(figures.partners)} partners exceed max_partners {limits.max_partners}"))
    taking_part = {figures.hub, *figures.partners}
    for org_id in request.require:
        if org_id not in taking_part:
            problems.append(("", f"required organization {org_id!r} takes no part"))
    if limits.budget is not None and figures.cost > limits.budget:
        problems.append(("cost", f"cost {figures.cost} exceeds the budget {limits.budget}"))
    return problems


def system_problems(catalog: Catalog, request: Request, hub: str, choices: Choices) -> list[str]:
    """Why a system is not allowed, schedule aside (empty when it is).

    Checks the hub, every source's eligibility, the ``sites``/``exclude``
    filters of every organisation taking part, the request's ``hub`` and
    ``require``, ``max_partners`` and the budget. The deadline is not checked:
    it depends on the schedule.
    """
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return [f"unknown product {request.product!r}"]
    sources = _normalise_choices(product, choices)
    parents = _parents(catalog)
    problems = _hub_problems(catalog, request, product, hub)
    for module in product.modules:
        source = sources.get(module.id)
        if source is None:
            problems.append((f"module {module.id}", "has no source"))
        else:
            problems += _source_problems(catalog, request, module, source, parents)
    figures, unresolved = _evaluate(catalog, request, hub, sources)
    if figures is None:
        problems += [p for p in unresolved if p not in problems]
    else:
        problems += _limit_problems(request, figures)
    return _render(problems)


# --------------------------------------------------------------------------- reading a solution


class _Reader:
    """Reads a solution dict defensively, collecting the problems of its shape."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, data: Mapping[str, Any], key: str, place: str) -> str | None:
        value = data.get(key)
        if not isinstance(value, str):
            self.problems.append((place, f"field {key!r} must be a string, got {value!r}"))
            return None
        return value

    def whole(self, data: Mapping[str, Any], key: str, place: str) -> int | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append((place, f"field {key!r} must be a whole number, got {value!r}"))
            return None
        return value

    def money(self, data: Mapping[str, Any], key: str, place: str) -> Decimal | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            self.problems.append((place, f"field {key!r} must be a number, got {value!r}"))
            return None
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not amount.is_finite():
            self.problems.append((place, f"field {key!r} is not a finite number: {value!r}"))
            return None
        # adjusted() first: abs() of a Decimal beyond the context's exponent range raises decimal.Overflow.
        if amount.adjusted() > 20 or abs(amount) > MAX_AMOUNT or len(amount.as_tuple().digits) > 60:
            self.problems.append((place, f"field {key!r} = {str(amount)[:24]}... is beyond any cost a catalog allows"))
            return None
        with decimal.localcontext(exact()):
            if amount != amount.quantize(CENT):
                self.problems.append((place, f"field {key!r} = {amount} has more than two decimals"))
        return amount

    def interval(self, data: Mapping[str, Any], place: str) -> tuple[int, int] | None:
        start = self.whole(data, "start", place)
        end = self.whole(data, "end", place)
        return None if start is None or end is None else (start, end)

    def mapping(self, value: Any, place: str, what: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problems.append((place, f"{what} must be an object, got {value!r}"))
            return None
        return value

    def listing(self, value: Any, place: str, what: str) -> list[Any] | None:
        if not isinstance(value, (list, tuple)):
            self.problems.append((place, f"{what} must be a list, got {value!r}"))
            return None
        return list(value)


@dataclass
class _Reported:
    """One candidate as reported, as far as it could be read."""

    rank: int | None = None
    proven: bool | None = None
    cost: Decimal | None = None
    lead_time: int | None = None
    hub: str | None = None
    partners: list[Any] | None = None
    module_ids: list[str] = field(default_factory=list)
    sources: dict[str, ModuleSource] = field(default_factory=dict)
    capabilities: dict[str, list[Any]] = field(default_factory=dict)
    times: dict[str, tuple[int, int]] = field(default_factory=dict)
    complete: bool = True
    links: list[Any] | None = None
    breakdown: dict[str, Decimal | None] = field(default_factory=dict)


_BREAKDOWN_KEYS = ("integration", "steps", "modules", "licences", "onboarding")


def _read_candidate(data: Any, reader: _Reader) -> _Reported:
    rep = _Reported(complete=False)
    cand = reader.mapping(data, "", "a candidate")
    if cand is None:
        return rep
    rank = cand.get("rank")
    rep.rank = rank if isinstance(rank, int) and not isinstance(rank, bool) else None
    if rep.rank is None:
        reader.problems.append(("", f"field 'rank' must be a whole number, got {rank!r}"))
    proven = cand.get("proven_optimal")
    if not isinstance(proven, bool):
        reader.problems.append(("", f"field 'proven_optimal' must be true or false, got {proven!r}"))
    else:
        rep.proven = proven
    rep.cost = reader.money(cand, "cost", "")
    rep.lead_time = reader.whole(cand, "lead_time", "")
    rep.hub = reader.text(cand, "hub", "")
    rep.partners = reader.listing(cand.get("partners"), "", "'partners'")
    rep.links = reader.listing(cand.get("links"), "", "'links'")
    breakdown = reader.mapping(cand.get("cost_breakdown"), "", "'cost_breakdown'")
    if breakdown is not None:
        for key in _BREAKDOWN_KEYS:
            rep.breakdown[key] = reader.money(breakdown, key, "cost_breakdown")
        for key in breakdown:
            if key not in _BREAKDOWN_KEYS:
                reader.problems.append(("cost_breakdown", f"unknown key {key!r}"))
    integration = reader.mapping(cand.get("integration"), "", "'integration'")
    if integration is not None:
        interval = reader.interval(integration, "integration")
        if interval is not None:
            rep.times["integration"] = interval
    modules = reader.listing(cand.get("modules"), "", "'modules'")
    if modules is None:
        return rep
    complete = True
    for index, item in enumerate(modules):
        entry = reader.mapping(item, f"modules[{index}]", "a module entry")
        if entry is None:
            complete = False
            continue
        module_id = reader.text(entry, "id", f"modules[{index}]")
        if module_id is None:
            complete = False
            continue
        rep.module_ids.append(module_id)
        place = f"module {module_id}"
        source = entry.get("source")
        if source == "buy":
            org = reader.text(entry, "organization", place)
            offer = reader.text(entry, "offer", place)
            interval = reader.interval(entry, place)
            if org is None or offer is None:
                complete = False
                continue
            rep.sources[module_id] = BuyChoice(org, offer)
            if interval is not None:
                rep.times[f"module {module_id}"] = interval
        elif source == "make":
            steps = reader.listing(entry.get("steps"), place, "'steps'")
            if steps is None:
                complete = False
                continue
            picks: list[tuple[str, str]] = []
            caps: list[Any] = []
            for si, raw in enumerate(steps):
                where = f"{place} step {si + 1}"
                step = reader.mapping(raw, where, "a step entry")
                if step is None:
                    complete = False
                    continue
                caps.append(step.get("capability"))
                org = reader.text(step, "organization", where)
                offer = reader.text(step, "offer", where)
                interval = reader.interval(step, where)
                if org is None or offer is None:
                    complete = False
                    continue
                picks.append((org, offer))
                if interval is not None:
                    rep.times[f"module {module_id} step {si + 1}"] = interval
            rep.capabilities[module_id] = caps
            if "seed" not in entry:
                reader.problems.append((place, "a made module needs a 'seed' entry (null when it has no technology)"))
            seed_pick: tuple[str, str] | None = None
            raw_seed = entry.get("seed")
            if raw_seed is not None:
                where = f"{place} seed"
                seed = reader.mapping(raw_seed, where, "'seed'")
                if seed is None:
                    complete = False
                    continue
                org = reader.text(seed, "organization", where)
                seed_id = reader.text(seed, "seed", where)
                interval = reader.interval(seed, where)
                if org is None or seed_id is None:
                    complete = False
                    continue
                seed_pick = (org, seed_id)
                if interval is not None:
                    rep.times[f"module {module_id} seed"] = interval
            rep.sources[module_id] = MakeChoice(tuple(picks), seed_pick)
        else:
            reader.problems.append((place, f"source must be 'buy' or 'make', got {source!r}"))
            complete = False
    rep.complete = complete
    return rep


def choices_of(candidate: Mapping[str, Any] | Any) -> tuple[str, dict[str, ModuleSource]]:
    """Return the hub and the module sources of a candidate (a ``Candidate`` or its JSON dict).

    Raises:
        VerificationError: The candidate cannot be read.
    """
    data = candidate if isinstance(candidate, Mapping) else candidate.to_dict()
    reader = _Reader()
    rep = _read_candidate(data, reader)
    if rep.hub is None or not rep.complete:
        raise VerificationError(_render(reader.problems, "candidate") or ["the candidate cannot be read"])
    return rep.hub, rep.sources


# --------------------------------------------------------------------------- checking one candidate


def _check_schedule(figures: SystemFigures, rep: _Reported, catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    times: list[tuple[int, int] | None] = []
    for task in figures.tasks:
        interval = rep.times.get(task.name)
        times.append(interval)
        if interval is None:
            continue  # its shape was reported already
        start, end = interval
        if start < 0:
            problems.append((task.name, f"starts on day {start}, before day 0"))
        if end - start != task.duration:
            problems.append(
                (task.name, f"runs from day {start} to day {end} ({end - start} days) but takes {task.duration} days")
            )
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
    integration = rep.times.get("integration")
    if integration is not None and rep.lead_time is not None and rep.lead_time != integration[1]:
        problems.append(("lead_time", f"is {rep.lead_time}, but the integration ends on day {integration[1]}"))
    return problems


def _check_links(figures: SystemFigures, rep: _Reported) -> list[Problem]:
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


def _check_cost(figures: SystemFigures, rep: _Reported) -> list[Problem]:
    problems: list[Problem] = []
    for key in _BREAKDOWN_KEYS:
        got = rep.breakdown.get(key)
        want: Decimal = getattr(figures.breakdown, key)
        if got is not None and got != want:
            terms = [f"{t.place} {t.amount}" for t in figures.terms if t.kind == key]
            problems.append(("cost_breakdown", f"{key} is {got}, expected {want} ({'; '.join(terms) or 'no terms'})"))
    if rep.cost is not None and rep.cost != figures.cost:
        problems.append(("cost", f"is {rep.cost}, expected {figures.cost}"))
    return problems


def _check_candidate(
    catalog: Catalog, request: Request, product: Product, rep: _Reported, parents: Mapping[str, tuple[str, ...]]
) -> tuple[list[Problem], SystemFigures | None]:
    problems: list[Problem] = []
    if rep.hub is None:
        return problems, None
    problems += _hub_problems(catalog, request, product, rep.hub)

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
    complete = rep.complete and not missing and len(rep.module_ids) == len(set(rep.module_ids))

    for module in product.modules:
        source = rep.sources.get(module.id)
        if source is None:
            continue
        problems += _source_problems(catalog, request, module, source, parents)
        if isinstance(source, MakeChoice) and module.make is not None:
            for index, (got, step) in enumerate(
                zip(rep.capabilities.get(module.id, []), module.make.steps, strict=False)
            ):
                if got != step.capability:
                    problems.append(
                        (f"module {module.id} step {index + 1}", f"capability {got!r}, expected {step.capability!r}")
                    )
    if not complete:
        return problems, None
    sources = {m: s for m, s in rep.sources.items() if m in product.module_by_id}
    figures, unresolved = _evaluate(catalog, request, rep.hub, sources)
    if figures is None:
        problems += [p for p in unresolved if p not in problems]
        return problems, None

    if rep.partners is not None and list(rep.partners) != list(figures.partners):
        if sorted(map(str, rep.partners)) == list(figures.partners):
            problems.append(("partners", f"{rep.partners} are not sorted by id"))
        else:
            problems.append(("partners", f"reported {rep.partners}, expected {list(figures.partners)}"))
    problems += _check_schedule(figures, rep, catalog)
    problems += _check_links(figures, rep)
    problems += _check_cost(figures, rep)
    problems += _limit_problems(request, figures)
    deadline = request.limits.deadline
    if deadline is not None and rep.lead_time is not None and rep.lead_time > deadline:
        problems.append(("lead_time", f"{rep.lead_time} exceeds the deadline {deadline}"))
    return problems, figures


# --------------------------------------------------------------------------- the whole solution


def _number_like(value: Any) -> Any:
    """Normalise request data for comparison: numbers (and numeric strings) to Decimal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number.normalize(exact()) if readable(number) is None else value
    if isinstance(value, str):
        try:
            number = read_number(value)
        except ValueError:
            return value
        return number.normalize(exact())
    if isinstance(value, Mapping):
        return {str(k): _number_like(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_number_like(v) for v in value]
    return str(value)


def _request_differences(embedded: Mapping[str, Any], request: Request, path: str = "") -> list[str]:
    expected = _number_like(request.model_dump(by_alias=True))
    return _diff(_number_like(embedded), expected, path)


def _diff(got: Any, want: Any, path: str) -> list[str]:
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for key, value in got.items():
            if key not in want:
                out.append(f"{path}{key} is not a request field")
            else:
                out += _diff(value, want[key], f"{path}{key}.")
        return out
    if got != want:
        return [f"{path.rstrip('.')} is {_plain(got)}, the request has {_plain(want)}"]
    return []


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return repr(value)


def verify_solution(catalog: Catalog, request: Request, solution: Solution | Mapping[str, Any]) -> list[str]:
    """Every disagreement between a solution and the catalog and request (empty: verified).

    ``solution`` is a :class:`~modcluster.domain.solution.Solution` or the
    parsed solution JSON (money may be Decimal, int or float).
    """
    data: Any = solution.to_dict() if isinstance(solution, Solution) else solution
    reader = _Reader()
    top = reader.mapping(data, "", "the solution")
    if top is None:
        return _render(reader.problems)
    problems: list[Problem] = []
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return [f"unknown product {request.product!r}"]

    if "schema" in top and top.get("schema") != SOLUTION_SCHEMA:
        problems.append(("schema", f"is {top.get('schema')!r}, expected {SOLUTION_SCHEMA!r}"))
    if top.get("product") != request.product:
        problems.append(("product", f"is {top.get('product')!r}, the request asks for {request.product!r}"))
    quantity = top.get("quantity")
    if isinstance(quantity, bool) or quantity != request.quantity:
        problems.append(("quantity", f"is {quantity!r}, the request asks for {request.quantity}"))
    if top.get("objective") != request.objective.value:
        problems.append(("objective", f"is {top.get('objective')!r}, the request asks for {request.objective.value!r}"))
    embedded = top.get("request")
    if embedded is not None:
        if not isinstance(embedded, Mapping):
            problems.append(("request", f"must be an object, got {embedded!r}"))
        else:
            problems += [("request", d) for d in _request_differences(embedded, request)]

    raw_candidates = reader.listing(top.get("candidates"), "", "'candidates'")
    candidates = raw_candidates or []
    status = top.get("status")
    valid_status = ("optimal", "feasible", "infeasible", "unknown")
    if status not in valid_status:
        problems.append(("status", f"must be one of {list(valid_status)}, got {status!r}"))
    if len(candidates) > request.candidates:
        problems.append(
            ("candidates", f"{len(candidates)} candidates, the request asks for at most {request.candidates}")
        )

    parents = _parents(catalog)
    reps: list[_Reported] = []
    figures_list: list[SystemFigures | None] = []
    for index, raw in enumerate(candidates):
        label = f"candidate {index + 1}"
        cand_reader = _Reader()
        rep = _read_candidate(raw, cand_reader)
        if rep.rank is not None and rep.rank != index + 1:
            problems.append(("", f"{label} has rank {rep.rank}, expected {index + 1}"))
        cand_problems, figures = _check_candidate(catalog, request, product, rep, parents)
        prefix = f"candidate {index + 1}"
        problems += [("", text) for text in _render(cand_reader.problems + cand_problems, prefix)]
        reps.append(rep)
        figures_list.append(figures)

    proven = [rep.proven for rep in reps]
    if status in ("infeasible", "unknown") and candidates:
        problems.append(("status", f"is {status!r} but {len(candidates)} candidates are listed"))
    if status == "optimal":
        if not candidates:
            problems.append(("status", "is 'optimal' but no candidate is listed"))
        unproven = [i + 1 for i, p in enumerate(proven) if p is False]
        if unproven:
            problems.append(("status", f"is 'optimal' but candidates {unproven} are not proven optimal"))
    # 'feasible' also covers a proven prefix shorter than asked whose search for the next
    # candidate was stopped by the time limit: neither "k found" nor "no further system" is proven.
    if status == "feasible" and not any(p is False for p in proven) and len(candidates) >= request.candidates:
        problems.append(("status", "is 'feasible' but every one of the k candidates is proven optimal"))
    seen_unproven = False  # one pass: a proven candidate after any unproven one
    for index, flag in enumerate(proven):
        if flag is True and seen_unproven:
            problems.append(("", f"candidate {index + 1} is proven optimal after an unproven candidate"))
        seen_unproven = seen_unproven or flag is False

    keys: list[tuple[Decimal, ...] | None] = []
    for rep, figures in zip(reps, figures_list, strict=True):
        cost = figures.cost if figures is not None else rep.cost
        keys.append(None if cost is None or rep.lead_time is None else objective_key(request, cost, rep.lead_time))
    for index in range(1, len(keys)):
        previous, current = keys[index - 1], keys[index]
        if previous is not None and current is not None and current < previous:
            problems.append(
                (
                    "",
                    f"candidate {index + 1} is better than candidate {index} under objective "
                    f"{request.objective.value}: {_show_key(current)} < {_show_key(previous)}",
                )
            )
    signatures: list[tuple[Any, ...] | None] = [
        None if rep.hub is None or not rep.complete else _signature(rep.hub, _sorted_sources(product, rep))
        for rep in reps
    ]
    # One pass with a dict, not all pairs: each repeat is named once, against the first candidate it repeats.
    first: dict[tuple[Any, ...], int] = {}
    for j, signature in enumerate(signatures):
        if signature is None:
            continue
        i = first.setdefault(signature, j)
        if i != j:
            problems.append(
                (
                    "",
                    f"candidates {i + 1} and {j + 1} are the same system (same hub, sources, organisations and seeds)",
                )
            )
    return _render(reader.problems + problems)


def _sorted_sources(product: Product, rep: _Reported) -> list[tuple[str, ModuleSource]]:
    """Return the reported sources in product order (those reported only)."""
    return [(m.id, rep.sources[m.id]) for m in product.modules if m.id in rep.sources]


def _show_key(key: tuple[Decimal, ...]) -> str:
    return "(" + ", ".join(str(v) for v in key) + ")"


def check_solution(catalog: Catalog, request: Request, solution: Solution | Mapping[str, Any]) -> None:
    """Raise :class:`~modcluster.errors.VerificationError` listing every problem, if any."""
    problems = verify_solution(catalog, request, solution)
    if problems:
        raise VerificationError(problems)
