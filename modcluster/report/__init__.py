"""Reports: how results are shown to people (terminal tables for now)."""

from modcluster.report.text import format_money, render_candidate, render_solution

__all__ = ["format_money", "render_candidate", "render_solution"]
