"""The state of a configuration as a URL query: the request's fields, then the acts in the order they were made.

A page of the web app holds nothing on the server that the URL does not
say: ``/configure?product=p&quantity=200&budget=24000&act=select:hub=h&act=rule_out:modules.m.source=make``
is one step of one configuration (the ``weighted`` objective's weights are
``weight_cost`` and ``weight_lead_time``, as the CLI's ``--weight-cost`` and
``--weight-lead-time``). Several tabs are independent, reload and
back work, and undo is the same URL without its last ``act``. This module
reads such a query into an :class:`Ask` (the request's fields, as text) and
a tuple of :class:`Act`, and writes them back; the request itself is built
by the library (:func:`modcluster.io.build_request`), which checks every
value.

>>> ask, acts = read_query([("product", "p"), ("budget", "9,000"), ("act", "select:hub=h")])
>>> ask.fields, acts
((('product', 'p'), ('budget', '9000')), (Act(kind='select', decision='hub', value='h'),))
>>> read_query([("product", "p"), ("objective", "weighted"), ("weight_lead_time", "1,200.5")])[0].overrides()
{'weights': {'lead_time': Decimal('1200.5')}, 'objective': 'weighted'}
>>> configure_url(ask, acts[:0])
'/configure?product=p&budget=9000'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from modcluster.domain import parse_assignment, read_number
from modcluster.errors import InputError

__all__ = [
    "ACT_KINDS",
    "FIELDS",
    "OBJECTIVES",
    "WEIGHT_FIELDS",
    "Act",
    "Ask",
    "configure_url",
    "query_of",
    "read_acts",
    "read_query",
]

#: The weights of the ``weighted`` objective a page takes, by URL name (the CLI's ``--weight-cost``,
#: ``--weight-lead-time``), with the request's ``weights`` key each sets.
WEIGHT_FIELDS = {"weight_cost": "cost", "weight_lead_time": "lead_time"}
#: The request fields a page takes, in the order they are written in URLs.
FIELDS = (
    "product",
    "quantity",
    "budget",
    "deadline",
    "max_partners",
    "objective",
    *WEIGHT_FIELDS,
    "start_date",
    "workdays",
)
#: The objectives the form offers (the request's own values).
OBJECTIVES = ("cost", "lead_time", "weighted")
#: The kinds of act, as written in an ``act`` parameter (``select:d=v``, ``rule_out:d=v``).
ACT_KINDS = ("select", "rule_out")
#: Most acts one URL may hold (a configuration has far fewer decisions; this bounds a hostile URL).
MAX_ACTS = 200
_WHOLE = re.compile(r"[+-]?\d{1,18}")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Act:
    """One step of a configuration: ``select`` or ``rule_out`` a value of a decision."""

    kind: str
    decision: str
    value: str

    def text(self) -> str:
        """The act as written in the URL: ``select:hub=kosoku-sensing``."""
        return f"{self.kind}:{self.decision}={self.value}"

    def label(self) -> str:
        """The act as a person reads it: ``select hub=kosoku-sensing``."""
        return f"{self.kind.replace('_', ' ')} {self.decision}={self.value}"


@dataclass(frozen=True, slots=True)
class Ask:
    """The request fields of a page, normalised text by name (only those given, in :data:`FIELDS` order)."""

    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The field's text, or None when it was not given."""
        return dict(self.fields).get(name)

    def overrides(self, time_limit: Any = None) -> dict[str, Any]:
        """The fields as request overrides for :func:`modcluster.io.build_request` (all but ``product``)."""
        given = dict(self.fields)
        out: dict[str, Any] = {}
        limits: dict[str, Any] = {k: int(given[k]) for k in ("deadline", "max_partners") if k in given}
        if "budget" in given:
            limits["budget"] = read_number(given["budget"])
        if limits:
            out["limits"] = limits
        if "quantity" in given:
            out["quantity"] = int(given["quantity"])
        weights = {key: read_number(given[name]) for name, key in WEIGHT_FIELDS.items() if name in given}
        if weights:  # merged key by key with the product's own weights (a weight not given keeps its value)
            out["weights"] = weights
        for name in ("objective", "start_date"):
            if name in given:
                out[name] = given[name]
        if "workdays" in given and "start_date" in given:
            out["calendar"] = {"weekdays": ["mon", "tue", "wed", "thu", "fri"]}
        if time_limit is not None:
            out["time_limit"] = time_limit
        return out


