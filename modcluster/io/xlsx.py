"""Catalogs as Excel workbooks (``.xlsx``): one sheet per list of records, one row per record.

An association keeps its members and their offers in a spreadsheet; this
module turns such a workbook into the same plain data a YAML catalog holds
(:func:`workbook_to_data`), so that it goes through the same validation
(:func:`load_workbook_catalog`), and writes catalog data back as a workbook
(:func:`catalog_to_workbook`, :func:`write_workbook`). The layout is documented
in docs/catalog.md ("Spreadsheets"); in short:

- ``catalog``: the top-level scalars, one ``key | value`` row each
  (``schema``, ``name``, ``units.money``, ``units.time``,
  ``defaults.handover_days``, ``defaults.onboarding_cost``);
- ``capabilities``, ``interfaces``, ``intermediaries``, ``organizations``,
  ``relationships``, ``people``, ``policies``, ``products``: one row per record;
- ``processes``, ``modules``, ``seeds``: one row per offer, the first column
  naming its ``organization``;
- ``product_modules``, ``steps``, ``links``: a product's modules, each made
  module's steps (in row order) and the product's links, the first columns
  naming the ``product`` (and the ``module``).

A header names a field; maps are spread over columns: ``attr:NAME``
(attributes), ``variant:KIND`` (variants; ``house_variants`` on
``organizations``), ``require:NAME:min``/``:max``/``:in`` (a requirement), and
``request.limits.budget`` (a product's default request, dotted). A list is one
cell, ``a, b, c``, or a JSON array (``["a,b", 5]``) when its items are not all
plain text: ``[]`` is the empty list, an empty cell is no value at all.

Numbers are exact. A number is written as a number cell only when the
spreadsheet keeps it exactly (at most 15 significant digits, as Excel);
otherwise it is written as text, and text in a number column is read back as
the number it spells. Money cells carry the format ``#,##0.00`` (when the
amount has at most two decimals). Reading, a number cell is taken at its
shortest decimal spelling (``5227.5``), never through arithmetic on a float.

Problems are located at the cell: ``members.xlsx:processes!E7: unit_cost:
expected a number, got a string``.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modcluster.domain import Catalog, read_number
from modcluster.errors import CrossReferenceError, InputError, Issue, ParseError, ValidationError
from modcluster.io.atomic import atomic_write_bytes
from modcluster.io.document import MAX_FILE_BYTES, parse_path

__all__ = [
    "EXCEL_DIGITS",
    "MONEY_FORMAT",
    "SHEETS",
    "CellIssue",
    "CellMap",
    "SheetSpec",
    "catalog_to_workbook",
    "cell_value",
    "load_workbook_catalog",
    "read_workbook",
    "workbook_bytes",
    "workbook_to_data",
    "write_cell",
    "write_table",
    "write_workbook",
]

#: Significant digits a spreadsheet keeps in a number cell (Excel's precision): more are written as text.
EXCEL_DIGITS = 15
#: The number format of money cells.
MONEY_FORMAT = "#,##0.00"

_MONEY = frozenset(
    {
        "bridge_cost",
        "onboarding_cost",
        "design_fee",
        "setup_cost",
        "unit_cost",
        "license_fee",
        "fee",
        "cap",
        "defaults.onboarding_cost",
        "request.limits.budget",
    }
)
_NUMBERS = _MONEY | {
    "bridge_days",
    "capacity",
    "integration_days",
    "bridging",
    "setup_days",
    "units_per_day",
    "max_lot",
    "transfer_days",
    "available_day",
    "share",
    "defaults.handover_days",
    "request.quantity",
    "request.limits.deadline",
    "request.limits.max_partners",
    "request.weights.cost",
    "request.weights.lead_time",
    "request.candidates",
    "request.time_limit",
}
_LISTS = frozenset(
    {
        "parents",
        "members",
        "develops",
        "families",
        "sites",
        "applies_to",
        "request.sites",
        "request.exclude",
        "request.require",
        "request.calendar.weekdays",
        "request.calendar.closed",
    }
)


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of the catalog workbook.

    Attributes:
        name: The sheet's name.
        parents: The leading columns that name the record's owner (``organization``; ``product``, ``module``).
        columns: The fields written in this order (every one, even when empty).
        maps: Column prefix (``attr:``) to the map field it spreads (``attributes``).
    """

    name: str
    parents: tuple[str, ...]
    columns: tuple[str, ...]
    maps: Mapping[str, str] = field(default_factory=dict)


