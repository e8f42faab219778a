"""JSON Schemas (draft 2020-12) of catalog, request and plan files, for editors and other tools.

A request file may hold the request itself or put it under a single
``request:`` key, and a plan file under a single ``plan:`` key, as the loader
accepts: the schemas accept both forms. The schema of sweep files is
:func:`modcluster.sweep.sweep_schema`, built with :func:`type_schema`.

Generated from the pydantic models, with the keys as written in files
(``schema``, ``in``) and exact decimal fields typed as JSON numbers: pydantic
would also allow strings there, which the loader refuses.

Point an editor at the schema, e.g. with the YAML language server::

    # yaml-language-server: $schema=../docs/schema/catalog.schema.json
"""

from __future__ import annotations

import copy
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from modcluster.domain import Catalog, PlanRequest, Request, values

__all__ = [
    "CATALOG_SCHEMA_ID",
    "DIALECT",
    "PLAN_REQUEST_SCHEMA_ID",
    "REQUEST_SCHEMA_ID",
    "catalog_schema",
    "plan_request_schema",
    "request_schema",
    "type_schema",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
CATALOG_SCHEMA_ID = "urn:modcluster:schema:catalog:1"
REQUEST_SCHEMA_ID = "urn:modcluster:schema:request:1"
PLAN_REQUEST_SCHEMA_ID = "urn:modcluster:schema:plan-request:1"


def _plain(value: Any) -> Any:
    """Return a JSON-ready copy of a default value, with decimals as numbers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(by_alias=True))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


#: Bounds the value validators of :mod:`modcluster.domain.values` enforce, as JSON Schema keywords.
_VALIDATOR_BOUNDS: dict[Any, dict[str, int]] = {
    values._money: {"minimum": 0},
    values._positive: {"exclusiveMinimum": 0},
    values._days: {"minimum": 0},
}
#: Pydantic leaves constraints it cannot attach (after a validator function) under their Python names.
_KEYWORDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


class _NumbersAsNumbers(GenerateJsonSchema):
    """Schema generator that types :class:`~decimal.Decimal` fields as JSON numbers."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        """Type a decimal as a JSON number (the loader reads its text exactly)."""
        out: JsonSchemaValue = {"type": "number"}
        for key, name in (("ge", "minimum"), ("gt", "exclusiveMinimum"), ("le", "maximum"), ("lt", "exclusiveMaximum")):
            bound = schema.get(key)
            if bound is not None:
                out[name] = _plain(Decimal(str(bound)))
        return out

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        """Add the bounds a known value validator enforces (money is never negative ...)."""
        out = super().function_before_schema(schema)
        function = schema.get("function", {}).get("function")
        bounds = _VALIDATOR_BOUNDS.get(function)
        if bounds and out.get("type") in {"number", "integer"}:
            out = {**out, **bounds}
        return out

    def encode_default(self, dft: Any) -> Any:
        """Defaults as they would be written in a file (decimals as numbers)."""
        return super().encode_default(_plain(dft))


def _keywords(node: Any) -> Any:
    """Rename stray ``ge``/``le``... constraints to JSON Schema keywords, everywhere in a schema."""
    if isinstance(node, list):
        return [_keywords(item) for item in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    is_number = isinstance(kind, str) and kind in {"number", "integer"}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if is_number and key in _KEYWORDS and isinstance(value, (int, float)):
            out.setdefault(_KEYWORDS[key], value)
        else:
            out[key] = _keywords(value)
    return out


def _schema(model: type[BaseModel], ident: str, title: str, description: str) -> dict[str, Any]:
    return type_schema(model, ident, title, description)


def type_schema(tp: Any, ident: str, title: str, description: str) -> dict[str, Any]:
    """The JSON Schema of a pydantic model (or any type pydantic validates), as files are written.

    Keys by alias, decimals as JSON numbers with the bounds the value
    validators enforce, under ``$schema``, ``$id``, ``title`` and ``description``.

    Args:
        tp: The model or type.
        ident: The schema's ``$id``.
        title: The schema's title.
        description: The schema's description.
    """
    adapter: TypeAdapter[Any] = TypeAdapter(tp)
    body = _keywords(adapter.json_schema(by_alias=True, mode="validation", schema_generator=_NumbersAsNumbers))
    out: dict[str, Any] = {"$schema": DIALECT, "$id": ident, "title": title, "description": description}
    out.update((k, v) for k, v in body.items() if k not in {"title", "description"})
    return out


def _wrapped(schema: dict[str, Any], wrapper: str) -> dict[str, Any]:
    """Let ``schema`` (an object) also be given under a single top-level ``wrapper:`` key, as the loader accepts.

    The object's own form keeps its keys at the top level (``properties``);
    ``wrapper`` becomes one more of them, whose value is the object itself
    (``$defs``), allowed alone only. The object's required keys are required
    only when ``wrapper`` is not given.
    """
    body = {k: v for k, v in schema.items() if k not in {"$schema", "$id", "title", "description", "$defs"}}
    defs = schema.setdefault("$defs", {})
    name = wrapper.title().replace("-", "")
    assert name not in defs, f"$defs already has {name!r}"
    defs[name] = body
    schema["properties"] = {
        **schema["properties"],
        wrapper: {"$ref": f"#/$defs/{name}", "description": f"The whole {wrapper}, under this key alone."},
    }
    alone: dict[str, Any] = {"maxProperties": 1}
    required = schema.pop("required", None)
    schema["if"] = {"required": [wrapper]}
    schema["then"] = alone
    if required:
        schema["else"] = {"required": required}
    return schema


@cache
def _catalog_schema() -> dict[str, Any]:
    return _schema(
        Catalog,
        CATALOG_SCHEMA_ID,
        "modcluster catalog (schema modcluster/1)",
        "A modular industrial cluster: organisations and their offers, the capability taxonomy, "
        "interface kinds, intermediaries, existing ties and product architectures. "
        "Money is a decimal number in the catalog's money unit; time is whole days.",
    )


@cache
def _request_schema() -> dict[str, Any]:
    schema = _schema(
        Request,
        REQUEST_SCHEMA_ID,
        "modcluster request",
        "The question put to the engine: product, quantity, limits, filters, objective, candidates. "
        "`product` may be left out when it is given on the command line or the catalog has one product.",
    )
    schema["required"] = [name for name in schema.get("required", []) if name != "product"]
    if not schema["required"]:
        del schema["required"]
    return _wrapped(schema, "request")


@cache
def _plan_request_schema() -> dict[str, Any]:
    return _wrapped(_plan_request_body(), "plan")


@cache
def _plan_request_body() -> dict[str, Any]:
    return _schema(
        PlanRequest,
        PLAN_REQUEST_SCHEMA_ID,
        "modcluster plan request (schema modcluster/plan-request/1)",
        "Several products planned at once in one cluster (contract v1.1): one system per entry, "
        "capacity shared, each tie paid once. An entry takes a request's fields except `candidates`, "
        "`objective`, `weights` and `time_limit`, plus `id` and `release`; "
        "`limits.budget` bounds the plan's total cost.",
    )


def catalog_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a catalog file.

    >>> schema = catalog_schema()
    >>> schema["properties"]["schema"]["const"], schema["$defs"]["ProcessOffer"]["properties"]["unit_cost"]["type"]
    ('modcluster/1', 'number')
    """
    return copy.deepcopy(_catalog_schema())


def request_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a request file.

    The request may also be given under a single ``request:`` key, as ``--request FILE`` accepts.

    >>> request_schema()["properties"]["limits"]["$ref"]
    '#/$defs/Limits'
    >>> request_schema()["properties"]["request"]["$ref"]
    '#/$defs/Request'
    """
    return copy.deepcopy(_request_schema())


def plan_request_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a plan file.

    The plan may also be given under a single ``plan:`` key.

    >>> schema = plan_request_schema()
    >>> schema["else"]["required"], schema["properties"]["entries"]["items"]["$ref"]
    (['entries'], '#/$defs/PlanEntry')
    >>> schema["properties"]["plan"]["$ref"], schema["$defs"]["Plan"]["required"]
    ('#/$defs/Plan', ['entries'])
    """
    return copy.deepcopy(_plan_request_schema())
