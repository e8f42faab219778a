"""Tests of the independent verifier (modcluster.verify) and the brute-force reference (tests/bruteforce.py).

The expected figures are computed by hand in the comments, from MODEL.md.
"""

from __future__ import annotations

import copy
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modcluster.domain import (
    Capability,
    Catalog,
    Defaults,
    Interface,
    Intermediary,
    Limits,
    Link,
    Make,
    Module,
    ModuleOffer,
    Organization,
    ProcessOffer,
    Product,
    Relationship,
    Request,
    Requirement,
    Seed,
    Step,
    Technology,
    Weights,
    check_catalog,
)
from modcluster.errors import VerificationError
from modcluster.verify import (
    BuyChoice,
    MakeChoice,
    ModuleSource,
    check_solution,
    choices_of,
    evaluate_system,
    objective_tuple,
    system_problems,
    verify_solution,
)

try:  # tests/ importable as a package (python -m pytest from the project root)
    import tests.bruteforce  # noqa: F401
except ImportError:  # pragma: no cover - only tests/ itself is on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.bruteforce import (
    Buy,
    SystemResult,
    candidate_classes,
    enumerate_systems,
    min_lead_time,
    ranked_values,
    reference_solution,
)
from tests.profiles import examples
from tests.strategies import catalogs, requests

D = Decimal


def checked(catalog: Catalog) -> Catalog:
    return check_catalog(catalog)


def choices(system: SystemResult) -> dict[str, ModuleSource]:
    """The brute force's sources of a system as the verifier's choices."""
    return {
        module: BuyChoice(s.organization, s.offer) if isinstance(s, Buy) else MakeChoice(s.steps, s.seed)
        for module, s in system.sources
    }


# --------------------------------------------------------------------------- catalog 1: eligibility


def eligibility_catalog() -> Catalog:
    return checked(
        Catalog(
            defaults=Defaults(handover_days=2, onboarding_cost=D(300)),
            capabilities=(
                Capability(id="machining"),
                Capability(id="machining.5axis", parents=("machining",)),
                Capability(id="machining.5axis.fine", parents=("machining.5axis",)),
                Capability(id="plating"),
                Capability(id="assembly"),
                Capability(id="sensing"),
                Capability(id="sensing.tof", parents=("sensing",)),
            ),
            intermediaries=(Intermediary(id="tama", members=("H", "A", "F", "G"), onboarding_cost=D(80)),),
            relationships=(Relationship(between=("U", "H")),),
            organizations=(
                Organization(
                    id="H",
                    site="Hachioji",
                    develops=("gauge",),
                    design_fee=D(800),
                    integration_days=10,
                    processes=(ProcessOffer(capability="assembly", setup_cost=D(40), setup_days=5),),
                ),
                Organization(id="H2", site="Tokyo", develops=("gauge",)),
                # two levels below `machining`, tolerance 3 <= 5, max_lot 100 == quantity: eligible
                Organization(
                    id="A",
                    site="Hachioji",
                    processes=(
                        ProcessOffer(
                            capability="machining.5axis.fine",
                            setup_cost=D(50),
                            unit_cost=D("2.5"),
                            setup_days=3,
                            units_per_day=D(40),
                            max_lot=100,
                            attributes={"tolerance_um": D(3)},
                        ),
                    ),
                ),
                # tolerance 8 > max 5
                Organization(
                    id="B",
                    site="Hachioji",
                    processes=(ProcessOffer(capability="machining.5axis", attributes={"tolerance_um": D(8)}),),
                ),
                # max_lot 50 < quantity 100
                Organization(
                    id="C",
                    site="Hachioji",
                    processes=(ProcessOffer(capability="machining", max_lot=50, attributes={"tolerance_um": D(5)}),),
                ),
                # no tolerance attribute at all
                Organization(id="E", site="Hachioji", processes=(ProcessOffer(capability="machining"),)),
                Organization(
                    id="F",
                    site="Sagamihara",
                    processes=(
                        ProcessOffer(
                            capability="plating",
                            setup_cost=D(20),
                            unit_cost=D("0.4"),
                            setup_days=2,
                            attributes={"finish": "matte"},
                        ),
                        ProcessOffer(id="plating-satin", capability="plating", attributes={"finish": "satin"}),
                        ProcessOffer(id="plating-num", capability="plating", attributes={"finish": D(1)}),
                    ),
                ),
                # eligible, but has no site: any `sites` filter drops it
                Organization(
                    id="G", processes=(ProcessOffer(capability="machining", attributes={"tolerance_um": D(1)}),)
                ),
                # eligible, but excluded by the request
                Organization(
                    id="K",
                    site="Hachioji",
                    processes=(ProcessOffer(capability="plating", attributes={"finish": "gloss"}),),
                ),
                Organization(
                    id="U",
                    site="Sagamihara",
                    seeds=(
                        Seed(
                            id="s1",
                            technology="sensing.tof",
                            license_fee=D(1200),
                            transfer_days=30,
                            attributes={"trl": D(5)},
                        ),
                        Seed(id="s2", technology="sensing", attributes={"trl": D(3)}),
                        Seed(id="s3", technology="machining", attributes={"trl": D(9)}),
                        Seed(id="s4", technology="sensing", attributes={"trl": "high"}),
                    ),
                ),
            ),
            products=(
                Product(
                    id="P",
                    family="gauge",
                    modules=(
                        Module(
                            id="housing",
                            type="housing",
                            make=Make(
                                steps=(
                                    Step(capability="machining", require={"tolerance_um": Requirement(max=D(5))}),
                                    Step(capability="plating", require={"finish": Requirement(in_=("matte", "gloss"))}),
                                )
                            ),
                        ),
                        Module(
                            id="head",
                            type="head",
                            make=Make(
                                technology=Technology(capability="sensing", require={"trl": Requirement(min=D(4))}),
                                steps=(Step(capability="assembly"),),
                            ),
                        ),
                    ),
                ),
            ),
        )
    )


