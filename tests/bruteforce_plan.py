"""Exhaustive reference for TINY plans (contract v1.1 "Plans"), on top of tests/bruteforce.py.

Like :mod:`tests.bruteforce` it shares nothing that computes with the solver
or the verifier: it reads the parsed catalog and plan request, layers each
entry's request with :func:`modcluster.domain.entry_requests` (a domain
function: the plan's objective and weights, one candidate), and does the rest
here, from the contract and the project's readings of it:

- each entry's systems are the v1 systems of its request (filters, ``hub``,
  ``max_lot``), kept when they meet its ``max_partners`` and ``require``;
- each entry's system is priced as in :mod:`tests.bruteforce`, municipal
  policies included: its own refunds and caps, each policy on that system's
  terms (onboarding is never eligible, so who pays a shared tie does not
  change a refund);
- onboarding of a hub-partner pair (unordered) is paid once in the plan, by
  the first entry in file order whose system has the pair; an entry's cost
  holds only the onboarding it pays, its ``budget`` bounds that cost, the
  plan's ``budget`` the total;
- one schedule for all the entries' tasks at once: capacity shared (an
  entry's integration is a task of its hub like any other, 0-day tasks take
  none), every task of an entry starts on its ``release`` or later,
  precedences and handover gaps within each system, each entry's lead time
  the end of its integration counted from day 0, its ``deadline`` a day of
  that calendar; the schedule minimising the sum of lead times is found
  exactly (:func:`min_total_lead`);
- the key of a plan is :func:`tests.bruteforce.objective_key` of the first
  entry's request (the plan's objective and weights) on the total cents and
  the sum of lead times: ``cost`` (total, leads), ``lead_time`` (leads,
  total), ``weighted`` (w_cost * total + w_lead * leads, total, leads).

Meant to be obviously right rather than fast: every combination of one
system per entry is priced, and scheduled exactly unless a bound proves it
cannot be best (:func:`plan_reference`, :func:`min_total_lead` say why each
shortcut is safe). Use it on tiny instances (two or three entries, a handful
of systems each); ``effort`` makes it give up (:class:`TooLargeError`)
rather than run for minutes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from modcluster.domain import Catalog, PlanRequest, Request, entry_requests
from tests.bruteforce import (
    Source,
    Task,
    _earliest_start,
    _figures,
    _systems,
    objective_key,
    onboarding_cents,
)

__all__ = [
    "Effort",
    "EntrySystem",
    "PlanChoice",
    "TooLargeError",
    "earliest_ends",
    "entry_systems",
    "min_total_lead",
    "plan_reference",
]


# --------------------------------------------------------------------------- the joint schedule


class TooLargeError(Exception):
    """The instance is beyond the effort the caller allowed: no answer (tests discard such examples)."""


class Effort:
    """A budget of work: :meth:`spend` raises :class:`TooLargeError` once more than ``limit`` units are spent."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.spent = 0

    def spend(self, units: int = 1) -> None:
        self.spent += units
        if self.limit is not None and self.spent > self.limit:
            raise TooLargeError(f"more than {self.limit} units of work")


def earliest_ends(
    durations: Sequence[int],
    releases: Sequence[int],
    precedences: Sequence[tuple[int, int, int]],
    placed: Mapping[int, int],
) -> list[int]:
    """Each task's end with the ``placed`` tasks where they are and the others as early as allowed, capacity ignored.

    A lower bound of every end in any schedule that keeps the placed tasks.
    """
    before: list[list[tuple[int, int]]] = [[] for _ in durations]
    for a, b, gap in precedences:
        before[b].append((a, gap))
    starts = dict(placed)
    pending = [t for t in range(len(durations)) if t not in starts]
    while pending:
        waiting = []
        for t in pending:
            if all(a in starts for a, _ in before[t]):
                starts[t] = max([releases[t], *(starts[a] + durations[a] + gap for a, gap in before[t])])
            else:
                waiting.append(t)
        assert len(waiting) < len(pending), "precedences with a cycle"
        pending = waiting
    return [starts[t] + durations[t] for t in range(len(durations))]


