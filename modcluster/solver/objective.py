"""The objective and its tie-breaks: the one home of MODEL.md "Objective and candidates".

Every objective of the contract is a lexicographic order of integer **keys**
over a system's cost in cents and its lead time in days:

* ``cost``: (cents, days);
* ``lead_time``: (days, cents);
* ``weighted``: (pc * cents + pd * days, cents, days), where ``pc : pd`` is
  ``weights.cost / 100 : weights.lead_time`` in smallest whole numbers, so the
  first key is the weighted value in units of ``1 / (100 * denominator)`` money.

Two ways of using the order:

* :class:`ObjectiveOrder` packs the keys into one Python integer (a mixed
  radix number: each key above the range of the ones after it). Python's
  integers have no upper limit, so the search can compare, bound and prune
  systems of any size with one number (:meth:`ObjectiveOrder.value`).
* :class:`Lexicographic` minimises the keys in CP-SAT one after another
  (optimise the first key; fix it; optimise the next, hinted with the last
  solution). No packed number reaches CP-SAT, so each phase's coefficients
  stay as small as the key itself: at the contract's largest figures
  (10^12 money units, 100,000 days) and weights of four decimals, every key
  fits CP-SAT's 64-bit arithmetic, where one packed objective left it at a
  million money units (docs/performance.md, "Objectives").

>>> from modcluster.domain.request import Objective, Weights
>>> from decimal import Decimal
>>> objective_keys(Objective.WEIGHTED, Weights(cost=Decimal("0.75"), lead_time=Decimal("120.5")))
((3, 48200), (1, 0), (0, 1))
>>> order = ObjectiveOrder.of(Objective.COST, Weights(), cost_bound=10_000, lead_bound=99)
>>> order.value(1_234, 7), order.split(order.value(1_234, 7))
(123407, (1234, 7))
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any, Protocol

from ortools.sat.python import cp_model

from modcluster.domain import Objective, Request, Weights
from modcluster.errors import SolverError
from modcluster.solver.cpsat import SolverSettings, run_interruptible

__all__ = [
    "INT64_SAFE",
    "Key",
    "LexResult",
    "Lexicographic",
    "Minimiser",
    "ObjectiveOrder",
    "Packed",
    "WeightedByFront",
    "minimiser",
    "objective_key",
    "objective_keys",
    "proven_lower_bound",
]

INT64_SAFE = 2**62
"""The most any key (or sum CP-SAT forms of it) may reach: a margin below 2**63."""

Key = tuple[int, int]
"""One key of an order: its coefficients of cents and of days."""


def objective_keys(objective: Objective, weights: Weights) -> tuple[Key, ...]:
    """The request's objective as lexicographic keys over (cents, days), most significant first.

    A key that repeats an earlier one, or is zero, orders nothing and is
    left out (``weighted`` with a zero weight reduces to ``cost`` or
    ``lead_time`` with their tie-breaks).

    >>> from modcluster.domain.request import Weights
    >>> objective_keys(Objective.LEAD_TIME, Weights())
    ((0, 1), (1, 0))
    >>> objective_keys(Objective.WEIGHTED, Weights(cost=0, lead_time=50))
    ((0, 1), (1, 0))
    """
    if objective is Objective.COST:
        wanted: list[Key] = [(1, 0), (0, 1)]
    elif objective is Objective.LEAD_TIME:
        wanted = [(0, 1), (1, 0)]
    else:
        wc, wt = Fraction(weights.cost), Fraction(weights.lead_time)
        denom = math.lcm(wc.denominator, wt.denominator)
        pc, pd = int(wc * denom), int(wt * 100 * denom)  # value in units of 1/(100 * denom) money
        common = math.gcd(pc, pd) or 1
        wanted = [(pc // common, pd // common), (1, 0), (0, 1)]
    keys: list[Key] = []
    for key in wanted:
        if key != (0, 0) and key not in keys:
            keys.append(key)
    return tuple(keys)


def objective_key(candidate: Any, request: Request) -> tuple[Any, ...]:
    """The request's order on a candidate's reported figures (Decimal cost, whole days); smaller is better.

    Works on anything with ``cost`` and ``lead_time`` (candidates, plan
    entries, front points); the same order as :func:`objective_keys`.
    """
    if request.objective is Objective.COST:
        return (candidate.cost, candidate.lead_time)
    if request.objective is Objective.LEAD_TIME:
        return (candidate.lead_time, candidate.cost)
    weighted = request.weights.cost * candidate.cost + request.weights.lead_time * candidate.lead_time
    return (weighted, candidate.cost, candidate.lead_time)


@dataclass(frozen=True, slots=True)
class ObjectiveOrder:
    """An objective's keys with the radices that pack them into one exact Python integer.

    Attributes:
        objective: The objective.
        keys: Its keys (:func:`objective_keys`).
        tops: The largest value each key can take (from the cost and lead-time bounds).
        radices: Each key's multiplier in the packed value (the last is 1).
        unit: Money (or days, for ``lead_time``) per unit of the first key.
        cost_bound: The most cents of a system the order is built for.
        lead_bound: The most days of a system the order is built for.
    """

    objective: Objective
    keys: tuple[Key, ...]
    tops: tuple[int, ...]
    radices: tuple[int, ...]
    unit: Fraction
    cost_bound: int = 0
    lead_bound: int = 0

    @classmethod
    def of(cls, objective: Objective, weights: Weights, *, cost_bound: int, lead_bound: int) -> ObjectiveOrder:
        """The order of ``objective`` for systems of at most ``cost_bound`` cents and ``lead_bound`` days."""
        keys = objective_keys(objective, weights)
        tops = tuple(c * cost_bound + d * lead_bound for c, d in keys)
        radices = [1] * len(keys)
        for i in range(len(keys) - 2, -1, -1):
            radices[i] = radices[i + 1] * (tops[i + 1] + 1)
        if objective is Objective.LEAD_TIME:
            unit = Fraction(1)
        elif objective is Objective.COST:
            unit = Fraction(1, 100)
        else:
            wc, wt = Fraction(weights.cost), Fraction(weights.lead_time)
            first = keys[0]
            # first key * unit = wc * cents / 100 + wt * days
            unit = wc / 100 / first[0] if first[0] else wt / first[1]
        return cls(objective, keys, tops, tuple(radices), unit, cost_bound, lead_bound)

    @classmethod
    def for_request(cls, request: Request, *, cost_bound: int, lead_bound: int) -> ObjectiveOrder:
        """The order of a request's objective and weights."""
        return cls.of(request.objective, request.weights, cost_bound=cost_bound, lead_bound=lead_bound)

    @property
    def weights(self) -> tuple[int, int]:
        """The packed value's coefficients of (cents, days): ``value = cents * w0 + days * w1``."""
        return (
            sum(c * r for (c, _), r in zip(self.keys, self.radices, strict=True)),
            sum(d * r for (_, d), r in zip(self.keys, self.radices, strict=True)),
        )

    def key(self, cents: int, days: int) -> tuple[int, ...]:
        """A system's keys."""
        return tuple(c * cents + d * days for c, d in self.keys)

    def value(self, cents: int, days: int) -> int:
        """A system's packed value: smaller is better in the objective's order, exactly."""
        w0, w1 = self.weights
        return w0 * cents + w1 * days

    def split(self, packed: int) -> tuple[int, ...]:
        """The keys of a packed value (for a bound: the lexicographically largest keys within it).

        A system within the bounds has a packed value at most ``packed``
        exactly when its keys are lexicographically at most these.
        """
        digits = []
        for radix in self.radices:
            digit, packed = divmod(packed, radix)
            digits.append(digit)
        return tuple(digits)

    def pack(self, keys: Sequence[int]) -> int:
        """The packed value of a key prefix, the missing keys at 0 (a lower bound when the prefix is one)."""
        return sum(k * r for k, r in zip(keys, self.radices, strict=False))

    def first_bound(self, packed: int) -> Decimal | int:
        """A lower bound of the objective's first figure (money, or days) from a lower bound of the packed value."""
        first = packed // self.radices[0]
        if self.objective is Objective.LEAD_TIME:
            return int(first * self.unit)
        money = Fraction(first) * self.unit
        return (Decimal(money.numerator) / Decimal(money.denominator)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)

    @property
    def by_front(self) -> bool:
        """Whether CP-SAT cannot hold the first key, so that ``weighted`` is minimised over the front."""
        return self.objective is Objective.WEIGHTED and len(self.keys) == 3 and self.tops[0] >= INT64_SAFE


