"""One home for what ``modcluster COMMAND --help`` says beyond the options: a description and examples.

Each command module registers its own options with their help texts; this
module adds, for every command, a one-paragraph description and examples
that run on the bundled catalogs (``tests/test_cli_help.py`` parses every
example with the real parser, so none can drift from the options). Kept
apart from the command modules so that a reader finds every example in one
place and a new command fails that test until it has its own.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

__all__ = ["CATALOG_HELP", "COMMAND_HELP", "CommandHelp", "apply_help"]

#: The help text of every command's catalog argument.
CATALOG_HELP = "the catalog file: YAML, JSON, TOML or an XLSX workbook (see docs/catalog.md)"


class CommandHelp:
    """A command's description and examples (each a command line after ``modcluster``)."""

    __slots__ = ("description", "examples")

    def __init__(self, description: str, *examples: str) -> None:
        self.description = description
        self.examples = examples

    def epilog(self) -> str:
        """The examples as ``--help`` prints them."""
        return "examples:\n" + "\n".join(f"  modcluster {example}" for example in self.examples)


T = "catalogs/tama.yaml"
COMMAND_HELP: dict[str, CommandHelp] = {
    "validate": CommandHelp(
        "Check a catalog against the contract and print a summary; every problem is named with its file, line "
        "and place. Exit 0 when valid, 2 when not.",
        f"validate {T}",
        f"validate {T} --json",
    ),
    "solve": CommandHelp(
        "Solve each request (every product's default request, or the one the flags and --request give) and print "
        "the ranked candidate systems: hub, sources, schedule, exact cost and lead time, each verified.",
        f"solve {T}",
        f"solve {T} --product piezo-nano-stage --budget 9,000 --deadline 70",
        f"solve {T} --product piezo-nano-stage --objective lead_time --candidates 5 --json",
        f"solve {T} --product piezo-nano-stage --start-date 2026-12-24 --calendar JP",
    ),
    "plan": CommandHelp(
        "Plan several products at once on the cluster's shared capacity (a plan file's entries): each entry's "
        "system, the load of every organisation, the totals and the price of sharing.",
        f"plan {T} catalogs/plans/tama-season.yaml",
        f"plan {T} catalogs/plans/tama-rush.yaml --json --out rush.json",
    ),
    "configure": CommandHelp(
        "Configure a product step by step: fix or rule out choices and see, for every remaining value, whether "
        "it is still possible and its best cost and lead time; --interactive for a prompt.",
        f"configure {T} --product piezo-nano-stage",
        f"configure {T} --product piezo-nano-stage --select hub=sagami-seimitsu",
        f"configure {T} --product piezo-nano-stage --interactive",
    ),
    "verify": CommandHelp(
        "Re-check solution, plan or configuration JSON files against the catalog without the solver, "
        "recomputing every figure. Exit 0 when every file holds.",
        f"verify {T} solution.json",
        f"verify {T} request.yaml solution.json --json",
    ),
    "schema": CommandHelp(
        "Print (or write) the JSON Schema of a file kind modcluster reads, for editors and validators.",
        "schema catalog",
        "schema request --out request.schema.json",
    ),
    "explain": CommandHelp(
        "Why a request has no system, or what binds it: the smallest sets of conflicting limits and the least "
        "budget, deadline and partners that would admit a system.",
        f"explain {T} --product piezo-nano-stage --budget 5,000",
    ),
    "pareto": CommandHelp(
        "The cost / lead-time trade-off: every system that no other beats on both.",
        f"pareto {T} --product piezo-nano-stage",
    ),
    "resilience": CommandHelp(
        "Single points of failure: the organisations without which the product cannot be built, and what "
        "losing each one costs.",
        f"resilience {T} --product piezo-nano-stage",
    ),
    "gaps": CommandHelp(
        "Products that cannot be built and the smallest sets of additions (offers, seeds, members) that would "
        "make them buildable.",
        f"gaps {T}",
        f"gaps {T} --without nishitama-motors --max-size 2",
    ),
    "intermediaries": CommandHelp(
        "What the association and the local networks save each product, and the introductions worth making.",
        f"intermediaries {T}",
    ),
    "people": CommandHelp(
        "Per engineer the association may place: the products a placement unlocks or improves, where, by how much.",
        f"people {T}",
    ),
    "policies": CommandHelp(
        "Per municipal policy: its value per product and the work it moves between cities.",
        f"policies {T}",
        f"policies {T} --product piezo-nano-stage --json",
    ),
    "compare": CommandHelp(
        "The best candidates side by side: figures, hub, partners and where they differ.",
        f"compare {T} --product laser-displacement-sensor",
    ),
    "diff": CommandHelp(
        "What changed between two versions of a catalog, and what it does to every product's answer.",
        f"diff {T} catalogs/versions/tama-2003.yaml",
        f"diff {T} catalogs/versions/tama-2003.yaml --product piezo-nano-stage --json",
    ),
    "convert": CommandHelp(
        "Convert a catalog between YAML, JSON, TOML and an Excel workbook (.xlsx, one sheet per list; see "
        "docs/catalog.md, Spreadsheets), validating it first; export a solution, plan or configuration JSON, "
        "or a sweep's results, to a workbook. Never writes over its input.",
        f"convert {T} tama.xlsx",
        "convert tama.xlsx tama.yaml",
        "convert star.json star.xlsx",
        "convert results.jsonl results.xlsx",
    ),
    "sweep": CommandHelp(
        "Solve many scenarios of a sweep file (in local processes or on a Dask cluster), resumably, into JSON "
        "lines and a CSV table.",
        f"sweep {T} catalogs/sweeps/tama.yaml --out results.jsonl --csv results.csv",
        f"sweep {T} catalogs/sweeps/tama.yaml --out results.jsonl --dask tcp://127.0.0.1:8786",
    ),
    "report": CommandHelp(
        "An HTML report (and PNG figures) of the best systems: Gantt, network, cost breakdown, analyses.",
        f"report {T} --product piezo-nano-stage --out report.html",
    ),
    "graph": CommandHelp(
        "Export the cluster as a graph (GraphML, GEXF or DOT) for network tools.",
        f"graph {T} --format dot --out tama.dot",
    ),
    "serve": CommandHelp(
        "A configurator in the browser: a local web app over the catalog (decision table, select, rule out, "
        "undo, why; the best system's Gantt, network and costs; plans; downloads). Listens on 127.0.0.1 only "
        "unless --host says otherwise; Ctrl-C stops it (exit 0). See docs/web.md.",
        f"serve {T}",
        f"serve {T} --port 8080 --time-limit 20",
    ),
    "generate": CommandHelp(
        "Write a synthetic cluster catalog that follows the contract, the same for the same preset and seed.",
        "generate --preset medium --seed 1 --out medium.json",
        "generate --preset large --magnitude industrial --objective weighted --out large.json",
    ),
    "completion": CommandHelp(
        "Print a shell completion script: every command and option completes with Tab. Install it once, e.g. "
        "into bash's completion folder.",
        "completion bash",
        "completion zsh",
    ),
}


def apply_help(subparsers: Any) -> None:
    """Give every registered command its description, examples and the catalog argument's help.

    Raises:
        KeyError: A command has no entry in :data:`COMMAND_HELP` (a test catches it first).
    """
    for name, parser in subparsers.choices.items():
        entry = COMMAND_HELP[name]
        parser.description = textwrap.fill(entry.description, width=78)
        parser.epilog = entry.epilog()
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        for action in parser._actions:  # argparse has no public accessor for a parser's actions
            if action.dest == "catalog" and not action.option_strings and not action.help:
                action.help = CATALOG_HELP
