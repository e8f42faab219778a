"""The hint's list scheduler places every task where the original cubic search did (issue 15, item 2).

``_Calendar.place`` now reads an organisation's load profile instead of
re-counting covering intervals for every point; the schedules, and so every
hint and every answer, must stay the same.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster.solver.hint import _Calendar
from tests.profiles import examples


class _Reference:
    """The original search: for each candidate start, count the intervals covering each point."""

    def __init__(self, capacity: dict[str, int]) -> None:
        self.capacity = capacity
        self.busy: dict[str, list[tuple[int, int]]] = {}

    def place(self, org: str, ready: int, days: int) -> int:
        if days == 0:
            return ready
        busy = self.busy.setdefault(org, [])
        cap = self.capacity[org]
        for start in sorted({ready, *(e for _, e in busy if e > ready)}):
            end = start + days
            points = [start, *(s for s, _ in busy if start < s < end)]
            if all(sum(1 for s, e in busy if s <= p < e) < cap for p in points):
                busy.append((start, end))
                return start
        raise AssertionError("unreachable")


TASKS = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 40), st.integers(0, 12)), min_size=1, max_size=40
)


@settings(max_examples=examples(300), deadline=None)
@given(cap_a=st.integers(1, 3), cap_b=st.integers(1, 2), tasks=TASKS)
def test_place_agrees_with_the_original_search(cap_a: int, cap_b: int, tasks: list[tuple[str, int, int]]) -> None:
    capacity = {"a": cap_a, "b": cap_b}
    fast, slow = _Calendar(capacity), _Reference(capacity)
    for org, ready, days in tasks:
        assert fast.place(org, ready, days) == slow.place(org, ready, days)
    assert fast.busy == slow.busy


def test_place_fills_a_gap_and_waits_when_full() -> None:
    calendar = _Calendar({"a": 1})
    assert calendar.place("a", 0, 5) == 0
    assert calendar.place("a", 0, 3) == 5
    assert calendar.place("a", 20, 2) == 20
    assert calendar.place("a", 0, 10) == 8  # days 8 to 18: free before the task at 20
    assert calendar.place("a", 0, 4) == 22  # no gap of 4 days is left before 22


# --------------------------------------------------------------------------- nearby: one change priced exactly


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_change_prices_exactly_what_a_full_repricing_does(seed: int) -> None:
    from modcluster.generate import generate, spec_for
    from modcluster.io import build_request, catalog_from_data
    from modcluster.solver import greedy, prepare
    from modcluster.solver.hint import GreedyModule, _alternatives, _OneChange, system_cost

    catalog = catalog_from_data(generate(spec_for("small", products=2, modules=8), seed=seed))
    checked = 0
    for product in catalog.products:
        hubs = [o.id for o in catalog.organizations if product.family in o.develops]
        for hub_id in hubs[:3]:
            inst = prepare(catalog, build_request(catalog, product.id, overrides={"hub": hub_id, "limits": {}}))
            if len(inst.hubs) != 1:
                continue
            base = greedy(inst)
            if base is None:
                continue
            hub = inst.hubs[0]
            chosen = [GreedyModule(gm.buy, gm.steps, gm.seed) for gm in base.modules]
            change = _OneChange(inst, hub, chosen)
            base_cents = system_cost(inst, hub, chosen)[0]
            for m, plan in enumerate(inst.modules):
                for alternative in _alternatives(plan, chosen[m]):
                    trial = [*chosen[:m], alternative, *chosen[m + 1 :]]
                    assert change.delta(m, alternative) == system_cost(inst, hub, trial)[0] - base_cents
                    checked += 1
    assert checked > 20  # the comparison really ran
