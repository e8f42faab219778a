"""Why a request has no system, and what to change: gaps, a minimal conflict, least relaxations."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.domain.catalog import Catalog
from modcluster.domain.checks import check_request
from modcluster.domain.request import Request
from modcluster.domain.solution import Candidate, Gap
from modcluster.solver.explain import GuardedModel, minimal_conflict
from modcluster.solver.gaps import static_gaps
from modcluster.solver.prepare import prepare
from modcluster.solver.solve import SolverSettings

__all__ = ["Diagnosis", "Relaxation", "explain"]


@dataclass(frozen=True, slots=True)
class Relaxation:
    """The least value of one limit that works with every other rule of the request.

    Attributes:
        limit: ``budget``, ``deadline`` or ``max_partners``.
        current: The request's value (None when not set).
        least: The least value that admits a system, or None when the other
            rules admit none whatever this limit is.
        candidate: A system achieving ``least``.
        proven: Whether ``least`` was proven minimal.
    """

    limit: str
    current: Decimal | int | None
    least: Decimal | int | None
    candidate: Candidate | None
    proven: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "limit": self.limit,
            "current": self.current,
            "least": self.least,
            "proven": self.proven,
            "candidate": None if self.candidate is None else self.candidate.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The explanation of one request.

    Attributes:
        feasible: Whether some system meets every rule.
        gaps: Requirements with no eligible offer at all after the filters (checked first).
        conflict: A minimal set of the request's rules that admits no system
            (empty when feasible or when gaps already explain it).
        conflict_minimal: Whether minimality was proven within the time limit.
        relaxations: Least budget, deadline and max_partners, each with the other rules kept.
    """

    product: str
    feasible: bool
    gaps: tuple[Gap, ...]
    conflict: tuple[str, ...]
    conflict_minimal: bool
    relaxations: tuple[Relaxation, ...]

    @property
    def summary(self) -> str:
        """One sentence for the user."""
        if self.gaps:
            return f"{len(self.gaps)} requirement(s) have no eligible offer"
        if self.feasible:
            return "the request is feasible"
        return "no system meets all of: " + ", ".join(self.conflict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "feasible": self.feasible,
            "summary": self.summary,
            "gaps": [g.to_dict() for g in self.gaps],
            "conflict": list(self.conflict),
            "conflict_minimal": self.conflict_minimal,
            "relaxations": [r.to_dict() for r in self.relaxations],
        }


def explain(
    catalog: Catalog, request: Request, *, seconds: float | None = None, settings: SolverSettings | None = None
) -> Diagnosis:
    """Explain a request: static gaps first, else a minimal conflict, and the least relaxations.

    Args:
        catalog: The catalog.
        request: The request to explain (feasible or not).
        seconds: Time for all checks together (default: the request's time limit).
        settings: CP-SAT parameters.

    Examples:
    --------
    >>> from modcluster import load_catalog, build_request
    >>> cat = load_catalog("catalogs/tama.yaml")
    >>> req = build_request(cat, "ultrasonic-distance-sensor", overrides={"limits": {"deadline": 62}})
    >>> d = explain(cat, req)
    >>> d.feasible, d.conflict
    (False, ('budget 18000', 'deadline 62 days'))
    >>> [(r.limit, r.least) for r in d.relaxations]
    [('budget', Decimal('30845.00')), ('deadline', 69), ('max_partners', None)]
    """
    check_request(catalog, request)
    total = float(seconds if seconds is not None else request.time_limit)
    gaps = tuple(static_gaps(prepare(catalog, request)))
    if gaps:
        return Diagnosis(request.product, False, gaps, (), True, ())
    gm = GuardedModel(catalog, request, settings)
    share = total / 4
    conflict = minimal_conflict(gm, share)
    feasible = conflict is None
    rules = list(gm.rules)
    relaxations = []
    limits = request.limits
    for limit, quantity, current in (
        ("budget", "cost", limits.budget),
        ("deadline", "lead_time", limits.deadline),
        ("max_partners", "partners", limits.max_partners),
    ):
        found = gm.least(quantity, [n for n in rules if n != limit], share)
        if found is None:
            relaxations.append(Relaxation(limit, current, None, None, True))
            continue
        amount, candidate, proven = found
        least: Decimal | int = Decimal(amount).scaleb(-2) if quantity == "cost" else amount
        relaxations.append(Relaxation(limit, current, least, candidate, proven))
    names = tuple(rule.text for rule in conflict[0]) if conflict else ()
    return Diagnosis(request.product, feasible, (), names, conflict[1] if conflict else True, tuple(relaxations))
