"""Sweep files: a base request plus variations (a grid and/or named scenarios).

A sweep file is YAML, JSON or TOML::

    schema: modcluster/sweep/1
    base: {candidates: 1, time_limit: 5}          # request fields shared by every scenario
    grid:                                         # every combination of these lists
      product: all                                # or a list of product ids
      quantity: [50, 200, 1000]
      budget: [8000, 16000, null]                 # null: the base's (or product's) value
      exclude: [[], hachioji-5axis, sagami-plating]
      policies: [true, false]                     # v1.1: with and without the cities' policies
    scenarios:                                    # explicit, named scenarios
      - {name: star-tracker-rush, product: cubesat-star-tracker, deadline: 60, objective: lead_time}

``grid`` may also be a list of grids; the scenarios of the sweep are the
points of every grid followed by the named scenarios, each built by
:func:`modcluster.io.build_request` from the product's default request, then
``base``, then the variation. :func:`plan` turns a spec into
:class:`Scenario` objects with stable ids and fingerprints.

A sweep file with a ``plan:`` key is a *plan sweep*: every scenario is a
variation of that plan (see :mod:`modcluster.sweep.plans`).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from modcluster.domain import (
    Catalog,
    Count,
    Days,
    FrozenModel,
    Id,
    Key,
    Money,
    Objective,
    Positive,
    PositiveDecimal,
    Request,
    RequestLayer,
    Text,
    dumps,
    normal_id,
    render_path,
    type_name,
)
from modcluster.errors import InputError, Issue, RequestError, ValidationError
from modcluster.io import Document, build_request, load_document, validate_model

if TYPE_CHECKING:
    from modcluster.sweep.plans import PlanSweep

__all__ = [
    "MAX_SCENARIOS",
    "SWEEP_SCHEMA",
    "VARIATION_KEYS",
    "Grid",
    "NamedScenario",
    "PartialWeights",
    "Scenario",
    "SweepSpec",
    "build_scenario_request",
    "canonical_json",
    "catalog_fingerprint",
    "check_scenario_count",
    "digest",
    "load_sweep",
    "plain",
    "plan",
    "scenario_count",
    "sweep_from_data",
]

SWEEP_SCHEMA: Literal["modcluster/sweep/1"] = "modcluster/sweep/1"

#: The request fields a variation may set, in the order scenario ids name them.
VARIATION_KEYS = (
    "product",
    "quantity",
    "budget",
    "deadline",
    "max_partners",
    "objective",
    "weights",
    "sites",
    "exclude",
    "require",
    "hub",
    "candidates",
    "time_limit",
    "people",
    "policies",
)
_LIMITS = ("budget", "deadline", "max_partners")
#: Most scenarios one sweep may have: each is planned in memory (about 2 KB) before any is solved.
MAX_SCENARIOS = 100_000

ScenarioName = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\r\n]*$"), AfterValidator(normal_id)
]


def _one_or_many(value: Any) -> Any:
    """Let a list axis entry be a single id: ``hachioji-5axis`` means ``[hachioji-5axis]``."""
    return [value] if isinstance(value, str) else value


def _non_empty(value: tuple[Any, ...]) -> tuple[Any, ...]:
    """Refuse an empty list (checked after the items, so a bad item is reported alone)."""
    if not value:
        raise ValueError("must not be empty")
    return value


T = TypeVar("T")
#: A grid axis: a non-empty list of values.
Axis = Annotated[tuple[T, ...], AfterValidator(_non_empty)]


def _listed(value: Any) -> Any:
    """Let ``grid`` be one mapping as well as a list of them."""
    return [value] if isinstance(value, Mapping) else value


# json_schema_input_type: what the JSON Schema (modcluster schema sweep) accepts, as the before-validator does.
IdList = Annotated[tuple[Id, ...], BeforeValidator(_one_or_many, json_schema_input_type=Id | list[Id])]
Sites = Annotated[
    tuple[Id, ...],
    BeforeValidator(_one_or_many, json_schema_input_type=Id | Annotated[list[Id], Field(min_length=1)]),
    AfterValidator(_non_empty),
]


class PartialWeights(FrozenModel):
    """Weights of the ``weighted`` objective; a key left out keeps the base's value."""

    cost: Money | None = None
    lead_time: Money | None = None


