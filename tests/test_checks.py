"""Cross-reference checks: each kind of problem in an organisation or a tie is found and named.

The checks pass over organisations and ties quickly and name problems in a
second, detailed pass only when the quick one finds any; every case below
must get through the quick pass to the detailed one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from modcluster import catalog_from_data
from modcluster.domain import Catalog, catalog_issues
from modcluster.io import Document, validate_model

SOUND: dict[str, Any] = {
    "schema": "modcluster/1",
    "capabilities": [{"id": "machining"}, {"id": "sensing"}],
    "interfaces": [{"id": "mount"}],
    "organizations": [
        {"id": "hub", "develops": ["f"], "house_variants": {"mount": "M1"}},
        {
            "id": "shop",
            "processes": [{"capability": "machining"}, {"id": "fine", "capability": "machining"}],
            "modules": [{"type": "board", "variants": {"mount": "M2"}}, {"id": "b2", "type": "board"}],
            "seeds": [{"id": "s1", "technology": "sensing"}, {"id": "s2", "technology": "sensing"}],
        },
    ],
    "relationships": [{"between": ["hub", "shop"]}],
    "products": [{"id": "p", "family": "f", "modules": [{"id": "m", "type": "board"}]}],
}

Change = Callable[[dict[str, Any]], None]


def _set(path: list[Any], value: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


CASES: list[tuple[str, Change, str, str]] = [
    (
        "house variant of an unknown interface",
        _set(["organizations", 0, "house_variants"], {"plug": "P"}),
        "organizations[0].house_variants.plug",
        "unknown interface 'plug'",
    ),
    (
        "two process offers with one id",
        _set(["organizations", 1, "processes", 1, "id"], "machining"),
        "organizations[1].processes[1]",
        "duplicate process offer id 'machining'",
    ),
    (
        "two module offers with one id",
        _set(["organizations", 1, "modules", 1, "id"], "board"),
        "organizations[1].modules[1]",
        "duplicate module offer id 'board'",
    ),
    (
        "two seeds with one id",
        _set(["organizations", 1, "seeds", 1, "id"], "s1"),
        "organizations[1].seeds[1]",
        "duplicate seed 's1'",
    ),
    (
        "process of an unknown capability",
        _set(["organizations", 1, "processes", 0, "capability"], "welding"),
        "organizations[1].processes[0].capability",
        "unknown capability 'welding'",
    ),
    (
        "module variant of an unknown interface",
        _set(["organizations", 1, "modules", 0, "variants"], {"plug": "P"}),
        "organizations[1].modules[0].variants.plug",
        "unknown interface 'plug'",
    ),
    (
        "seed of an unknown technology",
        _set(["organizations", 1, "seeds", 1, "technology"], "optics"),
        "organizations[1].seeds[1].technology",
        "unknown capability 'optics'",
    ),
    (
        "tie to an unknown organisation",
        _set(["relationships", 0, "between"], ["hub", "ghost"]),
        "relationships[0].between[1]",
        "unknown organization 'ghost'",
    ),
    (
        "tie of an organisation with itself",
        _set(["relationships", 0, "between"], ["shop", "shop"]),
        "relationships[0].between",
        "a relationship needs two different organizations",
    ),
    (
        "two organisations with one id",
        _set(["organizations", 1, "id"], "hub"),
        "organizations[1]",
        "duplicate organization 'hub'",
    ),
]


def test_the_sound_catalog_is_sound() -> None:
    assert catalog_issues(catalog_from_data(SOUND)) == []


@pytest.mark.parametrize(("name", "change", "path", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_named(name: str, change: Change, path: str, message: str) -> None:
    data = copy.deepcopy(SOUND)
    change(data)
    catalog = validate_model(Catalog, Document(data))
    found = [(i.path, i.message) for i in catalog_issues(catalog)]
    assert any(p == path and m.startswith(message) for p, m in found), found
