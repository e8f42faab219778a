"""A greedy complete system: a first solution for CP-SAT and a feasible reference for generated requests.

For each hub the greedy picks, module by module, the source whose cents (with
the on-boarding of organisations not yet in the system) are lowest, then
schedules the tasks by list scheduling: each task starts at the earliest day
that respects its predecessors, the handover gaps and its organisation's
capacity. The result is a complete system with an exact cost and lead time
(the same arithmetic as the verifier). It ignores the request's limits, so it
may violate them; :func:`greedy` returns the best system over all hubs under
the request's objective.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ortools.sat.python import cp_model

from modcluster.domain import Objective
from modcluster.solver.deadline import check_time
from modcluster.solver.instance import HubOption, Instance, LinkPlan, ModulePlan, Option
from modcluster.solver.prune import slots_of
from modcluster.solver.rules.capacity import takes_capacity
from modcluster.solver.rules.distinct import Signature, module_class, signature
from modcluster.solver.rules.handover import chain_schedule
from modcluster.solver.rules.interfaces import link_matched, module_variant
from modcluster.solver.rules.limits import meets_limits
from modcluster.solver.rules.onboarding import onboarding_total, partners_of
from modcluster.solver.rules.people import hub_key, integration_ready
from modcluster.solver.rules.policies import net_cents
from modcluster.solver.rules.variables import ModuleVars, SlotVars

__all__ = [
    "GreedyModule",
    "GreedySystem",
    "add_system_hint",
    "fix_system",
    "greedy",
    "made_module",
    "nearby",
    "policy_terms",
    "smallest_sums",
    "system_cost",
    "system_of",
]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class GreedyModule:
    """One module's chosen source: a bought option, or make-step options and a seed, with their schedule.

    ``starts`` lists the start day of each task in chain order: the seed (if
    any), then the steps; or the single bought task.
    """

    buy: Option | None
    steps: tuple[Option, ...] = ()
    seed: Option | None = None
    starts: tuple[int, ...] = ()

    @property
    def tasks(self) -> tuple[Option, ...]:
        """The module's tasks in chain order."""
        if self.buy is not None:
            return (self.buy,)
        return ((self.seed,) if self.seed is not None else ()) + self.steps


@dataclass(frozen=True, slots=True)
class GreedySystem:
    """A complete system with its schedule, exact cost (cents) and lead time (days)."""

    hub: str
    modules: tuple[GreedyModule, ...]
    integration_start: int
    lead: int
    cents: int
    partners: frozenset[str] = field(default_factory=frozenset)
    matched: tuple[bool, ...] = ()
    person: str | None = None

    def signature(self) -> Signature:
        """What makes two systems different candidates (:func:`~modcluster.solver.rules.distinct.signature`)."""
        return signature(hub_key(self.hub, self.person), (module_class(gm) for gm in self.modules))

    def meets(self, inst: Instance) -> bool:
        """Whether the system meets the request's limits (:func:`~modcluster.solver.rules.limits.meets_limits`)."""
        return meets_limits(inst, self.hub, self.cents, self.lead, self.partners)


def _choose(plan: ModulePlan, inst: Instance, hub: str, partners: set[str]) -> GreedyModule:
    """The module's cheapest source given the partners already chosen (ties: shorter)."""

    def price(o: Option) -> tuple[int, int]:
        extra = 0 if o.org == hub or o.org in partners else inst.onboarding_cents(hub, o.org)
        return (o.cents + extra, o.days)

    best: tuple[tuple[int, int], GreedyModule] | None = None
    if plan.buy:
        option = min(plan.buy, key=price)
        best = (price(option), GreedyModule(option))
    if plan.can_make:
        steps = tuple(min(opts, key=price) for opts in plan.steps or ())
        seed = min(plan.seeds, key=price) if plan.seeds else None
        chosen = steps + ((seed,) if seed is not None else ())
        orgs = {o.org for o in chosen} - {hub} - partners
        total = sum(o.cents for o in chosen) + sum(inst.onboarding_cents(hub, q) for q in orgs)
        key = (total, sum(o.days for o in chosen))
        if best is None or key < best[0]:
            best = (key, GreedyModule(None, steps, seed))
    assert best is not None, "greedy needs a source for every module"
    return best[1]


