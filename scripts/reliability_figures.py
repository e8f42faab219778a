"""Measure the figures of docs/reliability.md and print them as Markdown tables.

Usage::

    .venv/bin/python scripts/reliability_figures.py                 # hostile inputs, limits, determinism
    .venv/bin/python scripts/reliability_figures.py --gaps          # also the known gaps (minutes, GBs)
    .venv/bin/python scripts/reliability_figures.py --memory        # calibrate the model-size estimate (minutes)
    .venv/bin/python scripts/reliability_figures.py --only hostile  # one section: hostile, limits, determinism, memory

Every hostile case of ``tests/test_hostile.py`` runs in a fresh Python process
(the CLI's ``main``, as the console script runs it): start-up (interpreter and
imports), handling after start-up (wall and CPU) and the peak resident memory
of the whole process (``wait4``). Run it on an otherwise idle machine: wall
times measure the machine as much as the code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modcluster import build_request, load_catalog, solve  # noqa: E402
from modcluster.generate import generate, spec_for, write_catalog  # noqa: E402
from tests.test_hostile import CASES, GAPS, Measurement, measure  # noqa: E402
from tests.test_limits import wait_for_the_search  # noqa: E402

__all__ = ["main"]

MIB = 1024 * 1024

#: Measures building and running CP-SAT on the whole instance's model, in a fresh process.
CALIBRATE = """
import json, sys
from modcluster import load_catalog, build_request
from modcluster.solver.compile import compile_model
from modcluster.solver.instance import prepare
from modcluster.solver.size import estimate_model_size
from modcluster.solver.solve import SolverSettings, run_interruptible
from ortools.sat.python import cp_model

def high_water():  # this process's own peak (ru_maxrss would also count the parent it was forked from)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))

catalog = load_catalog(sys.argv[1])
inst = prepare(catalog, build_request(catalog, sys.argv[2], overrides={"candidates": 1}))
size = estimate_model_size(inst)
before = high_water()
compiled = compile_model(inst)
solver = cp_model.CpSolver()
SolverSettings(workers=int(sys.argv[3])).apply(solver, float(sys.argv[4]))
status, _ = run_interruptible(solver, compiled.model)
print(json.dumps({"elements": size.elements, "estimate": size.bytes, "before": before, "peak": high_water(),
                  "status": solver.status_name(status)}))
