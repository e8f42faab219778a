"""The synthetic cluster generator: valid, reproducible, solvable; and the exact pruning switches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from modcluster import build_request, catalog_from_data, load_catalog, solve, verify_solution
from modcluster.domain.checks import check_catalog
from modcluster.domain.solution import Status
from modcluster.errors import InputError
from modcluster.generate import PRESETS, Spec, dump_catalog, generate, spec_for, write_catalog
from modcluster.solver.solve import SolverSettings, objective_key
from modcluster.solver.solve import solve as solve_unverified

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("preset", ["small", "medium"])
def test_preset_is_valid_and_every_default_request_solves(preset: str) -> None:
    catalog = catalog_from_data(generate(preset, seed=1))
    check_catalog(catalog)
    assert len(catalog.organizations) == PRESETS[preset].organizations
    assert len(catalog.products) == PRESETS[preset].products
    for product in catalog.products:
        assert product.request is not None and product.request.limits.budget is not None
        request = build_request(catalog, product.id, overrides={"candidates": 2})
        solution = solve(catalog, request)
        assert solution.status is Status.OPTIMAL, product.id
        assert verify_solution(catalog, request, solution) == []
        best = solution.best
        assert best is not None
        assert best.cost <= request.limits.budget and best.lead_time <= request.limits.deadline


def test_same_seed_same_catalog_other_seed_other_catalog() -> None:
    assert dump_catalog(generate("small", seed=5), "json") == dump_catalog(generate("small", seed=5), "json")
    assert generate("small", seed=5) != generate("small", seed=6)


def test_tama_2002_has_the_associations_size() -> None:
    data = generate("tama-2002", seed=0)
    orgs = data["organizations"]
    assert len(orgs) == 495
    firms = [o for o in orgs if o.get("kind") in ("developer", "processor", "enterprise")]
    assert len(firms) == 271
    association = data["intermediaries"][0]
    assert len(association["members"]) == 495


def test_overrides_and_unknown_preset() -> None:
    spec = spec_for("medium", organizations=120, modules=4, products=None)
    assert (spec.organizations, spec.modules, spec.products) == (120, 4, PRESETS["medium"].products)
    with pytest.raises(InputError, match="unknown preset"):
        spec_for("gigantic")
    with pytest.raises(InputError, match="at least 5"):
        spec_for("small", organizations=2)


def test_tight_limits_are_still_feasible() -> None:
    catalog = catalog_from_data(generate(Spec(60, products=2, modules=5, tightness=1.0), seed=3))
    for product in catalog.products:
        solution = solve(catalog, build_request(catalog, product.id, overrides={"candidates": 1}))
        assert solution.status is Status.OPTIMAL


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_written_file_loads(tmp_path: Path, fmt: str) -> None:
    data = generate("small", seed=2)
    path = tmp_path / f"c.{fmt}"
    write_catalog(data, path)
    catalog = load_catalog(path)
    assert catalog == catalog_from_data(data)


def test_cli_generate(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "modcluster", "generate", "--preset", "small", "--seed", "1", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["name"] == "small (synthetic, seed 1)"
    assert load_catalog(out) == catalog_from_data(generate("small", seed=1))


ABLATIONS = [
    SolverSettings(decompose=False, dominance=False, bounds=False, hint=False, settle=False),
    SolverSettings(dominance=False),
    SolverSettings(bounds=False),
    SolverSettings(decompose=False),
    SolverSettings(fixing=False),
    SolverSettings(hint=False),
    SolverSettings(settle=False),
]


@pytest.mark.parametrize("seed", [11, 12])
def test_pruned_and_unpruned_solves_agree(seed: int) -> None:
    """Every speed-up switched off, or one at a time: the same ranked objective values."""
    catalog = catalog_from_data(generate(Spec(40, products=1, modules=4, steps=(1, 2), tightness=0.8), seed=seed))
    product = catalog.products[0].id
    for objective in ("cost", "lead_time", "weighted"):
        overrides = {"candidates": 3, "objective": objective, "weights": {"cost": 1, "lead_time": 25}}
        request = build_request(catalog, product, overrides=overrides)
        reference = solve_unverified(catalog, request)
        assert reference.status is Status.OPTIMAL
        expected = [objective_key(c, request) for c in reference.candidates]
        for settings in ABLATIONS:
            other = solve_unverified(catalog, request, settings)
            assert [objective_key(c, request) for c in other.candidates] == expected, settings


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(100, 130))
def test_speedups_agree_with_the_plain_model_long(seed: int) -> None:
    """Larger generated clusters, five candidates: the engine's answer equals the plain model's."""
    spec = Spec(90, products=1, modules=6, steps=(1, 3), tightness=0.9)
    catalog = catalog_from_data(generate(spec, seed=seed))
    product = catalog.products[0].id
    plain = SolverSettings(decompose=False, dominance=False, bounds=False, hint=False, settle=False)
    for objective in ("cost", "lead_time", "weighted"):
        overrides = {"candidates": 5, "objective": objective, "weights": {"cost": 1, "lead_time": 25}}
        request = build_request(catalog, product, overrides=overrides)
        fast = solve_unverified(catalog, request)
        slow = solve_unverified(catalog, request, plain)
        assert fast.status is slow.status is Status.OPTIMAL
        assert [objective_key(c, request) for c in fast.candidates] == [
            objective_key(c, request) for c in slow.candidates
        ]
