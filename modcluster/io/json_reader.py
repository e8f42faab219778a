"""Read JSON exactly and fast, and find positions only when an error needs one.

The text is parsed once by the C parser of :mod:`json` (numbers with a fraction
or exponent as :class:`~decimal.Decimal`, integers as ``int``); a text of more
than 4 MiB is first checked for syntax errors by the same parser building
nothing, so that a broken big file costs little memory. Duplicate keys are
detected by counting: the keys the parser kept (a counting hook per object)
are compared with the keys written in the text (counted by the syntax check
for big texts, else from the text); only when they differ is the text
scanned (slowly, in Python) to name the duplicate. Positions of
paths are computed on demand by :class:`JsonLocator`, which skips the values
it does not need with the C parser.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

from modcluster.errors import Issue, ParseError
from modcluster.io.document import Document, Key, NumberReader, Path, Position, offset_position, render_path

__all__ = ["JsonLocator", "json_events", "read_json"]

#: Texts longer than this (characters) are checked for syntax errors before they are parsed.
SYNTAX_FIRST = 4 * 2**20

#: Longest integer Python converts from text (``sys.get_int_max_str_digits`` default).
MAX_INT_DIGITS = 4300

#: The C string scanner of :mod:`json`: ``scanstring(text, after_quote) -> (value, end)``.
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

_NEWLINE = re.compile("\n")
_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity")
_KEY_SPACED = re.compile(r'"[ \t\n\r]+:')
# An escaped quote (after an odd number of backslashes) followed by a colon: inside a string, not a key.
_ESCAPED_KEYLIKE = re.compile(r'(?<!\\)\\(?:\\\\)*"[ \t\n\r]*:')
_SKIPPER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)


class _ConstantError(Exception):
    """Raised by the parser hook when it meets NaN or Infinity."""


def _refuse_constant(name: str) -> NoReturn:
    raise _ConstantError(name)


def read_json(text: str, file: str | None) -> Document:
    """Parse JSON text into a :class:`Document`.

    Args:
        text: The decoded text of the file.
        file: The file name, for error messages.

    Raises:
        ParseError: Syntax error, NaN or Infinity, a duplicate key, an integer
            too long to convert, nesting too deep for the parser.
    """
    written = _check_syntax(text, file) if len(text) > SYNTAX_FIRST else None
    kept = 0
    numbers = NumberReader()

    def count_keys(obj: dict[str, Any]) -> dict[str, Any]:
        nonlocal kept
        kept += len(obj)
        return obj

    try:
        data = json.loads(text, parse_float=numbers, parse_constant=_refuse_constant, object_hook=count_keys)
    except json.JSONDecodeError as exc:
        raise ParseError(Issue("", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno), file=file) from None
    except _ConstantError as exc:
        token = str(exc)
        _fail_at(
            text, file, lambda e: e[0] == "value" and e[2] == token, f"{token} is not allowed: numbers must be finite"
        )
    except RecursionError:
        _fail_deepest(text, file)
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits.
        _fail_at(
            text,
            file,
            lambda e: e[0] == "value" and _is_long_int(e[2]),
            f"an integer with more than {MAX_INT_DIGITS:,} digits is too long to read",
        )
    if written is None:
        written = text.count('":') + sum(1 for _ in _KEY_SPACED.finditer(text))
        if '\\"' in text:
            written -= sum(1 for _ in _ESCAPED_KEYLIKE.finditer(text))
    if written != kept:
        # The parser kept fewer keys than the text holds: find the duplicate, slowly.
        path: list[Key] = []
        for kind, offset, key, first in json_events(text, path):
            if kind == "duplicate":
                where = offset_position(text, first)
                raise ParseError(
                    Issue(
                        render_path(path),
                        f"duplicate key {key!r} (first on line {where.line})",
                        *offset_position(text, offset),
                    ),
                    file=file,
                )
    doc = Document(data, file=file, format="json", locator=JsonLocator(text))
    numbers.refuse(doc)
    return doc


def _check_syntax(text: str, file: str | None) -> int | None:
    """Find a syntax error without building the document: every object, number and constant becomes an int.

    Memory stays near the size of the text, so a broken 50 MB file is refused
    in a fraction of the memory that parsing it whole would take before
    reaching its error. Anything else (NaN, long integers, deep nesting) is
    left to the full parse, which names it.

    Returns:
        How many keys the text writes (duplicates included), or None when
        the parse stopped at something the full parse will name.
    """
    written = 0

    def pairs(items: list[tuple[str, Any]]) -> int:
        nonlocal written
        written += len(items)
        return 0

    try:
        json.loads(text, object_pairs_hook=pairs, parse_float=len, parse_int=len, parse_constant=len)
    except json.JSONDecodeError as exc:
        raise ParseError(Issue("", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno), file=file) from None
    except (RecursionError, ValueError):
        return None
    return written


def _is_long_int(token: str) -> bool:
    digits = token.lstrip("-")
    return digits.isdigit() and len(digits) > MAX_INT_DIGITS


def _fail_at(text: str, file: str | None, match: Callable[[Event], bool], message: str) -> NoReturn:
    path: list[Key] = []
    for event in json_events(text, path):
        if match(event):
            raise ParseError(Issue(render_path(path), message, *offset_position(text, event[1])), file=file)
    raise ParseError(message, file=file)  # pragma: no cover - the scan finds what the parser met


def _fail_deepest(text: str, file: str | None) -> NoReturn:
    deepest: tuple[int, int, Path, int] = (0, 0, (), 0)
    path: list[Key] = []
    for kind, offset, _, depth in json_events(text, path):
        if kind == "value" and depth > deepest[0]:
            deepest = (depth, offset, tuple(path[:8]), len(path))
    depth, offset, start, length = deepest
    raise ParseError(
        Issue(
            render_path(start) + ("..." if length > 8 else ""),
            f"nesting too deep ({depth:,} levels): the JSON parser cannot read it",
            *offset_position(text, offset),
        ),
        file=file,
    )


#: ``(kind, offset, token, extra)``: see :func:`json_events`.
Event = tuple[str, int, str, int]


def json_events(text: str, path: list[Key]) -> Iterator[Event]:
    """Scan JSON text without recursion, yielding events with their offsets.

    Events are ``("value", offset, token, depth)`` for every value (the token
    is ``{``, ``[``, ``"`` or the scalar's text) and ``("duplicate", offset,
    key, first_offset)`` for a key seen before in the same object. While an
    event is handled, ``path`` holds the keys and indexes down to it (the
    caller owns the list; it is updated in place). Scanning stops silently at
    malformed text.

    >>> [e[2] for e in json_events('{"a": [1, NaN]}', [])]
    ['{', '[', '1', 'NaN']
    """
    # Each frame: [kind, members or elements so far, keys seen].
    stack: list[tuple[str, list[int], dict[str, int]]] = []
    i = _WS.match(text, 0).end()  # type: ignore[union-attr]
    n = len(text)
    mode = "value"
    while True:
        if mode == "value":
            if i >= n:
                return
            c = text[i]
            yield ("value", i, c if c in '{["' else _token(text, i), len(stack))
            if c == "{":
                stack.append(("{", [0], {}))
                i += 1
                mode = "first"
            elif c == "[":
                stack.append(("[", [0], {}))
                i += 1
                mode = "first"
            elif c == '"':
                try:
                    i = _scanstring(text, i + 1)[1]
                except ValueError:
                    return
                mode = "after"
            else:
                m = _SCALAR.match(text, i)
                if m is None:
                    return
                i = m.end()
                mode = "after"
            continue
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        if i >= n:
            return
        c = text[i]
        if mode == "first":
            kind = stack[-1][0]
            if c == ("}" if kind == "{" else "]"):
                stack.pop()
                i += 1
                mode = "after"
            elif kind == "{":
                mode = "key"
            else:
                path.append(0)
                mode = "value"
            continue
        if mode == "key":
            if c != '"':
                return
            try:
                key, end = _scanstring(text, i + 1)
            except ValueError:
                return
            seen = stack[-1][2]
            path.append(key)
            if key in seen:
                yield ("duplicate", i, key, seen[key])
            else:
                seen[key] = i
            stack[-1][1][0] += 1
            end = _WS.match(text, end).end()  # type: ignore[union-attr]
            if end >= n or text[end] != ":":
                return
            i = _WS.match(text, end + 1).end()  # type: ignore[union-attr]
            mode = "value"
            continue
        # mode == "after": a value just ended
        if not stack:
            return
        kind, counter, _ = stack[-1]
        if c == ",":
            i += 1
            if kind == "{":
                path.pop()
                mode = "key"
            else:
                counter[0] += 1
                path[-1] = counter[0]
                i = _WS.match(text, i).end()  # type: ignore[union-attr]
                mode = "value"
        elif c == ("}" if kind == "{" else "]"):
            path.pop()
            stack.pop()
            i += 1
        else:
            return


def _token(text: str, i: int) -> str:
    m = _SCALAR.match(text, i)
    return m.group() if m else text[i : i + 1]


@dataclass
class _Container:
    """What is known so far of one object or array on a located path."""

    members: dict[str, tuple[int, int]] = field(default_factory=dict)
    elements: list[int] = field(default_factory=list)
    resume: int | None = None


class JsonLocator:
    """Find the line and column of a path in JSON text, lazily.

    Only the containers on the way to a path are scanned, and only up to the
    member needed; values in between are skipped with the C parser. What was
    scanned is remembered, so locating many paths costs one pass at most.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._containers: dict[tuple[Key, ...], _Container] = {}
        self._newlines: list[int] | None = None

    def position(self, offset: int) -> Position:
        """Return the line and column of a character offset (with an index built on first use)."""
        if self._newlines is None:
            self._newlines = [m.start() for m in _NEWLINE.finditer(self.text)]
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        return Position(line + 1, offset - start + 1)

    def __call__(self, path: Path, key: bool) -> Position | None:
        """Return the position of ``path`` (of its key with ``key``), or of its deepest existing prefix."""
        text = self.text
        pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
        if pos >= len(text):
            return None
        last = len(path) - 1
        for index, part in enumerate(path):
            here = path[:index]
            if text[pos] == "{" and isinstance(part, str):
                found = self._member(here, pos, part)
                if found is None:
                    break
                if key and index == last:
                    return self.position(found[0])
                pos = found[1]
            elif text[pos] == "[" and isinstance(part, int):
                element = self._element(here, pos, part)
                if element is None:
                    break
                pos = element
            else:
                break
        return self.position(pos)

    def _container(self, here: tuple[Key, ...], pos: int) -> _Container:
        box = self._containers.get(here)
        if box is None:
            box = _Container(resume=pos + 1)
            self._containers[here] = box
        return box

    def _skip(self, pos: int) -> int:
        return int(_SKIPPER.raw_decode(self.text, pos)[1])

    def _member(self, here: tuple[Key, ...], pos: int, want: str) -> tuple[int, int] | None:
        box = self._container(here, pos)
        text = self.text
        while want not in box.members and box.resume is not None:
            i = _WS.match(text, box.resume).end()  # type: ignore[union-attr]
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            if text[i] != '"':
                box.resume = None
                break
            name, end = _scanstring(text, i + 1)
            end = _WS.match(text, end).end()  # type: ignore[union-attr]
            value = _WS.match(text, end + 1).end()  # type: ignore[union-attr]
            box.members.setdefault(name, (i, value))
            box.resume = self._skip(value)
        return box.members.get(want)

    def _element(self, here: tuple[Key, ...], pos: int, want: int) -> int | None:
        box = self._container(here, pos)
        text = self.text
        while len(box.elements) <= want and box.resume is not None:
            i = _WS.match(text, box.resume).end()  # type: ignore[union-attr]
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            if text[i] == "]":
                box.resume = None
                break
            box.elements.append(i)
            box.resume = self._skip(i)
        return box.elements[want] if 0 <= want < len(box.elements) else None
