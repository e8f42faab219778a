"""Why a request has no system, and what to change: gaps, a minimal conflict, least relaxations."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from modcluster.domain import Candidate, Catalog, Gap, Request, Solution, Status, check_request
from modcluster.errors import TimeLimitError, UndecidedError
from modcluster.solver import GuardedModel, SolverSettings, minimal_conflict, prepare, static_gaps, time_limit
from modcluster.solver.progress import step
from modcluster.verify import choices_of, evaluate_system

__all__ = ["LIMIT_QUANTITIES", "Diagnosis", "Relaxation", "explain", "least_limits", "least_limits_after"]

#: What each limit bounds: the quantity whose least value is the least limit that admits a system.
LIMIT_QUANTITIES = {"budget": "cost", "deadline": "lead_time", "max_partners": "partners"}


@dataclass(frozen=True, slots=True)
class Relaxation:
    """The least value of one limit that works with every other rule of the request.

    Attributes:
        limit: ``budget``, ``deadline`` or ``max_partners``.
        current: The request's value (None when not set).
        least: The least value that admits a system, or None when there is
            none (``status`` says whether that was proven or not decided).
        candidate: A system achieving ``least``.
        proven: Whether ``least`` (or, with no value, that there is none) was proven.
        status: ``found``, ``none`` (proven: the other rules admit no system
            whatever this limit is) or ``unknown`` (the time limit came first).
    """

    limit: str
    current: Decimal | int | None
    least: Decimal | int | None
    candidate: Candidate | None
    proven: bool
    status: str = "found"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "limit": self.limit,
            "status": self.status,
            "current": self.current,
            "least": self.least,
            "proven": self.proven,
            "candidate": None if self.candidate is None else self.candidate.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The explanation of one request.

    Attributes:
        feasible: Whether some system meets every rule; None when that was
            not decided within the time limit (unknown, never a guess).
        gaps: Requirements with no eligible offer at all after the filters (checked first).
        conflict: A minimal set of the request's rules that admits no system
            (empty when feasible or when gaps already explain it).
        conflict_minimal: Whether minimality was proven within the time limit.
        relaxations: Least budget, deadline and max_partners, each with the other rules kept.
        placement: For a request with ``people: false`` that has no system, in a
            catalog with people (v1.1): the best system once placements are
            allowed, its person leading at its hub; None otherwise.
        placement_status: ``found``, ``none`` (proven: placements do not help),
            ``unknown`` (the time limit came first) or None (not asked).
        subsidised: For a request with ``policies: false`` that has no system, in
            a catalog with policies (v1.1): the best system once the policies
            apply; None otherwise.
        subsidised_status: As ``placement_status``, for the policies.
        refunds: The policies that refund ``subsidised``, with their refunds.
    """

    product: str
    feasible: bool | None
    gaps: tuple[Gap, ...]
    conflict: tuple[str, ...]
    conflict_minimal: bool
    relaxations: tuple[Relaxation, ...]
    placement: Candidate | None = None
    placement_status: str | None = None
    subsidised: Candidate | None = None
    subsidised_status: str | None = None
    refunds: tuple[tuple[str, Decimal], ...] = ()

    @property
    def summary(self) -> str:
        """One sentence for the user."""
        if self.gaps:
            return f"{len(self.gaps)} requirement(s) have no eligible offer"
        if self.feasible:
            return "the request is feasible"
        if self.feasible is None:
            return "unknown: whether any system meets every rule was not decided within the time limit"
        return "no system meets all of: " + ", ".join(self.conflict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "feasible": self.feasible,
            "summary": self.summary,
            "gaps": [g.to_dict() for g in self.gaps],
            "conflict": list(self.conflict),
            "conflict_minimal": self.conflict_minimal,
            "relaxations": [r.to_dict() for r in self.relaxations],
            "placement": {
                "status": self.placement_status,
                "candidate": None if self.placement is None else self.placement.to_dict(),
            },
            "policies": {
                "status": self.subsidised_status,
                "candidate": None if self.subsidised is None else self.subsidised.to_dict(),
                "refunds": [{"policy": p, "refund": r} for p, r in self.refunds],
            },
        }


