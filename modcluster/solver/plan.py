"""Plans in CP-SAT: one model holding one system per entry, sharing the cluster (MODEL.md v1.1, "Plans").

Each entry is compiled from its own prepared :class:`~modcluster.solver.instance.Instance`
by the same rules as a v1 system (:func:`~modcluster.solver.compile.post_system`
with ``shared=True``) into one CP-SAT model; what the entries share is posted
across them by the rules' homes:

* capacity, counted over every entry's tasks and integrations
  (:func:`~modcluster.solver.rules.capacity.post_shared_capacity`);
* a tie made once (:func:`~modcluster.solver.rules.onboarding.post_shared_onboarding`);
* releases (:func:`~modcluster.solver.rules.release.post_release`);
* the plan's budget on the total cost, and each entry's own limits
  (:func:`~modcluster.solver.rules.limits.post_limits`) on the cost it pays.

The plan's objective is the v1 order over the totals (``cost``: total cents
then the sum of lead times, ...), minimised by the same
:func:`~modcluster.solver.objective.minimiser`. :func:`solve_plan_model`
returns each entry's system read back from the solution; the caller turns
them into candidates and verifies them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from ortools.sat.python import cp_model

from modcluster.domain import Candidate, Objective, Status
from modcluster.errors import ModelSizeError, SolverError
from modcluster.solver.compile import cost_terms, cost_upper_bound, post_lead_floor, post_system, schedule_horizon
from modcluster.solver.cpsat import SolverSettings, run_interruptible
from modcluster.solver.decode import candidate_of, solution_system
from modcluster.solver.hint import GreedySystem, add_system_hint, fix_system
from modcluster.solver.instance import HubOption, Instance
from modcluster.solver.objective import (
    Lexicographic,
    LexResult,
    ObjectiveOrder,
    hint_solution,
    minimiser,
    objective_keys,
)
from modcluster.solver.planbound import EntryBound, alone_first_bound, entry_bounds, waivable_pairs
from modcluster.solver.rules.capacity import post_shared_capacity
from modcluster.solver.rules.limits import post_limits
from modcluster.solver.rules.onboarding import post_shared_onboarding
from modcluster.solver.rules.release import post_release
from modcluster.solver.rules.variables import ModelParts, ModuleVars, linear_sum

__all__ = [
    "EntryModel",
    "PlanModel",
    "PlanOutcome",
    "PlanSearch",
    "compile_plan",
    "components",
    "plan_relief",
    "search_plan",
    "solve_plan_model",
]


@dataclass
class EntryModel:
    """One entry's part of the plan model (the handles :func:`~modcluster.solver.decode.solution_system` reads)."""

    instance: Instance
    release: int
    parts: ModelParts
    cost: cp_model.LinearExpr
    paid: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)

    @property
    def hub(self) -> dict[str, cp_model.IntVar]:
        """The hub literals."""
        return self.parts.hub

    @property
    def modules(self) -> list[ModuleVars]:
        """The module variables."""
        return self.parts.modules

    @property
    def matched(self) -> list[cp_model.LinearExpr]:
        """Whether each link is matched."""
        return self.parts.matched

    @property
    def integration_start(self) -> cp_model.IntVar:
        """Integration's start day."""
        assert self.parts.integration_start is not None
        return self.parts.integration_start

    @property
    def lead(self) -> cp_model.IntVar:
        """The entry's lead time: the end of its integration, counted from day 0."""
        assert self.parts.lead is not None
        return self.parts.lead


@dataclass
class PlanModel:
    """The CP-SAT model of a plan."""

    model: cp_model.CpModel
    entries: list[EntryModel]
    total_cost: cp_model.LinearExpr
    total_lead: cp_model.LinearExpr
    order: ObjectiveOrder
    cost_terms: int
    extra_days: cp_model.IntVar | None = None
    extra_cents: cp_model.IntVar | None = None


@dataclass
class PlanOutcome:
    """What a plan solve found and proved.

    Attributes:
        status: CP-SAT's status for the whole plan (``OPTIMAL``: proven best).
        systems: Each entry's system (cents: the cost the entry pays), or () when none was found.
        paid: Per entry, the partners whose onboarding that entry pays.
        bound: A proven lower bound of the order's first key, when the proof stopped short.
        interrupted: Ctrl-C stopped the search.
        relief: With ``relax``, the relief of the plan found.
    """

    status: cp_model.CpSolverStatus
    systems: tuple[GreedySystem, ...] = ()
    paid: tuple[frozenset[str], ...] = ()
    bound: tuple[int, ...] = ()
    interrupted: bool = False
    relief: int | None = None