def minimiser(
    model: cp_model.CpModel,
    cost: cp_model.LinearExprT,
    lead: cp_model.LinearExprT,
    order: ObjectiveOrder,
    cost_terms: int | None = None,
) -> Minimiser:
    """How CP-SAT minimises ``order`` on a model, chosen by the figures' size (docs/performance.md, "Objectives").

    * :class:`Packed`: one objective, the packed value, when CP-SAT can hold
      it: the packed weights times the sum of every cost term of the model
      (``cost_terms``: CP-SAT bounds the objective by its terms, not by the
      best system) stays below :data:`INT64_SAFE` (the figures of most
      catalogs). One solve per system, as fast as CP-SAT gets on this
      model: measured on ``medium`` with ``weighted`` and k=3, phases took
      1.8x as long;
    * :class:`Lexicographic`: key by key, when the packed value does not fit;
    * :class:`WeightedByFront`: over the cost / lead-time front, when even
      the weighted key does not fit.
    """
    w0, w1 = order.weights
    if cost_terms is not None and w0 * cost_terms + w1 * order.lead_bound < INT64_SAFE:
        return Packed(model, cp_model.LinearExpr.weighted_sum([cost, lead], [w0, w1]), order)
    if order.by_front:
        (per_cent, per_day), _, _ = order.keys
        return WeightedByFront(model, cost, lead, per_cent, per_day)
    exprs: list[cp_model.LinearExprT] = [
        cp_model.LinearExpr.weighted_sum([cost, lead], [c, d]) if c and d else (cost if c else lead)
        for c, d in order.keys
    ]
    # With both weights, the weighted value and the cost fix the lead time: its phase would prove nothing new.
    implied = 1 if len(order.keys) == 3 and all(order.keys[0]) else 0
    return Lexicographic(model, exprs, implied=implied)


