"""Reading plan files (contract v1.1): three formats, exact numbers, located errors, the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import modcluster
from modcluster.domain import Catalog, Objective, PlanEntry, PlanLimits, PlanRequest
from modcluster.domain.request import Limits, Weights
from modcluster.errors import ExitCode, InputError, Issue, RequestError, ValidationError
from modcluster.io import load_catalog, load_plan_request, plan_request_from_data, plan_request_schema

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"
TAMA = ROOT / "catalogs" / "tama.yaml"


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return load_catalog(MINI)


@pytest.fixture(scope="module")
def tama() -> Catalog:
    return load_catalog(TAMA)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one(exc: InputError) -> Issue:
    assert len(exc.issues) == 1, exc.issues
    return exc.issues[0]


# --------------------------------------------------------------------------- one plan, three formats

PLAN_YAML = """\
schema: modcluster/plan-request/1
entries:
  - {id: sensors-q1, product: laser-displacement-sensor, quantity: 200,
     limits: {budget: 20000.10, deadline: 90}, release: 0}
  - {product: piezo-nano-stage, quantity: 50, exclude: [sagami-measure]}
limits: {budget: 60000}
objective: weighted
weights: {cost: 1, lead_time: 50.25}
time_limit: 7.5
"""

PLAN_JSON = """\
{
  "schema": "modcluster/plan-request/1",
  "entries": [
    {"id": "sensors-q1", "product": "laser-displacement-sensor", "quantity": 200,
     "limits": {"budget": 20000.10, "deadline": 90}, "release": 0},
    {"product": "piezo-nano-stage", "quantity": 50, "exclude": ["sagami-measure"]}
  ],
  "limits": {"budget": 60000},
  "objective": "weighted",
  "weights": {"cost": 1, "lead_time": 50.25},
  "time_limit": 7.5
}
"""

PLAN_TOML = """\
schema = "modcluster/plan-request/1"
objective = "weighted"
time_limit = 7.5
limits = {budget = 60000}
weights = {cost = 1, lead_time = 50.25}

[[entries]]
id = "sensors-q1"
product = "laser-displacement-sensor"
quantity = 200
limits = {budget = 20000.10, deadline = 90}
release = 0

