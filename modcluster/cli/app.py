"""The ``modcluster`` command: a thin layer over the library.

Each subcommand lives in its own module with ``register(subparsers)``; adding
one is a new module and a line in :data:`SUBCOMMANDS`. Exit codes are listed in
docs/cli.md and in :class:`modcluster.errors.ExitCode`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from modcluster.cli import (
    analyses,
    configure,
    diff,
    generate,
    graph,
    plan,
    report,
    schema,
    solve,
    sweep,
    validate,
    verify,
)
from modcluster.cli.output import escaping_output
from modcluster.errors import ExitCode, ModclusterError

__all__ = ["SUBCOMMANDS", "build_parser", "main", "run"]

SUBCOMMANDS: list[Any] = [
    validate,
    solve,
    plan,
    configure,
    verify,
    schema,
    analyses.explain,
    analyses.pareto,
    analyses.resilience,
    analyses.gaps,
    analyses.intermediaries,
    analyses.people,
    analyses.policies,
    analyses.compare,
    diff,
    sweep,
    report,
    graph,
    generate,
]


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as exit code 2 and a one-line message."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"modcluster: error: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.BAD_INPUT)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("modcluster")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``modcluster`` command."""
    parser = _Parser(prog="modcluster", description="Configure product systems out of a regional industrial cluster.")
    parser.add_argument("--version", action="version", version=f"modcluster {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in SUBCOMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see docs/cli.md)."""
    with escaping_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except ModclusterError as exc:
        print(f"modcluster: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("modcluster: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return ExitCode.OPTIMAL
    except Exception as exc:  # a bug: one line, exit 70; MODCLUSTER_DEBUG=1 shows the traceback
        if os.environ.get("MODCLUSTER_DEBUG"):
            raise
        print(f"modcluster: internal error (a bug, please report it): {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitCode.INTERNAL


def run() -> None:
    """Entry point of the console script."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
