"""``modcluster plan``: one system per entry of a plan file, all sharing the cluster."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modcluster.cli.analyses import seconds_arg
from modcluster.cli.common import STATUS_EXIT, log, write_images
from modcluster.errors import ExitCode, InputError

if TYPE_CHECKING:
    from modcluster.domain import Catalog, Plan

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser("plan", help="plan several products at once in the cluster (a plan file)")
    p.add_argument("catalog")
    p.add_argument("plan_file", metavar="PLAN_FILE", help="a plan request (YAML, JSON or TOML)")
    p.add_argument(
        "--time-limit",
        type=seconds_arg,
        metavar="SECONDS",
        help="seconds for the whole plan, the alone solves included (default: the file's time_limit, else 10)",
    )
    p.add_argument("--json", action="store_true", help="print only the plan JSON on stdout")
    p.add_argument("--out", metavar="FILE", help="also write the plan JSON to FILE (atomically)")
    p.add_argument(
        "--html",
        metavar="REPORT.html",
        help="also write a self-contained HTML report: totals, entries, price of sharing, Gantt and load figures",
    )
    p.add_argument("--png", metavar="DIR", help="also write the two figures into DIR: plan-gantt.png and plan-load.png")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan, verify, print; the exit code of the plan's status (as ``solve``)."""
    from modcluster.io import atomic_write_text, check_outputs, load_catalog, load_plan_request
    from modcluster.plans import plan
    from modcluster.report.plan_text import render_plan

    protect = [args.catalog, args.plan_file]
    outputs = {"--out": args.out, "--html": args.html}
    if args.html or args.png:
        from modcluster.report.figures import require_matplotlib

        require_matplotlib()  # fail before planning, not after
    if args.html and Path(args.html).suffix.lower() not in (".html", ".htm"):
        raise InputError(f"the report is HTML: name it .html, got {args.html!r}")
    if args.png:
        from modcluster.report.plan_html import PLAN_FIGURES

        if os.path.exists(args.png) and not os.path.isdir(args.png):
            raise InputError("--png names a directory to write figures into, and this is not one", file=args.png)
        outputs |= {f"--png {name}": os.path.join(args.png, name) for name in PLAN_FIGURES}
    check_outputs(outputs, protect=protect)
    catalog = load_catalog(args.catalog)
    request = load_plan_request(args.plan_file, catalog)
    if args.time_limit is not None:
        request = request.with_changes(time_limit=args.time_limit)
    log(args, f"planning {len(request.entries)} entries (objective {request.objective.value}) ...")
    result = plan(catalog, request)
    log(args, f"  {result.status.value} in {result.stats.get('seconds', 0):.2f} s, verified")
    text = result.to_json() + "\n"
    if args.out:
        atomic_write_text(args.out, text, protect=protect)
        log(args, f"wrote {args.out}")
    if args.html or args.png:
        _write_report(args, catalog, result, protect)
    if args.json:
        sys.stdout.write(text)
    else:
        print(render_plan(result, catalog))
    if result.stats.get("interrupted"):
        return ExitCode.INTERRUPTED
    return STATUS_EXIT[result.status]


def _write_report(args: argparse.Namespace, catalog: Catalog, result: Plan, protect: list[str]) -> None:
    """Draw the plan's figures and write the HTML page and/or the PNG files, atomically."""
    from modcluster.io import atomic_write_text
    from modcluster.report.plan_html import build_plan_report

    log(args, "drawing figures ...")
    report = build_plan_report(catalog, result)
    if args.html:
        atomic_write_text(args.html, report.html, protect=protect)
        log(args, f"wrote {args.html}")
    if args.png:
        write_images(args, args.png, report.images, protect)