"""


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def hostile(gaps: bool) -> None:
    """One fresh process per hostile case."""
    print("\n### Hostile input (fresh process per case)\n")
    print(_row(["input", "exit", "start-up s", "handling s", "handling CPU s", "peak MiB", "first line of the error"]))
    print(_row(["---"] * 7))
    startups: list[float] = []
    for case in CASES:
        skipped = GAPS.get(case.name, (False, ""))[0]
        if skipped and not gaps:
            print(_row([case.name, "", "", "", "", "", "not measured (known gap: run with --gaps)"]))
            continue
        with tempfile.TemporaryDirectory() as folder:
            where = Path(folder)
            name = case.build(where)
            args = [a.replace("{file}", name) for a in case.args]
            result: Measurement = measure(args, where, case.env)
        startups.append(result.imports)
        report = result.stdout if case.stream == "stdout" else result.stderr
        first = report.splitlines()[0] if report.strip() else ""
        if "Traceback" in result.stderr:
            first = "Traceback ... " + result.stderr.strip().splitlines()[-1]
        first = first if len(first) <= 110 else first[:107] + "..."
        print(
            _row(
                [
                    case.name,
                    result.code,
                    f"{result.imports:.2f}",
                    f"{result.handle:.3f}",
                    f"{result.handle_cpu:.3f}",
                    f"{result.peak / MIB:.0f}",
                    f"`{first.replace('|', '/')}`",
                ]
            )
        )
    if startups:
        print(f"\nstart-up: median {statistics.median(startups):.2f} s, max {max(startups):.2f} s")


def _long_catalog(folder: Path) -> Path:
    path = folder / "cluster-1000.json"
    write_catalog(generate(spec_for("large", organizations=1000, name="limits"), 0), path)
    return path


def limits() -> None:
    """Time limits on an instance whose proof takes longer, and Ctrl-C through the CLI."""
    with tempfile.TemporaryDirectory() as folder:
        path = _long_catalog(Path(folder))
        catalog = load_catalog(path)
        print("\n### Time limit (1,000 organisations, product-0, objective lead_time)\n")
        print(_row(["time limit s", "took s", "over s", "status", "candidates", "best lead time", "bound"]))
        print(_row(["---"] * 7))
        for limit in (0.5, 1, 2, 5, 10):
            request = build_request(catalog, "product-0", overrides={"objective": "lead_time", "time_limit": limit})
            began = time.monotonic()
            solution = solve(catalog, request)
            took = time.monotonic() - began
            best = solution.best.lead_time if solution.best else "-"
            cells = [limit, f"{took:.2f}", f"{took - limit:+.2f}", solution.status.value, len(solution.candidates)]
            print(_row([*cells, best, "-" if solution.bound is None else solution.bound]))
        print("\n### Ctrl-C (SIGINT 2 s into the search, time limit 120 s)\n")
        print(_row(["run", "SIGINT to exit s", "exit", "status in --out", "files left"]))
        print(_row(["---"] * 5))
        for run in range(1, 4):
            out = Path(folder) / f"out{run}.json"
            argv = [sys.executable, "-m", "modcluster", "solve", str(path), "--product", "product-0"]
            argv += ["--objective", "lead_time", "--time-limit", "120", "--json", "--out", str(out)]
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            assert proc.stderr is not None
            proc.stderr.readline()
            wait_for_the_search(proc.pid)
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=120)
            took = time.monotonic() - sent
            left = sorted(p.name for p in Path(folder).iterdir() if p.name.startswith(f".out{run}"))
            status = json.loads(out.read_text())["status"] if out.exists() else "no file"
            print(_row([run, f"{took:.2f}", proc.returncode, status, ", ".join(left) or "none"]))


def determinism() -> None:
    """Twenty solves in one process and twenty CLI processes with different hash seeds."""
    catalog = load_catalog(ROOT / "catalogs" / "tama.yaml")
    request = build_request(catalog, "cubesat-star-tracker", overrides={"candidates": 4})
    texts = {solve(catalog, request).to_json() for _ in range(20)}
    print("\n### Determinism\n")
    print(f"- 20 solves in one process (tama, cubesat-star-tracker, 4 candidates): {len(texts)} distinct JSON text(s)")
    outputs = set()
    for seed in range(20):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": str(seed)}
        argv = [sys.executable, "-m", "modcluster", "solve", str(ROOT / "catalogs" / "tama.yaml"), "--json", "--quiet"]
        outputs.add(subprocess.run(argv, capture_output=True, text=True, env=env, check=False).stdout)
    print(f"- 20 CLI processes (every tama product, PYTHONHASHSEED 0..19): {len(outputs)} distinct output(s)")


def memory() -> None:
    """Estimated against measured peak memory of building and solving whole-instance models."""
    print("\n### Model-size estimate against measured peak (1 worker unless said)\n")
    print(_row(["instance", "elements", "estimate MiB", "measured MiB", "search s", "status"]))
    print(_row(["---"] * 6))
    specs = [
        ("small", spec_for("small"), 10),
        ("medium", spec_for("medium"), 10),
        ("1,000 orgs", spec_for("large", organizations=1000), 10),
        ("large (3,000)", spec_for("large"), 10),
        ("6,000 orgs", spec_for("large", organizations=6000), 10),
        ("6,000 orgs", spec_for("large", organizations=6000), 60),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for label, spec, seconds in specs:
            path = Path(folder) / f"{spec.organizations}.json"
            if not path.exists():
                write_catalog(generate(spec, 0), path)
            argv = [sys.executable, "-c", CALIBRATE, str(path), "product-0", "1", str(seconds)]
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout
            data = json.loads(out)
            measured = (data["peak"] - data["before"]) / MIB
            cells = [label, f"{data['elements']:,}", f"{data['estimate'] / MIB:.0f}", f"{measured:.0f}", seconds]
            print(_row([*cells, data["status"]]))


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gaps", action="store_true", help="also measure the known gaps (minutes, GBs)")
    parser.add_argument("--memory", action="store_true", help="also calibrate the model-size estimate (minutes)")
    parser.add_argument("--only", choices=["hostile", "limits", "determinism", "memory"])
    args = parser.parse_args(argv)
    sections = [args.only] if args.only else ["hostile", "limits", "determinism"] + (["memory"] if args.memory else [])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for section in sections:
        if section == "hostile":
            hostile(args.gaps)
        elif section == "limits":
            limits()
        elif section == "determinism":
            determinism()
        else:
            memory()
    return 0


if __name__ == "__main__":
    sys.exit(main())
