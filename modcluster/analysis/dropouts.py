"""What breaks when an organisation drops out: replacements, deltas, single points of failure."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.analysis.timing import within
from modcluster.domain import Candidate, Catalog, Request, Status, default_request
from modcluster.engine import solve
from modcluster.solver import SolverSettings
from modcluster.solver.progress import step

__all__ = ["Dropout", "Resilience", "critical_organizations", "resilience"]


@dataclass(frozen=True, slots=True)
class Dropout:
    """One organisation of the candidate drops out.

    ``replacement`` is the best system without it (None: a single point of
    failure); the deltas are replacement minus candidate.
    """

    organization: str
    role: str
    replacement: Candidate | None
    cost_delta: Decimal | None
    lead_time_delta: int | None
    decided: bool = True

    @property
    def single_point_of_failure(self) -> bool:
        """Proven: no system exists without this organisation."""
        return self.decided and self.replacement is None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "organization": self.organization,
            "role": self.role,
            "single_point_of_failure": self.single_point_of_failure,
            "decided": self.decided,
            "cost_delta": self.cost_delta,
            "lead_time_delta": self.lead_time_delta,
            "replacement": None if self.replacement is None else self.replacement.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Resilience:
    """Every participant of a candidate in turn dropping out."""

    product: str
    candidate: Candidate
    dropouts: tuple[Dropout, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "candidate": self.candidate.to_dict(),
            "dropouts": [d.to_dict() for d in self.dropouts],
        }


def resilience(
    catalog: Catalog, request: Request, candidate: Candidate | None = None, settings: SolverSettings | None = None
) -> Resilience:
    """Drop each organisation of ``candidate`` (default: the request's best) and re-solve.

    Examples
    --------
    >>> from modcluster import load_catalog, build_request
    >>> cat = load_catalog("catalogs/examples/mini.yaml")
    >>> res = resilience(cat, build_request(cat))
    >>> [(d.organization, d.single_point_of_failure) for d in res.dropouts][:2]
    [('mini-optics', True), ('mini-controls', True)]
    """
    stop_at = time.monotonic() + float(request.time_limit)
    one = request.with_changes(candidates=1)
    if candidate is None:
        step(f"resilience {request.product}: the best system", 1, 1)
        best = solve(catalog, within(one, stop_at, 2), settings).best  # half for the best, half for the rest
        if best is None:
            raise ValueError("the request has no system to test: explain it first")
        candidate = best
    roles = {candidate.hub: "hub"}
    for org in candidate.partners:
        roles.setdefault(org, "partner")
    dropouts = []
    for done, (org, role) in enumerate(roles.items()):
        step(f"resilience {request.product}: without {org}", done + 1, len(roles))
        without = one.with_changes(exclude=[*one.exclude, org])
        if org in without.require or without.hub == org:
            dropouts.append(Dropout(org, role, None, None, None))
            continue
        if stop_at - time.monotonic() <= 0:
            dropouts.append(Dropout(org, role, None, None, None, False))  # no time left: unknown
            continue
        solution = solve(catalog, within(without, stop_at, len(roles) - done), settings)
        best = solution.best
        if best is None:
            dropouts.append(Dropout(org, role, None, None, None, solution.status is Status.INFEASIBLE))
        else:
            dropouts.append(Dropout(org, role, best, best.cost - candidate.cost, best.lead_time - candidate.lead_time))
    return Resilience(request.product, candidate, tuple(dropouts))


def critical_organizations(catalog: Catalog, settings: SolverSettings | None = None) -> dict[str, list[str]]:
    """For each organisation, the products its loss makes impossible under their default requests.

    Only participants of a product's best system can be critical: any other
    organisation's loss leaves that system intact.
    """
    critical: dict[str, list[str]] = {}
    for number, product in enumerate(catalog.products, start=1):
        step(f"resilience: {product.id}", number, len(catalog.products))
        request = default_request(catalog, product.id).with_changes(candidates=1)
        solution = solve(catalog, request, settings)
        if solution.status is Status.INFEASIBLE or solution.best is None:
            continue
        best = solution.best
        for org in [best.hub, *best.partners]:
            if org in request.require or request.hub == org:
                critical.setdefault(org, []).append(product.id)
                continue
            without = request.with_changes(exclude=[*request.exclude, org])
            if solve(catalog, without, settings).status is Status.INFEASIBLE:
                critical.setdefault(org, []).append(product.id)
    return {org: critical[org] for org in sorted(critical)}
