"""The exact cost / lead-time Pareto front by epsilon-constraint on the guarded model.

Starting from no bound on the lead time, each step minimises cost (ties: lead
time) subject to ``lead_time <= eps`` and every rule of the request, then sets
``eps`` to one day less than the point found. Each point found is
non-dominated: any system with a shorter lead time and no higher cost would
have been found in its place. With partners as a third objective the front is
swept once per partner bound and the union filtered for dominance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from modcluster.domain import Candidate, Catalog, Request
from modcluster.errors import TimeLimitError
from modcluster.solver.cpsat import SolverSettings
from modcluster.solver.deadline import time_limit
from modcluster.solver.decode import decode
from modcluster.solver.guarded import GuardedModel
from modcluster.solver.objective import Lexicographic

__all__ = ["SolvedPoint", "pareto_points"]


@dataclass(frozen=True, slots=True)
class SolvedPoint:
    """A non-dominated (cost in cents, lead time[, partners]) point as solved, and a candidate achieving it.

    :func:`modcluster.analysis.pareto_front` turns each into a :class:`~modcluster.analysis.ParetoPoint`.
    """

    cost_cents: int
    lead_time: int
    partners: int
    candidate: Candidate
    proven: bool


def _sweep(
    gm: GuardedModel, extra: list[cp_model.IntVar], deadline: float, settings: SolverSettings
) -> tuple[list[SolvedPoint], bool]:
    c = gm.compiled
    model = c.model
    cheapest = Lexicographic(model, [c.cost, c.lead])  # cost, ties by lead time: MODEL.md's cost order
    points: list[SolvedPoint] = []
    complete = True
    eps: int | None = None
    while True:
        if deadline - time.monotonic() <= 0:
            return points, False
        bounds = list(extra)
        if eps is not None:
            lit = model.new_bool_var(f"eps<={eps}")
            model.add(c.lead <= eps).only_enforce_if(lit)
            bounds.append(lit)
        model.clear_assumptions()
        model.add_assumptions([*gm.literals.values(), *bounds])
        result = cheapest.solve(settings, deadline)
        if result.status == cp_model.INFEASIBLE and not result.interrupted:
            return points, complete
        if result.solver is None:
            return points, False
        proven = result.status == cp_model.OPTIMAL and not result.interrupted
        complete = complete and proven
        candidate = decode(c, result.solver, len(points) + 1, proven)
        cents, days = result.keys
        points.append(SolvedPoint(cents, days, len(candidate.partners), candidate, proven))
        eps = days - 1
        if eps < 0:
            return points, complete


def pareto_points(
    catalog: Catalog,
    request: Request,
    *,
    partners: bool = False,
    seconds: float | None = None,
    settings: SolverSettings | None = None,
) -> tuple[list[SolvedPoint], bool]:
    """Every non-dominated point of the request's systems, cheapest first.

    Args:
        catalog: The catalog.
        request: The request; its limits and filters all hold.
        partners: Add the partner count as a third objective.
        seconds: Time for the whole front (default: the request's time limit).
        settings: CP-SAT parameters.

    Returns:
        The points and whether the front is complete and every point proven.
    """
    settings = settings or SolverSettings()
    deadline = time.monotonic() + float(seconds if seconds is not None else request.time_limit)
    try:
        with time_limit(deadline):  # preparing and building a large model count against the limit too
            gm = GuardedModel(catalog, request, settings)
    except TimeLimitError:
        return [], False
    if not partners:
        return _sweep(gm, [], deadline, settings)
    # The 2-D front F first: no non-dominated point needs more partners than F's largest count
    # (F holds a point at least as good in cost and lead time with at most that many partners).
    found, complete = _sweep(gm, [], deadline, settings)
    c = gm.compiled
    count = cp_model.LinearExpr.sum(list(c.partners.values()))
    for bound in range(max((p.partners for p in found), default=0)):
        if not complete:
            break
        lit = c.model.new_bool_var(f"partners<={bound}")
        c.model.add(count <= bound).only_enforce_if(lit)
        points, done = _sweep(gm, [lit], deadline, settings)
        complete = complete and done
        found.extend(points)
    unique = {(p.cost_cents, p.lead_time, p.partners): p for p in reversed(found)}
    found = list(unique.values())
    front = [
        p
        for p in found
        if not any(
            (q.cost_cents, q.lead_time, q.partners) != (p.cost_cents, p.lead_time, p.partners)
            and q.cost_cents <= p.cost_cents
            and q.lead_time <= p.lead_time
            and q.partners <= p.partners
            for q in found
        )
    ]
    front.sort(key=lambda p: (p.cost_cents, p.lead_time, p.partners))
    return front, complete
