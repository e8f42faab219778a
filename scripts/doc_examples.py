"""Keep the console examples in docs/*.md equal to what the commands print.

A block written as

    ```console
    $ modcluster pareto catalogs/tama.yaml --product piezo-nano-stage
    ...output...
    ```

is run (in-process, stdout only) and its output compared with, or written
into, the block. The examples are run at no width limit, as a pipe gets
them (``COLUMNS`` is ignored here: docs/cli.md, "Terminal output"), so
that they are the same whatever the terminal the script runs in. ``python scripts/doc_examples.py`` rewrites the blocks;
``--check`` only reports differences (the test suite runs it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```console\n\$ (modcluster [^\n]*)\n(.*?)```", re.S)

__all__ = ["run_command", "update"]


def run_command(command: str) -> str:
    """Run ``modcluster ...`` in-process from the repository root; return what it prints on stdout."""
    from modcluster.cli import main

    argv = shlex.split(command)[1:]
    out, err = io.StringIO(), io.StringIO()
    columns = os.environ.pop("COLUMNS", None)  # no width limit: the examples do not depend on the terminal
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(ROOT):
            main(argv)
    finally:
        if columns is not None:
            os.environ["COLUMNS"] = columns
    return out.getvalue()


def update(path: Path, write: bool) -> list[str]:
    """Run every example of ``path``; rewrite it when ``write``. Return the commands whose output differs."""
    text = path.read_text()
    stale: list[str] = []

    def replace(match: re.Match[str]) -> str:
        command, shown = match.group(1), match.group(2)
        actual = run_command(command)
        if actual != shown:
            stale.append(command)
        return f"```console\n$ {command}\n{actual}```"

    new = BLOCK.sub(replace, text)
    if write and new != text:
        path.write_text(new)
    return stale


def main() -> int:
    """Command line: rewrite (default) or check the docs' console examples."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="report stale examples, change nothing")
    parser.add_argument("files", nargs="*", type=Path, default=sorted((ROOT / "docs").glob("*.md")))
    args = parser.parse_args()
    stale = [f"{path.name}: {command}" for path in args.files for command in update(path, not args.check)]
    for line in stale:
        print(("stale: " if args.check else "updated: ") + line)
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
