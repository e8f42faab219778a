"""Results as Excel workbooks: a solution, a plan, a configuration, a sweep's results.

Each function takes the document as plain data (as its JSON file holds it,
money as :class:`~decimal.Decimal`) and returns an ``openpyxl.Workbook``;
:func:`~modcluster.io.xlsx.write_workbook` writes it atomically and
:func:`~modcluster.io.xlsx.workbook_bytes` gives its bytes (a download).
Money is written exactly, with the format ``#,##0.00`` (see :mod:`modcluster.io.xlsx`).

Sheets:

- a solution (``modcluster/solution/1``): ``summary`` (product, quantity,
  objective, with ``weights.cost`` and ``weights.lead_time`` when it is
  ``weighted``, status, explanation), ``candidates`` (rank, cost, lead time, hub,
  person, partners, proven optimal, integration days), ``tasks`` (each
  candidate's steps, seeds, bought modules and integration: organisation,
  start and end, and ``start_date``/``end_date`` when the JSON has them),
  ``costs`` (each candidate's cost breakdown) and ``links``;
- a plan (``modcluster/plan/1``): ``summary`` (the weights too when
  ``weighted``), ``entries`` (each entry's system and the same entry planned
  alone), ``tasks``, ``costs``;
- a configuration (``modcluster/configuration/1``): ``summary`` (the weights
  too when ``weighted``), ``decisions`` (every value of every decision:
  status, cost, lead time, proven optimal), and the best system's
  ``candidates`` (without ``proven_optimal``: the configuration JSON does not
  say whether its ``best`` is proven; ``complete`` and each value's
  ``proven_optimal`` speak of the values), ``tasks`` and ``costs``;
- a sweep: one ``results`` sheet, the columns of its ``--csv`` table.

The weights are written only under ``weighted``: under ``cost`` or
``lead_time`` they take no part in the ranking, and the request's defaults
(cost 1, lead time 0) would only suggest they did. They are read from the
``request`` the document embeds; a document without one says so in a
``weights`` row rather than guess them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from modcluster.io.xlsx import write_table

__all__ = [
    "configuration_to_workbook",
    "plan_to_workbook",
    "results_to_workbook",
    "solution_to_workbook",
    "table_to_workbook",
]

#: Columns holding money, wherever they appear (``ENTRY.cost`` too).
_MONEY = frozenset(
    {"cost", "budget", "total_cost", "sharing_cost", "alone_cost", "price_of_sharing_cost", "design_fee"}
    | {"integration", "steps", "modules", "licences", "onboarding", "people", "subsidies"}
)
#: Sweep table columns read as numbers (whole days, counts, seconds).
_NUMBERS = frozenset(
    {
        "quantity",
        "deadline",
        "max_partners",
        "lead_time",
        "candidates",
        "seconds",
        "time_limit",
        "total_lead_time",
        "makespan",
        "sharing_lead_time",
        "release",
    }
)
_TASK = ("module", "kind", "capability", "offer", "organization", "start", "end")


def _money_column(name: str) -> bool:
    return name in _MONEY or name.endswith(".cost")


def _sheet(
    wb: Any, title: str, headers: Sequence[str], rows: Iterable[Mapping[str, Any]], *, first: bool = False
) -> None:
    """Add a sheet (or fill the first one) with a bold, frozen header row and set widths (:func:`write_table`)."""
    ws = wb.active if first else wb.create_sheet(title)
    ws.title = title
    write_table(ws, headers, rows, money=_money_cell)


def _money_cell(header: str, row: Mapping[str, Any]) -> bool:
    """A money column, or the ``value`` of a ``key | value`` row whose key names money (never a weight)."""
    if header != "value":
        return _money_column(header)
    key = str(row.get("key", ""))
    return _money_column(key) and not key.startswith("weights.")


def _new() -> Any:
    from openpyxl import Workbook

    return Workbook()


#: The request's default weights (MODEL.md, "Readings"): what a request without ``weights`` was solved with.
_DEFAULT_WEIGHTS = {"cost": 1, "lead_time": 0}


def _weights(document: Mapping[str, Any]) -> Mapping[str, Any] | str | None:
    """The weights of a ``weighted`` document, from the request it embeds (None: another objective).

    >>> from decimal import Decimal
    >>> _weights({"objective": "weighted", "request": {"weights": {"cost": 1, "lead_time": Decimal("37.5")}}})
    {'cost': 1, 'lead_time': Decimal('37.5')}
    >>> _weights({"objective": "cost", "request": {"weights": {"cost": 1, "lead_time": 50}}}) is None
    True
    >>> _weights({"objective": "weighted"})
    'not in the file (it holds no request)'
    """
    if document.get("objective") != "weighted":
        return None
    request = document.get("request")
    if not isinstance(request, Mapping):
        return "not in the file (it holds no request)"
    given = request.get("weights")
    given = given if isinstance(given, Mapping) else {}
    return {name: given.get(name, default) for name, default in _DEFAULT_WEIGHTS.items()}


def _summary(wb: Any, document: Mapping[str, Any], keys: Sequence[str]) -> None:
    """The ``summary`` sheet: ``key | value`` rows of ``keys`` (mappings flattened), the weights after the objective."""
    rows: list[dict[str, Any]] = []
    document = {**document, "weights": _weights(document)}
    if "objective" in keys:
        at = list(keys).index("objective") + 1
        keys = [*keys[:at], "weights", *keys[at:]]
    for key in keys:
        value = document.get(key)
        if isinstance(value, Mapping):
            rows.extend({"key": f"{key}.{k}", "value": v} for k, v in value.items())
        elif value is not None:
            rows.append({"key": key, "value": value})
    _sheet(wb, "summary", ["key", "value"], rows, first=True)


def _tasks(system: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every task of a system (solution candidate, plan entry), in the order of its modules."""
    tasks: list[dict[str, Any]] = []
    for module in system.get("modules") or []:
        if module.get("source") == "buy":
            tasks.append({**module, "module": module.get("id"), "kind": "buy"})
            continue
        seed = module.get("seed")
        if seed:
            tasks.append({**seed, "module": module.get("id"), "kind": "seed", "offer": seed.get("seed")})
        tasks.extend({**step, "module": module.get("id"), "kind": "step"} for step in module.get("steps") or [])
    integration = system.get("integration") or {}
    if integration:
        tasks.append({**integration, "module": "", "kind": "integration", "organization": system.get("hub")})
    for task in tasks:
        task.pop("id", None)
        task.pop("source", None)
        task.pop("steps", None)
        task.pop("seed", None)
    return tasks


