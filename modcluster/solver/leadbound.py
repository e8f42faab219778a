"""A lower bound of a hub's lead time that knows its interfaces: the critical path with the least bridge days.

The critical path alone (:func:`~modcluster.solver.prune.lower_bound`) is far
from the optimum when the lead time is made of bridges: on the generated
``large`` clusters the hub that wins by lead time integrates after 32 days of
module work and then bridges 13 mismatched links for 40 days, while the
critical path says 31. A link matches only if *both* ends choose a source
with the same variant, and a module with several links cannot please them
all, so the bridge days a hub must pay depend on a consistent choice over
every module.

The relaxation keeps exactly that and drops the rest: per module, choose one
**profile** (a variant for each interface kind of its links) among its
sources, each profile with the least days its sources need to be ready for
integration (handovers included where no choice avoids them) and the least
cents; the integration starts once every chosen profile is ready; a link is
bridged unless both ends' profiles share its variant; the budget bounds the
least cents plus the bridges. Capacity, on-boarding, the partner limit and
every schedule detail are dropped, so every system of the hub maps to a
choice of profiles that is no worse in days and cents: the relaxation's
least lead time (or least weighted first key) is a lower bound. It is a
small CP-SAT model (modules x profiles, links x shared variants) solved in
milliseconds; when it is stopped early its proven bound still holds.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from modcluster.solver.cpsat import SolverSettings, run_interruptible
from modcluster.solver.hint import GreedyModule, made_module
from modcluster.solver.instance import Instance, ModulePlan, Option
from modcluster.solver.lagrange import SCALE, Dual
from modcluster.solver.objective import INT64_SAFE, ObjectiveOrder, proven_lower_bound
from modcluster.solver.prune import slots_of
from modcluster.solver.rules.handover import chain_schedule, handover_days, quickest_ready

__all__ = ["SECONDS", "RelaxedBound", "relaxed_bound"]

SECONDS = 1.0
"""The most one relaxation may take; it keeps its proven bound when stopped."""


@dataclass(frozen=True, slots=True)
class RelaxedBound:
    """Lower bounds from the relaxation of one hub.

    Attributes:
        days: Of the lead time of every system of the hub within the limits.
        first: Of the objective's first key (days for ``lead_time``, the
            weighted value for ``weighted``, cents for ``cost``).
        sources: The relaxation's choice made into sources of a real system
            (per module the quickest source of the chosen profile), a start
            for the search; None when the relaxation found no solution.
    """

    days: int
    first: int
    sources: tuple[GreedyModule, ...] | None = None


def _sum(terms: list[Any]) -> cp_model.LinearExpr:
    """Typed sum of CP-SAT terms (``sum()`` loses the type)."""
    return cp_model.LinearExpr.sum(terms)


@dataclass(frozen=True, slots=True)
class _Profile:
    """A source of a module seen by the relaxation: its variants, days to be ready, cents, and the source."""

    vector: tuple[str | None, ...]
    ready: int
    cents: int
    source: GreedyModule | None  # None: the made chain, fitted once the start is known
    price: int | None = None  # the least dual price of the made chains this profile stands for


def _fitted(plan: ModulePlan, hub: str, gap: int, days: int) -> GreedyModule:
    """A cheap made chain that is ready within ``days`` if one is found (else the quickest): a start for the search.

    From the cheapest option of every slot, the option change that saves
    the most days per cent added is made until the chain fits. A heuristic:
    its only use is a good first system.
    """
    slots = slots_of(plan)
    chosen = [min(slot, key=lambda o: (o.cents, o.days)) for slot in slots]

    def ready(tasks: list[Option]) -> int:
        return chain_schedule(tasks, hub, gap)[1]

    while ready(chosen) > days:
        best: tuple[float, int, Option] | None = None
        for i, slot in enumerate(slots):
            now = ready(chosen)
            for option in slot:
                trial = [*chosen[:i], option, *chosen[i + 1 :]]
                saved = now - ready(trial)
                if saved > 0:
                    rate = (option.cents - chosen[i].cents) / saved
                    if best is None or rate < best[0]:
                        best = (rate, i, option)
        if best is None:
            chosen = [min(slot, key=lambda o: (o.days, o.cents)) for slot in slots]
            break
        chosen[best[1]] = best[2]
    return made_module(plan, chosen)


def _profiles(
    plan: ModulePlan,
    kinds: list[str],
    hub: str,
    house: dict[str, str],
    gap: int,
    share: dict[str, int],
    priced: tuple[int, Dual] | None = None,
) -> list[_Profile]:
    """The module's sources as profiles: each bought offer with its share of on-boarding, and the made chain.

    The made chain is one profile with the least days and the least cents
    of any chain (each slot's quickest and cheapest options may differ, and
    its on-boarding is not counted), so it bounds every chain; its source is
    chosen once the relaxation has said when it must be ready (:func:`_fitted`).
    """
    found: list[_Profile] = []
    for option in plan.buy:
        ready = option.days + handover_days(gap, option.org, hub)
        cents = option.cents + share.get(option.org, 0)
        found.append(_Profile(tuple(option.variant(k) for k in kinds), ready, cents, GreedyModule(option)))
    if plan.can_make:
        slots = slots_of(plan)
        cents = sum(min(o.cents for o in slot) for slot in slots)
        vector = tuple(house.get(k) for k in kinds)
        if priced is None:
            found.append(_Profile(vector, quickest_ready(slots, hub, gap), cents, None))
        else:
            m, dual = priced
            for ready, price in _chain_front(slots, hub, gap, lambda s, o: dual.price(m, s, o)):
                found.append(_Profile(vector, ready, cents, None, price + dual.make_price(m)))
    return found


def _chain_front(
    slots: list[tuple[Option, ...]], hub: str, gap: int, price: Callable[[int, Option], int]
) -> list[tuple[int, int]]:
    """The made chains' (ready day, least dual price) front: for each day a chain can be ready by, the least price.

    A shortest-path sweep through the slots keeping, per organisation of the
    last task, only the chains no other beats in both ready day and price;
    every chain is then matched by a point of the front that is no later
    and no dearer, which is all the relaxation needs (the quickest chain is
    the first point, the cheapest the last).

    >>> from modcluster.solver.instance import Option
    >>> quick, cheap = Option("a", "q", 1, 50), Option("b", "c", 5, 10)
    >>> _chain_front([(quick, cheap)], "h", 0, lambda s, o: o.cents)
    [(1, 50), (5, 10)]
    """
    states: dict[str, list[tuple[int, int]]] = {}
    for s, slot in enumerate(slots, start=1):
        flat = _pareto([point for points in states.values() for point in points])
        now: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for option in slot:
            cost = price(s, option)
            if not states:
                now[option.org].append((option.days, cost))
                continue
            for ready, value in flat:
                now[option.org].append((ready + gap + option.days, value + cost))
            for ready, value in states.get(option.org, ()):
                now[option.org].append((ready + option.days, value + cost))
        states = {org: _pareto(points) for org, points in now.items()}
    return _pareto(
        [(ready + handover_days(gap, org, hub), value) for org, points in states.items() for ready, value in points]
    )


def _pareto(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The points no other is at least as good as in both coordinates, by the first ascending."""
    front: list[tuple[int, int]] = []
    for ready, value in sorted(points):
        if not front or value < front[-1][1]:
            front.append((ready, value))
    return front


