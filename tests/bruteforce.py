"""Exhaustive reference for SMALL instances, with its own arithmetic and its own reading of MODEL.md.

An oracle is only worth something when a bug in the engine cannot move it
too. This one shares nothing that computes with the solver or the verifier:
it reads the parsed catalog and request (the pydantic models of
:mod:`modcluster.domain`) and hands its answer back as the solution
dataclasses; everything in between is written here, plainly, from the
contract:

- eligibility: the taxonomy's descendants by its own walk, requirements by
  its own reading (``min``/``max`` inclusive and numeric only, ``in`` by
  equality of values of the same type, a missing attribute fails),
  ``max_lot`` against the quantity, ``sites``/``exclude`` on every
  organisation taking part, the request's ``hub``;
- money as exact fractions (:class:`fractions.Fraction`), each term rounded
  half-up to a whole number of cents by integer arithmetic, sums in cents;
- durations ``setup_days + ceil(quantity / units_per_day)`` and bridge days
  ``ceil(bridge_days * bridging)`` by integer ceiling of fractions;
- links matched or bridged (house variants for made modules), onboarding as
  the lowest fee over the intermediaries hub and partner share, else the
  default, none with a tie;
- policies (v1.1): each rounded term is kept with its kind and the
  organisation it is paid to (a step's doer, a module's seller, a seed's
  licensor, the hub for the integration (design fee and bridges) and a
  person's fee; onboarding goes to nobody); a policy's eligible amount is the
  sum of the terms of its kinds paid to an organisation at one of its sites
  (a member of ``members_of`` when set), its refund ``min(cap, share *
  eligible)`` rounded half-up (:func:`refund_cents`), the refunds add up and
  the system's cost is its terms less them, the budget bounding that net
  cost; ``policies: false`` in the request ignores them;
- the minimum lead time of a fixed system by an exact search over schedules
  (:func:`min_lead_time`);
- limits, candidate classes (hub, each module's source and organisation,
  each step's organisation, the seed) and the three objectives with their
  tie-breaks.

It is meant to be obviously right, not fast: use it on tiny instances.

Usage::

    systems = enumerate_systems(catalog, request)   # every allowed system
    classes = candidate_classes(catalog, request)   # best system per distinct candidate, ranked
    keys = ranked_values(catalog, request)          # their objective keys, best first
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from modcluster.domain import (
    Candidate,
    Catalog,
    CostBreakdown,
    LinkResult,
    Module,
    ModuleChoice,
    Organization,
    Request,
    Requirement,
    SeedChoice,
    Solution,
    Status,
    StepChoice,
)

__all__ = [
    "Buy",
    "Make",
    "SystemResult",
    "Task",
    "candidate_classes",
    "enumerate_systems",
    "half_up_cents",
    "min_lead_time",
    "objective_key",
    "onboarding_cents",
    "ranked_values",
    "reference_solution",
    "refund_cents",
]

KINDS = ("integration", "steps", "modules", "licences", "onboarding", "people")


# --------------------------------------------------------------------------- exact arithmetic of its own


def _fraction(value: Decimal | int) -> Fraction:
    """The exact value of a catalog number (a Decimal read from text, or an int)."""
    return Fraction(value)


def half_up_cents(amount: Fraction) -> int:
    """Whole cents of a non-negative amount, rounded half-up: ``floor(100 * amount + 1/2)``.

    >>> half_up_cents(Fraction(5, 1000)), half_up_cents(Fraction(4999, 1000000)), half_up_cents(Fraction(15, 1000))
    (1, 0, 2)
    """
    assert amount >= 0, amount
    scaled = amount * 100 + Fraction(1, 2)
    return scaled.numerator // scaled.denominator


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def _money(cents: int) -> Decimal:
    """``cents`` as a Decimal amount with two places (built from text: no context rounding)."""
    return Decimal(f"{cents}e-2")


def _exact_decimal(value: Fraction) -> Decimal:
    """A fraction whose denominator divides a power of ten, as an exact Decimal."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
        assert places <= 80, f"{value} is not a finite decimal"
    return Decimal(f"{(value * 10**places).numerator}e-{places}")


