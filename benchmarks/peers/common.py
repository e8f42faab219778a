"""What a peer returns, and the parts of the contract both peers share."""

from __future__ import annotations

from dataclasses import dataclass

from modcluster.solver.prepare import Instance, ModulePlan, Option

__all__ = ["PeerResult", "horizon", "make_slots"]


@dataclass(frozen=True)
class PeerResult:
    """One peer solve: status (optimal | feasible | infeasible | unknown), cost in cents, lead time, seconds."""

    status: str
    cents: int | None
    lead: int | None
    seconds: float


def make_slots(plan: ModulePlan) -> list[tuple[Option, ...]]:
    """A made module's task slots in chain order: the seed (if any), then the steps."""
    return ([plan.seeds] if plan.seeds is not None else []) + list(plan.steps or ())


def horizon(inst: Instance) -> int:
    """Every task of the slowest choices one after another, with gaps (capped by the deadline)."""
    total = tasks = 0
    for plan in inst.modules:
        longest = max((o.days for o in plan.buy), default=0)
        if plan.can_make:
            longest = max(longest, sum(max(o.days for o in s) for s in make_slots(plan)))
            tasks += len(make_slots(plan))
        tasks += 1
        total += longest
    total += max((h.integration_days + sum(lk.bridge_days[h.org] for lk in inst.links) for h in inst.hubs), default=0)
    total += inst.handover_days * (tasks + 1)
    return min(total, inst.deadline) if inst.deadline is not None else total
