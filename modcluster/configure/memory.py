"""What a configuration session learns, kept across its steps (the configurator is incremental).

One :class:`Memory` is shared by a :class:`~modcluster.configure.Configurator`
and every configurator derived from it by ``select``, ``rule_out`` and
``undo``. It holds:

- the request's prepared instance (eligibility and exact figures, computed once)
  and the decisions with their values;
- every settled question "the best system allowed by selection S"
  (:class:`Settled`), reused under any later selection S' that implies S:
  an impossible S stays impossible; a proven best system of S that S' still
  allows is the best of S' (S' allows fewer systems, none better); and
  otherwise the best of S is a lower bound for S', met by any known system
  S' allows with that value;
- every verified system found (the pool of witnesses);
- the verifier's verdict on each system (each is checked once);
- the memories of the request with some of its limits dropped, which the
  explanations (:mod:`modcluster.configure.why`) ask.

Why this carries over exactly: a selection only removes systems, so under S'
the best value is never better than under S, and a system S' allows is a
system S allows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modcluster.domain import (
    Candidate,
    Catalog,
    FrozenDict,
    Request,
    Selection,
    Status,
    ValueStatus,
    decisions_of,
    system_dict,
)
from modcluster.errors import VerificationError
from modcluster.solver import SolverSettings, objective_key, time_limit
from modcluster.solver.instance import Instance, prepare
from modcluster.solver.selection import decision_values, restrict
from modcluster.solver.solve import solve_prepared
from modcluster.verify import selection_problems, system_check

__all__ = ["IMPOSSIBLE", "UNKNOWN", "Memory", "Settled", "Witness", "selection_key"]

SelectionKey = tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]


def selection_key(selection: Selection) -> SelectionKey:
    """A selection as sets (the order of choices does not change what it allows)."""
    return frozenset(selection.chosen), frozenset(selection.ruled_out)


@dataclass(frozen=True, slots=True)
class Witness:
    """A verified system with its decisions and its objective key."""

    system: Candidate
    values: dict[str, str]
    key: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Settled:
    """The answer to "the best system a selection allows": its status, the system, and whether it is proven best."""

    status: ValueStatus
    witness: Witness | None = None
    proven: bool = False


UNKNOWN = Settled(ValueStatus.UNKNOWN)
IMPOSSIBLE = Settled(ValueStatus.IMPOSSIBLE, proven=True)


@dataclass
class Memory:
    """The shared memory of one configuration session (see the module docstring)."""

    catalog: Catalog
    request: Request
    settings: SolverSettings
    base: Instance
    domain: list[tuple[str, tuple[str, ...]]]
    results: dict[SelectionKey, Settled] = field(default_factory=dict)
    pool: list[Witness] = field(default_factory=list)
    checked: dict[Candidate, Witness] = field(default_factory=dict)
    relaxed: dict[frozenset[str], Memory] = field(default_factory=dict)
    solves: int = 0
    reused: int = 0

    @classmethod
    def start(cls, catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> Memory:
        """Prepare the request once (its instance and decisions), without its own ``select`` and ``rule_out``.

        Those are the session's first selection (:func:`start_selection`): the table lists every value.
        """
        request = request.model_copy(update={"candidates": 1, "select": FrozenDict(), "rule_out": FrozenDict()})
        base = prepare(catalog, request)
        return cls(catalog, request, settings or SolverSettings(), base, decision_values(base))

    def witness(self, system: Candidate) -> Witness:
        """The system as a witness, checked by the independent verifier once.

        Raises:
            VerificationError: The solver's system failed the check (a bug: report it).
        """
        known = self.checked.get(system)
        if known is not None:
            return known
        problems, values, _ = system_check(self.catalog, self.request, system_dict(system))
        if problems:
            raise VerificationError(problems)
        if values != decisions_of(system):
            raise VerificationError([f"the system's decisions read back differently: {values}"])
        made = Witness(system, values, objective_key(system, self.request))
        self.checked[system] = made
        self.pool.append(made)
        return made

    def settle(self, selection: Selection, until: float) -> Settled:
        """The best system the selection allows: from what is known when that settles it, else solved."""
        key = selection_key(selection)
        known = self.results.get(key)
        if known is not None:
            return known
        carried = self._carried(selection, key)
        if carried is not None:
            self.reused += 1
            self.results[key] = carried
            return carried
        found = self._solve(selection, until)
        if found.status is not ValueStatus.UNKNOWN and (found.proven or found.status is ValueStatus.IMPOSSIBLE):
            self.results[key] = found
        return found

    def _carried(self, selection: Selection, key: SelectionKey) -> Settled | None:
        """What earlier answers prove about ``selection`` (None: they do not settle it)."""
        chosen, ruled = key
        floor: tuple[Any, ...] | None = None
        for (c0, r0), earlier in self.results.items():
            if not (c0 <= chosen and r0 <= ruled):
                continue
            if earlier.status is ValueStatus.IMPOSSIBLE:
                return IMPOSSIBLE
            if earlier.witness is None or not earlier.proven:
                continue
            if selection.allows(earlier.witness.values):
                return earlier
            if floor is None or earlier.witness.key > floor:
                floor = earlier.witness.key
        if floor is None:
            return None
        for known in self.pool:
            if known.key == floor and selection.allows(known.values):
                return Settled(ValueStatus.POSSIBLE, known, True)
        return None

    def _solve(self, selection: Selection, until: float) -> Settled:
        seconds = until - time.monotonic()
        if seconds <= 0:
            return UNKNOWN
        inst = restrict(self.base, selection)
        if not inst.hubs or not all(p.buy or p.can_make for p in inst.modules):
            return IMPOSSIBLE
        self.solves += 1
        request = self.request.model_copy(update={"time_limit": Decimal(str(round(seconds, 3)))})
        began = time.monotonic()
        with time_limit(began + seconds):
            solution = solve_prepared(inst, request, self.settings, began)
        if solution.status is Status.INFEASIBLE:
            return IMPOSSIBLE
        if solution.best is None:
            return UNKNOWN
        found = self.witness(solution.best)
        problems = selection_problems(found.values, dict(selection.chosen), set(selection.ruled_out))
        if problems:
            raise VerificationError([f"a system of {selection.items()}: {p}" for p in problems])
        return Settled(ValueStatus.POSSIBLE, found, solution.best.proven_optimal)
