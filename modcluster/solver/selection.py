"""The configurator's rule in the solver: a selection narrows the instance's options (contract v1.1).

A :class:`~modcluster.domain.Selection` is applied *before* anything is
compiled, by removing the options it excludes from the
:class:`~modcluster.solver.instance.Instance`. Every later stage (bounds,
pruning, hints, settling, the CP-SAT model) then sees only allowed systems,
with no rule of its own about selections. Its verifier counterpart is
:meth:`Selection.allows` applied to a reported system's decisions
(:func:`modcluster.verify.configuration.reported_decisions`).

- ``hub=X`` keeps hub X; ruling X out removes it. ``person=P`` (v1.1, in
  catalogs with people) keeps the hub options with P placed (``none``:
  nobody); ruling P out removes them.
- ``modules.m.source=make`` removes m's buy offers; ``=buy:X`` removes its
  make chain and every buy offer not of X; ruling either out removes them.
- ``modules.m.steps.n=X`` and ``modules.m.seed=X/s`` keep only that option of
  the slot and, as those decisions exist only in made modules, remove m's buy
  offers; ruling them out removes the option.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from modcluster.domain import (
    NO_PERSON,
    PERSON_DECISION,
    Request,
    Selection,
    seed_decision,
    source_decision,
    step_decision,
)
from modcluster.errors import Issue, RequestError

if TYPE_CHECKING:
    from modcluster.solver.instance import Instance, ModulePlan, Option

__all__ = ["decision_values", "narrow_to_request", "restrict", "seed_value", "selection_issues"]


def person_value(person: str | None) -> str:
    """A hub option's value of the ``person`` decision: the person's id, or ``none``."""
    return NO_PERSON if person is None else person


def seed_value(option: Option) -> str:
    """A seed option's value: ``organisation/seed``."""
    return f"{option.org}/{option.offer}"


def _distinct(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def decision_values(inst: Instance) -> list[tuple[str, tuple[str, ...]]]:
    """Every decision of the instance with its values, in table order.

    The hub, then per module its source (``make`` first when the module can
    be made, then ``buy:<org>`` in catalog order), its steps and its seed
    (when it can be made). An organisation with several eligible offers for
    one slot is one value.
    """
    out: list[tuple[str, tuple[str, ...]]] = [("hub", _distinct([h.org for h in inst.hubs]))]
    if inst.catalog.people is not None:  # v1.1: who is placed at the hub, nobody first
        placed = {h.person for h in inst.hubs}
        people = [p.id for p in inst.catalog.people if p.id in placed]
        out.append((PERSON_DECISION, tuple(([NO_PERSON] if None in placed else []) + people)))
    for plan in inst.modules:
        m = plan.module.id
        sources = (["make"] if plan.can_make else []) + [f"buy:{o.org}" for o in plan.buy]
        out.append((source_decision(m), _distinct(sources)))
        if not plan.can_make:
            continue
        for n, options in enumerate(plan.steps or (), start=1):
            out.append((step_decision(m, n), _distinct([o.org for o in options])))
        if plan.seeds is not None:
            out.append((seed_decision(m), _distinct([seed_value(o) for o in plan.seeds])))
    return out


def selection_issues(domain: list[tuple[str, tuple[str, ...]]], request: Request) -> list[Issue]:
    """Every ``select`` or ``rule_out`` entry of the request that names no decision or no eligible value."""
    values = dict(domain)
    issues = []
    entries = [(f"select.{d}", d, v) for d, v in request.select.items()]
    entries += [(f"rule_out.{d}[{i}]", d, v) for d, vs in request.rule_out.items() for i, v in enumerate(vs)]
    for place, decision, value in entries:
        if decision not in values:
            issues.append(Issue(place, f"no decision {decision!r} for {request.product} (see modcluster configure)"))
        elif value not in values[decision]:
            shown = ", ".join(values[decision][:8]) or "none"
            issues.append(Issue(place, f"{value!r} is not an eligible value of {decision} (eligible: {shown})"))
    return issues


def narrow_to_request(inst: Instance, request: Request) -> Instance:
    """The instance narrowed by the request's own ``select`` and ``rule_out`` (checked first).

    Raises:
        RequestError: An entry names no decision of the product, or no eligible value of it.
    """
    if not request.select and not request.rule_out:
        return inst
    issues = selection_issues(decision_values(inst), request)
    if issues:
        raise RequestError(issues)
    return restrict(inst, request.selection)


def restrict(inst: Instance, selection: Selection) -> Instance:
    """The instance with only the options the selection allows (the instance itself when it allows all)."""
    if not selection.chosen and not selection.ruled_out:
        return inst
    chosen = dict(selection.chosen)
    ruled = set(selection.ruled_out)
    hubs = tuple(
        h
        for h in inst.hubs
        if chosen.get("hub", h.org) == h.org
        and ("hub", h.org) not in ruled
        and chosen.get(PERSON_DECISION, person_value(h.person)) == person_value(h.person)
        and (PERSON_DECISION, person_value(h.person)) not in ruled
    )
    modules = tuple(_restrict_module(plan, chosen, ruled) for plan in inst.modules)
    return replace(inst, hubs=hubs, modules=modules)


def _restrict_module(plan: ModulePlan, chosen: dict[str, str], ruled: set[tuple[str, str]]) -> ModulePlan:
    m = plan.module.id
    source = source_decision(m)
    prefix = f"modules.{m}."
    made_by_choice = any(d.startswith(prefix) and d != source for d in chosen)
    wanted = chosen.get(source)
    buy = tuple(
        o
        for o in plan.buy
        if not made_by_choice and wanted in (None, f"buy:{o.org}") and (source, f"buy:{o.org}") not in ruled
    )
    steps, seeds = plan.steps, plan.seeds
    if wanted not in (None, "make") or (source, "make") in ruled:
        steps, seeds = None, None
    if steps is not None:
        steps = tuple(
            _keep(options, step_decision(m, n), lambda o: o.org, chosen, ruled)
            for n, options in enumerate(steps, start=1)
        )
    if seeds is not None:
        seeds = _keep(seeds, seed_decision(m), seed_value, chosen, ruled)
    return replace(plan, buy=buy, steps=steps, seeds=seeds)


def _keep(
    options: tuple[Option, ...],
    decision: str,
    value_of: Callable[[Option], str],
    chosen: dict[str, str],
    ruled: set[tuple[str, str]],
) -> tuple[Option, ...]:
    wanted = chosen.get(decision)
    return tuple(o for o in options if wanted in (None, value_of(o)) and (decision, value_of(o)) not in ruled)