# --------------------------------------------------------------------------- sources and results


@dataclass(frozen=True)
class Buy:
    """A module bought: the seller and the id of its module offer."""

    organization: str
    offer: str


@dataclass(frozen=True)
class Make:
    """A module made: ``(organization, process offer id)`` per step, and ``(organization, seed id)`` or None."""

    steps: tuple[tuple[str, str], ...]
    seed: tuple[str, str] | None


Source = Buy | Make


@dataclass(frozen=True)
class Task:
    """One task: ``module m``, ``module m step k`` (from 1), ``module m seed`` or ``integration``."""

    name: str
    organization: str
    duration: int


@dataclass(frozen=True)
class SystemResult:
    """One system with its exact figures and a schedule of minimum lead time.

    ``starts[i]`` is the start day of ``tasks[i]``; the integration is the last
    task. Money is in whole cents; ``limit_problems`` is empty when the system
    meets every limit of the request.
    """

    hub: str
    sources: tuple[tuple[str, Source], ...]
    cents: int
    breakdown_cents: tuple[tuple[str, int], ...]
    partners: tuple[str, ...]
    links: tuple[tuple[tuple[str, str], str, bool], ...]
    tasks: tuple[Task, ...]
    lead_time: int
    starts: tuple[int, ...]
    limit_problems: tuple[str, ...] = ()
    person: str | None = None
    subsidies_cents: int = 0

    @property
    def cost(self) -> Decimal:
        return _money(self.cents)

    @property
    def breakdown(self) -> dict[str, Decimal]:
        """The gross terms by kind, and ``subsidies``: the policies' total refund (``cost`` is their difference)."""
        return {kind: _money(cents) for kind, cents in self.breakdown_cents} | {
            "subsidies": _money(self.subsidies_cents)
        }

    @property
    def signature(self) -> tuple[Any, ...]:
        """What makes two systems different candidates: hub, each source and its organisations, seeds."""
        parts: list[Any] = [self.hub, self.person]
        for module_id, source in self.sources:
            if isinstance(source, Buy):
                parts.append((module_id, "buy", source.organization))
            else:
                parts.append((module_id, "make", tuple(org for org, _ in source.steps), source.seed))
        return tuple(parts)

    def key(self, request: Request) -> tuple[Decimal, ...]:
        return objective_key(request, self.cents, self.lead_time)


def objective_key(request: Request, cents: int, lead_time: int) -> tuple[Decimal, ...]:
    """The order of the request's objective, smaller first, tie-breaks included.

    ``cost``: (cost, lead time); ``lead_time``: (lead time, cost); ``weighted``:
    (w_cost * cost + w_lead * lead time, cost, lead time).
    """
    cost = Fraction(cents, 100)
    lead = Fraction(lead_time)
    objective = request.objective.value
    if objective == "cost":
        order = [cost, lead]
    elif objective == "lead_time":
        order = [lead, cost]
    else:
        assert objective == "weighted", objective
        value = _fraction(request.weights.cost) * cost + _fraction(request.weights.lead_time) * lead
        order = [value, cost, lead]
    return tuple(_exact_decimal(v) for v in order)


# --------------------------------------------------------------------------- reading the rules


def _descendants(catalog: Catalog, capability: str) -> set[str]:
    """The capability and everything below it in the taxonomy (a DAG: children name their parents)."""
    found = {capability}
    changed = True
    while changed:
        changed = False
        for cap in catalog.capabilities:
            if cap.id not in found and any(parent in found for parent in cap.parents):
                found.add(cap.id)
                changed = True
    return found


def _takes_part_allowed(request: Request, org: Organization) -> bool:
    """``exclude`` and ``sites``: an organisation without a site fails any sites filter."""
    if org.id in request.exclude:
        return False
    if request.sites is None:
        return True
    return org.site is not None and org.site in request.sites


