"""Catalog versions (``modcluster diff``): the catalog change, the answers side by side, the CLI and the HTML section.

The golden files in ``tests/golden/versions/`` hold what the diffs must be;
``MODCLUSTER_REGEN_GOLDEN=1`` rewrites them from the code (then read the
change before committing it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster import load_catalog
from modcluster.analysis import VersionsDiff, diff_answers, diff_catalogs
from modcluster.analysis.versions import ADDED, CHANGED, REMOVED, Question, entity_labels
from modcluster.cli import main
from modcluster.domain import Catalog, Relationship, default_request, dumps
from modcluster.io import catalog_from_data
from modcluster.report.versions import render_versions, versions_html
from tests.profiles import examples

ROOT = Path(__file__).resolve().parent.parent
TAMA = ROOT / "catalogs" / "tama.yaml"
TAMA_2003 = ROOT / "catalogs" / "versions" / "tama-2003.yaml"
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "versions"

CATALOG = load_catalog(TAMA)
CATALOG_2003 = load_catalog(TAMA_2003)


# --------------------------------------------------------------------------- the empty diff


def test_a_catalog_against_itself_is_an_empty_diff_and_every_answer_unchanged() -> None:
    assert diff_catalogs(CATALOG, CATALOG).empty
    assert diff_catalogs(CATALOG, load_catalog(TAMA)).empty  # equal, not the same objects
    answers = diff_answers(CATALOG, CATALOG)
    assert [a.label for a in answers.answers] == [p.id for p in CATALOG.products]
    assert {a.verdict for a in answers.answers} == {"unchanged"}
    assert answers.proven and not answers.changed
    for a in answers.answers:
        assert (a.cost_delta, a.lead_time_delta, a.joined, a.left, a.rank_changes) == (Decimal(0), 0, (), (), ())


def test_the_same_catalog_in_another_format_is_an_empty_diff() -> None:
    as_json = catalog_from_data(json.loads(dumps(CATALOG.model_dump(mode="python", by_alias=True))))
    assert diff_catalogs(CATALOG, as_json).empty


def test_defaults_written_out_equal_defaults_left_out() -> None:
    data = yaml.safe_load(MINI.read_text())
    data["organizations"][0]["capacity"] = 1  # the default
    data["organizations"][0]["processes"][0]["unit_cost"] = Decimal("8.50")  # 8.5 written another way
    assert diff_catalogs(load_catalog(MINI), catalog_from_data(data)).empty


def test_a_boolean_never_equals_a_number() -> None:
    data = yaml.safe_load(MINI.read_text())
    data["organizations"][3]["seeds"][0]["attributes"]["trl"] = True
    changes = diff_catalogs(load_catalog(MINI), catalog_from_data(data)).changes
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("organizations[mini-lab].seeds[laser-01].attributes[trl]", 4, True)
    ]


# --------------------------------------------------------------------------- golden diffs


def _mini_edits() -> Catalog:
    """The mini catalog with one edit of nearly every kind of entity."""
    data = yaml.safe_load(MINI.read_text())
    data["name"] = "Mini TAMA, next year (fictional)"
    data["capabilities"].append({"id": "machining.grinding", "parents": ["machining"]})
    data["interfaces"][0]["bridge_cost"] = 250
    inter = data["intermediaries"][0]
    inter["members"].append("mini-plating")
    inter["onboarding_cost"] = 60
    orgs = {o["id"]: o for o in data["organizations"]}
    orgs["mini-optics"]["house_variants"]["mech-mount"] = "T-slot"
    orgs["mini-machining"]["processes"][0]["attributes"]["tolerance_um"] = 2
    orgs["mini-machining"]["processes"].append({"capability": "machining.grinding", "unit_cost": 9})
    orgs["mini-lab"]["seeds"][0]["attributes"]["trl"] = 5
    del orgs["mini-controls"]["capacity"]
    data["organizations"].append({"id": "mini-grinding", "kind": "processor", "site": "Fussa"})
    data["relationships"] = [{"between": ["mini-plating", "mini-optics"]}]
    product = data["products"][0]
    product["modules"][0]["make"]["steps"][0]["require"]["tolerance_um"]["max"] = 4
    product["modules"][1]["make"]["technology"]["require"]["trl"]["min"] = 4
    product["modules"].append({"id": "cable", "type": "sensor-cable"})
    product["request"]["limits"]["budget"] = 7500
    data["people"] = [
        {"id": "ono", "from": "mini-controls", "families": ["displacement-sensor"], "fee": 300, "integration_days": 8}
    ]
    data["policies"] = [{"id": "ome-fund", "sites": ["Ome"], "share": Decimal("0.1")}]
    return catalog_from_data(data)


def test_golden_diff_of_an_edit_of_every_kind(golden: Callable[[Path, str], None]) -> None:
    diff = diff_catalogs(load_catalog(MINI), _mini_edits())
    golden(GOLDEN / "mini-edits.json", dumps(diff.to_dict()) + "\n")
    golden(GOLDEN / "mini-edits.txt", render_versions(VersionsDiff("mini.yaml", "mini-edits", diff)) + "\n")


def test_golden_diff_of_the_bundled_catalog_a_year_on(golden: Callable[[Path, str], None]) -> None:
    diff = diff_catalogs(CATALOG, CATALOG_2003)
    golden(GOLDEN / "tama-2003.json", dumps(diff.to_dict()) + "\n")
    answers = diff_answers(CATALOG, CATALOG_2003, products=["piezo-nano-stage", "cubesat-star-tracker"])
    text = render_versions(VersionsDiff("catalogs/tama.yaml", "catalogs/versions/tama-2003.yaml", diff, answers))
    golden(GOLDEN / "tama-2003.txt", text + "\n")


def test_the_changes_are_in_a_stable_order() -> None:
    diff = diff_catalogs(load_catalog(MINI), _mini_edits())
    assert diff == diff_catalogs(load_catalog(MINI), _mini_edits())
    sections = [c.path.split("[")[0].split(".")[0] for c in diff.changes]
    order = ["name", "capabilities", "interfaces", "intermediaries", "organizations", "relationships", "products"]
    assert sorted(sections, key=[*order, "people", "policies"].index) == sections
    assert [label for label, *_ in diff.summary()] == [
        x for x in entity_labels() if x in {c.entity for c in diff.changes}
    ]


# --------------------------------------------------------------------------- a random edit is reported exactly

ORG_IDS = sorted(CATALOG.org_by_id)
PRICED = [(o.id, p.offer_id) for o in CATALOG.organizations for p in o.processes]
UNTIED = [(a, b) for i, a in enumerate(ORG_IDS) for b in ORG_IDS[i + 1 :] if frozenset((a, b)) not in CATALOG.ties]
Expected = set[tuple[str, str, Any, Any]]


def _with_org(catalog: Catalog, org_id: str, **update: Any) -> Catalog:
    orgs = [o.model_copy(update=update) if o.id == org_id else o for o in catalog.organizations]
    return catalog.replace(organizations=orgs)


def _price(data: st.DataObject) -> tuple[Catalog, Expected]:
    org_id, offer = data.draw(st.sampled_from(PRICED))
    org = CATALOG.org_by_id[org_id]
    cent = data.draw(st.one_of(st.integers(min_value=-500, max_value=-1), st.integers(min_value=1, max_value=50_000)))
    index = next(i for i, p in enumerate(org.processes) if p.offer_id == offer)
    old = org.processes[index].unit_cost
    new = max(old + Decimal(cent) / 100, Decimal("0.01") if old != Decimal("0.01") else Decimal("0.02"))
    processes = list(org.processes)
    processes[index] = processes[index].model_copy(update={"unit_cost": new})
    path = f"organizations[{org_id}].processes[{offer}].unit_cost"
    return _with_org(CATALOG, org_id, processes=tuple(processes)), {(CHANGED, path, old, new)}


def _capacity(data: st.DataObject) -> tuple[Catalog, Expected]:
    org_id = data.draw(st.sampled_from(ORG_IDS))
    old = CATALOG.org_by_id[org_id].capacity
    new = data.draw(st.integers(min_value=1, max_value=8).map(lambda c: c + (c >= old)))
    return _with_org(CATALOG, org_id, capacity=new), {(CHANGED, f"organizations[{org_id}].capacity", old, new)}


def _removal(data: st.DataObject) -> tuple[Catalog, Expected]:
    """An organisation leaves: it, its ties, its memberships and the engineers who come from it go."""
    org_id = data.draw(st.sampled_from(ORG_IDS))
    expected: Expected = {(REMOVED, f"organizations[{org_id}]", None, None)}
    for r in CATALOG.relationships:
        if org_id in r.between:
            expected.add((REMOVED, f"relationships[{'~'.join(sorted(r.between))}]", None, None))
    for i in CATALOG.intermediaries:
        if org_id in i.members:
            expected.add((REMOVED, f"intermediaries[{i.id}].members[{org_id}]", None, None))
    for p in CATALOG.people or ():
        if p.from_ == org_id:
            expected.add((REMOVED, f"people[{p.id}]", None, None))
    return CATALOG.without([org_id]), expected


def _tie(data: st.DataObject) -> tuple[Catalog, Expected]:
    a, b = data.draw(st.sampled_from(UNTIED))
    new = CATALOG.replace(relationships=[*CATALOG.relationships, Relationship(between=(b, a))])
    return new, {(ADDED, f"relationships[{a}~{b}]", None, None)}


EDITS = {"price": _price, "capacity": _capacity, "removal": _removal, "tie": _tie}


@settings(max_examples=examples(40))
@given(st.sampled_from(sorted(EDITS)), st.data())
def test_a_random_single_edit_is_reported_exactly(kind: str, data: st.DataObject) -> None:
    new, expected = EDITS[kind](data)
    changes = diff_catalogs(CATALOG, new).changes
    seen = {
        (c.kind, c.path, c.old if c.kind == CHANGED else None, c.new if c.kind == CHANGED else None) for c in changes
    }
    assert seen == expected
    assert len(changes) == len(expected)
    back = diff_catalogs(new, CATALOG).changes  # and the other way round, mirrored
    assert {(c.path, {ADDED: REMOVED, REMOVED: ADDED}.get(c.kind, c.kind)) for c in back} == {
        (c.path, c.kind) for c in changes
    }


# --------------------------------------------------------------------------- answers

STAR = "cubesat-star-tracker"
STAR_BEST = diff_answers(CATALOG, CATALOG, products=[STAR]).answers[0].old


@settings(max_examples=examples(3, 40))
@given(st.sampled_from(STAR_BEST.organizations))
def test_removing_an_organisation_of_a_best_system_changes_that_answer(org: str) -> None:
    answer = diff_answers(CATALOG, CATALOG.without([org]), products=[STAR]).answers[0]
    assert answer.verdict == "changed"
    assert answer.new.best is None or org in answer.left
    assert answer.new.best is None or org not in answer.new.organizations


def test_a_product_in_one_version_only_is_missing_in_the_other_not_an_error() -> None:
    mini = load_catalog(MINI)
    renamed = catalog_from_data({**yaml.safe_load(MINI.read_text()), "products": []})
    answers = diff_answers(mini, renamed).answers
    assert [(a.label, a.old.status, a.new.status, a.verdict) for a in answers] == [
        ("mini-sensor", "optimal", "missing", "changed")
    ]


def test_a_request_that_does_not_fit_a_version_is_invalid_there() -> None:
    mini = load_catalog(MINI)
    request = default_request(mini).with_changes(exclude=["mini-plating"], candidates=1)
    a = diff_answers(mini, mini.without(["mini-plating"]), [request]).answers[0]
    assert (a.old.status, a.new.status, a.verdict) == ("infeasible", "invalid", "changed")
    assert a.new.note is not None and "mini-plating" in a.new.note


def test_an_answer_not_proven_is_never_a_change() -> None:
    answers = diff_answers(CATALOG, CATALOG_2003, seconds=Decimal("0.002"))
    assert not answers.proven
    for a in answers.answers:
        if a.verdict != "unknown":
            assert a.old.decided and a.new.decided
        else:
            assert (a.cost_delta, a.joined, a.left, a.rank_changes) == (None, (), (), ())


def test_single_points_of_failure_that_appear_when_an_alternative_leaves() -> None:
    mini = load_catalog(MINI)
    plating = mini.org_by_id["mini-plating"]
    twin = plating.model_copy(update={"id": "mini-plating-2"})
    old = mini.replace(organizations=[*mini.organizations, twin])
    a = diff_answers(old, mini, spof=True).answers[0]
    assert a.spofs_compared and a.verdict == "changed"
    assert "mini-plating" in (a.new.spofs or ()) and "mini-plating" in a.spofs_appeared
    assert "mini-plating" not in (a.old.spofs or ()) and "mini-plating-2" not in (a.old.spofs or ())


def test_questions_build_a_request_per_version() -> None:
    mini = load_catalog(MINI)
    asked = Question("cheap", "mini-sensor", lambda c: default_request(c, overrides={"limits": {"budget": 6000}}))
    a = diff_answers(mini, mini, [asked]).answers[0]
    assert (a.label, a.old.status, a.verdict) == ("cheap", "infeasible", "unchanged")


# --------------------------------------------------------------------------- CLI and HTML


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "modcluster", "diff", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_cli_text_and_json(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    text = _run("catalogs/tama.yaml", "catalogs/versions/tama-2003.yaml", "--product", STAR, "--out", str(out))
    assert text.returncode == 0, text.stderr
    assert "catalogs/tama.yaml -> catalogs/versions/tama-2003.yaml" in text.stdout
    assert "- organizations[kodaira-clean]" in text.stdout
    assert "joined the best system: akishima-optics; left it: kodaira-clean" in text.stdout
    data = json.loads(out.read_text())
    assert data["answers"]["changed"] == [STAR] and data["answers"]["proven"] is True
    assert {c["path"] for c in data["catalog"]["changes"]} >= {"organizations[kodaira-clean]"}
    only = _run("catalogs/tama.yaml", "catalogs/versions/tama-2003.yaml", "--catalog-only", "--json")
    assert only.returncode == 0 and json.loads(only.stdout)["answers"] is None
    assert json.loads(only.stdout)["catalog"] == data["catalog"]


def test_numbers_written_with_an_exponent_are_printed_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A catalog's ``1.2e6`` is ``1200000`` in the text and the HTML, never ``1.2E+6`` (the JSON is exact anyway)."""
    text = MINI.read_text()
    edits = [
        ("unit_cost: 8.5,", "unit_cost: 1.2e6,"),
        ("setup_cost: 120,", "setup_cost: 2E+3,"),
        ("tolerance_um: {max: 5}", "tolerance_um: {max: 1e-7}"),
    ]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    edited = tmp_path / "mini-exponents.yaml"
    edited.write_text(text)
    assert main(["diff", str(MINI), str(edited), "--catalog-only"]) == 0
    out = capsys.readouterr().out
    changed = [line.strip() for line in out.splitlines() if line.strip().startswith("~")]
    assert changed == [
        "~ organizations[mini-machining].processes[machining.5axis].setup_cost: 120 -> 2000",
        "~ organizations[mini-optics].processes[optics-assembly].unit_cost: 8.5 -> 1200000",
        "~ products[mini-sensor].modules[housing].make.steps[1].require[tolerance_um].max: 5 -> 0.0000001",
    ]
    html = versions_html(VersionsDiff("mini.yaml", "edited", diff_catalogs(load_catalog(MINI), load_catalog(edited))))
    assert "1200000" in html and "0.0000001" in html
    for shown in (out, html):
        assert "E+" not in shown and "E-" not in shown


