"""Reading catalogs and requests: formats, exact numbers, located errors, schemas, atomic writes."""

from __future__ import annotations

import json
import os
import re
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster.domain import Catalog, Objective
from modcluster.errors import (
    CrossReferenceError,
    InputError,
    Issue,
    ParseError,
    RequestError,
    ValidationError,
)
from modcluster.io import (
    Document,
    atomic_write_text,
    build_request,
    catalog_from_data,
    catalog_schema,
    load_catalog,
    load_document,
    load_request,
    load_request_document,
    parse_document,
    parse_path,
    read_bytes,
    render_path,
    request_from_data,
    request_schema,
)
from modcluster.io.json_reader import JsonLocator

BAD = Path(__file__).parent / "data" / "bad"

# --------------------------------------------------------------------------- one catalog, three formats

CATALOG_YAML = """\
schema: modcluster/1
name: Tiny cluster
units: {money: kJPY, time: day}
defaults: {handover_days: 1, onboarding_cost: 300}
capabilities:
  - {id: machining}
  - {id: machining.5axis, parents: [machining]}
  - {id: laser-sensing}
interfaces:
  - {id: mech-mount, bridge_cost: 200, bridge_days: 5}
intermediaries:
  - {id: tama, members: [hub-co, shop], onboarding_cost: 80.5}
organizations:
  - id: hub-co
    kind: developer
    site: Hachioji
    develops: [sensor]
    design_fee: 800
    bridging: 0.8
    house_variants: {mech-mount: M-flange}
  - id: shop
    site: Ome
    capacity: 2
    processes:
      - {capability: machining.5axis, setup_cost: 50, unit_cost: 2.55, setup_days: 3,
         units_per_day: 40, max_lot: 500, attributes: {tolerance_um: 5, coated: true}}
    modules:
      - {type: board, unit_cost: 12.125, variants: {mech-mount: DIN}}
    seeds:
      - {id: laser-01, technology: laser-sensing, license_fee: 1200, transfer_days: 30, attributes: {trl: 4}}
relationships:
  - {between: [hub-co, shop]}
products:
  - id: sensor-1
    family: sensor
    modules:
      - id: housing
        type: housing
        make:
          steps:
            - {capability: machining, require: {tolerance_um: {max: 5}}}
      - id: head
        type: head
        make:
          technology: {capability: laser-sensing, require: {trl: {min: 4}, kind: {in: [a, b]}}}
      - {id: board, type: board}
    links:
      - {between: [housing, board], interface: mech-mount}
    request: {quantity: 10, limits: {budget: 9000.5, deadline: 60}, objective: lead_time}
"""

CATALOG_TOML = """\
schema = "modcluster/1"
name = "Tiny cluster"
units = {money = "kJPY", time = "day"}
defaults = {handover_days = 1, onboarding_cost = 300}
capabilities = [
  {id = "machining"},
  {id = "machining.5axis", parents = ["machining"]},
  {id = "laser-sensing"},
]
interfaces = [{id = "mech-mount", bridge_cost = 200, bridge_days = 5}]
intermediaries = [{id = "tama", members = ["hub-co", "shop"], onboarding_cost = 80.5}]
relationships = [{between = ["hub-co", "shop"]}]

[[organizations]]
id = "hub-co"
kind = "developer"
site = "Hachioji"
develops = ["sensor"]
design_fee = 800
bridging = 0.8
house_variants = {mech-mount = "M-flange"}

[[organizations]]
id = "shop"
site = "Ome"
capacity = 2

[[organizations.processes]]
capability = "machining.5axis"
setup_cost = 50
unit_cost = 2.55
setup_days = 3
units_per_day = 40
max_lot = 500
attributes = {tolerance_um = 5, coated = true}

[[organizations.modules]]
type = "board"
unit_cost = 12.125
variants = {mech-mount = "DIN"}

[[organizations.seeds]]
id = "laser-01"
technology = "laser-sensing"
license_fee = 1200
transfer_days = 30
attributes = {trl = 4}

[[products]]
id = "sensor-1"
family = "sensor"
links = [{between = ["housing", "board"], interface = "mech-mount"}]
request = {quantity = 10, limits = {budget = 9000.5, deadline = 60}, objective = "lead_time"}

[[products.modules]]
id = "housing"
type = "housing"
make = {steps = [{capability = "machining", require = {tolerance_um = {max = 5}}}]}

[[products.modules]]
id = "head"
type = "head"
make = {technology = {capability = "laser-sensing", require = {trl = {min = 4}, kind = {in = ["a", "b"]}}}}

[[products.modules]]
id = "board"
type = "board"
"""


