"""Reports: how results are shown to people.

Terminal tables (:mod:`modcluster.report.text`, :mod:`modcluster.report.analyses`)
need nothing extra; the HTML report and its figures
(:mod:`modcluster.report.html`, :mod:`modcluster.report.figures`) need the
``plot`` extra (matplotlib), imported only when used; graph export
(:mod:`modcluster.report.graph_export`) needs networkx alone. Importing this
package imports neither matplotlib nor the solver. The figures are drawn by
:mod:`modcluster.report.figures`, imported by path where a figure is wanted.
"""

from modcluster.report.analyses import (
    render_comparison,
    render_critical,
    render_diagnosis,
    render_gaps,
    render_intermediary_value,
    render_pareto,
    render_people_value,
    render_resilience,
)
from modcluster.report.graph_export import GRAPH_FORMATS, export_graph, format_for_path, graph_text, to_dot
from modcluster.report.html import ProductReport, Report, build_report, product_figures
from modcluster.report.plan_html import PLAN_FIGURES, build_plan_report, plan_figures
from modcluster.report.plan_text import load_profile, render_plan
from modcluster.report.text import format_money, render_candidate, render_solution, table
from modcluster.report.versions import render_answers_diff, render_catalog_diff, render_versions, versions_html

__all__ = [
    "GRAPH_FORMATS",
    "PLAN_FIGURES",
    "ProductReport",
    "Report",
    "build_plan_report",
    "build_report",
    "export_graph",
    "format_for_path",
    "format_money",
    "graph_text",
    "load_profile",
    "plan_figures",
    "product_figures",
    "render_answers_diff",
    "render_candidate",
    "render_catalog_diff",
    "render_comparison",
    "render_critical",
    "render_diagnosis",
    "render_gaps",
    "render_intermediary_value",
    "render_pareto",
    "render_people_value",
    "render_plan",
    "render_resilience",
    "render_solution",
    "render_versions",
    "table",
    "to_dot",
    "versions_html",
]
