"""Validate a document against a pydantic model and report problems in the file's terms.

Pydantic's errors are turned into :class:`~modcluster.errors.Issue` objects:
the path as the user wrote it (``organizations[3].processes[0].unit_cost``,
aliases such as ``schema`` and ``in``), a short message, and the line and
column of the value (or of the key, for a key that is not allowed).
"""

from __future__ import annotations

import difflib
import functools
import types
from collections.abc import Mapping, Sequence, Sized
from inspect import isclass
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

from modcluster.errors import InputError, Issue, ValidationError
from modcluster.io.document import Document, Key, Path, parse_path, type_name

__all__ = ["issues_from_pydantic", "locate_issues", "validate_model"]

M = TypeVar("M", bound=BaseModel)


def validate_model(
    model: type[M],
    doc: Document,
    error: type[InputError] = ValidationError,
) -> M:
    """Validate ``doc.data`` as ``model``.

    Args:
        model: The pydantic model class.
        doc: The document (its positions are used for the issues).
        error: The error class to raise.

    Raises:
        InputError: Of class ``error``, one issue per problem, with ``doc.file``.
    """
    try:
        return model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        raise error(issues_from_pydantic(exc, doc, model), file=doc.file) from None


def issues_from_pydantic(exc: pydantic.ValidationError, doc: Document, model: type[BaseModel]) -> list[Issue]:
    """Turn a pydantic error into located issues, in the order pydantic found them."""
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    errors = exc.errors(include_url=False)
    inner = [_data_path(e["loc"], doc.data, e["type"]) for e in errors]
    # Pydantic reports by field order; the file is read top to bottom.
    for err in errors:
        kind = err["type"]
        path = _data_path(err["loc"], doc.data, kind)
        if kind == "too_short" and any(len(p) > len(path) and p[: len(path)] == path for p in inner):
            continue  # "too short after validation" only echoes the failures of its items
        message = _message(err, model, path)
        issue = doc.issue(path, message, key=kind == "extra_forbidden")
        if (issue.path, issue.message) not in seen:
            seen.add((issue.path, issue.message))
            issues.append(issue)
    return sorted(issues, key=lambda i: (i.line is None, i.line or 0, i.column or 0))


def locate_issues(issues: Sequence[Issue], doc: Document) -> list[Issue]:
    """Give issues whose paths are relative to ``doc.data`` their full path, line and column."""
    out = []
    for issue in issues:
        path = parse_path(issue.path, doc.data) if issue.path else ()
        located = doc.issue(path, issue.message)
        name = located.path if doc.prefix else issue.path
        out.append(Issue(name, issue.message, located.line, located.column))
    return out


def _data_path(loc: tuple[int | str, ...], data: Any, kind: str) -> Path:
    """Keep the parts of pydantic's ``loc`` that are keys and indexes of the data."""
    path: list[Key] = []
    node = data
    last = len(loc) - 1
    for index, part in enumerate(loc):
        in_mapping = isinstance(node, Mapping) and isinstance(part, str) and part in node
        if in_mapping or (isinstance(node, (list, tuple)) and isinstance(part, int) and 0 <= part < len(node)):
            path.append(part)
            node = node[part]
        elif index == last and kind == "missing" and isinstance(part, str):
            path.append(part)
        # else: a union member or a "[key]" marker, not a place in the file
    return tuple(path)


def _message(err: Any, model: type[BaseModel], path: Path) -> str:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    msg: str = err["msg"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        shape = tuple(0 if isinstance(part, int) else part for part in path[:-1])
        return f"extra key {key!r} is not allowed" + _hint(key, _allowed(model, shape))
    if kind in {"value_error", "assertion_error"}:
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                return msg[len(prefix) :]
        return msg
    if kind in {"tuple_type", "list_type", "set_type", "iterable_type"}:
        return f"expected a list, got {_show(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type", "mapping_type"}:
        return f"expected a mapping, got {_show(value)}"
    if kind == "string_type":
        return f"expected a string, got {_show(value)}"
    if kind == "string_unicode":
        return "holds a lone surrogate, which no text file can hold"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {_show(value)}"
    if kind in {"literal_error", "enum"}:
        return f"expected {ctx.get('expected', '?')}, got {_show(value)}"
    if kind in {"string_too_short", "too_short"} and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in {"too_short", "too_long"}:
        got = len(value) if isinstance(value, Sized) else "?"
        low, high = ctx.get("min_length"), ctx.get("max_length")
        if low is not None and low == high:
            return f"expected exactly {low} items, got {got}"
        return (
            f"expected at least {low} items, got {got}"
            if kind == "too_short"
            else f"expected at most {high} items, got {got}"
        )
    if kind == "string_too_long":
        return f"too long: at most {ctx.get('max_length')} characters"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {_show(value)}"
    if kind == "greater_than":
        return f"must be greater than {ctx.get('gt')}, got {_show(value)}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {_show(value)}"
    if kind in {"decimal_type", "decimal_parsing", "float_type", "float_parsing"}:
        return f"expected a number, got {_show(value)}"
    return f"{msg[:1].lower()}{msg[1:]} (got {_show(value)})"


def _show(value: Any) -> str:
    """Show a value from the file briefly: ``'text'``, ``12.5``, ``true``, ``null``, ``a list``."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, (Mapping, list, tuple)):
        return type_name(value)
    text = str(value)
    return text if len(text) <= 40 else f"{text[:20]}... ({len(text)} characters)"


@functools.lru_cache(maxsize=1024)
def _hint(key: str, allowed: tuple[str, ...]) -> str:
    if not allowed:
        return ""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if len(allowed) <= 20:
        return " (allowed: " + ", ".join(allowed) + ")"
    return ""  # pragma: no cover - no model has that many fields


@functools.lru_cache(maxsize=1024)
def _allowed(model: type[BaseModel], path: Path) -> tuple[str, ...]:
    """Return the keys the model accepts at ``path`` (best effort; empty when unknown)."""
    tp: Any = model
    for part in path:
        tp = _step(tp, part)
        if tp is None:
            return ()
    tp = _unwrap(tp)
    if isclass(tp) and issubclass(tp, BaseModel):
        return tuple(field.alias or name for name, field in tp.model_fields.items())
    return ()


def _unwrap(tp: Any) -> Any:
    for _ in range(10):
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is types.UnionType:
            args = [a for a in get_args(tp) if a is not type(None)]
            structured = [
                a for a in args if (isclass(a) and issubclass(a, BaseModel)) or get_origin(a) in (tuple, dict)
            ]
            tp = (structured or args)[0]
        else:
            return tp
    return tp  # pragma: no cover


def _step(tp: Any, part: Key) -> Any:
    tp = _unwrap(tp)
    if isclass(tp) and issubclass(tp, BaseModel):
        if not isinstance(part, str):
            return None
        for name, field in tp.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in (tuple, list) and isinstance(part, int):
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        if origin is list and args:
            return args[0]
        return args[part] if part < len(args) else None
    if origin is dict and args:
        return args[1]
    return None
