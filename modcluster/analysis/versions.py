"""Catalog versions: what changed between two catalogs, and what it does to every product's answer.

A cluster changes every month: members join and leave, prices move, a lab's
seed matures, a tie forms. :func:`diff_catalogs` lists the change entity by
entity, field by field, old -> new; :func:`diff_answers` solves each
product's default request (or the requests given) on both versions and sets
the answers side by side: status, best cost and lead time, hub, the
organisations that joined or left the best system, the candidates whose rank
changed and, when asked, the single points of failure that appeared or
vanished.

**Paths.** A change is located by a path through the catalog where every
list is keyed by its entities' identity, never by position: an organisation
by its id, a process or module offer by its offer id (its capability or
module type unless it has an ``id``), a seed, product, person, policy,
capability, interface or intermediary by its id, a tie or a product link by
its two ends (``a~b``, sorted), a product module by its id. A make step,
which has no identity of its own, is keyed by its position from 1. Lists of
plain ids whose order means nothing (``members``, ``develops``, ``sites``
...) are sets: each element added or removed is one change, keyed by the
element. Mappings (``house_variants``, ``attributes``, ``require`` ...) are
keyed by their keys. For example
``organizations[hachioji-5axis].processes[machining.5axis].unit_cost``.

Values are compared exactly (``Decimal("1.0")`` equals ``Decimal("1")``, a
boolean never equals a number); a field left at its default equals the same
value written out.

**Honest answers.** With ``seconds`` the whole analysis shares one time
limit (:mod:`modcluster.analysis.timing`). An answer that was not proven
(status ``feasible`` or ``unknown``, or single points of failure not all
decided) is never reported as a change: its comparison's verdict is
``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from modcluster.analysis.dropouts import resilience
from modcluster.analysis.timing import stop_at, within
from modcluster.domain import (
    Candidate,
    Catalog,
    Make,
    Organization,
    Product,
    Request,
    Status,
    check_request,
    default_request,
)
from modcluster.engine import solve
from modcluster.errors import InputError
from modcluster.solver import SolverSettings
from modcluster.solver.progress import step

__all__ = [
    "ADDED",
    "CHANGED",
    "MISSING",
    "REMOVED",
    "UNUSABLE",
    "Answer",
    "AnswerDiff",
    "AnswersDiff",
    "CatalogDiff",
    "Change",
    "Question",
    "RankChange",
    "VersionsDiff",
    "diff_answers",
    "diff_catalogs",
    "entity_labels",
    "system_of",
]

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
"""The three kinds of :class:`Change`."""

MISSING = "missing"
"""An answer's status when its version of the catalog has no such product."""

UNUSABLE = "invalid"
"""An answer's status when the request does not fit its version (it names what that catalog lacks)."""

_DECIDED = frozenset({Status.OPTIMAL.value, Status.INFEASIBLE.value, MISSING, UNUSABLE})


# --------------------------------------------------------------------------- the key table


@dataclass(frozen=True, slots=True)
class _Key:
    """How a list of entities is keyed: its label (plural) and the key of one entity (None: by position)."""

    label: str
    key: Callable[[Any], str] | None


def _ident(item: Any) -> str:
    return str(item.id)


def _offer(item: Any) -> str:
    return str(item.offer_id)


def _pair(item: Any) -> str:
    return "~".join(sorted(str(end) for end in item.between))


#: Every keyed list of a catalog, written once: (model, field) -> label and identity. Its order is the
#: order of the summary.
_KEYS: dict[tuple[type[BaseModel], str], _Key] = {
    (Catalog, "capabilities"): _Key("capabilities", _ident),
    (Catalog, "interfaces"): _Key("interfaces", _ident),
    (Catalog, "intermediaries"): _Key("intermediaries", _ident),
    (Catalog, "organizations"): _Key("organisations", _ident),
    (Organization, "processes"): _Key("process offers", _offer),
    (Organization, "modules"): _Key("module offers", _offer),
    (Organization, "seeds"): _Key("seeds", _ident),
    (Catalog, "relationships"): _Key("ties", _pair),
    (Catalog, "products"): _Key("products", _ident),
    (Product, "modules"): _Key("product modules", _ident),
    (Make, "steps"): _Key("make steps", None),
    (Product, "links"): _Key("links", _pair),
    (Catalog, "people"): _Key("people", _ident),
    (Catalog, "policies"): _Key("policies", _ident),
}

