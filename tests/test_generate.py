"""The synthetic cluster generator: valid, reproducible, solvable; and the exact pruning switches."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster import build_request, catalog_from_data, load_catalog, solve, verify_solution
from modcluster.domain import Objective, Status, check_catalog
from modcluster.errors import InputError
from modcluster.generate import (
    MAGNITUDES,
    MAX_POLICIES,
    OBJECTIVES,
    PRESETS,
    Spec,
    dump_catalog,
    generate,
    spec_for,
    write_catalog,
)
from modcluster.solver import SolverSettings, objective_key, run_search

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("preset", ["small", "medium"])
def test_preset_is_valid_and_every_default_request_solves(preset: str) -> None:
    catalog = catalog_from_data(generate(preset, seed=1))
    check_catalog(catalog)
    assert len(catalog.organizations) == PRESETS[preset].organizations
    assert len(catalog.products) == PRESETS[preset].products
    for product in catalog.products:
        assert product.request is not None and product.request.limits.budget is not None
        request = build_request(catalog, product.id, overrides={"candidates": 2})
        solution = solve(catalog, request)
        assert solution.status is Status.OPTIMAL, product.id
        assert verify_solution(catalog, request, solution) == []
        best, budget, deadline = solution.best, request.limits.budget, request.limits.deadline
        assert best is not None and budget is not None and deadline is not None
        assert best.cost <= budget and best.lead_time <= deadline


def test_same_seed_same_catalog_other_seed_other_catalog() -> None:
    assert dump_catalog(generate("small", seed=5), "json") == dump_catalog(generate("small", seed=5), "json")
    assert generate("small", seed=5) != generate("small", seed=6)


def test_tama_2002_has_the_associations_size() -> None:
    data = generate("tama-2002", seed=0)
    orgs = data["organizations"]
    assert len(orgs) == 495
    firms = [o for o in orgs if o.get("kind") in ("developer", "processor", "enterprise")]
    assert len(firms) == 271
    association = data["intermediaries"][0]
    assert len(association["members"]) == 495


def test_overrides_and_unknown_preset() -> None:
    spec = spec_for("medium", organizations=120, modules=4, products=None)
    assert (spec.organizations, spec.modules, spec.products) == (120, 4, PRESETS["medium"].products)
    with pytest.raises(InputError, match="unknown preset"):
        spec_for("gigantic")
    with pytest.raises(InputError, match="at least 5"):
        spec_for("small", organizations=2)


def test_tight_limits_are_still_feasible() -> None:
    catalog = catalog_from_data(generate(Spec(60, products=2, modules=5, tightness=1.0), seed=3))
    for product in catalog.products:
        solution = solve(catalog, build_request(catalog, product.id, overrides={"candidates": 1}))
        assert solution.status is Status.OPTIMAL


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_written_file_loads(tmp_path: Path, fmt: str) -> None:
    data = generate("small", seed=2)
    path = tmp_path / f"c.{fmt}"
    write_catalog(data, path)
    catalog = load_catalog(path)
    assert catalog == catalog_from_data(data)


def test_cli_generate(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "modcluster", "generate", "--preset", "small", "--seed", "1", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["name"] == "small (synthetic, seed 1)"
    assert load_catalog(out) == catalog_from_data(generate("small", seed=1))


# Regression fixture: SHA-256 digests of `dump_catalog(data, "json")` computed with the generator of
# commit 55215cb (`git show 55215cb:modcluster/generate.py`), before the money profiles and objectives were
# added: the default profile (`tama`, objective `cost`) must keep giving these catalogs byte for byte.
# Per (preset, seed): the catalog without the products' default requests, then the requests alone
# ({product id: request}). The requests' limits come from the greedy system of modcluster/solver/hint.py,
# so a change there alone moves only the second digest.
DEFAULT_PROFILE_DIGESTS = [
    (
        "small",
        0,
        "653c9c21fb2b4a82ccfd81dcf9d6f354b98b7150cb6de4c8da69e5b3be7bf46a",
        "b07891b69ed4a1441a8d57c32daf025efafb5d565311d53e34e1ff7d4d0df935",
    ),
    (
        "small",
        1,
        "050c347788de46d746ee68a8825bc7566280705a8f63701a96a1d2168ec41132",
        "b1b281838168e5f31337ef05c3d9d0b57cc2ab44e2bc8b9bfcfc5fdd8358cfcd",
    ),
    (
        "small",
        2,
        "1a8edcfb8c53c161b3a2931cc17f6293a1db9aba68936758906d4bfda762427f",
        "8b29ff2c72b01d6db449a45e3367244b88328fad94687425802969a546622551",
    ),
    (
        "medium",
        1,
        "085119256b0d1b518e759025e407c5bf7aa1332d5eb351acb2f50c1eb4f18cd9",
        "745052ae3ea374e7e6d530d53a2629abfbe4e9c65a72229038658e644f3a6d3d",
    ),
    (
        "tama-2002",
        0,
        "fc29dee98d89b19c43fdb709bb8e2b8444e1ad0013f99d25283cc00afb4f3daa",
        "0a47c49b1f60183e59da9ea98dc9054186e7050b21467e1cacde06673ff2d2b7",
    ),
]


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(dump_catalog(data, "json").encode()).hexdigest()


def _digests(data: dict[str, Any]) -> tuple[str, str]:
    """SHA-256 of the catalog without its default requests, and of the requests alone."""
    body = copy.deepcopy(data)
    requests = {product["id"]: product.pop("request") for product in body["products"]}
    return _digest(body), _digest(requests)


@pytest.mark.parametrize(("preset", "seed", "catalog_digest", "requests_digest"), DEFAULT_PROFILE_DIGESTS)
def test_default_profile_is_unchanged(preset: str, seed: int, catalog_digest: str, requests_digest: str) -> None:
    """The default money profile and objective give the catalogs they gave before there were others."""
    default = generate(preset, seed=seed)
    assert _digests(default) == (catalog_digest, requests_digest)
    explicit = generate(spec_for(preset, magnitude="tama", objective="cost"), seed=seed)
    assert dump_catalog(explicit, "json") == dump_catalog(default, "json")
    assert dump_catalog(explicit, "yaml") == dump_catalog(default, "yaml")


def _greedy_cost(catalog: Any, product: str, quantity: int) -> Decimal:
    """Cost of the greedy system the generator sets the default limits from."""
    from modcluster.io import request_from_data
    from modcluster.solver import greedy, prepare

    system = greedy(prepare(catalog, request_from_data({"product": product, "quantity": quantity})))
    assert system is not None
    return Decimal(system.cents).scaleb(-2)


@pytest.mark.parametrize("preset", ["small", "medium"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_industrial_systems_cost_hundreds_of_thousands_to_millions(preset: str, seed: int) -> None:
    """``industrial``: greedy systems between 10^5 and 10^7 kJPY; ``tama`` (the default) stays below 10^5."""
    for magnitude, low, high in (("industrial", 10**5, 10**7), ("tama", 10**3, 10**5)):
        data = generate(spec_for(preset, magnitude=magnitude), seed=seed)
        catalog = catalog_from_data(data)
        check_catalog(catalog)
        for product in data["products"]:
            request = product["request"]
            cost = _greedy_cost(catalog, product["id"], request["quantity"])
            assert low <= cost <= high, (magnitude, product["id"], cost)
            assert cost <= request["limits"]["budget"], (magnitude, product["id"])
            if magnitude == "industrial":
                assert 500 <= request["quantity"] <= 1500


@pytest.mark.parametrize("magnitude", list(MAGNITUDES))
@pytest.mark.parametrize("objective", list(OBJECTIVES))
def test_every_objective_is_emitted_with_valid_weights(tmp_path: Path, magnitude: str, objective: str) -> None:
    """Each objective reaches every default request, and a written file loads with it; only the requests differ."""
    data = generate(spec_for("small", magnitude=magnitude, objective=objective), seed=1)
    cost_data = generate(spec_for("small", magnitude=magnitude), seed=1)
    for product, cost_product in zip(data["products"], cost_data["products"], strict=True):
        request = product["request"]
        assert request["objective"] == objective
        if objective == "weighted":
            weights = request["weights"]
            assert weights["cost"] == Decimal("0.75")
            assert weights["lead_time"] > 0 and weights["lead_time"].as_tuple().exponent == -4
        else:
            assert "weights" not in request
        without = {k: v for k, v in request.items() if k not in ("objective", "weights")}
        assert without == {k: v for k, v in cost_product["request"].items() if k != "objective"}
    assert _digests(data)[0] == _digests(cost_data)[0]
    for fmt in ("yaml", "json"):
        path = tmp_path / f"c.{fmt}"
        write_catalog(data, path)
        catalog = load_catalog(path)
        assert catalog == catalog_from_data(data)
        for product, raw in zip(catalog.products, data["products"], strict=True):
            request = build_request(catalog, product.id)
            assert request.objective is Objective(objective)
            if objective == "weighted":
                expected = raw["request"]["weights"]
                assert (request.weights.cost, request.weights.lead_time) == (expected["cost"], expected["lead_time"])


def test_unknown_magnitude_or_objective_is_refused() -> None:
    with pytest.raises(InputError, match="unknown magnitude 'galactic'"):
        spec_for("small", magnitude="galactic")
    with pytest.raises(InputError, match="unknown objective 'speed'"):
        spec_for("small", objective="speed")
    with pytest.raises(InputError, match="unknown magnitude"):
        generate(Spec(30, magnitude="galactic"))
    with pytest.raises(InputError, match="unknown objective"):
        generate(Spec(30, objective="lead-time"))


def test_cli_generate_magnitude_and_objective(tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    flags = ["--preset", "small", "--seed", "1", "--magnitude", "industrial", "--objective", "weighted"]
    cmd = [sys.executable, "-m", "modcluster", "generate", *flags, "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    expected = generate(spec_for("small", magnitude="industrial", objective="weighted"), seed=1)
    assert load_catalog(out) == catalog_from_data(expected)
    bad = subprocess.run([*cmd[:-2], "--magnitude", "galactic"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0 and "galactic" in bad.stderr


def _shares_by_org_and_kind(data: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    """For every organisation and kind, the sum of the shares of the policies that can cover it (contract v1.1)."""
    from modcluster.domain import POLICY_KINDS

    members = {i["id"]: set(i["members"]) for i in data["intermediaries"]}
    totals: dict[tuple[str, str], Decimal] = {}
    for org in data["organizations"]:
        for policy in data.get("policies", []):
            if org["site"] not in policy["sites"]:
                continue
            if "members_of" in policy and org["id"] not in members[policy["members_of"]]:
                continue
            for kind in policy.get("applies_to", ["steps"]):
                assert kind in POLICY_KINDS
                totals[(org["id"], kind)] = totals.get((org["id"], kind), Decimal(0)) + policy["share"]
    return totals


POLICY_SPECS = [
    ("small", 4, 0),
    ("small", 12, 3),
    ("medium", 8, 0),
    ("tama-2002", 30, 5),
]


@pytest.mark.parametrize(("preset", "policies", "people"), POLICY_SPECS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_policies_are_valid_and_leave_the_rest_alone(
    preset: str, policies: int, people: int, seed: int
) -> None:
    """Valid policies at the members' sites, shares over 1 nowhere; the rest of the catalog byte for byte."""
    spec = spec_for(preset, policies=policies, people=people)
    data = generate(spec, seed=seed)
    assert dump_catalog(generate(spec, seed=seed), "json") == dump_catalog(data, "json")
    without = generate(spec_for(preset, people=people), seed=seed)
    assert "policies" not in without
    assert dump_catalog({k: v for k, v in data.items() if k != "policies"}, "json") == dump_catalog(without, "json")
    assert list(data)[-1] == "policies"

    catalog = check_catalog(catalog_from_data(data))
    assert len(catalog.policies or ()) == policies
    sites = {o["site"] for o in data["organizations"]}
    intermediaries = {i["id"] for i in data["intermediaries"]}
    for policy in data["policies"]:
        assert policy["sites"] and set(policy["sites"]) <= sites
        assert 0 < policy["share"] <= 1 and policy["share"] == policy["share"].quantize(Decimal("0.01"))
        assert policy.get("members_of", "cluster-association") in intermediaries
        assert policy.get("cap", 0) >= 0
        if not people:
            assert "people" not in policy.get("applies_to", [])
    assert len({p["id"] for p in data["policies"]}) == policies
    assert all(total <= 1 for total in _shares_by_org_and_kind(data).values())
    cities = [c for c in ("Sagamihara", "Hachioji", "Sayama") if c in sites]
    assert [p["sites"][0] for p in data["policies"][: len(cities)]] == cities


