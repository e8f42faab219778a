"""Lower bounds of each plan entry's cost and lead time per hub: cuts that make the plan model's LP tight.

In one CP-SAT model over every entry, the hub of each entry is a choice,
and on-boarding is a product ``hub x partner``: the LP relaxation is weak
(the reason the v1 search fixes the hub per model). These bounds give the LP
what the v1 search knows per hub. For entry ``i`` and hub ``h``:

- **cost**: the Lagrangian bound (:func:`~modcluster.solver.lagrange.lagrangian`,
  at least the plain :func:`~modcluster.solver.prune.lower_bound`) of the
  entry alone with hub ``h``, where the onboarding of every pair an earlier
  entry *could* tie is left out (:func:`waivable_pairs`): a plan can only
  waive those, so the bound holds for the cost the entry pays in any plan;
- **lead time**: the release plus the entry's critical path with hub ``h``
  (capacity and other entries only delay it).

:func:`~modcluster.solver.plan.compile_plan` posts ``cost_i >= sum_h
bound_i(h) * hub_i[h]`` and the same for the lead time: valid for every
plan, and in the LP relaxation worth the best hub's bound. A hub with no
system for the entry gets ``hub_i[h] = 0``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from modcluster.errors import TimeLimitError
from modcluster.solver.cpsat import SolverSettings
from modcluster.solver.deadline import check_time, time_limit
from modcluster.solver.instance import Instance
from modcluster.solver.lagrange import Lagrangian, lagrangian
from modcluster.solver.objective import ObjectiveOrder
from modcluster.solver.prune import lower_bound, restrict_hub
from modcluster.solver.rules.onboarding import tie_key
from modcluster.solver.search import search_hubs

__all__ = ["EntryBound", "alone_first_bound", "entry_bounds", "lighter", "waivable_pairs"]

#: Per hub of an entry: (cents, days) lower bounds, or None when the hub has no system for the entry.
EntryBound = dict[str, tuple[int, int] | None]


def waivable_pairs(instances: Sequence[Instance]) -> list[frozenset[tuple[str, str]]]:
    """Per entry, the (unordered) pairs some earlier entry could tie: a hub of it with an organisation of it.

    >>> waivable_pairs([])
    []
    """
    out: list[frozenset[tuple[str, str]]] = []
    seen: set[tuple[str, str]] = set()
    for inst in instances:
        out.append(frozenset(seen))
        for hub in inst.hubs:
            check_time()
            seen.update(tie_key(hub.org, org) for org in inst.participants if org != hub.org)
    return out


def lighter(inst: Instance, waived: frozenset[tuple[str, str]]) -> Instance:
    """The entry without the onboarding of the pairs another entry may have tied."""
    onboarding = {key: cents for key, cents in inst.onboarding.items() if tie_key(*key) not in waived}
    return replace(inst, onboarding=onboarding)


def alone_first_bound(
    inst: Instance, waived: frozenset[tuple[str, str]], release: int, settings: SolverSettings, stop_at: float
) -> int | None:
    """A lower bound of the first key of the plan's order for this entry in any plan (None: none found in time).

    The plan's first key is a sum over entries of ``c * cents + d * days``
    (``(c, d)``: the objective's first key). The entry solved alone by the v1
    search, from day 0 with its deadline moved back by its release and
    without the onboarding other entries may have paid, is a relaxation of
    the entry in any plan: its best first key (or, unproven, the search's
    bound), plus ``d * release``, bounds the entry's part of the plan's.
    """
    request = inst.request
    deadline = request.limits.deadline
    if deadline is not None and deadline < release:
        return None
    seconds = stop_at - time.monotonic()
    if seconds <= 0.01:
        return None
    limits = request.limits.model_dump(exclude_none=True)
    if deadline is not None:
        limits["deadline"] = deadline - release
    alone = request.with_changes(candidates=1, time_limit=Decimal(str(round(seconds, 3))), limits=limits)
    sub = replace(lighter(inst, waived), request=alone, deadline=alone.limits.deadline)
    try:
        with time_limit(stop_at):
            outcome = search_hubs(sub, alone, settings, time.monotonic())
    except TimeLimitError:
        return None
    order = ObjectiveOrder.for_request(alone, cost_bound=1, lead_bound=1)
    c, d = order.keys[0]
    if outcome.candidates and outcome.candidates[0].proven_optimal:
        best = outcome.candidates[0]
        first = c * int(best.cost * 100) + d * best.lead_time
    elif outcome.bound is not None:
        first = math.ceil(Fraction(outcome.bound) / order.unit)
    else:
        return None
    return first + d * release


def entry_bounds(
    inst: Instance, waived: frozenset[tuple[str, str]], release: int
) -> tuple[EntryBound, dict[str, Lagrangian]]:
    """Lower bounds of an entry's cost (cents) and lead time (days from day 0) for each of its hub options (by key).

    Also returns each hub's Lagrangian prices (what the fixing of options uses).

    Args:
        inst: The entry's prepared instance.
        waived: The pairs whose onboarding another entry may have paid (:func:`waivable_pairs`).
        release: The entry's release day.
    """
    light = lighter(inst, waived)
    bounds: EntryBound = {}
    prices_of: dict[str, Lagrangian] = {}
    for hub in light.hubs:
        check_time()
        sub = restrict_hub(light, hub)
        plain = lower_bound(sub)
        if plain is None:
            bounds[hub.key] = None
            continue
        prices = lagrangian(sub)
        cents = plain[0]
        if prices is not None:
            cents = max(cents, prices.cents)
            prices_of[hub.key] = prices
        bounds[hub.key] = (cents, release + plain[1])
    return bounds, prices_of
