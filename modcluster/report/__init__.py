"""Reports: how results are shown to people.

Terminal tables (:mod:`modcluster.report.text`, :mod:`modcluster.report.analyses`)
need nothing extra; the HTML report and its figures
(:mod:`modcluster.report.html`, :mod:`modcluster.report.figures`) need the
``plot`` extra (matplotlib), imported only when used; graph export
(:mod:`modcluster.report.graph_export`) needs networkx alone.
"""

from modcluster.report.text import format_money, render_candidate, render_solution

__all__ = ["format_money", "render_candidate", "render_solution"]
