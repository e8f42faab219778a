"""Terminal output: tables and lines that fit the width, ``--wide``, right-aligned numbers, colour only on a terminal.

The CLI runs in real subprocesses (several at once, to stay fast); the
snapshots in ``tests/golden/terminal/`` hold what ``solve`` and ``compare``
print at 80 and 160 columns, and ``MODCLUSTER_REGEN_GOLDEN=1`` rewrites them
from the code (then read the change before committing it). The properties of
:func:`modcluster.report.layout.fit_table` are checked with hypothesis.
"""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster.cli.terminal import LayoutStream, colour_wanted, output_width, style_line
from modcluster.report.layout import display_width, fit_lines, fit_table, is_numeric, using_width, wrap
from modcluster.report.text import table
from tests.profiles import examples

ROOT = Path(__file__).resolve().parent.parent
TAMA = "catalogs/tama.yaml"
JAPANESE = "tests/data/japanese.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "terminal"
ESCAPE = "\x1b["

SOLVE = ("solve", TAMA, "--product", "piezo-nano-stage")
COMPARE = ("compare", TAMA, "--product", "piezo-nano-stage")
MINI = ("solve", "catalogs/examples/mini.yaml")
#: name -> (argv, COLUMNS): the CLI runs in subprocesses, started together.
RUNS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "solve-80": (SOLVE, "80"),
    "solve-160": (SOLVE, "160"),
    "compare-80": (COMPARE, "80"),
    "compare-160": (COMPARE, "160"),
    "japanese-60": (("solve", JAPANESE), "60"),
}
#: The same, run in this process (stdout a StringIO: not a terminal) while the subprocesses run.
IN_PROCESS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "compare-wide": ((*COMPARE, "--wide"), "80"),
    "solve-pipe": (SOLVE, None),
}


def _env(columns: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    return {**env, **extra}


def _run(argv: tuple[str, ...], columns: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(columns),
        timeout=120,
    )


def _in_process(argv: tuple[str, ...], columns: str | None) -> str:
    from modcluster.cli import main

    saved = os.environ.get("COLUMNS")
    os.environ.pop("COLUMNS", None)
    if columns is not None:
        os.environ["COLUMNS"] = columns
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()), contextlib.chdir(ROOT):
            assert main(list(argv)) == 0, argv
    finally:
        os.environ.pop("COLUMNS", None)
        if saved is not None:
            os.environ["COLUMNS"] = saved
    return out.getvalue()


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    """Stdout of every run in :data:`RUNS` and :data:`IN_PROCESS` (each must exit 0)."""
    with ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        futures = {name: pool.submit(_run, *run) for name, run in RUNS.items()}
        here = {name: _in_process(*run) for name, run in IN_PROCESS.items()}
    results = {name: future.result() for name, future in futures.items()}
    for name, result in results.items():
        assert result.returncode == 0, (name, result.stderr[-2000:])
    return {**here, **{name: result.stdout for name, result in results.items()}}


def _widest(text: str) -> int:
    return max(display_width(line) for line in text.splitlines())


# --------------------------------------------------------------------------- the CLI at 80 and 160 columns


@pytest.mark.parametrize("name", ["solve-80", "solve-160", "compare-80", "compare-160"])
def test_snapshot(outputs: dict[str, str], name: str, golden: Callable[[Path, str], None]) -> None:
    golden(GOLDEN / f"{name}.txt", outputs[name])


@pytest.mark.parametrize("name", ["solve-80", "compare-80"])
def test_at_80_columns_no_line_is_longer(outputs: dict[str, str], name: str) -> None:
    assert _widest(outputs[name]) <= 80


def test_at_160_columns_no_line_is_longer_and_nothing_is_hidden(outputs: dict[str, str]) -> None:
    for name in ("solve-160", "compare-160"):
        assert _widest(outputs[name]) <= 160
        assert "hidden" not in outputs[name]


def test_wide_prints_whole_lines_and_a_pipe_without_columns_too(outputs: dict[str, str]) -> None:
    assert _widest(outputs["compare-wide"]) > 80
    assert _widest(outputs["solve-pipe"]) > 120  # the partners line and the module table, whole


def test_every_word_is_still_there_at_80_columns(outputs: dict[str, str]) -> None:
    """Wrapping moves words to continuation lines (a long id may be broken at a hyphen); it drops none."""
    narrow = re.sub(r"\s+|-+|=+|#+", "", outputs["solve-80"])
    wide = re.sub(r"\s+|-+|=+|#+", "", outputs["solve-pipe"])
    assert Counter(narrow) == Counter(wide)


