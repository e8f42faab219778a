"""Seedable synthetic clusters that follow the contract, from 30 to 100,000 organisations.

A :class:`Spec` sizes a cluster: organisations, products, modules per product,
steps per module, taxonomy depth and breadth, interface kinds and variants,
capacities, ties and intermediary membership, quantity and limit tightness.
:func:`generate` turns a spec and a seed into catalog data (plain dicts with
exact Decimals) that :func:`modcluster.catalog_from_data` accepts; the same spec
and seed always give the same data. Magnitudes follow the bundled TAMA catalog
(kJPY and days): set-up costs of tens to hundreds of kJPY, unit costs of a few
kJPY, set-up times of days to weeks, seeds licensed for a few thousand kJPY.
``Spec(magnitude="industrial")`` gives the figures of real industrial products
instead (systems of 0.1 to several million kJPY), and ``Spec.objective`` sets
the default requests' objective (``weighted`` with fractional weights).
``Spec.people`` and ``Spec.policies`` add the contract's v1.1 engineers placed
from the enterprises and the cities' industry-promotion policies, each from a
random stream of its own, so the rest of the catalog is the same without them.

Every product gets a default ``request:`` whose limits are feasible by
construction: they are the cost and lead time of a complete greedy system
(:mod:`modcluster.solver.hint`) plus a slack that shrinks with ``tightness``.

>>> data = generate("small", seed=7)
>>> len(data["organizations"]), len(data["products"])
(30, 2)
>>> generate("small", seed=7) == data
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from modcluster.errors import InputError

__all__ = [
    "MAGNITUDES",
    "OBJECTIVES",
    "PRESETS",
    "Magnitude",
    "Spec",
    "dump_catalog",
    "generate",
    "spec_for",
    "write_catalog",
]

PROCESS_FAMILIES = [
    "machining", "sheet-metal", "plating", "surface", "heat-treatment", "joining", "moulding", "casting",
    "electronics", "optics", "assembly", "inspection", "printing", "cleaning", "calibration", "packaging",
]  # fmt: skip
TECH_FAMILIES = [
    "sensing", "image-processing", "motor-control", "piezo-actuation", "fuel-cell", "photocatalysis",
    "biomaterials", "rad-hard", "mems", "lidar", "battery", "acoustics",
]  # fmt: skip
SITES = [
    "Sayama", "Iruma", "Kawagoe", "Tokorozawa", "Hanno", "Hachioji", "Tachikawa", "Ome", "Hino", "Fuchu",
    "Akishima", "Mitaka", "Machida", "Sagamihara", "Atsugi", "Ebina", "Zama", "Yamato",
]  # fmt: skip
INTERFACE_NAMES = ["mech-mount", "data-link", "power", "optical-port", "fluid-port", "thermal-pad", "rf-port", "bus"]


@dataclass(frozen=True, slots=True)
class Spec:
    """Size and shape of a synthetic cluster.

    Attributes:
        organizations: Members of the cluster (N).
        products: Products in the catalog, each with a default request.
        modules: Modules per product (M).
        steps: Fewest and most make steps per made module.
        depth: Levels of the process taxonomy below each process family.
        breadth: Children per taxonomy node.
        process_families: Roots of the process taxonomy (at most 16).
        families: Product families; developers develop one or two of them.
        interfaces: Interface kinds (at most 8).
        variants: Variants per interface kind.
        make_share: Share of modules that can be made (the others must be bought).
        capacity: Fewest and most concurrent tasks of a processing SME.
        ties: Existing relationships per organisation, on average.
        membership: Share of organisations in the cluster association.
        quantity: Smallest and largest default quantity.
        tightness: 0 (loose limits) to 1 (limits at the greedy system's figures).
        firms: Organisations that are firms (the rest are universities, labs and
            members without offers); None: all but a tenth.
        name: The catalog's name.
        magnitude: A key of :data:`MAGNITUDES`: the range of money amounts
            (``industrial`` also sets the quantities, in place of ``quantity``).
        objective: The default requests' objective, one of :data:`OBJECTIVES`;
            ``weighted`` gets a fractional cost weight and a lead-time weight of
            the order of a day's share of the greedy system's cost, with four
            decimals.
        people: Engineers of the enterprises whom the association may place
            at a hub (contract v1.1 "People"); 0: the catalog has no ``people``.
            Drawn after the default requests, from a random stream of their
            own, so the rest of the catalog is the same with or without them.
        policies: The cities' industry-promotion policies (contract v1.1
            "Policies"); 0: the catalog has no ``policies``. Drawn last, from
            a random stream of their own (the rest of the catalog, people
            included, is the same with or without them); always valid: at the
            organisations' sites, the shares covering one organisation and
            kind of cost term add up to at most 1.
    """

    organizations: int
    products: int = 2
    modules: int = 6
    steps: tuple[int, int] = (1, 3)
    depth: int = 2
    breadth: int = 3
    process_families: int = 8
    families: int = 4
    interfaces: int = 4
    variants: int = 3
    make_share: float = 0.7
    capacity: tuple[int, int] = (1, 3)
    ties: float = 2.0
    membership: float = 0.6
    quantity: tuple[int, int] = (50, 500)
    tightness: float = 0.5
    firms: int | None = None
    name: str = "synthetic cluster"
    magnitude: str = "tama"
    objective: str = "cost"
    people: int = 0
    policies: int = 0


@dataclass(frozen=True, slots=True)
class Magnitude:
    """Ranges of the money amounts (kJPY, log-uniform) and quantities of a generated cluster.

    Attributes:
        process_setup: Set-up cost of a processing offer.
        process_unit: Unit cost of a processing offer (two decimals).
        module_setup: Set-up cost of a module offer.
        module_unit: Unit cost of a module offer (two decimals).
        bridge: Bridge cost of an interface kind.
        design_fee: A developer's design fee.
        license_fee: A seed's licence fee.
        quantity: Smallest and largest default quantity; None: the spec's ``quantity``.
    """

    process_setup: tuple[float, float]
    process_unit: tuple[float, float]
    module_setup: tuple[float, float]
    module_unit: tuple[float, float]
    bridge: tuple[float, float]
    design_fee: tuple[float, float]
    license_fee: tuple[float, float]
    quantity: tuple[int, int] | None = None


MAGNITUDES: dict[str, Magnitude] = {
    # The bundled TAMA catalog's figures: systems of thousands to tens of thousands of kJPY.
    "tama": Magnitude((20, 900), (0.05, 12), (50, 1500), (0.5, 40), (60, 400), (300, 3000), (200, 4000)),
    # What real industrial products cost: unit costs of 40-300 kJPY, set-ups up to 3,000 kJPY and
    # quantities of 500-1,500, so that every task costs at least 20,000 kJPY and a system 0.1 to
    # several million kJPY (greedy systems of 0.2-1.0 million on `small`, 0.45-2.0 million on `medium`, seeds 0-39).
    "industrial": Magnitude(
        (200, 3000), (40, 300), (300, 3000), (60, 300), (500, 5000), (2000, 30000), (2000, 40000), (500, 1500)
    ),
}
"""Money profiles: ``tama`` (the default) and ``industrial``."""

OBJECTIVES = ("cost", "lead_time", "weighted")
"""What the default requests minimise (``Spec.objective``)."""


PRESETS: dict[str, Spec] = {
    "small": Spec(30, products=2, modules=5, steps=(1, 2), process_families=6, families=2, name="small"),
    "medium": Spec(300, products=3, modules=12, steps=(1, 3), process_families=10, families=6, name="medium"),
    "large": Spec(3000, products=3, modules=30, steps=(1, 3), process_families=14, families=30, name="large"),
    "huge": Spec(30000, products=2, modules=60, steps=(1, 4), depth=3, process_families=16, families=300, name="huge"),
    # The TAMA Industrial Activation Association in October 2002: 495 members, 271 of them firms.
    "tama-2002": Spec(
        495,
        products=4,
        modules=10,
        steps=(1, 3),
        process_families=12,
        families=10,
        membership=1.0,
        firms=271,
        name="TAMA association, October 2002 (synthetic members)",
    ),
}


#: Largest sizes generated: past them the generator would run for hours and fill the memory
#: (the ``huge`` preset has 30,000 organisations).
MAX_ORGANIZATIONS = 1_000_000
MAX_PRODUCTS = 100_000
MAX_MODULES = 10_000
MAX_PEOPLE = 1_000  # engineers (contract v1.1 "People")
MAX_POLICIES = 100  # industry-promotion policies (contract v1.1 "Policies"): shares of 0.01 always fit


def spec_for(preset: str, **overrides: Any) -> Spec:
    """A preset's spec with some fields replaced (None values are ignored).

    Raises:
        InputError: Unknown preset or an impossible size.
    """
    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}: use one of {', '.join(PRESETS)}")
    spec = replace(PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None})
    _check(spec)
    return spec


def _check(spec: Spec) -> None:
    """Refuse a spec the generator cannot follow (a :class:`Spec` built directly is checked too)."""
    if spec.magnitude not in MAGNITUDES:
        raise InputError(f"unknown magnitude {spec.magnitude!r}: use one of {', '.join(MAGNITUDES)}")
    if spec.objective not in OBJECTIVES:
        raise InputError(f"unknown objective {spec.objective!r}: use one of {', '.join(OBJECTIVES)}")
    if isinstance(spec.people, bool) or not isinstance(spec.people, int) or not 0 <= spec.people <= MAX_PEOPLE:
        raise InputError(f"people: a whole number from 0 to {MAX_PEOPLE:,}, got {spec.people!r}")
    policies = spec.policies
    if isinstance(policies, bool) or not isinstance(policies, int) or not 0 <= policies <= MAX_POLICIES:
        raise InputError(f"policies: a whole number from 0 to {MAX_POLICIES:,}, got {policies!r}")
    if spec.organizations < 5 or spec.products < 1 or spec.modules < 1:
        raise InputError("a generated cluster needs at least 5 organisations, 1 product and 1 module")
    for name, most in (("organizations", MAX_ORGANIZATIONS), ("products", MAX_PRODUCTS), ("modules", MAX_MODULES)):
        if getattr(spec, name) > most:
            raise InputError(f"{name}: at most {most:,} in a generated cluster, got {getattr(spec, name):,}")
    tightness = spec.tightness
    if isinstance(tightness, bool) or not isinstance(tightness, (int, float)) or not 0 <= tightness <= 1:
        raise InputError(f"tightness is a number from 0 (loose limits) to 1 (tight), got {tightness!r}")


def _money(rng: random.Random, low: float, high: float, places: int = 0) -> Decimal:
    """A log-uniform amount in [low, high] with ``places`` decimals, exact."""
    value = low * (high / low) ** rng.random()
    scale = 10**places
    return Decimal(max(1, round(value * scale))).scaleb(-places)


def _taxonomy(rng: random.Random, spec: Spec) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Process and technology capabilities; returns (capabilities, process nodes, technology nodes)."""
    caps: list[dict[str, Any]] = []
    process: list[str] = []
    for root in PROCESS_FAMILIES[: max(1, min(spec.process_families, len(PROCESS_FAMILIES)))]:
        level = [root]
        caps.append({"id": root})
        process.append(root)
        for _ in range(spec.depth):
            nxt = []
            for parent in level:
                for k in range(1, spec.breadth + 1):
                    child = f"{parent}.{k}"
                    caps.append({"id": child, "parents": [parent]})
                    process.append(child)
                    nxt.append(child)
            level = nxt
    # A few nodes with two parents (the taxonomy is a DAG, not a tree).
    leaves = [c for c in process if c.count(".") == spec.depth]
    roots = [c for c in process if "." not in c]
    for index in range(min(3, len(roots) - 1)):
        node = f"{roots[index]}.x"
        caps.append({"id": node, "parents": [rng.choice(leaves[:]), roots[index + 1]]})
        process.append(node)
    tech: list[str] = []
    for root in TECH_FAMILIES[: max(2, min(len(TECH_FAMILIES), spec.process_families // 2 + 2))]:
        caps.append({"id": root})
        tech.append(root)
        for k in range(1, 4):
            caps.append({"id": f"{root}.{k}", "parents": [root]})
            tech.append(f"{root}.{k}")
    return caps, process, tech


def _process_offer(rng: random.Random, capability: str, index: int, mag: Magnitude) -> dict[str, Any]:
    offer: dict[str, Any] = {
        "id": f"p{index}",
        "capability": capability,
        "setup_cost": _money(rng, *mag.process_setup),
        "unit_cost": _money(rng, *mag.process_unit, 2),
        "setup_days": rng.randint(1, 12),
        "units_per_day": Decimal(rng.choice([10, 20, 25, 40, 50, 80, 100, 150, 200, 400])),
        "attributes": {"tolerance_um": rng.choice([1, 2, 5, 5, 10, 10, 20, 50])},
    }
    if rng.random() < 0.15:
        offer["max_lot"] = rng.choice([100, 200, 500, 1000, 2000])
    return offer


def _module_offer(
    rng: random.Random, mtype: str, index: int, kinds: list[str], variants: int, mag: Magnitude
) -> dict[str, Any]:
    offer: dict[str, Any] = {
        "id": f"m{index}",
        "type": mtype,
        "setup_cost": _money(rng, *mag.module_setup),
        "unit_cost": _money(rng, *mag.module_unit, 2),
        "setup_days": rng.randint(3, 25),
        "units_per_day": Decimal(rng.choice([20, 50, 100, 200, 500])),
        "variants": {k: f"V{rng.randint(1, variants)}" for k in kinds if rng.random() < 0.6},
    }
    if rng.random() < 0.1:
        offer["max_lot"] = rng.choice([200, 500, 1000, 5000])
    return offer


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def generate(preset: str | Spec, seed: int = 0) -> dict[str, Any]:
    """Catalog data of a synthetic cluster, deterministic in ``(preset, seed)``.

    Args:
        preset: A name of :data:`PRESETS` or a :class:`Spec`.
        seed: The random seed.

    Returns:
        A catalog mapping (``schema: modcluster/1``) with a default request per product.

    Raises:
        InputError: Unknown preset, magnitude or objective, or an impossible size.
    """
    spec = spec_for(preset) if isinstance(preset, str) else preset
    _check(spec)
    mag = MAGNITUDES[spec.magnitude]
    rng = random.Random(f"modcluster-generate/{seed}")
    n = spec.organizations
    caps, process_nodes, tech_nodes = _taxonomy(rng, spec)
    kinds = INTERFACE_NAMES[: max(1, min(spec.interfaces, len(INTERFACE_NAMES)))]
    interfaces = [{"id": k, "bridge_cost": _money(rng, *mag.bridge), "bridge_days": rng.randint(2, 10)} for k in kinds]
    families = [f"family-{i}" for i in range(max(spec.families, spec.products))]

    # Products: modules (made or bought) and links between them.
    products: list[dict[str, Any]] = []
    buy_types: list[str] = []
    for p in range(spec.products):
        modules = []
        for j in range(spec.modules):
            module: dict[str, Any] = {"id": f"mod{j}", "type": f"type-{p}-{j}"}
            if rng.random() < spec.make_share:
                steps = []
                for _ in range(rng.randint(*spec.steps)):
                    step: dict[str, Any] = {"capability": rng.choice(process_nodes)}
                    if rng.random() < 0.3:
                        step["require"] = {"tolerance_um": {"max": rng.choice([5, 10, 20])}}
                    steps.append(step)
                make: dict[str, Any] = {"steps": steps}
                if rng.random() < 0.2:
                    make["technology"] = {
                        "capability": rng.choice(tech_nodes),
                        "require": {"trl": {"min": rng.randint(3, 6)}},
                    }
                module["make"] = make
            modules.append(module)
            buy_types.append(module["type"])
        links: list[dict[str, Any]] = []
        seen: set[tuple[str, str, str]] = set()
        for j in range(1, spec.modules):
            for _ in range(1 if rng.random() < 0.8 else 2):
                a, b = f"mod{rng.randrange(j)}", f"mod{j}"
                kind = rng.choice(kinds)
                if (a, b, kind) not in seen:
                    seen.add((a, b, kind))
                    links.append({"between": [a, b], "interface": kind})
        products.append({"id": f"product-{p}", "family": families[p], "modules": modules, "links": links})

    # Organisations: firms (developers, processors, enterprises), then universities, labs and other members.
    firms = spec.firms if spec.firms is not None else n - max(1, n // 10)
    academic = min(n - firms, max(2, n // 12))
    roles = ["developer"] * max(spec.products * 2, firms // 10)
    roles += ["enterprise"] * max(2, firms // 15)
    roles += ["processor"] * (firms - len(roles))
    roles = roles[:firms] + ["university", "lab"] * (academic // 2) + ["university"] * (academic % 2)
    roles += ["member"] * (n - len(roles))
    digits = len(str(n - 1))
    orgs: list[dict[str, Any]] = []
    for i, role in enumerate(roles):
        site = rng.choice(SITES)
        org: dict[str, Any] = {"id": f"{site.lower()}-{i:0{digits}d}", "name": f"{site} {role} {i} (fictional)"}
        if role != "member":
            org["kind"] = role
        org["site"] = site
        offers_p: list[dict[str, Any]] = []
        offers_m: list[dict[str, Any]] = []
        if role == "developer":
            org["capacity"] = rng.randint(2, 4)
            fams = rng.sample(families, min(len(families), rng.choice([1, 1, 2])))
            org["develops"] = sorted(fams)
            org["design_fee"] = _money(rng, *mag.design_fee)
            org["integration_days"] = rng.randint(5, 30)
            org["bridging"] = Decimal(rng.choice([6, 8, 9, 10, 10, 12, 14])).scaleb(-1)
            org["house_variants"] = {k: f"V{rng.randint(1, spec.variants)}" for k in kinds if rng.random() < 0.5}
            for _ in range(rng.randint(0, 2)):
                offers_p.append(_process_offer(rng, rng.choice(process_nodes), len(offers_p), mag))
        elif role == "processor":
            org["capacity"] = rng.randint(*spec.capacity)
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                offers_p.append(_process_offer(rng, rng.choice(process_nodes), len(offers_p), mag))
            if rng.random() < 0.1:
                offers_m.append(_module_offer(rng, rng.choice(buy_types), 0, kinds, spec.variants, mag))
        elif role == "enterprise":
            org["capacity"] = rng.randint(3, 6)
            for _ in range(rng.randint(1, 4)):
                offers_m.append(_module_offer(rng, rng.choice(buy_types), len(offers_m), kinds, spec.variants, mag))
        elif role in ("university", "lab"):
            org["capacity"] = rng.randint(1, 2)
            org["seeds"] = [
                {
                    "id": f"s{k}",
                    "technology": rng.choice(tech_nodes),
                    "license_fee": _money(rng, *mag.license_fee),
                    "transfer_days": rng.randint(10, 60),
                    "attributes": {"trl": rng.randint(2, 8)},
                }
                for k in range(rng.randint(1, 3))
            ]
        if offers_p:
            org["processes"] = offers_p
        if offers_m:
            org["modules"] = offers_m
        orgs.append(org)

    _repair(rng, spec, orgs, products, process_nodes, kinds, mag)

    ids = [o["id"] for o in orgs]
    pairs: set[tuple[str, str]] = set()
    for _ in range(int(spec.ties * n / 2)):
        a, b = rng.sample(ids, 2)
        pairs.add((min(a, b), max(a, b)))
    relationships = [{"between": list(p)} for p in sorted(pairs)]
    members = [o for o in ids if rng.random() < spec.membership]
    intermediaries = [{"id": "cluster-association", "members": members, "onboarding_cost": Decimal(80)}]
    for site in SITES[:4]:
        local = [o["id"] for o in orgs if o["site"] == site and rng.random() < 0.5]
        intermediaries.append({"id": f"{site.lower()}-network", "members": local, "onboarding_cost": Decimal(120)})

    data: dict[str, Any] = {
        "schema": "modcluster/1",
        "name": f"{spec.name} (synthetic, seed {seed})",
        "units": {"money": "kJPY", "time": "day"},
        "defaults": {"handover_days": 1, "onboarding_cost": Decimal(300)},
        "capabilities": caps,
        "interfaces": interfaces,
        "intermediaries": intermediaries,
        "organizations": orgs,
        "relationships": relationships,
        "products": products,
    }
    _add_requests(rng, spec, data)
    if spec.people:
        data["people"] = _people(random.Random(f"modcluster-generate/{seed}/people"), spec, data)
    if spec.policies:
        data["policies"] = _policies(random.Random(f"modcluster-generate/{seed}/policies"), spec, data)
    return data


def _people(rng: random.Random, spec: Spec, data: dict[str, Any]) -> list[dict[str, Any]]:
    """``spec.people`` engineers of the enterprises, each able to lead one or two of the products' families.

    The fee is of a developer's design fee's order; most are placed through the
    cluster association; some bring a better bridging factor, some are free
    only after a while (what makes a placement a real trade-off).
    """
    mag = MAGNITUDES[spec.magnitude]
    enterprises = [o["id"] for o in data["organizations"] if o.get("kind") == "enterprise"]
    families = sorted({p["family"] for p in data["products"]})
    found = []
    for index in range(spec.people):
        person: dict[str, Any] = {
            "id": f"engineer-{index}",
            "from": rng.choice(enterprises),
            "families": sorted(rng.sample(families, min(len(families), rng.randint(1, 2)))),
            "fee": _money(rng, *mag.design_fee),
            "integration_days": rng.randint(5, 20),
        }
        if rng.random() < 0.5:
            person["bridging"] = Decimal(rng.choice(["0.5", "0.6", "0.7", "0.8", "0.9"]))
        if rng.random() < 0.3:
            person["available_day"] = rng.randint(5, 40)
        if rng.random() < 0.7:
            person["via"] = "cluster-association"
        found.append(person)
    return found


#: The cities the seed names first: their policies come first (when organisations are there).
POLICY_CITIES = ("Sagamihara", "Hachioji", "Sayama")
POLICY_SHARES = (10, 15, 20, 25, 30, 40, 50)  # hundredths


def _policies(rng: random.Random, spec: Spec, data: dict[str, Any]) -> list[dict[str, Any]]:
    """``spec.policies`` industry-promotion policies of the cities where the organisations are.

    The first policies are those of Sagamihara, Hachioji and Sayama (the cities
    the seed names), the others of any site with organisations, a few covering
    two or three cities. Each applies to one to three kinds of cost term (a
    fifth names none: steps, the contract's default; ``people`` only when the
    catalog has people), refunds a share of 0.1 to 0.5 of them, about half up
    to a cap of a design fee's order, and about a third only for the members
    of an intermediary (the association, or the local network of one of its
    cities).

    Valid by construction, in hundredths: what is left of 1 at every (site,
    kind) is kept, and a policy's share is at most what is left at each (site,
    kind) it covers (a kind or site with nothing left is dropped; a policy
    with none left goes to the pair with most left). An organisation is at one
    site, so the shares covering it and one kind add up to at most 1, whatever
    the memberships. A policy also leaves a hundredth, in all, for each policy
    still to come, so every one of them finds room (a site has at least four
    kinds of 100 hundredths; :data:`MAX_POLICIES` is 100).
    """
    from modcluster.domain import POLICY_KINDS

    mag = MAGNITUDES[spec.magnitude]
    present = {o["site"] for o in data["organizations"]}
    sites = [s for s in SITES if s in present]
    firsts = [s for s in POLICY_CITIES if s in present]
    intermediaries = {i["id"] for i in data["intermediaries"]}
    kinds_here = [k for k in POLICY_KINDS if k != "people" or data.get("people")]
    left = {(s, k): 100 for s in sites for k in kinds_here}  # hundredths of a share still free

    def room(where: list[str], what: list[str]) -> int:
        return min(left[(s, k)] for s in where for k in what)

    found: list[dict[str, Any]] = []
    for index in range(spec.policies):
        chosen = [firsts[index]] if index < len(firsts) else [rng.choice(sites)]
        if rng.random() < 0.2:
            chosen += rng.sample([s for s in sites if s not in chosen], min(len(sites) - 1, rng.randint(1, 2)))
        named = rng.random() >= 0.2
        kinds = rng.sample(kinds_here, rng.choice([1, 1, 2, 2, 3])) if named else ["steps"]
        share = rng.choice(POLICY_SHARES)
        cap = _money(rng, *mag.design_fee) if rng.random() < 0.5 else None
        member_only = rng.random() < 0.35
        while room(chosen, kinds) == 0 and len(chosen) + len(kinds) > 2:
            site, kind = next((s, k) for s in chosen for k in kinds if left[(s, k)] == 0)
            if len(kinds) > 1:
                kinds.remove(kind)
            else:
                chosen.remove(site)
        # What the policies still to come need: a hundredth each, anywhere.
        spare = sum(left.values()) - (spec.policies - index - 1)
        share = min(share, room(chosen, kinds), spare // (len(chosen) * len(kinds)))
        if share == 0:  # no room here: one hundredth (at least) where most is left
            site, kind = max(left, key=lambda pair: (left[pair], -sites.index(pair[0])))
            chosen, kinds, named = [site], [kind], True
            share = min(rng.choice(POLICY_SHARES), left[(site, kind)], spare)
        for s in chosen:
            for k in kinds:
                left[(s, k)] -= share
        # The association, or the local network of one of its cities (whose members are there).
        networks = ["cluster-association", *(f"{s.lower()}-network" for s in chosen)]
        policy: dict[str, Any] = {
            "id": f"{chosen[0].lower()}-promotion-{index}",
            "sites": [s for s in sites if s in chosen],
            "share": Decimal(share).scaleb(-2).normalize(),
        }
        if cap is not None:
            policy["cap"] = cap
        if named:
            policy["applies_to"] = [k for k in POLICY_KINDS if k in kinds]
        if member_only:
            policy["members_of"] = rng.choice([i for i in networks if i in intermediaries])
        found.append(policy)
    return found


def _repair(
    rng: random.Random,
    spec: Spec,
    orgs: list[dict[str, Any]],
    products: list[dict[str, Any]],
    process_nodes: list[str],
    kinds: list[str],
    mag: Magnitude,
) -> None:
    """Give every family a few developers, every step and bought module a few offers, every technology a seed."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for org in orgs:
        by_role.setdefault(org.get("kind", "member"), []).append(org)
    developers = by_role["developer"]
    processors = by_role.get("processor") or developers
    sellers = by_role.get("enterprise", []) + processors
    labs = by_role.get("university", []) + by_role.get("lab", [])
    for product in products:
        hubs = [o for o in developers if product["family"] in o["develops"]]
        for org in rng.sample(developers, max(0, min(len(developers), 3) - len(hubs))):
            org["develops"] = sorted({*org["develops"], product["family"]})
        for module in product["modules"]:
            make = module.get("make")
            if make is None:
                for _ in range(rng.randint(2, 4)):
                    org = rng.choice(sellers)
                    offers = org.setdefault("modules", [])
                    offer = _module_offer(rng, module["type"], len(offers), kinds, spec.variants, mag)
                    if mag.quantity is not None and offer.get("max_lot", mag.quantity[1]) < mag.quantity[1]:
                        # A profile that sets the quantities keeps these offers eligible at every quantity
                        # it draws (the default profile keeps its catalogs as they were).
                        del offer["max_lot"]
                    offers.append(offer)
                continue
            for step in make["steps"]:
                # Offers at the step's capability or a descendant, meeting its tolerance.
                for _ in range(2):
                    org = rng.choice(processors)
                    offers = org.setdefault("processes", [])
                    below = [
                        c for c in process_nodes if c == step["capability"] or c.startswith(step["capability"] + ".")
                    ]
                    offer = _process_offer(rng, rng.choice(below), len(offers), mag)
                    offer["attributes"] = {"tolerance_um": rng.choice([1, 2, 5])}
                    offer.pop("max_lot", None)
                    offers.append(offer)
            tech = make.get("technology")
            if tech is not None and labs:
                for _ in range(2):
                    org = rng.choice(labs)
                    seeds = org.setdefault("seeds", [])
                    seeds.append(
                        {
                            "id": f"s{len(seeds)}",
                            "technology": tech["capability"],
                            "license_fee": _money(rng, *mag.license_fee),
                            "transfer_days": rng.randint(10, 60),
                            "attributes": {"trl": rng.randint(tech["require"]["trl"]["min"], 9)},
                        }
                    )
            elif tech is not None:
                del make["technology"]


def _add_requests(rng: random.Random, spec: Spec, data: dict[str, Any]) -> None:
    """A default request per product with limits met by a greedy system (so it is feasible)."""
    from modcluster.io import catalog_from_data, request_from_data
    from modcluster.solver import greedy, prepare

    span = MAGNITUDES[spec.magnitude].quantity or spec.quantity
    quantities = [rng.randint(*span) // 10 * 10 or 10 for _ in data["products"]]
    catalog = catalog_from_data(data)
    slack = Decimal(str(round(0.02 + 0.5 * (1 - spec.tightness), 3)))
    for product, quantity in zip(data["products"], quantities, strict=True):
        request = request_from_data({"product": product["id"], "quantity": quantity})
        system = greedy(prepare(catalog, request))
        assert system is not None, "the repair gives every module a source and every product a hub"
        budget = _ceil(Decimal(system.cents).scaleb(-2) * (1 + slack))
        deadline = int(_ceil(Decimal(system.lead) * (1 + slack)))
        product["request"] = {
            "quantity": quantity,
            "limits": {"budget": budget, "deadline": deadline},
            "objective": spec.objective,
            "candidates": 3,
            "time_limit": 60,
        }
        if spec.objective == "weighted":
            product["request"]["weights"] = _weights(system.cents, system.lead)


def _weights(cents: int, days: int) -> dict[str, Decimal]:
    """Weights of a ``weighted`` request: cost 0.75, and a lead-time weight with four decimals.

    A day weighs 0.3517 of the greedy system's cost per day, so, with a cost
    weight of 0.75, a day is worth about half of that system's cost per day in
    money: neither key dominates. Drawn from the system's figures, not from the
    random stream, so that the catalog is the same for every objective. Both
    weights are fractional on purpose: they are what makes the weighted value's
    integer scale large.

    Args:
        cents: The greedy system's cost, in cents.
        days: The greedy system's lead time.

    Returns:
        The ``weights`` mapping of the request.
    """
    per_day = Decimal(cents).scaleb(-2) / max(days, 1)
    return {"cost": Decimal("0.75"), "lead_time": (per_day * Decimal("0.3517")).quantize(Decimal("0.0001"))}


def dump_catalog(data: dict[str, Any], fmt: str) -> str:
    """Text of catalog data as ``json`` or ``yaml`` (numbers written exactly)."""
    if fmt == "json":
        from modcluster.domain import dumps

        return dumps(data, indent=None) + "\n"
    if fmt == "yaml":
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

        class _Dumper(dumper):  # type: ignore[misc,valid-type]
            pass

        def decimal(d: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
            text = format(value, "f")
            tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
            return d.represent_scalar(tag, text)

        _Dumper.add_representer(Decimal, decimal)
        text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
        return text
    raise InputError(f"unknown output format {fmt!r}: use json or yaml")


def write_catalog(data: dict[str, Any], path: str | Path, fmt: str | None = None) -> None:
    """Write catalog data atomically; the format follows the suffix unless given."""
    from modcluster.io import atomic_write_text

    name = str(path)
    fmt = fmt or ("json" if name.endswith(".json") else "yaml")
    atomic_write_text(name, dump_catalog(data, fmt))
