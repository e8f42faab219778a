"""Turn a catalog and a request into an :class:`Instance`: the eligible options of every task slot.

This is the exact arithmetic half of compiling: eligibility (taxonomy descent,
attribute requirements, ``max_lot``, site and exclude filters), durations in
days and cost terms in integer cents, each rounded half-up as the contract
asks. The CP-SAT model is built from an Instance by :mod:`modcluster.solver.compile`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from modcluster.domain import (
    Catalog,
    Module,
    ModuleOffer,
    Organization,
    ProcessOffer,
    Product,
    Request,
    requirements_met,
)
from modcluster.graphs import covers, taxonomy_graph
from modcluster.solver.deadline import check_time
from modcluster.solver.rules.interfaces import bridge_figures
from modcluster.solver.rules.limits import budget_cents, org_allowed
from modcluster.solver.rules.onboarding import onboarding_fees
from modcluster.solver.rules.people import hub_key, placements
from modcluster.solver.rules.policies import PolicyPlan, policy_plans
from modcluster.solver.rules.tasks import lot_cents, money_cents, task_days
from modcluster.solver.selection import narrow_to_request

__all__ = ["HubOption", "Instance", "LinkPlan", "ModulePlan", "Option", "prepare"]


@dataclass(frozen=True, slots=True)
class Option:
    """One way to fill a task slot: an organisation's offer (or seed), with its days and cents."""

    org: str
    offer: str
    days: int
    cents: int
    variants: tuple[tuple[str, str], ...] = ()

    def variant(self, kind: str) -> str | None:
        """The offer's variant for an interface kind (bought modules only)."""
        for key, value in self.variants:
            if key == kind:
                return value
        return None


@dataclass(frozen=True, slots=True)
class ModulePlan:
    """Eligible options of one module: buy offers, and per make step / seed.

    ``steps`` is None when the module has no ``make``; ``seeds`` is None when the
    make has no technology. ``can_make`` says whether every make slot has an option.
    """

    module: Module
    buy: tuple[Option, ...]
    steps: tuple[tuple[Option, ...], ...] | None
    seeds: tuple[Option, ...] | None

    @property
    def can_make(self) -> bool:
        """Whether a complete make chain exists."""
        if self.steps is None:
            return False
        if self.seeds is not None and not self.seeds:
            return False
        return all(self.steps)


@dataclass(frozen=True, slots=True)
class HubOption:
    """An eligible hub with its integration figures; with a person placed (v1.1), the person's.

    ``design_cents`` is every fixed cent of the hub: its design fee and the
    person's fee (``person_cents`` of it). ``ready_day``: the integration
    starts no earlier (the person's ``available_day``).
    """

    org: str
    design_cents: int
    integration_days: int
    bridging: Decimal
    house_variants: tuple[tuple[str, str], ...]
    person: str | None = None
    person_cents: int = 0
    ready_day: int = 0
    key: str = field(init=False)
    """What tells this hub option from the others (:func:`~modcluster.solver.rules.people.hub_key`)."""

    def __post_init__(self) -> None:
        """Compute the key once: every rule looks bridges up by it."""
        object.__setattr__(self, "key", hub_key(self.org, self.person))

    def house(self, kind: str) -> str | None:
        """The hub's house variant for an interface kind."""
        for key, value in self.house_variants:  # a scan: a handful of kinds, and no dict built per call
            if key == kind:
                return value
        return None


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """A product link with its bridge cost (cents) and days for each hub option (by :attr:`HubOption.key`)."""

    index: int
    a: int
    b: int
    kind: str
    bridge_cents: dict[str, int]
    bridge_days: dict[str, int]


@dataclass(frozen=True)
class Instance:
    """Everything the CP-SAT model needs, in integers."""

    catalog: Catalog
    request: Request
    product: Product
    hubs: tuple[HubOption, ...]
    modules: tuple[ModulePlan, ...]
    links: tuple[LinkPlan, ...]
    handover_days: int
    capacity: dict[str, int]
    allowed: frozenset[str]
    budget_cents: int | None
    deadline: int | None
    onboarding: dict[tuple[str, str], int] = field(repr=False)
    policies: tuple[PolicyPlan, ...] = ()
    """The policies in effect (v1.1), empty without any or with ``policies: false``."""

    def hub_option(self, org: str, person: str | None = None) -> HubOption:
        """The hub option of ``org`` with ``person`` placed (None: nobody)."""
        key = hub_key(org, person)
        return next(h for h in self.hubs if h.key == key)

    def onboarding_cents(self, hub: str, partner: str) -> int:
        """Cents the hub pays to on-board ``partner`` (0 with a tie or for itself)."""
        return self.onboarding.get((hub, partner), 0)

    @cached_property
    def participants(self) -> list[str]:
        """Organisations that can do some task of a usable source, in catalog order.

        Options of a make chain that cannot be completed (some slot has no
        option) are left out: they can never be chosen.
        """
        seen: set[str] = set()
        for plan in self.modules:
            seen.update(o.org for o in plan.buy)
            if plan.can_make:
                for options in plan.steps or ():
                    seen.update(o.org for o in options)
                seen.update(o.org for o in plan.seeds or ())
        return [o.id for o in self.catalog.organizations if o.id in seen]


