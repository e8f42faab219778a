"""Engine-against-peers runs shared by the benchmarks and scripts/performance_report.py."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.peers.common import objective_order
from modcluster import Catalog, Request, build_request, catalog_from_data
from modcluster.generate import MAGNITUDES, OBJECTIVES, generate, spec_for
from modcluster.solver import SolverSettings, run_search

__all__ = [
    "MAGNITUDES",
    "OBJECTIVES",
    "Run",
    "agreement",
    "engine_run",
    "instances",
    "median_time",
    "peer_runs",
]


@dataclass(frozen=True)
class Run:
    """One solver's answer on one instance: median seconds over the repeats, status, optimum (cents, days)."""

    solver: str
    seconds: float
    status: str
    cents: int | None
    lead: int | None


def instances(
    preset: str, seed: int = 1, magnitude: str = "tama", objective: str = "cost", people: int = 0, policies: int = 0
) -> tuple[Catalog, list[Request]]:
    """The preset's catalog and one request per product (its default request, one candidate).

    Args:
        preset: A preset of :mod:`modcluster.generate`.
        seed: The generator's seed.
        magnitude: The money profile (``tama`` or ``industrial``).
        objective: The default requests' objective (``cost``, ``lead_time`` or ``weighted``); the
            catalog is the same for every objective, only the requests differ.
        people: Engineers the association may place (``modcluster generate --people``).
        policies: The cities' industry-promotion policies (``modcluster generate --policies``).

    Returns:
        The catalog and the requests, in product order.
    """
    # Only the levers asked for are passed, so that the plain cases also run on the code before them.
    levers = {k: v for k, v in (("people", people), ("policies", policies)) if v}
    data = generate(spec_for(preset, magnitude=magnitude, objective=objective, **levers), seed=seed)
    catalog = catalog_from_data(data)
    return catalog, [build_request(catalog, p.id, overrides={"candidates": 1}) for p in catalog.products]


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``fn`` over ``repeats`` calls, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def engine_run(
    catalog: Catalog, request: Request, repeats: int = 3, settings: SolverSettings | None = None, name: str = "engine"
) -> Run:
    """The engine (unverified solver: what is timed is the search)."""
    seconds, solution = median_time(lambda: run_search(catalog, request, settings), repeats)
    best = solution.best
    cents = None if best is None else int(best.cost * 100)
    return Run(name, seconds, solution.status.value, cents, None if best is None else best.lead_time)


def peer_runs(catalog: Catalog, request: Request, seconds: float, repeats: int = 1) -> list[Run]:
    """Both peers on the same instance (the MILP only when highspy is installed)."""
    from benchmarks.peers.cpsat import solve_cpsat

    runs = []
    took, result = median_time(lambda: solve_cpsat(catalog, request, seconds), repeats)
    runs.append(Run("cp-sat peer", took, result.status, result.cents, result.lead))
    try:
        from benchmarks.peers.milp import solve_milp
    except ImportError:  # pragma: no cover - the peers extra is not installed
        return runs
    took, result = median_time(lambda: solve_milp(catalog, request, seconds), repeats)
    runs.append(Run("milp peer (HiGHS)", took, result.status, result.cents, result.lead))
    return runs


def agreement(request: Request, engine: Run, peer: Run) -> str:
    """How a peer's answer compares with the engine's under the request's objective order.

    Returns:
        ``""`` unless both proved optimality; then ``"="`` when their (cost,
        lead time) are the same, else ``"DIFFERENT"`` and which one is better
        under the order (the other one's "optimum" is wrong).
    """
    if engine.status != "optimal" or peer.status != "optimal":
        return ""
    assert engine.cents is not None and engine.lead is not None
    assert peer.cents is not None and peer.lead is not None
    mine, theirs = objective_order(request, engine.cents, engine.lead), objective_order(request, peer.cents, peer.lead)
    if mine == theirs:
        return "="
    return "DIFFERENT (" + ("the peer's is better" if theirs < mine else "the engine's is better") + ")"
