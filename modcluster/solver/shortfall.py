"""Shortfall: the slots (hub, module, step, seed, required member) with no eligible option.

Each is a requirement no organisation can serve after the filters (the static gaps).

These are found before any solving, and said in the user's terms with the
nearest misses ("best tolerance_um offered is 8 (ome-precision); max 5 required").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from modcluster.domain import (
    Catalog,
    Gap,
    Organization,
    Request,
    Requirement,
    Requires,
    Step,
    Technology,
    plain_number,
    requirements_met,
)
from modcluster.graphs import covers, taxonomy_graph
from modcluster.solver.instance import Instance
from modcluster.solver.rules.limits import org_allowed

__all__ = ["static_gaps"]


#: An offer found for a requirement: (organisation, offer, its attributes, its max_lot).
Found = tuple[Organization, object, dict[str, Any], int | None]


def _filter_reason(org: Organization, request: Request) -> str | None:
    if org.id in request.exclude:
        return "excluded"
    if request.sites is not None and (org.site is None or org.site not in request.sites):
        return f"site {org.site or 'unknown'} not in sites"
    return None


def _requirement_misses(require: Requires, candidates: list[tuple[Organization, dict[str, object]]]) -> list[str]:
    misses = []
    for attr, req in require.items():
        failing = [(org, attrs.get(attr)) for org, attrs in candidates if not req.accepts(attrs.get(attr))]  # type: ignore[arg-type]
        if not failing:
            continue
        misses.append(_describe(attr, req, failing))
    return misses


def _describe(attr: str, req: Requirement, failing: list[tuple[Organization, object]]) -> str:
    numeric = [(v, org.id) for org, v in failing if isinstance(v, Decimal)]
    need = req.describe()
    if numeric and (req.min is not None or req.max is not None):
        best = max(numeric) if req.min is not None and req.max is None else min(numeric)
        return f"best {attr} offered is {plain_number(best[0])} ({best[1]}); {need} required"
    values = sorted({plain_number(v) for _, v in failing if v is not None})
    if values:
        return f"{attr} offered: {', '.join(values)}; {need} required"
    return f"no offer states {attr}; {need} required"


def _offer_misses(
    catalog: Catalog,
    request: Request,
    found: Iterable[Found],
    require: Requires,
) -> tuple[str, ...]:
    found = list(found)
    if not found:
        return ()
    misses: list[str] = []
    filtered = [(org, _filter_reason(org, request)) for org, *_ in found]
    out = [f"{org.id}: {why}" for org, why in filtered if why]
    if out and len(out) == len(found):
        noun = "offer exists but is" if len(found) == 1 else f"{len(found)} offers exist but all are"
        misses.append(f"{noun} filtered out ({'; '.join(out[:5])})")
    else:
        blocked = [
            f"{org.id} ({why})"
            for (org, _, attrs, lot), (_, why) in zip(found, filtered, strict=True)
            if why and requirements_met(require, attrs) and (lot is None or lot >= request.quantity)
        ]
        if blocked:
            misses.append("meets it but is filtered out: " + ", ".join(blocked[:5]))
    lots = [(org.id, lot) for org, _, _, lot in found if lot is not None and lot < request.quantity]
    if lots:
        biggest = max(lots, key=lambda x: x[1])
        misses.append(
            f"largest max_lot among too-small offers is {biggest[1]} ({biggest[0]}); quantity {request.quantity}"
        )
    misses += _requirement_misses(require, [(org, attrs) for org, _, attrs, _ in found if org_allowed(org, request)])
    return tuple(misses)


def _slot_gap(inst: Instance, place: str, need: Step | Technology, found: list[Found], verb: str, noun: str) -> Gap:
    """The gap of a make step or seed with no eligible option, with its nearest misses."""
    reason = f"no organisation {verb} it" if not found else f"no {noun} meets every requirement and filter"
    return Gap(place, need.capability, reason, _offer_misses(inst.catalog, inst.request, found, need.require))


def static_gaps(inst: Instance) -> list[Gap]:
    """Every hub, module, step or seed requirement with no eligible option, and every impossible ``require``."""
    catalog, request, product = inst.catalog, inst.request, inst.product
    gaps: list[Gap] = []
    if not inst.hubs:
        developers = [o for o in catalog.organizations if product.family in o.develops]
        if request.hub is not None and request.hub not in {o.id for o in developers}:
            reason = f"{request.hub} does not develop family {product.family!r}"
        elif not developers:
            reason = f"no organisation develops family {product.family!r}"
        else:
            reason = f"{len(developers)} developers of {product.family!r}, none passes the filters"
        misses = tuple(f"{o.id}: {why}" for o in developers if (why := _filter_reason(o, request)))
        gaps.append(Gap("hub", f"develops {product.family}", reason, misses))
    below = covers(taxonomy_graph(catalog))
    for plan in inst.modules:
        module = plan.module
        if plan.buy or plan.can_make:
            continue
        sellers: list[Found] = [
            (org, mod, {}, mod.max_lot)
            for org in catalog.organizations
            for mod in org.modules
            if mod.type == module.type
        ]
        buy_reason = "no organisation sells it" if not sellers else "no eligible seller"
        gaps.append(
            Gap(f"module {module.id}", f"buy {module.type}", buy_reason, _offer_misses(catalog, request, sellers, {}))
        )
        if module.make is None:
            continue
        for index, step in enumerate(module.make.steps):
            if not (plan.steps and plan.steps[index]):
                found: list[Found] = [
                    (org, proc, dict(proc.attributes), proc.max_lot)
                    for org in catalog.organizations
                    for proc in org.processes
                    if proc.capability in below.get(step.capability, frozenset({step.capability}))
                ]
                gaps.append(_slot_gap(inst, f"module {module.id} step {index + 1}", step, found, "offers", "offer"))
        tech = module.make.technology
        if tech is not None and not plan.seeds:
            seeds: list[Found] = [
                (org, seed, dict(seed.attributes), None)
                for org in catalog.organizations
                for seed in org.seeds
                if seed.technology in below.get(tech.capability, frozenset({tech.capability}))
            ]
            gaps.append(_slot_gap(inst, f"module {module.id} seed", tech, seeds, "licenses", "seed"))
    hubs = {h.org for h in inst.hubs}
    participants = set(inst.participants)
    for org_id in request.require:
        org = catalog.org_by_id[org_id]
        why = _filter_reason(org, request)
        if why:
            gaps.append(Gap(f"require {org_id}", "take part", f"{org_id} is required but {why}"))
        elif org_id not in hubs and org_id not in participants:
            gaps.append(
                Gap(
                    f"require {org_id}",
                    "take part",
                    f"{org_id} has no eligible offer in {product.id} and is no eligible hub",
                )
            )
    return gaps
