"""The policies analysis (``modcluster policies``): values, moved work and rivals against independent answers.

On ``catalogs/examples/policies.yaml`` each policy's value is checked against
two independent routes: the engine solving the catalog with and without the
policy, and the brute force of :mod:`tests.bruteforce` (which prices the
policies on its own). The work by city is recomputed here from the catalog's
offers; the competing pair and the command's output, exit codes and errors
are checked as a user meets them, the HTML report too.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from modcluster import build_request, catalog_from_data, load_catalog, solve
from modcluster.analysis import PolicyValue, people_value, policy_value
from modcluster.cli import main
from modcluster.domain import Candidate, Catalog, Status
from modcluster.report import ProductReport, build_report
from tests.bruteforce import candidate_classes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "catalogs" / "examples" / "policies.yaml"
PEOPLE = ROOT / "catalogs" / "examples" / "people.yaml"
BIN = ROOT / ".venv" / "bin" / "modcluster"
PRODUCT = "inspection-camera"
FUND, HACHIOJI, SAYAMA = "sagamihara-robot-fund", "hachioji-monozukuri", "sayama-startup"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(EXAMPLE)


@pytest.fixture(scope="module")
def value(catalog: Catalog) -> PolicyValue:
    return policy_value(catalog)


def _without(catalog: Catalog, policy: str) -> Catalog:
    return catalog.replace(policies=tuple(p for p in catalog.policies or () if p.id != policy))


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, run as a user runs it."""
    exe = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "modcluster"]
    env = {k: v for k, v in os.environ.items() if k != "MODCLUSTER_DEBUG"}
    return subprocess.run([*exe, *args], capture_output=True, text=True, check=False, cwd=ROOT, env=env)


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The same command in-process (quicker): exit code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- the values


def test_each_value_is_the_difference_of_two_independent_solves(catalog: Catalog, value: PolicyValue) -> None:
    request = build_request(catalog, PRODUCT).with_changes(candidates=1)
    with_all = solve(catalog, request)
    assert with_all.status is Status.OPTIMAL and with_all.best is not None
    brute_all = candidate_classes(catalog, request)[0]
    assert with_all.best.cost == brute_all.cost == Decimal("2720.00")
    for policy in catalog.policies or ():
        rest = _without(catalog, policy.id)
        without = solve(rest, request)
        assert without.status is Status.OPTIMAL and without.best is not None
        assert without.best.cost == candidate_classes(rest, request)[0].cost
        row = value.effect(policy.id, PRODUCT)
        assert (row.cost_with, row.cost_without) == (with_all.best.cost, without.best.cost)
        assert row.value == without.best.cost - with_all.best.cost
        assert row.status == "proven" and row.proven
    # By hand from the catalog: without the fund the machining goes to Hachioji Koki (3,890 gross
    # less Hachioji's 220 and Sayama's 250); without Sayama's policy its 250 refund is lost.
    assert {r.policy: r.value for r in value.effects} == {
        FUND: Decimal("700.00"),
        HACHIOJI: Decimal("0.00"),
        SAYAMA: Decimal("250.00"),
    }
    assert value.to_dict()["policies"][0] == {
        "policy": FUND,
        "sites": ["Sagamihara"],
        "improves": [PRODUCT],
        "unlocks": [],
    }


def test_the_baseline_is_the_request_with_policies_false(catalog: Catalog, value: PolicyValue) -> None:
    request = build_request(catalog, PRODUCT).with_changes(candidates=1, policies=False)
    none = solve(catalog, request)
    assert none.status is Status.INFEASIBLE and candidate_classes(catalog, request) == []
    (baseline,) = value.baselines
    assert (baseline.product, baseline.cost_with, baseline.subsidies) == (PRODUCT, Decimal("2720.00"), Decimal(1450))
    assert (baseline.cost_without, baseline.status_without, baseline.status, baseline.value) == (
        None,
        "infeasible",
        "unlocks",
        None,
    )
    # without the budget the baseline has a cost, and every policy together is worth the difference
    data = yaml.safe_load(EXAMPLE.read_text())
    del data["products"][0]["request"]["limits"]["budget"]
    loose = catalog_from_data(data)
    (b,) = policy_value(loose).baselines
    brute = candidate_classes(loose, build_request(loose, PRODUCT).with_changes(policies=False))[0]
    assert (b.status, b.cost_without, b.value) == ("proven", brute.cost, brute.cost - Decimal("2720.00"))


