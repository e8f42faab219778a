"""Build, refresh and check the regression corpus in ``tests/regression/``.

Each instance is a folder ``tests/regression/<name>/`` with ``request.yaml``
(the complete effective request) and ``expected.json`` (the catalog it uses,
the status, and every candidate's rank, cost and lead time). Catalogs are
stored once in ``tests/regression/catalogs/``. ``tests/test_regression.py``
solves every instance on each CI run and compares exactly.

Usage::

    .venv/bin/python scripts/regression_corpus.py --init    # write the stored inputs from their sources, then solve
    .venv/bin/python scripts/regression_corpus.py           # re-solve the stored inputs, rewrite expected.json
    .venv/bin/python scripts/regression_corpus.py --check   # compare only; exit 1 on any difference
    .venv/bin/python scripts/regression_corpus.py --check --plain   # the same with the plain model (no speed-ups)

``--init`` copies the bundled catalogs, extracts golden fixtures and writes
generated clusters (``modcluster.generate``) as files, so that later changes to
those sources do not move the corpus. After an intentional change of answers
(a contract fix, an ortools upgrade that is accepted), run the script without
flags and review the diff of the ``expected.json`` files.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from importlib.metadata import version
from pathlib import Path
from typing import Any

from modcluster import build_request, load_catalog, load_request, solve
from modcluster.domain import Solution
from modcluster.generate import dump_catalog, generate
from modcluster.io import atomic_write_text, load_document
from modcluster.solver import SolverSettings

__all__ = ["CORPUS", "INSTANCES", "PLAIN", "Instance", "check", "expected_of", "instances", "solve_instance"]

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "regression"
CATALOGS = CORPUS / "catalogs"
#: Seconds per instance: far above what each takes (a second at most), so a slower
#: machine or release does not turn an optimum into an unproven answer.
TIME_LIMIT = 60


@dataclass(frozen=True)
class Instance:
    """One stored instance: its catalog (a file in ``catalogs/``), product and request fields."""

    name: str
    catalog: str
    product: str
    overrides: dict[str, Any] = field(default_factory=dict)


#: Where each stored catalog comes from: a bundled file, a golden fixture, or the generator.
SOURCES: dict[str, tuple[str, Any]] = {
    "tama.yaml": ("copy", ROOT / "catalogs" / "tama.yaml"),
    "mini.yaml": ("copy", ROOT / "catalogs" / "examples" / "mini.yaml"),
    "golden-25.yaml": ("golden", ROOT / "tests" / "golden" / "25_k_candidates_distinct.yaml"),
    "golden-33.yaml": ("golden", ROOT / "tests" / "golden" / "33_one_seed_two_modules.yaml"),
    "small-1.yaml": ("generate", ("small", 1)),
    "small-2.yaml": ("generate", ("small", 2)),
    "medium-1.json": ("generate", ("medium", 1)),
    "tama-2002-1.json": ("generate", ("tama-2002", 1)),
}

TAMA_PRODUCTS = [
    "laser-displacement-sensor",
    "ultrasonic-distance-sensor",
    "wafer-edge-inspector",
    "syringe-infusion-pump",
    "piezo-nano-stage",
    "fuel-cell-power-unit",
    "water-quality-monitor",
    "cubesat-star-tracker",
]

INSTANCES = [
    *[Instance(f"tama-{p}", "tama.yaml", p) for p in TAMA_PRODUCTS],
    Instance("tama-piezo-lead-time", "tama.yaml", "piezo-nano-stage", {"objective": "lead_time", "candidates": 4}),
    Instance("tama-laser-over-budget", "tama.yaml", "laser-displacement-sensor", {"limits": {"budget": 5000}}),
    Instance("mini", "mini.yaml", "mini-sensor"),
    Instance("golden-25-distinct", "golden-25.yaml", "prod"),
    Instance("golden-33-seed", "golden-33.yaml", "prod"),
    Instance("small-1-cost", "small-1.yaml", "product-0"),
    Instance("small-2-lead-time", "small-2.yaml", "product-1", {"objective": "lead_time"}),
    Instance(
        "medium-1-weighted",
        "medium-1.json",
        "product-0",
        {"objective": "weighted", "weights": {"cost": 1, "lead_time": 25}},
    ),
    Instance("medium-1-cost", "medium-1.json", "product-2"),
    Instance("tama-2002-cost", "tama-2002-1.json", "product-3", {"candidates": 5}),
]


def _write_catalog(name: str) -> None:
    kind, source = SOURCES[name]
    target = CATALOGS / name
    fmt = "json" if name.endswith(".json") else "yaml"
    if kind == "copy":
        shutil.copyfile(source, target)
    elif kind == "golden":
        data = load_document(source).data
        text = f"# Extracted from tests/golden/{Path(source).name} by scripts/regression_corpus.py --init\n"
        atomic_write_text(target, text + dump_catalog(data["catalog"], fmt))
    else:
        preset, seed = source
        header = (
            "" if fmt == "json" else f"# generate({preset!r}, seed={seed}), by scripts/regression_corpus.py --init\n"
        )
        atomic_write_text(target, header + dump_catalog(generate(preset, seed), fmt))


def _plain(value: Any) -> Any:
    """Plain data for the YAML writer: enums as their values, tuples as lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _request_text(instance: Instance) -> str:
    catalog = load_catalog(CATALOGS / instance.catalog)
    overrides = {"time_limit": TIME_LIMIT, **instance.overrides}
    request = build_request(catalog, instance.product, overrides=overrides)
    data = _plain(request.model_dump(mode="python", by_alias=True, exclude_none=True))
    header = f"# The complete request of regression instance {instance.name!r} (scripts/regression_corpus.py).\n"
    return header + dump_catalog(data, "yaml")


