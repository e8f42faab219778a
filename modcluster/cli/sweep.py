"""``modcluster sweep``: solve every scenario of a sweep file, one JSON line per result, resumable."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import logging
import re
import signal
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from decimal import Decimal
from types import FrameType
from typing import Any

from modcluster.cli.common import log
from modcluster.errors import ClusterError, ExitCode

__all__ = [
    "CSV_COLUMNS",
    "PLAN_CSV_COLUMNS",
    "PLAN_ENTRY_COLUMNS",
    "csv_text",
    "money_cell",
    "plan_csv_text",
    "plan_summary_lines",
    "register",
    "summary_lines",
]

#: Columns of ``--csv``: the effective request, then the best candidate's figures. Money (``budget``, ``cost``)
#: is written exactly with two decimals (``5227.50``); ``reason`` says why a scenario has no system (the
#: infeasibility summary) or failed (the error message).
CSV_COLUMNS = (
    "scenario", "status", "product", "quantity", "objective", "budget", "deadline", "max_partners", "sites",
    "exclude", "require", "hub_fixed", "cost", "lead_time", "hub", "partners", "proven_optimal", "candidates",
    "seconds", "error", "reason", "people", "policies",
)  # fmt: skip

#: Columns of ``--csv`` for a plan sweep: the plan's inputs and figures, then :data:`PLAN_ENTRY_COLUMNS`
#: for each entry of the plan (``ENTRY_ID.hub``, ...), in plan order.
PLAN_CSV_COLUMNS = (
    "scenario", "status", "objective", "budget", "time_limit", "total_cost", "total_lead_time", "makespan",
    "sharing_cost", "sharing_lead_time", "seconds", "error", "reason",
)  # fmt: skip
#: Each entry's columns in a plan sweep's ``--csv``: its effective quantity and release, then its system's figures.
#: Money (``budget``, ``total_cost``, ``sharing_cost``, ``ENTRY.cost``) has two decimals, as in :data:`CSV_COLUMNS`.
PLAN_ENTRY_COLUMNS = ("quantity", "release", "hub", "cost", "lead_time")
_CENTS = Decimal("0.01")


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser(
        "sweep",
        help="solve every scenario of a sweep file (grid and named scenarios), resumably",
        description="Solve every scenario of SWEEP against CATALOG; one JSON line per scenario in --out.",
    )
    p.add_argument("catalog")
    p.add_argument("sweep", help="the sweep file (YAML, JSON or TOML)")
    p.add_argument("--out", required=True, metavar="FILE", help="results, one JSON line per scenario (appended)")
    p.add_argument("--csv", metavar="FILE", help="also write a table of every scenario's result for spreadsheets")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=_worker_count, metavar="N", help="local worker processes (default: the CPUs; at most 256)"
    )
    where.add_argument(
        "--dask", type=dask_address, metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://scheduler:8786"
    )
    p.add_argument("--solver-threads", type=_positive, metavar="N", help="CP-SAT workers per solve (default 1)")
    p.add_argument("--retry-failed", action="store_true", help="solve again the scenarios recorded as failed")
    p.add_argument("--quiet", action="store_true", help="no progress bar or messages on stderr")
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    """A whole number of at least 1, for ``--workers`` and ``--solver-threads``."""
    if not (text.strip().isascii() and text.strip().isdigit()) or len(text.strip()) > 9:
        raise argparse.ArgumentTypeError(f"not a whole number from 1: {text[:40]!r}")
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


#: Protocols of a Dask scheduler address.
DASK_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252}))$")


def dask_address(text: str) -> str:
    """Check the shape of a Dask scheduler address (``[PROTOCOL://]HOST[:PORT]``) before connecting to it.

    A malformed address is a usage error at once, rather than a connection
    attempt that times out and fails inside the Dask client.

    >>> dask_address("tcp://scheduler:8786")
    'tcp://scheduler:8786'
    >>> dask_address("not a url")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: not a Dask scheduler address: 'not a url' (write tcp://HOST:PORT)
    """
    wrong = argparse.ArgumentTypeError(f"not a Dask scheduler address: {text[:80]!r} (write tcp://HOST:PORT)")
    protocol, sep, rest = text.partition("://")
    if not sep:
        protocol, rest = "tcp", text
    if protocol not in DASK_PROTOCOLS or not rest or len(text) > 300:
        raise wrong
    if protocol == "inproc":
        return text
    host, port = rest, ""
    if rest.startswith("["):
        close = rest.find("]")
        host, port = rest[: close + 1], rest[close + 1 :].removeprefix(":")
        if close < 0 or (rest[close + 1 :] and not rest[close + 1 :].startswith(":")):
            raise wrong
    elif ":" in rest:
        host, _, port = rest.rpartition(":")
        if not port:
            raise wrong
    if not _HOST.match(host) or (port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536)):
        raise wrong
    return text


def _worker_count(text: str) -> int:
    """``--workers``: a whole number from 1 to the most local worker processes a sweep starts."""
    from modcluster.sweep import MAX_LOCAL_WORKERS

    value = _positive(text)
    if value > MAX_LOCAL_WORKERS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_LOCAL_WORKERS} local worker processes (each holds a catalog and a solver), got {value}"
        )
    return value


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so a killed sweep stops as cleanly."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Executor | None]:
    """``None`` for the default local pool, or a Dask cluster's executor."""
    if not args.dask:
        yield None
        return
    try:
        import distributed
    except ImportError:
        raise ClusterError("--dask needs the distributed package: pip install 'modcluster[dask]'") from None
    try:
        connect: Any = distributed.Client  # untyped package
        client: Any = connect(args.dask, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {args.dask}: {exc}") from None
    try:
        executor: Executor = client.get_executor()
        yield executor
    finally:
        _silence_dask_logs()  # a sweep stopped by Ctrl-C says so in one line: no tornado tracebacks on the way out
        with contextlib.suppress(Exception):
            client.close(timeout=10)


def _silence_dask_logs() -> None:
    """Silence the loggers of distributed, tornado and asyncio for the rest of the process (it is shutting down).

    Closing a client while futures are being cancelled can make them log a
    ``FutureCancelledError`` traceback; what matters is already said.
    """
    names = [*logging.root.manager.loggerDict, "distributed", "tornado", "asyncio"]
    for name in names:
        if name.split(".")[0] in {"distributed", "tornado", "asyncio"}:
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def run(args: argparse.Namespace) -> int:
    """Run the sweep; exit 0 when every scenario has a result and none failed (see docs/sweeps.md)."""
    from modcluster.io import atomic_write_text, check_outputs, load_catalog
    from modcluster.solver import SolverSettings
    from modcluster.sweep import (
        Progress,
        ResultLog,
        check_base_plan,
        check_scenario_count,
        finished,
        latest,
        load_sweep,
        read_results,
        sweep,
    )

    inputs = [args.catalog, args.sweep]
    check_outputs({"--out": args.out, "--csv": args.csv}, protect=inputs)  # no two outputs one file

    catalog = load_catalog(args.catalog)
    spec = load_sweep(args.sweep)
    check_scenario_count(catalog, spec)  # before the results file is opened
    plans = spec.plan_sweep
    if plans is not None:
        check_base_plan(catalog, spec)
        if plans.file is not None:  # the plan file is an input too
            inputs.append(plans.file)
            check_outputs({"--out": args.out, "--csv": args.csv}, protect=inputs)
    settings = None if args.solver_threads is None else SolverSettings(workers=args.solver_threads)
    interrupted = False
    with ResultLog(args.out) as results, _executor(args) as executor, _sigterm_as_interrupt():
        done = finished(results.existing, retry_failed=args.retry_failed)
        running = sweep(catalog, spec, executor=executor, workers=args.workers, skip=done, settings=settings)
        where = f"Dask cluster {args.dask}" if args.dask else f"{running.workers} local worker process(es)"
        log(
            args,
            f"sweep: {len(running.scenarios)} scenarios, {len(running.scenarios) - len(running.pending)} "
            f"already in {args.out}, {len(running.pending)} to solve on {where}",
        )
        bar = Progress(len(running.pending), enabled=None if not args.quiet else False)
        try:
            with running:
                for result in running:
                    results.append(result)
                    bar.advance(failed=result.failed)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
    current = {s.fingerprint for s in running.scenarios}
    recorded = latest(r for r in read_results(args.out) if r.fingerprint in current)
    final = [recorded[s.id] for s in running.scenarios if s.id in recorded]
    if interrupted:
        log(
            args,
            f"interrupted: {len(final)} of {len(running.scenarios)} scenarios are in {args.out}; "
            "run the same command again to finish the rest",
        )
        return ExitCode.INTERRUPTED
    if args.csv:
        table = csv_text(final) if plans is None else plan_csv_text(final, plans.entry_ids)
        atomic_write_text(args.csv, table, protect=inputs)
        log(args, f"wrote {args.csv}")
    lines = summary_lines if plans is None else plan_summary_lines
    print("\n".join(lines(final, len(running.scenarios))))
    failures = [r.error.get("exit_code", ExitCode.INTERNAL) for r in final if r.failed and r.error]
    return max((int(code) for code in failures), default=ExitCode.OPTIMAL)


def _money(value: Any) -> str:
    from modcluster.report import format_money

    return "" if value is None else format_money(value)


def _note(r: Any) -> str:
    note = ""
    if r.failed and r.error:
        note = f"{r.error.get('type', 'error')}: {str(r.error.get('message', '')).splitlines()[0]}"
    elif r.explanation:
        note = r.explanation
    return note  # whole: the table wraps it to the terminal's width (docs/cli.md, "Terminal output")


def summary_lines(results: list[Any], total: int) -> list[str]:
    """The summary table: one row per scenario, then the count by status."""
    from modcluster.report import table

    rows = []
    for r in results:
        lead = "" if r.lead_time is None else str(r.lead_time)
        rows.append([r.scenario, r.status, _money(r.cost), lead, r.hub or "", _note(r)])
    lines = table(rows, ["scenario", "status", "cost", "lead time", "hub", "note"]) if rows else []
    return [*lines, _counts(results, total)]


def plan_summary_lines(results: list[Any], total: int) -> list[str]:
    """The summary table of a plan sweep: one row per scenario (totals, price of sharing), then the count by status."""
    from modcluster.report import table

    rows = []
    for r in results:
        sharing = r.price_of_sharing or {}
        rows.append(
            [
                r.scenario,
                r.status,
                _money(r.cost),
                _cell(r.lead_time),
                _cell(r.makespan),
                _money(sharing.get("cost")),
                _cell(sharing.get("lead_time")),
                _note(r),
            ]
        )
    head = ["scenario", "status", "total cost", "lead times", "makespan", "sharing cost", "sharing days", "note"]
    lines = table(rows, head) if rows else []
    return [*lines, _counts(results, total)]


def _counts(results: list[Any], total: int) -> str:
    counts = Counter(r.status for r in results)
    order = ["optimal", "feasible", "infeasible", "unknown", "failed"]
    parts = [f"{counts[s]} {s}" for s in order if counts[s]]
    missing = total - len(results)
    tail = f", {missing} not run" if missing else ""
    return f"{total} scenarios: {', '.join(parts) or 'none finished'}{tail}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return " ".join(_cell(v) for v in value)
    from modcluster.domain import dumps

    return value if isinstance(value, str) else dumps(value, indent=None)


def money_cell(value: Any) -> str:
    """A money figure for the CSV tables: exact, with at least two decimals; empty for none.

    Read from the value's text, never through a binary float. Costs are whole
    cents already; a budget given with more decimals keeps them all (never rounded).

    >>> money_cell("5227.5"), money_cell(16000), money_cell(None), money_cell("-0.1"), money_cell("9.125")
    ('5227.50', '16000.00', '', '-0.10', '9.125')
    """
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return format(number, "f")
    return format(number.quantize(_CENTS), "f")


def _reason(r: Any) -> str:
    """Why a scenario has no system: its error (type and message) when failed, else the explanation."""
    if r.failed and r.error:
        return f"{r.error.get('type', 'error')}: {r.error.get('message', '')}"
    return str(r.explanation or "")


def csv_text(results: list[Any]) -> str:
    """The ``--csv`` table: one row per scenario (see :data:`CSV_COLUMNS`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in results:
        request = r.request or {}
        limits = request.get("limits") or {}
        line = r.to_dict()
        error = "" if not r.error else f"{r.error.get('type', 'error')}: {r.error.get('message', '')}"
        row = {
            **{key: line.get(key) for key in CSV_COLUMNS},
            "quantity": request.get("quantity", line.get("quantity")),
            "objective": request.get("objective", line.get("objective")),
            "budget": money_cell(limits.get("budget")),
            "cost": money_cell(line.get("cost")),
            "deadline": limits.get("deadline"),
            "max_partners": limits.get("max_partners"),
            "sites": request.get("sites"),
            "exclude": request.get("exclude"),
            "require": request.get("require"),
            "hub_fixed": request.get("hub"),
            "error": error,
            "reason": _reason(r),
            "people": request.get("people"),  # v1.1: whether placements were allowed
            "policies": request.get("policies"),  # v1.1: whether the cities' policies applied
        }
        writer.writerow([_cell(row[key]) for key in CSV_COLUMNS])
    return out.getvalue()


def plan_csv_text(results: list[Any], entries: Sequence[str]) -> str:
    """A plan sweep's ``--csv`` table: one row per scenario (see :data:`PLAN_CSV_COLUMNS`).

    Args:
        results: The results, in sweep order.
        entries: The plan's entry ids, in plan order: each gets the :data:`PLAN_ENTRY_COLUMNS`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*PLAN_CSV_COLUMNS, *(f"{e}.{key}" for e in entries for key in PLAN_ENTRY_COLUMNS)])
    for r in results:
        request = r.request or {}
        line = r.to_dict()
        sharing = line.get("price_of_sharing") or {}
        row = {
            **{key: line.get(key) for key in PLAN_CSV_COLUMNS},
            "objective": request.get("objective", line.get("objective")),
            "budget": money_cell((request.get("limits") or {}).get("budget")),
            "time_limit": request.get("time_limit"),
            "total_cost": money_cell(line.get("total_cost")),
            "sharing_cost": money_cell(sharing.get("cost")),
            "sharing_lead_time": sharing.get("lead_time"),
            "error": "" if not r.error else f"{r.error.get('type', 'error')}: {r.error.get('message', '')}",
            "reason": _reason(r),
        }
        asked = {e.get("id"): e for e in request.get("entries") or []}
        found = {e["id"]: e for e in line.get("entries") or []}
        cells = [_cell(row[key]) for key in PLAN_CSV_COLUMNS]
        for entry in entries:
            given, system = asked.get(entry, {}), found.get(entry, {})
            cells += [
                _cell(given.get("quantity")),
                _cell(given.get("release")),
                _cell(system.get("hub")),
                money_cell(system.get("cost")),
                _cell(system.get("lead_time")),
            ]
        writer.writerow(cells)
    return out.getvalue()
