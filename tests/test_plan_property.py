"""Property tests of plans (contract v1.1): on tiny plans the engine agrees with exhaustive enumeration.

For random small catalogs (tests/strategies.py) and plans of two, sometimes
three, entries naming the catalog's product ``p`` (each with its quantity,
release, sometimes a deadline, a budget, a hub or an exclusion; a plan budget
at times; every objective), :func:`modcluster.plans.plan` must say
``optimal`` with the objective key of (total cost, sum of lead times) equal to
the best key of tests/bruteforce_plan.py, or ``infeasible`` exactly when the
reference finds no plan, with a conflict naming only entries. Examples the
reference would take long on are discarded (:data:`TINY_EFFORT`).

Again with municipal policies (v1.1) in the catalog: each entry is a system
with its own refunds and caps, the onboarding an entry pays never refunded.

The reference itself is pinned two ways: its scheduler against every
assignment of start days on tiny schedules, and hand-made plans whose figures
are worked out in the comments (two entries competing for a capacity-1
organisation, one onboarding shared by two entries either way round, a
release that delays an entry).

The number of examples comes from the hypothesis profile (tests/profiles.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, plan_request_from_data
from modcluster.domain import Plan, Status, entry_requests
from modcluster.plans import plan
from tests.bruteforce import objective_key
from tests.bruteforce_plan import TooLargeError, min_total_lead, plan_reference
from tests.profiles import examples
from tests.strategies import DAYS, OBJECTIVES, SITES, SMALL_MONEY, SMALL_UNIT, catalogs, policy_lists, weights

D = Decimal

#: The reference's effort on random examples (combinations of systems plus partial schedules): beyond it
#: the example is discarded, so that none takes more than a few seconds.
TINY_EFFORT = 30_000


def _plan_key(catalog_data: dict[str, Any], plan_data: dict[str, Any]) -> tuple[Plan, tuple[Any, ...] | None]:
    """The engine's plan and its key by the reference's reading (None without a plan)."""
    catalog = catalog_from_data(catalog_data)
    request = plan_request_from_data(plan_data, catalog=catalog)
    result = plan(catalog, request)
    if result.total_cost is None or result.total_lead_time is None:
        return result, None
    cents = result.total_cost * 100
    assert cents == int(cents), result.total_cost
    return result, objective_key(entry_requests(catalog, request)[0], int(cents), result.total_lead_time)


def _check(catalog_data: dict[str, Any], plan_data: dict[str, Any], *, tiny: bool = False) -> tuple[Any, ...] | None:
    """The engine and the reference agree on the best key (or on there being no plan); return that key.

    ``tiny``: discard the example (hypothesis) when the reference would take long on it.
    """
    catalog = catalog_from_data(catalog_data)
    request = plan_request_from_data(plan_data, catalog=catalog)
    try:
        expected, details = plan_reference(catalog, request, effort=TINY_EFFORT if tiny else None)
    except TooLargeError:
        reject()
    result, got = _plan_key(catalog_data, plan_data)
    keys = [e.get("id", e["product"]) for e in plan_data["entries"]]
    context = {k: v for k, v in details.items() if k != "best"}
    if expected is None:
        assert result.status is Status.INFEASIBLE, (result.status, got, context)
        assert result.explanation is not None
        assert result.explanation.conflict, result.explanation
        assert set(result.explanation.conflict) <= set(keys), (result.explanation.conflict, keys)
    else:
        best = details["best"]
        assert result.status is Status.OPTIMAL, (result.status, expected, context)
        assert got == expected, (got, expected, best.cents, best.leads)
    return expected


# --------------------------------------------------------------------------- random tiny plans


@st.composite
def plan_instances(draw: st.DrawFn, objective: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A tiny catalog and a plan of two (sometimes three) entries for its product ``p``, as plain data."""
    catalog = draw(catalogs(max_orgs=4, max_modules=3))
    if draw(st.booleans()):  # every organisation at capacity 1: entries compete for each of them
        for org in catalog["organizations"]:
            org["capacity"] = 1
    ids = [o["id"] for o in catalog["organizations"]]
    sometimes = st.sampled_from([False, False, True])
    seldom = st.sampled_from([False] * 5 + [True])
    hardly = st.sampled_from([False] * 11 + [True])
    if not draw(seldom):  # a plain offer of each module somewhere, so that most entries have a system
        for module in catalog["products"][0]["modules"]:
            draw(st.sampled_from(catalog["organizations"]))["modules"].append(
                {
                    "id": f"y{module['id']}",
                    "type": module["type"],
                    "setup_cost": draw(SMALL_MONEY),
                    "unit_cost": draw(SMALL_UNIT),
                    "setup_days": draw(DAYS),
                }
            )
    developers = [o["id"] for o in catalog["organizations"] if "develops" in o]
    entries = []
    for index in range(draw(st.integers(2, 3))):
        entry: dict[str, Any] = {
            "product": "p",
            "quantity": draw(st.integers(1, 4)),
            "release": draw(st.integers(0, 6)),
        }
        if index or draw(st.booleans()):  # the first entry's id is sometimes the product's
            entry["id"] = f"e{index}"
        limits: dict[str, Any] = {}
        if draw(sometimes):
            limits["deadline"] = draw(st.integers(0, 25))
        if draw(sometimes):
            limits["budget"] = draw(st.sampled_from([D(20), D(60), D("100.5"), D(300)]))
        if draw(hardly):
            limits["max_partners"] = draw(st.integers(0, 2))
        if limits:
            entry["limits"] = limits
        if draw(seldom):
            entry["hub"] = draw(st.sampled_from(developers))
        if draw(seldom):
            entry["exclude"] = [draw(st.sampled_from(ids))]
        if draw(hardly):
            entry["require"] = [draw(st.sampled_from(ids))]
        entries.append(entry)
    data: dict[str, Any] = {"entries": entries, "objective": objective, "time_limit": 30}
    if objective == "weighted" and draw(st.sampled_from([True, True, False])):
        data["weights"] = {"cost": draw(weights()), "lead_time": draw(weights())}
    if draw(sometimes):
        data["limits"] = {"budget": draw(st.sampled_from([D(40), D(120), D("200.5"), D(600)]))}
    return catalog, data


