"""Readable terminal output: one table per candidate, with a small text Gantt.

With a calendar (a request's ``start_date``, v1.1 "Calendars") the figures
also speak in dates: the lead time's end date, ``from`` and ``to`` columns in
the module table, and each Gantt row's dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from modcluster.domain import Candidate, Catalog, Solution, Status, WorkingCalendar, calendar_of
from modcluster.report.layout import current_width, display_width, fit_table

if TYPE_CHECKING:
    from modcluster.analysis import Relaxation

__all__ = [
    "calendar_line",
    "date_span",
    "format_money",
    "gantt_width",
    "least_lines",
    "render_candidate",
    "render_solution",
    "table",
]

_STATUS_TEXT = {
    Status.OPTIMAL: "optimal (proven)",
    Status.FEASIBLE: "feasible (best found within the time limit, not proven optimal)",
    Status.INFEASIBLE: "infeasible (no system meets the request)",
    Status.UNKNOWN: "unknown (no system found within the time limit, nothing proven)",
}


def format_money(value: Decimal) -> str:
    """Money with thousands separators and two decimals.

    >>> format_money(Decimal("12345.6"))
    '12,345.60'
    """
    return f"{value:,.2f}"


def table(
    rows: list[list[str]], header: list[str], *, indent: int = 0, priority: Sequence[int] | None = None
) -> list[str]:
    r"""Columns with a rule under the header, numbers right-aligned, fitted to the output width.

    ``indent`` is how far the caller indents the lines (taken off the width); ``priority`` ranks
    the columns to keep when some must be hidden (see :func:`~modcluster.report.layout.fit_table`).

    >>> print("\n".join(table([["base", "825.00"]], ["module", "cost"])))
    module    cost
    ------  ------
    base    825.00
    """
    width = current_width()
    available = None if width is None else max(width - indent, 1)
    return fit_table(rows, header, width=available, priority=priority)


def gantt_width(fixed: int, default: int) -> int:
    """The bar width of a text Gantt whose other columns take ``fixed``: ``default``, less to fit (at least 20).

    >>> from modcluster.report.layout import using_width
    >>> gantt_width(40, 48)
    48
    >>> with using_width(80):
    ...     gantt_width(20, 48), gantt_width(50, 48), gantt_width(150, 48)
    (48, 30, 20)
    """
    width = current_width()
    return default if width is None else max(20, min(default, width - fixed))


def date_span(calendar: WorkingCalendar, start: int, end: int) -> str:
    """The dates of days ``[start, end)``: first and last working day (one date for a day or none).

    >>> from datetime import date
    >>> cal = WorkingCalendar(date(2027, 1, 1))
    >>> date_span(cal, 0, 3), date_span(cal, 2, 2)
    ('2027-01-01..2027-01-03', '2027-01-03')
    """
    first, last = calendar.date_of(start), calendar.end_date(start, end)
    return str(first) if first == last else f"{first}..{last}"


def _gantt(candidate: Candidate, width: int | None = None, calendar: WorkingCalendar | None = None) -> list[str]:
    tasks: list[tuple[str, str, int, int]] = []
    for m in candidate.modules:
        if m.source == "buy":
            assert m.start is not None and m.end is not None and m.organization is not None
            tasks.append((f"{m.id} (buy)", m.organization, m.start, m.end))
        else:
            if m.seed is not None:
                tasks.append((f"{m.id} seed", m.seed.organization, m.seed.start, m.seed.end))
            for i, s in enumerate(m.steps, start=1):
                tasks.append((f"{m.id} {i}:{s.capability}", s.organization, s.start, s.end))
    tasks.append(("integration", candidate.hub, *candidate.integration))
    span = max(candidate.lead_time, 1)
    label_w = max(display_width(t[0]) for t in tasks)
    org_w = max(display_width(t[1]) for t in tasks)
    # Around the bar: 2 + label + 2 + org + 2, then " 1234-62" and the dates; stacked (the label and
    # organisation on a line of their own, the bar under them) when that leaves under 20 columns.
    after = 6 + len(str(span)) + (0 if calendar is None else 24)
    stacked = width is None and _too_narrow(label_w + org_w + 6 + after)
    if width is None:
        width = gantt_width((4 if stacked else label_w + org_w + 6) + after, 48)
    scale = width / span
    blank = "    " if stacked else f"  {'':{label_w}}  {'':{org_w}}  "
    lines = []
    for label, org, start, end in tasks:
        left = round(start * scale)
        length = max(round(end * scale) - left, 1 if end > start else 0)
        bar = " " * left + ("#" * length if length else "|")
        dates = (
            "" if calendar is None else " " * (len(str(span)) - len(str(end))) + f"  {date_span(calendar, start, end)}"
        )
        lines += [f"  {_ljust(label, label_w)}  {org}"] if stacked else []
        head = blank if stacked else f"  {_ljust(label, label_w)}  {_ljust(org, org_w)}  "
        lines.append(f"{head}{bar.ljust(width)} {start:>4}-{end}{dates}".rstrip())
    lines.append(f"{blank}0{'day ' + str(span):>{width}}")
    if calendar is not None:
        last = str(calendar.end_date(0, candidate.lead_time))
        lines.append(f"{blank}{calendar.date_of(0)}{last:>{width - 9}}")
    return lines


def _ljust(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _too_narrow(fixed: int) -> bool:
    """Whether a Gantt bar beside columns taking ``fixed`` would get under 20 columns of the output width."""
    width = current_width()
    return width is not None and width - fixed < 20


def render_candidate(
    candidate: Candidate, catalog: Catalog | None = None, calendar: WorkingCalendar | None = None
) -> str:
    """A readable block for one candidate: figures, sources, cost breakdown, Gantt (with dates given a calendar)."""
    money = catalog.units.money if catalog else ""
    proof = "proven optimal" if candidate.proven_optimal else "not proven optimal"
    ends = "" if calendar is None else f" ({date_span(calendar, 0, candidate.lead_time)})"
    out = [
        f"Candidate {candidate.rank} ({proof}): cost {format_money(candidate.cost)} {money}, "
        f"lead time {candidate.lead_time} days{ends}",
        f"  hub: {candidate.hub}" + (f", led by {candidate.person} (placed)" if candidate.person is not None else ""),
        f"  partners ({len(candidate.partners)}): {', '.join(candidate.partners) or 'none'}",
        "",
    ]
    rows = []
    for m in candidate.modules:
        if m.source == "buy":
            assert m.start is not None and m.end is not None
            rows.append(
                [m.id, "buy", f"{m.organization} / {m.offer}", f"{m.start}-{m.end}", *_dates(calendar, m.start, m.end)]
            )
        else:
            parts = [f"{s.organization} / {s.offer}" for s in m.steps]
            if m.seed is not None:
                parts.insert(0, f"seed {m.seed.seed} of {m.seed.organization}")
            first = m.seed.start if m.seed else m.steps[0].start
            last = m.steps[-1].end if m.steps else (m.seed.end if m.seed else 0)
            rows.append([m.id, "make", " -> ".join(parts), f"{first}-{last}", *_dates(calendar, first, last)])
    header = ["module", "source", "by", "days", *(["from", "to"] if calendar is not None else [])]
    out += ["  " + line for line in table(rows, header, indent=2)]
    if candidate.links:
        matched = sum(1 for lk in candidate.links if lk.matched)
        out.append(
            f"  links: {matched} of {len(candidate.links)} matched"
            + "".join(
                f"; bridged {lk.between[0]}-{lk.between[1]} ({lk.interface})"
                for lk in candidate.links
                if not lk.matched
            )
        )
    b = candidate.cost_breakdown
    out.append(
        "  cost: "
        + ", ".join(
            f"{name} {format_money(value)}"
            for name, value in (
                ("integration", b.integration),
                ("steps", b.steps),
                ("modules", b.modules),
                ("licences", b.licences),
                ("onboarding", b.onboarding),
                *((("people", b.people),) if candidate.with_people else ()),
            )
        )
        + (f", less subsidies {format_money(b.subsidies)}" if candidate.with_policies else "")
    )
    out.append("")
    out += _gantt(candidate, calendar=calendar)
    return "\n".join(out)


def _dates(calendar: WorkingCalendar | None, start: int, end: int) -> list[str]:
    """The ``from`` and ``to`` cells of days ``[start, end)``, none without a calendar."""
    return [] if calendar is None else [str(calendar.date_of(start)), str(calendar.end_date(start, end))]


def calendar_line(calendar: WorkingCalendar) -> str:
    """One line naming the calendar: day 0's date and what counts as a working day.

    >>> from datetime import date
    >>> calendar_line(WorkingCalendar(date(2027, 1, 1)))
    'day 0 is 2027-01-01; every day is a working day'
    """
    cal = calendar.calendar
    if cal is None:
        return f"day 0 is {calendar.date_of(0)}; every day is a working day"
    parts = ["/".join(cal.weekdays)]
    if cal.country:
        parts.append(f"{cal.country} public holidays closed")
    if cal.closed:
        parts.append(f"{len(cal.closed)} closed day(s)")
    return f"day 0 is {calendar.date_of(0)} (start date {calendar.start_date}); working days: {', '.join(parts)}"


def least_lines(least: Sequence[Relaxation], money: str = "") -> list[str]:
    """One sentence per limit: the least value that admits a system with every other rule, or why there is none.

    What was not decided within the time limit is said to be unknown.
    """
    out = []
    for r in least:
        subject = f"least {r.limit.replace('_', ' ')} that admits a system (every other rule kept)"
        if r.least is None:
            why = "unknown: not decided within the time limit" if r.status == "unknown" else "none: no value does"
            out.append(f"{subject}: {why}")
            continue
        unit = f" {money}" if money and r.limit == "budget" else " days" if r.limit == "deadline" else ""
        value = format_money(r.least) if isinstance(r.least, Decimal) else str(r.least)
        current = format_money(r.current) if isinstance(r.current, Decimal) else str(r.current)
        now = "" if r.current is None else f", now {current}"
        proof = "" if r.proven else " (found, not proven least within the time limit)"
        out.append(f"{subject}: {value}{unit}{now}{proof}")
    return out


def render_solution(solution: Solution, catalog: Catalog | None = None, least: Sequence[Relaxation] = ()) -> str:
    """The whole answer to one request, as the CLI prints it.

    ``least``: for a request with no system, the least limits that would
    admit one (:func:`~modcluster.analysis.least_limits`), said after the explanation.
    """
    head = (
        f"{solution.product}: quantity {solution.quantity}, objective {solution.objective}: "
        f"{_STATUS_TEXT[solution.status]}"
    )
    out = [head, "=" * min(len(head), 100, current_width() or 100)]
    if solution.explanation is not None:
        out.append(solution.explanation.summary)
        for gap in solution.explanation.gaps:
            out.append(f"  - {gap.place}: {gap.requirement}: {gap.reason}")
            out += [f"      {miss}" for miss in gap.near_misses]
    out += least_lines(least, catalog.units.money if catalog is not None else "")
    calendar = calendar_of(solution.request)
    if calendar is not None:
        out.append(calendar_line(calendar))
    for candidate in solution.candidates:
        out.append("")
        out.append(render_candidate(candidate, catalog, calendar))
    if not solution.candidates and solution.explanation is None:
        out.append("no candidate found")
    return "\n".join(out)
