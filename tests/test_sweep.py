"""Scenario sweeps: the sweep file, the results file, the executors, and the CLI killed half-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster import InputError, ValidationError, catalog_from_data, load_catalog
from modcluster.domain import Catalog
from modcluster.sweep import (
    Progress,
    ResultLog,
    ScenarioResult,
    SweepSpec,
    cache_info,
    finished,
    latest,
    load_sweep,
    plan,
    read_results,
    solve_task,
    sweep,
    sweep_from_data,
    sweep_schema,
)

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
EXAMPLE = ROOT / "catalogs" / "sweeps" / "tama.yaml"
CATALOG = load_catalog(TAMA)
PRODUCTS = [p.id for p in CATALOG.products]


def run_cli(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "modcluster", "sweep", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
        **kwargs,
    )


def comparable(result: ScenarioResult) -> dict[str, Any]:
    data = result.to_dict()
    del data["seconds"]
    return data


# --------------------------------------------------------------------------- the sweep file


def test_example_sweep_plans_every_product_quantity_budget_and_exclusion() -> None:
    spec = load_sweep(EXAMPLE)
    scenarios = plan(CATALOG, spec)
    ids = [s.id for s in scenarios]
    assert len(ids) == len(set(ids))
    named = [s.name for s in spec.scenarios]
    # three grids of 5, 5 and 6 values over every product, then the named scenarios
    assert len(scenarios) == len(PRODUCTS) * (5 + 5 + 6) + len(named)
    assert ids[-len(named) :] == named
    assert ids[0] == f"product={PRODUCTS[0]}/quantity=10"
    assert {s.params["product"] for s in scenarios} == set(PRODUCTS)
    # the same file planned again gives the same ids and fingerprints
    again = plan(CATALOG, load_sweep(EXAMPLE))
    assert [(s.id, s.fingerprint) for s in again] == [(s.id, s.fingerprint) for s in scenarios]


def test_grid_is_the_product_of_its_lists_and_duplicates_are_one_scenario() -> None:
    spec = sweep_from_data(
        {
            "grid": [
                {"product": PRODUCTS[:2], "quantity": [10, 20, 10], "budget": [8000, Decimal("8000.00")]},
                {"product": [PRODUCTS[0]], "quantity": [20]},
            ]
        }
    )
    scenarios = plan(CATALOG, spec)
    # 2 products x 2 distinct quantities x 1 distinct budget (8000 == 8000.00), then one new point
    assert len(scenarios) == 5
    assert scenarios[0].params == {"product": PRODUCTS[0], "quantity": 10, "budget": Decimal(8000)}
    assert scenarios[0].id == f"product={PRODUCTS[0]}/quantity=10/budget=8000"
    assert scenarios[-1].id == f"product={PRODUCTS[0]}/quantity=20"


def test_every_variation_key_travels_as_plain_data() -> None:
    spec = sweep_from_data(
        {
            "grid": {
                "product": [PRODUCTS[0]],
                "objective": ["weighted"],
                "weights": [{"lead_time": 100}, None],
                "sites": [["Hachioji", "Hino"]],
                "exclude": ["kanto-sensor"],
                "time_limit": [5],
            },
            "scenarios": [{"name": "w", "product": PRODUCTS[0], "weights": {"cost": 2}, "max_partners": 4}],
        }
    )
    first, second, named = plan(CATALOG, spec)
    assert first.params["weights"] == {"lead_time": 100} and second.params["weights"] is None
    assert first.params["exclude"] == ["kanto-sensor"] and first.params["sites"] == ["Hachioji", "Hino"]
    assert first.id == (
        f"product={PRODUCTS[0]}/objective=weighted/weights=lead_time:100/sites=Hachioji+Hino/exclude=kanto-sensor/time_limit=5"
    )
    assert first.overrides() == {
        "objective": "weighted",
        "weights": {"lead_time": 100},
        "sites": ["Hachioji", "Hino"],
        "exclude": ["kanto-sensor"],
        "time_limit": 5,
    }
    assert named.overrides() == {"limits": {"max_partners": 4}, "weights": {"cost": 2}}


def test_fingerprint_follows_the_base_and_the_catalog() -> None:
    data: dict[str, Any] = {"grid": {"product": [PRODUCTS[0]], "quantity": [10]}}
    first = plan(CATALOG, sweep_from_data(data))[0]
    other_base = plan(CATALOG, sweep_from_data({**data, "base": {"candidates": 1}}))[0]
    raw = CATALOG.model_dump(mode="python", by_alias=True)
    raw["defaults"]["handover_days"] += 1
    other_catalog = plan(catalog_from_data(raw), sweep_from_data(data))[0]
    assert first.id == other_base.id == other_catalog.id
    assert len({first.fingerprint, other_base.fingerprint, other_catalog.fingerprint}) == 3


def test_sweep_file_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("base: {candidates: 1}\ngrid:\n  product: all\n  quantity: [10, -5]\n  budgt: [1]\n")
    with pytest.raises(ValidationError) as info:
        load_sweep(path)
    text = str(info.value)
    assert f"{path}:4:" in text and "grid.quantity[1]" in text and "must not be negative" in text
    assert f"{path}:5:3: grid.budgt: extra key 'budgt' is not allowed" in text
    path.write_text("grid:\n  - {product: all, budgt: [1]}\n")
    with pytest.raises(ValidationError, match=r":2:20: grid\[0\]\.budgt: .*\(did you mean 'budget'\?\)"):
        load_sweep(path)

    path.write_text("scenarios:\n  - {name: a, quantity: 1}\n  - {name: a, quantity: 2}\n")
    with pytest.raises(ValidationError, match=r":3:\d+: scenarios\[1\]\.name: duplicate scenario name 'a'"):
        load_sweep(path)

    path.write_text("grid:\n  quantity: []\n  sites: [[]]\n")
    with pytest.raises(ValidationError) as info:
        load_sweep(path)
    assert str(info.value).splitlines() == [
        f"{path}:2:13: grid.quantity: must not be empty",
        f"{path}:3:11: grid.sites[0]: must not be empty",
    ]

    path.write_text("base: {quantity: 3}\n")
    with pytest.raises(ValidationError, match="the sweep has no scenarios"):
        load_sweep(path)


def test_bad_reference_in_a_variation_points_at_its_value(tmp_path: Path) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text(f"grid:\n  product: [{PRODUCTS[0]}]\n  exclude: [[], nobody]\n")
    spec = load_sweep(path)
    with ThreadPoolExecutor(1) as pool:
        results = {r.scenario: r for r in sweep(CATALOG, spec, executor=pool)}
    bad = results[f"product={PRODUCTS[0]}/exclude=nobody"]
    assert bad.failed and bad.error is not None
    assert bad.error["exit_code"] == 2
    assert bad.error["message"] == f"{path}:3:17: grid.exclude[1][0]: unknown organization 'nobody'"
    assert results[f"product={PRODUCTS[0]}/exclude=none"].status == "optimal"


# --------------------------------------------------------------------------- the results file


def _result(scenario: str, status: str = "optimal") -> ScenarioResult:
    return ScenarioResult(scenario, status, f"fp-{scenario}", {"quantity": 1}, seconds=0.5)


def test_results_file_round_trips_and_a_cut_last_line_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultLog(path) as log:
        log.append(_result("a"))
        log.append(_result("b", "failed"))
    text = path.read_text()
    assert text.count("\n") == 2 and all(json.loads(line) for line in text.splitlines())
    path.write_text(text + text.splitlines()[0][:40])  # a kill in the middle of a line
    assert [r.scenario for r in read_results(path)] == ["a", "b"]
    with ResultLog(path) as log:
        assert [r.scenario for r in log.existing] == ["a", "b"]
        log.append(_result("c"))
    assert path.read_text() == text + _result("c").to_json() + "\n"
    assert finished(read_results(path)) == {"fp-a", "fp-b", "fp-c"}
    assert finished(read_results(path), retry_failed=True) == {"fp-a", "fp-c"}


def test_whole_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(_result("a").to_json())
    with ResultLog(path) as log:
        log.append(_result("b"))
    assert [r.scenario for r in read_results(path)] == ["a", "b"]


def test_a_bad_line_inside_the_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(_result("a").to_json() + "\nnot json\n" + _result("b").to_json() + "\n")
    with pytest.raises(InputError, match=r"r\.jsonl:2:1: not a sweep result line"):
        read_results(path)


def test_two_sweeps_cannot_write_one_file(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with ResultLog(path), pytest.raises(InputError, match="another sweep is writing"):
        ResultLog(path)


def test_latest_result_of_a_scenario_wins() -> None:
    results = [_result("a", "failed"), _result("b"), _result("a")]
    assert [(r.scenario, r.status) for r in latest(results).values()] == [("b", "optimal"), ("a", "optimal")]


# --------------------------------------------------------------------------- running


class PlainOnly(ThreadPoolExecutor):
    """A thread pool that checks that only plain data goes to the workers and comes back."""

    PLAIN = (str, int, float, bool, Decimal, type(None))

    def __init__(self) -> None:
        super().__init__(2)
        self.calls = 0

    def check(self, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str)
                self.check(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self.check(item)
        else:
            assert isinstance(value, self.PLAIN), f"not plain data: {type(value)}"

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls += 1
        self.check(list(args))
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(lambda f: self.check(f.result()))
        return future


def test_only_plain_data_crosses_and_a_scenario_that_raises_is_recorded() -> None:
    product = PRODUCTS[0]
    spec = sweep_from_data(
        {
            "base": {"candidates": 1},
            "grid": {"product": [product], "quantity": [10, 10**15, 20]},  # 10^15 units: beyond 64 bits
        }
    )
    executor = PlainOnly()
    with executor, sweep(CATALOG, spec, executor=executor) as run:
        results = {r.scenario: r for r in run}
    assert executor.calls == 3
    huge = results[f"product={product}/quantity=1000000000000000"]
    assert huge.failed and huge.error is not None
    assert huge.error["type"] == "ModelSizeError" and huge.error["exit_code"] == 2
    assert huge.request is not None and huge.request["quantity"] == 10**15
    for quantity in (10, 20):
        ok = results[f"product={product}/quantity={quantity}"]
        assert ok.status == "optimal" and ok.candidate is not None and ok.cost == ok.candidate["cost"]


def raising_task(ref: Any, request: dict[str, Any], settings: dict[str, Any] | None) -> dict[str, Any]:
    if request["quantity"] == 13:
        raise RuntimeError("boom")
    return solve_task(ref, request, settings)


def crashing_task(ref: Any, request: dict[str, Any], settings: dict[str, Any] | None) -> dict[str, Any]:
    if request["quantity"] == 13:
        os._exit(3)  # the worker process dies
    return solve_task(ref, request, settings)


def _quantities(values: list[int]) -> SweepSpec:
    return sweep_from_data({"base": {"candidates": 1}, "grid": {"product": [PRODUCTS[1]], "quantity": values}})


def test_an_unexpected_error_is_recorded_and_the_rest_complete() -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(sweep(CATALOG, _quantities([11, 12, 13, 14]), executor=pool, task=raising_task))
    assert Counter(r.status for r in results) == {"optimal": 3, "failed": 1}
    (failed,) = [r for r in results if r.failed]
    assert failed.params["quantity"] == 13 and failed.error is not None
    assert failed.error["type"] == "RuntimeError" and failed.error["exit_code"] == 70
    assert failed.error["message"].startswith("boom (at test_sweep.py:")


def test_a_dead_worker_is_blamed_on_its_scenario_only() -> None:
    run = sweep(CATALOG, _quantities([11, 12, 13, 14, 15]), workers=2, task=crashing_task)
    with run:
        results = list(run)
    assert sorted(r.params["quantity"] for r in results) == [11, 12, 13, 14, 15]
    assert {r.params["quantity"]: r.status for r in results if r.failed} == {13: "failed"}
    (crashed,) = [r for r in results if r.failed]
    assert crashed.error is not None and "died" in crashed.error["message"]


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_dask_local_cluster_gives_the_same_results_as_the_local_pool(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    data = {
        "base": {"candidates": 2},
        "grid": {"product": "all", "quantity": [30, 300]},
        "scenarios": [{"name": "bad", "product": PRODUCTS[0], "hub": "nobody"}],
    }
    sweep_file = tmp_path / "sweep.json"
    sweep_file.write_text(json.dumps(data))
    spec = load_sweep(sweep_file)
    with sweep(CATALOG, spec, workers=2) as run:
        local = {r.scenario: comparable(r) for r in run}
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
        # the command, pointed at the same cluster
        proc = run_cli(str(TAMA), str(sweep_file), "--out", str(out), "--dask", cluster.scheduler_address)
        _stdout, stderr = proc.communicate(timeout=120)
    assert remote == local
    assert len(local) == 2 * len(PRODUCTS) + 1 and local["bad"]["status"] == "failed"
    assert Counter(r["status"] for r in local.values())["optimal"] >= len(PRODUCTS)
    # the catalog went to each worker once and was parsed once there
    assert len(caches) == 2
    for info in caches.values():
        assert info["parses"] == 1 and len(info["catalogs"]) == 1
    assert proc.returncode == 2, stderr  # the "bad" scenario: an unknown hub is bad input
    assert f"on Dask cluster {cluster.scheduler_address}" in stderr
    assert {r.scenario: comparable(r) for r in read_results(out)} == local


# --------------------------------------------------------------------------- the command, killed and rerun


def _wait_for_lines(path: Path, count: int, proc: subprocess.Popen[str], timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_bytes().count(b"\n") if path.exists() else 0
        if lines >= count:
            return lines
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    raise AssertionError(f"no {count} lines in {path} after {timeout} s")


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_sweep_killed_half_way_and_rerun_completes_without_solving_twice(tmp_path: Path) -> None:
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text(
        "base: {candidates: 1}\n"
        "grid:\n  product: all\n  quantity: [10, 15, 20, 25, 30, 35]\n"
        f"scenarios:\n  - {{name: no-such-hub, product: {PRODUCTS[1]}, hub: nobody}}\n"
    )
    total = 6 * len(PRODUCTS) + 1
    out, table = tmp_path / "results.jsonl", tmp_path / "results.csv"
    args = (str(TAMA), str(sweep_file), "--out", str(out), "--workers", "2")

    # 1. Ctrl-C (SIGINT to the whole process group, as a terminal sends it): a clean stop
    proc = run_cli(*args, start_new_session=True)
    _wait_for_lines(out, 6, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "run the same command again" in stderr
    first = read_results(out)
    assert 6 <= len(first) < total
    assert out.read_bytes().endswith(b"\n")

    # 2. SIGKILL to everything: no clean-up at all
    proc = run_cli(*args, start_new_session=True)
    _wait_for_lines(out, len(first) + 6, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    second = read_results(out)
    assert len(first) + 6 <= len(second) < total

    # 3. A rerun finishes the rest, and only the rest
    proc = run_cli(*args, "--csv", str(table))
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2, stderr  # the exit code of the failed scenario's error: bad input
    assert f"already in {out}, {total - len(second)} to solve" in stderr
    final = read_results(out)
    ids = [r.scenario for r in final]
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {s.id for s in plan(CATALOG, load_sweep(sweep_file))}
    assert [comparable(r) for r in final[: len(second)]] == [comparable(r) for r in second]
    assert Counter(r.status for r in final)["failed"] == 1
    assert stdout.splitlines()[-1].startswith(f"{total} scenarios: ") and stdout.splitlines()[-1].endswith(" 1 failed")

    # the table for spreadsheets: one row per scenario, in sweep order
    rows = table.read_text().splitlines()
    assert len(rows) == 1 + total
    assert rows[0].startswith("scenario,status,product,quantity,objective,budget")
    assert rows[1].startswith(f"product={PRODUCTS[0]}/quantity=10,")
    assert rows[-1].startswith(f"no-such-hub,failed,{PRODUCTS[1]},") and "unknown organization 'nobody'" in rows[-1]

    # --retry-failed solves the failed scenario again, and nothing else
    proc = run_cli(*args, "--retry-failed")
    _stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2 and f"{total - 1} already in" in stderr and ", 1 to solve" in stderr
    assert Counter(r.scenario for r in read_results(out))["no-such-hub"] == 2


def test_cli_refuses_bad_files_and_overwriting_inputs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("grid:\n  quantity: [ten]\n")
    proc = run_cli(str(TAMA), str(bad), "--out", str(tmp_path / "r.jsonl"))
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert f"{bad}:2:14: grid.quantity[0]: expected a number, got a string" in stderr
    proc = run_cli(str(TAMA), str(EXAMPLE), "--out", str(TAMA))
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "refusing to overwrite" in stderr


def test_progress_bar_only_on_a_terminal() -> None:
    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty, self.text = tty, ""

        def isatty(self) -> bool:
            return self.tty

        def write(self, text: str) -> int:
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    for tty in (True, False):
        stream = Stream(tty)
        bar = Progress(3, stream=stream)  # type: ignore[arg-type]
        for _ in range(3):
            bar.advance(failed=False)
        bar.close()
        assert ("3/3" in stream.text) is tty


def test_library_call_yields_as_they_finish_and_skips_finished() -> None:
    spec = _quantities([21, 22, 23])
    with ThreadPoolExecutor(1) as pool:
        run = sweep(CATALOG, spec, executor=pool)
        first = next(run)
        run.close()
        assert first.status == "optimal"
        rest = list(sweep(CATALOG, spec, executor=pool, skip={first.fingerprint}))
    assert sorted(r.scenario for r in [first, *rest]) == sorted(s.id for s in plan(CATALOG, spec))


def test_a_catalog_is_a_plain_payload() -> None:
    from modcluster.sweep import catalog_payload

    key, text = catalog_payload(CATALOG)
    assert isinstance(text, str) and len(key) == 16
    assert catalog_from_data(json.loads(text, parse_float=Decimal)) == CATALOG
    assert isinstance(CATALOG, Catalog)


# --------------------------------------------------------------------------- the schema of sweep files


def test_the_sweep_schema_accepts_the_bundled_sweeps_and_what_the_loader_accepts(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    schema = sweep_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bundled = sorted((ROOT / "catalogs" / "sweeps").glob("*.yaml"))
    assert len(bundled) >= 2
    for path in bundled:
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path
        load_sweep(path)
    plan_file = ROOT / "catalogs" / "plans" / "tama-season.yaml"
    good: list[dict[str, Any]] = [
        {"grid": {"product": "all", "exclude": [[], "kanto-sensor"], "sites": ["Hachioji", ["Ome", "Fussa"]]}},
        {"grid": [{"quantity": [1, None]}], "scenarios": [{"name": "one", "exclude": "kanto-sensor"}]},
        {"plan": str(plan_file), "grid": {"laser-q1.quantity": [100, 200], "budget": [None, 90000]}},
        {"plan": {"entries": [{"product": PRODUCTS[0]}]}, "scenarios": [{"name": "late", "x.release": 5}]},
    ]
    for data in good:
        assert list(validator.iter_errors(data)) == [], data
    sweep_from_data(good[0])
    sweep_from_data(good[1])
    sweep_from_data({**good[2], "plan": str(plan_file)})
    bad: list[dict[str, Any]] = [
        {"grid": {"quantity": ["ten"]}},
        {"grid": {"colour": [1]}},
        {"scenarios": [{"product": PRODUCTS[0]}]},  # no name
        {"plan": str(plan_file), "grid": {"laser-q1.colour": [1]}},
        {"plan": str(plan_file), "grid": {"laser-q1.quantity": ["many"]}},
        {"plan": str(plan_file), "base": {"quantity": 3}},
    ]
    for data in bad:
        assert list(validator.iter_errors(data)), data
        with pytest.raises(ValidationError):
            sweep_from_data(data)


# --------------------------------------------------------------------------- Ctrl-C during a Dask sweep


@pytest.mark.slow  # about a minute: a Dask cluster, three sweeps started and interrupted
def test_ctrl_c_during_a_dask_sweep_exits_cleanly_every_time(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text("base: {candidates: 2}\ngrid:\n  product: all\n  quantity: [" + ", ".join(
        str(q) for q in range(10, 400, 7)
    ) + "]\n")  # fmt: skip
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        for attempt in range(3):
            out = tmp_path / f"dask-{attempt}.jsonl"
            args = (str(TAMA), str(sweep_file), "--out", str(out), "--dask", cluster.scheduler_address)
            proc = run_cli(*args, start_new_session=True)
            _wait_for_lines(out, 2 + attempt, proc)
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to the whole process group
            _stdout, stderr = proc.communicate(timeout=60)
            assert proc.returncode == 130, stderr
            assert "Traceback" not in stderr and "tornado" not in stderr and "distributed" not in stderr, stderr
            lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("sweep: ")]
            assert len(lines) == 1 and lines[0].startswith("interrupted: "), stderr
            assert out.read_bytes().endswith(b"\n")