def min_total_lead(
    durations: Sequence[int],
    organizations: Sequence[str],
    capacities: Mapping[str, int],
    releases: Sequence[int],
    precedences: Sequence[tuple[int, int, int]],
    sinks: Sequence[int],
    deadlines: Sequence[int | None],
    effort: Effort | None = None,
) -> tuple[int, tuple[int, ...]] | None:
    """The least sum of the ends of ``sinks``, each within its deadline, and a schedule reaching it; None: none.

    Each partial schedule followed spends a unit of ``effort`` (None: no end).

    ``releases[t]`` is the first day task ``t`` may start; ``precedences`` are
    ``(before, after, gap)``: ``start[after] >= end[before] + gap``; a task of
    length 0 takes no capacity.

    Why it is exact:

    1. The sum of ends is a regular objective and deadlines only bound ends
       from above: moving tasks of a feasible schedule earlier, one at a time
       while one can go, ends in an *active* schedule (no task can start
       earlier with the others kept) that is feasible and no worse.
    2. Take the tasks of an active schedule in the order of their start days
       and place each at its earliest start that fits among the tasks placed
       before it, no earlier than the last start so far (the serial
       schedule-generation scheme, in time order): each lands on its own
       start day. It cannot land earlier: a fit among the tasks starting no
       later than it would be a fit in the whole schedule (the tasks starting
       later do not run before it, and where they run it already ran), and
       the schedule is active. The search below tries every such order (each
       task taken when its predecessors are placed), so it meets an optimal
       schedule; everything it builds is a feasible schedule.
    3. A task whose start cannot depend on the order (length 0, or at an
       organisation with no more tasks of positive length than its capacity,
       where everything fits) is placed as soon as its predecessors are, at
       the earliest day they and its release allow.
    4. What is left to do from a partial schedule depends only on: the tasks
       placed, the last start so far (among the others), the days after it
       that placed tasks still take at each organisation, and, for each
       unplaced task, the day its placed predecessors let it start (no
       earlier than the last start, for a task of point 2). Of two partial
       schedules alike in these, both within the deadlines of the ``sinks``
       they placed, the one whose placed ends of ``sinks`` sum higher is
       dropped (ties: the second).
    5. A partial schedule is dropped when even ends that ignore capacity (the
       unplaced tasks of point 2 starting no earlier than the last start)
       miss a deadline or cannot beat the best sum found.

    When no organisation is over its capacity, the earliest starts are the
    answer at once (point 3 places every task).
    """
    n = len(durations)
    before: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for a, b, gap in precedences:
        before[b].append((a, gap))
    load: dict[str, int] = {}
    for org, duration in zip(organizations, durations, strict=True):
        load[org] = load.get(org, 0) + (1 if duration > 0 else 0)
    free = [durations[t] == 0 or load[organizations[t]] <= capacities[organizations[t]] for t in range(n)]
    sink_set = set(sinks)

    def ready(placed: Mapping[int, int], t: int) -> int:
        """The earliest start of ``t`` by its release and its (placed) predecessors."""
        return max([releases[t], *(placed[a] + durations[a] + gap for a, gap in before[t])])

    best: list[Any] = [None, None]
    least_done: dict[Any, int] = {}

    def search(placed: dict[int, int]) -> None:
        placed = dict(placed)
        progress = True
        while progress:  # point 3
            progress = False
            for t in range(n):
                if t not in placed and free[t] and all(a in placed for a, _ in before[t]):
                    placed[t] = ready(placed, t)
                    progress = True
        last = max([0, *(start for t, start in placed.items() if not free[t])])
        for s, d in zip(sinks, deadlines, strict=True):
            if d is not None and s in placed and placed[s] + durations[s] > d:
                return
        waits: dict[int, int] = {}
        for b in range(n):
            if b not in placed and any(a in placed for a, _ in before[b]):
                wait = max(placed[a] + durations[a] + gap for a, gap in before[b] if a in placed)
                waits[b] = wait if free[b] else max(wait, last)
        future = (  # point 4
            frozenset(placed),
            last,
            tuple(
                sorted(
                    (organizations[u], max(start, last), start + durations[u])
                    for u, start in placed.items()
                    if not free[u] and start + durations[u] > last
                )
            ),
            tuple(sorted(waits.items())),
        )
        done = sum(placed[s] + durations[s] for s in sink_set if s in placed)
        if future in least_done and least_done[future] <= done:
            return
        least_done[future] = done
        if effort is not None:
            effort.spend()
        bounds = [releases[t] if free[t] else max(releases[t], last) for t in range(n)]
        ends = earliest_ends(durations, bounds, precedences, placed)  # point 5
        if any(d is not None and ends[s] > d for s, d in zip(sinks, deadlines, strict=True)):
            return
        total = sum(ends[s] for s in sinks)
        if best[0] is not None and total >= best[0]:
            return
        if len(placed) == n:
            best[0], best[1] = total, tuple(placed[t] for t in range(n))
            return
        children = []
        for t in range(n):
            if t in placed or any(a not in placed for a, _ in before[t]):
                continue
            org = organizations[t]
            busy = [(s, s + durations[u]) for u, s in placed.items() if organizations[u] == org and durations[u] > 0]
            children.append((_earliest_start(busy, capacities[org], max(ready(placed, t), last), durations[t]), t))
        for start, t in sorted(children):  # the earliest first: a good sum early drops more (point 5)
            search({**placed, t: start})

    search({})
    if best[0] is None:
        return None
    return int(best[0]), tuple(best[1])


