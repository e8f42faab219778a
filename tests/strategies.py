"""Hypothesis strategies: small random catalogs and requests that follow the contract.

Small enough for exhaustive enumeration (tests/bruteforce.py), varied enough to
reach every rule: taxonomy descent, requirements, max_lot, capacity, handover,
interfaces and bridging, onboarding, limits, filters and every objective.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

CAPS = ["c0", "c1", "c2", "c3"]
KINDS = ["k0", "k1"]
TYPES = ["t0", "t1", "t2"]
SITES = ["Hachioji", "Ome"]

money = st.sampled_from([Decimal(0), Decimal(1), Decimal("2.5"), Decimal(10), Decimal("12.345"), Decimal(40)])
unit = st.sampled_from([Decimal(0), Decimal("0.005"), Decimal("0.5"), Decimal(3)])
days = st.integers(min_value=0, max_value=4)


@st.composite
def catalogs(draw: st.DrawFn, max_orgs: int = 4, max_modules: int = 3) -> dict[str, Any]:
    """A random small catalog as plain data (one product, ``p``, of family ``f``)."""
    caps = [
        {"id": c, "parents": sorted(set(draw(st.lists(st.sampled_from(CAPS[:i]), max_size=2))))} if i else {"id": c}
        for i, c in enumerate(CAPS)
    ]
    interfaces = [{"id": k, "bridge_cost": draw(money), "bridge_days": draw(days)} for k in KINDS]
    n = draw(st.integers(min_value=1, max_value=max_orgs))
    ids = [f"o{i}" for i in range(n)]
    orgs = []
    for i, oid in enumerate(ids):
        org: dict[str, Any] = {"id": oid, "capacity": draw(st.integers(1, 2))}
        if draw(st.sampled_from([True, True, True, False])):
            org["site"] = draw(st.sampled_from(SITES))
        if i == 0 or draw(st.booleans()):
            org["develops"] = ["f"]
            org["design_fee"] = draw(money)
            org["integration_days"] = draw(days)
            org["bridging"] = draw(st.sampled_from([Decimal("0.5"), Decimal("0.75"), Decimal(1), Decimal("1.25")]))
            org["house_variants"] = {k: draw(st.sampled_from("AB")) for k in KINDS if draw(st.booleans())}
        org["processes"] = [
            {
                "id": f"p{j}",
                "capability": draw(st.sampled_from(CAPS)),
                "setup_cost": draw(money),
                "unit_cost": draw(unit),
                "setup_days": draw(days),
                **(
                    {"units_per_day": draw(st.sampled_from([Decimal("0.7"), Decimal(1), Decimal(2)]))}
                    if draw(st.booleans())
                    else {}
                ),
                **({"max_lot": draw(st.integers(1, 4))} if draw(st.booleans()) else {}),
                "attributes": {"tol": draw(st.integers(1, 9))} if draw(st.booleans()) else {},
            }
            for j in range(draw(st.integers(0, 2)))
        ]
        org["modules"] = [
            {
                "id": f"m{j}",
                "type": draw(st.sampled_from(TYPES)),
                "setup_cost": draw(money),
                "unit_cost": draw(unit),
                "setup_days": draw(days),
                **({"max_lot": draw(st.integers(1, 4))} if draw(st.booleans()) else {}),
                "variants": {k: draw(st.sampled_from("AB")) for k in KINDS if draw(st.booleans())},
            }
            for j in range(draw(st.integers(0, 1)))
        ]
        org["seeds"] = [
            {
                "id": f"s{j}",
                "technology": draw(st.sampled_from(CAPS)),
                "license_fee": draw(money),
                "transfer_days": draw(days),
                "attributes": {"trl": draw(st.integers(1, 5))},
            }
            for j in range(draw(st.integers(0, 1)))
        ]
        orgs.append(org)
    modules = []
    for j in range(draw(st.integers(1, max_modules))):
        module: dict[str, Any] = {"id": f"mod{j}", "type": TYPES[j]}
        if draw(st.booleans()):
            steps = [
                {
                    "capability": draw(st.sampled_from(CAPS)),
                    **({"require": {"tol": {"max": draw(st.integers(1, 9))}}} if draw(st.booleans()) else {}),
                }
                for _ in range(draw(st.integers(0, 2)))
            ]
            make: dict[str, Any] = {"steps": steps}
            if not steps or draw(st.booleans()):
                make["technology"] = {
                    "capability": draw(st.sampled_from(CAPS)),
                    **({"require": {"trl": {"min": draw(st.integers(1, 5))}}} if draw(st.booleans()) else {}),
                }
            module["make"] = make
        modules.append(module)
    links = []
    if len(modules) > 1:
        for _ in range(draw(st.integers(0, 2))):
            a, b = draw(st.lists(st.sampled_from([m["id"] for m in modules]), min_size=2, max_size=2, unique=True))
            link = {"between": [a, b], "interface": draw(st.sampled_from(KINDS))}
            if all(
                sorted(x["between"]) != sorted(link["between"]) or x["interface"] != link["interface"] for x in links
            ):
                links.append(link)
    # Repair: most requirements get at least one offer, so most instances are feasible.
    usually = st.sampled_from([True, True, True, True, False])
    for module in modules:
        if draw(usually):
            draw(st.sampled_from(orgs))["modules"].append(
                {
                    "id": f"x{module['id']}",
                    "type": module["type"],
                    "setup_cost": draw(money),
                    "unit_cost": draw(unit),
                    "setup_days": draw(days),
                    "variants": {k: draw(st.sampled_from("AB")) for k in KINDS if draw(st.booleans())},
                }
            )
        make = module.get("make")
        if make is None:
            continue
        for index, step in enumerate(make["steps"]):
            if draw(usually):
                draw(st.sampled_from(orgs))["processes"].append(
                    {
                        "id": f"x{module['id']}.{index}",
                        "capability": step["capability"],
                        "setup_cost": draw(money),
                        "unit_cost": draw(unit),
                        "setup_days": draw(days),
                        "attributes": {"tol": draw(st.integers(1, 9))},
                    }
                )
        if "technology" in make and draw(usually):
            draw(st.sampled_from(orgs))["seeds"].append(
                {
                    "id": f"x{module['id']}",
                    "technology": make["technology"]["capability"],
                    "license_fee": draw(money),
                    "transfer_days": draw(days),
                    "attributes": {"trl": draw(st.integers(1, 5))},
                }
            )
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    relationships = [{"between": list(p)} for p in pairs if draw(st.booleans())]
    intermediaries = []
    if draw(st.booleans()):
        intermediaries.append(
            {"id": "assoc", "members": [o for o in ids if draw(st.booleans())], "onboarding_cost": draw(money)}
        )
    return {
        "schema": "modcluster/1",
        "defaults": {"handover_days": draw(st.integers(0, 2)), "onboarding_cost": draw(money)},
        "capabilities": caps,
        "interfaces": interfaces,
        "intermediaries": intermediaries,
        "organizations": orgs,
        "relationships": relationships,
        "products": [{"id": "p", "family": "f", "modules": modules, "links": links}],
    }


@st.composite
def requests(draw: st.DrawFn, catalog: dict[str, Any]) -> dict[str, Any]:
    """A random request for the catalog's product, with limits and filters sometimes set."""
    ids = [o["id"] for o in catalog["organizations"]]
    req: dict[str, Any] = {
        "product": "p",
        "quantity": draw(st.integers(1, 5)),
        "objective": draw(st.sampled_from(["cost", "lead_time", "weighted"])),
        "candidates": draw(st.integers(1, 4)),
        "time_limit": 20,
    }
    if req["objective"] == "weighted":
        req["weights"] = {
            "cost": draw(st.sampled_from([Decimal(0), Decimal(1), Decimal("0.5")])),
            "lead_time": draw(st.sampled_from([Decimal(0), Decimal(3), Decimal("7.5")])),
        }
    limits: dict[str, Any] = {}
    sometimes = st.sampled_from([False, False, True])
    if draw(sometimes):
        limits["budget"] = draw(st.sampled_from([Decimal(20), Decimal(60), Decimal("100.5"), Decimal(300)]))
    if draw(sometimes):
        limits["deadline"] = draw(st.integers(0, 20))
    if draw(sometimes):
        limits["max_partners"] = draw(st.integers(0, 2))
    if limits:
        req["limits"] = limits
    sometimes = st.sampled_from([False, False, False, True])
    if draw(sometimes):
        req["sites"] = [draw(st.sampled_from(SITES))]
    if draw(sometimes):
        req["exclude"] = [draw(st.sampled_from(ids))]
    if draw(sometimes):
        req["require"] = [draw(st.sampled_from(ids))]
    if draw(sometimes):
        req["hub"] = draw(st.sampled_from(ids))
    return req


@st.composite
def instances(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A catalog and a request for it, both as plain data."""
    catalog = draw(catalogs())
    return catalog, draw(requests(catalog))
