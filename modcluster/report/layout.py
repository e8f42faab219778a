"""The width of text output, and text that fits it: tables, wrapped lines.

One width for the whole rendering, held in a context variable: ``None`` (the
default, what the library and a pipe get) is unlimited, and nothing is
wrapped or hidden; the CLI sets the terminal's width with :func:`using_width`
while a command runs (docs/cli.md, "Terminal output").

:func:`fit_table` lays out a table: numeric columns right-aligned; when the
table is wider than the width, the widest text columns are wrapped at word
boundaries onto continuation lines, then, if it is still too wide, the least
important columns are hidden and a line says so. :func:`fit_lines` wraps the
remaining long lines of free text, keeping their indentation. Widths are
display widths: an East Asian wide or full-width character counts 2.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

__all__ = [
    "MIN_COLUMN",
    "current_width",
    "display_width",
    "fit_lines",
    "fit_table",
    "is_numeric",
    "using_width",
    "wrap",
]

#: The narrowest a text column is wrapped to (or its header's longest word, or its natural width if less).
MIN_COLUMN = 10
_SEP = 2

_WIDTH: ContextVar[int | None] = ContextVar("modcluster_output_width", default=None)

#: A number as the reports write it: 12, -3, +70.00, 1,234.50, 12.5%, 62 days, 3 d, #2; or a lone dash.
_NUMBER = re.compile(r"[+\-\u2212]?\d[\d,]*(\.\d+)?(%| ?d| days?)?|#\d+|-")


def current_width() -> int | None:
    """The width text output is fitted to (``None``: unlimited).

    >>> current_width() is None
    True
    """
    return _WIDTH.get()


@contextlib.contextmanager
def using_width(width: int | None) -> Iterator[None]:
    """Fit text output to ``width`` columns (``None``: unlimited) inside the ``with`` block.

    >>> with using_width(40):
    ...     current_width()
    40
    >>> current_width() is None
    True
    """
    token = _WIDTH.set(None if width is None else max(int(width), 1))
    try:
        yield
    finally:
        _WIDTH.reset(token)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide and full-width characters count 2, combining marks 0.

    >>> display_width("cost")
    4
    >>> display_width("東京")
    4
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def is_numeric(cell: str) -> bool:
    """Whether a table cell is a number (right-aligned): money, a signed delta, days, a rank ``#3``, ``-``.

    >>> [is_numeric(c) for c in ["1,234.50", "+70.00", "62 days", "#3", "-", "0-17", "hub"]]
    [True, True, True, True, True, False, False]
    """
    return _NUMBER.fullmatch(cell.strip()) is not None


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces (a longer word is broken too).

    The spaces inside a line are kept as they are; those at a break are dropped.

    >>> wrap("sagami-seimitsu / machining.5axis -> hamura-precision", 20)
    ['sagami-seimitsu /', 'machining.5axis ->', 'hamura-precision']
    >>> wrap("abcdefgh", 3)
    ['abc', 'def', 'gh']
    >>> wrap("a  b   c", 5), wrap("", 5), wrap("  indented text", 10)
    (['a  b', 'c'], [''], ['  indented', '  text'])
    """
    width = max(width, 1)
    body = text.lstrip(" ")
    lead = len(text) - len(body)
    if body and 0 < lead < width // 2:  # a leading indent is kept on every line
        return [" " * lead + line for line in wrap(body, width - lead)]
    lines: list[str] = []
    line, space = "", ""
    for token in re.findall(r" +|[^ ]+", text.strip(" ")):
        if token.startswith(" "):
            space = token
            continue
        candidate = f"{line}{space}{token}" if line else token
        if display_width(candidate) <= width:
            line, space = candidate, ""
            continue
        if line:
            lines.append(line)
        pieces = _break_word(token, width)
        lines += pieces[:-1]
        line, space = pieces[-1], ""
    lines.append(line)
    return lines


def _break_word(word: str, width: int) -> list[str]:
    """A word too long for ``width`` in pieces: after a hyphen, dot or slash where one fits, else anywhere."""
    pieces: list[str] = []
    while display_width(word) > width:
        cut = _fitting_prefix(word, width)
        soft = max((k + 1 for k, c in enumerate(word[: cut - 1]) if c in "-./_>"), default=0)
        cut = soft or cut
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def _fitting_prefix(word: str, width: int) -> int:
    used = 0
    for k, char in enumerate(word):
        used += _char_width(char)
        if used > width:
            return max(k, 1)
    return len(word)


def fit_lines(text: str, width: int | None) -> str:
    r"""Wrap each line of ``text`` longer than ``width``; continuation lines are indented 2 more than the line.

    >>> print(fit_lines("  partners (3): chofu-info-inst, ebina-heat, kodaira-edm", 30))
      partners (3):
        chofu-info-inst,
        ebina-heat, kodaira-edm
    >>> fit_lines("short\n", 30)
    'short\n'
    """
    if width is None:
        return text
    return "\n".join(_fit_line(line, width) for line in text.split("\n"))


