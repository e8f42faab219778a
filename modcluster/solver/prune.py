"""Exact pruning of an :class:`~modcluster.solver.instance.Instance` before it is compiled.

Every rule here removes only options (or hubs) whose removal cannot change the
ranked objective values of the best ``k`` distinct candidates. The argument is
the same for each dominance rule: if every system that uses a pruned option
``b`` can be turned into ``k`` systems of *different* candidate classes, each
feasible and at least as good under every objective and every limit, that use
kept options only, then for each j the j-th best class value is unchanged.
(Proof: the pruned space is a subset, so it can only be worse; and for a value
v_j of the full space, either every system of value <= v_j is kept, or a pruned
one is and its k replacements give k kept classes of value <= v_j.)
Replacements must use kept options that come earlier in a fixed processing
order, so repeated replacement terminates.

**Same organisation** (steps and bought modules): ``a`` dominates ``b`` at the
same organisation in the same slot when ``a`` costs no more, takes no longer
and (bought modules) carries the same variants. The candidate class does not
change (which offer of one organisation serves a slot does not make a system
different), the organisation's participation does not change, and ``a``'s task
fits in ``b``'s time window, so capacity, handovers, partners and on-boarding
are untouched. One dominator is enough.

**Other organisation** (steps, bought modules, and seeds, where the seed
itself names the class): ``a`` at A dominates ``b`` at B when, with g the
handover days,

* cost: ``cents(a) + max onboarding(hub, A) <= cents(b)`` over the possible hubs
  (A may be a new partner; B may stay one, so nothing is saved);
* time: ``days(a) <= days(b) - g * (pred + succ)`` where pred (succ) is 1 when B
  could also do the slot's predecessor (successor; for the last task: B could be
  the hub), i.e. when ``b`` may have had no handover that ``a`` needs. Then ``a``
  starts at most g later than ``b`` and ends early enough for every successor;
* capacity: A can never be full: ``a`` takes 0 days, or A's capacity exceeds the
  number of other slots in which A has an option (a seed of the same organisation
  runs inside ``b``'s window, so it is always free);
* variants: a bought module's variants are equal on every interface kind;
* B is not a ``require``d organisation, and ``max_partners`` is unset or cannot
  bind (it is at least the most tasks a system has), since A may be a new partner.

With k kept dominators at k different organisations (or seeds), the k
replacements are k different classes. The budget and deadline stay met, cost
and lead time do not grow, so every objective and tie-break is no worse. With
policies in effect (v1.1) an option only dominates one its term is covered
by the same single policy as, or both by none
(:func:`~modcluster.solver.rules.policies.coverage_key`): then the net cost
does not grow either.

**Bounds** (``deadline`` and ``budget``): an option whose cheapest completion
(the shortest chain through it plus the shortest integration, or the cheapest
system using it) already breaks a limit is in no feasible system; so is a hub
whose cheapest or shortest system breaks one.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from modcluster.solver.deadline import check_time
from modcluster.solver.instance import HubOption, Instance, ModulePlan, Option
from modcluster.solver.rules.handover import handover_days, least_handover
from modcluster.solver.rules.policies import coverage_key, refund_ceiling

__all__ = ["chain_days", "lower_bound", "option_count", "prune", "restrict_hub", "slots_of"]


def option_count(inst: Instance) -> int:
    """How many options the instance's usable slots hold in all."""
    total = 0
    for plan in inst.modules:
        total += len(plan.buy)
        if plan.can_make:
            total += sum(len(s) for s in plan.steps or ()) + len(plan.seeds or ())
    return total


def slots_of(plan: ModulePlan) -> list[tuple[Option, ...]]:
    """The module's make slots in chain order (seed first)."""
    chain: list[tuple[Option, ...]] = []
    if plan.seeds is not None:
        chain.append(plan.seeds)
    chain.extend(plan.steps or ())
    return chain