def _extra(rows: Sequence[Mapping[str, Any]], known: Sequence[str]) -> list[str]:
    """The columns the rows have beyond ``known`` (e.g. ``start_date``), in first-seen order."""
    out: list[str] = []
    for row in rows:
        out.extend(k for k in row if k not in known and k not in out)
    return out


def _systems(wb: Any, systems: Sequence[tuple[dict[str, Any], Mapping[str, Any]]], key: str) -> None:
    """The ``tasks``, ``costs`` and ``links`` sheets of some systems, each row led by ``key`` columns."""
    lead = list(systems[0][0]) if systems else [key]
    tasks = [{**ids, **task} for ids, system in systems for task in _tasks(system)]
    _sheet(wb, "tasks", [*lead, *_TASK, *_extra(tasks, [*lead, *_TASK])], tasks)
    costs = [{**ids, **(system.get("cost_breakdown") or {}), "cost": system.get("cost")} for ids, system in systems]
    _sheet(wb, "costs", [*lead, *_extra(costs, lead)], costs)
    links = [
        {**ids, "a": link["between"][0], "b": link["between"][1], "interface": link.get("interface"),
         "matched": link.get("matched")}
        for ids, system in systems
        for link in system.get("links") or []
    ]  # fmt: skip
    _sheet(wb, "links", [*lead, "a", "b", "interface", "matched"], links)


def _system_row(system: Mapping[str, Any]) -> dict[str, Any]:
    integration = system.get("integration") or {}
    return {
        "cost": system.get("cost"),
        "lead_time": system.get("lead_time"),
        "hub": system.get("hub"),
        "person": system.get("person"),
        "partners": system.get("partners"),
        "proven_optimal": system.get("proven_optimal"),
        "integration_start": integration.get("start"),
        "integration_end": integration.get("end"),
    }


def solution_to_workbook(document: Mapping[str, Any]) -> Any:
    """A workbook of a solution JSON (``modcluster/solution/1``).

    >>> from decimal import Decimal
    >>> wb = solution_to_workbook({"schema": "modcluster/solution/1", "status": "optimal", "candidates": [
    ...     {"rank": 1, "cost": Decimal("5227.5"), "lead_time": 9, "hub": "h", "modules": [], "links": []}]})
    >>> wb.sheetnames, wb["candidates"]["B2"].value, wb["candidates"]["B2"].number_format
    (['summary', 'candidates', 'tasks', 'costs', 'links'], Decimal('5227.5'), '#,##0.00')
    """
    wb = _new()
    _summary(wb, document, ("schema", "product", "quantity", "objective", "status", "explanation"))
    candidates = list(document.get("candidates") or [])
    rows = [{"rank": c.get("rank"), **_system_row(c)} for c in candidates]
    _sheet(wb, "candidates", ["rank", *_system_row({})], rows)
    _systems(wb, [({"rank": c.get("rank")}, c) for c in candidates], "rank")
    return wb


