"""A parsed input document: plain data plus a way to find where each value sits in the file.

The readers (:mod:`modcluster.io.yaml_reader`, :mod:`modcluster.io.json_reader`,
:mod:`modcluster.io.toml_reader`) turn the text of a file into plain Python data
(``dict``, ``list``, ``str``, ``int``, :class:`~decimal.Decimal`, ``bool``,
``None``) and a *locator* that maps a path such as
``("organizations", 3, "processes", 0, "unit_cost")`` to a 1-based line and
column. Locators may be slow: they are only asked when an error is reported.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from modcluster.domain import Key, Path, read_number, render_path, type_name
from modcluster.errors import InputError, Issue, ParseError

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_TEXT_FORMAT_BYTES",
    "Document",
    "Key",
    "Locator",
    "NumberReader",
    "Path",
    "Position",
    "decode_text",
    "offset_position",
    "parse_path",
    "paused_gc",
    "read_bytes",
    "render_path",
    "type_name",
    "walk",
]

#: Largest input file read, in bytes: JSON parses fast enough for a 100,000-organisation catalog.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Largest YAML or TOML file read: their parsers are about 20 times slower than JSON's, so past
#: this a file would take minutes and gigabytes (measured: docs/reliability.md). Use JSON beyond.
MAX_TEXT_FORMAT_BYTES = 16 * 1024 * 1024
#: Deepest nesting of mappings and lists accepted in a YAML document (a catalog needs about 10).
MAX_DEPTH = 200
#: Most values YAML aliases may add to a document by repeating anchored data (200,000 validate
#: in under a second and 200 MB: docs/reliability.md).
MAX_ALIAS_EXPANSION = 200_000


class Position(NamedTuple):
    """A 1-based line and column in a file."""

    line: int
    column: int


#: ``locator(path, key)`` gives where ``path`` is, or ``None``; ``key`` asks for the
#: position of the last mapping key rather than of its value.
Locator = Callable[[Path, bool], Position | None]


class Document:
    """The data of one input file and where its values are.

    Attributes:
        data: The plain data (``dict``/``list``/``str``/``int``/``Decimal``/``bool``/``None``).
        file: The file it was read from, if any.
        format: ``"yaml"``, ``"json"``, ``"toml"`` or ``"data"`` (built in memory).
    """

    __slots__ = ("_locator", "_prefix", "data", "file", "format")

    def __init__(
        self,
        data: Any,
        *,
        file: str | None = None,
        format: str = "data",
        locator: Locator | None = None,
        prefix: Path = (),
    ) -> None:
        self.data = data
        self.file = file
        self.format = format
        self._locator = locator
        self._prefix = prefix

    def __repr__(self) -> str:
        return f"Document(file={self.file!r}, format={self.format!r})"

    @property
    def prefix(self) -> Path:
        """Where :attr:`data` sits in the file (empty for the whole document)."""
        return self._prefix

    def locate(self, path: Sequence[Key], *, key: bool = False) -> Position | None:
        """Return the line and column of ``path`` in the file, or ``None`` when unknown.

        When ``path`` does not exist in full, the position of its deepest existing
        prefix is returned (a missing field points at its mapping).

        Args:
            path: Keys and indexes from :attr:`data` down to the value.
            key: For a path ending in a mapping key, the position of the key rather than the value.
        """
        if self._locator is None:
            return None
        full = self._prefix + tuple(path)
        exists = _exists(self.data, tuple(path))
        try:
            return self._locator(full, key and exists)
        except (RecursionError, ValueError, KeyError, IndexError, TypeError):  # pragma: no cover - best effort
            return None

    def with_file(self, file: str | None) -> Document:
        """Return the same document attributed to ``file`` (positions kept)."""
        return Document(self.data, file=file, format=self.format, locator=self._locator, prefix=self._prefix)

    def child(self, key: Key) -> Document:
        """Return a view of ``data[key]`` that still locates its values in the file."""
        return Document(
            self.data[key], file=self.file, format=self.format, locator=self._locator, prefix=(*self._prefix, key)
        )

    def issue(self, path: Sequence[Key], message: str, *, key: bool = False) -> Issue:
        """Return an :class:`Issue` at ``path`` (named from the top of the file) with its line and column."""
        where = self.locate(path, key=key)
        return Issue(
            render_path(self._prefix + tuple(path)),
            message,
            where.line if where else None,
            where.column if where else None,
        )


class _OutOfRange:
    """What a reader keeps where a number beyond the bounded reader was written: the reason."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class NumberReader:
    """The ``parse_float`` hook of the JSON and TOML readers: every number through :func:`read_number`.

    A number the bounded reader refuses is kept as a placeholder, so that the
    parse goes on; :meth:`refuse` then names the first one at its path (with
    its line and column where the document has them). NaN and infinity, when
    ``constants`` is set, come back as Decimal for the reader's own message.
    """

    __slots__ = ("constants", "refused")

    def __init__(self, *, constants: bool = False) -> None:
        self.constants = constants
        self.refused = 0

    def __call__(self, text: str) -> Any:
        """Read one number's text."""
        if self.constants and text.lstrip("+-").lower() in ("nan", "inf"):
            return Decimal(text)
        try:
            return read_number(text)
        except ValueError as exc:
            self.refused += 1
            return _OutOfRange(str(exc))

    def refuse(self, doc: Document) -> None:
        """Raise for the first number the reader refused, if any.

        Raises:
            ParseError: At the number's path, with its position when known.
        """
        if not self.refused:
            return
        for path, value in walk(doc.data):
            if isinstance(value, _OutOfRange):
                raise ParseError(doc.issue(path, value.reason), file=doc.file)


