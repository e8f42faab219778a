"""Analyses on hand-built catalogs whose answers are known, and properties on random ones."""

from __future__ import annotations

import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, load_catalog, request_from_data, solve, verify_solution
from modcluster.analysis import (
    cluster_gaps,
    compare,
    critical_organizations,
    explain,
    intermediary_value,
    pareto_front,
    resilience,
)
from modcluster.domain import Catalog, Request, Solution, Status
from tests.bruteforce import enumerate_systems, ranked_values
from tests.profiles import examples
from tests.strategies import catalogs, requests


def two_way_catalog() -> dict[str, Any]:
    """Hub h buys module m from slow-cheap s1 (100, 20 days) or fast-dear s2 (200, 10 days).

    Nothing else costs (no design fee, no onboarding) and integration takes 0
    days, so the systems are exactly (100.00, 20), (200.00, 10), and with s3
    (250.00, 12), which s2 dominates.
    """
    return {
        "organizations": [
            {"id": "h", "develops": ["f"]},
            {"id": "s1", "site": "Ome", "modules": [{"type": "t", "setup_cost": 100, "setup_days": 20}]},
            {"id": "s2", "site": "Fuchu", "modules": [{"type": "t", "setup_cost": 200, "setup_days": 10}]},
            {"id": "s3", "site": "Fuchu", "modules": [{"type": "t", "setup_cost": 250, "setup_days": 12}]},
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "m", "type": "t"}]}],
    }


def test_minimal_conflict_and_relaxations_by_hand() -> None:
    catalog = catalog_from_data(two_way_catalog())
    request = request_from_data({"product": "p", "limits": {"budget": 150, "deadline": 15, "max_partners": 1},
                                 "exclude": ["s3"]})  # fmt: skip
    d = explain(catalog, request)
    assert not d.feasible and not d.gaps
    assert d.conflict == ("budget 150", "deadline 15 days") and d.conflict_minimal
    least = {r.limit: r.least for r in d.relaxations}
    # deadline 15 keeps only s2 (200); budget 150 keeps only s1 (20 days); max_partners: budget and deadline conflict.
    assert least == {"budget": Decimal("200.00"), "deadline": 20, "max_partners": None}
    budget = next(r for r in d.relaxations if r.limit == "budget")
    assert budget.candidate is not None and budget.candidate.partners == ("s2",)


def test_static_gap_near_miss_in_user_terms() -> None:
    data = two_way_catalog()
    for org in data["organizations"][1:]:
        org["modules"][0]["max_lot"] = 300
    catalog = catalog_from_data(data)
    d = explain(catalog, request_from_data({"product": "p", "quantity": 500}))
    assert d.gaps and not d.conflict
    assert "largest max_lot among too-small offers is 300" in " ".join(d.gaps[0].near_misses)
    d = explain(catalog, request_from_data({"product": "p", "quantity": 5, "sites": ["Hachioji"]}))
    assert any("all are filtered out" in miss for g in d.gaps for miss in g.near_misses)


def test_pareto_front_by_hand() -> None:
    catalog = catalog_from_data(two_way_catalog())
    front = pareto_front(catalog, request_from_data({"product": "p"}))
    assert [(p.cost, p.lead_time) for p in front.points] == [(Decimal("100.00"), 20), (Decimal("200.00"), 10)]
    assert front.complete
    assert [p.candidate.partners for p in front.points] == [("s1",), ("s2",)]


def test_single_points_of_failure_by_hand() -> None:
    catalog = catalog_from_data(two_way_catalog())
    res = resilience(catalog, request_from_data({"product": "p"}))
    by_org = {d.organization: d for d in res.dropouts}
    assert by_org["h"].single_point_of_failure  # the only developer of family f
    assert not by_org["s1"].single_point_of_failure
    assert by_org["s1"].cost_delta == Decimal(100) and by_org["s1"].lead_time_delta == -10  # s2 replaces s1
    data = two_way_catalog()
    data["products"][0]["request"] = {"quantity": 1}
    assert critical_organizations(catalog_from_data(data)) == {"h": ["p"]}


