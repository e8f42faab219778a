"""Benchmarks of the contract's v1.1 levers (``make bench``): people and policies, on industrial figures.

Each case solves every product's default request of a generated catalog
(``--magnitude industrial``: systems of 0.1 to several million kJPY, the
figures real products have), one candidate each, for one objective, with
the levers of its name:

- ``plain``: neither; the same catalog as before the levers existed (the
  generator keeps it byte for byte), so the case also runs on the code of
  before them, to check that catalogs without policies are not slower;
- ``policies``: ``--policies 6`` (the search goes without its gross-cent
  bounds, pruning and settling while policies are in effect);
- ``people``: ``--people 3``; ``people+policies``: both.

``small`` has every lever (``-m bench_smoke``: about 15 s); ``medium`` and
``tama-2002`` have ``plain`` and ``policies``; ``medium`` with people runs
only with ``--bench-large`` (up to a minute or two a round). ``tama-2002``
with people and policies together is left out: the default requests' 60 s
limit stops some of them unproven. ``--bench-rounds`` sets the rounds
(default 3). A benchmark never asserts a time: it asserts that every
optimum is proven; ``extra_info`` has the statuses, the subsidies and the
placements. The figures are in docs/performance.md ("Policies").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.harness import OBJECTIVES, instances
from modcluster import Catalog, Request, Solution
from modcluster.solver import run_search

pytestmark = pytest.mark.benchmark

#: The levers of a case: (people, policies).
LEVERS = {"plain": (0, 0), "policies": (0, 6), "people": (3, 0), "people+policies": (3, 6)}
#: Which levers each preset runs; those in the third column only with --bench-large.
PRESETS = {
    "small": (["plain", "policies", "people", "people+policies"], []),
    "medium": (["plain", "policies"], ["people", "people+policies"]),
    "tama-2002": (["plain", "policies"], []),
}


def _cases() -> list[Any]:
    cases = []
    for preset, (always, large) in PRESETS.items():
        for lever in always + large:
            for objective in OBJECTIVES:
                marks = [pytest.mark.bench_smoke] if preset == "small" else []
                if lever in large:
                    marks.append(pytest.mark.bench_large)
                cases.append(pytest.param(preset, objective, lever, id=f"{preset}-{objective}-{lever}", marks=marks))
    return cases


def _solve_all(catalog: Catalog, requests: list[Request]) -> list[Solution]:
    return [run_search(catalog, request) for request in requests]


@pytest.mark.parametrize(("preset", "objective", "lever"), _cases())
def test_solve_with_levers(
    benchmark: BenchmarkFixture, bench_rounds: int, preset: str, objective: str, lever: str
) -> None:
    """Every product's default request (industrial figures, one candidate), each optimum proven."""
    people, policies = LEVERS[lever]
    catalog, requests = instances(preset, magnitude="industrial", objective=objective, people=people, policies=policies)
    solutions = benchmark.pedantic(_solve_all, args=(catalog, requests), rounds=bench_rounds, iterations=1)  # type: ignore[no-untyped-call]
    statuses = [s.status.value for s in solutions]
    bests = [s.best for s in solutions if s.best is not None]
    benchmark.extra_info.update(
        {
            "statuses": statuses,
            "cost": str(sum((b.cost for b in bests), Decimal(0))),
            "subsidies": str(sum((getattr(b.cost_breakdown, "subsidies", 0) for b in bests), Decimal(0))),
            "placed": sum(getattr(b, "person", None) is not None for b in bests),
        }
    )
    assert statuses == ["optimal"] * len(requests), statuses
