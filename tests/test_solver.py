"""Solver behaviour beyond single optima: ranking rules, status honesty, determinism, limits."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from modcluster import ModelSizeError, build_request, catalog_from_data, load_catalog, request_from_data, solve
from modcluster.domain import Candidate, CostBreakdown, Status
from modcluster.solver.solve import solution_status

ROOT = Path(__file__).resolve().parent.parent
TAMA = load_catalog(ROOT / "catalogs" / "tama.yaml")
ZERO = CostBreakdown(Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0))


def cand(rank: int, cost: int, lead: int, proven: bool) -> Candidate:
    return Candidate(rank, proven, Decimal(cost), lead, f"h{rank}", (), (), (0, lead), (), ZERO)


def test_status_is_never_optimal_with_an_unproven_candidate() -> None:
    assert solution_status([cand(1, 10, 5, True), cand(2, 12, 5, False)], 3, False, None) is Status.FEASIBLE
    assert solution_status([cand(1, 10, 5, True)], 1, False, None) is Status.OPTIMAL
    assert solution_status([cand(1, 10, 5, True)], 3, True, None) is Status.OPTIMAL  # no further system exists
    assert solution_status([cand(1, 10, 5, True)], 3, False, None) is Status.FEASIBLE  # clock stopped the search for #2
    assert solution_status([], 3, True, None) is Status.INFEASIBLE
    assert solution_status([], 3, False, None) is Status.UNKNOWN


def test_same_input_same_json() -> None:
    request = build_request(TAMA, "fuel-cell-power-unit", overrides={"candidates": 4})
    first = solve(TAMA, request).to_json()
    assert all(solve(TAMA, request).to_json() == first for _ in range(3))


def test_time_limit_gives_honest_status() -> None:
    # A time limit far too short to prove anything on the largest product.
    request = build_request(TAMA, "fuel-cell-power-unit", overrides={"candidates": 5, "time_limit": Decimal("0.01")})
    solution = solve(TAMA, request)
    if solution.status is Status.OPTIMAL:  # only if everything was really proven in time
        assert len(solution.candidates) == 5 and all(c.proven_optimal for c in solution.candidates)
    else:
        assert solution.status in (Status.FEASIBLE, Status.UNKNOWN)
        assert not all(c.proven_optimal for c in solution.candidates) or len(solution.candidates) < 5


@pytest.mark.slow
def test_a_tiny_time_limit_returns_at_once() -> None:
    """The solver's own clock (the default run asserts no time: it depends on the machine's load)."""
    request = build_request(TAMA, "fuel-cell-power-unit", overrides={"candidates": 5, "time_limit": Decimal("0.01")})
    assert solve(TAMA, request).stats["seconds"] < 2


def test_candidates_are_distinct_and_ranked_on_every_tama_product() -> None:
    for product in TAMA.products:
        request = build_request(TAMA, product.id, overrides={"candidates": 5})
        solution = solve(TAMA, request)
        signatures = [c.signature() for c in solution.candidates]
        assert len(set(signatures)) == len(signatures)
        costs = [(c.cost, c.lead_time) for c in solution.candidates]
        if request.objective.value == "cost":
            assert costs == sorted(costs)


def test_figures_too_large_are_refused_before_solving() -> None:
    data = {
        "organizations": [
            {"id": "h", "develops": ["f"], "design_fee": Decimal(10) ** 15},
            {"id": "s", "modules": [{"type": "t", "unit_cost": Decimal(10) ** 15, "setup_days": 1}]},
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "m", "type": "t"}]}],
    }
    catalog = catalog_from_data(data)
    request = request_from_data({"product": "p", "quantity": 10**6, "objective": "lead_time"})
    with pytest.raises(ModelSizeError, match="64-bit"):
        solve(catalog, request)


def test_fixed_hub_that_cannot_develop_is_explained() -> None:
    request = build_request(TAMA, "cubesat-star-tracker", overrides={"hub": TAMA.organizations[-1].id})
    solution = solve(TAMA, request)
    assert solution.status is Status.INFEASIBLE
    assert solution.explanation is not None
    assert any(g.place == "hub" for g in solution.explanation.gaps)


def test_replace_keeps_candidates_immutable() -> None:
    c = cand(1, 10, 5, True)
    with pytest.raises(AttributeError):
        c.cost = Decimal(1)  # type: ignore[misc]
    assert replace(c, rank=2).rank == 2 and c.rank == 1


def test_solve_gives_the_collector_back_its_objects() -> None:
    """The solve freezes the caller's heap for its duration only, and leaves a caller's own freeze alone."""
    import gc

    request = build_request(TAMA, TAMA.products[0].id)
    assert gc.get_freeze_count() == 0
    solve(TAMA, request)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        solve(TAMA, request)
        assert gc.get_freeze_count() > 0  # not unfrozen by the solve (a few may have been freed meanwhile)
    finally:
        gc.unfreeze()
