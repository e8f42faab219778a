"""Checking a whole solution: its header, each candidate, and the list as the contract orders it.

- the header: schema, product, quantity, objective and the embedded request
  agree with the request given;
- each candidate: :func:`~modcluster.verify.candidate.check_candidate`;
- the status against the candidates and their proofs, and the proven prefix:
  :func:`check_status`;
- the order: :func:`objective_tuple` is the sort key of the request's
  objective with its tie-breaks, and :func:`check_order` finds a candidate
  better than the one before it;
- distinctness: :func:`check_distinct` names each candidate that repeats an
  earlier one (by :func:`~modcluster.verify.figures.signature`);
- :func:`verify_solution` (the problems) and :func:`check_solution` (raises).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from modcluster.domain import SOLUTION_SCHEMA, Catalog, Objective, Product, Request, Solution, exact
from modcluster.errors import VerificationError
from modcluster.verify.candidate import check_candidate
from modcluster.verify.dates import date_problems
from modcluster.verify.eligibility import taxonomy_parents
from modcluster.verify.figures import ModuleSource, Problem, SystemFigures, render, signature
from modcluster.verify.reading import Reader, Reported, read_candidate, request_differences

__all__ = [
    "check_distinct",
    "check_order",
    "check_solution",
    "check_status",
    "objective_tuple",
    "verify_solution",
]

#: The statuses a solution may have.
STATUSES = ("optimal", "feasible", "infeasible", "unknown")


def objective_tuple(request: Request, cost: Decimal, lead_time: int) -> tuple[Decimal, ...]:
    """Return the sort key of a system under the request's objective (smaller is better).

    ``cost``: (cost, lead time); ``lead_time``: (lead time, cost); ``weighted``:
    (weights.cost * cost + weights.lead_time * lead time, cost, lead time).
    Not :func:`modcluster.solver.objective.objective_key`, which the verifier
    does not use: it reads the contract on its own.
    """
    lead = Decimal(lead_time)
    if request.objective == Objective.COST:
        return (cost, lead)
    if request.objective == Objective.LEAD_TIME:
        return (lead, cost)
    with decimal.localcontext(exact()):
        value = request.weights.cost * cost + request.weights.lead_time * lead
    return (value, cost, lead)


def check_order(request: Request, keys: Sequence[tuple[Decimal, ...] | None]) -> list[Problem]:
    """Candidates come best first: none is better than the one before it (equal keys in either order).

    Args:
        request: The request (its objective).
        keys: Each candidate's :func:`objective_tuple`, None where it is unknown.
    """
    problems: list[Problem] = []
    for index in range(1, len(keys)):
        previous, current = keys[index - 1], keys[index]
        if previous is not None and current is not None and current < previous:
            problems.append(
                (
                    "",
                    f"candidate {index + 1} is better than candidate {index} under objective "
                    f"{request.objective.value}: {_show_key(current)} < {_show_key(previous)}",
                )
            )
    return problems


def check_distinct(signatures: Sequence[tuple[Any, ...] | None]) -> list[Problem]:
    """Candidates are pairwise different: each repeat is named once, against the first candidate it repeats.

    Args:
        signatures: Each candidate's :func:`~modcluster.verify.figures.signature`, None where it is unknown.
    """
    problems: list[Problem] = []
    # One pass with a dict, not all pairs.
    first: dict[tuple[Any, ...], int] = {}
    for j, sig in enumerate(signatures):
        if sig is None:
            continue
        i = first.setdefault(sig, j)
        if i != j:
            problems.append(
                (
                    "",
                    f"candidates {i + 1} and {j + 1} are the same system (same hub, sources, organisations and seeds)",
                )
            )
    return problems


def check_status(status: Any, proven: Sequence[bool | None], request: Request) -> list[Problem]:
    """The status agrees with the candidates and their proofs, and only a prefix of them is proven.

    Whether the status is one of :data:`STATUSES` at all is checked by
    :func:`verify_solution`, before the candidates.

    Args:
        status: The reported status.
        proven: Each candidate's ``proven_optimal``, None where it could not be read.
        request: The request (how many candidates it asks for).
    """
    problems: list[Problem] = []
    if status in ("infeasible", "unknown") and proven:
        problems.append(("status", f"is {status!r} but {len(proven)} candidates are listed"))
    if status == "optimal":
        if not proven:
            problems.append(("status", "is 'optimal' but no candidate is listed"))
        unproven = [i + 1 for i, p in enumerate(proven) if p is False]
        if unproven:
            problems.append(("status", f"is 'optimal' but candidates {unproven} are not proven optimal"))
    # 'feasible' also covers a proven prefix shorter than asked whose search for the next
    # candidate was stopped by the time limit: neither "k found" nor "no further system" is proven.
    if status == "feasible" and not any(p is False for p in proven) and len(proven) >= request.candidates:
        problems.append(("status", "is 'feasible' but every one of the k candidates is proven optimal"))
    seen_unproven = False  # one pass: a proven candidate after any unproven one
    for index, flag in enumerate(proven):
        if flag is True and seen_unproven:
            problems.append(("", f"candidate {index + 1} is proven optimal after an unproven candidate"))
        seen_unproven = seen_unproven or flag is False
    return problems


def _header_problems(top: Mapping[str, Any], request: Request) -> list[Problem]:
    """The solution's schema, product, quantity, objective and embedded request against the request."""
    problems: list[Problem] = []
    if "schema" in top and top.get("schema") != SOLUTION_SCHEMA:
        problems.append(("schema", f"is {top.get('schema')!r}, expected {SOLUTION_SCHEMA!r}"))
    if top.get("product") != request.product:
        problems.append(("product", f"is {top.get('product')!r}, the request asks for {request.product!r}"))
    quantity = top.get("quantity")
    if isinstance(quantity, bool) or quantity != request.quantity:
        problems.append(("quantity", f"is {quantity!r}, the request asks for {request.quantity}"))
    if top.get("objective") != request.objective.value:
        problems.append(("objective", f"is {top.get('objective')!r}, the request asks for {request.objective.value!r}"))
    embedded = top.get("request")
    if embedded is not None:
        if not isinstance(embedded, Mapping):
            problems.append(("request", f"must be an object, got {embedded!r}"))
        else:
            problems += [("request", d) for d in request_differences(embedded, request)]
    return problems


