"""A decision table in the terminal: every value of every decision, what it costs, and why not.

One line per value under its decision: ``*`` marks the selected value; then
its status, the cost and lead time of the best system with that value added
to the selection, and the difference to the current best (``+70.00``,
``-3 d``; ``= best`` when both are equal). The last column says why a value
is impossible (the smallest excluding set, when it was asked for), that it
was ruled out or another value was selected, or that the time limit came
first. A selection that leaves no system prints its conflict instead of the
table.
"""

from __future__ import annotations

from decimal import Decimal

from modcluster.domain import Catalog, Configuration, DecisionRow, ValueRow, ValueStatus
from modcluster.report.text import format_money

__all__ = ["render_configuration", "render_selection"]

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
    """Whether the selection is proven to leave no system (every value impossible, no best)."""
    return table.best is None and all(v.status is ValueStatus.IMPOSSIBLE for r in table.decisions for v in r.values)


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
    return [
        "no system: the selection leaves none",
        "conflict (a smallest set of the selection's choices that, with the request's limits, leaves no system):",
        *(f"  {item}" for item in table.conflict),
        "drop or undo one of them: every value is impossible under this selection",
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
    return (mark, value.value, value.status.value, cost, days, delta_cost, delta_days, _note(table, decision, value))


def _deltas(table: Configuration, value: ValueRow) -> tuple[str, str]:
    """The difference to the current best: ``+70.00`` and ``-3 d``; ``= best`` when both are equal."""
    if table.best is None or value.cost is None or value.lead_time is None:
        return "", ""
    cost: Decimal = value.cost - table.best.cost
    days = value.lead_time - table.best.lead_time
    if cost == 0 and days == 0:
        return "= best", ""
    return f"{cost:+,.2f}", f"{days:+d} d"


def _note(table: Configuration, decision: DecisionRow, value: ValueRow) -> str:
    if value.status is ValueStatus.UNKNOWN:
        return "unknown: the time limit came first"
    if value.status is ValueStatus.POSSIBLE:
        return "" if value.proven else "not proven optimal (time limit)"
    if value.why is not None:
        return "why: " + (", ".join(value.why) if value.why else "the catalog and the request's filters alone")
    if (decision.decision, value.value) in table.selection.ruled_out:
        return "ruled out"
    chosen = table.selection.value_of(decision.decision)
    if chosen is not None and chosen != value.value:
        return f"another value selected ({chosen})"
    return ""
