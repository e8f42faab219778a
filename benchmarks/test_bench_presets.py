"""Benchmarks on generated clusters (``make bench``): load, compile, solve, k=5, explain, and the peers.

Each preset's default requests; the peers solve the same instances in the same
run and must agree with the engine on every proven optimum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.harness import engine_run, instances, peer_runs
from modcluster import load_catalog
from modcluster.generate import generate, write_catalog
from modcluster.solver import compile_model, prepare
from modcluster.solver.solve import solve

pytestmark = pytest.mark.benchmark

PRESETS = ["small", "medium", "tama-2002", "large"]


@pytest.fixture(scope="module", params=PRESETS)
def preset(request: pytest.FixtureRequest) -> Any:
    name = request.param
    return name, *instances(name)


def test_load_and_validate(benchmark: Any, tmp_path: Path, preset: Any) -> None:
    name, catalog, _ = preset
    path = tmp_path / f"{name}.json"
    write_catalog(generate(name, seed=1), path)
    loaded = benchmark.pedantic(load_catalog, args=(path,), rounds=3, iterations=1)
    assert loaded == catalog


def test_compile(benchmark: Any, preset: Any) -> None:
    _, catalog, requests = preset
    compiled = benchmark.pedantic(lambda: compile_model(prepare(catalog, requests[0])), rounds=3, iterations=1)
    assert compiled.hub


def test_solve_to_proven_optimum(benchmark: Any, preset: Any) -> None:
    _, catalog, requests = preset
    solution = benchmark.pedantic(solve, args=(catalog, requests[0]), rounds=3, iterations=1)
    assert solution.status.value == "optimal"


def test_five_candidates(benchmark: Any, preset: Any) -> None:
    _, catalog, requests = preset
    request = requests[0].with_changes(candidates=5)
    solution = benchmark.pedantic(solve, args=(catalog, request), rounds=3, iterations=1)
    assert solution.status.value == "optimal" and len(solution.candidates) == 5


@pytest.mark.parametrize("name", ["small", "medium", "tama-2002"])
def test_peers_agree(name: str) -> None:
    """Engine and peers on every product: the proven optima agree (the ratio is printed)."""
    catalog, requests = instances(name)
    for request in requests:
        engine = engine_run(catalog, request, repeats=1)
        for peer in peer_runs(catalog, request, seconds=120):
            print(f"{name} {request.product}: engine {engine.seconds:.3f}s, {peer.solver} {peer.seconds:.3f}s")
            if peer.status == "optimal":
                assert (peer.cents, peer.lead) == (engine.cents, engine.lead)


def test_explain(benchmark: Any, preset: Any) -> None:
    """Explain a request made infeasible: the budget one cent below the optimum's cost."""
    from decimal import Decimal

    from modcluster.analysis import explain

    _, catalog, requests = preset
    best = solve(catalog, requests[0]).candidates[0]
    limits = requests[0].limits.model_copy(update={"budget": best.cost - Decimal("0.01")})
    tight = requests[0].with_changes(limits=limits)
    diagnosis = benchmark.pedantic(explain, args=(catalog, tight), rounds=1, iterations=1)
    assert not diagnosis.feasible and diagnosis.conflict
    budget = next(r for r in diagnosis.relaxations if r.limit == "budget")
    assert budget.least == best.cost or not budget.proven
