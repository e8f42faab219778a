"""Every objective at the figures real clusters have (issue 12, MODEL.md v1.1 "Figures of any realistic size").

- the packed order of :class:`ObjectiveOrder` is the contract's order with its
  tie-breaks, for fractional weights of four decimals and figures up to the
  contract's 10^12 money units and 100,000 days;
- ``weighted`` is solved, not refused, at industrial figures (systems of
  millions of kJPY), and the engine's search agrees with the plain model
  (one CP-SAT model of every hub, no settling, pruning, fixing or hint);
- a system near 10^12 money units and 100,000 days is solved under every
  objective; the refusal comes only beyond, naming what is too large;
- a solver-internal failure is one line and exit 6; an explanation that runs
  out of time says "unknown", never "feasible".
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from modcluster import build_request, catalog_from_data, request_from_data
from modcluster.cli import main
from modcluster.domain import Objective, Weights
from modcluster.engine import solve
from modcluster.errors import ExitCode, ModelSizeError, SolverError
from modcluster.generate import generate, spec_for
from modcluster.solver import ObjectiveOrder, SolverSettings
from modcluster.solver.objective import objective_keys
from modcluster.verify import objective_tuple

PLAIN = SolverSettings(decompose=False, dominance=False, bounds=False, hint=False, fixing=False, settle=False)
"""The whole request as one CP-SAT model, solved in lexicographic phases and nothing else."""

weights = st.builds(
    Weights,
    cost=st.decimals(min_value=0, max_value=40, places=4),
    lead_time=st.decimals(min_value=0, max_value=100_000, places=4),
)


@given(
    objective=st.sampled_from(list(Objective)),
    weights=weights,
    systems=st.lists(st.tuples(st.integers(0, 10**14), st.integers(0, 100_000)), min_size=2, max_size=8, unique=True),
)
def test_packed_order_is_the_contracts_order(objective: Objective, weights: Weights, systems: list[Any]) -> None:
    """Packed values sort systems exactly as the contract's keys (Decimal money, whole days) do."""
    order = ObjectiveOrder.of(objective, weights, cost_bound=10**14, lead_bound=100_000)
    request = request_from_data({"product": "p", "objective": objective.value, "weights": weights.model_dump()})
    for (c1, d1), (c2, d2) in itertools.pairwise(systems):
        key1 = objective_tuple(request, Decimal(c1).scaleb(-2), d1)
        key2 = objective_tuple(request, Decimal(c2).scaleb(-2), d2)
        assert (order.value(c1, d1) < order.value(c2, d2)) == (key1 < key2)
        assert (order.value(c1, d1) == order.value(c2, d2)) == (key1 == key2)
        assert order.split(order.value(c1, d1)) == order.key(c1, d1)
    # Every key CP-SAT sees stays inside its 64-bit range at the contract's largest figures: a weighted
    # value that would not is minimised over the front, where CP-SAT sees only cost and lead time.
    assert max(order.tops) < 2**62 or (order.by_front and max(order.tops[1:]) < 2**62)


def test_weighted_keys_by_hand() -> None:
    """0.75 * cost + 120.5 * lead, in units of 1/400 money: 3 per cent and 48,200 per day (gcd 100 taken out)."""
    keys = objective_keys(Objective.WEIGHTED, Weights(cost=Decimal("0.75"), lead_time=Decimal("120.5")))
    assert keys == ((3, 48_200), (1, 0), (0, 1))
    order = ObjectiveOrder.of(
        Objective.WEIGHTED,
        Weights(cost=Decimal("0.75"), lead_time=Decimal("120.5")),
        cost_bound=1000,
        lead_bound=10,
    )
    # 12.34 money and 7 days: 0.75 * 12.34 + 120.5 * 7 = 852.755 = 341,102 / 400.
    assert order.key(1234, 7) == (341_102, 1234, 7)
    assert order.first_bound(order.value(1234, 7)) == Decimal("852.75")  # floored to the cent


def _industrial(objective: str, seed: int) -> Any:
    return catalog_from_data(generate(spec_for("small", magnitude="industrial", objective=objective), seed=seed))


