"""Why no plan exists: a smallest set of entries that cannot be planned together, and what would let it through.

Plain functions over the plan's entries, in the manner of a deletion filter
(QuickXplain's simple cousin): each test asks CP-SAT whether a subset of the
entries has a plan (:func:`modcluster.solver.plan.plan_relief`, kind
``"none"``), and only a *proven* answer counts.

Feasibility is not monotone here: dropping an entry can make another pay an
onboarding fee the dropped one paid, and break that entry's budget. So the
deletion filter's set is irreducible (every entry of it is needed) but not
necessarily the smallest; :func:`smallest_conflict` then checks every
smaller subset, by increasing size, within :data:`MAX_TESTS` tests and the
time limit, and says whether it proved the set smallest.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from decimal import Decimal

from ortools.sat.python import cp_model

from modcluster.domain import AloneResult, PlanExplanation, Status
from modcluster.errors import TimeLimitError
from modcluster.plans.setup import PlanSetup
from modcluster.solver import SolverSettings
from modcluster.solver.plan import plan_relief

__all__ = ["MAX_TESTS", "Feasibility", "explain_plan", "smallest_conflict"]

#: Subsets tested at most when looking for a smaller conflict than the irreducible one.
MAX_TESTS = 64

#: A subset's answer: True (a plan exists, proven), False (proven impossible), None (not decided).
Feasibility = bool | None


def _feasible(setup: PlanSetup, subset: Sequence[int], settings: SolverSettings, stop_at: float) -> Feasibility:
    if time.monotonic() >= stop_at:
        return None
    try:
        status, _ = plan_relief(
            [setup.instances[i] for i in subset],
            [setup.releases[i] for i in subset],
            "none",
            settings,
            stop_at,
            budget_cents=setup.budget_cents,
        )
    except TimeLimitError:
        return None
    if status == cp_model.OPTIMAL:
        return True
    if status == cp_model.INFEASIBLE:
        return False
    return None


def smallest_conflict(
    setup: PlanSetup, settings: SolverSettings, stop_at: float, known: Sequence[int] | None = None
) -> tuple[tuple[int, ...] | None, bool]:
    """A set of entries proven impossible to plan together, and whether it is proven smallest.

    Args:
        setup: The plan, ready to search.
        settings: CP-SAT settings.
        stop_at: The monotonic time to stop at.
        known: A set already proven impossible (default: every entry, to be proven first).

    Returns:
        The entries' indices in plan order (None: no conflict proven), and whether no smaller set
        can be impossible.
    """
    current = list(known) if known is not None else list(range(len(setup.instances)))
    if known is None and _feasible(setup, current, settings, stop_at) is not False:
        return None, False
    for index in list(current):
        if len(current) == 1:
            break
        rest = [i for i in current if i != index]
        if _feasible(setup, rest, settings, stop_at) is False:
            current = rest
    tests = 0
    for size in range(1, len(current)):
        for subset in itertools.combinations(range(len(setup.instances)), size):
            tests += 1
            if tests > MAX_TESTS:
                return tuple(current), False
            answer = _feasible(setup, subset, settings, stop_at)
            if answer is False:
                return subset, True
            if answer is None:
                return tuple(current), False
    return tuple(current), True


def _relief(
    setup: PlanSetup, subset: Sequence[int], kind: str, settings: SolverSettings, stop_at: float
) -> tuple[Feasibility, int | None]:
    """Whether relief of ``kind`` can let ``subset`` through, and the least amount when proven.

    Returns:
        ``(True, amount)``: proven least; ``(False, None)``: proven that no amount helps;
        ``(None, None)``: not decided within the time limit.
    """
    if time.monotonic() >= stop_at:
        return None, None
    try:
        status, amount = plan_relief(
            [setup.instances[i] for i in subset],
            [setup.releases[i] for i in subset],
            kind,
            settings,
            stop_at,
            budget_cents=setup.budget_cents,
        )
    except TimeLimitError:
        return None, None
    if status == cp_model.OPTIMAL:
        return True, amount
    if status == cp_model.INFEASIBLE:
        return False, None
    return None, None


def explain_plan(
    setup: PlanSetup, alone: Sequence[AloneResult], settings: SolverSettings, stop_at: float
) -> PlanExplanation:
    """Explain an impossible plan: its smallest conflict, each entry alone, and the least relief.

    An entry proven infeasible alone is a conflict of one on its own (alone, it pays every
    onboarding fee it needs, as it would as the only entry of a plan). The whole plan may still
    be possible when such an entry is not alone: a tie an earlier entry made can bring it within
    its budget; this is called only once the whole plan is proven impossible.
    """
    keys = setup.keys
    alone_status = tuple((a.id, a.status) for a in alone)
    lonely = [i for i, a in enumerate(alone) if a.status is Status.INFEASIBLE]
    if lonely:
        conflict: tuple[int, ...] | None = (lonely[0],)
        smallest = True
    else:
        conflict, smallest = smallest_conflict(setup, settings, stop_at)
    if conflict is None:
        return PlanExplanation(
            "no plan was found, and no set of entries was proven impossible within the time limit",
            (),
            False,
            alone_status,
        )
    days_help, days = _relief(setup, conflict, "days", settings, stop_at)
    money_help, cents = _relief(setup, conflict, "money", settings, stop_at)
    names = ", ".join(keys[i] for i in conflict)
    what = "cannot be planned alone" if len(conflict) == 1 else "cannot be planned together"
    size = "a smallest set" if smallest else "an irreducible set (a smaller one was not ruled out)"
    summary = f"{names} {what} ({size})"
    reliefs = []
    if days is not None:
        reliefs.append(f"{days} more day(s) on every deadline of the set")
    if cents is not None:
        reliefs.append(f"{_money(cents)} more on every budget of the set and the plan's")
    if reliefs:
        summary += "; it goes through with " + " or with ".join(reliefs)
    hopeless = [what for what, helps in (("later deadlines", days_help), ("more money", money_help)) if helps is False]
    if hopeless:
        summary += "; " + " and ".join(hopeless) + (" do not help" if len(hopeless) > 1 else " does not help")
    undecided = [what for what, helps in (("days", days_help), ("money", money_help)) if helps is None]
    if undecided:
        summary += "; the least relief in " + " and ".join(undecided) + " was not proven within the time limit"
    return PlanExplanation(
        summary,
        tuple(keys[i] for i in conflict),
        smallest,
        alone_status,
        days,
        None if cents is None else _decimal(cents),
    )


def _decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _money(cents: int) -> str:
    return f"{_decimal(cents):,.2f}"
