"""Configuration (contract v1.1): named decisions, selections, and the decision table.

A request's systems take one value for each of its **decisions**:

- ``hub``: an organisation id;
- ``modules.<module>.source``: ``make`` or ``buy:<organisation>``;
- ``modules.<module>.steps.<n>`` (n from 1): the organisation doing that step;
- ``modules.<module>.seed``: ``<organisation>/<seed>``.

A step or seed decision exists only in systems that make the module. A
:class:`Selection` fixes some decisions to values and rules some values out;
a system is allowed by it when it takes every chosen value (so a chosen step
implies the module is made) and none ruled out. The decision table
(:class:`Configuration`) says, for every value of every decision, whether a
system allowed by the selection with that value exists (``possible``, with
the best such system), does not (``impossible``, with why on request), or
was not settled in time (``unknown``). Nothing here touches the solver.

>>> sel = Selection().choose("hub", "sagami-measure").rule_out("modules.head.seed", "tama-univ/laser-01")
>>> sel.allows({"hub": "sagami-measure", "modules.head.source": "buy:x"})
True
>>> sel.allows({"hub": "kosoku-sensing"})
False
>>> sel.items()
('select hub=sagami-measure', 'rule out modules.head.seed=tama-univ/laser-01')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from modcluster.domain.frozen import freeze, thaw
from modcluster.domain.solution import Candidate, dumps
from modcluster.errors import Issue, RequestError

__all__ = [
    "CONFIGURATION_SCHEMA",
    "NO_PERSON",
    "PERSON_DECISION",
    "Configuration",
    "DecisionRow",
    "Selection",
    "ValueRow",
    "ValueStatus",
    "decisions_of",
    "parse_assignment",
    "seed_decision",
    "source_decision",
    "step_decision",
    "system_dict",
]

CONFIGURATION_SCHEMA = "modcluster/configuration/1"

PERSON_DECISION = "person"
"""The decision of who is placed at the hub (v1.1 People), present when the catalog has ``people``."""
NO_PERSON = "none"
"""The ``person`` decision's value when nobody is placed (the catalog checks refuse a person called ``none``)."""


class ValueStatus(StrEnum):
    """What the configurator settled about one value of one decision."""

    POSSIBLE = "possible"
    IMPOSSIBLE = "impossible"
    UNKNOWN = "unknown"


def source_decision(module: str) -> str:
    """The name of a module's source decision.

    >>> source_decision("housing")
    'modules.housing.source'
    """
    return f"modules.{module}.source"


def step_decision(module: str, n: int) -> str:
    """The name of step ``n`` (from 1) of a module.

    >>> step_decision("housing", 2)
    'modules.housing.steps.2'
    """
    return f"modules.{module}.steps.{n}"


def seed_decision(module: str) -> str:
    """The name of a module's seed decision."""
    return f"modules.{module}.seed"


def decisions_of(candidate: Candidate) -> dict[str, str]:
    """Every decision a system takes, with its value (steps and seed only for made modules).

    >>> from modcluster import load_catalog, build_request, solve
    >>> catalog = load_catalog("catalogs/examples/mini.yaml")
    >>> best = solve(catalog, build_request(catalog)).best
    >>> sorted(decisions_of(best).items())[:2]
    [('hub', 'mini-optics'), ('modules.controller.source', 'buy:mini-controls')]
    """
    values = {"hub": candidate.hub}
    if candidate.with_people:
        values[PERSON_DECISION] = candidate.person or NO_PERSON
    for m in candidate.modules:
        if m.source == "buy":
            values[source_decision(m.id)] = f"buy:{m.organization}"
            continue
        values[source_decision(m.id)] = "make"
        for n, step in enumerate(m.steps, start=1):
            values[step_decision(m.id, n)] = step.organization
        if m.seed is not None:
            values[seed_decision(m.id)] = f"{m.seed.organization}/{m.seed.seed}"
    return values


def parse_assignment(text: str) -> tuple[str, str]:
    """``decision=value`` as a pair (the form of ``--select`` and ``--rule-out``).

    >>> parse_assignment("modules.housing.source=make")
    ('modules.housing.source', 'make')
    >>> parse_assignment("hub")
    Traceback (most recent call last):
    ...
    modcluster.errors.RequestError: hub: expected decision=value
    """
    decision, sep, value = text.partition("=")
    decision, value = decision.strip(), value.strip()
    if not sep or not decision or not value:
        raise RequestError([Issue(text, "expected decision=value")])
    return decision, value


@dataclass(frozen=True)
class Selection:
    """Chosen values (at most one per decision, in the order they were chosen) and ruled-out values."""

    chosen: tuple[tuple[str, str], ...] = ()
    ruled_out: tuple[tuple[str, str], ...] = ()

    def choose(self, decision: str, value: str) -> Selection:
        """A selection with ``decision`` fixed to ``value`` (replacing an earlier choice of it)."""
        kept = tuple(c for c in self.chosen if c[0] != decision)
        return replace(self, chosen=(*kept, (decision, value)))

    def rule_out(self, decision: str, value: str) -> Selection:
        """A selection with ``value`` of ``decision`` ruled out (once)."""
        if (decision, value) in self.ruled_out:
            return self
        return replace(self, ruled_out=(*self.ruled_out, (decision, value)))

    def restricted_to(self, items: frozenset[str] | set[str]) -> Selection:
        """The selection keeping only the given :meth:`items`."""
        return Selection(
            tuple(c for c in self.chosen if _chosen_text(c) in items),
            tuple(r for r in self.ruled_out if _ruled_text(r) in items),
        )

    def items(self) -> tuple[str, ...]:
        """Each choice and rule-out as text: ``select d=v`` and ``rule out d=v``."""
        return tuple(_chosen_text(c) for c in self.chosen) + tuple(_ruled_text(r) for r in self.ruled_out)

    def value_of(self, decision: str) -> str | None:
        """The chosen value of ``decision``, if it is chosen."""
        for d, v in self.chosen:
            if d == decision:
                return v
        return None

    def allows(self, values: Mapping[str, str]) -> bool:
        """Whether a system taking ``values`` (see :func:`decisions_of`) is allowed."""
        return all(values.get(d) == v for d, v in self.chosen) and all(values.get(d) != v for d, v in self.ruled_out)

    def to_dict(self) -> dict[str, Any]:
        """``selection`` and ``ruled_out`` as in the configuration JSON."""
        return {
            "selection": dict(self.chosen),
            "ruled_out": [{"decision": d, "value": v} for d, v in self.ruled_out],
        }


