"""Hypothesis strategies: small random catalogs and requests that follow the contract.

Small enough for exhaustive enumeration (tests/bruteforce.py), varied enough to
reach every rule: taxonomy descent, requirements (bounds drawn on the offers'
values, so both ends of ``min``/``max`` are hit, and ``in``), ``max_lot``,
capacity, handover, 0-day tasks, two offers of one capability (or one module
type) at one organisation, interfaces and bridging, onboarding through several
intermediaries with overlapping members and fees above and below the default,
existing ties, limits, filters and every objective with fractional weights of
up to four decimals.

:func:`with_people` and :func:`with_policies` add the v1.1 people and
municipal policies (shares on rounding edges, caps that bind, ``members_of``,
stacked policies whose shares still fit, sites where nobody is).

``large=True`` draws realistic figures instead of tiny ones: money terms up to
about 10^6 (with odd cents and half cents), quantities up to 1,500, lots and
durations to match, budgets and deadlines on the same scale.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

CAPS = ["c0", "c1", "c2", "c3"]
KINDS = ["k0", "k1"]
TYPES = ["t0", "t1", "t2"]
SITES = ["Hachioji", "Ome"]
OBJECTIVES = ["cost", "lead_time", "weighted"]
FINISHES = ["matte", "satin", "5"]

D = Decimal

SMALL_MONEY = st.sampled_from([D(0), D(1), D("2.5"), D(10), D("12.345"), D(40)])
SMALL_UNIT = st.sampled_from([D(0), D("0.005"), D("0.5"), D(3)])
SMALL_RATE = st.sampled_from([D("0.7"), D(1), D(2)])
#: 0-day tasks are frequent: a third of the setups take no time.
DAYS = st.sampled_from([0, 0, 1, 2, 3, 4])

LARGE_MONEY = st.one_of(
    st.sampled_from([D(0), D(1_000_000), D("999999.995"), D("123456.785"), D("0.005")]),
    st.decimals(min_value=0, max_value=1_000_000, places=3),
)
#: Unit costs that, times a quantity of up to 1,500, stay near 10^6 per term.
LARGE_UNIT = st.one_of(
    st.sampled_from([D(0), D("0.005"), D("666.665"), D(650)]), st.decimals(min_value=0, max_value=650, places=3)
)
LARGE_RATE = st.sampled_from([D("0.7"), D(3), D("12.5"), D(150), D(1500)])
LARGE_DAYS = st.sampled_from([0, 0, 1, 5, 30, 120])
LARGE_QUANTITY = st.sampled_from([1, 999, 1000, 1234, 1500])


@st.composite
def catalogs(draw: st.DrawFn, max_orgs: int = 4, max_modules: int = 3, large: bool = False) -> dict[str, Any]:
    """A random small catalog as plain data (one product, ``p``, of family ``f``)."""
    money = LARGE_MONEY if large else SMALL_MONEY
    unit = LARGE_UNIT if large else SMALL_UNIT
    rate = LARGE_RATE if large else SMALL_RATE
    days = LARGE_DAYS if large else DAYS
    lot = st.sampled_from([1, 999, 1000, 1500, 2000]) if large else st.integers(1, 4)

    def lot_offer() -> dict[str, Any]:
        offer: dict[str, Any] = {"setup_cost": draw(money), "unit_cost": draw(unit), "setup_days": draw(days)}
        if draw(st.booleans()):
            offer["units_per_day"] = draw(rate)
        if draw(st.booleans()):
            offer["max_lot"] = draw(lot)
        return offer

    def attributes() -> dict[str, Any]:
        """A number (``tol``, rarely the text "5") and sometimes a text (``finish``; "5" is never the number 5)."""
        found: dict[str, Any] = {}
        if draw(st.sampled_from([True, True, False])):
            found["tol"] = draw(st.sampled_from([*range(1, 10), "5"]))
        if draw(st.sampled_from([True, False, False])):
            found["finish"] = draw(st.sampled_from(FINISHES))
        return found

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
        if draw(st.sampled_from([True, True, False])):  # a third have no site: any sites filter drops them
            org["site"] = draw(st.sampled_from(SITES))
        if i == 0 or draw(st.booleans()):
            org["develops"] = ["f"]
            org["design_fee"] = draw(money)
            org["integration_days"] = draw(days)
            org["bridging"] = draw(st.sampled_from([D("0.5"), D("0.75"), D(1), D("1.25"), D("0.333")]))
            org["house_variants"] = {
                k: draw(st.sampled_from("AB")) for k in KINDS if draw(st.sampled_from([True, True, False]))
            }
        org["processes"] = [
            {
                "id": f"p{j}",
                "capability": draw(st.sampled_from(CAPS)),
                **lot_offer(),
                "attributes": attributes(),
            }
            for j in range(draw(st.integers(0, 2)))
        ]
        if org["processes"] and draw(st.booleans()):
            # a second offer of the same capability at the same organisation: another price and time
            twin = draw(st.sampled_from(org["processes"]))
            org["processes"].append(
                {
                    "id": f"{twin['id']}b",
                    "capability": twin["capability"],
                    **lot_offer(),
                    "attributes": attributes(),
                }
            )
        org["modules"] = [
            {
                "id": f"m{j}",
                "type": draw(st.sampled_from(TYPES)),
                **lot_offer(),
                "variants": {k: draw(st.sampled_from("AB")) for k in KINDS if draw(st.booleans())},
            }
            for j in range(draw(st.integers(0, 1)))
        ]
        if org["modules"] and draw(st.booleans()):
            twin = org["modules"][0]
            org["modules"].append(
                {
                    "id": f"{twin['id']}b",
                    "type": twin["type"],
                    **lot_offer(),
                    "variants": {k: draw(st.sampled_from("AB")) for k in KINDS if draw(st.booleans())},
                }
            )
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

    def bound(attribute: str, low: int, high: int) -> int:
        """A requirement bound, often equal to a value some offer has (both ends of min/max inclusive)."""
        values = [
            int(offer["attributes"][attribute])
            for org in orgs
            for kind in ("processes", "seeds")
            for offer in org[kind]
            if attribute in offer.get("attributes", {})
        ]
        on_a_value = draw(st.sampled_from([True, True, True, False]))
        if values and on_a_value:
            return draw(st.sampled_from(values))
        return draw(st.integers(low, high))

    def step_require() -> dict[str, Any]:
        how = draw(
            st.sampled_from(["none", "none", "max", "min", "min", "min-max", "min-max", "in", "finish", "odd", "odd"])
        )
        if how == "none":
            return {}
        if how == "in":
            return {"tol": {"in": sorted({bound("tol", 1, 9) for _ in range(draw(st.integers(1, 3)))})}}
        if how == "finish":
            return {"finish": {"in": draw(st.lists(st.sampled_from(FINISHES), min_size=1, max_size=2, unique=True))}}
        if how == "odd":  # an offer's value with the other type (text "3" is not 3), or a bound against text
            odd = draw(st.sampled_from(["text of a number", "number of a text", "bound on a text"]))
            if odd == "text of a number":
                return {"tol": {"in": [str(bound("tol", 1, 9))]}}
            if odd == "number of a text":
                return {"finish": {"in": [5]}}
            return {"finish": {"min": 1}}
        if how == "min-max":
            low, high = sorted([bound("tol", 1, 9), bound("tol", 1, 9)])
            return {"tol": {"min": low, "max": high}}
        return {"tol": {how: bound("tol", 1, 9)}}

    def technology_require() -> dict[str, Any]:
        how = draw(st.sampled_from(["none", "none", "min", "max", "min-max", "in", "text"]))
        if how == "none":
            return {}
        if how == "in":
            return {"trl": {"in": sorted({bound("trl", 1, 5) for _ in range(draw(st.integers(1, 2)))})}}
        if how == "text":  # the text of a seed's number is not that number
            return {"trl": {"in": [str(bound("trl", 1, 5))]}}
        if how == "min-max":
            low, high = sorted([bound("trl", 1, 5), bound("trl", 1, 5)])
            return {"trl": {"min": low, "max": high}}
        return {"trl": {how: bound("trl", 1, 5)}}

    modules = []
    for j in range(draw(st.integers(1, max_modules))):
        module: dict[str, Any] = {"id": f"mod{j}", "type": TYPES[j]}
        if draw(st.booleans()):
            steps = [
                {"capability": draw(st.sampled_from(CAPS)), **({"require": r} if (r := step_require()) else {})}
                for _ in range(draw(st.integers(0, 2)))
            ]
            make: dict[str, Any] = {"steps": steps}
            if not steps or draw(st.booleans()):
                make["technology"] = {
                    "capability": draw(st.sampled_from(CAPS)),
                    **({"require": r} if (r := technology_require()) else {}),
                }
            module["make"] = make
        modules.append(module)
    links: list[dict[str, Any]] = []
    if len(modules) > 1:
        for _ in range(draw(st.sampled_from([0, 1, 2, 2]))):
            a, b = draw(st.lists(st.sampled_from([m["id"] for m in modules]), min_size=2, max_size=2, unique=True))
            link = {"between": [a, b], "interface": draw(st.sampled_from(KINDS))}
            if all(
                sorted(x["between"]) != sorted(link["between"]) or x["interface"] != link["interface"] for x in links
            ):
                links.append(link)

    def below(capability: str) -> str:
        """The capability itself or, as often, one of its descendants in the taxonomy."""
        found = {capability}
        for cap in caps:  # parents come before their children in CAPS
            if set(cap.get("parents", [])) & found:
                found.add(str(cap["id"]))
        return capability if len(found) == 1 or draw(st.booleans()) else draw(st.sampled_from(sorted(found)))

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
        made: dict[str, Any] | None = module.get("make")
        if made is None:
            continue
        for index, step in enumerate(made["steps"]):
            if draw(usually):
                draw(st.sampled_from(orgs))["processes"].append(
                    {
                        "id": f"x{module['id']}.{index}",
                        "capability": below(step["capability"]),
                        "setup_cost": draw(money),
                        "unit_cost": draw(unit),
                        "setup_days": draw(days),
                        "attributes": {"tol": draw(st.integers(1, 9))},
                    }
                )
        if "technology" in made and draw(usually):
            draw(st.sampled_from(orgs))["seeds"].append(
                {
                    "id": f"x{module['id']}",
                    "technology": below(made["technology"]["capability"]),
                    "license_fee": draw(money),
                    "transfer_days": draw(days),
                    "attributes": {"trl": draw(st.integers(1, 5))},
                }
            )
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    relationships = [
        {"between": list(p) if draw(st.booleans()) else list(p)[::-1]}
        for p in pairs
        if draw(st.sampled_from([True, False, False]))
    ]
    # Several intermediaries, members overlapping, fees above and below the default: the lowest shared one counts.
    intermediaries = [
        {
            "id": f"assoc{j}",
            "members": [o for o in ids if draw(st.sampled_from([True, True, True, False]))],
            "onboarding_cost": draw(money),
        }
        for j in range(draw(st.sampled_from([0, 1, 2, 2, 3])))
    ]
    return {
        "schema": "modcluster/1",
        "defaults": {
            "handover_days": draw(st.sampled_from([0, 1, 2, 7]) if large else st.integers(0, 2)),
            "onboarding_cost": draw(money),
        },
        "capabilities": caps,
        "interfaces": interfaces,
        "intermediaries": intermediaries,
        "organizations": orgs,
        "relationships": relationships,
        "products": [{"id": "p", "family": "f", "modules": modules, "links": links}],
    }


def weights() -> st.SearchStrategy[Decimal]:
    """A weight: simple values, or any with up to four decimals."""
    return st.one_of(
        st.sampled_from([D(0), D(1), D("0.5"), D(3), D("7.5")]),
        st.decimals(min_value=0, max_value=1000, places=4),
        st.decimals(min_value=0, max_value=1, places=4),
    )


@st.composite
def requests(
    draw: st.DrawFn, catalog: dict[str, Any], objective: str | None = None, large: bool = False
) -> dict[str, Any]:
    """A random request for the catalog's product, with limits and filters sometimes set."""
    ids = [o["id"] for o in catalog["organizations"]]
    req: dict[str, Any] = {
        "product": "p",
        "quantity": draw(LARGE_QUANTITY if large else st.integers(1, 5)),
        "objective": objective or draw(st.sampled_from(OBJECTIVES)),
        "candidates": draw(st.integers(1, 4)),
        "time_limit": 20,
    }
    if req["objective"] == "weighted":
        req["weights"] = {"cost": draw(weights()), "lead_time": draw(weights())}
    limits: dict[str, Any] = {}
    sometimes = st.sampled_from([False, False, True])
    if draw(sometimes):
        budgets = (
            [D(100_000), D("1000000.01"), D(2_500_000), D(8_000_000)] if large else [D(20), D(60), D("100.5"), D(300)]
        )
        limits["budget"] = draw(st.sampled_from(budgets))
    if draw(sometimes):
        limits["deadline"] = draw(st.integers(0, 3000) if large else st.integers(0, 20))
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
def instances(
    draw: st.DrawFn, objective: str | None = None, large: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A catalog and a request for it, both as plain data (``objective``: fix it; ``large``: realistic figures)."""
    catalog = draw(catalogs(large=large))
    return catalog, draw(requests(catalog, objective=objective, large=large))


@st.composite
def with_people(draw: st.DrawFn, objective: str, large: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """A random instance with kinds on its organisations and one to three people who may lead its family."""
    catalog, request = copy.deepcopy(draw(instances(objective=objective, large=large)))
    orgs = catalog["organizations"]
    for org in orgs:
        kind = draw(st.sampled_from(["developer", "processor", "processor", "university", None]))
        if kind is not None:
            org["kind"] = kind
    intermediaries: list[str] = [i["id"] for i in catalog.get("intermediaries", [])]
    people: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 3))):
        person: dict[str, Any] = {
            "id": f"person{index}",
            "from": draw(st.sampled_from([o["id"] for o in orgs])),
            "families": draw(st.sampled_from([["f"], ["f", "g"], ["g"]])),
            "fee": draw(st.sampled_from([Decimal(0), Decimal("7.5"), Decimal(30), Decimal("12.345")])),
            "integration_days": draw(st.integers(0, 6)),
        }
        if draw(st.booleans()):
            person["bridging"] = draw(st.sampled_from([Decimal("0.5"), Decimal("0.8"), Decimal("1.5")]))
        if draw(st.booleans()):
            person["available_day"] = draw(st.integers(0, 30))
        via = draw(st.sampled_from([None, *intermediaries]))
        if via is not None:
            person["via"] = via
        people.append(person)
    catalog["people"] = people
    catalog["products"][0].setdefault("family", "f")
    catalog.setdefault("products", [])
    if all(p["family"] != "g" for p in catalog["products"]) and not any("g" in o.get("develops", []) for o in orgs):
        orgs[0].setdefault("develops", []).append("g")  # so that the family "g" is known to the catalog
    if draw(st.sampled_from([False, False, False, True])):
        request = {**request, "people": False}
    return catalog, request


#: Shares with rounding edges: halves of odd cents, thirds, eighths, the whole term.
SHARES = [D("0.5"), D("0.25"), D("0.333"), D("0.125"), D(1), D("0.05"), D("0.7")]
POLICY_KINDS = ["steps", "modules", "licences", "integration", "people"]


def _policy_shares_fit(catalog: dict[str, Any], policies: list[dict[str, Any]]) -> bool:
    """Whether, for every organisation and kind, the shares of the policies that can cover it add up to at most 1."""
    members = {i["id"]: set(i["members"]) for i in catalog.get("intermediaries", [])}
    for org in catalog["organizations"]:
        covering = [
            p
            for p in policies
            if org.get("site") in p["sites"] and ("members_of" not in p or org["id"] in members[p["members_of"]])
        ]
        for kind in POLICY_KINDS:
            if sum((p["share"] for p in covering if kind in p.get("applies_to", ["steps"])), D(0)) > 1:
                return False
    return True


@st.composite
def policy_lists(draw: st.DrawFn, catalog: dict[str, Any], large: bool = False) -> list[dict[str, Any]]:
    """Zero to three policies for a catalog (shares fitting: the last policies are dropped until they do).

    Sites are the catalog's (and now and then one where nobody is), kinds any
    non-empty subset (or the default, steps), caps sometimes (0 included, and
    caps that bind), ``members_of`` one of the catalog's intermediaries now
    and then.
    """
    caps = (
        st.sampled_from([D(1000), D("123456.785"), D(2_000_000), D(0)])
        if large
        else st.sampled_from([D(5), D("12.345"), D(40), D(0)])
    )
    intermediaries = [i["id"] for i in catalog.get("intermediaries", [])]
    policies: list[dict[str, Any]] = []
    for index in range(draw(st.sampled_from([1, 2, 2, 3, 0, 1]))):
        policy: dict[str, Any] = {
            "id": f"pol{index}",
            "sites": draw(
                st.sampled_from([list(SITES), [SITES[0]], [SITES[1]], list(SITES), [SITES[0], "Sagamihara"]])
            ),
            "share": draw(st.sampled_from(SHARES)),
        }
        if draw(st.sampled_from([True, True, True, False])):
            policy["applies_to"] = draw(
                st.sampled_from([POLICY_KINDS, ["integration", "modules"], ["steps", "licences", "people"]])
                | st.lists(st.sampled_from(POLICY_KINDS), min_size=1, max_size=len(POLICY_KINDS), unique=True)
            )
        if draw(st.sampled_from([False, True])):
            policy["cap"] = draw(caps)
        if intermediaries and draw(st.sampled_from([False, False, True])):
            policy["members_of"] = draw(st.sampled_from(intermediaries))
        policies.append(policy)
    while not _policy_shares_fit(catalog, policies):
        policies.pop()
    return policies


@st.composite
def with_policies(
    draw: st.DrawFn, objective: str, large: bool = False, people: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A random instance with municipal policies (``people``: and people who may lead, as :func:`with_people`).

    A quarter of the requests set ``policies: false``.
    """
    if people:
        catalog, request = copy.deepcopy(draw(with_people(objective, large=large)))
    else:
        catalog, request = copy.deepcopy(draw(instances(objective=objective, large=large)))
    for org in catalog["organizations"]:  # more organisations at a site, so that the policies cover more terms
        if "site" not in org and draw(st.sampled_from([True, False])):
            org["site"] = draw(st.sampled_from(SITES))
    catalog["policies"] = draw(policy_lists(catalog, large=large))
    if draw(st.sampled_from([False, False, False, True])):
        request = {**request, "policies": False}
    return catalog, request
