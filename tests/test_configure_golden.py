"""Golden decision tables: small configurations whose tables were computed by hand from MODEL.md v1.1.

Each ``tests/golden/configure/*.yaml`` holds a ``catalog``, a ``request``, a
``selection`` (``select`` and ``rule_out``: lists of ``decision=value``, applied
in that order) and an ``expect`` block; the comments of each file give the
rule it exercises and the hand computation. ``expect`` gives ``best`` (its
``cost``, ``lead_time`` and ``hub``, or null when no system is left),
``conflict`` (the smallest conflicting set of choices, or null), and every
decision listed by the table, in table order, with every value in order: its
``status``, ``selected`` (default false), and for a possible value its
``cost`` and ``lead_time``; ``why``, where given, is the value's smallest
excluding set (compared as a set: the order of the parts is not part of it).

Every table is also checked against the exhaustive reference
(tests/bruteforce_configure.py), so a hand computation and the reference
cannot drift apart unnoticed, and it passes the independent verifier.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster import catalog_from_data, request_from_data
from modcluster.configure import Configurator
from modcluster.domain import Configuration, ValueStatus, parse_assignment
from modcluster.verify.configuration import verify_configuration
from tests.bruteforce_configure import Reference
from tests.test_golden import _load_any

GOLDEN = Path(__file__).parent / "golden" / "configure"
FIXTURES = sorted(GOLDEN.glob("*.yaml"))


def _configure(data: dict[str, Any]) -> tuple[Configurator, Configuration]:
    catalog = catalog_from_data(data["catalog"])
    request = request_from_data({"time_limit": 60, **data["request"]})
    conf = Configurator(catalog, request)
    for text in data["selection"]["select"]:
        conf = conf.select(*parse_assignment(text))
    for text in data["selection"]["rule_out"]:
        conf = conf.rule_out(*parse_assignment(text))
    table = conf.options(explain=True)
    assert verify_configuration(catalog, request, table) == []
    return conf, table


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def test_there_are_golden_configurations() -> None:
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_golden_configuration(fixture: Path) -> None:
    data = _load_any(fixture, {"catalog", "request", "selection", "expect"})
    conf, table = _configure(data)
    expect = data["expect"]
    assert table.complete
    best = expect["best"]
    if best is None:
        assert table.best is None
    else:
        assert table.best is not None
        assert (table.best.cost, table.best.lead_time, table.best.hub) == (
            _money(best["cost"]),
            best["lead_time"],
            best["hub"],
        )
    want_conflict = expect["conflict"]
    assert (None if table.conflict is None else set(table.conflict)) == (
        None if want_conflict is None else set(want_conflict)
    )
    wanted: dict[str, dict[str, dict[str, Any]]] = expect["decisions"]
    assert [r.decision for r in table.decisions] == list(wanted)
    for row in table.decisions:
        assert [v.value for v in row.values] == list(wanted[row.decision]), row.decision
        for v in row.values:
            want = wanted[row.decision][v.value]
            where = f"{row.decision}={v.value}"
            assert v.status.value == want["status"], where
            assert v.selected is want.get("selected", False), where
            if v.status is ValueStatus.POSSIBLE:
                assert (v.cost, v.lead_time) == (_money(want["cost"]), want["lead_time"]), where
                assert v.proven, where
            else:
                assert "cost" not in want and v.system is None, where
            if "why" in want:
                assert v.why is not None and set(v.why) == set(want["why"]), f"{where}: why {v.why}"
                assert len(v.why) == len(want["why"]), where
                blame = conf.why(row.decision, v.value)
                assert blame is not None and set(blame.parts) == set(want["why"]), f"{where}: why() {blame}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_golden_configuration_agrees_with_brute_force(fixture: Path) -> None:
    """The hand computation, read by the exhaustive reference: same statuses, figures, best and smallest sets."""
    data = _load_any(fixture, {"catalog", "request", "selection", "expect"})
    conf, _ = _configure(data)
    catalog = catalog_from_data(data["catalog"])
    request = request_from_data(data["request"])
    ref = Reference(catalog, request)
    selection = conf.selection
    table = ref.table(selection)
    expect = data["expect"]
    if expect["best"] is None:
        assert table.best is None
    else:
        assert table.best is not None
        assert (table.best.cost, table.best.lead_time) == (_money(expect["best"]["cost"]), expect["best"]["lead_time"])
    listed = set()
    for decision, values in expect["decisions"].items():
        for value, want in values.items():
            got = table.possible.get((decision, value))
            listed.add((decision, value))
            if want["status"] == "possible":
                assert got is not None, f"{decision}={value}"
                assert (got.cost, got.lead_time) == (_money(want["cost"]), want["lead_time"]), f"{decision}={value}"
            else:
                assert got is None, f"{decision}={value}"
            if "why" in want:
                assert ref.excluding_sets(selection, (decision, value)) == [tuple(want["why"])], f"{decision}={value}"
    assert set(table.possible) <= listed
    if expect["conflict"] is not None:
        sets = ref.excluding_sets(selection, None, blame_limits=False)
        assert sets == [tuple(expect["conflict"])]