@pytest.mark.parametrize("objective", ["cost", "lead_time", "weighted"])
@pytest.mark.parametrize("seed", [0, 1])
def test_industrial_figures_every_objective(objective: str, seed: int) -> None:
    """Systems of hundreds of thousands of kJPY: solved, proven, verified; the engine equals the plain model."""
    catalog = _industrial(objective, seed)
    for product in catalog.products:
        request = build_request(catalog, product.id, overrides={"candidates": 2, "time_limit": 60})
        engine = solve(catalog, request)  # verified by the engine's own verifier
        plain = solve(catalog, request, PLAIN)
        assert engine.status.value == "optimal", engine.status
        assert plain.status.value == "optimal", plain.status
        assert engine.best is not None and engine.best.cost > 100_000
        keys = [objective_tuple(request, c.cost, c.lead_time) for c in engine.candidates]
        assert keys == [objective_tuple(request, c.cost, c.lead_time) for c in plain.candidates]


def _one_module(unit_cost: str, days: int, quantity: int) -> Any:
    """A hub that buys one module: cost = unit_cost * quantity, lead = days + handover + integration 0."""
    return catalog_from_data(
        {
            "schema": "modcluster/1",
            "name": "figures at the contract's edge",
            "defaults": {"handover_days": 1, "onboarding_cost": 0},
            "organizations": [
                {"id": "hub", "develops": ["f"]},
                {
                    "id": "maker",
                    "modules": [{"type": "t", "unit_cost": Decimal(unit_cost), "setup_days": days}],
                },
                {
                    "id": "quick",
                    "modules": [
                        {
                            "type": "t",
                            "unit_cost": Decimal("0.01"),
                            "setup_cost": Decimal(999999989999),
                            "setup_days": 1,
                        }
                    ],
                },
            ],
            "products": [{"id": "p", "family": "f", "modules": [{"id": "m", "type": "t"}]}],
        }
    )


@pytest.mark.parametrize(
    ("objective", "weights", "expected"),
    [
        ("cost", None, ("maker", 99_998)),
        ("lead_time", None, ("quick", 2)),
        # maker: 999,999,999,000.00 money, 99,998 days; quick: 999,999,999,999.00 money, 2 days. At 0.3333 and
        # 1,234.5678 the quick supplier's extra 999 money weigh 332.97 and its 99,996 days saved 123,451,741.7.
        ("weighted", {"cost": "0.3333", "lead_time": "1234.5678"}, ("quick", 2)),
        # 999 money weigh 39,959.9; 99,996 days weigh 10.0.
        ("weighted", {"cost": "39.9999", "lead_time": "0.0001"}, ("maker", 99_998)),
        # A weighted value beyond 64 bits (solved over the cost / lead-time front).
        ("weighted", {"cost": "99999.9999", "lead_time": "0.0001"}, ("maker", 99_998)),
        ("weighted", {"cost": "7.9747", "lead_time": "1"}, ("quick", 2)),
    ],
)
def test_contract_edge_figures_are_solved(objective: str, weights: Any, expected: tuple[str, int]) -> None:
    """Systems just under 10^12 money units and 100,000 days are solved exactly under every objective."""
    catalog = _one_module("999999.999", 99_997, 1_000_000)  # 999,999,999,000.00 money, 99,997 days
    data: dict[str, Any] = {"product": "p", "quantity": 1_000_000, "objective": objective, "candidates": 2}
    if weights:
        data["weights"] = {key: Decimal(value) for key, value in weights.items()}
    solution = solve(catalog, request_from_data(data))
    assert solution.status.value == "optimal"
    best = solution.best
    assert best is not None
    assert (best.modules[0].organization, best.lead_time) == expected
    assert {c.modules[0].organization for c in solution.candidates} == {"maker", "quick"}


@pytest.mark.parametrize("objective", ["cost", "lead_time", "weighted"])
def test_contract_edge_figures_with_a_budget(objective: str) -> None:
    """A budget at 10^12 money units: the bounds that price the budget keep within 64 bits and stay exact."""
    catalog = _one_module("999999.999", 99_997, 1_000_000)
    data: dict[str, Any] = {
        "product": "p",
        "quantity": 1_000_000,
        "objective": objective,
        "candidates": 2,
        "limits": {"budget": Decimal("999999999998.99")},  # the quick supplier (999,999,999,999.00) is over it
    }
    if objective == "weighted":
        data["weights"] = {"cost": Decimal("0.3333"), "lead_time": Decimal("1234.5678")}
    solution = solve(catalog, request_from_data(data))
    assert solution.status.value == "optimal"
    assert [(c.modules[0].organization, c.lead_time) for c in solution.candidates] == [("maker", 99_998)]


