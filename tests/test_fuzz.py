"""Fuzzing: valid and broken catalogs and requests, each refused with a located, typed error or solved and verified.

Hypothesis draws a small valid catalog and request (tests/strategies.py), then
one mutation: none, a deleted key, a wrong type, a bad number (negative, huge,
NaN, infinity, too many digits), a dangling reference, a duplicate id, a
taxonomy cycle, a bad request field, or damage to the serialized text (cut,
flipped, inserted or deleted bytes). Both documents are written as YAML, JSON
or TOML files and go through the real path: ``load_catalog``,
``load_request_document`` + ``build_request``, ``modcluster.solve``.

The invariant, for every input:

- refused: an :class:`~modcluster.errors.InputError` subclass naming the file,
  every issue with a message, at least one issue with a path (or a file-level
  :class:`~modcluster.errors.ParseError` with a line, or about the whole file);
  in YAML and JSON every issue with a path also has a line; or a
  :class:`~modcluster.errors.ModelSizeError` with a message;
- solved: the solution passes :func:`modcluster.verify_solution`, also after
  a round trip through its JSON text.

Any other exception fails. Counts by mutation and outcome are printed with
``pytest -s`` (and are in docs/reliability.md).

Solution files are damaged too: at random (one value replaced or one key
deleted: the verifier never raises, and reports every damage that makes the
file wrong), and in named ways on one hand-worked instance (a wrong cost, lead
time, rounding, overlap, handover, partner list, onboarding, bridge, seed,
hub, order, status, limit or filter: the verifier names exactly that). Both
checks fail against a verifier that accepts everything.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, load_catalog, request_from_data, solve, verify_solution
from modcluster.domain import Catalog, Request, Status, dumps
from modcluster.errors import (
    CrossReferenceError,
    InputError,
    ModelSizeError,
    ParseError,
    RequestError,
    ValidationError,
)
from modcluster.generate import dump_catalog
from modcluster.io import build_request, load_request_document
from tests.profiles import examples
from tests.strategies import catalogs, requests

__all__ = ["COUNTS", "dump_toml", "run_case"]

#: Outcomes by mutation, over the whole session (printed by the fixture below).
COUNTS: Counter[tuple[str, str]] = Counter()
#: Refusals of a whole file that have neither a path nor a line.
WHOLE_FILE = ("the file is empty", "the file holds no data", "nesting too deep for the TOML parser")
TYPED = (ParseError, ValidationError, CrossReferenceError, RequestError)

MUTATIONS = [
    "valid",
    "delete key",
    "wrong type",
    "bad number",
    "dangling reference",
    "duplicate id",
    "taxonomy cycle",
    "bad request",
    "damaged text",
]
WRONG_VALUES: list[Any] = ["x", 1, Decimal("2.5"), True, None, [], {}, [1, "a"], {"a": 1}]
BAD_NUMBERS: list[Any] = [
    -1,
    Decimal("-0.01"),
    0,
    10**15,
    10**16,
    Decimal("1E+30"),
    Decimal("0.5"),
    Decimal("1E-40"),
    Decimal("9" * 5000),
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
]
REQUEST_CHANGES: list[tuple[str, Any]] = [
    ("product", "ghost"),
    ("hub", "ghost"),
    ("exclude", ["ghost"]),
    ("require", ["ghost"]),
    ("quantity", 0),
    ("quantity", -3),
    ("quantity", 10**15),
    ("candidates", 0),
    ("candidates", 200),
    ("time_limit", -1),
    ("sites", []),
    ("objective", "fastest"),
    ("weights", {"cost": -1}),
    ("limits", {"budget": Decimal("NaN")}),
    ("limits", {"deadline": 10**15}),
    ("limits", {"max_partners": -1}),
    ("colour", "red"),
]


# --------------------------------------------------------------------------- serializing


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value.is_nan():
            return "nan"
        if value.is_infinite():
            return "-inf" if value < 0 else "inf"
        text = format(value, "f")
        return text if "." in text else text + ".0"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items() if v is not None]
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    raise TypeError(type(value).__name__)


def dump_toml(data: dict[str, Any]) -> str:
    """TOML text of plain data, every value inline (``null`` values are left out: TOML has none)."""
    return "".join(f"{json.dumps(str(k))} = {_toml_value(v)}\n" for k, v in data.items() if v is not None)


def _dump(data: dict[str, Any], fmt: str) -> str:
    return dump_toml(data) if fmt == "toml" else dump_catalog(data, fmt)


# --------------------------------------------------------------------------- mutations


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _references(catalog: dict[str, Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for i, cap in enumerate(catalog["capabilities"]):
        out += [("capabilities", i, "parents", j) for j in range(len(cap.get("parents", [])))]
    for i, org in enumerate(catalog["organizations"]):
        out += [("organizations", i, "processes", j, "capability") for j in range(len(org["processes"]))]
        out += [("organizations", i, "seeds", j, "technology") for j in range(len(org["seeds"]))]
    out += [("relationships", i, "between", j) for i in range(len(catalog["relationships"])) for j in (0, 1)]
    for i, group in enumerate(catalog["intermediaries"]):
        out += [("intermediaries", i, "members", j) for j in range(len(group["members"]))]
    for i, module in enumerate(catalog["products"][0]["modules"]):
        make = module.get("make")
        if make is not None:
            out += [("products", 0, "modules", i, "make", "steps", j, "capability") for j in range(len(make["steps"]))]
            if "technology" in make:
                out.append(("products", 0, "modules", i, "make", "technology", "capability"))
    for i in range(len(catalog["products"][0]["links"])):
        out += [("products", 0, "links", i, "between", 0), ("products", 0, "links", i, "interface")]
    return out


def _id_lists(catalog: dict[str, Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [("capabilities",), ("interfaces",), ("organizations",), ("products", 0, "modules")]
    for i, org in enumerate(catalog["organizations"]):
        out += [("organizations", i, kind) for kind in ("processes", "modules", "seeds") if org[kind]]
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any], str, bytes | None]:
    """A catalog, a request, the mutation's name, the file format, and damaged catalog bytes (or None)."""
    catalog = draw(catalogs())
    request = draw(requests(catalog))
    catalog, request = copy.deepcopy(catalog), copy.deepcopy(request)
    kind = draw(st.sampled_from(MUTATIONS))
    fmt = draw(st.sampled_from(["yaml", "json", "toml"]))
    damaged = None
    node: Any
    if kind == "delete key":
        keys = [p for p, _ in _nodes(catalog) if p and isinstance(p[-1], str)]
        path = keys[draw(st.integers(0, len(keys) - 1))]
        node = catalog
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
    elif kind == "wrong type":
        nodes = [p for p, _ in _nodes(catalog) if p]
        path = nodes[draw(st.integers(0, len(nodes) - 1))]
        _set(catalog, path, draw(st.sampled_from(WRONG_VALUES)))
    elif kind == "bad number":
        numbers = [p for p, v in _nodes(catalog) if isinstance(v, (int, Decimal)) and not isinstance(v, bool)]
        if numbers:
            _set(catalog, numbers[draw(st.integers(0, len(numbers) - 1))], draw(st.sampled_from(BAD_NUMBERS)))
    elif kind == "dangling reference":
        refs = _references(catalog)
        if refs:
            _set(catalog, refs[draw(st.integers(0, len(refs) - 1))], "ghost")
    elif kind == "duplicate id":
        lists = _id_lists(catalog)
        path = lists[draw(st.integers(0, len(lists) - 1))]
        node = catalog
        for part in path:
            node = node[part]
        node.append(copy.deepcopy(node[draw(st.integers(0, len(node) - 1))]))
    elif kind == "taxonomy cycle":
        caps = catalog["capabilities"]
        a, b = draw(st.lists(st.integers(0, len(caps) - 1), min_size=2, max_size=2, unique=True))
        caps[a]["parents"] = [*caps[a].get("parents", []), caps[b]["id"]]
        caps[b]["parents"] = [*caps[b].get("parents", []), caps[a]["id"]]
    elif kind == "bad request":
        key, value = draw(st.sampled_from(REQUEST_CHANGES))
        request[key] = value
    elif kind == "damaged text":
        raw = bytearray(_dump(catalog, fmt).encode("utf-8"))
        how = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if how == "cut":
            del raw[at:]
        elif how == "flip":
            for offset in range(draw(st.integers(1, 4))):
                if at + offset < len(raw):
                    raw[at + offset] = draw(st.integers(0, 255))
        elif how == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del raw[at : at + draw(st.integers(1, 40))]
        damaged = bytes(raw)
        kind = f"damaged text ({how})"
    return kind, catalog, request, fmt, damaged


