"""Rule: the hub, a source for every module, and integration (MODEL.md, "What a candidate system is").

Exactly one hub; each module bought (one offer) or made (an option per make
step, and a seed when the make has a technology); the hub's integration
after every module, lasting ``integration_days`` plus the bridges
(:mod:`~modcluster.solver.rules.interfaces`), costing the design fee. The
lead time is the end of integration. Durations and cost terms of the tasks
are :mod:`~modcluster.solver.rules.tasks`; the precedences they collect are
posted by :mod:`~modcluster.solver.rules.handover`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from ortools.sat.python import cp_model

from modcluster.solver.deadline import check_time
from modcluster.solver.rules.tasks import post_task_slot
from modcluster.solver.rules.variables import ModelParts, ModuleVars, Precedence, SlotVars, linear_sum

__all__ = ["post_hub", "post_integration", "post_sources"]


def post_hub(parts: ModelParts) -> None:
    """One literal per hub option, exactly one true; its fixed cents and integration days.

    A hub option is an eligible hub, or an organisation with a person placed
    (:mod:`~modcluster.solver.rules.people`): ``parts.hub_option`` by
    :attr:`~modcluster.solver.instance.HubOption.key`. ``parts.hub`` says
    which organisation is the hub (what partners, on-boarding, capacity and
    ``require`` read): an organisation's only option's literal, or the sum of
    its options.
    """
    inst, model = parts.inst, parts.model
    parts.hub_option = {h.key: model.new_bool_var(f"hub:{h.key}") for h in inst.hubs}
    model.add_exactly_one(parts.hub_option.values())
    at_org: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for h in inst.hubs:
        at_org[h.org].append(parts.hub_option[h.key])
    for org, lits in at_org.items():
        if len(lits) == 1:
            parts.hub[org] = lits[0]
        else:
            parts.hub[org] = model.new_bool_var(f"hub:{org}")
            model.add(parts.hub[org] == linear_sum(lits))
    for h in inst.hubs:
        parts.add_cost("integration", h.org, h.design_cents - h.person_cents, parts.hub_option[h.key])
        if h.person_cents:
            parts.add_cost("people", h.org, h.person_cents, parts.hub_option[h.key])
    parts.integration_days.extend(h.integration_days * parts.hub_option[h.key] for h in inst.hubs)


def post_sources(parts: ModelParts) -> None:
    """Per module: buy exactly one offer or make it (every make slot filled); its chain's precedences."""
    model = parts.model
    for plan in parts.inst.modules:
        check_time()
        mid = plan.module.id
        make = model.new_bool_var(f"make:{mid}") if plan.can_make else None
        buy = post_task_slot(parts, f"buy:{mid}", plan.buy, "modules") if plan.buy else None
        model.add(linear_sum([*(buy.lits if buy else []), *([make] if make is not None else [])]) == 1)
        steps: list[SlotVars] = []
        seed = None
        if make is not None:
            if plan.seeds is not None:
                seed = post_task_slot(parts, f"seed:{mid}", plan.seeds, "licences")
                model.add(linear_sum(seed.lits) == make)
            for index, options in enumerate(plan.steps or ()):
                step = post_task_slot(parts, f"step:{mid}[{index}]", options, "steps")
                model.add(linear_sum(step.lits) == make)
                steps.append(step)
            chain = ([seed] if seed else []) + steps
            for before, after in itertools.pairwise(chain):
                parts.precedences.append(Precedence(before, after, make, True))
            parts.precedences.append(Precedence(chain[-1], None, make, True))
        if buy is not None:
            parts.precedences.append(Precedence(buy, None, make, False))
        parts.modules.append(ModuleVars(make, buy, steps, seed))


def post_integration(parts: ModelParts) -> None:
    """Integration's start, and the lead time: its end (integration days plus the bridges of mismatched links)."""
    model, horizon = parts.model, parts.horizon
    parts.integration_start = model.new_int_var(0, horizon, "integration.start")
    parts.lead = model.new_int_var(0, horizon, "lead_time")
    model.add(parts.lead == parts.integration_start + linear_sum(parts.integration_days))
    for h in parts.inst.hubs:  # the person placed is available (rules.people.integration_ready)
        if h.ready_day > 0:
            model.add(parts.integration_start >= h.ready_day).only_enforce_if(parts.hub_option[h.key])