@dataclass
class Packed:
    """Minimise the order's packed value as one CP-SAT objective; keys and bounds are read back by splitting it.

    Attributes:
        model: The model.
        expr: The packed value as an expression (``w0 * cents + w1 * days``).
        order: The order that packs it.
    """

    model: cp_model.CpModel
    expr: cp_model.LinearExprT
    order: ObjectiveOrder

    def solve(
        self,
        settings: SolverSettings,
        stop_at: float,
        *,
        low: int | None = None,
        high: Sequence[int] | None = None,
        floors: Sequence[int | None] | None = None,
    ) -> LexResult:
        """As :meth:`Lexicographic.solve`, with the keys' bounds packed."""
        order = self.order
        packed_low = None if low is None else order.pack((low,))
        if floors is not None and floors[0] is not None:
            packed_low = max(packed_low or 0, order.pack((floors[0],)))
        packed_high = None if high is None else (order.pack(high),)
        result = Lexicographic(self.model, [self.expr]).solve(settings, stop_at, low=packed_low, high=packed_high)
        keys = order.split(result.keys[0]) if result.keys else ()
        bound = order.split(result.bound[0]) if result.bound else ()
        return LexResult(result.status, result.solver, keys, bound, result.interrupted, result.phases)


class Minimiser(Protocol):
    """What the search asks of a way to minimise an order on a model (:func:`minimiser` picks one)."""

    def solve(
        self,
        settings: SolverSettings,
        stop_at: float,
        *,
        low: int | None = None,
        high: Sequence[int] | None = None,
        floors: Sequence[int | None] | None = None,
    ) -> LexResult:
        """Find the order's minimum within the bounds (see :meth:`Lexicographic.solve`)."""
        ...


@dataclass
class LexResult:
    """What a lexicographic minimisation found and proved.

    Attributes:
        status: ``OPTIMAL`` (every key proven), ``FEASIBLE`` (a system, not
            proven), ``INFEASIBLE`` (proven: no system within the bounds) or
            ``UNKNOWN``.
        solver: The solver holding the system found (read its values), or None.
        keys: The system's keys, or ().
        bound: A lexicographic lower bound of the keys of every system within
            the bounds: the proven keys, then a lower bound of the next one.
        interrupted: Whether Ctrl-C stopped a phase.
        phases: CP-SAT solves run.
    """

    status: cp_model.CpSolverStatus
    solver: cp_model.CpSolver | None = None
    keys: tuple[int, ...] = ()
    bound: tuple[int, ...] = ()
    interrupted: bool = False
    phases: int = 0


