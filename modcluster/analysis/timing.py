"""One time limit for an analysis that solves many requests: each solve gets its share of what is left.

An analysis of the whole catalog (gaps, intermediary value) or of one
request's variants (resilience) runs many solves. Given the instant its
limit ends, :func:`within` gives each next solve an even share of the time
left, never more than the solve's own request allows, so a solve that ends
early leaves its time to the next ones and the analysis ends on time. A solve
given almost no time answers "unknown" at once (the limit holds while
preparing too), which the analyses report as not proven.
"""

from __future__ import annotations

import time
from decimal import Decimal

from modcluster.domain import Request

__all__ = ["MIN_SECONDS", "stop_at", "within"]

MIN_SECONDS = Decimal("0.001")
"""The least time a solve is given: a request's time limit must be positive."""


def stop_at(seconds: float | Decimal | None) -> float | None:
    """The ``time.monotonic()`` instant a limit of ``seconds`` from now ends (None: no limit)."""
    return None if seconds is None else time.monotonic() + float(seconds)


def within(request: Request, end: float | None, solves: int) -> Request:
    """``request`` with an even share of the time left before ``end`` for the next of ``solves`` solves.

    The share never exceeds the request's own limit; with ``end`` None the
    request is returned as it is.

    >>> from modcluster.domain import Request
    >>> req = Request(product="p", time_limit=10)
    >>> within(req, None, 3) is req, within(req, time.monotonic() + 600, 3).time_limit
    (True, Decimal('10'))
    >>> within(req, time.monotonic() - 1, 3).time_limit
    Decimal('0.001')
    """
    if end is None:
        return request
    share = max(end - time.monotonic(), 0.0) / max(solves, 1)
    seconds = max(min(Decimal(f"{share:.3f}"), request.time_limit), MIN_SECONDS)
    if seconds == request.time_limit:
        return request
    return request.with_changes(time_limit=seconds)
