"""Benchmarks of the web app (``make bench``): one click, a select step, answered through the HTTP API.

For every product of ``catalogs/tama.yaml`` (its default request), the first
page is loaded once (untimed: the first table), then a click is timed: the
GET of the page selecting the first possible value of the first open
decision, on a fresh server each round (so the step is really computed, as
for a person's click, from the cached first step). The median is in the
report and in ``extra_info``; docs/web.md states the measured figures.
``-m bench_smoke`` runs the first product. No wall-clock assertion.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

pytest.importorskip("starlette", reason="the web extra is not installed")

from starlette.testclient import TestClient

from modcluster import load_catalog
from modcluster.web import create_app

pytestmark = pytest.mark.benchmark

ROOT = Path(__file__).resolve().parent.parent
TAMA = load_catalog(ROOT / "catalogs" / "tama.yaml")
PRODUCTS = [p.id for p in TAMA.products]
_SELECT = re.compile(r'class="act select" href="([^"]+)"')


def _ready(product: str) -> tuple[TestClient, str]:
    """A fresh app with the product's first page loaded, and the URL of its first select link."""
    client = TestClient(create_app(TAMA))
    page = client.get(f"/configure?product={product}")
    assert page.status_code == 200, page.text
    link = _SELECT.search(page.text)
    assert link is not None, "no possible value to select"
    return client, html.unescape(link.group(1))


@pytest.mark.parametrize(
    "product", [pytest.param(p, marks=pytest.mark.bench_smoke) if i == 0 else p for i, p in enumerate(PRODUCTS)]
)
def test_click(benchmark: BenchmarkFixture, product: str) -> None:
    def click(client: TestClient, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200

    benchmark.pedantic(click, setup=lambda: (_ready(product), {}), rounds=5, iterations=1)  # type: ignore[no-untyped-call]
    if benchmark.stats is not None:
        benchmark.extra_info["median_ms"] = round(benchmark.stats.stats.median * 1000, 1)
