"""Scenario results and the JSON Lines file they are kept in.

One line per finished scenario, appended, flushed and synced to disk one at a
time, so that a sweep stopped at any moment (Ctrl-C, a kill, a power cut)
leaves every result it wrote, plus at most one partial last line, which the
next run drops before it appends. Later lines for the same scenario win.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal

from modcluster.domain import dumps, freeze, read_number, thaw
from modcluster.errors import InputError, Issue
from modcluster.sweep.spec import Scenario

__all__ = ["FAILED", "ResultLog", "ScenarioResult", "finished", "latest", "read_results"]

#: The status of a scenario that could not be solved (bad input, an error, a dead worker).
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """The outcome of one scenario: its status, best candidate and figures, or its error.

    Attributes:
        scenario: The scenario id.
        status: ``optimal``, ``feasible``, ``infeasible``, ``unknown`` or ``failed``.
        fingerprint: The scenario's fingerprint (catalog, base and variation).
        params: The variation, as in the sweep file.
        request: The effective request as plain data (``None`` when it could not be built).
        candidates: How many candidate systems were found.
        candidate: The best candidate as in the solution JSON, or ``None``.
        explanation: Why there is no candidate, when infeasible.
        error: ``{"type", "message", "exit_code"}`` when failed.
        seconds: Wall time of the solve on its worker (not compared).
        kind: ``"request"``, or ``"plan"`` for a scenario of a plan sweep: then ``request`` is the
            effective plan request and ``plan`` the plan JSON (``modcluster/plan/1``, without its request).
        plan: The plan found (or proven impossible), as in the plan JSON; ``None`` when failed.
    """

    scenario: str
    status: str
    fingerprint: str
    params: dict[str, Any]
    request: dict[str, Any] | None = None
    candidates: int = 0
    candidate: dict[str, Any] | None = None
    explanation: str | None = None
    error: dict[str, Any] | None = None
    seconds: float = field(default=0.0, compare=False)
    kind: Literal["request", "plan"] = "request"
    plan: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # Deeply immutable, like every result: the mappings are frozen copies of what was given.
        for name in ("params", "request", "candidate", "error", "plan"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, freeze(value))

    @classmethod
    def from_outcome(cls, scenario: Scenario, request: dict[str, Any], outcome: dict[str, Any]) -> ScenarioResult:
        """Build from a worker's plain outcome (see :func:`~modcluster.sweep.run.solve_task`)."""
        if "error" in outcome:
            return cls.failure(scenario, outcome["error"], request, float(outcome.get("seconds", 0.0)))
        if scenario.kind == "plan":
            return cls(
                scenario.id,
                str(outcome["status"]),
                scenario.fingerprint,
                scenario.params,
                request,
                explanation=outcome.get("explanation"),
                seconds=float(outcome.get("seconds", 0.0)),
                kind="plan",
                plan=outcome.get("plan"),
            )
        return cls(
            scenario.id,
            str(outcome["status"]),
            scenario.fingerprint,
            scenario.params,
            request,
            int(outcome["candidates"]),
            outcome["candidate"],
            outcome["explanation"],
            None,
            float(outcome["seconds"]),
        )

    @classmethod
    def failure(
        cls, scenario: Scenario, error: dict[str, Any], request: dict[str, Any] | None, seconds: float
    ) -> ScenarioResult:
        """A failed scenario with its error."""
        return cls(
            scenario.id,
            FAILED,
            scenario.fingerprint,
            scenario.params,
            request,
            error=error,
            seconds=seconds,
            kind=scenario.kind,
        )

    @property
    def failed(self) -> bool:
        """Whether the scenario could not be solved."""
        return self.status == FAILED

    def _get(self, key: str) -> Any:
        if self.request is not None and key in self.request:
            return self.request[key]
        return self.params.get(key)

    @property
    def product(self) -> str | None:
        """The product solved."""
        value = self._get("product")
        return None if value is None else str(value)

    @property
    def cost(self) -> Decimal | None:
        """The best candidate's cost, exact (a plan's: its total cost)."""
        if self.kind == "plan":
            value = self._plan_figure("total_cost")
            return None if value is None else Decimal(value)
        return None if self.candidate is None else Decimal(str(self.candidate["cost"]))

    @property
    def lead_time(self) -> int | None:
        """The best candidate's lead time in days (a plan's: the sum of its entries' lead times)."""
        if self.kind == "plan":
            value = self._plan_figure("total_lead_time")
            return None if value is None else int(value)
        return None if self.candidate is None else int(self.candidate["lead_time"])

    def _plan_figure(self, key: str) -> str | None:
        value = None if self.plan is None else self.plan.get(key)
        return None if value is None else str(value)

    @property
    def makespan(self) -> int | None:
        """A plan's makespan: the last day an entry's integration ends (``None`` without a plan)."""
        value = self._plan_figure("makespan")
        return None if value is None else int(value)

    @property
    def price_of_sharing(self) -> dict[str, Any] | None:
        """A plan's totals minus its entries solved alone: ``{"cost", "lead_time"}`` (``None`` when unknown)."""
        value = None if self.plan is None else self.plan.get("price_of_sharing")
        return None if value is None else {"cost": Decimal(str(value["cost"])), "lead_time": int(value["lead_time"])}

    @property
    def entries(self) -> list[dict[str, Any]] | None:
        """A plan's entries in order: id, product, quantity, release, hub, cost, lead time (``None``: no plan)."""
        if self.plan is None or not self.plan.get("entries"):
            return None
        return [
            {
                "id": entry["id"],
                "product": entry["product"],
                "quantity": entry["quantity"],
                "release": entry["release"],
                "hub": entry["system"]["hub"],
                "cost": entry["system"]["cost"],
                "lead_time": entry["system"]["lead_time"],
            }
            for entry in self.plan["entries"]
        ]

    @property
    def hub(self) -> str | None:
        """The best candidate's hub."""
        return None if self.candidate is None else str(self.candidate["hub"])

    def to_dict(self) -> dict[str, Any]:
        """The result's JSON line, as data (money as Decimal): a fresh, plain copy on every call."""
        if self.kind == "plan":
            return self._plan_dict()
        cand = self.candidate
        data = {
            "scenario": self.scenario,
            "status": self.status,
            "product": self.product,
            "quantity": self._get("quantity"),
            "objective": self._get("objective"),
            "cost": None if cand is None else cand["cost"],
            "lead_time": None if cand is None else cand["lead_time"],
            "hub": None if cand is None else cand["hub"],
            "partners": None if cand is None else cand["partners"],
            "proven_optimal": None if cand is None else cand["proven_optimal"],
            "candidates": self.candidates,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "explanation": self.explanation,
            "params": self.params,
            "fingerprint": self.fingerprint,
            "request": self.request,
            "candidate": cand,
        }
        return thaw(data)  # type: ignore[no-any-return]

    def _plan_dict(self) -> dict[str, Any]:
        plan = self.plan
        objective = self._get("objective")
        data = {
            "scenario": self.scenario,
            "status": self.status,
            "kind": "plan",
            "objective": plan["objective"] if plan is not None else objective,
            "total_cost": None if plan is None else plan["total_cost"],
            "total_lead_time": None if plan is None else plan["total_lead_time"],
            "makespan": None if plan is None else plan["makespan"],
            "price_of_sharing": None if plan is None else plan["price_of_sharing"],
            "entries": self.entries,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "explanation": self.explanation,
            "params": self.params,
            "fingerprint": self.fingerprint,
            "request": self.request,
            "plan": plan,
        }
        return thaw(data)  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """The result as one line of JSON (no newline), money written exactly."""
        return dumps(self.to_dict(), indent=None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioResult:
        """Read a result back from its JSON line's data.

        Raises:
            ValueError: A required key is missing or has the wrong type.
        """
        for key, kind in (("scenario", str), ("status", str), ("fingerprint", str), ("params", dict)):
            if not isinstance(data.get(key), kind):
                raise ValueError(f"{key!r} is missing or not {'a string' if kind is str else 'a mapping'}")
        return cls(
            data["scenario"],
            data["status"],
            data["fingerprint"],
            data["params"],
            data.get("request"),
            int(data.get("candidates") or 0),
            data.get("candidate"),
            data.get("explanation"),
            data.get("error"),
            float(data.get("seconds") or 0.0),
            "plan" if data.get("kind") == "plan" else "request",
            data.get("plan"),
        )


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _Scan:
    results: list[ScenarioResult]
    keep: int  # bytes of whole lines
    tail_ok: bool  # the part after ``keep`` is a whole line missing its newline


def _scan(path: str) -> _Scan:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return _Scan([], 0, False)
    except OSError as exc:
        raise InputError(f"cannot read the results: {exc.strerror or exc}", file=path) from None
    results: list[ScenarioResult] = []
    end = raw.rfind(b"\n") + 1
    for number, line in enumerate(raw[:end].split(b"\n")[:-1], start=1):
        if not line.strip():
            continue
        try:
            results.append(_parse(line))
        except ValueError as exc:
            raise InputError(
                Issue("", f"not a sweep result line ({exc}); remove the line or use another --out", number, 1),
                file=path,
            ) from None
    tail = raw[end:]
    tail_ok = False
    if tail.strip():
        try:
            results.append(_parse(tail))
            tail_ok = True
        except ValueError:
            pass  # a line cut short by a kill: dropped, its scenario is solved again
    return _Scan(results, end, tail_ok)


def _parse(line: bytes) -> ScenarioResult:
    try:
        data = json.loads(line.decode("utf-8"), parse_float=read_number)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    except ValueError as exc:  # a number beyond the bounded reader
        raise ValueError(str(exc)) from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return ScenarioResult.from_dict(data)


def read_results(path: str | os.PathLike[str]) -> list[ScenarioResult]:
    """Every result in a results file, in file order; a missing file has none.

    A last line cut short (by a kill) is ignored.

    Raises:
        InputError: A whole line is not a result (with its line number).
    """
    return _scan(os.fspath(path)).results


def latest(results: Iterable[ScenarioResult]) -> dict[str, ScenarioResult]:
    """The last result of each scenario id."""
    out: dict[str, ScenarioResult] = {}
    for result in results:
        out.pop(result.scenario, None)
        out[result.scenario] = result
    return out


def finished(results: Iterable[ScenarioResult], *, retry_failed: bool = False) -> set[str]:
    """Fingerprints of the scenarios that need no solving again (failed ones too, unless ``retry_failed``)."""
    last: dict[str, ScenarioResult] = {r.fingerprint: r for r in results}
    return {key for key, r in last.items() if not (retry_failed and r.failed)}


# --------------------------------------------------------------------------- writing


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while a line is written, so a line is never cut by them."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _regular_or_new(path: str) -> None:
    """Refuse a results path that exists and is not a regular file (a device, a FIFO, a directory).

    The journal is read, truncated and appended to: /dev/stdout and /dev/null
    cannot hold it either.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"cannot write the results: {exc.strerror or exc}", file=path) from None
    if not stat.S_ISREG(mode):
        raise InputError(
            "the results journal must be a regular file (it is read back to resume): "
            "refusing a device, a FIFO, a socket or a directory",
            file=path,
        )


class ResultLog:
    """Append results to a JSON Lines file, one synced line at a time.

    Opening repairs a last line cut short by a kill (drops it, or ends it when
    it is whole) and takes an exclusive lock, so two sweeps never write one file.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "results.jsonl"
    >>> with ResultLog(path) as log:
    ...     log.existing
    []
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        _regular_or_new(self.path)
        try:
            self._fd = os.open(
                self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0), 0o666
            )
        except OSError as exc:
            raise InputError(f"cannot write the results: {exc.strerror or exc}", file=self.path) from None
        try:
            if not stat.S_ISREG(os.fstat(self._fd).st_mode):  # swapped for a special file since the check
                raise InputError("the results journal must be a regular file", file=self.path)
            self._lock()
            scan = _scan(self.path)
            #: The results already in the file when it was opened.
            self.existing: list[ScenarioResult] = scan.results
            size = os.fstat(self._fd).st_size
            if size > scan.keep:
                if scan.tail_ok:
                    os.lseek(self._fd, 0, os.SEEK_END)
                    os.write(self._fd, b"\n")
                else:
                    os.ftruncate(self._fd, scan.keep)
                os.fsync(self._fd)
            os.lseek(self._fd, 0, os.SEEK_END)
        except BaseException:
            os.close(self._fd)
            raise

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError("another sweep is writing this results file", file=self.path) from None

    def append(self, result: ScenarioResult) -> None:
        """Write one result line and sync it to disk before returning.

        Raises:
            InputError: The line cannot be written (a full disk, an I/O error). The
                file is cut back to its last whole line, so every earlier result is
                kept and nothing torn is left; the message names the file.
        """
        data = (result.to_json() + "\n").encode("utf-8")
        with _signals_held():
            start = os.lseek(self._fd, 0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(self._fd, view)
                    view = view[written:]
                os.fsync(self._fd)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, start)
                    os.lseek(self._fd, start, os.SEEK_SET)
                raise InputError(
                    f"cannot write the results: {exc.strerror or exc}; every result before this one is kept: "
                    "make room and run the same command again to finish",
                    file=self.path,
                ) from None

    def close(self) -> None:
        """Release the file."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> ResultLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
