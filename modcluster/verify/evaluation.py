"""A system's figures, recomputed from the catalog, the request and the choices alone.

One function per rule of the contract (MODEL.md, "Tasks, durations and the
schedule", "Interfaces", "Cost"), in exact :class:`~decimal.Decimal` arithmetic:

- a step's or a bought module's duration and cost: :func:`task_days` and
  :func:`lot_cost` (each term rounded half-up to 0.01 as a whole);
- the gap a precedence needs between two organisations: :func:`handover_gap`;
- links: :func:`link_matched`, and for a mismatched one the hub's bridge:
  :func:`bridge_figures`;
- onboarding of a partner: :func:`onboarding_cost`;
- the cost breakdown and the cost: :func:`cost_breakdown`;
- all of it for one system: :func:`evaluate` and :func:`evaluate_system`.

Eligibility is not judged here (:mod:`modcluster.verify.eligibility`); only
references must resolve.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from modcluster.domain import (
    Catalog,
    CostBreakdown,
    Interface,
    Module,
    Organization,
    Person,
    Product,
    Request,
    ceil_decimal,
    exact,
    round_money,
)
from modcluster.errors import VerificationError
from modcluster.verify.figures import (
    BREAKDOWN_KEYS,
    BuyChoice,
    Choices,
    CostTerm,
    LinkFigure,
    MakeChoice,
    ModuleSource,
    Precedence,
    Problem,
    SystemFigures,
    TaskFigure,
    module_offer,
    process_offer,
    render,
    seed_offer,
)
from modcluster.verify.policies import policy_refunds

__all__ = [
    "bridge_figures",
    "cost_breakdown",
    "evaluate",
    "evaluate_system",
    "handover_gap",
    "link_matched",
    "lot_cost",
    "normalise_choices",
    "onboarding_cost",
    "task_days",
]

# --------------------------------------------------------------------------- one rule each


def task_days(setup_days: int, units_per_day: Decimal | None, quantity: int) -> int:
    """Duration of a step or a bought module: ``setup_days + ceil(quantity / units_per_day)``.

    In exact rational arithmetic; just ``setup_days`` without ``units_per_day``.
    """
    if units_per_day is None:
        return setup_days
    num, den = units_per_day.as_integer_ratio()
    return setup_days + -(-(quantity * den) // num)


def lot_cost(setup_cost: Decimal, unit_cost: Decimal, quantity: int) -> Decimal:
    """Cost of a step or a bought module: ``setup_cost + unit_cost * quantity``, rounded half-up as a whole."""
    with decimal.localcontext(exact()):
        return round_money(setup_cost + unit_cost * quantity)


def handover_gap(before: str, after: str, handover_days: int) -> int:
    """Days a precedence needs between a task run by ``before`` and the next run by ``after``.

    ``handover_days`` when the two organisations differ (the hub included),
    else 0.
    """
    return 0 if before == after else handover_days


def link_matched(variant_a: str | None, variant_b: str | None) -> bool:
    """Whether a link is matched: both ends have a variant for its interface, and the two are equal."""
    return variant_a is not None and variant_a == variant_b


def bridge_figures(kind: Interface, bridging: Decimal) -> tuple[int, Decimal]:
    """Days and cost of bridging one mismatched link: ``ceil(bridge_days * bridging)`` and the rounded cost.

    ``bridging``: the hub's, or the placed person's when they have one (MODEL.md v1.1 "People").
    """
    with decimal.localcontext(exact()):
        return ceil_decimal(kind.bridge_days * bridging), round_money(kind.bridge_cost * bridging)


def onboarding_cost(catalog: Catalog, hub: str, partner: str) -> Decimal | None:
    """Return what the hub pays to start with ``partner``; None when they have a tie (or are one).

    The lowest ``onboarding_cost`` of an intermediary both are members of,
    even above the default; the default only when they share none.
    """
    if hub == partner:
        return None
    ties, member_of = _network(catalog)
    if (hub, partner) in ties:
        return None
    shared = member_of.get(hub, set()) & member_of.get(partner, set())
    if not shared:
        return catalog.defaults.onboarding_cost
    return min(catalog.intermediaries[i].onboarding_cost for i in shared)


#: The ties and memberships of the last few catalogs checked, so that a verifier call is linear
#: in the system checked, not in the catalog (3,000-organisation catalogs have thousands of ties).
_NETWORKS: dict[int, tuple[Catalog, frozenset[tuple[str, str]], dict[str, set[int]]]] = {}


def _network(catalog: Catalog) -> tuple[frozenset[tuple[str, str]], dict[str, set[int]]]:
    """The catalog's ties (each pair both ways round) and each organisation's intermediaries (by index)."""
    known = _NETWORKS.get(id(catalog))
    if known is not None and known[0] is catalog:
        return known[1], known[2]
    ties = frozenset(pair for rel in catalog.relationships for pair in (rel.between, rel.between[::-1]))
    member_of: dict[str, set[int]] = {}
    for index, intermediary in enumerate(catalog.intermediaries):
        for member in intermediary.members:
            member_of.setdefault(member, set()).add(index)
    if len(_NETWORKS) >= 4:
        _NETWORKS.clear()
    _NETWORKS[id(catalog)] = (catalog, ties, member_of)
    return ties, member_of


def cost_breakdown(
    terms: Sequence[CostTerm], refunds: Sequence[tuple[str, Decimal, Decimal]] = ()
) -> tuple[CostBreakdown, Decimal]:
    """Sum the rounded terms by kind, and all of them less the policies' refunds: the cost breakdown and the cost."""
    with decimal.localcontext(exact()):
        sums = {kind: Decimal(0) for kind in BREAKDOWN_KEYS if kind != "subsidies"}
        for term in terms:
            sums[term.kind] += term.amount
        subsidies = sum((refund for _, _, refund in refunds), Decimal(0))
        return CostBreakdown(**sums, subsidies=subsidies), sum((t.amount for t in terms), Decimal(0)) - subsidies


