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

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from modcluster.errors import ModelSizeError
from modcluster.solver.compile import cost_terms, cost_upper_bound, post_lead_floor, post_system, schedule_horizon
from modcluster.solver.cpsat import SolverSettings, run_interruptible
from modcluster.solver.decode import solution_system
from modcluster.solver.hint import GreedySystem, add_system_hint
from modcluster.solver.instance import Instance
from modcluster.solver.objective import (
    Lexicographic,
    LexResult,
    Minimiser,
    ObjectiveOrder,
    minimiser,
    objective_keys,
)
from modcluster.solver.planbound import EntryBound
from modcluster.solver.rules.capacity import post_shared_capacity
from modcluster.solver.rules.limits import post_limits
from modcluster.solver.rules.onboarding import post_shared_onboarding
from modcluster.solver.rules.policies import post_policies
from modcluster.solver.rules.release import post_release
from modcluster.solver.rules.variables import ModelParts, ModuleVars, linear_sum

__all__ = [
    "EntryModel",
    "PlanModel",
    "PlanOutcome",
    "compile_plan",
    "outcome_of",
    "plan_relief",
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
        """The hub literals, by organisation."""
        return self.parts.hub

    @property
    def hub_option(self) -> dict[str, cp_model.IntVar]:
        """The hub options' literals (a person placed or none), by key."""
        return self.parts.hub_option

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
        entry.cost = post_policies(entry.parts)  # each entry is a system: its own refunds and caps
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
    """``cost >= sum_h cents_h * hub[h]``, ``lead >= sum_h days_h * hub[h]`` per hub option (off without a system)."""
    model = entry.parts.model
    cents_terms = []
    days_terms = []
    for key, lit in entry.hub_option.items():
        bound = bounds.get(key)
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
            add_system_hint(plan.model, entry.hub_option, entry.modules, system, entry.hub)
    relief = plan.extra_days if plan.extra_days is not None else plan.extra_cents
    if relief is not None:
        result = Lexicographic(plan.model, [relief]).solve(settings, stop_at)
    elif feasibility:
        result = _decide(plan.model, settings, stop_at)
    else:
        result = plan_minimiser(plan).solve(settings, stop_at)
    return outcome_of(plan, result)


def plan_minimiser(plan: PlanModel) -> Minimiser:
    """How CP-SAT minimises the plan's order: as v1 (:func:`minimiser`), except when lead time comes first.

    With ``lead_time`` or ``weighted`` the phases are solved one after the other
    (:class:`Lexicographic`): the sum of lead times is bounded well by the entries'
    own bounds, and mixing the cost tie-break into one packed objective made the
    search chase cents before it had the days.
    """
    order = plan.order
    if order.keys[0] != (0, 1) or order.by_front:
        return minimiser(plan.model, plan.total_cost, plan.total_lead, order, plan.cost_terms)
    exprs: list[cp_model.LinearExprT] = [
        cp_model.LinearExpr.weighted_sum([plan.total_cost, plan.total_lead], [c, d])
        if c and d
        else (plan.total_cost if c else plan.total_lead)
        for c, d in order.keys
    ]
    implied = 1 if len(order.keys) == 3 and all(order.keys[0]) else 0
    return Lexicographic(plan.model, exprs, implied=implied)


def _decide(model: cp_model.CpModel, settings: SolverSettings, stop_at: float) -> LexResult:
    """Whether the model has a solution at all (no objective): CP-SAT's status and the solver."""
    model.clear_objective()  # type: ignore[no-untyped-call]
    solver = cp_model.CpSolver()
    settings.apply(solver, stop_at - time.monotonic())
    status, interrupted = run_interruptible(solver, model)
    return LexResult(status, solver, (), (), interrupted, 1)


def outcome_of(plan: PlanModel, result: LexResult) -> PlanOutcome:
    """Each entry's system (and what it pays) read back from a minimisation's solution."""
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