def relaxed_bound(
    inst: Instance, order: ObjectiveOrder, settings: SolverSettings, stop_at: float, dual: Dual | None = None
) -> RelaxedBound | None:
    """Lower bounds of a one-hub instance's lead time and first key; None when proven to have no system.

    Args:
        inst: A one-hub instance (its options already within the limits).
        order: The objective.
        settings: CP-SAT parameters (one worker is plenty).
        stop_at: ``time.monotonic()`` by which to stop; at most :data:`SECONDS` are spent.
        dual: The hub's Lagrangian dual function on ``inst``. With a budget,
            its value over the chosen sources bounds every system's cost from
            below (weak duality), far closer than the profiles' own cents,
            which leave most of the on-boarding and bridges out: the budget
            then says much more about which quick sources fit.
    """
    (hub,) = inst.hubs
    gap = inst.handover_days
    house = dict(hub.house_variants)
    kinds_of: dict[int, list[str]] = defaultdict(list)
    for link in inst.links:
        for end in (link.a, link.b):
            if link.kind not in kinds_of[end]:
                kinds_of[end].append(link.kind)
    model = cp_model.CpModel()
    choices: list[list[tuple[_Profile, cp_model.IntVar]]] = []
    cents_terms: list[cp_model.LinearExprT] = []
    dual_terms: list[cp_model.LinearExprT] = []
    dual_size = 0  # the sum of the dual terms' coefficients, for the 64-bit check
    start = model.new_int_var(0, 10**9, "integration_start")
    # An organisation that may take part in n modules is charged floor(fee / n) by each module it takes part
    # in: what a system is charged is never more than the on-boarding it pays.
    modules_of: dict[str, int] = defaultdict(int)
    for plan in inst.modules:
        for org in {o.org for slot in [plan.buy, *(slots_of(plan) if plan.can_make else [])] for o in slot}:
            modules_of[org] += 1
    share = {org: inst.onboarding_cents(hub.org, org) // n for org, n in modules_of.items() if org != hub.org}
    for m, plan in enumerate(inst.modules):
        priced = (m, dual) if dual is not None and inst.budget_cents is not None else None
        profiles = _profiles(plan, kinds_of[m], hub.org, house, gap, share, priced)
        if not profiles:
            return None
        lits = []
        for profile in profiles:
            lit = model.new_bool_var(f"{m}:{profile.vector}")
            model.add(start >= profile.ready).only_enforce_if(lit)
            cents_terms.append(profile.cents * lit)
            if dual is not None:
                price = profile.price
                if price is None:
                    price = dual.source(m, profile.source) if profile.source is not None else dual.make_total[m]
                assert price is not None
                dual_terms.append(price * lit)
                dual_size += abs(price)
            lits.append((profile, lit))
        model.add_exactly_one(lit for _, lit in lits)
        choices.append(lits)
    bridge_days: list[cp_model.LinearExprT] = []
    for link in inst.links:
        ends = []
        for end in (link.a, link.b):
            position = kinds_of[end].index(link.kind)
            by_value: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for profile, lit in choices[end]:
                variant = profile.vector[position]
                if variant is not None:
                    by_value[variant].append(lit)
            ends.append(by_value)
        pairs = []
        for value in sorted(ends[0].keys() & ends[1].keys()):
            pair = model.new_bool_var(f"match:{link.index}={value}")
            model.add(pair <= _sum(ends[0][value]))
            model.add(pair <= _sum(ends[1][value]))
            pairs.append(pair)
        days, cents = link.bridge_days[hub.key], link.bridge_cents[hub.key]
        bridged = model.new_bool_var(f"bridged:{link.index}")
        model.add(bridged + _sum(pairs) >= 1)
        bridge_days.append(days * bridged)
        cents_terms.append(cents * bridged)
    lead = _sum([start, hub.integration_days, *bridge_days])
    cost = _sum([hub.design_cents, *cents_terms])
    if inst.budget_cents is not None:
        model.add(cost <= inst.budget_cents)
        if dual is not None and dual_size + abs(dual.constant) + inst.budget_cents * SCALE < INT64_SAFE:
            # cost * SCALE >= constant + prices (weak duality), and cost <= budget (kept within 64 bits)
            model.add(_sum([dual.constant, *dual_terms]) <= inst.budget_cents * SCALE)
    if inst.deadline is not None:
        model.add(lead <= inst.deadline)
    c, d = order.keys[0]
    if c and d:
        # The weighted key over the relaxation's variables must stay within CP-SAT's 64 bits (start < 10^9).
        top_cents = (
            hub.design_cents
            + sum(max((p.cents for p, _ in lits), default=0) for lits in choices)
            + sum(link.bridge_cents[hub.key] for link in inst.links)
        )
        top_days = 10**9 + hub.integration_days + sum(link.bridge_days[hub.key] for link in inst.links)
        if c * top_cents + d * top_days >= INT64_SAFE:
            return RelaxedBound(0, 0, None)  # no bound from here: the search does without it
    first_key = cp_model.LinearExpr.weighted_sum([cost, lead], [c, d])
    model.minimize(first_key)
    solver = cp_model.CpSolver()
    settings.apply(solver, max(0.001, min(SECONDS, stop_at - time.monotonic())))
    status, interrupted = run_interruptible(solver, model)
    if interrupted:  # Ctrl-C here ends the search like one in the hub's own model (the search catches it)
        raise KeyboardInterrupt
    if status == cp_model.INFEASIBLE:
        return None
    first = proven_lower_bound(solver, model)
    if status == cp_model.OPTIMAL:
        first = int(solver.value(first_key))
    days_bound = first if (c, d) == (0, 1) else 0
    sources = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        begin = solver.value(start)
        picked = [next(p for p, lit in lits if solver.boolean_value(lit)) for lits in choices]
        sources = tuple(
            p.source if p.source is not None else _fitted(plan, hub.org, gap, begin)
            for p, plan in zip(picked, inst.modules, strict=True)
        )
    return RelaxedBound(max(days_bound, 0), max(first, 0), sources)
