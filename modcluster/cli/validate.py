"""``modcluster validate``: check a catalog and summarise it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from modcluster.domain import dumps
from modcluster.errors import ExitCode

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser("validate", help="check a catalog and summarise it")
    p.add_argument("catalog")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, check and summarise the catalog."""
    from modcluster.io import load_catalog

    catalog = load_catalog(args.catalog)  # first: a bad file is refused before the solver is imported
    from modcluster.analysis import summarize

    summary = summarize(catalog)
    if args.json:
        sys.stdout.write(dumps(summary) + "\n")
        return ExitCode.OPTIMAL
    print(f"{args.catalog}: valid catalog {catalog.name or ''}".rstrip())
    print(
        f"  organizations: {summary['organizations']['total']} ("
        + ", ".join(f"{k} {v}" for k, v in summary["organizations"]["by_kind"].items())
        + ")"
    )
    print(
        f"  capabilities: {summary['capabilities']}, interfaces: {summary['interfaces']}, "
        f"intermediaries: {summary['intermediaries']}, relationships: {summary['relationships']}"
    )
    levers = [f"{name}: {summary[name]}" for name in ("people", "policies") if name in summary]
    if levers:
        print("  " + ", ".join(levers))
    print(f"  products: {len(summary['products'])}")
    for product in summary["products"]:
        print(
            f"    {product['id']} ({product['family']}): {product['modules']} modules, "
            f"{product['hubs']} possible hubs"
            + (f" ({product['placements']} placements of a person)" if "placements" in product else "")
            + ("" if product["default_request"] else ", no default request")
        )
        for gap in product["unserved"]:
            print(f"      no organisation can serve: {gap}")
    _warn(args.catalog, catalog)
    return ExitCode.OPTIMAL


def _warn(path: str, catalog: Any) -> None:
    """Print what is valid but probably not meant, located in the file (line and column) when it can be."""
    from modcluster.domain import catalog_warnings
    from modcluster.io import load_document
    from modcluster.io.validation import locate_issues

    warnings = catalog_warnings(catalog)
    if not warnings:
        return
    if path.lower().endswith(".xlsx"):  # located at their cells
        from modcluster.io.xlsx import read_workbook

        data, cells = read_workbook(path)
        located = cells.relocate(warnings, data)
    else:
        located = locate_issues(warnings, load_document(path))
    for warning in located:
        print("warning: " + warning.render(path), file=sys.stderr)
