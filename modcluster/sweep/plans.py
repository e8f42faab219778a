"""Plan sweeps: a sweep file whose scenarios are plans (contract v1.1), each a variation of one plan.

A sweep file with a ``plan:`` key asks plan questions::

    plan: ../plans/tama-season.yaml        # a plan file (relative to the sweep file), or a plan mapping
    base: {time_limit: 10}                 # plan fields every scenario shares
    grid:
      star-tracker.release: [0, 20, 40]    # ENTRY_ID.KEY: a field of one entry of the plan
      laser-q1.quantity: [100, 200, 400]
      budget: [100000, 120000]             # the plan's limits.budget
    scenarios:
      - {name: laser-400-funded, laser-q1.quantity: 400, laser-q1.budget: 40000}

Every scenario is then the plan, with ``base`` and then its variation on top,
solved by :func:`modcluster.plan`. The variation keys are the plan's
(:data:`PLAN_KEYS`) and ``ENTRY_ID.KEY`` for each entry of the plan and each of
:data:`ENTRY_KEYS`; an unknown entry id or key is a located error.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from modcluster.domain import (
    Catalog,
    Count,
    Days,
    FrozenModel,
    Id,
    Key,
    Money,
    Objective,
    PlanLimits,
    PlanRequest,
    PositiveDecimal,
    Text,
    entry_requests,
    render_path,
    type_name,
)
from modcluster.domain.issues import validate_data
from modcluster.errors import InputError, Issue, RequestError, ValidationError
from modcluster.io import Document, load_document, plan_request_from_data, validate_model
from modcluster.io.validation import locate_issues
from modcluster.sweep.spec import (
    SWEEP_SCHEMA,
    VARIATION_KEYS,
    Axis,
    IdList,
    PartialWeights,
    Scenario,
    ScenarioName,
    Sites,
    SweepSpec,
    _listed,
    _text,
    canonical_json,
    catalog_fingerprint,
    check_scenario_count,
    digest,
    plain,
)

__all__ = [
    "ENTRY_KEYS",
    "PLAN_KEYS",
    "PlanSweep",
    "build_scenario_plan",
    "check_base_plan",
    "plan_scenarios",
    "plan_sweep_from_data",
]

#: The plan's own variation keys (``budget`` is the plan's ``limits.budget``).
PLAN_KEYS = ("budget", "objective", "weights", "time_limit")
#: What ``ENTRY_ID.KEY`` may vary of one entry, in the order scenario ids name them.
ENTRY_KEYS = ("quantity", "release", "budget", "deadline", "max_partners", "sites", "exclude", "require", "hub")
#: Fields of a plan's ``base``: the plan-wide fields of a plan file.
BASE_KEYS = ("limits", "objective", "weights", "time_limit")
_LIMITS = ("budget", "deadline", "max_partners")

#: Each variation key's type: (a grid's axis, a named scenario's value).
_PLAN_TYPES: dict[str, tuple[Any, Any]] = {
    "budget": (Axis[Money | None], Money | None),
    "objective": (Axis[Objective | None], Objective | None),
    "weights": (Axis[PartialWeights | None], PartialWeights | None),
    "time_limit": (Axis[PositiveDecimal | None], PositiveDecimal | None),
}
_ENTRY_TYPES: dict[str, tuple[Any, Any]] = {
    "quantity": (Axis[Count | None], Count | None),
    "release": (Axis[Days | None], Days | None),
    "budget": (Axis[Money | None], Money | None),
    "deadline": (Axis[Days | None], Days | None),
    "max_partners": (Axis[Count | None], Count | None),
    "sites": (Axis[Sites | None], Sites | None),
    "exclude": (Axis[IdList | None], IdList | None),
    "require": (Axis[IdList | None], IdList | None),
    "hub": (Axis[Id | None], Id | None),
}


class _Loose(BaseModel):
    """Keys are checked beforehand (with messages that name the plan's entries); values here."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=False)


class PlanBase(_Loose):
    """A plan sweep's ``base``: plan-wide fields every scenario shares (limits and weights merge key by key)."""

    limits: PlanLimits | None = None
    objective: Objective | None = None
    weights: PartialWeights | None = None
    time_limit: PositiveDecimal | None = None


class _PlanSweepFile(FrozenModel):
    """The top level of a plan sweep; ``plan``, the grids and the scenarios are checked against the plan after."""

    schema_: Annotated[Literal["modcluster/sweep/1"], Field(alias="schema")] = SWEEP_SCHEMA
    name: Text | None = None
    plan: Any
    base: dict[str, Any] = Field(default_factory=dict)
    grid: Annotated[tuple[dict[str, Any], ...], BeforeValidator(_listed)] = ()
    scenarios: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class PlanSweep:
    """The plan side of a sweep spec (see :attr:`SweepSpec.plan_sweep`).

    Attributes:
        request: The plan every scenario varies, as read from ``plan:``.
        document: Where the plan was read from (the plan file, or ``plan:`` of the sweep file), for errors.
        file: The plan file, when ``plan:`` names one.
        base: The ``base`` fields as plain data (only those given).
        grids: Each grid's axes, variation key to its values (plain data; ``None``: keep the plan's).
        scenarios: Each named scenario's name and variation.
        listed: ``grid`` was given as a list of grids.
    """

    request: PlanRequest
    document: Document
    file: str | None
    base: dict[str, Any]
    grids: tuple[dict[str, list[Any]], ...]
    scenarios: tuple[tuple[str, dict[str, Any]], ...]
    listed: bool

    @property
    def entry_ids(self) -> tuple[str, ...]:
        """The plan's entry ids, in plan order."""
        return tuple(entry.key for entry in self.request.entries)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every variation key, in the order scenario ids name them: each entry's (in plan order), then the plan's."""
        return (*(f"{entry}.{key}" for entry in self.entry_ids for key in ENTRY_KEYS), *PLAN_KEYS)

    def grid_axes(self) -> list[list[tuple[str, list[Any]]]]:
        """Each grid's axes in id order: ``[(key, values), ...]``."""
        return [[(key, grid[key]) for key in self.keys if key in grid] for grid in self.grids]


# --------------------------------------------------------------------------- reading


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _listing(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:12])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > 12 else "")