def _same_value(a: Any, b: Any) -> bool:
    """``in`` compares values for equality: a number equals a number, text text, a boolean a boolean."""
    return type(a) is type(b) and a == b


def _meets(require: Mapping[str, Requirement], attributes: Mapping[str, Any]) -> bool:
    for name, req in require.items():
        if name not in attributes:
            return False
        value = attributes[name]
        numeric = isinstance(value, Decimal)
        if req.min is not None and not (numeric and _fraction(value) >= _fraction(req.min)):
            return False
        if req.max is not None and not (numeric and _fraction(value) <= _fraction(req.max)):
            return False
        if req.in_ is not None and not any(_same_value(value, allowed) for allowed in req.in_):
            return False
    return True


def _lot_days(setup_days: int, units_per_day: Decimal | None, quantity: int) -> int:
    if units_per_day is None:
        return setup_days
    return setup_days + _ceil(Fraction(quantity) / _fraction(units_per_day))


def _lot_cents(setup_cost: Decimal, unit_cost: Decimal, quantity: int) -> int:
    return half_up_cents(_fraction(setup_cost) + _fraction(unit_cost) * quantity)


def _lot_fits(max_lot: int | None, quantity: int) -> bool:
    return max_lot is None or quantity <= max_lot


def _sources(catalog: Catalog, request: Request, module: Module) -> list[Source]:
    """Every eligible source of a module: each module offer to buy, each way to make it."""
    quantity = request.quantity
    orgs = [org for org in catalog.organizations if _takes_part_allowed(request, org)]
    found: list[Source] = [
        Buy(org.id, offer.offer_id)
        for org in orgs
        for offer in org.modules
        if offer.type == module.type and _lot_fits(offer.max_lot, quantity)
    ]
    make = module.make
    if make is None:
        return found
    per_step = []
    for step in make.steps:
        below = _descendants(catalog, step.capability)
        per_step.append(
            [
                (org.id, process.offer_id)
                for org in orgs
                for process in org.processes
                if process.capability in below
                and _meets(step.require, process.attributes)
                and _lot_fits(process.max_lot, quantity)
            ]
        )
    seeds: list[tuple[str, str] | None] = [None]
    if make.technology is not None:
        below = _descendants(catalog, make.technology.capability)
        seeds = [
            (org.id, seed.id)
            for org in orgs
            for seed in org.seeds
            if seed.technology in below and _meets(make.technology.require, seed.attributes)
        ]
    for steps in itertools.product(*per_step):
        for seed in seeds:
            found.append(Make(tuple(steps), seed))
    return found


# --------------------------------------------------------------------------- minimum lead time


def _fits(busy: Sequence[tuple[int, int]], capacity: int, start: int, duration: int) -> bool:
    """Whether a task on ``[start, start + duration)`` keeps the organisation within its capacity.

    The number of running tasks only rises where one starts, so checking the
    new task's first day and every busy start inside it is enough.
    """
    days = [start, *(s for s, _ in busy if start < s < start + duration)]
    return all(sum(1 for s, e in busy if s <= day < e) < capacity for day in days)


def _earliest_start(busy: Sequence[tuple[int, int]], capacity: int, release: int, duration: int) -> int:
    """The earliest start at or after ``release`` that fits (a 0-day task takes no capacity)."""
    if duration == 0:
        return release
    for start in sorted({release, *(e for _, e in busy if e > release)}):
        if _fits(busy, capacity, start, duration):
            return start
    raise AssertionError("after the last busy day everything fits")