# --------------------------------------------------------------------------- the invariant


def _check_refusal(exc: Exception, files: set[str], fmt: str) -> str:
    if isinstance(exc, ModelSizeError):
        assert str(exc), "a ModelSizeError without a message"
        return "refused: ModelSizeError"
    assert isinstance(exc, TYPED), f"untyped refusal {type(exc).__name__}: {exc}"
    assert exc.file in files, (exc.file, str(exc))
    assert exc.issues and all(issue.message for issue in exc.issues), str(exc)
    located = [issue for issue in exc.issues if issue.path]
    if not located:
        assert isinstance(exc, ParseError), f"{type(exc).__name__} with no path: {exc}"
        message = exc.issues[0].message
        assert any(i.line for i in exc.issues) or message.startswith(WHOLE_FILE), str(exc)
    if fmt in ("yaml", "json"):
        missing = [issue for issue in located if issue.line is None]
        assert not missing, f"issues without a line in a {fmt} file: {exc}"
    return f"refused: {type(exc).__name__}"


def run_case(
    kind: str, catalog: dict[str, Any], request: dict[str, Any], fmt: str, damaged: bytes | None, folder: Path
) -> str:
    """Load, build the request, solve; check the invariant; return the outcome's name."""
    cat_path = folder / f"catalog.{fmt}"
    req_path = folder / f"request.{fmt}"
    if damaged is not None:
        cat_path.write_bytes(damaged)
    else:
        cat_path.write_text(_dump(catalog, fmt), encoding="utf-8")
    req_path.write_text(_dump(request, fmt), encoding="utf-8")
    files = {str(cat_path), str(req_path)}
    try:
        loaded = load_catalog(cat_path)
        doc = load_request_document(req_path)
        req = build_request(loaded, None, doc, file=str(req_path))
        solution = solve(loaded, req)
    except (InputError, ModelSizeError) as exc:
        return _check_refusal(exc, files, fmt)
    assert solution.status in set(Status)
    assert verify_solution(loaded, req, solution) == []
    assert verify_solution(loaded, req, json.loads(solution.to_json(), parse_float=Decimal)) == []
    return f"solved: {solution.status.value}"