def same_org_dominance(inst: Instance) -> Instance:
    """``inst`` with, in every buy and step slot, the options another option of the same organisation beats dropped.

    Beaten: not cheaper, not quicker and with the same variants. The
    organisation's capacity is used either way, so this holds in a plan
    (capacity shared across entries) as well as for one system. Seed slots
    are left whole (a seed is part of what makes a candidate different).
    """
    plans = []
    for plan in inst.modules:
        steps = None if plan.steps is None else tuple(_same_org(options) for options in plan.steps)
        plans.append(ModulePlan(plan.module, _same_org(plan.buy), steps, plan.seeds))
    return replace(inst, modules=tuple(plans))


Cover = Callable[[Option], tuple[str, ...] | None]
"""The policies covering an option's term (:func:`~modcluster.solver.rules.policies.coverage_key`)."""


def _comparable(a: Option, b: Option, cover: Cover) -> bool:
    """Whether gross dominance between ``a`` and ``b`` is exact on net cost: the same policy, or none, on both."""
    key = cover(b)
    return key is not None and cover(a) == key


def _same_org(options: tuple[Option, ...], cover: Cover | None = None) -> tuple[Option, ...]:
    """Drop options dominated by an earlier kept option of the same organisation."""
    kept: dict[str, list[Option]] = defaultdict(list)
    out = []
    for b in sorted(options, key=lambda o: (o.cents, o.days)):
        if any(
            a.days <= b.days and a.variants == b.variants and (cover is None or _comparable(a, b, cover))
            for a in kept[b.org]
        ):
            continue
        kept[b.org].append(b)
        out.append(b)
    order = {id(o): i for i, o in enumerate(options)}
    return tuple(sorted(out, key=lambda o: order[id(o)]))


@dataclass
class _Context:
    """What the cross-organisation rule needs to know about the whole instance."""

    k: int
    gap: int
    onboard_max: dict[str, int]
    free: set[str]
    hubs: frozenset[str]
    protected: frozenset[str]


def _cross(
    options: tuple[Option, ...],
    ctx: _Context,
    pred: frozenset[str],
    succ: frozenset[str],
    seeds: bool,
    kinds: tuple[str, ...],
    cross: bool = True,
    cover: Cover | None = None,
) -> tuple[Option, ...]:
    """Drop options with k kept dominators at other organisations (or other seeds)."""
    kept: list[tuple[Option, int, int, bool]] = []  # option, effective cents, days, free
    out = []

    def variants(o: Option) -> tuple[str | None, ...]:
        return tuple(o.variant(kind) for kind in kinds)

    ordered = sorted(options, key=lambda o: (o.cents + ctx.onboard_max.get(o.org, 0), o.days))
    for b in ordered:
        if b.org not in ctx.protected:
            slack = ctx.gap * ((b.org in pred) + (b.org in succ))
            # Dominators must give k different classes: distinct organisations (seeds: distinct seeds).
            classes: set[tuple[str, str]] = set()
            vb = variants(b)
            for a, a_cents, a_days, a_free in kept:
                if (a.org == b.org and not seeds) or (a.org != b.org and not cross):
                    continue
                if cover is not None and not _comparable(a, b, cover):  # policies in effect (v1.1)
                    continue
                if a.org == b.org:
                    ok = a.cents <= b.cents and a.days <= b.days
                else:
                    ok = a_free and a_cents <= b.cents and a_days <= b.days - slack and variants(a) == vb
                if ok:
                    classes.add((a.org, a.offer if seeds else ""))
                    if len(classes) >= ctx.k:
                        break
            if len(classes) >= ctx.k:
                continue
        free = b.days == 0 or b.org in ctx.free
        kept.append((b, b.cents + ctx.onboard_max.get(b.org, 0), b.days, free))
        out.append(b)
    order = {id(o): i for i, o in enumerate(options)}
    return tuple(sorted(out, key=lambda o: order[id(o)]))


def _max_tasks(inst: Instance) -> int:
    total = 0
    for plan in inst.modules:
        make = len(slots_of(plan)) if plan.can_make else 0
        total += max(1 if plan.buy else 0, make)
    return total