def min_lead_time(
    durations: Sequence[int],
    organizations: Sequence[str],
    capacities: Mapping[str, int],
    precedences: Sequence[tuple[int, int, int]],
    sink: int,
) -> tuple[int, tuple[int, ...]]:
    """Exact minimum end of task ``sink`` and one schedule reaching it (a start per task).

    ``precedences`` are ``(before, after, gap)``: ``start[after] >= end[before] + gap``.

    When no organisation has more tasks of positive length than its capacity,
    capacity cannot bind and the earliest start of each task (the longest
    path) is optimal. Otherwise every order of the tasks that respects the
    precedences is tried, each task placed at its earliest feasible start in
    that order (the serial schedule-generation scheme: it generates every
    active schedule, and some active schedule is optimal for a makespan).
    Orders reaching the same partial schedule are followed once.
    """
    n = len(durations)
    before: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for a, b, gap in precedences:
        before[b].append((a, gap))
    load: dict[str, int] = {}
    for org, duration in zip(organizations, durations, strict=True):
        load[org] = load.get(org, 0) + (1 if duration > 0 else 0)
    if all(load[org] <= capacities[org] for org in load):
        starts: dict[int, int] = {}
        while len(starts) < n:
            for t in range(n):
                if t not in starts and all(a in starts for a, _ in before[t]):
                    starts[t] = max([0, *(starts[a] + durations[a] + gap for a, gap in before[t])])
        return starts[sink] + durations[sink], tuple(starts[t] for t in range(n))

    best: list[Any] = [None, None]
    seen: set[frozenset[tuple[int, int]]] = set()
    placed: dict[int, int] = {}

    def search() -> None:
        state = frozenset(placed.items())
        if state in seen:
            return
        seen.add(state)
        if len(placed) == n:
            end = placed[sink] + durations[sink]
            if best[0] is None or end < best[0]:
                best[0], best[1] = end, tuple(placed[t] for t in range(n))
            return
        for t in range(n):
            if t in placed or any(a not in placed for a, _ in before[t]):
                continue
            release = max([0, *(placed[a] + durations[a] + gap for a, gap in before[t])])
            busy = [
                (s, s + durations[u])
                for u, s in placed.items()
                if organizations[u] == organizations[t] and durations[u] > 0
            ]
            placed[t] = _earliest_start(busy, capacities[organizations[t]], release, durations[t])
            search()
            del placed[t]

    search()
    assert best[0] is not None, "precedences with a cycle"
    return int(best[0]), tuple(best[1])


# --------------------------------------------------------------------------- one system


def onboarding_cents(catalog: Catalog, hub_id: str, partner: str) -> int:
    """The onboarding fee of a hub and a partner, in cents.

    None with a tie, else the lowest fee of an intermediary both belong to,
    else the default. Symmetric in ``hub_id`` and ``partner``.
    """
    if any(set(rel.between) == {hub_id, partner} for rel in catalog.relationships):
        return 0
    shared = [
        _fraction(i.onboarding_cost) for i in catalog.intermediaries if hub_id in i.members and partner in i.members
    ]
    return half_up_cents(min(shared) if shared else _fraction(catalog.defaults.onboarding_cost))


@dataclass(frozen=True)
class _Figures:
    """A system's money and tasks: ``cents`` is the NET cost (the gross terms of ``breakdown`` less ``subsidies``)."""

    cents: int
    breakdown: dict[str, int]
    partners: tuple[str, ...]
    links: tuple[tuple[tuple[str, str], str, bool], ...]
    tasks: tuple[Task, ...]
    precedences: tuple[tuple[int, int, int], ...]
    subsidies: int = 0


def _covered(catalog: Catalog, policy: Any, org_id: str) -> bool:
    """Whether the policy covers an organisation: at one of its sites and, with ``members_of``, a member."""
    org = next(o for o in catalog.organizations if o.id == org_id)
    if org.site is None or org.site not in policy.sites:
        return False
    if policy.members_of is None:
        return True
    return any(i.id == policy.members_of and org_id in i.members for i in catalog.intermediaries)


def refund_cents(policy: Any, eligible_cents: int) -> int:
    """A policy's refund on an eligible amount: ``min(cap, share * eligible)`` rounded half-up to a cent.

    >>> from types import SimpleNamespace as P
    >>> half = P(share=Decimal("0.5"), cap=None)
    >>> refund_cents(half, 1001), refund_cents(P(share=Decimal("0.5"), cap=Decimal(3)), 1001)
    (501, 300)
    """
    amount = _fraction(policy.share) * Fraction(eligible_cents, 100)
    if policy.cap is not None:
        amount = min(amount, _fraction(policy.cap))
    return half_up_cents(amount)


