"""What the cluster lacks: products that cannot be built and the smallest sets of additions that unlock them.

This is the intermediary's matchmaking list. A product is *blocked* when its
default request has no system. When the block is structural (some slot of
the request has no eligible offer: :func:`~modcluster.solver.static_gaps`),
the analysis searches, exactly, the smallest sets of additions that make it
buildable.

**The vocabulary of additions.** Every open slot of a blocked product's
request names the addition that would fill it (a :class:`Proposal`):

- ``developer``: a developer of the product's family (the request has no hub);
- ``module``: a module of the module's type for sale (no eligible seller);
- ``process``: a processing offer of a make step's capability, with attributes
  that meet the step's requirement (the bound itself, or the first allowed
  value);
- ``seed``: a seed of a make chain's technology meeting its requirement.

Every missing piece is collected, on every module that cannot be sourced
(its purchase, and each open step and seed of its make chain), not only the
modules that miss a single step. Each addition is offered *at no cost and in
no time*, so a set that does not work is proven not to work at any price,
and one that works shows what is missing is structure, not money (its price
is then a matter of the budget's slack: ``modcluster explain``). Each
addition sits *where* one of these says:

- **a new member**: an organisation of its own (one per addition), at the
  request's first site (no site without ``sites``), with no ties, no
  intermediary and no kind (so it hosts no placed engineer): it pays the
  catalog's default on-boarding;
- **an existing organisation** one step from the piece, so that the
  vocabulary stays small: for a process or a seed, those already offering
  that capability (or one below it) without meeting the requirement or the
  lot, and those offering a *sibling* capability of the taxonomy (one that
  shares a parent with it); for a module, those selling it with too small a
  lot, and those selling a module of the same *family*: one whose variants
  are for exactly the interface kinds the missing module is linked by in the
  product; for a developer, the organisations that develop some family and
  already take part in an option of the product (or only the request's
  ``hub``, when it is fixed). A host must pass the request's ``sites`` and
  ``exclude``.

An addition proposed for one product is tried for every blocked product
whose open slot it fills (same kind, a capability at or below the slot's,
attributes meeting its requirement, a host its filters allow).

**The search.** Per blocked product, sets of additions in increasing size
up to ``max_size`` (default 3): a set is a solution when the product's
default request (one candidate) has a system in the catalog extended with
it. Since an addition only adds offers, a superset of a solution is one too:
only *minimal* sets are reported, and supersets of a set found are skipped.
A set that leaves some static gap open cannot work: it is pruned first by
the slots it fills, then rechecked with
``static_gaps(prepare(extended, request))`` before solving. A set whose
solve ran out of time is *undecided*: neither a solution nor excluded, and a
set found above an undecided one is not proven minimal. When every set up to
``max_size`` was decided and none works, the answer is "no set of up to N
additions"; when the time ran out first, the search is incomplete. Products
blocked although every slot has an offer (their limits and filters
conflict) are not searched: ``modcluster explain`` tells why.

**Across products**, the additions (whatever their host) ranked by how many
blocked products have a smallest set containing them; and, as before, the
single additions and the products each unlocks on its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Any

from modcluster.analysis.timing import stop_at, within
from modcluster.domain import (
    AttrValue,
    Catalog,
    ModuleOffer,
    Organization,
    ProcessOffer,
    Request,
    Requirement,
    Requires,
    Seed,
    Status,
    default_request,
    requirements_met,
)
from modcluster.engine import solve
from modcluster.graphs import covers, taxonomy_graph
from modcluster.solver import Instance, SolverSettings, prepare, static_gaps
from modcluster.solver.progress import step
from modcluster.solver.rules.limits import org_allowed

__all__ = [
    "DEFAULT_MAX_SIZE",
    "KINDS",
    "Addition",
    "AdditionSet",
    "ClusterGaps",
    "ProductSets",
    "Proposal",
    "Reach",
    "cluster_gaps",
    "extend",
    "minimal_sets",
    "vocabulary",
]

DEFAULT_MAX_SIZE = 3
"""The largest set of additions searched by default."""

MAX_SIZE_LIMIT = 6
"""The largest ``max_size`` accepted: the sets to try grow as the vocabulary to that power."""

KINDS = ("developer", "module", "process", "seed")
"""The kinds of addition, in the order they are listed."""

_NOUNS = {
    "process": "a processing offer of",
    "seed": "a seed of",
    "module": "a module of type",
    "developer": "a developer of family",
}

Attributes = tuple[tuple[str, AttrValue], ...]
Slot = tuple[str, ...]
"""An open slot of a request: ``("hub",)``, ``("buy", m)``, ``("step", m, n)``, ``("seed", m)``, ``("at", org)``."""


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Proposal:
    """One addition of the vocabulary: an offer of some kind, meeting a requirement, at a host.

    Examples:
        >>> p = Proposal("process", "heat-treatment.vacuum", "temp_c max 900")
        >>> p.text
        'a processing offer of heat-treatment.vacuum meeting temp_c max 900 at a new member'
        >>> Proposal("module", "air-blower", host="ome-fluidics").text
        'a module of type air-blower at ome-fluidics'
    """

    kind: str  # developer | module | process | seed
    what: str  # family, module type, capability or technology
    requirement: str = ""  # the requirement in words ("" for none)
    host: str | None = None  # an existing organisation; None: a new member
    attributes: Attributes = field(default=(), compare=True, repr=False)

    @property
    def piece(self) -> str:
        """What is added, without where."""
        return f"{_NOUNS[self.kind]} {self.what}" + (f" meeting {self.requirement}" if self.requirement else "")

    @property
    def where(self) -> str:
        """Where it is added: ``a new member`` or the host's id."""
        return "a new member" if self.host is None else self.host

    @property
    def text(self) -> str:
        """The addition in a planner's words."""
        return f"{self.piece} at {self.where}"

    @property
    def sort_key(self) -> tuple[int, str, str, int, str]:
        """Kind, what, requirement, then a new member before existing hosts."""
        return (KINDS.index(self.kind), self.what, self.requirement, self.host is not None, self.host or "")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "what": self.what, "requirement": self.requirement, "host": self.host,
                "text": self.text}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AdditionSet:
    """A minimal set of additions that makes a product buildable.

    ``proven_minimal`` is False when a smaller set inside it was left
    undecided by the time limit (it might work on its own).
    """

    proposals: tuple[Proposal, ...]
    proven_minimal: bool = True

    @property
    def size(self) -> int:
        """How many additions."""
        return len(self.proposals)

    @property
    def text(self) -> str:
        """The additions joined by ``+``."""
        return " + ".join(p.text for p in self.proposals)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"size": self.size, "additions": [p.to_dict() for p in self.proposals],
                "proven_minimal": self.proven_minimal, "text": self.text}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProductSets:
    """The minimal sets of additions of one structurally blocked product, searched up to ``max_size``.

    ``decided_up_to`` is the largest size up to which every set was decided
    (a solution, or proven not to be one); the search is ``complete`` when
    that is ``max_size``. ``undecided`` are the sets whose solve ran out of
    time.
    """

    product: str
    vocabulary: tuple[Proposal, ...]
    sets: tuple[AdditionSet, ...]
    max_size: int
    decided_up_to: int
    undecided: tuple[tuple[Proposal, ...], ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every set up to ``max_size`` was decided."""
        return self.decided_up_to >= self.max_size

    @property
    def no_set(self) -> bool:
        """Proven: no set of up to ``max_size`` additions makes the product buildable."""
        return self.complete and not self.sets

    @property
    def smallest(self) -> tuple[AdditionSet, ...]:
        """The sets of the least size found."""
        least = min((s.size for s in self.sets), default=0)
        return tuple(s for s in self.sets if s.size == least)

    @property
    def status(self) -> str:
        """``found``, ``none`` (no set up to ``max_size``, proven) or ``incomplete``."""
        if self.sets:
            return "found"
        return "none" if self.complete else "incomplete"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "status": self.status,
            "max_size": self.max_size,
            "complete": self.complete,
            "decided_up_to": self.decided_up_to,
            "no_set": self.no_set,
            "sets": [s.to_dict() for s in self.sets],
            "undecided": [[p.to_dict() for p in u] for u in self.undecided],
            "vocabulary": [p.to_dict() for p in self.vocabulary],
        }


@dataclass(frozen=True, slots=True)
class Reach:
    """An addition (wherever it sits) and the blocked products having a smallest set that contains it."""

    kind: str
    what: str
    requirement: str
    products: tuple[str, ...]
    hosts: tuple[str, ...]  # where it sits in those sets: "a new member" or organisation ids

    @property
    def text(self) -> str:
        """The addition in a planner's words, without where."""
        return Proposal(self.kind, self.what, self.requirement).piece

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "what": self.what, "requirement": self.requirement, "text": self.text,
                "products": list(self.products), "hosts": list(self.hosts)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Addition:
    """A single addition and the blocked products it unlocks on its own (``host`` None: a new member)."""

    kind: str  # process | seed | module | developer
    what: str  # capability, technology, module type or family
    requirement: str
    unlocks: tuple[str, ...]
    undecided: tuple[str, ...] = ()  # blocked products whose solve with it ran out of time
    host: str | None = None

    @property
    def text(self) -> str:
        """The addition in a planner's words (without where)."""
        return Proposal(self.kind, self.what, self.requirement).piece

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "what": self.what, "requirement": self.requirement, "text": self.text,
                "host": self.host, "unlocks": list(self.unlocks), "undecided": list(self.undecided)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClusterGaps:
    """Products that cannot be built under their default requests, and what would unlock them.

    ``buildable`` products have a system (one was found); ``blocked`` ones
    are proven to have none; ``undecided`` ones ran out of their time limit
    before either: unknown, never counted as buildable or blocked. ``sets``
    has the search of each structurally blocked product; ``unlocking`` the
    additions ranked by how many blocked products have a smallest set with
    them; ``additions`` the single additions that unlock a product on their
    own.
    """

    buildable: tuple[str, ...]
    blocked: tuple[tuple[str, str], ...]  # (product, why)
    additions: tuple[Addition, ...]
    undecided: tuple[str, ...] = ()
    sets: tuple[ProductSets, ...] = ()
    unlocking: tuple[Reach, ...] = ()
    max_size: int = DEFAULT_MAX_SIZE

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "buildable": list(self.buildable),
            "blocked": [{"product": p, "why": why} for p, why in self.blocked],
            "additions": [a.to_dict() for a in self.additions],
            "undecided": list(self.undecided),
            "max_size": self.max_size,
            "sets": [s.to_dict() for s in self.sets],
            "unlocking": [r.to_dict() for r in self.unlocking],
        }


