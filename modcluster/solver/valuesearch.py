"""One hub's best system with one more choice, without a model: the configurator's quick exact path.

A decision table asks, for every value v and hub h, for the best system of
hub h that takes v under the table's selection S. A hub's Lagrangian
multipliers (:mod:`~modcluster.solver.lagrange`), computed once for the hub
under S, stay valid on every narrowing of it (weak duality holds on every
restriction), so for each value:

1. the LP's rounding on the instance narrowed to v gives a complete system
   (exact figures), or the caller's ceiling does: a limit on the value;
2. every option whose forced Lagrangian bound exceeds the limit's cents is
   fixed out: no system within the limit uses it;
3. branch and bound (:func:`~modcluster.solver.exhaust.settle`) settles what
   is left exactly (figures and schedule), best first; when it declines
   (too many partial systems, or capacity it cannot schedule), the hub's
   ordinary search runs on the fixed instance, far smaller than the hub's.

Anything better than the limit keeps every one of its options through step 2,
so step 3 sees it: the answer is exact. When the objective puts lead time
first (no cost limit to fix with), or the search on the fixed instance is
not proven in time, the answer is :data:`OPEN` and the caller solves the
value the ordinary way (:func:`~modcluster.solver.solve.solve_prepared`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from modcluster.domain import Candidate, Request, Selection, Status
from modcluster.solver.compile import cost_upper_bound, schedule_horizon
from modcluster.solver.cpsat import SolverSettings
from modcluster.solver.deadline import time_limit
from modcluster.solver.decode import candidate_of
from modcluster.solver.exhaust import settle
from modcluster.solver.hint import system_of
from modcluster.solver.instance import Instance
from modcluster.solver.lagrange import Lagrangian, lagrangian
from modcluster.solver.objective import ObjectiveOrder
from modcluster.solver.search import LEAD_FIRST, SETTLE
from modcluster.solver.selection import restrict
from modcluster.solver.solve import solve_prepared

__all__ = ["HubView", "Quick", "QuickAnswer", "best_with", "hub_view"]


@dataclass(frozen=True)
class HubView:
    """One hub under a selection: its instance (not pruned: a value may need any option), order and prices."""

    sub: Instance
    order: ObjectiveOrder
    prices: Lagrangian | None


class Quick(Enum):
    """What the quick path settled."""

    BEST = "best"
    """``candidate`` is the hub's best system with the choice (proven)."""
    ABOVE = "above"
    """No system of the hub with the choice is better than the ceiling (proven)."""
    IMPOSSIBLE = "impossible"
    """No system of the hub takes the choice (proven)."""
    OPEN = "open"
    """Not settled here: solve it."""


@dataclass(frozen=True)
class QuickAnswer:
    """The quick path's answer, with the system when it is :attr:`Quick.BEST`."""

    kind: Quick
    candidate: Candidate | None = None


OPEN = QuickAnswer(Quick.OPEN)


def hub_view(inst: Instance, hub: str, request: Request) -> HubView | None:
    """The view of one hub of ``inst`` (None when the hub is not in it).

    The prices are the LP's duals (one LP per hub and selection); none when lead time is the
    first key, where a cost limit would fix nothing.
    """
    sub = restrict(inst, Selection((("hub", hub),)))
    if not sub.hubs:
        return None
    horizon = schedule_horizon(sub)
    if sub.deadline is not None:
        horizon = min(horizon, sub.deadline)
    order = ObjectiveOrder.for_request(request, cost_bound=cost_upper_bound(sub), lead_bound=horizon)
    # Lead time first: no prices. Policies in effect: the prices and settling reason on gross cents,
    # which a refund can undercut, so every value goes to the hub's search (rules/policies.py).
    prices = None if order.keys[0] == LEAD_FIRST or sub.policies else lagrangian(sub)
    return HubView(sub, order, prices)


def best_with(
    view: HubView,
    extra: Selection,
    ceiling: tuple[int, int] | None,
    stop_at: float,
    settings: SolverSettings | None = None,
) -> QuickAnswer:
    """The hub's best system that ``extra`` also allows, if the quick path settles it (see the module docstring).

    Args:
        view: The hub under the table's selection.
        extra: The further choice (the value asked about).
        ceiling: (cents, days) of a system known elsewhere: only better ones are of interest.
        stop_at: The :func:`time.monotonic` instant to give up at (the answer is then :data:`OPEN`).
        settings: CP-SAT parameters, when what is left after fixing needs a search.
    """
    sub = restrict(view.sub, extra)
    if not sub.hubs or not all(p.buy or p.can_make for p in sub.modules):
        return QuickAnswer(Quick.IMPOSSIBLE)
    prices, order = view.prices, view.order
    if prices is None:
        return OPEN
    limit = None
    rounded = system_of(sub, prices.rounded(sub))
    if rounded.meets(sub):
        limit = order.value(rounded.cents, rounded.lead)
    if ceiling is not None:
        above = order.value(*ceiling)
        limit = above if limit is None else min(limit, above)
    w_cents, _ = order.weights
    if limit is None:  # no system to measure against: the budget alone bounds the cost
        if sub.budget_cents is None:
            return OPEN
        max_cents = sub.budget_cents
    else:
        max_cents = limit // w_cents  # a system within the limit costs at most this (days only add)
        if sub.budget_cents is not None:
            max_cents = min(max_cents, sub.budget_cents)
    fixed = prices.fix(sub, max_cents)
    if fixed is None:  # nothing within the limit (the rounded system would have survived: the limit is the ceiling's)
        return QuickAnswer(Quick.ABOVE if limit is not None else Quick.IMPOSSIBLE)
    ranked = settle(fixed, order.weights, limit, 1, SETTLE, dual=prices.dual(fixed), stop_at=stop_at)
    if ranked is None:
        return _searched(fixed, ceiling, stop_at, settings)
    if not ranked:
        return QuickAnswer(Quick.ABOVE if limit is not None else Quick.IMPOSSIBLE)
    return QuickAnswer(Quick.BEST, candidate_of(fixed, ranked[0][1], 1, True))


def _searched(
    fixed: Instance, ceiling: tuple[int, int] | None, stop_at: float, settings: SolverSettings | None
) -> QuickAnswer:
    """The hub's ordinary search on the fixed instance, for when branch and bound declines.

    Every system within the limit survived the fixing, so the fixed instance's best is the
    hub's best with the choice (or, with a ceiling, proves that nothing beats it); it is a far
    smaller search than the hub's whole instance.
    """
    seconds = stop_at - time.monotonic()
    if seconds <= 0:
        return OPEN
    request = fixed.request.model_copy(update={"time_limit": Decimal(str(round(seconds, 3))), "candidates": 1})
    began = time.monotonic()
    with time_limit(began + seconds):
        solution = solve_prepared(fixed, request, settings or SolverSettings(), began, ceiling)
    if solution.status is Status.INFEASIBLE:
        return QuickAnswer(Quick.ABOVE if ceiling is not None else Quick.IMPOSSIBLE)
    best = solution.best
    if best is None or not best.proven_optimal:
        return OPEN
    return QuickAnswer(Quick.BEST, best)