def eligibility_request(**changes: Any) -> Request:
    data: dict[str, Any] = {
        "product": "P",
        "quantity": 100,
        "sites": ["Hachioji", "Sagamihara"],
        "exclude": ["K"],
    }
    data.update(changes)
    return Request.model_validate(data)


GOOD_1 = {
    "housing": MakeChoice((("A", "machining.5axis.fine"), ("F", "plating"))),
    "head": MakeChoice((("H", "assembly"),), ("U", "s1")),
}


def test_eligibility_keeps_exactly_the_one_allowed_system() -> None:
    catalog, request = eligibility_catalog(), eligibility_request()
    systems = enumerate_systems(catalog, request)
    assert len(systems) == 1
    (system,) = systems
    assert system.hub == "H"
    assert choices(system) == GOOD_1


def test_eligibility_figures_by_hand() -> None:
    catalog, request = eligibility_catalog(), eligibility_request()
    figures = evaluate_system(catalog, request, "H", GOOD_1)
    # housing step 1 at A: 3 + ceil(100/40) = 6 days, 50 + 2.5*100 = 300
    # housing step 2 at F: 2 days (no units_per_day), 20 + 0.4*100 = 60
    # head seed s1 at U: 30 days, licence 1200
    # head step 1 at H: 5 days, 40
    # integration at H: 10 days, design fee 800, no links
    durations = {t.name: t.duration for t in figures.tasks}
    assert durations == {
        "module housing step 1": 6,
        "module housing step 2": 2,
        "module head seed": 30,
        "module head step 1": 5,
        "integration": 10,
    }
    # partners A, F (tama intermediary: 80 each), U (tie with H, given as [U, H]: none)
    assert figures.partners == ("A", "F", "U")
    assert figures.onboarding == (("A", D(80)), ("F", D(80)))
    assert figures.breakdown.integration == D(800)
    assert figures.breakdown.steps == D(400)  # 300 + 60 + 40
    assert figures.breakdown.licences == D(1200)
    assert figures.breakdown.onboarding == D(160)
    assert figures.cost == D("2560.00")  # 800 + 400 + 1200 + 160
    gaps = {(figures.tasks[p.before].name, figures.tasks[p.after].name): p.gap for p in figures.precedences}
    assert gaps == {
        ("module housing step 1", "module housing step 2"): 2,  # A -> F
        ("module housing step 2", "integration"): 2,  # F -> H
        ("module head seed", "module head step 1"): 2,  # U -> H
        ("module head step 1", "integration"): 0,  # H -> H: the hub needs no gap
    }
    # schedule: A [0,6), F [8,10) -> integration >= 12; U [0,30), H step [32,37) -> integration [37,47)
    (system,) = enumerate_systems(catalog, request)
    assert system.lead_time == 47
    assert system.cost == D("2560.00")
    assert ranked_values(catalog, request) == [(D("2560.00"), D(47))]


@pytest.mark.parametrize(
    ("housing", "head", "expected"),
    [
        (
            MakeChoice((("B", "machining.5axis"), ("F", "plating"))),
            None,
            "module housing step 1: offer 'machining.5axis' of 'B' does not meet the requirements {tolerance_um max 5}",
        ),
        (
            MakeChoice((("C", "machining"), ("F", "plating"))),
            None,
            "module housing step 1: offer 'machining' of 'C' has max_lot 50 < quantity 100",
        ),
        (MakeChoice((("E", "machining"), ("F", "plating"))), None, "does not meet the requirements"),
        (
            MakeChoice((("F", "plating"), ("F", "plating"))),
            None,
            "module housing step 1: offer 'plating' of 'F' is for 'plating', not 'machining' or a descendant of it",
        ),
        (
            MakeChoice((("A", "machining.5axis.fine"), ("F", "plating-satin"))),
            None,
            "module housing step 2: offer 'plating-satin' of 'F' does not meet the requirements "
            "{finish in ['matte', 'gloss']}",
        ),
        (MakeChoice((("A", "machining.5axis.fine"), ("F", "plating-num"))), None, "step 2: offer 'plating-num'"),
        (
            MakeChoice((("G", "machining"), ("F", "plating"))),
            None,
            "module housing step 1: organization 'G' has no site, outside the request's sites",
        ),
        (
            MakeChoice((("A", "machining.5axis.fine"), ("K", "plating"))),
            None,
            "module housing step 2: organization 'K' is excluded by the request",
        ),
        (None, MakeChoice((("H", "assembly"),), ("U", "s2")), "module head seed: seed 's2' of 'U' does not meet"),
        (None, MakeChoice((("H", "assembly"),), ("U", "s3")), "seed 's3' of 'U' is of 'machining', not 'sensing'"),
        (
            None,
            MakeChoice((("H", "assembly"),), ("U", "s4")),
            "seed 's4' of 'U' does not meet the requirements {trl min 4}",
        ),
        (None, MakeChoice((("H", "assembly"),), None), "module head seed: the module needs a seed of 'sensing'"),
        (None, BuyChoice("H", "head"), "module head: organization 'H' has no module offer 'head'"),
        (MakeChoice((("A", "machining.5axis.fine"),)), None, "module housing: 1 steps given, the module's make has 2"),
    ],
)
def test_ineligible_choices_are_named(housing: MakeChoice | None, head: Any, expected: str) -> None:
    catalog, request = eligibility_catalog(), eligibility_request()
    choices = dict(GOOD_1)
    if housing is not None:
        choices["housing"] = housing
    if head is not None:
        choices["head"] = head
    assert system_problems(catalog, request, "H", GOOD_1) == []
    problems = system_problems(catalog, request, "H", choices)
    assert any(expected in p for p in problems), problems


def test_hub_eligibility_and_filters() -> None:
    catalog = eligibility_catalog()
    request = eligibility_request()
    assert system_problems(catalog, request, "H2", GOOD_1) == [
        "hub: organization 'H2' is at 'Tokyo', outside the request's sites ['Hachioji', 'Sagamihara']"
    ]
    assert "does not develop the product family 'gauge'" in system_problems(catalog, request, "A", GOOD_1)[0]
    fixed = eligibility_request(hub="H2", sites=None)
    assert system_problems(catalog, fixed, "H", GOOD_1) == ["hub: the request fixes the hub to 'H2', not 'H'"]
    # without the filters: hubs H, H2 x step 1 A, G x step 2 F, K = 8 systems
    assert len(enumerate_systems(catalog, eligibility_request(sites=None, exclude=[]))) == 8
    assert len(enumerate_systems(catalog, fixed)) == 2  # hub H2 only; K excluded


