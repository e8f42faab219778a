"""The guarded model: the request's rules behind assumption literals, cores, least relaxations.

Used by the explain analysis (minimal conflicts, least relaxations) and by the
Pareto front (:mod:`modcluster.solver.pareto`: the cheapest system under a
lead-time bound, every rule assumed).

Every limit and filter of a request becomes a named **rule** enforced only
when its assumption literal is true (budget, deadline, max_partners, sites,
each exclude, each require, hub). A set of rules is *in conflict* when the
model with just those literals assumed is infeasible. CP-SAT's own core is not
minimal, so :func:`minimal_conflict` shrinks it by deletion: a rule is dropped
whenever the rest stays infeasible. Infeasibility is monotone in the rule set,
so the result is minimal: every proper subset is feasible.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from modcluster.domain import Candidate, Catalog, Request
from modcluster.errors import UndecidedError
from modcluster.solver.compile import Compiled, SlotVars, compile_model
from modcluster.solver.cpsat import SolverSettings, run_interruptible
from modcluster.solver.decode import decode
from modcluster.solver.instance import prepare
from modcluster.solver.objective import Lexicographic
from modcluster.solver.rules.limits import org_allowed
from modcluster.solver.size import check_model_size

__all__ = ["GuardedModel", "Least", "Rule", "minimal_conflict"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One limit or filter of the request, named as the user wrote it."""

    name: str
    text: str


