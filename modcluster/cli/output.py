r"""What the command prints is safe on any terminal and in any encoding.

Text written to stdout and stderr by the command goes through
:class:`EscapingStream`: a control character (other than newline and tab), a
bidirectional override, a line separator or a lone surrogate, and any
character the stream's encoding cannot hold (``PYTHONIOENCODING=ascii``), is
written as a JSON-style escape ``\u001b``. Inside JSON strings that is the
same character, so JSON output stays valid and means the same; in text it is
visible instead of acted upon by the terminal.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["EscapingStream", "escape", "escaping_output"]

#: Characters always escaped: C0 controls but tab and newline, DEL, C1 controls, bidi marks, embeddings,
#: overrides and isolates, line and paragraph separators, lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # as JSON writes it: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _is_utf(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-16", "utf-32", "utf-8-sig")
    except LookupError:
        return False


def escape(text: str, encoding: str | None = "utf-8") -> str:
    r"""Escape what a terminal would act on, and what ``encoding`` cannot hold.

    >>> escape("lab\x1b[31mRED\n")
    'lab\\u001b[31mRED\n'
    >>> escape("café ☕", "ascii")
    'caf\\u00e9 \\u2615'
    """
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: _json_escape(m.group()), text)
    if text.isascii() or _is_utf(encoding):
        return text
    assert encoding is not None
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return _NON_ASCII.sub(lambda m: m.group() if _encodes(m.group(), encoding) else _json_escape(m.group()), text)
    return text


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class EscapingStream:
    """A text stream that writes :func:`escape` of everything to the stream it wraps.

    Everything else (``buffer``, ``fileno``, ``isatty``, ``encoding`` ...) is
    the wrapped stream's, so progress bars and binary writes work unchanged.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._encoding = getattr(stream, "encoding", None)

    @property
    def unescaped(self) -> TextIO:
        """The wrapped stream, for a writer that draws with control sequences of its own (a progress bar)."""
        return self._stream

    def write(self, text: str) -> int:
        """Write ``text`` escaped; return the length of ``text`` as a text stream does."""
        self._stream.write(escape(text, self._encoding))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line escaped."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def escaping_output() -> Iterator[None]:
    """Escape the command's stdout and stderr while it runs (the streams are put back after)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = EscapingStream(saved[0])
    sys.stderr = EscapingStream(saved[1])
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        sys.stdout, sys.stderr = saved