def _catalog_json() -> str:
    """Return the YAML catalog as JSON, numbers written from their exact decimal text."""

    def mark(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"<decimal {value}>"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(parse_document(CATALOG_YAML, "yaml").data), indent=2)
    return re.sub(r'"<decimal ([^>]*)>"', r"\1", text)


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_same_catalog_in_yaml_json_toml(tmp_path: Path) -> None:
    text_json = _catalog_json()
    assert "2.55" in text_json and "12.125" in text_json
    from_yaml = load_catalog(_write(tmp_path, "c.yaml", CATALOG_YAML))
    from_yml = load_catalog(_write(tmp_path, "c.yml", CATALOG_YAML))
    from_json = load_catalog(_write(tmp_path, "c.json", text_json))
    from_toml = load_catalog(_write(tmp_path, "c.toml", CATALOG_TOML))
    assert from_yaml == from_yml == from_json == from_toml
    shop = from_yaml.org_by_id["shop"]
    assert shop.processes[0].unit_cost == Decimal("2.55")
    assert isinstance(shop.processes[0].unit_cost, Decimal)
    assert shop.modules[0].unit_cost * 10 == Decimal("121.25")
    assert from_yaml.products[0].modules[1].make is not None
    assert from_toml.intermediaries[0].onboarding_cost == Decimal("80.5")


def test_document_numbers_are_exact(tmp_path: Path) -> None:
    for name, text in (("c.yaml", CATALOG_YAML), ("c.toml", CATALOG_TOML), ("c.json", _catalog_json())):
        doc = load_document(_write(tmp_path, name, text))
        process = doc.data["organizations"][1]["processes"][0]
        assert process["unit_cost"] == Decimal("2.55") and type(process["unit_cost"]) is Decimal, name
        assert process["setup_cost"] == 50 and type(process["setup_cost"]) is int, name
        assert process["attributes"]["coated"] is True, name


def test_yaml_number_forms() -> None:
    text = (
        "a: 1_000\nb: 1e3\nc: +1.5\nd: .5\ne: -2.50\nf: 0x1F\ng: 0o17\nh: 1:30\ni: 2024-01-01\n"
        "j: yes\nk: ~\nl: '12'\nm: 1.2.3\nn: 0\no: -0.5e-2\n"
    )
    data = parse_document(text, "yaml").data
    assert data == {
        "a": 1000,
        "b": Decimal("1e3"),
        "c": Decimal("1.5"),
        "d": Decimal("0.5"),
        "e": Decimal("-2.50"),
        "f": 31,
        "g": 15,
        "h": "1:30",
        "i": "2024-01-01",
        "j": True,
        "k": None,
        "l": "12",
        "m": "1.2.3",
        "n": 0,
        "o": Decimal("-0.005"),
    }
    assert type(data["a"]) is int and type(data["b"]) is Decimal


def test_yaml_anchors_and_merge_keys() -> None:
    text = "base: &b {setup_cost: 5, unit_cost: 1}\nitem:\n  <<: *b\n  unit_cost: 2\n"
    doc = parse_document(text, "yaml")
    assert doc.data["item"] == {"unit_cost": 2, "setup_cost": 5}
    assert doc.locate(("item", "unit_cost")) == (4, 14)
    assert doc.locate(("item", "setup_cost")) == (1, 23)


