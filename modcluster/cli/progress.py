"""A live status line on stderr while a long command runs on a terminal (docs/cli.md, "Progress").

The line shows a spinner, the seconds spent (of the current solve's limit),
what is being done ("explain piezo-nano-stage: the least budget 2/4",
"piezo-nano-stage: hub kosoku-sensing (3 of 8 hubs open, 2 found)"), and for
a solve its best system so far and the proven lower bound of its objective.
It is drawn with Rich from the reports of :mod:`modcluster.solver.progress`,
at most eight times a second, and removed when the command ends
(transient): nothing of it stays on the terminal, in a pipe or a file.

It is drawn only when stderr is a terminal, ``TERM`` is not ``dumb``,
``--quiet`` is not given, ``--json`` output does not go to a terminal, and
the command is not an interactive session. stdout is never touched: the
display is removed before the command writes its first byte there, and
lines written to stderr while it shows go above it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

from modcluster.cli.output import escape

if TYPE_CHECKING:  # the solver package (and CP-SAT) is imported only when a display is drawn
    from modcluster.solver.progress import Progress

__all__ = ["COMMANDS", "describe", "progress_display", "wanted"]

#: The commands that can run longer than a second: they get the display.
COMMANDS = frozenset(
    {
        "solve",
        "plan",
        "configure",
        "explain",
        "pareto",
        "resilience",
        "gaps",
        "intermediaries",
        "people",
        "policies",
        "compare",
        "diff",
        "sweep",
        "report",
    }
)

#: Redraws a second at most.
REFRESH = 8


def wanted(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> bool:
    """Whether ``args``'s command draws the display on ``stderr`` (default: the process's streams)."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    return (
        getattr(args, "command", None) in COMMANDS
        and not getattr(args, "quiet", False)
        and not getattr(args, "interactive", False)
        and os.environ.get("TERM", "") != "dumb"
        and _isatty(err)
        and not (getattr(args, "json", False) and _isatty(out))
    )


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


def describe(progress: Progress, elapsed: float | None = None) -> str:
    """The status text of one report (without the spinner).

    >>> from decimal import Decimal
    >>> from modcluster.solver.progress import Progress
    >>> describe(Progress("piezo-nano-stage: hub sayama-mould", best=(Decimal("18613"), 97),
    ...                   bound=Decimal("18100.00"), elapsed=3.21, limit=60.0, objective="cost", money="kJPY"))
    '3.2 s / 60 s  piezo-nano-stage: hub sayama-mould  best 18,613.00 kJPY, 97 days  bound >= 18,100.00'
    >>> describe(Progress("explain p: the least budget", step=(2, 4)), elapsed=0.5)
    '0.5 s  explain p: the least budget 2/4'
    """
    seconds = progress.elapsed if elapsed is None else elapsed
    clock = f"{seconds:.1f} s" + (f" / {progress.limit:g} s" if progress.limit is not None else "")
    parts = [clock, progress.what + (f" {progress.step[0]}/{progress.step[1]}" if progress.step else "")]
    if progress.best is not None:
        money = f" {progress.money}" if progress.money else ""
        parts.append(f"best {progress.best[0]:,.2f}{money}, {progress.best[1]} days")
    if progress.bound is not None:
        if progress.objective == "lead_time":
            parts.append(f"bound >= {progress.bound} days")
        else:
            weighted = " (weighted)" if progress.objective == "weighted" else ""
            parts.append(f"bound >= {progress.bound:,.2f}{weighted}")
    return "  ".join(parts)


class _State:
    """The latest reports, kept for the drawing thread: the analysis step, and the solve within it."""

    def __init__(self, command: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.command = command
        self.clock = clock
        self.began = clock()
        self.outer: Progress | None = None
        self.inner: tuple[Progress, float] | None = None

    def take(self, progress: Progress) -> None:
        """The observer: keep ``progress`` (one assignment; the drawing thread reads it)."""
        if progress.step is not None:
            self.outer, self.inner = progress, None
        else:
            self.inner = (progress, self.clock())

    def text(self) -> str:
        """The status line now."""
        now, outer, inner = self.clock(), self.outer, self.inner
        if inner is None:
            if outer is None:
                return f"{now - self.began:.1f} s  {self.command}"
            return describe(outer, now - self.began)
        progress, received = inner
        line = describe(progress, progress.elapsed + now - received)
        if outer is not None and outer.step is not None:
            line += f"  ({outer.what} {outer.step[0]}/{outer.step[1]})"
        return line


class _Above:
    """stderr while the display shows: whole lines, escaped as the command's stderr escapes them, go above it."""

    def __init__(self, stream: TextIO, out: Callable[[str], None]) -> None:
        self._stream = stream
        self._out = out
        self._encoding = getattr(stream, "encoding", None)
        self._partial = ""

    def write(self, text: str) -> int:
        """Print each finished line above the display; keep an unfinished one for later."""
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._out(escape(line, self._encoding))
        return len(text)

    def flush(self) -> None:
        """Nothing to flush: lines are printed as they end."""

    def close_partial(self) -> None:
        """Write an unfinished last line to the stream itself."""
        if self._partial:
            self._stream.write(self._partial)
            self._partial = ""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _StopsDisplay:
    """stdout while the display shows: the first write removes the display, then goes through unchanged."""

    def __init__(self, stream: TextIO, stop: Callable[[], None]) -> None:
        self._stream = stream
        self._stop = stop

    def write(self, text: str) -> int:
        """Remove the display, then write ``text`` as the stream would."""
        self._stop()
        return self._stream.write(text)

    def writelines(self, lines: Any) -> None:
        """Remove the display, then write the lines."""
        self._stop()
        self._stream.writelines(lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def progress_display(args: argparse.Namespace) -> Iterator[None]:
    """Show the status line on stderr while the block runs, when :func:`wanted`; remove it after."""
    if not wanted(args):
        yield
        return
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner
    from rich.text import Text

    from modcluster.solver.progress import observing

    state = _State(str(args.command))
    spinner = Spinner("dots")

    def render() -> Any:
        line = spinner.render(time.monotonic())
        if isinstance(line, Text):
            line.append(" " + state.text())
            line.no_wrap, line.overflow = True, "ellipsis"
        return line

    saved: tuple[TextIO, TextIO] = (sys.stdout, sys.stderr)
    console = Console(file=getattr(saved[1], "unescaped", saved[1]), highlight=False, soft_wrap=False)
    live = Live(
        get_renderable=render,
        console=console,
        transient=True,
        refresh_per_second=REFRESH,
        redirect_stdout=False,
        redirect_stderr=False,
    )
    above = _Above(saved[1], lambda line: console.out(line, highlight=False))
    lock, showing = threading.Lock(), [True]

    def stop() -> None:
        with lock:
            if showing[0]:
                showing[0] = False
                live.stop()
                if sys.stdout is proxy:
                    sys.stdout = saved[0]
                if sys.stderr is above:
                    sys.stderr = saved[1]
                above.close_partial()

    proxy = _StopsDisplay(saved[0], stop)
    live.start()
    sys.stdout, sys.stderr = proxy, above
    try:
        with observing(state.take):
            yield
    finally:
        stop()
