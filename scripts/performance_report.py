"""Measure the engine against its peers and write docs/performance.md with a scaling plot.

Usage: .venv/bin/python scripts/performance_report.py [--quick] [--huge]
[--objectives cost,lead_time,weighted] [--magnitudes tama,industrial]
[--presets small,...] [--sections peers,stages,...] [--peer-seconds S] [--out PAGE]
(``pip install -e '.[dev,peers]'`` first; matplotlib draws the plot). Every figure
in the generated page comes from this run; the machine is stated at its top.

Every table is measured for each objective (``cost``, ``lead_time``,
``weighted``) on each money profile (``tama``: the bundled catalog's figures;
``industrial``: systems of 0.1 to several million kJPY), both columns of the
tables. A smoke run that leaves the page alone:
``scripts/performance_report.py --presets small --sections peers,stages,candidates,ablation --out /tmp/perf.md``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import (  # noqa: E402
    MAGNITUDES,
    OBJECTIVES,
    agreement,
    engine_run,
    instances,
    median_time,
    peer_runs,
)
from modcluster import Catalog, Request, build_request, catalog_from_data, load_catalog  # noqa: E402
from modcluster.generate import Spec, generate, spec_for, write_catalog  # noqa: E402
from modcluster.solver import SolverSettings, compile_model, prepare, run_search  # noqa: E402

__all__ = ["main"]

START, END = "<!-- results:start -->", "<!-- results:end -->"

#: Presets the peers solve too. On `huge` the MILP peer spends about 18 minutes building its model before
#: its time limit starts (measured once: docs/performance.md), so the page's run leaves the peers out there.
PEER_PRESETS = ("small", "medium", "tama-2002", "large")

#: Sections of the page, in order (``--sections``).
SECTIONS = ("peers", "stages", "candidates", "ablation", "scaling", "loading")

#: Objectives of the ablation on ``large``: its slowest settings took 82 s and 166 s with ``cost`` (over the
#: three products, k=1); with ``lead_time`` each would run into every request's time limit. ``medium`` gets all.
ABLATION_LARGE_OBJECTIVES = ("cost",)

#: (money profile, objective) pairs of one run.
Combo = tuple[str, str]

ABLATIONS = {
    "all on (default)": SolverSettings(),
    "no hub decomposition": SolverSettings(decompose=False),
    "no dominance pruning": SolverSettings(dominance=False),
    "no bounds (limits, Lagrangian bounds, hub order and skipping, fixing)": SolverSettings(bounds=False),
    "no Lagrangian fixing (nor systems near the best)": SolverSettings(fixing=False),
    "no settling by branch and bound (CP-SAT for every hub)": SolverSettings(settle=False),
    "no hint (greedy, LP-rounded)": SolverSettings(hint=False),
    "LP level 1 (CP-SAT default)": SolverSettings(linearization=1),
    "8 interleaved workers (before)": SolverSettings(
        workers=8, decompose=False, dominance=False, bounds=False, hint=False, linearization=1, settle=False
    ),
}


def machine() -> str:
    """The machine, as the page states it."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _fmt_cost(cents: int | None, lead: int | None) -> str:
    return "none" if cents is None else f"{cents / 100:.2f} / {lead}"


def _profile(preset: str, magnitude: str, objective: str) -> tuple[Catalog, list[Request]]:
    return instances(preset, magnitude=magnitude, objective=objective)


MILP_MISSING = "not run (highspy not installed: pip install -e '.[peers]')"
"""The MILP peer's cell when the peers extra is missing (``make bench`` installs it)."""


