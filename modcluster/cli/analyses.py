"""Analysis subcommands: explain, pareto, resilience, gaps, intermediaries, people, policies, compare.

Each prints a table by default and JSON with ``--json``; each is a thin call
into :mod:`modcluster.analysis`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from modcluster.cli.common import add_request_flags, decimal_arg, requests_from_args
from modcluster.domain import Catalog, Request, dumps, known_ids
from modcluster.errors import ExitCode, InputError

__all__ = ["compare", "explain", "gaps", "intermediaries", "pareto", "people", "policies", "resilience"]


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        sys.stdout.write(dumps(data) + "\n")
    else:
        print(text)


def _one_request(args: argparse.Namespace) -> tuple[Catalog, Request]:
    from modcluster.io import load_catalog

    catalog = load_catalog(args.catalog)
    requests = requests_from_args(catalog, args)
    if len(requests) != 1:
        raise InputError("name the product with --product (or a request file)")
    return catalog, requests[0]


class _Command:
    """A subcommand built from a name, a help line, extra arguments and a run function."""

    def __init__(
        self,
        name: str,
        help_text: str,
        run: Callable[[argparse.Namespace], int],
        *,
        request: bool = True,
        extra: Callable[[argparse.ArgumentParser], None] | None = None,
    ) -> None:
        self.name, self.help_text, self.run, self.request, self.extra = name, help_text, run, request, extra

    def register(self, sub: Any) -> None:
        """Add the subcommand to the parser's subparsers."""
        p = sub.add_parser(self.name, help=self.help_text, description=self.help_text)
        p.add_argument("catalog")
        if self.request:
            add_request_flags(p)
        if self.extra:
            self.extra(p)
        p.add_argument("--json", action="store_true", help="print JSON instead of a table")
        p.set_defaults(func=self.run)


def _explain(args: argparse.Namespace) -> int:
    from modcluster.analysis import explain as run
    from modcluster.report import render_diagnosis

    catalog, request = _one_request(args)
    diagnosis = run(catalog, request)
    _emit(args, diagnosis.to_dict(), render_diagnosis(diagnosis))
    if diagnosis.feasible is None:
        return ExitCode.UNKNOWN
    return ExitCode.OPTIMAL if diagnosis.feasible else ExitCode.INFEASIBLE


def _pareto(args: argparse.Namespace) -> int:
    from modcluster.analysis import pareto_front
    from modcluster.report import render_pareto

    catalog, request = _one_request(args)
    front = pareto_front(catalog, request, partners=args.partners)
    _emit(args, front.to_dict(), render_pareto(front))
    if not front.points:
        return ExitCode.INFEASIBLE if front.complete else ExitCode.UNKNOWN
    return ExitCode.OPTIMAL if front.complete else ExitCode.FEASIBLE


def _resilience(args: argparse.Namespace) -> int:
    from modcluster.analysis import critical_organizations
    from modcluster.analysis import resilience as run
    from modcluster.report import render_critical, render_resilience

    if args.catalog_wide:
        from modcluster.io import load_catalog

        critical = critical_organizations(load_catalog(args.catalog))
        _emit(args, critical, render_critical(critical))
        return ExitCode.OPTIMAL
    catalog, request = _one_request(args)
    try:
        result = run(catalog, request)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    _emit(args, result.to_dict(), render_resilience(result))
    return ExitCode.OPTIMAL


def _gaps(args: argparse.Namespace) -> int:
    from modcluster.analysis import cluster_gaps
    from modcluster.io import load_catalog
    from modcluster.report import render_gaps

    catalog = load_catalog(args.catalog)
    unknown = [org for org in args.without or [] if org not in catalog.org_by_id]
    if unknown:
        raise InputError(f"--without names unknown organisations: {', '.join(unknown)}")
    result = cluster_gaps(catalog.without(args.without or []), seconds=args.time_limit, max_size=args.max_size)
    _emit(args, result.to_dict(), render_gaps(result))
    return ExitCode.OPTIMAL


def _intermediaries(args: argparse.Namespace) -> int:
    from modcluster.analysis import intermediary_value
    from modcluster.io import load_catalog
    from modcluster.report import render_intermediary_value

    value = intermediary_value(load_catalog(args.catalog), seconds=args.time_limit)
    _emit(args, value.to_dict(), render_intermediary_value(value))
    return ExitCode.OPTIMAL


def _people(args: argparse.Namespace) -> int:
    from modcluster.analysis import people_value
    from modcluster.io import load_catalog
    from modcluster.report import render_people_value

    value = people_value(load_catalog(args.catalog), seconds=args.time_limit)
    _emit(args, value.to_dict(), render_people_value(value))
    return ExitCode.OPTIMAL


def _policies(args: argparse.Namespace) -> int:
    from modcluster.analysis import policy_value
    from modcluster.io import load_catalog
    from modcluster.report.analyses import render_policy_value

    catalog = load_catalog(args.catalog)
    unknown = [p for p in args.product or [] if p not in catalog.product_by_id]
    if unknown:
        known = known_ids([p.id for p in catalog.products], unknown[0])
        raise InputError(f"--product names unknown products: {', '.join(unknown)} ({known})")
    value = policy_value(catalog, args.product or None, seconds=args.time_limit)
    text = render_policy_value(value, catalog.units.money)
    _emit(args, value.to_dict(), text)
    if not value.policies:
        if args.json:
            print(f"modcluster: {text}", file=sys.stderr)
        return ExitCode.OPTIMAL
    if value.proven:
        return ExitCode.OPTIMAL
    return ExitCode.FEASIBLE if value.decided else ExitCode.UNKNOWN