def test_wide_characters_count_two_columns(outputs: dict[str, str]) -> None:
    text = outputs["japanese-60"]
    assert any(not line.isascii() for line in text.splitlines())
    assert _widest(text) <= 60


def test_numbers_are_right_aligned() -> None:
    rows = [["1", "7,005.60", "62", "hachioji-mechatro"], ["2", "12,106.60", "-", "sagami-measure / " * 6]]
    with using_width(80):
        lines = table(rows, ["#", "cost", "lead time", "hub"], indent=2)
    assert lines[:4] == [
        "#       cost  lead time  hub",
        "-  ---------  ---------  " + "-" * 53,
        "1   7,005.60         62  hachioji-mechatro",
        "2  12,106.60          -  sagami-measure / sagami-measure / sagami-measure /",
    ]
    assert all(len(line) <= 78 for line in lines)


def test_no_escape_codes_in_a_pipe(outputs: dict[str, str]) -> None:
    assert not any(ESCAPE in text for text in outputs.values())


# --------------------------------------------------------------------------- colour under a pseudo-terminal


def _under_pty(argv: tuple[str, ...], **env: str) -> str:
    """Stdout of the command on a pseudo-terminal (stderr to a pipe)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "modcluster", *argv],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=_env("100", TERM="xterm", **env),
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def pty_outputs() -> dict[str, str]:
    """``solve`` on a pseudo-terminal, with and without ``NO_COLOR``."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        plain = pool.submit(_under_pty, MINI, NO_COLOR="1")
        coloured = pool.submit(_under_pty, MINI)
    return {"no-color": plain.result(), "colour": coloured.result()}


def test_a_terminal_gets_colour(pty_outputs: dict[str, str]) -> None:
    text = pty_outputs["colour"]
    assert ESCAPE in text
    assert re.sub(r"\x1b\[[0-9;]*m", "", text) == pty_outputs["no-color"]  # the text itself is unchanged


def test_no_color_turns_it_off(pty_outputs: dict[str, str]) -> None:
    assert ESCAPE not in pty_outputs["no-color"]
    assert "Candidate 1" in pty_outputs["no-color"]


def test_json_is_never_fitted_nor_coloured() -> None:
    from modcluster.cli.app import _prints_text, build_parser

    assert not _prints_text(build_parser().parse_args([*SOLVE, "--json"]))
    assert not _prints_text(build_parser().parse_args(["schema", "catalog"]))
    assert _prints_text(build_parser().parse_args([*SOLVE, "--wide"]))


# --------------------------------------------------------------------------- the pieces


def test_width_and_colour_choices() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    assert (output_width(Tty(), {}) or 0) > 0
    assert output_width(object(), {"COLUMNS": "90"}) == 90
    assert output_width(object(), {"COLUMNS": "wide"}) is None
    assert colour_wanted(Tty(), {"TERM": "xterm"})
    assert not colour_wanted(Tty(), {"TERM": "xterm", "NO_COLOR": "1"})
    assert colour_wanted(Tty(), {"TERM": "xterm", "NO_COLOR": ""})  # set but empty: not set (no-color.org)
    assert not colour_wanted(Tty(), {"TERM": "dumb"})


def test_styles_wrap_the_text_and_change_nothing_else() -> None:
    line = "laser-q1  optimal  18,618.50  +29.25  -380.00  infeasible  0-17  not proven optimal"
    styled = style_line(line)
    assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == line
    for word, code in (("optimal", "32"), ("infeasible", "1;31"), ("+29.25", "31"), ("-380.00", "32")):
        assert f"\x1b[{code}m{word}\x1b[0m" in styled
    assert "\x1b[33mnot proven optimal" in styled
    assert "0-17" in styled and "\x1b[32m-17" not in styled  # a range is not a negative number
    assert style_line("module  cost", heading=True) == "\x1b[1mmodule  cost\x1b[0m"


def test_the_stream_fits_whole_lines_and_bolds_table_headers() -> None:
    import io

    out = io.StringIO()
    stream = LayoutStream(out, 20, colour=True)
    stream.write("a  b\n----  ----\n" + "word " * 8 + "\nprompt> ")
    assert out.getvalue().startswith("\x1b[1ma  b\x1b[0m\n----  ----\n")
    assert "prompt" not in out.getvalue()
    stream.flush()
    assert out.getvalue().endswith("prompt> ")
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert all(display_width(line) <= 20 for line in plain.splitlines())


def test_fit_lines_keeps_the_indent_and_leaves_short_lines() -> None:
    text = "  partners (8): " + ", ".join(f"organisation-{k}" for k in range(8)) + "\nshort"
    fitted = fit_lines(text, 40).splitlines()
    assert fitted[-1] == "short" and fitted[0].startswith("  partners")
    assert all(line.startswith("    ") for line in fitted[1:-1])
    assert all(len(line) <= 40 for line in fitted)
    assert fit_lines(text, None) == text


