"""Read a CP-SAT solution back into an immutable :class:`~modcluster.domain.Candidate`."""

from __future__ import annotations

from decimal import Decimal

from ortools.sat.python import cp_model

from modcluster.domain.solution import (
    Candidate,
    CostBreakdown,
    LinkResult,
    ModuleChoice,
    SeedChoice,
    StepChoice,
)
from modcluster.errors import SolverError
from modcluster.solver.compile import Compiled, SlotVars
from modcluster.solver.prepare import Option

__all__ = ["decode"]


def _chosen(solver: cp_model.CpSolver, slot: SlotVars) -> Option:
    for option, lit in zip(slot.options, slot.lits, strict=True):
        if solver.boolean_value(lit):
            return option
    raise SolverError("internal: a task slot of the solution has no chosen option")


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def decode(compiled: Compiled, solver: cp_model.CpSolver, rank: int, proven: bool) -> Candidate:
    """Build the candidate of the solver's current solution.

    Cost terms are summed from the prepared cents of the chosen options and
    checked against the model's cost expression, so a modelling slip surfaces
    here rather than in a user's report.
    """
    inst = compiled.instance
    hub = next(org for org, lit in compiled.hub.items() if solver.boolean_value(lit))
    hub_option = next(h for h in inst.hubs if h.org == hub)
    modules: list[ModuleChoice] = []
    workers: set[str] = set()
    steps_cents = modules_cents = licence_cents = 0
    for plan, mv in zip(inst.modules, compiled.modules, strict=True):
        if mv.make is not None and solver.boolean_value(mv.make):
            assert plan.module.make is not None
            steps = []
            for step, slot in zip(plan.module.make.steps, mv.steps, strict=True):
                option = _chosen(solver, slot)
                steps.append(
                    StepChoice(
                        step.capability, option.org, option.offer, solver.value(slot.start), solver.value(slot.end)
                    )
                )
                steps_cents += option.cents
                workers.add(option.org)
            seed = None
            if mv.seed is not None:
                option = _chosen(solver, mv.seed)
                seed = SeedChoice(option.org, option.offer, solver.value(mv.seed.start), solver.value(mv.seed.end))
                licence_cents += option.cents
                workers.add(option.org)
            modules.append(ModuleChoice(plan.module.id, "make", steps=tuple(steps), seed=seed))
        else:
            assert mv.buy is not None
            option = _chosen(solver, mv.buy)
            modules_cents += option.cents
            workers.add(option.org)
            modules.append(
                ModuleChoice(
                    plan.module.id,
                    "buy",
                    organization=option.org,
                    offer=option.offer,
                    start=solver.value(mv.buy.start),
                    end=solver.value(mv.buy.end),
                )
            )
    links = []
    integration_cents = hub_option.design_cents
    integration_days = hub_option.integration_days
    for link, link_plan, expr in zip(inst.product.links, inst.links, compiled.matched, strict=True):
        matched = bool(solver.value(expr))
        if not matched:
            integration_cents += link_plan.bridge_cents[hub]
            integration_days += link_plan.bridge_days[hub]
        links.append(LinkResult(link.between, link.interface, matched))
    partners = tuple(sorted(workers - {hub}))
    onboarding_cents = sum(inst.onboarding_cents(hub, p) for p in partners)
    total = integration_cents + steps_cents + modules_cents + licence_cents + onboarding_cents
    if total != solver.value(compiled.cost):
        raise SolverError(f"internal: decoded cost {total} differs from the model's {solver.value(compiled.cost)}")
    start = solver.value(compiled.integration_start)
    lead = solver.value(compiled.lead)
    if start + integration_days != lead:
        raise SolverError("internal: integration duration differs from the model's")
    return Candidate(
        rank=rank,
        proven_optimal=proven,
        cost=_money(total),
        lead_time=lead,
        hub=hub,
        partners=partners,
        modules=tuple(modules),
        integration=(start, lead),
        links=tuple(links),
        cost_breakdown=CostBreakdown(
            integration=_money(integration_cents),
            steps=_money(steps_cents),
            modules=_money(modules_cents),
            licences=_money(licence_cents),
            onboarding=_money(onboarding_cents),
        ),
    )
