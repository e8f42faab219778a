"""Calendars (contract v1.1 "Calendars"): day numbers as dates, for people.

Day numbers keep their meaning everywhere: the engine, the verifier and the
JSON all count in days. A request (or a plan) may add a ``start_date`` and a
:class:`Calendar`; then day ``d`` is the ``d``-th working day after the first
working day on or after ``start_date`` (day 0). Working days are the listed
``weekdays`` (default Monday to Friday) that are neither public holidays of
``country`` (an ISO 3166 code, from the maintained ``holidays`` package) nor
``closed``. ``start_date`` without a calendar counts every day as working.

:class:`WorkingCalendar` maps day numbers to dates and back, and
:func:`annotate_candidate` adds ``start_date`` and ``end_date`` beside every
task's ``start`` and ``end`` in a candidate's JSON.

>>> from datetime import date
>>> cal = Calendar(country="JP", closed=(date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)))
>>> wc = WorkingCalendar(date(2026, 12, 24), cal)
>>> [str(wc.date_of(d)) for d in range(4)]
['2026-12-24', '2026-12-25', '2026-12-28', '2027-01-04']
>>> wc.day_of(date(2027, 1, 5)), wc.day_of(date(2027, 1, 2))
(4, 3)
>>> wc.end_date(3, 4), wc.end_date(3, 3)
(datetime.date(2027, 1, 4), datetime.date(2027, 1, 4))
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container, Mapping
from datetime import date, timedelta
from functools import cache
from typing import Annotated, Any, Literal

import holidays
from pydantic import AfterValidator, BeforeValidator, Field

from modcluster.domain.frozen import FrozenModel

__all__ = [
    "WEEKDAYS",
    "Calendar",
    "CalendarDate",
    "WorkingCalendar",
    "annotate_candidate",
    "calendar_of",
    "known_country",
]

#: Weekday names in the order of :meth:`datetime.date.weekday` (Monday is 0).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Working days looked ahead at a time when the cache of working dates is extended.
_CHUNK = 512


def _read_date(value: Any) -> Any:
    """A date, or a ``YYYY-MM-DD`` text read as one; anything else is refused (no timestamps, no numbers)."""
    if type(value) is date:
        return value
    if isinstance(value, str):
        if not _ISO.match(value.strip()):
            raise ValueError(f"expected a date written YYYY-MM-DD, got {value[:40]!r}")
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value.strip()!r} is not a date: {exc}") from None
    raise ValueError(f"expected a date written YYYY-MM-DD, got {str(value)[:40]}")


#: A calendar date, written ``YYYY-MM-DD`` in files (a TOML or YAML date is taken as well).
CalendarDate = Annotated[date, BeforeValidator(_read_date)]


@cache
def _countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def known_country(code: str) -> bool:
    """Whether the ``holidays`` package knows the public holidays of ``code`` (ISO 3166 alpha-2).

    >>> known_country("JP"), known_country("XX")
    (True, False)
    """
    return code in _countries()


def _country(value: str) -> str:
    code = value.strip().upper()
    if not known_country(code):
        raise ValueError(f"unknown country {value!r}: give an ISO 3166 code whose public holidays are known, e.g. JP")
    return code


def _distinct(values: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{str(value)!r} is listed twice")
        seen.add(value)
    return values


class Calendar(FrozenModel):
    """Which days are working days: ``weekdays`` that are neither public holidays of ``country`` nor ``closed``.

    >>> Calendar(country="jp").country, Calendar().weekdays
    ('JP', ('mon', 'tue', 'wed', 'thu', 'fri'))
    """

    country: Annotated[str, AfterValidator(_country)] | None = Field(
        default=None, description="ISO 3166 code whose public holidays are closed days (e.g. JP); none when left out"
    )
    weekdays: Annotated[tuple[Weekday, ...], AfterValidator(_distinct)] = Field(
        default=("mon", "tue", "wed", "thu", "fri"), min_length=1, description="the working weekdays"
    )
    closed: Annotated[tuple[CalendarDate, ...], AfterValidator(_distinct)] = Field(
        default=(), description="further closed days of the company (YYYY-MM-DD)"
    )


class WorkingCalendar:
    """Day numbers to dates and back, for one ``start_date`` and calendar (None: every day works).

    The working dates are found once and cached, a chunk at a time.
    """

    def __init__(self, start_date: date, calendar: Calendar | None = None) -> None:
        self.start_date = start_date
        self.calendar = calendar
        self._weekdays = frozenset(WEEKDAYS.index(w) for w in calendar.weekdays) if calendar else frozenset(range(7))
        self._closed = frozenset(calendar.closed) if calendar else frozenset()
        self._holidays: Container[date] = (
            holidays.country_holidays(calendar.country) if calendar and calendar.country else frozenset()
        )
        self._dates: list[date] = []
        self._next = start_date

    def is_working(self, when: date) -> bool:
        """Whether ``when`` is a working day."""
        return when.weekday() in self._weekdays and when not in self._closed and when not in self._holidays

    def _extend(self, count: int) -> None:
        if self.calendar is None:
            self._dates.extend(self._next + timedelta(days=i) for i in range(count))
            self._next += timedelta(days=count)
            return
        found = 0
        when = self._next
        while found < count:
            if self.is_working(when):
                self._dates.append(when)
                found += 1
            when += timedelta(days=1)
        self._next = when

    def date_of(self, day: int) -> date:
        """The date of day ``day`` (day 0 is the first working day on or after ``start_date``).

        Raises:
            ValueError: ``day`` is negative or its date is past the year 9999.
        """
        if day < 0:
            raise ValueError(f"day {day} is before day 0")
        try:
            while len(self._dates) <= day:
                self._extend(max(_CHUNK, day + 1 - len(self._dates)))
        except OverflowError:
            raise ValueError(f"day {day} is past the last date a calendar holds (9999-12-31)") from None
        return self._dates[day]

    def day_of(self, when: date) -> int:
        """The day number of ``when``, or of the first working day after it when it is not one."""
        if when <= self.start_date:
            return 0
        while self._dates[-1:] == [] or self._dates[-1] < when:
            self.date_of(len(self._dates) + _CHUNK - 1)
        return bisect.bisect_left(self._dates, when)

    def end_date(self, start: int, end: int) -> date:
        """The date of a task's last working day, day ``end - 1``; for a task of 0 days, its start date."""
        return self.date_of(start) if end <= start else self.date_of(end - 1)

    def closed_days(self, first: date, last: date) -> list[date]:
        """Every day from ``first`` to ``last`` (both included) that is not a working day."""
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        return [d for d in days if not self.is_working(d)]


