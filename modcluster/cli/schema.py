"""``modcluster schema``: print the JSON Schema of a file kind the tool reads: catalog, request, plan request, sweep."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from modcluster.errors import ExitCode

__all__ = ["SCHEMAS", "register"]

#: Every file kind the tool reads that has a schema: the ``which`` of ``modcluster schema``.
SCHEMAS = ("catalog", "request", "plan-request", "sweep")


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser("schema", help="print the JSON Schema of catalog, request, plan request or sweep files")
    p.add_argument("which", nargs="?", choices=SCHEMAS, default="catalog",
                   help="the kind of file whose schema to print (default catalog)")  # fmt: skip
    p.add_argument("--out", metavar="FILE", help="write the schema to FILE (atomically) instead of printing it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema."""
    from modcluster.io import atomic_write_text, check_outputs

    check_outputs({"--out": args.out})
    from modcluster.io import catalog_schema, plan_request_schema, request_schema
    from modcluster.sweep import sweep_schema

    make = {
        "catalog": catalog_schema,
        "request": request_schema,
        "plan-request": plan_request_schema,
        "sweep": sweep_schema,
    }
    schema = make[args.which]()
    text = json.dumps(schema, indent=2) + "\n"
    if args.out:
        atomic_write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return ExitCode.OPTIMAL