def explain(
    catalog: Catalog, request: Request, *, seconds: float | None = None, settings: SolverSettings | None = None
) -> Diagnosis:
    """Explain a request: static gaps first, else a minimal conflict, and the least relaxations.

    Args:
        catalog: The catalog.
        request: The request to explain (feasible or not).
        seconds: Time for all checks together (default: the request's time limit).
        settings: CP-SAT parameters.

    Examples:
    --------
    >>> from modcluster import load_catalog, build_request
    >>> cat = load_catalog("catalogs/tama.yaml")
    >>> req = build_request(cat, "ultrasonic-distance-sensor", overrides={"limits": {"deadline": 62}})
    >>> d = explain(cat, req)
    >>> d.feasible, d.conflict
    (False, ('budget 18000', 'deadline 62 days'))
    >>> [(r.limit, r.least) for r in d.relaxations]
    [('budget', Decimal('30258.00')), ('deadline', 69), ('max_partners', None)]
    """
    began = time.monotonic()
    check_request(catalog, request)
    total = float(seconds if seconds is not None else request.time_limit)
    stop_at = began + total
    try:
        with time_limit(stop_at):  # preparing and building a large model count against the limit too
            return _explain(catalog, request, stop_at, settings)
    except TimeLimitError:
        unknown = tuple(
            Relaxation(limit, current, None, None, False, "unknown")
            for limit, current in (
                ("budget", request.limits.budget),
                ("deadline", request.limits.deadline),
                ("max_partners", request.limits.max_partners),
            )
        )
        return Diagnosis(request.product, None, (), (), False, unknown)


def _explain(catalog: Catalog, request: Request, stop_at: float, settings: SolverSettings | None) -> Diagnosis:
    """:func:`explain` once the request is checked, within ``stop_at``."""
    gaps = tuple(static_gaps(prepare(catalog, request)))
    if gaps:
        return replace(Diagnosis(request.product, False, gaps, (), True, ()), **_levers(catalog, request, stop_at))
    gm = GuardedModel(catalog, request, settings)
    checks = 4  # the conflict and three relaxations share what is left, each its part of the rest
    feasible: bool | None
    try:
        step(f"explain {request.product}: the smallest conflict", 1, checks)
        conflict = minimal_conflict(gm, _share(stop_at, checks))
        feasible = conflict is None
    except UndecidedError:
        conflict, feasible = None, None
    rules = list(gm.rules)
    relaxations = []
    limits = request.limits
    for done, (limit, quantity, current) in enumerate(
        (
            ("budget", "cost", limits.budget),
            ("deadline", "lead_time", limits.deadline),
            ("max_partners", "partners", limits.max_partners),
        ),
        start=1,
    ):
        seconds_left = _share(stop_at, checks - done)
        step(f"explain {request.product}: the least {limit}", done + 1, checks)
        found = gm.least(quantity, [n for n in rules if n != limit], seconds_left) if seconds_left > 0 else None
        if found is None or found.status == "unknown":
            relaxations.append(Relaxation(limit, current, None, None, False, "unknown"))
        elif found.status == "none":
            relaxations.append(Relaxation(limit, current, None, None, True, "none"))
        else:
            assert found.amount is not None
            least: Decimal | int = Decimal(found.amount).scaleb(-2) if quantity == "cost" else found.amount
            relaxations.append(Relaxation(limit, current, least, found.candidate, found.proven))
    names = tuple(rule.text for rule in conflict[0]) if conflict else ()
    diagnosis = Diagnosis(request.product, feasible, (), names, conflict[1] if conflict else True, tuple(relaxations))
    return replace(diagnosis, **_levers(catalog, request, stop_at)) if feasible is False else diagnosis


def _least(gm: GuardedModel, request: Request, limit: str, seconds: float) -> Relaxation:
    """The least value of ``limit`` that admits a system with every other rule of the request, within ``seconds``."""
    current = getattr(request.limits, limit)
    quantity = LIMIT_QUANTITIES[limit]
    found = gm.least(quantity, [n for n in gm.rules if n != limit], seconds) if seconds > 0 else None
    if found is None or found.status == "unknown":
        return Relaxation(limit, current, None, None, False, "unknown")
    if found.status == "none":
        return Relaxation(limit, current, None, None, True, "none")
    assert found.amount is not None
    least: Decimal | int = Decimal(found.amount).scaleb(-2) if quantity == "cost" else found.amount
    return Relaxation(limit, current, least, found.candidate, found.proven)


