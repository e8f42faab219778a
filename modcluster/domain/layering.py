"""Request defaulting: the request to solve, layered from the catalog and overrides.

The bottom layer is the contract's defaults, the field defaults of
:class:`~modcluster.domain.request.RequestDefaults` (quantity 1, objective
``cost``, weights cost 1 and lead time 0, 3 candidates, a 10 s time limit).
On it, each overriding the one before: the product's default request in the
catalog (``products[i].request``), then any further layers (a request file's
fields, then overrides such as command-line flags). ``limits`` and ``weights``
are merged key by key; every other field is replaced as a whole.

:func:`default_request` builds a request from a catalog alone (what the
analyses use); :func:`modcluster.io.build_request` adds a request file's layer,
with its problems located in the file, from the same pieces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modcluster.domain.catalog import Catalog
from modcluster.domain.checks import MAX_LISTED, check_request, known_ids
from modcluster.domain.issues import validate_data
from modcluster.domain.request import Request, RequestDefaults, RuleOut, Select
from modcluster.domain.values import Id
from modcluster.errors import Issue, RequestError

__all__ = [
    "OVERRIDES",
    "RequestLayer",
    "choose_product",
    "default_request",
    "layered_request",
    "override_layer",
    "unknown_product",
]

#: Where problems in overrides are said to be (they come from no file).
OVERRIDES = "request overrides (flags)"

#: Request fields that are mappings whose keys are merged one by one across layers.
_MERGED = ("limits", "weights")


class RequestLayer(RequestDefaults):
    """One layer of a request: every field optional, the product too."""

    product: Id | None = None
    select: Select | None = None
    rule_out: RuleOut | None = None


def default_request(
    catalog: Catalog, product: str | None = None, overrides: Mapping[str, Any] | None = None
) -> Request:
    """The request for ``product``: its default request in the catalog, then ``overrides``.

    >>> from modcluster import load_catalog
    >>> catalog = load_catalog("catalogs/examples/mini.yaml")
    >>> request = default_request(catalog, overrides={"limits": {"deadline": 60}})
    >>> request.product, request.quantity, request.candidates, request.limits.deadline
    ('mini-sensor', 100, 3, 60)

    (the only product; quantity 100 from its default request, 3 candidates from the contract.)

    Args:
        catalog: A checked catalog.
        product: The product id; else the overrides' ``product``, else the catalog's only product.
        overrides: Request fields over the product's default request (``None`` values count as not given).

    Raises:
        RequestError: No product can be chosen, an override is invalid, or the
            request names something the catalog lacks.
    """
    layer = override_layer(overrides)
    chosen = choose_product(catalog, product or layer.get("product"))
    issue = unknown_product(catalog, chosen)
    if issue is not None:
        raise RequestError([issue])
    return check_request(catalog, layered_request(catalog, chosen, layer))


def override_layer(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields ``overrides`` gives, validated as a request layer (``None`` values count as not given).

    Raises:
        RequestError: A key, type or value is wrong (said to be in :data:`OVERRIDES`).
    """
    if not overrides:
        return {}
    layer = validate_data(RequestLayer, _drop_none(overrides), RequestError, file=OVERRIDES)
    return layer.model_dump(by_alias=True, exclude_unset=True)


def choose_product(catalog: Catalog, product: str | None, *, file: str | None = None) -> str:
    """``product`` when given, else the catalog's only product.

    Raises:
        RequestError: No product given and the catalog has none or several (with ``file``).
    """
    if product is not None:
        return product
    if len(catalog.products) != 1:
        ids = [p.id for p in catalog.products]
        known = f"name one of {', '.join(ids) or 'none'}" if len(ids) <= MAX_LISTED else f"name one ({known_ids(ids)})"
        raise RequestError(
            Issue("product", f"no product given and the catalog has {len(catalog.products):,}: {known}"),
            file=file,
        )
    return catalog.products[0].id


def unknown_product(catalog: Catalog, product: str) -> Issue | None:
    """The issue of a product the catalog does not have, else ``None``."""
    if product in catalog.product_by_id:
        return None
    return Issue("product", f"unknown product {product!r} ({known_ids([p.id for p in catalog.products], product)})")


def layered_request(catalog: Catalog, product: str, *layers: Mapping[str, Any], file: str | None = None) -> Request:
    """The product's default request with ``layers`` on top, validated but not yet checked against the catalog.

    Raises:
        RequestError: The merged request has a wrong value (with ``file``).
    """
    defaults = catalog.product_by_id[product].request
    merged = defaults.model_dump(by_alias=True, exclude_unset=True) if defaults else {}
    for layer in layers:
        merged = _merge(merged, layer)
    merged["product"] = product
    return validate_data(Request, merged, RequestError, file=file)


def _drop_none(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        out[key] = _drop_none(value) if isinstance(value, Mapping) else value
    return out


def _merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if key in _MERGED and isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out