def plan_horizon(instances: Sequence[Instance], releases: Sequence[int]) -> int:
    """A day by which every entry can be finished: all of them one after another, from the last release."""
    return max(releases, default=0) + sum(schedule_horizon(inst) for inst in instances)


def compile_plan(
    instances: Sequence[Instance],
    releases: Sequence[int],
    order: ObjectiveOrder | None = None,
    *,
    budget_cents: int | None = None,
    relax: str | None = None,
    bounds: Sequence[EntryBound] | None = None,
    firsts: Sequence[int | None] = (),
) -> PlanModel:
    """Build the CP-SAT model of a plan.

    Args:
        instances: Each entry prepared from its v1 request, in plan order (the order decides who pays a tie).
        releases: Each entry's release day.
        order: The objective order over the totals (default: from the first entry's request).
        budget_cents: The plan's budget on the total cost, in whole cents.
        relax: ``"days"``: every deadline may be exceeded by one shared number of days
            (``PlanModel.extra_days``); ``"money"``: every budget, the entries' and the
            plan's, by one shared amount (``extra_cents``). What an explanation minimises.
        bounds: Each entry's per-hub lower bounds (:func:`~modcluster.solver.planbound.entry_bounds`),
            posted as cuts when given.
        firsts: Per entry, a lower bound of its part of the order's first key
            (:func:`~modcluster.solver.planbound.alone_first_bound`), posted as a cut.

    Raises:
        ModelSizeError: A figure would overflow the solver's 64-bit arithmetic.
    """
    horizon = plan_horizon(instances, releases)
    if horizon > 10**9:
        raise ModelSizeError(f"the plan could last {horizon} days; durations this long are refused")
    model = cp_model.CpModel()
    entries: list[EntryModel] = []
    for inst, release in zip(instances, releases, strict=True):
        parts = ModelParts(inst, model, horizon, False)
        post_system(parts, shared=True)
        post_release(parts, release)
        entries.append(EntryModel(inst, release, parts, linear_sum([])))
    post_shared_capacity([e.parts for e in entries])
    paid = post_shared_onboarding([e.parts for e in entries])
    cost_bound = sum(cost_upper_bound(inst) for inst in instances)
    extra_days = model.new_int_var(0, horizon, "relax:days") if relax == "days" else None
    extra_cents = model.new_int_var(0, cost_bound, "relax:money") if relax == "money" else None
    for index, (entry, pays) in enumerate(zip(entries, paid, strict=True)):
        entry.paid = pays
        entry.cost = linear_sum(entry.parts.costs)
        post_limits(entry.parts, entry.cost, extra_days=extra_days, extra_cents=extra_cents)
        post_lead_floor(entry.parts, entry.release)
        if bounds is not None:
            _post_entry_bounds(entry, bounds[index])
        if index < len(firsts) and firsts[index] is not None:
            c, d = objective_keys(entry.instance.request.objective, entry.instance.request.weights)[0]
            model.add(c * entry.cost + d * entry.lead >= firsts[index])
    total_cost = linear_sum([e.cost for e in entries])
    total_lead = linear_sum([e.lead for e in entries])
    if budget_cents is not None:
        model.add(total_cost <= budget_cents + (extra_cents if extra_cents is not None else 0))
    if order is None:
        order = ObjectiveOrder.for_request(
            instances[0].request, cost_bound=cost_bound, lead_bound=horizon * len(instances)
        )
    return PlanModel(
        model,
        entries,
        total_cost,
        total_lead,
        order,
        sum(cost_terms(inst) for inst in instances),
        extra_days,
        extra_cents,
    )


def _post_entry_bounds(entry: EntryModel, bounds: EntryBound) -> None:
    """``cost >= sum_h cents_h * hub[h]`` and ``lead >= sum_h days_h * hub[h]``; a hub with no system is off."""
    model = entry.parts.model
    cents_terms = []
    days_terms = []
    for org, lit in entry.hub.items():
        bound = bounds.get(org)
        if bound is None:
            model.add(lit == 0)
            continue
        cents_terms.append(bound[0] * lit)
        days_terms.append(bound[1] * lit)
    model.add(entry.cost >= linear_sum(cents_terms))
    model.add(entry.lead >= linear_sum(days_terms))


