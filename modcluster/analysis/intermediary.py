"""What the intermediaries are worth: savings per product and the new ties each system creates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.analysis.timing import stop_at, within
from modcluster.domain import Catalog, Status, default_request
from modcluster.engine import solve
from modcluster.solver import SolverSettings
from modcluster.solver.progress import step

__all__ = ["IntermediaryValue", "ProductValue", "intermediary_value"]


@dataclass(frozen=True, slots=True)
class ProductValue:
    """One product's best system with and without the intermediaries' on-boarding terms.

    ``introductions`` are the (hub, partner) pairs of the system found with the
    intermediaries that have no prior tie: who to introduce to whom, each with
    the intermediary through which the on-boarding is cheapest (None: default).
    ``proven`` is False when either solve ended at its time limit: its costs
    are the best found then, not proven optima, and so is the saving.
    """

    product: str
    cost_with: Decimal | None
    cost_without: Decimal | None
    introductions: tuple[tuple[str, str, str | None], ...]
    proven: bool = True

    @property
    def saving(self) -> Decimal | None:
        """Cost without minus cost with (None when either has no system)."""
        if self.cost_with is None or self.cost_without is None:
            return None
        return self.cost_without - self.cost_with

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "cost_with": self.cost_with,
            "cost_without": self.cost_without,
            "saving": self.saving,
            "proven": self.proven,
            "introductions": [{"hub": h, "partner": p, "through": via} for h, p, via in self.introductions],
        }


@dataclass(frozen=True, slots=True)
class IntermediaryValue:
    """Every product of the catalog under its default request."""

    products: tuple[ProductValue, ...]

    @property
    def total_saving(self) -> Decimal:
        """Sum of the savings that exist."""
        return sum((p.saving for p in self.products if p.saving is not None), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"total_saving": self.total_saving, "products": [p.to_dict() for p in self.products]}


def intermediary_value(
    catalog: Catalog, settings: SolverSettings | None = None, seconds: float | Decimal | None = None
) -> IntermediaryValue:
    """Solve each product's default request with and without the intermediaries.

    Args:
        catalog: The catalog.
        settings: CP-SAT parameters.
        seconds: Time for the whole analysis, shared among the solves
            (:func:`~modcluster.analysis.timing.within`); None: each solve
            keeps its request's time limit. A product the time did not
            reach is not proven (``proven`` False).

    Examples:
    --------
    >>> from modcluster import load_catalog
    >>> value = intermediary_value(load_catalog("catalogs/examples/mini.yaml"))
    >>> [(p.product, str(p.saving), len(p.introductions)) for p in value.products]
    [('mini-sensor', '220.00', 3)]
    """
    # Without their on-boarding terms: every intermediary charges the default, which is what two
    # organisations that share none pay. The intermediaries stay, so what else reads their members
    # (a person's `via`, a policy's `members_of`, v1.1) is the same on both sides of the comparison.
    default = catalog.defaults.onboarding_cost
    bare = catalog.replace(
        intermediaries=tuple(i.model_copy(update={"onboarding_cost": default}) for i in catalog.intermediaries)
    )
    end = stop_at(seconds)
    results = []
    for done, product in enumerate(catalog.products):
        request = default_request(catalog, product.id).with_changes(candidates=1)
        solves = 2 * (len(catalog.products) - done)
        step(f"intermediaries: {product.id}", done + 1, len(catalog.products))
        with_solution = solve(catalog, within(request, end, solves), settings)
        alone_solution = solve(bare, within(request, end, solves - 1), settings)
        best, alone = with_solution.best, alone_solution.best
        proven = all(s.status in (Status.OPTIMAL, Status.INFEASIBLE) for s in (with_solution, alone_solution))
        introductions = []
        if best is not None:
            for partner in best.partners:
                if frozenset((best.hub, partner)) in catalog.ties:
                    continue
                shared = [i for i in catalog.intermediaries if best.hub in i.members and partner in i.members]
                via = min(shared, key=lambda i: (i.onboarding_cost, i.id)).id if shared else None
                introductions.append((best.hub, partner, via))
        results.append(
            ProductValue(
                product.id,
                None if best is None else best.cost,
                None if alone is None else alone.cost,
                tuple(introductions),
                proven,
            )
        )
    return IntermediaryValue(tuple(results))