class NamedScenario(FrozenModel):
    """One explicit scenario: its name and the request fields it changes."""

    name: ScenarioName
    product: Id | None = None
    quantity: Count | None = None
    budget: Money | None = None
    deadline: Days | None = None
    max_partners: Count | None = None
    objective: Objective | None = None
    weights: PartialWeights | None = None
    sites: Sites | None = None
    exclude: IdList | None = None
    require: IdList | None = None
    hub: Id | None = None
    candidates: Positive | None = None
    time_limit: PositiveDecimal | None = None
    people: bool | None = None
    policies: bool | None = None


class Grid(FrozenModel):
    """Lists of values; the scenarios are every combination. ``null`` in a list leaves the field as the base has it."""

    product: Literal["all"] | Axis[Id] | None = None
    quantity: Axis[Count | None] | None = None
    budget: Axis[Money | None] | None = None
    deadline: Axis[Days | None] | None = None
    max_partners: Axis[Count | None] | None = None
    objective: Axis[Objective | None] | None = None
    weights: Axis[PartialWeights | None] | None = None
    sites: Axis[Sites | None] | None = None
    exclude: Axis[IdList | None] | None = None
    require: Axis[IdList | None] | None = None
    hub: Axis[Id | None] | None = None
    candidates: Axis[Positive | None] | None = None
    time_limit: Axis[PositiveDecimal | None] | None = None
    people: Axis[bool | None] | None = None  # v1.1: with and without placements
    policies: Axis[bool | None] | None = None  # v1.1: with and without the cities' policies


class SweepSpec(FrozenModel):
    """A sweep: a base request, grids and named scenarios."""

    schema_: Annotated[Literal["modcluster/sweep/1"], Field(alias="schema")] = SWEEP_SCHEMA
    name: Text | None = None
    base: RequestLayer = Field(default_factory=RequestLayer)
    grid: Annotated[tuple[Grid, ...], BeforeValidator(_listed, json_schema_input_type=Grid | list[Grid])] = ()
    scenarios: tuple[NamedScenario, ...] = ()

    _source: Document | None = PrivateAttr(default=None)
    _plan: Any = PrivateAttr(default=None)  # a PlanSweep, for a sweep file with `plan:`

    @model_validator(mode="after")
    def _not_empty(self) -> SweepSpec:
        if not self.grids and not self.scenarios:
            raise ValueError("the sweep has no scenarios: give a grid, scenarios, or both")
        return self

    @property
    def grids(self) -> tuple[Grid, ...]:
        """The grids (a file may give one mapping or a list of them)."""
        return self.grid

    @property
    def source(self) -> Document | None:
        """The document the spec was read from (for error positions), if any."""
        return self._source

    @property
    def plan_sweep(self) -> PlanSweep | None:
        """For a sweep file with ``plan:``, the plan and its variations (every scenario is a plan); else ``None``.

        A plan sweep's ``base``, ``grid`` and ``scenarios`` are held there; the fields above stay empty.
        """
        sweep: PlanSweep | None = self._plan
        return sweep


