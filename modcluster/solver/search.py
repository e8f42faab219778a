"""The hub-by-hub search for the best ``k`` distinct candidates (see docs/performance.md).

Every hub's systems are different candidates from every other hub's, so the
best ``k`` overall are the best of the merged per-hub lists. A queue holds
each hub under a lower bound of its next system's value; the hub at the
front is refined (pruned, bounded), settled by branch and bound when few
systems are left, or compiled and solved by CP-SAT, one candidate at a time.
The front door (:func:`modcluster.solver.solve.run_search`) prepares the
request and turns the outcome into a :class:`~modcluster.domain.Solution`.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ortools.sat.python import cp_model

from modcluster.domain import Candidate, Request
from modcluster.errors import TimeLimitError
from modcluster.solver.compile import Compiled, compile_model, cost_upper_bound, schedule_horizon
from modcluster.solver.cpsat import SolverSettings
from modcluster.solver.decode import candidate_of, decode, solution_system
from modcluster.solver.exhaust import settle
from modcluster.solver.hint import GreedyModule, GreedySystem, add_system_hint, greedy, nearby, system_of
from modcluster.solver.instance import Instance
from modcluster.solver.lagrange import Lagrangian, lagrangian, quick_bound
from modcluster.solver.leadbound import relaxed_bound
from modcluster.solver.objective import LexResult, Minimiser, ObjectiveOrder, objective_key
from modcluster.solver.progress import Progress, observed, report
from modcluster.solver.prune import lower_bound, option_count, prune, restrict_hub
from modcluster.solver.rules.distinct import candidate_signature
from modcluster.solver.rules.policies import refund_ceiling

__all__ = ["COST_FIRST", "LEAD_FIRST", "NEARBY", "NEARBY_MOST", "SETTLE", "SearchOutcome", "search_hubs"]


@dataclass
class SearchOutcome:
    """What the hub-by-hub search found and proved."""

    candidates: list[Candidate]
    exhausted: bool
    interrupted: bool
    horizon: int
    bounds: list[float]
    hubs_solved: int = 0
    hubs_settled: int = 0
    hubs_skipped: int = 0
    options: tuple[int, int] = (0, 0)
    bound: Decimal | int | None = None


LEAD_FIRST = (0, 1)
"""The first key of ``lead_time``: lead-time bounds and fixing apply."""

COST_FIRST = (1, 0)
"""The first key of ``cost``: its next systems come from the Lagrangian fixing and settling instead."""

SETTLE = 1000
"""Branch and bound settles a hub when it visits at most ``SETTLE * k`` partial systems (see docs/performance.md)."""

NEARBY = 3
"""With ``k > 1``, each hub also tries ``NEARBY * k`` systems near its best known one (:func:`nearby`)..."""

NEARBY_MOST = 1000
"""... and at most this many (and none past the time limit): they only bound what is worth finding."""


def _cents(cand: Candidate) -> int:
    return int(cand.cost * 100)


@dataclass
class _Hub:
    """One hub's sub-problem in the search queue.

    ``level``: how far its bound was refined: 0 the plain lower bound, 1 pruned
    by the limits with the even-multiplier Lagrangian bound, 2 with the LP's.
    """

    sub: Instance
    level: int
    bound: tuple[int, int]
    compiled: Compiled | None = None
    lex: Minimiser | None = None
    ceiling: int | None = None
    floors: tuple[int, ...] | None = None
    first: int = 0
    relaxed: tuple[GreedyModule, ...] | None = None
    prices: Lagrangian | None = None
    known: list[tuple[int, GreedySystem]] = field(default_factory=list)
    settled: list[tuple[int, GreedySystem]] | None = None
    taken: set[tuple[object, ...]] = field(default_factory=set)
    tried: list[GreedySystem | None] = field(default_factory=list)


def search_hubs(
    inst: Instance,
    request: Request,
    settings: SolverSettings,
    began: float,
    ceiling: tuple[int, int] | None = None,
) -> SearchOutcome:
    """Find the best ``k`` candidates, one hub at a time (see docs/performance.md).

    The systems of different hubs are different candidates, so the best k
    overall are the best k of the merged per-hub lists. A queue holds every
    hub under a lower bound of the value of its next system; the hub with the
    lowest bound is taken next. A hub's first bound is cheap; when it reaches
    the front it is pruned exactly (:mod:`modcluster.solver.prune`), gets the
    Lagrangian bound and goes back; then its model is built and solved for its
    best system, which goes back with its value as the bound of the hub's next
    one. Once the front's bound reaches the k-th best value found, the search
    is complete. Every model gets the k-th best value as a cutoff and its
    hub's bounds as constraints; all share one objective scale, computed on the
    whole instance, so values compare across hubs.

    ``ceiling`` (cents, days): a system known elsewhere; only systems better
    than it under the objective are looked for (it is the cutoff until k are
    found). Every system better than it packs below it, whatever its size, so
    finding none proves that none is better; the configurator asks so.
    """
    k = request.candidates
    if inst.policies:  # the bounds, fixing and settling reason on gross cents, which a refund can undercut
        settings = replace(settings, bounds=False, fixing=False, settle=False)  # dominance knows the policies
    horizon = schedule_horizon(inst)
    if inst.deadline is not None:
        horizon = min(horizon, inst.deadline)
    order = ObjectiveOrder.for_request(request, cost_bound=cost_upper_bound(inst), lead_bound=horizon)
    options_before = option_count(inst)
    # The deadline and budget bounds (the budget widened by the refunds when policies are in effect).
    work = prune(inst, k, dominance=False) if settings.bounds or inst.policies else inst
    if settings.decompose:
        fees: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
        for key, cents in work.onboarding.items():
            fees[key[0]][key] = cents
        subs = [restrict_hub(work, h, fees[h.org]) for h in work.hubs]
    else:
        subs = [work]
    if observed():
        report(Progress(f"{request.product}: bounding {len(subs)} hub(s)", elapsed=time.monotonic() - began,
                        limit=float(request.time_limit)))  # fmt: skip
    hubs: list[_Hub] = []
    queue: list[tuple[int, int]] = []  # (lower bound of the hub's next value, index in hubs)
    for sub in subs:
        bound = lower_bound(sub)
        if bound is None:
            continue
        if sub.policies:  # a gross bound less the most the policies could refund: a net one, still sound
            bound = (bound[0] - refund_ceiling(sub), bound[1])
        hubs.append(_Hub(sub, level=0 if settings.bounds else 2, bound=bound))
        ordered = settings.bounds or sub.policies  # with policies, the net bound orders and skips hubs
        queue.append((order.value(*bound) if ordered else 0, len(hubs) - 1))
    heapq.heapify(queue)
    outcome = SearchOutcome([], False, False, horizon, [])
    found: list[tuple[int, Candidate]] = []
    open_bounds: list[int] = []  # lower bounds of what was left unexplored
    limit = float(request.time_limit)

    above = None if ceiling is None else order.value(*ceiling)
    answer = False  # whether some hub's greedy system meets the limits (see _greedy_answer)

    def kth() -> int | None:
        if len(found) < k:
            return above
        value = sorted(v for v, _ in found)[k - 1]
        return value if above is None else min(value, above)

    while queue:
        if observed():  # once per hub visit, never per CP-SAT solution: nothing when nobody watches
            _report(inst, request, order, (hubs, queue, found, open_bounds), time.monotonic() - began)
        low, index = heapq.heappop(queue)
        try:
            hub = hubs[index]
            cutoff = kth()
            if cutoff is not None and low >= cutoff:
                break  # every hub left has a bound >= low: none can enter the best k
            if time.monotonic() - began >= limit or outcome.interrupted:
                open_bounds.append(low)
                open_bounds.extend(b for b, _ in queue)
                break
            if hub.level < 2:
                if not answer and not found:  # no complete system yet: this hub's greedy one (2 ms on `large`)
                    answer = _greedy_answer(hub)
                if not _refine(hub, k, order, settings, began + limit):
                    continue  # no system within the limits
                heapq.heappush(queue, (max(low, _floor(hub, order)), index))
                continue
            if hub.compiled is None and hub.settled is None:
                if not _compile(hub, k, order, settings, cutoff, began + limit):
                    continue  # nothing at this hub can enter the best k
                outcome.hubs_solved += 1
                outcome.hubs_settled += hub.settled is not None
            elif settings.hint and hub.compiled is not None:
                _rehint(hub, cutoff)
            if hub.settled is not None:  # every class of interest is known: no solve
                if hub.settled and (cutoff is None or hub.settled[0][0] < cutoff):
                    value, system = hub.settled.pop(0)
                    found.append((value, candidate_of(hub.sub, system, 1, True)))
                    outcome.bounds.append(float(value))
                    heapq.heappush(queue, (max(low, value), index))
                continue
            compiled, lex = hub.compiled, hub.lex
            assert compiled is not None and lex is not None
            result = _solve_hub(hub, order, low if settings.bounds else None, cutoff, settings, began + limit)
            outcome.interrupted = outcome.interrupted or result.interrupted
            if result.solver is not None:
                proven = result.status == cp_model.OPTIMAL and not result.interrupted
                cand = decode(compiled, result.solver, 1, proven)
                if k > 1 and settings.hint and settings.fixing and order.keys[0] != COST_FIRST:
                    _learn_nearby(hub, order, solution_system(compiled, result.solver), k, began + limit)
                value = order.value(_cents(cand), cand.lead_time)
                found.append((value, cand))
                outcome.bounds.append(float(order.pack(result.bound)))
                compiled.exclude(compiled.signature_literals(result.solver))
                hub.taken.add(candidate_signature(cand))
                if proven:  # the hub's next system is no better than this one
                    heapq.heappush(queue, (max(low, value), index))
                else:
                    open_bounds.append(max(low, order.pack(result.bound)))
            elif result.status != cp_model.INFEASIBLE or result.interrupted:
                open_bounds.append(max(low, order.pack(result.bound)))
        except (KeyboardInterrupt, TimeLimitError) as stop:  # outside CP-SAT: stop with what was found
            outcome.interrupted = outcome.interrupted or isinstance(stop, KeyboardInterrupt)  # Ctrl-C, not the clock
            open_bounds.append(low)
            open_bounds.extend(b for b, _ in queue)
            break
    if open_bounds:  # stopped by the limit: the complete systems tried on the way count too, unproven
        found.extend(_unproven(hubs, order, k))
    outcome.hubs_skipped = len(subs) - outcome.hubs_solved
    searched = [h.sub for h in hubs if h.compiled is not None or h.settled is not None]
    outcome.options = (options_before, sum(option_count(sub) for sub in searched))
    found.sort(key=lambda pair: (pair[0], objective_key(pair[1], request), _signature_text(pair[1])))
    best = found[:k]
    frontier = min(open_bounds, default=None)
    candidates = []
    prefix = True
    for rank, (value, cand) in enumerate(best, start=1):
        prefix = prefix and cand.proven_optimal and (frontier is None or value <= frontier)
        candidates.append(_replace(cand, rank=rank, proven_optimal=prefix))
    outcome.candidates = candidates
    outcome.exhausted = not open_bounds
    if frontier is not None:
        outcome.bound = order.first_bound(frontier)
    return outcome


def _report(
    inst: Instance,
    request: Request,
    order: ObjectiveOrder,
    state: tuple[list[_Hub], list[tuple[int, int]], list[tuple[int, Candidate]], list[int]],
    elapsed: float,
) -> None:
    """Report the search's state (:mod:`modcluster.solver.progress`): the hub next, the best so far, the bound.

    The bound is what the end of :func:`search_hubs` would prove now: the least
    lower bound of the hubs not done (``queue``) and of what was left open,
    and no more than the best found (a search with nothing left has proven it).
    ``state``: the search's hubs, queue, systems found and open bounds.
    """
    hubs, queue, found, open_bounds = state
    low, index = queue[0]
    subject = hubs[index].sub.hubs
    hub = f"hub {subject[0].org}" if len(subject) == 1 else f"{len(subject)} hubs"
    best = min(found, key=lambda pair: pair[0], default=None)
    packed = min([low, *open_bounds, *([best[0]] if best is not None else [])])
    report(
        Progress(
            f"{request.product}: {hub} ({len(queue)} of {len(hubs)} hubs open, {len(found)} found)",
            best=None if best is None else (best[1].cost, best[1].lead_time),
            bound=order.first_bound(packed),
            elapsed=elapsed,
            limit=float(request.time_limit),
            objective=request.objective.value,
            money=inst.catalog.units.money,
        )
    )


def _greedy_answer(hub: _Hub) -> bool:
    """Keep the hub's greedy system among its tried ones; whether it meets the limits.

    An answer from the start: if the time limit comes before any model, the
    best complete system tried is the honest, unproven answer (:func:`_unproven`).
    Only until one such system exists: with a thousand hubs (people placed at
    every processor) a greedy system each cost a sixth of the search.
    """
    system = greedy(hub.sub)
    hub.tried.append(system)
    return system is not None and system.meets(hub.sub)


def _floor(hub: _Hub, order: ObjectiveOrder) -> int:
    """The packed lower bound of a hub's systems: its (cents, days) bound, and its first-key bound."""
    return max(order.value(*hub.bound), order.pack((hub.first,)))


