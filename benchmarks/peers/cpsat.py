"""The obvious CP-SAT model: a boolean per eligible offer per slot, optional intervals, a cumulative per organisation.

One model over all hubs, CP-SAT's default portfolio with 8 workers. No
pruning, no bounds, no hint of our own. The objective is solved in
lexicographic phases (:func:`benchmarks.peers.common.phases`): minimise the
first key, fix it at its optimum, minimise the next with the last solution as
the hint. One sum packing a key and its tie-breaks with a radix leaves int64 at
industrial figures (a weighted value of ~10^12 times a lead bound times a cost
bound); each phase's coefficients stay below ~10^7 per cent or day.
"""

from __future__ import annotations

import time
from collections import defaultdict
from itertools import pairwise
from typing import Any

from ortools.sat.python import cp_model

from benchmarks.peers.common import PeerResult, horizon, make_slots, phases
from modcluster.domain import Catalog, Request
from modcluster.solver import Instance, prepare

__all__ = ["solve_cpsat"]

S = cp_model.LinearExpr.sum


def _build(inst: Instance) -> tuple[cp_model.CpModel, Any, Any]:
    m = cp_model.CpModel()
    horizon_days = horizon(inst)
    gap = inst.handover_days
    hub = {h.org: m.new_bool_var("") for h in inst.hubs}
    m.add_exactly_one(hub.values())
    cost: list[Any] = [h.design_cents * hub[h.org] for h in inst.hubs]
    at_org: dict[str, list[Any]] = defaultdict(list)  # every option literal of an organisation
    tasks: dict[str, list[tuple[Any, int]]] = defaultdict(list)  # interval, demand

    def slot(options: tuple[Any, ...], active: Any) -> tuple[Any, Any, dict[str, Any], list[Any]]:
        xs = [m.new_bool_var("") for _ in options]
        m.add(S(xs) == active)
        start, end = m.new_int_var(0, horizon_days, ""), m.new_int_var(0, horizon_days, "")
        m.add(end == start + S([o.days * x for o, x in zip(options, xs, strict=True)]))
        orgs: dict[str, list[Any]] = defaultdict(list)
        for o, x in zip(options, xs, strict=True):
            cost.append(o.cents * x)
            at_org[o.org].append(x)
            orgs[o.org].append(x)
            if o.days > 0:
                tasks[o.org].append((m.new_optional_interval_var(start, o.days, end, x, ""), 1))
        org_lit = {}
        for org, group in orgs.items():
            lit = m.new_bool_var("")
            m.add(lit == S(group))
            org_lit[org] = lit
        return start, end, org_lit, xs

    def precede(a: tuple[Any, Any, dict[str, Any]], b_start: Any, b_orgs: dict[str, Any], enforce: list[Any]) -> None:
        same = []
        for org in a[2].keys() & b_orgs.keys():
            z = m.new_bool_var("")
            m.add(z <= a[2][org])
            m.add(z <= b_orgs[org])
            same.append(z)
        m.add(b_start >= a[1] + gap - gap * S(same)).only_enforce_if(enforce)

    integration_start = m.new_int_var(0, horizon_days, "")
    mods = []
    for plan in inst.modules:
        make = m.new_bool_var("") if plan.can_make else None
        buy_active = m.new_bool_var("")
        m.add(buy_active + (make if make is not None else 0) == 1)
        buy = slot(plan.buy, buy_active) if plan.buy else None
        if buy is None:
            m.add(buy_active == 0)
        chain = [slot(opts, make) for opts in make_slots(plan)] if make is not None else []
        for a, b in pairwise(chain):
            precede(a[:3], b[0], b[2], [make])
        if chain:
            precede(chain[-1][:3], integration_start, hub, [make])
        if buy is not None:
            precede(buy[:3], integration_start, hub, [buy_active])
        mods.append((plan, make, buy))
    # Capacity: a cumulative per organisation.
    for org, ivs in tasks.items():
        m.add_cumulative([iv for iv, _ in ivs], [d for _, d in ivs], inst.capacity[org])
    # Interfaces.
    lead_terms: list[Any] = [h.integration_days * hub[h.org] for h in inst.hubs]
    for link in inst.links:
        ends = []
        for index in (link.a, link.b):
            plan, make, buy = mods[index]
            values: dict[str, list[Any]] = defaultdict(list)
            if buy is not None:
                for o, x in zip(plan.buy, buy[3], strict=True):
                    variant = o.variant(link.kind)
                    if variant is not None:
                        values[variant].append(x)
            if make is not None:
                for h in inst.hubs:
                    v = h.house(link.kind)
                    if v is not None:
                        both = m.new_bool_var("")
                        m.add_multiplication_equality(both, [make, hub[h.org]])
                        values[v].append(both)
            ends.append(values)
        pairs = []
        for v in set(ends[0]) & set(ends[1]):
            p = m.new_bool_var("")
            m.add(p <= S(ends[0][v]))
            m.add(p <= S(ends[1][v]))
            pairs.append(p)
        matched = m.new_bool_var("")
        m.add(matched <= S(pairs))
        for h in inst.hubs:
            br = m.new_bool_var("")
            m.add(br >= hub[h.org] - matched)
            cost.append(link.bridge_cents[h.org] * br)
            lead_terms.append(link.bridge_days[h.org] * br)
    # Partners and on-boarding.
    partners = []
    for org, lits in at_org.items():
        part = m.new_bool_var("")
        m.add_max_equality(part, lits)
        partner = m.new_bool_var("")
        m.add(partner >= part - hub.get(org, 0))
        partners.append(partner)
        for h in inst.hubs:
            fee = inst.onboarding_cents(h.org, org)
            if fee:
                on = m.new_bool_var("")
                m.add(on >= hub[h.org] + partner - 1)
                cost.append(fee * on)
        if org in inst.request.require:
            m.add(part + hub.get(org, 0) >= 1)
    for org in inst.request.require:
        if org not in at_org:
            m.add(hub[org] == 1) if org in hub else m.add_bool_or([])
    lead = m.new_int_var(0, horizon_days, "")
    m.add(lead == integration_start + S(lead_terms))
    total = S(cost)
    if inst.budget_cents is not None:
        m.add(total <= inst.budget_cents)
    if inst.request.limits.max_partners is not None:
        m.add(S(partners) <= inst.request.limits.max_partners)
    return m, total, lead


