"""Golden plans: small plans whose optima were computed by hand from MODEL.md v1.1 ("Plans").

Each ``tests/golden/plans/*.yaml`` holds a ``catalog``, a ``plan`` (the plan
request) and an ``expect`` block; the comments of each file give the rule it
exercises and the hand computation. ``expect`` gives the status, the totals,
each entry's cost, lead time, hub, sources (module id to ``buy:<org>`` or
``make``), the onboarding it pays and optionally its first module's start
day; each entry alone; the price of sharing; and for an impossible plan the
conflict, whether it is the smallest, and the least extra days and money.

Every fixture runs on the engine's defaults and on the plain model (one CP-SAT
model of every entry, no hints), and every plan returned has passed the
verifier (:func:`modcluster.plan` checks it).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster import catalog_from_data, plan, plan_request_from_data
from modcluster.domain import Plan, Status
from modcluster.solver import SolverSettings
from tests.test_golden import _load_any

GOLDEN = Path(__file__).parent / "golden" / "plans"
FIXTURES = sorted(GOLDEN.glob("*.yaml"))
PATHS = {"defaults": SolverSettings(), "plain": SolverSettings(decompose=False, hint=False)}


def _sources(result: Plan, index: int) -> dict[str, str]:
    return {
        m.id: ("make" if m.source == "make" else f"buy:{m.organization}") for m in result.entries[index].system.modules
    }


def _check_entries(result: Plan, expected: list[dict[str, Any]]) -> None:
    assert [e.id for e in result.entries] == [e["id"] for e in expected]
    for index, want in enumerate(expected):
        got = result.entries[index].system
        assert got.cost == Decimal(str(want["cost"])), want["id"]
        assert got.lead_time == want["lead_time"], want["id"]
        assert got.hub == want["hub"], want["id"]
        assert _sources(result, index) == want["sources"], want["id"]
        assert got.cost_breakdown.onboarding == Decimal(str(want["onboarding"])), want["id"]
        if "start" in want:
            first = got.modules[0]
            assert (first.start if first.source == "buy" else first.steps[0].start) == want["start"], want["id"]


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_golden_plan(fixture: Path, path: str) -> None:
    data = _load_any(fixture, {"catalog", "plan", "expect"})
    catalog = catalog_from_data(data["catalog"])
    request = plan_request_from_data(data["plan"], catalog=catalog)
    result = plan(catalog, request, PATHS[path])
    expect = data["expect"]
    assert result.status is Status(expect["status"])
    alone = [{"id": a.id, "status": a.status.value, "cost": a.cost, "lead_time": a.lead_time} for a in result.alone]
    assert alone == [
        {**a, "cost": Decimal(str(a["cost"])) if a.get("cost") is not None else None} for a in expect["alone"]
    ]
    if result.status is Status.OPTIMAL:
        assert result.total_cost == Decimal(str(expect["total_cost"]))
        assert result.total_lead_time == expect["total_lead_time"]
        assert result.makespan == expect["makespan"]
        _check_entries(result, expect["entries"])
        price = result.price_of_sharing
        assert price is not None
        assert price == {
            "cost": Decimal(str(expect["price_of_sharing"]["cost"])),
            "lead_time": expect["price_of_sharing"]["lead_time"],
        }
        assert result.explanation is None
    else:
        assert result.entries == ()
        explanation = result.explanation
        assert explanation is not None
        assert list(explanation.conflict) == expect["conflict"]
        assert explanation.smallest is expect["smallest"]
        assert explanation.extra_days == expect["extra_days"]
        want_money = expect["extra_money"]
        assert explanation.extra_money == (None if want_money is None else Decimal(str(want_money)))
        assert explanation.summary


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
def test_the_season_is_the_same_bytes_in_two_processes() -> None:
    """Same input, same output: the bundled season's plan JSON from two processes with different hash seeds."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "modcluster", "plan", "catalogs/tama.yaml", "catalogs/plans/tama-season.yaml"]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [*command, "--json", "--quiet"],
            cwd=root,
            env=env,
            capture_output=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert b'"status": "optimal"' in outputs[0]