# --------------------------------------------------------------------------- each entry's systems


@dataclass(frozen=True)
class EntrySystem:
    """One system of an entry: hub, sources, partners, net cost in cents without onboarding, tasks and precedences."""

    hub: str
    sources: tuple[tuple[str, Source], ...]
    partners: tuple[str, ...]
    cents_before_onboarding: int
    tasks: tuple[Task, ...]
    precedences: tuple[tuple[int, int, int], ...]


def entry_systems(catalog: Catalog, request: Request) -> list[EntrySystem]:
    """The entry's systems meeting ``max_partners`` and ``require`` (budget and deadline are the plan's to check).

    Of systems alike in everything the plan looks at (hub, partners, each
    task's organisation and length, precedences) only a cheapest is kept: the
    onboarding it pays and its schedule are the same, its cost no higher.
    """
    limits = request.limits
    kept: dict[Any, EntrySystem] = {}
    for hub, person, sources in _systems(catalog, request):
        fig = _figures(catalog, request, hub, sources, person)
        if limits.max_partners is not None and len(fig.partners) > limits.max_partners:
            continue
        if any(org != hub and org not in fig.partners for org in request.require):
            continue
        system = EntrySystem(
            hub, sources, fig.partners, fig.cents - fig.breakdown["onboarding"], fig.tasks, fig.precedences
        )
        alike = (hub, person, fig.partners, tuple((t.organization, t.duration) for t in fig.tasks), fig.precedences)
        held = kept.get(alike)
        if held is None or system.cents_before_onboarding < held.cents_before_onboarding:
            kept[alike] = system
    return list(kept.values())


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlanChoice:
    """The best plan found: a system per entry, the cents each pays, each lead time, every task's start."""

    systems: tuple[EntrySystem, ...]
    cents: tuple[int, ...]
    leads: tuple[int, ...]
    starts: tuple[tuple[int, ...], ...]

    @property
    def total_cents(self) -> int:
        return sum(self.cents)


def _paid_onboarding(catalog: Catalog, systems: Sequence[EntrySystem]) -> list[int]:
    """The onboarding each entry pays: a pair's fee goes to the first entry (in order) whose system has it."""
    tied: set[frozenset[str]] = set()
    paid = []
    for system in systems:
        cents = 0
        for partner in system.partners:
            pair = frozenset((system.hub, partner))
            if pair not in tied:
                tied.add(pair)
                cents += onboarding_cents(catalog, system.hub, partner)
        paid.append(cents)
    return paid


def _within(cents: int, budget: Any) -> bool:
    return budget is None or Fraction(cents, 100) <= Fraction(budget)


@dataclass(frozen=True)
class _Joint:
    """The tasks of every entry's system in one list, entry after entry; each entry's sink is its integration."""

    durations: tuple[int, ...]
    organizations: tuple[str, ...]
    releases: tuple[int, ...]
    precedences: tuple[tuple[int, int, int], ...]
    sinks: tuple[int, ...]
    offsets: tuple[int, ...]


def _joint(systems: Sequence[EntrySystem], releases: Sequence[int]) -> _Joint:
    durations: list[int] = []
    organizations: list[str] = []
    task_releases: list[int] = []
    precedences: list[tuple[int, int, int]] = []
    sinks: list[int] = []
    offsets: list[int] = []
    for system, release in zip(systems, releases, strict=True):
        offset = len(durations)
        offsets.append(offset)
        durations += [t.duration for t in system.tasks]
        organizations += [t.organization for t in system.tasks]
        task_releases += [release] * len(system.tasks)
        precedences += [(offset + a, offset + b, gap) for a, b, gap in system.precedences]
        sinks.append(len(durations) - 1)  # the integration is each system's last task
    return _Joint(
        tuple(durations), tuple(organizations), tuple(task_releases), tuple(precedences), tuple(sinks), tuple(offsets)
    )


