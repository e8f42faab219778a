"""Settle a small one-hub instance without CP-SAT: branch and bound over its systems with exact figures.

After exact pruning and Lagrangian fixing a hub often keeps few systems worth
looking at, and a CP-SAT solve per candidate (its presolve alone takes a few
milliseconds) costs more than trying them. :func:`settle` chooses a source
per module (modules with fewer sources first; sources by Lagrangian price)
and drops a partial system as soon as a lower bound of its value exceeds
what is of interest (the request's limits, the caller's limit, the k-th
best class found so far). The cost bound is the larger of two: the cost
chosen so far (tasks, on-boarding of its partners, bridges of links whose
two ends are chosen) plus the cheapest source of each module left; and the
Lagrangian dual value of the sources chosen plus the least price of each
module left. The lead time bound is the earliest-start schedule with each
module left at its quickest source.

A complete system's cost is exact (the contract's sums,
:func:`~modcluster.solver.hint.system_cost`), and its earliest-start schedule
(every task as soon as its predecessor and the handover gap allow, capacity
ignored) reaches the least lead time any schedule of it can: no schedule
starts a task earlier. When that schedule keeps every organisation within
its capacity, or list scheduling (:func:`~modcluster.solver.hint.system_of`)
still reaches that lead time, the schedule is optimal and the system's
figures are settled. When neither does for a system of interest, or the
search visits more partial systems than allowed, :func:`settle` gives up and
CP-SAT decides.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from modcluster.solver.hint import GreedyModule, GreedySystem, made_module, system_of
from modcluster.solver.instance import HubOption, Instance, ModulePlan
from modcluster.solver.lagrange import SCALE, Dual
from modcluster.solver.prune import slots_of
from modcluster.solver.rules.capacity import over_capacity
from modcluster.solver.rules.handover import chain_schedule
from modcluster.solver.rules.interfaces import link_matched, module_variant
from modcluster.solver.rules.onboarding import onboarding_total, partners_of
from modcluster.solver.rules.people import integration_ready

__all__ = ["HOPELESS", "MAX_MODULES", "MAX_SOURCES", "settle"]

MAX_MODULES = 200
"""The search recurses once per module: products with more are left to CP-SAT (Python's stack allows 1,000)."""

MAX_SOURCES = 20_000
"""Listing the sources is the one step that does not watch the clock: hubs with more are left to CP-SAT."""

HOPELESS = 100
"""Skip the search when over ``HOPELESS * max_nodes`` partial systems pass the dual bound alone."""


@dataclass(frozen=True, slots=True)
class _Source:
    """One source of a module under the hub: its cents, dual price, partners, and when integration may start."""

    module: GreedyModule
    cents: int
    price: int
    orgs: frozenset[str]
    ready: int


class _GiveUpError(Exception):
    """The instance is not settled here."""


def _sources(plan: ModulePlan, m: int, hub: HubOption, gap: int, dual: Dual | None) -> list[_Source]:
    """Every source of a module (bought options, make chains) with its earliest schedule, least dual price first."""
    choices = [GreedyModule(o) for o in plan.buy]
    if plan.can_make:
        choices += [made_module(plan, tasks) for tasks in itertools.product(*slots_of(plan))]
    out = []
    for gm in choices:
        starts, ready = chain_schedule(gm.tasks, hub.org, gap)
        scheduled = GreedyModule(gm.buy, gm.steps, gm.seed, starts)
        cents = sum(o.cents for o in gm.tasks)
        out.append(
            _Source(
                scheduled,
                cents,
                dual.source(m, gm) if dual else 0,
                partners_of(hub.org, (o.org for o in gm.tasks)),
                ready,
            )
        )
    return sorted(out, key=lambda s: (s.price, s.cents))


def settle(
    inst: Instance,
    weights: tuple[int, int],
    limit: int | None,
    k: int,
    max_nodes: int,
    dual: Dual | None = None,
    stop_at: float | None = None,
) -> list[tuple[int, GreedySystem]] | None:
    """The best systems of the ``k`` best candidate classes of a one-hub instance with value at most ``limit``.

    Args:
        inst: A one-hub instance.
        weights: The objective's weights on cents and days (value = cents * w0 + days * w1).
        limit: The largest value of interest (None: no limit).
        k: How many classes are wanted.
        max_nodes: Give up (None) after this many partial systems, or when
            the modules have more sources than this or :data:`MAX_SOURCES`.
            Products of more than :data:`MAX_MODULES` modules are not settled
            here either.
        dual: The hub's Lagrangian dual function on ``inst``: with it, the
            cost bound of a partial system is also the dual value of its
            sources plus the least of each module left (weak duality holds
            on every restriction of the problem, so this is a lower bound of
            every completion's cost).
        stop_at: Give up when ``time.monotonic()`` passes this.

    Returns:
        (value, system) pairs, best first (ties in search order): each the
        best system of its class, meeting the request's limits, with exact
        figures and an optimal schedule. Fewer than ``k`` when the instance
        has fewer classes within ``limit``. None when not settled here.

    >>> from modcluster.generate import generate
    >>> from modcluster.io import build_request, catalog_from_data
    >>> from modcluster.solver.instance import prepare
    >>> from modcluster.solver.prune import restrict_hub
    >>> cat = catalog_from_data(generate("small", seed=1))
    >>> inst = prepare(cat, build_request(cat, cat.products[1].id))
    >>> ranked = settle(restrict_hub(inst, inst.hubs[0]), (1, 0), None, 3, 10_000)
    >>> [system.cents for _, system in ranked]
    [385480, 402220, 402420]
    """
    if len(inst.hubs) != 1 or len(inst.modules) > MAX_MODULES:
        return None
    chains = sum(len(p.buy) + (math.prod(map(len, slots_of(p))) if p.can_make else 0) for p in inst.modules)
    if chains > min(max_nodes, MAX_SOURCES):
        return None  # listing the sources alone would take longer than the search may
    hub = inst.hubs[0]
    sources = [_sources(plan, m, hub, inst.handover_days, dual) for m, plan in enumerate(inst.modules)]
    if not all(sources):
        return []  # a module without a source: no system
    count = len(sources)
    order = _order(sources)  # order[depth]: the module chosen at that depth
    cheapest = [0] * (count + 1)  # least cents of the modules from depth d on
    priced = [0] * (count + 1)  # least dual price of the modules from depth d on
    quickest = [0] * (count + 1)  # least ready day of the modules from depth d on (their max)
    for d in range(count - 1, -1, -1):
        options = sources[order[d]]
        cheapest[d] = cheapest[d + 1] + min(s.cents for s in options)
        priced[d] = priced[d + 1] + min(s.price for s in options)
        quickest[d] = max(quickest[d + 1], min(s.ready for s in options))
    constant = dual.constant if dual else 0
    w_cents, w_days = weights
    if dual is not None and limit is not None:
        # The partial systems whose dual price leaves room under the limit: the search visits those the
        # other bounds keep. Far more of them than the search may visit (ties at equal prices on large
        # hubs give astronomic counts) and it is not worth starting.
        cap = (limit - w_days * (quickest[0] + hub.integration_days)) // w_cents
        hopeless = HOPELESS * max_nodes
        if _partial_systems([sources[m] for m in order], cap * SCALE - constant - priced[0], hopeless) > hopeless:
            return None
    depth_of = {m: d for d, m in enumerate(order)}
    closes: dict[int, list[int]] = defaultdict(list)  # depth -> links whose later end is chosen there
    for i, link in enumerate(inst.links):
        closes[max(depth_of[link.a], depth_of[link.b])].append(i)
    max_partners = inst.request.limits.max_partners
    found: dict[tuple[object, ...], tuple[int, GreedySystem]] = {}
    values: list[int] = []  # values of the classes found, sorted
    chosen: list[_Source | None] = [None] * count  # by module
    partners: dict[str, int] = defaultdict(int)  # partner -> tasks it has so far
    nodes = 0

    def ceiling() -> int | None:
        kth = values[k - 1] if len(values) >= k else None
        if limit is None:
            return kth
        return limit if kth is None else min(limit, kth)

    # Each source's variant per interface kind, looked up once: the search asks at every node.
    kinds = {link.kind for link in inst.links}
    variants = {
        id(s): {kind: module_variant(s.module.buy, hub, kind) for kind in kinds} for options in sources for s in options
    }

    def variant(m: int, kind: str) -> str | None:
        source = chosen[m]
        assert source is not None
        return variants[id(source)][kind]

    def leaf(cents: int, ready: int, bridge_days: int) -> None:
        lead = ready + hub.integration_days + bridge_days
        matched = tuple(link_matched(variant(link.a, link.kind), variant(link.b, link.kind)) for link in inst.links)
        modules = tuple(s.module for s in chosen if s is not None)
        system = GreedySystem(hub.org, modules, ready, lead, cents, frozenset(partners), matched, hub.person)
        if not system.meets(inst):
            return
        if over_capacity(_tasks(system), inst.capacity):
            system = system_of(inst, [GreedyModule(gm.buy, gm.steps, gm.seed) for gm in modules])
            if system.lead != lead:
                raise _GiveUpError
        value = w_cents * cents + w_days * lead
        signature = system.signature()
        if signature in found:
            if value >= found[signature][0]:
                return
            values.remove(found[signature][0])
        found[signature] = (value, system)
        values.append(value)
        values.sort()

    def search(d: int, cents: int, fees: int, ready: int, bridge_cents: int, bridge_days: int, price: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > max_nodes or (nodes % 256 == 0 and stop_at is not None and time.monotonic() > stop_at):
            raise _GiveUpError
        if d == count:
            leaf(cents + fees + bridge_cents + hub.design_cents, ready, bridge_days)
            return
        m = order[d]
        lead_floor = max(ready, quickest[d + 1]) + hub.integration_days + bridge_days
        for source in sources[m]:
            top = ceiling()
            if top is not None and dual is not None:
                # Sources come by dual price: once the price alone is too high, so is every later one's.
                floor = -(-(constant + price + source.price + priced[d + 1]) // SCALE)
                if w_cents * floor + w_days * lead_floor > top:
                    break
            added = [q for q in source.orgs if q not in partners]
            chosen[m] = source
            more_cents = more_days = 0
            for i in closes.get(d, ()):
                link = inst.links[i]
                if not link_matched(variant(link.a, link.kind), variant(link.b, link.kind)):
                    more_cents += link.bridge_cents[hub.key]
                    more_days += link.bridge_days[hub.key]
            new_fees = fees + onboarding_total(inst, hub.org, added) if added else fees
            new_cents = cents + source.cents
            low_cents = hub.design_cents + new_cents + new_fees + bridge_cents + more_cents + cheapest[d + 1]
            new_price = price + source.price
            if dual is not None:
                low_cents = max(low_cents, -(-(constant + new_price + priced[d + 1]) // SCALE))
            new_ready = max(ready, source.ready)
            low_lead = max(new_ready, quickest[d + 1]) + hub.integration_days + bridge_days + more_days
            if (
                (inst.budget_cents is None or low_cents <= inst.budget_cents)
                and (inst.deadline is None or low_lead <= inst.deadline)
                and (max_partners is None or len(partners) + len(added) <= max_partners)
                and (top is None or w_cents * low_cents + w_days * low_lead <= top)
            ):
                for q in source.orgs:  # counted only for the branches searched: most are cut above
                    partners[q] += 1
                search(
                    d + 1, new_cents, new_fees, new_ready, bridge_cents + more_cents, bridge_days + more_days, new_price
                )
                for q in source.orgs:
                    partners[q] -= 1
                    if not partners[q]:
                        del partners[q]
            chosen[m] = None

    try:
        search(0, 0, 0, integration_ready(0, hub.ready_day), 0, 0, 0)  # ready: when integration may start
    except _GiveUpError:
        return None
    ranked = sorted(found.values(), key=lambda pair: pair[0])
    top = ceiling()
    return [pair for pair in ranked if top is None or pair[0] <= top][:k]


def _order(sources: list[list[_Source]]) -> list[int]:
    """Modules with fewer sources first, ties in product order.

    On the generated presets this visited 2-6 times fewer partial systems than
    product order, and fewer than the largest price gap first.
    """
    return sorted(range(len(sources)), key=lambda m: len(sources[m]))


def _partial_systems(sources: list[list[_Source]], room: int, most: int) -> int:
    """An over-count of the partial systems whose prices exceed the modules' least by at most ``room`` in all.

    Each price excess is rounded down to a unit of ``room / 64``, which can
    only admit more combinations. Counting stops above ``most``.
    """
    if room < 0:
        return 0
    unit = max(1, room // 64)
    steps = room // unit
    ways = [1] + [0] * steps  # ways[j]: partial systems so far whose excesses add up to j units
    total = 1
    for options in sources:
        low = min(s.price for s in options)
        excess = [(s.price - low) // unit for s in options]
        after = [0] * (steps + 1)
        for j, count in enumerate(ways):
            if count:
                for e in excess:
                    if j + e <= steps:
                        after[j + e] = min(most + 1, after[j + e] + count)
        ways = after
        total = min(most + 1, total + sum(ways))
    return total


def _tasks(system: GreedySystem) -> Iterator[tuple[str, int, int]]:
    """``(organisation, start, days)`` of every module task of a system, for :func:`over_capacity`."""
    for gm in system.modules:
        for option, start in zip(gm.tasks, gm.starts, strict=True):
            yield option.org, start, option.days
