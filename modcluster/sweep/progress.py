"""A one-line progress bar on stderr: scenarios done, failures, rate and ETA.

It draws only on a terminal; elsewhere (a pipe, a log file, CI) it stays silent. While someone observes
progress (:func:`modcluster.solver.progress.observing`: the command line's display), it reports each
scenario as a step there instead of drawing.

>>> import io
>>> bar = Progress(10, stream=io.StringIO(), enabled=True, clock=iter(range(100)).__next__)
>>> bar.advance(failed=False); bar.advance(failed=True)
>>> bar.line(width=80)
'sweep   2/10 [####................]  20%  1 failed  1.0/s  ETA 0:00:08'
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress", "format_duration"]


def format_duration(seconds: float) -> str:
    """``H:MM:SS``.

    >>> format_duration(3725.4)
    '1:02:05'
    """
    whole = max(0, round(seconds))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class Progress:
    """Count finished scenarios and redraw a bar at most ten times a second.

    Args:
        total: Scenarios this run solves.
        stream: Where to draw (default stderr).
        enabled: Draw or not; default: only when ``stream`` is a terminal.
        clock: Seconds, monotonic (for tests).
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        chosen = stream if stream is not None else sys.stderr
        # The bar draws with terminal control sequences of its own (and no user text): past the CLI's escaping.
        self.stream: TextIO = getattr(chosen, "unescaped", chosen)
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._clock = clock
        self._now = clock()
        self._first: float | None = None
        self._drawn = float("-inf")

    def advance(self, *, failed: bool) -> None:
        """Count one finished scenario and redraw when due."""
        self.done += 1
        self.failed += int(failed)
        self._now = self._clock()
        if self._first is None:
            self._first = self._now
        from modcluster.solver import progress as observer  # here: the bar itself needs no solver

        if observer.observed():  # one display: the observer's
            rate, eta = self._pace()
            observer.step(f"sweep: {self.failed} failed, {rate:.1f}/s, ETA {eta}", self.done, self.total)
            return
        if self.enabled and (self._now - self._drawn >= 0.1 or self.done == self.total):
            self._drawn = self._now
            self._draw(self.line(shutil.get_terminal_size((80, 24)).columns))

    def _pace(self) -> tuple[float, str]:
        """Scenarios a second and the time left (``?`` before a rate is known)."""
        # Timed from the first result, so that starting the workers does not skew the rate.
        elapsed = self._now - self._first if self._first is not None else 0.0
        rate = (self.done - 1) / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        return rate, format_duration(left / rate) if rate > 0 else "?"

    def line(self, width: int = 80) -> str:
        """The bar's text, fitted to ``width`` columns."""
        rate, eta = self._pace()
        digits = len(str(self.total))
        share = self.done / self.total if self.total else 1.0
        tail = f" {share:4.0%}  {self.failed} failed  {rate:.1f}/s  ETA {eta}"
        head = f"sweep {self.done:{digits}d}/{self.total} "
        room = max(0, min(20, width - len(head) - len(tail) - 3))
        bar = f"[{'#' * round(room * share)}{'.' * (room - round(room * share))}]" if room >= 5 else ""
        return (head + bar + tail)[: max(0, width - 1)]

    def _draw(self, text: str) -> None:
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar's line."""
        if self.enabled and self._drawn > float("-inf"):
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
