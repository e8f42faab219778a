"""A decision table in the terminal: every value of every decision, what it costs, and why not.

One line per value under its decision: ``*`` marks the selected value; then
its status, the cost and lead time of the best system with that value added
to the selection, and the difference to the current best (``+70.00``,
``-3 d``; ``= best`` when both are equal). The last column says why a value
is impossible (the smallest excluding set, when it was asked for), that it
was ruled out, that it is an alternative to the chosen value (``instead of
x``: its figures are those of the selection with it chosen instead), or that
the time limit came first. A selection that leaves no system prints its
conflict and the alternatives that leave one instead of the table.
"""

from __future__ import annotations

from decimal import Decimal

from modcluster.domain import Catalog, Configuration, DecisionRow, ValueRow, ValueStatus
from modcluster.report.text import format_money

__all__ = ["render_configuration", "render_selection", "value_note"]

_HEADER = ("", "value", "status", "cost", "days", "cost vs best", "days vs best", "note")
#: Right-aligned columns (the figures).
_RIGHT = frozenset((3, 4, 5, 6))


def render_selection(table: Configuration) -> str:
    """The selection as one line: its items in the order they were made, or ``none``.

    >>> from modcluster.domain import Selection
    >>> sel = Selection().choose("hub", "a").rule_out("modules.m.source", "make")
    >>> render_selection(Configuration("p", 1, "cost", sel, None, ()))
    'select hub=a; rule out modules.m.source=make'
    """
    items = table.selection.items()
    return "; ".join(items) if items else "none"


def render_configuration(table: Configuration, catalog: Catalog | None = None) -> str:
    """The decision table as text (see the module docstring).

    Args:
        table: The decision table (:meth:`Configurator.options <modcluster.configure.Configurator.options>`).
        catalog: The catalog, for the money unit (optional).
    """
    money = f" {catalog.units.money}" if catalog is not None else ""
    lines = [
        f"{table.product}: quantity {table.quantity}, objective {table.objective}",
        f"selection: {render_selection(table)}",
    ]
    if table.best is not None:
        best = table.best
        lines.append(
            f"best: cost {format_money(best.cost)}{money}, lead time {best.lead_time} days, hub {best.hub}"
            + (f", partners {', '.join(best.partners)}" if best.partners else "")
        )
    elif _no_system(table):
        lines.extend(_conflict_lines(table))
        return "\n".join(lines)
    else:
        lines.append("best: unknown (the time limit came first: not even the selection itself was settled)")
    lines.append(
        "every value settled, every figure proven"
        if table.complete
        else "NOT COMPLETE: the time limit came first (values marked unknown or not proven; raise --time-limit)"
    )
    fixed = len(table.selection.chosen)
    lines.append(f"{len(table.decisions)} decisions, {len(table.open_decisions())} open, {fixed} selected")
    lines.append("")
    lines.extend(_table_lines(table))
    lines.append("")
    lines.append(
        "* selected. cost, days: the best system with that value added to the selection; "
        "vs best: its difference to the current best."
    )
    return "\n".join(lines)


def _no_system(table: Configuration) -> bool:
    """Whether the selection is proven to leave no system."""
    return table.best is None and table.status is ValueStatus.IMPOSSIBLE


def _ways_out(table: Configuration) -> list[str]:
    """The alternatives to the chosen values that leave a system, each with its best figures."""
    out = []
    for decision, chosen in table.selection.chosen:
        row = table.row(decision)
        for value in row.values if row is not None else ():
            if value.value != chosen and value.status is ValueStatus.POSSIBLE and value.cost is not None:
                out.append(
                    f"  {decision}={value.value} instead of {chosen}: "
                    f"cost {format_money(value.cost)}, lead time {value.lead_time} days"
                )
    return out


def _conflict_lines(table: Configuration) -> list[str]:
    if table.conflict is None:
        return [
            "no system: the selection leaves none",
            "conflict: not found within the time limit (raise --time-limit, or undo the last choice)",
        ]
    if not table.conflict:
        return [
            "no system: the request alone leaves none, whatever is selected",
            "(see `modcluster explain` for the rules and limits that conflict)",
        ]
    ways = _ways_out(table)
    return [
        "no system: the selection leaves none",
        "conflict (a smallest set of the selection's choices that, with the request's limits, leaves no system):",
        *(f"  {item}" for item in table.conflict),
        "drop or undo one of them" + (", or choose an alternative that leaves a system:" if ways else ""),
        *ways,
    ]


