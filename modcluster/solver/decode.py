"""Read a CP-SAT solution back into an immutable :class:`~modcluster.domain.Candidate`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from ortools.sat.python import cp_model

from modcluster.domain import Candidate, CostBreakdown, LinkResult, ModuleChoice, SeedChoice, StepChoice
from modcluster.errors import SolverError
from modcluster.solver.compile import Compiled, ModuleVars, SlotVars
from modcluster.solver.hint import GreedyModule, GreedySystem, policy_terms
from modcluster.solver.instance import Instance, Option
from modcluster.solver.rules.onboarding import onboarding_total, partners_of
from modcluster.solver.rules.policies import net_cents

__all__ = ["SystemVars", "candidate_of", "decode", "solution_system", "system_of_candidate"]


class SystemVars(Protocol):
    """The variables of one system in a model: a v1 model (:class:`Compiled`) or a plan entry's."""

    @property
    def hub(self) -> dict[str, cp_model.IntVar]: ...  # noqa: D102
    @property
    def hub_option(self) -> dict[str, cp_model.IntVar]: ...  # noqa: D102
    @property
    def instance(self) -> Instance: ...  # noqa: D102
    @property
    def modules(self) -> list[ModuleVars]: ...  # noqa: D102
    @property
    def matched(self) -> list[cp_model.LinearExpr]: ...  # noqa: D102
    @property
    def integration_start(self) -> cp_model.IntVar: ...  # noqa: D102
    @property
    def lead(self) -> cp_model.IntVar: ...  # noqa: D102
    @property
    def cost(self) -> cp_model.LinearExpr: ...  # noqa: D102


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
    return candidate_of(compiled.instance, solution_system(compiled, solver), rank, proven)


def solution_system(compiled: SystemVars, solver: cp_model.CpSolver) -> GreedySystem:
    """The solver's current solution as a system with its schedule and figures (as the model has them)."""
    option = next(h for h in compiled.instance.hubs if solver.boolean_value(compiled.hub_option[h.key]))
    hub = option.org
    chosen: list[GreedyModule] = []
    for mv in compiled.modules:
        if mv.make is not None and solver.boolean_value(mv.make):
            seed = _chosen(solver, mv.seed) if mv.seed is not None else None
            chain = ([mv.seed] if mv.seed is not None else []) + mv.steps
            steps = tuple(_chosen(solver, slot) for slot in mv.steps)
            chosen.append(GreedyModule(None, steps, seed, tuple(solver.value(slot.start) for slot in chain)))
        else:
            assert mv.buy is not None
            chosen.append(GreedyModule(_chosen(solver, mv.buy), starts=(solver.value(mv.buy.start),)))
    return GreedySystem(
        hub,
        tuple(chosen),
        solver.value(compiled.integration_start),
        solver.value(compiled.lead),
        solver.value(compiled.cost),
        partners_of(hub, (o.org for gm in chosen for o in gm.tasks)),
        tuple(bool(solver.value(expr)) for expr in compiled.matched),
        option.person,
    )