def _run(case: tuple[str, dict[str, Any], dict[str, Any], str, bytes | None], folder: Path) -> None:
    kind, catalog, request, fmt, damaged = case
    outcome = run_case(kind, catalog, request, fmt, damaged, folder)
    COUNTS[(kind.split(" (")[0], outcome)] += 1
    event(f"{kind}: {outcome}")


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    if COUNTS:
        total = sum(COUNTS.values())
        print(f"\nfuzz outcomes ({total} cases):")
        for (kind, outcome), count in sorted(COUNTS.items()):
            print(f"  {kind:20} {outcome:35} {count:6}")


#: Examples in the default run (about half a minute, so that the default suite keeps within 10 minutes
#: on 2 cores) and in the long run (``make test-slow``, tests/profiles.py).
DEFAULT_EXAMPLES = 1500
LONG_EXAMPLES = 10_000
_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


@pytest.mark.slow  # in `make test-sample` (CI) and `make test-slow`: kept out of the 10-minute default run
@settings(max_examples=examples(DEFAULT_EXAMPLES, slow=LONG_EXAMPLES), suppress_health_check=_HEALTH)
@given(mutated())
def test_fuzz_refused_or_verified(
    tmp_path: Path, case: tuple[str, dict[str, Any], dict[str, Any], str, bytes | None]
) -> None:
    _run(case, tmp_path)


# --------------------------------------------------------------------------- damaged solutions

#: Values written into solution files: every wrong value and bad number above, the 5,000-digit one
#: included (the verifier refuses amounts beyond any catalog's reach before computing with them).
SOLUTION_VALUES: list[Any] = WRONG_VALUES + BAD_NUMBERS

#: Parts of a solution the verifier need not check: the free-text explanation, the optional schema tag,
#: the optional embedded request (checked against the request only where present) and the bound.
UNCHECKED_DELETIONS = {("schema",), ("explanation",), ("request",), ("bound",)}


def _text(value: Any) -> str:
    """A value as solution JSON, so that 1, 1.0 and Decimal(1) are the same and True is not 1."""
    return dumps(_decimals(value), indent=None)


