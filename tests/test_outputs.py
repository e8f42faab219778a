"""Output paths (issue 15): special files are never replaced, two outputs are never one file.

``--out`` and the other output flags write regular files atomically, write
through ``/dev/stdout`` and ``/dev/null``, and refuse anything else that exists
(a FIFO, a character device, a directory), before solving. No two outputs of
one command may name one file, however spelled.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from modcluster.cli import main
from modcluster.errors import ExitCode, InputError
from modcluster.io import atomic_write_text, check_output, check_outputs

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"
SWEEP = "schema: modcluster/sweep/1\nbase: {candidates: 1}\ngrid: {quantity: [10, 20]}\n"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command in this process; return the exit code, stdout and stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry of a folder: its file type and, for regular files, its bytes."""
    out: dict[str, tuple[int, bytes | None]] = {}
    for entry in sorted(folder.iterdir()):
        mode = entry.lstat().st_mode
        out[entry.name] = (stat.S_IFMT(mode), entry.read_bytes() if stat.S_ISREG(mode) else None)
    return out


def commands(target: str, tmp: Path) -> list[list[str]]:
    """A command per output flag that writes ``target``."""
    sweep = tmp / "s.yaml"
    sweep.write_text(SWEEP, encoding="utf-8")
    return [
        ["solve", str(MINI), "--out", target, "--quiet"],
        ["graph", str(MINI), "--out", target],
        ["schema", "--out", target],
        ["generate", "--preset", "small", "--out", target],
        ["sweep", str(MINI), str(sweep), "--out", target, "--workers", "1", "--quiet"],
        ["sweep", str(MINI), str(sweep), "--out", str(tmp / "r.jsonl"), "--csv", target, "--workers", "1"],
    ]


@needs_fifo
@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str], through_link: bool) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_link:
        target = tmp_path / "link.json"
        target.symlink_to(fifo)
    for argv in commands(str(target), tmp_path):
        before = snapshot(tmp_path)
        code, _out, err = cli(capsys, *argv)
        assert code == ExitCode.BAD_INPUT, (argv, err)
        assert "is a named pipe (FIFO), not a regular file" in err, err
        assert "solving" not in err  # refused before solving
        assert snapshot(tmp_path) == before, argv
        assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out.json"
    folder.mkdir()
    code, _out, err = cli(capsys, "solve", str(MINI), "--out", str(folder), "--quiet")
    assert code == ExitCode.BAD_INPUT
    assert "is a directory, not a regular file" in err
    assert folder.is_dir() and not any(folder.iterdir())