def peers_section(presets: list[str], seconds: float, combos: list[Combo]) -> str:
    """One section of the page (see main): engine and peers, every product, every profile and objective."""
    rows = []
    for preset in presets:
        for magnitude, objective in combos:
            catalog, requests = _profile(preset, magnitude, objective)
            for request in requests:
                engine = engine_run(catalog, request, repeats=3)
                peers = peer_runs(catalog, request, seconds) if preset in PEER_PRESETS else []
                cells = [
                    preset,
                    magnitude,
                    objective,
                    request.product,
                    f"{engine.seconds:.3f} ({engine.status})",
                    _fmt_cost(engine.cents, engine.lead),
                ]
                for peer in peers:
                    agree = agreement(request, engine, peer)
                    agree = f" {agree}" if agree else ""
                    cells.append(f"{peer.seconds:.2f} ({peer.status}{agree}), x{peer.seconds / engine.seconds:.1f}")
                if not peers:
                    cells += ["not run (see below)", "not run (see below)"]
                elif len(peers) == 1:  # highspy missing: say so rather than leave the column short
                    cells.append(MILP_MISSING)
                rows.append(cells)
                print(" | ".join(cells), flush=True)
    header = [
        "preset",
        "profile",
        "objective",
        "product",
        "engine s (status)",
        "optimum cost / lead",
        "CP-SAT peer s, ratio",
        "MILP peer s, ratio",
    ]
    return table(header, rows)


def _compile(catalog: Catalog, request: Request) -> object:
    return compile_model(prepare(catalog, request))


def engine_section(presets: list[str], combos: list[Combo]) -> str:
    """One section of the page (see main): the stages on each preset's first product."""
    rows = []
    for preset in presets:
        for magnitude, objective in combos:
            data = generate(spec_for(preset, magnitude=magnitude, objective=objective), seed=1)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "c.json"
                write_catalog(data, path)
                load_s, catalog = median_time(partial(load_catalog, path), 3)
            request = build_request(catalog, catalog.products[0].id, overrides={"candidates": 1})
            compile_s, _ = median_time(partial(_compile, catalog, request), 3)
            one_s, one = median_time(partial(run_search, catalog, request), 3)
            five = request.with_changes(candidates=5)
            five_s, sol5 = median_time(partial(run_search, catalog, five), 3)
            rows.append(
                [
                    preset,
                    magnitude,
                    objective,
                    str(len(catalog.organizations)),
                    str(len(catalog.products[0].modules)),
                    f"{load_s:.3f}",
                    f"{compile_s:.3f}",
                    f"{one_s:.3f} ({one.status.value})",
                    f"{five_s:.3f} ({sol5.status.value})",
                    f"{five_s / one_s:.1f}",
                ]
            )
            print(rows[-1], flush=True)
    return table(
        [
            "preset",
            "profile",
            "objective",
            "N",
            "M",
            "load+validate s",
            "model of all hubs, unpruned: prepare+compile s",
            "solve k=1 s",
            "solve k=5 s",
            "k=5 / k=1",
        ],
        rows,
    )


#: The ablation solves k=5 too only where k=1 took less than this in all (some settings take minutes).
FIVE_UNDER = 5.0


def _total(catalog: Catalog, requests: list[Request], k: int, settings: SolverSettings, statuses: set[str]) -> float:
    """Seconds to solve every request for k candidates, one run each; their statuses go into ``statuses``."""
    runs = [engine_run(catalog, r.with_changes(candidates=k), 1, settings) for r in requests]
    statuses.update(run.status for run in runs)
    return sum(run.seconds for run in runs)


def ablation_section(presets: list[str], combos: list[Combo]) -> str:
    """One section of the page (see main): each technique switched off (``large``: the cost objective only)."""
    rows = []
    for preset in presets:
        for magnitude, objective in combos:
            if preset == "large" and objective not in ABLATION_LARGE_OBJECTIVES:
                continue
            catalog, requests = _profile(preset, magnitude, objective)
            for request in requests:  # warm up (imports, first-call costs) so that no row pays them
                engine_run(catalog, request, repeats=1)
            for name, settings in ABLATIONS.items():
                statuses: set[str] = set()
                one = _total(catalog, requests, 1, settings, statuses)
                five = f"{_total(catalog, requests, 5, settings, statuses):.2f}" if one < FIVE_UNDER else "not run"
                rows.append([preset, magnitude, objective, name, f"{one:.2f}", five, ", ".join(sorted(statuses))])
                print(rows[-1], flush=True)
    header = [
        "preset",
        "profile",
        "objective",
        "engine setting",
        "k=1: total s over the products",
        "k=5: total s",
        "statuses",
    ]
    return table(header, rows)