_CATALOG = "catalog"
"""The label of a change to the catalog's own fields (``name``, ``units``, ``defaults``)."""


def entity_labels() -> tuple[str, ...]:
    """The entity labels of :attr:`Change.entity`, in the order of :meth:`CatalogDiff.summary`.

    >>> entity_labels()[:4]
    ('catalog', 'capabilities', 'interfaces', 'intermediaries')
    """
    return (_CATALOG, *dict.fromkeys(k.label for k in _KEYS.values()))


# --------------------------------------------------------------------------- catalog changes


@dataclass(frozen=True, slots=True)
class Change:
    """One change between two catalogs.

    Attributes:
        path: Where, e.g. ``organizations[hachioji-5axis].processes[machining.5axis].unit_cost``.
        kind: ``added``, ``removed`` or ``changed``.
        old: The old value as plain data (None for ``added``); a whole entity for ``removed``.
        new: The new value as plain data (None for ``removed``); a whole entity for ``added``.
        entity: The label of the entity changed (``organisations``, ``process offers``, ``ties`` ...;
            ``catalog`` for the catalog's own fields).
        entity_path: The path of that entity (the change's own path when an entity is added or removed).
    """

    path: str
    kind: str
    old: Any
    new: Any
    entity: str
    entity_path: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new, "entity": self.entity}


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    """Every change from an old catalog to a new one, in a stable order (see the module docstring)."""

    changes: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        """Whether the two catalogs are the same."""
        return not self.changes

    def summary(self) -> tuple[tuple[str, int, int, int], ...]:
        """Per entity label with changes: how many entities were added, removed and changed.

        An entity counts once, however many of its fields changed; an entity
        inside one that was changed counts under its own label.
        """
        kinds: dict[str, dict[str, str]] = {}
        for c in self.changes:
            entities = kinds.setdefault(c.entity, {})
            entities[c.entity_path] = c.kind if c.path == c.entity_path else CHANGED
        rows = []
        for label in entity_labels():
            if label in kinds:
                counted = list(kinds[label].values())
                rows.append((label, counted.count(ADDED), counted.count(REMOVED), counted.count(CHANGED)))
        return tuple(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "empty": self.empty,
            "summary": [{"entity": label, "added": a, "removed": r, "changed": c} for label, a, r, c in self.summary()],
            "changes": [c.to_dict() for c in self.changes],
        }


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """Every change from ``old`` to ``new``: entities added and removed, fields changed old -> new.

    Args:
        old: The earlier version.
        new: The later version.

    Returns:
        The changes in the catalog's field order, entities of a list sorted by key.

    Examples:
        >>> from modcluster import load_catalog
        >>> cat = load_catalog("catalogs/examples/mini.yaml")
        >>> diff_catalogs(cat, cat).empty
        True
        >>> org = cat.organizations[0]
        >>> moved = cat.replace(organizations=[org.model_copy(update={"capacity": 3}), *cat.organizations[1:]])
        >>> [(c.path, c.old, c.new) for c in diff_catalogs(cat, moved).changes]
        [('organizations[mini-optics].capacity', 1, 3)]
    """
    return CatalogDiff(tuple(_walk(old, new, "", (_CATALOG, ""))))


def _walk(old: Any, new: Any, path: str, owner: tuple[str, str]) -> Iterator[Change]:
    """The changes between two values at ``path``; ``owner`` is the (label, path) of the entity they are in."""
    if old is new:
        return
    if isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old) is type(new):
        yield from _fields(old, new, path, owner)
    elif isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            yield from _entry(old.get(key), new.get(key), key in old, key in new, f"{path}[{key}]", owner)
    elif isinstance(old, tuple) and isinstance(new, tuple) and _scalars(old) and _scalars(new):
        olds, news = {_token(v): v for v in old}, {_token(v): v for v in new}
        for token in sorted(set(olds) | set(news)):
            item = olds.get(token, news.get(token))
            yield from _entry(item, item, token in olds, token in news, f"{path}[{_text(item)}]", owner)
    elif not _same(old, new):
        yield Change(path, CHANGED, _plain(old), _plain(new), *owner)


def _fields(old: BaseModel, new: BaseModel, path: str, owner: tuple[str, str]) -> Iterator[Change]:
    for name, field in type(old).model_fields.items():
        alias = field.alias or name
        where = f"{path}.{alias}" if path else alias
        keyed = _KEYS.get((type(old), name))
        a, b = getattr(old, name), getattr(new, name)
        if keyed is not None or ((_models(a) or _models(b)) and _listish(a) and _listish(b)):
            yield from _entities(a or (), b or (), where, keyed or _Key(alias, None))
        else:
            yield from _walk(a, b, where, owner)


