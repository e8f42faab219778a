"""The command line meets a person halfway: help and examples everywhere, whole option names, numbers as printed.

Issue 20: every command and option has a help text and every command an
example (each example is parsed by the real parser here, so none drifts);
no option may be abbreviated; a mistyped option, product or organisation
gets the closest names; ``--budget 9,000`` means what the tool itself
prints; shell completion scripts come from the same parser.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster.cli import main
from modcluster.cli.app import build_parser
from modcluster.cli.common import decimal_arg, int_arg, number_text
from modcluster.cli.help import COMMAND_HELP
from tests.profiles import examples

ROOT = Path(__file__).resolve().parent.parent
TAMA = str(ROOT / "catalogs" / "tama.yaml")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(ROOT):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_every_command_has_a_description_and_examples_and_every_option_a_help_text() -> None:
    commands = _commands()
    assert set(commands) == set(COMMAND_HELP), "a command without help, or help for no command"
    for name, parser in commands.items():
        assert parser.description, name
        assert parser.epilog is not None and f"modcluster {name} " in parser.epilog, name
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name}: {action.dest} has no help text"


@pytest.mark.parametrize(
    ("name", "example"), [(name, example) for name, entry in COMMAND_HELP.items() for example in entry.examples]
)
def test_every_example_is_a_valid_command_line(name: str, example: str) -> None:
    parser = build_parser()
    args, extras = parser.parse_known_args(shlex.split(example))
    assert args.command == name and extras == []
    for value in vars(args).values():  # the bundled files an example names exist
        if isinstance(value, str) and value.startswith("catalogs/"):
            assert (ROOT / value).is_file(), value


def test_no_option_may_be_abbreviated_and_a_near_miss_is_named() -> None:
    code, _, err = _run(["solve", TAMA, "--prod", "piezo-nano-stage", "--budg", "9000"])
    assert code == 2
    assert "unrecognized arguments: --prod piezo-nano-stage --budg 9000" in err
    assert "--prod: did you mean --product?" in err and "--budg: did you mean --budget?" in err
    assert "Traceback" not in err


def test_a_mistyped_product_or_organisation_gets_the_closest_names() -> None:
    code, _, err = _run(["solve", TAMA, "--product", "piezo-nano", "--quiet"])
    assert code == 2 and "unknown product 'piezo-nano' (did you mean 'piezo-nano-stage'?" in err
    code, _, err = _run(["solve", TAMA, "--product", "piezo-nano-stage", "--exclude", "hachioji-mechatr"])
    assert code == 2 and "unknown organization 'hachioji-mechatr' (did you mean 'hachioji-mechatro'" in err


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9,000", "9000"),
        ("9000.5", "9000.5"),
        ("9,000.50", "9000.50"),
        ("1,234,567", "1234567"),
        ("９，０００", "9000"),
        (" 12 ", "12"),
        ("-1,000", "-1000"),
    ],
)
def test_numbers_are_read_as_the_tool_prints_them(text: str, value: str) -> None:
    assert decimal_arg(text) == Decimal(value)


@pytest.mark.parametrize("text", ["9000,5", "9,00", "9,0000", ",900", "1,2,3", "9.000,50"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="a comma only separates thousands"):
        decimal_arg(text)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=0, max_value=99))
@settings(max_examples=examples(50))
def test_money_printed_with_separators_reads_back_exactly(units: int, cents: int) -> None:
    value = Decimal(units) + (Decimal(cents) / 100 if units >= 0 else -Decimal(cents) / 100)
    assert decimal_arg(f"{value:,.2f}") == value
    assert int_arg(f"{units:,}") == units


def test_the_cli_takes_a_budget_as_printed() -> None:
    code, out, err = _run(["solve", TAMA, "--product", "piezo-nano-stage", "--budget", "9,000", "--json"])
    assert code == 0, err
    assert '"budget": "9000.00"' in out or '"budget": 9000' in out or "9000" in out
    code, _, err = _run(["solve", TAMA, "--product", "piezo-nano-stage", "--quantity", "1,0"])
    assert code == 2 and "argument --quantity: '1,0': a comma only separates thousands" in err


def test_number_text_leaves_plain_numbers_alone() -> None:
    assert number_text("12.5") == "12.5" and number_text("1e3") == "1e3"


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_bash_completion_script_registers_and_completes_commands(tmp_path: Path) -> None:
    script = tmp_path / "modcluster.bash"
    code, out, _ = _run(["completion", "bash"])
    assert code == 0
    script.write_text(out)
    probe = (
        f"source {shlex.quote(str(script))}; complete -p modcluster; "
        "COMP_WORDS=(modcluster sol); COMP_CWORD=1; COMP_LINE='modcluster sol'; COMP_POINT=${#COMP_LINE}; "
        '_shtab_modcluster; echo "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "complete -o bashdefault -F _shtab_modcluster modcluster" in done.stdout
    assert done.stdout.strip().splitlines()[-1].split() == ["solve"]


def test_help_is_printed_for_every_command_in_a_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "modcluster", "solve", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert "examples:\n  modcluster solve catalogs/tama.yaml" in done.stdout
    assert "--budget MONEY" in done.stdout