def solve_plan_model(
    plan: PlanModel,
    settings: SolverSettings,
    stop_at: float,
    *,
    hints: Sequence[GreedySystem | None] = (),
    feasibility: bool = False,
) -> PlanOutcome:
    """Minimise the plan's order (or, with ``feasibility``, find any plan; with ``relax``, the least relief).

    Args:
        plan: The compiled plan.
        settings: CP-SAT settings.
        stop_at: The monotonic time to stop at.
        hints: Per entry, a system to start from (its schedule shifted to the release if it starts earlier).
        feasibility: Only decide whether a plan exists (no objective).
    """
    for entry, system in zip(plan.entries, hints, strict=False):
        if system is not None:
            add_system_hint(plan.model, entry.hub, entry.modules, system)
    relief = plan.extra_days if plan.extra_days is not None else plan.extra_cents
    if relief is not None:
        result = Lexicographic(plan.model, [relief]).solve(settings, stop_at)
    elif feasibility:
        result = _decide(plan.model, settings, stop_at)
    else:
        result = minimiser(plan.model, plan.total_cost, plan.total_lead, plan.order, plan.cost_terms).solve(
            settings, stop_at
        )
    return _outcome(plan, result)


def _decide(model: cp_model.CpModel, settings: SolverSettings, stop_at: float) -> LexResult:
    """Whether the model has a solution at all (no objective): CP-SAT's status and the solver."""
    model.clear_objective()  # type: ignore[no-untyped-call]
    solver = cp_model.CpSolver()
    settings.apply(solver, stop_at - time.monotonic())
    status, interrupted = run_interruptible(solver, model)
    return LexResult(status, solver, (), (), interrupted, 1)


def _outcome(plan: PlanModel, result: LexResult) -> PlanOutcome:
    solver = result.solver
    if solver is None or result.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return PlanOutcome(result.status, bound=result.bound, interrupted=result.interrupted)
    systems = []
    paid = []
    for entry in plan.entries:
        systems.append(solution_system(entry, solver))
        paid.append(frozenset(q for (_hub, q), lit in entry.paid.items() if solver.boolean_value(lit)))
    relief = plan.extra_days if plan.extra_days is not None else plan.extra_cents
    found = None if relief is None else solver.value(relief)
    return PlanOutcome(result.status, tuple(systems), tuple(paid), result.bound, result.interrupted, found)


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
    groups = components(instances, budget_cents is not None or not settings.decompose)
    hinted = list(hints) if settings.hint else []
    hinted += [None] * (len(instances) - len(hinted))
    found: dict[int, Candidate] = {}
    statuses: list[cp_model.CpSolverStatus] = []
    bound_total: Fraction | None = Fraction(0)
    interrupted = False
    for position, group in enumerate(groups):
        share = (stop_at - time.monotonic()) / (len(groups) - position)
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


def _solve_group(
    instances: Sequence[Instance],
    releases: Sequence[int],
    hints: Sequence[GreedySystem | None],
    settings: SolverSettings,
    stop_at: float,
    budget_cents: int | None,
) -> tuple[PlanOutcome, PlanModel, list[Instance]]:
    """One group of entries: bounds, an incumbent, hubs that cannot beat it left out, then the exact solve.

    With ``settings.bounds``: each entry's per-hub bounds (:mod:`~modcluster.solver.planbound`)
    are posted as cuts; when every entry has a hint, the hinted systems are scheduled together
    (their choices fixed, a short solve) and, if that is a plan, every hub whose bound plus the
    other entries' best bounds exceeds the plan's first key is left out (no plan with it can be
    as good), and the incumbent becomes a complete hint of the model that is solved. Returns the
    outcome, the model solved and the instances it was built from (their hubs possibly fewer).
    """
    bounds: list[EntryBound] | None = None
    firsts: list[int | None] = []
    if settings.bounds:
        waived = waivable_pairs(instances)
        bounds = [entry_bounds(inst, w, r) for inst, w, r in zip(instances, waived, releases, strict=True)]
        until = time.monotonic() + ALONE_BOUND_SHARE * max(stop_at - time.monotonic(), 0.0)
        for index, (inst, w, r) in enumerate(zip(instances, waived, releases, strict=True)):
            share = time.monotonic() + (until - time.monotonic()) / (len(instances) - index)
            firsts.append(alone_first_bound(inst, w, r, settings, share))
    model = compile_plan(instances, releases, budget_cents=budget_cents, bounds=bounds, firsts=firsts)
    if bounds is None or not settings.hint or any(h is None for h in hints):
        return solve_plan_model(model, settings, stop_at, hints=hints), model, list(instances)
    quick = time.monotonic() + INCUMBENT_SHARE * max(stop_at - time.monotonic(), 0.0)
    incumbent = _fixed_solve(model, hints, settings, quick)
    if incumbent is None:
        return solve_plan_model(model, settings, stop_at, hints=hints), model, list(instances)
    ceiling = model.order.key(sum(s.cents for s in incumbent.systems), sum(s.lead for s in incumbent.systems))[0]
    kept = _hubs_within(instances, bounds, model.order, ceiling)
    if any(len(k) < len(inst.hubs) for k, inst in zip(kept, instances, strict=True)):
        instances = [replace(inst, hubs=k) for inst, k in zip(instances, kept, strict=True)]
        model = compile_plan(instances, releases, budget_cents=budget_cents, bounds=bounds, firsts=firsts)
        again = _fixed_solve(model, incumbent.systems, settings, quick + INCUMBENT_SHARE)
        if again is None:  # pragma: no cover - the incumbent's hubs are always kept
            raise SolverError("internal: the incumbent plan does not fit the model with fewer hubs")
    return solve_plan_model(model, settings, stop_at), model, list(instances)