def _entities(old: Sequence[Any], new: Sequence[Any], path: str, keyed: _Key) -> Iterator[Change]:
    """Two lists of entities matched by identity: removed, added, and the fields of those in both."""
    olds, news = _by_key(old, keyed), _by_key(new, keyed)
    for key in sorted(set(olds) | set(news), key=lambda k: (k[0], k[1])):
        where = f"{path}[{key[1]}]"
        yield from _entry(olds.get(key), news.get(key), key in olds, key in news, where, (keyed.label, where))


def _by_key(items: Sequence[Any], keyed: _Key) -> dict[tuple[int, str], Any]:
    """Entities by key (positions from 1 when the list has no identity; ``#2`` ... for a repeated key)."""
    out: dict[tuple[int, str], Any] = {}
    for index, item in enumerate(items, start=1):
        if keyed.key is None:
            out[(index, str(index))] = item
            continue
        key, seen = keyed.key(item), 1
        while (0, key if seen == 1 else f"{key}#{seen}") in out:
            seen += 1
        out[(0, key if seen == 1 else f"{key}#{seen}")] = item
    return out


def _entry(old: Any, new: Any, in_old: bool, in_new: bool, path: str, owner: tuple[str, str]) -> Iterator[Change]:
    if in_old and not in_new:
        yield Change(path, REMOVED, _plain(old), None, *owner)
    elif in_new and not in_old:
        yield Change(path, ADDED, None, _plain(new), *owner)
    else:
        yield from _walk(old, new, path, owner)


def _models(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, BaseModel) for v in value)


def _listish(value: Any) -> bool:
    return value is None or isinstance(value, tuple)


def _scalars(value: tuple[Any, ...]) -> bool:
    return not any(isinstance(v, (BaseModel, Mapping, tuple)) for v in value)


def _kind(value: Any) -> str:
    """What a plain value is, so that equal-comparing values of different kinds differ (``True`` and 1)."""
    if value is None or isinstance(value, bool):
        return type(value).__name__
    if isinstance(value, (int, Decimal)):
        return "number"
    return type(value).__name__


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return _kind(a) == _kind(b) and bool(a == b)


def _token(value: Any) -> tuple[str, str]:
    """A set element's identity: its kind and its text (numbers normalised)."""
    plain = _plain(value)
    return _kind(plain), _text(plain)


def _text(value: Any) -> str:
    """A plain value as it appears in a path: ``true``, ``2.5``, ``ISO5``."""
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _plain(value: Any) -> Any:
    """Plain data: a model as the mapping of its fields not at their defaults (by alias), enums as values."""
    if isinstance(value, BaseModel):
        return _plain(value.model_dump(mode="python", by_alias=True, exclude_defaults=True))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True)
class Question:
    """One request to put to both versions.

    Attributes:
        label: How the answers are named (the product id for a default request, a scenario's id ...).
        product: The product asked about (None: the request names it; then a version without it
            gives an ``invalid`` answer, not a ``missing`` one).
        build: Builds the request on one version of the catalog; raises
            :class:`~modcluster.errors.InputError` when it does not fit that version.
    """

    label: str
    product: str | None
    build: Callable[[Catalog], Request]

    @classmethod
    def of(cls, request: Request, label: str | None = None) -> Question:
        """The same request on both versions (checked against each)."""
        return cls(label or request.product, request.product, lambda catalog: check_request(catalog, request))

    @classmethod
    def default(cls, product: str) -> Question:
        """The product's default request, each version's own."""
        return cls(product, product, lambda catalog: default_request(catalog, product))


