"""``modcluster generate``: write a seedable synthetic cluster catalog (see modcluster.generate)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from modcluster.cli.common import int_arg
from modcluster.errors import ExitCode

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    from modcluster.generate import MAGNITUDES, OBJECTIVES, PRESETS

    p = sub.add_parser("generate", help="write a synthetic cluster catalog (for benchmarks and trials)")
    p.add_argument("--preset", choices=list(PRESETS), default="small", help="size and shape (default small)")
    p.add_argument("--seed", type=int_arg, default=0, help="random seed; the same seed gives the same catalog")
    p.add_argument("--organizations", type=int_arg, help="override the preset's number of organisations")
    p.add_argument("--products", type=int_arg, help="override the number of products")
    p.add_argument("--modules", type=int_arg, help="override the modules per product")
    p.add_argument("--tightness", type=float, help="0 (loose limits) to 1 (tight) in the default requests")
    p.add_argument(
        "--magnitude",
        choices=list(MAGNITUDES),
        help="money profile: tama (default: the bundled catalog's figures) or industrial (systems of millions of kJPY)",
    )
    p.add_argument("--objective", choices=list(OBJECTIVES), help="objective of the default requests (default cost)")
    p.add_argument("--people", type=int_arg, metavar="N",
                   help="add N engineers whom the association may place at a hub (contract v1.1)")  # fmt: skip
    p.add_argument("--policies", type=int_arg, metavar="N",
                   help="add N industry-promotion policies of the members' cities (contract v1.1)")  # fmt: skip
    p.add_argument("--format", choices=["yaml", "json"], help="output format (default: from --out's suffix, else yaml)")
    p.add_argument("--out", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate the catalog and write it."""
    from modcluster.generate import dump_catalog, generate, spec_for, write_catalog
    from modcluster.io import check_outputs

    check_outputs({"--out": args.out})

    spec = spec_for(
        args.preset,
        organizations=args.organizations,
        products=args.products,
        modules=args.modules,
        tightness=args.tightness,
        magnitude=args.magnitude,
        objective=args.objective,
        people=args.people,
        policies=args.policies,
    )
    data = generate(spec, seed=args.seed)
    if args.out:
        write_catalog(data, args.out, args.format)
        print(f"wrote {args.out}: {len(data['organizations'])} organisations", file=sys.stderr)
    else:
        sys.stdout.write(dump_catalog(data, args.format or "yaml"))
    return ExitCode.OPTIMAL
