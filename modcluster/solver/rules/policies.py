"""Rule: municipal industry-promotion policies refund part of a system's cost (MODEL.md v1.1, "Policies").

A policy's **eligible amount** in a system is the sum of the system's rounded
cost terms of the kinds it applies to whose organisation it covers: at one
of its sites and, when ``members_of`` is set, a member of that intermediary
(a step's doer, a module's seller, a seed's licensor, the hub for
``integration`` and ``people``; onboarding never). Its refund is
``min(cap, share * eligible)`` rounded half-up to a cent (:func:`refund_cents`);
refunds add up, each on the gross terms, and the system's cost is its terms
less the refunds (:func:`net_cents`). ``policies: false`` in the request
ignores every policy (:func:`policy_plans` gives none).

In the model (:func:`post_policies`) each cost term is posted with its kind
and organisation (:meth:`ModelParts.add_cost`); a policy's eligible amount is
the sum of the terms it covers, and its refund is tied to it exactly by two
linear inequalities (the half-up rounding) and a minimum with the cap.

The search's bounds, pruning and settling reason on gross cents, which a
refund can undercut: a catalog with policies in effect is searched without
them (:func:`~modcluster.solver.search.search_hubs`), and a gross lower bound
becomes a net one by :func:`refund_ceiling`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ortools.sat.python import cp_model

from modcluster.domain import Catalog, Request
from modcluster.solver.rules.tasks import money_cents
from modcluster.solver.rules.variables import ModelParts, linear_sum

__all__ = [
    "PolicyPlan",
    "net_cents",
    "policy_plans",
    "post_policies",
    "refund_ceiling",
    "refund_cents",
    "refunds",
]

Term = tuple[str, str, int]
"""One rounded cost term of a system: (kind, organisation, cents); kind is a policy kind or ``onboarding``."""


@dataclass(frozen=True, slots=True)
class PolicyPlan:
    """A policy in integers: the (kind, organisation) pairs it covers, its share as a fraction, its cap in cents.

    Attributes:
        id: The policy's id.
        kinds: The kinds of cost term it applies to.
        orgs: The organisations it covers (at one of its sites, a member of ``members_of`` when set).
        numerator: The share's numerator (``share = numerator / denominator``, in lowest terms).
        denominator: The share's denominator.
        cap_cents: The most it refunds per system, in cents; None: no cap.
    """

    id: str
    kinds: frozenset[str]
    orgs: frozenset[str]
    numerator: int
    denominator: int
    cap_cents: int | None

    def covers(self, kind: str, org: str) -> bool:
        """Whether a term of ``kind`` paid to ``org`` is eligible (onboarding never is)."""
        return kind in self.kinds and org in self.orgs


def policy_plans(catalog: Catalog, request: Request) -> tuple[PolicyPlan, ...]:
    """The policies in effect for a request, in catalog order (none with ``policies: false``)."""
    if not request.policies or not catalog.policies:
        return ()
    members = {i.id: frozenset(i.members) for i in catalog.intermediaries}
    plans = []
    for policy in catalog.policies:
        sites = set(policy.sites)
        orgs = frozenset(
            o.id
            for o in catalog.organizations
            if o.site in sites and (policy.members_of is None or o.id in members.get(policy.members_of, ()))
        )
        numerator, denominator = Decimal(policy.share).as_integer_ratio()
        cap = None if policy.cap is None else money_cents(policy.cap)
        plans.append(PolicyPlan(policy.id, frozenset(policy.applies_to), orgs, numerator, denominator, cap))
    return tuple(plans)


def refund_cents(plan: PolicyPlan, eligible: int) -> int:
    """``min(cap, share * eligible)``, rounded half-up to a cent.

    >>> plan = PolicyPlan("p", frozenset({"steps"}), frozenset({"a"}), 1, 3, 500)
    >>> refund_cents(plan, 1000), refund_cents(plan, 1001), refund_cents(plan, 2000)
    (333, 334, 500)
    """
    share = (2 * plan.numerator * eligible + plan.denominator) // (2 * plan.denominator)
    return share if plan.cap_cents is None else min(plan.cap_cents, share)


def refunds(plans: Iterable[PolicyPlan], terms: Iterable[Term]) -> list[int]:
    """Each policy's refund (cents) on a system's cost terms."""
    terms = list(terms)
    return [refund_cents(p, sum(c for kind, org, c in terms if p.covers(kind, org))) for p in plans]


def net_cents(plans: Iterable[PolicyPlan], terms: Iterable[Term]) -> int:
    """A system's cost: the sum of its terms less every policy's refund.

    >>> plan = PolicyPlan("p", frozenset({"steps"}), frozenset({"a"}), 1, 2, None)
    >>> net_cents([plan], [("steps", "a", 1000), ("steps", "b", 500), ("onboarding", "a", 300)])
    1300
    """
    terms = list(terms)
    return sum(c for _, _, c in terms) - sum(refunds(plans, terms))


def refund_ceiling(plans: Iterable[PolicyPlan], gross_cents: int) -> int:
    """The most the policies can refund a system whose terms add up to at most ``gross_cents``.

    What turns a gross lower bound into a net one: a system's net cost is at
    least its gross cost less this.

    >>> plan = PolicyPlan("p", frozenset({"steps"}), frozenset({"a"}), 1, 2, 300)
    >>> refund_ceiling([plan], 1000), refund_ceiling([plan], 400)
    (300, 200)
    """
    return sum(refund_cents(p, max(gross_cents, 0)) for p in plans)


def post_policies(parts: ModelParts) -> cp_model.LinearExpr:
    """The system's net cost in the model: its cost terms less each policy's refund, tied exactly.

    For a policy with share ``n / d`` and eligible amount ``e`` (a sum of
    the covered terms), ``r = floor((2 n e + d) / (2 d))`` is written as
    ``2 d r <= 2 n e + d <= 2 d r + 2 d - 1`` and the refund as
    ``min(r, cap)``.
    """
    gross = linear_sum(parts.costs)
    plans = parts.inst.policies
    if not plans:
        return gross
    model = parts.model
    refunded: list[cp_model.IntVar] = []
    for plan in plans:
        covered = [(cents, lit) for kind, org, cents, lit in parts.terms if cents and plan.covers(kind, org)]
        most = sum(cents for cents, _ in covered)
        if most == 0:
            continue
        eligible = model.new_int_var(0, most, f"eligible:{plan.id}")
        model.add(eligible == linear_sum([cents * lit for cents, lit in covered]))
        n, d = plan.numerator, plan.denominator
        share = model.new_int_var(0, (2 * n * most + d) // (2 * d), f"share:{plan.id}")
        model.add(2 * d * share <= 2 * n * eligible + d)
        model.add(2 * n * eligible + d <= 2 * d * share + 2 * d - 1)
        if plan.cap_cents is None:
            refunded.append(share)
            continue
        refund = model.new_int_var(0, min(plan.cap_cents, refund_cents(plan, most)), f"refund:{plan.id}")
        model.add_min_equality(refund, [share, plan.cap_cents])
        refunded.append(refund)
    return linear_sum([gross, *(-1 * r for r in refunded)])