class _Calendar:
    """Busy intervals per organisation; finds the earliest start within capacity.

    Each organisation's load is kept as a step function (sorted change points
    and the number of tasks running from each), updated as tasks are placed,
    so a placement is one forward pass over the points from ``ready``
    (:meth:`_earliest`), not a count of every interval at every point of
    every candidate (that was cubic in the tasks: tens of seconds for
    products of hundreds of modules).
    """

    def __init__(self, capacity: dict[str, int]) -> None:
        self.capacity = capacity
        self.busy: dict[str, list[tuple[int, int]]] = {}
        self._points: dict[str, list[int]] = {}
        self._load: dict[str, list[int]] = {}
        self._ends: dict[str, list[int]] = {}

    def place(self, org: str, ready: int, days: int) -> int:
        """The earliest start from ``ready`` (at ``ready`` or at the end of a busy interval) within capacity.

        The same start as checking, for each candidate, how many busy intervals
        cover the candidate and every busy start inside the task.
        """
        if not takes_capacity(days):
            return ready
        busy = self.busy.setdefault(org, [])
        points = self._points.setdefault(org, [])
        load = self._load.setdefault(org, [])
        ends = self._ends.setdefault(org, [])
        cap = self.capacity[org]
        start = ready
        if len(busy) >= cap:  # fewer tasks than capacity: nothing can be full
            start = self._earliest(points, load, ends, ready, days, cap)
        end = start + days
        busy.append((start, end))
        bisect.insort(ends, end)
        first = self._point(points, load, start)
        last = self._point(points, load, end)
        for index in range(first, last):
            load[index] += 1
        return start

    @staticmethod
    def _earliest(points: list[int], load: list[int], ends: list[int], ready: int, days: int, cap: int) -> int:
        """The first candidate start (``ready``, then each busy end after it) whose ``days`` stay under ``cap``.

        One forward pass: when the task would meet a full moment at change
        point ``p``, every candidate up to ``p`` meets it too, so the next one
        tried is the first busy end after ``p``.
        """
        start = ready
        while True:
            index = bisect.bisect_right(points, start) - 1
            full = index if index >= 0 and load[index] >= cap else None
            index += 1
            while full is None and index < len(points) and points[index] < start + days:
                if load[index] >= cap:
                    full = index
                index += 1
            if full is None:
                return start
            after = bisect.bisect_right(ends, max(points[full], start))
            if after == len(ends):  # pragma: no cover - the latest end is always free
                raise AssertionError("unreachable: the latest end is always free")
            start = ends[after]

    @staticmethod
    def _point(points: list[int], load: list[int], at: int) -> int:
        """The index of change point ``at``, added (with the load it splits) when missing."""
        index = bisect.bisect_left(points, at)
        if index == len(points) or points[index] != at:
            points.insert(index, at)
            load.insert(index, load[index - 1] if index > 0 else 0)
        return index


def system_of(inst: Instance, chosen: list[GreedyModule]) -> GreedySystem:
    """The one-hub instance's system with the given sources, list-scheduled, with its exact figures."""
    return _system(inst, inst.hubs[0], chosen)


def _system(inst: Instance, hub: HubOption, chosen: list[GreedyModule] | None = None) -> GreedySystem:
    if chosen is None:
        so_far: set[str] = set()
        chosen = []
        for plan in inst.modules:
            gm = _choose(plan, inst, hub.org, so_far)
            so_far.update(o.org for o in gm.tasks if o.org != hub.org)
            chosen.append(gm)
    partners = partners_of(hub.org, (o.org for gm in chosen for o in gm.tasks))
    calendar = _Calendar(inst.capacity)
    # Longest chains first: they decide the lead time.
    order = sorted(range(len(chosen)), key=lambda i: -sum(o.days for o in chosen[i].tasks))
    scheduled: dict[int, GreedyModule] = {}
    modules_ready = 0
    for index in order:
        check_time()
        gm = chosen[index]
        starts, ready = chain_schedule(gm.tasks, hub.org, inst.handover_days, calendar.place)
        modules_ready = max(modules_ready, ready)
        scheduled[index] = GreedyModule(gm.buy, gm.steps, gm.seed, starts)
    modules = tuple(scheduled[i] for i in range(len(chosen)))
    cents, matched = system_cost(inst, hub, modules)
    bridges = sum(link.bridge_days[hub.key] for link, ok in zip(inst.links, matched, strict=True) if not ok)
    days = hub.integration_days + bridges
    start = integration_ready(modules_ready, hub.ready_day)
    return GreedySystem(hub.org, modules, start, start + days, cents, partners, matched, hub.person)