def test_generated_policies_vary() -> None:
    """Across a few catalogs: caps and none, members_of set and not, the default kind and every named kind."""
    spec = spec_for("medium", policies=10, people=2)
    policies = [p for seed in range(4) for p in generate(spec, seed=seed)["policies"]]
    assert any("cap" in p for p in policies) and any("cap" not in p for p in policies)
    assert {p.get("members_of") for p in policies} >= {None, "cluster-association"}
    assert any("applies_to" not in p for p in policies)
    named = {k for p in policies for k in p.get("applies_to", [])}
    assert named == {"steps", "modules", "licences", "integration", "people"}
    assert any(len(p["sites"]) > 1 for p in policies)
    assert len({p["share"] for p in policies}) > 3


@pytest.mark.parametrize("organizations", [5, 8, 30])
def test_as_many_policies_as_allowed_still_fit(organizations: int) -> None:
    """MAX_POLICIES policies on a cluster of few sites: every one finds room, and no term is refunded twice over."""
    for seed in range(3):
        data = generate(Spec(organizations, products=1, modules=3, policies=MAX_POLICIES), seed=seed)
        check_catalog(catalog_from_data(data))
        assert len(data["policies"]) == MAX_POLICIES
        assert all(total <= 1 for total in _shares_by_org_and_kind(data).values())