# ---------------------------------------------------------------- the vocabulary


def _requirement_text(require: Requires) -> str:
    """The requirements in words (:meth:`Requirement.describe <modcluster.domain.Requirement.describe>`).

    Numbers keep their digits but never take scientific notation (:func:`~modcluster.domain.catalog.plain_number`).

    >>> from decimal import Decimal
    >>> _requirement_text({"tolerance_um": Requirement(max=Decimal("1E-7")), "trl": Requirement(min=Decimal("4"))})
    'tolerance_um max 0.0000001, trl min 4'
    >>> _requirement_text({"grade": Requirement.model_validate({"in": ["A", Decimal("1.2E+6")]})})
    'grade one of A, 1200000'
    """
    return ", ".join(f"{attr} {req.describe()}" for attr, req in require.items())


def _value(req: Requirement) -> AttrValue:
    """A value meeting ``req``: the first allowed one, or the bound itself."""
    if req.in_:
        return req.in_[0]
    if req.min is not None:
        return req.min
    if req.max is not None:
        return req.max
    return Decimal(0)


def _meeting(require: Requires) -> Attributes:
    """Attributes that meet every requirement."""
    return tuple((attr, _value(req)) for attr, req in require.items())


@dataclass(frozen=True, slots=True)
class _Need:
    """What fills one open slot: an offer of ``kind`` for ``what`` meeting ``require``."""

    slot: Slot
    kind: str
    what: str
    require: Requires


