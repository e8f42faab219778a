"""Run a sweep on any :class:`concurrent.futures.Executor`, yielding results as they finish.

Only plain data crosses to the workers: the catalog once, as canonical JSON
text with its digest, and per scenario the request (or, in a plan sweep, the
plan request) as a plain mapping; each worker returns a plain mapping. Workers keep parsed catalogs in a small cache
keyed by digest, so a catalog is parsed once per worker process.

- Default executor: a local process pool (``spawn`` context, sized to the
  machine) whose initializer installs the catalog in each worker; the
  workers die with the sweep, even when it is killed with SIGKILL.
- A Dask ``Client.get_executor()``: the catalog is scattered to every worker
  once (``broadcast=True``) and tasks refer to it by key.
- Any other executor: the catalog text rides with each task (free for threads).

A scenario that fails (its request does not fit the catalog, the solver
raises, the worker process dies) is yielded as a ``failed`` result and the
sweep goes on. On the default pool a dead worker breaks the pool: it is
replaced and the scenarios that were running are retried one at a time, so
only the one that kills its worker is recorded as crashed.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Generator, Iterator
from types import TracebackType
from typing import Any

from modcluster.domain import Catalog
from modcluster.errors import ExitCode, ModclusterError, SweepError
from modcluster.solver import SolverSettings
from modcluster.sweep.plans import build_scenario_plan
from modcluster.sweep.results import ScenarioResult
from modcluster.sweep.spec import Scenario, SweepSpec, build_scenario_request, canonical_json, digest, plain, plan

__all__ = [
    "MAX_LOCAL_WORKERS",
    "SWEEP_SETTINGS",
    "CatalogPayload",
    "SweepRun",
    "cache_info",
    "catalog_payload",
    "default_workers",
    "die_with_parent",
    "plan_task",
    "solve_task",
    "sweep",
]

#: CP-SAT settings of each solve in a sweep: one CP-SAT worker, since scenarios already run side
#: by side (deterministic like the engine's defaults; ties may be broken differently from them).
SWEEP_SETTINGS = SolverSettings(workers=1)

#: Most local worker processes: each holds a parsed catalog and a solver (about 150 MB), and more
#: processes than CPUs only compete for them.
MAX_LOCAL_WORKERS = 256

#: ``(digest, canonical JSON text)`` of a catalog: what workers receive.
CatalogPayload = tuple[str, str]
#: A worker task: ``task(catalog_ref, request_data, settings_data) -> outcome mapping``.
Task = Callable[[Any, dict[str, Any], dict[str, Any] | None], dict[str, Any]]


# --------------------------------------------------------------------------- worker side

_CACHE_SIZE = 4
_catalogs: OrderedDict[str, Catalog] = OrderedDict()
_parses = 0
_lock = threading.Lock()


def catalog_payload(catalog: Catalog) -> CatalogPayload:
    """The catalog as plain data for workers: its digest and canonical JSON text."""
    text = canonical_json(catalog.model_dump(mode="python", by_alias=True))
    return digest(text), text


def _catalog(ref: Any) -> Catalog:
    """The parsed catalog for ``ref``: a digest installed earlier, or a payload (parsed once, then cached)."""
    global _parses
    from modcluster.io import catalog_from_data, parse_document

    if isinstance(ref, str):
        key, text = ref, None
    else:
        key, text = ref
    with _lock:
        if key in _catalogs:
            _catalogs.move_to_end(key)
            return _catalogs[key]
    if text is None:
        raise SweepError(f"catalog {key} was not installed on this worker")
    catalog = catalog_from_data(parse_document(text, "json", file=f"<catalog {key}>"))
    with _lock:
        _parses += 1
        _catalogs[key] = catalog
        while len(_catalogs) > _CACHE_SIZE:
            _catalogs.popitem(last=False)
    return catalog


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies, even by ``kill -9`` (Linux; elsewhere nothing).

    Without it, the workers of a sweep killed with SIGKILL lived on (and with
    them multiprocessing's resource tracker, holding the caller's pipes open).

    Args:
        parent: The parent's pid when this process was started: if it is gone
            already (it died before this call), this process exits at once.
    """
    if not sys.platform.startswith("linux"):  # pragma: no cover - other systems: best effort only
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


