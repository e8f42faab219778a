"""Dates on a Gantt's day axis (v1.1 "Calendars"): ticks at week or month starts, closed days marked.

The x axis of every Gantt counts working days. With a calendar, a second
axis on top labels the first working day of each week (or of each month, on
a long schedule) with its date, and a light band marks each place where
public holidays or closed days fall between two working days (weekends are
not marked: they are the calendar's rest days).

>>> from datetime import date
>>> from modcluster.domain import Calendar, WorkingCalendar
>>> cal = WorkingCalendar(date(2026, 12, 24), Calendar(country="JP", closed=(date(2026, 12, 30),)))
>>> [(d, str(when)) for d, when in date_ticks(cal, 10)]
[(0, '2026-12-24'), (2, '2026-12-28'), (5, '2027-01-04'), (10, '2027-01-12')]
>>> closed_marks(cal, 10)
[(4, 1), (5, 1), (10, 1)]
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from modcluster.domain import WorkingCalendar

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["closed_marks", "date_axis", "date_ticks"]

#: Past this many working days, ticks go at month starts instead of week starts.
_WEEKLY_UP_TO = 70
_SHADE = "#f3d9d9"


def date_ticks(calendar: WorkingCalendar, span: int) -> list[tuple[int, date]]:
    """The day numbers (and dates) of day 0 and the first working day of each week, or month past 70 days."""
    weekly = span <= _WEEKLY_UP_TO
    out: list[tuple[int, date]] = []
    previous: tuple[int, int] | None = None
    for day in range(span + 1):
        when = calendar.date_of(day)
        period = (when.isocalendar()[0], when.isocalendar()[1]) if weekly else (when.year, when.month)
        if period != previous:
            out.append((day, when))
        previous = period
    if len(out) > 1 and out[1][0] < span * 0.06:
        del out[0]  # day 0 would crowd the first period's label
    return out


def closed_marks(calendar: WorkingCalendar, span: int) -> list[tuple[int, int]]:
    """Where holidays or closed days (not rest weekdays) fall: ``(day, how many)`` before day ``day``."""
    cal = calendar.calendar
    if cal is None:
        return []
    working = {("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(w) for w in cal.weekdays}
    out: list[tuple[int, int]] = []
    for day in range(1, span + 1):
        first, last = calendar.date_of(day - 1) + timedelta(days=1), calendar.date_of(day) - timedelta(days=1)
        if first > last:
            continue
        count = sum(1 for d in calendar.closed_days(first, last) if d.weekday() in working)
        if count:
            out.append((day, count))
    return out


def date_axis(ax: Axes, calendar: WorkingCalendar, span: int) -> None:
    """Label the top of ``ax`` with dates and shade the holidays and closed days lightly."""
    ticks = date_ticks(calendar, span)
    monthly = span > _WEEKLY_UP_TO
    top = ax.secondary_xaxis("top")
    top.set_xticks([d for d, _ in ticks])
    top.set_xticklabels([when.strftime("%Y-%m" if monthly else "%m-%d") for _, when in ticks], fontsize=7)
    top.set_xlabel(f"date (day 0 = {calendar.date_of(0)}; shaded: holidays and closed days)", fontsize=8)
    for day, count in closed_marks(calendar, span):
        half = min(0.2 + 0.1 * count, 0.45)
        ax.axvspan(day - half, day + half, color=_SHADE, zorder=0, linewidth=0, gid=f"closed:{day}")
