"""``modcluster graph``: the cluster's collaboration network as GraphML, GEXF or DOT."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "graph",
        help="write the cluster's collaboration network (organisations, ties, intermediaries) for Gephi or Graphviz",
    )
    p.add_argument("catalog")
    p.add_argument(
        "--format",
        choices=["graphml", "gexf", "dot"],  # modcluster.report.graph_export.GRAPH_FORMATS, kept out of start-up
        help="graphml, gexf (Gephi) or dot (Graphviz); default: from the --out suffix, else graphml",
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the graph; exit 0."""
    from modcluster.errors import ExitCode
    from modcluster.io import atomic_write_text, check_outputs, load_catalog
    from modcluster.report import format_for_path, graph_text

    check_outputs({"--out": args.out}, protect=[args.catalog])

    fmt = args.format or (format_for_path(args.out) if args.out else "graphml")
    catalog = load_catalog(args.catalog)
    text = graph_text(catalog, fmt)
    if args.out:
        atomic_write_text(args.out, text, protect=[args.catalog])
        n = len(catalog.intermediaries)
        print(
            f"wrote {args.out} ({fmt}): {len(catalog.organizations)} organisations, "
            f"{n} {'intermediary' if n == 1 else 'intermediaries'}, {len(catalog.relationships)} ties",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(_for_stream(text, fmt, getattr(sys.stdout, "encoding", None)))
    return ExitCode.OPTIMAL


def _for_stream(text: str, fmt: str, encoding: str | None) -> str:
    r"""The graph as the stream can carry it: what its encoding cannot hold as a character reference.

    XML has ``&#233;`` for any character and Graphviz reads the same references
    in DOT strings, where the generic terminal escape (``\u00e9``) would be
    printed literally.

    >>> _for_stream('"café" -> "b"', "dot", "ascii")
    '"caf&#233;" -> "b"'
    """
    if not encoding:
        return text
    return text.encode(encoding, errors="xmlcharrefreplace").decode(encoding)