def test_yaml_refusals_are_located() -> None:
    cases = [
        ("a: 1\nb: 010\n", "b", 2, 4, "ambiguous number '010'"),
        ("a:\n  1: x\n", "a", 2, 3, "mapping keys must be strings: '1' is read as an integer"),
        ("a:\n  [x]: y\n", "a", 2, 3, "mapping keys must be strings, not a mapping or a list"),
        ("a: !!binary aGk=\n", "a", 1, 4, "unknown tag !!binary"),
        ("a: !custom x\n", "a", 1, 4, "unknown tag '!custom'"),
        ("a: !!set {x}\n", "a", 1, 4, "unknown tag !!set"),
        ("a: &x [1, *x]\n", "a[1]", 1, 1, "a YAML alias refers to a mapping or list that contains it"),
        ("a:\n  b: -.inf\n", "a.b", 2, 6, "-.inf is not allowed"),
    ]
    for text, path, line, column, message in cases:
        with pytest.raises(ParseError) as info:
            parse_document(text, "yaml", file="t.yaml")
        issue = info.value.issues[0]
        assert (issue.path, issue.line, issue.column) == (path, line, column), text
        assert issue.message.startswith(message), issue.message
        assert info.value.file == "t.yaml"


def test_several_yaml_documents_refused() -> None:
    with pytest.raises(ParseError) as info:
        parse_document("a: 1\n---\nb: 2\n", "yaml")
    assert info.value.issues[0].line == 2
    assert "single document" in info.value.issues[0].message


# --------------------------------------------------------------------------- bad inputs, one class each


def _one(exc: InputError) -> Issue:
    assert len(exc.issues) == 1, exc.issues
    return exc.issues[0]


@pytest.mark.parametrize(
    ("name", "error", "path", "line", "column", "message"),
    [
        ("empty.yaml", ParseError, "", None, None, "the file is empty"),
        ("not_utf8.yaml", ParseError, "", 2, 10, "not valid UTF-8: byte 0xe9 at byte offset 30"),
        ("malformed.yaml", ParseError, "", 4, 14, "YAML syntax error: did not find expected ',' or '}'"),
        ("malformed.json", ParseError, "", 3, 40, "JSON syntax error: Expecting value"),
        ("malformed.toml", ParseError, "", 4, 6, "TOML syntax error: Invalid value"),
        (
            "wrong_type.yaml",
            ValidationError,
            "organizations[0].processes[0].setup_cost",
            8,
            21,
            "expected a number, got a string",
        ),
        (
            "wrong_type.json",
            ValidationError,
            "organizations[0].processes[0].setup_cost",
            8,
            51,
            "expected a number, got a string",
        ),
        (
            "wrong_type.toml",
            ValidationError,
            "organizations[0].processes[0].setup_cost",
            None,
            None,
            "expected a number, got a string",
        ),
        (
            "typo.yaml",
            ValidationError,
            "organizations[0].processes[0].unit_cots",
            8,
            9,
            "extra key 'unit_cots' is not allowed (did you mean 'unit_cost'?)",
        ),
        ("nan.json", ParseError, "organizations[0].processes[0].unit_cost", 4, 91, "NaN is not allowed"),
        ("nan.yaml", ParseError, "organizations[0].processes[0].unit_cost", 7, 44, ".nan is not allowed"),
        (
            "huge_cost.yaml",
            ValidationError,
            "organizations[0].processes[0].unit_cost",
            8,
            20,
            "100000000000...(31 characters) is too large (the limit is 10^15)",
        ),
        ("duplicate_key.yaml", ParseError, "organizations[0].site", 8, 5, "duplicate key 'site' (first on line 6)"),
        ("duplicate_key.json", ParseError, "organizations[0].site", 5, 21, "duplicate key 'site' (first on line 4)"),
        (
            "duplicate_ids.yaml",
            CrossReferenceError,
            "organizations[2]",
            7,
            5,
            "duplicate organization 'acme' (first at organizations[0])",
        ),
        (
            "cycle.yaml",
            CrossReferenceError,
            "capabilities[1].parents",
            4,
            36,
            "the taxonomy has a cycle: machining.5axis -> machining.micro -> machining.5axis",
        ),
        ("alias_bomb.yaml", ParseError, "f[1]", 7, 1, "YAML aliases expand to too much data"),
    ],
)
def test_bad_file(
    name: str, error: type[InputError], path: str, line: int | None, column: int | None, message: str
) -> None:
    file = str(BAD / name)
    with pytest.raises(InputError) as info:
        load_catalog(file)
    assert type(info.value) is error
    assert info.value.file == file
    issue = _one(info.value)
    assert (issue.path, issue.line, issue.column) == (path, line, column)
    assert issue.message.startswith(message), issue.message
    assert str(info.value).startswith(f"{file}:")