def _table_lines(table: Configuration) -> list[str]:
    rows: list[tuple[str, ...]] = []
    for decision in table.decisions:
        rows.append((decision.decision,))
        rows.extend(_value_cells(table, decision, value) for value in decision.values)
    full = [r for r in rows if len(r) > 1]
    widths = [max(len(r[i]) for r in [_HEADER, *full]) for i in range(len(_HEADER))]
    widths[0] = 3  # the marker column, indented under the decision's name

    def line(cells: tuple[str, ...]) -> str:
        parts = [c.rjust(w) if i in _RIGHT else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    out = [line(_HEADER), line(tuple(("-" if h else " ") * w for h, w in zip(_HEADER, widths, strict=True)))]
    for row in rows:
        out.append(f"{row[0]}" if len(row) == 1 else line(row))
    return out


def _value_cells(table: Configuration, decision: DecisionRow, value: ValueRow) -> tuple[str, ...]:
    mark = "  *" if value.selected else ""
    cost = "" if value.cost is None else format_money(value.cost)
    days = "" if value.lead_time is None else str(value.lead_time)
    delta_cost, delta_days = _deltas(table, value)
    note = value_note(table, decision, value)
    return (mark, value.value, value.status.value, cost, days, delta_cost, delta_days, note)


def _deltas(table: Configuration, value: ValueRow) -> tuple[str, str]:
    """The difference to the current best: ``+70.00`` and ``-3 d``; ``= best`` when both are equal."""
    if table.best is None or value.cost is None or value.lead_time is None:
        return "", ""
    cost: Decimal = value.cost - table.best.cost
    days = value.lead_time - table.best.lead_time
    if cost == 0 and days == 0:
        return "= best", ""
    return f"{cost:+,.2f}", f"{days:+d} d"


def value_note(table: Configuration, decision: DecisionRow, value: ValueRow, *, why: bool = True) -> str:
    """The note on one value of a decision table: why it is not plain (the terminal's and the web page's).

    In order: an unknown value says the time limit came first; a possible value
    says that it is an alternative to the chosen value (``instead of x``) and/or
    ``not proven optimal (time limit)``; an impossible value gives its why
    (when ``why`` is true and the why was asked for), else ``ruled out`` when the
    selection rules it out, else ``instead of x`` when it is an alternative.

    Args:
        table: The decision table the value belongs to (for the selection).
        decision: The value's decision row.
        value: The value's row.
        why: Include the why of an impossible value (the web page shows it elsewhere).

    Returns:
        The note, ``""`` when there is nothing to say.

    >>> from modcluster.domain import Selection
    >>> sel = Selection().choose("hub", "a").rule_out("hub", "c")
    >>> rows = (ValueRow("a", ValueStatus.POSSIBLE, selected=True, proven=True),
    ...         ValueRow("b", ValueStatus.POSSIBLE), ValueRow("c", ValueStatus.IMPOSSIBLE, why=("hub=a",)))
    >>> table = Configuration("p", 1, "cost", sel, None, (DecisionRow("hub", rows),))
    >>> [value_note(table, table.decisions[0], row) for row in rows]
    ['', 'instead of a; not proven optimal (time limit)', 'why: hub=a']
    >>> value_note(table, table.decisions[0], rows[2], why=False)
    'ruled out'
    """
    chosen = table.selection.value_of(decision.decision)
    instead = f"instead of {chosen}" if chosen is not None and chosen != value.value else ""
    if value.status is ValueStatus.UNKNOWN:
        return "unknown: the time limit came first"
    if value.status is ValueStatus.POSSIBLE:
        unproven = "" if value.proven else "not proven optimal (time limit)"
        return "; ".join(part for part in (instead, unproven) if part)
    if why and value.why is not None:
        return "why: " + (", ".join(value.why) if value.why else "the catalog and the request's filters alone")
    if (decision.decision, value.value) in table.selection.ruled_out:
        return "ruled out"
    return instead