def _decimals(value: Any) -> Any:
    """Floats (as JSON reads infinities) as Decimals, in nested data."""
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return value


def must_be_reported(path: tuple[Any, ...], deleted: bool, before: Any, after: Any) -> bool:
    """Whether damage at ``path`` makes the solution wrong, so that the verifier must say so.

    A value replaced by an equal one is no damage; the explanation is free text; deleting an
    optional key (or one of the embedded request's, which the verifier reads as given) is none
    either, nor is emptying the embedded request.
    """
    if path[0] == "explanation":
        return False
    if deleted:
        return path not in UNCHECKED_DELETIONS and path[0] != "request"
    if path == ("request",) and after in (None, {}):
        return False
    return _text(before) != _text(after)


def _whole_number(text: str) -> int | Decimal:
    return int(text) if len(text) <= 4000 else Decimal(text)


@st.composite
def damaged_solutions(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], Any, tuple[Any, ...], bool, Any]:
    """A valid instance and a solution JSON of it with one value replaced or one key deleted.

    Also returns the damaged path, whether it was deleted, and the value that was there.
    """
    catalog = draw(catalogs())
    request = draw(requests(catalog))
    loaded = catalog_from_data(catalog)
    req = request_from_data(request)
    data = json.loads(solve(loaded, req).to_json(), parse_float=Decimal)
    nodes = [p for p, _ in _nodes(data) if p]
    path = nodes[draw(st.integers(0, len(nodes) - 1))]
    node = data
    for part in path[:-1]:
        node = node[part]
    before = copy.deepcopy(node[path[-1]])
    deleted = draw(st.booleans()) and isinstance(path[-1], str)
    if deleted:
        del node[path[-1]]
    else:
        node[path[-1]] = draw(st.sampled_from(SOLUTION_VALUES))
    # Integers of more than 4,300 digits are kept as Decimals: Python's int() refuses to read them.
    damaged = json.loads(dump_catalog(data, "json"), parse_float=Decimal, parse_int=_whole_number)
    return catalog, request, damaged, path, deleted, before


def check_damage(
    case: tuple[dict[str, Any], dict[str, Any], Any, tuple[Any, ...], bool, Any],
    verify: Callable[[Catalog, Request, Any], list[str]] = verify_solution,
) -> str:
    """The verifier never raises on a damaged file, and reports every damage that makes it wrong."""
    catalog, request, data, path, deleted, before = case
    problems = verify(catalog_from_data(catalog), request_from_data(request), data)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    after = None
    if not deleted:
        node = data
        for part in path:
            node = node[part]
        after = node
    if must_be_reported(path, deleted, before, after):
        where = ".".join(map(str, path))
        assert problems, f"{'deleting' if deleted else 'replacing'} {where} ({before!r} -> {after!r}) went unnoticed"
        return "damage reported"
    return "problems reported (harmless change)" if problems else "harmless change, still valid"


@settings(max_examples=examples(300), suppress_health_check=_HEALTH)
@given(damaged_solutions())
def test_verify_reports_random_damage(
    case: tuple[dict[str, Any], dict[str, Any], Any, tuple[Any, ...], bool, Any],
) -> None:
    event(f"damaged solution: {check_damage(case)}")


