"""Results and catalogs are deeply immutable (issue 15, item 11), as docs/api.md says.

Changing what ``to_dict`` returns changes nothing else; the stored request,
the stats and every mapping of a catalog are frozen and refuse changes.
"""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from modcluster.domain import FrozenDict, freeze, thaw
from modcluster.engine import solve
from modcluster.io import build_request, load_catalog
from modcluster.verify import verify_solution

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "catalogs" / "examples" / "mini.yaml"


@pytest.fixture(scope="module")
def solved() -> Any:
    catalog = load_catalog(MINI)
    request = build_request(catalog, "mini-sensor")
    return catalog, request, solve(catalog, request)


def test_changing_to_dict_changes_nothing(solved: Any) -> None:
    catalog, request, solution = solved
    text = solution.to_json()
    data = solution.to_dict()
    data["request"]["quantity"] = 7
    data["request"]["limits"]["budget"] = 1
    data["candidates"][0]["cost"] = Decimal(0)
    data["candidates"][0]["partners"].append("x")
    assert solution.to_json() == text
    assert solution.request["quantity"] == 100
    assert verify_solution(catalog, request, solution.to_dict()) == []
    assert json.loads(solution.to_json())["request"]["quantity"] == 100


@pytest.mark.parametrize("part", ["request", "stats"])
def test_the_request_and_stats_are_frozen(solved: Any, part: str) -> None:
    _catalog, _request, solution = solved
    mapping = getattr(solution, part)
    assert isinstance(mapping, FrozenDict)
    key = next(iter(mapping))
    with pytest.raises(TypeError, match="frozen"):
        mapping[key] = 7
    with pytest.raises(TypeError):
        mapping.update({"x": 1})
    with pytest.raises(TypeError):
        del mapping[key]
    with pytest.raises(TypeError):
        mapping.pop(key)
    with pytest.raises(TypeError):
        mapping.clear()
    with pytest.raises(TypeError):
        mapping |= {"x": 1}


def test_nested_request_data_is_frozen(solved: Any) -> None:
    _catalog, _request, solution = solved
    assert isinstance(solution.request["limits"], FrozenDict)
    with pytest.raises(TypeError):
        solution.request["limits"]["budget"] = 1


def test_catalog_mappings_are_frozen() -> None:
    catalog = load_catalog(MINI)
    org = catalog.org_by_id["mini-optics"]
    with pytest.raises(TypeError, match="frozen"):
        org.house_variants["mech-mount"] = "other"
    offer = catalog.org_by_id["mini-machining"].processes[0]
    with pytest.raises(TypeError):
        offer.attributes["tolerance_um"] = Decimal(1)
    with pytest.raises(TypeError):
        catalog.org_by_id["mini-controls"].modules[0].variants.clear()
    step = catalog.product_by_id["mini-sensor"].modules[0].make.steps[0]  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        step.require["tolerance_um"] = step.require["tolerance_um"]
    for lookup in (catalog.org_by_id, catalog.product_by_id, catalog.interface_by_id):
        with pytest.raises(TypeError):
            lookup["x"] = None  # type: ignore[assignment]
    # ... and a later solve is what it was
    request = build_request(catalog, "mini-sensor")
    assert solve(catalog, request).to_json() == solve(load_catalog(MINI), request).to_json()


def test_frozen_catalogs_copy_pickle_and_dump() -> None:
    catalog = load_catalog(MINI)
    for clone in (copy.deepcopy(catalog), pickle.loads(pickle.dumps(catalog)), copy.copy(catalog)):
        assert clone == catalog
        assert isinstance(clone.org_by_id["mini-optics"].house_variants, FrozenDict)
    dumped = catalog.model_dump()
    assert type(dumped["organizations"][0]["house_variants"]) is dict
    assert catalog.replace(name="x").org_by_id["mini-optics"].house_variants == {"mech-mount": "M-flange"}


def test_scenario_results_are_frozen_and_give_fresh_copies() -> None:
    from modcluster.sweep import ScenarioResult

    candidate = {"cost": 1, "lead_time": 2, "hub": "h", "partners": [], "proven_optimal": True}
    result = ScenarioResult("a", "optimal", "f", {"quantity": 1}, {"sites": ["x"]}, 1, candidate)
    assert result.request is not None and result.request["sites"] == ("x",)
    with pytest.raises(TypeError):
        result.params["quantity"] = 2
    line = result.to_dict()
    line["params"]["quantity"] = 2
    line["candidate"]["partners"].append("y")
    assert result.to_dict()["params"] == {"quantity": 1} and result.to_dict()["candidate"]["partners"] == []


def test_freeze_and_thaw() -> None:
    data = {"a": [1, {"b": [2]}], "c": {"d": {3}}}
    frozen = freeze(data)
    assert frozen == {"a": (1, {"b": (2,)}), "c": {"d": frozenset({3})}}
    assert freeze(frozen) is frozen
    assert thaw(freeze({"a": [1, {"b": [2]}]})) == {"a": [1, {"b": [2]}]}
    data["a"].append(9)  # type: ignore[attr-defined]
    assert frozen["a"] == (1, {"b": (2,)})
