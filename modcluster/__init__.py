"""modcluster: configure product systems out of a regional industrial cluster.

Data flows one way: catalog file -> domain model -> compiled CP-SAT model ->
solve -> decoded, verified candidates -> analyses -> reports and CLI.

>>> from modcluster import load_catalog, build_request, solve
>>> catalog = load_catalog("catalogs/examples/mini.yaml")
>>> solution = solve(catalog, build_request(catalog))
>>> solution.status.value, str(solution.best.cost), solution.best.lead_time
('optimal', '6410.00', 52)
"""

from modcluster.domain import (
    Candidate,
    Catalog,
    CostBreakdown,
    Explanation,
    Gap,
    LinkResult,
    ModuleChoice,
    Objective,
    Request,
    SeedChoice,
    Solution,
    Status,
    StepChoice,
)
from modcluster.engine import solve
from modcluster.errors import (
    CrossReferenceError,
    ExitCode,
    InputError,
    Issue,
    ModclusterError,
    ModelSizeError,
    ParseError,
    RequestError,
    SolverError,
    ValidationError,
    VerificationError,
)
from modcluster.io import build_request, catalog_from_data, load_catalog, load_request, request_from_data
from modcluster.solver import SolverSettings
from modcluster.verify import check_solution, verify_solution

__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "Catalog",
    "CostBreakdown",
    "CrossReferenceError",
    "ExitCode",
    "Explanation",
    "Gap",
    "InputError",
    "Issue",
    "LinkResult",
    "ModclusterError",
    "ModelSizeError",
    "ModuleChoice",
    "Objective",
    "ParseError",
    "Request",
    "RequestError",
    "SeedChoice",
    "Solution",
    "SolverError",
    "SolverSettings",
    "Status",
    "StepChoice",
    "ValidationError",
    "VerificationError",
    "__version__",
    "build_request",
    "catalog_from_data",
    "check_solution",
    "load_catalog",
    "load_request",
    "request_from_data",
    "solve",
    "verify_solution",
]