_LOT = ("setup_cost", "unit_cost", "setup_days", "units_per_day", "max_lot")
_REQUEST = (
    "request.quantity",
    "request.limits.budget",
    "request.limits.deadline",
    "request.limits.max_partners",
    "request.sites",
    "request.exclude",
    "request.require",
    "request.hub",
    "request.objective",
    "request.weights.cost",
    "request.weights.lead_time",
    "request.candidates",
    "request.time_limit",
    "request.people",
    "request.policies",
)

#: The sheets of a catalog workbook, in the order they are written.
SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("capabilities", (), ("id", "parents")),
    SheetSpec("interfaces", (), ("id", "bridge_cost", "bridge_days")),
    SheetSpec("intermediaries", (), ("id", "members", "onboarding_cost")),
    SheetSpec(
        "organizations",
        (),
        ("id", "name", "kind", "site", "capacity", "develops", "design_fee", "integration_days", "bridging"),
        {"variant:": "house_variants"},
    ),
    SheetSpec("processes", ("organization",), ("id", "capability", *_LOT), {"attr:": "attributes"}),
    SheetSpec("modules", ("organization",), ("id", "type", *_LOT), {"variant:": "variants"}),
    SheetSpec(
        "seeds", ("organization",), ("id", "technology", "license_fee", "transfer_days"), {"attr:": "attributes"}
    ),
    SheetSpec("relationships", (), ("a", "b")),
    SheetSpec("people", (), ("id", "from", "families", "fee", "integration_days", "bridging", "available_day", "via")),
    SheetSpec("policies", (), ("id", "sites", "share", "cap", "applies_to", "members_of")),
    SheetSpec("products", (), ("id", "family", *_REQUEST)),
    SheetSpec("product_modules", ("product",), ("id", "type", "technology"), {"require:": "require"}),
    SheetSpec("steps", ("product", "module"), ("capability",), {"require:": "require"}),
    SheetSpec("links", ("product",), ("a", "b", "interface")),
)
_SPEC = {spec.name: spec for spec in SHEETS}
#: Top-level lists that have a sheet of their own.
_TOP = ("capabilities", "interfaces", "intermediaries", "organizations", "relationships", "people", "policies")
_CHILDREN = {"processes": "processes", "modules": "modules", "seeds": "seeds"}


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class CellIssue(Issue):
    """An :class:`~modcluster.errors.Issue` located at a cell of a workbook.

    Attributes:
        cell: ``SHEET!CELL``, e.g. ``processes!E7``.
        header: The column's header, when the problem is in one column.
    """

    cell: str = ""
    header: str = ""

    def render(self, file: str | None = None) -> str:
        """Return ``file:SHEET!CELL: header: message``.

        >>> CellIssue("organizations[0].processes[0].unit_cost", "expected a number", cell="processes!E7",
        ...           header="unit_cost").render("members.xlsx")
        'members.xlsx:processes!E7: unit_cost: expected a number'
        """
        where = f"{file}:{self.cell}" if file else self.cell
        return ": ".join(part for part in (where, self.header, self.message) if part)


