"""Plan sweeps: a sweep file with `plan:` whose scenarios vary a plan's fields and its entries' fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from modcluster import RequestError, ValidationError, load_catalog, plan_request_from_data
from modcluster.plans import plan as solve_plan
from modcluster.sweep import (
    MAX_SCENARIOS,
    SWEEP_SETTINGS,
    ScenarioResult,
    SweepSpec,
    build_scenario_plan,
    cache_info,
    load_sweep,
    plan,
    read_results,
    scenario_count,
    sweep,
    sweep_from_data,
)

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
EXAMPLE = ROOT / "catalogs" / "sweeps" / "tama-plans.yaml"
SEASON = ROOT / "catalogs" / "plans" / "tama-season.yaml"
CATALOG = load_catalog(TAMA)

#: A small plan on TAMA: the laser and ultrasonic sensors share Sagami Measure's integration bench.
PLAN: dict[str, Any] = {
    "entries": [
        {"id": "laser", "product": "laser-displacement-sensor"},
        {"id": "ultrasonic", "product": "ultrasonic-distance-sensor"},
        {"id": "wafer", "product": "wafer-edge-inspector"},
    ],
    "time_limit": 10,
}
#: Six scenarios: three optimal, two infeasible (together; alone), one failed (an unknown hub).
SWEEP: dict[str, Any] = {
    "name": "small plan sweep",
    "grid": {"laser.quantity": [100, 200], "budget": [None, 40000]},
    "scenarios": [
        {"name": "ultrasonic-late", "ultrasonic.release": 20},
        {"name": "no-such-hub", "wafer.hub": "nobody"},
    ],
}
IDS = [
    "laser.quantity=100/budget=default",
    "laser.quantity=100/budget=40000",
    "laser.quantity=200/budget=default",
    "laser.quantity=200/budget=40000",
    "ultrasonic-late",
    "no-such-hub",
]
#: The keys of a plan result's JSON line, in order.
PLAN_LINE = [
    "scenario", "status", "kind", "objective", "total_cost", "total_lead_time", "makespan", "price_of_sharing",
    "entries", "seconds", "error", "explanation", "params", "fingerprint", "request", "plan",
]  # fmt: skip


def write_sweep(tmp_path: Path, sweep_data: dict[str, Any] = SWEEP, plan_data: dict[str, Any] = PLAN) -> Path:
    """The sweep in tmp/sweeps/, naming its plan in tmp/plans/ by a path relative to it."""
    (tmp_path / "plans").mkdir(exist_ok=True)
    (tmp_path / "sweeps").mkdir(exist_ok=True)
    (tmp_path / "plans" / "small.yaml").write_text(yaml.safe_dump(plan_data, sort_keys=False))
    path = tmp_path / "sweeps" / "small.yaml"
    path.write_text(yaml.safe_dump({"plan": "../plans/small.yaml", **sweep_data}, sort_keys=False))
    return path


def comparable(result: ScenarioResult) -> dict[str, Any]:
    data = result.to_dict()
    del data["seconds"]
    return data


def errors(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_sweep(path)
    return str(info.value).splitlines()


# --------------------------------------------------------------------------- the sweep file


def test_example_plan_sweep_lists_a_grid_of_plans_and_a_named_one() -> None:
    spec = load_sweep(EXAMPLE)
    plans = spec.plan_sweep
    assert plans is not None and plans.file is not None and Path(plans.file).resolve() == SEASON
    assert plans.base == {"time_limit": Decimal(10)}
    scenarios = plan(CATALOG, spec)
    assert len(scenarios) == 3 * 3 * 2 + 1 and {s.kind for s in scenarios} == {"plan"}
    # entry keys first (entries in plan order), then the plan's; the last key varies fastest
    assert scenarios[0].id == "laser-q1.quantity=100/star-tracker.release=0/budget=100000"
    assert scenarios[1].id == "laser-q1.quantity=100/star-tracker.release=0/budget=120000"
    assert scenarios[0].params == {"laser-q1.quantity": 100, "star-tracker.release": 0, "budget": Decimal(100000)}
    assert scenarios[-1].id == "laser-400-funded"
    assert scenarios[0].value_places["star-tracker.release"] == ("grid", "star-tracker.release", 0)
    again = plan(CATALOG, load_sweep(EXAMPLE))
    assert [(s.id, s.fingerprint) for s in again] == [(s.id, s.fingerprint) for s in scenarios]
    assert len({s.fingerprint for s in scenarios}) == len(scenarios)


def test_a_scenario_is_the_plan_then_base_then_its_variation(tmp_path: Path) -> None:
    spec = load_sweep(EXAMPLE)
    named = plan(CATALOG, spec)[-1]
    request = build_scenario_plan(CATALOG, spec, named)
    season = plan_request_from_data(yaml.safe_load(SEASON.read_text()))
    assert request.time_limit == 10  # base
    assert request.limits.budget == 140000 and request.objective == season.objective  # the variation, the plan
    laser, star = request.entries[0], request.entries[-1]
    assert (laser.id, laser.quantity, laser.limits.budget) == ("laser-q1", 400, Decimal(40000))
    # every entry is written out as solved: the product's default request, then the plan's entry
    default = next(p for p in CATALOG.products if p.id == "laser-displacement-sensor").request
    assert default is not None and laser.limits.deadline == default.limits.deadline
    assert (star.release, star.limits.deadline) == (20, 110)
    assert [e.key for e in request.entries] == [e.key for e in season.entries]

    # entry limits and the plan's weights merge key by key; a null keeps the plan's value
    data: dict[str, Any] = {
        "plan": {**PLAN, "objective": "weighted", "weights": {"cost": 2, "lead_time": 10}},
        "base": {"limits": {"budget": 90000}, "weights": {"lead_time": 50}},
        "scenarios": [
            {"name": "a", "laser.deadline": 120, "laser.release": 5, "weights": {"cost": 3}, "wafer.exclude": "x"},
            {"name": "b", "budget": None, "laser.quantity": None, "time_limit": 3},
        ],
    }
    spec = sweep_from_data(data)
    a, b = plan(CATALOG, spec)
    with pytest.raises(RequestError, match=r"scenarios\[0\]\.wafer\.exclude\[0\]: unknown organization 'x'"):
        build_scenario_plan(CATALOG, spec, a)
    request = build_scenario_plan(CATALOG, spec, b)
    assert request.limits.budget == 90000 and request.time_limit == 3
    assert (request.weights.cost, request.weights.lead_time) == (Decimal(2), Decimal(50))
    assert request.entries[0].quantity == default.quantity
    data["scenarios"][0]["wafer.exclude"] = []
    spec = sweep_from_data(data)
    request = build_scenario_plan(CATALOG, spec, plan(CATALOG, spec)[0])
    assert (request.weights.cost, request.weights.lead_time) == (Decimal(3), Decimal(50))
    assert (request.entries[0].release, request.entries[0].limits.deadline) == (5, 120)
    assert request.entries[0].limits.budget == default.limits.budget


def test_inline_plan_and_plan_file_give_the_same_scenarios(tmp_path: Path) -> None:
    from_file = plan(CATALOG, load_sweep(write_sweep(tmp_path)))
    inline = plan(CATALOG, sweep_from_data({"plan": PLAN, **SWEEP}))
    assert [s.id for s in from_file] == IDS
    assert [(s.id, s.fingerprint) for s in inline] == [(s.id, s.fingerprint) for s in from_file]
    # the fingerprint follows the plan and the base
    other_plan = plan(CATALOG, sweep_from_data({"plan": {**PLAN, "objective": "lead_time"}, **SWEEP}))
    other_base = plan(CATALOG, sweep_from_data({"plan": PLAN, "base": {"time_limit": 5}, **SWEEP}))
    assert len({from_file[0].fingerprint, other_plan[0].fingerprint, other_base[0].fingerprint}) == 3


def test_unknown_entries_and_keys_are_located(tmp_path: Path) -> None:
    path = write_sweep(tmp_path)
    path.write_text(
        "plan: ../plans/small.yaml\n"
        "grid:\n"
        "  lazer.quantity: [1]\n"
        "  laser.qty: [1]\n"
        "  laser.quantity: [10, -1]\n"
        "  budgt: [1]\n"
        "scenarios:\n"
        "  - {name: a, wafer.release: ten}\n"
        "  - {name: a, ultrasonic.hub: x}\n"
    )
    assert errors(path) == [
        f"{path}:3:3: grid.lazer.quantity: unknown entry 'lazer' (did you mean 'laser'?): "
        "the plan's entries are laser, ultrasonic, wafer",
        f"{path}:4:3: grid.laser.qty: an entry cannot vary 'qty': use laser.KEY for KEY in quantity, release, "
        "budget, deadline, max_partners, sites, exclude, require, hub",
        f"{path}:5:24: grid.laser.quantity[1]: must not be negative, got -1",
        f"{path}:6:3: grid.budgt: extra key 'budgt' is not allowed (did you mean 'budget'?): a plan sweep varies "
        "budget, objective, weights, time_limit and ENTRY_ID.KEY (entries: laser, ultrasonic, wafer)",
        f"{path}:8:30: scenarios[0].wafer.release: expected a number, got a string",
        f"{path}:9:12: scenarios[1].name: duplicate scenario name 'a' (first at scenarios[0])",
    ]


def test_a_sweep_is_all_plans_or_all_requests(tmp_path: Path) -> None:
    path = write_sweep(tmp_path)
    # with `plan:`, request keys are refused, in the grid, the scenarios and the base
    path.write_text(
        "plan: ../plans/small.yaml\n"
        "base: {time_limit: 5, candidates: 3, entries: []}\n"
        "grid: {product: all, quantity: [1]}\n"
        "scenarios: [{name: s, laser.release: 1, candidates: 2}]\n"
    )
    lines = errors(path)
    assert lines[0] == (
        f"{path}:2:23: base.candidates: extra key 'candidates' is not allowed: a plan sweep's base holds "
        "plan fields (limits, objective, weights, time_limit)"
    )
    assert lines[1].startswith(f"{path}:2:38: base.entries: the entries come from `plan:`")
    assert lines[2] == (
        f"{path}:3:8: grid.product: 'product' varies a single request, not a plan: the products are the plan's entries"
    )
    assert lines[3] == (
        f"{path}:3:22: grid.quantity: 'quantity' varies a single request, not a plan: write ENTRY_ID.quantity "
        "(entries: laser, ultrasonic, wafer)"
    )
    assert lines[4].startswith(f"{path}:4:41: scenarios[0].candidates: 'candidates' varies a single request")
    assert len(lines) == 5
    # without `plan:`, an entry key is refused, saying what it needs
    path.write_text("grid: {laser.quantity: [1]}\n")
    assert errors(path) == [
        f"{path}:1:8: grid.laser.quantity: extra key 'laser.quantity' is not allowed; "
        "ENTRY_ID.KEY varies an entry of a plan: add `plan:` (a plan file) to sweep plans"
    ]
    # a plan sweep has scenarios, and its plan is a file or a mapping
    path.write_text("plan: ../plans/small.yaml\n")
    assert errors(path) == [f"{path}:1:1: the sweep has no scenarios: give a grid, scenarios, or both"]
    path.write_text("plan: [a]\ngrid: {budget: [1]}\n")
    assert errors(path) == [f"{path}:1:7: plan: expected a plan file's name or a plan mapping, got a list"]
    path.write_text("plan: nowhere.yaml\ngrid: {budget: [1]}\n")
    assert errors(path) == [f"{path}:1:7: plan: {path.parent / 'nowhere.yaml'}: file not found"]


def test_errors_in_the_plan_are_located_in_the_plan(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, plan_data={**PLAN, "time_limit": 0})
    plan_file = tmp_path / "plans" / "small.yaml"
    assert errors(path) == [f"{plan_file}:8:13: time_limit: must be greater than 0, got 0"]
    twice = {"entries": [dict(PLAN["entries"][0]), dict(PLAN["entries"][0])]}
    path = write_sweep(tmp_path, plan_data=twice)
    assert errors(path) == [
        f"{plan_file}:4:7: entries[1].id: entry id 'laser' is already used by entries[0]; give one a distinct `id`"
    ]
    # an unknown product is found against the catalog, before anything is solved
    path = write_sweep(tmp_path, plan_data={"entries": [{"id": "laser", "product": "nope"}, *PLAN["entries"][1:]]})
    spec = load_sweep(path)
    with pytest.raises(RequestError, match=rf"^{plan_file}:3:12: entries\[0\]\.product: unknown product 'nope'"):
        plan(CATALOG, spec)
    with pytest.raises(RequestError):
        sweep(CATALOG, spec, workers=1)


def test_grid_ids_names_and_size_limits() -> None:
    data = {"plan": PLAN, "grid": {"laser.quantity": [100]}, "scenarios": [{"name": "laser.quantity=100"}]}
    with pytest.raises(ValidationError, match=r"scenarios\[0\]\.name: scenario name .* is also the id of a grid"):
        plan(CATALOG, sweep_from_data(data))
    many = list(range(1, 401))
    spec = sweep_from_data({"plan": PLAN, "grid": [{"laser.quantity": many, "wafer.quantity": many}]})
    assert scenario_count(CATALOG, spec) == 160_000 > MAX_SCENARIOS
    with pytest.raises(ValidationError, match=r"grid\[0\]: laser\.quantity 400 x wafer\.quantity 400"):
        plan(CATALOG, spec)
    assert isinstance(spec, SweepSpec) and spec.grids == () and spec.scenarios == ()


# --------------------------------------------------------------------------- running


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sweep's file (one for the module: error messages name it)."""
    return write_sweep(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="module")