def test_the_sweep_note_is_whole() -> None:
    from types import SimpleNamespace

    from modcluster.cli.sweep import summary_lines

    note = "no system meets all of: budget 100, deadline 20; " + "the reason is at the very end of this note"
    result = SimpleNamespace(
        scenario="s1", status="infeasible", cost=None, lead_time=None, hub=None, failed=False, error=None,
        explanation=note,
    )  # fmt: skip
    assert note in "\n".join(summary_lines([result], 1))
    with using_width(80):
        fitted = summary_lines([result], 1)
    assert all(len(line) <= 80 for line in fitted)
    assert "very end of this note" in "\n".join(fitted)


def test_table_takes_the_indent_off_the_width() -> None:
    rows = [["base", "sagami-seimitsu / machining.5axis -> hamura-precision / machining.grinding", "825.00"]]
    with using_width(40):
        lines = ["    " + line for line in table(rows, ["module", "by", "cost"], indent=4)]
    assert all(len(line) <= 40 for line in lines)
    assert lines[2].endswith("825.00")


def test_priority_decides_what_is_hidden() -> None:
    rows = [["a" * 30, "b" * 30, "c" * 30]]
    kept_last = fit_table(rows, ["x", "y", "z"], width=15, priority=[1, 1, 9])
    assert kept_last[0] == "z" and "hidden: x, y;" in " ".join(kept_last)
    assert "".join(kept_last[2:4]) == "c" * 30
    by_default = fit_table(rows, ["x", "y", "z"], width=15)
    assert by_default[0] == "x" and "hidden: y, z;" in " ".join(by_default)


# --------------------------------------------------------------------------- properties of fit_table

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_TEXT = st.lists(_WORD, min_size=0, max_size=5).map(" ".join)
_NUMBER = st.one_of(
    st.integers(-99999, 99999).map(str),
    st.decimals(-99999, 99999, places=2).map(lambda d: f"{d:,.2f}"),
    st.integers(-999, 999).map(lambda n: f"{n:+d}"),
    st.integers(1, 99).map(lambda n: f"#{n}"),
)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[list[str]], list[str]]:
    columns = draw(st.integers(1, 6))
    numeric = [draw(st.booleans()) for _ in range(columns)]
    header = [f"{draw(_WORD)[:6]}{k}" for k in range(columns)]
    rows = draw(st.lists(st.tuples(*(_NUMBER if n else _TEXT for n in numeric)).map(list), min_size=0, max_size=5))
    return rows, header


def _tokens(lines: list[str]) -> Counter[str]:
    return Counter(token for line in lines for token in line.split())


def _split(lines: list[str]) -> tuple[list[str], list[str]]:
    """The table's lines without its rule, and the note that names the hidden columns."""
    note = next((k for k, line in enumerate(lines) if re.match(r"\(\d+ column", line)), len(lines))
    body = [line for line in lines[:note] if not re.fullmatch(r"[- ]+", line)]
    return body, lines[note:]


@settings(max_examples=examples(150))
@given(_tables(), st.one_of(st.none(), st.integers(12, 120)))
def test_fit_table_fits_keeps_every_word_and_names_what_it_hides(
    drawn: tuple[list[list[str]], list[str]], width: int | None
) -> None:
    rows, header = drawn
    lines = fit_table(rows, header, width=width)
    if width is not None:
        assert all(display_width(line) <= width for line in lines), lines
    body, note = _split(lines)
    named = " ".join(note)
    hidden = {k for k, h in enumerate(header) if re.search(rf"[ ,:]{re.escape(h)}[;,]", named)}
    if width is None:
        assert not note and not hidden
    assert bool(note) == bool(hidden)
    kept = [k for k in range(len(header)) if k not in hidden]
    assert kept, "the last column is never hidden"
    expected = _tokens([" ".join(header[k] for k in kept)]) + _tokens([" ".join(row[k] for k in kept) for row in rows])
    assert _tokens(body) == expected


@settings(max_examples=examples(100))
@given(st.lists(_NUMBER, min_size=1, max_size=6))
def test_a_numeric_column_is_right_aligned(cells: list[str]) -> None:
    lines = fit_table([["x", c] for c in cells], ["name", "value"])
    assert len({len(line) for line in lines}) == 1  # every row ends at the column's right edge
    assert all(is_numeric(c) for c in cells)


@settings(max_examples=examples(100))
@given(_TEXT, st.integers(1, 40))
def test_wrap_keeps_the_words_in_order_within_the_width(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())
