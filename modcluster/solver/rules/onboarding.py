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

In a plan (MODEL.md v1.1, "a tie made once is a tie") a pair's fee is paid
once, by the first entry in plan order whose system has it; later entries
treat the pair as tied. A pair is unordered, as catalog ties are
(:func:`tie_key`): an entry with hub B and partner A is tied once an earlier
entry had hub A and partner B. :func:`post_shared_onboarding` is that rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import localcontext
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.domain import Catalog, exact, to_cents
from modcluster.solver.deadline import check_time
from modcluster.solver.rules.variables import ModelParts

if TYPE_CHECKING:
    from modcluster.solver.instance import HubOption, Instance

__all__ = ["onboarding_fees", "onboarding_total", "partners_of", "post_onboarding", "post_shared_onboarding", "tie_key"]


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

    Membership sets are built once, so the work is linear in the pairs. Fees
    are the organisation's: a hub organisation with several hub options (a
    person placed or not) is priced once.
    """
    fees: dict[tuple[str, str], int] = {}
    ties = catalog.ties
    with localcontext(exact()):
        members = [(frozenset(i.members), to_cents(i.onboarding_cost)) for i in catalog.intermediaries]
        default_fee = to_cents(catalog.defaults.onboarding_cost)
        for org in dict.fromkeys(hub.org for hub in hubs):
            check_time()
            mine = [(group, fee) for group, fee in members if org in group]
            for partner in participants:
                if partner == org or frozenset((org, partner)) in ties:
                    continue
                shared = [fee for group, fee in mine if partner in group]
                cents = min(shared) if shared else default_fee  # each fee rounded alone, so the least rounds least
                if cents:
                    fees[(org, partner)] = cents
    return fees


def onboarding_total(inst: Instance, hub: str, partners: Iterable[str]) -> int:
    """The onboarding cents a system of ``hub`` pays for its ``partners``."""
    return sum(inst.onboarding_cents(hub, q) for q in partners)


def post_onboarding(parts: ModelParts, *, fees: bool = True) -> None:
    """Participation, partner and onboarding literals of every organisation that can take part.

    ``participates[q]`` is true when q does some task; ``partners[q]`` when
    it also is not the hub; with several hubs, one literal per (hub, partner)
    pair with a fee carries it. ``fees=False`` posts only the participation
    and partner literals: a plan pays the fees once across its entries
    (:func:`post_shared_onboarding`).
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
        if not fees:
            continue
        pair_fees = {h.org: inst.onboarding_cents(h.org, org) for h in inst.hubs if h.org != org}
        pair_fees = {k: c for k, c in pair_fees.items() if c}
        if not pair_fees:
            continue
        if len(hub) == 1:
            parts.costs.append(pair_fees.get(next(iter(hub)), 0) * parts.partners[org])
            continue
        for hub_id, fee in pair_fees.items():
            onboard = model.new_bool_var(f"onboard:{hub_id}->{org}")
            model.add(onboard >= hub[hub_id] + parts.partners[org] - 1)
            model.add(onboard <= hub[hub_id])
            model.add(onboard <= parts.partners[org])
            parts.costs.append(fee * onboard)


def tie_key(a: str, b: str) -> tuple[str, str]:
    """The unordered pair of two organisations, as one key (a tie has no direction).

    >>> tie_key("hub", "maker") == tie_key("maker", "hub")
    True
    """
    return (a, b) if a <= b else (b, a)


def post_shared_onboarding(entries: Sequence[ModelParts]) -> list[dict[tuple[str, str], cp_model.IntVar]]:
    """Onboarding across a plan's entries: each pair's fee paid by the first entry whose system has the pair.

    Per entry and (hub, partner) pair with a fee: ``has`` (the entry's hub
    is h and q its partner), ``prior`` (an earlier entry has the pair, in
    either direction) and ``pays = has AND NOT prior``, whose fee is added to
    the entry's cost terms.

    Returns:
        Per entry, the ``pays`` literal of each (hub, partner) pair.
    """
    paid: list[dict[tuple[str, str], cp_model.IntVar]] = []
    seen: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for index, parts in enumerate(entries):
        check_time()
        model, inst = parts.model, parts.inst
        pays_here: dict[tuple[str, str], cp_model.IntVar] = {}
        has_here: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for (hub_id, org), fee in sorted(inst.onboarding.items()):
            if hub_id not in parts.hub or org not in parts.partners:
                continue
            if len(parts.hub) == 1:
                has = parts.partners[org]
            else:
                has = parts.both(f"plan[{index}].has:{hub_id}->{org}", parts.hub[hub_id], parts.partners[org])
            earlier = seen.get(tie_key(hub_id, org), [])
            if not earlier:
                pays = has
            else:
                prior = model.new_bool_var(f"plan[{index}].prior:{hub_id}->{org}")
                model.add_max_equality(prior, earlier)
                pays = model.new_bool_var(f"plan[{index}].pays:{hub_id}->{org}")
                model.add(pays <= has)
                model.add(pays <= 1 - prior)
                model.add(pays >= has - prior)
            parts.costs.append(fee * pays)
            pays_here[(hub_id, org)] = pays
            has_here.setdefault(tie_key(hub_id, org), []).append(has)
        for key, lits in has_here.items():
            seen.setdefault(key, []).extend(lits)
        paid.append(pays_here)
    return paid