def test_a_policy_without_which_the_budget_is_out_of_reach_unlocks_the_product() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["products"][0]["request"]["limits"]["budget"] = 3000  # the fund's absence costs 3,420
    value = policy_value(catalog_from_data(data))
    statuses = {r.policy: (r.status, r.value, r.cost_without) for r in value.effects}
    assert statuses == {
        FUND: ("unlocks", None, None),
        HACHIOJI: ("proven", Decimal(0), Decimal("2720.00")),
        SAYAMA: ("proven", Decimal(250), Decimal("2970.00")),
    }
    assert value.to_dict()["policies"][0]["unlocks"] == [PRODUCT]


# --------------------------------------------------------------------------- the work by city


def _work_by_hand(catalog: Catalog, candidate: Candidate, quantity: int) -> dict[str, Decimal]:
    """Gross work by city, from the offers: steps and bought modules at their doer's site, integration at the hub's."""
    out: dict[str, Decimal] = {}

    def add(org_id: str, amount: Decimal) -> None:
        site = catalog.org_by_id[org_id].site or "(no site)"
        out[site] = out.get(site, Decimal(0)) + amount

    assert all(link.matched for link in candidate.links) and candidate.person is None  # no bridges, no fee here
    add(candidate.hub, catalog.org_by_id[candidate.hub].design_fee)
    for module in candidate.modules:
        if module.source == "buy":
            assert module.organization is not None
            offer = next(o for o in catalog.org_by_id[module.organization].modules if o.offer_id == module.offer)
            add(module.organization, offer.setup_cost + offer.unit_cost * quantity)
        for step in module.steps:
            proc = next(p for p in catalog.org_by_id[step.organization].processes if p.offer_id == step.offer)
            add(step.organization, proc.setup_cost + proc.unit_cost * quantity)
        assert module.seed is None
    return out


def test_the_work_moved_is_recomputed_from_the_offers(catalog: Catalog, value: PolicyValue) -> None:
    request = build_request(catalog, PRODUCT).with_changes(candidates=1)
    with_all = solve(catalog, request).best
    assert with_all is not None
    for row in value.effects:
        without = solve(_without(catalog, row.policy), request).best
        assert without is not None
        a = _work_by_hand(catalog, with_all, request.quantity)
        b = _work_by_hand(catalog, without, request.quantity)
        assert {w.city: (w.with_policy, w.without_policy) for w in row.work} == {
            city: (a.get(city, Decimal(0)), b.get(city, Decimal(0))) for city in set(a) | set(b)
        }
    fund = value.effect(FUND, PRODUCT)
    assert [(w.city, w.change) for w in fund.gains] == [("Sagamihara", Decimal(1380))]  # 420 + 24 x 40
    assert [(w.city, w.change) for w in fund.losses] == [("Hachioji", Decimal(-1100))]  # 300 + 20 x 40
    assert value.effect(HACHIOJI, PRODUCT).gains == value.effect(SAYAMA, PRODUCT).losses == ()
    assert fund.to_dict()["gains"] == ["Sagamihara"] and fund.to_dict()["losses"] == ["Hachioji"]


# --------------------------------------------------------------------------- competing policies


def test_the_fund_and_hachioji_compete_for_the_machining_step(value: PolicyValue) -> None:
    (pair,) = value.competing
    assert (pair.first, pair.second, pair.first_sites, pair.second_sites) == (
        FUND,
        HACHIOJI,
        ("Sagamihara",),
        ("Hachioji",),
    )
    assert [(s.product, s.slot, s.kind, s.first, s.second) for s in pair.slots] == [
        (PRODUCT, "modules.housing.steps.1", "steps", ("sagami-seimitsu",), ("hachioji-koki",))
    ]
    # removing the fund moves the machining into Hachioji; removing Hachioji's moves nothing south
    assert pair.moves == ((PRODUCT, True, False),)