def local(small_sweep: Path) -> dict[str, ScenarioResult]:
    """The small sweep on the local process pool (two workers), by scenario id."""
    with sweep(CATALOG, load_sweep(small_sweep), workers=2) as run:
        return {r.scenario: r for r in run}


def test_plan_results_hold_totals_sharing_and_each_entry(local: dict[str, ScenarioResult]) -> None:
    assert sorted(local) == sorted(IDS)
    assert {key: r.status for key, r in local.items()} == {
        IDS[0]: "optimal",
        IDS[1]: "optimal",
        IDS[2]: "optimal",
        IDS[3]: "infeasible",  # 200 laser sensors and the others do not fit 40,000 together
        "ultrasonic-late": "infeasible",  # its deadline is too early for a release on day 20
        "no-such-hub": "failed",
    }
    for result in local.values():
        line = result.to_dict()
        assert list(line) == PLAN_LINE and line["kind"] == "plan"
        assert ScenarioResult.from_dict(json.loads(result.to_json(), parse_float=Decimal)) == result
    best = local[IDS[2]]
    assert best.plan is not None and best.entries is not None and best.request is not None
    assert [e["id"] for e in best.entries] == ["laser", "ultrasonic", "wafer"]
    assert best.cost == sum(Decimal(str(e["cost"])) for e in best.entries)
    assert best.lead_time == sum(e["lead_time"] for e in best.entries)
    assert best.makespan == max(e["lead_time"] for e in best.entries)
    assert best.entries[0]["quantity"] == 200 and best.entries[0]["hub"] == best.plan["entries"][0]["system"]["hub"]
    alone = best.plan["alone"]
    assert best.price_of_sharing == {
        "cost": best.cost - sum(Decimal(str(a["cost"])) for a in alone),
        "lead_time": best.lead_time - sum(a["lead_time"] for a in alone),
    }
    # the effective plan request: every entry written out; the plan solved directly gives the same plan
    assert best.request["entries"][1]["quantity"] == 1000 and best.request["limits"] == {"budget": None}
    direct = solve_plan(CATALOG, plan_request_from_data(dict(best.request)), SWEEP_SETTINGS)
    assert (direct.status.value, direct.total_cost, direct.makespan) == ("optimal", best.cost, best.makespan)
    late = local["ultrasonic-late"]
    assert late.plan is not None and late.entries is None and late.cost is None
    assert late.explanation is not None and late.explanation.startswith("ultrasonic cannot be planned alone")
    bad = local["no-such-hub"]
    assert bad.error is not None and bad.request is None and bad.error["exit_code"] == 2
    assert bad.error["message"].endswith("scenarios[1].wafer.hub: unknown organization 'nobody'")
    assert ":" in bad.error["message"].split("scenarios[1]")[0]  # file:line:column


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_cli_writes_lines_and_a_table_resumes_and_retries_failed(tmp_path: Path) -> None:
    sweep_file = write_sweep(tmp_path)
    out, table = tmp_path / "plans.jsonl", tmp_path / "plans.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def cli(*extra: str) -> subprocess.CompletedProcess[str]:
        args = [sys.executable, "-m", "modcluster", "sweep", str(TAMA), str(sweep_file), "--out", str(out), *extra]
        return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)

    first = cli("--workers", "2", "--csv", str(table))
    assert first.returncode == 2, first.stderr  # the failed scenario's error: bad input
    assert first.stdout.splitlines()[0].split() == [
        "scenario", "status", "total", "cost", "lead", "times", "makespan", "sharing", "cost", "sharing", "days",
        "note",
    ]  # fmt: skip
    assert first.stdout.splitlines()[-1] == "6 scenarios: 3 optimal, 2 infeasible, 1 failed"
    results = read_results(out)
    assert sorted(r.scenario for r in results) == sorted(IDS) and all(r.kind == "plan" for r in results)
    rows = table.read_text().splitlines()
    entry_columns = [f"{e}.{k}" for e in ("laser", "ultrasonic", "wafer") for k in ("quantity", "release", "hub")]
    assert rows[0].split(",")[:13] == [
        "scenario", "status", "objective", "budget", "time_limit", "total_cost", "total_lead_time", "makespan",
        "sharing_cost", "sharing_lead_time", "seconds", "error", "reason",
    ]  # fmt: skip
    assert [c for c in rows[0].split(",")[13:] if not c.endswith(("cost", "lead_time"))] == entry_columns
    assert len(rows[0].split(",")) == 13 + 3 * 5
    assert [row.split(",")[0] for row in rows[1:]] == IDS  # sweep order
    best = {r.scenario: r for r in results}[IDS[2]]
    assert best.cost is not None  # money with two decimals, exactly
    assert rows[3].startswith(f"{IDS[2]},optimal,cost,,10,{best.cost.quantize(Decimal('0.01'))},{best.lead_time},")
    assert ",200,0,sayama-mould," in rows[3]  # a person placed there leads it (the catalog's people, v1.1)
    assert rows[-1].startswith("no-such-hub,failed,") and "unknown organization 'nobody'" in rows[-1]

    again = cli("--quiet")
    assert again.returncode == 2 and again.stderr == ""
    assert read_results(out) == results  # nothing solved twice
    retry = cli("--retry-failed")
    assert retry.returncode == 2 and "5 already in" in retry.stderr and ", 1 to solve" in retry.stderr
    assert Counter(r.scenario for r in read_results(out))["no-such-hub"] == 2


