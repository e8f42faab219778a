"""Scenario sweeps: many requests at once, on a local process pool or a Dask cluster, with nothing lost.

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
from modcluster.sweep.progress import Progress
from modcluster.sweep.results import FAILED, ResultLog, ScenarioResult, finished, latest, read_results
from modcluster.sweep.run import (
    SWEEP_SETTINGS,
    SweepRun,
    cache_info,
    catalog_payload,
    default_workers,
    solve_task,
    sweep,
)
from modcluster.sweep.spec import (
    SWEEP_SCHEMA,
    Grid,
    NamedScenario,
    Scenario,
    SweepSpec,
    build_scenario_request,
    load_sweep,
    plan,
    sweep_from_data,
)

__all__ = [
    "FAILED",
    "SWEEP_SCHEMA",
    "SWEEP_SETTINGS",
    "Grid",
    "NamedScenario",
    "Progress",
    "ResultLog",
    "Scenario",
    "ScenarioResult",
    "SweepError",
    "SweepRun",
    "SweepSpec",
    "build_scenario_request",
    "cache_info",
    "catalog_payload",
    "default_workers",
    "finished",
    "latest",
    "load_sweep",
    "plan",
    "read_results",
    "solve_task",
    "sweep",
    "sweep_from_data",
]
