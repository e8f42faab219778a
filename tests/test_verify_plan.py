"""Tests of the plan verifier (modcluster.verify.plan, contract v1.1 "Plans").

Plans are built by hand as JSON-like dicts: on the mini example, entry ``a``
is the v1 optimum of the product's default request (solved once) and entry
``b`` the same system shifted after it; on a two-developer catalog built
inline, every figure is worked out in the comments.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster import catalog_from_data, load_catalog, solve
from modcluster.domain import (
    AloneResult,
    Catalog,
    Limits,
    Plan,
    PlanExplanation,
    PlannedEntry,
    PlanRequest,
    Request,
    Status,
    entry_requests,
)
from modcluster.errors import VerificationError
from modcluster.verify import check_plan, verify_plan

D = Decimal

# --------------------------------------------------------------------------- helpers


def shift(system: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy of a system with every task (and the lead time) ``days`` later."""
    out = copy.deepcopy(system)
    tasks: list[dict[str, Any]] = [out["integration"]]
    for module in out["modules"]:
        if module["source"] == "buy":
            tasks.append(module)
        else:
            tasks += module["steps"]
            if module["seed"] is not None:
                tasks.append(module["seed"])
    for task in tasks:
        task["start"] += days
        task["end"] += days
    out["lead_time"] += days
    return out


def pay(system: dict[str, Any], onboarding: Decimal) -> None:
    """Set the onboarding a system pays, and its cost with it."""
    breakdown = system["cost_breakdown"]
    breakdown["onboarding"] = onboarding
    system["cost"] = sum((D(v) for v in breakdown.values()), D(0))


def retotal(plan: dict[str, Any]) -> dict[str, Any]:
    """Put the totals and the price of sharing in line with the entries as reported."""
    costs = [e["system"]["cost"] for e in plan["entries"]]
    leads = [e["system"]["lead_time"] for e in plan["entries"]]
    plan["total_cost"] = sum(costs, D(0))
    plan["total_lead_time"] = sum(leads)
    plan["makespan"] = max(leads)
    plan["price_of_sharing"] = {
        "cost": plan["total_cost"] - sum((a["cost"] for a in plan["alone"]), D(0)),
        "lead_time": plan["total_lead_time"] - sum(a["lead_time"] for a in plan["alone"]),
    }
    return plan


def entry(key: str, product: str, quantity: int, release: int, system: dict[str, Any]) -> dict[str, Any]:
    return {"id": key, "product": product, "quantity": quantity, "release": release, "system": system}


def task(system: dict[str, Any], module: str, step: int | None = None) -> dict[str, Any]:
    """A module's task: the bought module, its step ``step`` (from 1), or its seed (``step=0``)."""
    found: dict[str, Any] = next(m for m in system["modules"] if m["id"] == module)
    if step is None:
        return found
    task_: dict[str, Any] = found["seed"] if step == 0 else found["steps"][step - 1]
    return task_


# --------------------------------------------------------------------------- the mini example

MINI_RELEASE_B = 10


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return load_catalog("catalogs/examples/mini.yaml")


@pytest.fixture(scope="module")
def mini_alone(mini: Catalog) -> dict[str, Any]:
    """The v1 optimum of mini-sensor's default request (quantity 100, budget 7000), without rank and proof."""
    solution = solve(mini, Request(product="mini-sensor", quantity=100, limits=Limits(budget=D(7000)), candidates=1))
    system = solution.candidates[0].to_dict()
    del system["rank"], system["proven_optimal"]
    # The hub mini-optics has no tie with mini-controls (300), mini-lab (tama-association: 80), mini-plating (300).
    assert system["hub"] == "mini-optics" and system["cost_breakdown"]["onboarding"] == D("680.00")
    return system


def mini_request(deadline_b: int = 200, budget: Any = None, release_b: int = MINI_RELEASE_B) -> PlanRequest:
    data: dict[str, Any] = {
        "entries": [
            {"id": "a", "product": "mini-sensor"},
            {"id": "b", "product": "mini-sensor", "release": release_b, "limits": {"deadline": deadline_b}},
        ]
    }
    if budget is not None:
        data["limits"] = {"budget": budget}
    return PlanRequest.model_validate(data)


