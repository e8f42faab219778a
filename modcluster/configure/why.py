"""Why a value is impossible, and why a selection leaves no system: smallest excluding sets.

The parts that can be blamed are the selection's items (``select d=v``,
``rule out d=v``; a value asked about replaces the choice of its decision,
so that choice is never blamed for it) and the request's limits (``limits.budget``,
``limits.deadline``, ``limits.max_partners``); the catalog, the request's
filters (``sites``, ``exclude``, ``require``, ``hub``) and the rules stay. A
set of parts *excludes* a value when no system keeping only those parts takes
the value. Dropping parts only admits more systems, so a subset of a set that
does not exclude does not exclude either: the search goes by size, smallest
first, and skips every subset of a set already seen to admit a system. The
first excluding set found is a smallest one. Each test is one solve of the
narrowed request, under the caller's time limit; a test the limit cut short
makes the answer unknown (None), never a guess.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from modcluster.configure.memory import Memory, Settled
from modcluster.domain import Limits, Selection, ValueStatus
from modcluster.solver import time_limit
from modcluster.solver.instance import prepare

__all__ = ["LIMIT_PARTS", "MAX_PARTS", "Blame", "limit_parts", "smallest_excluding"]

#: The request's limits that can be blamed, in the order they are listed.
LIMIT_PARTS = ("limits.budget", "limits.deadline", "limits.max_partners")

#: With more parts than this, sets of every size are not all tried: the answer is irreducible, maybe not smallest.
MAX_PARTS = 12


@dataclass(frozen=True, slots=True)
class Blame:
    """A set of parts that excludes a value; ``smallest`` says no smaller set does (else it is irreducible)."""

    parts: tuple[str, ...]
    smallest: bool = True


def limit_parts(memory: Memory) -> tuple[str, ...]:
    """The request's limits that are set, as parts."""
    limits = memory.request.limits
    return tuple(part for part in LIMIT_PARTS if getattr(limits, part.removeprefix("limits.")) is not None)


class _Tester:
    """Whether a set of parts excludes the value: one solve each, with the request's limits narrowed."""

    def __init__(
        self,
        memory: Memory,
        selection: Selection,
        value: tuple[str, str] | None,
        until: float,
        fixed: frozenset[str] = frozenset(),
    ) -> None:
        self.memory, self.selection, self.value, self.until = memory, selection, value, until
        self.fixed = fixed

    def _memory(self, limits: frozenset[str]) -> Memory:
        """A memory whose request keeps only ``limits`` of the request's limits (cached)."""
        if limits == frozenset(limit_parts(self.memory)):
            return self.memory
        known = self.memory.relaxed.get(limits)
        if known is None:
            kept = self.memory.request.limits.model_dump(exclude_none=True)
            for part in LIMIT_PARTS:
                if part not in limits:
                    kept.pop(part.removeprefix("limits."), None)
            request = self.memory.request.model_copy(update={"limits": Limits.model_validate(kept)})
            with time_limit(self.until):
                base = prepare(self.memory.catalog, request)
            known = Memory(self.memory.catalog, request, self.memory.settings, base, self.memory.domain)
            self.memory.relaxed[limits] = known
        return known

    def excludes(self, parts: frozenset[str]) -> bool | None:
        """True: no system with only these parts takes the value; False: one does; None: not settled in time."""
        kept = self.selection.restricted_to(parts)
        if self.value is not None:
            if self.value in kept.ruled_out:
                return True  # the rule-out itself excludes the value
            kept = kept.choose(*self.value)  # instead of another value of the decision, if one is chosen
        memory = self._memory(frozenset(p for p in parts | self.fixed if p.startswith("limits.")))
        found: Settled = memory.settle(kept, self.until)
        if found.status is ValueStatus.UNKNOWN:
            return None
        return found.status is ValueStatus.IMPOSSIBLE


def smallest_excluding(
    memory: Memory,
    selection: Selection,
    value: tuple[str, str] | None,
    until: float,
    *,
    blame_limits: bool = True,
) -> Blame | None:
    """A smallest set of the selection's items and the request's limits that excludes ``value``.

    With ``value`` None: a smallest set of them that leaves no system at all.
    With ``blame_limits`` False the limits always hold and only the
    selection's items are blamed (a selection's conflict). Returns None when
    the time limit came first, or when even every part together does not
    exclude it (the value is possible).
    """
    limits = limit_parts(memory)
    parts = (*selection.items(), *(limits if blame_limits else ()))
    tester = _Tester(memory, selection, value, until, frozenset(() if blame_limits else limits))
    if not tester.excludes(frozenset(parts)):
        return None
    if len(parts) > MAX_PARTS:
        return _irreducible(tester, parts, until)
    admitting: list[frozenset[str]] = []
    for size in range(len(parts) + 1):
        for combo in itertools.combinations(parts, size):
            chosen = frozenset(combo)
            if any(chosen <= seen for seen in admitting):
                continue
            if time.monotonic() >= until:
                return None
            verdict = tester.excludes(chosen)
            if verdict is None:
                return None
            if verdict:
                return Blame(combo, True)
            admitting.append(chosen)
    return None


def _irreducible(tester: _Tester, parts: tuple[str, ...], until: float) -> Blame | None:
    """Deletion: drop each part in turn, keeping it out when the rest still excludes (irreducible, not smallest)."""
    kept = list(parts)
    for part in parts:
        if time.monotonic() >= until:
            return None
        trial = frozenset(p for p in kept if p != part)
        verdict = tester.excludes(trial)
        if verdict is None:
            return None
        if verdict:
            kept.remove(part)
    return Blame(tuple(kept), False)
