"""Compile an :class:`~modcluster.solver.prepare.Instance` into one CP-SAT model.

Variables (all booleans unless said):

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

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from modcluster.errors import ModelSizeError
from modcluster.graphs.precedence import critical_path_bound
from modcluster.solver.deadline import check_time
from modcluster.solver.objective import Minimiser, ObjectiveOrder, minimiser
from modcluster.solver.prepare import Instance, Option

__all__ = ["Compiled", "SlotVars", "compile_model"]


@dataclass
class SlotVars:
    """Variables of one task slot (a make step, a seed transfer, a bought module)."""

    options: tuple[Option, ...]
    lits: list[cp_model.IntVar]
    org_lits: dict[str, cp_model.IntVar]
    start: cp_model.IntVar
    end: cp_model.IntVar


@dataclass
class ModuleVars:
    """Variables of one module."""

    make: cp_model.IntVar | None
    buy: SlotVars | None
    steps: list[SlotVars]
    seed: SlotVars | None


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
    nogoods: int = 0
    cost_terms: int = 0

    def signature_literals(self, solver: cp_model.CpSolver) -> list[cp_model.IntVar]:
        """Literals true in the solver's solution that define its candidate class."""
        lits = [v for v in self.hub.values() if solver.boolean_value(v)]
        for mv in self.modules:
            if mv.make is not None and solver.boolean_value(mv.make):
                for slot in [*mv.steps, *([mv.seed] if mv.seed else [])]:
                    lits.extend(v for v in slot.org_lits.values() if solver.boolean_value(v))
                    if slot is mv.seed:
                        lits.extend(v for v in slot.lits if solver.boolean_value(v))
            elif mv.buy is not None:
                lits.extend(v for v in mv.buy.org_lits.values() if solver.boolean_value(v))
        return lits

    def lexicographic(self, order: ObjectiveOrder | None = None) -> Minimiser:
        """A minimiser of ``order`` (default: the request's objective) on this model (:func:`minimiser`)."""
        return minimiser(self.model, self.cost, self.lead, order or self.order, self.cost_terms)

    def exclude(self, literals: list[cp_model.IntVar]) -> None:
        """Add a no-good: at least one of ``literals`` must be false from now on."""
        self.model.add_bool_or([lit.negated() for lit in literals])
        self.nogoods += 1


def _sum(terms: list[Any]) -> cp_model.LinearExpr:
    """Typed sum of CP-SAT terms (``sum()`` loses the type; an empty sum is 0)."""
    return cp_model.LinearExpr.sum(terms)


def _slot(model: cp_model.CpModel, name: str, options: tuple[Option, ...], horizon: int) -> SlotVars:
    lits = [model.new_bool_var(f"{name}:{o.org}/{o.offer}") for o in options]
    by_org: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for option, lit in zip(options, lits, strict=True):
        by_org[option.org].append(lit)
    org_lits: dict[str, cp_model.IntVar] = {}
    for org, group in by_org.items():
        if len(group) == 1:
            org_lits[org] = group[0]
        else:
            lit = model.new_bool_var(f"{name}@{org}")
            model.add(lit == _sum(group))
            org_lits[org] = lit
    start = model.new_int_var(0, horizon, f"{name}.start")
    end = model.new_int_var(0, horizon, f"{name}.end")
    model.add(end == start + _sum([o.days * lit for o, lit in zip(options, lits, strict=True)]))
    return SlotVars(options, lits, org_lits, start, end)


def _horizon(inst: Instance) -> int:
    """Makespan of running every task of the slowest choices one after another, with gaps."""
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
        (h.integration_days + sum(lk.bridge_days[h.org] for lk in inst.links) for h in inst.hubs), default=0
    )
    return total + integration + inst.handover_days * (tasks + 1)


