"""Solver layer: the only place that touches CP-SAT.

catalog + request -> :func:`prepare` (eligible options, exact integers) ->
:func:`compile_model` (CP-SAT model) -> :func:`run_search` (candidate loop) ->
decoded, immutable candidates. :func:`modcluster.solve` is the front door: it
runs :func:`run_search` and then the independent verifier.

Other layers import from here: the search, the guarded model of the request's
rules (:class:`GuardedModel`, used by the explain analysis and the Pareto
front), the slots with no eligible option (:func:`static_gaps`), the greedy
system (:func:`greedy`), the model-size check, and :func:`time_limit`, the
limit every stage that grows with the input checks.
"""

from modcluster.solver.compile import Compiled, compile_model
from modcluster.solver.deadline import time_limit
from modcluster.solver.guarded import GuardedModel, Least, Rule, minimal_conflict
from modcluster.solver.hint import greedy
from modcluster.solver.instance import Instance, ModulePlan, Option, prepare
from modcluster.solver.objective import ObjectiveOrder
from modcluster.solver.pareto import SolvedPoint, pareto_points
from modcluster.solver.shortfall import static_gaps
from modcluster.solver.size import check_model_size, estimate_model_size
from modcluster.solver.solve import SolverSettings, objective_key, run_search

__all__ = [
    "Compiled",
    "GuardedModel",
    "Instance",
    "Least",
    "ModulePlan",
    "ObjectiveOrder",
    "Option",
    "Rule",
    "SolvedPoint",
    "SolverSettings",
    "check_model_size",
    "compile_model",
    "estimate_model_size",
    "greedy",
    "minimal_conflict",
    "objective_key",
    "pareto_points",
    "prepare",
    "run_search",
    "static_gaps",
    "time_limit",
]
