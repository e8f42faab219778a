"""The progress display: the solver's observer (best so far, proven bound) and the live status line on a terminal.

The library part observes solves of the bundled catalog under each objective:
every bound reported is at most the final optimum and every best so far at
least it. The command-line part runs ``modcluster`` under a real
pseudo-terminal (stderr on the terminal, stdout to a pipe): the status line
is drawn on stderr and removed, and stdout is byte-identical to a run without
a terminal; with stderr to a pipe nothing is drawn at all.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from modcluster import build_request, load_catalog, solve
from modcluster.cli.progress import describe, wanted
from modcluster.errors import ExitCode
from modcluster.generate import generate, spec_for, write_catalog
from modcluster.solver.objective import objective_key
from modcluster.solver.progress import Progress, observed, observing, report, step

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
SOLVE = ["solve", str(TAMA), "--product", "piezo-nano-stage"]


# --------------------------------------------------------------------------- the observer


@pytest.mark.parametrize("objective", ["cost", "lead_time", "weighted"])
def test_the_observer_sees_the_best_so_far_and_a_sound_bound(objective: str) -> None:
    catalog = load_catalog(TAMA)
    request = build_request(catalog, "piezo-nano-stage", overrides={"objective": objective})
    seen: list[Progress] = []
    with observing(seen.append):
        solution = solve(catalog, request)
    assert solution.best is not None and solution.best.proven_optimal
    optimum = objective_key(solution.best, request)[0]
    bests = [p.best for p in seen if p.best is not None]
    bounds = [p.bound for p in seen if p.bound is not None]
    assert bests and bounds, seen
    assert all(bound <= optimum for bound in bounds), (optimum, bounds)
    for cost, days in bests:
        assert objective_key(SimpleNamespace(cost=cost, lead_time=days), request)[0] >= optimum
    assert bests[-1] == (solution.best.cost, solution.best.lead_time)
    assert all(p.what.startswith("piezo-nano-stage: ") and p.limit == float(request.time_limit) for p in seen)
    assert all(p.objective == objective and p.money == catalog.units.money for p in seen if p.bound is not None)


def test_no_observer_gives_the_same_answer() -> None:
    catalog = load_catalog(TAMA)
    request = build_request(catalog, "piezo-nano-stage", overrides={"candidates": 4})
    plain = solve(catalog, request)
    with observing(lambda progress: None):
        watched = solve(catalog, request)
    assert plain.to_dict() | {"stats": None} == watched.to_dict() | {"stats": None}


def test_report_is_a_no_op_unobserved_and_observers_nest() -> None:
    outer: list[Progress] = []
    inner: list[Progress] = []
    assert not observed()
    report(Progress("nobody"))
    step("nobody", 1, 2)
    with observing(outer.append):
        step("explain p: the least budget", 2, 4)
        with observing(inner.append):
            report(Progress("inner"))
        report(Progress("outer again"))
    assert not observed()
    assert [p.what for p in outer] == ["explain p: the least budget", "outer again"]
    assert [p.what for p in inner] == ["inner"] and outer[0].step == (2, 4)


def test_an_analysis_reports_its_steps() -> None:
    from modcluster.analysis import resilience

    catalog = load_catalog(TAMA)
    request = build_request(catalog, "piezo-nano-stage")
    seen: list[Progress] = []
    with observing(seen.append):
        result = resilience(catalog, request)
    steps = [p.step for p in seen if p.step is not None and "without" in p.what]
    assert steps == [(i, len(result.dropouts)) for i in range(1, len(result.dropouts) + 1)]


def test_the_status_text() -> None:
    progress = Progress(
        "p: hub h", best=(Decimal("18613"), 97), bound=Decimal("18100"), elapsed=1.25, limit=60.0, money="kJPY"
    )
    assert describe(progress) == "1.2 s / 60 s  p: hub h  best 18,613.00 kJPY, 97 days  bound >= 18,100.00"
    assert describe(Progress("p", bound=40, objective="lead_time"), 2.0) == "2.0 s  p  bound >= 40 days"


class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_the_display_is_wanted_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")

    def ask(err: bool = True, out: bool = False, **flags: object) -> bool:
        args = argparse.Namespace(**({"command": "solve", "quiet": False, "json": False} | flags))
        return wanted(args, _Tty(out), _Tty(err))  # type: ignore[arg-type]

    assert ask() and ask(out=True)
    assert not ask(err=False)
    assert not ask(quiet=True)
    assert not ask(json=True, out=True) and ask(json=True)
    assert not ask(command="configure", interactive=True) and ask(command="configure")
    assert not ask(command="validate") and not ask(command="schema")
    monkeypatch.setenv("TERM", "dumb")
    assert not ask()


# --------------------------------------------------------------------------- the command under a terminal


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "240"}


def _read_all(fd: int, proc: subprocess.Popen[bytes], until: bytes | None = None) -> bytes:
    """Read the terminal until the child exits (or, with ``until``, until that text appears)."""
    got = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                return got
            got += chunk
            if until is not None and until in got:
                return got
        elif proc.poll() is not None and not select.select([fd], [], [], 0.05)[0]:
            return got


def _on_terminal(args: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``modcluster ARGS`` with stderr on a new terminal 240 columns wide and stdout to a pipe."""
    main_fd, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 240, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "modcluster", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=side,
        env=_env(),
    )
    os.close(side)
    return proc, main_fd