class CellMap:
    """Where each value of the data read from a workbook came from: a path to ``(SHEET!CELL, header)``."""

    def __init__(self) -> None:
        self._cells: dict[tuple[Any, ...], tuple[str, str]] = {}

    def add(self, path: tuple[Any, ...], cell: str, header: str = "") -> None:
        """Record that ``path`` was read from ``cell`` (the first record wins)."""
        self._cells.setdefault(path, (cell, header))

    def locate(self, path: Sequence[Any]) -> tuple[str, str]:
        """The cell of ``path``, else of its longest recorded prefix (``("", "")`` when none)."""
        key = tuple(path)
        while key:
            if key in self._cells:
                return self._cells[key]
            key = key[:-1]
        return self._cells.get((), ("", ""))

    def issue(self, path: Sequence[Any], message: str, rendered: str | None = None) -> CellIssue:
        """A :class:`CellIssue` at ``path``."""
        from modcluster.domain import render_path

        cell, header = self.locate(path)
        return CellIssue(render_path(tuple(path)) if rendered is None else rendered, message, cell=cell, header=header)

    def relocate(self, issues: Iterable[Issue], data: Any) -> list[Issue]:
        """The issues found in ``data`` (paths from its top), each located at its cell."""
        return [self.issue(parse_path(i.path, data) if i.path else (), i.message, i.path) for i in issues]


def _ref(sheet: str, row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(column)}{row}"


# --------------------------------------------------------------------------- cells


def _exact_number(value: int | Decimal) -> bool:
    """Whether a spreadsheet number cell keeps ``value`` exactly.

    >>> _exact_number(Decimal("5227.50")), _exact_number(Decimal("0.1")), _exact_number(Decimal("1234567890.1234567"))
    (True, True, False)
    """
    number = Decimal(value)
    if not number.is_finite():
        return False
    digits = number.normalize().as_tuple().digits
    return len(digits) <= EXCEL_DIGITS and Decimal(repr(float(number))) == number


def write_cell(ws: Any, row: int, column: int, value: Any, *, money: bool = False) -> None:
    """Write one value to a cell, exactly (see the module's rules); strings never become formulas.

    Args:
        ws: The worksheet.
        row: 1-based row.
        column: 1-based column.
        value: ``None``, ``bool``, ``int``, ``Decimal``, ``str``, a date (ISO text), or a list (a list cell).
        money: Give the cell the money format (when the amount has at most two decimals).
    """
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        value = list_cell(value)
    cell = ws.cell(row=row, column=column)
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, (int, Decimal)):
        if _exact_number(value):
            cell.value = value
            exponent = Decimal(value).as_tuple().exponent
            if money and isinstance(exponent, int) and exponent >= -2:
                cell.number_format = MONEY_FORMAT
        else:
            cell.value = format(Decimal(value), "f")
            cell.data_type = "s"
    elif isinstance(value, datetime.date):  # a calendar's start_date or closed day (v1.1): ISO text
        cell.value = value.isoformat()
        cell.data_type = "s"
    elif isinstance(value, float):  # pragma: no cover - catalog data holds no floats
        raise TypeError("floats are not written: use Decimal")
    else:
        cell.value = str(value)
        cell.data_type = "s"  # "=x" is text, not a formula


def list_cell(items: Sequence[Any]) -> str:
    """The text of a list cell: ``a, b`` for plain text items, else a JSON array.

    >>> list_cell(["a", "b"]), list_cell([]), list_cell(["a,b", 5]), list_cell(["x"])
    ('a, b', '[]', '["a,b", 5]', 'x')
    """
    plain = all(
        isinstance(item, str) and item and "," not in item and item == item.strip() and not item.startswith("[")
        for item in items
    )
    if items and plain:
        return ", ".join(items)
    from modcluster.domain import dumps

    return dumps(list(items), indent=None)


