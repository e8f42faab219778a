"""Exact value types shared by the catalog and the request.

Money is :class:`~decimal.Decimal`, read from the text of the number and never
through a binary float; days, lots and counts are ``int``. NaN, infinity and
booleans are refused wherever a number is expected.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints

__all__ = [
    "CENT",
    "AttrValue",
    "Days",
    "Id",
    "Money",
    "NonNegDecimal",
    "PositiveDecimal",
    "ceil_decimal",
    "exact",
    "round_money",
    "to_cents",
    "to_decimal",
]

CENT = Decimal("0.01")

#: Largest magnitude any number in a catalog or request may have. Past it the
#: scaled integer arithmetic of the solver could leave the int64 range.
MAX_MAGNITUDE = Decimal(10) ** 15
#: Most significant digits, and most decimal places, a number may have.
MAX_DIGITS = 30
MAX_PLACES = 30
_MAX_INT = 10**15
#: str() of a Decimal this short, with adjusted() >= -1 (so no negative exponent), has <= 16 digits and places.
_SHORT = 17


def to_decimal(value: Any) -> Decimal:
    """Convert a number read from a file or given by a caller to an exact Decimal.

    Floats are converted through their shortest ``repr`` (``0.7`` stays 0.7).

    >>> to_decimal(0.7) * 10
    Decimal('7.0')
    >>> to_decimal("12.5")
    Traceback (most recent call last):
    ...
    ValueError: expected a number, got a string
    """
    kind = type(value)
    if kind is int and -_MAX_INT <= value <= _MAX_INT:
        return Decimal(value)  # the common case: at most 16 digits and no decimal places
    if kind is bool:
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        raise ValueError("expected a number, got a string")
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("NaN and infinity are not numbers a catalog may hold")
    if abs(result) > MAX_MAGNITUDE:
        raise ValueError(f"{_short(result)} is too large (the limit is 10^15)")
    if result.adjusted() >= -1 and len(str(result)) <= _SHORT:
        return result  # written without an exponent below 1, in 17 characters: within both limits below
    _sign, digits, exponent = result.as_tuple()
    assert isinstance(exponent, int)
    if exponent < -MAX_PLACES:
        raise ValueError(f"{_short(result)} has more than {MAX_PLACES} decimal places")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"{_short(result)} has more than {MAX_DIGITS} significant digits")
    return result


def exact() -> decimal.Context:
    """A Decimal context wide enough that every sum and product of catalog numbers is exact.

    Catalog numbers have at most 30 significant digits, 30 decimal places and a
    magnitude of at most 10^15, so products of two of them need at most 90
    digits.
    """
    return decimal.Context(prec=200, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation])


def _short(value: Decimal) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}...({len(text)} characters)"


def _money(value: Any) -> Decimal:
    if type(value) is int and 0 <= value <= _MAX_INT:  # the common case, without a second call
        return Decimal(value)
    result = to_decimal(value)
    if result < 0:
        raise ValueError(f"must not be negative, got {result}")
    return result


def _positive(value: Any) -> Decimal:
    if type(value) is int and 0 < value <= _MAX_INT:  # the common case, without a second call
        return Decimal(value)
    result = to_decimal(value)
    if result <= 0:
        raise ValueError(f"must be greater than 0, got {result}")
    return result


def _whole(value: Any) -> int:
    if type(value) is int and -_MAX_INT <= value <= _MAX_INT:
        return value
    if isinstance(value, bool):
        raise ValueError("expected a whole number, got a boolean")
    if isinstance(value, int):
        result = value
    else:
        dec = to_decimal(value)
        if dec != dec.to_integral_value():
            raise ValueError(f"expected a whole number, got {dec}")
        result = int(dec)
    if abs(result) > MAX_MAGNITUDE:
        raise ValueError(f"{result if result < 10**24 else 'a huge number'} is too large (the limit is 10^15)")
    return result


def _days(value: Any) -> int:
    if type(value) is int and 0 <= value <= _MAX_INT:  # the common case, without a second call
        return value
    result = _whole(value)
    if result < 0:
        raise ValueError(f"must not be negative, got {result}")
    return result


def _attr(value: Any) -> Decimal | str | bool:
    kind = type(value)
    if kind is str or kind is bool:
        return value  # type: ignore[no-any-return]
    if kind is int and -_MAX_INT <= value <= _MAX_INT:
        return Decimal(value)
    if isinstance(value, (bool, str)):
        return value
    return to_decimal(value)


Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Money = Annotated[Decimal, BeforeValidator(_money)]
NonNegDecimal = Money
PositiveDecimal = Annotated[Decimal, BeforeValidator(_positive)]
Days = Annotated[int, BeforeValidator(_days)]
Whole = Annotated[int, BeforeValidator(_whole)]
Count = Annotated[int, BeforeValidator(_days)]
Positive = Annotated[int, BeforeValidator(_whole), Field(ge=1)]
AttrValue = Annotated[Decimal | str | bool, BeforeValidator(_attr)]


def round_money(value: Decimal) -> Decimal:
    """Round a cost term half-up to 0.01, as the contract asks of every term.

    >>> round_money(Decimal("0.125"))
    Decimal('0.13')
    """
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    """Return the whole number of cents of a term, rounding half-up first."""
    return int(round_money(value) * 100)


def ceil_decimal(value: Decimal) -> int:
    """Exact ceiling of a Decimal.

    >>> ceil_decimal(Decimal("0.7") * 10)
    7
    """
    try:
        return int(value.to_integral_value(rounding=ROUND_CEILING))
    except InvalidOperation as exc:  # pragma: no cover - guarded by MAX_MAGNITUDE
        raise ValueError(f"cannot take the ceiling of {value}") from exc
