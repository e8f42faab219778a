"""What each person's placement is worth (MODEL.md v1.1 "People"): the products it unlocks or improves, and where.

For every product, the default request is solved once with no placement
(``people: false``) and once per person who may lead its family, with only
that person placeable. A person **unlocks** a product that has no system
without placements and has one with them; **improves** it when the best
system places them and is strictly better under the request's objective;
else the placement does **nothing** for it. Every figure is a solve's
answer: when a solve ends at its time limit the row is marked not proven,
and "unknown" says what could not be decided at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.analysis.timing import stop_at, within
from modcluster.domain import Catalog, Request, Solution, Status, default_request
from modcluster.engine import solve
from modcluster.solver import SolverSettings, objective_key
from modcluster.solver.progress import step

__all__ = ["PeopleValue", "PersonEffect", "people_value"]

UNLOCKS, IMPROVES, NOTHING, UNKNOWN = "unlocks", "improves", "nothing", "unknown"


@dataclass(frozen=True, slots=True)
class PersonEffect:
    """One person and one product: the best system with only this person placeable, against none placed.

    Attributes:
        person: The person's id.
        product: The product's id.
        effect: ``unlocks``, ``improves``, ``nothing`` or ``unknown`` (module docstring).
        hub: Where the person leads in the best system (None when not placed there).
        cost_with, lead_with: That system's figures (None: no system found).
        cost_without, lead_without: The best system's with nobody placed (None: none).
        proven: Whether both solves proved their answers.
    """

    person: str
    product: str
    effect: str
    hub: str | None
    cost_with: Decimal | None
    lead_with: int | None
    cost_without: Decimal | None
    lead_without: int | None
    proven: bool

    @property
    def saving(self) -> Decimal | None:
        """Cost without minus cost with, when both exist."""
        if self.cost_with is None or self.cost_without is None:
            return None
        return self.cost_without - self.cost_with

    @property
    def days_saved(self) -> int | None:
        """Lead time without minus lead time with, when both exist."""
        if self.lead_with is None or self.lead_without is None:
            return None
        return self.lead_without - self.lead_with

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "person": self.person,
            "product": self.product,
            "effect": self.effect,
            "hub": self.hub,
            "cost_with": self.cost_with,
            "lead_time_with": self.lead_with,
            "cost_without": self.cost_without,
            "lead_time_without": self.lead_without,
            "saving": self.saving,
            "days_saved": self.days_saved,
            "proven": self.proven,
        }


@dataclass(frozen=True, slots=True)
class PeopleValue:
    """Every (person, product) pair where the person may lead the product's family."""

    effects: tuple[PersonEffect, ...]

    def of(self, person: str) -> tuple[PersonEffect, ...]:
        """One person's rows."""
        return tuple(e for e in self.effects if e.person == person)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the rows, and per person the products unlocked and improved."""
        people = sorted({e.person for e in self.effects})
        return {
            "people": [
                {
                    "person": p,
                    "unlocks": [e.product for e in self.of(p) if e.effect == UNLOCKS],
                    "improves": [e.product for e in self.of(p) if e.effect == IMPROVES],
                }
                for p in people
            ],
            "effects": [e.to_dict() for e in self.effects],
        }


def _decided(solution: Solution) -> bool:
    return solution.status in (Status.OPTIMAL, Status.INFEASIBLE)


def _effect(person: str, placed: Solution, without: Solution, request: Request) -> str:
    """Which of the four effects the two answers show (:mod:`modcluster.analysis.people`)."""
    best = placed.best
    if best is None or best.person != person:
        return NOTHING if _decided(placed) else UNKNOWN
    if without.best is None:
        return UNLOCKS if without.status is Status.INFEASIBLE else UNKNOWN
    return IMPROVES if objective_key(best, request) < objective_key(without.best, request) else NOTHING


def people_value(
    catalog: Catalog, settings: SolverSettings | None = None, seconds: float | Decimal | None = None
) -> PeopleValue:
    """Solve each product's default request without placements and with each person who may lead it.

    Args:
        catalog: The catalog (its ``people``).
        settings: CP-SAT parameters.
        seconds: Time for the whole analysis, shared among the solves
            (:func:`~modcluster.analysis.timing.within`); None: each solve keeps
            its request's time limit.

    Returns:
        One row per person and product of one of their families.
    """
    people = catalog.people or ()
    end = stop_at(seconds)
    pairs = [
        (product, person) for product in catalog.products for person in people if product.family in person.families
    ]
    solves = len(pairs) + len({product.id for product, _ in pairs})
    rows: list[PersonEffect] = []
    baselines: dict[str, Solution] = {}
    for number, (product, person) in enumerate(pairs, start=1):
        step(f"people: {person.id} on {product.id}", number, len(pairs))
        request = default_request(catalog, product.id).with_changes(candidates=1)
        if product.id not in baselines:
            baselines[product.id] = solve(catalog, within(request.with_changes(people=False), end, solves), settings)
            solves -= 1
        without = baselines[product.id]
        alone = catalog.replace(people=(person,))
        placed = solve(alone, within(request, end, solves), settings)
        solves -= 1
        best = placed.best
        rows.append(
            PersonEffect(
                person.id,
                product.id,
                _effect(person.id, placed, without, request),
                best.hub if best is not None and best.person == person.id else None,
                None if best is None else best.cost,
                None if best is None else best.lead_time,
                None if without.best is None else without.best.cost,
                None if without.best is None else without.best.lead_time,
                _decided(without) and _decided(placed),
            )
        )
    return PeopleValue(tuple(rows))
