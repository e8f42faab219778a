"""``modcluster report``: solve requests and write a self-contained HTML report (and PNG figures)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modcluster.cli.common import add_request_flags, decimal_arg, log, requests_from_args, worst_exit, write_images
from modcluster.domain import Catalog, Request, Solution
from modcluster.errors import InputError, ModclusterError

if TYPE_CHECKING:
    from modcluster.analysis import VersionsDiff
    from modcluster.report.figures import Front

__all__ = ["front_for", "register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "report",
        help="solve and write an HTML report: Gantt, network, costs and cost / lead-time front per candidate",
    )
    p.add_argument("catalog")
    add_request_flags(p)
    p.add_argument("--out", metavar="FILE", help="the HTML file to write (self-contained, opens offline)")
    p.add_argument("--png", metavar="DIR", help="also write every figure as a PNG file into DIR (for slides)")
    p.add_argument(
        "--front",
        choices=["exact", "candidates"],
        default="exact",
        help="exact: compute the cost / lead-time Pareto front (default); candidates: plot only the candidates",
    )
    p.add_argument("--title", help="the page's title")
    p.add_argument(
        "--levers-time",
        type=decimal_arg,
        default=Decimal(60),
        metavar="SECONDS",
        help="seconds for the people and policies analyses together, when the catalog has them (default 60; "
        "0 leaves them out); what they could not prove is marked unknown",
    )
    p.add_argument(
        "--against",
        metavar="OLD_CATALOG",
        help="add a section: what changed since this older version of the catalog, and what it does to the "
        "report's requests (see modcluster diff)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run)


def front_for(catalog: Catalog, request: Request, solution: Solution, mode: str) -> Front | None:
    """The front to draw: the exact analysis when asked for and installed, else None (candidates only)."""
    from modcluster.analysis import pareto_front
    from modcluster.report.figures import front_from_analysis

    if mode != "exact" or not solution.candidates:
        return None
    return front_from_analysis(pareto_front(catalog, request))


def _levers(args: argparse.Namespace, catalog: Catalog, products: list[str]) -> tuple[Any, Any]:
    """The people and policies analyses (v1.1) the report shows, within ``--levers-time`` seconds together."""
    from modcluster.analysis import people_value, policy_value

    seconds = float(args.levers_time)
    wanted = [name for name in ("people", "policies") if getattr(catalog, name)]
    if seconds <= 0 or not wanted:
        return None, None
    began = time.monotonic()
    people = policies = None
    for done, name in enumerate(wanted):
        share = max((seconds - (time.monotonic() - began)) / (len(wanted) - done), 0.001)
        log(args, f"the {name} analysis (at most {share:.0f} s) ...")
        if name == "people":
            people = people_value(catalog, seconds=share)
        else:
            policies = policy_value(catalog, list(dict.fromkeys(products)), seconds=share)
    return people, policies


def _changes(args: argparse.Namespace, older: Catalog, catalog: Catalog, requests: list[Request]) -> VersionsDiff:
    """What changed since the older catalog (``--against``), and the report's requests solved on both versions."""
    from modcluster.analysis import VersionsDiff, diff_answers, diff_catalogs

    log(args, f"comparing with {args.against} ...")
    return VersionsDiff(
        args.against, args.catalog, diff_catalogs(older, catalog), diff_answers(older, catalog, requests)
    )


def run(args: argparse.Namespace) -> int:
    """Solve each request, draw its figures, write the report; return the exit code of the worst status."""
    from modcluster.analysis import least_limits_after
    from modcluster.engine import solve
    from modcluster.io import atomic_write_text, check_outputs, load_catalog
    from modcluster.report import ProductReport, build_report
    from modcluster.report.figures import require_matplotlib

    if not args.out and not args.png:
        raise InputError("nothing to write: give --out FILE (the HTML report) and/or --png DIR")
    require_matplotlib()  # fail before solving, not after
    protect = [args.catalog, *([args.request] if args.request else []), *([args.against] if args.against else [])]
    if args.out and Path(args.out).suffix.lower() not in (".html", ".htm"):
        raise InputError(f"the report is HTML: name it .html, got {args.out!r}")
    check_outputs({"--out": args.out}, protect=protect)
    if args.png and os.path.exists(args.png) and not os.path.isdir(args.png):
        raise InputError("--png names a directory to write figures into, and this is not one", file=args.png)
    catalog = load_catalog(args.catalog)
    older = load_catalog(args.against) if args.against else None  # a bad file fails before anything is solved
    items: list[ProductReport] = []
    for request in requests_from_args(catalog, args):
        log(args, f"solving {request.product} (quantity {request.quantity}, objective {request.objective.value}) ...")
        began = time.monotonic()
        solution = solve(catalog, request)
        log(args, f"  {solution.status.value}, {len(solution.candidates)} candidate(s), verified")
        try:
            front = front_for(catalog, request, solution, args.front)
        except ModclusterError as exc:  # the front is an extra: the report goes on without it
            print(f"modcluster: the Pareto analysis failed ({exc}): plotting the candidates only", file=sys.stderr)
            front = None
        else:
            if args.front == "exact" and front is None and solution.candidates:
                log(args, "  the exact Pareto analysis is not available: plotting the candidates only")
            elif front is not None:
                log(args, f"  cost / lead-time front: {len(front.points)} point(s)")
        items.append(ProductReport(request, solution, front, least_limits_after(catalog, request, solution, began)))
    people, policies = _levers(args, catalog, [item.solution.product for item in items])
    changes = None if older is None else _changes(args, older, catalog, [item.request for item in items])
    log(args, "drawing figures ...")
    report = build_report(catalog, items, title=args.title, people=people, policies=policies, changes=changes)
    if args.out:
        atomic_write_text(args.out, report.html, protect=protect)
        log(args, f"wrote {args.out}")
    if args.png:
        write_images(args, args.png, report.images, protect)
    return worst_exit([item.solution.status for item in items])
