"""Hostile and broken input through the command line: a located one-line error, exit 2, fast and small.

Every case writes its input at test time and runs the CLI's ``main`` with real
arguments in a child process, and checks:

- exit code 2 (docs/cli.md), no ``Traceback``, ``RecursionError`` or ``MemoryError``;
- every stderr line is one problem naming the file (and, where the format
  keeps positions, ``file:line:column: path: message``);
- the child's peak resident memory (``wait4``) stays under 200 MB.

The time each case takes (under a second after start-up, wall-clock and CPU)
depends on the machine and its load as much as on the code: it is measured by
``scripts/reliability_figures.py`` and asserted only in the slow suite
(``make test-slow``), never in the default run.

The children are forked from a server process that imported the CLI once, so
that the figures are the input's, not the interpreter's start-up (measured
apart: ``measure`` runs a fresh process, and one test checks that both answer
exactly like ``python -m modcluster``). ``scripts/reliability_figures.py``
prints the fresh-process figures of docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from modcluster.io import document

__all__ = ["CASES", "Case", "ForkServer", "Measurement", "check", "measure"]

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"

#: Limits of the issue: handling time (seconds) and peak resident memory (bytes) of the child.
SECONDS = 1.0
PEAK_BYTES = 200_000_000
#: The slow suite's wall-clock check allows this multiple of SECONDS (a busy machine stretches wall time).
WALL_MULTIPLE = 2
#: A child taking longer than this is killed (the case then fails).
KILL_AFTER = 120.0

#: Runs the CLI's ``main`` like the console script, recording import and handling times.
HARNESS = """
import json, os, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from modcluster.cli.app import main
t1, c1 = time.perf_counter(), time.process_time()
code = 70
try:
    code = main(sys.argv[1:])
finally:
    t2, c2 = time.perf_counter(), time.process_time()
    peak = None
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    with open(os.environ["MODCLUSTER_TIMING"], "w") as handle:
        json.dump({"import": t1 - t0, "handle": t2 - t1, "handle_cpu": c2 - c1, "peak": peak}, handle)
sys.exit(code)
"""

#: Imports the CLI once, then for each JSON request line forks a child that runs ``main``
#: with its stderr in a file, and answers with the child's exit code, times and peak RSS (wait4).
SERVER = """
import json, os, sys, time, traceback
from modcluster.cli.app import main
for line in sys.stdin:
    job = json.loads(line)
    err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    began = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.chdir(job["cwd"])
            os.environ.update(job["env"])
            out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(err, 2)
            c0 = time.process_time()
            try:
                code = main(job["args"])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
                code = 1
            with open(job["timing"], "w") as handle:
                json.dump({"handle_cpu": time.process_time() - c0}, handle)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(err)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - began
    reply = {"code": os.waitstatus_to_exitcode(status), "wall": wall, "peak": usage.ru_maxrss * 1024}
    print(json.dumps(reply), flush=True)
