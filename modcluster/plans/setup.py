"""A plan request made ready to search: each entry's v1 request, prepared instance and release."""

from __future__ import annotations

from dataclasses import dataclass

from modcluster.domain import Catalog, PlanRequest, Request, entry_requests
from modcluster.solver import prepare
from modcluster.solver.instance import Instance
from modcluster.solver.rules.limits import cents_within

__all__ = ["PlanSetup", "plan_setup"]


@dataclass(frozen=True)
class PlanSetup:
    """A plan request made ready to search: each entry's request, instance and release."""

    request: PlanRequest
    requests: tuple[Request, ...]
    instances: tuple[Instance, ...]
    releases: tuple[int, ...]
    budget_cents: int | None

    @property
    def keys(self) -> tuple[str, ...]:
        """The entries' ids, in plan order."""
        return tuple(e.key for e in self.request.entries)


def plan_setup(catalog: Catalog, request: PlanRequest) -> PlanSetup:
    """Each entry's v1 request and prepared instance.

    Raises:
        RequestError: The plan names what the catalog lacks, or an entry's request is invalid.
    """
    requests = entry_requests(catalog, request)
    instances = tuple(prepare(catalog, r) for r in requests)
    releases = tuple(e.release for e in request.entries)
    return PlanSetup(request, requests, instances, releases, cents_within(request.limits.budget))