def test_policies_of_one_city_never_compete() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["policies"][1]["sites"] = ["Sagamihara", "Hachioji"]  # now shares a city with the fund
    data["policies"][1]["share"] = 0.5  # shares of one org and kind still add up to 1 at most
    assert policy_value(catalog_from_data(data)).competing == ()


def test_a_policy_on_the_hub_competes_with_another_city_on_the_hub() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["policies"].append({"id": "hachioji-hub", "sites": ["Hachioji"], "share": 0.1, "applies_to": ["integration"]})
    value = policy_value(catalog_from_data(data))
    rivals = {(c.first, c.second): c for c in value.competing}
    hub = rivals[(SAYAMA, "hachioji-hub")]
    assert [(s.slot, s.kind, s.first, s.second) for s in hub.slots] == [
        ("hub", "integration", ("sayama-devices",), ("hachioji-vision",))
    ]
    assert (HACHIOJI, "hachioji-hub") not in rivals  # one city


# --------------------------------------------------------------------------- honest when out of time


def test_out_of_time_no_value_is_given() -> None:
    value = policy_value(load_catalog(EXAMPLE), seconds=0)
    assert value.effects and not value.proven and not value.decided
    for row in value.effects:
        assert row.value is None and row.status == "unknown" and not row.proven
    assert all(m == (PRODUCT, None, None) for c in value.competing for m in c.moves)
    assert value.baselines[0].value is None


def test_products_are_chosen_and_checked(catalog: Catalog) -> None:
    from modcluster.errors import RequestError

    value = policy_value(catalog, [PRODUCT, PRODUCT])
    assert [b.product for b in value.baselines] == [PRODUCT]
    with pytest.raises(RequestError, match="nope"):
        policy_value(catalog, ["nope"])


def test_a_catalog_without_policies_has_nothing_to_value() -> None:
    value = policy_value(load_catalog(PEOPLE))
    assert (value.policies, value.effects, value.baselines, value.competing) == ((), (), (), ())
    assert value.to_dict() == {"policies": [], "baselines": [], "effects": [], "competing": [], "proven": True}


# --------------------------------------------------------------------------- the command


def test_the_command_prints_json_and_exits_0() -> None:
    done = _command("policies", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    values = {(e["policy"], e["product"]): (e["status"], e["value"]) for e in data["effects"]}
    assert values == {
        (FUND, PRODUCT): ("proven", 700),
        (HACHIOJI, PRODUCT): ("proven", 0),
        (SAYAMA, PRODUCT): ("proven", 250),
    }
    assert data["baselines"][0]["status"] == "unlocks" and data["baselines"][0]["cost_with_no_policy"] is None
    assert data["competing"][0]["policies"] == [FUND, HACHIOJI]
    assert data["competing"][0]["moves"] == [
        {"product": PRODUCT, "without_first_into_second": True, "without_second_into_first": False}
    ]
    assert data["proven"] is True


def test_the_command_table_and_product_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "policies", str(EXAMPLE), "--product", PRODUCT)
    assert code == 0, err
    assert "Sagamihara +1,380.00" in out and "Hachioji -1,100.00" in out
    assert "modules.housing.steps.1" in out


def test_the_command_out_of_time_exits_4_and_gives_no_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "policies", str(EXAMPLE), "--time-limit", "0.000001", "--json")
    assert code == 4, err
    data = json.loads(out)
    assert all(e["value"] is None and e["status"] == "unknown" for e in data["effects"])
    assert data["proven"] is False


