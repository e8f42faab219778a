"""The server's memory: a bounded cache of configurators and plans, so that each click reuses the last step.

The URL holds the state (:mod:`modcluster.web.state`); this cache only
makes it fast. A :class:`Session` is one request (the fields of a page):
its configurators share the library's memory of what earlier steps proved
(:class:`~modcluster.configure.Configurator` is incremental and immutable),
and each step is keyed by the acts that lead to it, so a click builds on
the step before it (``select`` on the parent's configurator) and undo or
back is a lookup. Sessions and steps are evicted least recently used first;
an evicted step is rebuilt from its URL. One lock per session serialises
the solves that share a memory; different requests solve in parallel.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from modcluster.configure import Blame, Configurator
from modcluster.domain import Catalog, Configuration, Plan, PlanRequest, Request, Solution
from modcluster.web.state import Act, Ask

if TYPE_CHECKING:
    from modcluster.solver import SolverSettings

__all__ = ["LRU", "PlanRun", "Plans", "Session", "Sessions", "Step"]

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A mapping that keeps its ``size`` most recently used items (not thread-safe: callers lock)."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The item, marked as just used; None when absent."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` under ``key``, dropping the least recently used item past the size."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Step:
    """One step of a configuration: its configurator, and what was computed for it (lazily, once)."""

    conf: Configurator
    table: Configuration | None = None
    whys: dict[tuple[str, str], Blame | None] = field(default_factory=dict)
    solution: Solution | None = None
    files: dict[str, bytes] = field(default_factory=dict)


class Session:
    """The configurators of one request, by the acts leading to each (see the module docstring)."""

    def __init__(self, catalog: Catalog, request: Request, settings: SolverSettings | None, steps: int) -> None:
        self.catalog = catalog
        self.request = request
        self.lock = threading.Lock()
        self._settings = settings
        self._steps: LRU[tuple[Act, ...], Step] = LRU(steps)

    def step(self, acts: tuple[Act, ...]) -> Step:
        """The step the acts lead to, built on the longest cached prefix (call with :attr:`lock` held).

        Raises:
            RequestError: An act names a decision or value the request does not have.
        """
        found = self._steps.get(acts)
        if found is not None:
            return found
        if not acts:
            return self._steps.put(acts, Step(Configurator(self.catalog, self.request, self._settings)))
        parent = self.step(acts[:-1]).conf
        act = acts[-1]
        conf = (parent.select if act.kind == "select" else parent.rule_out)(act.decision, act.value)
        return self._steps.put(acts, Step(conf))

    def table(self, step: Step) -> Configuration:
        """The step's decision table (the library's, verified), computed once (call with :attr:`lock` held)."""
        if step.table is None:
            step.table = step.conf.options()
        return step.table

    def why(self, step: Step, decision: str, value: str) -> Blame | None:
        """Why the value is impossible at this step (None: it is not, or the time limit came first)."""
        key = (decision, value)
        if key not in step.whys:
            step.whys[key] = step.conf.why(decision, value)
        return step.whys[key]

    def solution(self, step: Step) -> Solution:
        """The solution of the request with the step's selection (``select``/``rule_out``): what downloads give."""
        from modcluster.engine import solve

        if step.solution is None:
            step.solution = solve(self.catalog, step.conf.saved_request(), self._settings)
        return step.solution


class Sessions:
    """Every session of the server, least recently used evicted first; thread-safe.

    Args:
        catalog: The catalog the server serves.
        build: Makes the request of a page's fields (raises ``InputError`` for bad ones).
        settings: CP-SAT settings (None: the library's defaults).
        sessions: How many requests are kept.
        steps: How many steps of each request are kept.
    """

    def __init__(
        self,
        catalog: Catalog,
        build: Callable[[Ask], Request],
        settings: SolverSettings | None = None,
        *,
        sessions: int = 16,
        steps: int = 256,
    ) -> None:
        self.catalog = catalog
        self._build = build
        self._settings = settings
        self._steps = steps
        self._lock = threading.Lock()
        self._sessions: LRU[tuple[tuple[str, str], ...], Session] = LRU(sessions)

    def session(self, ask: Ask) -> Session:
        """The session of a page's request fields, made when new.

        Raises:
            InputError: The fields do not make a request of the catalog.
        """
        with self._lock:
            found = self._sessions.get(ask.fields)
        if found is not None:
            return found
        made = Session(self.catalog, self._build(ask), self._settings, self._steps)
        with self._lock:
            # Another thread may have made it meanwhile: keep the first, so both share one memory.
            return self._sessions.get(ask.fields) or self._sessions.put(ask.fields, made)


@dataclass
class PlanRun:
    """A plan file and its plan, solved once; ``files`` caches its figures and downloads."""

    name: str
    request: PlanRequest
    lock: threading.Lock = field(default_factory=threading.Lock)
    plan: Plan | None = None
    files: dict[str, bytes] = field(default_factory=dict)


class Plans:
    """Plan files by the digest of their bytes, least recently used evicted first; thread-safe."""

    def __init__(self, size: int = 16) -> None:
        self._lock = threading.Lock()
        self._runs: LRU[str, PlanRun] = LRU(size)

    @staticmethod
    def digest(data: bytes) -> str:
        """The key of a plan file's bytes."""
        return hashlib.sha256(data).hexdigest()[:32]

    def get(self, key: str) -> PlanRun | None:
        """The plan run of a key, None when unknown or evicted."""
        with self._lock:
            return self._runs.get(key)

    def put(self, key: str, run: PlanRun) -> PlanRun:
        """Keep a plan run (the one already kept under the key, if any)."""
        with self._lock:
            return self._runs.get(key) or self._runs.put(key, run)
