"""Compile an :class:`~modcluster.solver.instance.Instance` into one CP-SAT model: the list of the contract's rules.

Each rule is posted by its home in :mod:`modcluster.solver.rules`. Variables
(all booleans unless said):

* ``hub[h]``: organisation h integrates the product (exactly one);
* per module: ``buy`` option literals, ``make`` and, per make step and seed,
  option literals; options of one slot at one organisation share an
  organisation literal (what makes candidates *different*);
* per slot: integer ``start``/``end`` with ``end = start + sum(days * option)``,
  and an optional interval per option with positive days for the
  per-organisation capacity (0-day tasks take no capacity);
* precedences with a handover gap unless both tasks are at one organisation;
* per link: ``matched`` from the variants of its two ends; ``bridge[l, h]``
  when mismatched under hub h, adding cost and integration days;
* ``participates[q]``, ``partner[q]`` and on-boarding per (hub, partner) pair.

Money is in integer cents throughout. The limits (budget, deadline,
max_partners, require) are named constraints; when compiled with
``guarded=True`` each is enforced by an assumption literal so an infeasible
core maps back to the request's rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from modcluster.errors import ModelSizeError
from modcluster.graphs import critical_path_bound
from modcluster.solver.instance import Instance
from modcluster.solver.objective import Minimiser, ObjectiveOrder, minimiser
from modcluster.solver.rules.capacity import post_capacity
from modcluster.solver.rules.distinct import signature_literals
from modcluster.solver.rules.handover import post_handovers
from modcluster.solver.rules.interfaces import post_interfaces
from modcluster.solver.rules.limits import post_limits
from modcluster.solver.rules.onboarding import post_onboarding
from modcluster.solver.rules.policies import post_policies
from modcluster.solver.rules.sources import post_hub, post_integration, post_sources
from modcluster.solver.rules.variables import ModelParts, ModuleVars, SlotVars

__all__ = [
    "Compiled",
    "ModuleVars",
    "SlotVars",
    "compile_model",
    "cost_terms",
    "cost_upper_bound",
    "post_lead_floor",
    "post_system",
    "schedule_horizon",
]


@dataclass
class Compiled:
    """A built CP-SAT model with the handles decode and the candidate loop need."""

    instance: Instance
    model: cp_model.CpModel
    hub: dict[str, cp_model.IntVar]
    modules: list[ModuleVars]
    matched: list[cp_model.LinearExpr]
    cost: cp_model.LinearExpr
    lead: cp_model.IntVar
    horizon: int
    cost_bound: int
    lead_bound: int
    integration_start: cp_model.IntVar
    order: ObjectiveOrder
    guards: dict[str, cp_model.IntVar] = field(default_factory=dict)
    partners: dict[str, cp_model.IntVar] = field(default_factory=dict)
    cost_terms: int = 0
    hub_option: dict[str, cp_model.IntVar] = field(default_factory=dict)

    def signature_literals(self, solver: cp_model.CpSolver) -> list[cp_model.IntVar]:
        """Literals true in the solver's solution that define its candidate class (:func:`signature_literals`)."""
        return signature_literals(self.hub_option, self.modules, solver)

    def lexicographic(self, order: ObjectiveOrder | None = None) -> Minimiser:
        """A minimiser of ``order`` (default: the request's objective) on this model (:func:`minimiser`)."""
        return minimiser(self.model, self.cost, self.lead, order or self.order, self.cost_terms)

    def exclude(self, literals: list[cp_model.IntVar]) -> None:
        """Add a no-good: at least one of ``literals`` must be false from now on."""
        self.model.add_bool_or([lit.negated() for lit in literals])


def schedule_horizon(inst: Instance) -> int:
    """Makespan of the slowest choices run one after another, with gaps, after any wait for a person placed."""
    total = 0
    tasks = 0
    for plan in inst.modules:
        longest = max((o.days for o in plan.buy), default=0)
        if plan.can_make:
            chain = sum(max(o.days for o in opts) for opts in plan.steps or ())
            chain += max((o.days for o in plan.seeds or ()), default=0)
            longest = max(longest, chain)
            tasks += len(plan.steps or ()) + (1 if plan.seeds else 0)
        else:
            tasks += 1
        total += longest
    integration = max(
        (h.integration_days + sum(lk.bridge_days[h.key] for lk in inst.links) for h in inst.hubs), default=0
    )
    waiting = max((h.ready_day for h in inst.hubs), default=0)  # a placed person's available_day
    return total + waiting + integration + inst.handover_days * (tasks + 1)


