"""Graph views of a catalog (networkx): taxonomy, task precedence, collaboration network."""

from modcluster.graphs.network import collaboration_graph
from modcluster.graphs.precedence import critical_path_bound, precedence_graph
from modcluster.graphs.taxonomy import covers, taxonomy_graph

__all__ = ["collaboration_graph", "covers", "critical_path_bound", "precedence_graph", "taxonomy_graph"]
