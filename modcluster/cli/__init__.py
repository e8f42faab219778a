"""Command-line interface (a thin layer over the library)."""

from modcluster.cli.app import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
