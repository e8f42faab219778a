"""Lagrangian lower bounds of a one-hub instance's cost, counting on-boarding and bridges.

Drop capacity and the schedule. What remains is: each module picks one source
(each slot one option, x), ``y_q >= x_{s,q}`` for every slot s and partner q
(q serves s, so the hub pays q's on-boarding fee ``f_q``), and a link l pays
its bridge ``B_l`` unless one variant v is on both ends::

    cost = design + sum(cents x) + sum(f_q y_q) + sum_l B_l - sum_{l,v} B_l m_{l,v}
    sum_v m_{l,v} <= 1,   m_{l,v} <= E_{l,v,e}  (e = both ends of l)

where E are the sources of end e's module that carry v (a made module carries
the hub's house variant). Moving ``x_{s,q} - y_q <= 0`` (multipliers lam) and
``m_{l,v} - E_{l,v,e} <= 0`` (multipliers mu) into the objective leaves a
problem that splits: each ``y_q`` costs ``f_q - sum_s lam_{s,q}`` (taken when
negative), each link gains ``min(0, min_v(mu_a + mu_b - B_l))``, and each
module takes its cheapest source at prices ``cents + lam - mu``. By weak
duality the result is a lower bound for *any* multipliers >= 0. Multipliers
are integers in units of 1/1024 cent and the bound is evaluated in integers,
so however they were found, the bound is exact arithmetic on a valid formula.

Two sets of multipliers: :func:`quick_bound` spreads each fee evenly over the
slots its organisation could serve and each bridge over both ends (a few
milliseconds); :func:`lagrangian` takes the duals of the LP relaxation
(GLOP), which on generated clusters is within 0.1 % of the hub's optimum.

**Fixing** (:meth:`Lagrangian.fix`): forcing one option into the split
problem raises the bound by that option's price above the cheapest choice it
displaces; an option whose forced bound exceeds the cost of the k-th best
system known is in none of the best k systems, and is removed before CP-SAT
sees the model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from modcluster.solver.deadline import check_time, time_left
from modcluster.solver.hint import GreedyModule, made_module
from modcluster.solver.instance import Instance, LinkPlan, ModulePlan, Option
from modcluster.solver.prune import lower_bound, slots_of

__all__ = ["SCALE", "Dual", "Lagrangian", "lagrangian", "quick_bound"]

SCALE = 1024
"""Multipliers are integers in units of 1/SCALE cent."""

_Lam = dict[tuple[int, int, str], int]  # (module, slot, organisation) -> multiplier
_Mu = dict[tuple[int, str, int], int]  # (link index, variant, end) -> multiplier


@dataclass(frozen=True, slots=True)
class _Relaxation:
    """The relaxed problem of one hub: the columns that matter, fees and matchable links."""

    design: int
    fee: dict[str, int]
    columns: list[list[tuple[Option, ...]]]  # per module: slot 0 buy, then the make chain (when it can be made)
    can_make: list[bool]
    house: dict[str, str]
    bridges: list[tuple[LinkPlan, int, list[str]]]  # (link, bridge cents, variants both ends can carry)


def _relaxation(inst: Instance, *, reduce: bool = True) -> _Relaxation | None:
    """The relaxed problem of a one-hub instance; ``reduce``: only the columns a bound needs."""
    if len(inst.hubs) != 1 or lower_bound(inst) is None:
        return None
    hub = inst.hubs[0]
    fee = {q: c for (h, q), c in inst.onboarding.items() if h == hub.org and c}
    house = dict(hub.house_variants)
    columns = []
    for plan in inst.modules:
        check_time()
        slots = [plan.buy, *(slots_of(plan) if plan.can_make else [])]
        columns.append([_columns(options, fee) if reduce else options for options in slots])
    can_make = [plan.can_make for plan in inst.modules]
    bridges = []
    for link in inst.links:
        cents = link.bridge_cents[hub.key]
        if not cents:
            continue
        ends: list[set[str]] = []
        for m in (link.a, link.b):
            values = {v for o in columns[m][0] if (v := o.variant(link.kind)) is not None}
            if can_make[m] and link.kind in house:
                values.add(house[link.kind])
            ends.append(values)
        bridges.append((link, cents, sorted(ends[0] & ends[1])))
    return _Relaxation(hub.design_cents, fee, columns, can_make, house, bridges)


def _columns(options: tuple[Option, ...], fee: dict[str, int]) -> tuple[Option, ...]:
    """The options a bound needs.

    Drop ``o`` when another option of the slot with the same variants costs
    no more than ``o`` even with its whole on-boarding fee. In the LP, moving
    ``o``'s weight to that option changes the cost by at most
    ``cents + fee - cents(o) <= 0``; in the Lagrangian, multipliers are
    clipped to the fee, so that option's price is never above ``o``'s.
    """
    groups: dict[tuple[tuple[str, str], ...], list[Option]] = defaultdict(list)
    for o in options:
        groups[o.variants].append(o)
    kept: set[int] = set()
    for group in groups.values():
        first = min(group, key=lambda o: o.cents + fee.get(o.org, 0))  # the earliest of the cheapest
        ceiling = first.cents + fee.get(first.org, 0)
        kept.update(id(o) for o in group if o is first or o.cents < ceiling)
    return tuple(o for o in options if id(o) in kept)


class Dual:
    """The Lagrangian dual function at fixed multipliers, split by module (all figures in 1/SCALE cent)."""

    def __init__(self, rel: _Relaxation, lam: _Lam, mu: _Mu) -> None:
        self.rel = rel
        self.lam = {key: min(value, rel.fee[key[2]] * SCALE) for key, value in lam.items() if value > 0}
        spent: dict[str, int] = defaultdict(int)
        for (_, _, q), value in self.lam.items():
            spent[q] += value
        constant = (rel.design + sum(cents for _, cents, _ in rel.bridges)) * SCALE
        constant += sum(min(0, rel.fee[q] * SCALE - value) for q, value in spent.items())
        self.bonus: dict[tuple[int, str, str], int] = defaultdict(int)  # (module, kind, variant) -> sum of mu
        for link, cents, common in rel.bridges:
            if not common:
                continue
            best = min(mu.get((link.index, v, 0), 0) + mu.get((link.index, v, 1), 0) for v in common)
            constant += min(0, best - cents * SCALE)  # m_{l,v} is taken when it gains
            for v in common:
                self.bonus[(link.a, link.kind, v)] += mu.get((link.index, v, 0), 0)
                self.bonus[(link.b, link.kind, v)] += mu.get((link.index, v, 1), 0)
        self.constant = constant
        # Per module: the cheapest price of each slot, of making, and of the module.
        self.slot_min: list[list[int | None]] = []
        self.make_total: list[int | None] = []
        self.module_min: list[int] = []
        for m, (buy, *make) in enumerate(rel.columns):
            mins: list[int | None] = [min((self.price(m, 0, o) for o in buy), default=None)]
            made = None
            if rel.can_make[m]:
                mins += [min(self.price(m, s, o) for o in options) for s, options in enumerate(make, start=1)]
                made = sum(v for v in mins[1:] if v is not None) + self.make_price(m)
            self.slot_min.append(mins)
            self.make_total.append(made)
            self.module_min.append(min(v for v in (mins[0], made) if v is not None))

    def price(self, m: int, s: int, o: Option) -> int:
        """``o``'s price in slot s of module m (slot 0: bought, which carries its variants)."""
        value = o.cents * SCALE + self.lam.get((m, s, o.org), 0)
        if s == 0:
            value -= sum(self.bonus.get((m, kind, variant), 0) for kind, variant in o.variants)
        return value

    def make_price(self, m: int) -> int:
        """The price of making module m beyond its slots: minus the links its house variants may match."""
        return -sum(self.bonus.get((m, kind, v), 0) for kind, v in self.rel.house.items())

    def source(self, m: int, gm: GreedyModule) -> int:
        """The price of a whole source of module m: a bought option, or making with these tasks."""
        if gm.buy is not None:
            return self.price(m, 0, gm.buy)
        return self.make_price(m) + sum(self.price(m, s, o) for s, o in enumerate(gm.tasks, start=1))

    @property
    def total(self) -> int:
        """The dual function's value."""
        return self.constant + sum(self.module_min)

    def forced(self, m: int, s: int, o: Option) -> int:
        """The dual function's value with ``o`` forced into slot s of module m."""
        if s == 0:
            module = self.price(m, 0, o)
        else:
            made, cheapest = self.make_total[m], self.slot_min[m][s]
            assert made is not None and cheapest is not None
            module = made - cheapest + self.price(m, s, o)
        return self.total - self.module_min[m] + module