@dataclass(frozen=True, slots=True)
class _Blocked:
    """A structurally blocked product: its request, open slots and what closes them.

    ``clauses``: each must hold; a clause holds when every slot of one of
    its alternatives is filled (no alternative: it can never hold).
    """

    request: Request
    inst: Instance
    needs: tuple[_Need, ...]
    clauses: tuple[tuple[frozenset[Slot], ...], ...]


def _open_slots(inst: Instance) -> _Blocked:
    """The open slots of a prepared request and the clauses that say which sets close its static gaps."""
    product, request = inst.product, inst.request
    needs: list[_Need] = []
    clauses: list[tuple[frozenset[Slot], ...]] = []
    if not inst.hubs:
        needs.append(_Need(("hub",), "developer", product.family, {}))
        clauses.append((frozenset({("hub",)}),))
    for plan in inst.modules:
        if plan.buy or plan.can_make:
            continue
        module = plan.module
        buy: Slot = ("buy", module.id)
        needs.append(_Need(buy, "module", module.type, {}))
        alternatives = [frozenset({buy})]
        if module.make is not None:
            make: set[Slot] = set()
            for index, step in enumerate(module.make.steps):
                if not (plan.steps and plan.steps[index]):
                    slot: Slot = ("step", module.id, str(index))
                    needs.append(_Need(slot, "process", step.capability, step.require))
                    make.add(slot)
            tech = module.make.technology
            if tech is not None and not plan.seeds:
                needs.append(_Need(("seed", module.id), "seed", tech.capability, tech.require))
                make.add(("seed", module.id))
            alternatives.append(frozenset(make))
        clauses.append(tuple(alternatives))
    hubs, participants = {h.org for h in inst.hubs}, set(inst.participants)
    for org_id in request.require:
        if not org_allowed(inst.catalog.org_by_id[org_id], request):
            clauses.append(())  # required but filtered out: no addition helps
        elif org_id not in hubs and org_id not in participants:
            clauses.append((frozenset({("at", org_id)}),))
    return _Blocked(request, inst, tuple(needs), tuple(clauses))