def least_limits(
    catalog: Catalog,
    request: Request,
    *,
    seconds: float,
    limits: tuple[str, ...] = ("budget", "deadline"),
    settings: SolverSettings | None = None,
) -> tuple[Relaxation, ...]:
    """The least value of each of ``limits`` that admits a system, every other rule of the request kept.

    What :func:`explain` gives as its relaxations, without the conflict and
    the levers: for the report of a request with no system. Each limit has an
    even share of what is left of ``seconds``; what is not decided within
    them is ``unknown``, never a guess.

    Args:
        catalog: The catalog.
        request: The request (checked against the catalog).
        seconds: Time for all of them together (0 or less: every one unknown).
        limits: Among ``budget``, ``deadline`` and ``max_partners``.
        settings: CP-SAT parameters.

    Raises:
        ValueError: A limit is not one of those.

    >>> from modcluster import load_catalog, build_request
    >>> cat = load_catalog("catalogs/tama.yaml")
    >>> req = build_request(cat, "ultrasonic-distance-sensor", overrides={"limits": {"deadline": 62}})
    >>> [(r.limit, r.least, r.proven) for r in least_limits(cat, req, seconds=10)]
    [('budget', Decimal('30258.00'), True), ('deadline', 69, True)]
    """
    wrong = [limit for limit in limits if limit not in LIMIT_QUANTITIES]
    if wrong:
        raise ValueError(f"not a limit: {wrong[0]!r} (choose from {', '.join(LIMIT_QUANTITIES)})")
    undecided = tuple(Relaxation(n, getattr(request.limits, n), None, None, False, "unknown") for n in limits)
    stop_at = time.monotonic() + seconds
    if seconds <= 0:
        return undecided
    try:
        with time_limit(stop_at):
            gm = GuardedModel(catalog, request, settings)
            return tuple(_least(gm, request, n, _share(stop_at, len(limits) - i)) for i, n in enumerate(limits))
    except TimeLimitError:
        return undecided


def least_limits_after(
    catalog: Catalog, request: Request, solution: Solution, began: float, settings: SolverSettings | None = None
) -> tuple[Relaxation, ...]:
    """The least budget and deadline for a request proven to have no system, in what is left of its time limit.

    Empty when the solution has a system, was not proven to have none, or a
    requirement has no eligible offer at all (no limit would help). ``began``
    is when the command started solving (:func:`time.monotonic`): the solve
    and this analysis share the request's ``time_limit``.
    """
    if solution.status is not Status.INFEASIBLE or (solution.explanation and solution.explanation.gaps):
        return ()
    left = float(request.time_limit) - (time.monotonic() - began)
    return least_limits(catalog, request, seconds=left, settings=settings)


def _levers(catalog: Catalog, request: Request, stop_at: float) -> dict[str, Any]:
    """What the levers the request turned off (v1.1 ``people: false``, ``policies: false``) would do.

    Each is asked on its own (the other kept as the request has it), in an
    even share of the time left: the best system once placements are allowed,
    and once the policies apply (with the policies that refund it). What
    would make the request feasible when the request itself rules the lever out.
    """
    found: dict[str, Any] = {}
    asks = [lever for lever, off in (("people", not request.people and catalog.people),
                                     ("policies", not request.policies and catalog.policies)) if off]  # fmt: skip
    for done, lever in enumerate(asks):
        step(f"explain {request.product}: with {lever}", done + 1, len(asks))
        best, status = _with_lever(catalog, request.with_changes(**{lever: True}), _share(stop_at, len(asks) - done))
        if lever == "people":
            found.update(placement=best, placement_status=status)
        else:
            found.update(subsidised=best, subsidised_status=status, refunds=_refunds(catalog, request, best))
    return found


def _with_lever(catalog: Catalog, allowed: Request, seconds: float) -> tuple[Candidate | None, str]:
    """The best system of ``allowed`` within ``seconds``: found, proven none, or unknown."""
    from modcluster.engine import solve  # the engine, not the solver: its answer is verified

    if seconds <= 0:
        return None, "unknown"
    solution = solve(catalog, allowed.with_changes(candidates=1, time_limit=Decimal(f"{max(seconds, 0.001):.3f}")))
    if solution.best is not None:
        return solution.best, "found"
    return None, "none" if solution.status is Status.INFEASIBLE else "unknown"


def _refunds(catalog: Catalog, request: Request, best: Candidate | None) -> tuple[tuple[str, Decimal], ...]:
    """The policies that refund ``best`` and by how much (the verifier's figures)."""
    if best is None:
        return ()
    hub, choices = choices_of(best)
    figures = evaluate_system(catalog, request.with_changes(policies=True), hub, choices, best.person)
    return tuple((policy, refund) for policy, _, refund in figures.refunds if refund)


def _share(stop_at: float, parts: int) -> float:
    """An even share of the time left for the next of ``parts`` checks (0 when none is left)."""
    return max(0.0, (stop_at - time.monotonic()) / max(parts, 1))
