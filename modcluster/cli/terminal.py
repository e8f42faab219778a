"""Text output that fits the terminal, in colour on a terminal (docs/cli.md, "Terminal output").

The width: stdout a terminal, its width (``COLUMNS`` first, as
:func:`shutil.get_terminal_size` reads it); not a terminal, ``COLUMNS`` if
set, else unlimited (pipes and files get every line whole); ``--wide``,
unlimited. Tables fit themselves to it (:mod:`modcluster.report.layout`);
the other long lines are wrapped here, on their way out.

Colour: only when stdout is a terminal, ``NO_COLOR`` is unset or empty and
``TERM`` is not ``dumb``. It is a pass over each finished line (statuses,
table headers, headings, money and signed differences) that adds escape
sequences around the text and changes nothing else; JSON and the other
machine formats never go through it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from typing import Any, TextIO, cast

from modcluster.report.layout import fit_lines, using_width

__all__ = ["LayoutStream", "colour_wanted", "output_width", "style_line", "terminal_output"]

#: (pattern, Rich style) in order: a span taken by an earlier pattern is not styled again.
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bnot proven optimal\b"), "yellow"),
    (re.compile(r"\b(?:infeasible|unknown|failed|OVER CAPACITY)\b"), "bold red"),
    (re.compile(r"\boptimal\b"), "green"),
    (re.compile(r"\bfeasible\b"), "yellow"),
    (re.compile(r"(?<![\w.,+\-])\+\d[\d,]*(?:\.\d+)?"), "red"),
    (re.compile(r"(?<![\w.,+\-])[-\u2212]\d[\d,]*(?:\.\d+)?"), "green"),
    (re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})*\.\d\d\b"), "cyan"),
]
_RULE_LINE = re.compile(r" *(?:-+ *)+|=+")
_HEADING = re.compile(r"(?:Candidate \d+ |plan \().*")


def output_width(stream: Any, environ: dict[str, str] | None = None) -> int | None:
    """The width to fit text to: the terminal's, else ``COLUMNS`` if set, else ``None`` (unlimited).

    >>> import io
    >>> output_width(io.StringIO(), {"COLUMNS": "100"}), output_width(io.StringIO(), {})
    (100, None)
    """
    env = os.environ if environ is None else environ
    if _isatty(stream):
        return shutil.get_terminal_size().columns
    columns = env.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def colour_wanted(stream: Any, environ: dict[str, str] | None = None) -> bool:
    """Whether to colour: ``stream`` is a terminal, ``NO_COLOR`` is unset or empty, ``TERM`` is not ``dumb``.

    >>> import io
    >>> colour_wanted(io.StringIO(), {})
    False
    """
    env = os.environ if environ is None else environ
    return _isatty(stream) and not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def style_line(line: str, heading: bool = False) -> str:
    r"""``line`` with colour escape sequences added; ``heading`` (a table header, a title) makes it bold.

    >>> style_line("status: optimal") == "status: \x1b[32moptimal\x1b[0m"
    True
    >>> style_line("plain words")
    'plain words'
    """
    from rich.color import ColorSystem
    from rich.style import Style

    if heading or _HEADING.fullmatch(line):
        return Style(bold=True).render(line, color_system=ColorSystem.STANDARD) if line.strip() else line
    out, at = [], 0
    for start, end, style in _spans(line):
        out += [line[at:start], Style.parse(style).render(line[start:end], color_system=ColorSystem.STANDARD)]
        at = end
    return "".join([*out, line[at:]])


def _spans(line: str) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []
    for pattern, style in _RULES:
        for m in pattern.finditer(line):
            if m.end() > m.start() and all(m.end() <= s or m.start() >= e for s, e, _ in taken):
                taken.append((m.start(), m.end(), style))
    return sorted(taken)


class LayoutStream:
    """A text stream that wraps long lines to ``width`` and colours them, then writes them to ``stream``.

    Whole lines are laid out; a partial line is held until its newline (or a flush, which
    writes it as it is). A table's header is the line written just before its rule, in
    the same write.
    """

    def __init__(self, stream: TextIO, width: int | None, colour: bool) -> None:
        self._stream = stream
        self._width = width
        self._colour = colour
        self._partial = ""

    def write(self, text: str) -> int:
        """Lay out the whole lines of ``text``; keep the rest until its newline."""
        *complete, self._partial = (self._partial + text).split("\n")
        lines = [piece for line in complete for piece in fit_lines(line, self._width).split("\n")]
        out = []
        for k, line in enumerate(lines):
            heading = k + 1 < len(lines) and bool(_RULE_LINE.fullmatch(lines[k + 1])) and line.strip() != ""
            out.append((style_line(line, heading) if self._colour else line) + "\n")
        if out:
            self._stream.write("".join(out))
        return len(text)

    def flush(self) -> None:
        """Write the partial line as it is, and flush the stream."""
        if self._partial:
            self._stream.write(self._partial)
            self._partial = ""
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_output(*, text: bool, wide: bool, stream_lines: bool = True) -> Iterator[None]:
    """Fit (and colour, on a terminal) what the command prints on stdout while it runs.

    Args:
        text: The command prints text (not JSON or another machine format): else nothing changes.
        wide: ``--wide``: no width limit.
        stream_lines: Lay out stdout line by line (off for an interactive prompt, which draws itself).
    """
    outer = sys.stdout
    real = getattr(outer, "unescaped", outer)
    width = None if wide or not text else output_width(real)
    colour = text and colour_wanted(real)
    replace = stream_lines and text and (width is not None or colour)
    with using_width(width):
        if not replace:
            yield
            return
        from modcluster.cli.output import EscapingStream

        layout = LayoutStream(real, width, colour)
        sys.stdout = EscapingStream(cast(TextIO, layout))
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            sys.stdout = outer