def _siblings(catalog: Catalog, capability: str, below: dict[str, frozenset[str]]) -> frozenset[str]:
    """The capability, those below it, and those sharing a parent with it (and below them)."""
    parents = next((c.parents for c in catalog.capabilities if c.id == capability), ())
    near = set(below.get(capability, frozenset({capability})))
    for cap in catalog.capabilities:
        if set(cap.parents) & set(parents):
            near |= below.get(cap.id, frozenset({cap.id}))
    return frozenset(near)


def _linked_kinds(blocked: _Blocked, module_type: str) -> frozenset[str]:
    """The interface kinds by which the product's modules of ``module_type`` are linked."""
    ids = {m.id for m in blocked.inst.product.modules if m.type == module_type}
    return frozenset(link.interface for link in blocked.inst.product.links if ids & set(link.between))


def _hosts(catalog: Catalog, blocked: _Blocked, need: _Need, below: dict[str, frozenset[str]]) -> list[str]:
    """The existing organisations that are candidate hosts of the addition filling ``need``."""
    request, orgs = blocked.request, catalog.organizations
    if need.kind == "developer":
        if request.hub is not None:
            return [request.hub]
        taking_part = set(blocked.inst.participants)
        return [o.id for o in orgs if o.develops and o.id in taking_part]
    if need.kind == "module":
        kinds = _linked_kinds(blocked, need.what)
        return [o.id for o in orgs if org_allowed(o, request) and any(
            m.type == need.what or (kinds and set(m.variants) == kinds) for m in o.modules)]  # fmt: skip
    near = _siblings(catalog, need.what, below)
    if need.kind == "process":
        return [o.id for o in orgs if org_allowed(o, request) and any(p.capability in near for p in o.processes)]
    return [o.id for o in orgs if org_allowed(o, request) and any(s.technology in near for s in o.seeds)]


