"""Read YAML safely and exactly, keeping the position of every value.

The document is composed into a node tree by PyYAML (the libyaml parser when it
is available) and the Python data is built from the nodes here, so that:

- numbers are read from their text: integers as ``int``, everything else as
  :class:`~decimal.Decimal` (``1_000``, ``1e3``, ``+1.5``, ``.5`` are numbers);
  ``.nan`` and ``.inf`` are refused, and so is ``010`` (YAML 1.1 reads it as
  octal 8);
- dates stay strings, duplicate keys and non-string keys are refused, only the
  core tags (``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``,
  ``!!seq``, ``!!map``) and merge keys (``<<``) are accepted;
- anchors and aliases work, but the data they repeat is bounded
  (:data:`~modcluster.io.document.MAX_ALIAS_EXPANSION`), so a "billion laughs"
  document is refused instead of exhausting memory.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, NoReturn

import yaml
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from modcluster.domain import read_number
from modcluster.errors import Issue, ParseError
from modcluster.io.document import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    Document,
    Key,
    Path,
    Position,
    render_path,
    type_name,
)

__all__ = ["LIBYAML", "read_yaml"]

try:
    from yaml import CSafeLoader as _SafeLoader

    #: Whether the fast libyaml parser is used.
    LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

    LIBYAML = False

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
SEQ, MAP, MERGE, TIMESTAMP = (_TAG + t for t in ("seq", "map", "merge", "timestamp"))

#: Longest decimal integer read (Python's own limit for converting text to int).
MAX_INT_DIGITS = 4300

_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_DIGITS = re.compile(r"[0-9]+")


class _Loader(_SafeLoader):
    """Safe loader whose implicit typing reads numbers the way users write them.

    Unlike PyYAML's defaults: ``1e3`` and ``-.5`` are numbers, ``1:30`` and
    dates stay strings.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class-level table


