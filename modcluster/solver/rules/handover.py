"""Rule: handover precedences (MODEL.md, "Tasks, durations and the schedule" and "Tasks and time").

A make-module's seed transfer comes before its first step, its steps in
order, and every module's last task before integration. Between tasks of two
different organisations the later one starts ``handover_days`` after the
earlier one ends (:func:`handover_days`); at one organisation (the hub
included, before integration) there is no gap. :func:`chain_schedule`
schedules a module's chain with it (hints, settling, the lead-time bound),
:func:`least_handover` is the gap no choice of two slots avoids (bounds and
pruning), and :func:`post_handovers` is the rule in the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from modcluster.solver.deadline import check_time
from modcluster.solver.rules.variables import ModelParts, linear_sum

if TYPE_CHECKING:
    from modcluster.solver.instance import Option

__all__ = ["chain_schedule", "handover_days", "least_handover", "post_handovers", "quickest_ready"]

Place = Callable[[str, int, int], int]
"""Where a task may start: ``place(org, ready, days)`` -> start day >= ready (capacity, in the hints)."""


def handover_days(gap: int, before: str | None, after: str) -> int:
    """Days between a task of ``before`` and the next one, of ``after``: ``gap`` between two organisations.

    >>> handover_days(2, "a", "b"), handover_days(2, "a", "a")
    (2, 0)
    """
    return gap if before != after else 0


def least_handover(gap: int, before: Iterable[str], after: Iterable[str]) -> int:
    """The gap between two slots that no choice avoids: ``gap`` unless some organisation can do both.

    >>> least_handover(2, ["a", "b"], ["b"]), least_handover(2, ["a"], ["b"])
    (0, 2)
    """
    return 0 if set(before) & set(after) else gap


def chain_schedule(
    tasks: Sequence[Option], hub: str, gap: int, place: Place | None = None
) -> tuple[tuple[int, ...], int]:
    """Each task of a module's chain as early as its predecessor and the handover allow, and when integration may start.

    Args:
        tasks: The chain's tasks in order (the seed first), or the one bought task.
        hub: The hub, which integrates (no gap when it ran the last task).
        gap: The catalog's ``handover_days``.
        place: Where each task may start given the day it is ready (None: that day).

    Returns:
        The start of each task, and the first day integration may start after the chain.

    >>> from modcluster.solver.instance import Option
    >>> chain_schedule([Option("a", "x", 3, 0), Option("b", "y", 2, 0)], "h", 1)
    ((0, 4), 7)
    """
    starts: list[int] = []
    ready, previous = 0, None
    for option in tasks:
        if previous is not None:
            ready += handover_days(gap, previous, option.org)
        start = ready if place is None else place(option.org, ready, option.days)
        starts.append(start)
        ready, previous = start + option.days, option.org
    return tuple(starts), ready + handover_days(gap, previous, hub)


def quickest_ready(slots: Sequence[Sequence[Option]], hub: str, gap: int) -> int:
    """The least day integration may start after a chain with one option per slot, over every such chain.

    Exact when capacity does not delay a task: a shortest path through the
    slots where a step from one organisation to another costs the handover,
    kept per organisation of the last task (linear in the options).

    >>> from modcluster.solver.instance import Option
    >>> quick, near = Option("a", "x", 1, 0), Option("b", "y", 3, 0)
    >>> quickest_ready([[quick, near], [Option("b", "z", 1, 0)]], "b", 2)
    4
    """
    best: dict[str, int] = {}
    for slot in slots:
        overall = min(best.values(), default=None)
        now: dict[str, int] = {}
        for option in slot:
            if overall is None:
                ready = 0
            else:
                ready = overall + gap
                if option.org in best:
                    ready = min(ready, best[option.org])
            end = ready + option.days
            if end < now.get(option.org, end + 1):
                now[option.org] = end
        best = now
    return min((end + handover_days(gap, org, hub) for org, end in best.items()), default=0)


def post_handovers(parts: ModelParts) -> None:
    """Every precedence in the model: ``start_b >= end_a + gap - gap * [same organisation]``.

    The "same organisation" literal is true when one organisation does both
    tasks (for integration: the hub did the module's last task); each
    precedence holds only when its module takes that route (made or bought).
    """
    model, gap = parts.model, parts.inst.handover_days
    assert parts.integration_start is not None
    for p in parts.precedences:
        check_time()
        a, b, make = p.before, p.after, p.make
        enforce = [] if make is None else [make if p.in_make else make.negated()]
        b_start = parts.integration_start if b is None else b.start
        b_orgs = dict(parts.hub.items()) if b is None else b.org_lits
        if gap == 0:
            model.add(b_start >= a.end).only_enforce_if(enforce)
            continue
        same = []
        for org in sorted(a.org_lits.keys() & b_orgs.keys()):  # sorted: set order varies per process
            z = model.new_bool_var("same")
            model.add(z <= a.org_lits[org])
            model.add(z <= b_orgs[org])
            same.append(z)
        model.add(b_start >= a.end + gap - gap * linear_sum(same)).only_enforce_if(enforce)
