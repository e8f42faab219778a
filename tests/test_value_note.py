"""The note on a value of a decision table, shared by the terminal and the web page."""

from __future__ import annotations

from modcluster.domain import Configuration, DecisionRow, Selection, ValueRow, ValueStatus
from modcluster.report.configure_text import value_note


def _note(value: ValueRow, selection: Selection, *, why: bool = True) -> str:
    table = Configuration("p", 1, "cost", selection, None, (DecisionRow("hub", (value,)),))
    return value_note(table, table.decisions[0], value, why=why)


def test_unknown_and_possible_values() -> None:
    chosen = Selection().choose("hub", "a")
    assert _note(ValueRow("b", ValueStatus.UNKNOWN), chosen) == "unknown: the time limit came first"
    assert _note(ValueRow("a", ValueStatus.POSSIBLE, selected=True, proven=True), chosen) == ""
    assert _note(ValueRow("b", ValueStatus.POSSIBLE, proven=True), chosen) == "instead of a"
    assert _note(ValueRow("b", ValueStatus.POSSIBLE), Selection()) == "not proven optimal (time limit)"
    both = "instead of a; not proven optimal (time limit)"
    assert _note(ValueRow("b", ValueStatus.POSSIBLE), chosen, why=False) == both


def test_impossible_values_give_their_why_unless_shown_elsewhere() -> None:
    ruled = Selection().rule_out("hub", "b")
    alone = ValueRow("b", ValueStatus.IMPOSSIBLE, why=())
    assert _note(alone, ruled) == "why: the catalog and the request's filters alone"
    assert _note(ValueRow("b", ValueStatus.IMPOSSIBLE, why=("limits.budget",)), ruled) == "why: limits.budget"
    assert _note(alone, ruled, why=False) == "ruled out"
    assert _note(ValueRow("b", ValueStatus.IMPOSSIBLE), ruled) == "ruled out"
    assert _note(ValueRow("b", ValueStatus.IMPOSSIBLE), Selection().choose("hub", "a")) == "instead of a"
    assert _note(ValueRow("b", ValueStatus.IMPOSSIBLE), Selection()) == ""
