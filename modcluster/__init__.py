"""modcluster: configure product systems out of a regional industrial cluster.

Data flows one way: catalog file -> domain model -> compiled CP-SAT model ->
solve -> decoded, verified candidates -> analyses -> reports and CLI.

>>> from modcluster import load_catalog, build_request, solve
>>> catalog = load_catalog("catalogs/examples/mini.yaml")
>>> solution = solve(catalog, build_request(catalog))
>>> solution.status.value, str(solution.best.cost), solution.best.lead_time
('optimal', '6410.00', 52)
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from modcluster.configure import Configurator
    from modcluster.domain import (
        Candidate,
        Catalog,
        Configuration,
        CostBreakdown,
        Explanation,
        Gap,
        LinkResult,
        ModuleChoice,
        Objective,
        Plan,
        PlanRequest,
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
    from modcluster.io import (
        build_request,
        catalog_from_data,
        load_catalog,
        load_plan_request,
        load_request,
        plan_request_from_data,
        request_from_data,
    )
    from modcluster.plans import plan
    from modcluster.solver import SolverSettings
    from modcluster.verify import (
        check_configuration,
        check_plan,
        check_solution,
        verify_configuration,
        verify_plan,
        verify_solution,
    )

#: Where each public name lives; imported on first use so that ``import modcluster`` (and the
#: command line's error paths) do not pay for OR-Tools until something solves.
_LAZY = {
    "Candidate": "modcluster.domain",
    "Catalog": "modcluster.domain",
    "Configuration": "modcluster.domain",
    "Configurator": "modcluster.configure",
    "CostBreakdown": "modcluster.domain",
    "CrossReferenceError": "modcluster.errors",
    "ExitCode": "modcluster.errors",
    "Explanation": "modcluster.domain",
    "Gap": "modcluster.domain",
    "InputError": "modcluster.errors",
    "Issue": "modcluster.errors",
    "LinkResult": "modcluster.domain",
    "ModclusterError": "modcluster.errors",
    "ModelSizeError": "modcluster.errors",
    "ModuleChoice": "modcluster.domain",
    "Objective": "modcluster.domain",
    "ParseError": "modcluster.errors",
    "Plan": "modcluster.domain",
    "PlanRequest": "modcluster.domain",
    "Request": "modcluster.domain",
    "RequestError": "modcluster.errors",
    "SeedChoice": "modcluster.domain",
    "Solution": "modcluster.domain",
    "SolverError": "modcluster.errors",
    "SolverSettings": "modcluster.solver",
    "Status": "modcluster.domain",
    "StepChoice": "modcluster.domain",
    "ValidationError": "modcluster.errors",
    "VerificationError": "modcluster.errors",
    "build_request": "modcluster.io",
    "catalog_from_data": "modcluster.io",
    "check_configuration": "modcluster.verify",
    "check_plan": "modcluster.verify",
    "check_solution": "modcluster.verify",
    "load_catalog": "modcluster.io",
    "load_plan_request": "modcluster.io",
    "load_request": "modcluster.io",
    "plan": "modcluster.plans",
    "plan_request_from_data": "modcluster.io",
    "request_from_data": "modcluster.io",
    "solve": "modcluster.engine",
    "verify_configuration": "modcluster.verify",
    "verify_plan": "modcluster.verify",
    "verify_solution": "modcluster.verify",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'modcluster' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "Catalog",
    "Configuration",
    "Configurator",
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
    "Plan",
    "PlanRequest",
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
    "check_configuration",
    "check_plan",
    "check_solution",
    "load_catalog",
    "load_plan_request",
    "load_request",
    "plan",
    "plan_request_from_data",
    "request_from_data",
    "solve",
    "verify_configuration",
    "verify_plan",
    "verify_solution",
]
