"""``python -m modcluster``: the command line."""

from modcluster.cli import run

run()