def read_list(text: str) -> list[Any]:
    """Read a list cell (see :func:`list_cell`).

    Raises:
        ValueError: A JSON array that cannot be read.

    >>> read_list("a, b"), read_list("[]"), read_list('["a,b", 5.10]')
    (['a', 'b'], [], ['a,b', Decimal('5.10')])
    """
    if text.strip().startswith("["):
        try:
            value = json.loads(text, parse_float=read_number, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON array: {exc.msg} (write a list as a, b, c or as a JSON array)") from None
        if not isinstance(value, list):  # pragma: no cover - starts with "["
            raise ValueError("not a JSON array")
        return value
    return [item.strip() for item in text.split(",")]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed: numbers must be finite")


def cell_value(raw: Any, header: str) -> Any:
    """The catalog value of a cell read from column ``header`` (``None`` for an empty cell).

    Raises:
        ValueError: A date or time, a non-finite number, or a list cell that cannot be read.

    >>> cell_value(5227.5, "unit_cost"), cell_value("12.345", "unit_cost"), cell_value("12.345", "name")
    (Decimal('5227.5'), Decimal('12.345'), '12.345')
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime.datetime) and header.endswith("start_date") and raw.time() == datetime.time():
        return raw.date().isoformat()  # a date typed into a calendar's start_date (v1.1)
    if isinstance(raw, (datetime.date, datetime.time, datetime.timedelta)):
        raise ValueError("a date or time is not a value a catalog holds (format the cell as text)")
    listed = header in _LISTS or header.endswith(":in")
    if isinstance(raw, (bool, int)):
        return [raw] if listed else raw
    if isinstance(raw, float):
        number = Decimal(repr(raw))
        if not number.is_finite():
            raise ValueError(f"{raw} is not allowed: numbers must be finite")
        return [number] if listed else number
    text = str(raw)
    if listed or (header.startswith("request.") and text.startswith("[")):
        return read_list(text)  # a list in another request column is written as a JSON array
    if header in _NUMBERS or header.endswith((":min", ":max")):
        try:
            return read_number(text)
        except ValueError:
            return text  # validation says what is wrong, at this cell
    return text


# --------------------------------------------------------------------------- writing


def _flat(record: Mapping[str, Any], spec: SheetSpec, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A record as ``{header: value}``: maps spread over prefixed columns, ``request`` dotted."""
    prefixes = {target: prefix for prefix, target in spec.maps.items()}
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key in skip:
            continue
        if key in prefixes and isinstance(value, Mapping):
            for name, item in value.items():
                if prefixes[key] == "require:" and isinstance(item, Mapping):
                    row.update({f"require:{name}:{op}": bound for op, bound in item.items()})
                else:
                    row[f"{prefixes[key]}{name}"] = item
        elif key == "request" and isinstance(value, Mapping):
            row.update(_dotted(value, "request"))
        elif key == "between" and isinstance(value, (list, tuple)) and len(value) == 2:
            row["a"], row["b"] = value
        else:
            row[key] = value
    return row


def _dotted(mapping: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping) and value:
            out.update(_dotted(value, name))
        else:
            out[name] = value
    return out


def _rows(data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every sheet (``{header: value}``), from catalog data."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for name in _TOP:
        if isinstance(data.get(name), list):
            rows[name] = [_flat(r, _SPEC[name], skip=_CHILDREN if name == "organizations" else ()) for r in data[name]]
    for child in _CHILDREN:
        rows[child] = [
            {"organization": org.get("id"), **_flat(offer, _SPEC[child])}
            for org in data.get("organizations") or []
            for offer in org.get(child) or []
        ]
    if isinstance(data.get("products"), list):
        _product_rows(data["products"], rows)
    return rows


def _product_rows(products: list[Mapping[str, Any]], rows: dict[str, list[dict[str, Any]]]) -> None:
    rows["products"] = [_flat(p, _SPEC["products"], skip=("modules", "links")) for p in products]
    rows["product_modules"], rows["steps"], rows["links"] = [], [], []
    for product in products:
        pid = product.get("id")
        for module in product.get("modules") or []:
            make = module.get("make") or {}
            technology = make.get("technology") or {}
            row = {"product": pid, **_flat(module, _SPEC["product_modules"], skip=("make",))}
            row.update(_flat(technology, _SPEC["product_modules"], skip=("capability",)))
            if "capability" in technology:
                row["technology"] = technology["capability"]
            rows["product_modules"].append(row)
            for step in make.get("steps") or []:
                rows["steps"].append({"product": pid, "module": module.get("id"), **_flat(step, _SPEC["steps"])})
        for link in product.get("links") or []:
            rows["links"].append({"product": pid, **_flat(link, _SPEC["links"])})


def _headers(spec: SheetSpec, rows: list[dict[str, Any]]) -> list[str]:
    headers = [*spec.parents, *spec.columns]
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    return headers


def catalog_to_workbook(data: Mapping[str, Any]) -> Any:
    """A workbook (``openpyxl.Workbook``) of catalog data, in the documented layout.

    Args:
        data: The catalog as plain data (as a YAML, JSON or TOML catalog holds it).

    >>> wb = catalog_to_workbook({"name": "demo", "organizations": [{"id": "a", "capacity": 2}]})
    >>> wb.sheetnames
    ['catalog', 'organizations', 'processes', 'modules', 'seeds']
    >>> [c.value for c in wb["organizations"][2]][:5]
    ['a', None, None, None, 2]
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "catalog"
    _catalog_sheet(ws, data)
    rows = _rows(data)
    for spec in SHEETS:
        if spec.name in rows:
            _table(wb.create_sheet(spec.name), _headers(spec, rows[spec.name]), rows[spec.name])
    return wb


def _catalog_sheet(ws: Any, data: Mapping[str, Any]) -> None:
    scalars: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key in _TOP or key == "products":
            continue
        if isinstance(value, Mapping) and value:
            scalars.extend(_dotted(value, key).items())
        else:
            scalars.append((key, value))
    _table(ws, ["key", "value"], [{"key": k, "value": v, "_money": k in _MONEY} for k, v in scalars])


def _table(ws: Any, headers: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """A catalog sheet: lists as list cells (checked attributes), money by header or the row's ``_money``."""

    def value(header: str, row: Mapping[str, Any]) -> Any:
        shown = _json_list(header, row.get(header))
        _check_attribute(ws.title, header, shown)
        return shown

    write_table(ws, headers, rows, money=lambda header, row: bool(row.get("_money")) or header in _MONEY, value=value)


def _get(header: str, row: Mapping[str, Any]) -> Any:
    return row.get(header)


def _plain(header: str, row: Mapping[str, Any]) -> bool:
    return False


def write_table(
    ws: Any,
    headers: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    money: Callable[[str, Mapping[str, Any]], bool] = _plain,
    value: Callable[[str, Mapping[str, Any]], Any] = _get,
) -> None:
    """Write a table to a worksheet: a bold header row, frozen, then one row per record; set the column widths.

    Each cell is written by :func:`write_cell`, in row order and, within a
    row, in column order. A column's width is the length of its longest shown
    text (header included) plus 2, at least 8 and at most 60.

    Args:
        ws: The worksheet (``openpyxl``), written from its cell ``A1``.
        headers: The column names, written in row 1.
        rows: The records, one per row from row 2.
        money: Whether the cell of a header in a record is money (the money format); none by default.
        value: The value to write for a header in a record; ``record.get(header)`` by default.

    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> write_table(ws, ["id", "cost"], [{"id": "a", "cost": Decimal("5227.5")}], money=lambda h, r: h == "cost")
    >>> ws["A1"].font.bold, ws.freeze_panes, ws["B2"].number_format, ws.column_dimensions["B"].width
    (True, 'A2', '#,##0.00', 8.0)
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    widths = [len(h) for h in headers]
    for column, header in enumerate(headers, start=1):
        write_cell(ws, 1, column, header)
        ws.cell(row=1, column=column).font = bold
    for r, row in enumerate(rows, start=2):
        for column, header in enumerate(headers, start=1):
            write_cell(ws, r, column, value(header, row), money=money(header, row))
            shown = ws.cell(row=r, column=column).value
            widths[column - 1] = max(widths[column - 1], len(str(shown)) if shown is not None else 0)
    ws.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)


def _json_list(header: str, value: Any) -> Any:
    """A list in a column not known to hold lists, as a JSON array (read back as a list in ``request.`` columns)."""
    if isinstance(value, (list, tuple)) and header not in _LISTS and not header.endswith(":in"):
        from modcluster.domain import dumps

        return dumps(list(value), indent=None)
    return value


def _check_attribute(sheet: str, header: str, value: Any) -> None:
    """Refuse an attribute number a cell cannot hold exactly (as text it would read back as text).

    Raises:
        InputError: More than :data:`EXCEL_DIGITS` significant digits in an ``attr:`` column.
    """
    number = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    if header.startswith("attr:") and number and not _exact_number(value):
        raise InputError(
            f"{sheet}: {header} = {value} has more than {EXCEL_DIGITS} significant digits, "
            "more than a spreadsheet cell holds exactly"
        )


def workbook_bytes(wb: Any) -> bytes:
    """The ``.xlsx`` file of a workbook, as bytes (e.g. for a download)."""
    import io

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_workbook(wb: Any, path: str | os.PathLike[str], *, protect: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write a workbook atomically (:func:`~modcluster.io.atomic.atomic_write_bytes`).

    Raises:
        InputError: ``path`` is one of ``protect`` or cannot be replaced.
    """
    atomic_write_bytes(path, workbook_bytes(wb), protect=protect)


# --------------------------------------------------------------------------- reading


@dataclass
class _Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def read_workbook(path: str | os.PathLike[str]) -> tuple[dict[str, Any], CellMap]:
    """Read a catalog workbook: the catalog's plain data, and where each value came from.

    Raises:
        InputError: The file cannot be read.
        ParseError: Not an ``.xlsx`` workbook, an unknown sheet, a header twice, a
            date in a cell, a list cell that cannot be read, a record whose owner is missing.
    """
    from modcluster.io.document import read_bytes

    name = os.fspath(path)
    raw = read_bytes(name, limit=MAX_FILE_BYTES)
    sheets = _open(raw, name)
    cells = CellMap()
    data = _data(_Reader(name, sheets, cells))
    return data, cells


def _open(raw: bytes, file: str) -> dict[str, _Sheet]:
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ParseError(f"not an .xlsx workbook ({exc})", file=file) from None
    try:
        sheets = {}
        for ws in wb.worksheets:
            if ws.title not in _SPEC and ws.title != "catalog":
                known = ", ".join(["catalog", *_SPEC])
                raise ParseError(f"unknown sheet {ws.title!r}: the sheets are {known}", file=file)
            rows = [(n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            headers = [str(h).strip() if h is not None else "" for h in (rows[0][1] if rows else [])]
            sheets[ws.title] = _Sheet(ws.title, headers, [(n, r) for n, r in rows[1:] if any(_filled(v) for v in r)])
        return sheets
    finally:
        wb.close()


def _filled(value: Any) -> bool:
    return value is not None and value != ""


class _Reader:
    """Builds catalog data from the sheets, recording each value's cell."""

    def __init__(self, file: str, sheets: dict[str, _Sheet], cells: CellMap) -> None:
        self.file = file
        self.sheets = sheets
        self.cells = cells

    def fail(self, cell: str, message: str, header: str = "") -> ParseError:
        return ParseError(CellIssue("", message, cell=cell, header=header), file=self.file)

    def _scalars(self, sheet: _Sheet, data: dict[str, Any]) -> None:
        for number, row in sheet.rows:
            key = row[0] if row else None
            if not isinstance(key, str) or not key.strip():
                raise self.fail(_ref(sheet.name, number, 1), "a row of the catalog sheet needs a key")
            parts = tuple(key.strip().split("."))
            value = self._value(sheet.name, number, 2, row[1] if len(row) > 1 else None, key.strip())
            node = data
            for part in parts[:-1]:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise self.fail(_ref(sheet.name, number, 1), f"{key!r} is given twice")
            if parts[-1] in node:
                raise self.fail(_ref(sheet.name, number, 1), f"{key!r} is given twice")
            self.cells.add(parts, _ref(sheet.name, number, 2), key.strip())
            if value is not None:
                node[parts[-1]] = value

    def _value(self, sheet: str, row: int, column: int, raw: Any, header: str) -> Any:
        try:
            return cell_value(raw, header)
        except ValueError as exc:
            raise self.fail(_ref(sheet, row, column), str(exc), header) from None

    def _records(self, name: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Each row of sheet ``name`` as ``(owners, record)``.

        ``owners`` maps each owner column to ``(value, cell)``, and ``_where`` to the
        record's cells by path inside the record, placed once the record's path is known (:meth:`_place`).
        """
        sheet = self.sheets[name]
        spec = _SPEC[name]
        self._check_headers(sheet)
        for number, row in sheet.rows:
            parents: dict[str, Any] = {}
            record: dict[str, Any] = {}
            where: dict[tuple[Any, ...], tuple[str, str]] = {(): (_ref(name, number, 1), "")}
            for column, header in enumerate(sheet.headers, start=1):
                raw = row[column - 1] if column - 1 < len(row) else None
                value = self._value(name, number, column, raw, header)
                cell = _ref(name, number, column)
                if header in spec.parents:
                    parents[header] = (value, cell)
                    continue
                target = _target(header, spec)
                where.setdefault(target, (cell, header))
                where.setdefault(target[:1], (cell, header))  # e.g. ``between`` at its first column
                if value is not None:
                    _put(record, target, value)
            parents["_where"] = where
            yield parents, record

    def _check_headers(self, sheet: _Sheet) -> None:
        seen: set[str] = set()
        for column, header in enumerate(sheet.headers, start=1):
            if not header:
                if any(column - 1 < len(r) and _filled(r[column - 1]) for _n, r in sheet.rows):
                    raise self.fail(_ref(sheet.name, 1, column), "a column with values needs a header")
                continue
            if header in seen:
                raise self.fail(_ref(sheet.name, 1, column), f"the header {header!r} is given twice")
            seen.add(header)

    def _place(self, where: dict[tuple[Any, ...], tuple[str, str]], path: tuple[Any, ...]) -> None:
        for suffix, (cell, header) in where.items():
            self.cells.add(path + suffix, cell, header)

    def _owner(self, parents: dict[str, Any], header: str, index: dict[Any, int], sheet: str) -> int:
        """The position of the record's owner (an organisation, a product) named in column ``header``."""
        value, cell = parents.get(header, (None, ""))
        if value is None:
            raise self.fail(parents["_where"][()][0], f"the {header} column is missing or empty", header)
        if value not in index:
            raise self.fail(cell, f"no {header} {value!r} on the {sheet} sheet", header)
        return index[value]


def _target(header: str, spec: SheetSpec) -> tuple[Any, ...]:
    """The path inside the record a header's value goes to.

    >>> _target("attr:trl", _SPEC["seeds"]), _target("require:ra:max", _SPEC["steps"])
    (('attributes', 'trl'), ('require', 'ra', 'max'))
    >>> _target("request.limits.budget", _SPEC["products"]), _target("a", _SPEC["links"])
    (('request', 'limits', 'budget'), ('between', 0))
    """
    for prefix, target in spec.maps.items():
        if header.startswith(prefix):
            rest = header[len(prefix) :]
            if prefix == "require:" and ":" in rest:
                name, op = rest.rsplit(":", 1)
                return (target, name, op)
            return (target, rest)
    if header.startswith("request."):
        return tuple(header.split("."))
    if header in ("a", "b") and spec.name in ("relationships", "links"):
        return ("between", 0 if header == "a" else 1)
    return (header,)


def _put(record: dict[str, Any], target: tuple[Any, ...], value: Any) -> None:
    if target[0] == "between":
        pair = record.setdefault("between", [None, None])
        pair[target[1]] = value
        return
    node = record
    for part in target[:-1]:
        node = node.setdefault(part, {})
    node[target[-1]] = value


def _between(record: dict[str, Any]) -> None:
    if "between" in record:
        record["between"] = [v for v in record["between"] if v is not None]


# The reader's record assembly, kept out of the class body for short methods.


def _top_records(reader: _Reader, name: str) -> list[dict[str, Any]]:
    records = []
    for index, (parents, record) in enumerate(reader._records(name)):
        _between(record)
        reader._place(parents["_where"], (name, index))
        records.append(record)
    return records


def _data(reader: _Reader) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if "catalog" in reader.sheets:
        reader._scalars(reader.sheets["catalog"], data)
    for name in _TOP:
        if name in reader.sheets:
            data[name] = _top_records(reader, name)
    _offers(reader, data)
    if any(n in reader.sheets for n in ("products", "product_modules", "steps", "links")):
        _products(reader, data)
    return data


def _offers(reader: _Reader, data: dict[str, Any]) -> None:
    orgs = data.get("organizations") or []
    index: dict[Any, int] = {}
    for position, org in enumerate(orgs):
        index.setdefault(org.get("id"), position)
    for child in _CHILDREN:
        if child not in reader.sheets:
            continue
        for parents, record in reader._records(child):
            position = reader._owner(parents, "organization", index, "organizations")
            offers = orgs[position].setdefault(child, [])
            reader._place(parents["_where"], ("organizations", position, child, len(offers)))
            offers.append(record)


def _products(reader: _Reader, data: dict[str, Any]) -> None:
    products = _top_records(reader, "products") if "products" in reader.sheets else []
    data["products"] = products
    index: dict[Any, int] = {}
    for position, product in enumerate(products):
        index.setdefault(product.get("id"), position)
    modules: dict[tuple[Any, Any], tuple[int, int]] = {}
    if "product_modules" in reader.sheets:
        for parents, record in reader._records("product_modules"):
            p = reader._owner(parents, "product", index, "products")
            mods = products[p].setdefault("modules", [])
            _technology(record)
            where = {_module_path(k): v for k, v in parents["_where"].items()}
            reader._place(where, ("products", p, "modules", len(mods)))
            modules.setdefault((products[p].get("id"), record.get("id")), (p, len(mods)))
            mods.append(record)
    if "steps" in reader.sheets:
        _steps(reader, products, index, modules)
    if "links" in reader.sheets:
        for parents, record in reader._records("links"):
            p = reader._owner(parents, "product", index, "products")
            links = products[p].setdefault("links", [])
            _between(record)
            reader._place(parents["_where"], ("products", p, "links", len(links)))
            links.append(record)


def _module_path(suffix: tuple[Any, ...]) -> tuple[Any, ...]:
    """Where a product_modules column's value sits in the module record."""
    if suffix[:1] == ("technology",):
        return ("make", "technology", "capability")
    if suffix[:1] == ("require",):
        return ("make", "technology", *suffix)
    return suffix


def _technology(record: dict[str, Any]) -> None:
    """Move the ``technology`` column and the ``require:`` columns of a product module under ``make``."""
    technology: dict[str, Any] = {}
    if "technology" in record:
        technology["capability"] = record.pop("technology")
    if "require" in record:
        technology["require"] = record.pop("require")
    if technology:
        record["make"] = {"technology": technology}


def _steps(
    reader: _Reader,
    products: list[dict[str, Any]],
    index: dict[Any, int],
    modules: dict[tuple[Any, Any], tuple[int, int]],
) -> None:
    for parents, record in reader._records("steps"):
        p = reader._owner(parents, "product", index, "products")
        name, cell = parents.get("module", (None, ""))
        if (products[p].get("id"), name) not in modules:
            message = f"no module {name!r} of product {products[p].get('id')!r} on the product_modules sheet"
            raise reader.fail(cell, message, "module")
        p, m = modules[(products[p].get("id"), name)]
        module = products[p]["modules"][m]
        make = module.setdefault("make", {})
        steps = make.setdefault("steps", [])
        reader._place(parents["_where"], ("products", p, "modules", m, "make", "steps", len(steps)))
        steps.append(record)


def workbook_to_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The catalog data of a workbook: what the same catalog's YAML file holds.

    Raises:
        InputError: As :func:`read_workbook`.
    """
    return read_workbook(path)[0]


def load_workbook_catalog(path: str | os.PathLike[str]) -> Catalog:
    """Read, validate and cross-check a catalog workbook; problems are located at their cells.

    Raises:
        InputError: The file cannot be read.
        ParseError: As :func:`read_workbook`.
        ValidationError: A key, type or value is wrong (at its cell).
        CrossReferenceError: A duplicate id, a dangling reference, a taxonomy cycle (at its cell).
    """
    from modcluster.io.loader import catalog_from_data

    name = os.fspath(path)
    data, cells = read_workbook(name)
    try:
        return catalog_from_data(data, file=name)
    except (ValidationError, CrossReferenceError) as exc:
        raise type(exc)(cells.relocate(exc.issues, data), file=name) from None
    except InputError as exc:  # pragma: no cover - every catalog error is one of the two above
        raise exc.with_file(name) from None
