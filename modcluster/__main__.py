"""``python -m modcluster``: the command line."""

from modcluster.cli.main import run

run()
