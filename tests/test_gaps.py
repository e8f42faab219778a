"""``gaps``: the smallest sets of additions that make a blocked product buildable, against brute force.

The brute force here shares nothing with the search but the vocabulary it
is given (``ProductSets.vocabulary``): it adds each subset of up to three
additions to the catalog's *data* by its own reading of the vocabulary (a
new member per addition at the request's first site, or the offer at its
existing host, at no cost and in no time), asks the independent oracle of
:mod:`tests.bruteforce` whether the default request then has a system, and
keeps the inclusion-minimal subsets that do. The analysis must report
exactly those, and "no set" exactly when there is none.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from modcluster import catalog_from_data, load_catalog
from modcluster.analysis import ProductSets, Proposal, cluster_gaps, minimal_sets
from modcluster.analysis.gaps import MAX_SIZE_LIMIT, vocabulary
from modcluster.domain import default_request
from modcluster.generate import generate, spec_for
from tests.bruteforce import ranked_values

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
#: The six development divisions of large enterprises of the bundled catalog (``kind: enterprise``).
ENTERPRISES = ["nishitama-motors", "kanto-sensor", "musashi-controls", "zama-power", "yamato-optical",
               "tokorozawa-fluid"]  # fmt: skip


def modules_catalog(budget: int) -> dict[str, Any]:
    """Product p misses module m1 (or both steps of its make chain) and module m2.

    s1 offers a sibling of m1's first step (a host for it); s2 sells a module
    of m2's family (linked by kind k only) and is tied to the hub; any other
    partner pays the default on-boarding of 300. So with budget 1000 two new
    members do; with 700 three new members are too dear; with 250 only s2
    is affordable and nothing works.
    """
    return {
        "defaults": {"onboarding_cost": 300},
        "capabilities": [{"id": "x"}, {"id": "x.a", "parents": ["x"]}, {"id": "x.c", "parents": ["x"]}, {"id": "b"}],
        "interfaces": [{"id": "k", "bridge_cost": 10}],
        "organizations": [
            {"id": "h", "kind": "developer", "site": "Ome", "develops": ["f"]},
            {"id": "s1", "site": "Ome", "processes": [{"capability": "x.c", "setup_cost": 5}]},
            {"id": "s2", "site": "Fuchu", "modules": [{"type": "t3", "setup_cost": 20, "variants": {"k": "K1"}}]},
        ],
        "relationships": [{"between": ["h", "s2"]}],
        "products": [{
            "id": "p", "family": "f",
            "modules": [
                {"id": "m1", "type": "t1", "make": {"steps": [
                    {"capability": "x.a", "require": {"um": {"max": 5}}}, {"capability": "b"}]}},
                {"id": "m2", "type": "t2"},
                {"id": "m3", "type": "t3"},
            ],
            "links": [{"between": ["m2", "m3"], "interface": "k"}],
            "request": {"limits": {"budget": budget}},
        }],
    }  # fmt: skip


def hub_seed_catalog() -> dict[str, Any]:
    """Product q has no developer and its module's seed is too immature at u (trl 2 < 4): two gaps at once."""
    return {
        "defaults": {"onboarding_cost": 50},
        "capabilities": [{"id": "tech"}, {"id": "b"}],
        "organizations": [
            {"id": "u", "kind": "university", "seeds": [{"id": "s", "technology": "tech", "attributes": {"trl": 2}}]},
            {"id": "w", "processes": [{"capability": "b", "setup_cost": 10}]},
        ],
        "products": [{
            "id": "q", "family": "g",
            "modules": [{"id": "m", "type": "tm", "make": {
                "technology": {"capability": "tech", "require": {"trl": {"min": 4}}}, "steps": [{"capability": "b"}]}}],
            "request": {"quantity": 2},
        }],
    }  # fmt: skip


# ---------------------------------------------------------------- the brute force


def _offer(proposal: Proposal, number: int) -> tuple[str, dict[str, Any] | str]:
    """The list of an organisation's data that the proposal extends, and the entry."""
    attributes = dict(proposal.attributes)
    if proposal.kind == "process":
        return "processes", {"id": f"bf-{number}", "capability": proposal.what, "attributes": attributes}
    if proposal.kind == "seed":
        return "seeds", {"id": f"bf-{number}", "technology": proposal.what, "attributes": attributes}
    if proposal.kind == "module":
        return "modules", {"id": f"bf-{number}", "type": proposal.what}
    return "develops", proposal.what