# --------------------------------------------------------------------------- a whole system


@dataclass
class _Draft:
    """The tasks, precedences, terms and variants of a system as they are gathered, module by module."""

    handover_days: int
    quantity: int
    tasks: list[TaskFigure] = field(default_factory=list)
    precedences: list[Precedence] = field(default_factory=list)
    terms: list[CostTerm] = field(default_factory=list)  # steps, modules and licences, in task order
    variants: dict[str, Mapping[str, str]] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)  # each module's last task
    problems: list[Problem] = field(default_factory=list)

    def add(self, task: TaskFigure) -> int:
        self.tasks.append(task)
        return len(self.tasks) - 1

    def precede(self, before: int, after: int) -> None:
        gap = handover_gap(self.tasks[before].organization, self.tasks[after].organization, self.handover_days)
        self.precedences.append(Precedence(before, after, gap))


def _add_bought(draft: _Draft, catalog: Catalog, module: Module, source: BuyChoice) -> None:
    place = f"module {module.id}"
    org = catalog.org_by_id.get(source.organization)
    if org is None:
        draft.problems.append((place, f"unknown organization {source.organization!r}"))
        return
    offer = module_offer(org, source.offer)
    if offer is None:
        draft.problems.append((place, f"organization {org.id!r} has no module offer {source.offer!r}"))
        return
    days = task_days(offer.setup_days, offer.units_per_day, draft.quantity)
    draft.last[module.id] = draft.add(TaskFigure(place, "module", module.id, None, org.id, days))
    draft.terms.append(CostTerm("modules", place, lot_cost(offer.setup_cost, offer.unit_cost, draft.quantity), org.id))
    draft.variants[module.id] = offer.variants


