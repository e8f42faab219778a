"""The solver under limits: time limit, status and exit codes, Ctrl-C, determinism, memory, and safe output.

The long instance is generated at test time: 1,000 organisations shaped like
the ``large`` preset, whose ``lead_time`` proof takes far longer than the
limits used here (measured: the proof of three candidates ends after about 7 s;
docs/reliability.md).

The default run checks limits by behaviour, never by the clock: a time limit
stops the search (the status says feasible or unknown, nothing is proven, the
bound comes back), an interrupt ends it with what was found (``interrupted``,
exit code 130). How long stopping takes depends on the machine and its load:
the slow suite (``make test-slow``) asserts it with a generous multiple, and
``scripts/reliability_figures.py`` measures it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from modcluster import build_request, catalog_from_data, load_catalog, request_from_data, solve, verify_solution
from modcluster.cli import main
from modcluster.cli.common import STATUS_EXIT
from modcluster.domain import Catalog, Request, Solution, Status
from modcluster.errors import ExitCode, ModelSizeError
from modcluster.generate import generate, spec_for, write_catalog
from modcluster.solver import check_model_size, compile_model, estimate_model_size, prepare
from modcluster.solver.size import HINT

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"
TAMA = ROOT / "catalogs" / "tama.yaml"
#: Slack allowed beyond the time limit (the issue's "within a second").
SLACK = 1.0
#: The slow suite's wall-clock checks allow this multiple of the promise (a busy machine stretches wall time).
WALL_MULTIPLE = 2


@pytest.fixture(scope="module")
def long_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "cluster-1000.json"
    write_catalog(generate(spec_for("large", organizations=1000, name="limits"), 0), path)
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MODCLUSTER_MAX_MODEL_BYTES"}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, env=_env(**env), timeout=300
    )


# --------------------------------------------------------------------------- time limit


def _limited(long_catalog: Path, limit: float) -> tuple[Catalog, Request, Solution, float]:
    """Solve the long instance under a time limit; also return the wall time it took."""
    catalog = load_catalog(long_catalog)
    request = build_request(catalog, "product-0", overrides={"objective": "lead_time", "time_limit": limit})
    began = time.monotonic()
    solution = solve(catalog, request)
    return catalog, request, solution, time.monotonic() - began


@pytest.mark.parametrize("limit", [0.5, 2.0])
def test_a_time_limit_stops_the_search_and_the_best_found_is_unproven(long_catalog: Path, limit: float) -> None:
    catalog, request, solution, _ = _limited(long_catalog, limit)
    assert solution.status in (Status.FEASIBLE, Status.UNKNOWN), "the proof was expected to take longer"
    assert not solution.stats["interrupted"]
    assert not any(c.proven_optimal for c in solution.candidates)
    if solution.candidates:
        assert solution.status is Status.FEASIBLE
        assert solution.bound is not None, "the best found without its bound"
        assert 0 <= solution.bound <= solution.candidates[0].lead_time
    assert verify_solution(catalog, request, solution) == []


@pytest.mark.slow
@pytest.mark.parametrize("limit", [0.5, 2.0])
def test_time_limit_holds_on_the_wall_clock(long_catalog: Path, limit: float) -> None:
    _, _, solution, took = _limited(long_catalog, limit)
    assert solution.status in (Status.FEASIBLE, Status.UNKNOWN)
    assert took <= WALL_MULTIPLE * (limit + SLACK), f"{took:.2f} s for a limit of {limit} s"


def _many_candidates(preset: str) -> tuple[Catalog, Request, Solution, float]:
    catalog = catalog_from_data(generate(preset, seed=1))
    request = build_request(catalog, "product-0", overrides={"candidates": 100_000, "time_limit": 1.0})
    began = time.monotonic()
    solution = solve(catalog, request)
    return catalog, request, solution, time.monotonic() - began


@pytest.mark.parametrize("preset", ["medium", pytest.param("large", marks=pytest.mark.slow)])  # large: CI sample
def test_a_time_limit_stops_the_search_for_very_many_candidates(preset: str) -> None:
    """Work that grows with k (systems near the best, branch and bound) is stopped by the limit too."""
    catalog, request, solution, _ = _many_candidates(preset)
    assert solution.status is not Status.OPTIMAL, "100,000 candidates cannot all be found and proven in a second"
    assert not solution.stats["interrupted"]
    assert verify_solution(catalog, request, solution) == []


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["medium", "large"])
def test_time_limit_holds_for_very_many_candidates_on_the_wall_clock(preset: str) -> None:
    _, _, solution, took = _many_candidates(preset)
    assert solution.status is not Status.OPTIMAL
    assert took <= WALL_MULTIPLE * (1.0 + SLACK), f"{took:.2f} s for a limit of 1 s"


def test_the_solution_json_has_the_bound(long_catalog: Path) -> None:
    catalog = load_catalog(long_catalog)
    request = build_request(catalog, "product-0", overrides={"objective": "lead_time", "time_limit": 3})
    data = json.loads(solve(catalog, request).to_json(), parse_float=Decimal)
    assert data["status"] in ("feasible", "unknown")
    assert isinstance(data["bound"], int) and data["bound"] >= 0, data.get("bound")
    if data["candidates"]:
        assert data["bound"] <= data["candidates"][0]["lead_time"]
    # A proven answer carries no bound: the contract's JSON is unchanged.
    mini = load_catalog(MINI)
    assert "bound" not in solve(mini, build_request(mini)).to_dict()


# --------------------------------------------------------------------------- status and exit codes


def test_status_to_exit_code_is_one_to_one_and_documented() -> None:
    assert {s.value: STATUS_EXIT[s] for s in Status} == {"optimal": 0, "infeasible": 1, "feasible": 3, "unknown": 4}
    assert len(set(STATUS_EXIT.values())) == len(Status)
    table = (ROOT / "docs" / "cli.md").read_text()
    documented = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", table, re.M)}
    codes = {v for k, v in vars(ExitCode).items() if k.isupper()}
    assert documented == codes


@pytest.mark.parametrize(
    "args",
    [
        (str(MINI),),
        (str(TAMA), "--product", "laser-displacement-sensor", "--budget", "5000"),
        ("{long}", "--product", "product-0", "--objective", "lead_time", "--time-limit", "1"),
    ],
    ids=["optimal", "infeasible", "time-limited"],
)
def test_exit_code_follows_the_status(args: tuple[str, ...], long_catalog: Path) -> None:
    argv = [a.replace("{long}", str(long_catalog)) for a in args]
    result = _cli("solve", *argv, "--json", "--quiet")
    status = json.loads(result.stdout)["status"]
    assert result.returncode == STATUS_EXIT[Status(status)], (status, result.returncode, result.stderr)
    assert "Traceback" not in result.stderr


def test_an_internal_error_exits_70(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import modcluster.cli.validate as validate

    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(validate, "run", broken)
    monkeypatch.delenv("MODCLUSTER_DEBUG", raising=False)
    assert main(["validate", str(MINI)]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "a bug" in err and "internal error" in err and "Traceback" not in err and err.count("\n") == 1


# --------------------------------------------------------------------------- Ctrl-C


def wait_for_the_search(pid: int, after: float = 2.0, timeout: float = 60.0) -> None:
    """Return ``after`` seconds after CP-SAT started searching in process ``pid`` (its worker thread started).

    Without ``/proc``, wait ``after`` plus two seconds: past preparing on the machines measured.
    """
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.exists():  # pragma: no cover - not Linux
        time.sleep(after + 2.0)
        return
    before = len(list(tasks.iterdir()))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(list(tasks.iterdir())) <= before:
        time.sleep(0.02)
    time.sleep(after)


def _interrupt(long_catalog: Path, tmp_path: Path) -> tuple[int, str, str, float]:
    """Solve the long instance in a child, SIGINT it 2 s into CP-SAT's search; exit code, stdout, stderr, seconds."""
    out = tmp_path / "out.json"
    argv = ["solve", str(long_catalog), "--product", "product-0", "--objective", "lead_time"]
    argv += ["--time-limit", "120", "--json", "--out", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "modcluster", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("solving"), line
    wait_for_the_search(proc.pid)
    assert proc.poll() is None, "the solve ended before it was interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    return proc.returncode, stdout, stderr, time.monotonic() - sent


def test_sigint_returns_the_best_found(long_catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code, stdout, stderr, _ = _interrupt(long_catalog, tmp_path)
    assert code == ExitCode.INTERRUPTED, (code, stderr)
    assert "Traceback" not in stderr and "interrupted" in stderr
    data = json.loads(out.read_text())
    assert json.loads(stdout) == data
    assert data["status"] in ("feasible", "unknown")
    assert not any(c["proven_optimal"] for c in data["candidates"])
    if data["candidates"]:
        assert "bound" in data and data["bound"] <= data["candidates"][0]["lead_time"]
    catalog = load_catalog(long_catalog)
    assert verify_solution(catalog, request_from_data(data["request"]), data) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"], "a temporary file was left behind"


@pytest.mark.slow
def test_sigint_returns_within_two_seconds(long_catalog: Path, tmp_path: Path) -> None:
    code, _, stderr, took = _interrupt(long_catalog, tmp_path)
    assert code == ExitCode.INTERRUPTED, (code, stderr)
    assert took <= WALL_MULTIPLE * 2.0, f"{took:.2f} s from SIGINT to exit"


def test_an_interrupt_outside_cp_sat_returns_instead_of_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a hub is settled (or pruned, or built) ends the search like one inside CP-SAT does.

    What was found stays: the complete systems the hub tried before it would
    have been settled (the greedy one and its neighbours) come back, unproven.
    """
    engine = sys.modules["modcluster.solver.search"]

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "settle", interrupted)
    catalog = catalog_from_data(generate("medium", seed=1))
    request = build_request(catalog, "product-0", overrides={"candidates": 5})
    solution = solve(catalog, request)
    assert solution.stats["interrupted"]
    assert solution.status is Status.FEASIBLE and solution.candidates
    assert not any(c.proven_optimal for c in solution.candidates)
    assert verify_solution(catalog, request, solution) == []


# --------------------------------------------------------------------------- determinism


def test_twenty_runs_give_byte_identical_json() -> None:
    catalog = load_catalog(TAMA)
    request = build_request(catalog, "cubesat-star-tracker", overrides={"candidates": 4})
    texts = {solve(catalog, request).to_json() for _ in range(20)}
    assert len(texts) == 1
    assert json.loads(texts.pop())["status"] == "optimal"


def test_separate_processes_agree_whatever_the_hash_seed() -> None:
    runs = [_cli("solve", str(TAMA), "--json", "--quiet", PYTHONHASHSEED=seed) for seed in ("1", "2")]
    assert runs[0].returncode == runs[1].returncode == 0
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout


@pytest.mark.slow
def test_twenty_processes_give_byte_identical_json() -> None:
    runs = [_cli("solve", str(TAMA), "--json", "--quiet", PYTHONHASHSEED=str(seed)) for seed in range(20)]
    assert {r.returncode for r in runs} == {0}
    assert len({r.stdout for r in runs}) == 1


# --------------------------------------------------------------------------- memory and magnitudes


def test_a_model_over_the_memory_limit_is_refused_up_front(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_catalog(TAMA)
    request = build_request(catalog, "laser-displacement-sensor")
    inst = prepare(catalog, request)
    size = check_model_size(inst, limit_bytes=2**40)
    with pytest.raises(ModelSizeError) as info:
        check_model_size(inst, limit_bytes=size.bytes - 1)
    message = str(info.value)
    assert HINT in message and "MiB" in message and f"{size.literals:,} option literals" in message
    monkeypatch.setenv("MODCLUSTER_MAX_MODEL_BYTES", str(size.bytes - 1))
    with pytest.raises(ModelSizeError, match="would need about"):
        solve(catalog, request)
    monkeypatch.setenv("MODCLUSTER_MAX_MODEL_BYTES", "lots")
    with pytest.raises(ModelSizeError, match="positive whole number"):
        solve(catalog, request)
    monkeypatch.setenv("MODCLUSTER_MAX_MODEL_BYTES", str(size.bytes))
    assert solve(catalog, request).status is Status.OPTIMAL


def test_the_estimate_counts_what_compile_builds(long_catalog: Path) -> None:
    catalog = load_catalog(long_catalog)
    for product in ("product-0", "product-1"):
        inst = prepare(catalog, build_request(catalog, product))
        size = estimate_model_size(inst)
        proto = compile_model(inst).model.Proto()
        intervals = sum(1 for c in proto.constraints if c.has_interval())
        booleans = sum(1 for v in proto.variables if list(v.domain) == [0, 1])
        assert size.intervals == intervals
        assert size.literals <= booleans <= size.elements
        assert size.bytes > 1000 * (len(proto.variables) + len(proto.constraints))


def test_estimates_grow_with_the_cluster() -> None:
    sizes = []
    for organizations in (30, 120, 480):
        catalog = catalog_from_data(generate(spec_for("small", organizations=organizations, products=1), 0))
        sizes.append(estimate_model_size(prepare(catalog, build_request(catalog))).elements)
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_overflowing_days_name_the_figure(tmp_path: Path) -> None:
    path = tmp_path / "days.yaml"
    path.write_text(
        "capabilities: [{id: c}]\n"
        "organizations:\n  - {id: hub, develops: [f]}\n"
        "  - {id: slow, modules: [{type: t, setup_days: 1000000000000000}]}\n"
        "products: [{id: p, family: f, modules: [{id: m, type: t}]}]\n"
    )
    catalog = load_catalog(path)
    with pytest.raises(ModelSizeError) as info:
        solve(catalog, build_request(catalog))
    assert "organizations[1].modules[0] (offer 't' for module 'm'): 1,000,000,000,000,000 days" in str(info.value)
    # A deadline bounds the schedule: the same figures then fit (and no system meets it).
    assert solve(catalog, build_request(catalog, overrides={"limits": {"deadline": 30}})).status is Status.INFEASIBLE


# --------------------------------------------------------------------------- nothing lost, no one in


def _copy(src: Path, folder: Path) -> Path:
    target = folder / src.name
    target.write_bytes(src.read_bytes())
    return target


def test_out_never_overwrites_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = _copy(MINI, tmp_path)
    request = tmp_path / "request.yaml"
    request.write_text("product: mini-sensor\nquantity: 20\n")
    (tmp_path / "link.yaml").symlink_to(catalog)
    os.link(catalog, tmp_path / "hard.yaml")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    targets = [str(catalog), f"{tmp_path}/./{catalog.name}", str(tmp_path / "link.yaml"), str(tmp_path / "hard.yaml")]
    for target in targets:
        assert main(["solve", str(catalog), "--quiet", "--json", "--out", target]) == ExitCode.BAD_INPUT, target
    assert main(["solve", str(catalog), "--request", str(request), "--quiet", "--out", str(request)]) == 2
    err = capsys.readouterr().err
    assert err.count("refusing to overwrite the input file") == len(targets) + 1
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before, "an input was written or a file was left behind"
    assert main(["solve", str(catalog), "--quiet", "--out", str(tmp_path / "out.json")]) == 0
    assert json.loads((tmp_path / "out.json").read_text(), parse_float=Decimal)["status"] == "optimal"
    assert {p.name for p in tmp_path.iterdir()} == {*before, "out.json"}
    assert catalog.read_bytes() == before[catalog.name][0]


def test_yaml_cannot_run_code_and_catalog_text_never_reaches_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'name: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert main(["validate", str(evil)]) == ExitCode.BAD_INPUT
    shellish = _copy(MINI, tmp_path)
    text = shellish.read_text().replace("Mini Optics (fictional)", f"$(touch {marker}); `touch {marker}`")
    shellish.write_text(text)
    assert main(["solve", str(shellish), "--quiet", "--json"]) == 0
    assert not marker.exists()


#: Calls and imports that could run user text as code or hand it to a shell.
FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"), ("os", "popen"), ("yaml", "load"), ("yaml", "load_all"), ("yaml", "unsafe_load"),
    ("yaml", "full_load"), ("yaml", "Loader"), ("yaml", "UnsafeLoader"), ("yaml", "FullLoader"),
}  # fmt: skip
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "subprocess"}


def forbidden(source: str, name: str) -> list[str]:
    """Places in Python source that eval, unpickle, load YAML unsafely or start a shell."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_BUILTINS:
            found.append(f"{name}:{node.lineno} {node.func.id}()")
        if isinstance(node, ast.Call) and any(k.arg == "shell" for k in node.keywords):
            found.append(f"{name}:{node.lineno} shell=")
        if isinstance(node, ast.Attribute) and (ast.unparse(node.value), node.attr) in FORBIDDEN_ATTRIBUTES:
            found.append(f"{name}:{node.lineno} {ast.unparse(node)}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{name}:{node.lineno} import {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
    return found


def test_no_eval_pickle_unsafe_yaml_or_shell_in_the_package() -> None:
    found = []
    for path in sorted((ROOT / "modcluster").rglob("*.py")):
        found += forbidden(path.read_text(), str(path.relative_to(ROOT)))
    assert found == []
    bad = "import pickle\nimport os, yaml\neval(x)\nos.system(t)\nyaml.load(t)\nrun(t, shell=True)\n"
    assert len(forbidden(bad, "bad.py")) == 5
    assert forbidden("import re\nre.compile('x')\nyaml.safe_load(t)\n", "ok.py") == []
