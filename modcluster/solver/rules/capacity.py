"""Rule: capacity (MODEL.md: "at every moment an organisation runs at most ``capacity`` tasks of this product").

Tasks occupy the days ``[start, end)``; a task of 0 days takes no capacity
(:func:`takes_capacity`). Integration follows every other task, so only
module tasks compete. :func:`post_capacity` is the rule in the model (one
no-overlap or cumulative per organisation with more possible tasks than its
capacity); :func:`over_capacity` checks a schedule (settling uses it), and
the list scheduler of the hints (:class:`~modcluster.solver.hint.Calendar`)
places each task where it fits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from modcluster.solver.rules.variables import ModelParts, SlotVars

if TYPE_CHECKING:
    from modcluster.solver.instance import Option

__all__ = ["over_capacity", "post_capacity", "takes_capacity", "task_interval"]


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
