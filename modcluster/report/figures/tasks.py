"""A candidate's schedule as tasks and the contract's precedences between them (for the Gantt and the network)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from modcluster.domain import Candidate

__all__ = ["Task", "precedences", "schedule_tasks"]


@dataclass(frozen=True, slots=True)
class Task:
    """One task of a candidate's schedule, on days ``[start, end)``.

    ``key`` names it uniquely (``housing/step/1``, ``head/seed``,
    ``controller/buy``, ``integration``) and is the ``gid`` of its Gantt bar.
    """

    key: str
    module: str | None
    kind: str
    label: str
    organization: str
    start: int
    end: int


def schedule_tasks(candidate: Candidate) -> tuple[Task, ...]:
    """Every task of the candidate, module by module (seed, steps, purchase), integration last.

    >>> [t.key for t in schedule_tasks(_example())]
    ['frame/buy', 'lens/seed', 'lens/step/1', 'lens/step/2', 'integration']
    """
    tasks: list[Task] = []
    for m in candidate.modules:
        if m.source == "buy":
            assert m.organization is not None and m.start is not None and m.end is not None
            tasks.append(Task(f"{m.id}/buy", m.id, "buy", m.id, m.organization, m.start, m.end))
            continue
        if m.seed is not None:
            s = m.seed
            tasks.append(Task(f"{m.id}/seed", m.id, "seed", f"{m.id} seed", s.organization, s.start, s.end))
        for index, step in enumerate(m.steps, start=1):
            tasks.append(
                Task(
                    f"{m.id}/step/{index}",
                    m.id,
                    "step",
                    f"{m.id} {index}",
                    step.organization,
                    step.start,
                    step.end,
                )
            )
    start, end = candidate.integration
    tasks.append(Task("integration", None, "integration", "integration", candidate.hub, start, end))
    return tuple(tasks)


def precedences(tasks: Sequence[Task]) -> list[tuple[Task, Task]]:
    """The contract's precedences: seed before first step, steps in order, each module before integration.

    >>> for a, b in precedences(schedule_tasks(_example())):
    ...     print(a.key, "->", b.key)
    frame/buy -> integration
    lens/seed -> lens/step/1
    lens/step/1 -> lens/step/2
    lens/step/2 -> integration
    """
    integration = next(t for t in tasks if t.kind == "integration")
    by_module: dict[str, list[Task]] = {}
    for t in tasks:
        if t.module is not None:
            by_module.setdefault(t.module, []).append(t)
    pairs: list[tuple[Task, Task]] = []
    for chain in by_module.values():
        pairs += list(itertools.pairwise(chain))
        pairs.append((chain[-1], integration))
    return pairs


def _example() -> Candidate:
    """A two-module candidate for the doctests."""
    from modcluster.domain import CostBreakdown, ModuleChoice, SeedChoice, StepChoice

    zero = Decimal(0)
    return Candidate(
        rank=1,
        proven_optimal=True,
        cost=Decimal(100),
        lead_time=20,
        hub="h",
        partners=("a", "b"),
        modules=(
            ModuleChoice("frame", "buy", organization="a", offer="frame", start=0, end=5),
            ModuleChoice(
                "lens",
                "make",
                steps=(StepChoice("grind", "b", "grind", 4, 9), StepChoice("coat", "h", "coat", 10, 12)),
                seed=SeedChoice("b", "s1", 0, 4),
            ),
        ),
        integration=(12, 20),
        links=(),
        cost_breakdown=CostBreakdown(Decimal(100), zero, zero, zero, zero),
    )
