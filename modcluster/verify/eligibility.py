"""What a system may be: the hub, each source and seed, the request's filters and limits.

One function per rule of the contract (MODEL.md, "What a candidate system is"):

- taxonomy descent: :func:`descends` (over :func:`taxonomy_parents`);
- ``max_lot`` against the quantity: :func:`lot_problem`;
- the request's ``sites`` and ``exclude``: :func:`org_filter_problem`;
- the hub develops the product family, and is the request's ``hub``: :func:`hub_problems`;
- a source's eligibility (type, capability, ``require``, ``max_lot``):
  :func:`source_problems`, and for a made module's seed :func:`seed_problems`;
- ``max_partners``, the request's ``require`` and the budget: :func:`limit_problems`;
  the deadline: :func:`deadline_problem`.

References that do not resolve are problems here too, never exceptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modcluster.domain import Catalog, Make, Module, Organization, Product, Request, requirements_met
from modcluster.verify.figures import (
    BuyChoice,
    MakeChoice,
    ModuleSource,
    Problem,
    SystemFigures,
    module_offer,
    process_offer,
    seed_offer,
)

__all__ = [
    "deadline_problem",
    "descends",
    "hub_problems",
    "limit_problems",
    "lot_problem",
    "org_filter_problem",
    "seed_problems",
    "source_problems",
    "taxonomy_parents",
]

Parents = Mapping[str, tuple[str, ...]]


def taxonomy_parents(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Return each capability's parents, by capability id (the taxonomy as :func:`descends` reads it)."""
    return {c.id: c.parents for c in catalog.capabilities}


def descends(parents: Parents, capability: str, ancestor: str) -> bool:
    """Whether ``capability`` is ``ancestor`` or reachable from it through children.

    Args:
        parents: Each capability's parents (:func:`taxonomy_parents`).
        capability: The capability an offer or a seed has.
        ancestor: The capability a step or a technology asks for.
    """
    stack, seen = [capability], set()
    while stack:
        node = stack.pop()
        if node == ancestor:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(parents.get(node, ()))
    return False


def org_filter_problem(request: Request, org: Organization) -> str | None:
    """Why ``org`` may take no part under the request's ``exclude`` and ``sites``, or None when it may.

    An organisation without a site fails any ``sites`` filter.
    """
    if org.id in request.exclude:
        return f"organization {org.id!r} is excluded by the request"
    if request.sites is not None and (org.site is None or org.site not in request.sites):
        where = "has no site" if org.site is None else f"is at {org.site!r}"
        return f"organization {org.id!r} {where}, outside the request's sites {list(request.sites)}"
    return None


def lot_problem(what: str, max_lot: int | None, quantity: int) -> str | None:
    """Why an offer cannot serve the quantity (``max_lot`` below it), or None when it can."""
    if max_lot is not None and max_lot < quantity:
        return f"{what} has max_lot {max_lot} < quantity {quantity}"
    return None


def hub_problems(
    catalog: Catalog, request: Request, product: Product, hub_id: str, person_id: str | None = None
) -> list[Problem]:
    """Why ``hub_id`` cannot be the product's hub: it must develop the family, pass the filters, match ``hub``.

    With a person placed (MODEL.md v1.1 "People") the hub needs no ``develops``
    entry; instead the person must exist, the request must allow placements,
    the family must be one of theirs, the hub a developer or a processor and,
    with ``via``, a member of that intermediary.
    """
    hub = catalog.org_by_id.get(hub_id)
    if hub is None:
        return [("hub", f"unknown organization {hub_id!r}")]
    problems: list[Problem] = []
    if person_id is not None:
        problems += _placement_problems(catalog, request, product, hub, person_id)
    elif product.family not in hub.develops:
        problems.append(("hub", f"organization {hub_id!r} does not develop the product family {product.family!r}"))
    reason = org_filter_problem(request, hub)
    if reason:
        problems.append(("hub", reason))
    if request.hub is not None and request.hub != hub_id:
        problems.append(("hub", f"the request fixes the hub to {request.hub!r}, not {hub_id!r}"))
    return problems


