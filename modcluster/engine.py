"""The engine's entry point: solve, then re-check every candidate with the independent verifier.

:func:`modcluster.solver.run_search` is the raw search; this is what the library
exports as :func:`modcluster.solve` and what the CLI calls, so every solution
the engine hands out has passed :mod:`modcluster.verify`.
"""

from __future__ import annotations

from modcluster.domain import Catalog, Request, Solution
from modcluster.solver import SolverSettings, run_search
from modcluster.verify import check_solution

__all__ = ["solve"]


def solve(catalog: Catalog, request: Request, settings: SolverSettings | None = None) -> Solution:
    """Find up to ``request.candidates`` ranked candidate systems, each verified.

    Args:
        catalog: A checked catalog (see :func:`modcluster.load_catalog`).
        request: The request (see :func:`modcluster.build_request`).
        settings: CP-SAT parameters; the defaults suit this model.

    Returns:
        The immutable :class:`~modcluster.domain.Solution`.

    Raises:
        RequestError: The request names what the catalog does not have.
        ModelSizeError: Figures too large to solve exactly.
        VerificationError: A candidate failed the independent check (a bug: report it).
    """
    solution = run_search(catalog, request, settings)
    check_solution(catalog, request, solution)
    return solution
