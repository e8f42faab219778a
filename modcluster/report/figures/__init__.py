"""Figures of candidate systems and plans (matplotlib): Gantt, network, cost breakdown, Pareto front, plan load.

One module per figure (:mod:`.gantt_chart`, :mod:`.network_chart`,
:mod:`.cost_chart`, :mod:`.pareto_chart`, and for plans :mod:`.plan_gantt_chart`
and :mod:`.plan_load_chart`), the points the front chart draws
(:mod:`.front`), the schedule as tasks (:mod:`.tasks`) and what they all share
(:mod:`.common`); this package is the public surface.

matplotlib is the optional extra ``modcluster[plot]``; it is imported only when
a figure is drawn, so the rest of the library works without it. Every figure is
a :class:`matplotlib.figure.Figure` on the Agg canvas (pyplot and the global
backend are never touched), drawn under :data:`FIGURE_STYLE` (fixed font, size
and DPI) with a fixed layout seed, so the same input draws the same picture.
"""

from modcluster.report.figures.common import (
    DPI,
    FIGURE_STYLE,
    INTEGRATION_COLOUR,
    ROLE_COLOURS,
    PlotUnavailableError,
    figure_png,
    require_matplotlib,
)
from modcluster.report.figures.cost_chart import cost_breakdown
from modcluster.report.figures.front import Front, FrontPoint, front_from_analysis, front_from_candidates, nondominated
from modcluster.report.figures.gantt_chart import gantt, module_colours
from modcluster.report.figures.network_chart import network
from modcluster.report.figures.pareto_chart import pareto
from modcluster.report.figures.plan_gantt_chart import entry_colours, plan_gantt, task_key
from modcluster.report.figures.plan_load_chart import DEFAULT_LIMIT, OrganisationLoad, organisation_loads, plan_load
from modcluster.report.figures.tasks import Task, precedences, schedule_tasks

__all__ = [
    "DEFAULT_LIMIT",
    "DPI",
    "FIGURE_STYLE",
    "INTEGRATION_COLOUR",
    "ROLE_COLOURS",
    "Front",
    "FrontPoint",
    "OrganisationLoad",
    "PlotUnavailableError",
    "Task",
    "cost_breakdown",
    "entry_colours",
    "figure_png",
    "front_from_analysis",
    "front_from_candidates",
    "gantt",
    "module_colours",
    "network",
    "nondominated",
    "organisation_loads",
    "pareto",
    "plan_gantt",
    "plan_load",
    "precedences",
    "require_matplotlib",
    "schedule_tasks",
    "task_key",
]
