"""The ``modcluster`` command: a thin layer over the library.

Subcommands: ``validate``, ``solve``, ``verify``, ``schema``. Exit codes are
listed in docs/cli.md and in :class:`modcluster.errors.ExitCode`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from modcluster.domain.catalog import Catalog
from modcluster.domain.request import Request
from modcluster.domain.solution import Solution, Status, dumps
from modcluster.errors import ExitCode, InputError, ModclusterError

__all__ = ["build_parser", "main"]

STATUS_EXIT = {
    Status.OPTIMAL: ExitCode.OPTIMAL,
    Status.FEASIBLE: ExitCode.FEASIBLE,
    Status.UNKNOWN: ExitCode.UNKNOWN,
    Status.INFEASIBLE: ExitCode.INFEASIBLE,
}
#: When several requests are solved at once, the exit code is the worst of them.
_SEVERITY = [ExitCode.OPTIMAL, ExitCode.FEASIBLE, ExitCode.UNKNOWN, ExitCode.INFEASIBLE]


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as exit code 2 and a one-line message."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"modcluster: error: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.BAD_INPUT)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _add_request_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("request (flags override --request and the product's default request)")
    g.add_argument("--request", metavar="FILE", help="a request file (YAML, JSON or TOML)")
    g.add_argument("--product", help="product id (default: every product with a default request)")
    g.add_argument("--quantity", type=int)
    g.add_argument("--budget", type=_decimal)
    g.add_argument("--deadline", type=int, help="days")
    g.add_argument("--max-partners", type=int)
    g.add_argument("--objective", choices=["cost", "lead_time", "weighted"])
    g.add_argument("--weight-cost", type=_decimal, help="weighted objective: weight of cost")
    g.add_argument("--weight-lead-time", type=_decimal, help="weighted objective: money units per day")
    g.add_argument("--candidates", type=int, help="how many ranked candidates (default 3)")
    g.add_argument("--time-limit", type=_decimal, help="seconds for the whole solve (default 10)")
    g.add_argument("--site", action="append", help="only organisations at this site (repeatable)")
    g.add_argument("--exclude", action="append", help="organisation that must not take part (repeatable)")
    g.add_argument("--require", action="append", help="organisation that must take part (repeatable)")
    g.add_argument("--hub", help="fix the hub")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``modcluster`` command."""
    parser = _Parser(prog="modcluster", description="Configure product systems out of a regional industrial cluster.")
    parser.add_argument("--version", action="version", version=f"modcluster {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check a catalog and summarise it")
    p.add_argument("catalog")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = sub.add_parser("solve", help="solve requests against a catalog and print ranked candidates")
    p.add_argument("catalog")
    _add_request_flags(p)
    p.add_argument("--json", action="store_true", help="print only the solution JSON on stdout")
    p.add_argument("--out", metavar="FILE", help="also write the solution JSON to FILE (atomically)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    p = sub.add_parser("verify", help="re-check a solution file against the catalog and request, without the solver")
    p.add_argument("catalog")
    p.add_argument(
        "files",
        nargs="+",
        metavar="[REQUEST] SOLUTION",
        help="a request file and a solution JSON; without the request, the one stored in the solution",
    )
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("schema", help="print the JSON Schema of catalogs or requests")
    p.add_argument("which", nargs="?", choices=["catalog", "request"], default="catalog")
    p.add_argument("--out", metavar="FILE")
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("modcluster")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for flag, key in (("budget", "budget"), ("deadline", "deadline"), ("max_partners", "max_partners")):
        if getattr(args, flag) is not None:
            limits[key] = getattr(args, flag)
    if limits:
        out["limits"] = limits
    weights: dict[str, Any] = {}
    if args.weight_cost is not None:
        weights["cost"] = args.weight_cost
    if args.weight_lead_time is not None:
        weights["lead_time"] = args.weight_lead_time
    if weights:
        out["weights"] = weights
    for flag, key in (
        ("quantity", "quantity"),
        ("objective", "objective"),
        ("candidates", "candidates"),
        ("time_limit", "time_limit"),
        ("hub", "hub"),
    ):
        if getattr(args, flag) is not None:
            out[key] = getattr(args, flag)
    for flag, key in (("site", "sites"), ("exclude", "exclude"), ("require", "require")):
        if getattr(args, flag):
            out[key] = list(getattr(args, flag))
    return out


def _requests(catalog: Catalog, args: argparse.Namespace) -> list[Request]:
    from modcluster.io import build_request
    from modcluster.io.loader import load_request_document

    file_data = load_request_document(args.request) if args.request else None
    product = args.product or (file_data.data.get("product") if file_data is not None else None)
    overrides = _overrides(args)
    if product is None and len(catalog.products) > 1:
        chosen = [p.id for p in catalog.products if p.request is not None]
        if not chosen:
            raise InputError(
                "the catalog has several products and none has a default request: name one with --product "
                f"({', '.join(p.id for p in catalog.products)})"
            )
        return [build_request(catalog, p, file_data, overrides, file=args.request) for p in chosen]
    return [build_request(catalog, product, file_data, overrides, file=args.request)]


def _log(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(message, file=sys.stderr)


def _cmd_solve(args: argparse.Namespace) -> int:
    from modcluster.io import atomic_write_text, load_catalog
    from modcluster.report.text import render_solution
    from modcluster.solver import solve
    from modcluster.verify import check_solution

    catalog = load_catalog(args.catalog)
    requests = _requests(catalog, args)
    solutions: list[Solution] = []
    for request in requests:
        _log(args, f"solving {request.product} (quantity {request.quantity}, objective {request.objective.value}) ...")
        solution = solve(catalog, request)
        check_solution(catalog, request, solution)
        _log(
            args,
            f"  {solution.status.value} in {solution.stats.get('seconds', 0):.2f} s, "
            f"{len(solution.candidates)} candidate(s), verified",
        )
        solutions.append(solution)
    data: Any = solutions[0].to_dict() if len(solutions) == 1 else [s.to_dict() for s in solutions]
    text = dumps(data) + "\n"
    if args.out:
        atomic_write_text(args.out, text, protect=[args.catalog, *([args.request] if args.request else [])])
        _log(args, f"wrote {args.out}")
    if args.json:
        sys.stdout.write(text)
    else:
        print("\n\n".join(render_solution(s, catalog) for s in solutions))
    return max((STATUS_EXIT[s.status] for s in solutions), key=_SEVERITY.index)


def _cmd_validate(args: argparse.Namespace) -> int:
    from modcluster.analysis.summary import summarize
    from modcluster.io import load_catalog

    catalog = load_catalog(args.catalog)
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
    print(f"  products: {len(summary['products'])}")
    for product in summary["products"]:
        print(
            f"    {product['id']} ({product['family']}): {product['modules']} modules, "
            f"{product['hubs']} possible hubs" + ("" if product["default_request"] else ", no default request")
        )
        for gap in product["unserved"]:
            print(f"      no organisation can serve: {gap}")
    return ExitCode.OPTIMAL


def _cmd_verify(args: argparse.Namespace) -> int:
    from modcluster.io import build_request, load_catalog, load_document, request_from_data
    from modcluster.io.loader import load_request_document
    from modcluster.verify import verify_solution

    if len(args.files) > 2:
        raise InputError("verify takes CATALOG [REQUEST] SOLUTION")
    catalog = load_catalog(args.catalog)
    request_file = args.files[0] if len(args.files) == 2 else None
    solution_file = args.files[-1]
    doc = load_document(solution_file, require_mapping=False)
    solutions = doc.data if isinstance(doc.data, list) else [doc.data]
    fixed_request = None
    if request_file:
        # The same layering as ``solve --request FILE``: the product's default request, then the file.
        fixed_request = build_request(catalog, None, load_request_document(request_file), file=request_file)
    problems: list[str] = []
    for index, sol in enumerate(solutions):
        if not isinstance(sol, dict):
            raise InputError(f"{solution_file}: entry {index} is not a solution object")
        if fixed_request is not None:
            request = fixed_request
        elif isinstance(sol.get("request"), dict):
            request = request_from_data(sol["request"], file=solution_file)
        else:
            raise InputError(f"{solution_file}: the solution stores no request; give the request file too")
        prefix = f"{sol.get('product')}: " if len(solutions) > 1 else ""
        problems += [prefix + p for p in verify_solution(catalog, request, sol)]
    if args.json:
        sys.stdout.write(json.dumps({"verified": not problems, "problems": problems}, indent=2) + "\n")
    elif problems:
        print(f"{solution_file}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
    else:
        count = sum(len(s.get("candidates", [])) for s in solutions)
        print(f"{solution_file}: verified ({len(solutions)} solution(s), {count} candidate(s))")
    return ExitCode.VERIFY_FAILED if problems else ExitCode.OPTIMAL


def _cmd_schema(args: argparse.Namespace) -> int:
    from modcluster.io import atomic_write_text
    from modcluster.io.schema import catalog_schema, request_schema

    schema = catalog_schema() if args.which == "catalog" else request_schema()
    text = json.dumps(schema, indent=2) + "\n"
    if args.out:
        atomic_write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return ExitCode.OPTIMAL


COMMANDS = {"solve": _cmd_solve, "validate": _cmd_validate, "verify": _cmd_verify, "schema": _cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see docs/cli.md)."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ModclusterError as exc:
        print(f"modcluster: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("modcluster: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return ExitCode.OPTIMAL


def run() -> None:
    """Entry point of the console script."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