def mini_plan(alone: dict[str, Any]) -> dict[str, Any]:
    """Entry a is the alone optimum; entry b the same system once a is over, paying no onboarding (a did)."""
    a = copy.deepcopy(alone)
    b = shift(alone, alone["lead_time"])
    pay(b, D("0.00"))  # 6410.00 - 680.00 = 5730.00
    plan = {
        "schema": "modcluster/plan/1",
        "objective": "cost",
        "status": "optimal",
        "entries": [entry("a", "mini-sensor", 100, 0, a), entry("b", "mini-sensor", 100, MINI_RELEASE_B, b)],
        "alone": [
            {"id": "a", "status": "optimal", "cost": alone["cost"], "lead_time": alone["lead_time"]},
            {"id": "b", "status": "optimal", "cost": alone["cost"], "lead_time": alone["lead_time"] + MINI_RELEASE_B},
        ],
        "explanation": None,
    }
    return retotal(plan)


def test_mini_valid_plan_passes(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    assert plan["total_cost"] == 2 * mini_alone["cost"] - D("680.00")
    assert plan["price_of_sharing"]["cost"] == D("-680.00")  # sharing the ties pays
    assert verify_plan(mini, mini_request(), plan) == []
    check_plan(mini, mini_request(), plan)


def test_mini_entry_requests_layer_the_product_defaults(mini: Catalog) -> None:
    a, b = entry_requests(mini, mini_request(deadline_b=90))
    assert (a.quantity, a.limits.budget, a.limits.deadline) == (100, D(7000), 60)
    assert (b.quantity, b.limits.budget, b.limits.deadline) == (100, D(7000), 90)


def test_onboarding_paid_twice(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    pay(plan["entries"][1]["system"], D("680.00"))
    problems = verify_plan(mini, mini_request(), retotal(plan))
    assert problems == [
        "entry b, cost_breakdown: onboarding is 680.00, expected 0 (no terms)",
        f"entry b, cost: is {mini_alone['cost']}, expected {mini_alone['cost'] - D('680.00')}",
        "entry b, cost_breakdown: entry a already pays the onboarding of hub 'mini-optics' with "
        "['mini-controls', 'mini-lab', 'mini-plating']",
    ]


def test_onboarding_paid_by_the_wrong_entry(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    pay(plan["entries"][0]["system"], D("0.00"))
    pay(plan["entries"][1]["system"], D("680.00"))
    problems = verify_plan(mini, mini_request(), retotal(plan))
    assert problems[0].startswith("entry a, cost_breakdown: onboarding is 0.00, expected 680.00 (")
    assert "entry a, cost: is 5730.00, expected 6410.00" in problems
    assert "entry b, cost: is 6410.00, expected 5730.00" in problems
    assert len(problems) == 5  # a: onboarding, cost; b: onboarding, cost, who pays


def test_onboarding_by_plan_order_even_when_listed_out_of_order(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    plan["entries"].reverse()
    problems = verify_plan(mini, mini_request(), plan)
    # Only the order is wrong: who pays still follows the plan request's order.
    assert problems == ["entries: not in the plan request's order: ['b', 'a'], expected ['a', 'b']"]


def test_entry_budget_applies_to_the_cost_it_pays(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    # b alone would cost 6410.00 (with its onboarding); a budget of 6000 holds for the 5730.00 it pays.
    request = PlanRequest.model_validate(
        {
            "entries": [
                {"id": "a", "product": "mini-sensor"},
                {"id": "b", "product": "mini-sensor", "release": MINI_RELEASE_B, "limits": {"budget": 6000}},
            ]
        }
    )
    plan = mini_plan(mini_alone)
    # The product's default deadline (60) stays for b, whose system ends after it.
    late = f"entry b, lead_time: {plan['entries'][1]['system']['lead_time']} exceeds the deadline 60"
    assert verify_plan(mini, request, plan) == [late]
    tight = PlanRequest.model_validate(
        {
            "entries": [
                {"id": "a", "product": "mini-sensor"},
                {"id": "b", "product": "mini-sensor", "release": MINI_RELEASE_B, "limits": {"budget": 5000}},
            ]
        }
    )
    assert verify_plan(mini, tight, plan) == ["entry b, cost: cost 5730.00 exceeds the budget 5000", late]


def test_task_before_release(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    b = plan["entries"][1]["system"]
    controller = task(b, "controller")  # bought, nothing before it: only the release is broken
    length = controller["end"] - controller["start"]
    controller["start"], controller["end"] = MINI_RELEASE_B - 1, MINI_RELEASE_B - 1 + length
    problems = verify_plan(mini, mini_request(), plan)
    assert problems == [
        f"entry b, module controller: starts on day {MINI_RELEASE_B - 1}, before the entry's release day 10"
    ]


def test_release_is_checked_for_the_integration_too(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    late_release = plan["entries"][1]["system"]["integration"]["start"] + 1
    plan["entries"][1]["release"] = late_release
    problems = verify_plan(mini, mini_request(release_b=late_release), plan)
    assert problems[-1].startswith(
        f"entry b, integration: starts on day {late_release - 1}, before the entry's release day {late_release}"
    )
    assert all("before the entry's release day" in p for p in problems)


def test_deadline_is_a_day_of_the_plan_calendar(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    lead_b = plan["entries"][1]["system"]["lead_time"]  # counted from day 0, not from b's release
    assert verify_plan(mini, mini_request(deadline_b=lead_b), plan) == []
    assert verify_plan(mini, mini_request(deadline_b=lead_b - 1), plan) == [
        f"entry b, lead_time: {lead_b} exceeds the deadline {lead_b - 1}"
    ]


def test_shared_capacity_of_a_seed_licensor(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    seed_a = task(plan["entries"][0]["system"], "head", 0)
    seed_b = task(plan["entries"][1]["system"], "head", 0)
    # b's transfer moves back into a's (mini-lab has capacity 1); it still ends well before b's optics step.
    start = max(MINI_RELEASE_B, seed_a["start"])
    seed_b["start"], seed_b["end"] = start, start + seed_a["end"] - seed_a["start"]
    assert start < seed_a["end"]
    problems = verify_plan(mini, mini_request(), plan)
    assert problems == [
        f"organization mini-lab: 2 tasks run on day {start} (entry a module head seed, entry b module head seed); "
        "its capacity is 1"
    ]


def test_capacity_is_not_checked_twice_within_an_entry(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    a = plan["entries"][0]["system"]
    step = task(a, "head", 1)  # the hub's optics step, moved onto its own integration
    length = step["end"] - step["start"]
    step["start"], step["end"] = a["integration"]["start"], a["integration"]["start"] + length
    problems = verify_plan(mini, mini_request(), plan)
    overload = [p for p in problems if p.startswith("organization ")]
    assert overload == [
        f"organization mini-optics: 2 tasks run on day {step['start']} (entry a module head step 1, "
        "entry a integration); its capacity is 1"
    ]


def test_totals_wrong(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    leads = [e["system"]["lead_time"] for e in plan["entries"]]
    plan["total_cost"] += D("0.01")
    plan["total_lead_time"] -= 1
    plan["makespan"] = leads[0]
    plan["price_of_sharing"] = {"cost": D(0), "lead_time": 0}
    problems = verify_plan(mini, mini_request(), plan)
    total = 2 * mini_alone["cost"] - D("680.00")
    assert problems == [
        f"total_cost: is {total + D('0.01')}, the entries' costs add up to {total}",
        f"total_lead_time: is {sum(leads) - 1}, the entries' lead times add up to {sum(leads)}",
        f"makespan: is {leads[0]}, the latest entry ends on day {leads[1]}",
        "price_of_sharing: cost is 0, the total cost minus the alone costs is -680.00",
        "price_of_sharing: lead_time is 0, the total lead time minus the alone lead times is "
        f"{leads[1] - MINI_RELEASE_B - leads[0]}",
    ]


def test_totals_add_up_the_entries_as_listed(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    b = plan["entries"][1]["system"]
    b["cost"] += D(1)  # wrong in the entry, so the (true) total no longer adds up either
    problems = verify_plan(mini, mini_request(), plan)
    assert problems == [
        f"entry b, cost: is {b['cost']}, expected {b['cost'] - 1}",
        f"total_cost: is {plan['total_cost']}, the entries' costs add up to {plan['total_cost'] + 1}",
        "price_of_sharing: cost is -680.00, the total cost minus the alone costs is -679.00",
    ]
    # In line with the entries: only the entry is wrong.
    assert verify_plan(mini, mini_request(), retotal(plan)) == problems[:1]


def test_plan_budget_against_the_recomputed_costs(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    b = plan["entries"][1]["system"]
    b["cost"] -= D(1)  # a cost reported too low does not pass the plan's budget
    retotal(plan)
    assert verify_plan(mini, mini_request(budget=D("12139.00")), plan) == [
        f"entry b, cost: is {b['cost']}, expected {b['cost'] + 1}",
        "total_cost: total cost 12140.00 exceeds the plan's budget 12139.00",
    ]


@pytest.mark.parametrize("budget", [D("12139.99"), 12139])
def test_plan_budget_exceeded(mini: Catalog, mini_alone: dict[str, Any], budget: Any) -> None:
    plan = mini_plan(mini_alone)
    assert plan["total_cost"] == D("12140.00")
    assert verify_plan(mini, mini_request(budget=D("12140")), plan) == []
    assert verify_plan(mini, mini_request(budget=budget), plan) == [
        f"total_cost: total cost 12140.00 exceeds the plan's budget {D(str(budget))}"
    ]


def test_entry_order_and_ids(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    plan["entries"][1]["id"] = "c"
    assert verify_plan(mini, mini_request(), plan) == [
        "entries: entry 'c' is not an entry of the plan request",
        "entries: missing entries ['b']",
    ]
    plan = mini_plan(mini_alone)
    plan["entries"][1] = copy.deepcopy(plan["entries"][0])
    problems = verify_plan(mini, mini_request(), plan)
    assert "entries: entry 'a' appears more than once" in problems
    assert "entries: missing entries ['b']" in problems


def test_entry_header_fields(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    plan["entries"][0]["quantity"] = 99
    plan["entries"][1]["release"] = True
    plan["entries"][1]["product"] = "other"
    plan["schema"] = "modcluster/solution/1"
    plan["objective"] = "lead_time"
    assert verify_plan(mini, mini_request(), plan) == [
        "entry a: quantity is 99, the entry has 100",
        "entry b: product is 'other', the entry asks for 'mini-sensor'",
        "entry b: release is True, the entry has 10",
        "schema: is 'modcluster/solution/1', expected 'modcluster/plan/1'",
        "objective: is 'lead_time', the plan request asks for 'cost'",
    ]


def test_v1_rules_still_hold_per_entry(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    b = plan["entries"][1]["system"]
    b["hub"] = "mini-machining"  # does not develop the family
    b["partners"] = list(reversed(b["partners"]))
    problems = verify_plan(mini, mini_request(), plan)
    assert "entry b, hub: organization 'mini-machining' does not develop the product family 'displacement-sensor'" in (
        problems
    )
    assert any(p.startswith("entry b, partners: ") for p in problems)


def test_status_and_entries(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    plan["status"] = "infeasible"
    assert verify_plan(mini, mini_request(), plan) == ["status: is 'infeasible' but 2 entries are listed"]

    plan = mini_plan(mini_alone)
    plan["status"] = "feasible"
    plan["explanation"] = {"summary": "x"}
    assert verify_plan(mini, mini_request(), plan) == ["explanation: must be null when the status is 'feasible'"]

    plan = mini_plan(mini_alone)
    plan["entries"] = []
    assert verify_plan(mini, mini_request(), plan) == [
        f"total_cost: is {plan['total_cost']}, but no entry is listed: it must be null",
        f"total_lead_time: is {plan['total_lead_time']}, but no entry is listed: it must be null",
        f"makespan: is {plan['makespan']}, but no entry is listed: it must be null",
        "status: is 'optimal' but no entry is listed (the plan has 2)",
    ]
    plan["status"] = "unknown"
    plan.update(total_cost=None, total_lead_time=None, makespan=None, price_of_sharing=None)
    assert verify_plan(mini, mini_request(), plan) == []

    plan = mini_plan(mini_alone)
    del plan["entries"][1]
    assert verify_plan(mini, mini_request(), retotal(plan)) == ["entries: missing entries ['b']"]


def test_alone_list(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    plan = mini_plan(mini_alone)
    plan["alone"].reverse()
    assert verify_plan(mini, mini_request(), plan) == [
        "alone: not in the plan request's order: ['b', 'a'], expected ['a', 'b']"
    ]

    plan = mini_plan(mini_alone)
    plan["alone"][0] = {"id": "a", "status": "feasible", "cost": None, "lead_time": 52}
    plan["alone"][1] = {"id": "b", "status": "infeasible", "cost": D(1), "lead_time": None}
    plan["price_of_sharing"] = None
    assert verify_plan(mini, mini_request(), plan) == [
        "alone a: field 'cost' must be a number, got None",
        "alone b: is 'infeasible' alone, yet its cost is Decimal('1')",
    ]

    plan["alone"] = [{"id": "a", "status": "proven"}]
    assert verify_plan(mini, mini_request(), plan) == [
        "alone a: status must be one of ['optimal', 'feasible', 'infeasible', 'unknown'], got 'proven'",
        "alone: missing entries ['b']",
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("total_cost",), "12140", "total_cost: field 'total_cost' must be a number, got '12140'"),
        (("total_cost",), 12140.001, "total_cost: field 'total_cost' = 12140.001 has more than two decimals"),
        (("total_lead_time",), 1.5, "total_lead_time: field 'total_lead_time' must be a whole number, got 1.5"),
        (("entries",), {"a": 1}, "'entries' must be a list, got {'a': 1}"),
        (("entries", 0), "a", "entries[0]: an entry must be an object, got 'a'"),
        (("entries", 0, "id"), 7, "entries[0]: field 'id' must be a string, got 7"),
        (("entries", 1, "system"), None, "entry b: 'system' must be an object, got None"),
        (("entries", 1, "system", "cost"), "abc", "entry b: field 'cost' must be a number, got 'abc'"),
        (("entries", 1, "system", "modules"), 5, "entry b: 'modules' must be a list, got 5"),
        (("entries", 1, "system", "integration"), [], "entry b: 'integration' must be an object, got []"),
        (("entries", 1, "system", "integration", "end"), "x", "entry b, integration: field 'end' must be a whole"),
        (("entries", 1, "system", "modules", 0, "steps", 0), 3, "entry b, module housing step 1: a step entry must be"),
        (("entries", 1, "system", "cost_breakdown", "onboarding"), [], "entry b, cost_breakdown: field 'onboarding'"),
        (("alone",), None, "alone: 'alone' must be a list, got None"),
        (("alone", 1), 3, "alone[1]: an alone entry must be an object, got 3"),
        (("price_of_sharing",), 3, "price_of_sharing: 'price_of_sharing' must be an object, got 3"),
        (("status",), None, "status: must be one of ['optimal', 'feasible', 'infeasible', 'unknown'], got None"),
    ],
)
def test_malformed_field_gives_a_sentence(
    mini: Catalog, mini_alone: dict[str, Any], path: tuple[Any, ...], value: Any, expected: str
) -> None:
    plan = mini_plan(mini_alone)
    target: Any = plan
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problems = verify_plan(mini, mini_request(), plan)
    assert any(p.startswith(expected) for p in problems), problems
    assert all(isinstance(p, str) for p in problems)


@pytest.mark.parametrize("plan", [None, [], "plan", 3])
def test_not_a_plan(mini: Catalog, plan: Any) -> None:
    assert verify_plan(mini, mini_request(), plan) == [f"the plan must be an object, got {plan!r}"]
    with pytest.raises(VerificationError):
        check_plan(mini, mini_request(), plan)


def test_missing_fields(mini: Catalog) -> None:
    problems = verify_plan(mini, mini_request(), {})
    assert problems == [
        "'entries' must be a list, got None",
        "alone: 'alone' must be a list, got None",
        "schema: is None, expected 'modcluster/plan/1'",
        "objective: is None, the plan request asks for 'cost'",
        "status: must be one of ['optimal', 'feasible', 'infeasible', 'unknown'], got None",
    ]


def test_plan_objects(mini: Catalog, mini_alone: dict[str, Any]) -> None:
    solution = solve(mini, Request(product="mini-sensor", quantity=100, limits=Limits(budget=D(7000)), candidates=1))
    candidate = solution.candidates[0]
    request = PlanRequest.model_validate({"entries": [{"product": "mini-sensor"}]})
    plan = Plan(
        objective="cost",
        status=Status.OPTIMAL,
        entries=(PlannedEntry("mini-sensor", "mini-sensor", 100, 0, candidate),),
        alone=(AloneResult("mini-sensor", Status.OPTIMAL, candidate.cost, candidate.lead_time),),
    )
    assert verify_plan(mini, request, plan) == []
    assert plan.to_dict()["entries"][0]["system"] == mini_alone

    none = Plan(
        objective="cost",
        status=Status.INFEASIBLE,
        entries=(),
        alone=(AloneResult("mini-sensor", Status.INFEASIBLE),),
        explanation=PlanExplanation("no plan", ("mini-sensor",), True, (("mini-sensor", Status.INFEASIBLE),)),
    )
    assert verify_plan(mini, request, none) == []
    wrong = Plan(objective="lead_time", status=Status.INFEASIBLE, entries=(), alone=())
    assert verify_plan(mini, request, wrong) == [
        "objective: is 'lead_time', the plan request asks for 'cost'",
        "alone: missing entries ['mini-sensor']",
    ]
    with pytest.raises(VerificationError, match="objective"):
        check_plan(mini, request, wrong)


# --------------------------------------------------------------------------- two developers, one part each

# alpha and beta both develop gadgets and both sell the part a gadget needs.
# Quantity 10: the part costs 10 + 1 * 10 = 20.00 and takes 3 days; the
# integration costs the design fee 100.00 and takes 2 days; onboarding is the
# default 300.00 (no tie, no intermediary); handover 1 day.
PAIR_CATALOG: dict[str, Any] = {
    "schema": "modcluster/1",
    "name": "two developers",
    "defaults": {"handover_days": 1, "onboarding_cost": 300},
    "capabilities": [],
    "organizations": [
        {
            "id": org,
            "develops": ["gadgets"],
            "design_fee": 100,
            "integration_days": 2,
            "modules": [{"type": "part", "setup_cost": 10, "unit_cost": 1, "setup_days": 3}],
        }
        for org in ("alpha", "beta")
    ],
    "products": [{"id": "gadget", "family": "gadgets", "modules": [{"id": "body", "type": "part"}]}],
}


@pytest.fixture(scope="module")
def pair() -> Catalog:
    return catalog_from_data(PAIR_CATALOG)


def gadget(
    hub: str, seller: str, part: tuple[int, int], integration: tuple[int, int], onboarding: str
) -> dict[str, Any]:
    cost = D("120.00") + D(onboarding)
    return {
        "cost": cost,
        "lead_time": integration[1],
        "hub": hub,
        "partners": [] if seller == hub else [seller],
        "modules": [
            {"id": "body", "source": "buy", "organization": seller, "offer": "part", "start": part[0], "end": part[1]}
        ],
        "integration": {"start": integration[0], "end": integration[1]},
        "links": [],
        "cost_breakdown": {
            "integration": D("100.00"),
            "steps": D("0.00"),
            "modules": D("20.00"),
            "licences": D("0.00"),
            "onboarding": D(onboarding),
        },
    }


PAIR_REQUEST = PlanRequest.model_validate(
    {
        "entries": [
            {"id": "g1", "product": "gadget", "quantity": 10, "hub": "alpha"},
            {"id": "g2", "product": "gadget", "quantity": 10, "hub": "beta"},
        ],
        "objective": "lead_time",
    }
)


def pair_plan(g2: dict[str, Any]) -> dict[str, Any]:
    # g1: alpha buys from beta (days 0-3), integrates 4-6 and pays the onboarding: 420.00.
    g1 = gadget("alpha", "beta", (0, 3), (4, 6), "300.00")
    plan = {
        "schema": "modcluster/plan/1",
        "objective": "lead_time",
        "status": "feasible",
        "entries": [entry("g1", "gadget", 10, 0, g1), entry("g2", "gadget", 10, 0, g2)],
        "alone": [
            {"id": "g1", "status": "optimal", "cost": D("420.00"), "lead_time": 6},
            {"id": "g2", "status": "optimal", "cost": D("420.00"), "lead_time": 6},
        ],
        "explanation": None,
    }
    return retotal(plan)


def test_reverse_pair_is_tied(pair: Catalog) -> None:
    # g2: beta buys from alpha (days 0-3, alpha is free then), integrates 4-6; the pair {alpha, beta} is tied by g1.
    plan = pair_plan(gadget("beta", "alpha", (0, 3), (4, 6), "0.00"))
    assert verify_plan(pair, PAIR_REQUEST, plan) == []
    assert (plan["total_cost"], plan["total_lead_time"], plan["makespan"]) == (D("540.00"), 12, 6)


def test_reverse_pair_paid_again(pair: Catalog) -> None:
    plan = pair_plan(gadget("beta", "alpha", (0, 3), (4, 6), "300.00"))
    assert verify_plan(pair, PAIR_REQUEST, plan) == [
        "entry g2, cost_breakdown: onboarding is 300.00, expected 0 (no terms)",
        "entry g2, cost: is 420.00, expected 120.00",
        "entry g2, cost_breakdown: entry g1 already pays the onboarding of hub 'beta' with ['alpha']",
    ]


def test_integration_overlaps_another_entrys_task_at_the_hub(pair: Catalog) -> None:
    # g2 buys from alpha on days 4-7, while alpha integrates g1 on days 4-6 (capacity 1).
    plan = pair_plan(gadget("beta", "alpha", (4, 7), (8, 10), "0.00"))
    assert verify_plan(pair, PAIR_REQUEST, plan) == [
        "organization alpha: 2 tasks run on day 4 (entry g1 integration, entry g2 module body); its capacity is 1"
    ]
    # Touching intervals do not overlap: [4, 6) then [6, 9).
    plan = pair_plan(gadget("beta", "alpha", (6, 9), (10, 12), "0.00"))
    assert verify_plan(pair, PAIR_REQUEST, plan) == []


def test_two_entries_at_a_capacity_one_organisation(pair: Catalog) -> None:
    # g2's hub beta makes its own part on days 2-5, while it sells g1's on days 0-3 (capacity 1).
    plan = pair_plan(gadget("beta", "beta", (2, 5), (5, 7), "0.00"))
    assert verify_plan(pair, PAIR_REQUEST, plan) == [
        "organization beta: 2 tasks run on day 2 (entry g1 module body, entry g2 module body); its capacity is 1"
    ]


def test_zero_day_tasks_take_no_capacity() -> None:
    data = copy.deepcopy(PAIR_CATALOG)
    for org in data["organizations"]:
        org["integration_days"] = 0
        org["modules"][0]["setup_days"] = 0
    catalog = catalog_from_data(data)
    # Everything lasts 0 days: g1 and g2 both buy from beta on day 0 and integrate on day 1 (the handover).
    g1 = gadget("alpha", "beta", (0, 0), (1, 1), "300.00")
    g2 = gadget("alpha", "beta", (0, 0), (1, 1), "0.00")
    plan = pair_plan(g2)
    plan["entries"][0]["system"] = g1
    plan["alone"] = [{"id": k, "status": "optimal", "cost": D("420.00"), "lead_time": 1} for k in ("g1", "g2")]
    request = PlanRequest.model_validate(
        {"entries": [{"id": k, "product": "gadget", "quantity": 10} for k in ("g1", "g2")], "objective": "lead_time"}
    )
    assert verify_plan(catalog, request, retotal(plan)) == []


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_verify_command_on_plan_files(tmp_path: Path) -> None:
    """`modcluster verify CATALOG PLAN.json` as a user runs it.

    A plan and an impossible plan pass; a changed total fails with exit code 5.
    """
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "modcluster", *args], cwd=root, capture_output=True, text=True, check=False
        )

    season, rush = tmp_path / "season.json", tmp_path / "rush.json"
    assert (
        run("plan", "catalogs/tama.yaml", "catalogs/plans/tama-season.yaml", "--quiet", "--out", str(season)).returncode
        == 0
    )
    assert (
        run("plan", "catalogs/tama.yaml", "catalogs/plans/tama-rush.yaml", "--quiet", "--out", str(rush)).returncode
        == 1
    )
    ok = run("verify", "catalogs/tama.yaml", str(season))
    assert ok.returncode == 0 and "verified (a plan of 8 entries)" in ok.stdout
    impossible = run("verify", "catalogs/tama.yaml", "catalogs/plans/tama-rush.yaml", str(rush))
    assert impossible.returncode == 0 and "status infeasible" in impossible.stdout
    data = json.loads(season.read_text(encoding="utf-8"))
    data["total_cost"] = float(data["total_cost"]) + 1
    season.write_text(json.dumps(data), encoding="utf-8")
    broken = run("verify", "catalogs/tama.yaml", str(season))
    assert broken.returncode == 5 and "total_cost" in broken.stdout