def test_unlocking_addition_ranked_by_reach() -> None:
    data = two_way_catalog()
    data["capabilities"] = [{"id": "anodise"}, {"id": "coat"}]
    make = {"steps": [{"capability": "anodise", "require": {"um": {"max": 5}}}]}
    data["products"] = [
        {"id": "p1", "family": "f", "modules": [{"id": "a", "type": "x1", "make": make}], "request": {}},
        {"id": "p2", "family": "f", "modules": [{"id": "b", "type": "x2", "make": make}], "request": {}},
        {"id": "p3", "family": "f", "modules": [{"id": "c", "type": "x3", "make": {"steps": [{"capability": "coat"}]}}],
         "request": {}},
        {"id": "p4", "family": "f", "modules": [{"id": "m", "type": "t"}], "request": {}},
    ]  # fmt: skip
    gaps = cluster_gaps(catalog_from_data(data))
    assert gaps.buildable == ("p4",)
    assert [p for p, _ in gaps.blocked] == ["p1", "p2", "p3"]
    first = gaps.additions[0]
    assert (first.kind, first.what, first.requirement, first.unlocks) == (
        "process",
        "anodise",
        "um max 5",
        ("p1", "p2"),
    )
    assert {(a.kind, a.what, a.unlocks) for a in gaps.additions[1:]} == {
        ("module", "x1", ("p1",)), ("module", "x2", ("p2",)), ("module", "x3", ("p3",)), ("process", "coat", ("p3",)),
    }  # fmt: skip


def test_intermediary_value_by_hand() -> None:
    data = two_way_catalog()
    data["defaults"] = {"onboarding_cost": 300}
    data["intermediaries"] = [{"id": "tama", "members": ["h", "s1"], "onboarding_cost": 80}]
    data["products"][0]["request"] = {}
    value = intermediary_value(catalog_from_data(data))
    (p,) = value.products
    # with: s1 at 100 + 80 on-boarding = 180; without: s1 at 100 + 300 = 400 vs s2 at 200 + 300 = 500.
    assert (p.cost_with, p.cost_without, p.saving) == (Decimal("180.00"), Decimal("400.00"), Decimal("220.00"))
    assert p.introductions == (("h", "s1", "tama"),)


def test_compare_prices_each_difference() -> None:
    catalog = catalog_from_data(two_way_catalog())
    request = request_from_data({"product": "p"})
    solution = solve(catalog, request)
    cmp = compare(catalog, request, list(solution.candidates))
    module = next(r for r in cmp.rows if r.label == "module m")
    assert module.values == ("buy s1", "buy s2", "buy s3") and module.deltas == (Decimal(0), Decimal(100), Decimal(150))
    # the hub on-boards a different partner (each at the default cost 0), so that line differs too
    assert [r.label for r in cmp.differences] == ["module m", "onboarding", "total cost", "total lead time"]


# ---------------------------------------------------------------- properties on random instances

RULE_FIELDS = ("budget", "deadline", "max_partners")


def _restricted(request: Request, keep: set[str]) -> Request:
    """The request with only the rules named in ``keep`` (as explain names them) left in force."""
    limits = {f: getattr(request.limits, f) for f in RULE_FIELDS if f in keep}
    return request.with_changes(
        limits=limits,
        sites=request.sites if "sites" in keep else None,
        exclude=[o for o in request.exclude if f"exclude:{o}" in keep],
        require=[o for o in request.require if f"require:{o}" in keep],
        hub=request.hub if "hub" in keep else None,
    )


def _names(request: Request, texts: tuple[str, ...]) -> set[str]:
    names = set()
    for text in texts:
        word, _, rest = text.partition(" ")
        names.add(word if word in (*RULE_FIELDS, "sites", "hub") else f"{word}:{rest}")
    return names


@st.composite
def instances(draw: st.DrawFn) -> tuple[Catalog, Request]:
    data = draw(catalogs(max_orgs=3, max_modules=2))
    return catalog_from_data(data), request_from_data(draw(requests(data)))


@settings(max_examples=examples(100))
@given(instances())
def test_conflicts_are_minimal_and_relaxations_tight(instance: tuple[Catalog, Request]) -> None:
    check_explanation(instance)