def _refine(hub: _Hub, k: int, order: ObjectiveOrder, settings: SolverSettings, stop_at: float) -> bool:
    """Take a hub's bound one level closer; False when the hub has no system within the limits.

    At the last level, for ``lead_time`` and ``weighted``, the relaxation of
    :mod:`~modcluster.solver.leadbound` adds the bridge days that no
    consistent choice of interfaces avoids (for ``weighted``, its bound of
    the weighted key: on ``large`` with industrial figures the solves took
    2.2, 1.7 and 2.8 s with it, 3.6, 3.1 and 4.9 s without; with the
    generator's own figures 4.3, 1.4 and 12.4 s against 4.1, 1.1 and 11.9 s).
    """
    hub.level += 1
    if hub.level == 1:
        hub.sub = prune(hub.sub, k, dominance=False)
        plain = lower_bound(hub.sub)
        if plain is None:
            return False
        hub.bound = (max(hub.bound[0], plain[0]), max(hub.bound[1], plain[1]))
    cents = None
    if len(hub.sub.hubs) == 1 and hub.level == 1:
        cents = quick_bound(hub.sub)
    elif len(hub.sub.hubs) == 1:
        hub.prices = lagrangian(hub.sub)
        cents = None if hub.prices is None else hub.prices.cents
    if cents is not None:
        hub.bound = (max(hub.bound[0], cents), hub.bound[1])
    if hub.level == 2 and len(hub.sub.hubs) == 1 and settings.bounds and order.keys[0] != COST_FIRST:
        dual = hub.prices.dual(hub.sub) if hub.prices is not None else None
        relaxed = relaxed_bound(hub.sub, order, settings, stop_at, dual)
        if relaxed is None:
            return False
        hub.bound = (hub.bound[0], max(hub.bound[1], relaxed.days))
        hub.first = max(hub.first, relaxed.first)
        hub.relaxed = relaxed.sources
        if relaxed.sources is not None:  # quick by construction: often the best answer a short limit allows
            hub.tried.append(system_of(hub.sub, list(relaxed.sources)))
    budget = hub.sub.budget_cents
    return budget is None or hub.bound[0] <= budget