def test_dangling_references_all_reported() -> None:
    file = str(BAD / "dangling.yaml")
    with pytest.raises(CrossReferenceError) as info:
        load_catalog(file)
    assert info.value.file == file
    assert [(i.path, i.line, i.column, i.message) for i in info.value.issues] == [
        ("organizations[0].processes[1].capability", 8, 22, "unknown capability 'plating'"),
        ("relationships[0].between[1]", 10, 22, "unknown organization 'ghost-co'"),
    ]


def test_several_validation_errors_in_file_order(tmp_path: Path) -> None:
    text = (
        "schema: modcluster/1\n"  # 1
        "organizations:\n"  # 2
        "  - id: a\n"  # 3
        "    capacity: 0\n"  # 4
        "    kind: robot\n"  # 5
        "  - {name: b}\n"  # 6
        "products:\n"  # 7
        "  - {id: p, family: f, modules: [{id: m, type: t, make: {}}], request: {sites: []}}\n"  # 8
    )
    with pytest.raises(ValidationError) as info:
        load_catalog(_write(tmp_path, "c.yaml", text))
    got = [(i.path, i.line, i.column, i.message) for i in info.value.issues]
    assert got == [
        ("organizations[0].capacity", 4, 15, "must be at least 1, got 0"),
        (
            "organizations[0].kind",
            5,
            11,
            "expected 'developer', 'processor', 'university', 'lab' or 'enterprise', got 'robot'",
        ),
        ("organizations[1].id", 6, 5, "field required"),
        ("products[0].modules[0].make", 8, 57, "a make needs steps, a technology, or both"),
        ("products[0].request.sites", 8, 80, "must not be empty"),
    ]


def test_aliases_in_paths_and_messages(tmp_path: Path) -> None:
    text = (
        "schema: modcluster/2\n"
        "products:\n"
        "  - id: p\n"
        "    family: f\n"
        "    modules:\n"
        "      - id: m\n"
        "        type: t\n"
        "        make:\n"
        "          steps:\n"
        "            - capability: c\n"
        "              require: {x: {in: 5}}\n"
    )
    with pytest.raises(ValidationError) as info:
        load_catalog(_write(tmp_path, "c.yaml", text))
    got = [(i.path, i.line, i.message) for i in info.value.issues]
    assert got == [
        ("schema", 1, "expected 'modcluster/1', got 'modcluster/2'"),
        ("products[0].modules[0].make.steps[0].require.x.in", 11, "expected a list, got 5"),
    ]


def test_huge_integer_is_a_parse_error(tmp_path: Path) -> None:
    digits = "9" * 100_000
    json_file = _write(
        tmp_path, "big.json", '{\n  "organizations": [\n    {"id": "a", "capacity": ' + digits + "}\n  ]\n}\n"
    )
    with pytest.raises(ParseError) as info:
        load_catalog(json_file)
    issue = _one(info.value)
    assert (issue.path, issue.line, issue.column) == ("organizations[0].capacity", 3, 29)
    assert "too long to read" in issue.message

    yaml_file = _write(tmp_path, "big.yaml", "organizations:\n  - id: a\n    capacity: " + digits + "\n")
    with pytest.raises(ParseError) as info:
        load_catalog(yaml_file)
    issue = _one(info.value)
    assert (issue.path, issue.line, issue.column) == ("organizations[0].capacity", 3, 15)

    toml_file = _write(tmp_path, "big.toml", "[[organizations]]\nid = 'a'\ncapacity = " + digits + "\n")
    with pytest.raises(ParseError) as info:
        load_catalog(toml_file)
    issue = _one(info.value)
    assert (issue.line, issue.column) == (3, 12)