def test_limits_require_and_max_partners() -> None:
    catalog = eligibility_catalog()
    open_request: dict[str, Any] = {"sites": None, "exclude": []}
    # G as a partner saves nothing over A but must take part
    with_g = enumerate_systems(catalog, eligibility_request(require=["G"], **open_request))
    housings = [choices(s)["housing"] for s in with_g]
    assert len(housings) == 4  # hubs H, H2 x plating F, K
    assert {h.steps[0][0] for h in housings if isinstance(h, MakeChoice)} == {"G"}
    # three partners at least (step 1, step 2, seed U): max_partners 2 leaves nothing
    assert enumerate_systems(catalog, eligibility_request(limits={"max_partners": 2})) == []
    assert enumerate_systems(catalog, eligibility_request(limits=Limits(budget=D("2559.99")))) == []
    assert len(enumerate_systems(catalog, eligibility_request(limits=Limits(budget=D("2560"))))) == 1
    assert enumerate_systems(catalog, eligibility_request(limits=Limits(deadline=46))) == []
    assert len(enumerate_systems(catalog, eligibility_request(limits=Limits(deadline=47)))) == 1
    everything = enumerate_systems(catalog, eligibility_request(limits=Limits(deadline=46)), within_limits=False)
    assert [s.limit_problems for s in everything] == [("lead time 47 > deadline 46",)]
    problems = system_problems(catalog, eligibility_request(require=["B"], limits=Limits(max_partners=2)), "H", GOOD_1)
    assert problems == ["partners: 3 partners exceed max_partners 2", "required organization 'B' takes no part"]


# --------------------------------------------------------------------------- catalog 2: hub-no-gap, zero-day, ranking


def small_catalog(extra_p: tuple[ProcessOffer, ...] = ()) -> Catalog:
    return checked(
        Catalog(
            defaults=Defaults(handover_days=2, onboarding_cost=D(300)),
            capabilities=(Capability(id="cut"), Capability(id="polish")),
            interfaces=(Interface(id="k", bridge_cost=D(30), bridge_days=2),),
            organizations=(
                Organization(
                    id="H",
                    develops=("f",),
                    design_fee=D(100),
                    integration_days=4,
                    house_variants={"k": "K1"},
                    processes=(
                        ProcessOffer(
                            capability="cut", setup_cost=D(50), unit_cost=D("2.5"), setup_days=3, units_per_day=D(40)
                        ),
                    ),
                ),
                Organization(
                    id="S",
                    modules=(ModuleOffer(type="clip", setup_cost=D(10), unit_cost=D("0.125"), variants={"k": "K1"}),),
                ),
                Organization(
                    id="P",
                    processes=(
                        ProcessOffer(capability="cut", unit_cost=D("0.005"), setup_days=1, units_per_day=D(30)),
                        *extra_p,
                    ),
                ),
            ),
            products=(
                Product(
                    id="Q",
                    family="f",
                    modules=(
                        Module(id="m1", type="frame", make=Make(steps=(Step(capability="cut"),))),
                        Module(id="m2", type="clip"),
                    ),
                    links=(Link(between=("m1", "m2"), interface="k"),),
                ),
            ),
        )
    )


def small_request(**changes: Any) -> Request:
    data: dict[str, Any] = {"product": "Q", "quantity": 100, "candidates": 3}
    data.update(changes)
    return Request.model_validate(data)


# System 1, hub H, m1 made by H, m2 bought from S:
#   m1 step at H: 3 + ceil(100/40) = 6 days [0,6); 50 + 2.5*100 = 300
#   m2 at S: 0 days (no units_per_day) at [0,0); 10 + 0.125*100 = 22.50
#   integration at H, 4 days: after m1 (same org, no gap) >= 6, after m2 (S, gap 2) >= 2 -> [6,10)
#   link m1-m2 k: house K1 vs S's K1 -> matched, no bridge
#   onboarding S: default 300; cost 100 + 300 + 22.50 + 300 = 722.50; lead time 10
# System 2, m1 made by P instead:
#   m1 step at P: 1 + ceil(100/30) = 5 days [0,5); 0.005*100 = 0.50
#   integration >= 5 + 2 -> [7,11); onboarding P, S: 600; cost 100 + 0.50 + 22.50 + 600 = 723.00; lead time 11
CAND_1: dict[str, Any] = {
    "rank": 1,
    "proven_optimal": True,
    "cost": 722.5,
    "lead_time": 10,
    "hub": "H",
    "partners": ["S"],
    "modules": [
        {
            "id": "m1",
            "source": "make",
            "steps": [{"capability": "cut", "organization": "H", "offer": "cut", "start": 0, "end": 6}],
            "seed": None,
        },
        {"id": "m2", "source": "buy", "organization": "S", "offer": "clip", "start": 0, "end": 0},
    ],
    "integration": {"start": 6, "end": 10},
    "links": [{"between": ["m1", "m2"], "interface": "k", "matched": True}],
    "cost_breakdown": {"integration": 100, "steps": 300, "modules": 22.5, "licences": 0, "onboarding": 300},
}
CAND_2: dict[str, Any] = {
    "rank": 2,
    "proven_optimal": True,
    "cost": 723,
    "lead_time": 11,
    "hub": "H",
    "partners": ["P", "S"],
    "modules": [
        {
            "id": "m1",
            "source": "make",
            "steps": [{"capability": "cut", "organization": "P", "offer": "cut", "start": 0, "end": 5}],
            "seed": None,
        },
        {"id": "m2", "source": "buy", "organization": "S", "offer": "clip", "start": 0, "end": 0},
    ],
    "integration": {"start": 7, "end": 11},
    "links": [{"between": ["m1", "m2"], "interface": "k", "matched": True}],
    "cost_breakdown": {"integration": 100, "steps": 0.5, "modules": 22.5, "licences": 0, "onboarding": 600},
}