def _solve_hub(
    hub: _Hub, order: ObjectiveOrder, low: int | None, cutoff: int | None, settings: SolverSettings, stop_at: float
) -> LexResult:
    """Solve a hub's model for its best system not taken yet, within ``[low, cutoff)`` and the hub's ceiling.

    ``low`` and the cutoff are packed values of the shared order; the model
    sees them as bounds of its keys (:meth:`ObjectiveOrder.split`), never as
    one packed number.
    """
    assert hub.lex is not None
    high = hub.ceiling
    if cutoff is not None:
        high = cutoff - 1 if high is None else min(high, cutoff - 1)
    return hub.lex.solve(
        settings,
        stop_at,
        low=None if low is None else order.split(low)[0],
        high=None if high is None else order.split(high),
        floors=hub.floors,
    )


def _compile(
    hub: _Hub, k: int, order: ObjectiveOrder, settings: SolverSettings, cutoff: int | None, stop_at: float
) -> bool:
    """Prune a hub's sub-problem exactly, then settle it or build its model (shared objective, bounds, a hint).

    Complete systems come first: the greedy one, the LP's rounded one and its
    one-swap neighbours, each with exact figures. The k-th best value among
    their different candidates that meet the limits (or the cutoff, if lower)
    bounds the value of anything worth finding here; options whose Lagrangian
    bound exceeds it are fixed out (:meth:`Lagrangian.fix`). What is left is
    settled by trying every system when there are few
    (:func:`~modcluster.solver.exhaust.settle`, sets ``hub.settled``), else
    compiled (sets ``hub.compiled``). False when nothing is left: the hub
    cannot improve the best k.
    """
    if settings.dominance:
        hub.sub = prune(hub.sub, k, bounds=False)
    sub, prices = hub.sub, hub.prices if len(hub.sub.hubs) == 1 else None
    weights = order.weights
    systems = hub.tried  # kept on the hub: if the time limit stops what follows, the best of them is an answer
    systems.append(greedy(sub))
    if hub.relaxed is not None:
        systems.append(system_of(sub, list(hub.relaxed)))  # quick by construction: a start for lead time
    if prices is not None:
        rounded = prices.rounded(sub)
        systems.append(system_of(sub, rounded))
        if settings.bounds and settings.fixing:
            for chosen in prices.neighbours(sub, rounded):
                if time.monotonic() > stop_at:
                    break  # they only bound what is worth finding: fewer never change the answer
                systems.append(system_of(sub, chosen))
            if k > 1:
                base = min((s for s in systems if s is not None), key=lambda s: order.value(s.cents, s.lead))
                for chosen in nearby(sub, base, min(NEARBY * k, NEARBY_MOST)):
                    if time.monotonic() > stop_at:
                        break  # they only bound what is worth finding: fewer never change the answer
                    systems.append(system_of(sub, chosen))
    best: dict[tuple[object, ...], tuple[int, GreedySystem]] = {}
    for system in systems:
        if system is not None and system.meets(sub):
            value, signature = order.value(system.cents, system.lead), system.signature()
            if signature not in best or value < best[signature][0]:
                best[signature] = (value, system)
    ranked = sorted(best.values(), key=lambda pair: pair[0])
    limit = cutoff - 1 if cutoff is not None else None
    if settings.bounds and settings.fixing and prices is not None:
        if len(ranked) >= k:
            limit = ranked[k - 1][0] if limit is None else min(limit, ranked[k - 1][0])
        if limit is not None:
            fixed = prices.fix(sub, (limit - weights[1] * hub.bound[1]) // weights[0])
            if fixed is None:
                return False
            hub.sub = sub = fixed
    if limit is not None and limit < _floor(hub, order):
        return False
    if settings.bounds and settings.fixing and limit is not None and order.keys[0] == LEAD_FIRST:
        # Lead-time fixing: a system worth finding ends by the limit's lead time, so that is a deadline here.
        lead_cap = order.split(limit)[0]
        if sub.deadline is None or lead_cap < sub.deadline:
            hub.sub = sub = prune(replace(sub, deadline=lead_cap), k, dominance=False)
            if lower_bound(sub) is None:
                return False  # nothing here ends by the limit's lead time
    if settings.settle and len(sub.hubs) == 1:
        dual = prices.dual(sub) if prices is not None else None
        hub.settled = settle(sub, weights, limit, k, SETTLE * k, dual, stop_at)
        if hub.settled is not None:
            return True
    hub.compiled = compiled = compile_model(sub)
    hub.lex = compiled.lexicographic(order)
    hub.ceiling = limit
    if settings.bounds:
        compiled.model.add(compiled.cost >= hub.bound[0])
        compiled.model.add(compiled.lead >= hub.bound[1])
        floors = order.key(*hub.bound)
        hub.floors = (max(floors[0], hub.first), *floors[1:])
    hub.known = [(value, system) for value, system in ranked if limit is None or value <= limit]
    if settings.hint and hub.known:
        _add_hint(compiled, hub.known[0][1])
    elif settings.hint and systems[0] is not None and (limit is None or not settings.bounds):
        _add_hint(compiled, systems[0])
    return True


def _learn_nearby(hub: _Hub, order: ObjectiveOrder, system: GreedySystem, k: int, stop_at: float) -> None:
    """Add the systems near one the model found to the hub's known systems, for its next solves.

    The runner-up systems of a hub mostly differ from its best in one or two
    modules (:func:`~modcluster.solver.hint.nearby`). Each one, meeting the
    limits and not taken yet, is a real system: the best of them starts the
    hub's next search (:func:`_rehint`). They are only hints: not used as a
    bound, since pruning may have left one of them out of the model.
    """
    sub = hub.sub
    seen = {known.signature() for _, known in hub.known}
    for chosen in nearby(sub, system, min(NEARBY * k, NEARBY_MOST)):
        if time.monotonic() > stop_at:
            break
        candidate = system_of(sub, chosen)
        signature = candidate.signature()
        if signature in seen or signature in hub.taken or not candidate.meets(sub):
            continue
        seen.add(signature)
        hub.known.append((order.value(candidate.cents, candidate.lead), candidate))
    hub.known.sort(key=lambda pair: pair[0])


def _unproven(hubs: list[_Hub], order: ObjectiveOrder, k: int) -> list[tuple[int, Candidate]]:
    """When the time limit stops a hub before its model answered: its complete systems tried so far, unproven.

    Each is a real system with exact figures that meets the limits
    (:meth:`GreedySystem.meets`), different from every candidate taken at its
    hub; the best of each class stands for it. Only the ``k`` best become
    candidates (the rest could not be among the best ``k``).
    """
    out: list[tuple[int, _Hub, GreedySystem]] = []
    for hub in hubs:
        if hub.settled is not None:
            continue  # settled hubs answered already
        best: dict[tuple[object, ...], tuple[int, GreedySystem]] = {}
        for system in hub.tried:
            if system is None or not system.meets(hub.sub) or system.signature() in hub.taken:
                continue
            value, signature = order.value(system.cents, system.lead), system.signature()
            if signature not in best or value < best[signature][0]:
                best[signature] = (value, system)
        out.extend((value, hub, system) for value, system in best.values())
    out.sort(key=lambda entry: entry[0])
    return [(value, candidate_of(hub.sub, system, 1, False)) for value, hub, system in out[:k]]


def _rehint(hub: _Hub, cutoff: int | None) -> None:
    """Before a hub's next solve: hint its best known system that was not taken yet and beats the cutoff."""
    assert hub.compiled is not None
    for value, system in hub.known:
        if (cutoff is None or value < cutoff) and system.signature() not in hub.taken:
            hub.compiled.model.proto.clear_solution_hint()
            _add_hint(hub.compiled, system)
            return


def _signature_text(cand: Candidate) -> str:
    return repr(cand.signature())


def _add_hint(compiled: Compiled, system: GreedySystem) -> None:
    """Hint a complete system (its hub, sources, options and schedule)."""
    add_system_hint(compiled.model, compiled.hub_option, compiled.modules, system, compiled.hub)


def _replace(cand: Candidate, **changes: Any) -> Candidate:
    return replace(cand, **changes)
