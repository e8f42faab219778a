"""Reading a solution: the JSON (or a candidate's mapping) as given, never trusted.

- :class:`Reader` reads fields defensively and collects the problems of their
  shape (a string, a whole number, money with at most two decimals, ...);
- :func:`read_candidate` reads one candidate into a :class:`Reported`: what it
  claims (rank, cost, lead time, hub, partners, links, breakdown), its choices
  and the interval of each task;
- :func:`choices_of` gives the hub and the choices of a candidate;
- :func:`request_differences` compares the request a solution embeds with the
  request given, numbers by value (``10``, ``10.0`` and ``"10"`` are equal).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modcluster.domain import CENT, Request, exact, read_number, readable
from modcluster.errors import VerificationError
from modcluster.verify.figures import BREAKDOWN_KEYS, BuyChoice, MakeChoice, ModuleSource, Problem, render

__all__ = [
    "MAX_AMOUNT",
    "Reader",
    "Reported",
    "choices_of",
    "read_candidate",
    "request_differences",
]

#: No solution the engine writes can hold a larger amount (the solver works in int64 cents).
MAX_AMOUNT = Decimal(10) ** 20


class Reader:
    """Reads a solution dict defensively, collecting the problems of its shape.

    Each method returns the value, or None (and records a problem at
    ``place``) when it has the wrong shape.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, data: Mapping[str, Any], key: str, place: str) -> str | None:
        """Return the string ``data[key]``."""
        value = data.get(key)
        if not isinstance(value, str):
            self.problems.append((place, f"field {key!r} must be a string, got {value!r}"))
            return None
        return value

    def whole(self, data: Mapping[str, Any], key: str, place: str) -> int | None:
        """Return the whole number ``data[key]`` (a bool is not one)."""
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append((place, f"field {key!r} must be a whole number, got {value!r}"))
            return None
        return value

    def money(self, data: Mapping[str, Any], key: str, place: str) -> Decimal | None:
        """Return the amount ``data[key]``: finite, within :data:`MAX_AMOUNT`, at most two decimals.

        An amount with more decimals is returned all the same (the problem is
        recorded), so that it is also compared with the recomputed figure.
        """
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            self.problems.append((place, f"field {key!r} must be a number, got {value!r}"))
            return None
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not amount.is_finite():
            self.problems.append((place, f"field {key!r} is not a finite number: {value!r}"))
            return None
        # adjusted() first: abs() of a Decimal beyond the context's exponent range raises decimal.Overflow.
        if amount.adjusted() > 20 or abs(amount) > MAX_AMOUNT or len(amount.as_tuple().digits) > 60:
            self.problems.append((place, f"field {key!r} = {str(amount)[:24]}... is beyond any cost a catalog allows"))
            return None
        with decimal.localcontext(exact()):
            if amount != amount.quantize(CENT):
                self.problems.append((place, f"field {key!r} = {amount} has more than two decimals"))
        return amount

    def interval(self, data: Mapping[str, Any], place: str) -> tuple[int, int] | None:
        """Return ``(start, end)`` of a task entry."""
        start = self.whole(data, "start", place)
        end = self.whole(data, "end", place)
        return None if start is None or end is None else (start, end)

    def mapping(self, value: Any, place: str, what: str) -> Mapping[str, Any] | None:
        """Return ``value`` when it is an object."""
        if not isinstance(value, Mapping):
            self.problems.append((place, f"{what} must be an object, got {value!r}"))
            return None
        return value

    def listing(self, value: Any, place: str, what: str) -> list[Any] | None:
        """Return ``value`` as a list when it is one."""
        if not isinstance(value, (list, tuple)):
            self.problems.append((place, f"{what} must be a list, got {value!r}"))
            return None
        return list(value)