def small_solution() -> dict[str, Any]:
    return {
        "schema": "modcluster/solution/1",
        "product": "Q",
        "quantity": 100,
        "objective": "cost",
        "status": "optimal",
        "candidates": [copy.deepcopy(CAND_1), copy.deepcopy(CAND_2)],
        "explanation": None,
    }


def test_small_catalog_by_hand() -> None:
    catalog, request = small_catalog(), small_request()
    assert ranked_values(catalog, request) == [(D("722.50"), D(10)), (D("723.00"), D(11))]
    lead = small_request(objective="lead_time")
    assert ranked_values(catalog, lead) == [(D(10), D("722.50")), (D(11), D("723.00"))]
    # weighted 1 * cost + 0.1 * lead time: 723.50 and 724.10
    weighted = small_request(objective="weighted", weights=Weights(cost=D(1), lead_time=D("0.1")))
    assert ranked_values(catalog, weighted) == [
        (D("723.50"), D("722.50"), D(10)),
        (D("724.10"), D("723.00"), D(11)),
    ]


def test_hand_written_solution_verifies_and_matches_bruteforce() -> None:
    catalog, request = small_catalog(), small_request()
    assert verify_solution(catalog, request, small_solution()) == []
    check_solution(catalog, request, small_solution())
    reference = reference_solution(catalog, request)
    data = json.loads(reference.to_json())
    del data["request"]
    assert data == small_solution()
    assert verify_solution(catalog, request, reference) == []


def test_decimal_money_and_solution_objects() -> None:
    catalog, request = small_catalog(), small_request()
    data = small_solution()
    data["candidates"][0]["cost"] = D("722.50")
    assert verify_solution(catalog, request, data) == []
    data["candidates"][0]["cost"] = D("722.500")  # exact value, trailing zero only: at most two decimals
    assert verify_solution(catalog, request, data) == []
    data["candidates"][0]["cost"] = D("722.501")
    assert "candidate 1: field 'cost' = 722.501 has more than two decimals" in verify_solution(catalog, request, data)


def tamper(change: Any, request: Request | None = None, catalog: Catalog | None = None) -> list[str]:
    data = small_solution()
    change(data)
    return verify_solution(catalog or small_catalog(), request or small_request(), data)


def test_wrong_cost_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][0]["cost"] = 722.51

    assert tamper(change) == ["candidate 1, cost: is 722.51, expected 722.50"]


def test_wrong_breakdown_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][1]["cost_breakdown"]["onboarding"] = 300

    problems = tamper(change)
    assert problems == [
        "candidate 2, cost_breakdown: onboarding is 300, expected 600.00 (onboarding P 300.00; onboarding S 300.00)"
    ]


def test_wrong_duration_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][0]["modules"][0]["steps"][0]["end"] = 5

    assert tamper(change) == [
        "candidate 1, module m1 step 1: runs from day 0 to day 5 (5 days) but takes 6 days",
    ]


def test_missing_handover_gap_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        cand = d["candidates"][1]
        cand["integration"] = {"start": 6, "end": 10}
        cand["lead_time"] = 10

    assert tamper(change) == [
        "candidate 2, integration: starts on day 6, but a handover gap of 2 days after module m1 step 1 ('P') "
        "ends on day 5: earliest day 7"
    ]


def test_hub_needs_no_gap_but_order_still_holds() -> None:
    def change(d: dict[str, Any]) -> None:
        cand = d["candidates"][0]
        cand["integration"] = {"start": 5, "end": 9}
        cand["lead_time"] = 9

    problems = tamper(change)
    assert (
        problems[0] == "candidate 1, integration: starts on day 5, but module m1 step 1 ends on day 6: earliest day 6"
    )
    # integration [5,9) and the step [0,6) overlap at the hub of capacity 1
    assert problems[1] == (
        "candidate 1, organization H: 2 tasks run on day 5 (module m1 step 1, integration); its capacity is 1"
    )


def test_lead_time_must_be_the_integration_end() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][1]["lead_time"] = 12

    assert tamper(change) == ["candidate 2, lead_time: is 12, but the integration ends on day 11"]


def test_wrong_matched_flag_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][0]["links"][0]["matched"] = False

    assert tamper(change) == ["candidate 1, link m1-m2 k: reported matched=False, but the variants are 'K1' and 'K1'"]


def test_unsorted_partners_are_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][1]["partners"] = ["S", "P"]

    assert tamper(change) == ["candidate 2, partners: ['S', 'P'] are not sorted by id"]

    def missing(d: dict[str, Any]) -> None:
        d["candidates"][1]["partners"] = ["S"]

    assert tamper(missing) == ["candidate 2, partners: reported ['S'], expected ['P', 'S']"]


def test_duplicate_candidates_are_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"][1] = copy.deepcopy(CAND_1) | {"rank": 2}

    assert tamper(change) == ["candidates 1 and 2 are the same system (same hub, sources, organisations and seeds)"]


def test_same_system_with_another_offer_of_the_same_org_is_a_duplicate() -> None:
    # P's second cut offer gives a system that differs only in the offer: the same candidate
    catalog = small_catalog((ProcessOffer(id="cut-b", capability="cut", setup_days=1),))

    def change(d: dict[str, Any]) -> None:
        d["candidates"].append(copy.deepcopy(CAND_2) | {"rank": 3})
        step = d["candidates"][2]["modules"][0]["steps"][0]
        step["offer"], step["end"] = "cut-b", 1
        d["candidates"][2] |= {"integration": {"start": 3, "end": 7}, "lead_time": 7, "cost": 722.5}
        d["candidates"][2]["cost_breakdown"]["steps"] = 0

    problems = tamper(change, catalog=catalog)
    assert "candidates 2 and 3 are the same system (same hub, sources, organisations and seeds)" in problems
    # and the bruteforce keeps one per class: (722.50, 7) from P's cut-b beats H's (722.50, 10)
    assert ranked_values(catalog, small_request()) == [(D("722.50"), D(7)), (D("722.50"), D(10))]


