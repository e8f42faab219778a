"""Property tests: on random small instances the solver agrees with exhaustive enumeration.

For every generated catalog and request:
- the solver's ranked objective values equal the best k of brute force
  (tests/bruteforce.py: its own arithmetic and its own reading of the rules);
- the status is optimal (or infeasible exactly when brute force finds nothing);
- every candidate passes the independent verifier (which also checks ranking
  and distinctness);
- and all of this again, at times, with the budget or the deadline exactly at
  some system's cost or lead time (limits are inclusive).

Municipal policies (v1.1) are added to the same instances (with people at
times), each check again with a limit on the edge, so that the budget lands
on a net cost: a short run by default, a long one marked slow.

Each property runs for every objective, on tiny figures and on realistic ones
(money terms up to about 10^6, quantities up to 1,500), and on two paths:
with the engine's defaults (small hubs are mostly settled by branch and bound)
and with CP-SAT deciding every hub.

The number of examples comes from the hypothesis profile (tests/profiles.py):
fixed and derandomised by default, many more under ``make test-slow``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modcluster import catalog_from_data, request_from_data, solve, verify_solution
from modcluster.domain import Status
from modcluster.solver import SolverSettings, objective_key
from tests.bruteforce import SystemResult, candidate_classes
from tests.profiles import examples
from tests.strategies import OBJECTIVES, instances, with_policies

CP_SAT_ONLY = SolverSettings(settle=False)
"""Small instances are mostly settled by branch and bound; this keeps CP-SAT's path under the same test."""


def _check(instance: tuple[dict[str, Any], dict[str, Any]], engine: SolverSettings | None) -> list[SystemResult]:
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    solution = solve(catalog, request, engine)
    classes = candidate_classes(catalog, request)
    expected = [c.key(request) for c in classes]
    assert verify_solution(catalog, request, solution) == []
    got = [objective_key(c, request) for c in solution.candidates]
    assert got == expected[: request.candidates]
    if expected:
        assert solution.status is Status.OPTIMAL
        assert all(c.proven_optimal for c in solution.candidates)
    else:
        assert solution.status is Status.INFEASIBLE
    return classes


def _check_with_a_limit_on_the_edge(
    instance: tuple[dict[str, Any], dict[str, Any]], engine: SolverSettings | None, data: st.DataObject
) -> None:
    """Check the instance, then again with the budget or the deadline exactly at some system's figure.

    Limits are inclusive: that system stays allowed. Random limits almost never
    land on a system's exact cost, so the edge is drawn from the systems found.
    """
    classes = _check(instance, engine)
    edge = data.draw(st.sampled_from(["none", "budget", "deadline"]), label="limit on the edge")
    if edge == "none" or not classes:
        return
    system = data.draw(st.sampled_from(classes), label="system on the edge")
    catalog, request = instance
    # a net cost can be a cent or two below 0 (each policy's refund rounded up on its own): a budget cannot
    limits = {**request.get("limits", {}), edge: max(system.cost, 0) if edge == "budget" else system.lead_time}
    _check((catalog, {**request, "limits": limits}), engine)


def _cases() -> list[Any]:
    return [pytest.param(objective, large) for objective in OBJECTIVES for large in (False, True)]


def _ids(value: Any) -> str:
    return ("large" if value else "small") if isinstance(value, bool) else str(value)


@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(50))
@given(data=st.data())
def test_solver_matches_brute_force(objective: str, large: bool, data: st.DataObject) -> None:
    _check_with_a_limit_on_the_edge(
        data.draw(instances(objective=objective, large=large), label="instance"), None, data
    )


@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(35))
@given(data=st.data())
def test_cp_sat_path_matches_brute_force(objective: str, large: bool, data: st.DataObject) -> None:
    _check_with_a_limit_on_the_edge(
        data.draw(instances(objective=objective, large=large), label="instance"), CP_SAT_ONLY, data
    )


def _with_policies(objective: str, large: bool, data: st.DataObject) -> None:
    people = data.draw(st.booleans(), label="people")
    engine = data.draw(st.sampled_from([None, CP_SAT_ONLY]), label="engine")
    instance = data.draw(with_policies(objective, large=large, people=people), label="instance")
    _check_with_a_limit_on_the_edge(instance, engine, data)


@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(15))
@given(data=st.data())
def test_with_policies_matches_brute_force(objective: str, large: bool, data: st.DataObject) -> None:
    """Policies in the catalog (v1.1): refunds, caps and the net budget; tests/test_policies.py has more."""
    _with_policies(objective, large, data)


@pytest.mark.slow
@pytest.mark.parametrize(("objective", "large"), _cases(), ids=_ids)
@settings(max_examples=examples(150, slow=1000))
@given(data=st.data())
def test_with_policies_matches_brute_force_long(objective: str, large: bool, data: st.DataObject) -> None:
    """The same, far longer (``make test-slow``)."""
    _with_policies(objective, large, data)