def calendar_of(request: Mapping[str, Any] | None) -> WorkingCalendar | None:
    """The working calendar of a request's (or plan request's) data, or None when it has no ``start_date``.

    >>> calendar_of({"start_date": "2027-01-01"}).date_of(3)
    datetime.date(2027, 1, 4)
    >>> calendar_of({"quantity": 1}) is None
    True
    """
    if not request or request.get("start_date") is None:
        return None
    raw = request.get("calendar")
    calendar = None if raw is None else (raw if isinstance(raw, Calendar) else Calendar.model_validate(raw))
    return WorkingCalendar(_read_date(request["start_date"]), calendar)


def _dated(task: dict[str, Any], cal: WorkingCalendar) -> dict[str, Any]:
    """``task`` with ``start_date`` and ``end_date`` right after its ``end``."""
    start, end = task["start"], task["end"]
    out: dict[str, Any] = {}
    for key, value in task.items():
        out[key] = value
        if key == "end":
            out["start_date"] = cal.date_of(start)
            out["end_date"] = cal.end_date(start, end)
    return out


def annotate_candidate(candidate: dict[str, Any], cal: WorkingCalendar) -> dict[str, Any]:
    """A candidate's (or a plan system's) JSON with the dates of every task and its ``end_date``.

    Every task (a bought module, a step, a seed's transfer, the integration)
    keeps ``start`` and ``end`` and gains ``start_date`` and ``end_date``; the
    system gains ``end_date``, the date of its last working day (day
    ``lead_time - 1``, day 0 for a lead time of 0), after ``lead_time``.
    """
    out: dict[str, Any] = {}
    for key, value in candidate.items():
        if key == "modules":
            value = [_dated_module(m, cal) for m in value]
        elif key == "integration":
            value = _dated(value, cal)
        out[key] = value
        if key == "lead_time":
            out["end_date"] = cal.end_date(0, value)
    return out


def _dated_module(module: dict[str, Any], cal: WorkingCalendar) -> dict[str, Any]:
    if module.get("source") == "buy":
        return _dated(module, cal)
    out = dict(module)
    out["steps"] = [_dated(s, cal) for s in module.get("steps", [])]
    if module.get("seed") is not None:
        out["seed"] = _dated(module["seed"], cal)
    return out
