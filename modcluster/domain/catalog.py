"""Frozen pydantic models of a catalog (contract v1, ``schema: modcluster/1``).

A catalog holds the organisations of a cluster, what each of them offers, the
capability taxonomy, the interface kinds, the intermediaries, the existing ties
and the product architectures. Unknown keys are errors (``extra="forbid"``).
Cross-references are checked separately by :func:`modcluster.domain.checks.check_catalog`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator

from modcluster.domain.frozen import FrozenDict, FrozenModel
from modcluster.domain.request import RequestDefaults
from modcluster.domain.values import AttrValue, Count, Days, Id, Money, Positive, PositiveDecimal, Text

__all__ = [
    "POLICY_KINDS",
    "Capability",
    "Catalog",
    "Defaults",
    "Interface",
    "Intermediary",
    "Link",
    "LotOffer",
    "Make",
    "Module",
    "ModuleOffer",
    "OrgKind",
    "Organization",
    "Person",
    "Policy",
    "PolicyKind",
    "ProcessOffer",
    "Product",
    "Relationship",
    "Requirement",
    "Requires",
    "Seed",
    "Step",
    "Technology",
    "Units",
    "plain_number",
    "requirements_met",
]


def plain_number(value: object) -> str:
    """A number written out in full, never with an exponent; any other value as ``str``.

    A Decimal keeps the digits it was written with (``8.50`` stays ``8.50``)
    but never takes scientific notation, however the catalog wrote it; a float
    goes through its shortest ``repr``. Every text meant for people that shows
    a catalog's number (``modcluster diff``, ``explain``, ``gaps``) writes it so.

    >>> plain_number(Decimal("1.2E+6")), plain_number(Decimal("2E+3")), plain_number(Decimal("1E-7"))
    ('1200000', '2000', '0.0000001')
    >>> plain_number(Decimal("8.50")), plain_number(1e-7), plain_number(12), plain_number("ISO5")
    ('8.50', '0.0000001', '12', 'ISO5')
    """
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Requirement(FrozenModel):
    """A requirement on one attribute: ``{min, max}`` for numbers, ``{in}`` for values.

    An offer without the attribute fails it; ``min``/``max`` against a
    non-numeric value fails it.
    """

    min: Decimal | None = None
    max: Decimal | None = None
    in_: tuple[AttrValue, ...] | None = Field(default=None, alias="in")

    @field_validator("min", "max", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        from modcluster.domain.values import to_decimal

        return None if value is None else to_decimal(value)

    def describe(self) -> str:
        """The condition in words: ``min 4``, ``max 5``, ``one of ISO5, ISO6``, or ``present``.

        Numbers are written out in full (:func:`plain_number`), never with an exponent.

        >>> Requirement(min=1, max=5).describe()
        'min 1 and max 5'
        >>> Requirement(max=Decimal("1E-7")).describe()
        'max 0.0000001'
        >>> Requirement.model_validate({"in": [Decimal("2E+3"), "ISO5"]}).describe()
        'one of 2000, ISO5'
        """
        wanted = []
        if self.min is not None:
            wanted.append(f"min {plain_number(self.min)}")
        if self.max is not None:
            wanted.append(f"max {plain_number(self.max)}")
        if self.in_ is not None:
            wanted.append("one of " + ", ".join(plain_number(v) for v in self.in_))
        return " and ".join(wanted) or "present"

    def accepts(self, value: Decimal | str | bool | None) -> bool:
        """Whether an attribute value meets this requirement.

        >>> Requirement(min=4).accepts(Decimal(5)), Requirement(max=4).accepts("4")
        (True, False)
        """
        if value is None:
            return False
        numeric = isinstance(value, Decimal)
        if self.min is not None and (not numeric or value < self.min):  # type: ignore[operator]
            return False
        if self.max is not None and (not numeric or value > self.max):  # type: ignore[operator]
            return False
        if self.in_ is not None:
            return any(_same(value, allowed) for allowed in self.in_)
        return True


def _same(a: Decimal | str | bool, b: Decimal | str | bool) -> bool:
    """Equality that keeps booleans, numbers and strings apart (``True != 1``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return isinstance(a, str) and isinstance(b, str) and a == b


#: A mapping frozen once validated: ``cat.organizations[0].house_variants[k] = v`` raises TypeError.
_FROZEN = AfterValidator(FrozenDict)

Requires = Annotated[dict[Text, Requirement], _FROZEN]


def requirements_met(require: Requires, attributes: dict[str, Any]) -> bool:
    """Whether ``attributes`` meet every requirement of ``require``."""
    return all(req.accepts(attributes.get(name)) for name, req in require.items())


class Units(FrozenModel):
    """Labels of the money and time units (informational only)."""

    money: Text = "kJPY"
    time: Text = "day"


class Defaults(FrozenModel):
    """Catalog-wide defaults."""

    handover_days: Days = 0
    onboarding_cost: Money = Decimal(0)


class Capability(FrozenModel):
    """A node of the capability taxonomy (processes and technologies alike)."""

    id: Id
    parents: tuple[Id, ...] = ()


class Interface(FrozenModel):
    """An interface kind; bridging a mismatched link of this kind costs the hub."""

    id: Id
    bridge_cost: Money = Decimal(0)
    bridge_days: Days = 0


class Intermediary(FrozenModel):
    """An organisation that makes collaborations between its members cheaper."""

    id: Id
    members: tuple[Id, ...] = ()
    onboarding_cost: Money


class OrgKind(StrEnum):
    """Role of an organisation (informational: offers decide what it can do)."""

    DEVELOPER = "developer"
    PROCESSOR = "processor"
    UNIVERSITY = "university"
    LAB = "lab"
    ENTERPRISE = "enterprise"


class LotOffer(FrozenModel):
    """What processing and module offers share: a price and a duration for a lot."""

    id: Id | None = None
    setup_cost: Money = Decimal(0)
    unit_cost: Money = Decimal(0)
    setup_days: Days = 0
    units_per_day: PositiveDecimal | None = None
    max_lot: Count | None = None


class ProcessOffer(LotOffer):
    """A processing offer: doing a step of a capability for a lot."""

    capability: Id
    attributes: Annotated[dict[Text, AttrValue], _FROZEN] = Field(default_factory=FrozenDict)

    @property
    def offer_id(self) -> str:
        """The offer's id within its organisation (defaults to the capability)."""
        return self.id if self.id is not None else self.capability


class ModuleOffer(LotOffer):
    """A ready module an organisation sells."""

    type: Id
    variants: Annotated[dict[Id, Id], _FROZEN] = Field(default_factory=FrozenDict)

    @property
    def offer_id(self) -> str:
        """The offer's id within its organisation (defaults to the module type)."""
        return self.id if self.id is not None else self.type


class Seed(FrozenModel):
    """A technology seed an organisation licenses."""

    id: Id
    technology: Id
    license_fee: Money = Decimal(0)
    transfer_days: Days = 0
    attributes: Annotated[dict[Text, AttrValue], _FROZEN] = Field(default_factory=FrozenDict)


class Organization(FrozenModel):
    """A member of the cluster: a hub candidate, a supplier, a licensor, or several."""

    id: Id
    name: Text | None = None
    kind: OrgKind | None = None
    site: Text | None = None
    capacity: Positive = 1
    develops: tuple[Id, ...] = ()
    design_fee: Money = Decimal(0)
    integration_days: Days = 0
    bridging: Money = Decimal(1)
    house_variants: Annotated[dict[Id, Id], _FROZEN] = Field(default_factory=FrozenDict)
    processes: tuple[ProcessOffer, ...] = ()
    modules: tuple[ModuleOffer, ...] = ()
    seeds: tuple[Seed, ...] = ()


class Person(FrozenModel):
    """An engineer of a large enterprise whom the association can place at a hub (MODEL.md v1.1 "People").

    Placed at a hub of kind ``developer`` or ``processor`` for a product of one
    of ``families``, the person leads the integration: its days are the
    person's ``integration_days``, its bridges use the person's ``bridging``
    (else the hub's), it starts no earlier than ``available_day``; the hub
    needs no ``develops`` entry; the ``fee`` is one more cost term. ``from``
    plays no other part (not a partner, no capacity, no onboarding).
    """

    id: Id
    from_: Annotated[Id, Field(alias="from")]
    families: tuple[Id, ...] = Field(min_length=1)
    fee: Money
    integration_days: Days
    bridging: Money | None = None
    available_day: Days = 0
    via: Id | None = None


PolicyKind = Literal["steps", "modules", "licences", "integration", "people"]
"""The cost terms a policy can cover: a step's doer, a module's seller, a seed's licensor, the hub (last two)."""

POLICY_KINDS: tuple[str, ...] = ("steps", "modules", "licences", "integration", "people")
"""Every :data:`PolicyKind`, in the contract's order."""


def _share(value: Decimal) -> Decimal:
    if value > 1:
        raise ValueError(f"a share is at most 1, got {value}")
    return value


class Policy(FrozenModel):
    """A city's industry-promotion policy (MODEL.md v1.1 "Policies").

    It refunds ``share`` of a system's **eligible amount** (the rounded cost
    terms of the kinds in ``applies_to`` whose organisation is at one of
    ``sites`` and, when set, a member of ``members_of``), at most ``cap`` per
    system, rounded half-up to 0.01. Onboarding is never eligible.
    """

    id: Id
    sites: tuple[Text, ...] = Field(min_length=1)
    share: Annotated[PositiveDecimal, AfterValidator(_share)]
    cap: Money | None = None
    applies_to: tuple[PolicyKind, ...] = Field(default=("steps",), min_length=1)
    members_of: Id | None = None


class Relationship(FrozenModel):
    """An existing tie between two organisations (undirected)."""

    between: tuple[Id, Id]


class Step(FrozenModel):
    """One step of a make chain: a capability (or a descendant) meeting ``require``."""

    capability: Id
    require: Requires = Field(default_factory=FrozenDict)


class Technology(FrozenModel):
    """The seed a made module needs: a technology (or a descendant) meeting ``require``."""

    capability: Id
    require: Requires = Field(default_factory=FrozenDict)


class Make(FrozenModel):
    """How a hub can have a module made: a chain of steps and/or a licensed seed."""

    steps: tuple[Step, ...] = ()
    technology: Technology | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Make:
        if not self.steps and self.technology is None:
            raise ValueError("a make needs steps, a technology, or both")
        return self


class Module(FrozenModel):
    """A module of a product architecture; without ``make`` it must be bought."""

    id: Id
    type: Id
    make: Make | None = None


class Link(FrozenModel):
    """An interface between two modules of a product."""

    between: tuple[Id, Id]
    interface: Id


class Product(FrozenModel):
    """A product architecture: its family, modules and links.

    ``request`` (an extension of the contract) is the product's default request.
    """

    id: Id
    family: Id
    modules: tuple[Module, ...]
    links: tuple[Link, ...] = ()
    request: RequestDefaults | None = None

    @cached_property
    def module_by_id(self) -> dict[str, Module]:
        """Modules by id."""
        return FrozenDict({m.id: m for m in self.modules})


class Catalog(FrozenModel):
    """A whole cluster: organisations, taxonomy, interfaces, ties and products."""

    schema_: Annotated[Literal["modcluster/1"], Field(alias="schema")] = "modcluster/1"
    name: Text | None = None
    units: Units = Field(default_factory=Units)
    defaults: Defaults = Field(default_factory=Defaults)
    capabilities: tuple[Capability, ...] = ()
    interfaces: tuple[Interface, ...] = ()
    intermediaries: tuple[Intermediary, ...] = ()
    organizations: tuple[Organization, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    products: tuple[Product, ...] = ()
    people: tuple[Person, ...] | None = None
    policies: tuple[Policy, ...] | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, ignored_types=(cached_property,))

    @cached_property
    def org_by_id(self) -> dict[str, Organization]:
        """Organisations by id."""
        return FrozenDict({o.id: o for o in self.organizations})

    @cached_property
    def product_by_id(self) -> dict[str, Product]:
        """Products by id."""
        return FrozenDict({p.id: p for p in self.products})

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        """People (v1.1) by id; empty without ``people``."""
        return FrozenDict({p.id: p for p in self.people or ()})

    @cached_property
    def policy_by_id(self) -> dict[str, Policy]:
        """Policies (v1.1) by id; empty without ``policies``."""
        return FrozenDict({p.id: p for p in self.policies or ()})

    @cached_property
    def interface_by_id(self) -> dict[str, Interface]:
        """Interface kinds by id."""
        return FrozenDict({i.id: i for i in self.interfaces})

    @cached_property
    def ties(self) -> frozenset[frozenset[str]]:
        """Existing relationships as unordered pairs."""
        return frozenset(frozenset(r.between) for r in self.relationships)

    def replace(self, **changes: Any) -> Catalog:
        """A new catalog with some top-level fields replaced (lookups are rebuilt, not copied).

        >>> cat = Catalog(organizations=[{"id": "a"}])
        >>> [o.id for o in cat.replace(organizations=[*cat.organizations, Organization(id="b")]).organizations]
        ['a', 'b']
        """
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields.update(changes)
        return type(self).model_validate(fields)

    def without(self, organizations: Iterable[str]) -> Catalog:
        """The cluster without some organisations (their ties and memberships go too).

        >>> cat = Catalog(organizations=[{"id": "a"}, {"id": "b"}], relationships=[{"between": ["a", "b"]}])
        >>> [o.id for o in cat.without(["b"]).organizations], cat.without(["b"]).relationships
        (['a'], ())
        """
        gone = set(organizations)
        return self.replace(
            organizations=tuple(o for o in self.organizations if o.id not in gone),
            relationships=tuple(r for r in self.relationships if not gone & set(r.between)),
            intermediaries=tuple(
                i.model_copy(update={"members": tuple(m for m in i.members if m not in gone)})
                for i in self.intermediaries
            ),
            # An enterprise that leaves takes its engineers with it (a person's `from` must resolve).
            people=None if self.people is None else tuple(p for p in self.people if p.from_ not in gone),
        )

    def onboarding_cost(self, hub: str, partner: str) -> Decimal:
        """What the hub pays to start working with ``partner`` (0 with a tie).

        The lowest ``onboarding_cost`` of the intermediaries both belong to, else
        ``defaults.onboarding_cost``.
        """
        if hub == partner or frozenset((hub, partner)) in self.ties:
            return Decimal(0)
        shared = [i.onboarding_cost for i in self.intermediaries if hub in i.members and partner in i.members]
        return min(shared) if shared else self.defaults.onboarding_cost
