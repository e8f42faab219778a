"""Immutable results: a solution with its ranked candidate systems.

These are plain frozen dataclasses built by the solver's decoder (and by the
verifier when it reads a solution file); nothing here touches the solver.
:meth:`Solution.to_json` writes exactly the solution JSON of the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from modcluster.domain.calendars import annotate_candidate, calendar_of
from modcluster.domain.frozen import FrozenDict, freeze, thaw

__all__ = [
    "SOLUTION_SCHEMA",
    "Candidate",
    "CostBreakdown",
    "Explanation",
    "Gap",
    "LinkResult",
    "ModuleChoice",
    "SeedChoice",
    "Solution",
    "Status",
    "StepChoice",
    "dumps",
]

SOLUTION_SCHEMA = "modcluster/solution/1"


class Status(StrEnum):
    """Outcome of a solve; FEASIBLE (best found, not proven) is never OPTIMAL."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class StepChoice:
    """A make-step: who does it, with which offer, and when (days ``[start, end)``)."""

    capability: str
    organization: str
    offer: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SeedChoice:
    """A licensed seed and its transfer."""

    organization: str
    seed: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ModuleChoice:
    """A module's source: ``make`` (steps and seed) or ``buy`` (organisation and offer)."""

    id: str
    source: str
    steps: tuple[StepChoice, ...] = ()
    seed: SeedChoice | None = None
    organization: str | None = None
    offer: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The module's entry of the solution JSON."""
        if self.source == "buy":
            return {
                "id": self.id,
                "source": "buy",
                "organization": self.organization,
                "offer": self.offer,
                "start": self.start,
                "end": self.end,
            }
        return {
            "id": self.id,
            "source": "make",
            "steps": [
                {
                    "capability": s.capability,
                    "organization": s.organization,
                    "offer": s.offer,
                    "start": s.start,
                    "end": s.end,
                }
                for s in self.steps
            ],
            "seed": None
            if self.seed is None
            else {
                "organization": self.seed.organization,
                "seed": self.seed.seed,
                "start": self.seed.start,
                "end": self.seed.end,
            },
        }


@dataclass(frozen=True, slots=True)
class LinkResult:
    """A product link and whether the chosen modules' variants match on it."""

    between: tuple[str, str]
    interface: str
    matched: bool


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """Cost terms by kind; ``integration`` is the design fee plus the bridges; ``people`` the placement's fee (v1.1).

    ``subsidies`` (v1.1 "Policies") is the policies' total refund: a positive
    amount that is subtracted, so :attr:`total` is the net cost.
    """

    integration: Decimal
    steps: Decimal
    modules: Decimal
    licences: Decimal
    onboarding: Decimal
    people: Decimal = Decimal(0)
    subsidies: Decimal = Decimal(0)

    @property
    def gross(self) -> Decimal:
        """Sum of the terms, before refunds."""
        return self.integration + self.steps + self.modules + self.licences + self.onboarding + self.people

    @property
    def total(self) -> Decimal:
        """The net cost: the terms less the refunds."""
        return self.gross - self.subsidies


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked candidate product system with its exact cost, lead time and schedule."""

    rank: int
    proven_optimal: bool
    cost: Decimal
    lead_time: int
    hub: str
    partners: tuple[str, ...]
    modules: tuple[ModuleChoice, ...]
    integration: tuple[int, int]
    links: tuple[LinkResult, ...]
    cost_breakdown: CostBreakdown
    person: str | None = None
    with_people: bool = False
    """Whether the catalog has ``people``: then the JSON carries ``person`` and ``cost_breakdown.people``."""
    with_policies: bool = False
    """Whether the catalog has ``policies``: then the JSON carries ``cost_breakdown.subsidies``."""

    def signature(self) -> tuple[Any, ...]:
        """What makes two candidates *different* in the contract's sense (the person placed too)."""
        parts: list[Any] = [self.hub] if self.person is None else [self.hub, ("person", self.person)]
        for m in self.modules:
            if m.source == "buy":
                parts.append((m.id, "buy", m.organization))
            else:
                seed = None if m.seed is None else (m.seed.organization, m.seed.seed)
                parts.append((m.id, "make", tuple(s.organization for s in m.steps), seed))
        return tuple(parts)

    def to_dict(self) -> dict[str, Any]:
        """The candidate's entry of the solution JSON."""
        b = self.cost_breakdown
        out: dict[str, Any] = {
            "rank": self.rank,
            "proven_optimal": self.proven_optimal,
            "cost": self.cost,
            "lead_time": self.lead_time,
            "hub": self.hub,
            "partners": list(self.partners),
            "modules": [m.to_dict() for m in self.modules],
            "integration": {"start": self.integration[0], "end": self.integration[1]},
            "links": [
                {"between": list(lk.between), "interface": lk.interface, "matched": lk.matched} for lk in self.links
            ],
            "cost_breakdown": {
                "integration": b.integration,
                "steps": b.steps,
                "modules": b.modules,
                "licences": b.licences,
                "onboarding": b.onboarding,
            },
        }
        if self.with_people:
            out["person"] = self.person
            out["cost_breakdown"]["people"] = b.people
        if self.with_policies:
            out["cost_breakdown"]["subsidies"] = b.subsidies
        return out