def _compare(args: argparse.Namespace) -> int:
    from modcluster.analysis import compare as run
    from modcluster.engine import solve
    from modcluster.report import render_comparison

    catalog, request = _one_request(args)
    ranks: list[int] = args.ranks
    solution = solve(catalog, request.with_changes(candidates=max(ranks[-1], request.candidates)))
    chosen = [c for c in solution.candidates if c.rank in ranks]
    if len(chosen) < 2:
        raise InputError(f"only {len(solution.candidates)} candidate(s) exist; nothing to compare")
    comparison = run(catalog, request, chosen)
    _emit(args, comparison.to_dict(), render_comparison(comparison))
    return ExitCode.OPTIMAL


def _pareto_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--partners", action="store_true", help="add the partner count as a third objective")


def _resilience_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--catalog-wide", action="store_true",
                   help="organisations whose loss makes some product impossible under its default request")  # fmt: skip


#: Highest rank ``compare --ranks`` takes: each rank up to it is a candidate to solve for.
MAX_RANK = 1000


def ranks_arg(text: str) -> list[int]:
    """Parse ``--ranks``: comma-separated whole numbers from 1 to :data:`MAX_RANK`, at least two different.

    >>> ranks_arg("3, 1,3")
    [1, 3]
    """
    parts = [part.strip() for part in text.split(",")]
    ranks: set[int] = set()
    for part in parts:
        if not part:
            raise argparse.ArgumentTypeError(f"an empty rank in {text[:40]!r}: write ranks like 1,2,3")
        if not (part.isascii() and part.isdigit()) or not part.strip("0"):
            raise argparse.ArgumentTypeError(f"not a rank: {part[:40]!r} (ranks are whole numbers from 1)")
        if len(part.lstrip("0")) > len(str(MAX_RANK)) or int(part) > MAX_RANK:
            raise argparse.ArgumentTypeError(f"rank {part[:40]} is above {MAX_RANK:,}, the most compare looks at")
        ranks.add(int(part))
    if len(ranks) < 2:
        raise argparse.ArgumentTypeError(f"compare needs two different ranks at least, got {text[:40]!r}")
    return sorted(ranks)


def _compare_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ranks", type=ranks_arg, default="1,2,3", help="candidate ranks to compare, e.g. 1,2 (default 1,2,3)"
    )


explain = _Command("explain", "why a request has no system, and the least relaxations that give one", _explain)
pareto = _Command("pareto", "the exact cost / lead-time Pareto front of a request", _pareto, extra=_pareto_flags)
resilience = _Command(
    "resilience", "each organisation of the best system drops out: replacement or single point of failure",
    _resilience, extra=_resilience_flags,
)  # fmt: skip


def seconds_arg(text: str) -> Decimal:
    """Parse a whole command's ``--time-limit``: a positive number of seconds.

    >>> seconds_arg("90")
    Decimal('90')
    """
    seconds = decimal_arg(text)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"the time limit must be a positive number of seconds, got {text[:40]!r}")
    return seconds


def _time_limit_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-limit", type=seconds_arg, metavar="SECONDS",
                   help="seconds for the whole analysis, shared among its solves "
                        "(default: each product's request keeps its own limit)")  # fmt: skip


def max_size_arg(text: str) -> int:
    """Parse ``gaps --max-size``: a whole number of additions from 1 to 6.

    >>> max_size_arg("2")
    2
    """
    from modcluster.analysis.gaps import MAX_SIZE_LIMIT

    if not (text.isascii() and text.strip().isdigit()) or not 1 <= int(text) <= MAX_SIZE_LIMIT:
        raise argparse.ArgumentTypeError(
            f"--max-size takes a whole number of additions from 1 to {MAX_SIZE_LIMIT}, got {text[:40]!r}"
        )
    return int(text)


def _gaps_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--without", action="append", metavar="ORG",
                   help="what if this organisation left the cluster (repeatable)")  # fmt: skip
    p.add_argument("--max-size", type=max_size_arg, default=3, metavar="N",
                   help="the largest set of additions searched per blocked product (1 to 6, default 3)")  # fmt: skip
    _time_limit_flag(p)


gaps = _Command(
    "gaps", "products that cannot be built and the smallest sets of additions that unlock them", _gaps,
    request=False,
    extra=_gaps_flags,
)  # fmt: skip
intermediaries = _Command(
    "intermediaries", "savings the intermediaries bring and the introductions to make", _intermediaries, request=False,
    extra=_time_limit_flag,
)  # fmt: skip


def _policies_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--product", action="append", metavar="ID",
                   help="only this product (repeatable; default: every product of the catalog)")  # fmt: skip
    _time_limit_flag(p)


policies = _Command(
    "policies", "per municipal policy: its value per product, the work it moves between cities, who competes",
    _policies, request=False, extra=_policies_flags,
)  # fmt: skip
people = _Command(
    "people", "per person of the catalog: the products a placement unlocks or improves, where, by how much", _people,
    request=False, extra=_time_limit_flag,
)  # fmt: skip
compare = _Command("compare", "candidates side by side: what differs and what it costs", _compare, extra=_compare_flags)