def system_cost(inst: Instance, hub: HubOption, modules: Sequence[GreedyModule]) -> tuple[int, tuple[bool, ...]]:
    """A system's exact cost in cents (less the refunds of the policies in effect), and which links are matched."""
    partners = partners_of(hub.org, (o.org for gm in modules for o in gm.tasks))
    cents = hub.design_cents + sum(o.cents for gm in modules for o in gm.tasks)
    cents += onboarding_total(inst, hub.org, partners)
    matched = []
    bridges = 0
    for link in inst.links:
        ok = link_matched(
            module_variant(modules[link.a].buy, hub, link.kind), module_variant(modules[link.b].buy, hub, link.kind)
        )
        matched.append(ok)
        if not ok:
            bridges += link.bridge_cents[hub.key]
    cents += bridges
    if inst.policies:
        cents = net_cents(inst.policies, cents, policy_terms(hub, modules, bridges))
    return cents, tuple(matched)


def policy_terms(hub: HubOption, modules: Sequence[GreedyModule], bridge_cents: int) -> list[tuple[str, str, int]]:
    """A system's cost terms a policy may cover, as (kind, organisation, cents): what ``refunds`` reads.

    The hub's design fee and bridges (``integration``), the person's fee
    (``people``), each step, bought module and licence at its organisation.
    """
    terms = [("integration", hub.org, hub.design_cents - hub.person_cents + bridge_cents)]
    if hub.person_cents:
        terms.append(("people", hub.org, hub.person_cents))
    for gm in modules:
        if gm.buy is not None:
            terms.append(("modules", gm.buy.org, gm.buy.cents))
            continue
        if gm.seed is not None:
            terms.append(("licences", gm.seed.org, gm.seed.cents))
        terms.extend(("steps", o.org, o.cents) for o in gm.steps)
    return terms


def smallest_sums(lists: Sequence[Sequence[tuple[int, _T]]], n: int) -> list[tuple[int, list[_T]]]:
    """The ``n`` smallest sums that take one entry from each list, smallest first, with the entries taken.

    Each list holds (value, item) pairs. Ties are broken by the positions of
    the entries in their lists, sorted stably by value, so the result does not
    depend on how items compare.

    >>> smallest_sums([[(1, "a"), (4, "b")], [(0, "x"), (2, "y")]], 3)
    [(1, ['a', 'x']), (3, ['a', 'y']), (4, ['b', 'x'])]
    """
    ordered = [sorted(values, key=lambda pair: pair[0]) for values in lists]
    if n < 1 or any(not values for values in ordered):
        return []
    first = (0,) * len(ordered)
    heap = [(sum(values[0][0] for values in ordered), first)]
    seen = {first}
    out: list[tuple[int, list[_T]]] = []
    while heap and len(out) < n:
        total, index = heapq.heappop(heap)
        out.append((total, [values[i][1] for values, i in zip(ordered, index, strict=True)]))
        for j, values in enumerate(ordered):
            if index[j] + 1 < len(values):
                step = (*index[:j], index[j] + 1, *index[j + 1 :])
                if step not in seen:
                    seen.add(step)
                    heapq.heappush(heap, (total - values[index[j]][0] + values[index[j] + 1][0], step))
    return out


