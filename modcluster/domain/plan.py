"""Plans (contract v1.1): several products planned at once in one cluster.

A :class:`PlanRequest` asks for one system per :class:`PlanEntry`, all
running in the same cluster: capacity is shared across entries, a tie between
a hub and a partner is paid for once (by the first entry, in file order, whose
system has the pair), each entry starts on its ``release`` day or later, and
the plan's ``limits.budget`` bounds the total cost. An entry takes every
field of a v1 request except ``candidates``, ``objective``, ``weights`` and
``time_limit`` (those are the plan's), and is layered like a request file: the
contract's defaults, the product's default request in the catalog, then the
entry's own fields (:func:`entry_requests`).

:class:`Plan` is the answer: one system per entry, the totals, each entry
solved alone for comparison (the price of sharing), and, when no plan exists,
a :class:`PlanExplanation`. Nothing here touches the solver.

>>> from modcluster import load_catalog
>>> catalog = load_catalog("catalogs/examples/mini.yaml")
>>> plan = PlanRequest.model_validate(
...     {"entries": [{"product": "mini-sensor", "release": 5}, {"id": "again", "product": "mini-sensor"}]}
... )
>>> [(r.product, r.quantity, r.candidates) for r in entry_requests(catalog, plan)]
[('mini-sensor', 100, 1), ('mini-sensor', 100, 1)]
>>> [e.key for e in plan.entries]
['mini-sensor', 'again']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from pydantic import Field, ValidationInfo, field_validator

from modcluster.domain.calendars import Calendar, CalendarDate, annotate_candidate, calendar_of
from modcluster.domain.catalog import Catalog
from modcluster.domain.checks import request_issues
from modcluster.domain.frozen import FrozenDict, FrozenModel, freeze, thaw
from modcluster.domain.layering import layered_request, unknown_product
from modcluster.domain.request import Limits, Objective, Request, Weights, needs_start_date
from modcluster.domain.solution import Candidate, Status, dumps
from modcluster.domain.values import Count, Days, Id, Money, PositiveDecimal
from modcluster.errors import Issue, RequestError

__all__ = [
    "PLAN_REQUEST_SCHEMA",
    "PLAN_SCHEMA",
    "AloneResult",
    "Plan",
    "PlanEntry",
    "PlanExplanation",
    "PlanLimits",
    "PlanRequest",
    "PlanTask",
    "PlannedEntry",
    "check_plan_request",
    "entry_requests",
    "plan_request_issues",
]

PLAN_REQUEST_SCHEMA = "modcluster/plan-request/1"
PLAN_SCHEMA = "modcluster/plan/1"


class PlanLimits(FrozenModel):
    """Limits on the plan as a whole: ``budget`` bounds the total cost."""

    budget: Money | None = None


class PlanEntry(FrozenModel):
    """One product system of a plan: a v1 request without the plan-wide fields, with an id and a release day.

    Fields left out take the product's default request in the catalog, then
    the contract's defaults (:func:`entry_requests`).
    """

    id: Id | None = None
    product: Id
    release: Days = 0
    quantity: Count = 1
    limits: Limits = Field(default_factory=Limits)
    sites: tuple[Id, ...] | None = Field(default=None, min_length=1)
    exclude: tuple[Id, ...] = ()
    require: tuple[Id, ...] = ()
    hub: Id | None = None

    @property
    def key(self) -> str:
        """The entry's id: ``id`` when given, else the product id."""
        return self.id if self.id is not None else self.product


class PlanRequest(FrozenModel):
    """A plan request: entries in file order (the order decides who pays a shared tie), limits, objective."""

    schema_: Literal["modcluster/plan-request/1"] | None = Field(default=None, alias="schema")
    entries: tuple[PlanEntry, ...] = Field(min_length=1)
    limits: PlanLimits = Field(default_factory=PlanLimits)
    objective: Objective = Objective.COST
    weights: Weights = Field(default_factory=Weights)
    time_limit: PositiveDecimal = Decimal(10)
    start_date: CalendarDate | None = Field(
        default=None, description="the date of day 0 (v1.1 Calendars): outputs add dates beside day numbers"
    )
    calendar: Calendar | None = Field(
        default=None, description="working weekdays, public holidays and closed days; needs start_date"
    )

    @field_validator("calendar")
    @classmethod
    def _calendar_needs_start(cls, value: Calendar | None, info: ValidationInfo) -> Calendar | None:
        return needs_start_date(value, info)

    def with_changes(self, **changes: Any) -> PlanRequest:
        """A copy with some fields replaced, validated again (what sweeps and overrides use).

        Raises:
            RequestError: A changed field is invalid.
        """
        from modcluster.domain.issues import validate_data

        data = self.model_dump(by_alias=True, exclude_unset=True)  # unset entry fields keep the catalog's defaults
        data.update(changes)
        return validate_data(PlanRequest, data, RequestError)


