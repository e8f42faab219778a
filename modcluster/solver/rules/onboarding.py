"""Rule: partners and onboarding (MODEL.md, "What a candidate system is" 3 and "Cost").

Partners are the distinct organisations other than the hub that do any task
(:func:`partners_of`). For each partner with no relationship (tie) to the
hub, the hub pays the lowest ``onboarding_cost`` of an intermediary of which
both are members, else ``defaults.onboarding_cost``, read literally even
when above the default (:func:`onboarding_fees`, computed once per request
for every hub and participant); a system pays the fees of its partners
(:func:`onboarding_total`). :func:`post_onboarding` is the rule in the model:
the participation and partner literals and the fee of each (hub, partner)
pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import localcontext
from typing import TYPE_CHECKING

from modcluster.domain import Catalog, exact, to_cents
from modcluster.solver.deadline import check_time
from modcluster.solver.rules.variables import ModelParts

if TYPE_CHECKING:
    from modcluster.solver.instance import HubOption, Instance

__all__ = ["onboarding_fees", "onboarding_total", "partners_of", "post_onboarding"]


def partners_of(hub: str, organisations: Iterable[str]) -> frozenset[str]:
    """The partners among the organisations doing a system's tasks: all but the hub.

    >>> sorted(partners_of("h", ["a", "h", "b", "a"]))
    ['a', 'b']
    """
    return frozenset(organisations) - {hub}


def onboarding_fees(
    catalog: Catalog, hubs: Sequence[HubOption], participants: Sequence[str]
) -> dict[tuple[str, str], int]:
    """The onboarding fee in cents of every (hub, participant) pair that pays one (ties and zero fees left out).

    Membership sets are built once, so the work is linear in the pairs.
    """
    fees: dict[tuple[str, str], int] = {}
    members = [(frozenset(i.members), i.onboarding_cost) for i in catalog.intermediaries]
    ties = catalog.ties
    with localcontext(exact()):
        default_fee = to_cents(catalog.defaults.onboarding_cost)
        for hub in hubs:
            check_time()
            mine = [(group, fee) for group, fee in members if hub.org in group]
            for partner in participants:
                if partner == hub.org or frozenset((hub.org, partner)) in ties:
                    continue
                shared = [fee for group, fee in mine if partner in group]
                cents = to_cents(min(shared)) if shared else default_fee
                if cents:
                    fees[(hub.org, partner)] = cents
    return fees


def onboarding_total(inst: Instance, hub: str, partners: Iterable[str]) -> int:
    """The onboarding cents a system of ``hub`` pays for its ``partners``."""
    return sum(inst.onboarding_cents(hub, q) for q in partners)


def post_onboarding(parts: ModelParts) -> None:
    """Participation, partner and onboarding literals of every organisation that can take part.

    ``participates[q]`` is true when q does some task; ``partners[q]`` when
    it also is not the hub; with several hubs, one literal per (hub, partner)
    pair with a fee carries it.
    """
    model, inst, hub = parts.model, parts.inst, parts.hub
    for org in inst.participants:
        lits = parts.org_tasks[org]
        if not lits:
            continue
        part = model.new_bool_var(f"participates:{org}")
        model.add_max_equality(part, lits)
        parts.participates[org] = part
        if org in hub:
            p = model.new_bool_var(f"partner:{org}")
            model.add(p >= part - hub[org])
            model.add(p <= part)
            model.add(p <= 1 - hub[org])
            parts.partners[org] = p
        else:
            parts.partners[org] = part
        fees = {h.org: inst.onboarding_cents(h.org, org) for h in inst.hubs if h.org != org}
        fees = {k: c for k, c in fees.items() if c}
        if not fees:
            continue
        if len(hub) == 1:
            parts.costs.append(fees.get(next(iter(hub)), 0) * parts.partners[org])
            continue
        for hub_id, fee in fees.items():
            onboard = model.new_bool_var(f"onboard:{hub_id}->{org}")
            model.add(onboard >= hub[hub_id] + parts.partners[org] - 1)
            model.add(onboard <= hub[hub_id])
            model.add(onboard <= parts.partners[org])
            parts.costs.append(fee * onboard)
