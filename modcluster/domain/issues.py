"""Problems in the user's terms: paths as issues name them, and pydantic's errors as path and message.

Pure (no files): :func:`validate_data` validates plain data and raises issues
without lines; :mod:`modcluster.io.validation` adds the line and column of each
place when the data came from a file, from the same :func:`pydantic_problems`.
"""

from __future__ import annotations

import difflib
import functools
import types
from collections.abc import Mapping, Sequence, Sized
from decimal import Decimal
from inspect import isclass
from typing import Annotated, Any, NamedTuple, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic import BaseModel

from modcluster.errors import InputError, Issue, ValidationError

__all__ = ["Key", "Path", "Problem", "pydantic_problems", "render_path", "type_name", "validate_data"]

#: One step into plain data: a mapping key or a list index.
Key = str | int
#: Where a value sits in plain data: the keys and indexes from the top down to it.
Path = tuple[Key, ...]

M = TypeVar("M", bound=BaseModel)


class Problem(NamedTuple):
    """One of pydantic's errors in the user's terms.

    Attributes:
        path: Where, as keys and indexes of the data.
        message: What is wrong.
        key: The problem is the key itself (one that is not allowed), not its value.
    """

    path: Path
    message: str
    key: bool


def validate_data(model: type[M], data: Any, error: type[InputError] = ValidationError, file: str | None = None) -> M:
    """Validate plain ``data`` as ``model``.

    Raises:
        InputError: Of class ``error``, one issue per problem (no lines: the data is not a file), with ``file``.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        issues: list[Issue] = []
        seen: set[tuple[str, str]] = set()
        for problem in pydantic_problems(exc, data, model):
            issue = Issue(render_path(problem.path), problem.message)
            if (issue.path, issue.message) not in seen:
                seen.add((issue.path, issue.message))
                issues.append(issue)
        raise error(issues, file=file) from None


def pydantic_problems(exc: pydantic.ValidationError, data: Any, model: type[BaseModel]) -> list[Problem]:
    """Turn a pydantic error on ``data`` into problems, in the order pydantic found them."""
    problems: list[Problem] = []
    errors = exc.errors(include_url=False)
    inner = [_data_path(e["loc"], data, e["type"]) for e in errors]
    for err in errors:
        kind = err["type"]
        path = _data_path(err["loc"], data, kind)
        if kind == "too_short" and any(len(p) > len(path) and p[: len(path)] == path for p in inner):
            continue  # "too short after validation" only echoes the failures of its items
        problems.append(Problem(path, _message(err, model, path), kind == "extra_forbidden"))
    return problems


def render_path(path: Sequence[Key]) -> str:
    """Render a path the way issues name places.

    >>> render_path(("organizations", 3, "processes", 0, "unit_cost"))
    'organizations[3].processes[0].unit_cost'
    >>> render_path(())
    ''
    """
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


def type_name(value: Any) -> str:
    """Name the kind of a plain value the way a user reads it.

    >>> type_name("x"), type_name(None), type_name([])
    ('a string', 'null', 'a list')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, (float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


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
