"""Branch and bound that settles small hubs without CP-SAT (modcluster.solver.exhaust).

Property: on random small instances, for every hub, :func:`settle` returns
that hub's best k candidate classes by exhaustive enumeration, with and
without the Lagrangian dual bound; it may decline only where some
organisation could be given more tasks than its capacity. And the cases where it must give
up do give up, so that CP-SAT decides them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from modcluster import build_request, catalog_from_data, request_from_data
from modcluster.domain import Request
from modcluster.generate import generate
from modcluster.solver import Instance, ObjectiveOrder, SolverSettings, prepare, run_search
from modcluster.solver.compile import cost_upper_bound, schedule_horizon
from modcluster.solver.exhaust import MAX_MODULES, settle
from modcluster.solver.hint import GreedySystem
from modcluster.solver.lagrange import lagrangian
from modcluster.solver.prune import restrict_hub, slots_of
from modcluster.verify import objective_tuple
from tests.bruteforce import candidate_classes
from tests.profiles import examples
from tests.strategies import instances


def _weights(inst: Instance) -> tuple[int, int]:
    horizon = schedule_horizon(inst)
    if inst.deadline is not None:
        horizon = min(horizon, inst.deadline)
    return ObjectiveOrder.for_request(inst.request, cost_bound=cost_upper_bound(inst), lead_bound=horizon).weights


def _keys(request: Request, ranked: list[tuple[int, GreedySystem]]) -> list[tuple[Decimal, ...]]:
    return [objective_tuple(request, Decimal(s.cents).scaleb(-2), s.lead) for _, s in ranked]


def _clash_possible(inst: Instance) -> bool:
    """Whether some organisation could be given more tasks of positive length than its capacity."""
    slots: dict[str, int] = {}
    for plan in inst.modules:
        for options in [plan.buy, *slots_of(plan)] if plan.can_make else [plan.buy]:
            for org in {o.org for o in options if o.days > 0}:
                slots[org] = slots.get(org, 0) + 1
    return any(count > inst.capacity[org] for org, count in slots.items())


def _check(instance: tuple[dict[str, Any], dict[str, Any]]) -> int:
    """Compare settle with brute force on every hub; the number of hubs settled."""
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    classes = candidate_classes(catalog, request)
    inst = prepare(catalog, request)
    weights, k = _weights(inst), request.candidates
    settled = 0
    for hub in inst.hubs:
        one = restrict_hub(inst, hub)
        expected = [c.key(request) for c in classes if c.hub == hub.org][:k]
        prices = lagrangian(one)
        duals = [None] + ([prices.dual(one)] if prices is not None else [])
        for dual in duals:
            got = settle(one, weights, None, k, 10**6, dual)
            if got is None:  # only a capacity clash list scheduling cannot settle is CP-SAT's case here
                assert _clash_possible(one), hub.org
                continue
            settled += 1
            assert _keys(request, got) == expected, (hub.org, dual is not None)
            for _, system in got:
                assert system.meets(one)
    return settled


@settings(max_examples=examples(120))
@given(instances())
def test_settle_matches_brute_force(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _check(instance)


def _two_lots_one_shop(capacity: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A hub buying two 10-day modules from one shop of the given capacity: they clash at day 0."""
    catalog = {
        "schema": "modcluster/1",
        "name": "clash",
        "defaults": {"handover_days": 1},
        "capabilities": [],
        "organizations": [
            {"id": "hub", "develops": ["f"], "integration_days": 2},
            {
                "id": "shop",
                "capacity": capacity,
                "modules": [
                    {"type": "a", "setup_cost": 10, "setup_days": 10},
                    {"type": "b", "setup_cost": 20, "setup_days": 10},
                ],
            },
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "a", "type": "a"}, {"id": "b", "type": "b"}]}],
    }
    return catalog, {"product": "p", "candidates": 2}


def test_a_capacity_clash_is_left_to_cp_sat() -> None:
    """Earliest starts overlap at a one-task shop and list scheduling needs 10 more days: not settled."""
    catalog_data, request_data = _two_lots_one_shop(capacity=1)
    catalog, request = catalog_from_data(catalog_data), request_from_data(request_data)
    inst = prepare(catalog, request)
    assert settle(restrict_hub(inst, inst.hubs[0]), _weights(inst), None, 2, 10**6) is None
    solution = run_search(catalog, request)
    assert solution.stats["hubs_settled"] == 0
    assert [c.lead_time for c in solution.candidates] == [10 + 10 + 1 + 2]


def test_no_clash_with_room_for_both() -> None:
    """The same shop with capacity 2: the earliest schedule is feasible and settles the hub."""
    catalog_data, request_data = _two_lots_one_shop(capacity=2)
    catalog, request = catalog_from_data(catalog_data), request_from_data(request_data)
    inst = prepare(catalog, request)
    ranked = settle(restrict_hub(inst, inst.hubs[0]), _weights(inst), None, 2, 10**6)
    assert ranked is not None and [(s.cents, s.lead) for _, s in ranked] == [(3000, 10 + 1 + 2)]
    solution = run_search(catalog, request)
    assert solution.stats["hubs_settled"] == 1
    assert [(c.cost, c.lead_time) for c in solution.candidates] == [(Decimal(30), 13)]


def test_gives_up_beyond_its_node_budget() -> None:
    catalog = catalog_from_data(generate("small", seed=1))
    inst = prepare(catalog, build_request(catalog, catalog.products[0].id))
    one = restrict_hub(inst, inst.hubs[0])
    assert settle(one, _weights(inst), None, 3, 1) is None
    assert settle(one, _weights(inst), None, 3, 10**6) is not None


@pytest.mark.parametrize("preset", ["small", "medium"])
def test_settled_answers_equal_cp_sat_answers(preset: str) -> None:
    """Generated presets, five candidates: settling hubs changes nothing but the time, and it is used."""
    catalog = catalog_from_data(generate(preset, seed=1))
    settled = 0
    for product in catalog.products:
        request = build_request(catalog, product.id, overrides={"candidates": 5})
        fast = run_search(catalog, request)
        plain = run_search(catalog, request, SolverSettings(settle=False))
        assert [(c.cost, c.lead_time) for c in fast.candidates] == [(c.cost, c.lead_time) for c in plain.candidates]
        assert fast.status == plain.status
        settled += fast.stats["hubs_settled"]
    assert settled > 0


@pytest.mark.parametrize(("modules", "settled"), [(MAX_MODULES, 1), (1500, 0)])
def test_many_modules_are_left_to_cp_sat(modules: int, settled: int) -> None:
    """The search recurses once per module: past MAX_MODULES it declines instead of overflowing the stack."""
    catalog = catalog_from_data(
        {
            "schema": "modcluster/1",
            "capabilities": [],
            "organizations": [
                {"id": "hub", "develops": ["f"]},
                {"id": "shop", "capacity": 10_000, "modules": [{"type": "t", "setup_cost": 1, "setup_days": 1}]},
            ],
            "products": [{"id": "p", "family": "f", "modules": [{"id": f"m{i}", "type": "t"} for i in range(modules)]}],
        }
    )
    solution = run_search(catalog, request_from_data({"product": "p", "candidates": 3}))
    assert solution.status.value == "optimal" and len(solution.candidates) == 1
    assert solution.candidates[0].cost == modules
    assert solution.stats["hubs_settled"] == settled