def sweep_from_data(data: Mapping[str, Any] | Document, file: str | None = None) -> SweepSpec:
    """Validate a sweep given as plain data (or a :class:`Document`).

    A sweep with a ``plan:`` key is a plan sweep (:func:`modcluster.sweep.plans.plan_sweep_from_data`).

    Raises:
        ValidationError: A key, type or value is wrong (with line and column for files);
            two named scenarios share a name.
    """
    doc = data if isinstance(data, Document) else Document(data, file=file)
    if file is not None and doc.file is None:
        doc = doc.with_file(file)
    if not isinstance(doc.data, Mapping):
        raise ValidationError(f"a sweep is a mapping, not {type_name(doc.data)}", file=doc.file)
    if "plan" in doc.data:
        from modcluster.sweep.plans import plan_sweep_from_data

        return plan_sweep_from_data(doc)
    try:
        spec = validate_model(SweepSpec, doc)
    except ValidationError as exc:
        raise ValidationError([_entry_key_hint(issue) for issue in exc.issues], file=exc.file) from None
    seen: dict[str, int] = {}
    for index, scenario in enumerate(spec.scenarios):
        if scenario.name in seen:
            raise ValidationError(
                doc.issue(
                    ("scenarios", index, "name"),
                    f"duplicate scenario name {scenario.name!r} (first at scenarios[{seen[scenario.name]}])",
                ),
                file=doc.file,
            )
        seen[scenario.name] = index
    spec._source = doc
    return spec


def _entry_key_hint(issue: Issue) -> Issue:
    """Say that an ``ENTRY_ID.KEY`` variation needs a plan, where a request sweep refuses one."""
    if not re.fullmatch(r"(grid(\[\d+\])?|scenarios\[\d+\])\..+\..+", issue.path):
        return issue
    if not issue.message.startswith("extra key "):
        return issue
    hint = "; ENTRY_ID.KEY varies an entry of a plan: add `plan:` (a plan file) to sweep plans"
    return Issue(issue.path, issue.message + hint, issue.line, issue.column)


def load_sweep(path: str | os.PathLike[str]) -> SweepSpec:
    """Read and validate a sweep file (YAML, JSON or TOML, by suffix).

    Raises:
        InputError: The file cannot be read, or is not a valid sweep (located errors).
    """
    return sweep_from_data(load_document(path))


# --------------------------------------------------------------------------- plain data and digests


