"""Task precedence of a product, and the critical-path lower bound of its lead time.

Task slots are tuples: ``("seed", module)``, ``("step", module, index)``,
``("buy", module)`` and ``("integration",)``. A module with ``make`` has both a
make chain and a buy slot; only one of them is used by a system.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import networkx as nx

from modcluster.domain import Product

__all__ = ["INTEGRATION", "Slot", "critical_path_bound", "precedence_graph"]

Slot = tuple[str, ...] | tuple[str, str, int]
INTEGRATION: tuple[str] = ("integration",)


def precedence_graph(product: Product) -> nx.DiGraph:
    """Directed graph of task slots, an edge ``a -> b`` meaning a ends before b starts.

    Examples
    --------
    >>> from modcluster.domain import Product
    >>> p = Product(id="p", family="f", modules=[{"id": "m", "type": "t", "make": {"steps": [{"capability": "c"}]}}])
    >>> sorted(precedence_graph(p).edges)
    [(('buy', 'm'), ('integration',)), (('step', 'm', 0), ('integration',))]
    """
    graph = nx.DiGraph()
    graph.add_node(INTEGRATION)
    for module in product.modules:
        graph.add_edge(("buy", module.id), INTEGRATION)
        if module.make is None:
            continue
        chain: list[Slot] = []
        if module.make.technology is not None:
            chain.append(("seed", module.id))
        chain.extend(("step", module.id, i) for i in range(len(module.make.steps)))
        for a, b in itertools.pairwise(chain):
            graph.add_edge(a, b)
        graph.add_edge(chain[-1], INTEGRATION)
    return graph


def critical_path_bound(product: Product, min_days: Mapping[Slot, int | None], min_integration_days: int) -> int | None:
    """Lower bound of the lead time from the shortest possible duration of each slot.

    ``min_days`` gives, per slot, the shortest duration among its eligible offers,
    or None when the slot has no eligible offer. Handover gaps are not counted
    (a module may be done by one organisation). Returns None when some module
    has no complete source at all.

    Examples
    --------
    >>> from modcluster.domain import Product
    >>> p = Product(id="p", family="f", modules=[{"id": "m", "type": "t", "make": {"steps": [{"capability": "c"}]}}])
    >>> critical_path_bound(p, {("buy", "m"): 9, ("step", "m", 0): 4}, 3)
    7
    """
    longest = 0
    for module in product.modules:
        options: list[int] = []
        buy = min_days.get(("buy", module.id))
        if buy is not None:
            options.append(buy)
        if module.make is not None:
            chain: list[Slot] = [("step", module.id, i) for i in range(len(module.make.steps))]
            if module.make.technology is not None:
                chain.append(("seed", module.id))
            days = [min_days.get(slot) for slot in chain]
            if all(d is not None for d in days):
                options.append(sum(d for d in days if d is not None))
        if not options:
            return None
        longest = max(longest, min(options))
    return longest + min_integration_days
