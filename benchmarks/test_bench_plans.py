"""Benchmarks of plans (``make bench``): the engine against the plain CP-SAT model of the same plan, in one run.

The peer is the plan as one plain CP-SAT model (``PLAIN``: every entry in one
model, no dominance, no bounds, no hints), solved by the same code path, so
both answers are verified and compared under the plan's objective whenever
both are proven. Cases:

- the bundled TAMA season (`catalogs/plans/tama-season.yaml`, eight
  products), every objective (``-m bench_smoke`` runs ``cost``);
- five entries on the ``medium`` preset (its products in turn, the second
  round released five days later), every objective;
- five entries on ``large``, ``cost`` only, with ``--bench-large``.

The engine's figures are in docs/performance.md ("Plans"). A benchmark never
asserts a time; what it asserts is that each answer is verified (``plan``
checks it) and that two proven answers agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from modcluster import Catalog, catalog_from_data, load_catalog, load_plan_request, plan
from modcluster.domain import Plan, PlanRequest, Status
from modcluster.generate import generate, spec_for
from modcluster.solver import SolverSettings

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parent.parent
OBJECTIVES = ("cost", "lead_time", "weighted")
ENGINE = SolverSettings()
PLAIN = SolverSettings(decompose=False, dominance=False, bounds=False, hint=False)


def five_entries(catalog: Catalog, objective: str, seconds: int = 60) -> PlanRequest:
    """Five entries of a generated cluster: its products in turn, each later round released five days later."""
    products = [p.id for p in catalog.products]
    entries = [
        {"id": f"e{i}", "product": products[i % len(products)], "release": (i // len(products)) * 5} for i in range(5)
    ]
    return PlanRequest.model_validate(
        {"entries": entries, "objective": objective, "time_limit": seconds, "weights": {"cost": 1, "lead_time": 50}}
    )


def _season(objective: str) -> tuple[Catalog, PlanRequest]:
    catalog = load_catalog(ROOT / "catalogs" / "tama.yaml")
    request = load_plan_request(ROOT / "catalogs" / "plans" / "tama-season.yaml", catalog)
    return catalog, request.with_changes(objective=objective, time_limit=60, weights={"cost": 1, "lead_time": 40})


def _preset(preset: str, objective: str) -> tuple[Catalog, PlanRequest]:
    catalog = catalog_from_data(generate(spec_for(preset), seed=1))
    return catalog, five_entries(catalog, objective)


def _agree(engine: Plan, peer: Plan) -> None:
    """Two proven optima agree: under each objective's full tie-breaks the (cost, lead time) totals are unique."""
    if engine.status is Status.OPTIMAL and peer.status is Status.OPTIMAL:
        assert (engine.total_cost, engine.total_lead_time) == (peer.total_cost, peer.total_lead_time)


def _cases() -> list[Any]:
    cases = [
        pytest.param("season", o, id=f"season-{o}", marks=[pytest.mark.bench_smoke] if o == "cost" else [])
        for o in OBJECTIVES
    ]
    cases += [pytest.param("medium", o, id=f"medium-{o}") for o in OBJECTIVES]
    cases.append(pytest.param("large", "cost", id="large-cost", marks=[pytest.mark.bench_large]))
    return cases


@pytest.mark.parametrize(("instance", "objective"), _cases())
def test_plan_engine(benchmark: BenchmarkFixture, instance: str, objective: str) -> None:
    catalog, request = _season(objective) if instance == "season" else _preset(instance, objective)
    result = benchmark.pedantic(plan, args=(catalog, request, ENGINE), rounds=1, iterations=1)  # type: ignore[no-untyped-call]
    benchmark.extra_info.update(
        {
            "status": result.status.value,
            "total_cost": str(result.total_cost),
            "total_lead_time": result.total_lead_time,
            "bound": None if result.bound is None else str(result.bound),
        }
    )
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)


@pytest.mark.parametrize(("instance", "objective"), _cases())
def test_plan_peer(benchmark: BenchmarkFixture, instance: str, objective: str) -> None:
    catalog, request = _season(objective) if instance == "season" else _preset(instance, objective)
    peer = benchmark.pedantic(plan, args=(catalog, request, PLAIN), rounds=1, iterations=1)  # type: ignore[no-untyped-call]
    benchmark.extra_info.update({"status": peer.status.value, "total_cost": str(peer.total_cost)})
    if peer.status in (Status.OPTIMAL, Status.FEASIBLE):
        _agree(plan(catalog, request, ENGINE), peer)
