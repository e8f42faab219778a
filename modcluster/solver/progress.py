"""What a long computation is doing, for whoever watches: one observer, no CP-SAT in it.

The search, the plan search, the configurator and the analyses call
:func:`report` at their natural loop points (once per hub of the search,
once per check or solve of an analysis), never per CP-SAT solution. With
nobody observing, :func:`report` returns at once, and :func:`observed` lets
a caller skip building a :class:`Progress` at all. An observer is installed
for the length of a ``with`` block by :func:`observing`; it lives in a
:class:`~contextvars.ContextVar`, so a thread or task observes only what runs
in its own context. The command line draws it on a terminal
(:mod:`modcluster.cli.progress`).

Two kinds of report: a *step* of an analysis (``step=(i, n)``: "check 2 of
4"), and the state of a solve (what it is searching, its best so far and the
proven lower bound of the objective's first figure). A step's solves report
within it.

>>> seen = []
>>> with observing(seen.append):
...     report(Progress("piezo-nano-stage: hub 1 of 4", best=(Decimal("18613.00"), 97)))
>>> report(Progress("nobody is watching"))
>>> [p.what for p in seen]
['piezo-nano-stage: hub 1 of 4']
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Observer", "Progress", "observed", "observing", "report", "step"]


@dataclass(frozen=True)
class Progress:
    """One report of a running computation.

    Attributes:
        what: The product and the stage, e.g. ``"piezo-nano-stage: hub kosoku-sensing, 3 of 12 open"``.
        best: The best system so far as (cost, lead days), or None.
        bound: A proven lower bound of the objective's first figure (money for ``cost`` and
            ``weighted``, days for ``lead_time``) of the best system, or None.
        elapsed: Seconds since the computation began.
        limit: Its time limit in seconds, or None.
        step: ``(i, n)`` for step ``i`` of ``n`` of an analysis, else None.
        objective: The objective the bound is of (``cost``, ``lead_time``, ``weighted``), or ``""``.
        money: The catalog's unit of money (``kJPY``), or ``""``.
    """

    what: str
    best: tuple[Decimal, int] | None = None
    bound: Decimal | int | None = None
    elapsed: float = 0.0
    limit: float | None = None
    step: tuple[int, int] | None = None
    objective: str = ""
    money: str = ""


Observer = Callable[[Progress], None]
"""A function given every :class:`Progress` reported while it observes; it must return quickly."""

_OBSERVER: ContextVar[Observer | None] = ContextVar("modcluster_progress_observer", default=None)


@contextlib.contextmanager
def observing(observer: Observer) -> Iterator[None]:
    """Give ``observer`` every :class:`Progress` reported in this context until the block ends.

    An inner ``observing`` replaces the outer one for its block.
    """
    token = _OBSERVER.set(observer)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


def observed() -> bool:
    """Whether someone observes: a caller may skip building a :class:`Progress` otherwise."""
    return _OBSERVER.get() is not None


def report(progress: Progress) -> None:
    """Hand ``progress`` to the observer; nothing when nobody observes."""
    observer = _OBSERVER.get()
    if observer is not None:
        observer(progress)


def step(what: str, index: int, total: int, *, limit: float | None = None) -> None:
    """Report step ``index`` (from 1) of ``total`` of an analysis: ``what`` names the analysis and its subject.

    >>> seen = []
    >>> with observing(seen.append):
    ...     step("resilience: without hamura-pcb", 2, 7)
    >>> seen[0].step
    (2, 7)
    """
    if _OBSERVER.get() is not None:
        report(Progress(what, limit=limit, step=(index, total)))
