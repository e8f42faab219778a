"""Benchmarks on generated clusters (``make bench``): load, compile, solve, k=5, explain, and the peers.

Each preset's default requests, for every objective (``cost``, ``lead_time``,
``weighted``) on both money profiles (``tama``: the bundled catalog's figures;
``industrial``: systems of 0.1 to several million kJPY). The engine must prove
every optimum; the peers solve the same instances in the same run and, whenever
one proves optimality too, its best system's (cost, lead time) must be the
engine's under the objective's order.

``-m bench_smoke`` selects the ``small`` preset only; ``large`` runs every
objective and profile only with ``--bench-large`` (see conftest.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from benchmarks.harness import MAGNITUDES, OBJECTIVES, agreement, engine_run, instances, peer_runs
from modcluster import load_catalog
from modcluster.generate import generate, spec_for, write_catalog
from modcluster.solver import compile_model, prepare, run_search

pytestmark = pytest.mark.benchmark

PRESETS = ["small", "medium", "tama-2002", "large"]
#: The peers take a minute or more a solve on ``large`` (docs/performance.md): scripts/performance_report.py runs them.
PEER_PRESETS = ["small", "medium", "tama-2002"]


def _marks(preset: str, magnitude: str, objective: str) -> list[pytest.MarkDecorator]:
    marks = [pytest.mark.bench_smoke] if preset == "small" else []
    if preset == "large" and (magnitude, objective) != ("tama", "cost"):
        marks.append(pytest.mark.bench_large)
    return marks


def _cases(presets: list[str], objectives: tuple[str, ...] = OBJECTIVES) -> list[Any]:
    """Every (preset, magnitude, objective), named ``preset-magnitude-objective``."""
    return [
        pytest.param((p, m, o), id=f"{p}-{m}-{o}", marks=_marks(p, m, o))
        for p in presets
        for m in MAGNITUDES
        for o in objectives
    ]


@pytest.fixture(scope="module", params=_cases(PRESETS))
def case(request: pytest.FixtureRequest) -> Any:
    """(preset, magnitude, objective, catalog, requests) of one benchmark case."""
    preset, magnitude, objective = request.param
    return preset, magnitude, objective, *instances(preset, magnitude=magnitude, objective=objective)


@pytest.fixture(scope="module", params=_cases(PRESETS, ("cost",)))
def cluster(request: pytest.FixtureRequest) -> Any:
    """(preset, magnitude, catalog, cost requests): what does not depend on the objective."""
    preset, magnitude, _ = request.param
    return preset, magnitude, *instances(preset, magnitude=magnitude)


def test_load_and_validate(benchmark: Any, tmp_path: Path, cluster: Any) -> None:
    name, magnitude, catalog, _ = cluster
    path = tmp_path / f"{name}.json"
    write_catalog(generate(spec_for(name, magnitude=magnitude), seed=1), path)
    loaded = benchmark.pedantic(load_catalog, args=(path,), rounds=3, iterations=1)
    assert loaded == catalog


def test_compile(benchmark: Any, case: Any) -> None:
    *_, catalog, requests = case
    compiled = benchmark.pedantic(lambda: compile_model(prepare(catalog, requests[0])), rounds=3, iterations=1)
    assert compiled.hub


def test_solve_to_proven_optimum(benchmark: Any, case: Any) -> None:
    *_, catalog, requests = case
    solution = benchmark.pedantic(run_search, args=(catalog, requests[0]), rounds=3, iterations=1)
    assert solution.status.value == "optimal"


def test_five_candidates(benchmark: Any, case: Any) -> None:
    *_, catalog, requests = case
    request = requests[0].with_changes(candidates=5)
    solution = benchmark.pedantic(run_search, args=(catalog, request), rounds=3, iterations=1)
    assert solution.status.value == "optimal" and len(solution.candidates) == 5


@pytest.mark.parametrize("name", _cases(PEER_PRESETS))
def test_peers_agree(name: tuple[str, str, str], peer_seconds: float) -> None:
    """Engine and peers on every product: the engine proves its optimum; a peer's proven optimum is the same.

    Same means the same (cost, lead time) under the objective's order: (cost,
    lead time), (lead time, cost) or (weighted value, cost, lead time). The
    times are printed (``-s``); scripts/performance_report.py tabulates them.
    """
    preset, magnitude, objective = name
    catalog, requests = instances(preset, magnitude=magnitude, objective=objective)
    for request in requests:
        engine = engine_run(catalog, request, repeats=1)
        assert engine.status == "optimal", f"{preset} {magnitude} {objective} {request.product}: {engine.status}"
        for peer in peer_runs(catalog, request, seconds=peer_seconds):
            verdict = agreement(request, engine, peer)
            print(
                f"{preset} {magnitude} {objective} {request.product}: engine {engine.seconds:.3f}s "
                f"{engine.cents} / {engine.lead}; {peer.solver} {peer.seconds:.3f}s {peer.status} "
                f"{peer.cents} / {peer.lead} {verdict}"
            )
            assert verdict in ("", "="), (
                f"{preset} {magnitude} {objective} {request.product}: engine {(engine.cents, engine.lead)}, "
                f"{peer.solver} {(peer.cents, peer.lead)}: {verdict}"
            )


def test_explain(benchmark: Any, cluster: Any) -> None:
    """Explain a request made infeasible: the budget one cent below the optimum's cost."""
    from modcluster.analysis import explain

    *_, catalog, requests = cluster
    best = run_search(catalog, requests[0]).candidates[0]
    limits = requests[0].limits.model_copy(update={"budget": best.cost - Decimal("0.01")})
    tight = requests[0].with_changes(limits=limits)
    diagnosis = benchmark.pedantic(explain, args=(catalog, tight), rounds=1, iterations=1)
    assert not diagnosis.feasible and diagnosis.conflict
    budget = next(r for r in diagnosis.relaxations if r.limit == "budget")
    assert budget.least == best.cost or not budget.proven