@dataclass(frozen=True, slots=True)
class Answer:
    """One version's answer to one question.

    Attributes:
        status: The solution's status (``optimal``, ``feasible``, ``infeasible``, ``unknown``), or
            ``missing`` (this version has no such product) or ``invalid`` (the request does not fit it).
        candidates: The ranked candidates found.
        note: Why the product is missing or the request invalid.
        spofs: The organisations of the best system proven to be single points of failure (None: not asked,
            or no best system).
        spofs_decided: Whether every organisation of the best system was decided (with ``spofs``).
    """

    status: str
    candidates: tuple[Candidate, ...] = ()
    note: str | None = None
    spofs: tuple[str, ...] | None = None
    spofs_decided: bool = False

    @property
    def best(self) -> Candidate | None:
        """Candidate 1, if any."""
        return self.candidates[0] if self.candidates else None

    @property
    def decided(self) -> bool:
        """Whether the answer is proven: optimal, infeasible, or no request to solve (missing, invalid)."""
        return self.status in _DECIDED

    @property
    def organizations(self) -> tuple[str, ...]:
        """The hub and partners of the best system, sorted (empty without one)."""
        best = self.best
        return () if best is None else tuple(sorted({best.hub, *best.partners}))

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the status, the best system's figures, each candidate's, the single points of failure."""
        best = self.best
        return {
            "status": self.status,
            "note": self.note,
            "cost": None if best is None else best.cost,
            "lead_time": None if best is None else best.lead_time,
            "hub": None if best is None else best.hub,
            "partners": [] if best is None else list(best.partners),
            "candidates": [
                {
                    "rank": c.rank,
                    "cost": c.cost,
                    "lead_time": c.lead_time,
                    "proven_optimal": c.proven_optimal,
                    "system": system_of(c),
                }
                for c in self.candidates
            ],
            "single_points_of_failure": None if self.spofs is None else list(self.spofs),
            "single_points_of_failure_decided": self.spofs_decided,
        }


def system_of(candidate: Candidate) -> dict[str, Any]:
    """A candidate's system as plain data: hub, person placed, and each module's source (its identity).

    Two candidates of two versions are the same system when these are equal
    (:meth:`~modcluster.domain.Candidate.signature`).
    """
    modules: dict[str, str] = {}
    for m in candidate.modules:
        if m.source == "buy":
            modules[m.id] = f"buy {m.organization}"
            continue
        parts = [" > ".join(s.organization for s in m.steps)]
        if m.seed is not None:
            parts.append(f"(seed {m.seed.seed} of {m.seed.organization})")
        modules[m.id] = " ".join(["make", *(p for p in parts if p)])
    return {"hub": candidate.hub, "person": candidate.person, "modules": modules}


@dataclass(frozen=True, slots=True)
class RankChange:
    """A system whose rank differs between the versions (None: not among that version's candidates)."""

    system: dict[str, Any]
    old_rank: int | None
    new_rank: int | None
    old_cost: Decimal | None
    new_cost: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "system": self.system,
            "old_rank": self.old_rank,
            "new_rank": self.new_rank,
            "old_cost": self.old_cost,
            "new_cost": self.new_cost,
        }


