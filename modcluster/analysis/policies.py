"""What each municipal policy is worth (MODEL.md v1.1 "Policies"): per product, the work it moves, who competes.

For every product (its default request, one candidate, ``policies: true``)
the analysis solves:

- the **baseline**: the same request with ``policies: false``, the best
  system when no policy is in effect;
- the best system **with every policy** of the catalog;
- per policy, the best system **without that policy**: the catalog with the
  policy removed (:meth:`~modcluster.domain.Catalog.replace`), every other
  policy still in effect.

"Best" is under the request's objective; the figures compared are the
systems' net costs (exact decimals). Definitions:

- A policy's **value** for a product is the cost of the best system without
  it minus the cost of the best system with every policy. It is given only
  when both solves are proven optimal (status ``proven``); a system with the
  policy and a proof that there is none without it is ``unlocks`` (the
  budget bounds the net cost, so a refund can make a product possible); a
  proof that there is none either way is ``no system``; anything else (a
  solve stopped by its time limit, or one that failed) is ``unknown``, and
  no value is given. ``inconsistent`` (proven impossible with every policy
  yet proven possible without one: refunds only lower the net cost) would
  be a solver bug.
- The **work** of a system at a city is the gross sum of its cost terms of
  the five kinds a policy can cover (steps, modules, licences, integration,
  people), each counted at the site of the organisation paid (a step's doer,
  a module's seller, a seed's licensor, the hub for integration and
  people); onboarding is no city's work. A policy's effect lists, per city
  where either best system works, the work with the policy and without it;
  the cities whose work is larger with the policy **gain** from it, those
  whose work is smaller **lose**. Work is read whenever both solves found a
  system, proven or not (the effect's ``proven`` says which).
- Two policies **compete** when their ``sites`` share no city and some
  **task slot** of some product, named by its configuration decision
  (``modules.<m>.source`` for a bought module, ``modules.<m>.steps.<n>``,
  ``modules.<m>.seed``, ``hub``), has, for one cost kind both policies apply
  to (modules, steps, licences; integration and people for the hub), an
  eligible option (under the product's default request) at an organisation
  each policy covers (its site among the policy's ``sites`` and, with
  ``members_of``, a member). For each product
  where they compete the analysis says whether removing the first moved work
  into the second's cities (their work is larger in the best system without
  the first than with every policy) and the other way round; None (unknown)
  unless both solves of that row are proven optimal.

Every figure is a solve's answer; with ``seconds`` the whole analysis shares
one time limit (:func:`~modcluster.analysis.timing.within`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from modcluster.analysis.timing import stop_at, within
from modcluster.domain import Candidate, Catalog, Policy, Request, Solution, Status, default_request
from modcluster.engine import solve
from modcluster.errors import SolverError, UndecidedError
from modcluster.solver import Instance, SolverSettings, prepare
from modcluster.solver.progress import step

__all__ = [
    "NO_SITE",
    "CityWork",
    "Competition",
    "PolicyBaseline",
    "PolicyEffect",
    "PolicyValue",
    "SlotRivalry",
    "city_work",
    "policy_value",
]

PROVEN, UNLOCKS, NO_SYSTEM, UNKNOWN, INCONSISTENT = "proven", "unlocks", "no system", "unknown", "inconsistent"
NO_SITE = "(no site)"
"""The city of work done by an organisation without a ``site``."""
_WORK_KINDS = ("steps", "modules", "licences", "integration", "people")


@dataclass(frozen=True, slots=True)
class CityWork:
    """The gross work done at one city in the best system with a policy and in the best without it.

    >>> CityWork("Sagamihara", Decimal("2730"), Decimal("1350")).change
    Decimal('1380')
    """

    city: str
    with_policy: Decimal
    without_policy: Decimal

    @property
    def change(self) -> Decimal:
        """Work with the policy minus work without it: positive where the policy brings work."""
        return self.with_policy - self.without_policy

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"city": self.city, "with": self.with_policy, "without": self.without_policy, "change": self.change}


@dataclass(frozen=True, slots=True)
class PolicyEffect:
    """One policy and one product: the best system with every policy against the best without this one.

    Attributes:
        policy: The policy's id.
        product: The product's id.
        cost_with: The net cost of the best system found with every policy (None: none found).
        cost_without: The net cost of the best system found without this policy (None: none found).
        status_with, status_without: The two solves' statuses (``optimal``, ``feasible``,
            ``infeasible``, ``unknown``; ``error`` when the solve failed).
        work: Per city where either system works, its work with and without the policy (by city).
        note: Why a solve gave no answer (a solver error), else None.
    """

    policy: str
    product: str
    cost_with: Decimal | None
    cost_without: Decimal | None
    status_with: str
    status_without: str
    work: tuple[CityWork, ...] = ()
    note: str | None = None

    @property
    def status(self) -> str:
        """``proven``, ``unlocks``, ``no system``, ``unknown`` or ``inconsistent`` (module docstring)."""
        return _status(self.status_with, self.status_without)

    @property
    def proven(self) -> bool:
        """Whether both solves proved their answers (optimal or infeasible)."""
        return _decided(self.status_with) and _decided(self.status_without)

    @property
    def value(self) -> Decimal | None:
        """Cost without minus cost with, only when both are proven optimal (status ``proven``)."""
        if self.status != PROVEN or self.cost_with is None or self.cost_without is None:
            return None
        return self.cost_without - self.cost_with

    @property
    def gains(self) -> tuple[CityWork, ...]:
        """The cities with more work with the policy than without it."""
        return tuple(w for w in self.work if w.change > 0)

    @property
    def losses(self) -> tuple[CityWork, ...]:
        """The cities with less work with the policy than without it."""
        return tuple(w for w in self.work if w.change < 0)

    def work_at(self, cities: Sequence[str]) -> tuple[Decimal, Decimal] | None:
        """The work at these cities with and without the policy (None when a solve found no system)."""
        if self.cost_with is None or self.cost_without is None:
            return None
        rows = [w for w in self.work if w.city in cities]
        return sum((w.with_policy for w in rows), Decimal(0)), sum((w.without_policy for w in rows), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "policy": self.policy,
            "product": self.product,
            "status": self.status,
            "value": self.value,
            "cost_with": self.cost_with,
            "cost_without": self.cost_without,
            "status_with": self.status_with,
            "status_without": self.status_without,
            "proven": self.proven,
            "work": [w.to_dict() for w in self.work],
            "gains": [w.city for w in self.gains],
            "losses": [w.city for w in self.losses],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class PolicyBaseline:
    """One product's best system with every policy and with none (``policies: false``).

    Attributes:
        product: The product's id.
        cost_with: Net cost of the best system with every policy (None: none found).
        cost_without: Cost of the best system with no policy in effect (None: none found).
        subsidies: The refunds of the best system with every policy (None: none found).
        status_with, status_without: The two solves' statuses (``optimal``, ``feasible``,
            ``infeasible``, ``unknown``; ``error`` when the solve failed).
    """

    product: str
    cost_with: Decimal | None
    cost_without: Decimal | None
    subsidies: Decimal | None
    status_with: str
    status_without: str

    @property
    def proven(self) -> bool:
        """Whether both solves proved their answers (optimal or infeasible)."""
        return _decided(self.status_with) and _decided(self.status_without)

    @property
    def status(self) -> str:
        """What every policy together does for the product: ``proven``, ``unlocks``, ``no system``, ``unknown`` ..."""
        return _status(self.status_with, self.status_without)

    @property
    def value(self) -> Decimal | None:
        """What every policy together is worth: cost with none minus cost with all, when both are proven optimal."""
        if self.status != PROVEN or self.cost_with is None or self.cost_without is None:
            return None
        return self.cost_without - self.cost_with

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "cost_with_every_policy": self.cost_with,
            "cost_with_no_policy": self.cost_without,
            "subsidies": self.subsidies,
            "status": self.status,
            "value": self.value,
            "status_with_every_policy": self.status_with,
            "status_with_no_policy": self.status_without,
            "proven": self.proven,
        }


@dataclass(frozen=True, slots=True)
class SlotRivalry:
    """A task slot of a product with options covered by each of two competing policies.

    Attributes:
        product: The product's id.
        slot: The slot's configuration decision, e.g. ``modules.housing.steps.1`` or ``hub``.
        kind: The cost kind both policies cover there.
        first, second: The eligible organisations the first and the second policy cover.
    """

    product: str
    slot: str
    kind: str
    first: tuple[str, ...]
    second: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "product": self.product,
            "slot": self.slot,
            "kind": self.kind,
            "organizations": [list(self.first), list(self.second)],
        }


@dataclass(frozen=True, slots=True)
class Competition:
    """Two policies of different cities that cover options of the same task slots.

    Attributes:
        first, second: The two policies' ids (catalog order).
        first_sites, second_sites: Their cities.
        slots: Where they compete.
        moves: Per product where they compete: whether removing the first moved
            work into the second's cities, and removing the second into the
            first's (None: unknown, the row's solves are not both proven optimal).
    """

    first: str
    second: str
    first_sites: tuple[str, ...]
    second_sites: tuple[str, ...]
    slots: tuple[SlotRivalry, ...]
    moves: tuple[tuple[str, bool | None, bool | None], ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "policies": [self.first, self.second],
            "sites": [list(self.first_sites), list(self.second_sites)],
            "slots": [s.to_dict() for s in self.slots],
            "moves": [
                {"product": product, "without_first_into_second": a, "without_second_into_first": b}
                for product, a, b in self.moves
            ],
        }


@dataclass(frozen=True, slots=True)
class PolicyValue:
    """The policies of a catalog, per product: baselines, each policy's effect, competing pairs.

    ``policies`` is empty when the catalog has none (nothing was solved).
    """

    policies: tuple[Policy, ...]
    baselines: tuple[PolicyBaseline, ...]
    effects: tuple[PolicyEffect, ...]
    competing: tuple[Competition, ...]

    def of(self, policy: str) -> tuple[PolicyEffect, ...]:
        """One policy's rows, in product order."""
        return tuple(e for e in self.effects if e.policy == policy)

    def effect(self, policy: str, product: str) -> PolicyEffect:
        """The row of one policy and one product."""
        return next(e for e in self.effects if e.policy == policy and e.product == product)

    @property
    def proven(self) -> bool:
        """Whether every figure was proven (every solve optimal or infeasible)."""
        return all(b.proven for b in self.baselines) and all(e.proven for e in self.effects)

    @property
    def decided(self) -> bool:
        """Whether some figure was proven (False: the time limit or the solver decided nothing)."""
        return any(b.proven for b in self.baselines) or any(e.proven for e in self.effects)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: per policy a summary, then the baselines, the rows and the competing pairs."""
        return {
            "policies": [
                {
                    "policy": p.id,
                    "sites": list(p.sites),
                    "improves": [e.product for e in self.of(p.id) if e.value is not None and e.value > 0],
                    "unlocks": [e.product for e in self.of(p.id) if e.status == UNLOCKS],
                }
                for p in self.policies
            ],
            "baselines": [b.to_dict() for b in self.baselines],
            "effects": [e.to_dict() for e in self.effects],
            "competing": [c.to_dict() for c in self.competing],
            "proven": self.proven,
        }


# --------------------------------------------------------------------------- coverage and task slots


def _slots(inst: Instance) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every task slot of the prepared product: (decision, cost kind, eligible organisations in catalog order)."""

    def orgs(ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ids))

    out: list[tuple[str, str, tuple[str, ...]]] = []
    for plan in inst.modules:
        m = plan.module.id
        if plan.buy:
            out.append((f"modules.{m}.source", "modules", orgs([o.org for o in plan.buy])))
        if plan.can_make:
            for n, options in enumerate(plan.steps or (), start=1):
                out.append((f"modules.{m}.steps.{n}", "steps", orgs([o.org for o in options])))
            if plan.seeds:
                out.append((f"modules.{m}.seed", "licences", orgs([o.org for o in plan.seeds])))
    out.append(("hub", "integration", orgs([h.org for h in inst.hubs])))
    placed = orgs([h.org for h in inst.hubs if h.person is not None])
    if placed:
        out.append(("hub", "people", placed))
    return out