def test_the_command_refuses_a_bad_catalog_with_a_located_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text().replace("share: 0.2,", "share: 2,")
    assert text != EXAMPLE.read_text()
    bad.write_text(text)
    done = _command("policies", str(bad), "--json")
    assert done.returncode == 2
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "share: 2," in t)
    assert re.search(rf"bad\.yaml:{line}:\d+: policies\[1\]\.share: a share is at most 1", done.stderr), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_the_command_refuses_bad_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "policies", str(EXAMPLE), "--product", "nope")
    assert code == 2 and out == "" and "unknown products: nope" in err and PRODUCT in err
    with pytest.raises(SystemExit) as exc:
        main(["policies", str(EXAMPLE), "--time-limit", "0"])
    assert exc.value.code == 2 and "positive" in capsys.readouterr().err


def test_the_command_on_a_catalog_without_policies_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "policies", str(PEOPLE))
    assert code == 0, err
    assert out.strip() == "the catalog has no policies: there is nothing to value"
    code, out, err = _main(capsys, "policies", str(PEOPLE), "--json")
    assert code == 0 and json.loads(out)["policies"] == []
    assert "the catalog has no policies" in err


# --------------------------------------------------------------------------- the HTML report


def _report(path: Path) -> tuple[Catalog, Any]:
    catalog = load_catalog(path)
    items = []
    for product in catalog.products:
        request = build_request(catalog, product.id)
        items.append(ProductReport(request, solve(catalog, request)))
    policies = policy_value(catalog) if catalog.policies else None
    people = people_value(catalog) if catalog.people else None
    return catalog, build_report(catalog, items, people=people, policies=policies)


def test_the_report_carries_the_policies_analysis_and_its_figure(value: PolicyValue) -> None:
    from matplotlib.patches import Rectangle

    from modcluster.report.figures.analysis_charts import policy_values

    catalog, report = _report(EXAMPLE)
    page = report.html
    assert 'id="analysis-policies"' in page and 'href="#analysis-policies"' in page
    assert "analysis-policies.png" in report.images and 'alt="Value of each policy per product"' in page
    section = page[page.index('id="analysis-policies"') :]
    assert "modules.housing.steps.1" in section and "Sagamihara +1,380.00" in section and "700.00" in section
    # the cost table shows the refunds subtracted and the net total
    assert '<td>subsidies (subtracted)</td><td class="num">−1,450.00</td>' in page
    assert '<td>total (net)</td><td class="num">2,720.00</td>' in page
    assert "analysis-people" not in page  # no people in this catalog
    fig = policy_values(value, money=catalog.units.money)
    bars = {p.get_gid(): p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_gid()}
    assert {k: bars[k].get_width() for k in bars} == {
        f"policy:{FUND}:{PRODUCT}": 700.0,
        f"policy:{HACHIOJI}:{PRODUCT}": 0.0,
        f"policy:{SAYAMA}:{PRODUCT}": 250.0,
    }


def test_the_report_carries_the_people_analysis_and_the_fee() -> None:
    _catalog, report = _report(PEOPLE)
    page = report.html
    assert 'id="analysis-people"' in page and "analysis-people.png" in report.images
    assert "analysis-policies" not in page
    section = page[page.index('id="analysis-people"') :]
    assert "kimura" in section and "mitaka-optics" in section and "630.00" in section
    assert re.search(r"<td>people \(placement fee of \w+\)</td><td class=\"num\">[\d,.]+</td>", page)
    assert "subsidies" not in page


def test_an_unproven_policy_value_draws_no_bar() -> None:
    from matplotlib.patches import Rectangle

    from modcluster.report.figures.analysis_charts import policy_values

    unproven = policy_value(load_catalog(EXAMPLE), seconds=0)
    fig = policy_values(unproven)
    widths = [p.get_width() for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_gid()]
    assert widths == [0.0, 0.0, 0.0]
    assert any(t.get_text().strip() == "unknown" for t in fig.axes[0].texts)


def test_the_analysis_json_is_plain_data(value: PolicyValue) -> None:
    from modcluster.domain import dumps

    data: dict[str, Any] = json.loads(dumps(value.to_dict()))
    assert copy.deepcopy(data) == data and set(data) == {"policies", "baselines", "effects", "competing", "proven"}