def _fit_line(line: str, width: int) -> str:
    if display_width(line) <= width:
        return line
    body = line.lstrip(" ")
    indent = min(len(line) - len(body), max(width - MIN_COLUMN, 0))
    inner = min(indent + 2, max(width - MIN_COLUMN, 0))
    first, *rest = wrap(body, width - indent)
    rest = wrap(" ".join(rest), width - inner) if rest else []
    return "\n".join([" " * indent + first, *(" " * inner + r for r in rest)])


def fit_table(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    *,
    width: int | None = None,
    priority: Sequence[int] | None = None,
) -> list[str]:
    r"""The lines of a table fitted to ``width`` columns (``None``: unlimited), a rule under the header.

    Numeric columns (every non-empty cell :func:`is_numeric`) are right-aligned. A table wider
    than ``width`` has its widest text columns wrapped (down to :data:`MIN_COLUMN`); if that is
    not enough, columns are hidden, lowest ``priority`` first (one number per column, ties from
    the right; default: the first column 3, numeric columns 2, text columns 1), never the last
    one left, and a final line names them.

    Examples:
        >>> print("\n".join(fit_table([["base", "make", "825.00"], ["cable", "buy", "1,140.00"]],
        ...                            ["module", "source", "cost"])))
        module  source      cost
        ------  ------  --------
        base    make      825.00
        cable   buy     1,140.00
        >>> print("\n".join(fit_table([["base", "sagami-seimitsu > hamura-precision", "825.00"]],
        ...                            ["module", "by", "cost"], width=30)))
        module  by                cost
        ------  --------------  ------
        base    sagami-         825.00
                seimitsu >
                hamura-
                precision
        >>> print("\n".join(fit_table([["base", "sagami-seimitsu > hamura-precision", "825.00"]],
        ...                            ["module", "by", "cost"], width=16)))
        module    cost
        ------  ------
        base    825.00
        (1 column hidden: by; --wide shows it)
    """
    cells = [[str(c) for c in row] for row in rows]
    columns = len(header)
    numeric = [_numeric_column([row[i] for row in cells]) for i in range(columns)]
    natural = [max(display_width(c) for c in [header[i], *(row[i] for row in cells)]) for i in range(columns)]
    floor = [_floor(header[i], [row[i] for row in cells], numeric[i]) for i in range(columns)]
    keep = list(range(columns))
    drop = _drop_order(numeric, priority)
    widths = _fit_widths(keep, natural, floor, width)
    while widths is None and len(keep) > 1:
        keep.remove(drop.pop(0))
        widths = _fit_widths(keep, natural, floor, width)
    if widths is None:  # one column left, still too wide: wrap it to the width if it is text
        widths = {keep[0]: natural[keep[0]] if numeric[keep[0]] else max(width or 1, 1)}
    out = _render_row([header[i] for i in keep], [widths[i] for i in keep], [numeric[i] for i in keep], header=True)
    out.append("  ".join("-" * widths[i] for i in keep))
    for row in cells:
        out += _render_row([row[i] for i in keep], [widths[i] for i in keep], [numeric[i] for i in keep])
    return out + _hidden_note([header[i] for i in range(columns) if i not in keep], width)


def _numeric_column(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return any(c.strip() != "-" for c in filled) and all(is_numeric(c) for c in filled)


def _longest_word(text: str) -> int:
    return max((display_width(w) for w in text.split()), default=0)


def _floor(header: str, cells: list[str], numeric: bool) -> int:
    """The narrowest a column is wrapped to: a numeric one, its widest number (its header wraps)."""
    widest = max((display_width(c) for c in [header, *cells]), default=0)
    if numeric:
        return max(_longest_word(header), *(display_width(c) for c in cells))
    return min(widest, max(MIN_COLUMN, _longest_word(header)))


def _drop_order(numeric: list[bool], priority: Sequence[int] | None) -> list[int]:
    if priority is None:
        priority = [3 if i == 0 else 2 if n else 1 for i, n in enumerate(numeric)]
    return sorted(range(len(numeric)), key=lambda i: (priority[i], -i))


def _fit_widths(keep: list[int], natural: list[int], floor: list[int], width: int | None) -> dict[int, int] | None:
    widths = {i: natural[i] for i in keep}
    excess = sum(widths.values()) + _SEP * (len(keep) - 1) - (width if width is not None else 1 << 30)
    while excess > 0:
        shrinkable = [i for i in keep if widths[i] > floor[i]]
        if not shrinkable:
            return None
        widest = max(shrinkable, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return widths


def _render_row(cells: list[str], widths: list[int], numeric: list[bool], header: bool = False) -> list[str]:
    wrapped = [[c] if n and not header else wrap(c, w) for c, w, n in zip(cells, widths, numeric, strict=True)]
    height = max((len(w) for w in wrapped), default=1)
    lines = []
    for k in range(height):
        parts = [
            _pad(w[k] if k < len(w) else "", n, right) for w, n, right in zip(wrapped, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(width - display_width(text), 0)
    return space + text if right else text + space


def _hidden_note(hidden: list[str], width: int | None) -> list[str]:
    if not hidden:
        return []
    if len(hidden) == 1:
        note = f"(1 column hidden: {hidden[0]}; --wide shows it)"
    else:
        note = f"({len(hidden)} columns hidden: {', '.join(hidden)}; --wide shows them)"
    return [note] if width is None else wrap(note, width)