def check_explanation(instance: tuple[Catalog, Request]) -> None:
    catalog, request = instance
    d = explain(catalog, request)
    feasible = bool(ranked_values(catalog, request))
    if d.gaps:
        assert not feasible and not d.feasible
    else:
        assert d.feasible == feasible
    if d.conflict:
        names = _names(request, d.conflict)
        assert not ranked_values(catalog, _restricted(request, names))
        for name in names:
            assert ranked_values(catalog, _restricted(request, names - {name})), f"{name} is not needed"
    for r in d.relaxations:
        field = {"budget": "budget", "deadline": "deadline", "max_partners": "max_partners"}[r.limit]
        limits = request.limits.model_dump()
        if r.least is None:
            limits[field] = None
            assert not ranked_values(catalog, request.with_changes(limits=limits))
            continue
        limits[field] = r.least
        assert ranked_values(catalog, request.with_changes(limits=limits)), f"{r.limit} {r.least} does not work"
        one_less = r.least - (Decimal("0.01") if field == "budget" else 1)
        if one_less >= 0:
            limits[field] = one_less
            assert not ranked_values(catalog, request.with_changes(limits=limits)), f"{r.limit} {one_less} works"


@settings(max_examples=examples(100))
@given(instances())
def test_pareto_front_equals_brute_force(instance: tuple[Catalog, Request]) -> None:
    check_front(instance)


def check_front(instance: tuple[Catalog, Request]) -> None:
    catalog, request = instance
    front = pareto_front(catalog, request)
    points = {(s.cost, s.lead_time) for s in enumerate_systems(catalog, request)}
    expected = sorted(p for p in points if not any(q != p and q[0] <= p[0] and q[1] <= p[1] for q in points))
    assert [(p.cost, p.lead_time) for p in front.points] == expected
    systems = {(s.cost, s.lead_time, len(s.partners)) for s in enumerate_systems(catalog, request)}
    expected3 = sorted(
        p for p in systems if not any(q != p and q[0] <= p[0] and q[1] <= p[1] and q[2] <= p[2] for q in systems)
    )
    front3 = pareto_front(catalog, request, partners=True)
    assert [(p.cost, p.lead_time, p.partners) for p in front3.points] == expected3
    for point in front.points:
        one = request.with_changes(candidates=1)
        candidate = replace(point.candidate, proven_optimal=False)
        solution = Solution(request.product, request.quantity, request.objective.value, Status.FEASIBLE, (candidate,))
        problems = verify_solution(catalog, one, solution)
        assert [p for p in problems if "rank" not in p and "objective" not in p] == []


def test_explain_refuses_figures_too_large_like_solve() -> None:
    from modcluster import ModelSizeError

    data = {
        "organizations": [
            {"id": "h", "develops": ["f"], "design_fee": Decimal(10) ** 15},
            {"id": "s", "modules": [{"type": "t", "unit_cost": Decimal(10) ** 15, "setup_days": 1}]},
        ],
        "products": [{"id": "p", "family": "f", "modules": [{"id": "m", "type": "t"}]}],
    }
    request = request_from_data({"product": "p", "quantity": 10**6, "objective": "lead_time"})
    with pytest.raises(ModelSizeError):
        explain(catalog_from_data(data), request)


@pytest.mark.parametrize("analysis", ["intermediaries", "gaps"])
def test_a_catalog_wide_analysis_shares_one_time_limit_among_its_solves(
    analysis: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each solve gets at most its even share of what is left, so the whole analysis keeps ``seconds``."""
    import sys

    from modcluster.engine import solve as real_solve

    module = sys.modules[
        "modcluster.analysis.intermediary" if analysis == "intermediaries" else "modcluster.analysis.gaps"
    ]
    handed: list[tuple[float, float]] = []  # (limit given, time left when given)
    seconds = 30.0
    began = time.monotonic()

    def watched(catalog: Catalog, request: Request, settings: object = None) -> Solution:
        handed.append((float(request.time_limit), seconds - (time.monotonic() - began)))
        return real_solve(catalog, request)

    monkeypatch.setattr(module, "solve", watched)
    catalog = load_catalog(Path(__file__).resolve().parent.parent / "catalogs" / "tama.yaml")
    if analysis == "intermediaries":
        intermediary_value(catalog, seconds=seconds)
        solves = 2 * len(catalog.products)
    else:
        cluster_gaps(catalog.without(["hino-micro-machining", "ebina-heat", "yamato-netsu"]), seconds=seconds)
        solves = len(catalog.products)  # the products share the time first, then the additions what is left
    assert handed, "no solve was made"
    first_limit, _ = handed[0]
    assert first_limit <= seconds / max(solves, 1) + 0.01, (first_limit, solves)
    assert all(limit <= max(left, 0.001) + 0.01 for limit, left in handed), "a solve was given more than what was left"
