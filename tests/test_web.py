"""The web app (``modcluster serve``, docs/web.md) through its HTTP API: Starlette's TestClient, and a real server.

Every figure a page shows is checked against the library's own
:class:`~modcluster.configure.Configurator` following the same acts; the
downloads are re-checked by the verifier; bad input gives a 4xx page and the
server keeps serving; a real ``modcluster serve`` stops cleanly on Ctrl-C.
"""

from __future__ import annotations

import html
import io
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (pip install 'modcluster[web]')")
pytest.importorskip("matplotlib", reason="the plot extra is not installed")

from starlette.testclient import TestClient

from modcluster import Catalog, build_request, load_catalog, request_from_data, verify_solution
from modcluster.configure import Configurator
from modcluster.domain import Configuration, Request, ValueStatus
from modcluster.io import parse_document
from modcluster.report.text import format_money
from modcluster.verify import verify_configuration
from modcluster.web import create_app
from modcluster.web.state import Act, configure_url, read_query

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
#: The product the whole configuration clicks through (the quickest of the bundled catalog).
PRODUCT = "ultrasonic-distance-sensor"
ONE_ENTRY_PLAN = b"entries:\n  - {id: sonar, product: ultrasonic-distance-sensor}\ntime_limit: 20\n"


class Rows(HTMLParser):
    """The decision table of a page: each value row's data attributes, cells and act links."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self._row: dict[str, Any] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "tr" and "value" in a.get("class", "").split():
            self._row = {"status": a["data-status"], "links": {}, "cells": {}}
            self.rows[(a["data-decision"], a["data-value"])] = self._row
        elif self._row is not None and tag == "td":
            self._cell = a.get("class", "").split()[-1] if a.get("class") else ""
            self._row["cells"][self._cell] = ""
        elif self._row is not None and tag == "a" and "act" in a.get("class", "").split():
            kind = a["class"].split()[-1]
            self._row["links"][kind] = html.unescape(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._cell is not None:
            self._row["cells"][self._cell] += data.strip()


def table_rows(page: str) -> dict[tuple[str, str], dict[str, Any]]:
    parser = Rows()
    parser.feed(page)
    return parser.rows


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(TAMA)


@pytest.fixture(scope="module")
def client(catalog: Catalog) -> Iterator[TestClient]:
    app = create_app(catalog, plans_dir=ROOT / "catalogs" / "plans", catalog_name="catalogs/tama.yaml")
    with TestClient(app) as made:
        yield made


def assert_page_is_the_library(page: str, table: Configuration) -> None:
    """Every value's status, cost, lead time and delta on the page equal the library's table."""
    rows = table_rows(page)
    assert table.best is not None
    assert f'<b id="best-cost">{format_money(table.best.cost)}</b>' in page
    assert f'<b id="best-days">{table.best.lead_time}</b>' in page
    expected = {(r.decision, v.value): v for r in table.decisions for v in r.values}
    assert set(rows) == set(expected)
    for key, value in expected.items():
        shown = rows[key]
        assert shown["status"] == value.status.value, key
        assert shown["cells"]["cost"] == ("" if value.cost is None else format_money(value.cost)), key
        assert shown["cells"]["days"] == ("" if value.lead_time is None else str(value.lead_time)), key
        if value.cost is not None and value.lead_time is not None:
            delta = value.cost - table.best.cost
            same = delta == 0 and value.lead_time == table.best.lead_time
            assert shown["cells"]["dcost"] == ("= best" if same else f"{delta:+,.2f}"), key


def test_every_page_renders(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and PRODUCT in home.text and 'name="budget"' in home.text
    assert "http://" not in home.text and "https://" not in home.text  # nothing from another host
    for asset in ("/static/app.css", "/static/app.js"):
        assert client.get(asset).status_code == 200
    plan = client.get("/plan")
    assert plan.status_code == 200 and "tama-season.yaml" in plan.text


def test_a_whole_configuration_by_clicking_has_the_library_figures(catalog: Catalog, client: TestClient) -> None:
    conf = Configurator(catalog, build_request(catalog, PRODUCT, None, {"time_limit": 10}))
    url = f"/configure?product={PRODUCT}"
    for _ in range(40):
        page = client.get(url)
        assert page.status_code == 200, page.text
        table = conf.options()
        assert_page_is_the_library(page.text, table)
        rows = table_rows(page.text)
        open_rows = table.open_decisions()
        if not open_rows:
            break
        decision = open_rows[0].decision
        value = next(v.value for v in open_rows[0].values if v.status is ValueStatus.POSSIBLE)
        want = table.row(decision).value(value)  # type: ignore[union-attr]
        url = rows[(decision, value)]["links"]["select"]
        conf = conf.select(decision, value)
        after = conf.options()
        assert after.best is not None and want is not None
        assert (after.best.cost, after.best.lead_time) == (want.cost, want.lead_time)  # no dead end
    else:
        pytest.fail("the configuration did not end in 40 clicks")
    assert not table.open_decisions() and len(table.selection.chosen) == len(table.decisions)
    undo = re.search(r'id="undo" href="([^"]+)"', page.text)
    assert undo is not None
    back = client.get(html.unescape(undo.group(1)))
    assert back.status_code == 200
    assert_page_is_the_library(back.text, conf.undo().options())


def test_an_impossible_value_shows_why(catalog: Catalog, client: TestClient) -> None:
    query = f"product={PRODUCT}&budget=14,000"
    page = client.get(f"/configure?{query}")
    assert page.status_code == 200, page.text
    impossible = [(k, r) for k, r in table_rows(page.text).items() if r["status"] == "impossible"]
    assert impossible, "the budget leaves every value possible: pick a tighter one"
    (decision, value), row = impossible[0]
    answer = client.get(row["links"]["why"])
    assert answer.status_code == 200
    conf = Configurator(catalog, build_request(catalog, PRODUCT, None, {"limits": {"budget": 14000}}))
    blame = conf.why(decision, value)
    assert blame is not None
    assert f"why not {html.escape(decision)}={html.escape(value)}?" in answer.text
    shown = table_rows(answer.text)[(decision, value)]["cells"]["note"]
    for part in blame.parts:
        assert ("budget of 14,000.00" if part == "limits.budget" else part) in html.unescape(shown)


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"/configure?product={PRODUCT}&budget=abc", 400, "budget"),
        (f"/configure?product={PRODUCT}&budget=9000,5", 400, "comma"),
        (f"/configure?product={PRODUCT}&quantity=-3", 400, "quantity"),
        (f"/configure?product={PRODUCT}&objective=fastest", 400, "objective"),
        (f"/configure?product={PRODUCT}&start_date=tomorrow", 400, "start_date"),
        ("/configure?product=no-such-product", 400, "no-such-product"),
        ("/configure", 400, "no product"),
        (f"/configure?product={PRODUCT}&act=choose:hub=x", 400, "select:DECISION=VALUE"),
        (f"/configure?product={PRODUCT}&act=select:hub=no-such-org", 400, "no-such-org"),
        (f"/configure?product={PRODUCT}&act=select:modules.nope.source=make", 400, "no such decision"),
        (f"/configure?product={PRODUCT}&why=hub=no-such-org", 400, "no-such-org"),
        (f"/figure/nope.png?product={PRODUCT}", 404, "nope"),
        (f"/download/nope.txt?product={PRODUCT}", 404, "nope"),
        ("/plan?file=missing.yaml", 404, "missing.yaml"),
        ("/plan?id=0123", 404, "no longer"),
        ("/no/such/page", 404, "no page"),
    ],
)
def test_bad_input_is_a_4xx_page_and_the_server_keeps_serving(
    client: TestClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert "<!DOCTYPE html>" in response.text and "Traceback" not in response.text
    assert message in html.unescape(response.text)
    assert client.get("/").status_code == 200


def test_bad_plan_uploads_are_400(client: TestClient) -> None:
    cases = [
        ({"planfile": ("plan.yaml", b"entries: [", "text/yaml")}, "plan.yaml"),
        ({"planfile": ("plan.yaml", b"entries:\n  - {product: nothing-like-it}\n", "text/yaml")}, "nothing-like-it"),
        ({"planfile": ("plan.exe", b"MZ", "application/octet-stream")}, "YAML, JSON or TOML"),
        ({}, "no plan file"),
    ]
    for files, message in cases:
        response = client.post("/plan", files=files, follow_redirects=False)
        assert response.status_code == 400, response.text
        assert message in html.unescape(response.text)
    assert client.get("/plan").status_code == 200


#: The query of the step whose downloads are checked: the hub selected.
DOWNLOAD_QUERY = f"product={PRODUCT}&act=select:hub=sayama-mould"


@pytest.mark.parametrize(
    ("name", "verify", "hub_of"),
    [
        ("solution.json", verify_solution, lambda data: data["candidates"][0]["hub"]),
        ("configuration.json", verify_configuration, lambda data: data["best"]["hub"]),
    ],
)
def test_json_downloads_verify(
    catalog: Catalog,
    client: TestClient,
    name: str,
    verify: Callable[[Catalog, Request, Any], list[str]],
    hub_of: Callable[[Any], str],
) -> None:
    """The solution and the decision table of a step are attachments the verifier accepts, with the hub selected."""
    response = client.get(f"/download/{name}?{DOWNLOAD_QUERY}")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    data = parse_document(response.text, "json").data
    assert verify(catalog, request_from_data(data["request"]), data) == []
    assert hub_of(data) == "sayama-mould"


def test_report_and_workbook_downloads(client: TestClient) -> None:
    query = DOWNLOAD_QUERY
    report = client.get(f"/download/report.html?{query}")
    assert report.status_code == 200 and PRODUCT in report.text and report.text.startswith("<!DOCTYPE html>")
    workbook = client.get(f"/download/solution.xlsx?{query}")
    openpyxl = pytest.importorskip("openpyxl")
    if workbook.status_code == 501:  # the export module is not there: the page says so
        assert "XLSX" in workbook.text
        return
    assert workbook.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert "candidates" in sheets


def test_figures_are_png(client: TestClient) -> None:
    for name in ("gantt", "network", "cost"):
        response = client.get(f"/figure/{name}.png?product={PRODUCT}&start_date=2027-04-01")
        assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    dated = client.get(f"/configure?product={PRODUCT}&start_date=2027-04-01&workdays=1")
    assert dated.status_code == 200 and "day 0 is <b>2027-04-01</b>" in dated.text and "ready 2027-" in dated.text


def test_two_tabs_do_not_interfere(client: TestClient) -> None:
    base = f"/configure?product={PRODUCT}"
    first = table_rows(client.get(base).text)
    hubs = [k[1] for k, r in first.items() if k[0] == "hub" and r["status"] == "possible"]
    assert len(hubs) >= 2
    tab_a, tab_b = (first[("hub", hub)]["links"]["select"] for hub in hubs[:2])
    for _ in range(2):  # interleaved: A, B, A, B
        for url, hub in ((tab_a, hubs[0]), (tab_b, hubs[1])):
            page = client.get(url)
            rows = table_rows(page.text)
            chosen = [k[1] for k, r in rows.items() if k[0] == "hub" and "✔" in r["cells"].get("mark", "")]
            assert chosen == [hub]


def test_the_url_holds_the_state() -> None:
    ask, acts = read_query(
        [
            ("product", "p"),
            ("quantity", "１,５００"),
            ("budget", ""),
            ("act", "select:hub=h"),
            ("act", "rule_out:m=buy:x"),
        ]
    )
    assert ask.fields == (("product", "p"), ("quantity", "1500"))
    assert acts == (Act("select", "hub", "h"), Act("rule_out", "m", "buy:x"))
    url = configure_url(ask, acts)
    again = read_query(urllib.parse.parse_qsl(url.split("?", 1)[1]))
    assert again == (ask, acts)


def test_a_plan_upload_shows_each_entry_and_the_load(catalog: Catalog, client: TestClient, tmp_path: Path) -> None:
    posted = client.post(
        "/plan", files={"planfile": ("sonar.yaml", ONE_ENTRY_PLAN, "text/yaml")}, follow_redirects=False
    )
    assert posted.status_code == 303
    page = client.get(posted.headers["location"])
    assert page.status_code == 200 and "sonar" in page.text and 'id="loads"' in page.text
    key = posted.headers["location"].split("id=")[1]
    plan_json = client.get(f"/plan/download/plan.json?id={key}")
    from modcluster import load_plan_request, verify_plan

    document = parse_document(plan_json.text, "json").data
    total = format_money(sum(e["system"]["cost"] for e in document["entries"]))
    assert f'<b id="plan-total">{total}</b>' in page.text
    plan_file = tmp_path / "sonar.yaml"
    plan_file.write_bytes(ONE_ENTRY_PLAN)
    assert verify_plan(catalog, load_plan_request(plan_file, catalog), document) == []
    for name in ("plan-gantt.png", "plan-load.png"):
        assert client.get(f"/plan/figure/{name}?id={key}").content.startswith(b"\x89PNG")


def _serve(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "modcluster", "serve", *args]
    return subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_a_real_server_answers_and_stops_cleanly_on_ctrl_c() -> None:
    server = _serve(str(TAMA), "--port", "0")
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        with urllib.request.urlopen(found.group(0), timeout=30) as response:
            assert response.status == 200
        try:
            urllib.request.urlopen(found.group(0) + "configure?product=nope", timeout=30)
        except urllib.error.HTTPError as exc:
            assert exc.code == 400
        with urllib.request.urlopen(found.group(0), timeout=30) as response:
            assert response.status == 200  # still serving
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, err
    assert "Traceback" not in err and "stopped" in err


def test_a_bad_catalog_is_refused_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\norganizations: [\n", encoding="utf-8")
    server = _serve(str(bad), "--port", "0")
    _, err = server.communicate(timeout=60)
    assert server.returncode == 2 and "bad.yaml" in err and "serving" not in err


# --------------------------------------------------------------------------- the weights of ``weighted``


def _weights_form(page: str) -> list[tuple[str, str]]:
    """The fields of the page's weights form, hidden ones included, as a browser would submit them."""
    form = re.search(r'<form class="weights" id="weights-form"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None, "no weights form on the page"
    fields = re.findall(r'<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"', form.group(1))
    return [(html.unescape(name), html.unescape(value)) for name, value in fields]


def _weighted(catalog: Catalog, **weights: Any) -> Configuration:
    overrides = {"time_limit": 10, "objective": "weighted", **({"weights": weights} if weights else {})}
    return Configurator(catalog, build_request(catalog, PRODUCT, None, overrides)).options()


def test_weighted_without_weights_shows_the_default_weights_and_what_they_rank_by(
    catalog: Catalog, client: TestClient
) -> None:
    """The product has no weights: the defaults (cost 1, lead time 0) are shown, and that they rank by cost."""
    assert catalog.product_by_id[PRODUCT].request.objective.value == "cost"  # type: ignore[union-attr]
    page = client.get(f"/configure?product={PRODUCT}&objective=weighted")
    assert page.status_code == 200, page.text
    assert '<b id="weight-cost">1</b>' in page.text and '<b id="weight-lead-time">0</b>' in page.text
    assert "this ranks as the cost objective does" in page.text
    assert_page_is_the_library(page.text, _weighted(catalog))
    by_cost = client.get(f"/configure?product={PRODUCT}")
    assert 'id="weights"' not in by_cost.text and 'id="weights-form"' not in by_cost.text  # not used: not shown


def test_weights_in_the_url_rank_the_table_and_the_form_changes_them_keeping_the_selection(
    catalog: Catalog, client: TestClient
) -> None:
    table = _weighted(catalog, lead_time=100)
    cost_table = _weighted(catalog)
    assert table.best is not None and cost_table.best is not None
    assert (table.best.cost, table.best.lead_time) != (cost_table.best.cost, cost_table.best.lead_time)
    page = client.get(f"/configure?product={PRODUCT}&objective=weighted&weight_lead_time=100")
    assert page.status_code == 200, page.text
    assert '<b id="weight-cost">1</b>' in page.text and '<b id="weight-lead-time">100</b>' in page.text
    assert 'id="weights-note"' not in page.text  # both weights count
    assert_page_is_the_library(page.text, table)

    hub = table.best.hub
    selected = client.get(table_rows(page.text)[("hub", hub)]["links"]["select"])
    assert selected.status_code == 200
    fields = _weights_form(selected.text)
    assert ("act", f"select:hub={hub}") in fields and ("objective", "weighted") in fields
    assert dict(fields)["weight_lead_time"] == "100"
    changed = [(n, "0" if n == "weight_lead_time" else v) for n, v in fields]
    again = client.get("/configure?" + urllib.parse.urlencode(changed))
    assert again.status_code == 200, again.text
    assert '<b id="weight-lead-time">0</b>' in again.text
    mark = table_rows(again.text)[("hub", hub)]["cells"]["mark"]
    assert mark == "✔"  # the selection survived the new weights
    conf = Configurator(
        catalog, build_request(catalog, PRODUCT, None, {"time_limit": 10, "objective": "weighted"})
    ).select("hub", hub)
    assert_page_is_the_library(again.text, conf.options())


def test_both_weights_zero_is_accepted_and_said(client: TestClient) -> None:
    """MODEL.md refuses negative weights only: 0 and 0 leave every system tied, broken by cost."""
    page = client.get(f"/configure?product={PRODUCT}&objective=weighted&weight_cost=0&weight_lead_time=-0")
    assert page.status_code == 200, page.text
    assert '<b id="weight-cost">0</b>' in page.text and '<b id="weight-lead-time">0</b>' in page.text
    assert "neither weighs anything" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("weight_cost=-1", "weight_cost: a weight must not be negative"),
        ("weight_lead_time=-0.5", "weight_lead_time: a weight must not be negative"),
        ("weight_cost=abc", "weight_cost: 'abc' is not a number"),
        ("weight_lead_time=nan", "weight_lead_time: not a finite number"),
        ("weight_lead_time=1,5", "weight_lead_time: '1,5': a comma only separates thousands"),
        ("weight_cost=1e20", "weights.cost: 1E+20 is too large"),
    ],
)
def test_bad_weights_are_a_400_page(client: TestClient, query: str, message: str) -> None:
    response = client.get(f"/configure?product={PRODUCT}&objective=weighted&{query}")
    assert response.status_code == 400
    assert "Traceback" not in response.text and message in html.unescape(response.text)