def compile_model(inst: Instance, *, guarded: bool = False) -> Compiled:
    """Build the CP-SAT model of ``inst``; it must have a hub and a source per module.

    The model is the list of the contract's rules (:mod:`modcluster.solver.rules`),
    posted in this order (the order fixes the model's variables, and so, with
    a fixed seed, its answers).

    Args:
        inst: The prepared instance.
        guarded: Enforce the request's limits through assumption literals
            (``Compiled.guards``) instead of as hard constraints.

    Raises:
        ModelSizeError: When a figure would overflow the solver's 64-bit arithmetic.
        TimeLimitError: The time limit passed while building (see :mod:`modcluster.solver.deadline`).
    """
    horizon = schedule_horizon(inst)
    if inst.deadline is not None and not guarded:
        horizon = min(horizon, inst.deadline)
    if horizon > 10**9:
        raise ModelSizeError(f"the schedule could last {horizon} days; durations this long are refused")
    parts = ModelParts(inst, cp_model.CpModel(), horizon, guarded)
    post_system(parts)
    cost = post_policies(parts)  # the terms less the refunds (the terms alone without policies)
    post_limits(parts, cost)
    post_lead_floor(parts)
    assert parts.lead is not None and parts.integration_start is not None
    cost_bound = cost_upper_bound(inst)
    compiled = Compiled(
        inst,
        parts.model,
        parts.hub,
        parts.modules,
        parts.matched,
        cost,
        parts.lead,
        horizon,
        cost_bound,
        horizon,
        parts.integration_start,
        ObjectiveOrder.for_request(inst.request, cost_bound=cost_bound, lead_bound=horizon),
        parts.guards,
        partners=parts.partners,
        cost_terms=cost_terms(inst),
        hub_option=parts.hub_option,
    )
    compiled.model.minimize(compiled.cost)  # a placeholder: the search minimises the keys (Compiled.lexicographic)
    return compiled


def post_system(parts: ModelParts, *, shared: bool = False) -> None:
    """Post one system's rules, in the order that fixes the model's variables.

    Args:
        parts: The model under construction, for one instance.
        shared: The system is one entry of a plan: capacity and onboarding fees are
            posted across the plan's entries (:mod:`modcluster.solver.plan`), not here.
    """
    post_hub(parts)
    post_sources(parts)
    post_interfaces(parts)
    post_integration(parts)
    post_handovers(parts)
    if not shared:
        post_capacity(parts)
    post_onboarding(parts, fees=not shared)


def post_lead_floor(parts: ModelParts, release: int = 0) -> None:
    """Not a rule, a help to the search: the lead time is at least the critical path of the quickest options.

    ``release`` is the first day the system's tasks may start (a plan entry's).
    """
    inst = parts.inst
    min_days: dict[tuple[str, ...] | tuple[str, str, int], int | None] = {}
    for plan in inst.modules:
        mid = plan.module.id
        min_days[("buy", mid)] = min((o.days for o in plan.buy), default=None)
        if plan.can_make:
            for i, opts in enumerate(plan.steps or ()):
                min_days[("step", mid, i)] = min(o.days for o in opts)
            if plan.seeds is not None:
                min_days[("seed", mid)] = min(o.days for o in plan.seeds)
    bound = critical_path_bound(inst.product, min_days, min((h.integration_days for h in inst.hubs), default=0))
    floor = release + (bound or 0)
    if floor:
        assert parts.lead is not None
        parts.model.add(parts.lead >= floor)


def cost_terms(inst: Instance) -> int:
    """The sum of every cost coefficient the model has: what CP-SAT bounds the cost expression by."""
    total = sum(h.design_cents for h in inst.hubs)
    for plan in inst.modules:
        total += sum(o.cents for o in plan.buy)
        if plan.can_make:
            total += sum(o.cents for slot in (plan.steps or ()) for o in slot)
            total += sum(o.cents for o in plan.seeds or ())
    total += sum(sum(lk.bridge_cents.values()) for lk in inst.links)
    total += sum(inst.onboarding.values())
    return total


def cost_upper_bound(inst: Instance) -> int:
    """An upper bound of any system's cost in cents."""
    total = max((h.design_cents for h in inst.hubs), default=0)
    for plan in inst.modules:
        best = max((o.cents for o in plan.buy), default=0)
        if plan.can_make:
            make = sum(max(o.cents for o in opts) for opts in plan.steps or ())
            make += max((o.cents for o in plan.seeds or ()), default=0)
            best = max(best, make)
        total += best
    total += sum(max(lk.bridge_cents.values(), default=0) for lk in inst.links)
    # The dearest on-boarding of each partner, in one pass (linear in the number of pairs).
    dearest: dict[str, int] = {}
    for (_hub, partner), cents in inst.onboarding.items():
        dearest[partner] = max(dearest.get(partner, 0), cents)
    total += sum(dearest.values())
    return total