@dataclass
class Reported:
    """One candidate as reported, as far as it could be read.

    ``times`` holds each task's ``(start, end)`` by task name (as in
    :class:`~modcluster.verify.figures.TaskFigure`); ``complete`` is False when
    a module entry or a choice could not be read, so that the system cannot be
    recomputed.
    """

    rank: int | None = None
    proven: bool | None = None
    cost: Decimal | None = None
    lead_time: int | None = None
    hub: str | None = None
    partners: list[Any] | None = None
    module_ids: list[str] = field(default_factory=list)
    sources: dict[str, ModuleSource] = field(default_factory=dict)
    capabilities: dict[str, list[Any]] = field(default_factory=dict)
    times: dict[str, tuple[int, int]] = field(default_factory=dict)
    complete: bool = True
    links: list[Any] | None = None
    breakdown: dict[str, Decimal | None] = field(default_factory=dict)
    person: str | None = None
    person_listed: bool = False


def read_candidate(data: Any, reader: Reader) -> Reported:
    """Read one candidate entry of a solution; the problems of its shape go to ``reader``."""
    rep = Reported(complete=False)
    cand = reader.mapping(data, "", "a candidate")
    if cand is None:
        return rep
    _read_claims(cand, reader, rep)
    modules = reader.listing(cand.get("modules"), "", "'modules'")
    if modules is None:
        return rep
    complete = True
    for index, item in enumerate(modules):
        entry = reader.mapping(item, f"modules[{index}]", "a module entry")
        if entry is None:
            complete = False
            continue
        module_id = reader.text(entry, "id", f"modules[{index}]")
        if module_id is None:
            complete = False
            continue
        rep.module_ids.append(module_id)
        complete = _read_module(entry, module_id, reader, rep) and complete
    rep.complete = complete
    return rep


def _read_claims(cand: Mapping[str, Any], reader: Reader, rep: Reported) -> None:
    """Read the figures a candidate claims: rank, proof, cost, lead time, hub, partners, links, breakdown."""
    rank = cand.get("rank")
    rep.rank = rank if isinstance(rank, int) and not isinstance(rank, bool) else None
    if rep.rank is None:
        reader.problems.append(("", f"field 'rank' must be a whole number, got {rank!r}"))
    proven = cand.get("proven_optimal")
    if not isinstance(proven, bool):
        reader.problems.append(("", f"field 'proven_optimal' must be true or false, got {proven!r}"))
    else:
        rep.proven = proven
    rep.cost = reader.money(cand, "cost", "")
    rep.lead_time = reader.whole(cand, "lead_time", "")
    rep.hub = reader.text(cand, "hub", "")
    if "person" in cand:  # v1.1: present exactly when the catalog has people (checked against the catalog)
        rep.person_listed = True
        rep.person = None if cand["person"] is None else reader.text(cand, "person", "")
    rep.partners = reader.listing(cand.get("partners"), "", "'partners'")
    rep.links = reader.listing(cand.get("links"), "", "'links'")
    breakdown = reader.mapping(cand.get("cost_breakdown"), "", "'cost_breakdown'")
    if breakdown is not None:
        for key in BREAKDOWN_KEYS:
            if key not in ("people", "subsidies") or key in breakdown:  # only with a catalog's people, policies
                rep.breakdown[key] = reader.money(breakdown, key, "cost_breakdown")
        for key in breakdown:
            if key not in BREAKDOWN_KEYS:
                reader.problems.append(("cost_breakdown", f"unknown key {key!r}"))
    integration = reader.mapping(cand.get("integration"), "", "'integration'")
    if integration is not None:
        interval = reader.interval(integration, "integration")
        if interval is not None:
            rep.times["integration"] = interval


def _read_module(entry: Mapping[str, Any], module_id: str, reader: Reader, rep: Reported) -> bool:
    """Read one module entry's source and task intervals; return whether it was read whole."""
    place = f"module {module_id}"
    source = entry.get("source")
    if source == "buy":
        org = reader.text(entry, "organization", place)
        offer = reader.text(entry, "offer", place)
        interval = reader.interval(entry, place)
        if org is None or offer is None:
            return False
        rep.sources[module_id] = BuyChoice(org, offer)
        if interval is not None:
            rep.times[f"module {module_id}"] = interval
        return True
    if source == "make":
        return _read_made(entry, module_id, reader, rep)
    reader.problems.append((place, f"source must be 'buy' or 'make', got {source!r}"))
    return False


