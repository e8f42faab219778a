"""``modcluster completion``: print a shell completion script (bash, zsh or tcsh).

The script is generated from the real argument parser by ``shtab`` (a
maintained library that reads argparse parsers), so it completes every
command and option there is, and file names where a file is expected.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from modcluster.errors import ExitCode

__all__ = ["SHELLS", "completion_script", "register"]

#: The shells ``shtab`` writes scripts for.
SHELLS = ("bash", "zsh", "tcsh")


def register(sub: Any) -> None:
    """Add the subcommand to the parser's subparsers."""
    p = sub.add_parser("completion", help="print a shell completion script (bash, zsh or tcsh)")
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    p.set_defaults(func=run)


def completion_script(shell: str) -> str:
    """The completion script of ``modcluster`` for ``shell``.

    >>> "modcluster" in completion_script("bash")
    True
    """
    import shtab

    from modcluster.cli.app import build_parser

    script: str = shtab.complete(build_parser(), shell)  # positional (no shell keyword in the package)
    return script


def run(args: argparse.Namespace) -> int:
    """Print the script."""
    sys.stdout.write(completion_script(args.shell))
    return ExitCode.OPTIMAL