def test_wrong_order_is_reported() -> None:
    def change(d: dict[str, Any]) -> None:
        d["candidates"] = [copy.deepcopy(CAND_2) | {"rank": 1}, copy.deepcopy(CAND_1) | {"rank": 2}]

    assert tamper(change) == [
        "candidate 2 is better than candidate 1 under objective cost: (722.50, 10) < (723.00, 11)"
    ]

    def change_lead(d: dict[str, Any]) -> None:
        change(d)
        d["objective"] = "lead_time"

    assert tamper(change_lead, request=small_request(objective="lead_time")) == [
        "candidate 2 is better than candidate 1 under objective lead_time: (10, 722.50) < (11, 723.00)"
    ]


def test_ineligible_offer_is_reported() -> None:
    catalog = small_catalog(
        (
            ProcessOffer(
                id="cut-small", capability="cut", unit_cost=D("0.005"), setup_days=1, units_per_day=D(30), max_lot=50
            ),
            ProcessOffer(id="polish", capability="polish", unit_cost=D("0.005"), setup_days=1, units_per_day=D(30)),
        )
    )

    def small_lot(d: dict[str, Any]) -> None:
        d["candidates"][1]["modules"][0]["steps"][0]["offer"] = "cut-small"

    assert tamper(small_lot, catalog=catalog) == [
        "candidate 2, module m1 step 1: offer 'cut-small' of 'P' has max_lot 50 < quantity 100"
    ]

    def wrong_capability(d: dict[str, Any]) -> None:
        d["candidates"][1]["modules"][0]["steps"][0]["offer"] = "polish"

    assert tamper(wrong_capability, catalog=catalog) == [
        "candidate 2, module m1 step 1: offer 'polish' of 'P' is for 'polish', not 'cut' or a descendant of it"
    ]

    def unknown_offer(d: dict[str, Any]) -> None:
        d["candidates"][1]["modules"][1]["offer"] = "nope"

    assert tamper(unknown_offer) == ["candidate 2, module m2: organization 'S' has no module offer 'nope'"]

    def buys_a_made_only(d: dict[str, Any]) -> None:
        d["candidates"][1]["modules"][1]["organization"] = "H"
        d["candidates"][1]["modules"][1]["offer"] = "cut"

    assert "candidate 2, module m2: organization 'H' has no module offer 'cut'" in tamper(buys_a_made_only)


def test_capacity_overlap_is_reported() -> None:
    catalog, request = capacity_catalog(1), capacity_request()
    data = json.loads(reference_solution(catalog, request).to_json())
    assert verify_solution(catalog, request, data) == []
    cand = data["candidates"][0]
    # move b next to a.x at S: x [0,2), b [0,7); a.y [3,7) at T; integration [8,10): a lead time of 10
    buy = cand["modules"][1]
    buy["start"], buy["end"] = 0, 7
    cand["integration"] = {"start": 8, "end": 10}
    cand["lead_time"] = 10
    assert verify_solution(catalog, request, data) == [
        "candidate 1, organization S: 2 tasks run on day 0 (module a step 1, module b); its capacity is 1"
    ]


def test_status_rank_and_count_are_checked() -> None:
    catalog, request = small_catalog(), small_request()

    def unproven_second(d: dict[str, Any]) -> None:
        d["candidates"][1]["proven_optimal"] = False

    assert tamper(unproven_second) == ["status: is 'optimal' but candidates [2] are not proven optimal"]

    def feasible(d: dict[str, Any]) -> None:
        d["candidates"][1]["proven_optimal"] = False
        d["status"] = "feasible"

    assert tamper(feasible) == []

    def proven_after_unproven(d: dict[str, Any]) -> None:
        d["candidates"][0]["proven_optimal"] = False
        d["status"] = "feasible"

    assert tamper(proven_after_unproven) == ["candidate 2 is proven optimal after an unproven candidate"]

    def feasible_all_proven(d: dict[str, Any]) -> None:
        d["status"] = "feasible"

    # 2 proven of 3 asked: the clock may have stopped the search for the third, so 'feasible' is honest.
    assert tamper(feasible_all_proven) == []
    assert tamper(feasible_all_proven, request=small_request(candidates=2)) == [
        "status: is 'feasible' but every one of the k candidates is proven optimal"
    ]

    def infeasible(d: dict[str, Any]) -> None:
        d["status"] = "infeasible"

    assert tamper(infeasible) == ["status: is 'infeasible' but 2 candidates are listed"]

    def empty_optimal(d: dict[str, Any]) -> None:
        d["candidates"] = []

    assert tamper(empty_optimal) == ["status: is 'optimal' but no candidate is listed"]

    def empty_infeasible(d: dict[str, Any]) -> None:
        d["candidates"], d["status"] = [], "infeasible"

    assert tamper(empty_infeasible) == []

    def bad_rank(d: dict[str, Any]) -> None:
        d["candidates"][1]["rank"] = 3

    assert tamper(bad_rank) == ["candidate 2 has rank 3, expected 2"]
    assert tamper(lambda d: None, request=small_request(candidates=1)) == [
        "candidates: 2 candidates, the request asks for at most 1"
    ]

    def header(d: dict[str, Any]) -> None:
        d["quantity"], d["objective"], d["product"] = 99, "lead_time", "X"

    assert tamper(header) == [
        "product: is 'X', the request asks for 'Q'",
        "quantity: is 99, the request asks for 100",
        "objective: is 'lead_time', the request asks for 'cost'",
    ]
    with pytest.raises(VerificationError) as info:
        check_solution(catalog, request, small_solution() | {"status": "unknown"})
    assert info.value.problems == ("status: is 'unknown' but 2 candidates are listed",)


def test_limits_are_checked() -> None:
    request = small_request(limits=Limits(budget=D("722.99"), deadline=10, max_partners=1))
    problems = tamper(lambda d: None, request=request)
    assert problems == [
        "candidate 2, partners: 2 partners exceed max_partners 1",
        "candidate 2, cost: cost 723.00 exceeds the budget 722.99",
        "candidate 2, lead_time: 11 exceeds the deadline 10",
    ]
    assert tamper(lambda d: None, request=small_request(require=["P"])) == [
        "candidate 1: required organization 'P' takes no part"
    ]
    assert tamper(lambda d: None, request=small_request(exclude=["P"])) == [
        "candidate 2, module m1 step 1: organization 'P' is excluded by the request"
    ]