[[entries]]
product = "piezo-nano-stage"
quantity = 50
exclude = ["sagami-measure"]
"""

EXPECTED = PlanRequest.model_validate(
    {
        "schema": "modcluster/plan-request/1",
        "entries": (
            PlanEntry(
                id="sensors-q1",
                product="laser-displacement-sensor",
                quantity=200,
                limits=Limits(budget=Decimal("20000.10"), deadline=90),
                release=0,
            ),
            PlanEntry(product="piezo-nano-stage", quantity=50, exclude=("sagami-measure",)),
        ),
        "limits": PlanLimits(budget=Decimal(60000)),
        "objective": Objective.WEIGHTED,
        "weights": Weights(cost=Decimal(1), lead_time=Decimal("50.25")),
        "time_limit": Decimal("7.5"),
    }
)


@pytest.mark.parametrize(("name", "text"), [("p.yaml", PLAN_YAML), ("p.json", PLAN_JSON), ("p.toml", PLAN_TOML)])
def test_a_plan_reads_the_same_in_every_format(tmp_path: Path, tama: Catalog, name: str, text: str) -> None:
    path = _write(tmp_path, name, text)
    plan = load_plan_request(path)
    assert plan == EXPECTED
    assert load_plan_request(path, tama) == EXPECTED
    budget = plan.entries[0].limits.budget
    assert isinstance(budget, Decimal) and str(budget) == "20000.10"  # read exactly, never through a float
    assert [e.key for e in plan.entries] == ["sensors-q1", "piezo-nano-stage"]


def test_defaults_and_the_plan_wrapper(tmp_path: Path, mini: Catalog) -> None:
    plain = load_plan_request(_write(tmp_path, "a.yaml", "entries:\n  - product: mini-sensor\n"), mini)
    wrapped = load_plan_request(_write(tmp_path, "b.yaml", "plan:\n  entries:\n    - product: mini-sensor\n"), mini)
    assert plain == wrapped == PlanRequest(entries=(PlanEntry(product="mini-sensor"),))
    assert (plain.objective, plain.time_limit, plain.limits.budget, plain.entries[0].release) == (
        Objective.COST,
        Decimal(10),
        None,
        0,
    )
    assert plan_request_from_data({"plan": {"entries": [{"product": "mini-sensor"}]}}) == plain
    with pytest.raises(ValidationError) as info:
        load_plan_request(_write(tmp_path, "c.yaml", "plan:\n  entries: [{product: mini-sensor}]\nextra: 1\n"))
    assert (_one(info.value).path, _one(info.value).line) == ("extra", 3)


def test_public_names() -> None:
    assert modcluster.load_plan_request is load_plan_request
    assert modcluster.plan_request_from_data is plan_request_from_data
    assert {"load_plan_request", "plan_request_from_data"} <= set(modcluster.__all__)


# --------------------------------------------------------------------------- located errors


def test_wrong_type_of_an_entry_field_names_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "p.yaml",
        "entries:\n  - product: mini-sensor\n  - product: mini-sensor\n    id: two\n    limits: {budget: lots}\n",
    )
    with pytest.raises(ValidationError) as info:
        load_plan_request(path)
    issue = _one(info.value)
    assert (issue.path, issue.line, issue.column) == ("entries[1].limits.budget", 5, 22)
    assert info.value.file == str(path)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert str(info.value).startswith(f"{path}:5:22: entries[1].limits.budget: expected a number")


def test_wrong_type_in_json_is_located_and_in_toml_named(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "p.json", '{"entries": [\n  {"product": "mini-sensor"},\n  {"product": "x", "quantity": "9"}\n]}'
    )
    with pytest.raises(ValidationError) as info:
        load_plan_request(path)
    assert (_one(info.value).path, _one(info.value).line) == ("entries[1].quantity", 3)
    path = _write(tmp_path, "p.toml", '[[entries]]\nproduct = "mini-sensor"\nrelease = "soon"\n')
    with pytest.raises(ValidationError) as info:
        load_plan_request(path)
    assert (_one(info.value).path, info.value.file) == ("entries[0].release", str(path))  # TOML: no lines


def test_unknown_key_is_located_at_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "entries:\n  - product: mini-sensor\n    candidates: 3\n")
    with pytest.raises(ValidationError) as info:
        load_plan_request(path)
    issue = _one(info.value)
    assert (issue.path, issue.line, issue.column) == ("entries[0].candidates", 3, 5)
    assert "extra key 'candidates' is not allowed" in issue.message


def test_duplicate_entry_id_with_a_catalog(tmp_path: Path, mini: Catalog) -> None:
    text = (
        "entries:\n  - {id: a, product: mini-sensor}\n  - {product: mini-sensor}\n  - {id: a, product: mini-sensor}\n"
    )
    path = _write(tmp_path, "p.yaml", text)
    assert len(load_plan_request(path).entries) == 3  # ids are checked against each other with the catalog
    with pytest.raises(RequestError) as info:
        load_plan_request(path, mini)
    issue = _one(info.value)
    assert (issue.path, issue.line) == ("entries[2].id", 4)
    assert "already used by entries[0]" in issue.message
    assert info.value.exit_code == ExitCode.BAD_INPUT


def test_unknown_product_in_an_entry_with_a_catalog(tmp_path: Path, mini: Catalog) -> None:
    path = _write(tmp_path, "p.yaml", "entries:\n  - product: mini-sensor\n  - product: ghost\n")
    with pytest.raises(RequestError) as info:
        load_plan_request(path, mini)
    assert str(info.value) == f"{path}:3:14: entries[1].product: unknown product 'ghost' (the catalog has: mini-sensor)"
    wrapped = _write(
        tmp_path, "w.json", '{"plan": {"entries": [\n {"product": "mini-sensor", "exclude": ["nobody"]}]}}'
    )
    with pytest.raises(RequestError) as info:
        load_plan_request(wrapped, mini)
    issue = _one(info.value)
    assert (issue.path, issue.line, issue.message) == (
        "plan.entries[0].exclude[0]",
        2,
        "unknown organization 'nobody'",
    )


def test_data_without_a_file_still_names_the_path(mini: Catalog) -> None:
    with pytest.raises(RequestError) as info:
        plan_request_from_data({"entries": [{"product": "mini-sensor"}, {"product": "ghost"}]}, "plan", mini)
    assert (_one(info.value).path, info.value.file) == ("entries[1].product", "plan")


@pytest.mark.parametrize(
    ("text", "path", "line", "needle"),
    [
        ("entries:\n  - product: mini-sensor\n    release: -3\n", "entries[0].release", 3, "must not be negative"),
        ("entries: []\n", "entries", 1, "must not be empty"),
        ("objective: cost\n", "entries", 1, "field required"),
        ("entries:\n  - {product: mini-sensor}\nlimits: {budget: -1}\n", "limits.budget", 3, "must not be negative"),
        ("entries:\n  - {product: mini-sensor}\ntime_limit: 0\n", "time_limit", 3, ""),
        (
            "schema: modcluster/1\nentries: []\n",
            "schema",
            1,
            "expected 'modcluster/plan-request/1', got 'modcluster/1'",
        ),
        ("schema: modcluster/plan-request/2\nentries:\n  - {product: mini-sensor}\n", "schema", 1, "plan-request/2"),
    ],
)
def test_invalid_values_are_located(tmp_path: Path, text: str, path: str, line: int, needle: str) -> None:
    with pytest.raises(ValidationError) as info:
        load_plan_request(_write(tmp_path, "p.yaml", text))
    issue = _one(info.value)
    assert (issue.path, issue.line) == (path, line)
    assert needle in issue.message
    assert info.value.exit_code == ExitCode.BAD_INPUT


def test_a_wrong_schema_is_the_only_complaint(tmp_path: Path) -> None:
    """A catalog passed as a plan says so first, not a list of extra keys."""
    with pytest.raises(ValidationError) as info:
        load_plan_request(MINI)
    assert _one(info.value).path == "schema"


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_plan_request(_write(tmp_path, "p.yaml", "- product: mini-sensor\n"))
    assert info.value.exit_code == ExitCode.BAD_INPUT


# --------------------------------------------------------------------------- the schema


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "modcluster", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


GOOD = {
    "schema": "modcluster/plan-request/1",
    "entries": [
        {"id": "q1", "product": "mini-sensor", "quantity": 200, "limits": {"budget": 20000, "deadline": 90}},
        {"product": "mini-sensor", "release": 30, "hub": "mini-optics"},
    ],
    "limits": {"budget": 60000},
    "objective": "weighted",
    "weights": {"cost": 1, "lead_time": 50},
    "time_limit": 60,
}

BAD: list[dict[str, Any]] = [
    {"entries": []},
    {"entries": [{"product": "mini-sensor", "release": -1}]},
    {"entries": [{"product": "mini-sensor", "candidates": 3}]},
    {"entries": [{"quantity": 3}]},
    {"schema": "modcluster/1", "entries": [{"product": "mini-sensor"}]},
    {"entries": [{"product": "mini-sensor"}], "objective": "fastest"},
]


def test_schema_command_prints_the_plan_schema(tmp_path: Path, mini: Catalog) -> None:
    result = _run("schema", "plan-request")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema == plan_request_schema()
    assert schema["properties"]["schema"]["anyOf"][0]["const"] == "modcluster/plan-request/1"
    assert schema["else"]["required"] == ["entries"]  # unless the plan is under a single `plan:` key
    assert schema["properties"]["entries"]["minItems"] == 1
    assert "release" in schema["$defs"]["PlanEntry"]["properties"]
    assert schema["$defs"]["PlanEntry"]["required"] == ["product"]

    # What the schema accepts, the loader accepts (and the good plan fits the catalog).
    plan = plan_request_from_data(json.loads(json.dumps(GOOD)), catalog=mini)
    assert len(plan.entries) == 2
    for bad in BAD:
        with pytest.raises(ValidationError):
            plan_request_from_data(bad)

    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    assert list(validator.iter_errors(GOOD)) == []
    for bad in BAD:
        assert list(validator.iter_errors(bad)), bad


def test_schema_command_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.schema.json"
    result = _run("schema", "plan-request", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text()) == plan_request_schema()
    assert _run("schema", "plans").returncode == ExitCode.BAD_INPUT


def test_committed_plan_schema_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "schema" / "plan-request.schema.json").read_text())
    assert committed == plan_request_schema(), (
        "regenerate: modcluster schema plan-request --out docs/schema/plan-request.schema.json"
    )