@dataclass
class Lexicographic:
    """Minimise integer key expressions of one CP-SAT model in lexicographic order, phase by phase.

    Phase ``i`` minimises key ``i`` with keys ``0..i-1`` fixed at their
    proven minima, starting from the previous phase's solution as a complete
    hint. A phase is skipped when the previous solution already reaches a
    known lower bound of its key (``floors``). The constraints a solve adds
    are removed after it and the model's hint restored, so the same model
    can be solved again (the next candidate, other assumptions).

    Attributes:
        model: The model (its constraints and assumptions stay as they are).
        exprs: The keys as linear expressions, most significant first; each
            is non-negative in every solution.
        implied: How many of the last keys the others determine (no phase of their own).
    """

    model: cp_model.CpModel
    exprs: Sequence[cp_model.LinearExprT]
    implied: int = 0
    _added: list[int] = field(default_factory=list)

    def solve(
        self,
        settings: SolverSettings,
        stop_at: float,
        *,
        low: int | None = None,
        high: Sequence[int] | None = None,
        floors: Sequence[int | None] | None = None,
    ) -> LexResult:
        """Find a lexicographic minimum within the bounds by the time ``stop_at`` (``time.monotonic()``).

        Args:
            settings: CP-SAT parameters.
            stop_at: When to stop, whatever was proven by then.
            low: A lower bound of the first key (a valid bound helps the search).
            high: Only systems whose keys are lexicographically at most these.
            floors: Lower bounds of the keys valid for every system, or None each.

        Returns:
            The outcome; a solution is always one that meets the model's constraints.
        """
        if high is not None and high[0] < 0:
            return LexResult(cp_model.INFEASIBLE)
        proto = self.model.proto
        hint = (list(proto.solution_hint.vars), list(proto.solution_hint.values))
        try:
            return self._phases(settings, stop_at, low, high, floors)
        finally:
            for index in self._added:
                proto.constraints[index].clear_linear()
            self._added.clear()
            proto.clear_solution_hint()
            proto.solution_hint.vars.extend(hint[0])
            proto.solution_hint.values.extend(hint[1])

    def _phases(
        self,
        settings: SolverSettings,
        stop_at: float,
        low: int | None,
        high: Sequence[int] | None,
        floors: Sequence[int | None] | None,
    ) -> LexResult:
        model, exprs = self.model, self.exprs
        fixed: list[int] = []
        last: cp_model.CpSolver | None = None
        keys: tuple[int, ...] = ()
        interrupted = False
        phases = 0
        for i, expr in enumerate(exprs):
            if last is not None and i >= len(exprs) - self.implied:
                fixed.append(keys[i])  # determined by the keys already proven
                continue
            floor = floors[i] if floors is not None else None
            tight = high is not None and tuple(fixed) == tuple(high[:i])
            ceiling = high[i] if tight and high is not None else None
            if last is not None and floor is not None and keys[i] <= floor:
                if ceiling is not None and keys[i] > ceiling:
                    return LexResult(cp_model.INFEASIBLE, None, (), (), interrupted, phases)
                fixed.append(keys[i])  # the previous phase's solution already reaches a bound of this key
                continue
            remaining = stop_at - time.monotonic()
            if last is not None and remaining <= 0:
                return LexResult(cp_model.FEASIBLE, last, keys, (*fixed, floor or 0), interrupted, phases)
            model.minimize(expr)
            first_low = max(low, floor or 0) if i == 0 and low is not None else floor
            _objective_domain(model, first_low, ceiling)
            if last is not None:
                for j in range(len(self._added), i):  # fix every key proven so far
                    self._added.append(model.add(exprs[j] == fixed[j]).index)
                hint_solution(model, last)
            solver = cp_model.CpSolver()
            settings.apply(solver, remaining)
            status, stopped = run_interruptible(solver, model)
            phases += 1
            interrupted = interrupted or stopped
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                last, keys = solver, tuple(int(solver.value(e)) for e in exprs)
                if status == cp_model.OPTIMAL and not stopped:
                    fixed.append(keys[i])
                    continue
                bound = max(proven_lower_bound(solver, model), low if i == 0 and low is not None else 0, floor or 0)
                return LexResult(cp_model.FEASIBLE, last, keys, (*fixed, bound), interrupted, phases)
            if status == cp_model.INFEASIBLE and not stopped:
                if i > 0 and not tight:
                    raise SolverError("internal: a lexicographic phase lost the previous phase's solution")
                return LexResult(cp_model.INFEASIBLE, None, (), (), interrupted, phases)
            # Time or Ctrl-C before a solution of this phase.
            bound = max(proven_lower_bound(solver, model), low if i == 0 and low is not None else 0, floor or 0)
            if last is None:
                return LexResult(cp_model.UNKNOWN, None, (), (bound,), interrupted, phases)
            return LexResult(cp_model.FEASIBLE, last, keys, (*fixed, bound), interrupted, phases)  # unproven here
        return LexResult(cp_model.OPTIMAL, last, keys, tuple(fixed), interrupted, phases)