def prepare(catalog: Catalog, request: Request) -> Instance:
    """Compute every eligible option of the request's product (narrowed by its ``select`` and ``rule_out``).

    Offers are indexed by capability and module type once, so the work is
    linear in the size of the catalog.
    """
    product = catalog.product_by_id[request.product]
    quantity = request.quantity
    allowed = frozenset(o.id for o in catalog.organizations if org_allowed(o, request))
    below = covers(taxonomy_graph(catalog))

    by_capability: dict[str, list[tuple[Organization, ProcessOffer]]] = defaultdict(list)
    by_type: dict[str, list[tuple[Organization, ModuleOffer]]] = defaultdict(list)
    by_technology: dict[str, list[tuple[Organization, int]]] = defaultdict(list)
    for org in catalog.organizations:
        if org.id not in allowed:
            continue
        for proc in org.processes:
            if proc.max_lot is None or proc.max_lot >= quantity:
                by_capability[proc.capability].append((org, proc))
        for mod in org.modules:
            if mod.max_lot is None or mod.max_lot >= quantity:
                by_type[mod.type].append((org, mod))
        for index, seed in enumerate(org.seeds):
            by_technology[seed.technology].append((org, index))

    order = {o.id: i for i, o in enumerate(catalog.organizations)}

    def in_catalog_order(options: list[Option]) -> tuple[Option, ...]:
        return tuple(sorted(options, key=lambda o: (order[o.org], o.offer)))

    plans = []
    for module in product.modules:
        check_time()
        buy = [
            Option(
                org.id,
                mod.offer_id,
                task_days(mod.setup_days, mod.units_per_day, quantity),
                lot_cents(mod, quantity),
                tuple(sorted(mod.variants.items())),
            )
            for org, mod in by_type.get(module.type, [])
        ]
        steps: tuple[tuple[Option, ...], ...] | None = None
        seeds: tuple[Option, ...] | None = None
        if module.make is not None:
            step_options = []
            for step in module.make.steps:
                options = [
                    Option(
                        org.id,
                        proc.offer_id,
                        task_days(proc.setup_days, proc.units_per_day, quantity),
                        lot_cents(proc, quantity),
                    )
                    for cap in sorted(below.get(step.capability, {step.capability}))
                    for org, proc in by_capability.get(cap, [])
                    if requirements_met(step.require, proc.attributes)
                ]
                step_options.append(in_catalog_order(options))
            steps = tuple(step_options)
            tech = module.make.technology
            if tech is not None:
                seed_options = []
                for cap in sorted(below.get(tech.capability, {tech.capability})):
                    for org, index in by_technology.get(cap, []):
                        seed = org.seeds[index]
                        if requirements_met(tech.require, seed.attributes):
                            cents = money_cents(seed.license_fee)
                            seed_options.append(Option(org.id, seed.id, seed.transfer_days, cents))
                seeds = in_catalog_order(seed_options)
        plans.append(ModulePlan(module, in_catalog_order(buy), steps, seeds))

    hubs = []
    for org in catalog.organizations:
        if org.id not in allowed or (request.hub is not None and org.id != request.hub):
            continue
        design, house = money_cents(org.design_fee), tuple(sorted(org.house_variants.items()))
        if product.family in org.develops:
            hubs.append(HubOption(org.id, design, org.integration_days, org.bridging, house))
        for person in placements(catalog, request, product, org):
            fee = money_cents(person.fee)
            bridging = org.bridging if person.bridging is None else person.bridging
            hubs.append(
                HubOption(
                    org.id, design + fee, person.integration_days, bridging, house, person.id, fee, person.available_day
                )
            )

    index_of = {m.id: i for i, m in enumerate(product.modules)}
    links = []
    for li, link in enumerate(product.links):
        kind = catalog.interface_by_id[link.interface]
        bridge_cents: dict[str, int] = {}
        bridge_days: dict[str, int] = {}
        figures: dict[Decimal, tuple[int, int]] = {}  # by bridging factor: a handful across many hub options
        for hub in hubs:
            if hub.bridging not in figures:
                figures[hub.bridging] = bridge_figures(kind, hub.bridging)
            bridge_cents[hub.key], bridge_days[hub.key] = figures[hub.bridging]
        links.append(
            LinkPlan(
                li, index_of[link.between[0]], index_of[link.between[1]], link.interface, bridge_cents, bridge_days
            )
        )

    instance = Instance(
        catalog=catalog,
        request=request,
        product=product,
        hubs=tuple(hubs),
        modules=tuple(plans),
        links=tuple(links),
        handover_days=catalog.defaults.handover_days,
        capacity={o.id: o.capacity for o in catalog.organizations},
        allowed=allowed,
        budget_cents=budget_cents(request),
        deadline=request.limits.deadline,
        onboarding={},
        policies=policy_plans(catalog, request),
    )
    instance.onboarding.update(onboarding_fees(catalog, instance.hubs, instance.participants))
    return narrow_to_request(instance, request)