@pytest.mark.parametrize(  # lead_time and weighted: in the CI sample, out of the 10-minute default run
    "objective", [o if o == "cost" else pytest.param(o, marks=pytest.mark.slow) for o in OBJECTIVES]
)
@settings(max_examples=examples(120))
@given(data=st.data())
def test_plan_matches_brute_force(objective: str, data: st.DataObject) -> None:
    _check(*data.draw(plan_instances(objective), label="catalog and plan"), tiny=True)


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(12))
@given(data=st.data())
def test_plan_with_policies_matches_brute_force(objective: str, data: st.DataObject) -> None:
    """Policies (v1.1) in the catalog: each entry a system with its own refunds and caps, onboarding never refunded."""
    catalog, plan_data = data.draw(plan_instances(objective), label="catalog and plan")
    for org in catalog["organizations"]:
        if "site" not in org and data.draw(st.booleans(), label="a site"):
            org["site"] = data.draw(st.sampled_from(SITES), label="site")
    catalog["policies"] = data.draw(policy_lists(catalog), label="policies")
    _check(catalog, plan_data, tiny=True)


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, Any]:
    """A tiny scheduling problem for :func:`min_total_lead`: tasks at two organisations, chains, two sinks."""
    n = draw(st.integers(2, 6))
    durations = [draw(st.integers(0, 3)) for _ in range(n)]
    organizations = [draw(st.sampled_from(["a", "b"])) for _ in range(n)]
    precedences = sorted(
        {(a, b, draw(st.integers(0, 1))) for b in range(1, n) for a in range(b) if draw(st.integers(0, 3)) == 0}
    )
    sinks = sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2))))
    return {
        "durations": durations,
        "organizations": organizations,
        "capacities": {"a": draw(st.integers(1, 2)), "b": 1},
        "releases": [draw(st.integers(0, 3)) for _ in range(n)],
        "precedences": precedences,
        "sinks": sinks,
        "deadlines": [draw(st.one_of(st.none(), st.integers(0, 12))) for _ in sinks],
    }


