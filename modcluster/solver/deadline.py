"""The time limit of the running solve, for every loop whose length grows with the input.

A request's ``time_limit`` covers the whole solve: preparing the options,
pruning, the bounds, the hints, settling, building the model and CP-SAT.
CP-SAT gets the time that is left; the Python stages before it check the
clock themselves. Each loop that can grow with the catalog or the product
(one pass per module, per organisation, per hub, per system tried) calls
:func:`check_time` once per pass; when the limit has passed it raises
:class:`~modcluster.errors.TimeLimitError`, which the search catches to
return what it found, marked unproven (see :mod:`modcluster.solver.search`).

The limit is held like :func:`decimal.localcontext` holds a precision: set
for a block by :func:`time_limit`, in a :class:`contextvars.ContextVar`, so
threads solving at once and nested solves (an analysis that solves inside
its own limit) each see their own, and the pure stages keep their
signatures. Outside any block :func:`check_time` does nothing.

>>> import time
>>> with time_limit(time.monotonic() + 60):
...     check_time()  # plenty of time: nothing happens
>>> with time_limit(time.monotonic() - 1):
...     check_time()
Traceback (most recent call last):
...
modcluster.errors.TimeLimitError: the time limit passed during the solve
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

from modcluster.errors import TimeLimitError

__all__ = ["check_time", "time_left", "time_limit", "time_up"]

_AT: contextvars.ContextVar[float | None] = contextvars.ContextVar("modcluster_time_limit", default=None)


@contextlib.contextmanager
def time_limit(at: float) -> Iterator[None]:
    """Run the block under a limit at the ``time.monotonic()`` instant ``at`` (an earlier one still holds).

    Args:
        at: The instant, in :func:`time.monotonic` seconds, after which loops stop.
    """
    outer = _AT.get()
    token = _AT.set(at if outer is None else min(at, outer))
    try:
        yield
    finally:
        _AT.reset(token)


def time_up() -> bool:
    """Whether the limit of the enclosing :func:`time_limit` block has passed (False outside one)."""
    at = _AT.get()
    return at is not None and time.monotonic() >= at


def time_left() -> float | None:
    """Seconds left before the enclosing limit (never negative), or None outside a :func:`time_limit` block."""
    at = _AT.get()
    return None if at is None else max(0.0, at - time.monotonic())


def check_time() -> None:
    """Raise :class:`~modcluster.errors.TimeLimitError` when the enclosing limit has passed.

    Raises:
        TimeLimitError: The limit of the enclosing :func:`time_limit` block has passed.
    """
    if time_up():
        raise TimeLimitError("the time limit passed during the solve")