def _number(name: str, text: str, whole: bool) -> str:
    """A number field made plain (full-width digits and thousands commas accepted), or :class:`InputError`."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if "," in plain:
        if _GROUPED.fullmatch(plain) is None:
            raise InputError(
                f"{name}: {text!r}: a comma only separates thousands (9,000.50); write decimals with a point"
            )
        plain = plain.replace(",", "")
    if whole:
        if _WHOLE.fullmatch(plain) is None:
            raise InputError(f"{name}: not a whole number: {text!r}")
        return str(int(plain))
    if plain.lstrip("+-").lower() in ("nan", "snan", "inf", "infinity"):
        raise InputError(f"{name}: not a finite number: {text!r}")
    try:
        return str(read_number(plain))
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None


def _field(name: str, text: str) -> str:
    """One field's text, checked for its form (the library checks the value: a budget of -5 is its to refuse)."""
    text = text.strip()
    if name in ("quantity", "deadline", "max_partners"):
        return _number(name, text, whole=True)
    if name == "budget":
        return _number(name, text, whole=False)
    if name in WEIGHT_FIELDS:  # the library refuses a negative weight too; said here in the page's own words
        plain = _number(name, text, whole=False)
        if read_number(plain) == 0:
            return "0"  # -0 and 0.00 too
        if plain.startswith("-"):
            raise InputError(f"{name}: a weight must not be negative (0 leaves that figure out), got {text!r}")
        return plain
    if name == "objective" and text not in OBJECTIVES:
        raise InputError(f"objective: {text!r} is not one of {', '.join(OBJECTIVES)}")
    if name == "start_date" and _DATE.fullmatch(text) is None:
        raise InputError(f"start_date: {text!r} is not a date like 2027-04-01")
    if name == "workdays":
        return "1"
    return text


def read_acts(texts: Iterable[str]) -> tuple[Act, ...]:
    """The ``act`` parameters, in order (``select:d=v`` or ``rule_out:d=v``).

    Raises:
        InputError: An act is not written that way.
    """
    acts = []
    for text in texts:
        kind, sep, rest = text.partition(":")
        if not sep or kind not in ACT_KINDS:
            raise InputError(f"act {text!r}: write select:DECISION=VALUE or rule_out:DECISION=VALUE")
        try:
            decision, value = parse_assignment(rest)
        except InputError as exc:
            raise InputError(f"act {text!r}: {exc}") from None
        acts.append(Act(kind, decision, value))
    if len(acts) > MAX_ACTS:
        raise InputError(f"too many acts in one URL ({len(acts)}; at most {MAX_ACTS})")
    return tuple(acts)


def read_query(items: Sequence[tuple[str, str]]) -> tuple[Ask, tuple[Act, ...]]:
    """The request fields and the acts of a query (blank fields are left out: the product's defaults hold).

    Raises:
        InputError: A field or an act cannot be read, or no product is named.
    """
    given: dict[str, str] = {}
    for name, text in items:
        if name in FIELDS and text.strip() and name not in given:
            given[name] = _field(name, text)
    if "product" not in given:
        raise InputError("no product: pick one on the first page")
    ask = Ask(tuple((name, given[name]) for name in FIELDS if name in given))
    return ask, read_acts(text for name, text in items if name == "act")


def configure_url(ask: Ask, acts: Sequence[Act], **extra: str) -> str:
    """The URL of a configuration step (``extra``: more parameters, e.g. ``why``)."""
    query = [*ask.fields, *(("act", a.text()) for a in acts), *extra.items()]
    return "/configure?" + urlencode(query)


def query_of(ask: Ask, acts: Sequence[Act]) -> str:
    """The query string alone (for the figure and download links of a step)."""
    return urlencode([*ask.fields, *(("act", a.text()) for a in acts)])