def _every_schedule_best(problem: dict[str, Any]) -> int | None:
    """The least sum of the sinks' ends over every assignment of start days up to a horizon (None: none).

    Precedences go from a lower index to a higher one, so tasks are given days in index order. The
    horizon (last release, plus every duration and gap) is after any start of an active schedule.
    """
    durations, orgs, releases = problem["durations"], problem["organizations"], problem["releases"]
    n = len(durations)
    horizon = max(releases) + sum(durations) + sum(gap for _, _, gap in problem["precedences"])
    best: list[int] = []

    def fits(starts: list[int]) -> bool:
        t = len(starts) - 1
        if durations[t] == 0:
            return True
        running = [u for u in range(t + 1) if orgs[u] == orgs[t] and durations[u] > 0]
        return all(
            sum(1 for u in running if starts[u] <= day < starts[u] + durations[u]) <= problem["capacities"][orgs[t]]
            for day in range(starts[t], starts[t] + durations[t])
        )

    def assign(starts: list[int]) -> None:
        t = len(starts)
        if t == n:
            ends = [starts[s] + durations[s] for s in problem["sinks"]]
            if all(d is None or e <= d for e, d in zip(ends, problem["deadlines"], strict=True)):
                best.append(sum(ends))
            return
        earliest = max(
            [releases[t], *(starts[a] + durations[a] + gap for a, b, gap in problem["precedences"] if b == t)]
        )
        for day in range(earliest, horizon + 1):
            if fits([*starts, day]):
                assign([*starts, day])

    assign([])
    return min(best, default=None)


@settings(max_examples=examples(40, slow=400))
@given(problem=schedules())
def test_min_total_lead_matches_every_schedule(problem: dict[str, Any]) -> None:
    """The reference's scheduler (its shortcuts included) against every assignment of start days."""
    found = min_total_lead(**problem)
    expected = _every_schedule_best(problem)
    assert (None if found is None else found[0]) == expected
    if found is not None:
        total, starts = found
        assert total == sum(starts[s] + problem["durations"][s] for s in problem["sinks"])


# --------------------------------------------------------------------------- hand-made tiny plans


def _competing_catalog() -> dict[str, Any]:
    """Hub ``h`` (capacity 2) and two capacity-1 sellers of the one module: ``s`` cheap, ``s2`` dear."""
    return {
        "schema": "modcluster/1",
        "defaults": {"handover_days": 1, "onboarding_cost": 10},
        "organizations": [
            {"id": "h", "capacity": 2, "develops": ["f"], "design_fee": 100, "integration_days": 2},
            {"id": "s", "modules": [{"id": "m", "type": "t0", "setup_cost": 5, "unit_cost": 1, "setup_days": 3}]},
            {"id": "s2", "modules": [{"id": "m", "type": "t0", "setup_cost": 50, "unit_cost": 1, "setup_days": 3}]},
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "mod0", "type": "t0"}]}],
    }


@pytest.mark.parametrize(
    ("objective", "key"),
    [
        # Both from s: a pays 100 + 6 + onboarding 10, b 106 (h-s is tied by then): 222. s runs a's
        # module on [0, 3) and b's on [3, 6); integrations (1 day of handover) end on 6 and 9: 15.
        ("cost", (D(222), D(15))),
        # One from s, one from s2 (161 with its onboarding), side by side: 6 + 6 = 12 days, 116 + 161.
        ("lead_time", (D(12), D(277))),
    ],
)
def test_two_entries_compete_for_a_capacity_one_organisation(objective: str, key: tuple[Decimal, ...]) -> None:
    plan_data = {"entries": [{"id": "a", "product": "p"}, {"id": "b", "product": "p"}], "objective": objective}
    assert _check(_competing_catalog(), plan_data) == key


def test_each_entry_has_its_own_refunds_and_cap() -> None:
    """A policy refunds half of the module bought from s, at most 4 per system: per entry, not per plan.

    Both entries (5 units each) buy from s: 5 + 1 * 5 = 10, refund min(4, 5) = 4 each (a cap per plan
    would refund 4 in all). a: 100 + 10 - 4 + onboarding 10 (never refunded) = 116; b: 106 (h-s tied
    by then): 222. s runs a's module on [0, 3), b's on [3, 6); integrations end on 6 and 9: 15.
    """
    catalog = _competing_catalog()
    catalog["organizations"][1]["site"] = "Ome"
    catalog["policies"] = [{"id": "fund", "sites": ["Ome"], "share": D("0.5"), "cap": 4, "applies_to": ["modules"]}]
    plan_data = {
        "entries": [{"id": "a", "product": "p", "quantity": 5}, {"id": "b", "product": "p", "quantity": 5}],
        "objective": "cost",
    }
    assert _check(catalog, plan_data) == (D(222), D(15))
    result, _ = _plan_key(catalog, plan_data)
    assert {e.id: (e.system.cost, e.system.cost_breakdown.subsidies) for e in result.entries} == {
        "a": (D(116), D(4)),
        "b": (D(106), D(4)),
    }


