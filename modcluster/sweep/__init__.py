"""Scenario sweeps: many requests (or plans) at once, on a local process pool or a Dask cluster, with nothing lost.

>>> from modcluster import load_catalog
>>> from modcluster.sweep import load_sweep, sweep
>>> catalog = load_catalog("catalogs/tama.yaml")
>>> spec = load_sweep("catalogs/sweeps/tama.yaml")
>>> run = sweep(catalog, spec, workers=2)        # nothing runs until iterated
>>> len(run.scenarios) == len(run.pending)
True
>>> run.close()
"""

from modcluster.errors import SweepError
from modcluster.sweep.plans import ENTRY_KEYS, PLAN_KEYS, PlanSweep, build_scenario_plan, check_base_plan
from modcluster.sweep.progress import Progress
from modcluster.sweep.results import FAILED, ResultLog, ScenarioResult, finished, latest, read_results
from modcluster.sweep.run import (
    MAX_LOCAL_WORKERS,
    SWEEP_SETTINGS,
    SweepRun,
    cache_info,
    catalog_payload,
    default_workers,
    plan_task,
    solve_task,
    sweep,
)
from modcluster.sweep.schema import SWEEP_SCHEMA_ID, sweep_schema
from modcluster.sweep.spec import (
    MAX_SCENARIOS,
    SWEEP_SCHEMA,
    Grid,
    NamedScenario,
    Scenario,
    SweepSpec,
    build_scenario_request,
    check_scenario_count,
    load_sweep,
    plan,
    scenario_count,
    sweep_from_data,
)

__all__ = [
    "ENTRY_KEYS",
    "FAILED",
    "MAX_LOCAL_WORKERS",
    "MAX_SCENARIOS",
    "PLAN_KEYS",
    "SWEEP_SCHEMA",
    "SWEEP_SCHEMA_ID",
    "SWEEP_SETTINGS",
    "Grid",
    "NamedScenario",
    "PlanSweep",
    "Progress",
    "ResultLog",
    "Scenario",
    "ScenarioResult",
    "SweepError",
    "SweepRun",
    "SweepSpec",
    "build_scenario_plan",
    "build_scenario_request",
    "cache_info",
    "catalog_payload",
    "check_base_plan",
    "check_scenario_count",
    "default_workers",
    "finished",
    "latest",
    "load_sweep",
    "plan",
    "plan_task",
    "read_results",
    "scenario_count",
    "solve_task",
    "sweep",
    "sweep_from_data",
    "sweep_schema",
]