def _bounds(inst: Instance) -> Instance:
    """Drop options and hubs that break the deadline or the budget in every system.

    The cents here are gross: with policies in effect (v1.1) the budget they
    are held to is the request's plus the most the policies could refund
    (:func:`~modcluster.solver.rules.policies.refund_ceiling`), since a
    system within the budget on its net cost is within that on its gross.
    """
    deadline, budget = inst.deadline, inst.budget_cents
    if budget is not None and inst.policies:
        budget += refund_ceiling(inst)
    if (deadline is None and budget is None) or not all(p.buy or p.can_make for p in inst.modules):
        return inst
    min_int_days = min((h.integration_days for h in inst.hubs), default=0)
    min_design = min((h.design_cents for h in inst.hubs), default=0)

    def cheapest(plan: ModulePlan) -> tuple[int, int]:
        """(cents, days) lower bounds of the module's cheapest / shortest source."""
        cents, days = [], []
        if plan.buy:
            cents.append(min(o.cents for o in plan.buy))
            days.append(min(o.days for o in plan.buy))
        if plan.can_make:
            slots = slots_of(plan)
            cents.append(sum(min(o.cents for o in s) for s in slots))
            days.append(sum(min(o.days for o in s) for s in slots))
        return min(cents), min(days)

    lows = [cheapest(p) for p in inst.modules]
    total_cents = sum(c for c, _ in lows)
    longest = max((d for _, d in lows), default=0)
    hubs = tuple(
        h
        for h in inst.hubs
        if (budget is None or total_cents + h.design_cents <= budget)
        and (deadline is None or longest + h.integration_days <= deadline)
    )
    plans = []
    for plan, (low_cents, _) in zip(inst.modules, lows, strict=True):
        check_time()
        rest = total_cents - low_cents + min_design

        def fits(o: Option, chain_days: int, chain_cents: int, rest: int = rest) -> bool:
            if deadline is not None and chain_days + min_int_days > deadline:
                return False
            return budget is None or rest + chain_cents <= budget

        buy = tuple(o for o in plan.buy if fits(o, o.days, o.cents))
        steps, seeds = plan.steps, plan.seeds
        if plan.can_make:
            slots = slots_of(plan)
            mins_d = [min(o.days for o in s) for s in slots]
            mins_c = [min(o.cents for o in s) for s in slots]
            new = [
                tuple(o for o in s if fits(o, sum(mins_d) - mins_d[i] + o.days, sum(mins_c) - mins_c[i] + o.cents))
                for i, s in enumerate(slots)
            ]
            if plan.seeds is not None:
                seeds, new = new[0], new[1:]
            steps = tuple(new)
        plans.append(ModulePlan(plan.module, buy, steps, seeds))
    return replace(inst, hubs=hubs, modules=tuple(plans))


def prune(inst: Instance, k: int, *, dominance: bool = True, bounds: bool = True) -> Instance:
    """Remove options and hubs that cannot change the ranked values of the best ``k`` candidates.

    Args:
        inst: The prepared instance.
        k: How many candidates will be asked of the pruned instance.
        dominance: Apply the dominance rules.
        bounds: Apply the deadline and budget bounds.

    Returns:
        The pruned instance (options keep their catalog order).
    """
    if bounds:
        inst = _bounds(inst)
    if dominance and inst.hubs:
        inst = _dominance(inst, k)
    return inst


