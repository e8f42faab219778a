"""The configurator (contract v1.1): fix choices, see what remains, never a dead end.

>>> from modcluster import load_catalog, build_request
>>> catalog = load_catalog("catalogs/examples/mini.yaml")
>>> conf = Configurator(catalog, build_request(catalog))
>>> table = conf.options()
>>> [(v.value, v.status.value, str(v.cost)) for v in table.row("hub").values]
[('mini-optics', 'possible', '6410.00')]
>>> step = conf.select("modules.housing.source", "make")
>>> step.selection.items(), conf.selection.items()
(('select modules.housing.source=make',), ())
>>> step.undo().selection == conf.selection
True
"""

from __future__ import annotations

import difflib
import time
from dataclasses import replace
from decimal import Decimal

from modcluster.configure.memory import Memory
from modcluster.configure.table import decision_table
from modcluster.configure.why import Blame, smallest_excluding
from modcluster.domain import Catalog, Configuration, Request, Selection, check_request
from modcluster.errors import Issue, RequestError
from modcluster.solver import SolverSettings
from modcluster.solver.selection import selection_issues
from modcluster.verify import check_configuration

__all__ = ["RESERVE", "RESERVE_SHARE", "Configurator"]

#: Seconds (at most, and at most this share of the limit) a table keeps for its verification.
RESERVE = 1.0
RESERVE_SHARE = 0.05


class Configurator:
    """A request with a selection, and what the session learned so far (shared by every step).

    ``select``, ``rule_out`` and ``undo`` return new configurators; this one
    never changes. All the configurators of one session share one memory, so
    a step reuses what earlier steps proved (see
    :mod:`modcluster.configure.memory`).

    Args:
        catalog: A checked catalog.
        request: The request; its limits, filters and objective hold throughout.
            Its ``time_limit`` is the limit of each table and each ``why``.
        settings: CP-SAT parameters; the defaults suit this model.

    Raises:
        RequestError: The request names what the catalog does not have.
    """

    def __init__(self, catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> None:
        check_request(catalog, request)
        self._memory = Memory.start(catalog, request, settings)
        issues = selection_issues(self._memory.domain, request)
        if issues:
            raise RequestError(issues)
        self._original = request
        self._selection = request.selection
        self._history: tuple[Selection, ...] = ()

    @classmethod
    def _step(cls, parent: Configurator, selection: Selection) -> Configurator:
        made = cls.__new__(cls)
        made._memory = parent._memory
        made._original = parent._original
        made._selection = selection
        made._history = (*parent._history, parent._selection)
        return made

    @property
    def selection(self) -> Selection:
        """The current selection."""
        return self._selection

    @property
    def request(self) -> Request:
        """The request without a selection (and with one candidate: a table gives one best system per value)."""
        return self._memory.request

    def saved_request(self) -> Request:
        """The request with the current selection as its ``select`` and ``rule_out`` (what ``--save`` writes).

        Solving it gives the systems this selection allows; configuring it starts from this selection.
        """
        ruled: dict[str, list[str]] = {}
        for decision, value in self._selection.ruled_out:
            ruled.setdefault(decision, []).append(value)
        return self._original.with_changes(select=dict(self._selection.chosen), rule_out=ruled)

    def decisions(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every decision of the request with every value it can take (eligibility only, no selection)."""
        return list(self._memory.domain)

    def select(self, decision: str, value: str) -> Configurator:
        """A configurator with ``decision`` fixed to ``value`` (a new choice of a decision replaces the old).

        The later act wins: choosing a value that was ruled out takes it off the ruled-out list.

        Raises:
            RequestError: ``decision`` or ``value`` is not one of the request's (the message names the close ones).
        """
        self._check(decision, value)
        kept = tuple(r for r in self._selection.ruled_out if r != (decision, value))
        return self._step(self, replace(self._selection, ruled_out=kept).choose(decision, value))

    def rule_out(self, decision: str, value: str) -> Configurator:
        """A configurator with ``value`` of ``decision`` ruled out.

        The later act wins: ruling out the chosen value un-chooses it.

        Raises:
            RequestError: ``decision`` or ``value`` is not one of the request's.
        """
        self._check(decision, value)
        kept = tuple(c for c in self._selection.chosen if c != (decision, value))
        return self._step(self, replace(self._selection, chosen=kept).rule_out(decision, value))

    def undo(self) -> Configurator:
        """The configurator before the last ``select`` or ``rule_out`` (this one when there is none)."""
        if not self._history:
            return self
        made = Configurator.__new__(Configurator)
        made._memory = self._memory
        made._original = self._original
        made._selection = self._history[-1]
        made._history = self._history[:-1]
        return made

    def options(self, *, explain: bool = False, time_limit: float | None = None) -> Configuration:
        """The decision table under the current selection, verified.

        Args:
            explain: Give each impossible value its ``why`` (a smallest excluding set; more solves).
            time_limit: Seconds for the whole table (default: the request's ``time_limit``); values not
                settled by then are ``unknown``.

        Raises:
            VerificationError: A witness failed the independent check (a bug: report it).
        """
        seconds = self._seconds(time_limit)
        until = time.monotonic() + seconds - min(RESERVE, RESERVE_SHARE * seconds)
        table = decision_table(self._memory, self._selection, until, explain)
        check_configuration(self._memory.catalog, self._memory.request, table)
        return table

    def why(self, decision: str, value: str, *, time_limit: float | None = None) -> Blame | None:
        """A smallest set of the selection's items and the request's limits that excludes the value.

        Returns None when the value is possible (nothing excludes it) or the time limit came first.

        Raises:
            RequestError: ``decision`` or ``value`` is not one of the request's.
        """
        self._check(decision, value)
        until = time.monotonic() + self._seconds(time_limit)
        return smallest_excluding(self._memory, self._selection, (decision, value), until)

    def conflict(self, *, time_limit: float | None = None) -> Blame | None:
        """A smallest set of the selection's items that leaves no system (None: some system remains, or no time)."""
        until = time.monotonic() + self._seconds(time_limit)
        return smallest_excluding(self._memory, self._selection, None, until, blame_limits=False)

    def _seconds(self, time_limit: float | None) -> float:
        return float(self._memory.request.time_limit if time_limit is None else Decimal(str(time_limit)))

    def _check(self, decision: str, value: str) -> None:
        values = dict(self._memory.domain)
        if decision not in values:
            close = difflib.get_close_matches(decision, list(values), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; decisions: {', '.join(list(values)[:8])}"
            raise RequestError([Issue(decision, f"no such decision for {self.request.product}{hint}")])
        if value not in values[decision]:
            close = difflib.get_close_matches(value, list(values[decision]), n=3)
            shown = close or list(values[decision])[:8]
            raise RequestError(
                [Issue(f"{decision}={value}", f"not a value of {decision}; values include {', '.join(shown)}")]
            )
