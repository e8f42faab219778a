"""The cluster's collaboration network: organisations, ties and intermediaries."""

from __future__ import annotations

import networkx as nx

from modcluster.domain import Catalog

__all__ = ["collaboration_graph"]


def collaboration_graph(catalog: Catalog) -> nx.Graph:
    """Undirected graph of organisations (with role and site) and their existing ties.

    Intermediaries are nodes of kind ``intermediary`` joined to their members
    by ``member`` edges; ties are ``tie`` edges.

    Examples
    --------
    >>> from modcluster.domain import Catalog
    >>> cat = Catalog(organizations=[{"id": "a"}, {"id": "b"}], relationships=[{"between": ["a", "b"]}])
    >>> collaboration_graph(cat).edges["a", "b"]["kind"]
    'tie'
    """
    graph = nx.Graph()
    for org in catalog.organizations:
        graph.add_node(org.id, kind=str(org.kind or ""), site=org.site or "", name=org.name or org.id)
    for rel in catalog.relationships:
        graph.add_edge(*rel.between, kind="tie")
    for inter in catalog.intermediaries:
        graph.add_node(inter.id, kind="intermediary", site="", name=inter.id)
        for member in inter.members:
            graph.add_edge(inter.id, member, kind="member")
    return graph
