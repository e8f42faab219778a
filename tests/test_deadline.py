"""The time limit holds in every stage whose work grows with the input, not only inside CP-SAT.

Each stage is run inside a limit that has already passed and must stop at its
first pass (no wall clock is measured: the loops either check the limit or
they do not). A solve whose limit passes between the hints and the model
returns the complete systems it tried, unproven and verified. The wall-clock
check on a product of 500 modules is in the slow suite.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from modcluster import build_request, catalog_from_data, load_catalog
from modcluster.domain import Status
from modcluster.engine import solve
from modcluster.errors import TimeLimitError
from modcluster.generate import generate, spec_for, write_catalog
from modcluster.solver import Instance, compile_model, estimate_model_size, greedy, prepare
from modcluster.solver.deadline import check_time, time_left, time_limit, time_up
from modcluster.solver.hint import nearby
from modcluster.solver.lagrange import lagrangian
from modcluster.solver.prune import lower_bound, prune, restrict_hub
from modcluster.verify import verify_solution


@pytest.fixture(scope="module")
def instance() -> Instance:
    catalog = catalog_from_data(generate(spec_for("small", modules=40, name="deadline"), 1))
    return prepare(catalog, build_request(catalog, "product-0", overrides={"limits": {"budget": 10**9}}))


def _passed() -> float:
    return time.monotonic() - 1.0


def test_outside_a_limit_nothing_is_checked() -> None:
    check_time()
    assert not time_up() and time_left() is None


def test_the_earlier_of_two_nested_limits_holds() -> None:
    with time_limit(time.monotonic() + 3600), time_limit(_passed()):
        assert time_up()
    with time_limit(_passed()), time_limit(time.monotonic() + 3600):
        assert time_up() and time_left() == 0.0
    assert not time_up()


STAGES: dict[str, Callable[[Instance], object]] = {
    "prepare": lambda inst: prepare(inst.catalog, inst.request),
    "estimate_model_size": estimate_model_size,
    "prune (bounds)": lambda inst: prune(inst, 3, dominance=False),
    "prune (dominance)": lambda inst: prune(inst, 3, bounds=False),
    "lower_bound": lower_bound,
    "lagrangian": lambda inst: lagrangian(restrict_hub(inst, inst.hubs[0])),
    "greedy": greedy,
    "nearby": lambda inst: nearby(one := restrict_hub(inst, inst.hubs[0]), greedy(one), 10),  # type: ignore[arg-type]
    "compile_model": compile_model,
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_every_stage_that_grows_with_the_input_stops_at_the_limit(instance: Instance, stage: str) -> None:
    STAGES[stage](instance)  # runs to the end without a limit
    with time_limit(_passed()), pytest.raises(TimeLimitError, match="time limit"):
        STAGES[stage](instance)


def test_a_limit_passing_before_the_model_gives_the_systems_tried_unproven(
    instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit passes after the hints: the greedy system and its neighbours answer, marked unproven."""
    search = sys.modules["modcluster.solver.search"]

    def too_late(*args: object, **kwargs: object) -> None:
        raise TimeLimitError("the time limit passed during the solve")

    monkeypatch.setattr(search, "compile_model", too_late)
    monkeypatch.setattr(search, "settle", lambda *args, **kwargs: None)  # no settling: the model would be built
    request = instance.request.model_copy(update={"candidates": 2})
    solution = solve(instance.catalog, request)
    assert solution.status is Status.FEASIBLE
    assert solution.candidates and not any(c.proven_optimal for c in solution.candidates)
    assert not solution.stats["interrupted"], "the clock is not a Ctrl-C"
    assert verify_solution(instance.catalog, request, solution) == []


def test_a_limit_passing_while_preparing_gives_unknown(instance: Instance, monkeypatch: pytest.MonkeyPatch) -> None:
    search = sys.modules["modcluster.solver.solve"]

    def too_late(*args: object, **kwargs: object) -> None:
        raise TimeLimitError("the time limit passed during the solve")

    monkeypatch.setattr(search, "prepare", too_late)
    solution = solve(instance.catalog, instance.request)
    assert solution.status is Status.UNKNOWN and not solution.candidates
    assert solution.explanation is None, "nothing was proven, so nothing is explained"


@pytest.mark.slow
@pytest.mark.parametrize("limit", [0.5, 2.0])
def test_time_limit_holds_at_500_modules(tmp_path: Path, limit: float) -> None:
    """The issue's case: ``--time-limit 2`` took 51-78 s on a product of 500 modules."""
    path = tmp_path / "m500.json"
    write_catalog(generate(spec_for("small", modules=500, name="m500"), 1), path)
    catalog = load_catalog(path)
    request = build_request(catalog, "product-0", overrides={"time_limit": limit})
    began = time.monotonic()
    solution = solve(catalog, request)
    took = time.monotonic() - began
    assert solution.status in (Status.FEASIBLE, Status.UNKNOWN)
    assert took <= 2 * (limit + 1.0), f"{took:.2f} s for a limit of {limit} s"


def test_analyses_keep_their_limit_while_preparing(instance: Instance, monkeypatch: pytest.MonkeyPatch) -> None:
    """The explain analysis and the Pareto front with no time left: unknown, incomplete, no model built."""
    from modcluster.analysis import explain, pareto_front

    def too_late(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was built after the time limit")

    monkeypatch.setattr(sys.modules["modcluster.solver.guarded"], "compile_model", too_late)

    diagnosis = explain(instance.catalog, instance.request, seconds=0)
    assert diagnosis.feasible is None
    assert diagnosis.relaxations and all(r.status == "unknown" for r in diagnosis.relaxations)
    front = pareto_front(instance.catalog, instance.request, seconds=0)
    assert not front.points and not front.complete