def candidate_of(
    inst: Instance, system: GreedySystem, rank: int, proven: bool, *, pays_for: frozenset[str] | None = None
) -> Candidate:
    """Build the candidate of a complete system with its schedule.

    The cost is summed again from the options' prepared cents, and the lead
    time from the integration's start and days; either differing from the
    system's own figures is an internal error. ``pays_for``: the partners
    whose onboarding this system pays (a plan entry's; default: every partner).
    """
    hub = system.hub
    hub_option = inst.hub_option(hub, system.person)
    modules: list[ModuleChoice] = []
    steps_cents = modules_cents = licence_cents = 0
    for plan, gm in zip(inst.modules, system.modules, strict=True):
        if gm.buy is None:
            assert plan.module.make is not None
            starts = list(gm.starts)
            seed = None
            if gm.seed is not None:
                begin = starts.pop(0)
                seed = SeedChoice(gm.seed.org, gm.seed.offer, begin, begin + gm.seed.days)
                licence_cents += gm.seed.cents
            steps = tuple(
                StepChoice(step.capability, option.org, option.offer, begin, begin + option.days)
                for step, option, begin in zip(plan.module.make.steps, gm.steps, starts, strict=True)
            )
            steps_cents += sum(option.cents for option in gm.steps)
            modules.append(ModuleChoice(plan.module.id, "make", steps=steps, seed=seed))
        else:
            option, begin = gm.buy, gm.starts[0]
            modules_cents += option.cents
            modules.append(
                ModuleChoice(
                    plan.module.id,
                    "buy",
                    organization=option.org,
                    offer=option.offer,
                    start=begin,
                    end=begin + option.days,
                )
            )
    links = []
    bridge_cents = 0
    integration_days = hub_option.integration_days
    for link, link_plan, matched in zip(inst.product.links, inst.links, system.matched, strict=True):
        if not matched:
            bridge_cents += link_plan.bridge_cents[hub_option.key]
            integration_days += link_plan.bridge_days[hub_option.key]
        links.append(LinkResult(link.between, link.interface, matched))
    integration_cents = hub_option.design_cents - hub_option.person_cents + bridge_cents  # the person's fee apart
    partners = tuple(sorted(system.partners))
    onboarding_cents = onboarding_total(inst, hub, partners if pays_for is None else sorted(pays_for))
    people_cents = hub_option.person_cents
    gross = integration_cents + steps_cents + modules_cents + licence_cents + onboarding_cents + people_cents
    total = net_cents(inst.policies, gross, policy_terms(hub_option, system.modules, bridge_cents))
    subsidy_cents = gross - total
    if total != system.cents:
        raise SolverError(f"internal: summed cost {total} differs from the system's {system.cents}")
    start, lead = system.integration_start, system.lead
    if start < hub_option.ready_day:
        raise SolverError("internal: the integration starts before the person placed is available")
    if start + integration_days != lead:
        raise SolverError("internal: integration duration differs from the lead time")
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
            people=_money(people_cents),
            subsidies=_money(subsidy_cents),
        ),
        person=system.person,
        with_people=inst.catalog.people is not None,
        with_policies=inst.catalog.policies is not None,
    )


def system_of_candidate(inst: Instance, candidate: Candidate, shift: int = 0) -> GreedySystem:
    """The system of a candidate of ``inst`` in the instance's own options, its schedule moved ``shift`` days later.

    (What a plan hints with: each entry's system found alone.)

    Raises:
        SolverError: The candidate uses an option the instance does not have.
    """

    def option(options: Sequence[Option], org: str | None, offer: str | None) -> Option:
        for o in options:
            if o.org == org and o.offer == offer:
                return o
        raise SolverError(f"internal: the candidate's offer {org}/{offer} is not an option of the instance")

    chosen: list[GreedyModule] = []
    for plan, choice in zip(inst.modules, candidate.modules, strict=True):
        if choice.source == "buy":
            assert choice.start is not None
            chosen.append(
                GreedyModule(option(plan.buy, choice.organization, choice.offer), starts=(choice.start + shift,))
            )
            continue
        seed = None if choice.seed is None else option(plan.seeds or (), choice.seed.organization, choice.seed.seed)
        steps = tuple(
            option(opts, s.organization, s.offer) for opts, s in zip(plan.steps or (), choice.steps, strict=True)
        )
        starts = ([choice.seed.start] if choice.seed is not None else []) + [s.start for s in choice.steps]
        chosen.append(GreedyModule(None, steps, seed, tuple(day + shift for day in starts)))
    return GreedySystem(
        candidate.hub,
        tuple(chosen),
        candidate.integration[0] + shift,
        candidate.lead_time + shift,
        int(candidate.cost * 100),
        frozenset(candidate.partners),
        tuple(link.matched for link in candidate.links),
        candidate.person,
    )
