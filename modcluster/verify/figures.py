"""What the verifier reasons about: the choices that make a system, and the figures it recomputes.

- the choices: :class:`BuyChoice` and :class:`MakeChoice` (a ``ModuleSource``
  each; ``Choices`` for a whole product), and the catalog entries they name
  (:func:`module_offer`, :func:`process_offer`, :func:`seed_offer`);
- distinctness: :func:`signature`, what makes two systems *different*;
- the figures: :class:`TaskFigure`, :class:`Precedence`, :class:`CostTerm`
  (its kinds are :data:`BREAKDOWN_KEYS`), :class:`LinkFigure` and
  :class:`SystemFigures`, which :mod:`modcluster.verify.evaluation` computes;
- problems: ``Problem``, a ``(place, message)`` pair, and :func:`render`, which
  turns them into the sentences the verifier returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modcluster.domain import CostBreakdown, ModuleOffer, Organization, ProcessOffer, Seed

__all__ = [
    "BREAKDOWN_KEYS",
    "BuyChoice",
    "Choices",
    "CostTerm",
    "LinkFigure",
    "MakeChoice",
    "ModuleSource",
    "Precedence",
    "Problem",
    "SystemFigures",
    "TaskFigure",
    "module_offer",
    "process_offer",
    "render",
    "seed_offer",
    "signature",
]

# --------------------------------------------------------------------------- choices


@dataclass(frozen=True, slots=True)
class BuyChoice:
    """A module bought: the selling organisation and the id of its module offer."""

    organization: str
    offer: str


@dataclass(frozen=True, slots=True)
class MakeChoice:
    """A module made: ``(organization, offer id)`` per step, in order, and the seed.

    ``seed`` is ``(organization, seed id)``, or None when the module has no
    technology. Lists are accepted and stored as tuples.
    """

    steps: tuple[tuple[str, str], ...] = ()
    seed: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple((str(o), str(f)) for o, f in self.steps))
        if self.seed is not None:
            object.__setattr__(self, "seed", (str(self.seed[0]), str(self.seed[1])))


ModuleSource = BuyChoice | MakeChoice
#: Sources by module id, or a sequence of sources in product order.
Choices = Mapping[str, ModuleSource] | Sequence[ModuleSource]


def process_offer(org: Organization, offer_id: str) -> ProcessOffer | None:
    """Return the process offer of ``org`` called ``offer_id``, or None."""
    return next((p for p in org.processes if p.offer_id == offer_id), None)


def module_offer(org: Organization, offer_id: str) -> ModuleOffer | None:
    """Return the module offer of ``org`` called ``offer_id``, or None."""
    return next((m for m in org.modules if m.offer_id == offer_id), None)


def seed_offer(org: Organization, seed_id: str) -> Seed | None:
    """Return the seed ``org`` licenses under ``seed_id``, or None."""
    return next((s for s in org.seeds if s.id == seed_id), None)


def signature(hub: str, sources: Sequence[tuple[str, ModuleSource]], person: str | None = None) -> tuple[Any, ...]:
    """Return what makes two systems *different* (same shape as ``Candidate.signature``).

    The hub, and per module: bought from which organisation, or made by which
    organisation per step with which seed. The offer an organisation uses for
    a step is left out: two systems that differ only there are the same
    candidate.

    Args:
        hub: The hub's id.
        sources: ``(module id, source)`` pairs, in product order.
        person: The person placed at the hub (v1.1), if any: systems that differ in it are different.
    """
    parts: list[Any] = [hub] if person is None else [hub, ("person", person)]
    for module_id, source in sources:
        if isinstance(source, BuyChoice):
            parts.append((module_id, "buy", source.organization))
        else:
            parts.append((module_id, "make", tuple(org for org, _ in source.steps), source.seed))
    return tuple(parts)


# --------------------------------------------------------------------------- figures

#: The keys of ``cost_breakdown`` (the kinds of :class:`CostTerm`), in the order of the contract.
BREAKDOWN_KEYS = ("integration", "steps", "modules", "licences", "onboarding", "people", "subsidies")


@dataclass(frozen=True, slots=True)
class TaskFigure:
    """One task of a system.

    Attributes:
        name: ``module m``, ``module m step 2`` (1-based), ``module m seed`` or ``integration``.
        kind: ``module`` (bought), ``step``, ``seed`` or ``integration``.
        module: The module id (None for the integration).
        step: The 0-based step index for a step, else None.
        organization: Who runs it.
        duration: Whole days.
    """

    name: str
    kind: str
    module: str | None
    step: int | None
    organization: str
    duration: int


@dataclass(frozen=True, slots=True)
class Precedence:
    """Task ``after`` starts at least ``gap`` days after task ``before`` ends (indices into tasks)."""

    before: int
    after: int
    gap: int


@dataclass(frozen=True, slots=True)
class CostTerm:
    """One cost term, already rounded half-up to 0.01.

    Attributes:
        kind: The ``cost_breakdown`` key it adds to.
        place: What it is, e.g. ``module housing step 1``, ``design fee``,
            ``bridge housing-head mech-mount``, ``onboarding sagami-plating``.
        amount: The rounded amount.
        organization: Who is paid (a step's doer, a module's seller, a seed's
            licensor, the hub for the integration and a person's fee): what a
            policy's sites and ``members_of`` read; None for onboarding.
    """

    kind: str
    place: str
    amount: Decimal
    organization: str | None = None


@dataclass(frozen=True, slots=True)
class LinkFigure:
    """A product link with the variants of its two ends and whether they match."""

    between: tuple[str, str]
    interface: str
    variants: tuple[str | None, str | None]
    matched: bool


@dataclass(frozen=True, slots=True)
class SystemFigures:
    """Every figure of one system (hub plus choices), schedule aside.

    ``tasks`` lists, module by module in product order, the seed transfer, the
    steps or the bought module, and ends with the integration.
    """

    hub: str
    sources: tuple[tuple[str, ModuleSource], ...]
    terms: tuple[CostTerm, ...]
    cost: Decimal
    breakdown: CostBreakdown
    integration_days: int
    tasks: tuple[TaskFigure, ...]
    precedences: tuple[Precedence, ...]
    partners: tuple[str, ...]
    links: tuple[LinkFigure, ...]
    onboarding: tuple[tuple[str, Decimal], ...] = field(default=())
    person: str | None = None
    available_day: int = 0
    refunds: tuple[tuple[str, Decimal, Decimal], ...] = ()
    """Each policy in effect (v1.1): its id, eligible amount and refund."""

    @property
    def integration(self) -> int:
        """Index of the integration task (the last one)."""
        return len(self.tasks) - 1

    @property
    def signature(self) -> tuple[Any, ...]:
        """What makes two systems *different* (same shape as ``Candidate.signature``)."""
        return signature(self.hub, self.sources, self.person)

    def task_index(self, name: str) -> int:
        """Index of the task called ``name``."""
        for index, task in enumerate(self.tasks):
            if task.name == name:
                return index
        raise KeyError(name)


# --------------------------------------------------------------------------- problems

#: One problem: (place, message); the place is "" for the system or the solution as a whole.
Problem = tuple[str, str]


def render(problems: Sequence[Problem], prefix: str = "") -> list[str]:
    """Turn problems into sentences: ``candidate 2, module housing step 1: message``.

    Args:
        problems: ``(place, message)`` pairs.
        prefix: Put before each place (e.g. ``candidate 2``); "" for none.
    """
    out = []
    for place, message in problems:
        where = ", ".join(p for p in (prefix, place) if p)
        out.append(f"{where}: {message}" if where else message)
    return out