# One instance that has a bit of everything, solved by the engine; each damage below makes its solution
# wrong in one way, and the verifier must name exactly that. Candidate 1, worked by hand (quantity 1,
# handover 2, every organisation of capacity 1):
#   housing step 1 at A, cut.fine (a descendant of cut): 1 + ceil(1/10) = 2 days [0,2); 20 + 0.125 = 20.125 -> 20.13
#   housing step 2 at H, plate: 2 days, after A ends (gap 2) [4,6); 10 + 0.005 = 10.005 -> 10.01
#   head seed s1 at U: 5 days [0,5); licence 250
#   head step 1 at A: 2 days, after U ends (gap 2) and after A's first task: [7,9); 20.13
#   board bought from B: 3 days [0,3); 5 + 1.005 = 6.005 -> 6.01
#   link housing-board mount: H's house variant M1 against B's M2: bridged, ceil(3 * 0.5) = 2 days,
#   99.995 * 0.5 = 49.9975 -> 50.00; integration 4 + 2 = 6 days, after A (gap 2) and H (none): [11,17)
#   onboarding: A shares tama (80) and dear (500) with H: 80; B shares tama: 80; U is tied to H: none
#   cost 100 + 50.00 + (20.13 + 10.01 + 20.13) + 6.01 + 250 + 160 = 616.28, lead time 17
# Candidate 2 has C (cut, no onboarding intermediary: 300) do both cuts: 916.02, 16 days; candidate 3
# has A and C: 956.15, 16 days.
DAMAGE_CATALOG: dict[str, Any] = {
    "schema": "modcluster/1",
    "defaults": {"handover_days": 2, "onboarding_cost": 300},
    "capabilities": [{"id": "cut"}, {"id": "cut.fine", "parents": ["cut"]}, {"id": "plate"}, {"id": "sense"}],
    "interfaces": [{"id": "mount", "bridge_cost": Decimal("99.995"), "bridge_days": 3}],
    "intermediaries": [
        {"id": "tama", "members": ["H", "A", "B"], "onboarding_cost": 80},
        {"id": "dear", "members": ["A", "H"], "onboarding_cost": 500},
    ],
    "relationships": [{"between": ["U", "H"]}],
    "organizations": [
        {
            "id": "H",
            "develops": ["f"],
            "design_fee": 100,
            "integration_days": 4,
            "bridging": Decimal("0.5"),
            "house_variants": {"mount": "M1"},
            "processes": [{"capability": "plate", "setup_cost": 10, "unit_cost": Decimal("0.005"), "setup_days": 2}],
        },
        {
            "id": "A",
            "processes": [
                {
                    "capability": "cut.fine",
                    "setup_cost": 20,
                    "unit_cost": Decimal("0.125"),
                    "setup_days": 1,
                    "units_per_day": 10,
                }
            ],
        },
        {"id": "C", "processes": [{"capability": "cut", "setup_cost": 60, "setup_days": 1}]},
        {
            "id": "B",
            "modules": [
                {
                    "type": "board",
                    "setup_cost": 5,
                    "unit_cost": Decimal("1.005"),
                    "setup_days": 3,
                    "variants": {"mount": "M2"},
                }
            ],
        },
        {"id": "U", "seeds": [{"id": "s1", "technology": "sense", "license_fee": 250, "transfer_days": 5}]},
    ],
    "products": [
        {
            "id": "p",
            "family": "f",
            "modules": [
                {
                    "id": "housing",
                    "type": "housing",
                    "make": {"steps": [{"capability": "cut"}, {"capability": "plate"}]},
                },
                {
                    "id": "head",
                    "type": "head",
                    "make": {"technology": {"capability": "sense"}, "steps": [{"capability": "cut"}]},
                },
                {"id": "board", "type": "board"},
            ],
            "links": [{"between": ["housing", "board"], "interface": "mount"}],
        }
    ],
}
DAMAGE_REQUEST: dict[str, Any] = {"product": "p", "quantity": 1, "candidates": 3}

Damage = Callable[[dict[str, Any]], None]


def _first(change: Callable[[dict[str, Any]], None]) -> Damage:
    """A damage of candidate 1."""

    def damage(data: dict[str, Any]) -> None:
        change(data["candidates"][0])

    return damage


def _module(cand: dict[str, Any], module_id: str) -> dict[str, Any]:
    return next(m for m in cand["modules"] if m["id"] == module_id)


def _half_even(cand: dict[str, Any]) -> None:
    # half-even rounding: 20.125 -> 20.12 (twice), 10.005 -> 10.00, 6.005 -> 6.00; the bridge stays 50.00
    cand["cost_breakdown"]["steps"] = Decimal("50.24")
    cand["cost_breakdown"]["modules"] = Decimal("6.00")
    cand["cost"] = Decimal("616.24")


def _rounded_once(cand: dict[str, Any]) -> None:
    # the sum rounded instead of each term: steps 20.125 + 10.005 + 20.125 = 50.255 -> 50.26;
    # the whole: 100 + 49.9975 + 50.255 + 6.005 + 250 + 160 = 616.2575 -> 616.26
    cand["cost_breakdown"]["steps"] = Decimal("50.26")
    cand["cost"] = Decimal("616.26")


def _overlap(cand: dict[str, Any]) -> None:
    # housing step 1 moved to A's other task, every precedence kept: A runs two tasks on day 7
    steps = _module(cand, "housing")["steps"]
    steps[0].update(start=7, end=9)
    steps[1].update(start=11, end=13)
    cand["integration"] = {"start": 13, "end": 19}
    cand["lead_time"] = 19