def extended_data(data: dict[str, Any], site: str | None, proposals: tuple[Proposal, ...]) -> dict[str, Any]:
    """The catalog data with the additions: a new member each at ``site``, or the offer at its host."""
    out = copy.deepcopy(data)
    for number, proposal in enumerate(proposals, start=1):
        key, entry = _offer(proposal, number)
        if proposal.host is None:
            org: dict[str, Any] = {"id": f"bf-new-{number}", key: [entry]}
            if site is not None:
                org["site"] = site
            out["organizations"].append(org)
        else:
            host = next(o for o in out["organizations"] if o["id"] == proposal.host)
            host[key] = [*host.get(key, []), entry]
    return out


def brute_force(
    data: dict[str, Any], product: str, vocab: tuple[Proposal, ...], max_size: int
) -> set[frozenset[Proposal]]:
    """Every inclusion-minimal subset of ``vocab`` of up to ``max_size`` whose catalog gives the product a system."""
    catalog = catalog_from_data(data)
    request = default_request(catalog, product).with_changes(candidates=1)
    site = request.sites[0] if request.sites else None
    works = set()
    for size in range(1, max_size + 1):
        for chosen in combinations(vocab, size):
            if ranked_values(catalog_from_data(extended_data(data, site, chosen)), request):
                works.add(frozenset(chosen))
    return {s for s in works if not any(other < s for other in works)}


def _search(data: dict[str, Any], product: str, max_size: int = 3) -> ProductSets:
    result = cluster_gaps(catalog_from_data(data), max_size=max_size)
    return next(s for s in result.sets if s.product == product)


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize(("budget", "sizes"), [(1000, [2, 2, 3, 3, 3, 3]), (700, [2, 2, 3, 3]), (250, [])])
def test_minimal_sets_equal_brute_force(budget: int, sizes: list[int]) -> None:
    data = modules_catalog(budget)
    search = _search(data, "p")
    assert {p.text for p in search.vocabulary} == {
        "a module of type t1 at a new member",
        "a processing offer of x.a meeting um max 5 at a new member",
        "a processing offer of x.a meeting um max 5 at s1",
        "a processing offer of b at a new member",
        "a module of type t2 at a new member",
        "a module of type t2 at s2",
    }, "every missing piece, the two steps of m1 included, at a new member and at its hosts"
    expected = brute_force(data, "p", search.vocabulary, 3)
    assert {frozenset(s.proposals) for s in search.sets} == expected
    assert sorted(s.size for s in search.sets) == sizes
    assert search.complete and all(s.proven_minimal for s in search.sets)
    assert search.no_set == (not expected)


def test_no_set_is_said_when_brute_force_finds_none() -> None:
    data = modules_catalog(250)
    search = _search(data, "p")
    assert not brute_force(data, "p", search.vocabulary, 3)
    assert (search.status, search.no_set, search.decided_up_to) == ("none", True, 3)
    from modcluster.report import render_gaps

    assert "p: no set of up to 3 additions makes it buildable" in render_gaps(cluster_gaps(catalog_from_data(data)))


def test_two_gaps_at_once_hub_and_seed_against_brute_force() -> None:
    data = hub_seed_catalog()
    search = _search(data, "q")
    assert [p.text for p in search.vocabulary] == [
        "a developer of family g at a new member",
        "a module of type tm at a new member",
        "a seed of tech meeting trl min 4 at a new member",
        "a seed of tech meeting trl min 4 at u",
    ]
    assert {frozenset(s.proposals) for s in search.sets} == brute_force(data, "q", search.vocabulary, 3)
    assert [s.size for s in search.sets] == [2, 2, 2]


def test_a_smaller_max_size_says_no_set_of_that_size() -> None:
    search = _search(hub_seed_catalog(), "q", max_size=1)
    assert (search.no_set, search.max_size, search.sets) == (True, 1, ())
    with pytest.raises(ValueError, match="max_size"):
        cluster_gaps(catalog_from_data(hub_seed_catalog()), max_size=MAX_SIZE_LIMIT + 1)


