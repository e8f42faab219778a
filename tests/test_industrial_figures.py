"""Real industrial figures (``--magnitude industrial``): diff, the XLSX round trip, the results workbook, the web, gaps.

One ``small`` catalog of the generator's ``industrial`` magnitude (systems
of 10^5-10^6 kJPY, unit costs up to 300 kJPY), under each of the three
objectives of its default requests (``cost``, ``lead_time``, ``weighted``
with fractional weights), goes through every command that reads or writes
money besides ``solve``. Each figure is compared with one computed another
way: a separate solve, the catalog data written, Python's own formatting of
the exact ``Decimal``, the independent verifier.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")

from modcluster import Catalog, Solution, build_request, catalog_from_data, load_catalog, solve, verify_solution
from modcluster.analysis import diff_answers, diff_catalogs
from modcluster.analysis.gaps import cluster_gaps, extend
from modcluster.cli import main
from modcluster.configure import Configurator
from modcluster.domain import default_request
from modcluster.generate import generate, spec_for, write_catalog
from modcluster.io.xlsx import (
    MONEY_FORMAT,
    catalog_to_workbook,
    load_workbook_catalog,
    workbook_to_data,
    write_workbook,
)
from modcluster.report.analyses import render_gaps
from modcluster.report.versions import render_answers_diff, render_catalog_diff

SEED = 3
PRODUCT = "product-0"
#: Seconds of each solve (the small catalog's are proven in well under one).
TIME_LIMIT = 10
#: A large order of the product (no budget or deadline in the way): systems of millions of kJPY.
LARGE_ORDER = ("--quantity", "5,000", "--budget", "99,999,999.99", "--deadline", "9999")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Industrial:
    """The generated catalog of one objective: its data, the catalog, its YAML file, and a folder for outputs."""

    objective: str
    data: dict[str, Any]
    catalog: Catalog
    path: Path
    folder: Path


@pytest.fixture(scope="module", params=["cost", "lead_time", "weighted"])
def industrial(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Industrial:
    """``small``, magnitude ``industrial``, seed 3, default requests under the objective (what the CLI generates)."""
    objective = str(request.param)
    data = generate(spec_for("small", magnitude="industrial", objective=objective), seed=SEED)
    folder = tmp_path_factory.mktemp(f"industrial-{objective}")
    path = folder / "catalog.yaml"
    write_catalog(data, path)
    catalog = load_catalog(path)
    assert catalog == catalog_from_data(data)
    assert {p.request.objective.value for p in catalog.products if p.request} == {objective}
    return Industrial(objective, data, catalog, path, folder)


def _solve(catalog: Catalog, product: str = PRODUCT) -> Solution:
    solution = solve(catalog, default_request(catalog, product).with_changes(time_limit=TIME_LIMIT))
    assert solution.status.value == "optimal", (product, solution.status)
    return solution


def _figures(solution: Solution) -> list[tuple[Decimal, int]]:
    return [(c.cost, c.lead_time) for c in solution.candidates]


def _money(value: Decimal) -> str:
    """Money as a person reads it, by Python's own formatting of the exact amount: ``2,176,466.40``."""
    return f"{value:,.2f}"