def nearby(inst: Instance, base: GreedySystem, n: int) -> list[list[GreedyModule]]:
    """Up to ``n`` systems of a one-hub instance near ``base``, by estimated cost, least first.

    Each module's alternatives (another bought option; one make slot
    changed; the cheapest chain instead of buying) are priced exactly as the
    only change to ``base``; systems combine the alternatives of several
    modules, ranked by the sum of their changes (exact for one change; the
    on-boarding and bridges two changes share make sums an estimate). The
    runner-up systems of a good ``base`` are mostly among them.
    """
    hub = inst.hubs[0]
    chosen = [GreedyModule(gm.buy, gm.steps, gm.seed) for gm in base.modules]
    change = _OneChange(inst, hub, chosen)
    per_module: list[list[tuple[int, GreedyModule]]] = []
    for m, plan in enumerate(inst.modules):
        check_time()
        current = chosen[m]
        alternatives = [(0, current)]
        for alternative in _alternatives(plan, current):
            alternatives.append((change.delta(m, alternative), alternative))
        per_module.append(sorted(alternatives, key=lambda pair: pair[0])[:n])
    return [systems for _, systems in smallest_sums(per_module, n)]


class _OneChange:
    """The exact change of :func:`system_cost` when one module's source is replaced, without re-pricing the rest.

    The same number as ``system_cost(trial) - system_cost(base)`` for a trial
    that differs from ``base`` in module ``m`` only: the module's task cents,
    the on-boarding of partners that come or go (counted by how many modules
    each partner serves), and the bridges of the links at ``m``. Linear in the
    module and its links, where re-pricing the whole system made
    :func:`nearby` quadratic in the modules (seconds at 300 modules).
    """

    def __init__(self, inst: Instance, hub: HubOption, chosen: Sequence[GreedyModule]) -> None:
        self.inst, self.hub, self.chosen = inst, hub, chosen
        self.uses: dict[str, int] = {}
        for gm in chosen:
            for org in {o.org for o in gm.tasks if o.org != hub.org}:
                self.uses[org] = self.uses.get(org, 0) + 1
        self.links_at: list[list[LinkPlan]] = [[] for _ in chosen]
        for link in inst.links:
            self.links_at[link.a].append(link)
            if link.b != link.a:
                self.links_at[link.b].append(link)

    def _bridges(self, m: int, module: GreedyModule) -> int:
        hub, chosen = self.hub, self.chosen
        cents = 0
        for link in self.links_at[m]:
            a = module if link.a == m else chosen[link.a]
            b = module if link.b == m else chosen[link.b]
            if not link_matched(module_variant(a.buy, hub, link.kind), module_variant(b.buy, hub, link.kind)):
                cents += link.bridge_cents[hub.key]
        return cents

    def delta(self, m: int, alternative: GreedyModule) -> int:
        """The cost in cents of the system with module ``m`` from ``alternative``, minus the base's."""
        current = self.chosen[m]
        hub = self.hub.org
        cents = sum(o.cents for o in alternative.tasks) - sum(o.cents for o in current.tasks)
        before = {o.org for o in current.tasks if o.org != hub}
        after = {o.org for o in alternative.tasks if o.org != hub}
        for org in before - after:
            if self.uses.get(org, 0) == 1:  # served only this module: no longer a partner
                cents -= self.inst.onboarding_cents(hub, org)
        for org in after - before:
            if self.uses.get(org, 0) == 0:  # a new partner
                cents += self.inst.onboarding_cents(hub, org)
        return cents + self._bridges(m, alternative) - self._bridges(m, current)


def _alternatives(plan: ModulePlan, current: GreedyModule) -> list[GreedyModule]:
    """A module's sources that differ from ``current`` in one choice."""
    out = [GreedyModule(o) for o in plan.buy if o is not current.buy]
    if not plan.can_make:
        return out
    slots = slots_of(plan)
    if current.buy is not None:
        cheapest = [min(options, key=lambda o: o.cents) for options in slots]
        return [*out, made_module(plan, cheapest)]
    tasks = current.tasks
    for i, options in enumerate(slots):
        out += [made_module(plan, [*tasks[:i], o, *tasks[i + 1 :]]) for o in options if o is not tasks[i]]
    return out


def made_module(plan: ModulePlan, tasks: Sequence[Option]) -> GreedyModule:
    """A made module's choice from its tasks in chain order (the seed first, when it has one)."""
    if plan.seeds is not None:
        return GreedyModule(None, tuple(tasks[1:]), tasks[0])
    return GreedyModule(None, tuple(tasks))