def _key_issue(key: Any, ids: Sequence[str]) -> str | None:
    """What is wrong with a variation key of a plan sweep, or ``None``."""
    if not isinstance(key, str):
        return f"extra key {key!r} is not allowed: a plan sweep varies {', '.join(PLAN_KEYS)} and ENTRY_ID.KEY"
    entry, dot, field = key.rpartition(".")
    if dot:
        if entry not in ids:
            return f"unknown entry {entry!r}{_hint(entry, ids)}: the plan's entries are {_listing(ids)}"
        if field not in ENTRY_KEYS:
            return f"an entry cannot vary {field!r}{_hint(field, ENTRY_KEYS)}: use {entry}.KEY for KEY in " + ", ".join(
                ENTRY_KEYS
            )
        return None
    if key in PLAN_KEYS:
        return None
    if key in VARIATION_KEYS:
        if key in ("product", "candidates"):
            why = "the products are the plan's entries" if key == "product" else "a plan has one system per entry"
            return f"{key!r} varies a single request, not a plan: {why}"
        return f"{key!r} varies a single request, not a plan: write ENTRY_ID.{key} (entries: {_listing(ids)})"
    return (
        f"extra key {key!r} is not allowed{_hint(key, PLAN_KEYS)}: a plan sweep varies "
        f"{', '.join(PLAN_KEYS)} and ENTRY_ID.KEY (entries: {_listing(ids)})"
    )


def _models(ids: Sequence[str]) -> tuple[type[BaseModel], type[BaseModel]]:
    """Pydantic models of a grid and of a named scenario of this plan (every key as an alias)."""
    grid_fields: dict[str, Any] = {}
    named_fields: dict[str, Any] = {"name": (ScenarioName, ...)}
    keys = [(key, _PLAN_TYPES[key]) for key in PLAN_KEYS] + [
        (f"{entry}.{key}", _ENTRY_TYPES[key]) for entry in ids for key in ENTRY_KEYS
    ]
    for index, (key, (axis, single)) in enumerate(keys):
        grid_fields[f"v{index}"] = (axis | None, Field(default=None, alias=key))
        named_fields[f"v{index}"] = (single, Field(default=None, alias=key))
    grid: type[BaseModel] = create_model("PlanGrid", __base__=_Loose, **grid_fields)
    named: type[BaseModel] = create_model("PlanScenario", __base__=_Loose, **named_fields)
    return grid, named