def _rivalries(first: Policy, second: Policy, product: str, inst: Instance) -> list[SlotRivalry]:
    """The task slots of ``inst`` where both policies cover some option (coverage: the solver's rule home)."""
    plans = {p.id: p for p in inst.policies}  # prepared with policies: true, so every policy is there
    out = []
    for slot, kind, orgs in _slots(inst):
        a = tuple(o for o in orgs if plans[first.id].covers(kind, o))
        b = tuple(o for o in orgs if plans[second.id].covers(kind, o))
        if a and b:
            out.append(SlotRivalry(product, slot, kind, a, b))
    return out


# --------------------------------------------------------------------------- work by city


def city_work(catalog: Catalog, request: Request, candidate: Candidate) -> dict[str, Decimal]:
    """The gross work of a system by city: its cost terms but onboarding, at the site of the organisation paid.

    The terms are the verifier's (:func:`~modcluster.verify.evaluate_system`), recomputed from the catalog.
    """
    from modcluster.verify import choices_of, evaluate_system

    hub, choices = choices_of(candidate)
    figures = evaluate_system(catalog, request, hub, choices, candidate.person)
    out: dict[str, Decimal] = {}
    for term in figures.terms:
        if term.kind not in _WORK_KINDS or term.organization is None:
            continue
        org = catalog.org_by_id[term.organization]
        city = NO_SITE if org.site is None else org.site
        out[city] = out.get(city, Decimal(0)) + term.amount
    return out