def _proposals(catalog: Catalog, blocked: _Blocked, below: dict[str, frozenset[str]]) -> set[Proposal]:
    """The additions that fill the open slots of one blocked product, at a new member and at their hosts."""
    found: set[Proposal] = set()
    for need in blocked.needs:
        text, attributes = _requirement_text(need.require), _meeting(need.require)
        new_member = not (need.kind == "developer" and blocked.request.hub is not None)
        hosts: list[str | None] = [None] if new_member else []
        hosts += _hosts(catalog, blocked, need, below)
        found.update(Proposal(need.kind, need.what, text, host, attributes) for host in hosts)
    return found


def _fills(proposal: Proposal, blocked: _Blocked, below: dict[str, frozenset[str]]) -> frozenset[Slot]:
    """The open slots of a blocked product that ``proposal`` fills (empty: it does not help there)."""
    request, catalog = blocked.request, blocked.inst.catalog
    if proposal.host is not None and not org_allowed(catalog.org_by_id[proposal.host], request):
        return frozenset()
    attributes = dict(proposal.attributes)
    filled: set[Slot] = set()
    for need in blocked.needs:
        if need.kind != proposal.kind:
            continue
        if need.kind == "developer":
            hub_ok = request.hub is None or proposal.host == request.hub
            if proposal.what == need.what and hub_ok:
                filled.add(need.slot)
        elif need.kind == "module":
            if proposal.what == need.what:
                filled.add(need.slot)
        elif proposal.what in below.get(need.what, frozenset({need.what})) and requirements_met(
            need.require, attributes
        ):
            filled.add(need.slot)
    if filled and proposal.host is not None and any(("at", proposal.host) in a for c in blocked.clauses for a in c):
        filled.add(("at", proposal.host))  # a required organisation that could take part with it
    return frozenset(filled)


def vocabulary(catalog: Catalog, request: Request) -> tuple[Proposal, ...]:
    """The additions that fill some open slot of ``request`` (empty when every slot has an offer).

    Only the request's own open slots are looked at; :func:`cluster_gaps`
    also tries, for each product, the additions proposed for the others.

    Examples:
        >>> from modcluster import load_catalog
        >>> from modcluster.domain import default_request
        >>> cat = load_catalog("catalogs/examples/mini.yaml").without(["mini-controls"])
        >>> [p.text for p in vocabulary(cat, default_request(cat, "mini-sensor"))]
        ['a module of type controller-board at a new member']
    """
    blocked = _open_slots(prepare(catalog, request))
    below = covers(taxonomy_graph(catalog))
    return _vocabulary_for(blocked, _proposals(catalog, blocked, below), below)[0]


def _vocabulary_for(
    blocked: _Blocked, pool: Iterable[Proposal], below: dict[str, frozenset[str]]
) -> tuple[tuple[Proposal, ...], dict[Proposal, frozenset[Slot]]]:
    """The proposals of ``pool`` that fill some open slot of ``blocked``, sorted, with the slots each fills."""
    fills = {p: f for p in pool if (f := _fills(p, blocked, below))}
    return tuple(sorted(fills, key=lambda p: p.sort_key)), fills


# ---------------------------------------------------------------- the test of a set