@dataclass(frozen=True, slots=True)
class Gap:
    """A requirement no organisation can serve, with the nearest misses."""

    place: str
    requirement: str
    reason: str
    near_misses: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "place": self.place,
            "requirement": self.requirement,
            "reason": self.reason,
            "near_misses": list(self.near_misses),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a request has no (or no more) candidate systems."""

    summary: str
    gaps: tuple[Gap, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"summary": self.summary, "gaps": [g.to_dict() for g in self.gaps]}


@dataclass(frozen=True, slots=True)
class Solution:
    """The answer to one request: status, ranked candidates, and an explanation when infeasible.

    Attributes:
        request: The effective request, as plain data (an extension of the contract,
            so that ``modcluster verify`` can check a solution file on its own).
        stats: Solver figures (wall time, bounds) kept out of the JSON for determinism.
        bound: When the time limit stopped a proof (status feasible or unknown), a
            proven lower bound of the objective's first quantity: money for
            ``cost`` and ``weighted``, days for ``lead_time`` (an extension of the
            contract, written as top-level ``"bound"``).
    """

    product: str
    quantity: int
    objective: str
    status: Status
    candidates: tuple[Candidate, ...]
    explanation: Explanation | None = None
    request: dict[str, Any] | None = None
    stats: dict[str, Any] = field(default_factory=FrozenDict, compare=False)
    bound: Decimal | int | None = None

    def __post_init__(self) -> None:
        # Deeply immutable: the request and the stats are frozen copies of what was given.
        if self.request is not None:
            object.__setattr__(self, "request", freeze(self.request))
        object.__setattr__(self, "stats", freeze(self.stats))

    @property
    def best(self) -> Candidate | None:
        """Candidate 1, or None."""
        return self.candidates[0] if self.candidates else None

    def to_dict(self) -> dict[str, Any]:
        """The solution JSON of the contract, as Python data (money as Decimal): a fresh copy on every call."""
        data: dict[str, Any] = {
            "schema": SOLUTION_SCHEMA,
            "product": self.product,
            "quantity": self.quantity,
            "objective": self.objective,
            "status": self.status.value,
            "candidates": [c.to_dict() for c in self.candidates],
            "explanation": None if self.explanation is None else self.explanation.to_dict(),
        }
        cal = calendar_of(self.request)
        if cal is not None:  # v1.1 Calendars: dates beside the day numbers
            data["candidates"] = [annotate_candidate(c, cal) for c in data["candidates"]]
        if self.bound is not None:
            data["bound"] = self.bound
        if self.request is not None:
            data["request"] = _request_json(self.request)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """The solution JSON text; the same solution always gives the same bytes."""
        return dumps(self.to_dict(), indent=indent)


def _request_json(request: dict[str, Any]) -> dict[str, Any]:
    """A fresh plain copy of the embedded request, without the calendar fields when they are not set."""
    out: dict[str, Any] = thaw(request)
    for key in ("start_date", "calendar"):
        if key in out and out[key] is None:
            del out[key]
    return out


def _money_text(value: Decimal) -> str:
    """Plain decimal notation, no exponent, no trailing zeros: ``800``, ``12.5``, ``0.07``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON text of ``data`` with Decimals written exactly (never via binary floats).

    Keys keep their order; the same data always gives the same text. Dates
    are written ``YYYY-MM-DD``.

    >>> dumps({"cost": Decimal("800.00"), "x": [Decimal("0.10"), None]}, indent=None)
    '{"cost": 800, "x": [0.1, null]}'
    """
    out: list[str] = []
    _emit(data, out, indent, 0)
    return "".join(out)


def _emit(value: Any, out: list[str], indent: int | None, level: int) -> None:
    if isinstance(value, Decimal):
        out.append(_money_text(value))
    elif value is None or isinstance(value, (bool, int, str)):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, date):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, float):
        out.append(json.dumps(value, allow_nan=False))
    elif isinstance(value, dict):
        _emit_seq(
            [(json.dumps(str(k), ensure_ascii=False) + ": ", v) for k, v in value.items()], "{}", out, indent, level
        )
    elif isinstance(value, (list, tuple)):
        _emit_seq([("", v) for v in value], "[]", out, indent, level)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _emit_seq(items: list[tuple[str, Any]], brackets: str, out: list[str], indent: int | None, level: int) -> None:
    if not items:
        out.append(brackets)
        return
    out.append(brackets[0])
    inner = "" if indent is None else "\n" + " " * (indent * (level + 1))
    for index, (prefix, item) in enumerate(items):
        if index:
            out.append("," if indent is not None else ", ")
        out.append(inner)
        out.append(prefix)
        _emit(item, out, indent, level + 1)
    out.append("" if indent is None else "\n" + " " * (indent * level))
    out.append(brackets[1])
