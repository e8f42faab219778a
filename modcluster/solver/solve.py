"""The solver's front door: a request in, ranked distinct candidate systems with honest proof status out.

Candidate 1 is optimal; candidate k+1 is optimal among systems different from
candidates 1..k (the search is :mod:`modcluster.solver.search`). The
request's time limit covers the whole solve, preparation included
(:mod:`modcluster.solver.deadline`); a solve stopped by the limit gives its
best systems marked unproven. :func:`modcluster.solve` wraps this with the
independent verifier.

Determinism: CP-SAT runs ``num_workers`` subsolvers; with
``interleave_search`` they are interleaved in a fixed order, and with a fixed
``random_seed`` the same model gives the same solution whenever the solve ends
by proof rather than by the clock (see docs/library.md).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from typing import Any

from modcluster.domain import Candidate, Catalog, Explanation, Request, Solution, Status, check_request
from modcluster.errors import TimeLimitError
from modcluster.solver import deadline
from modcluster.solver.cpsat import SolverSettings, run_interruptible
from modcluster.solver.instance import Instance, prepare
from modcluster.solver.objective import objective_key
from modcluster.solver.search import SearchOutcome, search_hubs
from modcluster.solver.shortfall import static_gaps
from modcluster.solver.size import check_model_size

__all__ = ["SolverSettings", "objective_key", "run_interruptible", "run_search", "solution_status", "solve_prepared"]


def _request_data(request: Request) -> dict[str, Any]:
    return request.model_dump(mode="python", by_alias=True, exclude_none=False)


def run_search(catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> Solution:
    """Find up to ``request.candidates`` ranked candidate systems.

    Args:
        catalog: A checked catalog.
        request: The request; its references are checked against the catalog.
        settings: CP-SAT parameters; the defaults suit this model.

    Returns:
        An immutable :class:`Solution`. ``status`` is OPTIMAL only when every
        candidate is proven and either k were found or no further distinct
        system exists.

    Raises:
        RequestError: The request names what the catalog does not have.
        ModelSizeError: Figures too large for exact solving.
    """
    with _caller_heap_frozen():
        return _solve(catalog, request, settings or SolverSettings())


@contextlib.contextmanager
def _caller_heap_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects that exist before the solve.

    A solve allocates many objects, and each collection of the oldest
    generation it triggers walks every object of the process: with a
    30,000-organisation catalog in memory that cost 0.4-0.8 s of a 3-4.5 s
    solve. ``gc.freeze`` moves what exists into a generation the collector
    skips (what the solve makes is still collected) and ``gc.unfreeze``
    gives it back. A caller that froze objects of its own is left alone.
    """
    mine = gc.get_freeze_count() == 0
    if mine:
        gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


def _solve(catalog: Catalog, request: Request, settings: SolverSettings) -> Solution:
    began = time.monotonic()
    check_request(catalog, request)
    with deadline.time_limit(began + float(request.time_limit)):
        try:
            inst = prepare(catalog, request)
            check_model_size(inst)
        except TimeLimitError:
            return Solution(
                request.product,
                request.quantity,
                request.objective.value,
                status=Status.UNKNOWN,
                candidates=(),
                explanation=None,
                request=_request_data(request),
                stats={"seconds": time.monotonic() - began, "interrupted": False},
            )
        return solve_prepared(inst, request, settings, began)


def solve_prepared(
    inst: Instance,
    request: Request,
    settings: SolverSettings,
    began: float,
    ceiling: tuple[int, int] | None = None,
) -> Solution:
    """Search a prepared instance: its static gaps first (a proof of infeasibility), then the hubs.

    The caller holds the time limit (:func:`modcluster.solver.deadline.time_limit`) ending at
    ``began + request.time_limit``; the configurator calls this on instances narrowed by a selection.
    With ``ceiling`` (cents, days of a system known elsewhere) only better systems are looked for:
    ``infeasible`` then means none is better (see :func:`~modcluster.solver.search.search_hubs`).
    """
    gaps = static_gaps(inst)
    if gaps:
        summary = "no candidate system exists: " + "; ".join(f"{g.place} ({g.requirement}): {g.reason}" for g in gaps)
        return Solution(
            request.product,
            request.quantity,
            request.objective.value,
            status=Status.INFEASIBLE,
            candidates=(),
            explanation=Explanation(summary, tuple(gaps)),
            request=_request_data(request),
            stats={"seconds": time.monotonic() - began},
        )
    try:
        outcome = search_hubs(inst, request, settings, began, ceiling)
    except TimeLimitError:  # before the first hub was searched: nothing found, nothing proven
        outcome = SearchOutcome([], False, False, 0, [])
    candidates = outcome.candidates
    status = solution_status(candidates, request.candidates, outcome.exhausted, None)
    explanation = None
    if status is Status.INFEASIBLE:
        explanation = Explanation(_infeasible_summary(request))
    return Solution(
        request.product,
        request.quantity,
        request.objective.value,
        status=status,
        candidates=tuple(candidates),
        explanation=explanation,
        request=_request_data(request),
        stats={
            "seconds": time.monotonic() - began,
            "bounds": outcome.bounds,
            "horizon": outcome.horizon,
            "interrupted": outcome.interrupted,
            "hubs_solved": outcome.hubs_solved,
            "hubs_settled": outcome.hubs_settled,
            "hubs_skipped": outcome.hubs_skipped,
            "options": outcome.options,
        },
        bound=outcome.bound if status in (Status.FEASIBLE, Status.UNKNOWN) else None,
    )


def solution_status(candidates: list[Candidate], wanted: int, exhausted: bool, last: Any) -> Status:
    """The contract's status (MODEL.md, "Objectives, candidates, status").

    ``optimal`` when every candidate is proven and either ``wanted`` were
    found or no further distinct system exists (``exhausted``); ``feasible``
    when some candidate is unproven; with none, ``infeasible`` when the
    search was exhausted (a proof), else ``unknown``.
    """
    if not candidates:
        return Status.INFEASIBLE if exhausted else Status.UNKNOWN
    if all(c.proven_optimal for c in candidates) and (len(candidates) == wanted or exhausted):
        return Status.OPTIMAL
    return Status.FEASIBLE


def _infeasible_summary(request: Request) -> str:
    limits = request.limits
    named = [
        name
        for name, value in (
            ("budget", limits.budget),
            ("deadline", limits.deadline),
            ("max_partners", limits.max_partners),
        )
        if value is not None
    ]
    filters = [f for f in ("sites", "exclude", "require", "hub", "select", "rule_out") if getattr(request, f)]
    rules = ", ".join(named + filters) or "the product's structure"
    return f"every requirement has an eligible offer, but no system meets all of: {rules}"