def _subsidies(catalog: Catalog, request: Request, terms: Sequence[tuple[str, str | None, int]]) -> int:
    """The policies' total refund on a system's rounded terms ``(kind, organisation, cents)``."""
    if not request.policies:
        return 0
    total = 0
    for policy in catalog.policies or ():
        eligible = sum(
            cents
            for kind, org, cents in terms
            if org is not None and kind != "onboarding" and kind in policy.applies_to and _covered(catalog, policy, org)
        )
        total += refund_cents(policy, eligible)
    return total


#: The pseudo-organisation of a person's availability: a task of ``available_day`` days before integration.
AVAILABLE = "(person available)"


def _figures(
    catalog: Catalog,
    request: Request,
    hub_id: str,
    sources: Sequence[tuple[str, Source]],
    person_id: str | None = None,
) -> _Figures:
    orgs = {org.id: org for org in catalog.organizations}
    product = next(p for p in catalog.products if p.id == request.product)
    hub = orgs[hub_id]
    person = None if person_id is None else next(p for p in catalog.people or () if p.id == person_id)
    quantity = request.quantity
    handover = catalog.defaults.handover_days
    tasks: list[Task] = []
    precedences: list[tuple[int, int, int]] = []
    breakdown = dict.fromkeys(KINDS, 0)
    terms: list[tuple[str, str | None, int]] = []  # every rounded term: kind, the organisation paid, cents

    def pay(kind: str, org: str | None, cents: int) -> None:
        breakdown[kind] += cents
        terms.append((kind, org, cents))

    variants: dict[str, Mapping[str, str]] = {}
    last: list[int] = []

    def follow(a: int, b: int) -> None:
        gap = 0 if tasks[a].organization == tasks[b].organization else handover
        precedences.append((a, b, gap))

    for module_id, source in sources:
        if isinstance(source, Buy):
            offer = next(m for m in orgs[source.organization].modules if m.offer_id == source.offer)
            tasks.append(
                Task(
                    f"module {module_id}",
                    source.organization,
                    _lot_days(offer.setup_days, offer.units_per_day, quantity),
                )
            )
            pay("modules", source.organization, _lot_cents(offer.setup_cost, offer.unit_cost, quantity))
            variants[module_id] = offer.variants
            last.append(len(tasks) - 1)
            continue
        variants[module_id] = hub.house_variants
        previous = None
        if source.seed is not None:
            org_id, seed_id = source.seed
            seed = next(s for s in orgs[org_id].seeds if s.id == seed_id)
            tasks.append(Task(f"module {module_id} seed", org_id, seed.transfer_days))
            pay("licences", org_id, half_up_cents(_fraction(seed.license_fee)))
            previous = len(tasks) - 1
        for k, (org_id, offer_id) in enumerate(source.steps, start=1):
            process = next(p for p in orgs[org_id].processes if p.offer_id == offer_id)
            tasks.append(
                Task(
                    f"module {module_id} step {k}",
                    org_id,
                    _lot_days(process.setup_days, process.units_per_day, quantity),
                )
            )
            pay("steps", org_id, _lot_cents(process.setup_cost, process.unit_cost, quantity))
            if previous is not None:
                follow(previous, len(tasks) - 1)
            previous = len(tasks) - 1
        assert previous is not None, "a make has steps, a technology, or both"
        last.append(previous)

    bridging = _fraction(hub.bridging if person is None or person.bridging is None else person.bridging)
    bridge_days = 0
    pay("integration", hub_id, half_up_cents(_fraction(hub.design_fee)))
    if person is not None:
        pay("people", hub_id, half_up_cents(_fraction(person.fee)))
    kinds = {kind.id: kind for kind in catalog.interfaces}
    links = []
    for link in product.links:
        a, b = link.between
        va, vb = variants[a].get(link.interface), variants[b].get(link.interface)
        matched = va is not None and vb is not None and va == vb
        links.append(((a, b), link.interface, matched))
        if not matched:
            kind = kinds[link.interface]
            bridge_days += _ceil(_fraction(kind.bridge_days) * bridging)
            pay("integration", hub_id, half_up_cents(_fraction(kind.bridge_cost) * bridging))
    partners = tuple(sorted({task.organization for task in tasks} - {hub_id}))
    waiting = None
    if person is not None and person.available_day > 0:  # the integration waits for the person (no handover)
        tasks.append(Task("person available", AVAILABLE, person.available_day))
        waiting = len(tasks) - 1
    days = hub.integration_days if person is None else person.integration_days
    tasks.append(Task("integration", hub_id, days + bridge_days))
    for t in last:
        follow(t, len(tasks) - 1)
    if waiting is not None:
        precedences.append((waiting, len(tasks) - 1, 0))

    for partner in partners:
        pay("onboarding", None, onboarding_cents(catalog, hub_id, partner))
    subsidies = _subsidies(catalog, request, terms)
    assert sum(c for _, _, c in terms) == sum(breakdown.values())
    return _Figures(
        sum(breakdown.values()) - subsidies,
        breakdown,
        partners,
        tuple(links),
        tuple(tasks),
        tuple(precedences),
        subsidies,
    )