def _hubs_within(
    instances: Sequence[Instance], bounds: Sequence[EntryBound], order: ObjectiveOrder, ceiling: int
) -> list[tuple[HubOption, ...]]:
    """Each entry's hubs that may still be in a plan whose first key is at most ``ceiling``."""
    c, d = order.keys[0]
    firsts = [{org: c * b[0] + d * b[1] for org, b in bound.items() if b is not None} for bound in bounds]
    least = [min(f.values(), default=0) for f in firsts]
    total = sum(least)
    return [
        tuple(h for h in inst.hubs if h.org in f and total - low + f[h.org] <= ceiling)
        for inst, f, low in zip(instances, firsts, least, strict=True)
    ]


def _fixed_solve(
    plan: PlanModel, systems: Sequence[GreedySystem | None], settings: SolverSettings, stop_at: float
) -> PlanOutcome | None:
    """The plan's best schedule with each entry's choices fixed to ``systems``; None when none was found.

    The model keeps the solution as a complete hint; the fixing constraints are removed afterwards.
    """
    proto = plan.model.proto
    added: list[int] = []
    for entry, system in zip(plan.entries, systems, strict=True):
        assert system is not None
        added += fix_system(plan.model, entry.hub, entry.modules, system)
    try:
        solver_result = minimiser(plan.model, plan.total_cost, plan.total_lead, plan.order, plan.cost_terms).solve(
            settings, stop_at
        )
        if solver_result.solver is None or solver_result.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        outcome = _outcome(plan, solver_result)
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


def plan_relief(
    instances: Sequence[Instance],
    releases: Sequence[int],
    kind: str,
    settings: SolverSettings,
    stop_at: float,
    *,
    budget_cents: int | None = None,
) -> tuple[cp_model.CpSolverStatus, int | None]:
    """Whether the entries can be planned together, or the least relief that lets them through.

    Args:
        instances: The entries, prepared, in plan order.
        releases: Each entry's release day.
        settings: CP-SAT settings.
        stop_at: The monotonic time to stop at.
        budget_cents: The plan's budget, in whole cents.
        kind: ``"none"``: decide feasibility only; ``"days"``: the fewest days added to every
            deadline; ``"money"``: the fewest cents added to every budget (the entries' and the plan's).

    Returns:
        CP-SAT's status and the relief found (0 for ``"none"`` when feasible; None when none was found).
        ``OPTIMAL`` means the relief is proven least (for ``"none"``: proven feasible);
        ``INFEASIBLE``: no relief of that kind helps (for ``"none"``: proven infeasible).
    """
    relax = None if kind == "none" else kind
    model = compile_plan(instances, releases, budget_cents=budget_cents, relax=relax)
    outcome = solve_plan_model(model, settings, stop_at, feasibility=relax is None)
    if not outcome.systems:
        return outcome.status, None
    if relax is None:
        return cp_model.OPTIMAL, 0
    return outcome.status, outcome.relief