def candidates_section(presets: list[str], combos: list[Combo]) -> str:
    """One section of the page (see main): k=5 against k=1 on every product, medians of 3."""
    rows = []
    for preset in presets:
        for magnitude, objective in combos:
            catalog, requests = _profile(preset, magnitude, objective)
            if preset == "huge":
                requests = requests[:1]  # its k=5 takes about 10 s a run
            engine_run(catalog, requests[0], repeats=1)  # warm-up
            for request in requests:
                one = engine_run(catalog, request, repeats=3)
                five_s, five = median_time(partial(run_search, catalog, request.with_changes(candidates=5)), 3)
                rows.append(
                    [
                        preset,
                        magnitude,
                        objective,
                        request.product,
                        f"{one.seconds:.3f} ({one.status})",
                        f"{five_s:.3f} ({five.status.value})",
                        f"{five.stats['hubs_settled']} of {five.stats['hubs_solved']}",
                        f"{five_s / one.seconds:.1f}",
                    ]
                )
                print(rows[-1], flush=True)
    header = [
        "preset",
        "profile",
        "objective",
        "product",
        "k=1 s (status)",
        "k=5 s (status)",
        "k=5: hubs settled",
        "k=5 / k=1",
    ]
    return table(header, rows)


def _scaling_point(spec: Spec) -> tuple[float, str]:
    catalog = catalog_from_data(generate(spec, seed=1))
    request = build_request(catalog, catalog.products[0].id, overrides={"candidates": 1, "time_limit": 120})
    run = engine_run(catalog, request, repeats=1)
    return run.seconds, run.status


