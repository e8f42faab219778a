"""Rule: capacity (MODEL.md: "at every moment an organisation runs at most ``capacity`` tasks of this product").

Tasks occupy the days ``[start, end)``; a task of 0 days takes no capacity
(:func:`takes_capacity`). Integration follows every other task, so only
module tasks compete. :func:`post_capacity` is the rule in the model (one
no-overlap or cumulative per organisation with more possible tasks than its
capacity); :func:`over_capacity` checks a schedule (settling uses it), and
the list scheduler of the hints (:class:`~modcluster.solver.hint.Calendar`)
places each task where it fits.

In a plan (MODEL.md v1.1) capacity is counted across every entry, and each
entry's integration is a task of its hub like any other: it competes with
the other entries' tasks (:func:`post_shared_capacity`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.solver.rules.variables import ModelParts, SlotVars

if TYPE_CHECKING:
    from modcluster.solver.instance import Option

__all__ = ["over_capacity", "post_capacity", "post_shared_capacity", "takes_capacity", "task_interval"]


def takes_capacity(days: int) -> bool:
    """Whether a task of ``days`` days occupies its organisation (0-day tasks do not).

    >>> takes_capacity(0), takes_capacity(3)
    (False, True)
    """
    return days > 0


def over_capacity(tasks: Iterable[tuple[str, int, int]], capacity: Mapping[str, int]) -> bool:
    """Whether some organisation runs more tasks at once than its capacity in a schedule.

    Args:
        tasks: ``(organisation, start, days)`` of every module task.
        capacity: Each organisation's capacity.

    >>> over_capacity([("a", 0, 3), ("a", 2, 1), ("a", 3, 0)], {"a": 1})
    True
    >>> over_capacity([("a", 0, 3), ("a", 3, 1)], {"a": 1})
    False
    """
    busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for org, start, days in tasks:
        if takes_capacity(days):
            busy[org].append((start, start + days))
    for org, intervals in busy.items():
        if len(intervals) <= capacity[org]:
            continue
        # Tasks occupy [start, end): the most at once is reached at some task's start.
        if any(sum(1 for s, e in intervals if s <= point < e) > capacity[org] for point, _ in intervals):
            return True
    return False


def task_interval(parts: ModelParts, slot: SlotVars, option: Option, lit: cp_model.IntVar, name: str) -> None:
    """The optional interval an option of a slot occupies at its organisation, when it takes capacity."""
    if takes_capacity(option.days):
        parts.intervals[option.org].append(
            parts.model.new_optional_interval_var(slot.start, option.days, slot.end, lit, f"{name}:{option.org}")
        )


def post_capacity(parts: ModelParts) -> None:
    """At most ``capacity`` intervals of one organisation at once (only where more could be chosen)."""
    for org, ivs in parts.intervals.items():
        cap = parts.inst.capacity[org]
        if len(ivs) <= cap:
            continue
        if cap == 1:
            parts.model.add_no_overlap(ivs)
        else:
            parts.model.add_cumulative(ivs, [1] * len(ivs), cap)


def _integration_intervals(parts: ModelParts) -> dict[str, cp_model.IntervalVar]:
    """The optional interval of the entry's integration at each possible hub, when it lasts a day or more."""
    model = parts.model
    start, end = parts.integration_start, parts.lead
    assert start is not None and end is not None
    out: dict[str, cp_model.IntervalVar] = {}
    days = model.new_int_var(0, parts.horizon, "integration.days")  # an interval's size must be one variable
    model.add(days == end - start)
    busy: cp_model.IntVar | None = None
    lasting: dict[str, bool] = {}  # per hub organisation: whether every option's integration takes capacity
    for h in parts.inst.hubs:
        lasting[h.org] = lasting.get(h.org, True) and takes_capacity(h.integration_days)
    for org, always in lasting.items():
        present = parts.hub[org]
        if not always:
            if busy is None:  # integration of 0 days takes no capacity: present only when it lasts
                busy = model.new_bool_var("integration.busy")
                model.add(days >= 1).only_enforce_if(busy)
                model.add(days == 0).only_enforce_if(busy.negated())
            present = parts.both(f"integrates:{org}", present, busy)
        out[org] = model.new_optional_interval_var(start, days, end, present, f"integration:{org}")
    return out


def post_shared_capacity(entries: Sequence[ModelParts]) -> None:
    """A plan's capacity: at most ``capacity`` tasks of one organisation at once across every entry.

    Every entry's task intervals and its integration at its hub count; an
    organisation with no more possible tasks than its capacity needs no
    constraint.
    """
    if not entries:
        return
    pooled: dict[str, list[cp_model.IntervalVar]] = {}
    for parts in entries:
        for org, ivs in parts.intervals.items():
            pooled.setdefault(org, []).extend(ivs)
        for org, iv in _integration_intervals(parts).items():
            pooled.setdefault(org, []).append(iv)
    model, capacity = entries[0].model, entries[0].inst.capacity
    for org in sorted(pooled):
        ivs = pooled[org]
        cap = capacity[org]
        if len(ivs) <= cap:
            continue
        if cap == 1:
            model.add_no_overlap(ivs)
        else:
            model.add_cumulative(ivs, [1] * len(ivs), cap)