def test_a_bad_value_fails_its_scenario_only() -> None:
    data = {"plan": PLAN, "grid": {"wafer.exclude": [[], ["ghost"]], "laser.hub": ["kosoku-sensing"]}}
    with ThreadPoolExecutor(2) as pool:
        results = {r.scenario: r for r in sweep(CATALOG, sweep_from_data(data), executor=pool)}
    bad = results["laser.hub=kosoku-sensing/wafer.exclude=ghost"]
    assert bad.failed and bad.error is not None
    assert bad.error["message"] == "grid.wafer.exclude[1][0]: unknown organization 'ghost'"
    good = results["laser.hub=kosoku-sensing/wafer.exclude=none"]
    assert good.status == "optimal" and good.entries is not None and good.entries[0]["hub"] == "kosoku-sensing"


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_dask_local_cluster_gives_the_same_plans_as_the_local_pool(
    tmp_path: Path, small_sweep: Path, local: dict[str, ScenarioResult]
) -> None:
    distributed = pytest.importorskip("distributed")
    sweep_file = small_sweep
    spec = load_sweep(sweep_file)
    out = tmp_path / "dask.jsonl"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with sweep(CATALOG, spec, executor=client.get_executor()) as run:
            remote = {r.scenario: comparable(r) for r in run}
        caches = client.run(cache_info)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        args = ["sweep", str(TAMA), str(sweep_file), "--out", str(out), "--dask", cluster.scheduler_address]
        proc = subprocess.run(
            [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
        )
    assert remote == {key: comparable(r) for key, r in local.items()}
    for info in caches.values():
        assert info["parses"] == 1 and len(info["catalogs"]) == 1
    assert proc.returncode == 2, proc.stderr
    assert f"on Dask cluster {cluster.scheduler_address}" in proc.stderr
    assert {r.scenario: comparable(r) for r in read_results(out)} == remote