def _dominance(inst: Instance, k: int) -> Instance:
    hub_ids = frozenset(h.org for h in inst.hubs)
    busy: dict[str, int] = defaultdict(int)  # in how many slots each organisation has an option
    for plan in inst.modules:
        for options in [plan.buy, *(slots_of(plan) if plan.can_make else [])]:
            for org in {o.org for o in options}:
                busy[org] += 1
    limits = inst.request.limits
    cross = limits.max_partners is None or limits.max_partners >= _max_tasks(inst)
    onboard_max: dict[str, int] = {}
    for (_hub, partner), cents in inst.onboarding.items():
        onboard_max[partner] = max(onboard_max.get(partner, 0), cents)
    ctx = _Context(
        k=k,
        gap=inst.handover_days,
        onboard_max=onboard_max,
        free={org for org, n in busy.items() if inst.capacity[org] > n - 1},
        hubs=hub_ids,
        protected=frozenset(inst.request.require),
    )
    kinds_of: dict[int, set[str]] = defaultdict(set)
    for link in inst.links:
        kinds_of[link.a].add(link.kind)
        kinds_of[link.b].add(link.kind)

    def cover(kind: str) -> Cover | None:
        """With policies in effect, which cover an option of ``kind`` (dominance only within one cover)."""
        if not inst.policies:
            return None
        return lambda o: coverage_key(inst.policies, kind, o.org)

    plans = []
    for index, plan in enumerate(inst.modules):
        check_time()
        kinds = tuple(sorted(kinds_of[index]))
        buy = _same_org(plan.buy, cover("modules"))
        if cross:
            buy = _cross(buy, ctx, frozenset(), hub_ids, False, kinds, cover=cover("modules"))
        steps, seeds = plan.steps, plan.seeds
        if plan.can_make:
            slots = slots_of(plan)
            orgs = [frozenset(o.org for o in s) for s in slots]
            new = []
            for i, options in enumerate(slots):
                is_seed = plan.seeds is not None and i == 0
                covered = cover("licences" if is_seed else "steps")
                if not is_seed:
                    options = _same_org(options, covered)
                if cross or is_seed:
                    pred = orgs[i - 1] if i > 0 else frozenset()
                    succ = orgs[i + 1] if i + 1 < len(slots) else hub_ids
                    options = _cross(options, ctx, pred, succ, is_seed, (), cross, covered)
                new.append(options)
            if plan.seeds is not None:
                seeds, new = new[0], new[1:]
            steps = tuple(new)
        plans.append(ModulePlan(plan.module, buy, steps, seeds))
    return replace(inst, modules=tuple(plans))


def restrict_hub(inst: Instance, hub: HubOption, onboarding: dict[tuple[str, str], int] | None = None) -> Instance:
    """The instance with its hub fixed: the sub-problem of one hub (its systems, and only them).

    ``onboarding``: the hub's entries of ``inst.onboarding``, when the caller has them at hand.
    """
    if onboarding is None:
        onboarding = {key: c for key, c in inst.onboarding.items() if key[0] == hub.org}
    return replace(inst, hubs=(hub,), onboarding=onboarding)


def chain_days(options: list[tuple[Option, ...]], hub: str, gap: int) -> int:
    """Shortest duration of a chain of slots ending at integration by ``hub``, with the gaps it cannot avoid."""
    days = sum(min(o.days for o in s) for s in options)
    for before, after in itertools.pairwise(options):
        days += least_handover(gap, (o.org for o in before), (o.org for o in after))
    if options:
        days += least_handover(gap, (o.org for o in options[-1]), [hub])
    return days


def lower_bound(inst: Instance) -> tuple[int, int] | None:
    """Lower bounds (cents, days) of any system's cost and lead time; None when no system exists.

    Per hub: its design fee and integration days, per module the cheapest
    source (cents) and the shortest chain with the handovers it cannot avoid
    (days), and the bridges of links that can match under no choice. With
    several hubs, the smallest of the per-hub bounds. On-boarding is not
    counted (it may be zero), nor is capacity.
    """
    if not inst.hubs or not all(p.buy or p.can_make for p in inst.modules):
        return None
    gap = inst.handover_days
    best: tuple[int, int] | None = None
    for hub in inst.hubs:
        check_time()
        cents, longest = hub.design_cents, 0
        for plan in inst.modules:
            cost_options, day_options = [], []
            if plan.buy:
                cost_options.append(min(o.cents for o in plan.buy))
                day_options.append(min(o.days + handover_days(gap, o.org, hub.org) for o in plan.buy))
            if plan.can_make:
                slots = slots_of(plan)
                cost_options.append(sum(min(o.cents for o in s) for s in slots))
                day_options.append(chain_days(slots, hub.org, gap))
            cents += min(cost_options)
            longest = max(longest, min(day_options))
        days = longest + hub.integration_days
        for link in inst.links:
            ends = []
            for index in (link.a, link.b):
                plan = inst.modules[index]
                values = {o.variant(link.kind) for o in plan.buy}
                if plan.can_make:
                    values.add(hub.house(link.kind))
                values.discard(None)
                ends.append(values)
            if not ends[0] & ends[1]:
                cents += link.bridge_cents[hub.key]
                days += link.bridge_days[hub.key]
        bound = (cents, days)
        best = bound if best is None else (min(best[0], cents), min(best[1], days))
    return best