def _without_suppliers(data: dict[str, Any]) -> dict[str, Any]:
    """The data without the suppliers (not developers) of a made module's first step or of a bought module."""
    product = data["products"][0]
    caps = {m["make"]["steps"][0]["capability"] for m in product["modules"] if m.get("make", {}).get("steps")}
    types = {m["type"] for m in product["modules"] if not m.get("make")}

    def supplies(org: dict[str, Any]) -> bool:
        doing = any(p["capability"] == c or p["capability"].startswith(c + ".")
                    for p in org.get("processes", []) for c in caps)  # fmt: skip
        return not org.get("develops") and (doing or any(m["type"] in types for m in org.get("modules", [])))

    gone = {o["id"] for o in data["organizations"] if supplies(o)}
    out = copy.deepcopy(data)
    out["organizations"] = [o for o in out["organizations"] if o["id"] not in gone]
    out["relationships"] = [r for r in out.get("relationships", []) if not gone & set(r["between"])]
    for intermediary in out.get("intermediaries", []):
        intermediary["members"] = [m for m in intermediary["members"] if m not in gone]
    return out


@pytest.mark.parametrize(("seed", "status"), [(1, "found"), (2, "none")])
def test_generated_cluster_without_its_suppliers_against_brute_force(seed: int, status: str) -> None:
    """The small synthetic cluster (one product of three modules) without the suppliers of its first slots."""
    data = _without_suppliers(generate(spec_for("small", products=1, modules=3), seed=seed))
    assert "people" not in data and "policies" not in data
    (search,) = cluster_gaps(catalog_from_data(data)).sets
    assert search.status == status and 0 < len(search.vocabulary) <= 6, "small enough for the brute force"
    assert {frozenset(s.proposals) for s in search.sets} == brute_force(data, search.product, search.vocabulary, 3)


def test_vocabulary_of_a_buildable_request_is_empty() -> None:
    catalog = load_catalog(ROOT / "catalogs" / "examples" / "mini.yaml")
    assert vocabulary(catalog, default_request(catalog, "mini-sensor")) == ()
    assert minimal_sets(catalog, default_request(catalog, "mini-sensor")) is None


def test_bundled_catalog_without_its_large_enterprises_needs_two_modules_for_the_fuel_cell() -> None:
    catalog = load_catalog(TAMA)
    assert sorted(o.id for o in catalog.organizations if o.kind == "enterprise") == sorted(ENTERPRISES)
    result = cluster_gaps(catalog.without(ENTERPRISES))
    fuel = next(s for s in result.sets if s.product == "fuel-cell-power-unit")
    assert fuel.complete and {s.size for s in fuel.sets} == {2}
    assert {tuple(p.what for p in s.proposals) for s in fuel.smallest} == {("air-blower", "dc-dc-converter")}
    assert frozenset({Proposal("module", "air-blower"), Proposal("module", "dc-dc-converter")}) in {
        frozenset(s.proposals) for s in fuel.sets
    }
    reach = {r.text: r.products for r in result.unlocking}
    assert reach["a module of type dc-dc-converter"] == ("fuel-cell-power-unit",)
    assert reach["a module of type led-ring-light"] == ("wafer-edge-inspector",)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_cli_text_and_json() -> None:
    without = [arg for org in ENTERPRISES for arg in ("--without", org)]
    text = _cli("gaps", str(TAMA), *without)
    assert text.returncode == 0, text.stderr
    assert "fuel-cell-power-unit: smallest: 2 additions" in text.stdout
    assert "a module of type air-blower at a new member or ome-fluidics" in text.stdout
    assert "additions in the smallest sets" in text.stdout
    out = _cli("gaps", str(TAMA), *without, "--max-size", "1", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    fuel = next(s for s in data["sets"] if s["product"] == "fuel-cell-power-unit")
    assert (fuel["status"], fuel["no_set"], fuel["max_size"], data["max_size"]) == ("none", True, 1, 1)


def test_cli_refuses_a_max_size_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    from modcluster.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["gaps", str(TAMA), "--max-size", str(MAX_SIZE_LIMIT + 1)])
    assert exc.value.code == 2 and "--max-size takes a whole number of additions from 1 to 6" in capsys.readouterr().err


def test_out_of_time_the_search_is_incomplete_never_no_set() -> None:
    from modcluster.report import render_gaps

    result = cluster_gaps(catalog_from_data(modules_catalog(250)), seconds=Decimal("0.000001"))
    (search,) = result.sets
    assert (search.status, search.no_set, search.complete, search.sets) == ("incomplete", False, False, ())
    assert search.decided_up_to == 1, "no set of one addition closes both gaps: decided without a solve"
    assert "p: no set found; search incomplete (time limit): every set of up to 1 addition decided" in render_gaps(
        result
    )
