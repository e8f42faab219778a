"""The plan search: independent groups of entries, bounds, an incumbent, and the exact CP-SAT solve.

:func:`search_plan` is what :func:`modcluster.plan` calls. Entries that no
organisation could join (and no plan budget couples) are solved apart
(:func:`components`); within a group, :func:`_solve_group` shrinks the
model with what is known before CP-SAT sees it, each step exact: same-organisation
dominance, bounds per entry and hub (:mod:`~modcluster.solver.planbound`),
an incumbent from the entries' alone systems, and the hubs and options no
plan as good as the incumbent can use. ``SolverSettings(decompose=False,
bounds=False, hint=False, dominance=False)`` is the plain CP-SAT model of
the plan (the benchmarks' peer).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from ortools.sat.python import cp_model

from modcluster.domain import Candidate, Objective, Request, Status
from modcluster.errors import SolverError
from modcluster.solver.cpsat import SolverSettings
from modcluster.solver.decode import candidate_of
from modcluster.solver.hint import GreedyModule, GreedySystem, fix_system
from modcluster.solver.instance import Instance, ModulePlan, Option
from modcluster.solver.lagrange import Lagrangian
from modcluster.solver.objective import ObjectiveOrder, hint_solution, minimiser
from modcluster.solver.plan import PlanModel, PlanOutcome, compile_plan, outcome_of, solve_plan_model
from modcluster.solver.planbound import EntryBound, alone_first_bound, entry_bounds, lighter, waivable_pairs
from modcluster.solver.progress import step
from modcluster.solver.prune import restrict_hub, same_org_dominance, slots_of

__all__ = ["PlanSearch", "components", "search_plan"]


@dataclass(frozen=True)
class PlanSearch:
    """A plan search's answer, decoded.

    Attributes:
        status: ``OPTIMAL`` only when every component's plan is proven best.
        candidates: Each entry's system as a candidate (rank 1; its onboarding is what the entry pays),
            in plan order; () when no plan was found.
        bound: When the proof stopped short, a proven lower bound of the objective's first figure
            over the whole plan (money for ``cost`` and ``weighted``, days for ``lead_time``).
        components: How many independent groups of entries were solved apart.
        interrupted: Ctrl-C stopped a search.
    """

    status: Status
    candidates: tuple[Candidate, ...] = ()
    bound: Decimal | int | None = None
    components: int = 1
    interrupted: bool = False


def components(instances: Sequence[Instance], coupled: bool) -> list[list[int]]:
    """Groups of entries that cannot interact, each in plan order (one group when ``coupled``).

    Two entries interact when some organisation could take part in both
    (capacity, a shared tie); a plan budget couples every entry.

    >>> components([], False)
    []
    """
    if coupled or len(instances) <= 1:
        return [list(range(len(instances)))] if instances else []
    parent = list(range(len(instances)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, inst in enumerate(instances):
        for org in [*(h.org for h in inst.hubs), *inst.participants]:
            if org in owner:
                parent[root(index)] = root(owner[org])
            else:
                owner[org] = index
    groups: dict[int, list[int]] = {}
    for index in range(len(instances)):
        groups.setdefault(root(index), []).append(index)
    return sorted(groups.values())


def search_plan(
    instances: Sequence[Instance],
    releases: Sequence[int],
    settings: SolverSettings,
    stop_at: float,
    *,
    budget_cents: int | None = None,
    hints: Sequence[GreedySystem | None] = (),
) -> PlanSearch:
    """The best plan of the entries: each independent group of entries solved as one model.

    Components are solved one after another, each with an equal share of
    the time left; the totals are sums, so the best plans of the groups make
    the best plan. ``settings.decompose=False`` solves every entry in one
    model, and ``settings.hint=False`` drops the hints: together, the plain
    CP-SAT model of the plan (the benchmarks' peer).
    """
    if any(inst.policies for inst in instances):  # the bounds and dominance reason on gross cents
        settings = replace(settings, dominance=False, bounds=False)
    groups = components(instances, budget_cents is not None or not settings.decompose)
    hinted = list(hints) if settings.hint else []
    hinted += [None] * (len(instances) - len(hinted))
    found: dict[int, Candidate] = {}
    statuses: list[cp_model.CpSolverStatus] = []
    bound_total: Fraction | None = Fraction(0)
    interrupted = False
    for position, group in enumerate(groups):
        share = (stop_at - time.monotonic()) / (len(groups) - position)
        step(f"plan: {len(group)} entries together", position + 1, len(groups), limit=max(share, 0.0))
        outcome, model, chosen = _solve_group(
            [instances[i] for i in group],
            [releases[i] for i in group],
            [hinted[i] for i in group],
            settings,
            time.monotonic() + max(share, 0.0),
            budget_cents,
        )
        interrupted = interrupted or outcome.interrupted
        statuses.append(outcome.status)
        if outcome.status == cp_model.INFEASIBLE:
            return PlanSearch(Status.INFEASIBLE, components=len(groups), interrupted=interrupted)
        if outcome.systems:
            proven = outcome.status == cp_model.OPTIMAL
            for i, inst, system, pays in zip(group, chosen, outcome.systems, outcome.paid, strict=True):
                found[i] = candidate_of(inst, system, 1, proven, pays_for=pays)
        if bound_total is not None:
            if outcome.status == cp_model.OPTIMAL and outcome.systems:
                keys = model.order.key(sum(s.cents for s in outcome.systems), sum(s.lead for s in outcome.systems))
                bound_total += Fraction(keys[0]) * model.order.unit
            elif outcome.bound:
                bound_total += Fraction(outcome.bound[0]) * model.order.unit
            else:
                bound_total = None
        if interrupted:
            break
    complete = len(found) == len(instances)
    if complete and all(s == cp_model.OPTIMAL for s in statuses):
        status = Status.OPTIMAL
    elif complete:
        status = Status.FEASIBLE
    else:
        status = Status.UNKNOWN
    bound: Decimal | int | None = None
    if status is not Status.OPTIMAL and bound_total is not None and len(statuses) == len(groups):
        bound = _first_figure(instances[0].request.objective, bound_total)
    candidates = tuple(found[i] for i in range(len(instances))) if complete else ()
    return PlanSearch(status, candidates, bound, len(groups), interrupted)


#: The share of a group's time the entries' own bounds (each solved alone without waivable fees) may take.
ALONE_BOUND_SHARE = 0.3

#: The share of a group's time the incumbent (the entries' alone systems scheduled together) may take.
INCUMBENT_SHARE = 0.1

#: The incumbent's stages also stop after this much of CP-SAT's deterministic time (the same on every
#: machine), so that the hint they hand on does not depend on the machine's speed.
INCUMBENT_WORK = 2.0


@dataclass
class _Bounds:
    """What is known of each entry before the plan model is built: per-hub bounds, prices and its own bound."""

    hubs: list[EntryBound]
    prices: list[dict[str, Lagrangian]]
    firsts: list[int | None]
    waived: list[frozenset[tuple[str, str]]]


def _solve_group(
    instances: Sequence[Instance],
    releases: Sequence[int],
    hints: Sequence[GreedySystem | None],
    settings: SolverSettings,
    stop_at: float,
    budget_cents: int | None,
) -> tuple[PlanOutcome, PlanModel, list[Instance]]:
    """One group of entries: reduce, bound, find an incumbent, cut what cannot beat it, then solve exactly.

    1. ``settings.dominance``: in each slot, an option of an organisation that another
       option of the same organisation beats in cents and days with the same variants is
       dropped (capacity is the organisation's either way, so this holds in a plan too).
    2. ``settings.bounds``: each entry's per-hub bounds and its own bound alone
       (:mod:`~modcluster.solver.planbound`), posted as cuts.
    3. ``settings.hint`` and every entry hinted: the hinted systems scheduled together in a
       model holding only their choices (small, quick); if that is a plan, every hub whose
       bound plus the other entries' best bounds exceeds the plan's first key is dropped, and,
       for ``cost``, every option whose Lagrangian forced bound does (no plan with it can be as
       good); the incumbent is the final model's complete hint.

    Returns:
        The outcome, the model solved, and the instances it was built from.
    """
    if settings.dominance:
        instances = [same_org_dominance(inst) for inst in instances]
        hints = [None if h is None else _remap(inst, h) for inst, h in zip(instances, hints, strict=True)]
    known = _entry_knowledge(instances, releases, settings, stop_at) if settings.bounds else None
    bounds = None if known is None else known.hubs
    firsts = [] if known is None else known.firsts
    incumbent = None
    if known is not None and settings.hint and all(h is not None for h in hints):
        quick = time.monotonic() + INCUMBENT_SHARE * max(stop_at - time.monotonic(), 0.0)
        incumbent = _incumbent(instances, releases, hints, settings, quick, budget_cents)
        if incumbent is not None:
            instances = _within(instances, known, incumbent, instances[0].request)
    model = compile_plan(instances, releases, budget_cents=budget_cents, bounds=bounds, firsts=firsts)
    if incumbent is None:  # the alone systems do not make a plan together: no hint is better than a wrong one
        hinted = hints if known is None else ()
        return solve_plan_model(model, settings, stop_at, hints=hinted), model, list(instances)
    quick = time.monotonic() + INCUMBENT_SHARE * max(stop_at - time.monotonic(), 0.0)
    complete = _fixed_solve(model, incumbent.systems, settings, quick) is not None
    outcome = solve_plan_model(model, settings, stop_at, hints=() if complete else incumbent.systems)
    assert known is not None
    return _better(outcome, incumbent, model.order, _static_first(known, model.order)), model, list(instances)


def _static_first(known: _Bounds, order: ObjectiveOrder) -> int:
    """The plan's first key is at least the sum of each entry's best bound (per hub, or alone)."""
    c, d = order.keys[0]
    total = 0
    for bound, first in zip(known.hubs, known.firsts, strict=True):
        per_hub = [c * b[0] + d * b[1] for b in bound.values() if b is not None]
        total += max(min(per_hub, default=0), first or 0)
    return total


def _better(outcome: PlanOutcome, incumbent: PlanOutcome, order: ObjectiveOrder, floor: int) -> PlanOutcome:
    """The solve's outcome, or the incumbent when the solve found nothing better; the bound at least ``floor``.

    An incumbent kept this way is a plan found, not proven best (``FEASIBLE``).
    """

    def value(o: PlanOutcome) -> int:
        return order.value(sum(s.cents for s in o.systems), sum(s.lead for s in o.systems))

    bound = (max(outcome.bound[0] if outcome.bound else 0, floor), *outcome.bound[1:])
    if outcome.systems and value(outcome) <= value(incumbent):
        return replace(outcome, bound=bound)
    if outcome.status == cp_model.INFEASIBLE:  # pragma: no cover - the incumbent is a plan of this model
        raise SolverError("internal: the plan model lost the incumbent plan")
    return replace(incumbent, status=cp_model.FEASIBLE, bound=bound, interrupted=outcome.interrupted)


def _entry_knowledge(
    instances: Sequence[Instance], releases: Sequence[int], settings: SolverSettings, stop_at: float
) -> _Bounds:
    """Per entry: its per-hub bounds and Lagrangian prices, and its own bound solved alone."""
    waived = waivable_pairs(instances)
    hubs: list[EntryBound] = []
    prices: list[dict[str, Lagrangian]] = []
    for inst, w, r in zip(instances, waived, releases, strict=True):
        bound, price = entry_bounds(inst, w, r)
        hubs.append(bound)
        prices.append(price)
    until = time.monotonic() + ALONE_BOUND_SHARE * max(stop_at - time.monotonic(), 0.0)
    firsts: list[int | None] = []
    for index, (inst, w, r) in enumerate(zip(instances, waived, releases, strict=True)):
        share = time.monotonic() + (until - time.monotonic()) / (len(instances) - index)
        firsts.append(alone_first_bound(inst, w, r, settings, share))
    return _Bounds(hubs, prices, firsts, waived)


def _remap(inst: Instance, system: GreedySystem) -> GreedySystem:
    """The system in ``inst``'s own options: a dropped option becomes the one of its organisation that beat it.

    The replacement is never longer nor dearer and has the same variants, so the
    schedule still holds (tasks only end earlier).
    """
    modules = []
    for plan, gm in zip(inst.modules, system.modules, strict=True):
        if gm.buy is not None:
            modules.append(GreedyModule(_kept(plan.buy, gm.buy), starts=gm.starts))
            continue
        slots = slots_of(plan)
        tasks = [_kept(options, task) for options, task in zip(slots, gm.tasks, strict=True)]
        seed = tasks.pop(0) if gm.seed is not None else None
        modules.append(GreedyModule(None, tuple(tasks), seed, gm.starts))
    return replace(system, modules=tuple(modules))


def _kept(options: Sequence[Option], option: Option) -> Option:
    if any(o is option for o in options):
        return option
    for o in options:
        if o.org == option.org and o.variants == option.variants and o.cents <= option.cents and o.days <= option.days:
            return o
    raise SolverError(f"internal: no option of {option.org} stands for the dropped {option.offer}")


def _incumbent(
    instances: Sequence[Instance],
    releases: Sequence[int],
    hints: Sequence[GreedySystem | None],
    settings: SolverSettings,
    stop_at: float,
    budget_cents: int | None,
) -> PlanOutcome | None:
    """A first plan: the hinted systems scheduled together, then improved with each entry's hub kept.

    The first model holds only the hinted choices (a schedule to find, quick); the
    second keeps each entry's hinted hub and every option (the model whose LP is
    tight, as in the v1 search), started from the first. None when neither is a plan.
    """
    settings = replace(settings, work=INCUMBENT_WORK)
    only = [_only(inst, h) for inst, h in zip(instances, hints, strict=True) if h is not None]
    model = compile_plan(only, releases, budget_cents=budget_cents)
    middle = time.monotonic() + (stop_at - time.monotonic()) / 3
    outcome = solve_plan_model(model, settings, middle, hints=hints)
    if not outcome.systems:
        return None
    hubbed = [_hub_only(inst, h.hub) for inst, h in zip(instances, hints, strict=True) if h is not None]
    better = solve_plan_model(
        compile_plan(hubbed, releases, budget_cents=budget_cents), settings, stop_at, hints=outcome.systems
    )
    if better.systems and _value(better, model.order) < _value(outcome, model.order):
        return better
    return outcome


def _value(outcome: PlanOutcome, order: ObjectiveOrder) -> int:
    return order.value(sum(s.cents for s in outcome.systems), sum(s.lead for s in outcome.systems))


def _hub_only(inst: Instance, hub: str) -> Instance:
    """The entry with its hub fixed (every option kept)."""
    return replace(inst, hubs=tuple(h for h in inst.hubs if h.org == hub))


def _only(inst: Instance, system: GreedySystem) -> Instance:
    """The entry with only the system's hub and options (the same option objects)."""
    plans = []
    for plan, gm in zip(inst.modules, system.modules, strict=True):
        if gm.buy is not None:
            plans.append(ModulePlan(plan.module, (gm.buy,), None, None))
        else:
            seeds = (gm.seed,) if gm.seed is not None else None
            plans.append(ModulePlan(plan.module, (), tuple((o,) for o in gm.steps), seeds))
    return replace(inst, hubs=(inst.hub_option(system.hub, system.person),), modules=tuple(plans))


def _within(instances: Sequence[Instance], known: _Bounds, incumbent: PlanOutcome, request: Request) -> list[Instance]:
    """The entries without the hubs (and, for ``cost``, the options) that no plan as good as the incumbent uses."""
    order = ObjectiveOrder.for_request(request, cost_bound=1, lead_bound=1)
    c, d = order.keys[0]
    ceiling = sum(c * s.cents + d * s.lead for s in incumbent.systems)
    per_hub = [{key: c * b[0] + d * b[1] for key, b in bound.items() if b is not None} for bound in known.hubs]
    least = [max(min(f.values(), default=0), first or 0) for f, first in zip(per_hub, known.firsts, strict=True)]
    total = sum(least)
    out = []
    for inst, f, low, prices, waived in zip(instances, per_hub, least, known.prices, known.waived, strict=True):
        room = ceiling - (total - low)  # the most this entry's first key may be in a plan as good
        hubs = tuple(h for h in inst.hubs if h.key in f and f[h.key] <= room)
        inst = replace(inst, hubs=hubs)
        if request.objective is Objective.COST and hubs:
            inst = _fixed_options(inst, prices, room, waived)
        out.append(inst)
    return out


def _fixed_options(
    inst: Instance, prices: dict[str, Lagrangian], room: int, waived: frozenset[tuple[str, str]]
) -> Instance:
    """Options kept by the Lagrangian fixing of some hub of the entry (cost within ``room`` cents).

    The fixing runs on the entry without the fees another entry may pay (what the prices
    were computed on), so an option is dropped only when no plan as good can use it.
    """
    light = lighter(inst, waived)
    keep: set[int] = set()
    for hub in inst.hubs:
        price = prices.get(hub.key)
        if price is None:
            return inst  # no prices for this hub: keep every option
        fixed = price.fix(restrict_hub(light, hub), room)
        if fixed is None:
            continue
        for plan in fixed.modules:
            keep.update(id(o) for o in plan.buy)
            for options in plan.steps or ():
                keep.update(id(o) for o in options)
            keep.update(id(o) for o in plan.seeds or ())
    plans = []
    for plan in inst.modules:
        steps = None if plan.steps is None else tuple(tuple(o for o in s if id(o) in keep) for s in plan.steps)
        seeds = None if plan.seeds is None else tuple(o for o in plan.seeds if id(o) in keep)
        plans.append(ModulePlan(plan.module, tuple(o for o in plan.buy if id(o) in keep), steps, seeds))
    return replace(inst, modules=tuple(plans))


def _fixed_solve(
    plan: PlanModel, systems: Sequence[GreedySystem | None], settings: SolverSettings, stop_at: float
) -> PlanOutcome | None:
    """The plan's best schedule with each entry's choices fixed to ``systems``; None when none was found.

    The model keeps the solution as a complete hint; the fixing constraints are removed afterwards.
    """
    settings = replace(settings, work=INCUMBENT_WORK)
    proto = plan.model.proto
    added: list[int] = []
    for entry, system in zip(plan.entries, systems, strict=True):
        assert system is not None
        added += fix_system(plan.model, entry.hub_option, entry.modules, system)
    try:
        solver_result = minimiser(plan.model, plan.total_cost, plan.total_lead, plan.order, plan.cost_terms).solve(
            settings, stop_at
        )
        if solver_result.solver is None or solver_result.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        outcome = outcome_of(plan, solver_result)
        hint_solution(plan.model, solver_result.solver)
        return outcome
    finally:
        for index in added:
            proto.constraints[index].clear_linear()


def _first_figure(objective: Objective, value: Fraction) -> Decimal | int:
    """A lower bound of the first figure, rounded down (days whole, money to the cent)."""
    if objective is Objective.LEAD_TIME:
        return math.floor(value)
    cents = math.floor(value * 100)
    return Decimal(cents).scaleb(-2)