def plan_to_workbook(document: Mapping[str, Any]) -> Any:
    """A workbook of a plan JSON (``modcluster/plan/1``)."""
    wb = _new()
    keys = ("schema", "objective", "status", "total_cost", "total_lead_time", "makespan", "price_of_sharing")
    _summary(wb, document, (*keys, "explanation"))
    alone = {a.get("id"): a for a in document.get("alone") or []}
    entries = list(document.get("entries") or [])
    rows = []
    for entry in entries:
        by_itself = alone.get(entry.get("id"), {})
        rows.append(
            {
                **{k: entry.get(k) for k in ("id", "product", "quantity", "release")},
                **_system_row(entry.get("system") or {}),
                "alone_status": by_itself.get("status"),
                "alone_cost": by_itself.get("cost"),
                "alone_lead_time": by_itself.get("lead_time"),
            }
        )
    headers = [
        "id",
        "product",
        "quantity",
        "release",
        *_system_row({}),
        "alone_status",
        "alone_cost",
        "alone_lead_time",
    ]
    _sheet(wb, "entries", headers, rows)
    _systems(wb, [({"entry": e.get("id")}, e.get("system") or {}) for e in entries], "entry")
    return wb


def configuration_to_workbook(document: Mapping[str, Any]) -> Any:
    """A workbook of a configuration JSON (``modcluster/configuration/1``)."""
    wb = _new()
    summary = dict(document)
    summary["selection"] = [f"{k}={v}" for k, v in (document.get("selection") or {}).items()]
    summary["ruled_out"] = [str(r) for r in document.get("ruled_out") or []]
    _summary(
        wb, summary, ("schema", "product", "quantity", "objective", "status", "complete", "selection", "ruled_out")
    )
    rows = []
    for decision in document.get("decisions") or []:
        for value in decision.get("values") or []:
            scalars = {k: v for k, v in value.items() if not isinstance(v, (Mapping, list))}
            rows.append({"decision": decision.get("decision"), **scalars})
    headers = ["decision", "value", "status", "cost", "lead_time"]
    _sheet(wb, "decisions", [*headers, *_extra(rows, headers)], rows)
    best = document.get("best")
    systems = [({"system": "best"}, best)] if isinstance(best, Mapping) else []
    # ``best`` has no ``proven_optimal`` (MODEL.md v1.1): the column would always be empty, so it is left out.
    headers = ["system", *(h for h in _system_row({}) if h != "proven_optimal")]
    rows_best = [{"system": "best", **_system_row(s)} for _i, s in systems]
    _sheet(wb, "candidates", headers, rows_best)
    _systems(wb, systems, "system")
    return wb


def table_to_workbook(header: Sequence[str], rows: Iterable[Sequence[str]], title: str = "results") -> Any:
    """A one-sheet workbook of a table of text (a sweep's ``--csv``): money and numbers become exact numbers.

    >>> wb = table_to_workbook(["scenario", "cost", "hub"], [["s1", "5227.50", "h"]])
    >>> wb["results"]["B2"].value, wb["results"]["B2"].number_format
    (Decimal('5227.50'), '#,##0.00')
    """
    from modcluster.domain import read_number

    def typed(column: str, text: str) -> Any:
        if text == "":
            return None
        if _money_column(column) or column in _NUMBERS or column.rsplit(".", 1)[-1] in _NUMBERS:
            try:
                number = read_number(text)
            except ValueError:
                return text
            return int(number) if number == number.to_integral_value() and "." not in text else number
        return {"true": True, "false": False}.get(text, text) if column in ("proven_optimal", "people") else text

    records = [{h: typed(h, cell) for h, cell in zip(header, row, strict=False)} for row in rows]
    wb = _new()
    _sheet(wb, title, list(header), records, first=True)
    return wb


def results_to_workbook(document: Any) -> Any:
    """A workbook of any result document: a solution, a plan or a configuration (by its ``schema``).

    A sweep's results are a table: see :func:`table_to_workbook`.

    Raises:
        ValueError: The document is none of them.
    """
    schema = document.get("schema") if isinstance(document, Mapping) else None
    writers = {
        "modcluster/solution/1": solution_to_workbook,
        "modcluster/plan/1": plan_to_workbook,
        "modcluster/configuration/1": configuration_to_workbook,
    }
    if schema not in writers:
        raise ValueError(f"not a solution, plan or configuration JSON (schema {schema!r}): {', '.join(writers)}")
    return writers[str(schema)](document)