def _at(doc: Document, place: tuple[Key, ...]) -> Document:
    for key in place:
        doc = doc.child(key)
    return doc


def _plan_document(doc: Document, value: Any) -> tuple[Document, str | None]:
    """The plan's document: ``plan:`` itself (a mapping), or the file it names, relative to the sweep file."""
    if isinstance(value, Mapping):
        return doc.child("plan"), None
    if not isinstance(value, str) or not value.strip():
        got = "an empty string" if isinstance(value, str) else type_name(value)
        raise ValidationError(
            doc.issue(("plan",), f"expected a plan file's name or a plan mapping, got {got}"), file=doc.file
        )
    path = value
    if not os.path.isabs(path) and doc.file is not None:
        path = os.path.normpath(os.path.join(os.path.dirname(doc.file), path))
    try:
        return load_document(path), path
    except InputError as exc:
        if any(issue.line is not None for issue in exc.issues):
            raise  # located in the plan file
        message = "; ".join(issue.message for issue in exc.issues)
        raise ValidationError(doc.issue(("plan",), f"{path}: {message}"), file=doc.file) from None


def plan_sweep_from_data(doc: Document) -> SweepSpec:
    """Validate a sweep file with a ``plan:`` key (called by :func:`~modcluster.sweep.sweep_from_data`).

    Raises:
        InputError: ``plan:`` names a file that cannot be read.
        ValidationError: A key, type or value is wrong: in the sweep file (an unknown entry id or
            key, a request field) or in the plan (located in the plan file); two named scenarios
            share a name.
    """
    top = validate_model(_PlanSweepFile, doc)
    plan_doc, plan_file = _plan_document(doc, top.plan)
    request = plan_request_from_data(plan_doc)
    ids = [entry.key for entry in request.entries]
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for index, entry_id in enumerate(ids):
        if entry_id in first:
            where = "id" if request.entries[index].id is not None else "product"
            message = f"entry id {entry_id!r} is already used by entries[{first[entry_id]}]; give one a distinct `id`"
            issues.extend(locate_issues([Issue(f"entries[{index}].{where}", message)], plan_doc))
        first.setdefault(entry_id, index)
    if issues:
        raise ValidationError(issues, file=plan_doc.file)

    data = doc.data
    base: dict[str, Any] = {}
    if "base" in data:
        for key in top.base:
            if key in BASE_KEYS:
                continue
            if key == "entries":
                message = "the entries come from `plan:`: vary them with ENTRY_ID.KEY in the grid or scenarios"
            else:
                message = (
                    f"extra key {key!r} is not allowed{_hint(str(key), BASE_KEYS)}: a plan sweep's base holds "
                    f"plan fields ({', '.join(BASE_KEYS)})"
                )
            issues.append(doc.issue(("base", key), message, key=True))
        try:
            base = plain(validate_model(PlanBase, doc.child("base")).model_dump(mode="python", exclude_unset=True))
        except ValidationError as exc:
            issues.extend(exc.issues)

    grid_model, named_model = _models(ids)
    listed = not isinstance(data.get("grid"), Mapping)
    grids: list[dict[str, list[Any]]] = []
    for index, raw in enumerate(top.grid):
        place: tuple[Key, ...] = ("grid", index) if listed else ("grid",)
        issues.extend(doc.issue((*place, k), m, key=True) for k in raw if (m := _key_issue(k, ids)) is not None)
        try:
            grids.append(_dump(validate_model(grid_model, _at(doc, place))))
        except ValidationError as exc:
            issues.extend(exc.issues)
    named: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(top.scenarios):
        place = ("scenarios", index)
        for k in raw:
            if k != "name" and (m := _key_issue(k, ids)) is not None:
                issues.append(doc.issue((*place, k), m, key=True))
        name = raw.get("name")
        if isinstance(name, str) and name in seen:
            message = f"duplicate scenario name {name!r} (first at scenarios[{seen[name]}])"
            issues.append(doc.issue((*place, "name"), message))
        if isinstance(name, str):
            seen.setdefault(name, index)
        try:
            params = _dump(validate_model(named_model, _at(doc, place)))
        except ValidationError as exc:
            issues.extend(exc.issues)
            continue
        named.append((params.pop("name"), params))
    if issues:
        raise ValidationError(sorted(issues, key=lambda i: (i.line is None, i.line or 0, i.column or 0)), file=doc.file)
    if not top.grid and not top.scenarios:
        raise ValidationError(
            doc.issue((), "the sweep has no scenarios: give a grid, scenarios, or both"), file=doc.file
        )
    spec = SweepSpec.model_construct(schema_=top.schema_, name=top.name)
    spec._source = doc
    spec._plan = PlanSweep(request, plan_doc, plan_file, base, tuple(grids), tuple(named), listed)
    return spec


