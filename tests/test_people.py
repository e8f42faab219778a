"""People placed at the hub (MODEL.md v1.1 "People"): the engine against brute force, each rule, and the checks.

The brute force (:mod:`tests.bruteforce`) implements the placement on its own:
every (organisation, person) pair that may lead is a hub of its own, the
person's integration days and bridging replace the hub's, the fee is a cost
term, and the integration waits for ``available_day``.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, request_from_data, solve, verify_solution
from modcluster.domain import Status
from modcluster.errors import CrossReferenceError
from modcluster.solver import SolverSettings, objective_key
from tests.bruteforce import candidate_classes
from tests.profiles import examples
from tests.strategies import OBJECTIVES, with_people

CP_SAT_ONLY = SolverSettings(settle=False)


def _check(instance: tuple[dict[str, Any], dict[str, Any]], engine: SolverSettings | None) -> None:
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    solution = solve(catalog, request, engine)
    expected = [c.key(request) for c in candidate_classes(catalog, request)]
    assert verify_solution(catalog, request, solution) == []
    assert [objective_key(c, request) for c in solution.candidates] == expected[: request.candidates]
    assert solution.status is (Status.OPTIMAL if expected else Status.INFEASIBLE)
    for cand in solution.candidates:
        data = cand.to_dict()
        assert "person" in data and "people" in data["cost_breakdown"]
        if cand.person is None:
            assert data["cost_breakdown"]["people"] == 0


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(40))
@given(data=st.data())
def test_placements_match_brute_force(objective: str, data: st.DataObject) -> None:
    _check(data.draw(with_people(objective), label="instance"), None)


@pytest.mark.parametrize("objective", OBJECTIVES)
@settings(max_examples=examples(25))
@given(data=st.data())
def test_placements_on_the_cp_sat_path_match_brute_force(objective: str, data: st.DataObject) -> None:
    _check(data.draw(with_people(objective, large=True), label="instance"), CP_SAT_ONLY)


# --------------------------------------------------------------------------- one rule each

BASE: dict[str, Any] = {
    "schema": "modcluster/1",
    "defaults": {"handover_days": 0, "onboarding_cost": 0},
    "capabilities": [{"id": "machining"}],
    "interfaces": [{"id": "mount", "bridge_cost": 100, "bridge_days": 10}],
    "intermediaries": [{"id": "assoc", "members": ["maker"], "onboarding_cost": 0}],
    "organizations": [
        {
            "id": "dev",
            "kind": "developer",
            "develops": ["sensor"],
            "design_fee": 500,
            "integration_days": 20,
            "house_variants": {"mount": "A"},
        },
        {
            "id": "maker",
            "kind": "processor",
            "design_fee": 50,
            "integration_days": 30,
            "house_variants": {"mount": "A"},
            "processes": [{"id": "mill", "capability": "machining", "setup_cost": 10, "setup_days": 5}],
        },
        {
            "id": "seller",
            "modules": [{"id": "b", "type": "body", "setup_cost": 5, "setup_days": 2, "variants": {"mount": "B"}}],
        },
        {"id": "bigco", "kind": "enterprise"},
    ],
    "products": [
        {
            "id": "s1",
            "family": "sensor",
            "modules": [
                {"id": "head", "type": "head", "make": {"steps": [{"capability": "machining"}]}},
                {"id": "body", "type": "body"},
            ],
            "links": [{"between": ["head", "body"], "interface": "mount"}],
        },
    ],
}


def _solve(placeable: list[dict[str, Any]], **request: Any) -> Any:
    data = copy.deepcopy(BASE)
    data["people"] = placeable
    catalog = catalog_from_data(data)
    req = request_from_data({"product": "s1", "candidates": 5, **request})
    solution = solve(catalog, req)
    assert verify_solution(catalog, req, solution) == []
    expected = [c.key(req) for c in candidate_classes(catalog, req)]
    assert [objective_key(c, req) for c in solution.candidates] == expected[: req.candidates]
    return solution


KIMURA = {"id": "kimura", "from": "bigco", "families": ["sensor"], "fee": 40, "integration_days": 3}


def test_a_placement_makes_a_processing_sme_the_hub() -> None:
    """The processor maker develops nothing; with kimura placed it leads, the cheapest hub (design fee 50)."""
    best = _solve([KIMURA]).candidates[0]
    assert (best.hub, best.person) == ("maker", "kimura")
    assert best.cost_breakdown.people == Decimal(40)
    # design fee 50 + the bridge of the mismatched mount 100: the integration term; the fee apart
    assert best.cost_breakdown.integration == Decimal(150)


def test_people_false_places_nobody() -> None:
    solution = _solve([KIMURA], people=False)
    assert all(c.person is None and c.hub == "dev" for c in solution.candidates)


def test_via_needs_the_hub_to_be_a_member() -> None:
    solution = _solve([{**KIMURA, "via": "assoc"}])
    assert ("maker", "kimura") in {(c.hub, c.person) for c in solution.candidates}
    data = copy.deepcopy(BASE)
    data["intermediaries"][0]["members"] = ["dev"]
    data["people"] = [{**KIMURA, "via": "assoc"}]
    catalog = catalog_from_data(data)
    req = request_from_data({"product": "s1", "candidates": 5})
    assert {(c.hub, c.person) for c in solve(catalog, req).candidates} == {("dev", None), ("dev", "kimura")}


def test_available_day_delays_integration_and_the_person_days_replace_the_hub() -> None:
    solution = _solve([{**KIMURA, "available_day": 40}], objective="lead_time")
    placed = [c for c in solution.candidates if c.person == "kimura"]
    assert placed and all(c.integration[0] >= 40 for c in placed)
    # at maker: 40 (available) + 3 (kimura's days) + 10 (the bridge) = 53
    assert min(c.lead_time for c in placed if c.hub == "maker") == 53


def test_the_person_bridging_replaces_the_hub() -> None:
    solution = _solve([{**KIMURA, "bridging": Decimal("0.5")}])
    at_maker = next(c for c in solution.candidates if (c.hub, c.person) == ("maker", "kimura"))
    assert at_maker.cost_breakdown.integration == Decimal(50 + 50)  # design fee, bridge at half
    assert at_maker.lead_time - at_maker.integration[0] == 3 + 5  # kimura's days and ceil(10 * 0.5)


def test_a_catalog_without_people_has_neither_key() -> None:
    data = copy.deepcopy(BASE)
    catalog = catalog_from_data(data)
    solution = solve(catalog, request_from_data({"product": "s1"}))
    entry = solution.candidates[0].to_dict()
    assert "person" not in entry and "people" not in entry["cost_breakdown"]


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        ({"from": "nobody"}, "people[0].from", "unknown organization"),
        ({"families": ["sensr"]}, "people[0].families[0]", "unknown product family"),
        ({"via": "nowhere"}, "people[0].via", "unknown intermediary"),
    ],
)
def test_people_cross_references_are_located(change: dict[str, Any], place: str, words: str) -> None:
    data = copy.deepcopy(BASE)
    data["people"] = [{**KIMURA, **change}]
    with pytest.raises(CrossReferenceError) as raised:
        catalog_from_data(data)
    assert any(issue.path == place and words in issue.message for issue in raised.value.issues)


def test_the_verifier_refuses_a_person_who_cannot_lead() -> None:
    data = copy.deepcopy(BASE)
    data["people"] = [KIMURA]
    catalog = catalog_from_data(data)
    req = request_from_data({"product": "s1"})
    solution = solve(catalog, req).to_dict()
    entry = next(c for c in solution["candidates"] if (c["hub"], c["person"]) == ("maker", "kimura"))
    entry["person"] = None  # maker then leads without developing the family
    assert any("does not develop" in p for p in verify_solution(catalog, req, solution))
    forbidden = request_from_data({"product": "s1", "people": False})
    entry["person"] = "kimura"
    assert any("people: false" in p for p in verify_solution(catalog, forbidden, solution))


# --------------------------------------------------------------------------- the analysis


def test_people_value_on_the_example_matches_brute_force() -> None:
    from modcluster import load_catalog
    from modcluster.analysis import people_value
    from modcluster.domain import default_request

    catalog = load_catalog("catalogs/examples/people.yaml")
    value = people_value(catalog)
    request = default_request(catalog, "gap-sensor")
    without = candidate_classes(catalog, request.with_changes(people=False))[0]
    for row in value.effects:
        alone = catalog.replace(people=tuple(p for p in catalog.people or () if p.id == row.person))
        best = candidate_classes(alone, request)[0]
        assert (row.cost_with, row.lead_with) == (best.cost, best.lead_time)
        assert (row.cost_without, row.lead_without) == (without.cost, without.lead_time)
        assert row.effect == "improves" and row.hub == best.hub and best.person == row.person and row.proven
    assert {(r.person, r.hub, r.saving) for r in value.effects} == {
        ("kimura", "mitaka-optics", Decimal("630.00")),
        ("sato", "sagami-precision", Decimal("710.00")),
    }


def test_a_placement_that_unlocks_a_product() -> None:
    """Without its only developer nothing leads s1; kimura placed at maker does."""
    from modcluster.analysis import people_value

    data = copy.deepcopy(BASE)
    data["organizations"] = [o for o in data["organizations"] if o["id"] != "dev"]
    data["people"] = [KIMURA]
    value = people_value(catalog_from_data(data))
    (row,) = value.effects
    assert (row.effect, row.hub, row.cost_without, row.proven) == ("unlocks", "maker", None, True)
    assert value.to_dict()["people"] == [{"person": "kimura", "unlocks": ["s1"], "improves": []}]


def test_people_value_out_of_time_is_not_proven() -> None:
    from modcluster import load_catalog
    from modcluster.analysis import people_value

    value = people_value(load_catalog("catalogs/examples/people.yaml"), seconds=0)
    assert value.effects and not any(row.proven for row in value.effects)
    assert all(row.effect in ("unknown", "nothing", "improves") for row in value.effects)
    assert all(row.effect == "unknown" for row in value.effects if row.cost_with is None)


def test_people_command_prints_json(tmp_path: Any) -> None:
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "modcluster", "people", "catalogs/examples/people.yaml", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [p["person"] for p in data["people"]] == ["kimura", "sato"]
    assert all(e["effect"] == "improves" for e in data["effects"])


def test_the_generator_adds_people_and_keeps_the_rest_of_the_catalog() -> None:
    from modcluster import build_request
    from modcluster.generate import generate, spec_for

    plain = generate(spec_for("small"), seed=3)
    with_people = generate(spec_for("small", people=4), seed=3)
    assert "people" not in plain
    assert {k: v for k, v in with_people.items() if k != "people"} == plain
    assert generate(spec_for("small", people=4), seed=3) == with_people
    catalog = catalog_from_data(with_people)
    assert len(catalog.people or ()) == 4
    assert all(catalog.org_by_id[p.from_].kind == "enterprise" for p in catalog.people or ())
    for product in catalog.products:
        request = build_request(catalog, product.id)
        assert verify_solution(catalog, request, solve(catalog, request)) == []


def test_explain_names_a_placement_when_the_request_forbids_them() -> None:
    """Without its developer, s1 has no hub under people: false; explain says kimura at maker would lead."""
    from modcluster.analysis import explain
    from modcluster.report import render_diagnosis

    data = copy.deepcopy(BASE)
    data["organizations"] = [o for o in data["organizations"] if o["id"] != "dev"]
    data["people"] = [KIMURA]
    catalog = catalog_from_data(data)
    diagnosis = explain(catalog, request_from_data({"product": "s1", "people": False}))
    assert diagnosis.gaps and diagnosis.placement_status == "found"
    assert diagnosis.placement is not None and (diagnosis.placement.hub, diagnosis.placement.person) == (
        "maker",
        "kimura",
    )
    assert "kimura leading at maker" in render_diagnosis(diagnosis)
    assert diagnosis.to_dict()["placement"]["status"] == "found"
    # allowed already: nothing to add
    assert explain(catalog, request_from_data({"product": "s1"})).placement_status is None


def test_explain_says_when_placements_do_not_help() -> None:
    from modcluster.analysis import explain

    data = copy.deepcopy(BASE)
    data["people"] = [KIMURA]
    catalog = catalog_from_data(data)
    diagnosis = explain(catalog, request_from_data({"product": "s1", "people": False, "limits": {"deadline": 3}}))
    assert diagnosis.feasible is False and diagnosis.placement_status == "none"


def test_compare_shows_the_person_and_the_lines_add_up() -> None:
    from modcluster import build_request, load_catalog
    from modcluster.analysis import compare

    catalog = load_catalog("catalogs/examples/people.yaml")
    request = build_request(catalog, "gap-sensor")
    solution = solve(catalog, request)
    cmp = compare(catalog, request, list(solution.candidates[:2]))
    row = next(r for r in cmp.rows if r.label == "person placed")
    assert row.values == ("sato", "kimura") and row.money == (Decimal("400.00"), Decimal("600.00"))
    lines = [r for r in cmp.rows if r.label not in ("hub", "total cost", "total lead time")]
    for index, cand in enumerate(solution.candidates[:2]):
        assert sum((r.money[index] or Decimal(0)) for r in lines) == cand.cost


def test_the_summary_counts_hubs_and_placements_apart() -> None:
    from modcluster import load_catalog
    from modcluster.analysis import summarize

    (product,) = summarize(load_catalog("catalogs/examples/people.yaml"))["products"]
    assert (product["hubs"], product["placements"]) == (3, 6)  # 3 organisations; kimura and sato at each
    assert "placements" not in summarize(load_catalog("catalogs/examples/mini.yaml"))["products"][0]


def test_hub_keys_never_collide_with_an_organisation_id() -> None:
    """Ids may hold spaces, so a readable separator could make an organisation's id another option's key."""
    from modcluster.solver.rules.people import hub_key

    assert hub_key("dev with kimura", None) != hub_key("dev", "kimura")
    assert len({hub_key("a", None), hub_key("a", "b"), hub_key("a b", None)}) == 3
