"""Sweep throughput: scenarios per second on a mid-size generated catalog (``make bench``).

The catalog is ``generate(spec_for("medium", modules=6), seed=1)``: 300
organisations, 3 products of 6 modules. The sweep is every product at twelve
quantities (36 scenarios, three ranked candidates each). Each round of the local pool
starts its own pool, so its figures include worker start-up, as a
``modcluster sweep`` run does; the Dask cluster is started before timing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest

from modcluster import catalog_from_data
from modcluster.generate import generate, spec_for
from modcluster.sweep import sweep, sweep_from_data

pytestmark = pytest.mark.benchmark

CATALOG = catalog_from_data(generate(spec_for("medium", modules=6), seed=1))
QUANTITIES = [25 * i for i in range(1, 13)]
SPEC = sweep_from_data({"base": {"candidates": 3}, "grid": {"product": "all", "quantity": QUANTITIES}})
SCENARIOS = 3 * len(QUANTITIES)


@contextmanager
def dask_executor(workers: int) -> Iterator[Executor]:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client.get_executor()


def _run(executor: Executor | None, workers: int) -> list[Any]:
    with sweep(CATALOG, SPEC, executor=executor, workers=workers) as run:
        return list(run)


@pytest.mark.parametrize("workers", [1, 2])
def test_local_pool_scenarios_per_second(benchmark: Any, workers: int) -> None:
    began = time.perf_counter()
    results = benchmark.pedantic(_run, args=(None, workers), rounds=2, iterations=1)
    assert len(results) == SCENARIOS and not [r for r in results if r.failed]
    benchmark.extra_info["scenarios_per_second"] = round(SCENARIOS / benchmark.stats.stats.mean, 2)
    benchmark.extra_info["wall_seconds"] = round(time.perf_counter() - began, 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_dask_local_cluster_scenarios_per_second(benchmark: Any, workers: int) -> None:
    with dask_executor(workers) as executor:
        results = benchmark.pedantic(_run, args=(executor, workers), rounds=2, iterations=1)
    assert len(results) == SCENARIOS and not [r for r in results if r.failed]
    benchmark.extra_info["scenarios_per_second"] = round(SCENARIOS / benchmark.stats.stats.mean, 2)


def test_in_process_baseline_scenarios_per_second(benchmark: Any) -> None:
    """One thread in this process, no pool to start: the cost of a scenario itself."""

    def run() -> list[Any]:
        with ThreadPoolExecutor(1) as pool:
            return _run(pool, 1)

    results = benchmark.pedantic(run, rounds=2, iterations=1)
    assert len(results) == SCENARIOS and not [r for r in results if r.failed]
    benchmark.extra_info["scenarios_per_second"] = round(SCENARIOS / benchmark.stats.stats.mean, 2)
