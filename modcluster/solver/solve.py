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
from typing import Any

from ortools.sat.python import cp_model

from modcluster.domain.catalog import Catalog
from modcluster.domain.checks import check_request
from modcluster.domain.request import Objective, Request
from modcluster.domain.solution import Candidate, Explanation, Solution, Status
from modcluster.errors import SolverError
from modcluster.solver.compile import Compiled, compile_model
from modcluster.solver.decode import decode
from modcluster.solver.gaps import static_gaps
from modcluster.solver.prepare import prepare

__all__ = ["SolverSettings", "objective_key", "run_interruptible", "solve"]


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """CP-SAT parameters chosen for this model (see docs/performance.md).

    Attributes:
        workers: Parallel subsolvers. On two cores 8 beat 4 and 2 by far: the
            portfolio gains from diversity more than it loses to sharing cores.
        seed: CP-SAT's random seed.
        deterministic: Interleave the subsolvers in a fixed order so that
            repeated runs give the same answer.
        log: Print CP-SAT's search log to stderr.
    """

    workers: int = 8
    seed: int = 0
    deterministic: bool = True
    log: bool = False

    def apply(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Set the parameters on a solver, with a wall-clock limit."""
        params = solver.parameters
        params.num_workers = self.workers
        params.random_seed = self.seed
        params.interleave_search = self.deterministic
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
    compiled = compile_model(inst)
    limit = float(request.time_limit)
    found: list[Candidate] = []
    exhausted = False
    last_status = None
    interrupted = False
    bounds: list[float] = []
    for rank in range(1, request.candidates + 1):
        remaining = limit - (time.monotonic() - began)
        if remaining <= 0:
            break
        solver = cp_model.CpSolver()
        settings.apply(solver, remaining)
        last_status, interrupted = run_interruptible(solver, compiled.model)
        if last_status == cp_model.MODEL_INVALID:
            raise SolverError("internal: CP-SAT rejected the model: " + compiled.model.validate())
        if last_status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            proven = last_status == cp_model.OPTIMAL
            found.append(decode(compiled, solver, rank, proven))
            bounds.append(solver.best_objective_bound)
            compiled.exclude(compiled.signature_literals(solver))
            if not proven or interrupted:
                break
        else:
            exhausted = last_status == cp_model.INFEASIBLE and not interrupted
            break
    candidates = _rank(found, request)
    status = _status(candidates, request.candidates, exhausted, last_status)
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
            "bounds": bounds,
            "horizon": compiled.horizon,
            "interrupted": interrupted,
        },
    )


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


def solve_compiled(
    compiled: Compiled, settings: SolverSettings, seconds: float
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    """Run CP-SAT once on a compiled model (used by analyses)."""
    solver = cp_model.CpSolver()
    settings.apply(solver, seconds)
    return solver.solve(compiled.model), solver
