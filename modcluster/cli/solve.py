"""``modcluster solve``: solve requests against a catalog and print ranked candidates."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from modcluster.cli.common import add_request_flags, log, requests_from_args, worst_exit
from modcluster.domain import Catalog, Request, Solution, Status, dumps
from modcluster.errors import ExitCode, ModclusterError

if TYPE_CHECKING:
    from modcluster.analysis import Relaxation

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser("solve", help="solve requests against a catalog and print ranked candidates")
    p.add_argument("catalog")
    add_request_flags(p)
    p.add_argument("--json", action="store_true", help="print only the solution JSON on stdout")
    p.add_argument("--out", metavar="FILE", help="also write the solution JSON to FILE (atomically)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=run)


def _least(
    args: argparse.Namespace, catalog: Catalog, request: Request, solution: Solution, began: float
) -> tuple[Relaxation, ...]:
    """For a request with no system: the least budget and deadline that admit one, in the rest of its time limit."""
    from modcluster.analysis import least_limits_after

    if solution.status is not Status.INFEASIBLE:
        return ()
    log(args, "  the least budget and deadline that admit a system ...")
    return least_limits_after(catalog, request, solution, began)


def run(args: argparse.Namespace) -> int:
    """Solve, verify, print; return the exit code of the worst status."""
    from modcluster.engine import solve
    from modcluster.io import atomic_write_text, check_outputs, load_catalog
    from modcluster.report import render_solution

    protect = [args.catalog, *([args.request] if args.request else [])]
    check_outputs({"--out": args.out}, protect=protect)  # before solving, not after
    catalog = load_catalog(args.catalog)
    requests = requests_from_args(catalog, args)
    solutions: list[Solution] = []
    least: list[tuple[Relaxation, ...]] = []
    failures: list[int] = []
    for request in requests:
        log(args, f"solving {request.product} (quantity {request.quantity}, objective {request.objective.value}) ...")
        try:
            began = time.monotonic()
            solution = solve(catalog, request)
        except ModclusterError as exc:
            if len(requests) == 1:
                raise
            # One product's failure does not discard the others: report it, go on, exit with its code.
            print(f"modcluster: {request.product}: {exc}", file=sys.stderr)
            failures.append(exc.exit_code)
            continue
        log(
            args,
            f"  {solution.status.value} in {solution.stats.get('seconds', 0):.2f} s, "
            f"{len(solution.candidates)} candidate(s), verified",
        )
        solutions.append(solution)
        if not args.json:  # the text says what would admit a system, within what is left of the time limit
            least.append(_least(args, catalog, request, solution, began))
        if solution.stats.get("interrupted"):
            log(args, "  interrupted: keeping the best found so far, solving nothing more")
            break
    data: Any = solutions[0].to_dict() if len(solutions) == 1 and not failures else [s.to_dict() for s in solutions]
    text = dumps(data) + "\n"
    if args.out:
        atomic_write_text(args.out, text, protect=protect)
        log(args, f"wrote {args.out}")
    if args.json:
        sys.stdout.write(text)
    else:
        print("\n\n".join(render_solution(s, catalog, r) for s, r in zip(solutions, least, strict=True)))
    if any(s.stats.get("interrupted") for s in solutions):
        return ExitCode.INTERRUPTED
    if failures:
        return max(failures)
    return worst_exit([s.status for s in solutions])
