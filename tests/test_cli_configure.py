"""``modcluster configure``: the decision table, its JSON, saving, exit codes and the interactive session.

The command runs as a real subprocess (as a user runs it); the session and
its completer are also tested in-process, without a terminal.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.completion import CompleteEvent, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from modcluster import build_request, load_catalog
from modcluster.cli.configure import (
    COMMANDS,
    Session,
    exit_code,
    interact,
    make_completer,
    prompted_lines,
    request_text,
)
from modcluster.domain import (
    Catalog,
    Configuration,
    DecisionRow,
    Selection,
    ValueRow,
    ValueStatus,
)
from modcluster.errors import ExitCode
from modcluster.io import load_request
from modcluster.report.configure_text import render_configuration
from modcluster.verify.configuration import verify_configuration

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"
LASER = "laser-displacement-sensor"
#: Excluded by the budget alone: buying the head from yamato-optical costs too much.
OVER_BUDGET = "modules.head.source=buy:yamato-optical"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MODCLUSTER_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "modcluster", "configure", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        input=stdin,
    )


def laser(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run(str(TAMA), "--product", LASER, *args, stdin=stdin)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused command (after the progress line, if any)."""
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("modcluster:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def tama() -> Catalog:
    return load_catalog(TAMA)


@pytest.fixture(scope="module")
def tama_session(tama: Catalog) -> Session:
    return Session(tama, build_request(tama, LASER))


# --------------------------------------------------------------------------- the table as text


def test_text_table_shows_every_decision_with_status_cost_and_difference_to_the_best() -> None:
    result = laser("--select", "hub=sagami-measure")
    assert result.returncode == ExitCode.OPTIMAL, result.stderr
    out = result.stdout
    assert out.startswith(f"{LASER}: quantity 200, objective cost\n")
    assert "selection: select hub=sagami-measure\n" in out
    assert re.search(r"^best: cost 18,939\.50 kJPY, lead time \d+ days, hub sagami-measure", out, re.M)
    assert "every value settled, every figure proven" in out
    for decision in ("hub", "modules.housing.source", "modules.head.seed", "modules.cable.source"):
        assert re.search(rf"^{re.escape(decision)}$", out, re.M), decision
    assert re.search(r"^  \*  sagami-measure\s+possible\s+18,939\.50\s+\d+\s+= best$", out, re.M)
    # another hub is an alternative to the choice, with its own figures (MODEL.md's example)
    assert re.search(
        r"^\s+kosoku-sensing\s+possible\s+19,050\.00\s+\d+\s+\+110\.50\s+[+-]\d+ d\s+instead of sagami-measure$",
        out,
        re.M,
    )
    assert re.search(r"^\s+ome-plating\s+possible\s+19,052\.00\s+\d+\s+\+112\.50\s+[+-]\d+ d$", out, re.M)
    assert re.search(r"\s-\d+ d$", out, re.M), "a value with a shorter lead time shows -N d"
    assert "why:" not in out  # only with --why
    assert "verified" in result.stderr and "configuring laser-displacement-sensor" in result.stderr


def test_mini_table_and_quiet() -> None:
    result = run(str(MINI), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "mini-sensor: quantity 100, objective cost" in result.stdout
    assert re.search(r"^\s+buy:mini-controls\s+possible\s+6,410\.00\s+52\s+= best$", result.stdout, re.M)


def test_select_hub_and_a_bought_module_drops_its_step_decisions() -> None:
    result = laser("--select", "hub=kosoku-sensing", "--select", "modules.housing.source=buy:sagami-seimitsu")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "selection: select hub=kosoku-sensing; select modules.housing.source=buy:sagami-seimitsu" in out
    assert re.search(r"^  \*  buy:sagami-seimitsu\s+possible", out, re.M)
    assert "modules.housing.steps.1" not in out  # a step decision exists only while its module can be made
    assert "modules.head.steps.1" in out


def test_rule_out_and_why() -> None:
    result = laser("--rule-out", "hub=sagami-measure", "--why")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "selection: rule out hub=sagami-measure" in out
    assert re.search(r"^\s+sagami-measure\s+impossible\s+why: rule out hub=sagami-measure$", out, re.M)
    assert re.search(r"^\s+buy:yamato-optical\s+impossible\s+why: limits\.budget$", out, re.M)
    plain = laser("--rule-out", "hub=sagami-measure")
    assert re.search(r"^\s+sagami-measure\s+impossible\s+ruled out$", plain.stdout, re.M)
    assert re.search(r"^\s+buy:yamato-optical\s+impossible$", plain.stdout, re.M)


# --------------------------------------------------------------------------- JSON


def test_json_is_the_configuration_and_verifies(tama: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "table.json"
    steps = ["--select", "hub=sagami-measure", "--select", "modules.housing.source=make"]
    steps += ["--rule-out", "modules.head.seed=hachioji-it/hit-laser-triangulation"]
    result = laser(*steps, "--json", "--why", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout, parse_float=Decimal)
    assert out.read_text() == result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.json"]  # no temporary file left behind
    assert data["schema"] == "modcluster/configuration/1"
    assert data["selection"] == {"hub": "sagami-measure", "modules.housing.source": "make"}
    assert data["ruled_out"] == [{"decision": "modules.head.seed", "value": "hachioji-it/hit-laser-triangulation"}]
    assert data["complete"] is True and data["best"]["hub"] == "sagami-measure"
    assert verify_configuration(tama, build_request(tama, LASER), data) == []
    rows = {row["decision"]: {v["value"]: v for v in row["values"]} for row in data["decisions"]}
    assert rows["hub"]["sagami-measure"]["selected"] is True
    assert rows["modules.head.source"]["buy:yamato-optical"]["why"] == ["limits.budget"]


def test_json_on_mini_verifies() -> None:
    catalog = load_catalog(MINI)
    result = run(str(MINI), "--json", "--select", "modules.housing.source=make")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    assert verify_configuration(catalog, build_request(catalog), data) == []
    assert data["selection"] == {"modules.housing.source": "make"}


# --------------------------------------------------------------------------- refusals and exit codes


@pytest.mark.parametrize(
    ("step", "says"),
    [
        ("hubb=sagami-measure", "no such decision for laser-displacement-sensor; did you mean hub?"),
        ("hub=sagami", "not a value of hub; values include sagami-measure"),
        ("hub", "expected decision=value"),
    ],
)
def test_unknown_decision_or_value_is_bad_input_in_one_line(step: str, says: str) -> None:
    result = laser("--select", step)
    assert result.returncode == ExitCode.BAD_INPUT
    assert says in one_line_error(result)
    assert result.stdout == ""


def test_a_selection_with_no_system_prints_its_conflict() -> None:
    result = laser("--select", "hub=sagami-measure", "--select", OVER_BUDGET)
    assert result.returncode == ExitCode.INFEASIBLE, result.stderr
    out = result.stdout
    assert "no system: the selection leaves none" in out
    conflict = out.split("leaves no system):\n", 1)[1].splitlines()
    assert conflict[0] == f"  select {OVER_BUDGET}"  # the smallest set: the hub is not to blame
    assert not conflict[1].startswith("  select")
    as_json = laser("--select", "hub=sagami-measure", "--select", OVER_BUDGET, "--json")
    assert as_json.returncode == ExitCode.INFEASIBLE
    data = json.loads(as_json.stdout)
    assert data["best"] is None and data["conflict"] == [f"select {OVER_BUDGET}"]
    assert "no system: conflict: select modules.head.source=buy:yamato-optical" in as_json.stderr


def test_outputs_never_overwrite_the_catalog(tmp_path: Path) -> None:
    before = TAMA.read_bytes()
    for flag in ("--out", "--save"):
        result = laser(flag, str(TAMA))
        assert result.returncode == ExitCode.BAD_INPUT
        assert "refusing to overwrite the input file" in one_line_error(result)
    assert TAMA.read_bytes() == before
    same = laser("--out", str(tmp_path / "x"), "--save", str(tmp_path / "x"))
    assert same.returncode == ExitCode.BAD_INPUT and "name the same file" in one_line_error(same)
    assert run(str(MINI), "--interactive", "--json").returncode == ExitCode.BAD_INPUT


def test_a_short_time_limit_is_reported_honestly(tama: Catalog) -> None:
    result = laser("--time-limit", "0.001", "--json")
    assert result.returncode in (ExitCode.OPTIMAL, ExitCode.UNKNOWN), result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["complete"] is False
    assert "the table is not complete: the time limit came first" in result.stderr
    assert (data["best"] is not None) == (result.returncode == ExitCode.OPTIMAL)
    assert verify_configuration(tama, build_request(tama, LASER), data) == []
    statuses = {v["status"] for row in data["decisions"] for v in row["values"]}
    assert "unknown" in statuses or not all(
        v.get("proven_optimal", True) for r in data["decisions"] for v in r["values"]
    )


# --------------------------------------------------------------------------- saving


def test_save_writes_a_request_that_reads_back_with_its_selection(tama: Catalog, tmp_path: Path) -> None:
    saved = tmp_path / "chosen.yaml"
    steps = ["--select", "hub=kosoku-sensing", "--select", "modules.cable.source=buy:hanno-harness"]
    steps += ["--rule-out", "modules.head.steps.2=tama-clean", "--rule-out", "modules.head.steps.2=kodaira-clean"]
    result = laser(*steps, "--budget", "23000.50", "--save", str(saved))
    assert result.returncode == 0, result.stderr
    text = saved.read_text()
    assert re.search(r"^  budget: 23000\.50?$", text, re.M)  # money as an exact number, not a string
    loaded = load_request(saved)
    assert dict(loaded.select) == {"hub": "kosoku-sensing", "modules.cable.source": "buy:hanno-harness"}
    assert dict(loaded.rule_out) == {"modules.head.steps.2": ("tama-clean", "kodaira-clean")}
    asked = build_request(tama, LASER, overrides={"limits": {"budget": Decimal("23000.50")}})
    assert loaded.with_changes(select={}, rule_out={}) == asked
    again = Session(tama, loaded)  # the saved request configured again: the same selection
    assert again.selection.chosen == (("hub", "kosoku-sensing"), ("modules.cable.source", "buy:hanno-harness"))
    assert set(again.selection.ruled_out) == {
        ("modules.head.steps.2", "tama-clean"),
        ("modules.head.steps.2", "kodaira-clean"),
    }


def test_request_text_round_trips(tama: Catalog, tmp_path: Path) -> None:
    request = build_request(
        tama, LASER, overrides={"weights": {"lead_time": Decimal("12.75")}, "objective": "weighted"}
    )
    chosen = request.with_changes(
        select={"hub": "mitaka-photonics"}, rule_out={"modules.cable.source": ["buy:hanno-harness"]}
    )
    path = tmp_path / "r.yaml"
    path.write_text(request_text(chosen))
    assert "  lead_time: 12.75\n" in path.read_text()
    loaded = load_request(path)
    assert loaded == chosen
    assert loaded.selection == Selection().choose("hub", "mitaka-photonics").rule_out(
        "modules.cable.source", "buy:hanno-harness"
    )
    plain = tmp_path / "plain.yaml"
    plain.write_text(request_text(request))
    assert load_request(plain) == request
    assert "\nselect:" not in plain.read_text() and "\nrule_out:" not in plain.read_text()


def test_configure_again_from_the_saved_file(tmp_path: Path) -> None:
    saved = tmp_path / "chosen.yaml"
    first = laser("--select", "hub=kosoku-sensing", "--rule-out", "modules.cable.source=buy:hanno-harness",
                  "--save", str(saved), "--json")  # fmt: skip
    assert first.returncode == 0, first.stderr
    again = run(str(TAMA), "--request", str(saved), "--json")
    assert again.returncode == 0, again.stderr
    one, two = json.loads(first.stdout), json.loads(again.stdout)
    assert (two["selection"], two["ruled_out"]) == (one["selection"], one["ruled_out"])
    assert two["best"] == one["best"]


# --------------------------------------------------------------------------- the interactive session (piped)


def test_interactive_session_from_stdin(tmp_path: Path) -> None:
    saved, after = tmp_path / "s.yaml", tmp_path / "after.yaml"
    commands = [
        "select hub=sagami-measure",
        "undo",
        f"why {OVER_BUDGET}",
        "selec hub=kosoku-sensing",  # invalid: a one-line error, the session goes on
        "select hubb=kosoku-sensing",
        "select hub=kosoku-sensing",
        "rule-out modules.cable.source=buy:hanno-harness",
        f"save {saved}",
        f"save {TAMA}",
        "quit",
        f"save {after}",  # after quit: never run
    ]
    result = laser("--interactive", stdin="\n".join(commands) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert out.count("every value settled, every figure proven") == 5  # the start, select, undo, select, rule-out
    assert "configure> undo\nlaser-displacement-sensor: quantity 200, objective cost\nselection: none\n" in out
    assert f"{OVER_BUDGET} is impossible; a smallest set that excludes it:\n  limits.budget\n" in out
    assert "configure> selec hub=kosoku-sensing\nerror: unknown command 'selec': did you mean select?" in out
    assert "error: hubb: no such decision for laser-displacement-sensor; did you mean hub?" in out
    assert "selection: select hub=kosoku-sensing; rule out modules.cable.source=buy:hanno-harness" in out
    assert f"saved the request and its selection to {saved}" in out
    assert "error: " in out.split(f"configure> save {TAMA}\n", 1)[1].splitlines()[0]
    assert not after.exists()
    loaded = load_request(saved)
    assert dict(loaded.select) == {"hub": "kosoku-sensing"}
    assert dict(loaded.rule_out) == {"modules.cable.source": ("buy:hanno-harness",)}


def test_interactive_ends_at_the_end_of_input_and_writes_out_and_save(tmp_path: Path) -> None:
    out, saved = tmp_path / "t.json", tmp_path / "s.yaml"
    result = run(str(MINI), "--interactive", "--out", str(out), "--save", str(saved),
                 stdin="select modules.housing.source=make\nhelp\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    for command in COMMANDS:
        assert f"  {command}" in result.stdout
    assert json.loads(out.read_text())["selection"] == {"modules.housing.source": "make"}
    assert dict(load_request(saved).select) == {"modules.housing.source": "make"}


# --------------------------------------------------------------------------- the session and completer in-process


def test_the_prompt_reads_typed_lines_ctrl_c_clears_ctrl_d_ends() -> None:
    catalog = load_catalog(MINI)
    session = Session(catalog, build_request(catalog))
    out = io.StringIO()
    with create_pipe_input() as typed:
        typed.send_text(
            "select modules.housing.source=make\rselect hub=nowhere\x03bogus\rundo\rselect hub=mini-optics\r\x04"
        )
        interact(session, prompted_lines(session, input=typed, output=DummyOutput()), out, prompting=True)
    text = out.getvalue()
    assert "type help for the commands; Tab completes" in text
    assert "selection: select modules.housing.source=make\n" in text
    assert "nowhere" not in text  # Ctrl-C dropped the line being typed
    assert "error: unknown command 'bogus'" in text
    assert text.count("selection: none\n") == 2  # at the start and after undo
    assert session.selection.items() == ("select hub=mini-optics",)
    assert not session.done  # Ctrl-D ended the prompt


def test_session_commands(tama_session: Session, tmp_path: Path) -> None:
    session = tama_session
    assert session.execute("") == "" and session.execute("  # a comment") == ""
    assert "selection: select hub=mitaka-photonics\n" in session.execute("select hub=mitaka-photonics")
    assert "selection: select hub=mitaka-photonics; rule out modules.cable.source=buy:hanno-harness" in (
        session.execute("rule_out modules.cable.source=buy:hanno-harness")
    )
    assert session.execute("undo").splitlines()[1] == "selection: select hub=mitaka-photonics"
    assert session.execute("undo").splitlines()[1] == "selection: none"
    assert session.execute("undo") == "nothing to undo"
    assert session.execute("why hub=kosoku-sensing").startswith("hub=kosoku-sensing is possible (nothing excludes it)")
    session.execute("select hub=kosoku-sensing")
    why = session.execute("why hub=sagami-measure")  # an alternative to the choice: nothing excludes it
    assert why.startswith("hub=sagami-measure is possible (nothing excludes it): best cost 18,939.50"), why
    assert session.execute("show") == render_configuration(session.table(), session.catalog)
    assert session.execute("why nowhere=x").startswith("error: nowhere: no such decision")
    assert session.execute("save") == "error: save FILE: name the file"
    assert session.execute("frobnicate") == "error: unknown command 'frobnicate': (type help for the commands)"
    assert session.execute("save " + str(tmp_path / "s.yaml")).startswith("saved the request")
    session.execute("undo")
    assert not session.done
    assert session.execute("quit") == "" and session.done


def _completions(session: Session, text: str) -> list[Completion]:
    return list(make_completer(session).get_completions(Document(text, len(text)), CompleteEvent()))


def test_completer_offers_commands_decisions_and_values(tama_session: Session) -> None:
    session = tama_session
    assert [c.text for c in _completions(session, "")] == list(COMMANDS)
    assert [c.text for c in _completions(session, "s")] == ["select", "show", "save"]
    modules = _completions(session, "select modules.")
    decisions = [d for d, _ in session.decisions() if d.startswith("modules.")]
    assert [c.display_text for c in modules] == decisions
    assert all(
        c.text == f"{d}=" and c.start_position == -len("modules.") for c, d in zip(modules, decisions, strict=True)
    )
    assert "modules.head.seed" in decisions and "modules.housing.steps.2" in decisions
    hubs = _completions(session, "select hub=")
    # the developers, then the processing SMEs a person may be placed at (v1.1), in catalog order
    assert [c.text for c in hubs] == [
        "kosoku-sensing", "sagami-measure", "mitaka-photonics",
        "hachioji-5axis", "sagami-seimitsu", "hachioji-mechatro", "sayama-mould",
    ]  # fmt: skip
    assert all(c.start_position == 0 for c in hubs)
    assert [c.text for c in _completions(session, "rule-out modules.head.source=bu")] == ["buy:yamato-optical"]
    assert [c.text for c in _completions(session, "why hub=sag")] == ["sagami-measure", "sagami-seimitsu"]
    assert [c.text for c in _completions(session, "select seed")] == ["modules.head.seed="]  # within the name
    assert _completions(session, "select nowhere=") == [] and _completions(session, "undo ") == []


def test_completer_meta_is_the_known_table(tama: Catalog) -> None:
    session = Session(tama, build_request(tama, LASER))
    assert all(c.display_meta_text == "" for c in _completions(session, "select hub="))  # no table yet: no solve
    session.execute("show")
    meta = {c.text: c.display_meta_text for c in _completions(session, "select modules.head.source=")}
    assert meta["make"].startswith("possible: 18,618.50")
    assert meta["buy:yamato-optical"] == "impossible"
    assert {c.display_text: c.display_meta_text for c in _completions(session, "select hub")}[
        "hub"
    ] == "7 of 7 possible"


def test_session_starts_from_the_request_selection(tama: Catalog) -> None:
    request = build_request(tama, LASER).with_changes(
        select={"hub": "sagami-measure"}, rule_out={"modules.cable.source": ["buy:hanno-harness"]}
    )
    session = Session(tama, request)
    assert session.selection.items() == ("select hub=sagami-measure", "rule out modules.cable.source=buy:hanno-harness")
    hub = session.table().row("hub")
    assert hub is not None and [v.value for v in hub.values if v.selected] == ["sagami-measure"]
    assert session.execute("undo").splitlines()[1] == "selection: select hub=sagami-measure"


# --------------------------------------------------------------------------- rendering without a solver


def _table(*rows: DecisionRow, complete: bool = True, status: ValueStatus = ValueStatus.POSSIBLE) -> Configuration:
    return Configuration("p", 5, "cost", Selection(), None, rows, complete=complete, status=status)


def test_unknown_values_are_shown_as_unknown() -> None:
    table = _table(
        DecisionRow("hub", (ValueRow("a", ValueStatus.UNKNOWN), ValueRow("b", ValueStatus.UNKNOWN))),
        complete=False,
        status=ValueStatus.UNKNOWN,
    )
    text = render_configuration(table)
    assert "best: unknown (the time limit came first" in text
    assert "NOT COMPLETE" in text
    assert re.search(r"^\s+a\s+unknown\s+unknown: the time limit came first$", text, re.M)
    assert exit_code(table) == ExitCode.UNKNOWN
    none = _table(DecisionRow("hub", (ValueRow("a", ValueStatus.IMPOSSIBLE),)), status=ValueStatus.IMPOSSIBLE)
    assert exit_code(none) == ExitCode.INFEASIBLE
    assert "conflict: not found within the time limit" in render_configuration(none)
    alone = Configuration("p", 5, "cost", Selection(), None, (), conflict=(), status=ValueStatus.IMPOSSIBLE)
    assert "the request alone leaves none" in render_configuration(alone)


def test_verify_checks_a_table_file(tmp_path: Path) -> None:
    """``modcluster verify CATALOG TABLE.json``: the table's request is stored in it; a changed figure fails."""
    table = tmp_path / "table.json"
    made = laser("--select", "hub=kosoku-sensing", "--out", str(table), "--quiet")
    assert made.returncode == ExitCode.OPTIMAL, made.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "modcluster", "verify", str(TAMA), str(table)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == ExitCode.OPTIMAL and "verified (a decision table of" in ok.stdout, ok.stdout + ok.stderr
    data = json.loads(table.read_text())
    data["best"]["cost"] += 1
    table.write_text(json.dumps(data))
    bad = subprocess.run(
        [sys.executable, "-m", "modcluster", "verify", str(TAMA), str(table)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == ExitCode.VERIFY_FAILED and "best: cost" in bad.stdout, bad.stdout + bad.stderr