# --------------------------------------------------------------------------- every system


def _hubs(catalog: Catalog, request: Request, product: Any) -> list[tuple[str, str | None]]:
    """Every (hub, person placed or None): a developer of the family, or a person who may lead it there."""
    found: list[tuple[str, str | None]] = []
    for org in catalog.organizations:
        if not _takes_part_allowed(request, org) or (request.hub is not None and org.id != request.hub):
            continue
        if product.family in org.develops:
            found.append((org.id, None))
        if not request.people or org.kind is None or org.kind.value not in ("developer", "processor"):
            continue
        for person in catalog.people or ():
            member = person.via is None or any(
                i.id == person.via and org.id in i.members for i in catalog.intermediaries
            )
            if product.family in person.families and member:
                found.append((org.id, person.id))
    return found


def _systems(catalog: Catalog, request: Request) -> Iterator[tuple[str, str | None, tuple[tuple[str, Source], ...]]]:
    product = next(p for p in catalog.products if p.id == request.product)
    options = [_sources(catalog, request, module) for module in product.modules]
    for hub, person in _hubs(catalog, request, product):
        for combination in itertools.product(*options):
            yield hub, person, tuple((m.id, s) for m, s in zip(product.modules, combination, strict=True))


def enumerate_systems(catalog: Catalog, request: Request, *, within_limits: bool = True) -> list[SystemResult]:
    """Every eligible system (hub and each module's source), with its cost and minimum lead time.

    With ``within_limits`` (the default) only systems meeting the budget, the
    deadline, ``max_partners`` and ``require`` are returned; otherwise every
    eligible system, each with its ``limit_problems``.
    """
    limits = request.limits
    capacity = {org.id: org.capacity for org in catalog.organizations} | {AVAILABLE: 1}
    cache: dict[Any, tuple[int, tuple[int, ...]]] = {}
    found: list[SystemResult] = []
    for hub, person, sources in _systems(catalog, request):
        fig = _figures(catalog, request, hub, sources, person)
        problems: list[str] = []
        if limits.max_partners is not None and len(fig.partners) > limits.max_partners:
            problems.append(f"{len(fig.partners)} partners > max_partners {limits.max_partners}")
        for org in request.require:
            if org != hub and org not in fig.partners:
                problems.append(f"required {org!r} takes no part")
        if limits.budget is not None and Fraction(fig.cents, 100) > _fraction(limits.budget):
            problems.append(f"cost {_money(fig.cents)} > budget {limits.budget}")
        if problems and within_limits:
            continue
        durations = tuple(t.duration for t in fig.tasks)
        orgs = tuple(t.organization for t in fig.tasks)
        key = (durations, orgs, fig.precedences, tuple(capacity[o] for o in orgs))
        if key not in cache:
            cache[key] = min_lead_time(durations, orgs, capacity, fig.precedences, len(fig.tasks) - 1)
        lead_time, starts = cache[key]
        if limits.deadline is not None and lead_time > limits.deadline:
            problems.append(f"lead time {lead_time} > deadline {limits.deadline}")
        if problems and within_limits:
            continue
        found.append(
            SystemResult(
                hub=hub,
                sources=sources,
                cents=fig.cents,
                breakdown_cents=tuple(fig.breakdown.items()),
                partners=fig.partners,
                links=fig.links,
                tasks=fig.tasks,
                lead_time=lead_time,
                starts=starts,
                limit_problems=tuple(problems),
                person=person,
                subsidies_cents=fig.subsidies,
            )
        )
    return found


