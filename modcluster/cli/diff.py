"""``modcluster diff``: what changed between two versions of a catalog, and what it does to every product's answer."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from modcluster.cli.analyses import seconds_arg
from modcluster.domain import Catalog, Request, dumps, known_ids
from modcluster.errors import ExitCode, InputError

if TYPE_CHECKING:
    from modcluster.analysis.versions import AnswersDiff, Question
    from modcluster.sweep import Scenario, SweepSpec

__all__ = ["register", "run"]

_HELP = "what changed between two versions of a catalog, and what it does to every product's answer"


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser("diff", help=_HELP, description=_HELP)
    p.add_argument("old", metavar="OLD", help="the earlier catalog")
    p.add_argument("new", metavar="NEW", help="the later catalog")
    p.add_argument("--product", action="append", metavar="ID",
                   help="only this product (repeatable; default: every product of either version)")  # fmt: skip
    asked = p.add_mutually_exclusive_group()
    asked.add_argument("--request", metavar="FILE", help="solve this request file on both versions")
    asked.add_argument("--sweep", metavar="FILE", help="solve every scenario of this sweep file on both versions")
    p.add_argument("--catalog-only", action="store_true", help="only the catalog change: solve nothing")
    p.add_argument("--resilience", action="store_true",
                   help="also compare the best systems' single points of failure (one solve per member)")  # fmt: skip
    p.add_argument("--time-limit", type=seconds_arg, metavar="SECONDS",
                   help="seconds for the whole analysis, shared among its solves "
                        "(default: each request keeps its own limit)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--out", metavar="FILE", help="also write the JSON to FILE (atomically)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compare the catalogs and their answers, print; 0 when every answer was proven (whatever changed)."""
    from modcluster.analysis.versions import VersionsDiff, diff_answers, diff_catalogs
    from modcluster.io import atomic_write_text, check_outputs, load_catalog
    from modcluster.report.versions import render_versions

    protect = [args.old, args.new, *(f for f in (args.request, args.sweep) if f)]
    check_outputs({"--out": args.out}, protect=protect)
    old, new = load_catalog(args.old), load_catalog(args.new)
    _check_products(args.product or [], old, new)
    answers: AnswersDiff | None = None
    title, column = "each product's default request", "product"
    if not args.catalog_only:
        questions, title, column = _questions(args, old, new)
        answers = diff_answers(old, new, questions, seconds=args.time_limit, spof=args.resilience)
    diff = VersionsDiff(args.old, args.new, diff_catalogs(old, new), answers)
    text = dumps(diff.to_dict()) + "\n"
    if args.out:
        atomic_write_text(args.out, text, protect=protect)
    if args.json:
        sys.stdout.write(text)
    else:
        print(render_versions(diff, title, column))
    if answers is None or answers.proven:
        return ExitCode.OPTIMAL
    return ExitCode.UNKNOWN if answers.undecided else ExitCode.FEASIBLE


def _check_products(products: list[str], old: Catalog, new: Catalog) -> None:
    """Refuse a product neither version has (one that only one of them has is compared: missing in the other)."""
    known = [p.id for p in old.products] + [p.id for p in new.products if p.id not in old.product_by_id]
    unknown = [p for p in products if p not in known]
    if unknown:
        raise InputError(f"no version has the product(s) {', '.join(unknown)} ({known_ids(known, unknown[0])})")


def _questions(args: argparse.Namespace, old: Catalog, new: Catalog) -> tuple[list[Question], str, str]:
    """What to ask both versions, a title for it and the heading of its first column."""
    if args.sweep:
        return _sweep_questions(args.sweep, args.product, old, new), f"the scenarios of {args.sweep}", "scenario"
    if args.request:
        return _request_questions(args.request, args.product, old, new), f"the request {args.request}", "product"
    return _default_questions(args.product, old, new), "each product's default request", "product"


def _default_questions(products: list[str] | None, old: Catalog, new: Catalog) -> list[Question]:
    from modcluster.analysis.versions import Question

    ids = list(dict.fromkeys([p.id for p in old.products] + [p.id for p in new.products]))
    return [Question.default(i) for i in ids if not products or i in products]


def _request_questions(path: str, products: list[str] | None, old: Catalog, new: Catalog) -> list[Question]:
    """The request file on both versions, for its product, the ``--product`` ones, or every product."""
    from modcluster.analysis.versions import Question
    from modcluster.io import build_request, load_request_document

    file_data = load_request_document(path)
    named = file_data.data.get("product") if isinstance(file_data.data.get("product"), str) else None
    ids = products or ([named] if named else None)
    if ids is not None:
        _check_products(ids, old, new)
    else:
        ids = list(dict.fromkeys([p.id for p in old.products] + [p.id for p in new.products]))

    def builder(product: str) -> Callable[[Catalog], Request]:
        return lambda catalog: build_request(catalog, product, file_data, None, file=path)

    return [Question(p, p, builder(p)) for p in ids]


def _sweep_questions(path: str, products: list[str] | None, old: Catalog, new: Catalog) -> list[Question]:
    """Every scenario of the sweep (as either version lists it), each built on each version."""
    from modcluster.analysis.versions import Question
    from modcluster.sweep import build_scenario_request, load_sweep, plan

    spec = load_sweep(path)
    if spec.plan_sweep is not None:
        raise InputError("diff compares requests: a sweep of plans (with `plan:`) is not supported", file=path)
    scenarios: dict[str, Scenario] = {}
    for catalog in (old, new):
        for scenario in plan(catalog, spec):
            scenarios.setdefault(scenario.id, scenario)

    def builder(scenario: Scenario, sweep: SweepSpec) -> Callable[[Catalog], Request]:
        return lambda catalog: build_scenario_request(catalog, sweep, scenario)

    out = []
    for scenario in scenarios.values():
        product = scenario.product or spec.base.product
        if products and product not in products:
            continue
        out.append(Question(scenario.id, product, builder(scenario, spec)))
    return out