@dataclass
class WeightedByFront:
    """Minimise ``(pc * cents + pd * days, cents, days)`` without forming the weighted value in CP-SAT.

    For weights whose exact ratio is long (four decimals on both, a cost
    weight of several units) the first key of ``weighted`` can leave 64 bits
    at systems near 10^12 money units, although cost and lead time fit. The
    weighted optimum lies on the cost / lead-time Pareto front (with
    non-negative weights a dominated system is never better, and ties on the
    value go to the cheaper system, which the front has too), so the front is
    swept from the cheapest system towards shorter lead times, each point the
    cheapest (then quickest) system within ``lead <= eps``, and the best
    value, computed exactly in Python, is kept. The sweep stops when no
    later point can do better: later points cost more, so their value is at
    least ``pc * cents + pd * floor``.

    Attributes:
        model: The model.
        cost: Its cost in cents.
        lead: Its lead time in days.
        per_cent: ``pc``.
        per_day: ``pd``.
    """

    model: cp_model.CpModel
    cost: cp_model.LinearExprT
    lead: cp_model.LinearExprT
    per_cent: int
    per_day: int

    def solve(
        self,
        settings: SolverSettings,
        stop_at: float,
        *,
        low: int | None = None,
        high: Sequence[int] | None = None,
        floors: Sequence[int | None] | None = None,
    ) -> LexResult:
        """As :meth:`Lexicographic.solve`, for the keys ``(value, cents, days)``."""
        del low  # a bound of the value only; the sweep needs none
        cheapest = Lexicographic(self.model, [self.cost, self.lead])
        floor = (floors[2] if floors is not None and len(floors) > 2 else None) or 0
        best: LexResult | None = None
        proven, interrupted, phases, added = True, False, 0, []
        try:
            while True:
                result = cheapest.solve(settings, stop_at)
                phases += result.phases
                interrupted = interrupted or result.interrupted
                if result.status == cp_model.INFEASIBLE and not result.interrupted:
                    break  # the front is complete
                if result.solver is None:
                    proven = False
                    break
                cents, days = result.keys
                keys = (self.per_cent * cents + self.per_day * days, cents, days)
                if best is None or keys < best.keys:
                    best = LexResult(result.status, result.solver, keys)
                proven = proven and result.status == cp_model.OPTIMAL and not result.interrupted
                if self.per_cent * cents + self.per_day * floor >= best.keys[0] or days - 1 < floor:
                    break  # every later point costs more: none can be better
                added.append(self.model.add(self.lead <= days - 1).index)
        finally:
            for index in added:
                self.model.proto.constraints[index].clear_linear()
        if best is None:
            return LexResult(cp_model.UNKNOWN if not proven else cp_model.INFEASIBLE, None, (), (), interrupted, phases)
        if high is not None and best.keys > tuple(high) and proven:
            return LexResult(cp_model.INFEASIBLE, None, (), (), interrupted, phases)
        status = cp_model.OPTIMAL if proven else cp_model.FEASIBLE
        bound = best.keys if proven else tuple(f or 0 for f in (floors or (0,)))[:1]
        return LexResult(status, best.solver, best.keys, bound, interrupted, phases)


def proven_lower_bound(solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
    """CP-SAT's proven lower bound of the objective, exactly (the float ``best_objective_bound`` is not)."""
    response = solver.response_proto
    return int(response.inner_objective_lower_bound) + round(model.proto.objective.offset)


def hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint the solver's whole solution (a complete, feasible hint is the kind CP-SAT uses)."""
    values = list(solver.response_proto.solution)
    proto = model.proto
    proto.clear_solution_hint()
    proto.solution_hint.vars.extend(range(len(values)))
    proto.solution_hint.values.extend(values)


def _objective_domain(model: cp_model.CpModel, low: int | None, high: int | None) -> None:
    """Narrow the objective's domain to ``[low, high]`` (None: keep that end).

    The objective's own domain, not a linear constraint: a second copy of the
    objective as a constraint next to the cost bound once made CP-SAT 9.15's
    presolve (with probing off) report a feasible model infeasible
    (tests/test_generate.py keeps the instance).
    """
    domain = model.proto.objective.domain
    current = list(domain) or [-(2**63), 2**63 - 1]
    new_low = current[0] if low is None else max(current[0], low)
    new_high = current[-1] if high is None else min(current[-1], high)
    domain.clear()
    domain.extend([new_low, new_high])