def plan_request_issues(catalog: Catalog, plan: PlanRequest) -> list[Issue]:
    """Every problem of ``plan`` against ``catalog``: unknown products and organisations, repeated ids."""
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(plan.entries):
        place = f"entries[{index}]"
        if entry.key in seen:
            where = "id" if entry.id is not None else "product"
            issues.append(
                Issue(
                    f"{place}.{where}",
                    f"entry id {entry.key!r} is already used by entries[{seen[entry.key]}]; "
                    "give one of them a distinct `id`",
                )
            )
        else:
            seen[entry.key] = index
        missing = unknown_product(catalog, entry.product)
        if missing is not None:
            issues.append(Issue(f"{place}.product", missing.message))
            continue
        probe = Request.model_construct(
            product=entry.product, exclude=entry.exclude, require=entry.require, hub=entry.hub
        )
        issues.extend(Issue(f"{place}.{i.path}", i.message) for i in request_issues(catalog, probe))
    return issues


def check_plan_request(catalog: Catalog, plan: PlanRequest, file: str | None = None) -> PlanRequest:
    """Raise :class:`RequestError` if ``plan`` names what the catalog lacks or repeats an entry id."""
    issues = plan_request_issues(catalog, plan)
    if issues:
        raise RequestError(issues, file=file)
    return plan


def entry_requests(catalog: Catalog, plan: PlanRequest, *, file: str | None = None) -> tuple[Request, ...]:
    """Each entry as the v1 request it is alone: one candidate, the plan's objective, weights and time limit.

    The entry's ``deadline`` stays a day of the plan's calendar (counted from
    day 0, not from the release).

    Raises:
        RequestError: The plan names what the catalog lacks, or an entry's merged request is invalid.
    """
    check_plan_request(catalog, plan, file)
    shared = {
        "objective": plan.objective,
        "weights": plan.weights.model_dump(),
        "time_limit": plan.time_limit,
        "candidates": 1,
    }
    requests = []
    for index, entry in enumerate(plan.entries):
        layer = entry.model_dump(by_alias=True, exclude_unset=True, exclude={"id", "release", "product"})
        try:
            requests.append(layered_request(catalog, entry.product, layer, shared, file=file))
        except RequestError as exc:
            moved = [Issue(f"entries[{index}].{i.path}", i.message) for i in exc.issues]
            raise RequestError(moved, file=file) from None
    return tuple(requests)


class PlanTask(NamedTuple):
    """One task of a plan, for tables and pictures: who runs it, for which entry, and when (days ``[start, end)``)."""

    organization: str
    entry: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    """One entry's system in a plan; ``system.cost_breakdown.onboarding`` is the onboarding this entry pays."""

    id: str
    product: str
    quantity: int
    release: int
    system: Candidate

    def tasks(self) -> list[PlanTask]:
        """The entry's tasks: seeds' transfers, steps, bought modules, then the hub's integration."""
        out: list[PlanTask] = []
        for m in self.system.modules:
            if m.source == "buy":
                assert m.organization is not None and m.start is not None and m.end is not None
                out.append(PlanTask(m.organization, self.id, f"{m.id} (buy)", m.start, m.end))
                continue
            if m.seed is not None:
                out.append(PlanTask(m.seed.organization, self.id, f"{m.id} seed", m.seed.start, m.seed.end))
            for i, step in enumerate(m.steps, start=1):
                out.append(PlanTask(step.organization, self.id, f"{m.id} {i}:{step.capability}", step.start, step.end))
        out.append(PlanTask(self.system.hub, self.id, "integration", *self.system.integration))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The entry of the plan JSON: the system has a v1 candidate's fields without rank and proof."""
        system = self.system.to_dict()
        del system["rank"], system["proven_optimal"]
        return {
            "id": self.id,
            "product": self.product,
            "quantity": self.quantity,
            "release": self.release,
            "system": system,
        }


@dataclass(frozen=True, slots=True)
class AloneResult:
    """One entry solved alone (v1, one candidate, the plan's objective), on the plan's calendar.

    ``lead_time`` counts from day 0 like the plan's: the alone system starts at
    the entry's release.
    """

    id: str
    status: Status
    cost: Decimal | None = None
    lead_time: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The entry of the plan JSON's ``alone`` list."""
        return {"id": self.id, "status": self.status.value, "cost": self.cost, "lead_time": self.lead_time}


