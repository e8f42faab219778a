"""The exact cost / lead-time (and optionally partner-count) Pareto front of a request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.domain import Candidate, Catalog, Request, check_request
from modcluster.solver import SolverSettings, pareto_points

__all__ = ["ParetoFront", "ParetoPoint", "pareto_front"]


@dataclass(frozen=True, slots=True)
class ParetoPoint:
    """A non-dominated point and a candidate system achieving it."""

    cost: Decimal
    lead_time: int
    partners: int
    candidate: Candidate

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "cost": self.cost,
            "lead_time": self.lead_time,
            "partners": self.partners,
            "candidate": self.candidate.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ParetoFront:
    """Every non-dominated point, cheapest first; ``complete`` when all were proven in time."""

    product: str
    objectives: tuple[str, ...]
    points: tuple[ParetoPoint, ...]
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "objectives": list(self.objectives),
            "complete": self.complete,
            "points": [p.to_dict() for p in self.points],
        }


def pareto_front(
    catalog: Catalog,
    request: Request,
    *,
    partners: bool = False,
    seconds: float | None = None,
    settings: SolverSettings | None = None,
) -> ParetoFront:
    """The request's exact Pareto front (its limits and filters all hold).

    Examples
    --------
    >>> from modcluster import load_catalog, build_request
    >>> cat = load_catalog("catalogs/tama.yaml")
    >>> front = pareto_front(cat, build_request(cat, "piezo-nano-stage"))
    >>> [(str(p.cost), p.lead_time) for p in front.points], front.complete
    ([('7005.60', 62), ('7106.60', 61), ('7452.00', 57), ('7553.00', 55), ('8831.00', 39), ('9193.00', 36),
      ('9796.00', 34)], True)
    """
    check_request(catalog, request)
    points, complete = pareto_points(catalog, request, partners=partners, seconds=seconds, settings=settings)
    return ParetoFront(
        request.product,
        ("cost", "lead_time", "partners") if partners else ("cost", "lead_time"),
        tuple(ParetoPoint(Decimal(p.cost_cents).scaleb(-2), p.lead_time, p.partners, p.candidate) for p in points),
        complete,
    )