def extend(catalog: Catalog, request: Request, proposals: Sequence[Proposal]) -> Catalog:
    """The catalog with ``proposals`` added: each at a new member of its own, or at its existing host.

    Every added offer costs nothing and takes no time; a new member sits at
    the request's first site (none without ``sites``), with no ties and no kind.

    Examples:
        >>> from modcluster import load_catalog
        >>> cat = load_catalog("catalogs/examples/mini.yaml")
        >>> request = default_request(cat, "mini-sensor")
        >>> more = extend(cat, request, [Proposal("module", "laser-head"), Proposal("seed", "laser-sensing",
        ...     host="mini-plating")])
        >>> [o.id for o in more.organizations][-1], [s.technology for s in more.org_by_id["mini-plating"].seeds]
        ('new-1-module-laser-head', ['laser-sensing'])
    """
    site = request.sites[0] if request.sites else None
    organizations = list(catalog.organizations)
    index = {o.id: i for i, o in enumerate(organizations)}
    for number, proposal in enumerate(proposals, start=1):
        if proposal.host is None:
            org = Organization(id=f"new-{number}-{proposal.kind}-{proposal.what}",
                               name=f"(addition) {proposal.piece}", site=site)  # fmt: skip
            organizations.append(_offer(org, proposal, number))
        else:
            where = index[proposal.host]
            organizations[where] = _offer(organizations[where], proposal, number)
    return catalog.replace(organizations=tuple(organizations))


def _offer(org: Organization, proposal: Proposal, number: int) -> Organization:
    """``org`` offering ``proposal`` too (offer ids ``added-N``, unique within the organisation)."""
    offer_id, attributes = f"added-{number}", dict(proposal.attributes)
    if proposal.kind == "process":
        offer = ProcessOffer(id=offer_id, capability=proposal.what, attributes=attributes)
        return org.model_copy(update={"processes": (*org.processes, offer)})
    if proposal.kind == "seed":
        seed = Seed(id=offer_id, technology=proposal.what, attributes=attributes)
        return org.model_copy(update={"seeds": (*org.seeds, seed)})
    if proposal.kind == "module":
        return org.model_copy(update={"modules": (*org.modules, ModuleOffer(id=offer_id, type=proposal.what))})
    return org.model_copy(update={"develops": (*org.develops, proposal.what)})


def _verdict(
    catalog: Catalog, request: Request, proposals: Sequence[Proposal], settings: SolverSettings | None
) -> bool | None:
    """Whether the request has a system with ``proposals`` added: True, False (proven), None (undecided)."""
    extended = extend(catalog, request, proposals)
    if static_gaps(prepare(extended, request)):
        return False
    solution = solve(extended, request, settings)
    if solution.best is not None:
        return True
    return False if solution.status is Status.INFEASIBLE else None


# ---------------------------------------------------------------- the enumeration


def _closes(chosen: Sequence[Proposal], fills: dict[Proposal, frozenset[Slot]], blocked: _Blocked) -> bool:
    """Whether the set fills, for every clause, every slot of one of its alternatives (the static condition)."""
    filled: set[Slot] = set()
    for proposal in chosen:
        filled |= fills[proposal]
    return all(any(alt <= filled for alt in clause) for clause in blocked.clauses)


def _candidates(
    vocab: Sequence[Proposal],
    size: int,
    found: Sequence[frozenset[Proposal]],
    fills: dict[Proposal, frozenset[Slot]],
    blocked: _Blocked,
) -> Iterator[tuple[Proposal, ...]]:
    """The sets of ``size`` that close the static gaps and contain no set found."""
    for chosen in combinations(vocab, size):
        if _closes(chosen, fills, blocked) and not any(f <= frozenset(chosen) for f in found):
            yield chosen


def _out_of_time(end: float | None) -> bool:
    return end is not None and time.monotonic() >= end


def _search(
    catalog: Catalog,
    blocked: _Blocked,
    vocab: Sequence[Proposal],
    fills: dict[Proposal, frozenset[Slot]],
    limits: tuple[int, SolverSettings | None, float | None, int],
) -> ProductSets:
    """Every minimal set of ``vocab`` up to ``max_size`` that unlocks the product (see the module's doc)."""
    max_size, settings, end, later = limits
    sets: list[AdditionSet] = []
    found: list[frozenset[Proposal]] = []
    undecided: list[tuple[Proposal, ...]] = []
    decided_up_to = 0
    for size in range(1, max_size + 1):
        todo = list(_candidates(vocab, size, found, fills, blocked))
        cut = False
        for done, chosen in enumerate(todo):
            if _out_of_time(end):
                cut = True
                break
            step(f"gaps {blocked.inst.product.id}: {size} addition(s)", done + 1, len(todo))
            request = within(blocked.request, end, len(todo) - done + later)
            verdict = _verdict(catalog, request, chosen, settings)
            if verdict is None:
                undecided.append(chosen)
            elif verdict:
                minimal = not any(frozenset(u) < frozenset(chosen) for u in undecided)
                sets.append(AdditionSet(chosen, minimal))
                found.append(frozenset(chosen))
        if cut:
            break
        if not undecided and decided_up_to == size - 1:
            decided_up_to = size
    product = blocked.inst.product.id
    return ProductSets(product, tuple(vocab), tuple(sets), max_size, decided_up_to, tuple(undecided))