def plain(value: Any) -> Any:
    """Turn model dumps into plain data: enums to their values, tuples to lists (Decimals stay exact).

    >>> plain({"objective": Objective.COST, "sites": ("a",), "budget": Decimal("1.50")})
    {'objective': 'cost', 'sites': ['a'], 'budget': Decimal('1.50')}
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_sorted(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    """One-line JSON with sorted keys and exact, normalised numbers: equal data, equal text.

    >>> canonical_json({"b": Decimal("8000.0"), "a": [1]})
    '{"a": [1], "b": 8000}'
    """
    return dumps(_sorted(plain(value)), indent=None)


def digest(text: str, length: int = 16) -> str:
    """The first ``length`` hex digits of the SHA-256 of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scenario of a sweep, ready to be built into a request.

    Attributes:
        id: Stable id: the name of a named scenario, or ``key=value/...`` of a grid point.
        params: The variation (variation keys to plain values; ``None``: left as the base has it).
        fingerprint: Hash of the catalog, the base and the variation; a stored result
            counts as this scenario's only when both id and fingerprint match.
        place: Where the scenario comes from in the sweep file, e.g. ``("scenarios", 3)``.
        value_places: For each variation key, where its value is in the sweep file.
        kind: ``"request"`` (solved by :func:`modcluster.solve`) or ``"plan"`` (by :func:`modcluster.plan`).
    """

    id: str
    params: dict[str, Any]
    fingerprint: str
    place: tuple[Key, ...]
    value_places: dict[str, tuple[Key, ...]]
    kind: Literal["request", "plan"] = "request"

    @property
    def product(self) -> str | None:
        """The product the variation names, if it names one."""
        product = self.params.get("product")
        return product if isinstance(product, str) else None

    def overrides(self) -> dict[str, Any]:
        """The variation as a request layer for :func:`~modcluster.io.build_request` (unset fields left out)."""
        out: dict[str, Any] = {}
        limits = {key: self.params[key] for key in _LIMITS if self.params.get(key) is not None}
        if limits:
            out["limits"] = limits
        for key, value in self.params.items():
            if key in _LIMITS or key == "product" or value is None:
                continue
            out[key] = value
        return out


def _text(value: Any) -> str:
    if value is None:
        return "default"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return canonical_json(value)
    if isinstance(value, Mapping):
        return "+".join(f"{k}:{_text(v)}" for k, v in value.items() if v is not None) or "default"
    if isinstance(value, list):
        return "+".join(_text(v) for v in value) or "none"
    return str(value)


def _grid_id(params: Mapping[str, Any]) -> str:
    return "/".join(f"{key}={_text(params[key])}" for key in VARIATION_KEYS if key in params)


def _variation(model: BaseModel, keys: Sequence[str]) -> dict[str, Any]:
    data = plain(model.model_dump(mode="python", exclude_unset=True))
    return {key: data[key] for key in keys if key in data}


def plan(catalog: Catalog, spec: SweepSpec) -> list[Scenario]:
    """The scenarios of a sweep, grid points first (in list order, last key fastest), then named ones.

    Two grid points with the same values are one scenario. The fingerprint
    covers the catalog (its canonical data), the base and the variation.

    Raises:
        ValidationError: A named scenario's name equals a grid point's id, or the sweep
            has more than :data:`MAX_SCENARIOS` scenarios (refused before any is listed).
        RequestError: A plan sweep's plan does not fit the catalog.
    """
    if spec.plan_sweep is not None:
        from modcluster.sweep.plans import plan_scenarios

        return plan_scenarios(catalog, spec)
    catalog_digest = catalog_fingerprint(catalog)
    base = canonical_json(spec.base.model_dump(mode="python", by_alias=True, exclude_unset=True))
    doc = spec.source
    out: list[Scenario] = []
    seen: set[str] = set()

    def add(
        scenario_id: str, params: dict[str, Any], place: tuple[Key, ...], values: dict[str, tuple[Key, ...]]
    ) -> None:
        if scenario_id in seen:
            return
        seen.add(scenario_id)
        fingerprint = digest(canonical_json([SWEEP_SCHEMA, catalog_digest, base, params]))
        out.append(Scenario(scenario_id, params, fingerprint, place, values))

    grid_place: tuple[Key, ...] = ("grid",)
    listed = doc is None or not isinstance(doc.data, Mapping) or not isinstance(doc.data.get("grid"), Mapping)
    check_scenario_count(catalog, spec)
    for g_index, grid in enumerate(spec.grids):
        place = (*grid_place, g_index) if listed else grid_place
        axes: list[tuple[str, list[tuple[int | None, Any]]]] = []
        for key in VARIATION_KEYS:
            values = getattr(grid, key)
            if values is None:
                continue
            if key == "product" and values == "all":
                axes.append((key, [(None, p.id) for p in catalog.products]))
            else:
                dumped = [
                    v.model_dump(mode="python", exclude_unset=True) if isinstance(v, BaseModel) else v for v in values
                ]
                axes.append((key, list(enumerate(plain(dumped)))))
        for combo in itertools.product(*(values for _key, values in axes)):
            params = {key: value for (key, _values), (_i, value) in zip(axes, combo, strict=True)}
            value_places = {
                key: (*place, key) if index is None else (*place, key, index)
                for (key, _values), (index, _value) in zip(axes, combo, strict=True)
            }
            add(_grid_id(params), params, place, value_places)
    grid_ids = set(seen)
    for index, named in enumerate(spec.scenarios):
        if named.name in grid_ids:
            message = f"scenario name {named.name!r} is also the id of a grid point: choose another name"
            issue = (
                doc.issue(("scenarios", index, "name"), message) if doc else Issue(f"scenarios[{index}].name", message)
            )
            raise ValidationError(issue, file=doc.file if doc else None)
        params = _variation(named, VARIATION_KEYS)
        add(named.name, params, ("scenarios", index), {key: ("scenarios", index, key) for key in params})
    return out


def scenario_count(catalog: Catalog, spec: SweepSpec) -> int:
    """How many scenarios the sweep names at most (before equal grid points are merged), without listing them.

    >>> from modcluster.domain.catalog import Catalog
    >>> scenario_count(Catalog(), sweep_from_data({"grid": {"quantity": [1, 2, 3], "budget": [1, 2]}}))
    6
    """
    total = len(spec.scenarios) if spec.plan_sweep is None else len(spec.plan_sweep.scenarios)
    for axes in _grid_sizes(catalog, spec):
        points = 1
        for _key, size in axes:
            points *= size
        total += points
    return total


def _grid_sizes(catalog: Catalog, spec: SweepSpec) -> list[list[tuple[str, int]]]:
    """Each grid's axes and their lengths (``product: all`` counts the catalog's products)."""
    if spec.plan_sweep is not None:
        return [[(key, len(values)) for key, values in axes] for axes in spec.plan_sweep.grid_axes()]
    return [
        [
            (key, len(catalog.products) if key == "product" and values == "all" else len(values))
            for key in VARIATION_KEYS
            if (values := getattr(grid, key)) is not None
        ]
        for grid in spec.grids
    ]


def check_scenario_count(catalog: Catalog, spec: SweepSpec) -> None:
    """Refuse a sweep of more than :data:`MAX_SCENARIOS` scenarios before listing any (it could fill the memory).

    Raises:
        ValidationError: At ``grid`` in the sweep file, with the size of every grid.
    """
    total = scenario_count(catalog, spec)
    if total <= MAX_SCENARIOS:
        return
    doc = spec.source
    listed = doc is None or not isinstance(doc.data, Mapping) or not isinstance(doc.data.get("grid"), Mapping)
    sizes = []
    grid_sizes = _grid_sizes(catalog, spec)
    for index, grid_axes in enumerate(grid_sizes):
        axes = [f"{key} {size}" for key, size in grid_axes]
        sizes.append(f"grid{f'[{index}]' if listed else ''}: " + " x ".join(axes or ["1"]))
    message = (
        f"the sweep has {total:,} scenarios, more than the {MAX_SCENARIOS:,} one sweep may have "
        f"({'; '.join(sizes)}): split it into several sweeps or use fewer values"
    )
    issue = doc.issue(("grid",), message) if doc is not None and grid_sizes else Issue("grid", message)
    raise ValidationError(issue, file=doc.file if doc is not None else None)


def catalog_fingerprint(catalog: Catalog) -> str:
    """A digest of the catalog's canonical data (the same catalog in YAML, JSON or TOML gives the same one)."""
    return digest(canonical_json(catalog.model_dump(mode="python", by_alias=True)))


