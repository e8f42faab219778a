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
- every verified system found, by objective key (the pool of witnesses);
- lower bounds: a selection proven to allow nothing better than a known system;
- the verifier's verdict on each system (each is checked once);
- the memories of the request with some of its limits dropped, which the
  explanations (:mod:`modcluster.configure.why`) ask.

Why this carries over exactly: a selection only removes systems, so under S'
the best value is never better than under S, and a system S' allows is a
system S allows.
"""

from __future__ import annotations

import itertools
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
    to_cents,
)
from modcluster.errors import VerificationError
from modcluster.solver import SolverSettings, objective_key, time_limit
from modcluster.solver.instance import Instance, prepare
from modcluster.solver.selection import decision_values, restrict
from modcluster.solver.solve import solve_prepared
from modcluster.solver.valuesearch import HubView, Quick, best_with, hub_view
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

    @property
    def figures(self) -> tuple[int, int]:
        """(cents, days): the form a search takes a ceiling in."""
        return to_cents(self.system.cost), self.system.lead_time


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
    by_key: dict[tuple[Any, ...], list[Witness]] = field(default_factory=dict)
    floors: dict[SelectionKey, tuple[Any, ...]] = field(default_factory=dict)
    checked: dict[Candidate, Witness] = field(default_factory=dict)
    relaxed: dict[frozenset[str], Memory] = field(default_factory=dict)
    views: dict[tuple[SelectionKey, str], HubView | None] = field(default_factory=dict)
    solves: int = 0
    reused: int = 0
    quick: int = 0

    @classmethod
    def start(cls, catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> Memory:
        """Prepare the request once (its instance and decisions), without its own ``select`` and ``rule_out``.

        Those are the session's first selection (the configurator starts from them): the table lists every value.
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
        self.by_key.setdefault(made.key, []).append(made)
        return made

    def settle(self, selection: Selection, until: float) -> Settled:
        """The best system the selection allows: from what is known when that settles it, else solved."""
        known = self.known(selection)
        if known is not None:
            return known
        found = self._solve(selection, until)
        assert found is not None  # without a ceiling there is always an answer
        self.record(selection, found)
        return found

    def settle_below(self, selection: Selection, until: float, ceiling: Witness | None) -> Settled | None:
        """Like :meth:`settle`, but only a system better than ``ceiling`` is of interest.

        Returns None when it is proven that the selection allows nothing better than ``ceiling``
        (remembered as a lower bound of the selection's best).
        """
        known = self.known(selection)
        if known is not None or ceiling is None:
            return known if known is not None else self.settle(selection, until)
        floor = self.floors.get(selection_key(selection))
        if floor is not None and floor >= ceiling.key:
            return None
        found = self._solve(selection, until, ceiling)
        if found is None:
            self.floors[selection_key(selection)] = ceiling.key
            return None
        self.record(selection, found)
        return found

    def at_hub(
        self, selection: Selection, hub: str, choice: tuple[str, str], until: float, ceiling: Witness | None
    ) -> Settled | None:
        """Hub ``hub``'s best system under ``selection`` with ``choice`` too (None: none better than ``ceiling``).

        The quick exact path first (:func:`~modcluster.solver.valuesearch.best_with`, with the hub's
        prices under ``selection`` computed once), else :meth:`settle_below`.
        """
        narrowed = selection.choose("hub", hub).choose(*choice)
        known = self.known(narrowed)
        if known is not None:
            return known
        if time.monotonic() >= until:
            return UNKNOWN
        key = (selection_key(selection), hub)
        if key not in self.views:
            with time_limit(until):
                self.views[key] = hub_view(restrict(self.base, selection), hub, self.request)
        view = self.views[key]
        if view is not None:
            above = None if ceiling is None else ceiling.figures
            with time_limit(until):
                quick = best_with(view, Selection((choice,)), above, until, self.settings)
            if quick.kind is Quick.IMPOSSIBLE:
                self.record(narrowed, IMPOSSIBLE)
                return IMPOSSIBLE
            if quick.kind is Quick.ABOVE:
                assert ceiling is not None
                self.floors[selection_key(narrowed)] = ceiling.key
                return None
            if quick.kind is Quick.BEST:
                assert quick.candidate is not None
                found = Settled(ValueStatus.POSSIBLE, self._checked(quick.candidate, narrowed), True)
                self.quick += 1
                self.record(narrowed, found)
                return found
        return self.settle_below(narrowed, until, ceiling)

    def record(self, selection: Selection, found: Settled) -> None:
        """Remember a settled answer (an unknown one or an unproven best is not a fact: it is not kept)."""
        if found.status is ValueStatus.IMPOSSIBLE or (found.status is ValueStatus.POSSIBLE and found.proven):
            self.results[selection_key(selection)] = found

    def known(self, selection: Selection) -> Settled | None:
        """What earlier answers prove about ``selection``, with no solve (None: they do not settle it).

        Earlier selections implied by this one are looked up among those with at most two
        choices and one rule-out fewer (what a step of a session leaves behind).
        """
        key = selection_key(selection)
        found = self.results.get(key)
        if found is not None:
            return found
        floor: tuple[Any, ...] | None = self.floors.get(key)
        for earlier_key in _implied(key):
            earlier = self.results.get(earlier_key)
            if earlier is None:
                bound = self.floors.get(earlier_key)
                if bound is not None and (floor is None or bound > floor):
                    floor = bound
                continue
            if earlier.status is ValueStatus.IMPOSSIBLE:
                return self._reuse(key, IMPOSSIBLE)
            if earlier.witness is None or not earlier.proven:
                continue
            if selection.allows(earlier.witness.values):
                return self._reuse(key, earlier)
            if floor is None or earlier.witness.key > floor:
                floor = earlier.witness.key
        if floor is None:
            return None
        for witness in self.by_key.get(floor, ()):
            if selection.allows(witness.values):
                return self._reuse(key, Settled(ValueStatus.POSSIBLE, witness, True))
        return None

    def _reuse(self, key: SelectionKey, found: Settled) -> Settled:
        self.reused += 1
        self.results[key] = found
        return found

    def _solve(self, selection: Selection, until: float, ceiling: Witness | None = None) -> Settled | None:
        """One solve of the narrowed instance (with ``ceiling``: None when nothing better exists)."""
        seconds = until - time.monotonic()
        if seconds <= 0:
            return UNKNOWN
        inst = restrict(self.base, selection)
        if not inst.hubs or not all(p.buy or p.can_make for p in inst.modules):
            return IMPOSSIBLE
        self.solves += 1
        request = self.request.model_copy(update={"time_limit": Decimal(str(round(seconds, 3)))})
        began = time.monotonic()
        above = None if ceiling is None else ceiling.figures
        with time_limit(began + seconds):
            solution = solve_prepared(inst, request, self.settings, began, above)
        if solution.status is Status.INFEASIBLE:
            return IMPOSSIBLE if ceiling is None else None
        if solution.best is None:
            return UNKNOWN
        found = self._checked(solution.best, selection)
        return Settled(ValueStatus.POSSIBLE, found, solution.best.proven_optimal)

    def _checked(self, system: Candidate, selection: Selection) -> Witness:
        """The system as a verified witness that the selection allows.

        Raises:
            VerificationError: It fails the independent check (a bug: report it).
        """
        found = self.witness(system)
        problems = selection_problems(found.values, dict(selection.chosen), set(selection.ruled_out))
        if problems:
            raise VerificationError([f"a system of {selection.items()}: {p}" for p in problems])
        return found


def _implied(key: SelectionKey) -> list[SelectionKey]:
    """Selections this one implies that a session may have settled: up to two choices and one rule-out fewer."""
    chosen, ruled = key
    rules = [ruled, *(ruled - {r} for r in ruled)] if len(ruled) <= 8 else [ruled]
    if ruled:
        rules.append(frozenset())
    out: list[SelectionKey] = []
    items = sorted(chosen)
    for drop in range(min(2, len(items)) + 1):
        for removed in itertools.combinations(items, drop):
            kept = chosen - set(removed)
            out.extend((kept, r) for r in rules if (kept, r) != key)
    return out
