"""Read TOML exactly (floats as :class:`~decimal.Decimal`) with :mod:`tomllib`.

:mod:`tomllib` keeps no positions, so problems found after parsing name their
path only; syntax errors carry the line and column the parser reports.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from decimal import Decimal
from typing import Any, NoReturn

from modcluster.errors import Issue, ParseError
from modcluster.io.document import Document, NumberReader, render_path, walk

__all__ = ["read_toml"]

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_LONG_INT = re.compile(r"[0-9_]{4301,}")


def read_toml(text: str, file: str | None) -> Document:
    """Parse TOML text into a :class:`Document` (with no positions).

    Args:
        text: The decoded text of the file.
        file: The file name, for error messages.

    Raises:
        ParseError: Syntax error (with its line), NaN or infinity, a date or
            time, an integer too long to convert, nesting too deep, no data.
    """
    numbers = NumberReader(constants=True)
    try:
        data = tomllib.loads(text, parse_float=numbers)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _AT.search(message)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (None, None)
        if found:
            message = message[: found.start()]
        elif "(at end of document)" in message:
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        message = message.replace(" (at end of document)", " at the end of the document")
        raise ParseError(Issue("", f"TOML syntax error: {message}", line, column), file=file) from None
    except RecursionError:
        raise ParseError("nesting too deep for the TOML parser", file=file) from None
    except ValueError:
        _long_integer(text, file)
    if not data:
        raise ParseError("the file holds no data (only comments or blank lines)", file=file)
    for path, value in walk(data):
        if isinstance(value, Decimal) and not value.is_finite():
            raise ParseError(
                Issue(render_path(path), f"{value} is not allowed: numbers must be finite (NaN and inf are refused)"),
                file=file,
            )
        if isinstance(value, (datetime.date, datetime.time)) and not _calendar_date(path, value):
            raise ParseError(
                Issue(render_path(path), "dates and times are not values a catalog holds (quote it for a string)"),
                file=file,
            )
    doc = Document(data, file=file, format="toml")
    numbers.refuse(doc)
    return doc


def _calendar_date(path: Any, value: object) -> bool:
    """A plain TOML date as a request's or plan's ``start_date`` or a ``closed`` day (v1.1 "Calendars")."""
    keys = [part for part in path if isinstance(part, str)]
    return type(value) is datetime.date and bool(keys) and keys[-1] in ("start_date", "closed")


def _long_integer(text: str, file: str | None) -> NoReturn:
    found = _LONG_INT.search(text)
    line = text.count("\n", 0, found.start()) + 1 if found else None
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1 if found else None
    raise ParseError(Issue("", "an integer with more than 4,300 digits is too long to read", line, column), file=file)
