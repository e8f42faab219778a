"""The ``modcluster`` command: a thin layer over the library.

Each subcommand lives in its own module with ``register(subparsers)``; adding
one is a new module and a line in :data:`SUBCOMMANDS`. Exit codes are listed in
docs/cli.md and in :class:`modcluster.errors.ExitCode`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from modcluster.cli import (
    analyses,
    completion,
    configure,
    convert,
    diff,
    generate,
    graph,
    plan,
    report,
    schema,
    serve,
    solve,
    sweep,
    validate,
    verify,
)
from modcluster.cli.help import apply_help
from modcluster.cli.output import escaping_output
from modcluster.cli.progress import progress_display
from modcluster.cli.terminal import terminal_output
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
    convert,
    sweep,
    report,
    graph,
    serve,
    generate,
    completion,
]


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as exit code 2 and a one-line message, and no abbreviated options.

    argparse accepts any unambiguous prefix of an option (``--prod`` for
    ``--product``) unless told not to; a prefix that silently means another
    option today can mean a different one when an option is added, so only
    whole names are accepted.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

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
    _add_wide(sub)
    apply_help(sub)
    return parser


#: Commands that print a machine format (JSON, YAML, DOT, a shell script): never fitted nor coloured.
_MACHINE_OUTPUT = frozenset({"schema", "generate", "graph", "completion"})


def _add_wide(sub: Any) -> None:
    """Give every text-printing command ``--wide`` (docs/cli.md, "Terminal output")."""
    seen: set[int] = set()
    for name, command in sub.choices.items():
        if name not in _MACHINE_OUTPUT and id(command) not in seen:
            seen.add(id(command))
            command.add_argument(
                "--wide", action="store_true", help="print every column and whole lines, whatever the terminal's width"
            )


def _prints_text(args: argparse.Namespace) -> bool:
    return args.command not in _MACHINE_OUTPUT and not getattr(args, "json", False)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see docs/cli.md)."""
    with escaping_output():
        return _main(argv)


def _unknown_options(parser: argparse.ArgumentParser, command: str | None, extras: list[str]) -> NoReturn:
    """Refuse arguments no option takes, suggesting the options they were probably meant to be."""
    options: list[str] = []
    for action in parser._actions:  # argparse keeps the subparsers here; no public accessor exists
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            options = [o for a in action.choices[command]._actions for o in a.option_strings]
    hints = []
    for word in extras:
        close = difflib.get_close_matches(word.split("=", 1)[0], options, n=2, cutoff=0.6)
        if word.startswith("-") and close:
            hints.append(f"{word}: did you mean {' or '.join(close)}?")
    parser.error("unrecognized arguments: " + " ".join(extras) + ("; " + "; ".join(hints) if hints else ""))


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        _unknown_options(parser, getattr(args, "command", None), extras)
    try:
        wide, interactive = getattr(args, "wide", False), getattr(args, "interactive", False)
        with (
            terminal_output(text=_prints_text(args), wide=wide, stream_lines=not interactive),
            progress_display(args),  # a live status line on a terminal's stderr (docs/cli.md, "Progress")
        ):
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