"""


@dataclass(frozen=True)
class Measurement:
    """One child run: exit code, stderr, times (seconds) and peak resident memory (bytes).

    ``imports`` is the start-up (interpreter and imports), ``handle`` the wall time
    after it, ``handle_cpu`` the CPU time after it (all threads).
    """

    code: int
    stderr: str
    stdout: str
    wall: float
    imports: float
    handle: float
    handle_cpu: float
    peak: int


def _child_env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(extra or {})}
    env.pop("MODCLUSTER_MAX_MODEL_BYTES", None)
    return {**env, **(extra or {})}


def measure(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measurement:
    """Run ``modcluster ARGS`` in a fresh Python process; collect exit code, stderr, times and peak RSS."""
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    timing, err_path, out_path = (cwd / f".{kind}-{tag}" for kind in ("timing", "stderr", "stdout"))
    child_env = {**_child_env(env), "MODCLUSTER_TIMING": str(timing)}
    began = time.perf_counter()
    with open(err_path, "wb") as err, open(out_path, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", HARNESS, *args],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        killer = threading.Timer(KILL_AFTER, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
    wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr, stdout = err_path.read_text(errors="replace"), out_path.read_text(errors="replace")
    err_path.unlink()
    out_path.unlink()
    times: dict[str, Any] = (
        json.loads(timing.read_text()) if timing.exists() else {"import": 0, "handle": wall, "handle_cpu": wall}
    )
    timing.unlink(missing_ok=True)
    # On Linux a child's ru_maxrss also counts the parent's memory it was forked with before exec;
    # the child's own high-water mark (VmHWM) is the exec'd process alone.
    peak = int(times.get("peak") or usage.ru_maxrss * 1024)
    return Measurement(
        proc.returncode, stderr, stdout, wall, times["import"], times["handle"], times["handle_cpu"], peak
    )


class ForkServer:
    """A Python process that has imported the CLI and forks one child per command (no start-up per case)."""

    def __init__(self) -> None:
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            env=_child_env(None),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.started = began

    def measure(self, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measurement:
        """Run ``modcluster ARGS`` in a forked child; collect exit code, stderr, times and peak RSS."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        tag = f"{os.getpid()}-{time.monotonic_ns()}"
        timing, err_path, out_path = (cwd / f".{kind}-{tag}" for kind in ("timing", "stderr", "stdout"))
        job = {"args": args, "cwd": str(cwd), "env": env or {}, "timing": str(timing)}
        job.update(stderr=str(err_path), stdout=str(out_path))
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        stderr, stdout = err_path.read_text(errors="replace"), out_path.read_text(errors="replace")
        err_path.unlink()
        out_path.unlink()
        cpu = json.loads(timing.read_text())["handle_cpu"] if timing.exists() else reply["wall"]
        timing.unlink(missing_ok=True)
        return Measurement(reply["code"], stderr, stdout, reply["wall"], 0.0, reply["wall"], cpu, reply["peak"])

    def close(self) -> None:
        """Stop the server."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# --------------------------------------------------------------------------- the cases

HEAD = "schema: modcluster/1\ncapabilities:\n  - {id: machining}\n"
ORG = "organizations:\n  - id: acme\n    processes:\n      - capability: machining\n"


def _text(name: str, text: str | bytes) -> Callable[[Path], str]:
    def build(directory: Path) -> str:
        path = directory / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return name

    return build


def _big_catalog(directory: Path) -> str:
    """A 50 MB catalog of well-formed organisation lines."""
    path = directory / "big.yaml"
    with open(path, "w") as handle:
        handle.write("schema: modcluster/1\norganizations:\n")
        written, index = 0, 0
        chunk: list[str] = []
        while written < 50_000_000:
            line = f"  - {{id: org{index:07d}, site: Hachioji, capacity: 1}}\n"
            chunk.append(line)
            written += len(line)
            index += 1
            if len(chunk) == 10_000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))
    return path.name


def _big_json(directory: Path) -> str:
    """50 MB of JSON organisations with a syntax error at the very end."""
    path = directory / "big.json"
    with open(path, "w") as handle:
        handle.write('{"schema": "modcluster/1", "organizations": [')
        written, index = 0, 0
        while written < 50_000_000:
            chunk = ", ".join(f'{{"id": "org{i:07d}", "site": "Hachioji"}}' for i in range(index, index + 10_000))
            handle.write(("" if index == 0 else ", ") + chunk)
            written += len(chunk) + 2
            index += 10_000
        handle.write(",]}\n")
    return path.name


def _alias_bomb(directory: Path) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return _text("bomb.yaml", "\n".join(lines) + "\n")(directory)


def _wide_aliases(directory: Path) -> str:
    """Anchored offers repeated by aliases to just under the reader's expansion cap."""
    # Counted by the reader: the anchored list holds 1 + 1000 * 5 values, 999 * 5 of them repeats.
    repeats = max(1, (document.MAX_ALIAS_EXPANSION - 999 * 5) // 5001)
    lines = [HEAD.rstrip("\n"), "organizations:", "  - id: o0"]
    lines.append(
        "    processes: &ps [&p {capability: machining, setup_cost: 1, unit_cost: 1, setup_days: 1}"
        + ", *p" * 999
        + "]"
    )
    lines += [f"  - {{id: o{i}, processes: *ps}}" for i in range(1, repeats + 1)]
    return _text("aliases.yaml", "\n".join(lines) + "\n")(directory)


def _solution_with_cost(cost: str) -> Callable[[Path], str]:
    """A solution file of the mini catalog whose first candidate claims ``cost`` (JSON number text)."""

    def build(directory: Path) -> str:
        from modcluster import build_request, load_catalog, solve
        from modcluster.domain import dumps

        catalog = load_catalog(MINI)
        data = solve(catalog, build_request(catalog)).to_dict()
        data["candidates"][0]["cost"] = "COST"
        (directory / "solution.json").write_text(dumps(data).replace('"COST"', cost))
        return "solution.json"

    return build


DIGITS = "9" * 100_000
OVERFLOW = (
    HEAD
    + "organizations:\n  - {id: hub, develops: [fam]}\n"
    + "  - {id: acme, processes: [{capability: machining, unit_cost: 999999999999999}]}\n"
    + "products:\n  - {id: prod, family: fam, modules: [{id: m, type: t, make: {steps: [{capability: machining}]}}]}\n"
)
DEEP = 5000


@dataclass(frozen=True)
class Case:
    """One hostile input: how to build it, the command, and what stderr must say.

    Attributes:
        name: The class of input, as in docs/reliability.md.
        build: Writes the input file(s) into a directory; returns the file the error must name.
        args: The command after ``modcluster``; ``{file}`` is replaced by the built file.
        needle: Text the error must contain.
        where: A regular expression for the location after the file name (``None``: no position).
        code: The exit code (2: bad input; 5: ``verify`` found the solution wrong).
        stream: Where the problems are printed (``verify`` lists them on stdout).
    """

    name: str
    build: Callable[[Path], str]
    needle: str
    where: str | None = r":\d+:\d+: "
    args: tuple[str, ...] = ("validate", "{file}")
    env: dict[str, str] = field(default_factory=dict)
    code: int = 2
    stream: str = "stderr"


CASES = [
    Case("empty file", _text("empty.yaml", ""), "the file is empty", where=None),
    Case("only comments", _text("comments.yaml", "# nothing\n\n"), "holds no data", where=None),
    Case("not UTF-8 (Latin-1)", _text("latin1.yaml", "name: Hachioji\nsite: Ch\xf4fu\n".encode("latin-1")), "UTF-8"),
    Case("not UTF-8 (UTF-16)", _text("utf16.json", '{"name": "x"}'.encode("utf-16")), "UTF-8"),
    Case("malformed YAML", _text("bad.yaml", "organizations: [\n  {id: a,\n"), "YAML syntax error"),
    Case("malformed JSON", _text("bad.json", '{"organizations": [}\n'), "JSON syntax error"),
    Case("malformed TOML", _text("bad.toml", "[organizations\nid = 1\n"), "TOML syntax error"),
    Case("TOML cut short", _text("cut.toml", "[[organizations]]\nid = 'a'\nhouse_variants = {x = "), "TOML syntax"),
    Case(
        "wrong type",
        _text("type.yaml", HEAD + ORG + "        setup_cost: cheap\n"),
        "organizations[0].processes[0].setup_cost: expected a number",
    ),
    Case(
        "wrong type (TOML, no positions)",
        _text("type.toml", "[[organizations]]\nid = 'a'\ncapacity = 'one'\n"),
        "organizations[0].capacity",
        where=r": ",
    ),
    Case(
        "a list where a mapping belongs",
        _text("shape.json", '{"organizations": {"id": "a"}}'),
        "organizations: expected a list",
    ),
    Case("NaN (YAML)", _text("nan.yaml", HEAD + ORG + "        unit_cost: .nan\n"), "not allowed"),
    Case("NaN (JSON)", _text("nan.json", '{"organizations": [{"id": "a", "design_fee": NaN}]}'), "NaN is not allowed"),
    Case("infinity (JSON)", _text("inf.json", '{"defaults": {"onboarding_cost": -Infinity}}'), "not allowed"),
    Case("infinity (TOML)", _text("inf.toml", "[defaults]\nonboarding_cost = inf\n"), "not allowed", where=r": "),
    Case(
        "negative cost",
        _text("neg.yaml", HEAD + ORG + "        unit_cost: -2.5\n"),
        "unit_cost: must not be negative",
    ),
    Case(
        "negative capacity",
        _text("cap.json", '{"organizations": [{"id": "a", "capacity": -3}]}'),
        "organizations[0].capacity",
    ),
    Case("a 10^30 cost", _text("e30.yaml", HEAD + ORG + "        unit_cost: 1e30\n"), "too large"),
    Case("10^5-digit integer (YAML)", _text("digits.yaml", HEAD + ORG + f"        setup_days: {DIGITS}\n"), "digits"),
    Case(
        "10^5-digit integer (JSON)",
        _text("digits.json", '{"organizations": [{"id": "a", "capacity": ' + DIGITS + "}]}"),
        "too long to read",
    ),
    Case(
        "10^5-digit integer (TOML)",
        _text("digits.toml", "[[organizations]]\nid = 'a'\ncapacity = " + DIGITS + "\n"),
        "too long to read",
    ),
    Case("duplicate key (YAML)", _text("dupkey.yaml", "name: a\nunits: {}\nname: b\n"), "duplicate key 'name'"),
    Case("duplicate key (JSON)", _text("dupkey.json", '{"name": "a",\n "name": "b"}'), "duplicate key 'name'"),
    Case(
        "duplicate ids",
        _text("dupid.yaml", "organizations:\n  - id: acme\n  - id: beta\n  - id: acme\n"),
        "duplicate organization 'acme'",
    ),
    Case(
        "dangling reference",
        _text("dangling.yaml", HEAD + "relationships:\n  - between: [acme, ghost]\n"),
        "unknown organization",
    ),
    Case(
        "taxonomy cycle",
        _text(
            "cycle.yaml",
            "capabilities:\n  - {id: a, parents: [c]}\n  - {id: b, parents: [a]}\n  - {id: c, parents: [b]}\n",
        ),
        "cycle",
    ),
    Case("YAML alias bomb", _alias_bomb, "aliases expand to too much data"),
    Case("YAML alias to itself", _text("self.yaml", "name: &n [*n]\n"), "contains it"),
    Case("YAML aliases at the cap", _wide_aliases, "duplicate process offer id"),
    Case("YAML unknown tag", _text("tag.yaml", "name: !!python/object:os.system ls\n"), "unknown tag"),
    Case("5,000-level nesting (YAML flow)", _text("deep.yaml", "name: " + "[" * DEEP + "]" * DEEP + "\n"), "nesting"),
    Case("5,000-level nesting (YAML block)", _text("deepb.yaml", "- " * DEEP + "1\n"), "nesting"),
    Case(
        "5,000-level nesting (JSON)", _text("deep.json", '{"a": ' * DEEP + "1" + "}" * DEEP + "\n"), "nesting too deep"
    ),
    Case(
        "5,000-level nesting (TOML)",
        _text("deep.toml", "name = " + "[" * DEEP + "]" * DEEP + "\n"),
        "nesting",
        where=None,
    ),
    Case("a 50 MB file", _big_catalog, "larger than", where=None),
    Case("a 50 MB JSON file", _big_json, "JSON syntax error"),
    Case(
        "sums beyond 64 bits",
        _text("overflow.yaml", OVERFLOW),
        "a system could cost 999,999,999,999,999,000,000.00 (the solver's 64-bit arithmetic holds "
        "46,116,860,184,273,879.03 at most); largest cost term organizations[1].processes[0]",
        where=None,
        args=("solve", "{file}", "--quiet", "--quantity", "1000000"),
    ),
    Case(
        "unknown product (request file)",
        _text("request.yaml", "product: teleporter\n"),
        "unknown product 'teleporter'",
        args=("solve", str(MINI), "--quiet", "--request", "{file}"),
    ),
    Case(
        "unknown product (flag)",
        _text("unused.yaml", "x: 1\n"),
        "unknown product 'teleporter'",
        where=None,
        args=("solve", str(MINI), "--quiet", "--product", "teleporter"),
    ),
    *(
        Case(
            f"solution file claiming a {what} cost",
            _solution_with_cost(cost),
            "candidate 1",
            where=r": 1 problem",
            args=("verify", str(MINI), "{file}"),
            code=5,
            stream="stdout",
        )
        for what, cost in (("41-digit", "9" * 40 + ".5"), ("1e308", "1e308"), ("250-digit", "9" * 250 + ".5"))
    ),
    Case(
        "model over the memory limit",
        _text("unused.yaml", "x: 1\n"),
        "fewer candidates, a sites filter or excluding organisations",
        where=None,
        args=("solve", str(MINI), "--quiet"),
        env={"MODCLUSTER_MAX_MODEL_BYTES": "1000000"},
    ),
]

#: Cases whose error names no file: the message comes from the solver, not a reader.
UNFILED = {"sums beyond 64 bits", "model over the memory limit", "unknown product (flag)"}


def _problem_lines(stderr: str) -> list[str]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    if lines and lines[0].startswith("modcluster: "):
        lines[0] = lines[0][len("modcluster: ") :]
    return lines


def check(case: Case, file: str, result: Measurement) -> None:
    """The assertions every hostile case must pass, on any machine: behaviour and memory, no clock."""
    stderr = result.stderr
    assert result.code == case.code, (result.code, stderr[-2000:])
    for bad in ("Traceback", "RecursionError", "MemoryError"):
        assert bad not in stderr, stderr[-2000:]
    report = result.stdout if case.stream == "stdout" else stderr
    assert case.needle in report, report[-2000:]
    lines = _problem_lines(report)
    assert lines, "no error message"
    if case.name not in UNFILED:
        for line in lines:
            if line.startswith(("... and ", "  - ")):  # the count of further problems; verify's list items
                continue
            assert line.startswith(file), line[:300]
        if case.where is not None:
            assert re.match(re.escape(file) + case.where, lines[0]), lines[0][:300]
    assert result.peak < PEAK_BYTES, f"peak {result.peak / 2**20:.0f} MiB"


def check_time(result: Measurement) -> None:
    """The time promise (slow suite only): under a second of CPU, and of wall time up to a multiple."""
    assert result.handle_cpu < SECONDS, f"{result.handle_cpu:.2f} s of CPU after start-up"
    assert result.handle < WALL_MULTIPLE * SECONDS, f"{result.handle:.2f} s after start-up"


#: Cases skipped while running them would take minutes and gigabytes (a limit was raised): the reason says which.
GAPS = {
    "a 50 MB file": (
        document.MAX_TEXT_FORMAT_BYTES >= 50_000_000,
        f"YAML files up to {document.MAX_TEXT_FORMAT_BYTES:,} bytes are read: a 50 MB catalog takes minutes, GBs",
    ),
}


#: Known defects that are cheap to run: strict xfails, so that the fix is noticed.
KNOWN: dict[str, str] = {}


def _params() -> list[object]:
    out: list[object] = []
    for case in CASES:
        gap, reason = GAPS.get(case.name, (False, ""))
        marks = [pytest.mark.skip(reason=reason)] if gap else []
        if case.name in KNOWN:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[case.name]))
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    forks = ForkServer()
    yield forks
    forks.close()