def _chosen_text(choice: tuple[str, str]) -> str:
    return f"select {choice[0]}={choice[1]}"


def _ruled_text(ruled: tuple[str, str]) -> str:
    return f"rule out {ruled[0]}={ruled[1]}"


@dataclass(frozen=True, slots=True)
class ValueRow:
    """One value of one decision under the selection.

    ``system`` is the best system allowed by the selection with this value
    (possible values); ``proven`` says whether its optimality was proven
    within the time limit. ``why`` is the smallest set of selection items and
    limits that excludes an impossible value, when it was asked for (``()``:
    the catalog and the request's filters alone exclude it).
    """

    value: str
    status: ValueStatus
    selected: bool = False
    system: Candidate | None = None
    proven: bool = False
    why: tuple[str, ...] | None = None

    @property
    def cost(self) -> Decimal | None:
        """The cost of the value's best system."""
        return None if self.system is None else self.system.cost

    @property
    def lead_time(self) -> int | None:
        """The lead time of the value's best system."""
        return None if self.system is None else self.system.lead_time

    def to_dict(self) -> dict[str, Any]:
        """The value's entry of the configuration JSON."""
        data: dict[str, Any] = {"value": self.value, "status": self.status.value}
        if self.selected:
            data["selected"] = True
        if self.system is not None:
            data["cost"] = self.system.cost
            data["lead_time"] = self.system.lead_time
            data["proven_optimal"] = self.proven
            data["system"] = system_dict(self.system)
        if self.why is not None:
            data["why"] = list(self.why)
        return data


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One decision with every value it can take."""

    decision: str
    values: tuple[ValueRow, ...]

    def value(self, value: str) -> ValueRow | None:
        """The row of one value."""
        for row in self.values:
            if row.value == value:
                return row
        return None

    def possible(self) -> tuple[str, ...]:
        """The values still possible."""
        return tuple(r.value for r in self.values if r.status is ValueStatus.POSSIBLE)


def system_dict(candidate: Candidate) -> dict[str, Any]:
    """A v1 candidate's JSON fields without ``rank`` and ``proven_optimal``."""
    data = candidate.to_dict()
    del data["rank"], data["proven_optimal"]
    return data


@dataclass(frozen=True)
class Configuration:
    """The decision table of a request under a selection (``modcluster/configuration/1``).

    ``best`` is the best system the selection allows (None when there is
    none); ``conflict``, when there is none and it was proven, is the smallest
    set of the selection's items that leaves no system; ``complete`` says
    whether every value was settled (no ``unknown``) and every figure proven.
    ``request`` is the request the table answers (without the selection), so
    that ``modcluster verify`` can check a table file on its own. ``status``
    is the selection's own: ``possible`` when it leaves a system,
    ``impossible`` when it is proven to leave none, ``unknown`` when the time
    limit came first. Another value of a chosen decision is an alternative:
    its figures are those of the selection with it chosen instead.
    """

    product: str
    quantity: int
    objective: str
    selection: Selection
    best: Candidate | None
    decisions: tuple[DecisionRow, ...]
    conflict: tuple[str, ...] | None = None
    complete: bool = True
    request: dict[str, Any] | None = None
    status: ValueStatus = ValueStatus.POSSIBLE
    stats: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Deeply immutable: the request and the stats are frozen copies of what was given.
        if self.request is not None:
            object.__setattr__(self, "request", freeze(self.request))
        object.__setattr__(self, "stats", freeze(self.stats))

    def row(self, decision: str) -> DecisionRow | None:
        """The row of one decision (None when the decision does not exist under the selection)."""
        for row in self.decisions:
            if row.decision == decision:
                return row
        return None

    def open_decisions(self) -> tuple[DecisionRow, ...]:
        """Decisions not fixed by the selection."""
        chosen = {d for d, _ in self.selection.chosen}
        return tuple(r for r in self.decisions if r.decision not in chosen)

    def to_dict(self) -> dict[str, Any]:
        """The configuration JSON as Python data (money as Decimal)."""
        data: dict[str, Any] = {
            "schema": CONFIGURATION_SCHEMA,
            "product": self.product,
            "quantity": self.quantity,
            "objective": self.objective,
            **self.selection.to_dict(),
            "status": self.status.value,
            "best": None if self.best is None else system_dict(self.best),
            "complete": self.complete,
        }
        if self.conflict is not None:
            data["conflict"] = list(self.conflict)
        data["decisions"] = [
            {"decision": r.decision, "values": [v.to_dict() for v in r.values]} for r in self.decisions
        ]
        if self.request is not None:
            data["request"] = thaw(self.request)  # a fresh copy: changing it changes nothing here
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """The configuration JSON text; the same table always gives the same bytes."""
        return dumps(self.to_dict(), indent=indent)
