"""Benchmarks of the configurator (``make bench``): decision tables, first and after each step, against fresh solves.

The peer is what a planner had before the configurator: one fresh
:func:`modcluster.solve` per value, from nothing, with the value added to the
request's ``select`` (``candidates: 1``). Both answer the same question; for
every value both settle, the figures must agree (the engine's table is also
verified by :meth:`Configurator.options`).

Cases:

- every product of ``catalogs/tama.yaml`` (its default request and
  objective): the first table (engine and peer); then a session of
  ``STEPS`` selections, each a possible value that is not the current
  best's (so each step changes the best): the engine's whole session, step
  times in ``extra_info``, against the peer recomputing every table
  (``-m bench_smoke`` runs the first product);
- the ``large`` preset (seed 0, product-0, ``cost``), the first table and one
  step, with ``--bench-large``: 3,343 values, a 60 s limit.

A benchmark never asserts a time (docs/performance.md states them); it
asserts that no table has a dead end and that engine and peer agree.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from modcluster import Catalog, build_request, catalog_from_data, load_catalog, solve
from modcluster.configure import Configurator
from modcluster.domain import Configuration, Request, Status, ValueStatus
from modcluster.generate import generate, spec_for

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parent.parent
TAMA = load_catalog(ROOT / "catalogs" / "tama.yaml")
PRODUCTS = [p.id for p in TAMA.products]

#: Selections in a benchmarked session after the first table.
STEPS = 6


def next_choice(table: Configuration) -> tuple[str, str] | None:
    """The first possible value of the first open decision that the current best does not take."""
    best = table.best
    assert best is not None, "a dead end"
    for row in table.open_decisions():
        for value in row.values:
            if value.status is ValueStatus.POSSIBLE and value.system is not None and value.system != best:
                return row.decision, value.value
    for row in table.open_decisions():
        possible = row.possible()
        if possible:
            return row.decision, possible[0]
    return None


def session(catalog: Catalog, request: Request, steps: int) -> list[tuple[float, Configuration]]:
    """A first table and up to ``steps`` selections: (seconds, table) for each."""
    conf = Configurator(catalog, request)
    began = time.perf_counter()
    table = conf.options()
    out = [(time.perf_counter() - began, table)]
    for _ in range(steps):
        choice = next_choice(table)
        if choice is None:
            break
        want = table.row(choice[0]).value(choice[1])  # type: ignore[union-attr]
        conf = conf.select(*choice)
        began = time.perf_counter()
        table = conf.options()
        out.append((time.perf_counter() - began, table))
        assert table.best is not None and want is not None
        assert (table.best.cost, table.best.lead_time) == (want.cost, want.lead_time), choice
    return out


def peer_table(catalog: Catalog, request: Request, table: Configuration) -> dict[tuple[str, str], Any]:
    """Each listed value by a fresh solve: (cost, lead time), or the status when there is no system.

    The value goes into the request's ``select`` (replacing the choice of its decision, if any:
    another value of a chosen decision is an alternative, judged with it chosen instead).
    """
    out: dict[tuple[str, str], Any] = {}
    chosen = dict(table.selection.chosen)
    for row in table.decisions:
        for value in row.values:
            asked = request.with_changes(select={**chosen, row.decision: value.value}, candidates=1)
            solution = solve(catalog, asked)
            best = solution.best
            if best is not None and solution.status is Status.OPTIMAL:
                out[(row.decision, value.value)] = (best.cost, best.lead_time)
            else:
                out[(row.decision, value.value)] = solution.status
    return out


def _agree(table: Configuration, peer: dict[tuple[str, str], Any]) -> None:
    for row in table.decisions:
        for value in row.values:
            theirs = peer.get((row.decision, value.value))
            if theirs is None or value.status is ValueStatus.UNKNOWN or (not value.proven and value.system):
                continue
            if value.status is ValueStatus.POSSIBLE:
                assert theirs == (value.cost, value.lead_time), (row.decision, value.value)
            else:
                assert theirs is Status.INFEASIBLE, (row.decision, value.value)


def _tama_cases() -> list[Any]:
    return [pytest.param(p, id=p, marks=[pytest.mark.bench_smoke] if i == 0 else []) for i, p in enumerate(PRODUCTS)]


def _first(catalog: Catalog, request: Request) -> Configuration:
    return Configurator(catalog, request).options()


@pytest.mark.parametrize("product", _tama_cases())
def test_first_table_engine(benchmark: BenchmarkFixture, product: str) -> None:
    request = build_request(TAMA, product=product)
    table = benchmark.pedantic(_first, args=(TAMA, request), rounds=5, iterations=1)  # type: ignore[no-untyped-call]
    benchmark.extra_info.update({"values": _count(table), "solves": table.stats.get("solves")})
    assert table.complete and table.best is not None


@pytest.mark.parametrize("product", _tama_cases())
def test_first_table_peer(benchmark: BenchmarkFixture, product: str) -> None:
    request = build_request(TAMA, product=product)
    table = _first(TAMA, request)
    peer = benchmark.pedantic(peer_table, args=(TAMA, request, table), rounds=1, iterations=1)  # type: ignore[no-untyped-call]
    _agree(table, peer)


@pytest.mark.parametrize("product", _tama_cases())
def test_session_engine(benchmark: BenchmarkFixture, product: str) -> None:
    request = build_request(TAMA, product=product)
    result = benchmark.pedantic(session, args=(TAMA, request, STEPS), rounds=3, iterations=1)  # type: ignore[no-untyped-call]
    times = [round(seconds, 4) for seconds, _ in result]
    benchmark.extra_info.update({"first": times[0], "steps": times[1:], "values": _count(result[0][1])})
    assert all(t.complete for _, t in result)


@pytest.mark.parametrize("product", _tama_cases())
def test_session_peer(benchmark: BenchmarkFixture, product: str) -> None:
    """The same session, each table by fresh solves; every step's figures agree with the engine's."""
    request = build_request(TAMA, product=product)
    tables = [table for _, table in session(TAMA, request, STEPS)]

    def peer_session() -> list[dict[tuple[str, str], Any]]:
        return [peer_table(TAMA, request, table) for table in tables]

    peers = benchmark.pedantic(peer_session, rounds=1, iterations=1)  # type: ignore[no-untyped-call]
    for table, peer in zip(tables, peers, strict=True):
        _agree(table, peer)


def _count(table: Configuration) -> int:
    return sum(len(r.values) for r in table.decisions)


@pytest.mark.bench_large
def test_configure_large(benchmark: BenchmarkFixture) -> None:
    catalog = catalog_from_data(generate(spec_for("large"), seed=0))
    request = build_request(catalog, product=catalog.products[0].id, overrides={"time_limit": 60})
    result = benchmark.pedantic(session, args=(catalog, request, 1), rounds=1, iterations=1)  # type: ignore[no-untyped-call]
    first = result[0][1]
    benchmark.extra_info.update(
        {
            "first": round(result[0][0], 2),
            "steps": [round(s, 2) for s, _ in result[1:]],
            "values": _count(first),
            "unknown": sum(v.status is ValueStatus.UNKNOWN for r in first.decisions for v in r.values),
        }
    )
