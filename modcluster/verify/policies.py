"""The verifier's reading of municipal policies (MODEL.md v1.1, "Policies"), written apart from the solver's.

Each policy refunds ``min(cap, share * eligible)``, rounded half-up to 0.01,
where ``eligible`` is the sum of the system's rounded cost terms of the kinds
the policy applies to whose organisation is at one of its sites (and a
member of ``members_of``, when set). Refunds add up; the cost is the terms
less the refunds. Computed in decimals from the catalog, never from the
solver's integers.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from modcluster.domain import Catalog, Policy, Request
from modcluster.domain.values import exact
from modcluster.verify.figures import CostTerm

__all__ = ["covers", "policy_refunds"]

_CENT = Decimal("0.01")


def covers(catalog: Catalog, policy: Policy, term: CostTerm) -> bool:
    """Whether ``policy`` counts ``term`` in its eligible amount (onboarding, with no organisation, never)."""
    if term.kind not in policy.applies_to or term.organization is None:
        return False
    org = catalog.org_by_id.get(term.organization)
    if org is None or org.site is None or org.site not in policy.sites:
        return False
    if policy.members_of is None:
        return True
    return any(i.id == policy.members_of and org.id in i.members for i in catalog.intermediaries)


def policy_refunds(
    catalog: Catalog, request: Request, terms: Sequence[CostTerm]
) -> tuple[tuple[str, Decimal, Decimal], ...]:
    """Each policy in effect with its eligible amount and refund, in catalog order (none with ``policies: false``).

    >>> from modcluster.domain import Catalog, Request
    >>> cat = Catalog(organizations=[{"id": "a", "site": "Sagamihara"}],
    ...               policies=[{"id": "fund", "sites": ["Sagamihara"], "share": 0.5, "cap": 100}])
    >>> terms = [CostTerm("steps", "module m step 1", Decimal("150.01"), "a")]
    >>> policy_refunds(cat, Request(product="p"), terms)
    (('fund', Decimal('150.01'), Decimal('75.01')),)
    """
    if not request.policies or not catalog.policies:
        return ()
    out = []
    with decimal.localcontext(exact()):
        for policy in catalog.policies:
            eligible = sum((t.amount for t in terms if covers(catalog, policy, t)), Decimal(0))
            share = policy.share * eligible
            refund = (share if policy.cap is None else min(policy.cap, share)).quantize(_CENT, rounding=ROUND_HALF_UP)
            out.append((policy.id, eligible, refund))
    return tuple(out)
