"""Solve a request: ranked, distinct candidate systems with honest proof status.

Candidate 1 is optimal; candidate k+1 is optimal among systems different from
candidates 1..k, found by adding a no-good on the previous candidate's
defining literals to the same model. The request's time limit covers the whole
loop. A solve stopped by the limit gives its best system marked unproven.

Determinism: CP-SAT runs ``num_workers`` subsolvers; with
``interleave_search`` they are interleaved in a fixed order, and with a fixed
``random_seed`` the same model gives the same solution whenever the solve ends
by proof rather than by the clock (see docs/library.md).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from math import lcm
from typing import Any

from ortools.sat.python import cp_model

from modcluster.domain.catalog import Catalog
from modcluster.domain.checks import check_request
from modcluster.domain.request import Objective, Request
from modcluster.domain.solution import Candidate, Explanation, Solution, Status
from modcluster.errors import SolverError
from modcluster.solver.compile import Compiled, SlotVars, _cost_bound, _horizon, compile_model, objective_weights
from modcluster.solver.decode import decode
from modcluster.solver.gaps import static_gaps
from modcluster.solver.hint import greedy
from modcluster.solver.prepare import Instance, Option, prepare
from modcluster.solver.prune import lower_bound, onboarding_bound, prune, restrict_hub
from modcluster.solver.size import check_model_size

__all__ = ["SolverSettings", "objective_key", "run_interruptible", "solve"]


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """CP-SAT parameters and the engine's speed-ups, each measured (see docs/performance.md).

    Attributes:
        workers: CP-SAT workers. One worker with the full LP relaxation
            (``linearization``) proves one hub's model fastest, and a single
            worker is deterministic by construction.
        seed: CP-SAT's random seed.
        deterministic: With several workers, interleave them in a fixed order
            so that repeated runs give the same answer.
        log: Print CP-SAT's search log to stderr.
        linearization: CP-SAT's ``linearization_level`` (2: the full LP with cuts).
        decompose: Solve one model per hub, in the order of a lower bound,
            skipping hubs that cannot beat the k-th best value found.
        dominance: Prune dominated options exactly before compiling.
        bounds: Prune options and hubs that break a limit in every system, and
            use lower bounds to order and skip hubs.
        hint: Start CP-SAT from the greedy system.
    """

    workers: int = 1
    seed: int = 0
    deterministic: bool = True
    log: bool = False
    linearization: int = 2
    decompose: bool = True
    dominance: bool = True
    bounds: bool = True
    hint: bool = True

    def apply(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Set the parameters on a solver, with a wall-clock limit."""
        params = solver.parameters
        params.num_workers = self.workers
        params.random_seed = self.seed
        params.interleave_search = self.deterministic and self.workers > 1
        params.linearization_level = self.linearization
        params.max_time_in_seconds = max(seconds, 0.001)
        params.cp_model_probing_level = 0
        params.log_search_progress = self.log


def objective_key(candidate: Candidate, request: Request) -> tuple[Any, ...]:
    """The order of the request's objective with its tie-breaks (smaller is better)."""
    if request.objective is Objective.COST:
        return (candidate.cost, candidate.lead_time)
    if request.objective is Objective.LEAD_TIME:
        return (candidate.lead_time, candidate.cost)
    weighted = request.weights.cost * candidate.cost + request.weights.lead_time * candidate.lead_time
    return (weighted, candidate.cost, candidate.lead_time)


def _request_data(request: Request) -> dict[str, Any]:
    return request.model_dump(mode="python", by_alias=True, exclude_none=False)