def _two_developers_catalog() -> dict[str, Any]:
    """``A`` and ``B`` both develop the family and sell its module; A's is cheap but for lots of two at most."""
    developer = {"develops": ["f"], "design_fee": 0, "integration_days": 1}
    return {
        "schema": "modcluster/1",
        "defaults": {"handover_days": 1, "onboarding_cost": 30},
        "organizations": [
            {
                "id": "A",
                **developer,
                "modules": [{"id": "m", "type": "t0", "setup_cost": 1, "unit_cost": 0, "setup_days": 1, "max_lot": 2}],
            },
            {
                "id": "B",
                **developer,
                "modules": [{"id": "m", "type": "t0", "setup_cost": 5, "unit_cost": 0, "setup_days": 1}],
            },
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "mod0", "type": "t0"}]}],
    }


@pytest.mark.parametrize(
    ("first", "costs"),
    [
        # "a" (hub A, 3 units) can only buy from B: 5 + onboarding 30. Then "b" (hub B, 1 unit) buys
        # from A for 1: the pair {A, B} is tied already, so no onboarding (buying from itself: 5).
        ("a", {"a": D(35), "b": D(1)}),
        # "b" first: buying from A costs 1 + 30, and then "a" buys from B for 5 (tied): 36 again, the
        # onboarding paid by "b". Buying from itself (5) would leave the pair to "a": 5 + 35 = 40.
        ("b", {"b": D(31), "a": D(5)}),
    ],
)
def test_one_onboarding_shared_by_two_entries(first: str, costs: dict[str, Decimal]) -> None:
    """Total 36; each entry's module on [0, 1) at the other developer, a day of handover, its integration on [2, 3)."""
    entries = [
        {"id": "a", "product": "p", "quantity": 3, "hub": "A"},
        {"id": "b", "product": "p", "quantity": 1, "hub": "B"},
    ]
    if first == "b":
        entries.reverse()
    plan_data = {"entries": entries, "objective": "cost"}
    assert _check(_two_developers_catalog(), plan_data) == (D(36), D(6))
    result, _ = _plan_key(_two_developers_catalog(), plan_data)
    assert {e.id: e.system.cost for e in result.entries} == costs
    assert {e.id: e.system.cost_breakdown.onboarding for e in result.entries} == {
        first: D(30),
        "ab".replace(first, ""): 0,
    }
    catalog = catalog_from_data(_two_developers_catalog())
    best = plan_reference(catalog, plan_request_from_data(plan_data, catalog=catalog))[1]["best"]
    assert dict(zip([e["id"] for e in entries], best.cents, strict=True)) == {k: v * 100 for k, v in costs.items()}


def _one_organisation_catalog() -> dict[str, Any]:
    """``h`` (capacity 2) develops the family and sells its one module (1 day); integration takes 2 days."""
    return {
        "schema": "modcluster/1",
        "defaults": {"handover_days": 1, "onboarding_cost": 10},
        "organizations": [
            {
                "id": "h",
                "capacity": 2,
                "develops": ["f"],
                "design_fee": 100,
                "integration_days": 2,
                "modules": [{"id": "m", "type": "t0", "setup_cost": 5, "unit_cost": 1, "setup_days": 1}],
            },
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "mod0", "type": "t0"}]}],
    }


@pytest.mark.parametrize(
    ("deadline", "key"),
    [
        # a: module [0, 1), integration [1, 3) (no handover at one organisation): 3. b from day 4:
        # [4, 5), [5, 7): 7. Costs 106 each.
        (None, (D(212), D(10))),
        (7, (D(212), D(10))),
        # b's deadline is a day of the plan's calendar: 6 is before its end on day 7.
        (6, None),
    ],
)
def test_a_release_delays_an_entry(deadline: int | None, key: tuple[Decimal, ...] | None) -> None:
    b: dict[str, Any] = {"id": "b", "product": "p", "release": 4}
    if deadline is not None:
        b["limits"] = {"deadline": deadline}
    plan_data = {"entries": [{"id": "a", "product": "p"}, b], "objective": "cost"}
    assert _check(_one_organisation_catalog(), plan_data) == key
    if key is None:
        result, _ = _plan_key(_one_organisation_catalog(), plan_data)
        assert result.explanation is not None and result.explanation.conflict == ("b",)