def test_cli_bad_file_is_a_located_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(MINI.read_text().replace("unit_cost: 8.5", "unit_cost: -2.5"))
    result = _run(str(MINI), str(broken))
    assert result.returncode == 2
    located = f"{broken}:36:66: organizations[0].processes[0].unit_cost: must not be negative, got -2.5"
    assert located in result.stderr  # file:line:column: path: message, as every command says it
    assert result.stdout == ""


def test_cli_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(MINI), str(MINI), "--product", "no-such-product"]) == 2
    assert "no version has the product(s) no-such-product" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["diff", str(MINI), str(MINI), "--request", "a.yaml", "--sweep", "b.yaml"])
    assert exc.value.code == 2


def test_cli_sweep_compares_every_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("schema: modcluster/sweep/1\ngrid: {quantity: [50, 100]}\n")
    gone = tmp_path / "gone.yaml"
    gone.write_text(yaml.safe_dump({**yaml.safe_load(MINI.read_text()), "name": "gone"}))
    assert main(["diff", str(MINI), str(gone), "--sweep", str(sweep)]) == 0
    out = capsys.readouterr().out
    assert "~ name: Mini TAMA example (fictional) -> gone" in out
    assert "quantity=50  " in out and "quantity=100  " in out and "0 of 2 changed" in out


def test_html_section_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    mini = load_catalog(MINI)
    diff = VersionsDiff(f"old {hostile}.yaml", "new.yaml", diff_catalogs(mini, mini.replace(name=hostile)))
    html = versions_html(diff)
    assert hostile not in html
    assert "What changed since old &lt;script&gt;alert(1)&lt;/script&gt;.yaml" in html
    assert "~ name: Mini TAMA example (fictional) -&gt; &lt;script&gt;" in html


def test_html_report_carries_the_section() -> None:
    pytest.importorskip("matplotlib")
    from modcluster.report import build_report

    mini = load_catalog(MINI)
    answers = diff_answers(mini, mini.without(["mini-plating"]))
    changes = VersionsDiff("mini-<old>.yaml", "mini.yaml", diff_catalogs(mini, mini.without(["mini-plating"])), answers)
    page = build_report(mini, [], changes=changes).html
    assert '<a href="#analysis-versions">What changed since mini-&lt;old&gt;.yaml</a>' in page
    assert '<section class="analysis" id="analysis-versions">' in page
    assert "- organizations[mini-plating]" in page and "optimal -&gt; infeasible" in page
