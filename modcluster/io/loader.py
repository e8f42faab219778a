"""Load catalogs and requests from YAML, JSON or TOML files, with located errors.

Every problem is raised as a subclass of :class:`~modcluster.errors.InputError`
naming the file, the path in the document (``organizations[3].processes[0].unit_cost``)
and, for YAML and JSON, the line and column:

- :class:`~modcluster.errors.ParseError`: the file cannot be read as data
  (encoding, syntax, size, duplicate keys, NaN, nesting, alias bombs);
- :class:`~modcluster.errors.ValidationError`: wrong shape, type or value;
- :class:`~modcluster.errors.CrossReferenceError`: duplicate ids, dangling
  references, a cycle in the taxonomy;
- :class:`~modcluster.errors.RequestError`: the request (or plan) does not fit the catalog.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from modcluster.domain import (
    PLAN_REQUEST_SCHEMA,
    Catalog,
    PlanRequest,
    Request,
    RequestLayer,
    check_catalog,
    check_plan_request,
    check_request,
    choose_product,
    layered_request,
    override_layer,
    unknown_product,
)
from modcluster.errors import CrossReferenceError, Issue, ParseError, RequestError, ValidationError
from modcluster.io.document import (
    MAX_FILE_BYTES,
    MAX_TEXT_FORMAT_BYTES,
    Document,
    decode_text,
    paused_gc,
    read_bytes,
    type_name,
)
from modcluster.io.json_reader import read_json
from modcluster.io.toml_reader import read_toml
from modcluster.io.validation import locate_issues, validate_model
from modcluster.io.yaml_reader import read_yaml

__all__ = [
    "SUFFIXES",
    "build_request",
    "catalog_from_data",
    "load_catalog",
    "load_document",
    "load_plan_request",
    "load_request",
    "load_request_document",
    "parse_document",
    "plan_request_from_data",
    "request_from_data",
]

_READERS = {"yaml": read_yaml, "json": read_json, "toml": read_toml}

#: File suffixes read, and the format of each.
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}


def load_document(path: str | os.PathLike[str], *, require_mapping: bool = True) -> Document:
    """Read a YAML, JSON or TOML file (chosen by its suffix) into a :class:`Document`.

    Args:
        path: The file.
        require_mapping: Refuse a document whose top level is not a mapping. With
            ``False``, a top-level list is accepted too (e.g. several solutions).

    Raises:
        InputError: The file cannot be opened or read.
        ParseError: Unknown suffix, too large, not UTF-8, empty, a syntax error,
            or any of the refusals of the readers.
    """
    name = os.fspath(path)
    fmt = SUFFIXES.get(os.path.splitext(name)[1].lower())
    if fmt is None:
        supported = ", ".join(SUFFIXES)
        raise ParseError(f"unknown file type: name the file with one of the suffixes {supported}", file=name)
    limit = MAX_FILE_BYTES if fmt == "json" else MAX_TEXT_FORMAT_BYTES
    text = decode_text(read_bytes(name, limit=limit), name)
    return parse_document(text, fmt, file=name, require_mapping=require_mapping)


def parse_document(text: str, format: str, *, file: str | None = None, require_mapping: bool = True) -> Document:
    """Parse text already in memory as ``format`` (``"yaml"``, ``"json"`` or ``"toml"``).

    Raises:
        ParseError: As :func:`load_document`.
    """
    reader = _READERS.get(format)
    if reader is None:
        raise ValueError(f"unknown format {format!r}: use one of {', '.join(_READERS)}")
    if not text.strip():
        raise ParseError("the file is empty", file=file)
    with paused_gc():
        doc = reader(text, file)
    allowed: tuple[type, ...] = (dict,) if require_mapping else (dict, list)
    if not isinstance(doc.data, allowed):
        where = doc.locate(())
        expected = "a mapping" if require_mapping else "a mapping or a list"
        raise ParseError(
            Issue(
                "",
                f"the top level must be {expected} (key: value lines), not {type_name(doc.data)}",
                where.line if where else None,
                where.column if where else None,
            ),
            file=file,
        )
    return doc


def _as_document(data: Mapping[str, Any] | Document, file: str | None) -> Document:
    if isinstance(data, Document):
        return data.with_file(file) if file is not None and data.file is None else data
    return Document(data, file=file)


# --------------------------------------------------------------------------- catalogs


def load_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read, validate and cross-check a catalog file.

    A ``.xlsx`` workbook is read too (:mod:`modcluster.io.xlsx`): its problems are located at their cells.

    Raises:
        InputError: The file cannot be read.
        ParseError: The file is not readable data.
        ValidationError: A key, type or value is wrong.
        CrossReferenceError: A duplicate id, a dangling reference, a taxonomy cycle.
    """
    if os.path.splitext(os.fspath(path))[1].lower() == ".xlsx":
        from modcluster.io.xlsx import load_workbook_catalog

        return load_workbook_catalog(path)
    with paused_gc():  # once around reading and validating (see paused_gc)
        return catalog_from_data(load_document(path))


