"""Frozen models and mappings: results and catalogs that cannot be changed after they are made.

:class:`FrozenModel` is the base of every input model (catalog, request, sweep
file): immutable, unknown keys refused.

:class:`FrozenDict` is a ``dict`` (so pydantic, ``json`` and ``isinstance(x,
dict)`` take it as one) whose every mutating method raises ``TypeError``.
:func:`freeze` turns plain data into deeply frozen data (mappings into
:class:`FrozenDict`, lists into tuples); :func:`thaw` gives a fresh, plain,
mutable copy, so that what a caller changes in it changes nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["FrozenDict", "FrozenModel", "freeze", "thaw"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenModel(BaseModel):
    """Base of every input model: immutable, unknown keys refused, fields settable by name or alias."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class FrozenDict(dict[K, V]):
    """A dict that cannot be changed: every mutating method raises ``TypeError``.

    >>> d = FrozenDict({"a": 1})
    >>> d["a"] = 2
    Traceback (most recent call last):
    ...
    TypeError: this mapping is frozen (immutable): make a changed copy with dict(...) instead
    >>> d, dict(d) == {"a": 1}
    ({'a': 1}, True)
    """

    __slots__ = ()

    def _frozen(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this mapping is frozen (immutable): make a changed copy with dict(...) instead")

    __setitem__ = _frozen
    __delitem__ = _frozen
    __ior__ = _frozen
    clear = _frozen
    pop = _frozen
    popitem = _frozen
    setdefault = _frozen
    update = _frozen

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling and deepcopy rebuild a dict subclass item by item (which __setitem__ refuses): rebuild it whole.
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return self if all(_is_frozen(v) for v in self.values()) else type(self)(freeze(dict(self)))

    def __repr__(self) -> str:
        return dict.__repr__(self)


def _is_frozen(value: Any) -> bool:
    if isinstance(value, FrozenDict):
        return True
    if isinstance(value, (list, dict, set, bytearray)):
        return False
    if isinstance(value, tuple):
        return all(_is_frozen(v) for v in value)
    return True


def freeze(value: Any) -> Any:
    """Deeply frozen data: mappings become :class:`FrozenDict`, lists and tuples tuples, sets frozensets.

    >>> freeze({"a": [1, {"b": 2}]})
    {'a': (1, {'b': 2})}
    >>> type(freeze({"a": {}})["a"]).__name__
    'FrozenDict'
    """
    if isinstance(value, FrozenDict) and all(_is_frozen(v) for v in value.values()):
        return value
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A fresh plain copy: mappings become ``dict``, tuples and lists ``list``; scalars are shared.

    >>> thaw(freeze({"a": (1, 2)}))
    {'a': [1, 2]}
    """
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value