@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path: Path, server: ForkServer) -> None:
    name = case.build(tmp_path)
    args = [a.replace("{file}", name) for a in case.args]
    check(case, name, server.measure(args, tmp_path, case.env))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow
@pytest.mark.parametrize("case", _params())
def test_hostile_input_is_handled_within_a_second(case: Case, tmp_path: Path, server: ForkServer) -> None:
    name = case.build(tmp_path)
    result = server.measure([a.replace("{file}", name) for a in case.args], tmp_path, case.env)
    check(case, name, result)
    check_time(result)


@pytest.mark.parametrize("name", ["10^5-digit integer (YAML)"])
def test_forked_child_answers_like_the_console_script(name: str, tmp_path: Path, server: ForkServer) -> None:
    case = next(c for c in CASES if c.name == name)
    file = case.build(tmp_path)
    args = [a.replace("{file}", file) for a in case.args]
    forked = server.measure(args, tmp_path, case.env)
    script = subprocess.run(
        [sys.executable, "-m", "modcluster", *args],
        cwd=tmp_path,
        env=_child_env(case.env),
        capture_output=True,
        text=True,
        timeout=KILL_AFTER,
    )
    assert (forked.code, forked.stderr) == (script.returncode, script.stderr)
    fresh = measure(args, tmp_path, case.env)
    assert (fresh.code, fresh.stderr) == (script.returncode, script.stderr)
    # The fresh process's peak includes start-up (imports); the forked child's starts after it.
    assert fresh.imports > 0, "the start-up was not measured"
    assert fresh.peak < PEAK_BYTES, f"start-up peak {fresh.peak / 2**20:.0f} MiB"


