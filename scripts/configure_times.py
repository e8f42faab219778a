"""Response times of the configurator: the first table and each later step, per product (docs/performance.md).

For every product of ``catalogs/tama.yaml`` (its default request) a session
starts from the request, then selects, ``--steps`` times, a possible value
that the current best does not take (so each step changes the best), and
times ``options()`` for each table. With ``--large`` it adds the ``large``
preset (seed 0, product-0) with ``--large-seconds`` as the limit of each
table and one step. Each table is verified (``options`` does it); the
script prints a Markdown table: product, objective, values, the first
table's seconds, the later steps' median and worst, solves, and whether
every table was complete.

Usage::

    .venv/bin/python scripts/configure_times.py
    .venv/bin/python scripts/configure_times.py --large --large-seconds 60
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.test_bench_configure import next_choice  # noqa: E402
from modcluster import build_request, catalog_from_data, load_catalog  # noqa: E402
from modcluster.configure import Configurator  # noqa: E402
from modcluster.domain import Catalog, Request, ValueStatus  # noqa: E402
from modcluster.generate import generate, spec_for  # noqa: E402

#: Every TAMA table's seconds, for the summary line.
ALL: list[float] = []


def _row(name: str, catalog: Catalog, request: Request, steps: int, seconds: float | None) -> str:
    conf = Configurator(catalog, request)
    times, solves, complete, unknown = [], 0, True, 0
    table = None
    for step in range(steps + 1):
        if step:
            assert table is not None
            choice = next_choice(table)
            if choice is None:
                break
            conf = conf.select(*choice)
        began = time.perf_counter()
        table = conf.options(time_limit=seconds)
        times.append(time.perf_counter() - began)
        solves += int(table.stats.get("solves", 0))
        complete = complete and table.complete
        unknown += sum(v.status is ValueStatus.UNKNOWN for r in table.decisions for v in r.values)
        if table.best is None:
            break
    first = times[0]
    later = times[1:]
    if seconds is None:
        ALL.extend(times)
    table_values = sum(len(values) for _, values in conf.decisions())
    median = f"{statistics.median(later):.3f}" if later else "-"
    worst = f"{max(later):.3f}" if later else "-"
    return (
        f"| {name} | {request.objective.value} | {table_values} | {first:.3f} | {median} | {worst} | {solves} "
        f"| {'yes' if complete else f'no ({unknown} unknown)'} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the table (see the module docstring); 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--large-seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    print("| product | objective | values | first table s | later steps: median s | worst s | solves | complete |")
    print("|---|---|---|---|---|---|---|---|")
    tama = load_catalog(ROOT / "catalogs" / "tama.yaml")
    for product in tama.products:
        print(_row(product.id, tama, build_request(tama, product=product.id), args.steps, None), flush=True)
    print(f"\nTAMA: {len(ALL)} tables, median {statistics.median(ALL):.3f} s, worst {max(ALL):.3f} s\n", flush=True)
    if args.large:
        catalog = catalog_from_data(generate(spec_for("large"), seed=0))
        request = build_request(catalog, product=catalog.products[0].id)
        print(_row("large product-0", catalog, request, 1, args.large_seconds), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