def solve(catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> Solution:
    """Find up to ``request.candidates`` ranked candidate systems.

    Args:
        catalog: A checked catalog.
        request: The request; its references are checked against the catalog.
        settings: CP-SAT parameters; the defaults suit this model.

    Returns:
        An immutable :class:`Solution`. ``status`` is OPTIMAL only when every
        candidate is proven and either k were found or no further distinct
        system exists.

    Raises:
        RequestError: The request names what the catalog does not have.
        ModelSizeError: Figures too large for exact solving.
    """
    settings = settings or SolverSettings()
    began = time.monotonic()
    check_request(catalog, request)
    inst = prepare(catalog, request)
    check_model_size(inst)
    gaps = static_gaps(inst)
    if gaps:
        summary = "no candidate system exists: " + "; ".join(f"{g.place} ({g.requirement}): {g.reason}" for g in gaps)
        return Solution(
            request.product,
            request.quantity,
            request.objective.value,
            status=Status.INFEASIBLE,
            candidates=(),
            explanation=Explanation(summary, tuple(gaps)),
            request=_request_data(request),
            stats={"seconds": time.monotonic() - began},
        )
    outcome = _search(inst, request, settings, began)
    candidates = outcome.candidates
    status = _status(candidates, request.candidates, outcome.exhausted, None)
    explanation = None
    if status is Status.INFEASIBLE:
        explanation = Explanation(_infeasible_summary(request))
    return Solution(
        request.product,
        request.quantity,
        request.objective.value,
        status=status,
        candidates=tuple(candidates),
        explanation=explanation,
        request=_request_data(request),
        stats={
            "seconds": time.monotonic() - began,
            "bounds": outcome.bounds,
            "horizon": outcome.horizon,
            "interrupted": outcome.interrupted,
            "hubs_solved": outcome.hubs_solved,
            "hubs_skipped": outcome.hubs_skipped,
            "options": outcome.options,
        },
        bound=outcome.bound if status in (Status.FEASIBLE, Status.UNKNOWN) else None,
    )


@dataclass
class _Outcome:
    """What the hub-by-hub search found and proved."""

    candidates: list[Candidate]
    exhausted: bool
    interrupted: bool
    horizon: int
    bounds: list[float]
    hubs_solved: int = 0
    hubs_skipped: int = 0
    options: tuple[int, int] = (0, 0)
    bound: Decimal | int | None = None


def _value(weights: tuple[int, int], cents: int, days: int) -> int:
    return weights[0] * cents + weights[1] * days


def _cents(cand: Candidate) -> int:
    return int(cand.cost * 100)


def _search(inst: Instance, request: Request, settings: SolverSettings, began: float) -> _Outcome:
    """Find the best ``k`` candidates, one hub at a time (see docs/performance.md).

    The systems of different hubs are different candidates, so the best k
    overall are the best k of the merged per-hub lists. Hubs are taken in the
    order of a lower bound of their objective; a hub whose bound cannot beat
    the k-th best value found so far is skipped, and every later model gets the
    k-th best value as a cutoff. Every hub's model is pruned exactly first
    (:mod:`modcluster.solver.prune`). All models share one objective scale,
    computed on the whole instance, so values compare across hubs.
    """
    k = request.candidates
    horizon = _horizon(inst)
    if inst.deadline is not None:
        horizon = min(horizon, inst.deadline)
    weights = objective_weights(inst, _cost_bound(inst), horizon)
    options_before = _options(inst)
    work = prune(inst, k, dominance=False)[0] if settings.bounds else inst
    subs = [restrict_hub(work, h) for h in work.hubs] if settings.decompose else [work]
    if settings.dominance:
        subs = [prune(sub, k, bounds=settings.bounds)[0] for sub in subs]
    ranked: list[tuple[int, Instance]] = []
    for sub in subs:
        bound = lower_bound(sub)
        if bound is None:
            continue
        if settings.bounds and len(sub.hubs) == 1:
            onboarded = onboarding_bound(sub)
            if onboarded is not None:
                if inst.budget_cents is not None and onboarded > inst.budget_cents:
                    continue
                bound = (max(bound[0], onboarded), bound[1])
        ranked.append((_value(weights, *bound) if settings.bounds else 0, sub))
    ranked.sort(key=lambda pair: pair[0])
    outcome = _Outcome([], False, False, horizon, [], options=(options_before, sum(_options(s) for _, s in ranked)))
    found: list[tuple[int, Candidate]] = []
    open_bounds: list[int] = []  # lower bounds of hubs whose search did not finish
    limit = float(request.time_limit)

    def kth() -> int | None:
        if len(found) < k:
            return None
        return sorted(v for v, _ in found)[k - 1]

    for index, (low, sub) in enumerate(ranked):
        cutoff = kth()
        if cutoff is not None and low >= cutoff:
            outcome.hubs_skipped += 1
            continue
        remaining = limit - (time.monotonic() - began)
        if remaining <= 0 or outcome.interrupted:
            open_bounds.extend(b for b, _ in ranked[index:])
            break
        outcome.hubs_solved += 1
        compiled = compile_model(sub)
        compiled.model.minimize(weights[0] * compiled.cost + weights[1] * compiled.lead)
        if settings.hint:
            _add_hint(compiled, sub)
        while True:
            remaining = limit - (time.monotonic() - began)
            cutoff = kth()
            if cutoff is not None:
                compiled.model.add(weights[0] * compiled.cost + weights[1] * compiled.lead <= cutoff - 1)
            if remaining <= 0:
                open_bounds.append(low)
                break
            solver = cp_model.CpSolver()
            settings.apply(solver, remaining)
            status, interrupted = run_interruptible(solver, compiled.model)
            outcome.interrupted = outcome.interrupted or interrupted
            if status == cp_model.MODEL_INVALID:
                raise SolverError("internal: CP-SAT rejected the model: " + compiled.model.validate())
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                proven = status == cp_model.OPTIMAL and not interrupted
                cand = decode(compiled, solver, 1, proven)
                found.append((_value(weights, _cents(cand), cand.lead_time), cand))
                outcome.bounds.append(solver.best_objective_bound)
                compiled.exclude(compiled.signature_literals(solver))
                if not proven:
                    open_bounds.append(max(low, int(solver.best_objective_bound)))
                    break
            else:
                if status != cp_model.INFEASIBLE or interrupted:
                    open_bounds.append(max(low, int(solver.best_objective_bound)) if status else low)
                break
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
        outcome.bound = _user_bound(request, frontier, _cost_bound(inst) + 1, horizon + 1)
    return outcome


def _user_bound(request: Request, frontier: int, cost_radix: int, lead_radix: int) -> Decimal | int:
    """A lower bound of the objective's first quantity (money or days) from a bound of the combined value.

    The combined objective puts the first quantity above radices larger than
    every lower-order term (see :func:`~modcluster.solver.compile.objective_weights`),
    so integer division by the radix gives a valid lower bound.
    """
    if request.objective is Objective.COST:
        return Decimal(frontier // lead_radix).scaleb(-2)
    if request.objective is Objective.LEAD_TIME:
        return frontier // cost_radix
    wc, wt = Fraction(request.weights.cost), Fraction(request.weights.lead_time)
    denom = lcm(wc.denominator, wt.denominator)
    primary = frontier // (cost_radix * lead_radix)  # in units of 1/(100 * denom) money
    return (Decimal(primary) / Decimal(100 * denom)).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def _signature_text(cand: Candidate) -> str:
    return repr(cand.signature())


def _options(inst: Instance) -> int:
    total = 0
    for plan in inst.modules:
        total += len(plan.buy)
        if plan.can_make:
            total += sum(len(s) for s in plan.steps or ()) + len(plan.seeds or ())
    return total


def _add_hint(compiled: Compiled, inst: Instance) -> None:
    """Hint the greedy system of the instance (its hub, sources, options and schedule)."""
    system = greedy(inst)
    if system is None:
        return
    model = compiled.model
    for org, lit in compiled.hub.items():
        model.add_hint(lit, org == system.hub)
    for gm, mv in zip(system.modules, compiled.modules, strict=True):
        if mv.make is not None:
            model.add_hint(mv.make, gm.buy is None)
        slots: list[tuple[SlotVars | None, tuple[Option, ...]]] = [(mv.buy, (gm.buy,) if gm.buy is not None else ())]
        if mv.make is not None:
            chain = ([mv.seed] if mv.seed is not None else []) + mv.steps
            made = gm.tasks if gm.buy is None else ()
            slots += [(slot, (made[i],) if made else ()) for i, slot in enumerate(chain)]
        starts = dict(zip(map(id, gm.tasks), gm.starts, strict=True))
        for slot, chosen in slots:
            if slot is None:
                continue
            for option, lit in zip(slot.options, slot.lits, strict=True):
                model.add_hint(lit, bool(chosen) and option is chosen[0])
            if chosen:
                model.add_hint(slot.start, starts[id(chosen[0])])
                model.add_hint(slot.end, starts[id(chosen[0])] + chosen[0].days)


def run_interruptible(solver: cp_model.CpSolver, model: cp_model.CpModel) -> tuple[cp_model.CpSolverStatus, bool]:
    """Solve in a worker thread so that Ctrl-C stops the search instead of killing it.

    CP-SAT's own SIGINT catching is switched off; the main thread waits in
    short joins, so a KeyboardInterrupt arrives there at once, asks the
    solver to stop and collects the best solution found so far.

    Returns:
        The solver status and whether the search was interrupted.
    """
    solver.parameters.catch_sigint_signal = False
    outcome: list[cp_model.CpSolverStatus] = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append(solver.solve(model))
        finally:
            done.set()

    # An Event, not Thread.join: on Python 3.11 a KeyboardInterrupt inside join() can leave
    # is_alive() False while the thread still runs.
    threading.Thread(target=work, name="cp-sat", daemon=True).start()
    interrupted = False
    while not done.is_set():
        try:
            done.wait(0.05)
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
    if not outcome:  # pragma: no cover - the worker raised; its traceback is on stderr
        raise SolverError("internal: CP-SAT returned no status")
    return outcome[0], interrupted


def _rank(found: list[Candidate], request: Request) -> list[Candidate]:
    """Sort by the objective (stable); only a proven prefix that kept its places stays proven."""
    order = sorted(range(len(found)), key=lambda i: objective_key(found[i], request))
    ranked = []
    prefix = True
    for rank, index in enumerate(order, start=1):
        cand = found[index]
        prefix = prefix and cand.proven_optimal and index == rank - 1
        ranked.append(_replace(cand, rank=rank, proven_optimal=prefix))
    return ranked


def _replace(cand: Candidate, **changes: Any) -> Candidate:
    from dataclasses import replace

    return replace(cand, **changes)


def _status(candidates: list[Candidate], wanted: int, exhausted: bool, last: Any) -> Status:
    if not candidates:
        return Status.INFEASIBLE if exhausted else Status.UNKNOWN
    if all(c.proven_optimal for c in candidates) and (len(candidates) == wanted or exhausted):
        return Status.OPTIMAL
    return Status.FEASIBLE


def _infeasible_summary(request: Request) -> str:
    limits = request.limits
    named = [
        name
        for name, value in (
            ("budget", limits.budget),
            ("deadline", limits.deadline),
            ("max_partners", limits.max_partners),
        )
        if value is not None
    ]
    filters = [f for f in ("sites", "exclude", "require", "hub") if getattr(request, f)]
    rules = ", ".join(named + filters) or "the product's structure"
    return f"every requirement has an eligible offer, but no system meets all of: {rules}"