def minimal_sets(
    catalog: Catalog,
    request: Request,
    max_size: int = DEFAULT_MAX_SIZE,
    settings: SolverSettings | None = None,
    seconds: float | Decimal | None = None,
    pool: Iterable[Proposal] = (),
) -> ProductSets | None:
    """The minimal sets of additions, up to ``max_size``, that give ``request`` a system (None: no static gap).

    Args:
        catalog: The catalog.
        request: The request (its ``candidates`` are set to 1).
        max_size: The largest set tried.
        settings: CP-SAT parameters.
        seconds: Time for the whole search (None: each solve keeps the request's limit).
        pool: Additions proposed elsewhere, tried too where they fill an open slot.

    Raises:
        ValueError: ``max_size`` is not between 1 and 6.

    Examples:
        >>> from modcluster import load_catalog
        >>> cat = load_catalog("catalogs/examples/mini.yaml").without(["mini-optics"])
        >>> found = minimal_sets(cat, default_request(cat, "mini-sensor"), max_size=2)
        >>> found.status, [p.text for p in found.smallest[0].proposals]  # doctest: +NORMALIZE_WHITESPACE
        ('found', ['a developer of family displacement-sensor at a new member',
                   'a module of type laser-head at a new member'])
    """
    _check_size(max_size)
    request = request.with_changes(candidates=1)
    blocked = _open_slots(prepare(catalog, request))
    if not blocked.clauses:
        return None
    below = covers(taxonomy_graph(catalog))
    vocab, fills = _vocabulary_for(blocked, {*_proposals(catalog, blocked, below), *pool}, below)
    return _search(catalog, blocked, vocab, fills, (max_size, settings, stop_at(seconds), 0))


def _check_size(max_size: int) -> None:
    if not 1 <= max_size <= MAX_SIZE_LIMIT:
        raise ValueError(f"max_size must be a whole number from 1 to {MAX_SIZE_LIMIT}, got {max_size}")


# ---------------------------------------------------------------- across products


def _reach(searches: Sequence[ProductSets]) -> tuple[Reach, ...]:
    """Additions ranked by how many products have a smallest set containing them (hosts merged)."""
    products: dict[tuple[str, str, str], list[str]] = {}
    hosts: dict[tuple[str, str, str], list[str]] = {}
    for search in searches:
        for chosen in search.smallest:
            for p in chosen.proposals:
                key = (p.kind, p.what, p.requirement)
                if search.product not in products.setdefault(key, []):
                    products[key].append(search.product)
                if p.where not in hosts.setdefault(key, []):
                    hosts[key].append(p.where)
    ranked = [Reach(*key, tuple(found), tuple(hosts[key])) for key, found in products.items()]
    ranked.sort(key=lambda r: (-len(r.products), KINDS.index(r.kind), r.what, r.requirement))
    return tuple(ranked)


def _singles(searches: Sequence[ProductSets]) -> tuple[Addition, ...]:
    """Each addition that unlocks some product on its own (or was undecided alone), with those products."""
    unlocks: dict[Proposal, list[str]] = {}
    open_: dict[Proposal, list[str]] = {}
    for search in searches:
        for chosen in search.sets:
            if chosen.size == 1:
                unlocks.setdefault(chosen.proposals[0], []).append(search.product)
        for left in search.undecided:
            if len(left) == 1:
                open_.setdefault(left[0], []).append(search.product)
    singles = [
        Addition(p.kind, p.what, p.requirement, tuple(unlocks.get(p, ())), tuple(open_.get(p, ())), p.host)
        for p in sorted({*unlocks, *open_}, key=lambda p: p.sort_key)
    ]
    singles.sort(key=lambda a: -len(a.unlocks))
    return tuple(singles)


