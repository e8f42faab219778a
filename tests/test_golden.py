"""Golden fixtures: small instances whose optima were computed by hand from MODEL.md.

Each ``tests/golden/*.yaml`` holds a ``catalog``, a ``request`` and an ``expect``
block; the comments of each file give the rule it exercises and the hand
computation. The expectation is the contract's answer, not the solver's: a
failure here means the solver and the hand computation disagree.

``expect`` holds ``status`` and ``candidates`` in rank order. Each candidate
gives ``cost`` and ``lead_time``, and where its identity is unambiguous also
``hub``, ``partners`` and ``sources`` (module id to ``make`` or ``buy:<org>``),
and optionally ``steps`` (module id to the organisations of its steps),
``offers`` (module id to the offer ids of its steps), ``seeds`` (module id to
``<org>:<seed>``), ``matched`` (one boolean per product link, in product
order) and ``person`` (the person placed at the hub, or null; v1.1).

Numbers are read from the YAML text as :class:`~decimal.Decimal`, never through
a binary float.

Every fixture runs on each solving path: the engine's defaults (where branch
and bound settles most of these small hubs before CP-SAT sees them), and with
settling, Lagrangian fixing, the decomposition by hub and the hint each
switched off, so that each rule is checked where CP-SAT decides it too.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from modcluster.domain import Catalog, Request, check_catalog
from modcluster.solver import SolverSettings, run_search
from modcluster.verify import verify_solution

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = sorted(GOLDEN.glob("*.yaml"))


class _ExactLoader(yaml.SafeLoader):
    """A safe YAML loader that reads floats as exact Decimals."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    assert isinstance(node, yaml.ScalarNode)
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _load(path: Path) -> dict[str, Any]:
    return _load_any(path, {"catalog", "request", "expect"})


def _load_any(path: Path, keys: set[str]) -> dict[str, Any]:
    """A fixture with exactly ``keys`` at the top, numbers read as exact Decimals."""
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_ExactLoader)  # a SafeLoader subclass: safe
    assert set(data) == keys, f"{path.name}: unexpected top-level keys"
    return data


#: The solving paths: the defaults, and each speed-up that decides some systems before CP-SAT switched off.
PATHS = {
    "default": SolverSettings(),
    "no-settle": SolverSettings(settle=False),
    "no-fixing": SolverSettings(fixing=False),
    "no-decompose": SolverSettings(decompose=False),
    "no-hint": SolverSettings(hint=False),
}


def _solve(path: Path, engine: SolverSettings) -> tuple[Catalog, Request, Any, dict[str, Any]]:
    data = _load(path)
    catalog = check_catalog(Catalog.model_validate(data["catalog"]))
    request = Request.model_validate(data["request"])
    return catalog, request, run_search(catalog, request, engine), data["expect"]


def _sources(cand: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: "make" if m["source"] == "make" else f"buy:{m['organization']}" for m in cand["modules"]}


def _made(cand: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in cand["modules"] if m["source"] == "make"}


def _show(cand: dict[str, Any]) -> str:
    return (
        f"cost={cand['cost']} lead={cand['lead_time']} hub={cand['hub']} "
        f"partners={cand['partners']} sources={_sources(cand)}"
    )


@pytest.fixture(
    scope="module",
    params=[(f, p) for f in FIXTURES for p in PATHS],
    ids=[f"{f.stem}-{p}" for f in FIXTURES for p in PATHS],
)
def solved(request: pytest.FixtureRequest) -> tuple[Catalog, Request, Any, dict[str, Any]]:
    fixture, path = request.param
    return _solve(fixture, PATHS[path])


def test_golden(solved: tuple[Catalog, Request, Any, dict[str, Any]]) -> None:
    _, _, solution, expect = solved
    got = solution.to_dict()
    listing = "\n".join(_show(c) for c in got["candidates"])
    assert got["status"] == expect["status"], f"status {got['status']}, candidates:\n{listing}"
    wanted = expect["candidates"]
    assert len(got["candidates"]) == len(wanted), f"{len(got['candidates'])} candidates:\n{listing}"
    for index, (cand, want) in enumerate(zip(got["candidates"], wanted, strict=True), start=1):
        where = f"candidate {index} ({_show(cand)})"
        assert cand["rank"] == index, where
        if got["status"] == "optimal":
            assert cand["proven_optimal"] is True, where
        assert isinstance(cand["cost"], Decimal), where
        assert cand["cost"] == Decimal(want["cost"]), f"{where}: cost, expected {want['cost']}"
        assert cand["lead_time"] == want["lead_time"], f"{where}: lead time, expected {want['lead_time']}"
        if "hub" in want:
            assert cand["hub"] == want["hub"], f"{where}: hub"
        if "person" in want:
            assert cand["person"] == want["person"], f"{where}: person placed"
        if "partners" in want:
            assert cand["partners"] == want["partners"], f"{where}: partners"
        if "sources" in want:
            assert _sources(cand) == want["sources"], f"{where}: sources"
        made = _made(cand)
        for module, orgs in want.get("steps", {}).items():
            assert [s["organization"] for s in made[module]["steps"]] == orgs, f"{where}: steps of {module}"
        for module, offers in want.get("offers", {}).items():
            assert [s["offer"] for s in made[module]["steps"]] == offers, f"{where}: step offers of {module}"
        for module, seed in want.get("seeds", {}).items():
            chosen = made[module]["seed"]
            assert chosen is not None, f"{where}: module {module} has no seed"
            assert f"{chosen['organization']}:{chosen['seed']}" == seed, f"{where}: seed of {module}"
        if "matched" in want:
            assert [lk["matched"] for lk in cand["links"]] == want["matched"], f"{where}: matched links"


def test_golden_verifies(solved: tuple[Catalog, Request, Any, dict[str, Any]]) -> None:
    """The project's independent verifier accepts every golden solution."""
    catalog, request, solution, _ = solved
    assert verify_solution(catalog, request, solution) == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_without_settling_no_hub_is_settled(fixture: Path) -> None:
    """The no-settle path really leaves every hub to CP-SAT (so the rules are checked in the model)."""
    _, _, solution, _ = _solve(fixture, PATHS["no-settle"])
    assert solution.stats.get("hubs_settled", 0) == 0
