"""Solver layer: the only place that touches CP-SAT.

catalog + request -> :func:`prepare` (eligible options, exact integers) ->
:func:`compile_model` (CP-SAT model) -> :func:`run_search` (candidate loop) ->
:func:`decode` (immutable candidates).
"""

from modcluster.solver.compile import Compiled, compile_model
from modcluster.solver.prepare import Instance, prepare
from modcluster.solver.shortfall import static_gaps
from modcluster.solver.solve import SolverSettings, objective_key, run_search

__all__ = [
    "Compiled",
    "Instance",
    "SolverSettings",
    "compile_model",
    "objective_key",
    "prepare",
    "run_search",
    "static_gaps",
]