def _hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solver's last solution."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))


def solve_cpsat(catalog: Catalog, request: Request, seconds: float = 60.0, workers: int = 8) -> PeerResult:
    """Solve the request's first candidate with the obvious CP-SAT model, one phase per key of the objective.

    Args:
        catalog: A checked catalog.
        request: The request; its objective and weights set the phases.
        seconds: Time limit of all phases together.
        workers: CP-SAT workers.

    Returns:
        ``optimal`` when every phase was proven, ``feasible`` with the last
        system found when time ran out after one, else ``infeasible`` or
        ``unknown``. Cost and lead time are the exact figures of that system.

    Raises:
        RuntimeError: CP-SAT found the model invalid (a bug of this peer).
    """
    began = time.monotonic()
    inst = prepare(catalog, request)
    if not inst.hubs or not all(p.buy or p.can_make for p in inst.modules):
        return PeerResult("infeasible", None, None, time.monotonic() - began)
    model, cost, lead = _build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    found: tuple[int, int] | None = None
    for a, b in phases(request):
        key = a * cost + b * lead
        model.minimize(key)
        solver.parameters.max_time_in_seconds = max(0.01, seconds - (time.monotonic() - began))
        status = solver.solve(model)
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT peer: invalid model ({model.validate()})")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if found is not None:  # the time ran out in a later phase: the last system found stands
                return PeerResult("feasible", *found, time.monotonic() - began)
            name = "infeasible" if status == cp_model.INFEASIBLE else "unknown"
            return PeerResult(name, None, None, time.monotonic() - began)
        found = (solver.value(cost), solver.value(lead))
        if status != cp_model.OPTIMAL:
            return PeerResult("feasible", *found, time.monotonic() - began)
        model.add(key <= a * found[0] + b * found[1])
        _hint_all(model, solver)
    assert found is not None
    return PeerResult("optimal", *found, time.monotonic() - began)
