"""The least cost of a hub's systems by lead time: a relaxation that bounds ``lead_time`` and ``weighted``.

For a fixed hub, drop capacity, on-boarding, the partner limit and the
interfaces (but for links that can match under no choice). Then the modules
are independent: a module must be ready for integration by
``lead - integration days - forced bridge days``, and the least cost of
getting it ready by day ``t`` is a non-increasing step function of ``t``:

* bought: the cheapest offer with ``days`` (plus the handover unless the hub
  sells it) at most ``t``;
* made: the cheapest chain of seed and steps whose days, with the handovers
  that no choice avoids (consecutive slots that share no organisation, the
  last slot to the hub), fit in ``t``: a shortest-path over days.

Summed with the design fee and the forced bridges, this gives ``F(D)``: a
lower bound of the cost of every system of the hub with lead time at most
``D``. Three bounds follow (:class:`CostByLead`): the least lead time whose
``F`` fits the budget (for ``lead_time``: the critical path that also knows
the budget), the least cost within the deadline (for ``cost``), and the least
``pc * F(D) + pd * D`` (the first key of ``weighted``).

Arrays are NumPy int64 over days ``0..horizon``: every figure is below
:data:`~modcluster.solver.objective.INT64_SAFE` (checked by
:func:`~modcluster.solver.size.check_magnitudes`), and sums of a product's
modules are capped at :data:`NONE`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from modcluster.solver.prepare import HubOption, Instance, ModulePlan, Option

__all__ = ["NONE", "CostByLead", "cost_by_lead"]

NONE = 2**62 - 1
"""The cost of what cannot be ready in time."""

_Array = npt.NDArray[np.int64]


def _buy(plan: ModulePlan, hub: str, gap: int, days: int) -> _Array:
    best = np.full(days + 1, NONE, dtype=np.int64)
    for option in plan.buy:
        ready = option.days + (gap if option.org != hub else 0)
        if ready <= days and option.cents < best[ready]:
            best[ready] = option.cents
    return np.minimum.accumulate(best)


def _chain(slots: list[tuple[Option, ...]], hub: str, gap: int, days: int) -> _Array:
    ready = np.zeros(days + 1, dtype=np.int64)  # nothing to do yet: ready at any day, at no cost
    for i, options in enumerate(slots):
        shift = 0 if i == 0 or {o.org for o in options} & {o.org for o in slots[i - 1]} else gap
        cheapest: dict[int, int] = {}
        for option in options:
            if option.cents < cheapest.get(option.days, NONE):
                cheapest[option.days] = option.cents
        nxt = np.full(days + 1, NONE, dtype=np.int64)
        for length, cents in cheapest.items():
            offset = length + shift
            if offset <= days:
                moved = np.minimum(ready[: days + 1 - offset] + cents, NONE)
                np.minimum(nxt[offset:], moved, out=nxt[offset:])
        ready = nxt
    if slots and all(o.org != hub for o in slots[-1]):
        late = np.full(days + 1, NONE, dtype=np.int64)
        late[gap:] = ready[: days + 1 - gap]
        ready = late
    return ready


def _module(plan: ModulePlan, hub: str, gap: int, days: int) -> _Array:
    best = _buy(plan, hub, gap, days)
    if plan.can_make:
        slots = ([plan.seeds] if plan.seeds is not None else []) + list(plan.steps or ())
        best = np.minimum(best, _chain(slots, hub, gap, days))
    return best


@dataclass(frozen=True, slots=True)
class CostByLead:
    """``least[D]``: a lower bound of the cents of every system of one hub with lead time at most ``D``."""

    least: _Array

    def least_lead(self, budget_cents: int | None) -> int | None:
        """The least lead time of a system within the budget (None: none within the horizon)."""
        fits = self.least < NONE if budget_cents is None else self.least <= budget_cents
        index = int(np.argmax(fits))
        return index if fits[index] else None

    def least_cost(self, deadline: int | None = None) -> int | None:
        """The least cost of a system within the deadline (None: none)."""
        day = len(self.least) - 1 if deadline is None else min(deadline, len(self.least) - 1)
        if day < 0 or self.least[day] >= NONE:
            return None
        return int(self.least[day])

    def least_weighted(self, per_cent: int, per_day: int, budget_cents: int | None) -> int | None:
        """The least ``per_cent * cents + per_day * lead`` of a system within the budget (exact Python ints)."""
        best: int | None = None
        for day, cents in enumerate(self.least.tolist()):
            if cents >= NONE or (budget_cents is not None and cents > budget_cents):
                continue
            value = per_cent * cents + per_day * day
            if best is None or value < best:
                best = value
        return best


def cost_by_lead(inst: Instance, hub: HubOption, horizon: int) -> CostByLead:
    """The relaxation's least cost by lead time for ``hub``, over days ``0..horizon``."""
    gap = inst.handover_days
    fixed_cents, fixed_days = hub.design_cents, hub.integration_days
    for link in inst.links:
        ends = []
        for index in (link.a, link.b):
            plan = inst.modules[index]
            values = {o.variant(link.kind) for o in plan.buy}
            if plan.can_make:
                values.add(hub.house(link.kind))
            values.discard(None)
            ends.append(values)
        if not ends[0] & ends[1]:
            fixed_cents += link.bridge_cents[hub.org]
            fixed_days += link.bridge_days[hub.org]
    least = np.full(horizon + 1, NONE, dtype=np.int64)
    room = horizon - fixed_days  # days left for the modules
    if room >= 0:
        total = np.full(room + 1, fixed_cents, dtype=np.int64)
        for plan in inst.modules:
            total = np.minimum(total + _module(plan, hub.org, gap, room), NONE)
        least[fixed_days:] = total
    return CostByLead(least)
