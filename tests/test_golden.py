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
``<org>:<seed>``) and ``matched`` (one boolean per product link, in product
order).

Numbers are read from the YAML text as :class:`~decimal.Decimal`, never through
a binary float.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from modcluster.domain import Catalog, Request, check_catalog
from modcluster.solver.solve import solve
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
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.load(fh, Loader=_ExactLoader)  # a SafeLoader subclass: safe
    assert set(data) == {"catalog", "request", "expect"}, f"{path.name}: unexpected top-level keys"
    return data


def _solve(path: Path) -> tuple[Catalog, Request, Any, dict[str, Any]]:
    data = _load(path)
    catalog = check_catalog(Catalog.model_validate(data["catalog"]))
    request = Request.model_validate(data["request"])
    return catalog, request, solve(catalog, request), data["expect"]


def _sources(cand: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: "make" if m["source"] == "make" else f"buy:{m['organization']}" for m in cand["modules"]}


def _made(cand: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in cand["modules"] if m["source"] == "make"}


def _show(cand: dict[str, Any]) -> str:
    return (
        f"cost={cand['cost']} lead={cand['lead_time']} hub={cand['hub']} "
        f"partners={cand['partners']} sources={_sources(cand)}"
    )


@pytest.fixture(scope="module", params=FIXTURES, ids=[p.stem for p in FIXTURES])
def solved(request: pytest.FixtureRequest) -> tuple[Catalog, Request, Any, dict[str, Any]]:
    return _solve(request.param)


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
