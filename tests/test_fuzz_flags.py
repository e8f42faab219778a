"""Fuzz the command-line flags (issue 15): any value of any flag ends in a documented exit code, never a crash.

Each example draws a subcommand and a few of its flags with hostile values
(huge, tiny, NaN, empty, signs, exponents, commas, control characters,
surrogates, non-ASCII digits) and runs the command in this process on the
mini catalog, with a short time limit. The invariant: an exit code of the
table in docs/cli.md other than 70, and no "internal error" or traceback on
stderr. In the slow suite only (``make test-slow``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modcluster.cli import main
from modcluster.errors import ExitCode
from tests.profiles import examples

ROOT = Path(__file__).resolve().parent.parent
MINI = str(ROOT / "catalogs" / "examples" / "mini.yaml")
EXAMPLES = ROOT / "catalogs" / "examples"

pytestmark = pytest.mark.slow

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1",
            "2",
            "1e0",
            "1e1000000",
            "-1e-1000000",
            "1" * 5000,
            "nan",
            "-inf",
            "Infinity",
            "0x10",
            "1_000",
            "1,2",
            "a,,b",
            ",",
            "1.5",
            ".5",
            "5.",
            "+3",
            "٣",
            "１",
            "\x1b[31m",
            "\ud800",
            "1e-4300",
            "99999999999999999999999",
            "2147483648",
            "mini-optics",
            "mini-sensor",
            "cost",
            "weighted",
        ]
    ),
    st.text(max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)

REQUEST_FLAGS = [
    "--product", "--quantity", "--budget", "--deadline", "--max-partners", "--objective", "--weight-cost",
    "--weight-lead-time", "--candidates", "--site", "--exclude", "--require", "--hub", "--start-date", "--calendar",
]  # fmt: skip
COMMANDS: dict[str, list[str]] = {
    "solve": REQUEST_FLAGS,
    "explain": REQUEST_FLAGS,
    "compare": [*REQUEST_FLAGS, "--ranks"],
    "pareto": REQUEST_FLAGS,
    "resilience": REQUEST_FLAGS,
    "gaps": ["--without", "--max-size", "--time-limit"],
    "diff": ["--product", "--time-limit"],  # two versions of the mini catalog (the same file twice)
    "generate": [
        "--preset", "--seed", "--organizations", "--products", "--modules", "--tightness", "--magnitude",
        "--people", "--policies",
    ],
    "people": ["--time-limit"],  # v1.1 levers, on the catalogs that have them
    "policies": ["--product", "--time-limit"],
}  # fmt: skip
#: The catalog each command reads (the mini one unless the command needs a lever).
CATALOG_OF = {"people": str(EXAMPLES / "people.yaml"), "policies": str(EXAMPLES / "policies.yaml")}
ALLOWED = {
    ExitCode.OPTIMAL,
    ExitCode.INFEASIBLE,
    ExitCode.BAD_INPUT,
    ExitCode.FEASIBLE,
    ExitCode.UNKNOWN,
    ExitCode.VERIFY_FAILED,
    ExitCode.SOLVER_ERROR,
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A subcommand with a few hostile flags (and, where it solves, a short time limit)."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    flags = draw(st.lists(st.sampled_from(COMMANDS[command]), min_size=1, max_size=3))
    argv = [command] if command == "generate" else [command, CATALOG_OF.get(command, MINI)]
    if command == "diff":
        argv.append(MINI)
    for flag in flags:
        argv += [flag, draw(HOSTILE)]
    if command == "generate":
        argv += ["--organizations", "6", "--products", "1", "--modules", "2"] if "--organizations" not in flags else []
    elif "--time-limit" not in flags:
        argv += ["--time-limit", "2"]
    return argv


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=command_lines())
def test_any_flag_value_ends_in_a_documented_exit_code(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    _out, err = capsys.readouterr()
    assert code in ALLOWED, (argv, code, err)
    assert "internal error" not in err and "Traceback" not in err, (argv, err)
