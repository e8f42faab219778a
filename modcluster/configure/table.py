"""The decision table: every value of every decision under a selection (contract v1.1).

For a selection S the table first settles S itself (its best system), then
each value v of each decision as the selection S + v:

- a value S chooses is possible with S's best system; another value of a
  chosen decision is an alternative, settled as S with that value chosen
  instead (as MODEL.md's example shows: the other hubs keep their figures
  when one hub is selected); ruled-out values are impossible;
- a value S's best system takes is possible with that system (when it is
  proven best, it is the best with v too: S + v allows no better one);
- any other value is settled by :meth:`Memory.settle <modcluster.configure.memory.Memory.settle>`:
  from what earlier steps proved when that suffices, else by a solve of the
  instance narrowed to S + v.

A step or seed decision is listed only while its module can still be made
under S (its ``make`` value is possible or unknown, or chosen). When S leaves no system at all,
every value is impossible and the table carries the smallest set of S's
items that conflict (:func:`~modcluster.configure.why.smallest_excluding`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from modcluster.configure.memory import IMPOSSIBLE, UNKNOWN, Memory, Settled, Witness
from modcluster.configure.why import smallest_excluding
from modcluster.domain import Configuration, DecisionRow, Selection, ValueRow, ValueStatus
from modcluster.solver.progress import step

__all__ = ["decision_table", "module_of_decision"]


def module_of_decision(decision: str) -> str | None:
    """The module a step or seed decision belongs to (None for the hub and source decisions).

    >>> module_of_decision("modules.housing.steps.2"), module_of_decision("modules.housing.source")
    ('housing', None)
    """
    parts = decision.split(".")
    if len(parts) >= 3 and parts[0] == "modules" and parts[2] in ("steps", "seed"):
        return parts[1]
    return None


@dataclass
class _Build:
    memory: Memory
    selection: Selection
    until: float
    explain: bool
    top: Settled
    hubs: list[tuple[str, Settled]] | None = None

    def row(self, decision: str, value: str) -> ValueRow:
        chosen = self.selection.value_of(decision)
        if chosen is not None:
            if value == chosen:
                return self._from(value, self.top, selected=True, why_of=(decision, value))
            # An alternative to the choice: the selection with this value instead (MODEL.md's example).
            found = self.memory.settle(self.selection.choose(decision, value), self.until)
            return self._from(value, found, why_of=(decision, value))
        if (decision, value) in self.selection.ruled_out:
            return self._from(value, IMPOSSIBLE, why_of=(decision, value))
        top = self.top
        if top.status is not ValueStatus.POSSIBLE:
            return self._from(value, top, why_of=(decision, value))
        if top.proven and top.witness is not None and top.witness.values.get(decision) == value:
            return self._from(value, top)
        if self.hubs is None or decision == "hub":
            found = self.memory.settle(self.selection.choose(decision, value), self.until)
        else:
            found = self.by_hub((decision, value))
        return self._from(value, found, why_of=(decision, value))

    def by_hub(self, choice: tuple[str, str]) -> Settled:
        """The best system of a selection as the best of its hubs', hubs whose own best is no better skipped.

        Each hub's best under the table's selection (its row in the table) is a lower bound of
        the hub's best with one more choice; hubs go best first, and each is searched only for a
        system better than the best found so far (:meth:`Memory.at_hub`).
        """
        selection = self.selection.choose(*choice)
        known = self.memory.known(selection)
        if known is not None:
            return known
        assert self.hubs is not None
        best: Witness | None = None
        proven = True
        for hub, alone in self.hubs:
            if alone.status is ValueStatus.IMPOSSIBLE:
                continue
            if alone.proven and alone.witness is not None and best is not None and alone.witness.key >= best.key:
                continue
            found = self.memory.at_hub(self.selection, hub, choice, self.until, best)
            if found is None or found.status is ValueStatus.IMPOSSIBLE:
                continue
            if found.status is ValueStatus.UNKNOWN or found.witness is None:
                proven = False
                continue
            proven = proven and found.proven
            if best is None or found.witness.key < best.key:
                best = found.witness
        nothing = IMPOSSIBLE if proven else UNKNOWN
        answer = nothing if best is None else Settled(ValueStatus.POSSIBLE, best, proven)
        self.memory.record(selection, answer)
        return answer

    def _from(
        self, value: str, found: Settled, selected: bool = False, why_of: tuple[str, str] | None = None
    ) -> ValueRow:
        if found.status is ValueStatus.POSSIBLE:
            assert found.witness is not None
            return ValueRow(value, found.status, selected, found.witness.system, found.proven)
        why = None
        if found.status is ValueStatus.IMPOSSIBLE and self.explain and why_of is not None:
            blame = smallest_excluding(self.memory, self.selection, why_of, self.until)
            why = None if blame is None else blame.parts
        return ValueRow(value, found.status, selected, why=why)


def decision_table(memory: Memory, selection: Selection, until: float, explain: bool = False) -> Configuration:
    """The decision table of ``selection`` (see the module docstring), every figure settled by ``until`` or unknown.

    Args:
        memory: The session's memory (reused and extended).
        selection: The selection.
        until: The :func:`time.monotonic` instant when unsettled values become ``unknown``.
        explain: Also compute ``why`` for each impossible value (a smallest excluding set: more solves).
    """
    began, solves, reused, quick = time.monotonic(), memory.solves, memory.reused, memory.quick
    top = memory.settle(selection, until)
    conflict = None
    if top.status is ValueStatus.IMPOSSIBLE:
        blame = smallest_excluding(memory, selection, None, until, blame_limits=False)
        conflict = None if blame is None else blame.parts
    build = _Build(memory, selection, until, explain, top)
    build.hubs = _hub_bests(memory, selection, until)
    # Settled in two passes, the hub and every source first, then steps and seeds: under a time
    # limit the decisions that shape the system are the ones that get settled (the table keeps its order).
    settled: dict[str, DecisionRow] = {}
    makeable: dict[str, bool] = {}
    for number, (decision, values) in enumerate(memory.domain, start=1):
        step(f"configure: {decision}", number, len(memory.domain))
        if module_of_decision(decision) is None:
            row = settled[decision] = DecisionRow(decision, tuple(build.row(decision, v) for v in values))
            if decision.endswith(".source"):
                makeable[decision.split(".")[1]] = _can_make(row, selection, top)
    for number, (decision, values) in enumerate(memory.domain, start=1):
        module = module_of_decision(decision)
        step(f"configure: {decision}", number, len(memory.domain))
        if module is not None and makeable.get(module, False):
            settled[decision] = DecisionRow(decision, tuple(build.row(decision, v) for v in values))
    rows = [settled[decision] for decision, _ in memory.domain if decision in settled]
    complete = all(
        v.status is not ValueStatus.UNKNOWN and (v.system is None or v.proven) for r in rows for v in r.values
    )
    request = memory.request
    return Configuration(
        product=request.product,
        quantity=request.quantity,
        objective=request.objective.value,
        selection=selection,
        best=top.witness.system if top.witness is not None else None,
        decisions=tuple(rows),
        conflict=conflict,
        complete=complete and top.status is not ValueStatus.UNKNOWN,
        request=request.model_dump(mode="python", by_alias=True, exclude_none=False),
        status=top.status,
        stats={
            "seconds": time.monotonic() - began,
            "solves": memory.solves - solves,
            "reused": memory.reused - reused,
            "quick": memory.quick - quick,
        },
    )


def _hub_bests(memory: Memory, selection: Selection, until: float) -> list[tuple[str, Settled]] | None:
    """Each hub's best under the selection, best first (None: one hub, or the selection chooses it)."""
    hubs = dict(memory.domain)["hub"]
    if selection.value_of("hub") is not None or len(hubs) < 2:
        return None
    out = [(h, memory.settle(selection.choose("hub", h), until)) for h in hubs if ("hub", h) not in selection.ruled_out]

    def order(pair: tuple[str, Settled]) -> tuple[int, tuple[object, ...]]:
        witness = pair[1].witness
        return (0, witness.key) if witness is not None else (1, ())

    return sorted(out, key=order)


def _can_make(row: DecisionRow, selection: Selection, top: Settled) -> bool:
    """Whether some system the selection allows may make the module (its steps and seed are then listed).

    A chosen source other than ``make`` rules making out (``make`` is then only an alternative).
    """
    chosen = selection.value_of(row.decision)
    if chosen is not None:
        return chosen == "make" and top.status is not ValueStatus.IMPOSSIBLE
    make = row.value("make")
    return make is not None and make.status is not ValueStatus.IMPOSSIBLE