def test_deep_nesting_is_a_parse_error(tmp_path: Path) -> None:
    depth = 5000
    cases = {
        "deep.json": ('{\n"name": ' + "[" * depth + "]" * depth + "}\n", 2, "nesting too deep"),
        "deep.yaml": ("schema: modcluster/1\nname: " + "[" * depth + "]" * depth + "\n", 2, "nesting too deep"),
        "deep.toml": ("name = " + "[" * depth + "]" * depth + "\n", None, "nesting too deep"),
    }
    for name, (text, line, message) in cases.items():
        with pytest.raises(ParseError) as info:
            load_catalog(_write(tmp_path, name, text))
        issue = _one(info.value)
        assert issue.line == line, name
        assert message in issue.message, name
    # Block nesting in YAML, deeper than the builder allows but within libyaml's limit.
    block = "".join("  " * i + "k:\n" for i in range(300)) + "  " * 300 + "1\n"
    with pytest.raises(ParseError) as info:
        parse_document(block, "yaml")
    assert _one(info.value).line == 201
    assert "nesting too deep (more than 200 levels)" in _one(info.value).message


def test_json_duplicate_key_with_escaped_quotes(tmp_path: Path) -> None:
    # Escaped quotes before a colon inside strings must neither hide nor fake a duplicate.
    good = '{"name": "a\\":b", "units": {"money": "x\\": y"}}'
    assert load_document(_write(tmp_path, "ok.json", good)).data["name"] == 'a":b'
    backslashes = '{"k\\\\": 1, "j": "\\\\", "m": "\\\\\\":"}'
    assert load_document(_write(tmp_path, "ok2.json", backslashes)).data == {"k\\": 1, "j": "\\", "m": '\\":'}
    bad = '{"name": "a\\":b",\n "name": "c"}'
    with pytest.raises(ParseError) as info:
        load_document(_write(tmp_path, "dup.json", bad))
    assert (_one(info.value).path, _one(info.value).line) == ("name", 2)


def test_json_and_yaml_infinity_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        load_document(_write(tmp_path, "inf.json", '{"a": [1,\n -Infinity]}'))
    assert (_one(info.value).path, _one(info.value).line, _one(info.value).column) == ("a[1]", 2, 2)
    with pytest.raises(ParseError) as info:
        load_document(_write(tmp_path, "inf.toml", "[a]\nb = -inf\n"))
    assert (_one(info.value).path, _one(info.value).line) == ("a.b", None)


