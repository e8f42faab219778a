"""CP-SAT plumbing: the engine's solver parameters and an interruptible solve.

Kept apart from the search (:mod:`modcluster.solver.solve`) so that every part
of the solver that runs CP-SAT (the hub search, the lexicographic phases of
:mod:`modcluster.solver.objective`, explanations, the Pareto sweep) sets it up
the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ortools.sat.python import cp_model

from modcluster.errors import Issue, SettingsError, SolverError

__all__ = ["MAX_WORKERS", "SolverSettings", "run_interruptible"]

#: Most CP-SAT workers (threads) one solve may ask for.
MAX_WORKERS = 1024
#: CP-SAT's random seed is a 32-bit signed integer.
_SEED_RANGE = (-(2**31), 2**31 - 1)
_FLAGS = ("deterministic", "log", "decompose", "dominance", "bounds", "hint", "fixing", "settle")


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
        hint: Start CP-SAT from the best of the greedy system and the LP's rounded one.
        fixing: Remove options whose Lagrangian bound exceeds the k-th best
            known system (needs ``bounds``).
        settle: Settle a hub by branch and bound over its systems when that
            takes few steps (``SETTLE * k``), instead of solving its model.
        work: A limit on each CP-SAT solve in CP-SAT's deterministic time
            (``max_deterministic_time``, the same on every machine), besides the
            wall clock; None: the wall clock only. The plan search gives its
            heuristic stages one, so that their answers, and the hints they hand
            on, do not depend on the machine's speed.
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
    fixing: bool = True
    settle: bool = True
    work: float | None = None

    def __post_init__(self) -> None:
        """Refuse settings CP-SAT would reject or misread, each with a message naming the field.

        Raises:
            SettingsError: (a ValueError) a field has the wrong type or is out of range.
        """
        problems: list[Issue] = []

        def whole(name: str, low: int, high: int, meaning: str) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                wrong = f"must be a whole number ({meaning}), got {value!r} ({type(value).__name__})"
                problems.append(Issue(f"SolverSettings.{name}", wrong))
            elif not low <= value <= high:
                shown = value if abs(value) < 10**30 else f"a {value.bit_length():,}-bit number"
                problems.append(
                    Issue(f"SolverSettings.{name}", f"must be from {low:,} to {high:,} ({meaning}), got {shown}")
                )

        whole("workers", 1, MAX_WORKERS, "CP-SAT worker threads")
        whole("seed", *_SEED_RANGE, "CP-SAT's random seed, a 32-bit integer")
        whole("linearization", 0, 2, "CP-SAT's linearization_level")
        for name in _FLAGS:
            value = getattr(self, name)
            if not isinstance(value, bool):
                wrong = f"must be true or false, got {value!r} ({type(value).__name__})"
                problems.append(Issue(f"SolverSettings.{name}", wrong))
        work = self.work
        if work is not None and (isinstance(work, bool) or not isinstance(work, (int, float)) or not 0 < work < 1e9):
            wrong = f"must be a positive number of CP-SAT's deterministic seconds or None, got {work!r}"
            problems.append(Issue("SolverSettings.work", wrong))
        if problems:
            raise SettingsError(problems)

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
        if self.work is not None:
            params.max_deterministic_time = float(self.work)


def run_interruptible(solver: cp_model.CpSolver, model: cp_model.CpModel) -> tuple[cp_model.CpSolverStatus, bool]:
    """Solve in a worker thread so that Ctrl-C stops the search instead of killing it.

    CP-SAT's own SIGINT catching is switched off; the main thread waits in
    short joins, so a KeyboardInterrupt arrives there at once, asks the
    solver to stop and collects the best solution found so far.

    Returns:
        The solver status and whether the search was interrupted.

    Raises:
        SolverError: CP-SAT rejected the model (a bug of the engine: a valid
            input never reaches this) or returned no status.
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
    if outcome[0] == cp_model.MODEL_INVALID:
        reason = model.validate().splitlines()[0] if model.validate() else "no reason given"
        raise SolverError(f"internal: CP-SAT rejected the model ({reason[:200]})")
    return outcome[0], interrupted