def test_module_shape_problems() -> None:
    def swapped(d: dict[str, Any]) -> None:
        d["candidates"][0]["modules"].reverse()

    assert tamper(swapped) == ["candidate 1, modules: not in product order: ['m2', 'm1'], expected ['m1', 'm2']"]

    def missing(d: dict[str, Any]) -> None:
        del d["candidates"][0]["modules"][1]

    assert tamper(missing) == ["candidate 1, modules: missing ['m2']"]

    def wrong_capability_name(d: dict[str, Any]) -> None:
        d["candidates"][0]["modules"][0]["steps"][0]["capability"] = "polish"

    assert tamper(wrong_capability_name) == ["candidate 1, module m1 step 1: capability 'polish', expected 'cut'"]

    def junk(d: dict[str, Any]) -> None:
        d["candidates"][0]["modules"][1]["start"] = "0"
        d["candidates"][0]["cost"] = "722.5"

    assert tamper(junk) == [
        "candidate 1: field 'cost' must be a number, got '722.5'",
        "candidate 1, module m2: field 'start' must be a whole number, got '0'",
    ]

    def make_a_bought_only(d: dict[str, Any]) -> None:
        d["candidates"][0]["modules"][1] = {"id": "m2", "source": "make", "steps": [], "seed": None}

    assert "candidate 1, module m2: module 'm2' has no make: it must be bought" in tamper(make_a_bought_only)


def test_embedded_request_must_match() -> None:
    catalog, request = small_catalog(), small_request()
    data = small_solution() | {"request": request.model_dump(by_alias=True)}
    assert verify_solution(catalog, request, data) == []
    data["request"] = request.model_dump(mode="json", by_alias=True)  # money as strings
    assert verify_solution(catalog, request, data) == []
    data["request"]["quantity"] = 5
    assert verify_solution(catalog, request, data) == ["request: quantity is 5, the request has 100"]


def test_choices_of_reads_candidates() -> None:
    hub, sources = choices_of(CAND_2)
    assert hub == "H"
    assert sources == {"m1": MakeChoice((("P", "cut"),)), "m2": BuyChoice("S", "clip")}
    with pytest.raises(VerificationError):
        choices_of({"hub": "H"})


# --------------------------------------------------------------------------- catalog 3: capacity


def capacity_catalog(capacity: int) -> Catalog:
    return checked(
        Catalog(
            defaults=Defaults(handover_days=1),
            capabilities=(Capability(id="x"), Capability(id="y")),
            relationships=(Relationship(between=("H", "S")), Relationship(between=("H", "T"))),
            organizations=(
                Organization(id="H", develops=("f",), integration_days=2),
                Organization(
                    id="S",
                    capacity=capacity,
                    processes=(ProcessOffer(capability="x", setup_days=2),),
                    modules=(ModuleOffer(type="tb", setup_days=7), ModuleOffer(type="tc")),
                ),
                Organization(id="T", processes=(ProcessOffer(capability="y", setup_days=4),)),
            ),
            products=(
                Product(
                    id="R",
                    family="f",
                    modules=(
                        Module(id="a", type="ta", make=Make(steps=(Step(capability="x"), Step(capability="y")))),
                        Module(id="b", type="tb"),
                        Module(id="c", type="tc"),
                    ),
                ),
            ),
        )
    )


def capacity_request() -> Request:
    return Request(product="R", quantity=10)


def test_capacity_one_forces_sequential_tasks() -> None:
    # S, capacity 1: a.x (2 days), b (7 days) and c (0 days: takes no capacity). T: a.y (4 days). handover 1.
    #   a.x first: x [0,2), b [2,9); y [3,7); c [0,0) -> integration >= max(9+1, 7+1, 0+1) = 10 -> [10,12)
    #   b first:   b [0,7), x [7,9); y [10,14) -> integration >= 15 -> 17
    # capacity 2: x [0,2), b [0,7) in parallel, y [3,7) -> integration >= 8 -> [8,10)
    (one,) = enumerate_systems(capacity_catalog(1), capacity_request())
    assert one.lead_time == 12
    names = [t.name for t in one.tasks]
    starts = dict(zip(names, one.starts, strict=True))
    assert starts == {"module a step 1": 0, "module a step 2": 3, "module b": 2, "module c": 0, "integration": 10}
    (two,) = enumerate_systems(capacity_catalog(2), capacity_request())
    assert two.lead_time == 10
    assert one.cost == two.cost == D(0)


def test_min_lead_time_directly() -> None:
    # two 3-day tasks of one organisation (capacity 1) then a 1-day sink elsewhere, gap 2
    assert min_lead_time([3, 3, 1], ["s", "s", "h"], {"s": 1, "h": 1}, [(0, 2, 2), (1, 2, 2)], 2) == (9, (0, 3, 8))
    # capacity 2: in parallel
    assert min_lead_time([3, 3, 1], ["s", "s", "h"], {"s": 2, "h": 1}, [(0, 2, 2), (1, 2, 2)], 2)[0] == 6
    # a zero-day task fits inside a busy period and still imposes its gap
    assert min_lead_time([5, 0, 1], ["s", "s", "h"], {"s": 1, "h": 1}, [(0, 2, 0), (1, 2, 3)], 2) == (6, (0, 0, 5))


# --------------------------------------------------------------------------- catalog 4: bridging


