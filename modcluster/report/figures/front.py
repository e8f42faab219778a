"""The points the cost / lead-time chart draws: the exact front, or the candidates' own non-dominated points."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.domain import Candidate

__all__ = ["Front", "FrontPoint", "front_from_analysis", "front_from_candidates", "nondominated"]


@dataclass(frozen=True, slots=True)
class FrontPoint:
    """A (cost, lead time) point to draw, with the candidate system that reaches it when known.

    Not :class:`modcluster.analysis.pareto.ParetoPoint`: a point drawn here may
    come without a candidate or a partner count (plain ``(cost, lead_time)``
    points, see :func:`front_from_analysis`).
    """

    cost: Decimal
    lead_time: int
    candidate: Candidate | None = None


@dataclass(frozen=True, slots=True)
class Front:
    """Points to draw as the cost / lead-time front.

    ``exact`` is True for the exact front of the request (every non-dominated
    point) and False when only the candidates' own points are known.
    """

    points: tuple[FrontPoint, ...]
    exact: bool
    note: str = ""


def nondominated(points: Iterable[FrontPoint]) -> tuple[FrontPoint, ...]:
    """The points no other point beats in both cost and lead time, by lead time.

    >>> pts = [FrontPoint(Decimal(c), t) for c, t in [(10, 5), (8, 7), (9, 7), (12, 4), (11, 6)]]
    >>> [(int(p.cost), p.lead_time) for p in nondominated(pts)]
    [(12, 4), (10, 5), (8, 7)]
    """
    best: dict[tuple[Decimal, int], FrontPoint] = {}
    for p in points:
        best.setdefault((p.cost, p.lead_time), p)
    out: list[FrontPoint] = []
    for key in sorted(best, key=lambda k: (k[1], k[0])):
        if not out or key[0] < out[-1].cost:
            out.append(best[key])
    return tuple(out)


def front_from_candidates(candidates: Sequence[Candidate]) -> Front:
    """A stand-in front: the non-dominated points among the candidates only (``exact=False``)."""
    points = nondominated(FrontPoint(c.cost, c.lead_time, c) for c in candidates)
    return Front(points, exact=False, note="candidates only: the exact front was not computed")


def _field(item: Any, name: str, index: int) -> Any:
    """A point's field, whether the point is a tuple, a dict or an object with attributes."""
    if isinstance(item, (tuple, list)):
        return item[index] if len(item) > index else None
    if isinstance(item, dict):
        return item.get(name)
    return getattr(item, name, None)


def front_from_analysis(front: Any) -> Front:
    """A :class:`Front` from the exact Pareto analysis's result.

    Accepts an object with ``points`` (or an iterable of points), each point
    having ``cost``, ``lead_time`` and optionally ``candidate`` (attributes,
    dict keys, or a ``(cost, lead_time[, candidate])`` tuple). A result with a
    false ``complete`` or ``proven`` attribute is drawn as exact but noted
    as not proven complete.

    Args:
        front: :func:`modcluster.analysis.pareto.pareto_front`'s result, or any of the forms above.

    Returns:
        The points by lead time, marked exact.
    """
    raw = getattr(front, "points", front)
    points: list[FrontPoint] = []
    for item in raw:
        cost = _field(item, "cost", 0)
        lead_time = _field(item, "lead_time", 1)
        candidate = _field(item, "candidate", 2)
        points.append(
            FrontPoint(
                Decimal(str(cost)),
                int(lead_time),
                candidate if isinstance(candidate, Candidate) else None,
            )
        )
    complete = all(bool(getattr(front, name, True)) for name in ("complete", "proven"))
    note = "" if complete else "the time limit stopped the search: the front may be incomplete"
    return Front(tuple(sorted(points, key=lambda p: (p.lead_time, p.cost))), exact=True, note=note)
