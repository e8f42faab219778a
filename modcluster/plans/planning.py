"""The plan front door: :func:`plan` turns a catalog and a plan request into a verified :class:`Plan`.

Stages, each under the plan's one time limit:

1. each entry as its v1 request (:func:`~modcluster.domain.entry_requests`),
   solved alone for comparison (:func:`alone`): one candidate, the plan's
   objective, the entry's deadline moved back by its release (the alone
   system starts on the release day, so its lead time on the plan's
   calendar is its v1 lead time plus the release);
2. the plan is searched (:func:`modcluster.solver.plan.search_plan`:
   independent groups of entries apart, the alone systems as hints);
3. a plan found is verified (:func:`modcluster.verify.check_plan`); a plan
   proven impossible is explained (:func:`modcluster.plans.conflict.explain_plan`).
"""

from __future__ import annotations

import time
from decimal import Decimal

from modcluster.domain import (
    AloneResult,
    Catalog,
    Plan,
    PlannedEntry,
    PlanRequest,
    Request,
    Solution,
    Status,
)
from modcluster.engine import solve
from modcluster.errors import TimeLimitError
from modcluster.plans.conflict import explain_plan
from modcluster.plans.setup import PlanSetup, plan_setup
from modcluster.solver import SolverSettings, time_limit
from modcluster.solver.decode import system_of_candidate
from modcluster.solver.hint import GreedySystem
from modcluster.solver.plansearch import PlanSearch, search_plan
from modcluster.solver.progress import step
from modcluster.verify import check_plan

__all__ = ["ALONE_SHARE", "RESERVE", "RESERVE_SHARE", "alone", "alone_request", "plan"]

#: The share of the plan's time limit the alone solves may use together.
ALONE_SHARE = 0.3

#: Seconds (at most, and at most this share of the limit) kept for decoding and verifying the plan.
RESERVE = 1.0
RESERVE_SHARE = 0.05


def alone_request(request: Request, release: int, seconds: float) -> Request | None:
    """The v1 request of an entry solved alone from its release day (None: its deadline is before the release)."""
    limits = request.limits
    changes: dict[str, object] = {"time_limit": Decimal(str(max(seconds, 0.01)))}
    if limits.deadline is not None:
        if limits.deadline < release:
            return None
        changes["limits"] = {**limits.model_dump(exclude_none=True), "deadline": limits.deadline - release}
    return request.with_changes(**changes)


def alone(
    catalog: Catalog, setup: PlanSetup, settings: SolverSettings, stop_at: float
) -> tuple[tuple[AloneResult, ...], tuple[GreedySystem | None, ...]]:
    """Each entry solved alone (v1, one candidate), on the plan's calendar, and its system as a hint."""
    results: list[AloneResult] = []
    hints: list[GreedySystem | None] = []
    count = len(setup.requests)
    for index, (key, request, inst, release) in enumerate(
        zip(setup.keys, setup.requests, setup.instances, setup.releases, strict=True)
    ):
        seconds = (stop_at - time.monotonic()) / (count - index)
        step(f"plan: {key} alone", index + 1, count)
        alone_req = alone_request(request, release, seconds)
        if alone_req is None:
            results.append(AloneResult(key, Status.INFEASIBLE))
            hints.append(None)
            continue
        solution: Solution = solve(catalog, alone_req, settings)
        best = solution.best
        if best is None:
            results.append(AloneResult(key, solution.status))
            hints.append(None)
            continue
        results.append(AloneResult(key, solution.status, best.cost, best.lead_time + release))
        hints.append(system_of_candidate(inst, best, release))
    return tuple(results), tuple(hints)


def plan(catalog: Catalog, request: PlanRequest, settings: SolverSettings | None = None) -> Plan:
    """One system per entry of ``request``, all sharing the cluster, verified.

    Args:
        catalog: A checked catalog.
        request: The plan request (see :func:`modcluster.load_plan_request`).
        settings: CP-SAT parameters; the defaults suit this model.

    Returns:
        The immutable :class:`~modcluster.domain.Plan`: ``optimal`` only when proven.

    Raises:
        RequestError: The plan names what the catalog lacks.
        ModelSizeError: Figures too large to solve exactly.
        VerificationError: The plan failed the independent check (a bug: report it).
    """
    settings = settings or SolverSettings()
    began = time.monotonic()
    limit = float(request.time_limit)
    stop_at = began + limit - min(RESERVE, RESERVE_SHARE * limit)  # decoding and the verifier run after
    setup = plan_setup(catalog, request)
    with time_limit(stop_at):
        try:
            alone_results, hints = alone(catalog, setup, settings, began + ALONE_SHARE * (stop_at - began))
        except TimeLimitError:
            alone_results = tuple(AloneResult(k, Status.UNKNOWN) for k in setup.keys)
            hints = (None,) * len(setup.keys)
        try:
            found = search_plan(
                setup.instances, setup.releases, settings, stop_at, budget_cents=setup.budget_cents, hints=hints
            )
        except TimeLimitError:
            found = PlanSearch(Status.UNKNOWN)
        explanation = None
        if found.status is Status.INFEASIBLE:
            explanation = explain_plan(setup, alone_results, settings, stop_at)
    entries = tuple(
        PlannedEntry(entry.key, entry.product, req.quantity, entry.release, candidate)
        for entry, req, candidate in zip(request.entries, setup.requests, found.candidates, strict=False)
    )
    result = Plan(
        request.objective.value,
        found.status,
        entries,
        alone_results,
        explanation,
        request.model_dump(by_alias=True, exclude_unset=True),
        bound=found.bound,
        stats={
            "seconds": time.monotonic() - began,
            "components": found.components,
            "interrupted": found.interrupted,
        },
    )
    check_plan(catalog, request, result)
    return result