def _dump(model: BaseModel) -> dict[str, Any]:
    """A validated grid or scenario as plain data by key (given keys only; ``null`` kept)."""
    data: dict[str, Any] = plain(model.model_dump(mode="python", by_alias=True, exclude_unset=True))
    return data


# --------------------------------------------------------------------------- scenarios


def _plan_sweep(spec: SweepSpec) -> PlanSweep:
    sweep = spec.plan_sweep
    if sweep is None:
        raise TypeError("not a plan sweep (the sweep file has no `plan:`)")
    return sweep


def check_base_plan(catalog: Catalog, spec: SweepSpec) -> None:
    """Check the sweep's plan against the catalog (its products, organisations, entry ids).

    Raises:
        RequestError: Located in the plan file (or the sweep file's ``plan:``).
    """
    sweep = _plan_sweep(spec)
    try:
        entry_requests(catalog, sweep.request)
    except RequestError as exc:
        raise RequestError(locate_issues(exc.issues, sweep.document), file=sweep.document.file) from None


def plan_scenarios(catalog: Catalog, spec: SweepSpec) -> list[Scenario]:
    """The scenarios of a plan sweep: grid points first (in list order, last key fastest), then named ones.

    The fingerprint covers the catalog, the plan, ``base`` and the variation.

    Raises:
        RequestError: The plan does not fit the catalog (located in the plan).
        ValidationError: A named scenario's name equals a grid point's id, or there are too many scenarios.
    """
    sweep = _plan_sweep(spec)
    check_scenario_count(catalog, spec)
    check_base_plan(catalog, spec)
    doc = spec.source
    base = canonical_json([sweep.request.model_dump(mode="python", by_alias=True, exclude_unset=True), sweep.base])
    prefix = [SWEEP_SCHEMA, "plan", catalog_fingerprint(catalog), base]
    out: list[Scenario] = []
    seen: set[str] = set()

    def add(
        scenario_id: str, params: dict[str, Any], place: tuple[Key, ...], values: dict[str, tuple[Key, ...]]
    ) -> None:
        if scenario_id in seen:
            return
        seen.add(scenario_id)
        out.append(Scenario(scenario_id, params, digest(canonical_json([*prefix, params])), place, values, "plan"))

    for index, axes in enumerate(sweep.grid_axes()):
        place: tuple[Key, ...] = ("grid", index) if sweep.listed else ("grid",)
        choices = [list(enumerate(values)) for _key, values in axes]
        for combo in itertools.product(*choices):
            params = {key: value for (key, _v), (_i, value) in zip(axes, combo, strict=True)}
            places = {key: (*place, key, i) for (key, _v), (i, _value) in zip(axes, combo, strict=True)}
            add("/".join(f"{key}={_text(value)}" for key, value in params.items()), params, place, places)
    grid_ids = set(seen)
    for index, (name, params) in enumerate(sweep.scenarios):
        if name in grid_ids:
            message = f"scenario name {name!r} is also the id of a grid point: choose another name"
            issue = (
                doc.issue(("scenarios", index, "name"), message) if doc else Issue(f"scenarios[{index}].name", message)
            )
            raise ValidationError(issue, file=doc.file if doc else None)
        ordered = {key: params[key] for key in sweep.keys if key in params}
        add(name, ordered, ("scenarios", index), {key: ("scenarios", index, key) for key in ordered})
    return out


