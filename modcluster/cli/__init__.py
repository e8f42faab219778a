"""Command-line interface (a thin layer over the library)."""

from modcluster.cli.main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