def _no_gap(cand: dict[str, Any]) -> None:
    _module(cand, "housing")["steps"][1].update(start=2, end=4)


def _highest_onboarding(cand: dict[str, Any]) -> None:
    # A: the highest shared fee 500 instead of 80: onboarding 580, cost 616.28 + 420 = 1036.28
    cand["cost_breakdown"]["onboarding"] = Decimal(580)
    cand["cost"] = Decimal("1036.28")


def _tie_ignored(cand: dict[str, Any]) -> None:
    # U tied to H ([U, H]) charged the default 300: onboarding 460, cost 916.28
    cand["cost_breakdown"]["onboarding"] = Decimal(460)
    cand["cost"] = Decimal("916.28")


def _bridge_unpaid(cand: dict[str, Any]) -> None:
    cand["links"][0]["matched"] = True
    cand["cost_breakdown"]["integration"] = Decimal(100)
    cand["cost"] = Decimal("566.28")
    cand["integration"] = {"start": 11, "end": 15}
    cand["lead_time"] = 15


def _swap_first_two(data: dict[str, Any]) -> None:
    first, second = data["candidates"][:2]
    data["candidates"][:2] = [second | {"rank": 1}, first | {"rank": 2}]


def _duplicate(data: dict[str, Any]) -> None:
    data["candidates"][2] = copy.deepcopy(data["candidates"][1]) | {"rank": 3}


def _unproven_second(data: dict[str, Any]) -> None:
    data["candidates"][1]["proven_optimal"] = False


def _offer_of_another_capability(cand: dict[str, Any]) -> None:
    # A's cut.fine for the plating step, every figure made to agree: 2 days [4,6) at A, 20.13 instead of 10.01
    _module(cand, "housing")["steps"][1].update(organization="A", offer="cut.fine")
    cand["cost_breakdown"]["steps"] = Decimal("60.39")
    cand["cost"] = Decimal("626.40")


def _seed_dropped(cand: dict[str, Any]) -> None:
    # no seed, every figure made to agree: U is no partner, no licence, cost 366.28
    _module(cand, "head")["seed"] = None
    cand["partners"] = ["A", "B"]
    cand["cost_breakdown"]["licences"] = Decimal(0)
    cand["cost"] = Decimal("366.28")