@dataclass(frozen=True, slots=True)
class PlanExplanation:
    """Why no plan exists.

    Attributes:
        summary: One sentence.
        conflict: Ids of a set of entries that cannot be planned together, in file order.
        smallest: Whether ``conflict`` is proven of the smallest size (else it is irreducible:
            every entry of it is needed, but a smaller set elsewhere was not ruled out).
        alone: Each entry's status alone (``optimal``/``feasible``: it can be planned alone).
        extra_days: The fewest days added to every deadline of the conflict's entries that let
            it through (None: days do not help, or it could not be proven in time).
        extra_money: The least money added to every budget of the conflict (its entries' and
            the plan's) that lets it through (None likewise).
    """

    summary: str
    conflict: tuple[str, ...]
    smallest: bool
    alone: tuple[tuple[str, Status], ...]
    extra_days: int | None = None
    extra_money: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "summary": self.summary,
            "conflict": list(self.conflict),
            "smallest": self.smallest,
            "feasible_alone": {key: status in (Status.OPTIMAL, Status.FEASIBLE) for key, status in self.alone},
            "extra_days": self.extra_days,
            "extra_money": self.extra_money,
        }


@dataclass(frozen=True)
class Plan:
    """The answer to a plan request.

    Attributes:
        objective: The plan's objective.
        status: ``optimal`` only when proven; ``feasible``: a plan was found but not proven best;
            ``infeasible``: proven that no plan exists; ``unknown``: none found, nothing proven.
        entries: One system per entry, in file order (empty when no plan was found).
        alone: Each entry solved alone, in file order.
        explanation: Why no plan exists (status infeasible), else None.
        request: The plan request as plain data, so ``modcluster verify`` can check a plan file alone.
        bound: When the time limit stopped the proof, a proven lower bound of the objective's
            first quantity (money for ``cost`` and ``weighted``, days for ``lead_time``).
        stats: Solver figures kept out of the JSON.
    """

    objective: str
    status: Status
    entries: tuple[PlannedEntry, ...]
    alone: tuple[AloneResult, ...]
    explanation: PlanExplanation | None = None
    request: dict[str, Any] | None = None
    bound: Decimal | int | None = None
    stats: dict[str, Any] = field(default_factory=FrozenDict, compare=False)

    def __post_init__(self) -> None:
        if self.request is not None:
            object.__setattr__(self, "request", freeze(self.request))
        object.__setattr__(self, "stats", freeze(self.stats))

    @property
    def total_cost(self) -> Decimal | None:
        """The sum of the entries' costs (each with the onboarding it pays); None without a plan."""
        return sum((e.system.cost for e in self.entries), Decimal("0.00")) if self.entries else None

    @property
    def total_lead_time(self) -> int | None:
        """The sum of the entries' lead times (each counted from day 0); None without a plan."""
        return sum(e.system.lead_time for e in self.entries) if self.entries else None

    @property
    def makespan(self) -> int | None:
        """The last day any entry's integration ends; None without a plan."""
        return max(e.system.lead_time for e in self.entries) if self.entries else None

    def tasks(self) -> list[PlanTask]:
        """Every task of the plan, entry by entry."""
        return [task for entry in self.entries for task in entry.tasks()]

    @property
    def price_of_sharing(self) -> dict[str, Any] | None:
        """Plan totals minus the entries' alone figures, when every entry has both (negative: sharing helps)."""
        if not self.entries or any(a.cost is None or a.lead_time is None for a in self.alone):
            return None
        alone_cost = sum((a.cost for a in self.alone if a.cost is not None), Decimal("0.00"))
        alone_lead = sum(a.lead_time for a in self.alone if a.lead_time is not None)
        assert self.total_cost is not None and self.total_lead_time is not None
        return {"cost": self.total_cost - alone_cost, "lead_time": self.total_lead_time - alone_lead}

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON (``modcluster/plan/1``) as Python data, a fresh copy on every call."""
        data: dict[str, Any] = {
            "schema": PLAN_SCHEMA,
            "objective": self.objective,
            "status": self.status.value,
            "total_cost": self.total_cost,
            "total_lead_time": self.total_lead_time,
            "makespan": self.makespan,
            "entries": [e.to_dict() for e in self.entries],
            "alone": [a.to_dict() for a in self.alone],
            "price_of_sharing": self.price_of_sharing,
            "explanation": None if self.explanation is None else self.explanation.to_dict(),
        }
        cal = calendar_of(self.request)
        if cal is not None:
            for entry in data["entries"]:
                entry["system"] = annotate_candidate(entry["system"], cal)
        if self.bound is not None:
            data["bound"] = self.bound
        if self.request is not None:
            data["request"] = thaw(self.request)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """The plan JSON text; the same plan always gives the same bytes."""
        return dumps(self.to_dict(), indent=indent)
