"""A catalog at a glance: counts by role, products, and what no organisation can serve."""

from __future__ import annotations

from collections import Counter
from typing import Any

from modcluster.domain import Catalog, catalog_warnings, default_request
from modcluster.solver import prepare, static_gaps

__all__ = ["summarize"]


def summarize(catalog: Catalog) -> dict[str, Any]:
    """Counts, and per product its hubs and the requirements no one can serve.

    Gaps are those of the product's default request (quantity and filters
    included), so ``unserved`` says what a planner would hit first. With
    ``people`` or ``policies`` (v1.1) their counts; ``warnings``: what is
    valid but probably not meant (a policy site where no organisation is).
    """
    kinds = Counter(str(o.kind) if o.kind else "unspecified" for o in catalog.organizations)
    products = []
    for product in catalog.products:
        request = default_request(catalog, product.id)
        inst = prepare(catalog, request)
        gaps = static_gaps(inst)
        entry: dict[str, Any] = {
            "id": product.id,
            "family": product.family,
            "modules": len(product.modules),
            "hubs": len({h.org for h in inst.hubs}),  # organisations; a person placed is not another hub
            "default_request": product.request is not None,
            "unserved": [f"{g.place}: {g.requirement} ({g.reason})" for g in gaps],
        }
        if catalog.people is not None:  # v1.1: the ways to lead with a person placed
            entry["placements"] = sum(1 for h in inst.hubs if h.person is not None)
        products.append(entry)
    return {
        "name": catalog.name,
        "organizations": {"total": len(catalog.organizations), "by_kind": dict(sorted(kinds.items()))},
        "capabilities": len(catalog.capabilities),
        "interfaces": len(catalog.interfaces),
        "intermediaries": len(catalog.intermediaries),
        "relationships": len(catalog.relationships),
        "products": products,
        **({"people": len(catalog.people)} if catalog.people is not None else {}),
        **({"policies": len(catalog.policies)} if catalog.policies is not None else {}),
        "warnings": [w.render() for w in catalog_warnings(catalog)],
    }