class GuardedModel:
    """The request's model with every limit and filter guarded by an assumption literal.

    Built once; each check re-solves the same model under a different set of
    assumptions or objective.
    """

    def __init__(self, catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> None:
        self.catalog = catalog
        self.request = request
        self.settings = settings or SolverSettings()
        relaxed = request.with_changes(sites=None, exclude=[], hub=None)
        inst = prepare(catalog, relaxed)
        check_model_size(inst)  # the same refusal as solve: too large for memory, or beyond 64 bits
        self.compiled: Compiled = compile_model(inst, guarded=True)
        self.rules: dict[str, Rule] = {}
        self.literals: dict[str, cp_model.IntVar] = {}
        limits = request.limits
        texts = {
            "budget": f"budget {limits.budget}",
            "deadline": f"deadline {limits.deadline} days",
            "max_partners": f"max_partners {limits.max_partners}",
        }
        for name, lit in self.compiled.guards.items():
            text = texts.get(name) or f"require {name.split(':', 1)[1]}"
            self._add(Rule(name, text), lit)
        self._guard_filters()
        self.checks = 0

    def _add(self, rule: Rule, literal: cp_model.IntVar) -> None:
        self.rules[rule.name] = rule
        self.literals[rule.name] = literal

    def _slots(self) -> Iterable[SlotVars]:
        for mv in self.compiled.modules:
            if mv.buy is not None:
                yield mv.buy
            yield from mv.steps
            if mv.seed is not None:
                yield mv.seed

    def _forbid(self, literal: cp_model.IntVar, orgs: set[str]) -> None:
        model = self.compiled.model
        for slot in self._slots():
            for org, lit in slot.org_lits.items():
                if org in orgs:
                    model.add(lit == 0).only_enforce_if(literal)
        for org, lit in self.compiled.hub.items():
            if org in orgs:
                model.add(lit == 0).only_enforce_if(literal)

    def _guard_filters(self) -> None:
        model, request, catalog = self.compiled.model, self.request, self.catalog
        if request.sites is not None:
            lit = model.new_bool_var("guard:sites")
            outside = {o.id for o in catalog.organizations if not org_allowed(o, request.with_changes(exclude=[]))}
            self._forbid(lit, outside)
            self._add(Rule("sites", "sites " + ", ".join(request.sites)), lit)
        for org in request.exclude:
            lit = model.new_bool_var(f"guard:exclude:{org}")
            self._forbid(lit, {org})
            self._add(Rule(f"exclude:{org}", f"exclude {org}"), lit)
        if request.hub is not None:
            lit = model.new_bool_var("guard:hub")
            if request.hub not in self.compiled.hub:
                model.add_bool_or([lit.negated()])  # that hub cannot develop the family at all
            for org, hub_lit in self.compiled.hub.items():
                if org != request.hub:
                    model.add(hub_lit == 0).only_enforce_if(lit)  # other hubs may still supply
            self._add(Rule("hub", f"hub {request.hub}"), lit)

    def _solve(self, names: Iterable[str], seconds: float) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
        model = self.compiled.model
        model.clear_assumptions()
        model.add_assumptions([self.literals[n] for n in names])
        solver = cp_model.CpSolver()
        self.settings.apply(solver, seconds)
        self.checks += 1
        status, _ = run_interruptible(solver, model)
        return status, solver

    def feasible(self, names: Iterable[str], seconds: float) -> bool | None:
        """Whether the rules ``names`` together admit a system (None: not decided in time)."""
        self.compiled.model.clear_objective()  # type: ignore[no-untyped-call]
        status, _ = self._solve(names, seconds)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True
        if status == cp_model.INFEASIBLE:
            return False
        return None

    def keys(self, quantity: str) -> list[cp_model.LinearExprT]:
        """The lexicographic keys of minimising ``cost``, ``lead_time`` or ``partners`` (ties: cost, lead time)."""
        c = self.compiled
        if quantity == "cost":
            return [c.cost, c.lead]
        if quantity == "lead_time":
            return [c.lead, c.cost]
        if quantity == "partners":
            return [cp_model.LinearExpr.sum(list(c.partners.values())), c.cost, c.lead]
        raise ValueError(f"unknown quantity {quantity!r}")

    def least(self, quantity: str, names: Iterable[str], seconds: float) -> Least:
        """The least ``cost`` (cents), ``lead_time`` (days) or ``partners`` under the rules ``names``.

        Solved in lexicographic phases (:class:`~modcluster.solver.objective.Lexicographic`),
        so no figure is packed into one number.
        """
        c = self.compiled
        c.model.clear_assumptions()
        c.model.add_assumptions([self.literals[n] for n in names])
        self.checks += 1
        result = Lexicographic(c.model, self.keys(quantity)).solve(self.settings, time.monotonic() + seconds)
        if result.solver is None:
            return Least("none" if result.status == cp_model.INFEASIBLE else "unknown")
        proven = result.status == cp_model.OPTIMAL and not result.interrupted
        candidate = decode(c, result.solver, 1, proven)
        return Least("found", result.keys[0], candidate, proven)

    def core(self, seconds: float) -> list[str] | None:
        """CP-SAT's (not minimal) core of all rules; None when all rules together are feasible.

        Raises:
            UndecidedError: CP-SAT neither found a system nor proved there is none in time.
        """
        self.compiled.model.clear_objective()  # type: ignore[no-untyped-call]
        names = list(self.rules)
        status, solver = self._solve(names, seconds)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        if status != cp_model.INFEASIBLE:
            raise UndecidedError("whether the request's rules admit a system was not decided within the time limit")
        indices = solver.sufficient_assumptions_for_infeasibility()
        by_index = {self.literals[n].index: n for n in names}
        core = [by_index[i] for i in indices if i in by_index]
        return core or names


@dataclass(frozen=True, slots=True)
class Least:
    """The outcome of :meth:`GuardedModel.least`.

    Attributes:
        status: ``found`` (``amount`` and ``candidate`` set), ``none`` (proven:
            the rules admit no system) or ``unknown`` (not decided in time).
        amount: The least amount (cents, days or partners).
        candidate: A system achieving it.
        proven: Whether ``amount`` was proven least.
    """

    status: str
    amount: int | None = None
    candidate: Candidate | None = None
    proven: bool = False


def minimal_conflict(model: GuardedModel, seconds: float) -> tuple[list[Rule], bool] | None:
    """A minimal set of the request's rules that together admit no system.

    Returns the rules and whether minimality was proven within ``seconds``
    (a check that runs out of time keeps its rule, and no check starts after
    the time is up); None when all rules together are feasible.

    Raises:
        UndecidedError: Not even the first check (all rules together) was decided in time.
    """
    stop_at = time.monotonic() + seconds
    core = model.core(seconds)
    if core is None:
        return None
    kept: list[str] = list(core)
    proven = True
    for name in list(kept):
        rest = [n for n in kept if n != name]
        remaining = stop_at - time.monotonic()
        if rest and remaining <= 0:
            proven = False  # no time left to try dropping it
            continue
        answer = model.feasible(rest, remaining) if rest else True
        if answer is False:
            kept = rest
        elif answer is None:
            proven = False
    return [model.rules[n] for n in kept], proven