@pytest.mark.parametrize("magnitude", list(MAGNITUDES))
def test_default_requests_with_policies_solve_and_verify(magnitude: str) -> None:
    """The default requests stay feasible (the budget bounds the net cost); subsidies are paid somewhere."""
    data = generate(spec_for("small", magnitude=magnitude, policies=6), seed=1)
    catalog = catalog_from_data(data)
    refunded = Decimal(0)
    for product in catalog.products:
        request = build_request(catalog, product.id, overrides={"candidates": 2})
        solution = solve(catalog, request)
        assert solution.status is Status.OPTIMAL, product.id
        assert verify_solution(catalog, request, solution) == []
        assert solution.best is not None
        refunded += solution.best.cost_breakdown.subsidies
    assert refunded > 0


@pytest.mark.parametrize("bad", [-1, MAX_POLICIES + 1, True, 2.5])
def test_impossible_policy_counts_are_refused(bad: Any) -> None:
    with pytest.raises(InputError, match="policies: a whole number"):
        spec_for("small", policies=bad)
    with pytest.raises(InputError, match="policies: a whole number"):
        generate(Spec(30, policies=bad))


def test_cli_generate_policies(tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "modcluster", "generate", "--seed", "2", "--policies", "5", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert load_catalog(out) == catalog_from_data(generate(spec_for("small", policies=5), seed=2))
    bad = subprocess.run([*cmd[:-2], "--policies", "1000"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0 and "policies" in bad.stderr


ABLATIONS = [
    SolverSettings(decompose=False, dominance=False, bounds=False, hint=False, settle=False),
    SolverSettings(dominance=False),
    SolverSettings(bounds=False),
    SolverSettings(decompose=False),
    SolverSettings(fixing=False),
    SolverSettings(hint=False),
    SolverSettings(settle=False),
]


@pytest.mark.parametrize("seed", [11, 12])
def test_pruned_and_unpruned_solves_agree(seed: int) -> None:
    """Every speed-up switched off, or one at a time: the same ranked objective values."""
    catalog = catalog_from_data(generate(Spec(40, products=1, modules=4, steps=(1, 2), tightness=0.8), seed=seed))
    product = catalog.products[0].id
    for objective in ("cost", "lead_time", "weighted"):
        overrides = {"candidates": 3, "objective": objective, "weights": {"cost": 1, "lead_time": 25}}
        request = build_request(catalog, product, overrides=overrides)
        reference = run_search(catalog, request)
        assert reference.status is Status.OPTIMAL
        expected = [objective_key(c, request) for c in reference.candidates]
        for settings in ABLATIONS:
            other = run_search(catalog, request, settings)
            assert [objective_key(c, request) for c in other.candidates] == expected, settings


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 130))
def test_speedups_agree_with_the_plain_model_long(seed: int) -> None:
    """Larger generated clusters, five candidates: the engine's answer equals the plain model's."""
    spec = Spec(90, products=1, modules=6, steps=(1, 3), tightness=0.9)
    catalog = catalog_from_data(generate(spec, seed=seed))
    product = catalog.products[0].id
    plain = SolverSettings(decompose=False, dominance=False, bounds=False, hint=False, settle=False)
    for objective in ("cost", "lead_time", "weighted"):
        overrides = {"candidates": 5, "objective": objective, "weights": {"cost": 1, "lead_time": 25}}
        request = build_request(catalog, product, overrides=overrides)
        fast = run_search(catalog, request)
        slow = run_search(catalog, request, plain)
        assert fast.status is slow.status is Status.OPTIMAL
        assert [objective_key(c, request) for c in fast.candidates] == [
            objective_key(c, request) for c in slow.candidates
        ]
