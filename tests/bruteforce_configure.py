"""Exhaustive reference for the configurator (contract v1.1, "Configuration"), on SMALL instances.

Built only on the enumeration of :mod:`tests.bruteforce` (its own arithmetic,
its own reading of the rules, no solver and no verifier): every system of the
request is listed once, with its cost (net of any policies' refunds) and
minimum lead time, and everything here is read off that list.

- :func:`system_decisions`: the decisions a system takes, named as in the
  contract (``hub``; ``modules.<m>.source`` = ``make`` or ``buy:<org>``; for
  made modules ``modules.<m>.steps.<n>`` = the organisation of step n (from 1)
  and ``modules.<m>.seed`` = ``<org>/<seed>``).
- :meth:`Reference.table`: for a selection, each (decision, value) some
  system within the request's limits and allowed by the selection takes,
  with the best objective key among those systems (systems that differ only
  in an offer or the schedule are one candidate: the best of them counts, as
  the minimum does), and the best key overall.
- :meth:`Reference.smallest_excluding`: the parts are the selection's items
  (``select d=v``, ``rule out d=v``) and the request's limits that are set
  (``limits.budget``, ``limits.deadline``, ``limits.max_partners``); a set of
  parts *excludes* a value when no system of the request with only those
  limits kept (the others dropped), allowed by only those items, takes the
  value (with no value: when no such system exists at all). The minimum
  cardinality is found by trying every subset.

Allowed by a selection: takes every chosen value and no ruled-out one (a
chosen step or seed is taken only by a made module). Another value of a
chosen decision (an alternative) is judged with it chosen instead, as
MODEL.md's example shows. Written here again
rather than borrowed from :class:`modcluster.domain.Selection`, whose text
form (:meth:`~modcluster.domain.Selection.items`) is the only thing used.

Usage::

    ref = Reference(catalog, request)
    table = ref.table(selection)          # ReferenceTable
    table.possible[("hub", "o0")]         # Best(key, cents, lead_time), or KeyError: impossible
    ref.smallest_excluding(selection, ("hub", "o1"))   # minimum size, or None: nothing excludes it
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modcluster.domain import Catalog, Limits, Request, Selection
from tests.bruteforce import Buy, SystemResult, enumerate_systems, objective_key

__all__ = [
    "LIMIT_PARTS",
    "Best",
    "Reference",
    "ReferenceTable",
    "allows",
    "key_of",
    "listed_decisions",
    "parts_of",
    "system_decisions",
]

#: The request's limits that can be blamed, as parts.
LIMIT_PARTS = ("limits.budget", "limits.deadline", "limits.max_partners")

Pair = tuple[str, str]
Key = tuple[Decimal, ...]


def system_decisions(system: SystemResult, with_people: bool = False) -> dict[str, str]:
    """Every decision the system takes, with its value (steps and seed only for made modules).

    ``with_people``: the catalog has people, so the ``person`` decision exists (``none``: nobody placed).
    """
    values = {"hub": system.hub}
    if with_people:
        values["person"] = system.person or "none"
    for module_id, source in system.sources:
        if isinstance(source, Buy):
            values[f"modules.{module_id}.source"] = f"buy:{source.organization}"
            continue
        values[f"modules.{module_id}.source"] = "make"
        for n, (org, _offer) in enumerate(source.steps, start=1):
            values[f"modules.{module_id}.steps.{n}"] = org
        if source.seed is not None:
            values[f"modules.{module_id}.seed"] = f"{source.seed[0]}/{source.seed[1]}"
    return values


def allows(values: Mapping[str, str], chosen: Iterable[Pair], ruled_out: Iterable[Pair]) -> bool:
    """Whether a system taking ``values`` takes every chosen value and none ruled out."""
    return all(values.get(d) == v for d, v in chosen) and all(values.get(d) != v for d, v in ruled_out)


def key_of(request: Request, cost: Decimal, lead_time: int) -> Key:
    """The reference's objective key of figures given as money (exactly two decimals) and days."""
    cents = cost.scaleb(2)
    assert cents == cents.to_integral_value(), f"{cost} is not a whole number of cents"
    return objective_key(request, int(cents), lead_time)


@dataclass(frozen=True)
class Best:
    """The best figures among some systems: the objective key, the cost in cents, the lead time."""

    key: Key
    cents: int
    lead_time: int

    @property
    def cost(self) -> Decimal:
        return Decimal(f"{self.cents}e-2")


@dataclass(frozen=True)
class ReferenceTable:
    """A selection's answer: the possible (decision, value) pairs with their best, and the best overall."""

    selection: Selection
    possible: dict[Pair, Best]
    best: Best | None

    def is_possible(self, decision: str, value: str) -> bool:
        return (decision, value) in self.possible


@dataclass(frozen=True)
class _System:
    values: dict[str, str]
    best: Best


def _better(a: Best | None, b: Best) -> Best:
    return b if a is None or b.key < a.key else a


def parts_of(request: Request, selection: Selection, *, blame_limits: bool = True) -> tuple[str, ...]:
    """The parts that can be blamed: the selection's items, then the limits that are set."""
    limits = tuple(p for p in LIMIT_PARTS if getattr(request.limits, p.removeprefix("limits.")) is not None)
    return (*selection.items(), *(limits if blame_limits else ()))


