"""Frozen pydantic models of a request: the question put to the engine."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from modcluster.domain.calendars import Calendar, CalendarDate
from modcluster.domain.configuration import Selection
from modcluster.domain.frozen import FrozenDict, FrozenModel
from modcluster.domain.issues import validate_data
from modcluster.domain.values import Count, Days, Id, Money, Positive, PositiveDecimal
from modcluster.errors import RequestError

__all__ = ["Limits", "Objective", "Request", "RequestDefaults", "RuleOut", "Select", "Weights", "needs_start_date"]

#: ``select``: decision -> the value chosen (a saved configuration; frozen once validated).
Select = Annotated[dict[Id, Id], AfterValidator(FrozenDict)]
#: ``rule_out``: decision -> the values ruled out.
RuleOut = Annotated[dict[Id, tuple[Id, ...]], AfterValidator(FrozenDict)]


def needs_start_date(value: Calendar | None, info: ValidationInfo) -> Calendar | None:
    """Refuse a ``calendar`` without a ``start_date``: its days would have no dates (v1.1 "Calendars")."""
    if value is not None and "start_date" in info.data and info.data["start_date"] is None:
        raise ValueError("a calendar needs a start_date (the date of day 0)")
    return value


class Objective(StrEnum):
    """What the engine minimises; each has a fixed tie-break order."""

    COST = "cost"
    LEAD_TIME = "lead_time"
    WEIGHTED = "weighted"


class Limits(FrozenModel):
    """Hard limits: ``cost <= budget``, ``lead time <= deadline``, partner count."""

    budget: Money | None = None
    deadline: Days | None = None
    max_partners: Count | None = None


class Weights(FrozenModel):
    """Weights of the ``weighted`` objective, in money units per day for ``lead_time``."""

    cost: Money = Decimal(1)
    lead_time: Money = Decimal(0)


class RequestDefaults(FrozenModel):
    """Every request field except the product: a product's default request."""

    quantity: Count = 1
    limits: Limits = Field(default_factory=Limits)
    sites: tuple[Id, ...] | None = Field(default=None, min_length=1)
    exclude: tuple[Id, ...] = ()
    require: tuple[Id, ...] = ()
    hub: Id | None = None
    objective: Objective = Objective.COST
    weights: Weights = Field(default_factory=Weights)
    candidates: Positive = 3
    time_limit: PositiveDecimal = Decimal(10)
    people: bool = True
    policies: bool = True
    start_date: CalendarDate | None = Field(
        default=None, description="the date of day 0 (v1.1 Calendars): outputs add dates beside day numbers"
    )
    calendar: Calendar | None = Field(
        default=None, description="working weekdays, public holidays and closed days; needs start_date"
    )


class Request(RequestDefaults):
    """A request: product, quantity, limits, filters, objective, candidates, time limit.

    ``select`` and ``rule_out`` (contract extension: a saved configuration,
    see docs/configure.md) fix decisions to values and rule values out, as a
    configurator's selection does: ``select: {hub: x, modules.housing.source:
    make}``, ``rule_out: {modules.head.seed: [tama-univ/laser-01]}``. Only
    systems the selection allows are candidates.
    """

    product: Id
    select: Select = Field(default_factory=FrozenDict)
    rule_out: RuleOut = Field(default_factory=FrozenDict)

    @field_validator("calendar")
    @classmethod
    def _calendar_needs_start(cls, value: Calendar | None, info: ValidationInfo) -> Calendar | None:
        return needs_start_date(value, info)

    @property
    def selection(self) -> Selection:
        """``select`` and ``rule_out`` as a :class:`~modcluster.domain.Selection`."""
        return Selection(
            tuple(self.select.items()),
            tuple((d, v) for d, values in self.rule_out.items() for v in values),
        )

    def with_changes(self, **changes: Any) -> Request:
        """Return a copy with some fields replaced, validated again.

        Raises:
            RequestError: A changed field is invalid (one issue per problem, at the field).
        """
        data = self.model_dump(by_alias=True)
        data.update(changes)
        return validate_data(Request, data, RequestError)
