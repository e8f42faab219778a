"""Benchmarks on the bundled TAMA catalog: load, compile, solve (``make bench``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from modcluster import build_request, load_catalog, solve
from modcluster.solver import compile_model, prepare

pytestmark = pytest.mark.benchmark

TAMA = Path(__file__).resolve().parent.parent / "catalogs" / "tama.yaml"
CATALOG = load_catalog(TAMA)
PRODUCTS = [p.id for p in CATALOG.products]


def test_load_and_validate(benchmark: BenchmarkFixture) -> None:
    catalog = benchmark(load_catalog, TAMA)
    assert len(catalog.organizations) == 65


@pytest.mark.parametrize("product", PRODUCTS)
def test_compile(benchmark: BenchmarkFixture, product: str) -> None:
    request = build_request(CATALOG, product)
    compiled = benchmark(lambda: compile_model(prepare(CATALOG, request)))
    assert compiled.hub


@pytest.mark.parametrize("product", PRODUCTS)
def test_solve_default_request(benchmark: BenchmarkFixture, product: str) -> None:
    request = build_request(CATALOG, product)
    solution = benchmark.pedantic(solve, args=(CATALOG, request), rounds=3, iterations=1)  # type: ignore[no-untyped-call]
    assert solution.status.value == "optimal"