def _work(
    catalog: Catalog, request: Request, with_: Candidate | None, without: Candidate | None
) -> tuple[CityWork, ...]:
    if with_ is None or without is None:
        return ()
    a, b = city_work(catalog, request, with_), city_work(catalog, request, without)
    return tuple(CityWork(city, a.get(city, Decimal(0)), b.get(city, Decimal(0))) for city in sorted(set(a) | set(b)))


# --------------------------------------------------------------------------- the solves


@dataclass(frozen=True, slots=True)
class _Answer:
    """A solve's answer, or why there is none."""

    status: str
    best: Candidate | None
    note: str | None = None


def _solve(catalog: Catalog, request: Request, settings: SolverSettings | None) -> _Answer:
    """Solve; a solve that fails (solver error, model too large, undecided) answers ``error`` with the reason."""
    try:
        solution: Solution = solve(catalog, request, settings)
    except (SolverError, UndecidedError) as exc:
        return _Answer("error", None, str(exc))
    return _Answer(solution.status.value, solution.best)


_STATUSES = {
    (Status.OPTIMAL.value, Status.OPTIMAL.value): PROVEN,
    (Status.OPTIMAL.value, Status.INFEASIBLE.value): UNLOCKS,
    (Status.INFEASIBLE.value, Status.INFEASIBLE.value): NO_SYSTEM,
    (Status.INFEASIBLE.value, Status.OPTIMAL.value): INCONSISTENT,
}


