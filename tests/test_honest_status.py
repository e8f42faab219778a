"""Analyses say "unknown" for what they could not decide in time, never buildable, unlocked or proven.

A solve that ends at its time limit with no system (status ``unknown``) is
stood in for by a stub of the engine's ``solve``: what is tested is how each
analysis reads such an answer, which a real time limit reaches only on
machines and instances where it is slow.
"""

from __future__ import annotations

from typing import Any

import pytest

from modcluster import load_catalog
from modcluster.analysis import gaps as gaps_module
from modcluster.analysis import intermediary as intermediary_module
from modcluster.domain import Solution, Status
from modcluster.engine import solve as real_solve

MINI = "catalogs/examples/mini.yaml"


def _unknown(catalog: Any, request: Any, settings: Any = None) -> Solution:
    return Solution(request.product, request.quantity, request.objective.value, Status.UNKNOWN, ())


def test_gaps_undecided_products_are_neither_buildable_nor_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gaps_module, "solve", _unknown)
    result = gaps_module.cluster_gaps(load_catalog(MINI))
    assert result.buildable == ()
    assert result.blocked == ()
    assert result.undecided == ("mini-sensor",)
    assert result.to_dict()["undecided"] == ["mini-sensor"]


def test_gaps_undecided_set_is_not_a_solution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without mini-optics (its developer) mini-sensor is blocked; every set's re-solve but the first is undecided."""
    catalog = load_catalog(MINI).without(["mini-optics"])
    calls: list[str] = []

    def first_real_then_unknown(catalog: Any, request: Any, settings: Any = None) -> Solution:
        calls.append(request.product)
        return real_solve(catalog, request, settings) if len(calls) == 1 else _unknown(catalog, request)

    monkeypatch.setattr(gaps_module, "solve", first_real_then_unknown)
    result = gaps_module.cluster_gaps(catalog)
    assert [product for product, _ in result.blocked] == ["mini-sensor"]
    (search,) = result.sets
    assert len(search.sets) == 1 and search.undecided, "the first set solved works, the others are undecided"
    assert not set(search.undecided) & {found.proposals for found in search.sets}
    assert (search.status, search.complete, search.no_set, search.decided_up_to) == ("found", False, False, 1)
    assert search.to_dict()["complete"] is False


def test_intermediary_value_from_unproven_solves_is_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intermediary_module, "solve", _unknown)
    value = intermediary_module.intermediary_value(load_catalog(MINI))
    (product,) = value.products
    assert product.proven is False
    assert product.to_dict()["proven"] is False


def test_intermediary_value_proven_when_both_solves_are() -> None:
    value = intermediary_module.intermediary_value(load_catalog(MINI))
    assert [p.proven for p in value.products] == [True]


@pytest.mark.parametrize("product", ["laser-displacement-sensor", "ultrasonic-distance-sensor", "fuel-cell-power-unit"])
def test_a_limit_before_any_model_still_gives_the_best_system_tried(
    monkeypatch: pytest.MonkeyPatch, product: str
) -> None:
    """The clock passes in the first hub's lead-time relaxation: the greedy system of that hub is the answer.

    On the ``large`` clusters with industrial figures the relaxations of the
    hubs took the whole of a 5 s limit and ``solve`` answered "unknown" with
    no candidate although a complete system had been a few milliseconds away.
    (These products' greedy systems meet their requests' limits; where none
    does, as for ``wafer-edge-inspector``'s deadline, "unknown" is the answer.)
    """
    from modcluster import build_request
    from modcluster.errors import TimeLimitError
    from modcluster.solver import search as search_module
    from modcluster.verify import verify_solution

    def clock_passes(*args: Any, **kwargs: Any) -> None:
        raise TimeLimitError("the time limit passed in the relaxation")

    monkeypatch.setattr(search_module, "relaxed_bound", clock_passes)
    catalog = load_catalog("catalogs/tama.yaml")
    # The relaxations run where the bounds do: without policies in effect (with them, the next test).
    overrides = {"objective": "lead_time", "candidates": 2, "policies": False}
    request = build_request(catalog, product, overrides=overrides)
    solution = real_solve(catalog, request)
    assert solution.status is Status.FEASIBLE, "a system was found, so the answer is feasible, not unknown"
    assert solution.candidates and not any(c.proven_optimal for c in solution.candidates)
    assert verify_solution(catalog, request, solution) == []


@pytest.mark.parametrize("objective", ["cost", "lead_time"])
def test_a_limit_before_any_model_with_policies_gives_the_greedy_system(
    monkeypatch: pytest.MonkeyPatch, objective: str
) -> None:
    """With policies in effect the search builds each hub's model at once: the clock passing there still answers.

    The hub's greedy system, priced net of the refunds, comes first and stays
    the answer, unproven.
    """
    from modcluster import build_request
    from modcluster.errors import TimeLimitError
    from modcluster.solver import search as search_module
    from modcluster.verify import verify_solution

    def clock_passes(*args: Any, **kwargs: Any) -> None:
        raise TimeLimitError("the time limit passed while building the model")

    monkeypatch.setattr(search_module, "compile_model", clock_passes)
    catalog = load_catalog("catalogs/examples/policies.yaml")
    request = build_request(catalog, overrides={"objective": objective})
    solution = real_solve(catalog, request)
    assert solution.status is Status.FEASIBLE
    assert solution.candidates and not any(c.proven_optimal for c in solution.candidates)
    assert verify_solution(catalog, request, solution) == []
    assert all(c.cost_breakdown.subsidies > 0 for c in solution.candidates)
