"""The capability taxonomy as a networkx DAG (edges parent -> child)."""

from __future__ import annotations

import networkx as nx

from modcluster.domain import Catalog

__all__ = ["covers", "taxonomy_graph"]


def taxonomy_graph(catalog: Catalog) -> nx.DiGraph:
    """Return the taxonomy with an edge from each parent to each child.

    Examples
    --------
    >>> from modcluster.domain import Catalog
    >>> cat = Catalog(capabilities=[{"id": "machining"}, {"id": "m5", "parents": ["machining"]}])
    >>> sorted(taxonomy_graph(cat).successors("machining"))
    ['m5']
    """
    graph = nx.DiGraph()
    for cap in catalog.capabilities:
        graph.add_node(cap.id)
        for parent in cap.parents:
            graph.add_edge(parent, cap.id)
    return graph


def covers(graph: nx.DiGraph) -> dict[str, frozenset[str]]:
    """Map each capability to itself and all its descendants: what can serve it.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> sorted(covers(g)["a"])
    ['a', 'b', 'c']
    """
    result: dict[str, frozenset[str]] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        below: set[str] = {node}
        for child in graph.successors(node):
            below |= result[child]
        result[node] = frozenset(below)
    return result