def catalog_from_data(data: Mapping[str, Any] | Document, file: str | None = None) -> Catalog:
    """Validate and cross-check a catalog given as plain data (or a :class:`Document`).

    Args:
        data: The catalog mapping, as it would be read from a file.
        file: A name for error messages.

    Raises:
        ValidationError: A key, type or value is wrong.
        CrossReferenceError: A duplicate id, a dangling reference, a taxonomy cycle.
    """
    doc = _as_document(data, file)
    if not isinstance(doc.data, Mapping):
        raise ValidationError(f"a catalog is a mapping, not {type_name(doc.data)}", file=doc.file)
    with paused_gc():
        catalog = validate_model(Catalog, doc)
        try:
            check_catalog(catalog, file=doc.file)
        except CrossReferenceError as exc:
            raise CrossReferenceError(locate_issues(exc.issues, doc), file=doc.file) from None
    return catalog


# --------------------------------------------------------------------------- requests


def load_request_document(path: str | os.PathLike[str]) -> Document:
    """Read a request file: a request mapping, or a mapping with a single ``request:`` key.

    The returned document's data is the request mapping; its positions still
    point into the file.

    Raises:
        InputError: As :func:`load_document`.
        ValidationError: ``request:`` is not a mapping or has company.
    """
    return _unwrap_request(load_document(path))


def _unwrap_request(doc: Document) -> Document:
    return _unwrap(doc, "request", "a request")


def _unwrap(doc: Document, wrapper: str, what: str) -> Document:
    """The mapping under a single top-level ``wrapper:`` key, else the document itself."""
    data = doc.data
    if not isinstance(data, Mapping):
        raise ValidationError(doc.issue((), f"{what} is a mapping, not {type_name(data)}"), file=doc.file)
    if wrapper not in data:
        return doc
    others = [key for key in data if key != wrapper]
    if others:
        raise ValidationError(
            doc.issue((others[0],), f"extra key {others[0]!r} is not allowed beside {wrapper!r}", key=True),
            file=doc.file,
        )
    if not isinstance(data[wrapper], Mapping):
        raise ValidationError(
            doc.issue((wrapper,), f"expected a mapping, got {type_name(data[wrapper])}"), file=doc.file
        )
    return doc.child(wrapper)


def load_request(path: str | os.PathLike[str]) -> Request:
    """Read and validate a complete request file (it must name its ``product``).

    Raises:
        InputError: As :func:`load_document`.
        ValidationError: A key, type or value is wrong, or ``product`` is missing.
    """
    return request_from_data(load_request_document(path))


def request_from_data(data: Mapping[str, Any] | Document, file: str | None = None) -> Request:
    """Validate a complete request given as plain data (or a :class:`Document`).

    A mapping with a single ``request:`` key is unwrapped. No catalog is
    consulted: see :func:`build_request` for that.

    Raises:
        ValidationError: A key, type or value is wrong, or ``product`` is missing.
    """
    return validate_model(Request, _unwrap_request(_as_document(data, file)))