def _exists(data: Any, path: Path) -> bool:
    node = data
    for part in path:
        in_mapping = isinstance(node, Mapping) and isinstance(part, str) and part in node
        if in_mapping or (isinstance(node, (list, tuple)) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        else:
            return False
    return True


def parse_path(text: str, data: Any) -> Path:
    """Parse a rendered path back to keys and indexes, guided by the data it points into.

    Keys may themselves hold dots or brackets (``house_variants.machining.5axis``):
    at each mapping the longest key that fits is taken. Parsing stops where the
    data ends; what is left is returned as one last key when it names nothing.

    >>> parse_path("a[1].b.c.d", {"a": [0, {"b.c": {"d": 1}}]})
    ('a', 1, 'b.c', 'd')
    >>> parse_path("a.missing", {"a": {}})
    ('a', 'missing')
    """
    path: list[Key] = []
    node = data
    rest = text
    while rest:
        if rest.startswith("["):
            end = rest.find("]")
            if end < 0 or not rest[1:end].isdigit():
                break
            index = int(rest[1:end])
            path.append(index)
            rest = rest[end + 1 :]
            node = node[index] if isinstance(node, (list, tuple)) and index < len(node) else None
            continue
        if path:
            if not rest.startswith("."):
                break
            rest = rest[1:]
        found = None
        if isinstance(node, Mapping):
            for candidate in node:
                if (
                    isinstance(candidate, str)
                    and rest.startswith(candidate)
                    and (len(rest) == len(candidate) or rest[len(candidate)] in ".[")
                    and (found is None or len(candidate) > len(found))
                ):
                    found = candidate
        if found is None:
            end = min((i for i in (rest.find("."), rest.find("[")) if i >= 0), default=len(rest))
            found = rest[:end]
            node = None
        else:
            node = node[found]
        path.append(found)
        rest = rest[len(found) :]
    return tuple(path)


def read_bytes(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole input file, refusing files larger than ``limit`` bytes.

    Raises:
        InputError: The file cannot be opened or read.
        ParseError: The file is larger than ``limit``.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name) from None
    except PermissionError:
        raise InputError("cannot read the file: permission denied", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    if len(raw) > limit:
        raise ParseError(f"the file is larger than {_size(limit)}, the most modcluster reads", file=name)
    return raw


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def decode_text(raw: bytes, file: str | None) -> str:
    """Decode UTF-8 (a leading byte-order mark is dropped), locating the first bad byte.

    Raises:
        ParseError: The bytes are not UTF-8.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = raw.count(b"\n", 0, start) + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        byte = raw[start : start + 1].hex()
        raise ParseError(
            Issue("", f"not valid UTF-8: byte 0x{byte} at byte offset {start} (save the file as UTF-8)", line, column),
            file=file,
        ) from None


def offset_position(text: str, offset: int) -> Position:
    """Return the 1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Position(line, column)


def walk(data: Any) -> Iterator[tuple[Path, Any]]:
    """Yield ``(path, value)`` for every scalar in ``data``, depth first, without recursion."""
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
        else:
            yield path, node


@contextlib.contextmanager
def paused_gc() -> Generator[None, None, None]:
    """Pause the cyclic garbage collector while building large acyclic data.

    Parsing and validating a big catalog allocates millions of objects, each
    allocation counting towards a collection that finds nothing to free; pausing
    the collector halves the time. It is switched back on only if it was on.

    The objects made meanwhile are moved to the oldest generation first
    (``gc.freeze`` then ``gc.unfreeze``): otherwise the first collections
    after it would walk all of them, once per younger generation (1.4 s
    after loading a 100,000-organisation catalog).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