def test_many_sellers_at_the_contract_edge_within_a_budget() -> None:
    """Sixty sellers near 10^12 money units each under a budget: the priced budget would need over 64 bits."""
    sellers = [
        {
            "id": f"s{i:02d}",
            "modules": [{"type": "t", "setup_cost": Decimal(999_999_999_000 - i), "setup_days": 1 + i}],
        }
        for i in range(60)
    ]
    catalog = catalog_from_data(
        {
            "schema": "modcluster/1",
            "name": "many sellers at the contract's edge",
            "defaults": {"handover_days": 1, "onboarding_cost": 0},
            "organizations": [{"id": "hub", "develops": ["f"]}, *sellers],
            "products": [{"id": "p", "family": "f", "modules": [{"id": "m", "type": "t"}]}],
        }
    )
    request = request_from_data(
        {"product": "p", "objective": "lead_time", "limits": {"budget": Decimal(999_999_998_990)}, "candidates": 1}
    )
    solution = solve(catalog, request)
    assert solution.status.value == "optimal"
    best = solution.best
    assert best is not None and (best.modules[0].organization, best.lead_time) == ("s10", 12)


def test_refusal_only_beyond_the_contract_naming_the_figure() -> None:
    """A cost beyond what 64 bits hold is refused, naming the largest cost term; weights are never refused."""
    catalog = _one_module("999999999999999", 1, 1_000_000)
    with pytest.raises(ModelSizeError, match=r"64-bit.*largest cost term organizations\[1\]\.modules\[0\]"):
        solve(catalog, request_from_data({"product": "p", "quantity": 1_000_000}))
    order = ObjectiveOrder.of(
        Objective.WEIGHTED,
        Weights(cost=Decimal("99999.9999"), lead_time=Decimal("0.0001")),
        cost_bound=10**14,
        lead_bound=100_000,
    )
    assert order.by_front


def test_solver_internal_failure_is_one_line_exit_6(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """If CP-SAT ever rejects a model, the user gets one line and exit 6, not the model."""
    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *a, **k: cp_model.MODEL_INVALID)
    code = main(["explain", "catalogs/examples/mini.yaml", "--product", "mini-sensor"])  # explain always runs CP-SAT
    err = capsys.readouterr().err.strip().splitlines()
    assert code == ExitCode.SOLVER_ERROR
    assert len(err) == 1 and "internal: CP-SAT rejected the model" in err[0]
    assert len(err[0]) < 400
    catalog = catalog_from_data(generate("small", seed=1))
    with pytest.raises(SolverError, match="CP-SAT rejected the model") as caught:
        solve(catalog, build_request(catalog, catalog.products[0].id), PLAIN)
    assert "\n" not in str(caught.value)


def test_explain_out_of_time_says_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that CP-SAT leaves undecided is reported unknown, not feasible and not proven."""
    from modcluster.analysis import explain

    catalog = catalog_from_data(generate("small", seed=1))
    request = build_request(catalog, catalog.products[0].id)
    apply = SolverSettings.apply

    def no_time(self: SolverSettings, solver: cp_model.CpSolver, seconds: float) -> None:
        apply(self, solver, seconds)  # then take away every means of deciding anything
        solver.parameters.max_number_of_conflicts = 0
        solver.parameters.cp_model_presolve = False
        solver.parameters.max_time_in_seconds = 1e-6

    monkeypatch.setattr(SolverSettings, "apply", no_time)
    diagnosis = explain(catalog, request, seconds=1)
    assert diagnosis.feasible is None
    assert diagnosis.summary.startswith("unknown")
    assert [r.status for r in diagnosis.relaxations] == ["unknown"] * 3
    assert not any(r.proven for r in diagnosis.relaxations)
    assert diagnosis.to_dict()["feasible"] is None