def _options(catalog: Catalog, requests: Sequence[Request]) -> list[list[EntrySystem]]:
    """Each entry's systems; one dearer than the entry's budget before any onboarding is dearer with it: left out."""
    return [
        [s for s in entry_systems(catalog, request) if _within(s.cents_before_onboarding, request.limits.budget)]
        for request in requests
    ]


def plan_reference(
    catalog: Catalog, plan_request: PlanRequest, *, effort: int | None = None
) -> tuple[tuple[Any, ...] | None, dict[str, Any]]:
    """The best plan's objective key (None: no plan exists) and details of the search.

    Every combination of one system per entry within the budgets gets an
    optimistic key: its total cost with the sum of lead times that ignores
    capacity (a lower bound; every key grows with the sum of lead times; the
    entries share no precedence, so it is the sum of each entry's own).
    Combinations are then scheduled exactly in the order of those keys,
    until the optimistic key of the next one is no better than the best key
    found.

    ``details``: ``systems`` (each entry's count of systems kept),
    ``combinations`` (tried), ``within_budgets`` (of those, meeting every
    budget), ``scheduled`` (of those, whose schedule was searched), and
    ``best`` (a :class:`PlanChoice` or None).

    Raises :class:`TooLargeError` when the combinations of systems and the
    partial schedules followed, one unit of work each, are more than
    ``effort`` (None: no end).
    """
    requests = entry_requests(catalog, plan_request)
    releases = [entry.release for entry in plan_request.entries]
    deadlines = tuple(r.limits.deadline for r in requests)
    capacity = {org.id: org.capacity for org in catalog.organizations}
    options = _options(catalog, requests)
    lower_lead = [  # each system's integration end from its entry's release, capacity ignored
        [earliest_ends([t.duration for t in s.tasks], [release] * len(s.tasks), s.precedences, {})[-1] for s in systems]
        for systems, release in zip(options, releases, strict=True)
    ]
    details: dict[str, Any] = {
        "systems": [len(o) for o in options],
        "combinations": 0,
        "within_budgets": 0,
        "scheduled": 0,
        "best": None,
    }
    work = Effort(effort)
    work.spend(math.prod(len(o) for o in options))
    keys: dict[tuple[int, int], tuple[Any, ...]] = {}
    candidates: list[tuple[tuple[Any, ...], int, tuple[EntrySystem, ...], list[int]]] = []
    for choice in itertools.product(*(range(len(o)) for o in options)):
        systems = tuple(options[index][k] for index, k in enumerate(choice))
        details["combinations"] += 1
        paid = _paid_onboarding(catalog, systems)
        cents = [s.cents_before_onboarding + p for s, p in zip(systems, paid, strict=True)]
        if not all(_within(c, r.limits.budget) for c, r in zip(cents, requests, strict=True)):
            continue
        total = sum(cents)
        if not _within(total, plan_request.limits.budget):
            continue
        details["within_budgets"] += 1
        figures = (total, sum(lower_lead[index][k] for index, k in enumerate(choice)))
        if figures not in keys:
            keys[figures] = objective_key(requests[0], *figures)
        candidates.append((keys[figures], len(candidates), systems, cents))

    best_key: tuple[Any, ...] | None = None
    cache: dict[Any, tuple[int, tuple[int, ...]] | None] = {}
    for optimistic, _, systems, cents in sorted(candidates, key=lambda c: (c[0], c[1])):
        if best_key is not None and optimistic >= best_key:
            break
        details["scheduled"] += 1
        joint = _joint(systems, releases)
        shape = (joint.durations, joint.organizations, joint.releases, joint.precedences, joint.sinks)
        if shape not in cache:
            cache[shape] = min_total_lead(
                joint.durations,
                joint.organizations,
                capacity,
                joint.releases,
                joint.precedences,
                joint.sinks,
                deadlines,
                work,
            )
        found = cache[shape]
        if found is None:
            continue
        leads_sum, starts = found
        key = objective_key(requests[0], sum(cents), leads_sum)
        if best_key is None or key < best_key:
            best_key = key
            bounds = [*joint.offsets, len(joint.durations)]
            details["best"] = PlanChoice(
                tuple(systems),
                tuple(cents),
                tuple(starts[s] + joint.durations[s] for s in joint.sinks),
                tuple(starts[bounds[i] : bounds[i + 1]] for i in range(len(systems))),
            )
    return best_key, details