_Loader.add_implicit_resolver(
    BOOL,
    re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    list("yYnNtTfFoO"),
)
_Loader.add_implicit_resolver(
    INT,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    FLOAT,
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?[0-9][0-9_]*\.(?:[eE][-+]?[0-9]+)?
            |[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver(MERGE, re.compile(r"^(?:<<)$"), ["<"])
_Loader.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def read_yaml(text: str, file: str | None) -> Document:
    """Parse YAML text into a :class:`Document`.

    Args:
        text: The decoded text of the file.
        file: The file name, for error messages.

    Raises:
        ParseError: Syntax error, several documents, empty document, excessive
            nesting or alias expansion, a bad number, a duplicate or non-string key,
            an unknown tag.
    """
    root = _compose(text, file)
    if root is None:
        raise ParseError("the file holds no data (only comments or blank lines)", file=file)
    data = _Builder(file).build(root)

    def locate(path: Path, key: bool) -> Position | None:
        return _locate(root, path, key)

    return Document(data, file=file, format="yaml", locator=locate)


def _compose(text: str, file: str | None) -> Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "malformed YAML"
        if "maximum nesting depth" in problem:
            message = "nesting too deep: the YAML parser stops at 1000 levels"
        else:
            message = f"YAML syntax error: {problem}"
            if exc.context:
                message += f" {exc.context}"
            context = exc.context_mark
            if context is not None and mark is not None and context.line != mark.line:
                message += f" (which started on line {context.line + 1})"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise ParseError(Issue("", message, line, column), file=file) from None
    except yaml.reader.ReaderError as exc:
        # libyaml reports a byte offset into the UTF-8 text, PyYAML a character offset.
        prefix = text.encode("utf-8")[: exc.position].decode("utf-8", "replace") if LIBYAML else text[: exc.position]
        line = prefix.count("\n") + 1
        column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise ParseError(
            Issue("", f"YAML: {exc.reason} (character U+{ord(char):04X})", line, column), file=file
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise ParseError(f"YAML error: {exc}", file=file) from None
    except RecursionError:  # pragma: no cover - only with the pure-Python parser
        raise ParseError("nesting too deep for the YAML parser", file=file) from None
    finally:
        loader.dispose()


def _position(mark: Mark | None) -> Position | None:
    return None if mark is None else Position(mark.line + 1, mark.column + 1)


class _Builder:
    """Builds plain data from a node tree, counting what aliases repeat."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.path: list[Key] = []
        self.marks: list[Mark | None] = []
        self.memo: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.count = 0
        self.repeated = 0

    def fail(self, message: str, mark: Mark | None) -> NoReturn:
        where = _position(mark)
        raise ParseError(
            Issue(render_path(self.path), message, where.line if where else None, where.column if where else None),
            file=self.file,
        )

    def alias_mark(self, node: Node) -> Mark | None:
        # An alias is the very node it names; the nearest enclosing key shows where it is used.
        for mark in reversed(self.marks):
            if mark is not None:
                return mark
        return node.start_mark

    def build(self, node: Node, depth: int = 0) -> Any:
        if isinstance(node, ScalarNode):
            self.count += 1
            return self.scalar(node)
        ident = id(node)
        hit = self.memo.get(ident)
        if hit is not None:
            value, size = hit
            self.count += size
            self.repeated += size
            if self.repeated > MAX_ALIAS_EXPANSION:
                self.fail(
                    f"YAML aliases expand to too much data (more than {MAX_ALIAS_EXPANSION:,} repeated values)",
                    self.alias_mark(node),
                )
            return value
        if ident in self.active:
            self.fail("a YAML alias refers to a mapping or list that contains it", self.alias_mark(node))
        if depth >= MAX_DEPTH:
            self.fail(f"nesting too deep (more than {MAX_DEPTH} levels)", node.start_mark)
        self.active.add(ident)
        start = self.count
        self.count += 1
        value = self.sequence(node, depth) if isinstance(node, SequenceNode) else self.mapping(node, depth)
        self.active.discard(ident)
        self.memo[ident] = (value, self.count - start)
        return value

    def sequence(self, node: SequenceNode, depth: int) -> list[Any]:
        if node.tag != SEQ:
            self.fail(f"unknown tag {_short_tag(node.tag)}: only plain lists are allowed", node.start_mark)
        items: list[Any] = []
        self.marks.append(None)
        for index, item in enumerate(node.value):
            self.path.append(index)
            items.append(self.build(item, depth + 1))
            self.path.pop()
        self.marks.pop()
        return items

    def mapping(self, node: Node, depth: int) -> dict[str, Any]:
        if node.tag != MAP:
            self.fail(f"unknown tag {_short_tag(node.tag)}: only plain mappings are allowed", node.start_mark)
        result: dict[str, Any] = {}
        first: dict[str, Mark | None] = {}
        merges: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == MERGE:
                merges.append((key_node, value_node))
                continue
            key = self.key(key_node)
            if key in first:
                seen = first[key]
                where = f" (first on line {seen.line + 1})" if seen is not None else ""
                self.path.append(key)
                self.fail(f"duplicate key {key!r}{where}", key_node.start_mark)
            first[key] = key_node.start_mark
            self.path.append(key)
            self.marks.append(key_node.start_mark)
            result[key] = self.build(value_node, depth + 1)
            self.marks.pop()
            self.path.pop()
        for key_node, value_node in merges:
            self.marks.append(key_node.start_mark)
            if isinstance(value_node, MappingNode):
                sources: list[Node] = [value_node]
            elif isinstance(value_node, SequenceNode) and all(isinstance(n, MappingNode) for n in value_node.value):
                sources = list(value_node.value)
            else:
                self.fail("a merge key << needs a mapping or a list of mappings", key_node.start_mark)
            for source in sources:
                for key, value in self.build(source, depth + 1).items():
                    result.setdefault(key, value)
            self.marks.pop()
        return result

    def key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            self.fail("mapping keys must be strings, not a mapping or a list", node.start_mark)
        if node.tag == STR:
            return str(node.value)
        value = self.scalar(node)
        if not isinstance(value, str):
            self.fail(
                f"mapping keys must be strings: {node.value!r} is read as {type_name(value)} (quote it)",
                node.start_mark,
            )
        return value

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        text: str = node.value
        if tag in (STR, MERGE):
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            flag = _BOOLS.get(text.lower())
            if flag is None:
                self.fail(f"{text!r} is not a boolean", node.start_mark)
            return flag
        if tag == INT:
            return self.integer(node)
        if tag == FLOAT:
            return self.number(node)
        if tag == TIMESTAMP:
            self.fail("dates and times are not values a catalog holds (write it without !!timestamp)", node.start_mark)
        self.fail(f"unknown tag {_short_tag(tag)}: only !!str, !!int, !!float, !!bool and !!null", node.start_mark)

    def integer(self, node: ScalarNode) -> int:
        text: str = node.value
        body = text.replace("_", "")
        sign = -1 if body.startswith("-") else 1
        body = body[1:] if body[:1] in ("+", "-") else body
        lowered = body.lower()
        try:
            if lowered.startswith("0b"):
                return sign * int(body[2:], 2)
            if lowered.startswith("0o"):
                return sign * int(body[2:], 8)
            if lowered.startswith("0x"):
                return sign * int(body[2:], 16)
        except ValueError:
            self.fail(f"{text!r} is not an integer", node.start_mark)
        if not _DIGITS.fullmatch(body):
            self.fail(f"{text!r} is not an integer", node.start_mark)
        if len(body) > 1 and body.startswith("0"):
            plain = body.lstrip("0") or "0"
            self.fail(
                f"ambiguous number {text!r}: YAML 1.1 reads a leading 0 as octal; "
                f"write {plain} (or 0o{plain} for octal)",
                node.start_mark,
            )
        if len(body) > MAX_INT_DIGITS:
            self.fail(f"a number with {len(body):,} digits is too long to read", node.start_mark)
        return sign * int(body)

    def number(self, node: ScalarNode) -> Decimal:
        text: str = node.value
        body = text.replace("_", "")
        if body.lower().lstrip("+-") in {".inf", ".nan", "inf", "nan", "infinity", "snan"}:
            self.fail(f"{text} is not allowed: numbers must be finite (NaN and infinity are refused)", node.start_mark)
        try:
            return read_number(body)
        except ValueError as exc:
            self.fail(str(exc), node.start_mark)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else repr(tag)


def _find_key(node: MappingNode, key: str, depth: int = 0) -> tuple[Node, Node] | None:
    merged: list[Node] = []
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            if key_node.tag == MERGE:
                merged.append(value_node)
            elif key_node.value == key:
                return key_node, value_node
    if depth > 50:  # pragma: no cover - merges nested that deep were refused when building
        return None
    for source in merged:
        candidates = source.value if isinstance(source, SequenceNode) else [source]
        for candidate in candidates:
            if isinstance(candidate, MappingNode):
                found = _find_key(candidate, key, depth + 1)
                if found is not None:
                    return found
    return None


def _locate(root: Node, path: Path, key: bool) -> Position | None:
    node = root
    last = len(path) - 1
    for index, part in enumerate(path):
        if isinstance(node, MappingNode) and isinstance(part, str):
            found = _find_key(node, part)
            if found is None:
                break
            if key and index == last:
                return _position(found[0].start_mark)
            node = found[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            break
    return _position(node.start_mark)