def test_the_first_page_takes_the_weights(client: TestClient) -> None:
    home = client.get("/")
    assert 'name="weight_cost"' in home.text and 'name="weight_lead_time"' in home.text
    ask, _acts = read_query([("product", "p"), ("weight_cost", "0.75"), ("weight_lead_time", "1,200")])
    assert ask.overrides()["weights"] == {"cost": Decimal("0.75"), "lead_time": Decimal(1200)}
    assert read_query([("product", "p"), ("weight_cost", "")])[0].overrides() == {}  # blank: the product's


# --------------------------------------------------------------------------- quantities


def test_quantities_have_the_thousands_separators_money_has(catalog: Catalog, client: TestClient) -> None:
    default = catalog.product_by_id[PRODUCT].request.quantity  # type: ignore[union-attr]
    assert default >= 1000  # a quantity that takes a separator
    home = client.get("/")
    assert f"default quantity {default:,}" in home.text
    page = client.get(f"/configure?product={PRODUCT}&quantity=1500")
    assert page.status_code == 200 and '<b id="quantity">1,500</b>' in page.text
    posted = client.post(
        "/plan", files={"planfile": ("sonar.yaml", ONE_ENTRY_PLAN, "text/yaml")}, follow_redirects=False
    )
    plan = client.get(posted.headers["location"])
    entries = re.search(r'<table class="entries" id="entries">.*?</table>', plan.text, re.S)
    assert entries is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", entries.group(0))
    assert cells[2] == f"{default:,}"  # the qty column
