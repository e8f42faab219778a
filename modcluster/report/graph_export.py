"""The cluster's collaboration network as GraphML, GEXF (Gephi) or DOT (Graphviz).

Nodes are the organisations (``role``, ``site``, ``label``, the product families
they develop, the intermediaries they belong to, counts of their offers) and the
intermediaries (role ``intermediary``); edges are existing ties (``kind=tie``)
and memberships (``kind=member``). Only networkx is needed, not matplotlib.
The same catalog always gives the same text.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from modcluster.domain import Catalog
from modcluster.errors import InputError
from modcluster.graphs import collaboration_graph
from modcluster.report.figures import ROLE_COLOURS

__all__ = ["GRAPH_FORMATS", "export_graph", "format_for_path", "graph_text", "to_dot"]

#: Formats and their usual file suffixes.
GRAPH_FORMATS: dict[str, tuple[str, ...]] = {
    "graphml": (".graphml",),
    "gexf": (".gexf",),
    "dot": (".dot", ".gv"),
}


def export_graph(catalog: Catalog) -> nx.Graph:
    """The collaboration graph with export attributes: every value a plain string or int.

    >>> from modcluster.domain import Catalog
    >>> cat = Catalog(
    ...     organizations=[{"id": "a", "kind": "developer", "site": "Hachioji"}, {"id": "b"}],
    ...     intermediaries=[{"id": "tama", "members": ["a", "b"], "onboarding_cost": 80}],
    ... )
    >>> g = export_graph(cat)
    >>> g.nodes["a"]["role"], g.nodes["a"]["member_of"], g.nodes["tama"]["role"], g.edges["tama", "b"]["kind"]
    ('developer', 'tama', 'intermediary', 'member')
    """
    base = collaboration_graph(catalog)
    graph = nx.Graph(name=catalog.name or "cluster")
    member_of: dict[str, list[str]] = {}
    for inter in catalog.intermediaries:
        for member in inter.members:
            member_of.setdefault(member, []).append(inter.id)
    for node, data in base.nodes(data=True):
        org = catalog.org_by_id.get(node)
        attrs: dict[str, str | int] = {
            "label": str(data.get("name") or node),
            "role": str(data.get("kind") or ""),
            "site": str(data.get("site") or ""),
        }
        if org is not None:
            attrs.update(
                develops=",".join(org.develops),
                member_of=",".join(member_of.get(node, [])),
                capacity=org.capacity,
                processes=len(org.processes),
                modules=len(org.modules),
                seeds=len(org.seeds),
            )
        else:
            inter = next(i for i in catalog.intermediaries if i.id == node)
            attrs.update(
                develops="",
                member_of="",
                capacity=0,
                processes=0,
                modules=0,
                seeds=0,
                onboarding_cost=str(inter.onboarding_cost),
            )
        graph.add_node(node, **attrs)
    for a, b, data in base.edges(data=True):
        graph.add_edge(a, b, kind=str(data.get("kind", "tie")))
    return graph


def _colour(role: str) -> dict[str, float | int]:
    hex_colour = ROLE_COLOURS.get(role, ROLE_COLOURS[""]).lstrip("#")
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return {"r": r, "g": g, "b": b, "a": 1.0}


def _gexf(graph: nx.Graph) -> str:
    """GEXF 1.2 with node colours by role, without the writer's date (so the bytes are stable)."""
    from networkx.readwrite.gexf import GEXFWriter

    coloured = graph.copy()
    for _, data in coloured.nodes(data=True):
        data["viz"] = {"color": _colour(str(data.get("role", "")))}
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(coloured)
    return str(writer)


def _dot_id(text: str) -> str:
    r"""A DOT quoted string.

    >>> _dot_id('say "hi"\\now')
    '"say \\"hi\\"\\\\now"'
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: nx.Graph) -> str:
    """DOT text of an export graph (undirected): nodes filled by role, memberships dashed.

    >>> from modcluster.domain import Catalog
    >>> cat = Catalog(organizations=[{"id": "a"}, {"id": "b"}], relationships=[{"between": ["a", "b"]}])
    >>> print(to_dot(export_graph(cat)))  # doctest: +NORMALIZE_WHITESPACE
    graph "cluster" {
      graph [overlap=false, splines=true];
      node [shape=ellipse, style=filled, fontname="DejaVu Sans", fontsize=10];
      "a" [label="a", role="", site="", fillcolor="#7f7f7f", develops="", member_of="", capacity=1,
           processes=0, modules=0, seeds=0];
      "b" [label="b", role="", site="", fillcolor="#7f7f7f", develops="", member_of="", capacity=1,
           processes=0, modules=0, seeds=0];
      "a" -- "b" [kind="tie", style=solid];
    }
    """
    lines = [
        f"graph {_dot_id(str(graph.graph.get('name', 'cluster')))} {{",
        "  graph [overlap=false, splines=true];",
        '  node [shape=ellipse, style=filled, fontname="DejaVu Sans", fontsize=10];',
    ]
    for node, data in graph.nodes(data=True):
        role = str(data.get("role", ""))
        attrs = [
            f"label={_dot_id(str(data.get('label', node)))}",
            f"role={_dot_id(role)}",
            f"site={_dot_id(str(data.get('site', '')))}",
            f"fillcolor={_dot_id(ROLE_COLOURS.get(role, ROLE_COLOURS['']))}",
        ]
        if role == "intermediary":
            attrs.append("shape=box")
        for key, value in data.items():
            if key in ("label", "role", "site"):
                continue
            attrs.append(f"{key}={value}" if isinstance(value, int) else f"{key}={_dot_id(str(value))}")
        lines.append(f"  {_dot_id(str(node))} [{', '.join(attrs)}];")
    for a, b, data in graph.edges(data=True):
        kind = str(data.get("kind", "tie"))
        style = "dashed" if kind == "member" else "solid"
        lines.append(f"  {_dot_id(str(a))} -- {_dot_id(str(b))} [kind={_dot_id(kind)}, style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_text(catalog: Catalog, fmt: str) -> str:
    """The collaboration network of ``catalog`` as ``graphml``, ``gexf`` or ``dot`` text.

    Raises:
        InputError: an unknown format.
    """
    graph = export_graph(catalog)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"
    if fmt == "gexf":
        return _gexf(graph) + "\n"
    if fmt == "dot":
        return to_dot(graph)
    raise InputError(f"unknown graph format {fmt!r}: use one of {', '.join(GRAPH_FORMATS)}")


def format_for_path(path: str | Path) -> str:
    """The format a file name asks for by its suffix.

    >>> format_for_path("tama.gexf"), format_for_path("tama.gv")
    ('gexf', 'dot')

    Raises:
        InputError: the suffix names no known format.
    """
    suffix = Path(path).suffix.lower()
    for fmt, suffixes in GRAPH_FORMATS.items():
        if suffix in suffixes:
            return fmt
    known = ", ".join(s for suffixes in GRAPH_FORMATS.values() for s in suffixes)
    raise InputError(f"cannot tell the graph format from {str(path)!r} ({known}): give --format")