def build_request(
    catalog: Catalog,
    product: str | None = None,
    file_data: Mapping[str, Any] | Document | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    file: str | None = None,
) -> Request:
    """Build the request to solve from the catalog's defaults, a request file and overrides.

    Layers, each overriding the one before: the product's default request in
    the catalog (``products[i].request``), then the request file's fields, then
    ``overrides`` (e.g. command-line flags; ``None`` values count as not given).
    ``limits`` and ``weights`` are merged key by key; every other field is
    replaced as a whole. The product is ``product``, else the overrides' or the
    file's ``product``, else the catalog's only product. Without a file this is
    :func:`modcluster.domain.default_request`; the layering is the domain's
    (:mod:`modcluster.domain.layering`), the file's problems are located here.

    Args:
        catalog: A checked catalog.
        product: The product id, if chosen by the caller.
        file_data: The request file's mapping (or its :class:`Document`, which gives lines).
        overrides: Request fields that take precedence over everything else.
        file: The request file's name, for error messages.

    Raises:
        ValidationError: The request file has a wrong key, type or value.
        RequestError: No product can be chosen, an override is invalid, or the
            request names something the catalog lacks.
    """
    doc: Document | None = None
    from_file: dict[str, Any] = {}
    if file_data is not None:
        doc = _unwrap_request(_as_document(file_data, file))
        file = doc.file
        from_file = validate_model(RequestLayer, doc).model_dump(by_alias=True, exclude_unset=True)
    from_overrides = override_layer(overrides)
    chosen = choose_product(catalog, product or from_overrides.get("product") or from_file.get("product"), file=file)
    issue = unknown_product(catalog, chosen)
    if issue is not None:
        in_file = doc is not None and chosen == from_file.get("product")
        raise RequestError(locate_issues([issue], doc) if in_file and doc else [issue], file=file if in_file else None)
    request = layered_request(catalog, chosen, from_file, from_overrides, file=file)
    try:
        return check_request(catalog, request, file=file)
    except RequestError as exc:
        if doc is None:
            raise
        issues = [
            locate_issues([issue], doc)[0]
            if issue.path
            and issue.path.split("[")[0].split(".")[0] in from_file
            and issue.path.split("[")[0].split(".")[0] not in from_overrides
            else issue
            for issue in exc.issues
        ]
        raise RequestError(issues, file=file) from None


# --------------------------------------------------------------------------- plans


def load_plan_request(path: str | os.PathLike[str], catalog: Catalog | None = None) -> PlanRequest:
    """Read and validate a plan file (``schema: modcluster/plan-request/1``, contract v1.1).

    The file is a plan mapping, or a mapping with a single ``plan:`` key.

    Args:
        path: The plan file (YAML, JSON or TOML, by suffix).
        catalog: When given, the plan is checked against it (:func:`~modcluster.domain.check_plan_request`)
            and each problem is located in the file.

    Raises:
        InputError: As :func:`load_document`.
        ValidationError: A key, type or value is wrong.
        RequestError: With ``catalog``: an entry names what the catalog lacks, or two entries share an id.
    """
    return plan_request_from_data(load_document(path), catalog=catalog)


def plan_request_from_data(
    data: Mapping[str, Any] | Document, file: str | None = None, catalog: Catalog | None = None
) -> PlanRequest:
    """Validate a plan request given as plain data (or a :class:`Document`).

    A mapping with a single ``plan:`` key is unwrapped. Entries are not merged
    with the catalog's default requests here: see
    :func:`~modcluster.domain.entry_requests` for that.

    Args:
        data: The plan mapping, as it would be read from a file.
        file: A name for error messages.
        catalog: When given, check the plan against it, locating each problem in ``data``.

    Raises:
        ValidationError: A key, type or value is wrong (e.g. ``schema`` is not
            ``modcluster/plan-request/1``, or ``entries`` is empty).
        RequestError: With ``catalog``: an entry names what the catalog lacks, or two entries share an id.
    """
    doc = _unwrap(_as_document(data, file), "plan", "a plan")
    schema = doc.data.get("schema")
    if schema is not None and schema != PLAN_REQUEST_SCHEMA:
        message = f"expected {PLAN_REQUEST_SCHEMA!r}, got {schema!r}: a plan file gives that schema or none"
        raise ValidationError(doc.issue(("schema",), message), file=doc.file)
    plan = validate_model(PlanRequest, doc)
    if catalog is not None:
        try:
            check_plan_request(catalog, plan, file=doc.file)
        except RequestError as exc:
            raise RequestError(locate_issues(exc.issues, doc), file=doc.file) from None
    return plan
