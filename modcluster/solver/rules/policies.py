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
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.domain import Catalog, Request
from modcluster.solver.rules.tasks import money_cents
from modcluster.solver.rules.variables import ModelParts, linear_sum

if TYPE_CHECKING:
    from modcluster.solver.instance import Instance

__all__ = [
    "PolicyPlan",
    "coverage_key",
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


def net_cents(plans: Iterable[PolicyPlan], gross: int, terms: Iterable[Term]) -> int:
    """A system's cost: the sum of its terms (``gross``, on-boarding included) less every policy's refund.

    ``terms`` are the terms a policy may cover (on-boarding is never one).

    >>> plan = PolicyPlan("p", frozenset({"steps"}), frozenset({"a"}), 1, 2, None)
    >>> net_cents([plan], 1800, [("steps", "a", 1000), ("steps", "b", 500)])
    1300
    """
    return gross - sum(refunds(plans, terms))


def coverage_key(plans: Iterable[PolicyPlan], kind: str, org: str) -> tuple[str, ...] | None:
    """The policies that cover a term of ``kind`` paid to ``org``; None when more than one does.

    What makes gross-cent dominance exact under policies: if two options'
    terms are covered by the same policy (or by none), the cheaper one's
    refund is lower by at most its saving (one policy's half-up rounding
    never gives back more than the cents it loses), so it stays no dearer
    on the net cost. With two or more policies on one term their roundings
    can add up to a cent more than the saving: such options are never
    compared.

    >>> a = PolicyPlan("a", frozenset({"steps"}), frozenset({"x"}), 1, 2, None)
    >>> b = PolicyPlan("b", frozenset({"steps"}), frozenset({"x", "y"}), 1, 4, None)
    >>> coverage_key([a, b], "steps", "y"), coverage_key([a, b], "steps", "x"), coverage_key([a], "modules", "x")
    (('b',), None, ())
    """
    covering = tuple(p.id for p in plans if p.covers(kind, org))
    return covering if len(covering) <= 1 else None


def refund_ceiling(inst: Instance) -> int:
    """The most the policies can refund any system of ``inst``: what turns a gross lower bound into a net one.

    Each policy refunds at most its refund of the largest eligible amount a
    system can have: per hub option, its fixed terms and every bridge when
    it covers the hub, plus per module the most covered cents of any one
    source (a bought module, or a make chain's covered slots); the largest
    over the hub options. A system's net cost is at least its gross cost
    less the sum over the policies.
    """
    total = 0
    for plan in inst.policies:
        modules = 0
        for module in inst.modules:
            most = max((o.cents for o in module.buy if plan.covers("modules", o.org)), default=0)
            if module.can_make:
                chain = sum(
                    max((o.cents for o in slot if plan.covers("steps", o.org)), default=0)
                    for slot in module.steps or ()
                )
                chain += max((o.cents for o in module.seeds or () if plan.covers("licences", o.org)), default=0)
                most = max(most, chain)
            modules += most
        hub = 0
        for h in inst.hubs:
            fixed = 0
            if plan.covers("integration", h.org):
                fixed += h.design_cents - h.person_cents + sum(lk.bridge_cents[h.key] for lk in inst.links)
            if plan.covers("people", h.org):
                fixed += h.person_cents
            hub = max(hub, fixed)
        total += refund_cents(plan, hub + modules)
    return total


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
