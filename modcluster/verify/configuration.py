"""The independent check of a decision table (``modcluster/configuration/1``, contract v1.1).

Like the rest of :mod:`modcluster.verify`, it never imports the solver. It
reads the table as data and checks:

1. the header: the schema, product, quantity and objective of the request;
2. every ``possible`` value with a system: the system is a valid candidate
   of the request (:func:`~modcluster.verify.candidate.check_candidate`:
   eligibility, schedule, figures, limits), it takes the value, the
   selection allows it (every chosen value taken, none ruled out: read off
   the system by :func:`reported_decisions`), and the value's ``cost`` and
   ``lead_time`` are the system's;
3. ``best``: a valid system allowed by the selection, no worse under the
   objective than any value's system (every system is some hub's, so the
   best is the best hub value's), and equal to it;
4. ``selected`` marks exactly the chosen values; a ruled-out value is never
   ``possible``; another value of a chosen decision (an alternative) is
   judged with that value chosen instead, and may beat ``best``; an
   ``impossible`` value has no system;
5. a ``why`` names only the selection's items and the request's set limits
   (that it is the smallest such set is checked by exhaustive search in the tests).

What it cannot see is whether a value called impossible really has no
system, or a best system really is the best: that is the solver's claim,
checked by exhaustive search on small instances in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from modcluster.domain import CONFIGURATION_SCHEMA, Catalog, Request
from modcluster.errors import VerificationError
from modcluster.verify.candidate import check_candidate
from modcluster.verify.checks import objective_tuple
from modcluster.verify.eligibility import taxonomy_parents
from modcluster.verify.figures import Problem, render
from modcluster.verify.reading import Reader, read_candidate
from modcluster.verify.selection import reported_decisions, selection_problems

__all__ = [
    "check_configuration",
    "reported_decisions",
    "selection_problems",
    "system_check",
    "verify_configuration",
]

VALUE_STATUSES = ("possible", "impossible", "unknown")


def system_check(
    catalog: Catalog, request: Request, system: Any
) -> tuple[list[str], dict[str, str], tuple[Decimal, ...] | None]:
    """A reported system's problems as a candidate of the request, its decisions, and its objective key.

    Args:
        catalog: The catalog.
        request: The request of the table.
        system: The system's JSON fields (a v1 candidate, ``rank`` and ``proven_optimal`` optional).
    """
    product = catalog.product_by_id.get(request.product)
    if product is None:
        return [f"unknown product {request.product!r}"], {}, None
    reader = Reader()
    data = dict(system) if isinstance(system, Mapping) else system
    if isinstance(data, dict):
        data.setdefault("rank", 1)
        data.setdefault("proven_optimal", False)
    rep = read_candidate(data, reader)
    problems: list[Problem] = list(reader.problems)
    found, figures = check_candidate(catalog, request, product, rep, taxonomy_parents(catalog))
    problems += found
    key = None
    if figures is not None and rep.lead_time is not None:
        key = objective_tuple(request, figures.cost, rep.lead_time)
    return render(problems), reported_decisions(rep), key


class _Checked:
    """Each distinct system of a table checked once (a table repeats its best systems many times)."""

    def __init__(self, catalog: Catalog, request: Request) -> None:
        self.catalog, self.request = catalog, request
        self.seen: dict[str, tuple[list[str], dict[str, str], tuple[Decimal, ...] | None]] = {}

    def problems(
        self, system: Any, chosen: Mapping[str, str], ruled: set[tuple[str, str]], value: tuple[str, str] | None
    ) -> tuple[list[str], tuple[Decimal, ...] | None]:
        text = json.dumps(system, sort_keys=True, default=str)
        if text not in self.seen:
            self.seen[text] = system_check(self.catalog, self.request, system)
        problems, values, key = self.seen[text]
        return problems + selection_problems(values, chosen, ruled, value), key


def verify_configuration(catalog: Catalog, request: Request, table: Any) -> list[str]:
    """Every disagreement between a decision table and the catalog and request (empty: verified).

    Args:
        catalog: The catalog.
        request: The request the table answers.
        table: A :class:`~modcluster.domain.Configuration` or its parsed JSON.
    """
    data: Any = table.to_dict() if hasattr(table, "to_dict") else table
    reader = Reader()
    top = reader.mapping(data, "", "the configuration")
    if top is None:
        return render(reader.problems)
    problems: list[str] = render(reader.problems)
    for key, want in (
        ("schema", CONFIGURATION_SCHEMA),
        ("product", request.product),
        ("quantity", request.quantity),
        ("objective", request.objective.value),
    ):
        if top.get(key) != want:
            problems.append(f"{key}: expected {want!r}, got {top.get(key)!r}")
    chosen_raw = top.get("selection") or {}
    chosen = {str(d): str(v) for d, v in chosen_raw.items()} if isinstance(chosen_raw, Mapping) else {}
    ruled: set[tuple[str, str]] = set()
    for item in top.get("ruled_out") or []:
        if isinstance(item, Mapping):
            ruled.add((str(item.get("decision")), str(item.get("value"))))
    checked = _Checked(catalog, request)
    best_key = None
    best = top.get("best")
    if best is not None:
        found, best_key = checked.problems(best, chosen, ruled, None)
        problems += [f"best: {p}" for p in found]
    keys: list[tuple[str, tuple[Decimal, ...]]] = []
    for row in top.get("decisions") or []:
        problems += _row_problems(checked, row, chosen, ruled, keys, request)
    if best_key is not None:
        better = [place for place, key in keys if key < best_key]
        problems += [f"{place}: its system is better than best" for place in better]
        hub_keys = [key for place, key in keys if place.startswith("hub=")]
        if "hub" not in chosen and hub_keys and min(hub_keys) != best_key:
            problems.append("best: not the best hub value's figures")
    elif any(True for _ in keys):
        problems.append("best: missing although some value is possible")
    status = top.get("status", "possible")
    if status not in VALUE_STATUSES:
        problems.append(f"status must be one of {list(VALUE_STATUSES)}, got {status!r}")
    elif (status == "possible") != (best is not None):
        problems.append(f"status {status!r}, but best is {'missing' if best is None else 'given'}")
    return problems


def _why_problems(
    place: str,
    status: Any,
    why: Any,
    chosen: Mapping[str, str],
    ruled: set[tuple[str, str]],
    request: Request,
) -> list[str]:
    """A ``why`` is a list of the selection's items and the request's set limits, given for impossible values.

    Only its form is checked here: that it is the *smallest* excluding set is the solver's
    claim, checked against exhaustive enumeration in the tests.
    """
    if status != "impossible":
        return [f"{place}: {status}, but it has a why"]
    if not isinstance(why, list):
        return [f"{place}: why must be a list, got {why!r}"]
    parts = {f"select {d}={v}" for d, v in chosen.items()} | {f"rule out {d}={v}" for d, v in ruled}
    limits = request.limits
    parts |= {f"limits.{name}" for name in ("budget", "deadline", "max_partners") if getattr(limits, name) is not None}
    return [
        f"{place}: why names {part!r}, not an item of the selection or a set limit" for part in why if part not in parts
    ]


def _row_problems(
    checked: _Checked,
    row: Any,
    chosen: Mapping[str, str],
    ruled: set[tuple[str, str]],
    keys: list[tuple[str, tuple[Decimal, ...]]],
    request: Request,
) -> list[str]:
    if not isinstance(row, Mapping):
        return [f"decisions: a row must be an object, got {row!r}"]
    decision = str(row.get("decision"))
    problems: list[str] = []
    for entry in row.get("values") or []:
        if not isinstance(entry, Mapping):
            problems.append(f"{decision}: a value must be an object, got {entry!r}")
            continue
        value = str(entry.get("value"))
        place = f"{decision}={value}"
        status = entry.get("status")
        if status not in VALUE_STATUSES:
            problems.append(f"{place}: status must be one of {list(VALUE_STATUSES)}, got {status!r}")
        is_chosen = chosen.get(decision) == value
        if bool(entry.get("selected", False)) != is_chosen:
            problems.append(f"{place}: 'selected' is {entry.get('selected', False)!r}, the selection says {is_chosen}")
        if status == "possible" and (decision, value) in ruled:
            problems.append(f"{place}: possible, but it is ruled out")
        alternative = decision in chosen and not is_chosen  # judged with this value chosen instead
        why = entry.get("why")
        if why is not None:
            problems += _why_problems(place, status, why, chosen, ruled, request)
        system = entry.get("system")
        if status != "possible":
            if system is not None:
                problems.append(f"{place}: {status}, but it has a system")
            continue
        if system is None:
            problems.append(f"{place}: possible, but no system")
            continue
        under = {**chosen, decision: value} if alternative else chosen
        found, key = checked.problems(system, under, ruled, (decision, value))
        problems += [f"{place}: {p}" for p in found]
        if key is not None:
            if not alternative:  # an alternative lies outside the selection: it may beat its best
                keys.append((place, key))
            for field in ("cost", "lead_time"):
                if field in entry and entry[field] != system.get(field):
                    problems.append(f"{place}: {field} {entry[field]} is not its system's {system.get(field)}")
    return problems


def check_configuration(catalog: Catalog, request: Request, table: Any) -> None:
    """Raise :class:`~modcluster.errors.VerificationError` listing every problem of a table, if any."""
    problems = verify_configuration(catalog, request, table)
    if problems:
        raise VerificationError(problems)
