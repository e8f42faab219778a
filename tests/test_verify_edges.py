"""The verifier at the exact edges of its rules, worked out by hand from MODEL.md.

Written where the mutation check (``make mutate``, scripts/mutate.py) found a
deliberate bug that no other test noticed: each test here fails against the
mutant named in its docstring.
"""

from __future__ import annotations

from typing import Any

import pytest

from modcluster import catalog_from_data, request_from_data
from modcluster.verify import BuyChoice, MakeChoice, ModuleSource, system_problems

QUANTITY = 100


def _lot_catalog(max_lot: int) -> dict[str, Any]:
    """One hub, one bought module and one made module; the seller and the processor both have ``max_lot``."""
    return {
        "schema": "modcluster/1",
        "capabilities": [{"id": "machining"}],
        "organizations": [
            {"id": "h", "develops": ["fam"]},
            {"id": "s", "modules": [{"type": "board", "unit_cost": 1, "setup_days": 1, "max_lot": max_lot}]},
            {"id": "p", "processes": [{"capability": "machining", "setup_days": 1, "max_lot": max_lot}]},
        ],
        "products": [
            {
                "id": "prod",
                "family": "fam",
                "modules": [
                    {"id": "ctrl", "type": "board"},
                    {"id": "case", "type": "case", "make": {"steps": [{"capability": "machining"}]}},
                ],
            }
        ],
    }


CHOICES: dict[str, ModuleSource] = {"ctrl": BuyChoice("s", "board"), "case": MakeChoice((("p", "machining"),))}


@pytest.mark.parametrize(
    ("max_lot", "refused"),
    [(QUANTITY + 1, False), (QUANTITY, False), (QUANTITY - 1, True), (QUANTITY - 50, True)],
)
def test_max_lot_one_below_the_quantity_is_refused(max_lot: int, refused: bool) -> None:
    """An offer with max_lot below the quantity is not eligible, one below included; equal is eligible.

    Caught mutant: the verifier's max_lot check off by one (``max_lot < quantity - 1``).
    """
    catalog = catalog_from_data(_lot_catalog(max_lot))
    request = request_from_data({"product": "prod", "quantity": QUANTITY})
    problems = system_problems(catalog, request, "h", CHOICES)
    if not refused:
        assert problems == []
        return
    assert problems == [
        f"module ctrl: module offer 'board' of 's' has max_lot {max_lot} < quantity {QUANTITY}",
        f"module case step 1: offer 'machining' of 'p' has max_lot {max_lot} < quantity {QUANTITY}",
    ]
