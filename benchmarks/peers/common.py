"""What a peer returns, and the parts of the contract both peers share."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from modcluster.domain import Objective, Request
from modcluster.solver import Instance, ModulePlan, Option

__all__ = ["PeerResult", "horizon", "make_slots", "objective_order", "phases", "weighted_coefficients"]


@dataclass(frozen=True)
class PeerResult:
    """One peer solve: status (optimal | feasible | infeasible | unknown), cost in cents, lead time, seconds."""

    status: str
    cents: int | None
    lead: int | None
    seconds: float


def make_slots(plan: ModulePlan) -> list[tuple[Option, ...]]:
    """A made module's task slots in chain order: the seed (if any), then the steps."""
    return ([plan.seeds] if plan.seeds is not None else []) + list(plan.steps or ())


def horizon(inst: Instance) -> int:
    """Every task of the slowest choices one after another, with gaps (capped by the deadline)."""
    total = tasks = 0
    for plan in inst.modules:
        longest = max((o.days for o in plan.buy), default=0)
        if plan.can_make:
            longest = max(longest, sum(max(o.days for o in s) for s in make_slots(plan)))
            tasks += len(make_slots(plan))
        tasks += 1
        total += longest
    total += max((h.integration_days + sum(lk.bridge_days[h.org] for lk in inst.links) for h in inst.hubs), default=0)
    total += inst.handover_days * (tasks + 1)
    return min(total, inst.deadline) if inst.deadline is not None else total


def _scaled(value: Decimal) -> tuple[int, int]:
    """``value`` as ``(numerator, power)`` with ``value == numerator / 10**power``, exactly."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int), "weights are finite"
    numerator = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    return (numerator, -exponent) if exponent < 0 else (numerator * 10**exponent, 0)


def weighted_coefficients(request: Request) -> tuple[int, int]:
    """Smallest integers ``(a, b)`` with ``a * cents + b * days`` in the order of the weighted objective.

    The contract's weighted value is ``weights.cost * cost + weights.lead_time *
    lead_time`` with the cost in money units; with the cost in cents both weights
    are scaled by ``100 * 10**d`` (``d`` the most decimals of the two) and divided by
    their greatest common divisor, so the value is an exact integer of about
    ``cost in cents * 10**d``: 0.75 and 1617.3915 give ``(5, 1078261)``.

    >>> from modcluster.domain.request import Request
    >>> weights = {"cost": Decimal("0.75"), "lead_time": Decimal("1617.3915")}
    >>> weighted_coefficients(Request(product="p", weights=weights))
    (5, 1078261)
    >>> weighted_coefficients(Request(product="p", weights={"cost": 1, "lead_time": 50}))
    (1, 5000)
    """
    (wc, pc), (wt, pt) = _scaled(request.weights.cost), _scaled(request.weights.lead_time)
    power = max(pc, pt)
    a, b = wc * 10 ** (power - pc), wt * 100 * 10 ** (power - pt)
    divisor = math.gcd(a, b) or 1
    return a // divisor, b // divisor


def phases(request: Request) -> list[tuple[int, int]]:
    """The objective as lexicographic phases: each ``(a, b)`` minimises ``a * cents + b * days``.

    A peer minimises the first key, fixes it at its optimum, minimises the next
    and so on, so that no coefficient ever packs two keys into one integer (which
    leaves int64, and a MILP's tolerances, at industrial figures). A weighted
    phase followed by cost also fixes the lead time when the lead-time weight is
    not zero, so the last phase is left out then.

    >>> from modcluster.domain.request import Request
    >>> phases(Request(product="p")), phases(Request(product="p", objective="lead_time"))
    ([(1, 0), (0, 1)], [(0, 1), (1, 0)])
    >>> weights = {"cost": Decimal("0.75"), "lead_time": Decimal("2.5")}
    >>> phases(Request(product="p", objective="weighted", weights=weights))
    [(3, 1000), (1, 0)]
    """
    if request.objective is Objective.COST:
        return [(1, 0), (0, 1)]
    if request.objective is Objective.LEAD_TIME:
        return [(0, 1), (1, 0)]
    a, b = weighted_coefficients(request)
    if a == b == 0:
        return [(1, 0), (0, 1)]
    return [(a, b), (1, 0)] + ([(0, 1)] if b == 0 else [])


def objective_order(request: Request, cents: int, lead: int) -> tuple[int, ...]:
    """The contract's order of the request's objective, in exact integers (smaller is better).

    ``cost``: (cost, lead time); ``lead_time``: (lead time, cost); ``weighted``:
    (the weighted value, cost, lead time).

    >>> from modcluster.domain.request import Request
    >>> objective_order(Request(product="p", objective="lead_time"), 150000, 30)
    (30, 150000)
    """
    if request.objective is Objective.COST:
        return (cents, lead)
    if request.objective is Objective.LEAD_TIME:
        return (lead, cents)
    a, b = weighted_coefficients(request)
    return (a * cents + b * lead, cents, lead)