def test_check_refuses_slow_fat_or_unlocated_answers() -> None:
    good = Measurement(2, "modcluster: empty.yaml: the file is empty\n", "", 0.1, 0.0, 0.1, 0.05, 90 * 2**20)
    check(CASES[0], "empty.yaml", good)
    check_time(good)
    check_time(replace(good, handle=1.5))  # a busy machine: wall time within the multiple
    for slow in (replace(good, handle=2.5), replace(good, handle_cpu=1.2)):
        with pytest.raises(AssertionError):
            check_time(slow)
    check(CASES[0], "empty.yaml", replace(good, handle=30.0, handle_cpu=9.0))  # the default run has no clock
    bad = [
        replace(good, peak=250 * 2**20),
        replace(good, code=1),
        replace(good, stderr=good.stderr + "Traceback (most recent call last):\n"),
        replace(good, stderr="modcluster: other.yaml: the file is empty\n"),
        replace(good, stderr="modcluster: empty.yaml: something else\n"),
    ]
    for result in bad:
        with pytest.raises(AssertionError):
            check(CASES[0], "empty.yaml", result)


def test_the_server_measures_a_real_run(tmp_path: Path, server: ForkServer) -> None:
    result = server.measure(["validate", str(MINI)], tmp_path)
    assert result.code == 0 and "Traceback" not in result.stderr
    assert result.handle_cpu > 0 and result.handle > 0, "the run was not measured"
    assert 40 * 2**20 < result.peak < 2**32
