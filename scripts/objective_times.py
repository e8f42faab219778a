"""Time every objective on both money profiles of one preset: the table of docs/performance.md, "Objectives".

Usage: ``.venv/bin/python scripts/objective_times.py [--preset large] [--seed 0] [--limit 60]``

For each money profile (``tama``, ``industrial``) and objective (``cost``,
``lead_time``, ``weighted``) it generates the preset with that seed, solves
every product's default request with one and with five candidates, and prints
one markdown row per profile and objective: the range of wall-clock seconds
over the products and their statuses. Solves are not verified here (the
engine's verifier is timed by the benchmarks); the time limit applies to each
solve.
"""

from __future__ import annotations

import argparse
import time

from modcluster import build_request, catalog_from_data
from modcluster.generate import MAGNITUDES, OBJECTIVES, generate, spec_for
from modcluster.solver import run_search


def _span(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="large")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=60, help="time limit of each solve, seconds")
    args = parser.parse_args()
    print("| profile | objective | k=1 s | statuses | k=5 s | statuses |")
    print("|---|---|---|---|---|---|")
    for magnitude in MAGNITUDES:
        for objective in OBJECTIVES:
            spec = spec_for(args.preset, magnitude=magnitude, objective=objective)
            catalog = catalog_from_data(generate(spec, seed=args.seed))
            cells: list[str] = []
            for k in (1, 5):
                seconds, statuses = [], []
                for product in catalog.products:
                    request = build_request(catalog, product.id, overrides={"candidates": k, "time_limit": args.limit})
                    began = time.monotonic()
                    solution = run_search(catalog, request)
                    seconds.append(time.monotonic() - began)
                    statuses.append(solution.status.value)
                cells += [_span(seconds), ", ".join(statuses)]
            print(f"| {magnitude} | {objective} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