def bridging_catalog() -> Catalog:
    return checked(
        Catalog(
            defaults=Defaults(handover_days=1),
            capabilities=(Capability(id="c"),),
            interfaces=(
                Interface(id="k1", bridge_cost=D(100), bridge_days=10),
                Interface(id="k2", bridge_cost=D("199.99"), bridge_days=5),
            ),
            relationships=(Relationship(between=("S", "H")),),
            organizations=(
                Organization(
                    id="H",
                    develops=("f",),
                    integration_days=3,
                    bridging=D("0.7"),
                    house_variants={"k1": "A"},
                    processes=(ProcessOffer(capability="c"),),
                ),
                Organization(
                    id="S",
                    modules=(
                        ModuleOffer(type="t2", variants={"k1": "B", "k2": "X"}),
                        ModuleOffer(type="t3", variants={"k1": "A"}),
                    ),
                ),
            ),
            products=(
                Product(
                    id="B",
                    family="f",
                    modules=(
                        Module(id="m1", type="t1", make=Make(steps=(Step(capability="c"),))),
                        Module(id="m2", type="t2"),
                        Module(id="m3", type="t3"),
                        Module(id="m4", type="t4", make=Make(steps=(Step(capability="c"),))),
                    ),
                    links=(
                        Link(between=("m1", "m2"), interface="k1"),
                        Link(between=("m2", "m3"), interface="k2"),
                        Link(between=("m1", "m3"), interface="k1"),
                        Link(between=("m1", "m4"), interface="k2"),
                        Link(between=("m4", "m1"), interface="k1"),
                    ),
                ),
            ),
        )
    )


def test_bridging_with_the_hubs_factor() -> None:
    # m1, m4 made (hub's house variants: k1 A, no k2); m2 bought (k1 B, k2 X); m3 bought (k1 A)
    #   m1-m2 k1: A vs B   -> bridge: ceil(10 * 0.7) = 7 days (exactly 7, not 8), 100 * 0.7 = 70.00
    #   m2-m3 k2: X vs -   -> bridge: ceil(5 * 0.7 = 3.5) = 4 days, 199.99 * 0.7 = 139.993 -> 139.99
    #   m1-m3 k1: A vs A   -> matched
    #   m1-m4 k2: - vs -   -> both made, the hub has no k2 house variant: bridge 4 days, 139.99
    #   m4-m1 k1: A vs A   -> matched (both made, the hub has k1)
    # integration 3 + 7 + 4 + 4 = 18 days; cost 70 + 139.99 + 139.99 = 349.98
    # m2, m3 at S (0 days, gap 1), m1, m4 at H (0 days, no gap): integration [1, 19)
    catalog, request = bridging_catalog(), Request(product="B", quantity=7)
    choices: list[ModuleSource] = [
        MakeChoice((("H", "c"),)),
        BuyChoice("S", "t2"),
        BuyChoice("S", "t3"),
        MakeChoice((("H", "c"),)),
    ]
    figures = evaluate_system(catalog, request, "H", choices)
    assert [lk.matched for lk in figures.links] == [False, False, True, False, True]
    assert [lk.variants for lk in figures.links] == [("A", "B"), ("X", None), ("A", "A"), (None, None), ("A", "A")]
    assert figures.integration_days == 18
    assert [(t.place, t.amount) for t in figures.terms if t.kind == "integration"] == [
        ("design fee", D("0.00")),
        ("bridge m1-m2 k1", D("70.00")),
        ("bridge m2-m3 k2", D("139.99")),
        ("bridge m1-m4 k2", D("139.99")),
    ]
    assert figures.cost == D("349.98")
    assert figures.partners == ("S",) and figures.onboarding == ()  # tie given as [S, H]
    (system,) = enumerate_systems(catalog, request)
    assert system.lead_time == 19
    assert verify_solution(catalog, request, reference_solution(catalog, request)) == []


# --------------------------------------------------------------------------- catalog 5: onboarding and rounding


def onboarding_catalog() -> Catalog:
    return checked(
        Catalog(
            defaults=Defaults(onboarding_cost=D(300)),
            intermediaries=(
                Intermediary(id="I1", members=("H", "P2"), onboarding_cost=D(120)),
                Intermediary(id="I2", members=("P2", "H", "P4"), onboarding_cost=D(80)),
                Intermediary(id="I3", members=("H", "P4"), onboarding_cost=D(500)),
                Intermediary(id="I4", members=("P3",), onboarding_cost=D(1)),
            ),
            relationships=(Relationship(between=("P1", "H")),),
            organizations=(
                Organization(id="H", develops=("f",), modules=(ModuleOffer(type="t0", unit_cost=D("0.005")),)),
                Organization(id="P1", modules=(ModuleOffer(type="t1", unit_cost=D("0.005")),)),
                Organization(id="P2", modules=(ModuleOffer(type="t2"),)),
                Organization(id="P3", modules=(ModuleOffer(type="t3"),)),
                Organization(id="P4", modules=(ModuleOffer(type="t4"),)),
                Organization(id="P5", modules=(ModuleOffer(type="t5"),)),
            ),
            products=(
                Product(
                    id="O",
                    family="f",
                    modules=tuple(Module(id=f"m{i}", type=f"t{i}") for i in range(5)),
                ),
            ),
        )
    )


def test_onboarding_via_intermediary_default_tie_and_hub() -> None:
    # P1: tie (given as [P1, H]) -> none; P2: shared I1 120 and I2 80 -> the lowest, 80;
    # P3: shares nothing with H (I4 has only P3) -> default 300; P4: shares I2 80 and I3 500 -> 80.
    # H buys m0 from itself: not a partner, no onboarding, still pays its price.
    # quantity 1: m0 and m1 cost 0.005 each, rounded on their own: 0.01 + 0.01 = 0.02 (not 0.01)
    catalog, request = onboarding_catalog(), Request(product="O", quantity=1)
    choices = [BuyChoice(o, f"t{i}") for i, o in enumerate(["H", "P1", "P2", "P3", "P4"])]
    figures = evaluate_system(catalog, request, "H", choices)
    assert figures.partners == ("P1", "P2", "P3", "P4")
    assert figures.onboarding == (("P2", D(80)), ("P3", D(300)), ("P4", D(80)))
    assert figures.breakdown.modules == D("0.02")
    assert figures.cost == D("460.02")


