"""The dates of a solution (contract v1.1 "Calendars"), recomputed on their own.

With a ``start_date`` in the request, every task of a candidate carries
``start_date`` (the date of day ``start``) and ``end_date`` (the date of day
``end - 1``; for a task of 0 days, its start date), and the system carries
``end_date`` (the date of day ``lead_time - 1``). Day 0 is the first working
day on or after ``start_date``; working days are the calendar's weekdays that
are neither public holidays of its country nor closed.

The dates are recomputed here with the ``holidays`` package directly, by a
plain count of working days, and not with
:class:`modcluster.domain.WorkingCalendar`: the verifier reads the contract
on its own. Without a ``start_date``, a date in a task is a problem too.

>>> from datetime import date
>>> dates = working_dates(date(2027, 4, 28), "JP", ("mon", "tue", "wed", "thu", "fri"), (), 3)
>>> [str(d) for d in dates]
['2027-04-28', '2027-04-30', '2027-05-06']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import holidays

from modcluster.verify.figures import Problem

__all__ = ["date_problems", "working_dates"]

_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TASK_DATES = ("start_date", "end_date")
#: Past this day number no date is recomputed (about 380 years of working days): the figures are wrong anyway.
MAX_DAY = 100_000


def working_dates(
    start: date, country: str | None, weekdays: Sequence[str], closed: Sequence[date], count: int
) -> list[date]:
    """The first ``count`` working days on or after ``start``, in order."""
    days = {_NAMES.index(name) for name in weekdays}
    public = holidays.country_holidays(country) if country else {}
    shut = set(closed)
    out: list[date] = []
    when = start
    while len(out) < count:
        if when.weekday() in days and when not in public and when not in shut:
            out.append(when)
        when += timedelta(days=1)
    return out


class _Dates:
    """The date of each day number a candidate uses, from one list of working days."""

    def __init__(self, start: date, calendar: Any) -> None:
        self.start = start
        if calendar is None:
            self.country, self.weekdays, self.closed = None, _NAMES, ()
        else:
            self.country, self.weekdays, self.closed = calendar.country, calendar.weekdays, calendar.closed
        self.dates: list[date] = []

    def of(self, day: int) -> date:
        if day >= len(self.dates):
            self.dates = working_dates(self.start, self.country, self.weekdays, self.closed, day + 1)
        return self.dates[day]

    def last(self, start: int, end: int) -> date:
        return self.of(start) if end <= start else self.of(end - 1)


def _check_task(task: Any, place: str, dates: _Dates | None, problems: list[Problem]) -> None:
    if not isinstance(task, Mapping):
        return
    start, end = task.get("start"), task.get("end")
    if dates is None:
        if any(key in task for key in _TASK_DATES):
            problems.append((place, "carries dates but the request has no start_date"))
        return
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or start < 0:
        return  # the reader names a wrong interval
    if max(start, end) > MAX_DAY:
        problems.append((place, f"day {max(start, end)} is beyond the dates checked (day {MAX_DAY})"))
        return
    want = {"start_date": dates.of(start), "end_date": dates.last(start, end)}
    for key, expected in want.items():
        if key not in task:
            problems.append((place, f"field {key!r} is missing (the request has a start_date)"))
        elif str(task[key]) != expected.isoformat():
            problems.append((place, f"{key} is {task[key]!r}, day {_day(key, start, end)} is {expected.isoformat()}"))


def _day(key: str, start: int, end: int) -> int:
    return start if key == "start_date" or end <= start else end - 1


def _tasks(candidate: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every task entry of a candidate with its place: bought modules, steps, seeds, the integration."""
    out: list[tuple[str, Any]] = []
    modules = candidate.get("modules")
    for index, module in enumerate(modules if isinstance(modules, list) else []):
        if not isinstance(module, Mapping):
            continue
        place = f"module {module.get('id', index)}"
        if module.get("source") == "buy":
            out.append((place, module))
            continue
        steps = module.get("steps")
        out += [(f"{place} step {i + 1}", s) for i, s in enumerate(steps if isinstance(steps, list) else [])]
        if module.get("seed") is not None:
            out.append((f"{place} seed", module["seed"]))
    out.append(("integration", candidate.get("integration")))
    return out


def date_problems(candidate: Any, start_date: date | None, calendar: Any) -> list[Problem]:
    """Every wrong, missing or unexpected date of one candidate (or plan system).

    Args:
        candidate: The candidate's JSON mapping.
        start_date: The request's ``start_date`` (None: no task may carry a date).
        calendar: The request's calendar (``country``, ``weekdays``, ``closed``), or None.
    """
    if not isinstance(candidate, Mapping):
        return []
    dates = None if start_date is None else _Dates(start_date, calendar)
    problems: list[Problem] = []
    for place, task in _tasks(candidate):
        _check_task(task, place, dates, problems)
    lead = candidate.get("lead_time")
    if dates is None:
        if "end_date" in candidate:
            problems.append(("", "carries an end_date but the request has no start_date"))
    elif isinstance(lead, int) and not isinstance(lead, bool) and 0 <= lead <= MAX_DAY:
        expected = dates.last(0, lead).isoformat()
        if str(candidate.get("end_date")) != expected:
            day = max(lead - 1, 0)
            problems.append(("", f"end_date is {candidate.get('end_date')!r}, day {day} is {expected}"))
    return problems
