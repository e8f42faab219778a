"""A request's own selection (``select``, ``rule_out``): a saved configuration, solved, checked and refused clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from modcluster import build_request, load_catalog, load_request, solve, verify_solution
from modcluster.configure import Configurator
from modcluster.domain import decisions_of
from modcluster.errors import RequestError

ROOT = Path(__file__).resolve().parent.parent
TAMA = load_catalog(ROOT / "catalogs" / "tama.yaml")
LASER = "laser-displacement-sensor"


def test_every_candidate_takes_the_selection() -> None:
    request = build_request(
        TAMA,
        product=LASER,
        overrides={
            "select": {"hub": "kosoku-sensing", "modules.housing.steps.1": "hachioji-5axis"},
            "rule_out": {"modules.cable.source": ["buy:tokorozawa-harness"]},
        },
    )
    solution = solve(TAMA, request)
    assert solution.candidates
    for candidate in solution.candidates:
        values = decisions_of(candidate)
        assert values["hub"] == "kosoku-sensing"
        assert values["modules.housing.source"] == "make"  # a chosen step makes its module
        assert values["modules.housing.steps.1"] == "hachioji-5axis"
        assert values["modules.cable.source"] != "buy:tokorozawa-harness"


def test_the_best_under_a_selection_is_the_configurators() -> None:
    conf = Configurator(TAMA, build_request(TAMA, product=LASER)).select("modules.head.steps.1", "mitaka-lens")
    table = conf.options()
    solved = solve(TAMA, conf.saved_request()).best
    assert table.best is not None and solved is not None
    assert (solved.cost, solved.lead_time) == (table.best.cost, table.best.lead_time)
    again = Configurator(TAMA, conf.saved_request())
    assert again.selection == conf.selection


def test_the_verifier_refuses_a_candidate_outside_the_selection() -> None:
    plain = build_request(TAMA, product=LASER, overrides={"candidates": 1})
    solution = solve(TAMA, plain)
    assert solution.best is not None and solution.best.hub != "kosoku-sensing"
    narrowed = plain.with_changes(select={"hub": "kosoku-sensing"})
    problems = verify_solution(TAMA, narrowed, solution.to_dict() | {"request": narrowed.model_dump(mode="json")})
    assert any("does not take the chosen hub=kosoku-sensing" in p for p in problems), problems
    ruled = plain.with_changes(rule_out={"hub": [solution.best.hub]})
    problems = verify_solution(TAMA, ruled, solution.to_dict() | {"request": ruled.model_dump(mode="json")})
    assert any(f"takes the ruled-out hub={solution.best.hub}" in p for p in problems), problems


@pytest.mark.parametrize(
    ("entry", "place", "words"),
    [
        ("select: {hubb: kosoku-sensing}", "select.hubb", "no decision 'hubb'"),
        ("select: {modules.head.steps.3: mitaka-lens}", "select.modules.head.steps.3", "module head has 2 step(s)"),
        ("select: {modules.head.seed: mitaka-photonics/none}", "select.modules.head.seed", "has no seed 'none'"),
        ("rule_out: {modules.cable.source: [buy:nobody]}", "rule_out.modules.cable.source[0]", "unknown organization"),
        ("select: {modules.cable.source: make}", "select.modules.cable.source", "cannot be made"),
    ],
)
def test_a_wrong_entry_is_refused_at_its_place(tmp_path: Path, entry: str, place: str, words: str) -> None:
    path = tmp_path / "request.yaml"
    path.write_text(f"product: {LASER}\n{entry}\n")
    done = subprocess.run(
        [sys.executable, "-m", "modcluster", "solve", str(ROOT / "catalogs" / "tama.yaml"), "--request", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert f"{path}:2:" in done.stderr and place in done.stderr and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_ineligible_value_is_refused_with_the_eligible_ones(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"product: {LASER}\nselect: {{hub: kawagoe-optical}}\n")
    request = load_request(path)
    with pytest.raises(RequestError, match=r"select\.hub: 'kawagoe-optical' is not an eligible value of hub"):
        solve(TAMA, build_request(TAMA, product=LASER, overrides={"select": dict(request.select)}))


def test_a_request_may_select_the_person_decision() -> None:
    """v1.1: ``person`` is a decision of a catalog with people (what the configurator saves); a typo is refused."""
    cat = load_catalog("catalogs/tama.yaml")
    placed = solve(cat, build_request(cat, "laser-displacement-sensor", overrides={"select": {"person": "kimura"}}))
    assert placed.best is not None and placed.best.person == "kimura"
    nobody = solve(cat, build_request(cat, "laser-displacement-sensor", overrides={"select": {"person": "none"}}))
    assert nobody.best is not None and nobody.best.person is None
    with pytest.raises(RequestError, match=r"select\.person: unknown person 'kimra'"):
        build_request(cat, "laser-displacement-sensor", overrides={"select": {"person": "kimra"}})
    mini = load_catalog("catalogs/examples/mini.yaml")
    with pytest.raises(RequestError, match=r"no decision 'person'"):
        build_request(mini, overrides={"select": {"person": "none"}})