@dataclass(frozen=True, slots=True)
class AnswerDiff:
    """One question's answers on the old and the new version, and what differs.

    Every difference is given only when both answers are proven (:attr:`decided`);
    otherwise the verdict is ``unknown`` and the lists are empty.
    """

    label: str
    product: str | None
    old: Answer
    new: Answer

    @property
    def decided(self) -> bool:
        """Whether both answers are proven."""
        return self.old.decided and self.new.decided

    @property
    def cost_delta(self) -> Decimal | None:
        """New best cost minus old (None unless both are proven and have a best system)."""
        if not self.decided or self.old.best is None or self.new.best is None:
            return None
        return self.new.best.cost - self.old.best.cost

    @property
    def lead_time_delta(self) -> int | None:
        """New best lead time minus old (None as for :attr:`cost_delta`)."""
        if not self.decided or self.old.best is None or self.new.best is None:
            return None
        return self.new.best.lead_time - self.old.best.lead_time

    @property
    def joined(self) -> tuple[str, ...]:
        """Organisations in the new best system and not in the old one (both proven, both with a system)."""
        if self.cost_delta is None:
            return ()
        return tuple(sorted(set(self.new.organizations) - set(self.old.organizations)))

    @property
    def left(self) -> tuple[str, ...]:
        """Organisations in the old best system and not in the new one."""
        if self.cost_delta is None:
            return ()
        return tuple(sorted(set(self.old.organizations) - set(self.new.organizations)))

    @property
    def rank_changes(self) -> tuple[RankChange, ...]:
        """Systems ranked differently, matched by identity; by new rank, then those that left the ranking.

        Empty unless both answers are proven and both have candidates (else the status says it all).
        """
        if not self.decided or not self.old.candidates or not self.new.candidates:
            return ()
        olds = {c.signature(): c for c in self.old.candidates}
        news = {c.signature(): c for c in self.new.candidates}
        out = []
        for sig in [*news, *(s for s in olds if s not in news)]:
            o, n = olds.get(sig), news.get(sig)
            if o is not None and n is not None and o.rank == n.rank:
                continue
            shown = n if n is not None else o
            assert shown is not None
            out.append(
                RankChange(
                    system_of(shown),
                    None if o is None else o.rank,
                    None if n is None else n.rank,
                    None if o is None else o.cost,
                    None if n is None else n.cost,
                )
            )
        return tuple(out)

    @property
    def reference(self) -> dict[str, Any] | None:
        """The system the others are described against: the old best, else the new best (:func:`system_of`)."""
        best = self.old.best or self.new.best
        return None if best is None else system_of(best)

    @property
    def spofs_compared(self) -> bool:
        """Whether the single points of failure of both best systems were all decided."""
        return self.decided and self.old.spofs_decided and self.new.spofs_decided

    @property
    def spofs_appeared(self) -> tuple[str, ...]:
        """Single points of failure of the new best system that the old one did not have."""
        if not self.spofs_compared:
            return ()
        return tuple(sorted(set(self.new.spofs or ()) - set(self.old.spofs or ())))

    @property
    def spofs_vanished(self) -> tuple[str, ...]:
        """Single points of failure of the old best system that the new one does not have."""
        if not self.spofs_compared:
            return ()
        return tuple(sorted(set(self.old.spofs or ()) - set(self.new.spofs or ())))

    @property
    def verdict(self) -> str:
        """``changed``, ``unchanged`` or ``unknown`` (an answer not proven: nothing is claimed)."""
        if not self.decided:
            return "unknown"
        old, new = self.old.best, self.new.best
        moved = (
            self.old.status != self.new.status
            or (old is not None and new is not None and (old.hub, old.person) != (new.hub, new.person))
            or bool(self.cost_delta or self.lead_time_delta or self.joined or self.left or self.rank_changes)
            or bool(self.spofs_appeared or self.spofs_vanished)
        )
        return "changed" if moved else "unchanged"

    def to_dict(self) -> dict[str, Any]:
        """JSON form: both answers and the differences."""
        return {
            "label": self.label,
            "product": self.product,
            "verdict": self.verdict,
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "cost_delta": self.cost_delta,
            "lead_time_delta": self.lead_time_delta,
            "joined": list(self.joined),
            "left": list(self.left),
            "rank_changes": [r.to_dict() for r in self.rank_changes],
            "single_points_of_failure_appeared": list(self.spofs_appeared) if self.spofs_compared else None,
            "single_points_of_failure_vanished": list(self.spofs_vanished) if self.spofs_compared else None,
        }


@dataclass(frozen=True, slots=True)
class AnswersDiff:
    """Every question's answers on both versions, in the order asked."""

    answers: tuple[AnswerDiff, ...]
    resilience: bool = False

    @property
    def changed(self) -> tuple[AnswerDiff, ...]:
        """The answers that changed."""
        return tuple(a for a in self.answers if a.verdict == "changed")

    @property
    def proven(self) -> bool:
        """Whether every answer was proven (and, with resilience, every single point of failure decided)."""
        return all(a.decided and (not self.resilience or _spofs_settled(a)) for a in self.answers)

    @property
    def undecided(self) -> bool:
        """Whether no answer could be proven at all (and there was one to prove)."""
        return bool(self.answers) and not any(a.decided for a in self.answers)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "resilience": self.resilience,
            "proven": self.proven,
            "changed": [a.label for a in self.changed],
            "answers": [a.to_dict() for a in self.answers],
        }


def _spofs_settled(a: AnswerDiff) -> bool:
    return all(side.best is None or side.spofs_decided for side in (a.old, a.new))


@dataclass(frozen=True, slots=True)
class VersionsDiff:
    """Two versions compared: their labels (file names), the catalog change and, if asked, the answers."""

    old: str
    new: str
    catalog: CatalogDiff
    answers: AnswersDiff | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "old": self.old,
            "new": self.new,
            "catalog": self.catalog.to_dict(),
            "answers": None if self.answers is None else self.answers.to_dict(),
        }


#: The weight of one resilience run before its system is known, in solves (about the organisations of a system).
_RESILIENCE_GUESS = 10