def compile_model(inst: Instance, *, guarded: bool = False) -> Compiled:
    """Build the CP-SAT model of ``inst``; it must have a hub and a source per module.

    Args:
        inst: The prepared instance.
        guarded: Enforce the request's limits through assumption literals
            (``Compiled.guards``) instead of as hard constraints.

    Raises:
        ModelSizeError: When a figure would overflow the solver's 64-bit arithmetic.
    """
    model = cp_model.CpModel()
    request = inst.request
    horizon = _horizon(inst)
    if inst.deadline is not None and not guarded:
        horizon = min(horizon, inst.deadline)
    if horizon > 10**9:
        raise ModelSizeError(f"the schedule could last {horizon} days; durations this long are refused")

    guards: dict[str, cp_model.IntVar] = {}

    def guard(name: str) -> list[cp_model.IntVar]:
        if not guarded:
            return []
        lit = model.new_bool_var(f"guard:{name}")
        guards[name] = lit
        return [lit]

    hub = {h.org: model.new_bool_var(f"hub:{h.org}") for h in inst.hubs}
    model.add_exactly_one(hub.values())

    modules: list[ModuleVars] = []
    costs: list[cp_model.LinearExprT] = [h.design_cents * hub[h.org] for h in inst.hubs]
    org_tasks: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    intervals: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
    # (before, after or None for integration, the module's make literal, whether the pair is in the make chain)
    precedences: list[tuple[SlotVars, SlotVars | None, cp_model.IntVar | None, bool]] = []

    def add_slot(name: str, options: tuple[Option, ...]) -> SlotVars:
        slot = _slot(model, name, options, horizon)
        for option, lit in zip(options, slot.lits, strict=True):
            costs.append(option.cents * lit)
            if option.days > 0:
                intervals[option.org].append(
                    model.new_optional_interval_var(slot.start, option.days, slot.end, lit, f"{name}:{option.org}")
                )
        for org, lit in slot.org_lits.items():
            org_tasks[org].append(lit)
        return slot

    for plan in inst.modules:
        check_time()
        mid = plan.module.id
        make = model.new_bool_var(f"make:{mid}") if plan.can_make else None
        buy = add_slot(f"buy:{mid}", plan.buy) if plan.buy else None
        model.add(_sum([*(buy.lits if buy else []), *([make] if make is not None else [])]) == 1)
        steps: list[SlotVars] = []
        seed = None
        if make is not None:
            if plan.seeds is not None:
                seed = add_slot(f"seed:{mid}", plan.seeds)
                model.add(_sum(seed.lits) == make)
            for index, options in enumerate(plan.steps or ()):
                step = add_slot(f"step:{mid}[{index}]", options)
                model.add(_sum(step.lits) == make)
                steps.append(step)
            chain = ([seed] if seed else []) + steps
            for before, after in itertools.pairwise(chain):
                precedences.append((before, after, make, True))
            precedences.append((chain[-1], None, make, True))
        if buy is not None:
            precedences.append((buy, None, make, False))
        modules.append(ModuleVars(make, buy, steps, seed))

    # Interfaces: a module's variant per kind, and whether each link matches.
    def variant_terms(index: int, kind: str) -> dict[str, list[cp_model.LinearExprT]]:
        mv, plan = modules[index], inst.modules[index]
        terms: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
        if mv.buy is not None:
            for option, lit in zip(mv.buy.options, mv.buy.lits, strict=True):
                value = option.variant(kind)
                if value is not None:
                    terms[value].append(lit)
        if mv.make is not None:
            house: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for h in inst.hubs:
                value = h.house(kind)
                if value is not None:
                    house[value].append(hub[h.org])
            for value, hubs in house.items():
                both = model.new_bool_var(f"house:{plan.module.id}:{kind}={value}")
                model.add(both <= mv.make)
                model.add(both <= _sum(hubs))
                model.add(both >= mv.make + _sum(hubs) - 1)
                terms[value].append(both)
        return terms

    matched: list[cp_model.LinearExpr] = []
    integration_days: list[cp_model.LinearExprT] = [h.integration_days * hub[h.org] for h in inst.hubs]
    for link in inst.links:
        check_time()
        ends_a, ends_b = variant_terms(link.a, link.kind), variant_terms(link.b, link.kind)
        pairs = []
        for value in sorted(set(ends_a) & set(ends_b)):
            has_a, has_b = _sum(ends_a[value]), _sum(ends_b[value])
            pair = model.new_bool_var(f"match:{link.index}={value}")
            model.add(pair <= has_a)
            model.add(pair <= has_b)
            model.add(pair >= has_a + has_b - 1)
            pairs.append(pair)
        match = _sum(pairs)
        matched.append(match)
        for h in inst.hubs:
            cents, days = link.bridge_cents[h.org], link.bridge_days[h.org]
            if cents == 0 and days == 0:
                continue
            bridge = model.new_bool_var(f"bridge:{link.index}@{h.org}")
            model.add(bridge >= hub[h.org] - match)
            model.add(bridge <= hub[h.org])
            model.add(bridge <= 1 - match)
            costs.append(cents * bridge)
            integration_days.append(days * bridge)

    # Integration and lead time.
    int_start = model.new_int_var(0, horizon, "integration.start")
    lead = model.new_int_var(0, horizon, "lead_time")
    model.add(lead == int_start + _sum(integration_days))

    # Precedences with handover gaps (no gap when both tasks are at one organisation).
    gap = inst.handover_days
    for a, b, make, in_make in precedences:
        check_time()
        enforce = [] if make is None else [make if in_make else make.negated()]
        b_start = int_start if b is None else b.start
        b_orgs = {h: lit for h, lit in hub.items()} if b is None else b.org_lits
        if gap == 0:
            model.add(b_start >= a.end).only_enforce_if(enforce)
            continue
        same = []
        for org in sorted(a.org_lits.keys() & b_orgs.keys()):  # sorted: set order varies per process
            z = model.new_bool_var("same")
            model.add(z <= a.org_lits[org])
            model.add(z <= b_orgs[org])
            same.append(z)
        model.add(b_start >= a.end + gap - gap * _sum(same)).only_enforce_if(enforce)

    # Capacity: integration follows every other task, so only module tasks compete.
    for org, ivs in intervals.items():
        cap = inst.capacity[org]
        if len(ivs) <= cap:
            continue
        if cap == 1:
            model.add_no_overlap(ivs)
        else:
            model.add_cumulative(ivs, [1] * len(ivs), cap)

    # Participation, partners, on-boarding.
    participates: dict[str, cp_model.IntVar] = {}
    partner: dict[str, cp_model.IntVar] = {}
    for org in inst.participants:
        lits = org_tasks[org]
        if not lits:
            continue
        part = model.new_bool_var(f"participates:{org}")
        model.add_max_equality(part, lits)
        participates[org] = part
        if org in hub:
            p = model.new_bool_var(f"partner:{org}")
            model.add(p >= part - hub[org])
            model.add(p <= part)
            model.add(p <= 1 - hub[org])
            partner[org] = p
        else:
            partner[org] = part
        fees = {h.org: inst.onboarding_cents(h.org, org) for h in inst.hubs if h.org != org}
        fees = {k: c for k, c in fees.items() if c}
        if not fees:
            continue
        if len(hub) == 1:
            costs.append(fees.get(next(iter(hub)), 0) * partner[org])
            continue
        for hub_id, fee in fees.items():
            onboard = model.new_bool_var(f"onboard:{hub_id}->{org}")
            model.add(onboard >= hub[hub_id] + partner[org] - 1)
            model.add(onboard <= hub[hub_id])
            model.add(onboard <= partner[org])
            costs.append(fee * onboard)

    cost = _sum(costs)
    cost_terms = _cost_terms(inst)

    # Limits, each a named rule.
    limits = request.limits
    if inst.budget_cents is not None:
        model.add(cost <= inst.budget_cents).only_enforce_if(guard("budget"))
    if limits.deadline is not None:
        model.add(lead <= limits.deadline).only_enforce_if(guard("deadline"))
    if limits.max_partners is not None:
        model.add(_sum(list(partner.values())) <= limits.max_partners).only_enforce_if(guard("max_partners"))
    for org in request.require:
        terms = [participates[org]] if org in participates else []
        if org in hub:
            terms.append(hub[org])
        model.add_bool_or(terms or [model.new_constant(0)]).only_enforce_if(guard(f"require:{org}"))

    # Bounds that help the search: critical path of the shortest options.
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
    if bound:
        model.add(lead >= bound)

    cost_bound = _cost_bound(inst)
    order = ObjectiveOrder.for_request(request, cost_bound=cost_bound, lead_bound=horizon)
    compiled = Compiled(
        inst,
        model,
        hub,
        modules,
        matched,
        cost,
        lead,
        horizon,
        cost_bound,
        horizon,
        int_start,
        order,
        guards,
        partners=partner,
        cost_terms=cost_terms,
    )
    model.minimize(compiled.cost)  # a placeholder: the search minimises the objective's keys (Compiled.lexicographic)
    return compiled


def _cost_terms(inst: Instance) -> int:
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


def _cost_bound(inst: Instance) -> int:
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