def test_onboarding_is_read_literally_above_the_default() -> None:
    catalog = onboarding_catalog().model_copy(
        update={
            "intermediaries": (Intermediary(id="I3", members=("H", "P4"), onboarding_cost=D(500)),),
        }
    )
    figures = evaluate_system(
        catalog, Request(product="O"), "H", [BuyChoice(o, f"t{i}") for i, o in enumerate(["H", "P1", "P2", "P3", "P4"])]
    )
    assert dict(figures.onboarding) == {"P2": D(300), "P3": D(300), "P4": D(500)}


def test_two_modules_of_one_offer_and_one_seed_pay_twice() -> None:
    catalog = checked(
        Catalog(
            defaults=Defaults(handover_days=1),
            capabilities=(Capability(id="tech"),),
            relationships=(Relationship(between=("H", "S")),),
            organizations=(
                Organization(id="H", develops=("f",), integration_days=1),
                Organization(
                    id="S",
                    modules=(ModuleOffer(type="t", setup_cost=D("0.004"), unit_cost=D("0.001"), setup_days=2),),
                    seeds=(Seed(id="s", technology="tech", license_fee=D("10.005"), transfer_days=3),),
                ),
            ),
            products=(
                Product(
                    id="T",
                    family="f",
                    modules=(
                        Module(id="a", type="t"),
                        Module(id="b", type="t"),
                        Module(id="c", type="u", make=Make(technology=Technology(capability="tech"))),
                        Module(id="d", type="u", make=Make(technology=Technology(capability="tech"))),
                    ),
                ),
            ),
        )
    )
    # quantity 1: a, b 0.004 + 0.001 = 0.005 -> 0.01 each; licences 10.005 -> 10.01 each.
    # S (capacity 1) runs a [0,2), b [2,4), c seed [4,7), d seed [7,10) in some order:
    # 2 + 2 + 3 + 3 = 10 days, integration >= 10 + 1 -> [11, 12)
    request = Request(product="T", quantity=1)
    (system,) = enumerate_systems(catalog, request)
    assert system.breakdown["modules"] == D("0.02")
    assert system.breakdown["licences"] == D("20.02")
    assert system.cost == D("20.04")
    assert system.lead_time == 12
    assert verify_solution(catalog, request, reference_solution(catalog, request)) == []


# --------------------------------------------------------------------------- consistency on random catalogs


def _catalog(data: dict[str, Any]) -> Catalog:
    return Catalog.model_validate(data)


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_reference_solutions_verify_on_random_catalogs(data: st.DataObject) -> None:
    raw = data.draw(catalogs(max_orgs=3, max_modules=2))
    catalog = _catalog(raw)
    request = Request.model_validate(data.draw(requests(raw)))
    every = enumerate_systems(catalog, request, within_limits=False)
    for system in every:
        problems = system_problems(catalog, request, system.hub, choices(system))
        limit_free = [p for p in problems if not p.startswith(("partners:", "cost:")) and "takes no part" not in p]
        assert limit_free == []
        assert bool([p for p in system.limit_problems if "deadline" not in p]) == bool(problems)
    solution = reference_solution(catalog, request)
    assert verify_solution(catalog, request, solution) == []
    assert verify_solution(catalog, request, json.loads(solution.to_json())) == []
    keys = [objective_tuple(request, c.cost, c.lead_time) for c in solution.candidates]
    assert keys == ranked_values(catalog, request)[: request.candidates]
    assert len(candidate_classes(catalog, request)) >= len(solution.candidates)


def _exhaustive_makespan(
    durations: list[int], orgs: list[str], caps: dict[str, int], precs: list[tuple[int, int, int]]
) -> int:
    """Every start vector within a safe horizon (the sink is the last task)."""
    n = len(durations)
    sink = n - 1
    horizon = sum(durations) + sum(g for _, _, g in precs) + 1
    best = [10**9]
    starts: list[int] = []

    def ok(t: int, s: int) -> bool:
        for a, b, g in precs:
            if b == t and s < starts[a] + durations[a] + g:
                return False
        if durations[t]:
            for day in range(s, s + durations[t]):
                used = sum(
                    1
                    for u in range(t)
                    if orgs[u] == orgs[t] and durations[u] and starts[u] <= day < starts[u] + durations[u]
                )
                if used >= caps[orgs[t]]:
                    return False
        return True

    def rec(t: int) -> None:
        if t == n:
            best[0] = min(best[0], starts[sink] + durations[sink])
            return
        for s in range(horizon + 1):
            if ok(t, s):
                starts.append(s)
                rec(t + 1)
                starts.pop()
                if t == sink:
                    return

    rec(0)
    return best[0]


@settings(max_examples=examples(80))
@given(
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from("ab")), min_size=1, max_size=3),
    st.integers(1, 2),
    st.integers(0, 2),
    st.data(),
)
def test_min_lead_time_matches_time_indexed_search(
    tasks: list[tuple[int, str]], capacity: int, gap: int, data: st.DataObject
) -> None:
    # tasks in index order; each may depend on one earlier task; all precede the sink (org "a")
    durations = [d for d, _ in tasks] + [data.draw(st.integers(0, 2))]
    orgs = [o for _, o in tasks] + ["a"]
    sink = len(tasks)
    precs = []
    for t in range(1, len(tasks)):
        if data.draw(st.booleans()):
            a = data.draw(st.integers(0, t - 1))
            precs.append((a, t, gap if orgs[a] != orgs[t] else 0))
    precs += [(t, sink, gap if orgs[t] != "a" else 0) for t in range(len(tasks))]
    caps = {"a": capacity, "b": 1}
    value, starts = min_lead_time(durations, orgs, caps, precs, sink)
    assert value == _exhaustive_makespan(durations, orgs, caps, precs)
    assert starts[sink] + durations[sink] == value


def test_verifier_does_not_import_the_solver() -> None:
    import ast

    import modcluster.verify

    package = Path(modcluster.verify.__file__).parent
    files = sorted(package.glob("*.py"))
    assert len(files) > 1  # the package's modules, not just its __init__
    imported: set[str] = set()
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "modcluster.verify.figures" in imported  # the walk sees the modules' own imports
    assert not [m for m in imported if m.startswith(("modcluster.solver", "ortools"))]
