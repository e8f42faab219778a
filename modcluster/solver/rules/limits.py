"""Rule: limits and filters (MODEL.md, "Request" and "What a candidate system is" 3).

Every organisation taking part passes the request's ``sites`` and
``exclude`` filters (:func:`org_allowed`, applied when the options are
prepared); a system meets ``cost <= budget``, ``lead time <= deadline``, at
most ``max_partners`` partners and has every ``require``d organisation take
part, as hub or partner (:func:`meets_limits`). :func:`post_limits` is the
rule in the model, each limit a named constraint (an assumption literal when
guarded, so an infeasible core maps back to the request).
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.domain import Organization, Request, exact
from modcluster.solver.rules.variables import ModelParts, linear_sum

if TYPE_CHECKING:
    from modcluster.solver.instance import Instance

__all__ = ["budget_cents", "cents_within", "meets_limits", "org_allowed", "post_limits"]


def org_allowed(org: Organization, request: Request) -> bool:
    """Whether ``org`` passes the request's ``sites`` and ``exclude`` filters (no ``site``: fails any ``sites``)."""
    if org.id in request.exclude:
        return False
    return request.sites is None or (org.site is not None and org.site in request.sites)


def budget_cents(request: Request) -> int | None:
    """The request's budget in whole cents (:func:`cents_within`)."""
    return cents_within(request.limits.budget)


def cents_within(budget: Decimal | None) -> int | None:
    """A budget in whole cents, rounded down: a cost in cents meets it exactly when it meets the budget.

    >>> cents_within(Decimal("10.019")), cents_within(None)
    (1001, None)
    """
    if budget is None:
        return None
    with localcontext(exact()):
        return int((budget * 100).to_integral_value(rounding="ROUND_FLOOR"))


def meets_limits(inst: Instance, hub: str, cents: int, lead: int, partners: Collection[str]) -> bool:
    """Whether a system meets the request's budget, deadline, partner limit and required organisations."""
    limits = inst.request.limits
    return (
        (inst.budget_cents is None or cents <= inst.budget_cents)
        and (inst.deadline is None or lead <= inst.deadline)
        and (limits.max_partners is None or len(partners) <= limits.max_partners)
        and all(org == hub or org in partners for org in inst.request.require)
    )


def post_limits(
    parts: ModelParts,
    cost: cp_model.LinearExpr,
    *,
    extra_days: cp_model.IntVar | None = None,
    extra_cents: cp_model.IntVar | None = None,
) -> None:
    """Budget, deadline, max_partners and each require, as named (optionally guarded) constraints.

    ``extra_days`` and ``extra_cents`` loosen the deadline and the budget by
    a variable amount (what a plan's explanation minimises).
    """
    model, inst = parts.model, parts.inst
    request, limits = inst.request, inst.request.limits
    assert parts.lead is not None
    if inst.budget_cents is not None:
        budget = inst.budget_cents + (extra_cents if extra_cents is not None else 0)
        model.add(cost <= budget).only_enforce_if(parts.guard("budget"))
    if limits.deadline is not None:
        deadline = limits.deadline + (extra_days if extra_days is not None else 0)
        model.add(parts.lead <= deadline).only_enforce_if(parts.guard("deadline"))
    if limits.max_partners is not None:
        model.add(linear_sum(list(parts.partners.values())) <= limits.max_partners).only_enforce_if(
            parts.guard("max_partners")
        )
    for org in request.require:
        terms = [parts.participates[org]] if org in parts.participates else []
        if org in parts.hub:
            terms.append(parts.hub[org])
        model.add_bool_or(terms or [model.new_constant(0)]).only_enforce_if(parts.guard(f"require:{org}"))