def _layer(data: dict[str, Any], layer: Mapping[str, Any]) -> None:
    """Put plan-wide fields on a plan's data: limits and weights merge key by key, the rest replace."""
    for key, value in layer.items():
        if value is None:
            continue
        if key in ("limits", "weights"):
            data[key] = {**(data.get(key) or {}), **{k: v for k, v in value.items() if v is not None}}
        else:
            data[key] = value


def build_scenario_plan(catalog: Catalog, spec: SweepSpec, scenario: Scenario) -> PlanRequest:
    """A scenario's plan: the sweep's plan, then ``base``, then the variation, every entry's fields made explicit.

    Each entry is written out as it is solved (its product's default request in
    the catalog, then its own fields), so the request recorded with a result is
    the effective one.

    Raises:
        RequestError: The plan does not fit the catalog; an issue about a variation's value
            points at it in the sweep file, others into the plan.
    """
    sweep = _plan_sweep(spec)
    data: dict[str, Any] = plain(sweep.request.model_dump(mode="python", by_alias=True, exclude_unset=True))
    _layer(data, sweep.base)
    entries: list[dict[str, Any]] = data["entries"]
    position = {entry_id: index for index, entry_id in enumerate(sweep.entry_ids)}
    for key, value in scenario.params.items():
        if value is None:
            continue
        entry_id, dot, field = key.rpartition(".")
        if dot:
            entry = entries[position[entry_id]]
            if field in _LIMITS:
                entry["limits"] = {**(entry.get("limits") or {}), field: value}
            else:
                entry[field] = value
        elif key == "budget":
            _layer(data, {"limits": {"budget": value}})
        else:
            _layer(data, {key: value})
    try:
        request = validate_data(PlanRequest, data, RequestError)
        alone = entry_requests(catalog, request)
    except RequestError as exc:
        raise _relocated(exc, scenario, spec, sweep) from None
    resolved = [
        {
            "id": entry.key,
            "product": req.product,
            "release": entry.release,
            "quantity": req.quantity,
            "limits": req.limits.model_dump(mode="python", exclude_none=True),
            "sites": req.sites,
            "exclude": req.exclude,
            "require": req.require,
            "hub": req.hub,
        }
        for entry, req in zip(request.entries, alone, strict=True)
    ]
    return request.with_changes(entries=resolved)


_ENTRY_PATH = re.compile(r"entries\[(\d+)\]\.([A-Za-z_]+)(?:\.([A-Za-z_]+))?((?:\[\d+\])*)")
_PLAN_PATH = re.compile(r"([A-Za-z_]+)(?:\.([A-Za-z_]+))?((?:\[\d+\])*)")


def _relocated(exc: RequestError, scenario: Scenario, spec: SweepSpec, sweep: PlanSweep) -> RequestError:
    """Point each issue at the variation's value in the sweep file when it is about one, else into the plan."""
    doc = spec.source
    in_sweep: list[Issue] = []
    in_plan: list[Issue] = []
    for issue in exc.issues:
        key: str | None = None
        tail = ""
        if match := _ENTRY_PATH.fullmatch(issue.path):
            index, field, sub, tail = match.groups()
            if int(index) < len(sweep.entry_ids):
                key = f"{sweep.entry_ids[int(index)]}.{sub if field == 'limits' and sub else field}"
        elif match := _PLAN_PATH.fullmatch(issue.path):
            root, sub, tail = match.groups()
            key = "budget" if root == "limits" and sub == "budget" else root
        if doc is not None and key is not None and key in scenario.value_places:
            place = (*scenario.value_places[key], *(int(i) for i in re.findall(r"\[(\d+)\]", tail)))
            located = doc.issue(place, issue.message)
            in_sweep.append(Issue(render_path(place), issue.message, located.line, located.column))
        else:
            in_plan.append(issue)
    if not in_sweep:
        return RequestError(locate_issues(in_plan, sweep.document), file=sweep.document.file)
    where = sweep.file or (doc.file if doc is not None else None)
    others = [Issue(i.path, f"{i.message} (in the plan{f', {where}' if where else ''})") for i in in_plan]
    return RequestError([*in_sweep, *others], file=doc.file if doc is not None else None)