#: prctl(2) option: the signal sent to this process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _install(payload: CatalogPayload, parent: int | None = None) -> None:
    """Process-pool initializer: die with the parent, leave Ctrl-C to it, parse the catalog once."""
    if parent is not None:
        die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _catalog(payload)


def _ping() -> int:
    return os.getpid()


def cache_info() -> dict[str, Any]:
    """The catalog cache of the calling process: digests held and how many parses it took."""
    with _lock:
        return {"catalogs": list(_catalogs), "parses": _parses, "pid": os.getpid()}


def solve_task(ref: Any, request_data: dict[str, Any], settings_data: dict[str, Any] | None) -> dict[str, Any]:
    """Solve one scenario on a worker; return a plain mapping, errors included.

    Args:
        ref: The catalog: a digest already installed, or a :data:`CatalogPayload`.
        request_data: The complete request as plain data.
        settings_data: :class:`~modcluster.solver.SolverSettings` fields, or ``None`` for the defaults.

    Returns:
        ``{"status", "candidates", "candidate", "explanation", "seconds"}`` or ``{"error": {...}, "seconds"}``.
    """
    from modcluster.engine import solve
    from modcluster.io import request_from_data

    began = time.perf_counter()
    try:
        catalog = _catalog(ref)
        request = request_from_data(request_data)
        settings = SolverSettings(**settings_data) if settings_data else None
        solution = solve(catalog, request, settings)
    except Exception as exc:
        return {"error": error_data(exc), "seconds": time.perf_counter() - began}
    best = solution.best
    outcome: dict[str, Any] = plain(
        {
            "status": solution.status.value,
            "candidates": len(solution.candidates),
            "candidate": None if best is None else best.to_dict(),
            "explanation": None if solution.explanation is None else solution.explanation.summary,
            "seconds": time.perf_counter() - began,
        }
    )
    return outcome


def plan_task(ref: Any, request_data: dict[str, Any], settings_data: dict[str, Any] | None) -> dict[str, Any]:
    """Solve one scenario of a plan sweep on a worker (:func:`modcluster.plan`, verified); return a plain mapping.

    Args:
        ref: The catalog: a digest already installed, or a :data:`CatalogPayload`.
        request_data: The complete plan request as plain data.
        settings_data: :class:`~modcluster.solver.SolverSettings` fields, or ``None`` for the defaults.

    Returns:
        ``{"status", "plan", "explanation", "seconds"}`` (``plan``: the plan JSON without its
        request) or ``{"error": {...}, "seconds"}``.
    """
    from modcluster.io import plan_request_from_data
    from modcluster.plans import plan as solve_plan

    began = time.perf_counter()
    try:
        catalog = _catalog(ref)
        request = plan_request_from_data(request_data)
        settings = SolverSettings(**settings_data) if settings_data else None
        result = solve_plan(catalog, request, settings)
    except Exception as exc:
        return {"error": error_data(exc), "seconds": time.perf_counter() - began}
    data = result.to_dict()
    data.pop("request", None)  # the result line holds it already
    outcome: dict[str, Any] = plain(
        {
            "status": result.status.value,
            "plan": data,
            "explanation": None if result.explanation is None else result.explanation.summary,
            "seconds": time.perf_counter() - began,
        }
    )
    return outcome


def error_data(exc: BaseException) -> dict[str, Any]:
    """An exception as plain data: type, message, the exit code its class maps to."""
    if isinstance(exc, ModclusterError):
        return {"type": type(exc).__name__, "message": str(exc), "exit_code": exc.exit_code}
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    place = f" (at {where[0].filename.rsplit(os.sep, 1)[-1]}:{where[0].lineno})" if where else ""
    return {"type": type(exc).__name__, "message": f"{exc}{place}", "exit_code": ExitCode.INTERNAL}


# --------------------------------------------------------------------------- driver side