def build_scenario_request(catalog: Catalog, spec: SweepSpec, scenario: Scenario) -> Request:
    """Build a scenario's request: the product's default request, then ``base``, then the variation.

    Raises:
        RequestError: The request does not fit the catalog; issues point into the sweep file
            (the ``base`` entry or the variation's value) when it was read from one.
    """
    doc = spec.source
    base: Document | dict[str, Any]
    if doc is not None and isinstance(doc.data, Mapping) and "base" in doc.data:
        base = doc.child("base")
    else:
        base = spec.base.model_dump(mode="python", by_alias=True, exclude_unset=True)
    file = doc.file if doc is not None else None
    try:
        return build_request(catalog, scenario.product, base, scenario.overrides(), file=file)
    except InputError as exc:
        if doc is None:
            raise
        raise RequestError([_relocate(issue, scenario, doc) for issue in exc.issues], file=file) from None


def _relocate(issue: Issue, scenario: Scenario, doc: Document) -> Issue:
    """Point an issue about a variation's value (``exclude[0]``, ``limits.budget``) at that value in the sweep file."""
    if issue.line is not None:
        return issue
    match = re.fullmatch(r"([A-Za-z_]+)(?:\.([A-Za-z_]+))?((?:\[\d+\])*)", issue.path)
    if match is None:
        return issue
    root, sub, indexes = match.groups()
    key = sub if root == "limits" and sub else root
    tail: tuple[Key, ...] = tuple(int(i) for i in re.findall(r"\[(\d+)\]", indexes))
    if key not in scenario.value_places:
        return issue
    place = (*scenario.value_places[key], *tail)
    located = doc.issue(place, issue.message)
    return Issue(render_path(place), issue.message, located.line, located.column)
