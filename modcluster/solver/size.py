"""Estimate a CP-SAT model's memory from an :class:`Instance`, and refuse models too large for this machine.

The estimate counts what :func:`~modcluster.solver.compile.compile_model` would
build for the whole instance (every hub at once, before any pruning), so it
over-estimates what the solver's hub-by-hub search builds:

- option literals (one per eligible offer or seed of every task slot, plus the
  hubs), each with its cost and duration terms;
- optional intervals (options with a positive duration) in the capacity
  constraints;
- precedence terms: one "same organisation" literal per organisation that can
  do both tasks of a precedence (only with a handover gap);
- link terms: a bridge literal per link and hub, and the variant matching;
- onboarding pairs: one literal per (hub, partner) pair with a fee when the
  hub is not fixed, and a participation literal per organisation.

The bytes per element were measured: peak resident memory of building the
whole-instance model and running CP-SAT (one worker) on it, on generated
instances of 30 to 6,000 organisations. The most was about 9,000 bytes per
element (6,000 organisations, 106,881 elements, 919 MiB after 180 s of search;
memory grows with the search: 593 MiB after 10 s, 874 MiB after 60 s); :data:`BYTES_PER_ELEMENT` keeps a
margin above that. ``scripts/reliability_figures.py --memory`` measures again.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass

from modcluster.errors import ModelSizeError
from modcluster.solver.compile import cost_upper_bound, schedule_horizon
from modcluster.solver.deadline import check_time
from modcluster.solver.instance import Instance, Option
from modcluster.solver.objective import INT64_SAFE

__all__ = [
    "BASE_BYTES",
    "BYTES_PER_ELEMENT",
    "ENV_LIMIT",
    "HINT",
    "ModelSize",
    "check_magnitudes",
    "check_model_size",
    "estimate_model_size",
    "largest_figures",
    "memory_limit",
]

#: Resident memory of building and solving a small model beyond the loaded catalog (measured: 93 MB at most,
#: a medium model with 8 workers).
BASE_BYTES = 128 * 1024 * 1024
#: Peak bytes per model element: about 9,000 measured at most (see the module docstring), with a margin.
BYTES_PER_ELEMENT = 12 * 1024
#: Environment variable that sets the limit in bytes (for tests and small machines).
ENV_LIMIT = "MODCLUSTER_MAX_MODEL_BYTES"
#: Share of the physical memory a model may take.
MEMORY_SHARE = 0.5
#: Longest schedule (days) the model accepts; :func:`~modcluster.solver.compile.compile_model` refuses longer ones.
MAX_HORIZON_DAYS = 10**9
#: What to do about a model that is too large.
HINT = "narrow the request: fewer candidates, a sites filter or excluding organisations"


@dataclass(frozen=True, slots=True)
class ModelSize:
    """What a CP-SAT model of an instance would hold, and the memory it would take.

    Attributes:
        literals: Option, hub and organisation literals.
        intervals: Optional intervals in the capacity constraints.
        precedence_terms: "Same organisation" literals of the precedences.
        link_terms: Bridge literals and variant-matching literals.
        onboarding_pairs: Onboarding literals (hub, partner) and participation literals.
    """

    literals: int
    intervals: int
    precedence_terms: int
    link_terms: int
    onboarding_pairs: int

    @property
    def elements(self) -> int:
        """All counted elements."""
        return self.literals + self.intervals + self.precedence_terms + self.link_terms + self.onboarding_pairs

    @property
    def bytes(self) -> int:
        """Estimated peak memory of building and solving the model, in bytes."""
        return BASE_BYTES + BYTES_PER_ELEMENT * self.elements


def estimate_model_size(inst: Instance) -> ModelSize:
    """Count the elements of the CP-SAT model of ``inst`` without building it (linear time).

    >>> from modcluster import load_catalog, build_request
    >>> from modcluster.solver.instance import prepare
    >>> catalog = load_catalog("catalogs/examples/mini.yaml")
    >>> size = estimate_model_size(prepare(catalog, build_request(catalog)))
    >>> size.elements > 0 and size.bytes > size.elements
    True
    """
    hubs = [h.org for h in inst.hubs]
    literals = len(hubs)
    intervals = 0
    precedence = 0
    link_terms = 0
    gap = inst.handover_days > 0
    participants: set[str] = set()

    def orgs(options: tuple[Option, ...]) -> set[str]:
        return {o.org for o in options}

    hub_set = set(hubs)
    for plan in inst.modules:
        check_time()
        slots = [plan.buy] if plan.buy else []
        chain = []
        if plan.can_make:
            chain = ([plan.seeds] if plan.seeds is not None else []) + list(plan.steps or ())
            slots += chain
            literals += 1  # the make literal
        for options in slots:
            in_slot = orgs(options)
            participants |= in_slot
            literals += len(options) + len(in_slot)
            intervals += sum(1 for o in options if o.days > 0)
        if gap:
            for before, after in itertools.pairwise(chain):
                precedence += len(orgs(before) & orgs(after))
            ends = ([chain[-1]] if chain else []) + ([plan.buy] if plan.buy else [])
            for last in ends:
                precedence += len(orgs(last) & hub_set)
    for _link in inst.links:
        link_terms += 2 * len(hubs) + 2
    onboarding = len(participants)
    if len(hubs) > 1:
        onboarding += sum(1 for (_hub, partner) in inst.onboarding if partner in participants)
    return ModelSize(literals, intervals, precedence, link_terms, onboarding)


def memory_limit() -> int | None:
    """The most bytes a model may take: ``$MODCLUSTER_MAX_MODEL_BYTES``, else half the physical memory.

    Returns None when neither is known.

    Raises:
        ModelSizeError: The environment variable is not a positive whole number.
    """
    text = os.environ.get(ENV_LIMIT)
    if text is not None and text.strip():
        try:
            value = int(text.strip())
        except ValueError:
            value = 0
        if value <= 0:
            raise ModelSizeError(f"{ENV_LIMIT} must be a positive whole number of bytes, got {text!r}")
        return value
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        page = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not a POSIX system
        return None
    if pages <= 0 or page <= 0:  # pragma: no cover
        return None
    return int(pages * page * MEMORY_SHARE)


def _mib(count: int) -> str:
    return f"{count / (1024 * 1024):,.0f} MiB"


def _money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def largest_figures(inst: Instance) -> tuple[str, str]:
    """Name the largest cost term and the longest duration of ``inst``, as catalog paths with their values.

    Returns:
        ``(cost, days)``: e.g. ``"organizations[1].modules[0] (offer 'board' for module 'b'):
        1,000,000,000,000,000.00"`` and the same for days.
    """
    catalog = inst.catalog
    index = {org.id: i for i, org in enumerate(catalog.organizations)}

    def where(option: Option, kind: str, module: str) -> str:
        i = index[option.org]
        org = catalog.organizations[i]
        if kind == "seeds":
            offers = [s.id for s in org.seeds]
        elif kind == "modules":
            offers = [m.offer_id for m in org.modules]
        else:
            offers = [p.offer_id for p in org.processes]
        j = offers.index(option.offer) if option.offer in offers else None
        place = f"organizations[{i}].{kind}" + (f"[{j}]" if j is not None else "")
        return f"{place} (offer {option.offer!r} for module {module!r})"

    costs: list[tuple[int, str]] = []
    days: list[tuple[int, str]] = []
    for plan in inst.modules:
        mid = plan.module.id
        slots = [("modules", plan.buy)]
        if plan.can_make:
            slots += [("processes", s) for s in plan.steps or ()]
            slots += [("seeds", plan.seeds)] if plan.seeds is not None else []
        for kind, options in slots:
            for option in options:
                costs.append((option.cents, where(option, kind, mid)))
                days.append((option.days, where(option, kind, mid)))
    for hub in inst.hubs:
        costs.append((hub.design_cents, f"organizations[{index[hub.org]}].design_fee"))
        days.append((hub.integration_days, f"organizations[{index[hub.org]}].integration_days"))
    interface_index = {kind.id: i for i, kind in enumerate(catalog.interfaces)}
    for link in inst.links:
        at = f"interfaces[{interface_index[link.kind]}]"
        costs.extend((c, f"{at}.bridge_cost (hub {h!r})") for h, c in link.bridge_cents.items())
        days.extend((d, f"{at}.bridge_days (hub {h!r})") for h, d in link.bridge_days.items())
    costs.extend((c, f"onboarding of {p!r} by hub {h!r}") for (h, p), c in inst.onboarding.items())
    days.append((inst.handover_days, "defaults.handover_days"))
    cost = max(costs, key=lambda pair: pair[0], default=(0, "none"))
    day = max(days, key=lambda pair: pair[0], default=(0, "none"))
    return f"{cost[1]}: {_money(cost[0])}", f"{day[1]}: {day[0]:,} days"


def check_magnitudes(inst: Instance) -> None:
    """Refuse figures whose sums would leave CP-SAT's 64-bit range, naming the figure that is too large.

    CP-SAT sees the objective one key at a time
    (:class:`~modcluster.solver.objective.Lexicographic`), and a weighted
    value too large for 64 bits is minimised over the cost / lead-time front
    (:class:`~modcluster.solver.objective.WeightedByFront`), so what must fit
    is the schedule's horizon and a system's cost in cents: every system of
    under 10^12 money units and 100,000 days does, whatever the weights.
    Beyond, the message names the largest cost term or the longest task.

    Raises:
        ModelSizeError: The figures are too large to solve exactly.
    """
    horizon = schedule_horizon(inst)
    if inst.deadline is not None:
        horizon = min(horizon, inst.deadline)
    cost_bound = cost_upper_bound(inst)
    product = inst.product.id
    advice = "use smaller figures, a smaller quantity, or a deadline"
    if horizon > MAX_HORIZON_DAYS:
        _, days = largest_figures(inst)
        raise ModelSizeError(
            f"figures too large to solve exactly for product {product!r}: a schedule could last {horizon:,} days "
            f"(the most is {MAX_HORIZON_DAYS:,}); longest duration {days}; {advice}"
        )
    if cost_bound >= INT64_SAFE:
        cost, _ = largest_figures(inst)
        raise ModelSizeError(
            f"figures too large to solve exactly for product {product!r}: a system could cost {_money(cost_bound)} "
            f"(the solver's 64-bit arithmetic holds {_money(INT64_SAFE - 1)} at most); "
            f"largest cost term {cost}; {advice}"
        )


def check_model_size(inst: Instance, limit_bytes: int | None = None) -> ModelSize:
    """Refuse, before building it, a model whose figures overflow or whose estimated memory is over the limit.

    First :func:`check_magnitudes`, then the memory estimate.

    Args:
        inst: The prepared instance.
        limit_bytes: The limit; ``None`` uses :func:`memory_limit`.

    Returns:
        The estimate, when it fits.

    Raises:
        ModelSizeError: The figures overflow, or the estimate is over the limit;
            the message gives the estimate, the limit, the counts and :data:`HINT`.
    """
    check_magnitudes(inst)
    size = estimate_model_size(inst)
    limit = memory_limit() if limit_bytes is None else limit_bytes
    if limit is not None and size.bytes > limit:
        raise ModelSizeError(
            f"the model of product {inst.product.id!r} would need about {_mib(size.bytes)} "
            f"(limit {_mib(limit)}): {size.literals:,} option literals, {size.intervals:,} intervals, "
            f"{size.precedence_terms:,} precedence terms, {size.onboarding_pairs:,} onboarding pairs; {HINT}"
        )
    return size
