"""SolverSettings are validated (issue 15, item 12): a clear error, never a raw pybind TypeError or an empty reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from modcluster.errors import ExitCode, InputError, SettingsError
from modcluster.solver import SolverSettings
from modcluster.solver.cpsat import MAX_WORKERS

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"workers": "2"}, "SolverSettings.workers: must be a whole number (CP-SAT worker threads), got '2' (str)"),
        ({"workers": 2.0}, "SolverSettings.workers: must be a whole number"),
        ({"workers": True}, "SolverSettings.workers: must be a whole number"),
        ({"workers": 0}, "SolverSettings.workers: must be from 1 to 1,024"),
        ({"workers": -3}, "SolverSettings.workers: must be from 1 to 1,024"),
        ({"workers": MAX_WORKERS + 1}, "SolverSettings.workers: must be from 1 to 1,024"),
        ({"seed": 2**70}, "SolverSettings.seed: must be from -2,147,483,648 to 2,147,483,647"),
        ({"seed": -(2**31) - 1}, "SolverSettings.seed: must be from"),
        ({"seed": 10**5000}, "got a 16,610-bit number"),
        ({"seed": None}, "SolverSettings.seed: must be a whole number"),
        ({"linearization": 3}, "SolverSettings.linearization: must be from 0 to 2"),
        ({"linearization": -1}, "SolverSettings.linearization: must be from 0 to 2"),
        ({"hint": 1}, "SolverSettings.hint: must be true or false, got 1 (int)"),
        ({"deterministic": "yes"}, "SolverSettings.deterministic: must be true or false"),
        ({"settle": None}, "SolverSettings.settle: must be true or false"),
    ],
)
def test_bad_settings_are_refused_clearly(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        SolverSettings(**changes)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, InputError)
    assert info.value.exit_code == ExitCode.BAD_INPUT


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as info:
        SolverSettings(workers=0, seed="x", log=None)  # type: ignore[arg-type]
    assert [issue.path for issue in info.value.issues] == [
        "SolverSettings.workers",
        "SolverSettings.seed",
        "SolverSettings.log",
    ]


@pytest.mark.parametrize("seed", [-(2**31), 0, 2**31 - 1])
@pytest.mark.parametrize("workers", [1, 8, MAX_WORKERS])
def test_settings_at_the_limits_are_taken_by_cp_sat(seed: int, workers: int) -> None:
    solver = cp_model.CpSolver()
    SolverSettings(workers=workers, seed=seed, linearization=0).apply(solver, 1.0)
    assert solver.parameters.random_seed == seed and solver.parameters.num_workers == workers


def test_the_defaults_are_valid_and_unchanged() -> None:
    assert SolverSettings() == SolverSettings(
        workers=1, seed=0, deterministic=True, log=False, linearization=2, decompose=True, dominance=True,
        bounds=True, hint=True, fixing=True, settle=True,
    )  # fmt: skip


def test_solver_threads_flag_beyond_the_limit_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from modcluster.cli import main

    spec = tmp_path / "s.yaml"
    spec.write_text("schema: modcluster/sweep/1\ngrid: {quantity: [1]}\n", encoding="utf-8")
    code = main(["sweep", str(MINI), str(spec), "--out", str(tmp_path / "r.jsonl"), "--solver-threads", "5000"])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert "SolverSettings.workers: must be from 1 to 1,024" in err and "internal error" not in err


@pytest.mark.parametrize("work", [0, -1.0, float("nan"), float("inf"), True, "2"])
def test_a_wrong_deterministic_limit_is_refused_at_the_field(work: object) -> None:
    with pytest.raises(SettingsError, match=r"SolverSettings\.work"):
        SolverSettings(work=work)  # type: ignore[arg-type]


def test_a_deterministic_limit_reaches_cp_sat() -> None:
    solver = cp_model.CpSolver()
    SolverSettings(work=1.5).apply(solver, 10.0)
    assert solver.parameters.max_deterministic_time == 1.5
    plain = cp_model.CpSolver()
    SolverSettings().apply(plain, 10.0)
    assert plain.parameters.max_deterministic_time > 1e9  # CP-SAT's default: no limit