#: (name, damage, request changes, the problems the verifier must report: one fragment each, nothing else)
DAMAGES: list[tuple[str, Damage, dict[str, Any], list[str]]] = [
    (
        "cost a cent off",
        _first(lambda c: c.update(cost=Decimal("616.29"))),
        {},
        ["candidate 1, cost: is 616.29, expected 616.28"],
    ),
    (
        "three decimals",
        _first(lambda c: c.update(cost=Decimal("616.275"))),
        {},
        ["field 'cost' = 616.275 has more than two decimals", "cost: is 616.275, expected 616.28"],
    ),
    (
        "rounded half-even",
        _first(_half_even),
        {},
        ["steps is 50.24, expected 50.27", "modules is 6.00, expected 6.01", "cost: is 616.24, expected 616.28"],
    ),
    (
        "rounded once, not per term",
        _first(_rounded_once),
        {},
        ["steps is 50.26, expected 50.27", "cost: is 616.26, expected 616.28"],
    ),
    (
        "lead time not the integration's end",
        _first(lambda c: c.update(lead_time=16)),
        {},
        ["lead_time: is 16, but the integration ends on day 17"],
    ),
    (
        "bridge days left out",
        _first(lambda c: c.update(integration={"start": 11, "end": 16}, lead_time=16)),
        {},
        ["integration: runs from day 11 to day 16 (5 days) but takes 6 days"],
    ),
    (
        "a task too short",
        _first(lambda c: _module(c, "board").update(end=2)),
        {},
        ["module board: runs from day 0 to day 2 (2 days) but takes 3 days"],
    ),
    (
        "capacity overlap",
        _first(_overlap),
        {},
        ["organization A: 2 tasks run on day 7 (module housing step 1, module head step 1); its capacity is 1"],
    ),
    (
        "handover gap missing",
        _first(_no_gap),
        {},
        [
            "module housing step 2: starts on day 2, but a handover gap of 2 days after module housing step 1 ('A') "
            "ends on day 2: earliest day 4"
        ],
    ),
    (
        "seed licensor left out of the partners",
        _first(lambda c: c.update(partners=["A", "B"])),
        {},
        ["partners: reported ['A', 'B'], expected ['A', 'B', 'U']"],
    ),
    (
        "hub among the partners",
        _first(lambda c: c.update(partners=["A", "B", "H", "U"])),
        {},
        ["partners: reported ['A', 'B', 'H', 'U'], expected ['A', 'B', 'U']"],
    ),
    (
        "partners unsorted",
        _first(lambda c: c.update(partners=["U", "A", "B"])),
        {},
        ["['U', 'A', 'B'] are not sorted by id"],
    ),
    (
        "onboarding at the highest shared fee",
        _first(_highest_onboarding),
        {},
        [
            "onboarding is 580, expected 160.00 (onboarding A 80.00; onboarding B 80.00)",
            "cost: is 1036.28, expected 616.28",
        ],
    ),
    (
        "onboarding despite a tie",
        _first(_tie_ignored),
        {},
        ["onboarding is 460, expected 160.00", "cost: is 916.28, expected 616.28"],
    ),
    (
        "a mismatched link reported matched, its bridge unpaid",
        _first(_bridge_unpaid),
        {},
        [
            "link housing-board mount: reported matched=True, but the variants are 'M1' and 'M2'",
            "integration is 100, expected 150.00 (design fee 100.00; bridge housing-board mount 50.00)",
            "cost: is 566.28, expected 616.28",
            "integration: runs from day 11 to day 15 (4 days) but takes 6 days",
        ],
    ),
    (
        "the seed dropped",
        _first(_seed_dropped),
        {},
        ["module head seed: the module needs a seed of 'sense', none is licensed"],
    ),
    (
        "a step by an offer of another capability",
        _first(_offer_of_another_capability),
        {},
        ["module housing step 2: offer 'cut.fine' of 'A' is for 'cut.fine', not 'plate' or a descendant of it"],
    ),
    (
        "a hub that does not develop the family",
        _first(lambda c: c.update(hub="A")),
        {},
        [
            # and every figure that depends on the hub: A integrates in 0 days, its bridging is 1,
            # H becomes a partner, and A's ties replace H's (U now pays the default 300)
            "hub: organization 'A' does not develop the product family 'f'",
            "partners: reported ['A', 'B', 'U'], expected ['B', 'H', 'U']",
            "integration: runs from day 11 to day 17 (6 days) but takes 3 days",
            "integration is 150, expected 100.00 (design fee 0.00; bridge housing-board mount 100.00)",
            "onboarding is 160, expected 460.00 (onboarding B 80.00; onboarding H 80.00; onboarding U 300.00)",
            "cost: is 616.28, expected 866.28",
        ],
    ),
    ("ranked out of order", _swap_first_two, {}, ["candidate 2 is better than candidate 1 under objective cost"]),
    ("the same system twice", _duplicate, {}, ["candidates 2 and 3 are the same system"]),
    (
        "optimal with an unproven candidate",
        _unproven_second,
        {},
        [
            "status: is 'optimal' but candidates [2] are not proven optimal",
            "candidate 3 is proven optimal after an unproven candidate",
        ],
    ),
    ("a wrong rank", _first(lambda c: c.update(rank=5)), {}, ["candidate 1 has rank 5, expected 1"]),
    (
        "over the budget",
        lambda d: None,
        {"candidates": 1, "limits": {"budget": Decimal("616.27")}},
        ["cost 616.28 exceeds the budget 616.27"],
    ),
    ("past the deadline", lambda d: None, {"limits": {"deadline": 16}}, ["lead_time: 17 exceeds the deadline 16"]),
    (
        "too many partners",
        lambda d: None,
        {"candidates": 1, "limits": {"max_partners": 2}},
        ["3 partners exceed max_partners 2"],
    ),
    (
        "a required organisation absent",
        lambda d: None,
        {"candidates": 1, "require": ["C"]},
        ["required organization 'C' takes no part"],
    ),
    (
        "an excluded organisation",
        lambda d: None,
        {"exclude": ["C"]},
        [
            "candidate 2, module housing step 1: organization 'C' is excluded by the request",
            "candidate 2, module head step 1: organization 'C' is excluded by the request",
            "candidate 3, module head step 1: organization 'C' is excluded by the request",
        ],
    ),
    (
        "outside the sites",
        lambda d: None,
        {"candidates": 1, "sites": ["Ome"]},
        [f"organization '{o}' has no site, outside the request's sites ['Ome']" for o in "HAAHUB"],
    ),
]