def _run_on_terminal(args: list[str]) -> tuple[int, bytes, bytes]:
    proc, fd = _on_terminal(args)
    try:
        assert proc.stdout is not None
        stderr = _read_all(fd, proc)
        stdout = proc.stdout.read()
        return proc.wait(timeout=60), stdout, stderr
    finally:
        os.close(fd)


def _run_piped(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = _env()
    return subprocess.run([sys.executable, "-m", "modcluster", *args], capture_output=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def piped() -> dict[bool, subprocess.CompletedProcess[bytes]]:
    """The solve with stdout and stderr to pipes, as text and as JSON (``--json``)."""
    return {json_out: _run_piped([*SOLVE, *(["--json"] if json_out else [])]) for json_out in (False, True)}


@pytest.mark.parametrize("json_out", [False, True], ids=["text", "json"])
def test_a_terminal_gets_the_status_line_and_stdout_is_unchanged(
    json_out: bool, piped: dict[bool, subprocess.CompletedProcess[bytes]]
) -> None:
    code, stdout, stderr = _run_on_terminal([*SOLVE, *(["--json"] if json_out else [])])
    assert code == piped[json_out].returncode == ExitCode.OPTIMAL
    assert stdout == piped[json_out].stdout
    text = stderr.decode()
    # The last state is drawn when the display stops: the search's best and bound, then the line is erased.
    assert "piezo-nano-stage: hub " in text, text
    assert "best 7,005.60 kJPY, 62 days" in text and "bound >= " in text, text
    assert "solving piezo-nano-stage" in text and "verified" in text, text  # the log lines, above the display
    assert text.endswith("\x1b[2K") and "\x1b[?25h" in text, text  # removed, and the cursor shown again


def test_a_pipe_gets_no_display(piped: dict[bool, subprocess.CompletedProcess[bytes]]) -> None:
    for run in piped.values():
        assert b"\x1b" not in run.stderr and b"\r" not in run.stderr
        lines = run.stderr.decode().splitlines()
        assert lines[0].startswith("solving piezo-nano-stage") and len(lines) == 2, lines


def test_ctrl_c_under_the_display_keeps_the_best_found(tmp_path: Path) -> None:
    catalog = tmp_path / "cluster-1000.json"
    write_catalog(generate(spec_for("large", organizations=1000, name="progress"), 0), catalog)
    out = tmp_path / "out.json"
    argv = ["solve", str(catalog), "--product", "product-0", "--objective", "lead_time"]
    proc, fd = _on_terminal([*argv, "--time-limit", "120", "--json", "--out", str(out)])
    try:
        _read_all(fd, proc, until=b"found)")  # the search has started: its status line is drawn
        time.sleep(1.0)
        assert proc.poll() is None, "the solve ended before it was interrupted"
        proc.send_signal(signal.SIGINT)
        stderr = _read_all(fd, proc)
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        assert proc.wait(timeout=60) == ExitCode.INTERRUPTED, stderr
    finally:
        os.close(fd)
    assert b"interrupted" in stderr and b"Traceback" not in stderr and b"\x1b[?25h" in stderr
    assert json.loads(stdout) == json.loads(out.read_text())
