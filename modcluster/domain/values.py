"""Exact value types shared by the catalog and the request.

Money is :class:`~decimal.Decimal`, read from the text of the number and never
through a binary float; days, lots and counts are ``int``. NaN, infinity and
booleans are refused wherever a number is expected.
"""

from __future__ import annotations

import decimal
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

__all__ = [
    "CENT",
    "READ_MAX_DIGITS",
    "READ_MAX_EXPONENT",
    "AttrValue",
    "Count",
    "Days",
    "Id",
    "Money",
    "Positive",
    "PositiveDecimal",
    "Text",
    "ceil_decimal",
    "exact",
    "normal_id",
    "normal_text",
    "read_number",
    "readable",
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

#: Most significant digits a number may be written with anywhere (files, flags, sweeps, solutions):
#: Python's own limit for converting text to an integer.
READ_MAX_DIGITS = 4300
#: Largest power of ten a number may be written with (``1e4300``, ``1e-4300``). Far beyond any figure
#: modcluster accepts, and far inside what Decimal arithmetic takes without overflowing.
READ_MAX_EXPONENT = 4300
#: Longest text :func:`read_number` looks at: the most digits, a sign, a point and an exponent.
_READ_MAX_CHARS = READ_MAX_DIGITS + 64


def readable(value: Decimal) -> str | None:
    """Why a Decimal is beyond the bounded reader, or ``None`` when it is within it.

    Within: finite, at most :data:`READ_MAX_DIGITS` significant digits, and an
    exponent within :data:`READ_MAX_EXPONENT` either way. Only the digit tuple
    and the exponent are looked at: nothing computes with the value.

    >>> readable(Decimal("1e1000000"))
    '1E+1000000 is beyond what modcluster reads: at most 4,300 digits and a power of ten within ±4,300'
    >>> readable(Decimal("12.5")) is None
    True
    """
    if not value.is_finite():
        return "NaN and infinity are not numbers a catalog may hold"
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if len(digits) > READ_MAX_DIGITS or max(abs(exponent), abs(value.adjusted())) > READ_MAX_EXPONENT:
        return (
            f"{_short(value)} is beyond what modcluster reads: at most {READ_MAX_DIGITS:,} digits "
            f"and a power of ten within ±{READ_MAX_EXPONENT:,}"
        )
    return None


def read_number(text: str) -> Decimal:
    """The one bounded reader of numbers written as text: exact, finite, and within the reader's limits.

    The readers of YAML, JSON and TOML files (catalogs, requests, sweeps,
    solutions, results) and the command-line flags all read numbers through it,
    so no number enters modcluster that a later comparison or sum could
    overflow on.

    Raises:
        ValueError: The text is not a number, is NaN or infinity, or is beyond
            :data:`READ_MAX_DIGITS` digits or :data:`READ_MAX_EXPONENT` as a power of ten.

    >>> read_number("1_000.50".replace("_", ""))
    Decimal('1000.50')
    >>> read_number("1e1000000")
    Traceback (most recent call last):
    ...
    ValueError: 1E+1000000 is beyond what modcluster reads: at most 4,300 digits and a power of ten within ±4,300
    """
    if len(text) > _READ_MAX_CHARS:
        raise ValueError(
            f"a number written with {len(text):,} characters is beyond what modcluster reads "
            f"(at most {READ_MAX_DIGITS:,} digits)"
        )
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{_short_text(text)!r} is not a number") from None
    reason = readable(value)
    if reason is not None:
        raise ValueError(reason)
    return value


def _short_text(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}...({len(text)} characters)"


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
        raise ValueError(f"expected a number, got {_kind(value)}")
    if not result.is_finite():
        raise ValueError("NaN and infinity are not numbers a catalog may hold")
    # adjusted() first: abs() of a Decimal beyond the context's exponent range raises decimal.Overflow.
    if result.adjusted() > 15 or (result.adjusted() == 15 and abs(result) > MAX_MAGNITUDE):
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


def _kind(value: Any) -> str:
    """Name a non-number the way the readers' messages do (``a list``, ``a mapping``, ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


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
    if kind is str:
        return normal_text(value)
    if kind is bool:
        return value  # type: ignore[no-any-return]
    if kind is int and -_MAX_INT <= value <= _MAX_INT:
        return Decimal(value)
    if isinstance(value, str):
        return normal_text(value)
    if isinstance(value, bool):
        return value
    return to_decimal(value)


#: Characters no id may hold: control characters (C0, DEL, C1), format characters (bidi
#: overrides, zero-width marks), line and paragraph separators, lone surrogates, unassigned and private-use.
_NOT_IN_IDS = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def normal_text(value: str) -> str:
    r"""Free text (names, sites, attribute names and values) in Unicode NFC; a lone surrogate is refused.

    Text is compared after normalisation: ``café`` typed with a combining accent
    (NFD) and with a precomposed one (NFC) is one text.

    >>> normal_text("cafe\u0301") == "caf\u00e9"
    True
    """
    if value.isascii():
        return value
    for char in value:
        if "\ud800" <= char <= "\udfff":
            raise ValueError(f"holds a lone surrogate {_describe(char)}, which no text file can hold")
    return unicodedata.normalize("NFC", value)


def normal_id(value: str) -> str:
    r"""An id in Unicode NFC, refusing invisible and control characters (see :data:`_NOT_IN_IDS`).

    Two ids equal after NFC normalisation are one id; ids are printed on
    terminals and in reports, so ``"lab\x1b[31mRED"`` is refused rather than
    escaped at every use.

    >>> normal_id("mini-lab\x1b[31mRED")
    Traceback (most recent call last):
    ...
    ValueError: an id may not hold the control character U+001B (position 9)
    """
    if value.isascii() and value.isprintable():
        return value
    value = normal_text(value)
    for index, char in enumerate(value, start=1):
        category = unicodedata.category(char)
        if category in _NOT_IN_IDS:
            kind = {"Cc": "control character", "Cf": "invisible format character"}.get(category, "character")
            raise ValueError(f"an id may not hold the {kind} {_describe(char)} (position {index})")
    return value


Id = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(normal_id)]
#: Free text: NFC-normalised, lone surrogates refused (control characters are escaped when printed).
Text = Annotated[str, AfterValidator(normal_text)]
Money = Annotated[Decimal, BeforeValidator(_money)]
PositiveDecimal = Annotated[Decimal, BeforeValidator(_positive)]
Days = Annotated[int, BeforeValidator(_days)]
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
