"""Analyses built on the solver: catalog summaries (explanations, fronts and resilience come later)."""

from modcluster.analysis.summary import summarize

__all__ = ["summarize"]