def test_a_character_device_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A device node made here (the null device's numbers), so that a failure replaces nothing of the system's."""
    node = tmp_path / "device"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot make a device node here (not root)")
    link = tmp_path / "link.json"
    link.symlink_to(node)
    for target in (node, link):
        code, _out, err = cli(capsys, "solve", str(MINI), "--out", str(target), "--quiet")
        assert code == ExitCode.BAD_INPUT
        assert "is a character device, not a regular file" in err
        assert stat.S_ISCHR(node.stat().st_mode)
    with pytest.raises(InputError, match="character device"):
        atomic_write_text(node, "x")
    assert stat.S_ISCHR(node.stat().st_mode)


def test_dev_null_is_written_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "solve", str(MINI), "--out", os.devnull, "--quiet")
    assert code == ExitCode.OPTIMAL, err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    link = tmp_path / "null.dot"
    link.symlink_to(os.devnull)
    code, _out, err = cli(capsys, "graph", str(MINI), "--out", str(link))
    assert code == ExitCode.OPTIMAL, err
    assert link.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_dev_stdout_is_written_through(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "modcluster", "solve", str(MINI), "--out", "/dev/stdout", "--quiet", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == ExitCode.OPTIMAL, done.stderr
    # The JSON twice: once through --out, once for --json.
    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(done.stdout)
    second, _ = decoder.raw_decode(done.stdout[end:].lstrip())
    assert first == second and first["status"] == "optimal"


def test_check_output_accepts_new_and_regular_files(tmp_path: Path) -> None:
    check_output(tmp_path / "new.json")
    regular = tmp_path / "old.json"
    regular.write_text("{}")
    check_output(regular)
    link = tmp_path / "link.json"
    link.symlink_to(regular)
    check_output(link)
    atomic_write_text(link, "[]")
    assert link.is_symlink() and regular.read_text() == "[]"


# --------------------------------------------------------------------------- two outputs, one file


@pytest.mark.parametrize("spelling", ["r.jsonl", "./r.jsonl", "sub/../r.jsonl", "link.jsonl"])
@pytest.mark.parametrize("exists", [False, True])
def test_sweep_out_and_csv_may_not_be_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str, exists: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "s.yaml").write_text(SWEEP, encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "r.jsonl")
    if exists:
        (tmp_path / "r.jsonl").write_text("")
    before = snapshot(tmp_path)
    code, _out, err = cli(
        capsys, "sweep", str(MINI), "s.yaml", "--out", "r.jsonl", "--csv", spelling, "--workers", "1", "--quiet"
    )
    assert code == ExitCode.BAD_INPUT, err
    assert "--out and --csv name the same file" in err
    assert snapshot(tmp_path) == before


def test_check_outputs_refuses_one_stream_twice_but_not_dev_null(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="same file"):
        check_outputs({"--out": "/dev/stdout", "--csv": "/dev/fd/1"})
    with pytest.raises(InputError, match="same file"):
        check_outputs({"--out": tmp_path / "a", "--csv": tmp_path / "x" / ".." / "a"})
    check_outputs({"--out": os.devnull, "--csv": os.devnull})
    check_outputs({"--out": tmp_path / "a", "--csv": tmp_path / "b", "--png": None})


def test_the_results_journal_must_be_a_regular_file(tmp_path: Path) -> None:
    from modcluster.sweep import ResultLog

    with pytest.raises(InputError, match="regular file"):
        ResultLog(os.devnull)
    with pytest.raises(InputError, match="regular file"):
        ResultLog(tmp_path)


# --------------------------------------------------------------------------- a full disk during a sweep


def test_a_full_disk_keeps_whole_lines_and_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from modcluster.sweep import ResultLog, ScenarioResult, read_results

    path = tmp_path / "r.jsonl"
    first = ScenarioResult("a", "optimal", "f1", {"quantity": 1})
    second = ScenarioResult("b", "optimal", "f2", {"quantity": 2})
    real_write = os.write

    def half_then_full(fd: int, data: bytes | memoryview) -> int:
        if len(data) > 8:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    with ResultLog(path) as log:
        log.append(first)
        monkeypatch.setattr(os, "write", half_then_full)  # only this process, no pool here
        with pytest.raises(InputError) as info:
            log.append(second)
        monkeypatch.undo()
    message = str(info.value)
    assert message.startswith(f"{path}: cannot write the results: No space left on device")
    assert "run the same command again" in message
    assert path.read_bytes() == (first.to_json() + "\n").encode()  # the torn half is gone
    assert [r.scenario for r in read_results(path)] == ["a"]


def test_a_full_disk_during_a_sweep_is_exit_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from modcluster.sweep import ResultLog

    def full(self: ResultLog, result: object) -> None:
        raise InputError("cannot write the results: No space left on device", file=self.path)

    (tmp_path / "s.yaml").write_text(SWEEP, encoding="utf-8")
    monkeypatch.setattr(ResultLog, "append", full)
    out = tmp_path / "r.jsonl"
    code, _out, err = cli(capsys, "sweep", str(MINI), str(tmp_path / "s.yaml"), "--out", str(out), "--workers", "1")
    assert code == ExitCode.BAD_INPUT, err
    assert f"{out}: cannot write the results: No space left on device" in err
    assert "internal error" not in err


# --------------------------------------------------------------------------- kill -9: the workers die too

_ORPHAN_SCRIPT = """
import os, sys, time
from modcluster.io import load_catalog
from modcluster.sweep.run import catalog_payload, _install
import concurrent.futures as cf, multiprocessing

def main():
    payload = catalog_payload(load_catalog(sys.argv[1]))
    pool = cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_install, initargs=(payload, os.getpid()))
    pids = {pool.submit(os.getpid).result() for _ in range(8)}
    for _ in range(50):  # both workers up
        pids |= {p.pid for p in pool._processes.values()}
        if len(pids) >= 2:
            break
        time.sleep(0.1)
    busy = [pool.submit(time.sleep, 600) for _ in pids]  # as in a long solve: not reading the call queue
    time.sleep(1)
    print(" ".join(map(str, sorted(pids))), flush=True)
    time.sleep(600)

if __name__ == "__main__":
    main()
"""


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_sweep_workers_die_when_the_sweep_is_killed(tmp_path: Path) -> None:
    import signal
    import time

    script = tmp_path / "orphans.py"
    script.write_text(_ORPHAN_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, str(script), str(MINI)], stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert workers and parent.pid not in workers
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=60)

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                return handle.read().split(")")[-1].split()[0] != "Z"  # a zombie has died
        except FileNotFoundError:
            return False

    for _ in range(300):  # not a time limit: the kernel's signal arrives at once; this only waits for it
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # leave nothing behind whatever happened
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {left} outlived the killed sweep"


# --------------------------------------------------------------------------- every product: a failure keeps the rest

TWO_PRODUCTS = """\
schema: modcluster/1
capabilities: [{id: a}]
organizations:
  - {id: hub, develops: [f]}
  - {id: seller, modules: [{type: t, unit_cost: 2}, {type: huge, unit_cost: 999999999999999}]}
products:
  - {id: fine, family: f, modules: [{id: m, type: t}], request: {quantity: 10}}
  - {id: too-large, family: f, modules: [{id: m, type: huge}], request: {quantity: 1000000}}
  - {id: also-fine, family: f, modules: [{id: m, type: t}], request: {quantity: 20}}
"""


def test_solving_every_product_keeps_the_solved_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "c.yaml"
    catalog.write_text(TWO_PRODUCTS, encoding="utf-8")
    out = tmp_path / "all.json"
    code, stdout, err = cli(capsys, "solve", str(catalog), "--json", "--quiet", "--out", str(out))
    assert code == ExitCode.BAD_INPUT, err
    assert "modcluster: too-large: figures too large" in err
    solved = json.loads(stdout)
    assert [s["product"] for s in solved] == ["fine", "also-fine"]
    assert [s["status"] for s in solved] == ["optimal", "optimal"]
    assert json.loads(out.read_text()) == solved