def _why(inst: Instance) -> str:
    return "; ".join(f"{g.place}: {g.requirement} ({g.reason})" for g in static_gaps(inst))


def cluster_gaps(
    catalog: Catalog,
    settings: SolverSettings | None = None,
    seconds: float | Decimal | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> ClusterGaps:
    """Which products cannot be built under their default requests, and the smallest sets of additions for each.

    Args:
        catalog: The catalog.
        settings: CP-SAT parameters.
        seconds: Time for the whole analysis, shared among the solves
            (:func:`~modcluster.analysis.timing.within`); None: each solve
            keeps its request's time limit. What the time did not decide is
            undecided, never buildable, blocked or a solution.
        max_size: The largest set of additions searched per product (1 to 6).

    Raises:
        ValueError: ``max_size`` out of range.

    Examples:
        >>> from modcluster import load_catalog
        >>> cat = load_catalog("catalogs/tama.yaml")
        >>> gaps = cluster_gaps(cat.without(["hino-micro-machining", "ebina-heat", "yamato-netsu"]))
        >>> [product for product, why in gaps.blocked]
        ['piezo-nano-stage']
        >>> search = gaps.sets[0]
        >>> search.status, search.no_set, len(search.smallest), search.smallest[-1].text
        ('found', False, 10, 'a processing offer of heat-treatment.vacuum at a new member')
        >>> [(a.text, a.host, a.unlocks) for a in gaps.additions][0]
        ('a module of type flexure-guide', None, ('piezo-nano-stage',))
        >>> for reach in gaps.unlocking:
        ...     print(reach.text, reach.products)
        a module of type flexure-guide ('piezo-nano-stage',)
        a processing offer of heat-treatment.vacuum ('piezo-nano-stage',)
    """
    _check_size(max_size)
    end = stop_at(seconds)
    buildable, blocked, undecided, structural = _base(catalog, settings, end)
    below = covers(taxonomy_graph(catalog))
    pool = {p for b in structural for p in _proposals(catalog, b, below)}
    searches = []
    for done, b in enumerate(structural):
        vocab, fills = _vocabulary_for(b, pool, below)
        later = len(structural) - done - 1
        searches.append(_search(catalog, b, vocab, fills, (max_size, settings, end, later)))
    return ClusterGaps(
        tuple(buildable), tuple(blocked), _singles(searches), tuple(undecided), tuple(searches), _reach(searches),
        max_size,
    )  # fmt: skip


def _base(
    catalog: Catalog, settings: SolverSettings | None, end: float | None
) -> tuple[list[str], list[tuple[str, str]], list[str], list[_Blocked]]:
    """Each product's default request solved: buildable, blocked (why), undecided, and the structural blocks."""
    buildable: list[str] = []
    blocked: list[tuple[str, str]] = []
    undecided: list[str] = []
    structural: list[_Blocked] = []
    for done, product in enumerate(catalog.products):
        step(f"gaps: {product.id}", done + 1, len(catalog.products))
        request = default_request(catalog, product.id).with_changes(candidates=1)
        inst = prepare(catalog, request)
        if static_gaps(inst):
            blocked.append((product.id, _why(inst)))
            structural.append(_open_slots(inst))
            continue
        solution = solve(catalog, within(request, end, len(catalog.products) - done), settings)
        if solution.best is not None:
            buildable.append(product.id)
        elif solution.status is not Status.INFEASIBLE:
            undecided.append(product.id)  # neither a system nor a proof within the time limit
        else:
            blocked.append((product.id, "its limits and filters conflict (see: modcluster explain)"))
    return buildable, blocked, undecided, structural
