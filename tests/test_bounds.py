"""Property tests: every lower bound the search uses to order and skip hubs is below every system.

On random small instances, for each hub, the plain bound, the even-multiplier
Lagrangian bound and the LP-dual Lagrangian bound are compared with the cost
and lead time of every system of that hub found by exhaustive enumeration
(all of them, within the limits or not: the bounds relax the limits).
``make test-slow`` runs the same property on many more cases (tests/profiles.py).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from modcluster import catalog_from_data, request_from_data
from modcluster.solver import Instance, prepare
from modcluster.solver.lagrange import lagrangian, quick_bound
from modcluster.solver.prune import lower_bound, restrict_hub
from tests.bruteforce import enumerate_systems
from tests.profiles import examples
from tests.strategies import instances


def _check(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    systems = enumerate_systems(catalog, request, within_limits=False)
    inst = prepare(catalog, request)
    for hub in inst.hubs:
        one = restrict_hub(inst, hub)
        mine = [s for s in systems if s.hub == hub.org]
        plain, quick, lp = lower_bound(one), quick_bound(one), _lp_bound(one)
        if not mine:
            assert plain is None and quick is None and lp is None
            continue
        assert plain is not None and quick is not None and lp is not None
        cheapest = min(int(s.cost * 100) for s in mine)
        assert plain[0] <= quick <= cheapest, (hub.org, plain, quick, cheapest)
        assert plain[0] <= lp <= cheapest, (hub.org, plain, lp, cheapest)
        assert plain[1] <= min(s.lead_time for s in mine)


@settings(max_examples=examples(150))
@given(instances())
def test_bounds_are_below_every_system(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _check(instance)


def test_lp_bound_is_tight_on_a_generated_cluster() -> None:
    """On a generated cluster the LP bound closes most of the gap that the plain bound leaves."""
    from modcluster.generate import generate
    from modcluster.io import build_request
    from modcluster.solver import run_search

    cat = catalog_from_data(generate("medium", seed=1))
    product = cat.products[0].id
    request = build_request(cat, product, overrides={"candidates": 1, "limits": {"budget": None, "deadline": None}})
    inst = prepare(cat, request)
    for hub in inst.hubs[:3]:
        one = restrict_hub(inst, hub)
        plain, lp = lower_bound(one), _lp_bound(one)
        assert plain is not None and lp is not None
        best = run_search(cat, request.with_changes(hub=hub.org)).candidates[0]
        cents = int(best.cost * 100)
        assert plain[0] <= lp <= cents
        assert cents - lp <= (cents - plain[0]) / 2, (hub.org, plain[0], lp, cents)


def _lp_bound(inst: Instance) -> int | None:
    """The Lagrangian bound in cents (None: no system, or the LP did not solve)."""
    found = lagrangian(inst)
    return None if found is None else found.cents