@pytest.fixture(scope="module")
def damage_solution() -> dict[str, Any]:
    catalog, request = catalog_from_data(DAMAGE_CATALOG), request_from_data(DAMAGE_REQUEST)
    data: dict[str, Any] = json.loads(solve(catalog, request).to_json(), parse_float=Decimal)
    assert verify_solution(catalog, request, data) == []
    assert [(c["cost"], c["lead_time"]) for c in data["candidates"]] == [
        (Decimal("616.28"), 17),
        (Decimal("916.02"), 16),
        (Decimal("956.15"), 16),
    ]
    return data


def damage_problems(
    solution: dict[str, Any],
    damage: Damage,
    changes: dict[str, Any],
    verify: Callable[[Catalog, Request, Any], list[str]] = verify_solution,
) -> list[str]:
    data = copy.deepcopy(solution)
    damage(data)
    request = {**DAMAGE_REQUEST, **changes}
    data.pop("request")  # the embedded request is the solved one, not the changed one
    data["candidates"] = data["candidates"][: request["candidates"]]
    return verify(catalog_from_data(DAMAGE_CATALOG), request_from_data(request), data)


def assert_named(problems: list[str], expected: list[str]) -> None:
    """Each expected fragment is in its own problem, and nothing else is reported."""
    unmatched = list(problems)
    for fragment in expected:
        found = next((p for p in unmatched if fragment in p), None)
        assert found is not None, f"{fragment!r} not reported; the problems: {problems}"
        unmatched.remove(found)
    assert not unmatched, f"reported beyond the damage: {unmatched}"


@pytest.mark.parametrize(("name", "damage", "changes", "expected"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_verify_reports_damaged_solutions(
    damage_solution: dict[str, Any], name: str, damage: Damage, changes: dict[str, Any], expected: list[str]
) -> None:
    assert_named(damage_problems(damage_solution, damage, changes), expected)


def _accepts_everything(catalog: Catalog, request: Request, data: Any) -> list[str]:
    return []


def test_the_damage_checks_fail_against_a_verifier_that_accepts_everything(damage_solution: dict[str, Any]) -> None:
    for _name, damage, changes, expected in DAMAGES:
        with pytest.raises(AssertionError):
            assert_named(damage_problems(damage_solution, damage, changes, _accepts_everything), expected)
    case = (DAMAGE_CATALOG, DAMAGE_REQUEST, copy.deepcopy(damage_solution), ("candidates", 0, "cost"), False, 1)
    case[2]["candidates"][0]["cost"] = Decimal("616.29")
    assert check_damage(case) == "damage reported"
    with pytest.raises(AssertionError, match="went unnoticed"):
        check_damage(case, _accepts_everything)


def test_harmless_changes_need_no_report() -> None:
    assert not must_be_reported(("candidates", 0, "cost"), False, Decimal(1), 1)
    assert not must_be_reported(("explanation",), False, None, "x")
    assert not must_be_reported(("request", "weights"), True, {}, None)
    assert must_be_reported(("candidates", 0, "matched"), False, True, 1)
    assert must_be_reported(("candidates", 0, "seed"), True, None, None)
    assert must_be_reported(("status",), False, "optimal", "x")


def test_the_invariant_can_fail(tmp_path: Path) -> None:
    # An unlocated validation error, an untyped one, and a line-less YAML issue are all caught.
    from modcluster.errors import Issue

    files = {"c.yaml"}
    with pytest.raises(AssertionError):
        _check_refusal(ValidationError("no path", file="c.yaml"), files, "yaml")
    with pytest.raises(AssertionError):
        _check_refusal(InputError(Issue("a", "m", 1, 1), file="c.yaml"), files, "yaml")
    with pytest.raises(AssertionError):
        _check_refusal(ValidationError(Issue("a.b", "m"), file="c.yaml"), files, "yaml")
    with pytest.raises(AssertionError):
        _check_refusal(ValidationError(Issue("a.b", "m", 2, 1), file="other.yaml"), files, "yaml")
    assert _check_refusal(ValidationError(Issue("a.b", "m"), file="c.yaml"), files, "toml") == (
        "refused: ValidationError"
    )
