"""``modcluster plan``: one system per entry of a plan file, all sharing the cluster."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from modcluster.cli.analyses import seconds_arg
from modcluster.cli.common import STATUS_EXIT, log
from modcluster.errors import ExitCode

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
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan, verify, print; the exit code of the plan's status (as ``solve``)."""
    from modcluster.io import atomic_write_text, check_outputs, load_catalog, load_plan_request
    from modcluster.plans import plan
    from modcluster.report.plan_text import render_plan

    protect = [args.catalog, args.plan_file]
    check_outputs({"--out": args.out}, protect=protect)
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
    if args.json:
        sys.stdout.write(text)
    else:
        print(render_plan(result, catalog))
    if result.stats.get("interrupted"):
        return ExitCode.INTERRUPTED
    return STATUS_EXIT[result.status]