def init() -> None:
    """Write every stored input (catalogs and requests) from its source."""
    CATALOGS.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        _write_catalog(name)
    for instance in INSTANCES:
        folder = CORPUS / instance.name
        folder.mkdir(exist_ok=True)
        atomic_write_text(folder / "request.yaml", _request_text(instance))


def instances() -> list[Path]:
    """The stored instance folders, sorted by name."""
    return sorted(p.parent for p in CORPUS.glob("*/request.yaml"))


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def expected_of(solution: Solution, catalog: str) -> dict[str, Any]:
    """What the corpus stores of a solution: status and every candidate's rank, cost (exact text) and lead time."""
    return {
        "catalog": catalog,
        "status": solution.status.value,
        "candidates": [
            {"rank": c.rank, "cost": _money(c.cost), "lead_time": c.lead_time, "proven_optimal": c.proven_optimal}
            for c in solution.candidates
        ],
    }


def _catalog_of(folder: Path) -> str:
    expected = folder / "expected.json"
    if expected.exists():
        return str(json.loads(expected.read_text(encoding="utf-8"))["catalog"])
    return next(i.catalog for i in INSTANCES if i.name == folder.name)


#: The model without the engine's speed-ups (one model for all hubs, no pruning, no hint): a second opinion.
PLAIN = SolverSettings(workers=8, decompose=False, dominance=False, bounds=False, hint=False)


def solve_instance(folder: Path, settings: SolverSettings | None = None) -> dict[str, Any]:
    """Solve one stored instance (with the engine's default settings); return what ``expected.json`` holds."""
    catalog_name = _catalog_of(folder)
    catalog = load_catalog(CATALOGS / catalog_name)
    request = load_request(folder / "request.yaml")
    return expected_of(solve(catalog, request, settings), catalog_name)


def _text(expected: dict[str, Any]) -> str:
    return json.dumps({**expected, "ortools": version("ortools")}, indent=2) + "\n"


def check(folder: Path, settings: SolverSettings | None = None) -> list[str]:
    """Differences between a stored instance's expected values and a fresh solve (empty: none)."""
    stored = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    stored.pop("ortools", None)
    fresh = solve_instance(folder, settings)
    if stored == fresh:
        return []
    return [f"{folder.name}: expected {json.dumps(stored)}, got {json.dumps(fresh)}"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--init", action="store_true", help="write the stored inputs from their sources, then solve")
    mode.add_argument("--check", action="store_true", help="compare with the stored expected values only")
    parser.add_argument("--plain", action="store_true", help="with --check: solve with the plain model")
    args = parser.parse_args(argv)
    if args.plain and not args.check:
        parser.error("--plain goes with --check")
    if args.init:
        init()
    problems: list[str] = []
    for folder in instances():
        if args.check:
            problems += check(folder, PLAIN if args.plain else None)
            print(f"{folder.name}: {'differs' if problems and problems[-1].startswith(folder.name) else 'same'}")
            continue
        expected = solve_instance(folder)
        atomic_write_text(folder / "expected.json", _text(expected))
        best = expected["candidates"][0] if expected["candidates"] else None
        shown = f"cost {best['cost']}, lead time {best['lead_time']}" if best else "no candidate"
        print(f"{folder.name}: {expected['status']}, {shown}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
