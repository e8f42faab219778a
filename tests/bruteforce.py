"""Exhaustive reference for SMALL instances: every system, its exact cost and minimum lead time.

Used by tests (and property tests against the solver) as an oracle that shares
nothing with the solver: systems are enumerated by plain loops, figures come
from :func:`modcluster.verify.evaluate_system`, and the minimum lead time of a
fixed system is found by trying every precedence-feasible task order with a
serial schedule-generation scheme (each task, in list order, is placed at the
earliest start that its predecessors, their handover gaps and the
organisation's capacity profile allow; zero-day tasks take no capacity). The
schedules this generates are the active ones, which contain an optimum for a
regular objective such as the makespan; equal partial schedules are explored
once and a capacity-free lower bound prunes the rest.

Usage::

    systems = enumerate_systems(catalog, request)   # every allowed system
    classes = candidate_classes(catalog, request)   # best system per distinct candidate, ranked
    keys = ranked_values(catalog, request)          # their objective keys, best first
    assert [objective_key(request, c.cost, c.lead_time) for c in solution.candidates] == keys[:k]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.domain.catalog import Catalog, Module, Organization
from modcluster.domain.request import Request
from modcluster.domain.solution import (
    Candidate,
    CostBreakdown,
    LinkResult,
    ModuleChoice,
    SeedChoice,
    Solution,
    Status,
    StepChoice,
)
from modcluster.verify import (
    BuyChoice,
    MakeChoice,
    ModuleSource,
    SystemFigures,
    evaluate_system,
    objective_key,
)

__all__ = [
    "SystemResult",
    "candidate_classes",
    "enumerate_systems",
    "min_lead_time",
    "ranked_values",
    "reference_solution",
]


@dataclass(frozen=True)
class SystemResult:
    """One system with its exact figures and a schedule of minimum lead time.

    ``starts[i]`` is the start day of ``figures.tasks[i]``.
    ``limit_problems`` is empty when the system meets every limit of the request.
    """

    hub: str
    sources: tuple[tuple[str, ModuleSource], ...]
    figures: SystemFigures
    lead_time: int
    starts: tuple[int, ...]
    limit_problems: tuple[str, ...] = ()

    @property
    def cost(self) -> Decimal:
        return self.figures.cost

    @property
    def signature(self) -> tuple[Any, ...]:
        return self.figures.signature

    def key(self, request: Request) -> tuple[Decimal, ...]:
        return objective_key(request, self.cost, self.lead_time)


# --------------------------------------------------------------------------- taxonomy and filters


def _descendants(catalog: Catalog, capability: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for cap in catalog.capabilities:
        for parent in cap.parents:
            children.setdefault(parent, []).append(cap.id)
    found = {capability}
    todo = [capability]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _allowed(request: Request, org: Organization) -> bool:
    if org.id in request.exclude:
        return False
    return request.sites is None or (org.site is not None and org.site in request.sites)


def _meets(require: Mapping[str, Any], attributes: Mapping[str, Any]) -> bool:
    for name, req in require.items():
        value = attributes.get(name)
        if value is None:
            return False
        is_number = isinstance(value, Decimal)
        if req.min is not None and not (is_number and value >= req.min):
            return False
        if req.max is not None and not (is_number and value <= req.max):
            return False
        if req.in_ is not None and not any(type(value) is type(allowed) and value == allowed for allowed in req.in_):
            return False
    return True


def _lot_ok(max_lot: int | None, quantity: int) -> bool:
    return max_lot is None or max_lot >= quantity


def _module_options(catalog: Catalog, request: Request, module: Module) -> list[ModuleSource]:
    orgs = [o for o in catalog.organizations if _allowed(request, o)]
    quantity = request.quantity
    options: list[ModuleSource] = []
    for org in orgs:
        for offer in org.modules:
            if offer.type == module.type and _lot_ok(offer.max_lot, quantity):
                options.append(BuyChoice(org.id, offer.offer_id))
    if module.make is None:
        return options
    per_step: list[list[tuple[str, str]]] = []
    for step in module.make.steps:
        caps = _descendants(catalog, step.capability)
        per_step.append(
            [
                (org.id, p.offer_id)
                for org in orgs
                for p in org.processes
                if p.capability in caps and _meets(step.require, p.attributes) and _lot_ok(p.max_lot, quantity)
            ]
        )
    tech = module.make.technology
    seeds: list[tuple[str, str] | None] = [None]
    if tech is not None:
        caps = _descendants(catalog, tech.capability)
        seeds = [
            (org.id, s.id)
            for org in orgs
            for s in org.seeds
            if s.technology in caps and _meets(tech.require, s.attributes)
        ]
    for steps in itertools.product(*per_step):
        for seed in seeds:
            options.append(MakeChoice(tuple(steps), seed))
    return options


# --------------------------------------------------------------------------- minimum lead time


def _earliest_fit(intervals: Sequence[tuple[int, int]], capacity: int, earliest: int, duration: int) -> int:
    """Earliest start >= ``earliest`` at which ``duration`` days fit under ``capacity``."""
    if duration == 0:
        return earliest
    candidates = sorted({earliest, *(e for _, e in intervals if e > earliest)})
    for start in candidates:
        end = start + duration
        points = [start, *(s for s, _ in intervals if start < s < end)]
        if all(sum(1 for s, e in intervals if s <= p < e) < capacity for p in points):
            return start
    raise AssertionError("unreachable: the last candidate start is after every interval")


def min_lead_time(
    durations: Sequence[int],
    organizations: Sequence[str],
    capacities: Mapping[str, int],
    precedences: Sequence[tuple[int, int, int]],
    sink: int,
) -> tuple[int, tuple[int, ...]]:
    """Exact minimum end of task ``sink`` and one schedule reaching it (start per task).

    ``precedences`` are ``(before, after, gap)``: ``start[after] >= end[before] + gap``.
    Every other task must precede ``sink`` (as the integration in a system).
    """
    n = len(durations)
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for before, after, gap in precedences:
        preds[after].append((before, gap))
    order = _topological(n, preds)
    best: list[Any] = [None, None]
    seen: set[frozenset[tuple[int, int]]] = set()
    starts: dict[int, int] = {}
    profile: dict[str, list[tuple[int, int]]] = {org: [] for org in organizations}

    def lower_bound() -> int:
        es: dict[int, int] = {}
        for t in order:
            if t in starts:
                continue
            es[t] = max(
                [0] + [(starts[p] + durations[p] if p in starts else es[p] + durations[p]) + gap for p, gap in preds[t]]
            )
        return starts[sink] + durations[sink] if sink in starts else es[sink] + durations[sink]

    def search() -> None:
        if len(starts) == n:
            value = starts[sink] + durations[sink]
            if best[0] is None or value < best[0]:
                best[0], best[1] = value, tuple(starts[i] for i in range(n))
            return
        if best[0] is not None and lower_bound() >= best[0]:
            return
        state = frozenset(starts.items())
        if state in seen:
            return
        seen.add(state)
        for t in range(n):
            if t in starts or any(p not in starts for p, _ in preds[t]):
                continue
            earliest = max([0] + [starts[p] + durations[p] + gap for p, gap in preds[t]])
            org = organizations[t]
            start = _earliest_fit(profile[org], capacities[org], earliest, durations[t])
            starts[t] = start
            if durations[t]:
                profile[org].append((start, start + durations[t]))
            search()
            if durations[t]:
                profile[org].pop()
            del starts[t]

    search()
    assert best[0] is not None and best[1] is not None
    return int(best[0]), tuple(best[1])


def _topological(n: int, preds: Sequence[Sequence[tuple[int, int]]]) -> list[int]:
    order: list[int] = []
    placed: set[int] = set()
    while len(order) < n:
        progress = False
        for t in range(n):
            if t not in placed and all(p in placed for p, _ in preds[t]):
                order.append(t)
                placed.add(t)
                progress = True
        if not progress:
            raise ValueError("precedences have a cycle")
    return order


def _schedule(
    catalog: Catalog, figures: SystemFigures, cache: dict[Any, tuple[int, tuple[int, ...]]]
) -> tuple[int, tuple[int, ...]]:
    orgs = [t.organization for t in figures.tasks]
    names = {org: index for index, org in enumerate(dict.fromkeys(orgs))}
    key = (
        tuple(t.duration for t in figures.tasks),
        tuple(names[o] for o in orgs),
        tuple(catalog.org_by_id[o].capacity for o in names),
        tuple((p.before, p.after, p.gap) for p in figures.precedences),
    )
    if key not in cache:
        cache[key] = min_lead_time(
            [t.duration for t in figures.tasks],
            orgs,
            {o: catalog.org_by_id[o].capacity for o in names},
            [(p.before, p.after, p.gap) for p in figures.precedences],
            figures.integration,
        )
    return cache[key]


# --------------------------------------------------------------------------- systems and classes


def _systems(catalog: Catalog, request: Request) -> Iterator[tuple[str, tuple[tuple[str, ModuleSource], ...]]]:
    product = catalog.product_by_id[request.product]
    hubs = [
        o.id
        for o in catalog.organizations
        if product.family in o.develops and _allowed(request, o) and (request.hub is None or request.hub == o.id)
    ]
    options = [_module_options(catalog, request, m) for m in product.modules]
    for hub in hubs:
        for combo in itertools.product(*options):
            yield hub, tuple((m.id, s) for m, s in zip(product.modules, combo, strict=True))


def enumerate_systems(catalog: Catalog, request: Request, *, within_limits: bool = True) -> list[SystemResult]:
    """Every eligible system (hub x each module's source), with exact cost and minimum lead time.

    With ``within_limits`` (the default) only systems meeting budget, deadline,
    ``max_partners`` and ``require`` are returned; otherwise all eligible
    systems, each with its ``limit_problems``.
    """
    limits = request.limits
    cache: dict[Any, tuple[int, tuple[int, ...]]] = {}
    results: list[SystemResult] = []
    for hub, sources in _systems(catalog, request):
        figures = evaluate_system(catalog, request, hub, dict(sources))
        problems: list[str] = []
        if limits.max_partners is not None and len(figures.partners) > limits.max_partners:
            problems.append(f"{len(figures.partners)} partners > max_partners {limits.max_partners}")
        for org in request.require:
            if org != hub and org not in figures.partners:
                problems.append(f"required {org!r} takes no part")
        if limits.budget is not None and figures.cost > limits.budget:
            problems.append(f"cost {figures.cost} > budget {limits.budget}")
        if problems and within_limits:
            continue
        lead_time, starts = _schedule(catalog, figures, cache)
        if limits.deadline is not None and lead_time > limits.deadline:
            problems.append(f"lead time {lead_time} > deadline {limits.deadline}")
        if problems and within_limits:
            continue
        results.append(SystemResult(hub, sources, figures, lead_time, starts, tuple(problems)))
    return results


def candidate_classes(catalog: Catalog, request: Request) -> list[SystemResult]:
    """Return the best system of each distinct candidate class, best first (ties in a fixed order)."""
    best: dict[tuple[Any, ...], SystemResult] = {}
    for system in enumerate_systems(catalog, request):
        current = best.get(system.signature)
        if current is None or system.key(request) < current.key(request):
            best[system.signature] = system
    return sorted(best.values(), key=lambda s: (s.key(request), repr(s.signature)))


def ranked_values(catalog: Catalog, request: Request) -> list[tuple[Decimal, ...]]:
    """Objective keys of all candidate classes within the limits, best first."""
    return [system.key(request) for system in candidate_classes(catalog, request)]


def _candidate(rank: int, system: SystemResult, step_caps: Mapping[str, Sequence[str]]) -> Candidate:
    figures = system.figures
    index = {t.name: i for i, t in enumerate(figures.tasks)}
    modules: list[ModuleChoice] = []
    for module_id, source in system.sources:
        if isinstance(source, BuyChoice):
            i = index[f"module {module_id}"]
            start = system.starts[i]
            modules.append(
                ModuleChoice(
                    module_id,
                    "buy",
                    organization=source.organization,
                    offer=source.offer,
                    start=start,
                    end=start + figures.tasks[i].duration,
                )
            )
            continue
        steps = []
        for k, (org, offer) in enumerate(source.steps):
            i = index[f"module {module_id} step {k + 1}"]
            capability = step_caps[module_id][k]
            steps.append(
                StepChoice(capability, org, offer, system.starts[i], system.starts[i] + figures.tasks[i].duration)
            )
        seed = None
        if source.seed is not None:
            i = index[f"module {module_id} seed"]
            seed = SeedChoice(
                source.seed[0], source.seed[1], system.starts[i], system.starts[i] + figures.tasks[i].duration
            )
        modules.append(ModuleChoice(module_id, "make", steps=tuple(steps), seed=seed))
    sink = figures.integration
    return Candidate(
        rank=rank,
        proven_optimal=True,
        cost=figures.cost,
        lead_time=system.lead_time,
        hub=system.hub,
        partners=figures.partners,
        modules=tuple(modules),
        integration=(system.starts[sink], system.starts[sink] + figures.tasks[sink].duration),
        links=tuple(LinkResult(lk.between, lk.interface, lk.matched) for lk in figures.links),
        cost_breakdown=CostBreakdown(
            figures.breakdown.integration,
            figures.breakdown.steps,
            figures.breakdown.modules,
            figures.breakdown.licences,
            figures.breakdown.onboarding,
        ),
    )


def reference_solution(catalog: Catalog, request: Request) -> Solution:
    """Return the brute-force answer as a :class:`Solution` (every candidate proven optimal).

    Handy to check the verifier against an independent answer, and to compare
    with the solver's output figure by figure.
    """
    product = catalog.product_by_id[request.product]
    classes = candidate_classes(catalog, request)[: request.candidates]
    step_caps = {m.id: [s.capability for s in m.make.steps] if m.make else [] for m in product.modules}
    candidates = [_candidate(rank, system, step_caps) for rank, system in enumerate(classes, start=1)]
    return Solution(
        product=request.product,
        quantity=request.quantity,
        objective=request.objective.value,
        status=Status.OPTIMAL if candidates else Status.INFEASIBLE,
        candidates=tuple(candidates),
        request=request.model_dump(by_alias=True),
    )