def _placement_problems(
    catalog: Catalog, request: Request, product: Product, hub: Organization, person_id: str
) -> list[Problem]:
    """Why ``person_id`` cannot lead ``product`` at ``hub``."""
    person = {p.id: p for p in catalog.people or ()}.get(person_id)
    if person is None:
        return [("person", f"unknown person {person_id!r}")]
    problems: list[Problem] = []
    if not request.people:
        problems.append(("person", "the request forbids placements (people: false)"))
    if product.family not in person.families:
        problems.append(("person", f"{person_id!r} cannot lead the product family {product.family!r}"))
    if hub.kind not in ("developer", "processor"):
        kind = "no kind" if hub.kind is None else f"kind {hub.kind.value!r}"
        problems.append(("person", f"the hub {hub.id!r} has {kind}: only a developer or a processor hosts a person"))
    if person.via is not None and not any(i.id == person.via and hub.id in i.members for i in catalog.intermediaries):
        problems.append(
            ("person", f"{person_id!r} is placed only via {person.via!r}, of which {hub.id!r} is no member")
        )
    return problems


def _organization(
    catalog: Catalog, request: Request, where: str, org_id: str, problems: list[Problem]
) -> Organization | None:
    """Return the organisation ``org_id``; record at ``where`` that it is unknown or filtered out."""
    org = catalog.org_by_id.get(org_id)
    if org is None:
        problems.append((where, f"unknown organization {org_id!r}"))
        return None
    reason = org_filter_problem(request, org)
    if reason:
        problems.append((where, reason))
    return org


def source_problems(
    catalog: Catalog, request: Request, module: Module, source: ModuleSource, parents: Parents
) -> list[Problem]:
    """Eligibility of one module's source (references that do not resolve included).

    A bought module needs a module offer of the module's type within its
    ``max_lot``; a made one needs a ``make``, one offer per step for the
    step's capability or a descendant that meets ``require`` and ``max_lot``,
    and the seed :func:`seed_problems` asks for. Every organisation passes the
    request's filters.
    """
    if isinstance(source, BuyChoice):
        return _bought_problems(catalog, request, module, source)
    problems: list[Problem] = []
    make = module.make
    if make is None:
        problems.append((f"module {module.id}", f"module {module.id!r} has no make: it must be bought"))
        return problems
    problems += _step_problems(catalog, request, module, make, source, parents)
    problems += seed_problems(catalog, request, module, make, source, parents)
    return problems


def _bought_problems(catalog: Catalog, request: Request, module: Module, source: BuyChoice) -> list[Problem]:
    place = f"module {module.id}"
    problems: list[Problem] = []
    org = _organization(catalog, request, place, source.organization, problems)
    if org is None:
        return problems
    offer = module_offer(org, source.offer)
    if offer is None:
        problems.append((place, f"organization {org.id!r} has no module offer {source.offer!r}"))
        return problems
    what = f"module offer {offer.offer_id!r} of {org.id!r}"
    if offer.type != module.type:
        problems.append((place, f"{what} is of type {offer.type!r}, not the module's {module.type!r}"))
    lot = lot_problem(what, offer.max_lot, request.quantity)
    if lot:
        problems.append((place, lot))
    return problems


