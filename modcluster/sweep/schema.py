r"""The JSON Schema (draft 2020-12) of sweep files: request sweeps and plan sweeps (``modcluster schema sweep``).

A sweep file is one of two shapes, and the schema accepts either
(``anyOf``): a request sweep (:class:`~modcluster.sweep.SweepSpec`: ``base``
request fields, grids and named scenarios) or a plan sweep (a ``plan:`` key,
see :mod:`modcluster.sweep.plans`), whose variation keys are the plan's
(:data:`~modcluster.sweep.plans.PLAN_KEYS`) and ``ENTRY_ID.KEY`` for
:data:`~modcluster.sweep.plans.ENTRY_KEYS` (``patternProperties``: the entry
ids are the plan's, which the schema cannot know). What the schema cannot
say (an entry id the plan lacks, two scenarios of one name) the loader
reports with its line and column.

>>> schema = sweep_schema()
>>> schema["$id"], [option["$ref"] for option in schema["anyOf"]]
('urn:modcluster:schema:sweep:1', ['#/$defs/SweepSpec', '#/$defs/PlanSweepFile'])
>>> sorted(schema["$defs"]["PlanGrid"]["patternProperties"])[0]
'^.+\\.budget$'
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from modcluster.domain import FrozenModel, Objective, PlanLimits, PlanRequest, PositiveDecimal, Text
from modcluster.io.schema import type_schema
from modcluster.sweep.plans import _ENTRY_TYPES, _PLAN_TYPES
from modcluster.sweep.spec import SWEEP_SCHEMA, PartialWeights, ScenarioName, SweepSpec

__all__ = ["SWEEP_SCHEMA_ID", "sweep_schema"]

SWEEP_SCHEMA_ID = "urn:modcluster:schema:sweep:1"
#: Field names standing for ``ENTRY_ID.KEY`` in the models below, moved to ``patternProperties`` after.
_ENTRY_PREFIX = "entry__"


class PlanSweepBase(FrozenModel):
    """A plan sweep's ``base``: plan-wide fields every scenario shares."""

    limits: PlanLimits | None = None
    objective: Objective | None = None
    weights: PartialWeights | None = None
    time_limit: PositiveDecimal | None = None


def _variation_fields(column: int) -> dict[str, Any]:
    """The plan's variation keys and the ``ENTRY_ID.KEY`` stand-ins: a grid's axes (0) or a scenario's values (1)."""
    fields: dict[str, Any] = {key: (types[column] | None, None) for key, types in _PLAN_TYPES.items()}
    fields.update({_ENTRY_PREFIX + key: (types[column] | None, None) for key, types in _ENTRY_TYPES.items()})
    return fields


def _plan_sweep_model() -> type[BaseModel]:
    """A model of a plan sweep file, for its schema only (the loader checks such files in two steps)."""
    grid: Any = create_model("PlanGrid", __base__=FrozenModel, **_variation_fields(0))
    scenario: Any = create_model("PlanScenario", __base__=FrozenModel, name=(ScenarioName, ...), **_variation_fields(1))
    path = Annotated[str, Field(min_length=1, description="a plan file, relative to the sweep file")]
    schema: Any = Annotated[Literal["modcluster/sweep/1"], Field(alias="schema")]
    model: type[BaseModel] = create_model(
        "PlanSweepFile",
        __base__=FrozenModel,
        schema_=(schema, SWEEP_SCHEMA),
        name=(Text | None, None),
        plan=(path | PlanRequest, ...),
        base=(PlanSweepBase, None),
        grid=(grid | list[grid], None),
        scenarios=(list[scenario], None),
    )
    return model


def _entry_patterns(definition: dict[str, Any]) -> None:
    r"""Move the ``entry__KEY`` stand-ins of a model's schema to ``patternProperties`` ``^.+\.KEY$``."""
    properties = definition.get("properties", {})
    for name in [n for n in properties if n.startswith(_ENTRY_PREFIX)]:
        key = name.removeprefix(_ENTRY_PREFIX)
        value = properties.pop(name)
        value.pop("title", None)
        definition.setdefault("patternProperties", {})[f"^.+\\.{re.escape(key)}$"] = value


@cache
def _sweep_schema() -> dict[str, Any]:
    schema = type_schema(
        SweepSpec | _plan_sweep_model(),
        SWEEP_SCHEMA_ID,
        "modcluster sweep (schema modcluster/sweep/1)",
        "Many questions at once: a base request plus a grid of values and named scenarios, each scenario "
        "a request; or, with `plan:` (a plan file or a plan), each scenario a variation of that plan, "
        "where ENTRY_ID.KEY varies one entry of the plan.",
    )
    for name in ("PlanGrid", "PlanScenario"):
        _entry_patterns(schema["$defs"][name])
    return schema


def sweep_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a sweep file (a request sweep or a plan sweep)."""
    return copy.deepcopy(_sweep_schema())