def _add_made(draft: _Draft, catalog: Catalog, hub: Organization, module: Module, source: MakeChoice) -> None:
    """The seed transfer, then the steps in order, chained; a made module takes the hub's house variants."""
    place = f"module {module.id}"
    draft.variants[module.id] = hub.house_variants
    previous: int | None = None
    if source.seed is not None:
        seed_place = f"{place} seed"
        org_id, seed_id = source.seed
        org = catalog.org_by_id.get(org_id)
        seed = None if org is None else seed_offer(org, seed_id)
        if org is None:
            draft.problems.append((seed_place, f"unknown organization {org_id!r}"))
        elif seed is None:
            draft.problems.append((seed_place, f"organization {org_id!r} has no seed {seed_id!r}"))
        else:
            previous = draft.add(TaskFigure(seed_place, "seed", module.id, None, org.id, seed.transfer_days))
            with decimal.localcontext(exact()):
                draft.terms.append(CostTerm("licences", seed_place, round_money(seed.license_fee), org.id))
    for index, (org_id, offer_id) in enumerate(source.steps):
        step_place = f"{place} step {index + 1}"
        org = catalog.org_by_id.get(org_id)
        process = None if org is None else process_offer(org, offer_id)
        if org is None:
            draft.problems.append((step_place, f"unknown organization {org_id!r}"))
            continue
        if process is None:
            draft.problems.append((step_place, f"organization {org_id!r} has no process offer {offer_id!r}"))
            continue
        days = task_days(process.setup_days, process.units_per_day, draft.quantity)
        current = draft.add(TaskFigure(step_place, "step", module.id, index, org.id, days))
        cost = lot_cost(process.setup_cost, process.unit_cost, draft.quantity)
        draft.terms.append(CostTerm("steps", step_place, cost, org.id))
        if previous is not None:
            draft.precede(previous, current)
        previous = current
    if previous is not None:
        draft.last[module.id] = previous


def _integration(
    catalog: Catalog,
    hub: Organization,
    product: Product,
    variants: Mapping[str, Mapping[str, str]],
    person: Person | None = None,
) -> tuple[list[LinkFigure], int, list[CostTerm], list[Problem]]:
    """The links, the bridge days, and the integration's terms (design fee and bridges) of a system."""
    links: list[LinkFigure] = []
    problems: list[Problem] = []
    bridge_days = 0
    with decimal.localcontext(exact()):
        terms = [CostTerm("integration", "design fee", round_money(hub.design_fee), hub.id)]
        if person is not None:
            terms.append(CostTerm("people", f"placement of {person.id}", round_money(person.fee), hub.id))
    bridging = hub.bridging if person is None or person.bridging is None else person.bridging
    for link in product.links:
        a, b = link.between
        va = variants.get(a, {}).get(link.interface)
        vb = variants.get(b, {}).get(link.interface)
        matched = link_matched(va, vb)
        links.append(LinkFigure((a, b), link.interface, (va, vb), matched))
        if matched:
            continue
        kind = catalog.interface_by_id.get(link.interface)
        if kind is None:
            problems.append((f"link {a}-{b} {link.interface}", f"unknown interface {link.interface!r}"))
            continue
        days, cost = bridge_figures(kind, bridging)
        bridge_days += days
        terms.append(CostTerm("integration", f"bridge {a}-{b} {link.interface}", cost, hub.id))
    return links, bridge_days, terms, problems


def _onboarding(catalog: Catalog, hub: str, partners: Sequence[str]) -> list[tuple[str, Decimal]]:
    """The onboarding each partner costs, rounded, for those without a tie to the hub."""
    onboarding: list[tuple[str, Decimal]] = []
    with decimal.localcontext(exact()):
        for partner in partners:
            amount = onboarding_cost(catalog, hub, partner)
            if amount is not None:
                onboarding.append((partner, round_money(amount)))
    return onboarding