def default_workers() -> int:
    """Worker processes of the default pool: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _dask_client(executor: cf.Executor) -> Any:
    """The Dask client behind ``Client.get_executor()``, or ``None`` for another executor."""
    if type(executor).__module__.startswith("distributed"):
        return getattr(executor, "_client", None)
    return None


class SweepRun(Iterator[ScenarioResult]):
    """A running sweep: iterate for results as they finish; close (or leave the ``with``) to stop.

    Attributes:
        scenarios: Every scenario of the sweep, in plan order.
        pending: The scenarios this run solves (those not in ``skip``).
    """

    def __init__(
        self,
        catalog: Catalog,
        spec: SweepSpec,
        *,
        executor: cf.Executor | None,
        workers: int | None,
        skip: Collection[str],
        settings: SolverSettings | None,
        max_in_flight: int | None,
        task: Task | None,
    ) -> None:
        if workers is not None and not 1 <= workers <= MAX_LOCAL_WORKERS:
            raise ValueError(f"workers must be from 1 to {MAX_LOCAL_WORKERS}, got {workers}")
        self.catalog = catalog
        self.spec = spec
        self.scenarios: tuple[Scenario, ...] = tuple(plan(catalog, spec))
        skipped = set(skip)
        self.pending: tuple[Scenario, ...] = tuple(s for s in self.scenarios if s.fingerprint not in skipped)
        self.workers = workers or default_workers()
        self._executor = executor
        self._settings = _settings_data(settings or SWEEP_SETTINGS)
        self._max_in_flight = max_in_flight
        self._task = task or (plan_task if spec.plan_sweep is not None else solve_task)
        self._position = {s.id: i for i, s in enumerate(self.scenarios)}
        self._gen: Generator[ScenarioResult, None, None] = self._results()

    def __next__(self) -> ScenarioResult:
        return next(self._gen)

    def close(self) -> None:
        """Stop: cancel what has not started, stop the pool this run made; results not yet yielded are dropped."""
        self._gen.close()

    def __enter__(self) -> SweepRun:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # The loop --------------------------------------------------------------

    def _results(self) -> Generator[ScenarioResult, None, None]:
        if not self.pending:
            return
        payload = catalog_payload(self.catalog)
        own = self._executor is None
        executor = self._executor or self._pool(payload)
        client = None if own else _dask_client(executor)
        ref: Any = payload[0] if own else payload
        if client is not None:
            ref = client.scatter([payload], broadcast=True, hash=False)[0]
        window = self._window(executor, client)
        queue = deque(self.pending)
        suspects: deque[tuple[Scenario, dict[str, Any]]] = deque()
        running: dict[cf.Future[dict[str, Any]], tuple[Scenario, dict[str, Any]]] = {}
        finished = False
        try:
            while queue or suspects or running:
                isolating = bool(suspects)
                while not isolating and queue and len(running) < window:
                    scenario = queue.popleft()
                    try:
                        request_data = self._request(scenario)
                    except ModclusterError as exc:
                        yield ScenarioResult.failure(scenario, error_data(exc), None, 0.0)
                        continue
                    future = executor.submit(self._task, ref, request_data, self._settings)
                    running[future] = (scenario, request_data)
                if isolating and not running:
                    scenario, request_data = suspects.popleft()
                    future = executor.submit(self._task, ref, request_data, self._settings)
                    running[future] = (scenario, request_data)
                if not running:
                    continue
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                broken = False
                for future in sorted(done, key=lambda f: self._position[running[f][0].id]):
                    scenario, request_data = running.pop(future)
                    try:
                        outcome = future.result()
                    except cf.BrokenExecutor as exc:
                        if not own:
                            raise SweepError(
                                f"the executor broke ({exc}); scenarios that did not finish are not recorded: "
                                "run the sweep again to finish them"
                            ) from exc
                        broken = True
                        if isolating:
                            yield ScenarioResult.failure(scenario, _crash(exc), request_data, 0.0)
                        else:
                            suspects.append((scenario, request_data))
                        continue
                    except cf.CancelledError as exc:
                        raise SweepError("the executor cancelled a scenario (was it shut down?)") from exc
                    except Exception as exc:
                        # distributed.KilledWorker: the scenario killed every worker it ran on
                        error = _crash(exc) if type(exc).__name__ == "KilledWorker" else error_data(exc)
                        yield ScenarioResult.failure(scenario, error, request_data, 0.0)
                        continue
                    yield ScenarioResult.from_outcome(scenario, request_data, outcome)
                if broken:
                    # Every other running future fails the same way; the pool is replaced.
                    cf.wait(running)
                    for future in sorted(running, key=lambda f: self._position[running[f][0].id]):
                        scenario, request_data = running[future]
                        if future.exception() is None:
                            yield ScenarioResult.from_outcome(scenario, request_data, future.result())
                        else:
                            suspects.append((scenario, request_data))
                    running.clear()
                    self._stop(executor, terminate=True)
                    executor = self._healthy_pool(payload)
            finished = True
        finally:
            for future in running:
                future.cancel()
            if own:
                self._stop(executor, terminate=not finished)
            elif client is not None and hasattr(ref, "release"):
                ref.release()

    # Helpers -----------------------------------------------------------------

    def _pool(self, payload: CatalogPayload) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=max(1, min(self.workers, len(self.pending))),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_install,
            initargs=(payload, os.getpid()),
        )

    def _healthy_pool(self, payload: CatalogPayload) -> cf.ProcessPoolExecutor:
        """A new pool whose workers have shown they start, so that a later crash is the scenario's doing."""
        pool = self._pool(payload)
        try:
            pool.submit(_ping).result()
        except cf.BrokenExecutor as exc:
            self._stop(pool, terminate=True)
            raise SweepError(
                "the worker processes die before running any scenario: is modcluster importable by them "
                "(and, in a script, is the sweep started under `if __name__ == '__main__':`)?"
            ) from exc
        return pool

    def _window(self, executor: cf.Executor, client: Any) -> int:
        if self._max_in_flight is not None:
            return max(1, self._max_in_flight)
        if client is not None:
            return 2 * max(1, int(sum(client.nthreads().values())))
        slots = getattr(executor, "_max_workers", None)
        return 2 * (slots if isinstance(slots, int) and slots > 0 else self.workers)

    @staticmethod
    def _stop(executor: cf.Executor, *, terminate: bool) -> None:
        if terminate and isinstance(executor, cf.ProcessPoolExecutor):
            processes = list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=5)
        executor.shutdown(wait=True, cancel_futures=True)

    def _request(self, scenario: Scenario) -> dict[str, Any]:
        if scenario.kind == "plan":
            plan_request = build_scenario_plan(self.catalog, self.spec, scenario)
            plan_data: dict[str, Any] = plain(plan_request.model_dump(mode="python", by_alias=True))
            return plan_data
        request = build_scenario_request(self.catalog, self.spec, scenario)
        data: dict[str, Any] = plain(request.model_dump(mode="python", by_alias=True))
        return data


