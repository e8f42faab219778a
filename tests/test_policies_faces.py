"""Policies (MODEL.md v1.1) as the analyses and faces show them: explain, compare, validate, sweeps, plans.

The example catalog (catalogs/examples/policies.yaml) is built so that the
levers matter: its product's budget, 3,800, is met only on the net cost
(the cheapest gross system costs 3,890.00), and Sagamihara's fund, capped,
still moves the machining from Hachioji to Sagamihara.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from modcluster import build_request, load_catalog, load_plan_request, plan, solve
from modcluster.analysis import compare, explain, intermediary_value
from modcluster.domain import Status
from modcluster.verify import verify_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "catalogs" / "examples" / "policies.yaml"


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_the_budget_is_met_on_the_net_cost_only() -> None:
    catalog = load_catalog(EXAMPLE)
    request = build_request(catalog, "inspection-camera")
    best = solve(catalog, request).best
    assert best is not None
    b = best.cost_breakdown
    assert (best.cost, b.gross, b.subsidies) == (Decimal("2720.00"), Decimal("4170.00"), Decimal("1450.00"))
    assert best.cost <= Decimal(3800) < b.gross
    ignored = solve(catalog, request.with_changes(policies=False))
    assert ignored.status is Status.INFEASIBLE


def test_explain_names_the_policies_that_would_make_it_feasible() -> None:
    catalog = load_catalog(EXAMPLE)
    request = build_request(catalog, "inspection-camera", overrides={"policies": False})
    diagnosis = explain(catalog, request)
    assert diagnosis.feasible is False
    assert diagnosis.conflict == ("budget 3800",)
    assert diagnosis.subsidised_status == "found"
    assert diagnosis.subsidised is not None and diagnosis.subsidised.cost == Decimal("2720.00")
    assert diagnosis.refunds == (("sagamihara-robot-fund", Decimal("1200.00")), ("sayama-startup", Decimal("250.00")))
    data = diagnosis.to_dict()["policies"]
    assert data["status"] == "found" and [r["policy"] for r in data["refunds"]] == [
        "sagamihara-robot-fund",
        "sayama-startup",
    ]


def test_explain_asks_nothing_of_policies_the_request_keeps() -> None:
    catalog = load_catalog(EXAMPLE)
    request = build_request(catalog, "inspection-camera", overrides={"limits": {"budget": 2000}})
    diagnosis = explain(catalog, request)
    assert diagnosis.feasible is False
    assert diagnosis.subsidised_status is None and diagnosis.refunds == ()


def test_compare_prices_the_subsidies_per_policy() -> None:
    catalog = load_catalog(EXAMPLE)
    request = build_request(catalog, "inspection-camera")
    candidates = list(solve(catalog, request).candidates[:2])
    rows = {r.label: r for r in compare(catalog, request, candidates).rows}
    subsidies = rows["subsidies"]
    assert subsidies.money == (Decimal("-1450.00"), Decimal("-1145.00"))
    assert subsidies.values[0] == "sagamihara-robot-fund 1200.00, sayama-startup 250.00"
    assert "hachioji-monozukuri 220.00" in subsidies.values[1]
    assert rows["total cost"].deltas == (Decimal(0), Decimal("25.00"))


def test_compare_has_no_subsidies_line_without_policies() -> None:
    catalog = load_catalog(ROOT / "catalogs" / "examples" / "mini.yaml")
    request = build_request(catalog)
    rows = compare(catalog, request, list(solve(catalog, request).candidates[:2])).rows
    assert "subsidies" not in [r.label for r in rows]


def test_validate_warns_of_a_policy_site_where_no_one_is(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("sites: [Sayama]", "sites: [Sayama, Ome-shi]")
    path = tmp_path / "typo.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "Ome-shi" in row)
    result = _cli("validate", str(path))
    assert result.returncode == 0, result.stderr
    assert f"{path}:{line}:" in result.stderr
    assert "policies[2].sites[1]: no organization is at 'Ome-shi'" in result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads(_cli("validate", str(path), "--json").stdout)
    assert summary["policies"] == 3 and len(summary["warnings"]) == 1


def test_validate_refuses_shares_over_one_naming_the_policies(tmp_path: Path) -> None:
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace(
            "{id: hachioji-monozukuri, sites: [Hachioji]", "{id: hachioji-monozukuri, sites: [Hachioji, Sagamihara]"
        )
        .replace("share: 0.2, applies_to: [steps]}", "share: 0.6, applies_to: [steps]}")
    )
    path = tmp_path / "over.yaml"
    path.write_text(text, encoding="utf-8")
    result = _cli("validate", str(path))
    assert result.returncode != 0
    assert "'sagamihara-robot-fund', 'hachioji-monozukuri' could together refund 1.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_sweep_with_and_without_policies(tmp_path: Path) -> None:
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(
        "schema: modcluster/sweep/1\nbase: {candidates: 1, time_limit: 5}\n"
        "grid:\n  product: all\n  policies: [true, false]\n",
        encoding="utf-8",
    )
    out, table = tmp_path / "out.jsonl", tmp_path / "out.csv"
    result = _cli("sweep", str(EXAMPLE), str(sweep), "--out", str(out), "--csv", str(table), "--quiet")
    assert result.returncode in (0, 2), result.stderr  # 2: some scenario infeasible (the documented code)
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))  # a reason may hold commas
    header, body = rows[0], rows[1:]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    on = by_id["product=inspection-camera/policies=true"]
    off = by_id["product=inspection-camera/policies=false"]
    assert (on["status"], on["cost"], on["policies"], on["reason"]) == ("optimal", "2720.00", "true", "")
    assert (off["status"], off["policies"]) == ("infeasible", "false") and off["reason"]


def test_intermediary_value_keeps_what_reads_the_members() -> None:
    """Without the on-boarding terms the fund still covers its members: only on-boarding changes."""
    catalog = load_catalog(EXAMPLE)
    value = intermediary_value(catalog)
    (product,) = value.products
    assert product.cost_with == Decimal("2720.00")
    # Every partner onboarded at the default 300 instead of 80: 3 partners, 660.00 more, same system.
    assert product.cost_without == Decimal("3380.00")


def test_a_plan_with_policies_is_verified_and_each_entry_refunded_apart(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(
        "schema: modcluster/plan-request/1\nobjective: cost\ntime_limit: 20\nentries:\n"
        "  - {id: first, product: inspection-camera, quantity: 40}\n"
        "  - {id: second, product: inspection-camera, quantity: 40, release: 5}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(EXAMPLE)
    plan_request = load_plan_request(plan_file, catalog)
    answer = plan(catalog, plan_request)
    assert answer.status is Status.OPTIMAL
    assert verify_plan(catalog, plan_request, answer) == []
    for entry in answer.entries:
        b = entry.system.cost_breakdown
        assert entry.system.cost == b.gross - b.subsidies
        assert b.subsidies <= Decimal(1200) + Decimal(250) + Decimal("0.2") * b.steps  # each cap per system
    html = tmp_path / "plan.html"
    result = _cli("plan", str(EXAMPLE), str(plan_file), "--quiet", "--html", str(html))
    assert result.returncode == 0, result.stderr
    assert "less subsidies (policies)" in html.read_text(encoding="utf-8")


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_the_report_command_shows_the_levers_within_its_time(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = _cli("report", str(EXAMPLE), "--out", str(page), "--front", "candidates", "--levers-time", "30")
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert 'id="analysis-policies"' in html and "sagamihara-robot-fund" in html
    assert "the policies analysis (at most 30 s)" in result.stderr
    bare = tmp_path / "bare.html"
    result = _cli("report", str(EXAMPLE), "--out", str(bare), "--front", "candidates", "--levers-time", "0")
    assert result.returncode == 0, result.stderr
    assert 'id="analysis-policies"' not in bare.read_text(encoding="utf-8")


def test_explain_from_the_command_line_with_no_policies() -> None:
    result = _cli("explain", str(EXAMPLE), "--no-policies")
    assert result.returncode == 1, result.stderr  # infeasible: the documented exit code
    assert "conflicting rules (minimal): budget 3800" in result.stdout
    assert (
        "applying the policies (policies: true) gives a system: hub sayama-devices, cost 2,720.00 net, 34 days; "
        "refunded by sagamihara-robot-fund 1,200.00, sayama-startup 250.00"
    ) in result.stdout
    solved = _cli("solve", str(EXAMPLE), "--no-policies", "--json")
    assert json.loads(solved.stdout)["status"] == "infeasible"