def _cents(scaled: int) -> int:
    """Whole cents of a bound in 1/SCALE cent, rounded up (a cost is a whole number of cents)."""
    return -(-scaled // SCALE)


def _evaluate(rel: _Relaxation, lam: _Lam, mu: _Mu) -> int:
    """The Lagrangian dual function at (lam, mu), in cents rounded up: a lower bound of the cost."""
    return _cents(Dual(rel, lam, mu).total)


def quick_bound(inst: Instance) -> int | None:
    """A lower bound (cents) of a one-hub instance's cost from even multipliers, without an LP.

    Each fee is spread evenly over the slots its organisation could serve, each
    bridge evenly over the two ends of each variant. None when the instance
    has no system.
    """
    rel = _relaxation(inst)
    if rel is None:
        return None
    served: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m, slots in enumerate(rel.columns):
        for s, options in enumerate(slots):
            for q in {o.org for o in options if o.org in rel.fee}:
                served[q].append((m, s))
    lam = {(m, s, q): rel.fee[q] * SCALE // len(where) for q, where in served.items() for m, s in where}
    mu = {(link.index, v, e): cents * SCALE // 2 for link, cents, common in rel.bridges for v in common for e in (0, 1)}
    return max(_evaluate(rel, lam, mu), _evaluate(rel, {}, {}))


@dataclass(frozen=True, slots=True)
class Lagrangian:
    """A Lagrangian bound (cents) with its multipliers and the LP solution they came from.

    ``primal`` holds the LP's value of each (module, slot, organisation,
    offer) column and ``made`` of each module's make variable; rounded, they
    are often the hub's best system (see :meth:`rounded`).
    """

    cents: int
    lam: _Lam
    mu: _Mu
    primal: dict[tuple[int, int, str, str], float]
    made: tuple[float, ...]

    def rounded(self, inst: Instance) -> list[GreedyModule]:
        """Per module of ``inst`` (the same hub, possibly pruned further): the sources the LP prefers.

        Make when the make variable is at least every bought option's value;
        in each slot the option of largest value, ties and unknown options by
        lower cents.
        """
        chosen = []
        for m, plan in enumerate(inst.modules):

            def pick(slot: int, options: tuple[Option, ...], m: int = m) -> Option:
                return min(options, key=lambda o: (-self.primal.get((m, slot, o.org, o.offer), 0.0), o.cents))

            buy = pick(0, plan.buy) if plan.buy else None
            bought = self.primal.get((m, 0, buy.org, buy.offer), 0.0) if buy is not None else -1.0
            if plan.can_make and (buy is None or self.made[m] >= bought):
                chain = [pick(s, options) for s, options in enumerate(slots_of(plan), start=1)]
                seed = chain.pop(0) if plan.seeds is not None else None
                chosen.append(GreedyModule(None, tuple(chain), seed))
            else:
                assert buy is not None
                chosen.append(GreedyModule(buy))
        return chosen

    def neighbours(self, inst: Instance, base: list[GreedyModule]) -> list[list[GreedyModule]]:
        """Systems that differ from ``base`` in one slot's organisation: per slot, the cheapest such swap.

        Each is a different candidate from ``base`` and from the others.
        """
        dual = self.dual(inst)
        if dual is None:
            return []
        out = []
        for m, (gm, plan) in enumerate(zip(base, inst.modules, strict=True)):
            check_time()
            slots = [plan.buy] if gm.buy is not None else slots_of(plan)
            first = 0 if gm.buy is not None else 1  # slot numbers: 0 bought, 1.. the make chain
            for i, (options, current) in enumerate(zip(slots, gm.tasks, strict=True)):
                prices = [(dual.price(m, first + i, o), n) for n, o in enumerate(options) if o.org != current.org]
                if not prices:
                    continue
                swap = options[min(prices)[1]]
                if gm.buy is not None:
                    changed = GreedyModule(swap)
                else:
                    changed = made_module(plan, [swap if j == i else t for j, t in enumerate(gm.tasks)])
                out.append([changed if j == m else other for j, other in enumerate(base)])
        return out

    def dual(self, inst: Instance) -> Dual | None:
        """The dual function at these multipliers on ``inst`` (this bound's hub, possibly pruned further)."""
        rel = _relaxation(inst, reduce=False)
        return None if rel is None else Dual(rel, self.lam, self.mu)

    def fix(self, inst: Instance, max_cents: int) -> Instance | None:
        """``inst`` without the options whose forced bound exceeds ``max_cents``; None when a module has none left.

        ``inst`` is the bound's hub, possibly pruned further (a subset of
        options only raises the dual function, so the bound stays valid).
        """
        dual = self.dual(inst)
        if dual is None:
            return None
        limit = max_cents * SCALE  # forced bounds are compared before rounding up: keep when ceil <= max_cents
        plans = []
        for m, plan in enumerate(inst.modules):
            buy = tuple(o for o in plan.buy if dual.forced(m, 0, o) <= limit)
            steps, seeds = plan.steps, plan.seeds
            if plan.can_make:
                kept = [
                    tuple(o for o in options if dual.forced(m, s, o) <= limit)
                    for s, options in enumerate(slots_of(plan), start=1)
                ]
                if plan.seeds is not None:
                    seeds, kept = kept[0], kept[1:]
                steps = tuple(kept)
            fixed = ModulePlan(plan.module, buy, steps, seeds)
            if not fixed.buy and not fixed.can_make:
                return None
            plans.append(fixed)
        return replace(inst, modules=tuple(plans))


def lagrangian(inst: Instance) -> Lagrangian | None:
    """The Lagrangian bound (cents) of a one-hub instance's cost from the LP relaxation's duals.

    None when the instance has no system or the LP does not solve.

    >>> from modcluster.generate import generate
    >>> from modcluster.io import build_request, catalog_from_data
    >>> from modcluster.solver.instance import prepare
    >>> from modcluster.solver.prune import restrict_hub
    >>> cat = catalog_from_data(generate("small", seed=1))
    >>> inst = prepare(cat, build_request(cat, cat.products[0].id))
    >>> one = restrict_hub(inst, inst.hubs[0])
    >>> lower_bound(one)[0] <= quick_bound(one) <= lagrangian(one).cents
    True
    """
    rel = _relaxation(inst)
    if rel is None:
        return None
    solved = _solve_lp(rel)
    if solved is None:
        return None
    lam, mu, primal, made = solved
    cents = _evaluate(rel, lam, mu)
    if cents < _evaluate(rel, {}, {}):  # the duals were poor: the plain bound, with no multipliers
        return Lagrangian(_evaluate(rel, {}, {}), {}, {}, primal, made)
    return Lagrangian(cents, lam, mu, primal, made)


_Primal = dict[tuple[int, int, str, str], float]


def _solve_lp(rel: _Relaxation) -> tuple[_Lam, _Mu, _Primal, tuple[float, ...]] | None:
    """Solve the relaxation's LP with GLOP: multipliers from its duals (lam clipped to the fees), and its solution."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    objective = lp.Objective()
    infinity = lp.infinity()

    def var(cost: int, upper: int = 1) -> Any:
        v = lp.NumVar(0, upper, "")
        if cost:
            objective.SetCoefficient(v, cost)
        return v

    buy_vars: list[list[Any]] = []
    make_vars: list[Any] = []
    columns: dict[tuple[int, int, str, str], Any] = {}
    onboard: dict[tuple[int, int, str], Any] = {}
    y: dict[str, Any] = {}
    for m, slots in enumerate(rel.columns):
        check_time()
        one = lp.Constraint(1, 1)
        make = var(0, 1 if rel.can_make[m] else 0)
        one.SetCoefficient(make, 1)
        make_vars.append(make)
        for s, options in enumerate(slots):
            row = one
            if s > 0:
                row = lp.Constraint(0, 0)
                row.SetCoefficient(make, -1)
            xs = []
            for o in options:
                x = var(o.cents)
                row.SetCoefficient(x, 1)
                xs.append(x)
                columns[(m, s, o.org, o.offer)] = x
                if o.org in rel.fee:
                    key = (m, s, o.org)
                    if key not in onboard:
                        if o.org not in y:
                            y[o.org] = var(rel.fee[o.org])
                        onboard[key] = lp.Constraint(-infinity, 0)
                        onboard[key].SetCoefficient(y[o.org], -1)
                    onboard[key].SetCoefficient(x, 1)
            if s == 0:
                buy_vars.append(xs)
    match: dict[tuple[int, str, int], Any] = {}
    for link, cents, common in rel.bridges:
        if not common:
            continue
        at_most_one = lp.Constraint(-infinity, 1)
        for value in common:
            matched = var(-cents)
            at_most_one.SetCoefficient(matched, 1)
            for e, m in enumerate((link.a, link.b)):
                row = lp.Constraint(-infinity, 0)
                row.SetCoefficient(matched, 1)
                for o, x in zip(rel.columns[m][0], buy_vars[m], strict=True):
                    if o.variant(link.kind) == value:
                        row.SetCoefficient(x, -1)
                if rel.can_make[m] and rel.house.get(link.kind) == value:
                    row.SetCoefficient(make_vars[m], -1)
                match[(link.index, value, e)] = row
    objective.SetMinimization()
    left = time_left()
    if left is not None:
        lp.set_time_limit(max(1, int(left * 1000)))  # milliseconds; stopped early, it is no bound (None)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None

    def multiplier(row: Any) -> int:
        # GLOP reports the dual of an active ``<=`` row of a minimisation as <= 0.
        return max(0, math.floor(-float(row.dual_value()) * SCALE))

    lam = {key: min(multiplier(row), rel.fee[key[2]] * SCALE) for key, row in onboard.items()}
    mu = {key: multiplier(row) for key, row in match.items()}
    primal = {key: x.solution_value() for key, x in columns.items()}
    return lam, mu, primal, tuple(make.solution_value() for make in make_vars)