def _read_made(entry: Mapping[str, Any], module_id: str, reader: Reader, rep: Reported) -> bool:
    """Read a made module's steps and seed; return whether they were read whole."""
    place = f"module {module_id}"
    steps = reader.listing(entry.get("steps"), place, "'steps'")
    if steps is None:
        return False
    complete = True
    picks: list[tuple[str, str]] = []
    caps: list[Any] = []
    for si, raw in enumerate(steps):
        where = f"{place} step {si + 1}"
        step = reader.mapping(raw, where, "a step entry")
        if step is None:
            complete = False
            continue
        caps.append(step.get("capability"))
        org = reader.text(step, "organization", where)
        offer = reader.text(step, "offer", where)
        interval = reader.interval(step, where)
        if org is None or offer is None:
            complete = False
            continue
        picks.append((org, offer))
        if interval is not None:
            rep.times[f"module {module_id} step {si + 1}"] = interval
    rep.capabilities[module_id] = caps
    if "seed" not in entry:
        reader.problems.append((place, "a made module needs a 'seed' entry (null when it has no technology)"))
    seed_pick: tuple[str, str] | None = None
    raw_seed = entry.get("seed")
    if raw_seed is not None:
        seed_pick = _read_seed(raw_seed, module_id, reader, rep)
        if seed_pick is None:
            return False
    rep.sources[module_id] = MakeChoice(tuple(picks), seed_pick)
    return complete


def _read_seed(raw: Any, module_id: str, reader: Reader, rep: Reported) -> tuple[str, str] | None:
    """Read a made module's seed entry: ``(organization, seed id)``, or None when it cannot be read."""
    where = f"module {module_id} seed"
    seed = reader.mapping(raw, where, "'seed'")
    if seed is None:
        return None
    org = reader.text(seed, "organization", where)
    seed_id = reader.text(seed, "seed", where)
    interval = reader.interval(seed, where)
    if org is None or seed_id is None:
        return None
    if interval is not None:
        rep.times[f"module {module_id} seed"] = interval
    return (org, seed_id)


def choices_of(candidate: Mapping[str, Any] | Any) -> tuple[str, dict[str, ModuleSource]]:
    """Return the hub and the module sources of a candidate.

    Args:
        candidate: A :class:`~modcluster.domain.solution.Candidate` or its JSON dict.

    Raises:
        VerificationError: The candidate cannot be read.
    """
    data = candidate if isinstance(candidate, Mapping) else candidate.to_dict()
    reader = Reader()
    rep = read_candidate(data, reader)
    if rep.hub is None or not rep.complete:
        raise VerificationError(render(reader.problems, "candidate") or ["the candidate cannot be read"])
    return rep.hub, rep.sources


# --------------------------------------------------------------------------- the embedded request


def request_differences(embedded: Mapping[str, Any], request: Request, path: str = "") -> list[str]:
    """Where the request embedded in a solution differs from ``request`` (empty: the same).

    Numbers are compared by value, whether written as numbers or as numeric
    strings; a field the request does not have is named.
    """
    expected = _number_like(request.model_dump(by_alias=True))
    return _diff(_number_like(embedded), expected, path)


def _number_like(value: Any) -> Any:
    """Normalise request data for comparison: numbers (and numeric strings) to Decimal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number.normalize(exact()) if readable(number) is None else value
    if isinstance(value, str):
        try:
            number = read_number(value)
        except ValueError:
            return value
        return number.normalize(exact())
    if isinstance(value, Mapping):
        return {str(k): _number_like(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_number_like(v) for v in value]
    return str(value)


def _diff(got: Any, want: Any, path: str) -> list[str]:
    if isinstance(got, dict) and isinstance(want, dict):
        out = []
        for key, value in got.items():
            if key not in want:
                out.append(f"{path}{key} is not a request field")
            else:
                out += _diff(value, want[key], f"{path}{key}.")
        return out
    if got != want:
        return [f"{path.rstrip('.')} is {_plain(got)}, the request has {_plain(want)}"]
    return []


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return repr(value)