def greedy(inst: Instance) -> GreedySystem | None:
    """The best greedy system over all hubs under the request's objective (None without hub or source).

    >>> from modcluster import load_catalog, build_request
    >>> from modcluster.solver.instance import prepare
    >>> cat = load_catalog("catalogs/examples/mini.yaml")
    >>> system = greedy(prepare(cat, build_request(cat)))
    >>> system is not None and system.cents > 0 and system.lead > 0
    True
    """
    if not inst.hubs or not all(p.buy or p.can_make for p in inst.modules):
        return None
    request = inst.request
    weights = request.weights

    def key(s: GreedySystem) -> tuple[object, ...]:
        if request.objective is Objective.LEAD_TIME:
            return (s.lead, s.cents)
        if request.objective is Objective.WEIGHTED:
            return (weights.cost * s.cents + weights.lead_time * 100 * s.lead, s.cents, s.lead)
        return (s.cents, s.lead)

    return min((_system(inst, h) for h in inst.hubs), key=key)


def add_system_hint(
    model: cp_model.CpModel,
    hub: Mapping[str, cp_model.IntVar],
    modules: Sequence[ModuleVars],
    system: GreedySystem,
    at_org: Mapping[str, cp_model.IntVar] | None = None,
) -> None:
    """Hint a complete system (its hub, sources, options and schedule) on a model's variables of one system.

    ``hub``: the literals of the hub options (``hub_option``), by :attr:`HubOption.key`; ``at_org``: the
    organisations' hub literals, hinted too where they are variables of their own (several options).
    """
    key = hub_key(system.hub, system.person)
    for option_key, lit in hub.items():
        model.add_hint(lit, option_key == key)
    own = {id(lit) for lit in hub.values()}
    for org, lit in (at_org or {}).items():
        if id(lit) not in own:
            model.add_hint(lit, org == system.hub)
    for gm, mv in zip(system.modules, modules, strict=True):
        if mv.make is not None:
            model.add_hint(mv.make, gm.buy is None)
        slots: list[tuple[SlotVars | None, tuple[Option, ...]]] = [(mv.buy, (gm.buy,) if gm.buy is not None else ())]
        if mv.make is not None:
            chain = ([mv.seed] if mv.seed is not None else []) + mv.steps
            made = gm.tasks if gm.buy is None else ()
            slots += [(slot, (made[i],) if made else ()) for i, slot in enumerate(chain)]
        starts = dict(zip(map(id, gm.tasks), gm.starts, strict=True))
        for slot, chosen in slots:
            if slot is None:
                continue
            for option, lit in zip(slot.options, slot.lits, strict=True):
                model.add_hint(lit, bool(chosen) and option is chosen[0])
            if chosen:
                model.add_hint(slot.start, starts[id(chosen[0])])
                model.add_hint(slot.end, starts[id(chosen[0])] + chosen[0].days)


def fix_system(
    model: cp_model.CpModel, hub: Mapping[str, cp_model.IntVar], modules: Sequence[ModuleVars], system: GreedySystem
) -> list[int]:
    """Fix a system's choices (its hub option, each module's route and chosen options); the schedule stays free.

    ``hub``: the literals of the hub options (``hub_option``), by :attr:`HubOption.key`.

    Returns:
        The indices of the constraints added (clear them to undo: ``proto.constraints[i].clear_linear()``).
    """
    added = [model.add(hub[hub_key(system.hub, system.person)] == 1).index]
    for gm, mv in zip(system.modules, modules, strict=True):
        if mv.make is not None:
            added.append(model.add(mv.make == (1 if gm.buy is None else 0)).index)
        if gm.buy is not None:
            assert mv.buy is not None
            added += [
                model.add(lit == 1).index for o, lit in zip(mv.buy.options, mv.buy.lits, strict=True) if o is gm.buy
            ]
            continue
        chain = ([mv.seed] if mv.seed is not None else []) + mv.steps
        for slot, chosen in zip(chain, gm.tasks, strict=True):
            added += [model.add(lit == 1).index for o, lit in zip(slot.options, slot.lits, strict=True) if o is chosen]
    return added
