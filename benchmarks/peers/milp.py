"""The obvious MILP, solved with HiGHS (``pip install .[peers]``).

Explicit start/end variables per task slot; precedences and handover gaps with
big-M = horizon; capacity by one ordering binary per ordered pair of tasks that
may share an organisation (for capacity c, among every c+1 such tasks at least
one pair is ordered: intervals that pairwise overlap share a point);
on-boarding as ``onboard >= hub + partner - 1``. The objective is solved in
lexicographic phases (:func:`benchmarks.peers.common.phases`: cost then lead
time, lead time then cost, or the weighted value then cost), each key fixed at
its optimum before the next is minimised, with the last solution as the MIP
start: one sum with a radix of ~10^3 on ~10^8 cents is beyond a floating-point
MILP's tolerances. Every key is an integer combination of cents and days (the
weighted one scaled to exact integers, at most ~10^13 at industrial figures,
well inside a double's 2^53), so an absolute gap of 0.5 proves each phase; the
figures reported are recomputed exactly from the rounded binaries.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from typing import Any

import highspy

from benchmarks.peers.common import PeerResult, horizon, make_slots, phases
from modcluster.domain import Catalog, Request
from modcluster.solver import Instance, prepare

__all__ = ["solve_milp"]

FEASIBLE = int(highspy.SolutionStatus.kSolutionStatusFeasible)


def _total(terms: list[Any]) -> Any:
    expr = highspy.highs.highs_linear_expression()
    for term in terms:
        expr += term
    return expr


def _build(h: highspy.Highs, inst: Instance) -> tuple[list[tuple[int, Any]], Any, Any]:
    """The model in ``h``; returns the cost terms (cents, binary), the cost expression and the lead-time variable."""
    horizon_days = horizon(inst)
    gap = inst.handover_days
    binary = h.addBinary
    hub = {o.org: binary() for o in inst.hubs}
    h.addConstr(_total(list(hub.values())) == 1)
    cost: list[tuple[int, Any]] = [(o.design_cents, hub[o.org]) for o in inst.hubs]
    slots: list[dict[str, Any]] = []  # per slot: start, end, org -> expr of its options, org -> positive-days expr
    org_slots: dict[str, list[int]] = defaultdict(list)

    def slot(options: tuple[Any, ...], active: Any) -> int:
        xs = [binary() for _ in options]
        h.addConstr(_total(xs) == active)
        start, end = h.addVariable(0, horizon_days), h.addVariable(0, horizon_days)
        h.addConstr(end == start + _total([o.days * x for o, x in zip(options, xs, strict=True)]))
        by_org: dict[str, list[Any]] = defaultdict(list)
        busy: dict[str, list[Any]] = defaultdict(list)
        for o, x in zip(options, xs, strict=True):
            cost.append((o.cents, x))
            by_org[o.org].append(x)
            if o.days > 0:
                busy[o.org].append(x)
        index = len(slots)
        slots.append({"start": start, "end": end, "xs": xs, "options": options, "org": by_org, "busy": busy})
        for org in busy:
            org_slots[org].append(index)
        return index

    def same(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> Any:
        zs = []
        for org in a.keys() & b.keys():
            z = binary()
            h.addConstr(z <= _total(a[org]))
            h.addConstr(z <= _total(b[org]))
            zs.append(z)
        return _total(zs)

    int_start = h.addVariable(0, horizon_days)
    hub_orgs = {org: [lit] for org, lit in hub.items()}
    modules = []
    for plan in inst.modules:
        make = binary() if plan.can_make else None
        buy_active = 1 - make if make is not None else 1
        buy = slot(plan.buy, buy_active) if plan.buy else None
        if buy is None and make is not None:
            h.addConstr(make == 1)
        chain = [slot(opts, make) for opts in make_slots(plan)] if make is not None else []
        not_made = 1 - make if make is not None else 0  # only used with a chain, which needs make
        for a, b in itertools.pairwise(chain):
            sa, sb = slots[a], slots[b]
            h.addConstr(sb["start"] >= sa["end"] + gap - gap * same(sa["org"], sb["org"]) - horizon_days * not_made)
        if chain:
            last = slots[chain[-1]]
            h.addConstr(int_start >= last["end"] + gap - gap * same(last["org"], hub_orgs) - horizon_days * not_made)
        if buy is not None:
            sb = slots[buy]
            lift = horizon_days * make if make is not None else 0
            h.addConstr(int_start >= sb["end"] + gap - gap * same(sb["org"], hub_orgs) - lift)
        modules.append((plan, make, buy))
    # Capacity: ordering binaries per pair of slots an organisation may serve.
    for org, indices in org_slots.items():
        cap = inst.capacity[org]
        if len(indices) <= cap:
            continue
        order: dict[tuple[int, int], Any] = {}
        for a, b in itertools.permutations(indices, 2):
            y = binary()
            order[(a, b)] = y
            h.addConstr(slots[b]["start"] >= slots[a]["end"] - horizon_days * (1 - y))
        for group in itertools.combinations(indices, cap + 1):
            pairs = [order[p] + order[p[::-1]] for p in itertools.combinations(group, 2)]
            present = [_total(slots[i]["busy"][org]) for i in group]
            h.addConstr(_total(pairs) >= _total(present) - cap)
    # Interfaces.
    lead_terms: list[Any] = [o.integration_days * hub[o.org] for o in inst.hubs]
    for link in inst.links:
        ends = []
        for index in (link.a, link.b):
            plan, make, buy = modules[index]
            values: dict[str, list[Any]] = defaultdict(list)
            if buy is not None:
                for o, x in zip(slots[buy]["options"], slots[buy]["xs"], strict=True):
                    if o.variant(link.kind) is not None:
                        values[o.variant(link.kind)].append(x)
            if make is not None:
                for o in inst.hubs:
                    v = o.house(link.kind)
                    if v is not None:
                        both = binary()
                        h.addConstr(both <= make)
                        h.addConstr(both <= hub[o.org])
                        h.addConstr(both >= make + hub[o.org] - 1)
                        values[v].append(both)
            ends.append(values)
        pairs = []
        for v in set(ends[0]) & set(ends[1]):
            p = binary()
            h.addConstr(p <= _total(ends[0][v]))
            h.addConstr(p <= _total(ends[1][v]))
            pairs.append(p)
        matched = _total(pairs)
        for o in inst.hubs:
            bridge = binary()
            h.addConstr(bridge >= hub[o.org] - matched)
            cost.append((link.bridge_cents[o.org], bridge))
            lead_terms.append(link.bridge_days[o.org] * bridge)
    # Partners and on-boarding.
    partners = []
    for org in inst.participants:
        partner = binary()
        for s in slots:
            if org in s["org"]:
                h.addConstr(partner >= _total(s["org"][org]) - hub.get(org, 0))
        partners.append(partner)
        for o in inst.hubs:
            fee = inst.onboarding_cents(o.org, org)
            if fee:
                on = binary()
                h.addConstr(on >= hub[o.org] + partner - 1)
                cost.append((fee, on))
    for org in inst.request.require:
        terms = [_total(s["org"][org]) for s in slots if org in s["org"]] + ([hub[org]] if org in hub else [])
        h.addConstr(_total(terms) >= 1)
    lead = h.addVariable(0, horizon_days)
    h.addConstr(lead == int_start + _total(lead_terms))
    total = _total([c * x for c, x in cost])
    if inst.budget_cents is not None:
        h.addConstr(total <= inst.budget_cents)
    if inst.request.limits.max_partners is not None:
        h.addConstr(_total(partners) <= inst.request.limits.max_partners)
    return cost, total, lead


def _figures(h: highspy.Highs, cost: list[tuple[int, Any]], lead: Any) -> tuple[int, int]:
    """Exact cents and days of the incumbent: binaries rounded, the lead time up to a whole day."""
    values = h.getSolution().col_value
    cents = sum(c * round(values[x.index]) for c, x in cost)
    return cents, math.ceil(values[lead.index] - 1e-6)


def solve_milp(catalog: Catalog, request: Request, seconds: float = 60.0) -> PeerResult:
    """Solve the request's first candidate with the MILP in HiGHS, one phase per key of the objective.

    Args:
        catalog: A checked catalog.
        request: The request; its objective and weights set the phases.
        seconds: Time limit of all phases together (the model's building is not limited).

    Returns:
        ``optimal`` when every phase was proven, ``feasible`` with the
        incumbent when time ran out after one was found, else ``infeasible`` or
        ``unknown``. Cost and lead time are recomputed exactly from the incumbent.
    """
    began = time.monotonic()
    inst = prepare(catalog, request)
    if not inst.hubs or not all(p.buy or p.can_make for p in inst.modules):
        return PeerResult("infeasible", None, None, time.monotonic() - began)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)  # every key is a whole number of cents, days or weighted units
    h.setOptionValue("threads", 2)
    cost, total, lead = _build(h, inst)
    found: tuple[int, int] | None = None
    start = None
    for a, b in phases(request):
        key = a * total + b * lead
        h.setOptionValue("time_limit", max(0.01, seconds - (time.monotonic() - began)))
        h.setObjective(key, highspy.ObjSense.kMinimize)
        if start is not None:
            h.setSolution(start)
        h.solve()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible and found is None:
            return PeerResult("infeasible", None, None, time.monotonic() - began)
        if h.getInfo().primal_solution_status == FEASIBLE:  # an incumbent exists
            found = _figures(h, cost, lead)
        if status != highspy.HighsModelStatus.kOptimal:
            if found is None:
                return PeerResult("unknown", None, None, time.monotonic() - began)
            return PeerResult("feasible", *found, time.monotonic() - began)
        assert found is not None
        start = h.getSolution()
        # Exactly the optimum, no slack: the lead time is a continuous variable, and a slack would let the
        # next phase lengthen the schedule by a fraction of a day.
        h.addConstr(key <= a * found[0] + b * found[1])
    assert found is not None
    return PeerResult("optimal", *found, time.monotonic() - began)