def _run(*argv: str) -> str:
    """Stdout of the command line run in this process (exit code 0)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(argv)) == 0, argv
    return out.getvalue()


# --------------------------------------------------------------------------- (a) diff


def test_a_cent_more_on_one_unit_cost_is_that_one_change_and_the_answers_are_separate_solves(
    industrial: Industrial,
) -> None:
    old = industrial.catalog
    best = _solve(old).best
    assert best is not None
    step = next(s for m in best.modules for s in m.steps)  # an offer the best system uses
    data = copy.deepcopy(industrial.data)
    org = next(o for o in data["organizations"] if o["id"] == step.organization)
    offer = next(p for p in org["processes"] if p.get("id", p["capability"]) == step.offer)
    before = offer["unit_cost"]
    offer["unit_cost"] = before + CENT
    new = catalog_from_data(data)

    diff = diff_catalogs(old, new)
    path = f"organizations[{step.organization}].processes[{step.offer}].unit_cost"
    assert [(c.path, c.kind, c.old, c.new, c.entity) for c in diff.changes] == [
        (path, "changed", before, before + CENT, "process offers")
    ]
    assert diff.summary() == (("process offers", 0, 0, 1),)
    assert f"~ {path}: {before} -> {before + CENT}" in [line.strip() for line in render_catalog_diff(diff).splitlines()]

    answers = diff_answers(old, new, seconds=4 * TIME_LIMIT)
    assert [a.label for a in answers.answers] == [p.id for p in old.products]
    assert answers.proven
    table = render_answers_diff(answers)
    for a in answers.answers:
        was, now = _solve(old, a.label), _solve(new, a.label)
        assert _figures(was) == [(c.cost, c.lead_time) for c in a.old.candidates], a.label
        assert _figures(now) == [(c.cost, c.lead_time) for c in a.new.candidates], a.label
        assert was.best is not None and now.best is not None
        assert a.cost_delta == now.best.cost - was.best.cost
        assert a.lead_time_delta == now.best.lead_time - was.best.lead_time
        if a.label == PRODUCT:  # its best system pays the cent on each unit: the answer moves
            assert _figures(now) != _figures(was) and a.verdict == "changed"
        if now.best.cost != was.best.cost:
            assert f"{_money(was.best.cost)} -> {_money(now.best.cost)}" in table
            assert f"{now.best.cost - was.best.cost:+,.2f}" in table


# --------------------------------------------------------------------------- (b) the XLSX catalog


#: Attribute values a spreadsheet could spoil: decimals a float cannot hold, a negative, a tiny and a large
#: number, text that looks like a number, a boolean, a trailing zero.
ATTRIBUTES: dict[str, Any] = {
    "tenth": Decimal("0.1"),
    "negative": Decimal("-12.345"),
    "tiny": Decimal("1E-7"),
    "large": 123456789012345,
    "digits": "0012",
    "number_text": "1234567.89",
    "flag": True,
    "cents": Decimal("100.10"),
}


def test_the_xlsx_round_trip_is_exact(industrial: Industrial) -> None:
    data = copy.deepcopy(industrial.data)
    org = data["organizations"][0]
    offer = org["processes"][0]
    offer["unit_cost"] = Decimal("1234567.89")
    offer.setdefault("attributes", {}).update(ATTRIBUTES)
    org["design_fee"] = Decimal("9876543.21")
    data["products"][0]["request"]["limits"]["budget"] = Decimal("12345678.91")
    source = industrial.folder / "edited.yaml"
    write_catalog(data, source)
    expected = catalog_from_data(data)
    assert load_catalog(source) == expected

    # The command line, both ways (catalog -> xlsx -> catalog) ...
    workbook, back = industrial.folder / "edited.xlsx", industrial.folder / "back.yaml"
    _run("convert", str(source), str(workbook), "--quiet")
    _run("convert", str(workbook), str(back), "--quiet")
    assert load_catalog(back) == expected
    assert load_workbook_catalog(workbook) == expected
    assert diff_catalogs(expected, load_catalog(back)).empty
    # ... and the library's workbook of the generated catalog itself.
    plain = industrial.folder / "plain.xlsx"
    write_workbook(catalog_to_workbook(industrial.data), plain)
    assert load_workbook_catalog(plain) == industrial.catalog

    read = workbook_to_data(workbook)
    read_org = read["organizations"][0]
    read_offer = read_org["processes"][0]
    assert (type(read_offer["unit_cost"]), read_offer["unit_cost"]) == (Decimal, Decimal("1234567.89"))
    assert read_org["design_fee"] == Decimal("9876543.21")
    assert read["products"][0]["request"]["limits"]["budget"] == Decimal("12345678.91")
    for name, value in ATTRIBUTES.items():
        got = read_offer["attributes"][name]
        assert got == value and isinstance(got, bool) == isinstance(value, bool), name
        assert isinstance(got, str) == isinstance(value, str), name
    if industrial.objective == "weighted":
        for product, written in zip(read["products"], data["products"], strict=True):
            assert product["request"]["weights"] == written["request"]["weights"]

    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(workbook)["processes"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("unit_cost") + 1)
    assert (cell.value, cell.number_format) == (1234567.89, MONEY_FORMAT)


# --------------------------------------------------------------------------- (c) the results workbook


def test_the_results_workbook_holds_the_exact_costs_of_the_solve(industrial: Industrial) -> None:
    solution_file, workbook = industrial.folder / "large.json", industrial.folder / "large.xlsx"
    printed = _run(
        "solve", str(industrial.path), "--product", PRODUCT, *LARGE_ORDER, "--quiet", "--out", str(solution_file)
    )
    shown = re.findall(r"^Candidate (\d+) \([^)]*\): cost ([\d,]+\.\d\d) kJPY, lead time (\d+) days", printed, re.M)
    _run("convert", str(solution_file), str(workbook), "--quiet")

    document = json.loads(solution_file.read_text(encoding="utf-8"), parse_float=Decimal)
    catalog = industrial.catalog
    request = build_request(
        catalog, PRODUCT, None, {"quantity": 5000, "limits": {"budget": Decimal("99999999.99"), "deadline": 9999}}
    )
    assert verify_solution(catalog, request, document) == []  # the verifier recomputes every cost
    costs = [Decimal(c["cost"]) for c in document["candidates"]]
    assert len(costs) == 3 and min(costs) >= 1_000_000, "a large order: systems of millions of kJPY"
    assert any(c % 1 for c in costs), "some cost has cents"
    assert [(int(r), cost, int(d)) for r, cost, d in shown] == [
        (c["rank"], _money(Decimal(c["cost"])), c["lead_time"]) for c in document["candidates"]
    ]

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(workbook)
    rows = list(wb["candidates"].iter_rows(min_row=2))
    header = [c.value for c in wb["candidates"][1]]
    assert len(rows) == len(costs)
    for row, candidate, (_rank, text, _days) in zip(rows, document["candidates"], shown, strict=True):
        cell = row[header.index("cost")]
        assert cell.number_format == MONEY_FORMAT
        assert Decimal(repr(cell.value)) == Decimal(candidate["cost"])
        assert _money(Decimal(repr(cell.value))) == text  # what a spreadsheet shows: the printed cost, cents and all
        assert row[header.index("lead_time")].value == candidate["lead_time"]
    breakdown = wb["costs"]
    names = [c.value for c in breakdown[1]]
    for row, candidate in zip(breakdown.iter_rows(min_row=2), document["candidates"], strict=True):
        for name, amount in candidate["cost_breakdown"].items():
            cell = row[names.index(name)]
            assert Decimal(repr(cell.value)) == Decimal(amount) and cell.number_format == MONEY_FORMAT, name
        assert Decimal(repr(row[names.index("cost")].value)) == Decimal(candidate["cost"])


# --------------------------------------------------------------------------- (d) the web configurator


def test_the_configurator_page_shows_the_library_best_cost(industrial: Industrial) -> None:
    pytest.importorskip("starlette", reason="the web extra is not installed")
    from starlette.testclient import TestClient

    from modcluster.web import create_app

    catalog = industrial.catalog
    table = Configurator(catalog, build_request(catalog, PRODUCT, None, {"time_limit": TIME_LIMIT})).options()
    best = _solve(catalog).best
    assert table.best is not None and best is not None
    assert (table.best.cost, table.best.lead_time) == (best.cost, best.lead_time)  # the engine, solved apart
    with TestClient(create_app(catalog, time_limit=Decimal(TIME_LIMIT), catalog_name="industrial.yaml")) as client:
        page = client.get(f"/configure?product={PRODUCT}")
    assert page.status_code == 200, page.text[-2000:]
    assert f'<b id="best-cost">{_money(best.cost)}</b>' in page.text
    assert f'<b id="best-days">{best.lead_time}</b>' in page.text
    assert "Traceback" not in page.text and not re.search(r"\d[eE][+-]\d", page.text.split("<script")[0])


# --------------------------------------------------------------------------- (e) gaps


def test_gaps_names_what_unlocks_a_module_made_impossible(industrial: Industrial) -> None:
    """A made module nobody sells whose first step asks a tolerance no offer has (``max 1E-7``)."""
    data = copy.deepcopy(industrial.data)
    product = next(p for p in data["products"] if p["id"] == PRODUCT)
    module = next(m for m in product["modules"] if (m.get("make") or {}).get("steps"))
    module["type"] = "unobtainium"
    module["make"]["steps"][0]["require"] = {"tolerance_um": {"max": Decimal("1E-7")}}
    catalog = catalog_from_data(data)
    request = default_request(catalog, PRODUCT).with_changes(candidates=1, time_limit=TIME_LIMIT)
    assert solve(catalog, request).best is None

    gaps = cluster_gaps(catalog, seconds=6 * TIME_LIMIT, max_size=1)
    assert [p for p, _why in gaps.blocked] == [PRODUCT]
    assert sorted(gaps.buildable) == sorted(p.id for p in catalog.products if p.id != PRODUCT)
    (search,) = gaps.sets
    assert search.product == PRODUCT and search.status == "found" and search.complete
    kinds = {(p.kind, p.what, p.requirement) for s in search.smallest for p in s.proposals}
    step = module["make"]["steps"][0]["capability"]
    assert ("module", "unobtainium", "") in kinds
    assert ("process", step, "tolerance_um max 0.0000001") in kinds
    for found in search.smallest:  # each set found makes the product buildable, solved apart
        assert found.size == 1 and solve(extend(catalog, request, found.proposals), request).best is not None
    text = render_gaps(gaps)
    assert f"blocked: {PRODUCT}" in text and "tolerance_um max 0.0000001" in text and "E-7" not in text