def _crash(exc: BaseException) -> dict[str, Any]:
    name = type(exc).__name__
    return {
        "type": name,
        "message": f"the worker running this scenario died ({name}: {exc})".replace(": )", ")"),
        "exit_code": ExitCode.INTERNAL,
    }


def _settings_data(settings: SolverSettings) -> dict[str, Any]:
    """The settings as plain data (every field, so new ones travel too)."""
    data: dict[str, Any] = plain(dataclasses.asdict(settings))
    return data


def sweep(
    catalog: Catalog,
    spec: SweepSpec,
    *,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    skip: Collection[str] = (),
    settings: SolverSettings | None = None,
    max_in_flight: int | None = None,
    task: Task | None = None,
) -> SweepRun:
    """Solve every scenario of a sweep; iterate the returned :class:`SweepRun` for results as they finish.

    Args:
        catalog: A checked catalog.
        spec: The sweep (see :func:`~modcluster.sweep.load_sweep`).
        executor: Where to run; ``None``: a local process pool of ``workers``
            processes, stopped when the run ends. A Dask ``Client.get_executor()``
            gets the catalog scattered once to every worker. An executor passed in
            is left running.
        workers: Size of the default pool (default: the CPUs available).
        skip: Fingerprints of scenarios already solved (see :func:`~modcluster.sweep.finished`).
        settings: CP-SAT settings for every solve (default :data:`SWEEP_SETTINGS`: one CP-SAT worker).
        max_in_flight: Most scenarios submitted at once (default: twice the workers).
        task: The function the workers run (default :func:`solve_task`, or :func:`plan_task` for a
            plan sweep); it must be importable by them.

    Raises:
        ValidationError: A named scenario's name is also a grid point's id.
        RequestError: A plan sweep's plan does not fit the catalog.
    """
    return SweepRun(
        catalog,
        spec,
        executor=executor,
        workers=workers,
        skip=skip,
        settings=settings,
        max_in_flight=max_in_flight,
        task=task,
    )