def evaluate(
    catalog: Catalog,
    request: Request,
    hub_id: str,
    sources: Mapping[str, ModuleSource],
    person_id: str | None = None,
) -> tuple[SystemFigures | None, list[Problem]]:
    """Figures of a system, or the references that do not resolve.

    Args:
        catalog: The catalog.
        request: The request (its product and quantity).
        hub_id: The hub.
        sources: Each module's source, by module id.
        person_id: The person placed at the hub (v1.1): their integration days,
            bridging and fee replace or join the hub's.

    Returns:
        The figures and no problems, or None and the problems.
    """
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return None, [("", f"unknown product {request.product!r}")]
    hub = catalog.org_by_id.get(hub_id)
    if hub is None:
        return None, [("hub", f"unknown organization {hub_id!r}")]
    person = None
    if person_id is not None:
        person = catalog.person_by_id.get(person_id)
        if person is None:
            return None, [("person", f"unknown person {person_id!r}")]
    draft = _Draft(catalog.defaults.handover_days, request.quantity)
    for module in product.modules:
        source = sources.get(module.id)
        if source is None:
            draft.problems.append((f"module {module.id}", "has no source"))
        elif isinstance(source, BuyChoice):
            _add_bought(draft, catalog, module, source)
        else:
            _add_made(draft, catalog, hub, module, source)
    for module_id in sorted(set(sources) - set(product.module_by_id)):
        draft.problems.append((f"module {module_id}", f"product {product.id!r} has no module {module_id!r}"))
    if draft.problems:
        return None, draft.problems
    links, bridge_days, integration_terms, problems = _integration(catalog, hub, product, draft.variants, person)
    if problems:
        return None, problems

    integration_days = (hub.integration_days if person is None else person.integration_days) + bridge_days
    sink = draft.add(TaskFigure("integration", "integration", None, None, hub.id, integration_days))
    for module in product.modules:
        if module.id in draft.last:
            draft.precede(draft.last[module.id], sink)
    partners = tuple(sorted({t.organization for t in draft.tasks[:sink]} - {hub.id}))
    onboarding = _onboarding(catalog, hub.id, partners)
    terms = integration_terms + draft.terms
    terms += [CostTerm("onboarding", f"onboarding {partner}", amount) for partner, amount in onboarding]
    refunds = policy_refunds(catalog, request, terms)
    breakdown, cost = cost_breakdown(terms, refunds)
    figures = SystemFigures(
        hub=hub.id,
        sources=tuple((m.id, sources[m.id]) for m in product.modules),
        terms=tuple(terms),
        cost=cost,
        breakdown=breakdown,
        integration_days=integration_days,
        tasks=tuple(draft.tasks),
        precedences=tuple(draft.precedences),
        partners=partners,
        links=tuple(links),
        onboarding=tuple(onboarding),
        person=person_id,
        available_day=0 if person is None else person.available_day,
        refunds=refunds,
    )
    return figures, []


def normalise_choices(product: Product, choices: Choices) -> dict[str, ModuleSource]:
    """Return the sources by module id, given by module id or as a sequence in product order.

    Raises:
        VerificationError: A sequence does not have one source per module.
    """
    if isinstance(choices, Mapping):
        return dict(choices)
    listed = list(choices)
    if len(listed) != len(product.modules):
        raise VerificationError(
            [f"{len(listed)} sources given for the {len(product.modules)} modules of product {product.id!r}"]
        )
    return {m.id: s for m, s in zip(product.modules, listed, strict=True)}


def evaluate_system(
    catalog: Catalog, request: Request, hub: str, choices: Choices, person: str | None = None
) -> SystemFigures:
    """Every schedule-independent figure of a system: tasks, precedences, links, partners, cost.

    Eligibility is not judged here (see
    :func:`~modcluster.verify.candidate.system_problems`); only references must resolve.

    Args:
        catalog: The catalog.
        request: The request (its product and quantity).
        hub: The hub's id.
        choices: Each module's source: a mapping by module id, or a sequence in product order.
        person: The person placed at the hub (v1.1), if any.

    Raises:
        VerificationError: A hub, organisation, offer, seed, module or interface does not resolve.
    """
    product = catalog.product_by_id.get(request.product)
    if product is None:
        raise VerificationError([f"unknown product {request.product!r}"])
    figures, problems = evaluate(catalog, request, hub, normalise_choices(product, choices), person)
    if figures is None:
        raise VerificationError(render(problems))
    return figures
