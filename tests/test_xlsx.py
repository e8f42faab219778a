"""Spreadsheets (issue 20): catalogs as Excel workbooks, ``modcluster convert``, results and sweep tables.

A workbook holds the same data as the YAML catalog it came from (round trips
through every format), its problems are located at their cells, and money is
exact everywhere: in the workbooks, and with two decimals in the sweep's CSV.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modcluster import build_request, catalog_from_data, load_catalog, solve
from modcluster.cli.convert import convert
from modcluster.cli.sweep import csv_text, money_cell
from modcluster.configure import Configurator
from modcluster.errors import CrossReferenceError, InputError, ParseError, ValidationError
from modcluster.generate import generate, spec_for
from modcluster.io import load_document
from modcluster.io.toml_writer import dumps_toml
from modcluster.io.xlsx import (
    MONEY_FORMAT,
    catalog_to_workbook,
    list_cell,
    load_workbook_catalog,
    read_list,
    read_workbook,
    workbook_bytes,
    workbook_to_data,
    write_workbook,
)
from modcluster.io.xlsx_results import plan_to_workbook, results_to_workbook
from modcluster.sweep.results import ScenarioResult

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
TAMA_XLSX = ROOT / "catalogs" / "tama.xlsx"
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def yaml_data(path: Path) -> Any:
    return load_document(path).data


def without_empty_maps(data: Any) -> Any:
    """A workbook spreads a map over columns: an empty map and no map are the same there."""
    if isinstance(data, dict):
        return {k: without_empty_maps(v) for k, v in data.items() if v != {}}
    if isinstance(data, list):
        return [without_empty_maps(v) for v in data]
    return data


@pytest.fixture(scope="module")
def tama_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "tama.xlsx"
    write_workbook(catalog_to_workbook(yaml_data(TAMA)), path)
    return path


# --------------------------------------------------------------------------- round trips


def test_tama_round_trip_equals_the_yaml(tama_xlsx: Path) -> None:
    assert workbook_to_data(tama_xlsx) == yaml_data(TAMA)
    assert load_catalog(tama_xlsx) == load_catalog(TAMA)


def test_every_format_in_a_chain_gives_the_yaml_back(tmp_path: Path) -> None:
    chain = [TAMA, tmp_path / "a.json", tmp_path / "b.toml", tmp_path / "c.xlsx", tmp_path / "d.yaml"]
    for source, target in itertools.pairwise(chain):
        convert(str(source), str(target))
    assert yaml_data(chain[-1]) == yaml_data(TAMA)
    assert workbook_to_data(chain[3]) == yaml_data(TAMA)
    assert load_catalog(chain[2]) == load_catalog(TAMA)


def test_the_bundled_workbook_is_the_converters_output(tama_xlsx: Path) -> None:
    """catalogs/tama.xlsx cannot drift from catalogs/tama.yaml (regenerate: modcluster convert)."""
    assert workbook_to_data(TAMA_XLSX) == workbook_to_data(tama_xlsx) == yaml_data(TAMA)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), levers=st.sampled_from([0, 3]))
def test_generated_catalogs_round_trip(tmp_path: Path, seed: int, levers: int) -> None:
    data = generate(spec_for("small", organizations=30, people=levers, policies=levers), seed=seed)
    path = tmp_path / f"g{seed}-{levers}.xlsx"
    write_workbook(catalog_to_workbook(data), path)
    back = workbook_to_data(path)
    assert without_empty_maps(back) == without_empty_maps(data)
    assert catalog_from_data(back) == catalog_from_data(data)


def test_money_is_exact_text_beyond_a_cells_precision_and_formatted_otherwise(tmp_path: Path) -> None:
    data = {
        "defaults": {"onboarding_cost": Decimal("1234567890.123456789")},
        "capabilities": [{"id": "c"}],
        "organizations": [
            {"id": "o", "processes": [{"capability": "c", "unit_cost": Decimal("5227.50"), "setup_cost": 120}]}
        ],
    }
    wb = catalog_to_workbook(data)
    cell = wb["processes"]["E2"]
    assert (cell.value, cell.number_format) == (Decimal("5227.50"), MONEY_FORMAT)
    assert wb["catalog"]["B2"].data_type == "s"  # 19 significant digits: text, read back as the number
    path = tmp_path / "money.xlsx"
    write_workbook(wb, path)
    back = workbook_to_data(path)
    assert back == data
    assert load_workbook_catalog(path).defaults.onboarding_cost == Decimal("1234567890.123456789")


def test_list_cells() -> None:
    assert list_cell(["a", "b"]) == "a, b" and read_list("a, b") == ["a", "b"]
    for items in ([], ["a,b"], [" x"], ["[x"], ["ISO5", Decimal("5.10"), True]):
        assert read_list(list_cell(items)) == items


def test_a_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    data = {"name": "=1+1", "capabilities": [{"id": "c"}]}
    path = tmp_path / "f.xlsx"
    write_workbook(catalog_to_workbook(data), path)
    assert workbook_to_data(path) == data


def test_a_default_requests_calendar_round_trips(tmp_path: Path) -> None:
    """v1.1 calendars: a date in a start_date column, the closed days as a list cell."""
    data = yaml_data(MINI)
    calendar = {"country": "JP", "closed": ["2026-04-29", "2026-05-01"]}
    data["products"][0]["request"].update(start_date="2026-04-01", calendar=calendar)
    path = tmp_path / "calendar.xlsx"
    write_workbook(catalog_to_workbook(data), path)
    assert workbook_to_data(path) == data
    typed = tmp_path / "typed.xlsx"
    wb = openpyxl.load_workbook(path)
    column = [c.value for c in wb["products"][1]].index("request.start_date") + 1
    wb["products"].cell(row=2, column=column).value = datetime.datetime(2026, 4, 1)  # typed as a date in Excel
    wb.save(typed)
    assert load_workbook_catalog(typed) == catalog_from_data(data)


def test_toml_writer_is_read_back_exactly() -> None:
    from modcluster.io.toml_reader import read_toml

    data = {"name": 'a "q"\n', "x": [{"id": "é", "v": Decimal("0.10"), "b": True, "l": ["a"]}], "n": 3}
    assert read_toml(dumps_toml(data), None).data == data


# --------------------------------------------------------------------------- located errors


def _edit(source: Path, target: Path, sheet: str, cell: str, value: Any) -> None:
    wb = openpyxl.load_workbook(source)
    wb[sheet][cell] = value
    wb.save(target)


def test_a_bad_cell_is_located_and_exits_2_through_the_cli(tama_xlsx: Path, tmp_path: Path) -> None:
    bad = tmp_path / "members.xlsx"
    _edit(tama_xlsx, bad, "processes", "E7", "cheap")
    proc = run_cli("validate", str(bad))
    assert proc.returncode == 2, proc.stderr
    assert f"{bad}:processes!E7: unit_cost: expected a number" in proc.stderr
    out = tmp_path / "out.yaml"
    with pytest.raises(ValidationError, match="processes!E7"):
        convert(str(bad), str(out))
    assert not out.exists()


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "error", "expected"),
    [
        ("processes", "A8", "ghost", ParseError, "processes!A8: organization: no organization 'ghost'"),
        ("relationships", "A3", "ghost", CrossReferenceError, "relationships!A3: a: unknown organization 'ghost'"),
        ("organizations", "C2", "factory", ValidationError, "organizations!C2: kind:"),
        ("seeds", "D2", datetime.datetime(2024, 1, 2), ParseError, "seeds!D2: license_fee: a date or time"),
        ("organizations", "F2", "[broken", ParseError, "organizations!F2: develops: not a JSON array"),
    ],
)
def test_problems_are_located_at_their_cells(
    tama_xlsx: Path, tmp_path: Path, sheet: str, cell: str, value: Any, error: type[InputError], expected: str
) -> None:
    bad = tmp_path / "bad.xlsx"
    _edit(tama_xlsx, bad, sheet, cell, value)
    with pytest.raises(error) as caught:
        load_catalog(bad)
    assert f"{bad}:{expected}" in str(caught.value)


def test_an_unknown_sheet_is_refused(tama_xlsx: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(tama_xlsx)
    wb.create_sheet("notes")
    wb.save(tmp_path / "notes.xlsx")
    with pytest.raises(ParseError, match="unknown sheet 'notes'"):
        read_workbook(tmp_path / "notes.xlsx")


def test_convert_refuses_to_overwrite_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from modcluster.cli.app import main

    source = tmp_path / "mini.yaml"
    source.write_bytes(MINI.read_bytes())
    assert main(["convert", str(source), str(source), "--to", "xlsx"]) == 2
    assert "refusing to overwrite the input file" in capsys.readouterr().err
    assert source.read_bytes() == MINI.read_bytes()
    with pytest.raises(InputError, match="refusing to overwrite"):
        convert(str(source), str(tmp_path / "x" / ".." / "mini.yaml"))


# --------------------------------------------------------------------------- solving and results


def test_solve_on_a_workbook_gives_the_yamls_answer(tama_xlsx: Path) -> None:
    answers = []
    for path in (TAMA, tama_xlsx):
        catalog = load_catalog(path)
        request = build_request(catalog, "piezo-nano-stage", overrides={"candidates": 2})
        answers.append(json.loads(solve(catalog, request).to_json()))
    assert answers[0] == answers[1]


def test_a_solution_exports_candidates_tasks_and_exact_money(tmp_path: Path) -> None:
    catalog = load_catalog(TAMA)
    solution = solve(catalog, build_request(catalog, "piezo-nano-stage", overrides={"candidates": 2}))
    source, target = tmp_path / "s.json", tmp_path / "s.xlsx"
    source.write_text(solution.to_json())
    convert(str(source), str(target))
    document = load_document(source).data
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["summary", "candidates", "tasks", "costs", "links"]
    rows = list(wb["candidates"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], Decimal(repr(r[1])), r[2]) for r in rows] == [
        (c["rank"], c["cost"], c["lead_time"]) for c in document["candidates"]
    ]
    assert wb["candidates"]["B2"].number_format == MONEY_FORMAT
    header = [c.value for c in wb["tasks"][1]]
    tasks = [dict(zip(header, r, strict=True)) for r in wb["tasks"].iter_rows(min_row=2, values_only=True)]
    first = document["candidates"][0]
    expected = sum(len(m.get("steps") or []) + bool(m.get("seed")) + (m["source"] == "buy") for m in first["modules"])
    assert len([t for t in tasks if t["rank"] == 1]) == expected + 1  # and the integration
    assert {"organization", "start", "end"} <= set(header)
    costs = {r[0]: r for r in wb["costs"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(repr(costs[1][-1])) == first["cost"]


def test_a_plan_document_exports(tmp_path: Path) -> None:
    system = {"cost": Decimal("10.5"), "lead_time": 3, "hub": "h", "modules": [], "integration": {"start": 0, "end": 3}}
    document = {
        "schema": "modcluster/plan/1",
        "status": "optimal",
        "total_cost": Decimal("10.5"),
        "entries": [{"id": "e", "product": "p", "quantity": 1, "release": 0, "system": system}],
        "alone": [{"id": "e", "status": "optimal", "cost": Decimal("10.5"), "lead_time": 3}],
    }
    wb = plan_to_workbook(document)
    assert wb.sheetnames == ["summary", "entries", "tasks", "costs", "links"]
    assert wb["tasks"]["C2"].value == "integration"
    with pytest.raises(ValueError, match="not a solution, plan or configuration"):
        results_to_workbook({"schema": "modcluster/1"})


#: Weights no default and no catalog holds, one of them fractional (a money format would round it).
WEIGHTS = {"cost": Decimal(2), "lead_time": Decimal("37.125")}


def _saved(wb: Any) -> Any:
    """The workbook as a spreadsheet program reads it: written to bytes, loaded back."""
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb)))


def _summary_cells(wb: Any) -> dict[str, Any]:
    """The summary sheet's ``key | value`` rows of the saved workbook, each value's cell by its key."""
    return {key.value: value for key, value in _saved(wb)["summary"].iter_rows(min_row=2)}


def _as_document(text: str) -> Any:
    """A JSON document as the converter reads it (money as Decimal)."""
    return json.loads(text, parse_float=Decimal)


def test_a_weighted_solution_workbook_states_its_weights() -> None:
    catalog = load_catalog(MINI)
    overrides = {"objective": "weighted", "weights": WEIGHTS, "candidates": 1}
    solution = solve(catalog, build_request(catalog, "mini-sensor", overrides=overrides))
    cells = _summary_cells(results_to_workbook(_as_document(solution.to_json())))
    keys = list(cells)
    assert keys.index("weights.cost") == keys.index("objective") + 1  # beside the objective they weigh
    assert keys.index("weights.lead_time") == keys.index("objective") + 2
    assert cells["objective"].value == "weighted"
    assert Decimal(repr(cells["weights.cost"].value)) == WEIGHTS["cost"]
    assert Decimal(repr(cells["weights.lead_time"].value)) == WEIGHTS["lead_time"]
    assert cells["weights.cost"].number_format != MONEY_FORMAT  # a factor, not an amount of money: 2, not 2.00

    by_cost = solve(catalog, build_request(catalog, "mini-sensor", overrides={**overrides, "objective": "cost"}))
    cells = _summary_cells(results_to_workbook(_as_document(by_cost.to_json())))
    assert cells["objective"].value == "cost" and not any(k.startswith("weights") for k in cells)


def test_a_weighted_document_without_its_request_says_the_weights_are_not_known() -> None:
    document = {"schema": "modcluster/solution/1", "objective": "weighted", "status": "infeasible", "candidates": []}
    cells = _summary_cells(results_to_workbook(document))
    assert cells["weights"].value == "not in the file (it holds no request)"


def test_a_weighted_plan_workbook_states_its_weights() -> None:
    document = {
        "schema": "modcluster/plan/1",
        "objective": "weighted",
        "status": "infeasible",
        "entries": [],
        "request": {"weights": {"lead_time": Decimal("12.5")}},  # cost left out: the default, 1
    }
    cells = _summary_cells(plan_to_workbook(document))
    assert (cells["weights.cost"].value, cells["weights.lead_time"].value) == (1, 12.5)


def test_a_configuration_workbook_states_its_weights_and_claims_no_proof_it_lacks() -> None:
    catalog = load_catalog(MINI)
    overrides = {"objective": "weighted", "weights": WEIGHTS, "time_limit": 20}
    table = Configurator(catalog, build_request(catalog, "mini-sensor", overrides=overrides)).options()
    document = _as_document(table.to_json())
    assert document["best"] is not None and "proven_optimal" not in document["best"]
    wb = _saved(results_to_workbook(document))
    cells = {key.value: value for key, value in wb["summary"].iter_rows(min_row=2)}
    assert cells["objective"].value == "weighted"
    assert Decimal(repr(cells["weights.cost"].value)) == WEIGHTS["cost"]
    assert Decimal(repr(cells["weights.lead_time"].value)) == WEIGHTS["lead_time"]
    # The best system's sheet has no column the JSON cannot fill; each value's proof stays in ``decisions``.
    header = [c.value for c in wb["candidates"][1]]
    assert "proven_optimal" not in header and {"cost", "lead_time", "hub"} <= set(header)
    (best,) = wb["candidates"].iter_rows(min_row=2, values_only=True)
    assert Decimal(repr(best[header.index("cost")])) == document["best"]["cost"]
    decisions = [c.value for c in wb["decisions"][1]]
    proven = [r[decisions.index("proven_optimal")] for r in wb["decisions"].iter_rows(min_row=2, values_only=True)]
    assert True in proven  # mini is small: its values are proven within the time limit


# --------------------------------------------------------------------------- the sweep table


def _results() -> list[ScenarioResult]:
    candidate = {"cost": Decimal("5227.5"), "lead_time": 40, "hub": "h", "partners": ["a"], "proven_optimal": True}
    request = {"product": "p", "quantity": 10, "limits": {"budget": 16000}}
    return [
        ScenarioResult("ok", "optimal", "f1", {}, request, 1, candidate),
        ScenarioResult("none", "infeasible", "f2", {}, request, explanation="no hub can make p, by 300.5"),
        ScenarioResult("bad", "failed", "f3", {}, None, error={"type": "RequestError", "message": "unknown 'x'"}),
    ]


def test_the_sweep_csv_has_a_reason_and_money_with_two_decimals() -> None:
    rows = list(csv.DictReader(io.StringIO(csv_text(_results()))))
    assert [(r["scenario"], r["cost"], r["budget"]) for r in rows] == [
        ("ok", "5227.50", "16000.00"),
        ("none", "", "16000.00"),
        ("bad", "", ""),
    ]
    assert [r["reason"] for r in rows] == ["", "no hub can make p, by 300.5", "RequestError: unknown 'x'"]
    assert money_cell(Decimal("0.125")) == "0.125"  # never rounded


def test_sweep_results_export_to_a_workbook(tmp_path: Path) -> None:
    source, target = tmp_path / "r.jsonl", tmp_path / "r.xlsx"
    source.write_text("".join(r.to_json() + "\n" for r in _results()))
    convert(str(source), str(target))
    ws = openpyxl.load_workbook(target)["results"]
    header = [c.value for c in ws[1]]
    ok = dict(zip(header, [c for c in ws[2]], strict=True))
    assert Decimal(repr(ok["cost"].value)) == Decimal("5227.5") and ok["cost"].number_format == MONEY_FORMAT
    bad = dict(zip(header, [c.value for c in ws[4]], strict=True))
    assert bad["reason"] == "RequestError: unknown 'x'"