def scaling_section(out: Path, huge: bool, combos: list[Combo]) -> str:
    """One section of the page (see main): time against N and M, a line per profile and objective."""
    warm = catalog_from_data(generate(Spec(30, products=1, modules=12), seed=1))
    engine_run(warm, build_request(warm, warm.products[0].id, overrides={"candidates": 1}), repeats=1)  # imports
    sizes = [("N", n) for n in [30, 100, 300, 1000, 3000, *([10000, 30000] if huge else [])]]
    sizes += [("M", m) for m in [4, 8, 16, 32, 64]]
    points: dict[tuple[str, int], dict[Combo, tuple[float, str]]] = {size: {} for size in sizes}
    for magnitude, objective in combos:
        for axis, value in sizes:
            if axis == "N":
                spec = Spec(value, products=1, modules=12, families=max(2, value // 100))
            else:
                spec = Spec(300, products=1, modules=value, families=3)
            spec = replace(spec, magnitude=magnitude, objective=objective)
            points[(axis, value)][(magnitude, objective)] = _scaling_point(spec)
            print(axis, value, magnitude, objective, points[(axis, value)][(magnitude, objective)], flush=True)
    rows = []
    for axis, value in sizes:
        cells = [f"{axis}={value}"]
        for combo in combos:
            seconds, status = points[(axis, value)][combo]
            cells.append(f"{seconds:.3f}" + ("" if status == "optimal" else f" ({status})"))
        rows.append(cells)
    text = table(["instance", *(f"{m} {o} s" for m, o in combos)], rows)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return f"(matplotlib is not installed: no plot)\n\n{text}"
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, axis, label in ((axes[0], "N", "organisations N (M = 12)"), (axes[1], "M", "modules M (N = 300)")):
        xs = [value for a, value in sizes if a == axis]
        everything = []
        for combo in combos:
            ys = [points[(axis, x)][combo][0] for x in xs]
            everything += ys
            style = "o-" if combo[0] == "tama" else "s--"  # line style: the profile; colour: the objective
            colour = f"C{OBJECTIVES.index(combo[1])}"
            ax.loglog(xs, ys, style, color=colour, label=f"{combo[0]}, {combo[1]}")
        ax.set_xticks(xs, [f"{x:,}" for x in xs])
        low, high = min(everything), max(everything)
        ticks = [t for t in (0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100) if low / 2 <= t <= high * 2]
        ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel(label)
        ax.set_ylabel("seconds to proven optimum")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    return text


def big_load_section() -> str:
    """One section of the page (see main)."""
    # The peak is VmHWM, which exec resets: ru_maxrss would count the pages the child shared with this
    # (large) process between fork and exec.
    code = (
        "import time,sys;from modcluster import load_catalog;t=time.perf_counter();"
        "c=load_catalog(sys.argv[1]);s=time.perf_counter()-t;"
        "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
        "print(s, int(hwm)/1024)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        write_catalog(generate(Spec(100_000, products=1, modules=10, families=1000), seed=1), path)
        size = path.stat().st_size / 1e6
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    seconds, peak = (float(x) for x in out.stdout.split())
    return (
        f"100,000 organisations, {size:.0f} MB of JSON: loaded and validated in {seconds:.2f} s "
        f"(fresh process, after its imports), peak memory {peak:.0f} MiB (the whole process)."
    )


def cold_solve_section() -> str:
    """One section of the page (see main)."""
    times = []
    for _ in range(3):
        began = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/modcluster"), "solve", str(ROOT / "catalogs/tama.yaml"), "--quiet"],
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - began)
    times.sort()
    return (
        "`modcluster solve catalogs/tama.yaml` (every product's default request, cold process): "
        f"median {times[1]:.2f} s wall."
    )


def _names(text: str, allowed: tuple[str, ...] | list[str], what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise SystemExit(f"unknown {what}: {', '.join(unknown) or '(none given)'}; use some of {', '.join(allowed)}")
    return names


def main() -> None:
    """Run every measurement and write the page."""
    from modcluster.generate import PRESETS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small presets only (a smoke run)")
    parser.add_argument("--huge", action="store_true", help="also the huge preset and N up to 30,000")
    parser.add_argument("--peer-seconds", type=float, default=60.0)
    parser.add_argument(
        "--objectives", default=",".join(OBJECTIVES), help="comma-separated objectives (default: all three)"
    )
    parser.add_argument(
        "--magnitudes", default=",".join(MAGNITUDES), help="comma-separated money profiles (default: both)"
    )
    parser.add_argument(
        "--presets", help="comma-separated presets, in place of those of --quick/--huge (also for the ablation)"
    )
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated sections (default: all)")
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "performance.md"), help="page whose results block is replaced"
    )
    args = parser.parse_args()
    objectives = _names(args.objectives, OBJECTIVES, "objectives")
    magnitudes = _names(args.magnitudes, tuple(MAGNITUDES), "money profiles")
    sections = _names(args.sections, SECTIONS, "sections")
    combos = [(m, o) for m in magnitudes for o in objectives]
    presets = ["small", "medium"] if args.quick else ["small", "medium", "tama-2002", "large"]
    if args.huge:
        presets.append("huge")
    ablation = ["medium"] if args.quick else ["medium", "large"]
    if args.presets:
        presets = ablation = _names(args.presets, list(PRESETS), "presets")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Processes started from this one are measured first, while it is still small; before each section the
    # garbage of the last one is collected, so that no solve pays for walking what an earlier section left.
    loading = []
    if "loading" in sections and not args.quick:
        loading = ["### Loading and cold start", "", big_load_section(), "", cold_solve_section(), ""]
    parts = [
        "<!-- generated by scripts/performance_report.py: do not edit this block by hand -->",
        f"Machine: {machine()}. Run: `{' '.join(['python', 'scripts/performance_report.py', *sys.argv[1:]])}`.",
        "Profiles: `tama` (the bundled catalog's figures), `industrial` (systems of 0.1 to several million kJPY).",
        "",
    ]
    if "peers" in sections:
        gc.collect()
        parts += ["### Engine and peers (one candidate, the default request of each product)", ""]
        parts += [peers_section(presets, args.peer_seconds, combos), ""]
    if "stages" in sections:
        gc.collect()
        parts += ["### Engine stages per preset (first product)", "", engine_section(presets, combos), ""]
    if "candidates" in sections:
        gc.collect()
        parts += ["### Five candidates against one, every product", "", candidates_section(presets, combos), ""]
    if "ablation" in sections:
        gc.collect()
        parts += ["### Ablation: each technique switched off", "", ablation_section(ablation, combos), ""]
    if "scaling" in sections:
        gc.collect()
        figure = Path(args.out).with_name("performance.png")
        parts += ["### Scaling", "", "![time against N and M](performance.png)", ""]
        parts += [scaling_section(figure, args.huge, combos), ""]
    parts += loading
    page = Path(args.out)
    results = "\n".join(parts)
    text = page.read_text(encoding="utf-8") if page.exists() else f"{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    page.write_text(f"{head}{START}\n{results}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {page}")


if __name__ == "__main__":
    main()
