"""What the cluster lacks: products that cannot be built and the smallest additions that unlock them.

This is the intermediary's matchmaking list. Additions come from the static
gaps of each product's default request (a processing offer of a capability
meeting a requirement, a seed of a technology, a module of a type, a developer
of a family). Each addition is tested for real: a fictional organisation
offering it at no cost is added to the catalog and every blocked product is
solved again, so "unlocks" means the product then has a system.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.analysis.timing import stop_at, within
from modcluster.domain import (
    Catalog,
    ModuleOffer,
    Organization,
    ProcessOffer,
    Product,
    Request,
    Requirement,
    Requires,
    Seed,
    Status,
    default_request,
)
from modcluster.engine import solve
from modcluster.solver import SolverSettings, prepare, static_gaps

__all__ = ["Addition", "ClusterGaps", "cluster_gaps"]


@dataclass(frozen=True, slots=True)
class Addition:
    """An offer the cluster lacks and the blocked products it unlocks on its own."""

    kind: str  # process | seed | module | developer
    what: str  # capability, technology, module type or family
    requirement: str
    unlocks: tuple[str, ...]
    undecided: tuple[str, ...] = ()  # blocked products whose solve with it ran out of time

    @property
    def text(self) -> str:
        """The addition in a planner's words."""
        noun = {"process": "a processing offer of", "seed": "a seed of", "module": "a module of type",
                "developer": "a developer of family"}[self.kind]  # fmt: skip
        return f"{noun} {self.what}" + (f" meeting {self.requirement}" if self.requirement else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "what": self.what, "requirement": self.requirement, "text": self.text,
                "unlocks": list(self.unlocks), "undecided": list(self.undecided)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClusterGaps:
    """Products that cannot be built under their default requests, and the additions ranked by reach.

    ``buildable`` products have a system (one was found); ``blocked`` ones
    are proven to have none; ``undecided`` ones ran out of their time limit
    before either: unknown, never counted as buildable or blocked.
    """

    buildable: tuple[str, ...]
    blocked: tuple[tuple[str, str], ...]  # (product, why)
    additions: tuple[Addition, ...]
    undecided: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "buildable": list(self.buildable),
            "blocked": [{"product": p, "why": why} for p, why in self.blocked],
            "additions": [a.to_dict() for a in self.additions],
            "undecided": list(self.undecided),
        }


def _requirement_text(require: Requires) -> str:
    return ", ".join(f"{attr} {req.describe()}" for attr, req in require.items())


def _meeting(require: Requires) -> dict[str, Decimal | str | bool]:
    """Attributes that meet every requirement (the bound itself, or the first allowed value)."""
    out: dict[str, Decimal | str | bool] = {}
    for attr, req in require.items():
        out[attr] = _value(req)
    return out


def _value(req: Requirement) -> Decimal | str | bool:
    if req.in_:
        return req.in_[0]
    if req.min is not None:
        return req.min
    if req.max is not None:
        return req.max
    return Decimal(0)


def _candidates(catalog: Catalog, product: Product, request: Request) -> list[tuple[str, str, Requires]]:
    """Single additions that address the product's gaps: (kind, what, requirement)."""
    inst = prepare(catalog, request)
    found: list[tuple[str, str, Requires]] = []
    if not inst.hubs:
        found.append(("developer", product.family, {}))
    for plan in inst.modules:
        if plan.buy or plan.can_make:
            continue
        module = plan.module
        found.append(("module", module.type, {}))
        if module.make is None:
            continue
        missing: list[tuple[str, str, Requires]] = [
            ("process", step.capability, step.require)
            for index, step in enumerate(module.make.steps)
            if not (plan.steps and plan.steps[index])
        ]
        if module.make.technology is not None and not plan.seeds:
            missing.append(("seed", module.make.technology.capability, module.make.technology.require))
        if len(missing) == 1:
            found.append(missing[0])
    return found


def _with_addition(catalog: Catalog, request: Request, kind: str, what: str, require: Requires) -> Catalog:
    site = request.sites[0] if request.sites else None
    org = Organization(id=f"new-{kind}-{what}", name=f"(addition) {kind} {what}", site=site)
    if kind == "process":
        org = org.model_copy(update={"processes": (ProcessOffer(capability=what, attributes=_meeting(require)),)})
    elif kind == "seed":
        org = org.model_copy(update={"seeds": (Seed(id="new", technology=what, attributes=_meeting(require)),)})
    elif kind == "module":
        org = org.model_copy(update={"modules": (ModuleOffer(type=what),)})
    else:
        org = org.model_copy(update={"develops": (what,)})
    return catalog.replace(organizations=(*catalog.organizations, org))


def cluster_gaps(
    catalog: Catalog, settings: SolverSettings | None = None, seconds: float | Decimal | None = None
) -> ClusterGaps:
    """Which products cannot be built under their default requests, and what would unlock them.

    Args:
        catalog: The catalog.
        settings: CP-SAT parameters.
        seconds: Time for the whole analysis, shared among the solves
            (:func:`~modcluster.analysis.timing.within`); None: each solve
            keeps its request's time limit. What the time did not decide is
            undecided, never buildable or blocked.

    Examples:
    --------
    >>> from modcluster import load_catalog
    >>> cat = load_catalog("catalogs/tama.yaml")
    >>> gaps = cluster_gaps(cat.without(["hino-micro-machining", "ebina-heat", "yamato-netsu"]))
    >>> [product for product, why in gaps.blocked]
    ['piezo-nano-stage']
    >>> for addition in gaps.additions:
    ...     print(addition.text, addition.unlocks)
    a module of type flexure-guide ('piezo-nano-stage',)
    a processing offer of heat-treatment.vacuum ('piezo-nano-stage',)
    """
    buildable: list[str] = []
    blocked: list[tuple[str, str]] = []
    undecided: list[str] = []
    requests: dict[str, Request] = {}
    proposals: dict[tuple[str, str, str], Requires] = {}
    end = stop_at(seconds)
    for done, product in enumerate(catalog.products):
        request = default_request(catalog, product.id).with_changes(candidates=1)
        gaps = static_gaps(prepare(catalog, request))
        if not gaps:
            solution = solve(catalog, within(request, end, len(catalog.products) - done), settings)
            if solution.best is not None:
                buildable.append(product.id)
                continue
            if solution.status is not Status.INFEASIBLE:
                undecided.append(product.id)  # neither a system nor a proof within the time limit
                continue
            blocked.append((product.id, "its limits and filters conflict (see: modcluster explain)"))
            continue
        blocked.append((product.id, "; ".join(f"{g.place}: {g.requirement} ({g.reason})" for g in gaps)))
        requests[product.id] = request
        for kind, what, require in _candidates(catalog, product, request):
            proposals.setdefault((kind, what, _requirement_text(require)), require)
    additions = []
    left = len(proposals) * len(requests)
    for (kind, what, text), require in sorted(proposals.items()):
        unlocks, open_ = [], []
        for product_id, request in requests.items():
            extended = _with_addition(catalog, request, kind, what, require)
            solution = solve(extended, within(request, end, left), settings)
            left -= 1
            if solution.best is not None:
                unlocks.append(product_id)
            elif solution.status is not Status.INFEASIBLE:
                open_.append(product_id)
        if unlocks or open_:
            additions.append(Addition(kind, what, text, tuple(unlocks), tuple(open_)))
    additions.sort(key=lambda a: (-len(a.unlocks), a.kind, a.what))
    return ClusterGaps(tuple(buildable), tuple(blocked), tuple(additions), tuple(undecided))
