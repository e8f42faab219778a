"""Write catalog data as TOML, numbers exactly (the standard library reads TOML but does not write it).

Top-level scalars and tables come first as ``key = value`` lines; each list
of records is a multi-line array with one inline table per line, so that the
text stays readable and :func:`modcluster.io.toml_reader.read_toml` reads the
same data back. TOML has no null: ``None`` values are left out.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["dumps_toml"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps_toml(data: Mapping[str, Any]) -> str:
    """TOML text of a mapping of plain data (``dict``, ``list``, ``str``, ``int``, ``Decimal``, ``bool``).

    >>> print(dumps_toml({"name": "x", "units": {"money": "kJPY"}, "orgs": [{"id": "a", "fee": Decimal("1.50")}]}))
    name = "x"
    units = {money = "kJPY"}
    orgs = [
      {id = "a", fee = 1.50},
    ]
    <BLANKLINE>
    """
    lines = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
            lines.append(f"{_key(key)} = [")
            lines.extend(f"  {_value(item)}," for item in value)
            lines.append("]")
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if _BARE.match(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes are TOML's basic-string escapes; DEL is escaped too (TOML refuses it raw).
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value), "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()  # a TOML local date: a calendar's start_date or closed day (v1.1)
    if isinstance(value, Mapping):
        items = [f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