def listed_decisions(catalog: Catalog, request: Request, table: ReferenceTable) -> set[str]:
    """The decisions a table must list.

    The hub, each module's source, and the steps and seed of every module
    that some system the selection allows makes.
    """
    product = next(p for p in catalog.products if p.id == request.product)
    reference = Reference(catalog, request)
    names = {"hub"} | ({"person"} if catalog.people is not None else set())
    for module in product.modules:
        names.add(f"modules.{module.id}.source")
        if module.make is None or not reference.can_make(table.selection, module.id):
            continue
        names.update(f"modules.{module.id}.steps.{n}" for n in range(1, len(module.make.steps) + 1))
        if module.make.technology is not None:
            names.add(f"modules.{module.id}.seed")
    return names


@dataclass
class Reference:
    """Every system of a request (enumerated once per set of limits kept), and what a selection leaves."""

    catalog: Catalog
    request: Request
    _systems: dict[frozenset[str], list[_System]] = field(default_factory=dict)

    def limits_set(self) -> frozenset[str]:
        """The request's limits that are set, as parts."""
        return frozenset(parts_of(self.request, Selection()))

    def systems(self, limits: frozenset[str] | None = None) -> list[_System]:
        """Every system within the request's limits, or within only ``limits`` of them (the others dropped)."""
        kept = self.limits_set() if limits is None else limits & self.limits_set()
        known = self._systems.get(kept)
        if known is None:
            data = self.request.limits.model_dump(exclude_none=True)
            data = {k: v for k, v in data.items() if f"limits.{k}" in kept}
            request = self.request.model_copy(update={"limits": Limits.model_validate(data)})
            known = []
            for system in enumerate_systems(self.catalog, request, within_limits=True):
                assert not system.limit_problems
                key = objective_key(self.request, system.cents, system.lead_time)
                decisions = system_decisions(system, self.catalog.people is not None)
                known.append(_System(decisions, Best(key, system.cents, system.lead_time)))
            self._systems[kept] = known
        return known

    def candidates(self) -> dict[frozenset[Pair], Best]:
        """The best figures of each distinct candidate (its decisions) within the request's limits."""
        found: dict[frozenset[Pair], Best] = {}
        for system in self.systems():
            signature = frozenset(system.values.items())
            found[signature] = _better(found.get(signature), system.best)
        return found

    def table(self, selection: Selection) -> ReferenceTable:
        """Each (decision, value) some allowed system within the limits takes, with its best figures.

        Another value of a chosen decision (an alternative) counts with that value chosen
        instead: the systems allowed by the other choices and the rule-outs that take it.
        """
        possible: dict[Pair, Best] = {}
        best: Best | None = None
        chosen = dict(selection.chosen)
        for system in self.systems():
            if allows(system.values, selection.chosen, selection.ruled_out):
                best = _better(best, system.best)
                for pair in system.values.items():
                    possible[pair] = _better(possible.get(pair), system.best)
            for decision, value in chosen.items():
                taken = system.values.get(decision)
                if taken is None or taken == value:
                    continue
                others = [(d, v) for d, v in chosen.items() if d != decision]
                if allows(system.values, others, selection.ruled_out):
                    possible[(decision, taken)] = _better(possible.get((decision, taken)), system.best)
        return ReferenceTable(selection, possible, best)

    def can_make(self, selection: Selection, module: str) -> bool:
        """Whether some system the selection allows (within the limits) makes the module."""
        return any(
            allows(s.values, selection.chosen, selection.ruled_out)
            and s.values.get(f"modules.{module}.source") == "make"
            for s in self.systems()
        )

    def excludes(self, parts: Iterable[str], selection: Selection, value: Pair | None) -> bool:
        """Whether no system keeping only ``parts`` (items of ``selection`` and limits) takes ``value``.

        With ``value`` None: whether no such system exists at all. A value of a
        chosen decision replaces that choice. Parts that are neither an item of
        the selection nor a limit that is set are an error.
        """
        kept = frozenset(parts)
        items = set(selection.items())
        unknown = kept - items - self.limits_set()
        assert not unknown, f"not parts of this selection and request: {sorted(unknown)}"
        chosen = [c for c in selection.chosen if f"select {c[0]}={c[1]}" in kept]
        if value is not None:  # the value asked about replaces the choice of its decision
            chosen = [c for c in chosen if c[0] != value[0]]
        ruled = [r for r in selection.ruled_out if f"rule out {r[0]}={r[1]}" in kept]
        for system in self.systems(frozenset(p for p in kept if p.startswith("limits."))):
            if not allows(system.values, chosen, ruled):
                continue
            if value is None or system.values.get(value[0]) == value[1]:
                return False
        return True

    def smallest_excluding(self, selection: Selection, value: Pair | None, *, blame_limits: bool = True) -> int | None:
        """The least number of parts that excludes ``value`` (None: even all of them do not).

        With ``blame_limits`` False every limit is always kept and only the
        selection's items are blamed (a selection's conflict).
        """
        parts = parts_of(self.request, selection, blame_limits=blame_limits)
        always = () if blame_limits else tuple(sorted(self.limits_set()))
        for size in range(len(parts) + 1):
            for combo in itertools.combinations(parts, size):
                if self.excludes((*combo, *always), selection, value):
                    return size
        return None

    def excluding_sets(self, selection: Selection, value: Pair | None, *, blame_limits: bool = True) -> list[Any]:
        """Every smallest excluding set (for messages)."""
        size = self.smallest_excluding(selection, value, blame_limits=blame_limits)
        if size is None:
            return []
        parts = parts_of(self.request, selection, blame_limits=blame_limits)
        always = () if blame_limits else tuple(sorted(self.limits_set()))
        return [
            combo for combo in itertools.combinations(parts, size) if self.excludes((*combo, *always), selection, value)
        ]