def verify_solution(catalog: Catalog, request: Request, solution: Solution | Mapping[str, Any]) -> list[str]:
    """Every disagreement between a solution and the catalog and request (empty: verified).

    Args:
        catalog: The catalog.
        request: The request the solution answers.
        solution: A :class:`~modcluster.domain.solution.Solution` or the parsed
            solution JSON (money may be Decimal, int or float).

    Returns:
        One sentence per problem, naming the candidate and the place
        (``candidate 2, module housing step 1: ...``).
    """
    data: Any = solution.to_dict() if isinstance(solution, Solution) else solution
    reader = Reader()
    top = reader.mapping(data, "", "the solution")
    if top is None:
        return render(reader.problems)
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return [f"unknown product {request.product!r}"]

    problems = _header_problems(top, request)
    candidates = reader.listing(top.get("candidates"), "", "'candidates'") or []
    status = top.get("status")
    if status not in STATUSES:
        problems.append(("status", f"must be one of {list(STATUSES)}, got {status!r}"))
    if len(candidates) > request.candidates:
        problems.append(
            ("candidates", f"{len(candidates)} candidates, the request asks for at most {request.candidates}")
        )

    parents = taxonomy_parents(catalog)
    reps: list[Reported] = []
    figures_list: list[SystemFigures | None] = []
    for index, raw in enumerate(candidates):
        label = f"candidate {index + 1}"
        cand_reader = Reader()
        rep = read_candidate(raw, cand_reader)
        if rep.rank is not None and rep.rank != index + 1:
            problems.append(("", f"{label} has rank {rep.rank}, expected {index + 1}"))
        cand_problems, figures = check_candidate(catalog, request, product, rep, parents)
        cand_problems += date_problems(raw, request.start_date, request.calendar)
        problems += [("", text) for text in render(cand_reader.problems + cand_problems, label)]
        reps.append(rep)
        figures_list.append(figures)

    problems += check_status(status, [rep.proven for rep in reps], request)
    keys: list[tuple[Decimal, ...] | None] = []
    for rep, figures in zip(reps, figures_list, strict=True):
        cost = figures.cost if figures is not None else rep.cost
        keys.append(None if cost is None or rep.lead_time is None else objective_tuple(request, cost, rep.lead_time))
    problems += check_order(request, keys)
    signatures = [
        None if rep.hub is None or not rep.complete else signature(rep.hub, _sorted_sources(product, rep), rep.person)
        for rep in reps
    ]
    problems += check_distinct(signatures)
    return render(reader.problems + problems)


def _sorted_sources(product: Product, rep: Reported) -> list[tuple[str, ModuleSource]]:
    """Return the reported sources in product order (those reported only)."""
    return [(m.id, rep.sources[m.id]) for m in product.modules if m.id in rep.sources]


def _show_key(key: tuple[Decimal, ...]) -> str:
    return "(" + ", ".join(str(v) for v in key) + ")"


def check_solution(catalog: Catalog, request: Request, solution: Solution | Mapping[str, Any]) -> None:
    """Raise :class:`~modcluster.errors.VerificationError` listing every problem, if any."""
    problems = verify_solution(catalog, request, solution)
    if problems:
        raise VerificationError(problems)
