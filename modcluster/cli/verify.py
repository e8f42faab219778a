"""``modcluster verify``: re-check a solution file without the solver."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from modcluster.domain import CONFIGURATION_SCHEMA, PLAN_SCHEMA, Catalog
from modcluster.errors import ExitCode, InputError

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "verify", help="re-check a solution or plan file against the catalog and request, without the solver"
    )
    p.add_argument("catalog")
    p.add_argument(
        "files",
        nargs="+",
        metavar="[REQUEST] SOLUTION",
        help="a request file and a solution JSON (or a plan file and a plan JSON, or a request file and a "
        "configuration JSON); without the request, the one stored in the file",
    )
    p.add_argument("--json", action="store_true", help="print the findings as JSON on stdout")
    p.set_defaults(func=run)


#: The schema line of each kind of file modcluster reads, to say what a misplaced file is.
_KINDS = {
    "modcluster/1": "a catalog",
    "modcluster/sweep/1": "a sweep file",
    "modcluster/plan-request/1": "a plan request",
}


def _looks_like_a_solution(data: dict[str, Any], file: str) -> None:
    """Refuse a file that is plainly not a solution (a catalog, a sweep, a request) with words saying so.

    Raises:
        InputError: The file is another kind of modcluster file.
    """
    schema = data.get("schema")
    kind = _KINDS.get(schema) if isinstance(schema, str) else None
    if kind is None and schema is None and "candidates" not in data and "status" not in data:
        if "organizations" in data or "products" in data:
            kind = "a catalog"
        elif "grid" in data or "scenarios" in data:
            kind = "a sweep file"
        elif "product" in data:
            kind = "a request"
    if kind is not None:
        raise InputError(
            f"{file} is {kind}, not a solution: give verify CATALOG [REQUEST] SOLUTION.json "
            "(the solution as written by modcluster solve --json or --out)"
        )


def run(args: argparse.Namespace) -> int:
    """Verify every solution in the file; exit 5 on any problem."""
    from modcluster.io import build_request, load_catalog, load_document, load_request_document, request_from_data
    from modcluster.verify import verify_solution

    if len(args.files) > 2:
        raise InputError("verify takes CATALOG [REQUEST] SOLUTION")
    catalog = load_catalog(args.catalog)
    request_file = args.files[0] if len(args.files) == 2 else None
    solution_file = args.files[-1]
    doc = load_document(solution_file, require_mapping=False)
    if isinstance(doc.data, dict) and doc.data.get("schema") == PLAN_SCHEMA:
        return _verify_plan(args, catalog, request_file, solution_file, doc.data)
    if isinstance(doc.data, dict) and doc.data.get("schema") == CONFIGURATION_SCHEMA:
        return _verify_configuration(args, catalog, request_file, solution_file, doc.data)
    solutions = doc.data if isinstance(doc.data, list) else [doc.data]
    fixed_request = None
    if request_file:
        # The same layering as ``solve --request FILE``: the product's default request, then the file.
        fixed_request = build_request(catalog, None, load_request_document(request_file), file=request_file)
    problems: list[str] = []
    for index, sol in enumerate(solutions):
        if not isinstance(sol, dict):
            raise InputError(f"{solution_file}: entry {index} is not a solution object")
        _looks_like_a_solution(sol, solution_file)
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


def _verify_plan(
    args: argparse.Namespace, catalog: Catalog, request_file: str | None, plan_file: str, data: dict[str, Any]
) -> int:
    """Verify a plan JSON against its plan request (the file given, else the one stored in the plan)."""
    from modcluster.io import load_plan_request, plan_request_from_data
    from modcluster.verify import verify_plan

    if request_file:
        request = load_plan_request(request_file, catalog)
    elif isinstance(data.get("request"), dict):
        request = plan_request_from_data(data["request"], file=plan_file, catalog=catalog)
    else:
        raise InputError(f"{plan_file}: the plan stores no plan request; give the plan file too")
    problems = verify_plan(catalog, request, data)
    count = len(data.get("entries") or [])
    what = f"a plan of {count} entries" if count else f"status {data.get('status')}, no plan, the explanation's ids"
    return _report(args, plan_file, problems, what)


def _verify_configuration(
    args: argparse.Namespace, catalog: Catalog, request_file: str | None, table_file: str, data: dict[str, Any]
) -> int:
    """Verify a decision table (``modcluster configure --json``) against its request."""
    from modcluster.io import build_request, load_request_document, request_from_data
    from modcluster.verify import verify_configuration

    if request_file:
        request = build_request(catalog, None, load_request_document(request_file), file=request_file)
    elif isinstance(data.get("request"), dict):
        request = request_from_data(data["request"], file=table_file)
    else:
        raise InputError(f"{table_file}: the table stores no request; give the request file too")
    problems = verify_configuration(catalog, request, data)
    count = sum(len(row.get("values") or []) for row in data.get("decisions") or [] if isinstance(row, dict))
    return _report(args, table_file, problems, f"a decision table of {count} values")


def _report(args: argparse.Namespace, file: str, problems: list[str], what: str) -> int:
    """Print the verdict on one file (``--json``: as JSON); exit 5 on any problem."""
    if args.json:
        sys.stdout.write(json.dumps({"verified": not problems, "problems": problems}, indent=2) + "\n")
    elif problems:
        print(f"{file}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
    else:
        print(f"{file}: verified ({what})")
    return ExitCode.VERIFY_FAILED if problems else ExitCode.OPTIMAL