def test_toml_dates_refused(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        load_document(_write(tmp_path, "d.toml", "name = 2024-01-01\n"))
    assert _one(info.value).path == "name"
    assert "dates and times" in _one(info.value).message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        load_catalog(_write(tmp_path, "l.yaml", "# a list\n- a\n- b\n"))
    assert (_one(info.value).line, _one(info.value).column) == (2, 1)
    assert "top level must be a mapping" in _one(info.value).message
    assert load_document(_write(tmp_path, "l.json", "[1, 2]"), require_mapping=False).data == [1, 2]
    with pytest.raises(ParseError):
        load_document(_write(tmp_path, "s.json", '"text"'), require_mapping=False)


def test_only_comments(tmp_path: Path) -> None:
    for name, text in (("c.yaml", "# nothing\n"), ("c.toml", "# nothing\n")):
        with pytest.raises(ParseError) as info:
            load_catalog(_write(tmp_path, name, text))
        assert "holds no data" in _one(info.value).message


def test_unreadable_files(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    with pytest.raises(InputError) as info:
        load_catalog(missing)
    assert type(info.value) is InputError and info.value.file == missing
    assert _one(info.value).message == "file not found"
    directory = tmp_path / "dir.yaml"
    directory.mkdir()
    with pytest.raises(InputError) as info:
        load_catalog(directory)
    assert type(info.value) is InputError and "directory" in _one(info.value).message
    with pytest.raises(ParseError) as info:
        load_catalog(_write(tmp_path, "c.txt", "a: 1"))
    assert ".yaml, .yml, .json, .toml" in _one(info.value).message


def test_file_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.yaml", "name: " + "x" * 100)
    with pytest.raises(ParseError) as info:
        read_bytes(path, limit=50)
    assert "larger than 50 bytes" in _one(info.value).message
    assert read_bytes(path) == path.read_bytes()


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = _write(tmp_path, "c.json", b'\xef\xbb\xbf{"name": "x"}')
    assert load_document(path).data == {"name": "x"}


# --------------------------------------------------------------------------- locating paths


def test_json_locator() -> None:
    text = '{\n  "a": {"b": [10, {"c": 1}]},\n  "d": "x"\n}'
    locate = JsonLocator(text)
    assert locate(("a", "b", 1, "c"), False) == (2, 25)
    assert locate(("a", "b", 1, "c"), True) == (2, 20)
    assert locate(("d",), False) == (3, 8)
    assert locate(("a", "missing"), False) == (2, 8)
    assert locate(("a", "b", 9), False) == (2, 14)
    assert locate((), False) == (1, 1)


def test_paths_round_trip() -> None:
    data = {"organizations": [{"house_variants": {"mech.mount": "x"}}]}
    path = ("organizations", 0, "house_variants", "mech.mount")
    assert render_path(path) == "organizations[0].house_variants.mech.mount"
    assert parse_path(render_path(path), data) == path


def test_document_view_locates_in_the_file() -> None:
    doc = parse_document("request:\n  quantity: 5\n", "yaml").child("request")
    assert doc.data == {"quantity": 5}
    assert doc.locate(("quantity",)) == (2, 13)
    assert doc.issue(("quantity",), "x") == Issue("request.quantity", "x", 2, 13)
    named = doc.with_file("r.yaml")
    assert (named.file, named.locate(("quantity",)), named.prefix) == ("r.yaml", (2, 13), ("request",))


def test_catalog_from_data() -> None:
    catalog = catalog_from_data({"capabilities": [{"id": "m"}]})
    assert isinstance(catalog, Catalog)
    with pytest.raises(ValidationError) as info:
        catalog_from_data({"capabilities": [{"id": "m", "parent": []}]}, file="mem")
    assert info.value.file == "mem"
    assert _one(info.value) == Issue(
        "capabilities[0].parent", "extra key 'parent' is not allowed (did you mean 'parents'?)", None, None
    )
    with pytest.raises(CrossReferenceError) as xref:
        catalog_from_data({"capabilities": [{"id": "m", "parents": ["x"]}]})
    assert _one(xref.value).path == "capabilities[0].parents[0]"


# --------------------------------------------------------------------------- requests


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(_write(tmp_path, "cat.yaml", CATALOG_YAML))


def _two_products(catalog: Catalog) -> Catalog:
    data: dict[str, Any] = parse_document(CATALOG_YAML, "yaml").data
    second = dict(data["products"][0], id="sensor-2")
    second.pop("request")
    data["products"].append(second)
    return catalog_from_data(data)


def test_request_precedence(tmp_path: Path, catalog: Catalog) -> None:
    # Catalog default: quantity 10, budget 9000.5, deadline 60, lead_time.
    base = build_request(catalog)
    assert (base.product, base.quantity, base.objective) == ("sensor-1", 10, Objective.LEAD_TIME)
    assert (base.limits.budget, base.limits.deadline, base.limits.max_partners) == (Decimal("9000.5"), 60, None)
    assert base.candidates == 3

    req_file = _write(tmp_path, "r.yaml", "quantity: 20\nlimits: {deadline: 40}\ncandidates: 5\n")
    from_file = build_request(catalog, file_data=load_request_document(req_file))
    assert (from_file.quantity, from_file.candidates, from_file.objective) == (20, 5, Objective.LEAD_TIME)
    assert (from_file.limits.budget, from_file.limits.deadline) == (Decimal("9000.5"), 40)

    overrides = {"quantity": 30, "limits": {"max_partners": 2, "budget": None}, "objective": "cost", "hub": None}
    final = build_request(catalog, "sensor-1", load_request_document(req_file), overrides)
    assert (final.quantity, final.candidates, final.objective, final.hub) == (30, 5, Objective.COST, None)
    assert (final.limits.budget, final.limits.deadline, final.limits.max_partners) == (Decimal("9000.5"), 40, 2)

    # A plain mapping works as well, with a top-level `request:` key.
    assert build_request(catalog, file_data={"request": {"quantity": 7}}).quantity == 7


def test_request_product_choice(catalog: Catalog) -> None:
    two = _two_products(catalog)
    with pytest.raises(RequestError) as info:
        build_request(two)
    assert _one(info.value).path == "product"
    assert _one(info.value).message == "no product given and the catalog has 2: name one of sensor-1, sensor-2"
    second = build_request(two, file_data={"product": "sensor-2"})
    assert (second.product, second.quantity, second.objective) == ("sensor-2", 1, Objective.COST)
    assert build_request(two, "sensor-1", {"product": "sensor-2"}).product == "sensor-1"
    with pytest.raises(RequestError) as info:
        build_request(two, "nope")
    assert _one(info.value).message == "unknown product 'nope' (the catalog has: sensor-1, sensor-2)"


def test_request_errors_are_located(tmp_path: Path, catalog: Catalog) -> None:
    path = _write(tmp_path, "r.yaml", "request:\n  product: ghost\n")
    with pytest.raises(RequestError) as info:
        build_request(catalog, file_data=load_request_document(path))
    assert info.value.file == str(path)
    assert (_one(info.value).path, _one(info.value).line) == ("request.product", 2)
    with pytest.raises(RequestError) as info:
        build_request(catalog, "ghost", load_request_document(path))
    assert (_one(info.value).path, _one(info.value).line, info.value.file) == ("request.product", 2, str(path))

    path = _write(tmp_path, "r2.yaml", "request:\n  quantity: 3\n  exclude: [shop, ghost-co]\n")
    with pytest.raises(RequestError) as info:
        build_request(catalog, file_data=load_request_document(path))
    assert _one(info.value) == Issue("request.exclude[1]", "unknown organization 'ghost-co'", 3, 19)

    path = _write(tmp_path, "r3.json", '{"request": {\n  "quantity": -3}}')
    with pytest.raises(ValidationError) as invalid:
        build_request(catalog, file_data=load_request_document(path))
    assert _one(invalid.value) == Issue("request.quantity", "must not be negative, got -3", 2, 15)

    with pytest.raises(RequestError) as info:
        build_request(catalog, overrides={"limits": {"deadline": "soon"}})
    assert info.value.file == "request overrides (flags)"
    assert _one(info.value).path == "limits.deadline"

    path = _write(tmp_path, "r4.yaml", "request: {quantity: 1}\nextra: 1\n")
    with pytest.raises(ValidationError) as invalid:
        load_request_document(path)
    assert (_one(invalid.value).path, _one(invalid.value).line) == ("extra", 2)


def test_load_request(tmp_path: Path) -> None:
    request = load_request(_write(tmp_path, "r.toml", '[request]\nproduct = "p"\nquantity = 4\n'))
    assert (request.product, request.quantity) == ("p", 4)
    with pytest.raises(ValidationError) as info:
        load_request(_write(tmp_path, "r.yaml", "quantity: 4\nobjective: fastest\n"))
    assert [(i.path, i.line) for i in info.value.issues] == [("product", 1), ("objective", 2)]
    assert request_from_data({"product": "p", "weights": {"lead_time": 5}}).weights.lead_time == 5
    with pytest.raises(ValidationError) as info:
        request_from_data({"product": "p", "sites": []}, file="x")
    assert (_one(info.value).path, info.value.file) == ("sites", "x")


# --------------------------------------------------------------------------- schemas


def test_schemas() -> None:
    for schema in (catalog_schema(), request_schema()):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].startswith("urn:modcluster:schema:")
        assert schema["title"]
        text = json.dumps(schema)  # plain JSON: no Decimal left
        assert '"type": "string", "pattern"' not in text
    catalog = catalog_schema()
    assert catalog["properties"]["schema"]["const"] == "modcluster/1"
    assert "schema_" not in json.dumps(catalog)
    offer = catalog["$defs"]["ProcessOffer"]["properties"]
    assert offer["unit_cost"] == {"default": 0, "minimum": 0, "title": "Unit Cost", "type": "number"}
    assert offer["units_per_day"]["anyOf"] == [{"exclusiveMinimum": 0, "type": "number"}, {"type": "null"}]
    assert catalog["$defs"]["Organization"]["properties"]["capacity"]["minimum"] == 1
    assert '"ge"' not in json.dumps(catalog)
    requirement = catalog["$defs"]["Requirement"]["properties"]
    assert "in" in requirement and "in_" not in requirement
    assert catalog["$defs"]["Organization"]["properties"]["bridging"]["default"] == 1
    request = request_schema()
    assert request["$defs"]["Weights"]["properties"]["cost"]["type"] == "number"
    assert request["properties"]["time_limit"]["default"] == 10
    assert "product" in request["properties"] and "product" not in request.get("required", [])
    catalog["title"] = "changed"
    assert catalog_schema()["title"] != "changed"


def test_the_request_schema_accepts_what_request_files_may_hold(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = request_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    request = {"product": "mini-sensor", "quantity": 40, "limits": {"budget": 9000, "deadline": 70}}
    good: list[dict[str, Any]] = [request, {"request": request}, {"request": {"quantity": 5}}, {}]
    bad: list[dict[str, Any]] = [
        {"request": request, "quantity": 3},  # a key beside `request:`, as the loader refuses
        {"request": {**request, "quantity": "many"}},
        {"request": [request]},
        {**request, "quantity": -1},
        {"requests": request},
    ]
    for doc in good:
        assert list(validator.iter_errors(doc)) == [], doc
        path = tmp_path / "request.json"
        path.write_text(json.dumps(doc))
        load_request_document(path)  # what the schema accepts, --request FILE accepts
    for doc in bad:
        assert list(validator.iter_errors(doc)), doc
        with pytest.raises(ValidationError):
            request_from_data(doc)


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    atomic_write_text(target, "one\n")
    assert target.read_text() == "one\n"
    os.chmod(target, 0o640)
    atomic_write_text(str(target), "two\r\n")
    assert target.read_bytes() == b"two\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_atomic_write_follows_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_atomic_write_protects_inputs(tmp_path: Path) -> None:
    catalog = _write(tmp_path, "cat.yaml", "name: x\n")
    other = tmp_path / "sub" / ".." / "cat.yaml"
    (tmp_path / "sub").mkdir()
    with pytest.raises(InputError) as info:
        atomic_write_text(other, "oops", protect=[str(catalog)])
    assert "refusing to overwrite the input file" in _one(info.value).message
    assert catalog.read_text() == "name: x\n"
    link = tmp_path / "alias.yaml"
    link.symlink_to(catalog)
    with pytest.raises(InputError):
        atomic_write_text(link, "oops", protect=[catalog])
    atomic_write_text(tmp_path / "out.yaml", "fine", protect=[catalog])


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(InputError) as info:
        atomic_write_text(target, "new")
    assert "No space left on device" in _one(info.value).message
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    with pytest.raises(InputError):
        atomic_write_text(tmp_path / "no-such-dir" / "x.json", "x")


def test_document_repr() -> None:
    assert repr(Document({}, file="f.yaml", format="yaml")) == "Document(file='f.yaml', format='yaml')"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("0." + "1" * 30, True),  # 30 places
        ("0." + "1" * 31, False),
        ("1" * 15 + "." + "1" * 15, True),  # 30 digits
        ("1" * 15 + "." + "1" * 16, False),
        ("1E-40", False),
        ("1.5E+3", True),
        ("0.0000001", True),
        ("-2.35", True),
        ("1E+16", False),
        ("999999999999999.9", True),
    ],
)
def test_number_limits_hold_on_the_fast_path(text: str, ok: bool) -> None:
    """Short numbers skip the digit count; the limits must hold at their edges all the same."""
    from modcluster.domain import to_decimal

    if ok:
        assert to_decimal(Decimal(text)) == Decimal(text)
    else:
        with pytest.raises(ValueError):
            to_decimal(Decimal(text))


def test_big_json_is_checked_for_syntax_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 4 MiB a syntax pass runs first: the same error as the full parse; valid files load unchanged."""
    from modcluster.io import json_reader

    body = ", ".join(f'{{"id": "o{i}", "site": "S"}}' for i in range(200_000))
    good = '{"schema": "modcluster/1", "organizations": [' + body + "]}\n"
    assert len(good) > json_reader.SYNTAX_FIRST
    (tmp_path / "good.json").write_text(good)
    (tmp_path / "broken.json").write_text(good[:-3] + ",]}\n")
    assert len(load_document(tmp_path / "good.json").data["organizations"]) == 200_000
    with pytest.raises(ParseError) as first:
        load_document(tmp_path / "broken.json")
    monkeypatch.setattr(json_reader, "SYNTAX_FIRST", 10**9)  # the full parse alone
    with pytest.raises(ParseError) as full:
        load_document(tmp_path / "broken.json")
    assert str(first.value) == str(full.value)
    assert "JSON syntax error: Expecting value" in str(first.value)