def candidate_classes(catalog: Catalog, request: Request) -> list[SystemResult]:
    """The best system of each distinct candidate, best first (equal keys in a fixed order)."""
    best: dict[tuple[Any, ...], SystemResult] = {}
    for system in enumerate_systems(catalog, request):
        held = best.get(system.signature)
        if held is None or system.key(request) < held.key(request):
            best[system.signature] = system
    return sorted(best.values(), key=lambda s: (s.key(request), repr(s.signature)))


def ranked_values(catalog: Catalog, request: Request) -> list[tuple[Decimal, ...]]:
    """Objective keys of every candidate class within the limits, best first."""
    return [system.key(request) for system in candidate_classes(catalog, request)]


# --------------------------------------------------------------------------- as a solution


def _candidate(
    rank: int,
    system: SystemResult,
    capabilities: Mapping[str, Sequence[str]],
    with_people: bool = False,
    with_policies: bool = False,
) -> Candidate:
    at = {task.name: (start, start + task.duration) for task, start in zip(system.tasks, system.starts, strict=True)}
    modules: list[ModuleChoice] = []
    for module_id, source in system.sources:
        if isinstance(source, Buy):
            start, end = at[f"module {module_id}"]
            modules.append(
                ModuleChoice(
                    module_id, "buy", organization=source.organization, offer=source.offer, start=start, end=end
                )
            )
            continue
        steps = tuple(
            StepChoice(capabilities[module_id][k - 1], org, offer, *at[f"module {module_id} step {k}"])
            for k, (org, offer) in enumerate(source.steps, start=1)
        )
        seed = None if source.seed is None else SeedChoice(*source.seed, *at[f"module {module_id} seed"])
        modules.append(ModuleChoice(module_id, "make", steps=steps, seed=seed))
    b = system.breakdown
    return Candidate(
        rank=rank,
        proven_optimal=True,
        cost=system.cost,
        lead_time=system.lead_time,
        hub=system.hub,
        partners=system.partners,
        modules=tuple(modules),
        integration=at["integration"],
        links=tuple(LinkResult(between, interface, matched) for between, interface, matched in system.links),
        cost_breakdown=CostBreakdown(
            b["integration"], b["steps"], b["modules"], b["licences"], b["onboarding"], b["people"], b["subsidies"]
        ),
        person=system.person,
        with_people=with_people,
        with_policies=with_policies,
    )


def reference_solution(catalog: Catalog, request: Request) -> Solution:
    """The brute-force answer as a :class:`Solution` (every candidate proven optimal)."""
    product = next(p for p in catalog.products if p.id == request.product)
    capabilities = {m.id: [s.capability for s in m.make.steps] if m.make else [] for m in product.modules}
    classes = candidate_classes(catalog, request)[: request.candidates]
    with_people = catalog.people is not None
    with_policies = catalog.policies is not None
    candidates = tuple(
        _candidate(rank, system, capabilities, with_people, with_policies)
        for rank, system in enumerate(classes, start=1)
    )
    return Solution(
        product=request.product,
        quantity=request.quantity,
        objective=request.objective.value,
        status=Status.OPTIMAL if candidates else Status.INFEASIBLE,
        candidates=candidates,
        request=request.model_dump(by_alias=True),
    )