class _Clock:
    """The whole analysis's time, shared by weight: a solve weighs 1, a resilience run its dropouts."""

    def __init__(self, seconds: float | Decimal | None, weight: int) -> None:
        self.end, self.weight = stop_at(seconds), weight

    def share(self, request: Request, weight: int) -> Request:
        """``request`` with ``weight`` parts of the time left over the weight still to run."""
        return within(request, self.end, max(self.weight // max(weight, 1), 1))

    def spent(self, weight: int) -> None:
        self.weight = max(self.weight - weight, 1)


def diff_answers(
    old: Catalog,
    new: Catalog,
    requests: Sequence[Request | Question] | None = None,
    settings: SolverSettings | None = None,
    seconds: float | Decimal | None = None,
    *,
    products: Sequence[str] | None = None,
    spof: bool = False,
) -> AnswersDiff:
    """Solve each question on both versions and set the answers side by side.

    Args:
        old: The earlier version.
        new: The later version.
        requests: What to ask: requests (the same request on both versions, checked against each) or
            :class:`Question` objects (a request built per version). None: each product's default
            request, each version's own, for the products of either version (old order, then new ones).
        settings: CP-SAT parameters.
        seconds: Time for the whole analysis, shared among its solves (:mod:`modcluster.analysis.timing`);
            None: each solve keeps its request's time limit. What the time does not decide is not proven.
        products: With ``requests`` None, only these products' default requests.
        spof: Also compare the single points of failure of the two best systems
            (:func:`~modcluster.analysis.resilience`: one solve per organisation of each).

    Returns:
        One :class:`AnswerDiff` per question, in order. A product missing from a version, or a
        request that does not fit it, is an answer (``missing``, ``invalid``), not an error.

    Examples:
        >>> from modcluster import load_catalog
        >>> cat = load_catalog("catalogs/examples/mini.yaml")
        >>> [(a.label, a.verdict) for a in diff_answers(cat, cat).answers]
        [('mini-sensor', 'unchanged')]
        >>> gone = cat.without(["mini-optics"])
        >>> a = diff_answers(cat, gone).answers[0]
        >>> a.verdict, a.old.status, a.new.status
        ('changed', 'optimal', 'infeasible')
    """
    questions = _questions(old, new, requests, products)
    per_side = 1 + (_RESILIENCE_GUESS if spof else 0)
    clock = _Clock(seconds, 2 * per_side * len(questions))
    answers = []
    for number, q in enumerate(questions, start=1):
        step(f"diff: {q.label}", number, len(questions))
        sides = [_answer(catalog, q, clock, settings, spof) for catalog in (old, new)]
        answers.append(AnswerDiff(q.label, q.product, sides[0], sides[1]))
    return AnswersDiff(tuple(answers), spof)


def _questions(
    old: Catalog, new: Catalog, requests: Sequence[Request | Question] | None, products: Sequence[str] | None
) -> list[Question]:
    if requests is not None:
        return [r if isinstance(r, Question) else Question.of(r) for r in requests]
    ids = list(dict.fromkeys([p.id for p in old.products] + [p.id for p in new.products]))
    if products is not None:
        wanted = set(products)
        ids = [i for i in ids if i in wanted]
    return [Question.default(i) for i in ids]


def _answer(catalog: Catalog, q: Question, clock: _Clock, settings: SolverSettings | None, spof: bool) -> Answer:
    """One version's answer: the request built and solved, and the best system's single points of failure."""
    guess = _RESILIENCE_GUESS if spof else 0
    if q.product is not None and q.product not in catalog.product_by_id:
        clock.spent(1 + guess)
        return Answer(MISSING, note=f"this version has no product {q.product!r}")
    try:
        request = q.build(catalog)
    except InputError as exc:
        clock.spent(1 + guess)
        return Answer(UNUSABLE, note=str(exc))
    solution = solve(catalog, clock.share(request, 1), settings)
    clock.spent(1)
    best = solution.best
    if not spof or best is None or solution.status is not Status.OPTIMAL:
        clock.spent(guess)
        return Answer(solution.status.value, solution.candidates)
    weight = 1 + len(best.partners)
    clock.weight += weight - guess
    result = resilience(catalog, clock.share(request, weight), best, settings)
    clock.spent(weight)
    spofs = tuple(sorted(d.organization for d in result.dropouts if d.single_point_of_failure))
    decided = all(d.decided for d in result.dropouts)
    return Answer(solution.status.value, solution.candidates, None, spofs, decided)
