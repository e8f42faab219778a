"""Property tests: on random small instances the solver agrees with exhaustive enumeration.

For every generated catalog and request:
- the solver's ranked objective values equal the best k of brute force;
- the status is optimal (or infeasible exactly when brute force finds nothing);
- every candidate passes the independent verifier (which also checks ranking
  and distinctness).

Each property runs twice: with the engine's defaults (small hubs are mostly
settled by branch and bound) and with CP-SAT deciding every hub.

``make test-slow`` runs the same properties on many more cases.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from modcluster import catalog_from_data, request_from_data, solve, verify_solution
from modcluster.domain.solution import Status
from modcluster.solver.solve import SolverSettings, objective_key
from tests.bruteforce import ranked_values
from tests.strategies import instances

CP_SAT_ONLY = SolverSettings(settle=False)
"""Small instances are mostly settled by branch and bound; this keeps CP-SAT's path under the same test."""


def _check(instance: tuple[dict[str, Any], dict[str, Any]], engine: SolverSettings | None = None) -> None:
    catalog = catalog_from_data(instance[0])
    request = request_from_data(instance[1])
    expected = ranked_values(catalog, request)
    solution = solve(catalog, request, engine)
    assert verify_solution(catalog, request, solution) == []
    got = [objective_key(c, request) for c in solution.candidates]
    assert got == expected[: request.candidates]
    if expected:
        assert solution.status is Status.OPTIMAL
        assert all(c.proven_optimal for c in solution.candidates)
    else:
        assert solution.status is Status.INFEASIBLE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_matches_brute_force(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _check(instance)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_cp_sat_path_matches_brute_force(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _check(instance, CP_SAT_ONLY)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_matches_brute_force_long(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _check(instance)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_cp_sat_path_matches_brute_force_long(instance: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _check(instance, CP_SAT_ONLY)