def _step_problems(
    catalog: Catalog, request: Request, module: Module, make: Make, source: MakeChoice, parents: Parents
) -> list[Problem]:
    place = f"module {module.id}"
    problems: list[Problem] = []
    if len(source.steps) != len(make.steps):
        problems.append((place, f"{len(source.steps)} steps given, the module's make has {len(make.steps)}"))
    for index, ((org_id, offer_id), step) in enumerate(zip(source.steps, make.steps, strict=False)):
        where = f"{place} step {index + 1}"
        org = _organization(catalog, request, where, org_id, problems)
        if org is None:
            continue
        process = process_offer(org, offer_id)
        if process is None:
            problems.append((where, f"organization {org_id!r} has no process offer {offer_id!r}"))
            continue
        what = f"offer {offer_id!r} of {org_id!r}"
        if not descends(parents, process.capability, step.capability):
            problems.append(
                (where, f"{what} is for {process.capability!r}, not {step.capability!r} or a descendant of it")
            )
        if not requirements_met(step.require, process.attributes):
            problems.append((where, f"{what} does not meet the requirements {_show_require(step.require)}"))
        lot = lot_problem(what, process.max_lot, request.quantity)
        if lot:
            problems.append((where, lot))
    return problems


def seed_problems(
    catalog: Catalog, request: Request, module: Module, make: Make, source: MakeChoice, parents: Parents
) -> list[Problem]:
    """Why a made module's seed is wrong: missing, licensed without a technology, or not eligible.

    With ``make.technology`` set, exactly one seed is licensed, of that
    capability or a descendant, meeting the technology's ``require``; without
    it, none is.
    """
    where = f"module {module.id} seed"
    problems: list[Problem] = []
    tech = make.technology
    if tech is None:
        if source.seed is not None:
            problems.append((where, "the module's make has no technology, yet a seed is licensed"))
    elif source.seed is None:
        problems.append((where, f"the module needs a seed of {tech.capability!r}, none is licensed"))
    else:
        org_id, seed_id = source.seed
        org = _organization(catalog, request, where, org_id, problems)
        seed = None if org is None else seed_offer(org, seed_id)
        if org is not None and seed is None:
            problems.append((where, f"organization {org_id!r} has no seed {seed_id!r}"))
        elif seed is not None:
            what = f"seed {seed_id!r} of {org_id!r}"
            if not descends(parents, seed.technology, tech.capability):
                problems.append(
                    (where, f"{what} is of {seed.technology!r}, not {tech.capability!r} or a descendant of it")
                )
            if not requirements_met(tech.require, seed.attributes):
                problems.append((where, f"{what} does not meet the requirements {_show_require(tech.require)}"))
    return problems


def _show_require(require: Mapping[str, Any]) -> str:
    parts = []
    for name, req in require.items():
        bits = []
        if req.min is not None:
            bits.append(f"min {req.min}")
        if req.max is not None:
            bits.append(f"max {req.max}")
        if req.in_ is not None:
            bits.append(f"in {[str(v) for v in req.in_]}")
        parts.append(f"{name} {' '.join(bits)}".strip())
    return "{" + ", ".join(parts) + "}"


# --------------------------------------------------------------------------- limits


def limit_problems(request: Request, figures: SystemFigures) -> list[Problem]:
    """Partner count, required organisations and budget (the deadline needs a schedule: :func:`deadline_problem`).

    The hub is never a partner; a ``require``d organisation taking part only
    as the hub satisfies the requirement. Both limits are inclusive.
    """
    problems: list[Problem] = []
    limits = request.limits
    if limits.max_partners is not None and len(figures.partners) > limits.max_partners:
        problems.append(("partners", f"{len(figures.partners)} partners exceed max_partners {limits.max_partners}"))
    taking_part = {figures.hub, *figures.partners}
    for org_id in request.require:
        if org_id not in taking_part:
            problems.append(("", f"required organization {org_id!r} takes no part"))
    if limits.budget is not None and figures.cost > limits.budget:
        problems.append(("cost", f"cost {figures.cost} exceeds the budget {limits.budget}"))
    return problems


def deadline_problem(request: Request, lead_time: int | None) -> Problem | None:
    """Why a lead time breaks the request's deadline (inclusive), or None when it does not or is unknown."""
    deadline = request.limits.deadline
    if deadline is not None and lead_time is not None and lead_time > deadline:
        return ("lead_time", f"{lead_time} exceeds the deadline {deadline}")
    return None