def _decided(status: str) -> bool:
    return status in (Status.OPTIMAL.value, Status.INFEASIBLE.value)


def _status(with_: str, without: str) -> str:
    """The row's status from the two solves' (module docstring); ``unknown`` unless both proved their answers.

    >>> _status("optimal", "infeasible"), _status("optimal", "feasible"), _status("error", "optimal")
    ('unlocks', 'unknown', 'unknown')
    """
    return _STATUSES.get((with_, without), UNKNOWN)


def _cost(answer: _Answer) -> Decimal | None:
    return None if answer.best is None else answer.best.cost


def policy_value(
    catalog: Catalog,
    products: Sequence[str] | None = None,
    settings: SolverSettings | None = None,
    seconds: float | Decimal | None = None,
) -> PolicyValue:
    """Solve each product with every policy, with none, and without each policy in turn (module docstring).

    >>> from modcluster import load_catalog
    >>> value = policy_value(load_catalog("catalogs/examples/policies.yaml"))
    >>> [(e.policy, str(e.value), [w.city for w in e.gains]) for e in value.effects]  # doctest: +NORMALIZE_WHITESPACE
    [('sagamihara-robot-fund', '700.00', ['Sagamihara']), ('hachioji-monozukuri', '0.00', []),
     ('sayama-startup', '250.00', [])]
    >>> value.baselines[0].status  # no system within the budget without any policy
    'unlocks'

    Args:
        catalog: The catalog (its ``policies``; without any, nothing is solved).
        products: The products to analyse, by id (default: every product of the catalog).
        settings: CP-SAT parameters.
        seconds: Time for the whole analysis, shared among the solves
            (:func:`~modcluster.analysis.timing.within`); None: each solve keeps
            its request's time limit.

    Returns:
        The baselines, one effect per policy and product, and the competing pairs.

    Raises:
        RequestError: A product is unknown, or its default request is not valid.
    """
    policies = catalog.policies or ()
    ids = list(dict.fromkeys(products if products is not None else [p.id for p in catalog.products]))
    requests = [default_request(catalog, pid).with_changes(candidates=1, policies=True) for pid in ids]
    if not policies:
        return PolicyValue((), (), (), ())
    end = stop_at(seconds)
    solves = len(requests) * (2 + len(policies))
    baselines: list[PolicyBaseline] = []
    effects: list[PolicyEffect] = []
    instances: dict[str, Instance] = {}
    for number, request in enumerate(requests, start=1):
        step(f"policies: {request.product}", number, len(requests))
        with_all = _solve(catalog, within(request, end, solves), settings)
        none = _solve(catalog, within(request.with_changes(policies=False), end, solves - 1), settings)
        solves -= 2
        baselines.append(
            PolicyBaseline(
                request.product,
                _cost(with_all),
                _cost(none),
                None if with_all.best is None else with_all.best.cost_breakdown.subsidies,
                with_all.status,
                none.status,
            )
        )
        for policy in policies:
            rest = catalog.replace(policies=tuple(p for p in policies if p.id != policy.id))
            without = _solve(rest, within(request, end, solves), settings)
            solves -= 1
            effects.append(
                PolicyEffect(
                    policy.id,
                    request.product,
                    _cost(with_all),
                    _cost(without),
                    with_all.status,
                    without.status,
                    _work(catalog, request, with_all.best, without.best),
                    with_all.note or without.note,
                )
            )
        instances[request.product] = prepare(catalog, request)
    value = PolicyValue(tuple(policies), tuple(baselines), tuple(effects), ())
    return PolicyValue(value.policies, value.baselines, value.effects, _competing(catalog, value, instances))


def _competing(catalog: Catalog, value: PolicyValue, instances: dict[str, Instance]) -> tuple[Competition, ...]:
    out = []
    policies = value.policies
    for i, first in enumerate(policies):
        for second in policies[i + 1 :]:
            if set(first.sites) & set(second.sites):
                continue
            slots = [r for pid, inst in instances.items() for r in _rivalries(first, second, pid, inst)]
            if not slots:
                continue
            moves = [
                (pid, _moved(value.effect(first.id, pid), second), _moved(value.effect(second.id, pid), first))
                for pid in dict.fromkeys(r.product for r in slots)
            ]
            out.append(Competition(first.id, second.id, first.sites, second.sites, tuple(slots), tuple(moves)))
    return tuple(out)


def _moved(removed: PolicyEffect, into: Policy) -> bool | None:
    """Whether removing ``removed.policy`` put more work at ``into``'s cities (None: not both proven optimal)."""
    work = removed.work_at(into.sites)
    if work is None or removed.status != PROVEN:
        return None
    with_, without = work
    return without > with_
