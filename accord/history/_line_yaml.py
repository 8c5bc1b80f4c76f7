"""Reading the next version of an agreement file from the one before, for `accord.history`.

History reads every version of every agreement file: thousands of versions,
most of which differ from the version before in a value or two. `parse_version`
reads the plain block style agreements are written in line by line and
remembers, for every line, where its value sits in the data. `next_version`
then reads the next version of the same file from its changed lines only:
when the two versions have the same lines apart from values and comments,
the new data is the old data with those values replaced — sharing every
unchanged part, so the field diff skips those by identity.

Anything outside that plain style (block scalars, multi-line or escaped
strings, anchors, tags, nested flow collections, tabs, ...) makes either
function return ``None``, and the caller parses the whole version with the
event parser (`accord.loading._quick`). `parse_version` is given that parser's
result and keeps its line map only when its own reading is equal to it, so
the two never disagree on a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from accord.loading import plain_scalar

__all__ = ["Version", "next_version", "parse_version"]

_MAX_PATH = 24  # well under accord.loading._yaml.MAX_DEPTH: anything deeper goes the long way


class _Decline(Exception):
    """The text is outside the plain style this reader handles."""


# A value's place: the path to it in the document list, and where it starts on its line.
_Slot = tuple[tuple[str | int, ...], int]


@dataclass(slots=True)
class Version:
    """One version of a file: its lines, its documents' data and each line's role.

    ``slots[i]`` is ``None`` for a blank or comment-only line, ``False`` for a
    line that carries structure (a key that opens a block, a document
    separator) and ``(path, start)`` for a line that holds a value.
    """

    lines: list[str]
    docs: list[dict[str, Any]]
    slots: list[_Slot | bool | None]
    changed: list[tuple[str | int, ...]] | None = None
    """For a version read by `next_version`: the paths whose values differ from
    the version it was read from (document index first, in document order)."""


# --- values ---------------------------------------------------------------------

_TAIL = r"(?: +#.*)? *"
_INDICATORS = r"\s\-?:,\[\]{}#&*!|>'\"%@`"  # a plain scalar cannot start with one
# A plain scalar on one line (block context): not starting with an indicator,
# no ": " and no " #" inside, no trailing spaces.
_PLAIN = re.compile(rf"([^{_INDICATORS}](?:[^\s:#]|:(?=\S)|(?<=\S)#| +(?=[^\s#]))*)" + _TAIL)
_SINGLE = re.compile(r"'((?:[^']|'')*)'" + _TAIL)
_DOUBLE = re.compile(r'"([^"\\]*)"' + _TAIL)  # without escapes only
_COMMENT = re.compile(_TAIL)
# A plain scalar inside a flow collection: no ":", "#", "," or brackets at all.
_FLOW_PLAIN = re.compile(rf"[^{_INDICATORS}](?:[^\s:#,\[\]{{}}]| +(?=[^\s:#,\[\]{{}}]))*")
_MAX_FLOW = 3


_VALUES: dict[str, Any] = {}  # value text → its value; versions repeat their values


def _value(text: str) -> Any:
    """The value written as `text` (what follows ``key: `` or ``- ``); `_Decline` if unusual.

    Values are shared between the versions that write them alike: treat them as read-only.
    """
    value = _VALUES.get(text, _VALUES)
    if value is _VALUES:
        value = _read_value(text)
        if len(_VALUES) < 100_000:
            _VALUES[text] = value
    return value


def _read_value(text: str) -> Any:
    first = text[:1]
    if first == "[" or first == "{":
        value, end = _flow(text, 0, 0)
        if not _COMMENT.fullmatch(text, end):
            raise _Decline
        return value
    if first == "'":
        m = _SINGLE.fullmatch(text)
        if m is None:
            raise _Decline
        return m.group(1).replace("''", "'")
    if first == '"':
        m = _DOUBLE.fullmatch(text)
        if m is None:
            raise _Decline
        return m.group(1)
    m = _PLAIN.fullmatch(text)
    if m is None:
        raise _Decline
    return plain_scalar(m.group(1))


def _skip_spaces(text: str, i: int) -> int:
    while text[i : i + 1] == " ":
        i += 1
    return i


_FLOW_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_FLOW_DOUBLE = re.compile(r'"([^"\\]*)"')


def _flow_item(text: str, i: int, depth: int) -> tuple[Any, int]:
    first = text[i : i + 1]
    if first in ("[", "{"):
        return _flow(text, i, depth + 1)
    if first == '"' or first == "'":
        m = (_FLOW_DOUBLE if first == '"' else _FLOW_SINGLE).match(text, i)
        if m is None:
            raise _Decline
        return m.group(1).replace("''", "'") if first == "'" else m.group(1), m.end()
    m = _FLOW_PLAIN.match(text, i)
    if m is None:
        raise _Decline
    return plain_scalar(m.group()), m.end()


def _flow(text: str, i: int, depth: int) -> tuple[Any, int]:
    """A one-line flow sequence or mapping of plain scalars starting at `i`."""
    if depth >= _MAX_FLOW:
        raise _Decline
    close = "]" if text[i] == "[" else "}"
    items: list[Any] = []
    mapping: dict[str, Any] = {}
    i = _skip_spaces(text, i + 1)
    if text[i : i + 1] == close:
        return (items if close == "]" else mapping), i + 1
    while True:
        if close == "]":
            item, i = _flow_item(text, i, depth)
            items.append(item)
        else:
            m = _FLOW_PLAIN.match(text, i)
            if m is None or text[m.end() : m.end() + 2] != ": ":
                raise _Decline
            key = plain_scalar(m.group())
            if type(key) is not str or key in mapping:
                raise _Decline
            mapping[key], i = _flow_item(text, _skip_spaces(text, m.end() + 2), depth)
        i = _skip_spaces(text, i)
        sep = text[i : i + 1]
        if sep == close:
            return (items if close == "]" else mapping), i + 1
        if sep != ",":
            raise _Decline
        i = _skip_spaces(text, i + 1)
        if text[i : i + 1] in (close, ",", ""):
            raise _Decline  # a trailing or doubled comma: leave it to the full parser


# --- lines ----------------------------------------------------------------------

_BLANK = re.compile(r" *(?:#.*)?")
_KEY_LINE = re.compile(r"( *)(?:-( +))?([A-Za-z_][A-Za-z0-9_-]*):(?= |$) *")
_DASH_LINE = re.compile(r"( *)-( +)")

_NONE = object()  # "no value on this line": the key opens a block (or is null)
_BLOCK = object()  # a "|" or ">" scalar: its value is taken from the event parser
_BLOCK_START = re.compile(r"[|>][-+]? *")


@dataclass(frozen=True, slots=True)
class _Token:
    indent: int  # column of the key, or of the dash
    dash: bool
    key: str | None  # None: a sequence item holding a scalar
    column: int  # column of the key (equal to indent without a dash)
    value: Any  # _NONE when the line holds no value
    start: int  # where the value starts on the line


_SEPARATOR = _Token(0, False, None, 0, _NONE, 0)
_UNREAD = _Token(0, False, None, 0, _NONE, 0)
_TOKENS: dict[str, _Token | None] = {}  # line → its token; agreements repeat their lines


def _token(line: str) -> _Token | None:
    """The token of one line; ``None`` for a blank or comment line; `_Decline` if unusual."""
    token = _TOKENS.get(line, _UNREAD)
    if token is not _UNREAD:
        return token
    token = _read_token(line)
    if len(_TOKENS) < 100_000:
        _TOKENS[line] = token
    return token


def _read_token(line: str) -> _Token | None:
    if line == "---":
        return _SEPARATOR
    if _BLANK.fullmatch(line):
        return None
    m = _KEY_LINE.match(line)
    if m is not None:
        indent = len(m.group(1))
        dash = m.group(2) is not None
        key = plain_scalar(m.group(3))
        if type(key) is not str:
            raise _Decline
        column = indent + 1 + len(m.group(2)) if dash else indent
        rest = line[m.end() :]
        if not rest or rest[0] == "#":
            return _Token(indent, dash, key, column, _NONE, m.end())
        if _BLOCK_START.fullmatch(rest):
            return _Token(indent, dash, key, column, _BLOCK, m.end())
        return _Token(indent, dash, key, column, _value(rest), m.end())
    m = _DASH_LINE.match(line)
    if m is None or m.end() == len(line) or line[m.end()] == "#":
        raise _Decline
    indent = len(m.group(1))
    return _Token(indent, True, None, m.end(), _value(line[m.end() :]), m.end())


class _Reader:
    """Builds the documents of a list of lines, and every line's slot."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.slots: list[_Slot | bool | None] = [None] * len(lines)
        self.at = 0  # the next line to read

    def peek(self) -> tuple[int, _Token] | None:
        """The next line that is not blank or a comment, and its token."""
        lines = self.lines
        while self.at < len(lines):
            token = _token(lines[self.at])
            if token is not None:
                return self.at, token
            self.at += 1
        return None

    def documents(self) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        while (found := self.peek()) is not None:
            line, token = found
            if token is _SEPARATOR:
                self.slots[line] = False
                self.at += 1
                continue
            if token.dash or token.indent != 0:
                raise _Decline  # a document that is not a mapping at column 0
            docs.append(self.mapping(0, (len(docs),), None))
        return docs

    def mapping(
        self, column: int, path: tuple[str | int, ...], first: tuple[int, _Token] | None
    ) -> dict[str, Any]:
        if len(path) > _MAX_PATH:
            raise _Decline
        out: dict[str, Any] = {}
        while True:
            if first is not None:
                (line, token), first = first, None
            else:
                found = self.peek()
                if found is None or found[1] is _SEPARATOR:
                    return out
                line, token = found
                if token.indent < column:
                    return out
                if token.dash or token.indent != column:
                    raise _Decline
                self.at += 1
            key = token.key
            if key is None or key in out:
                raise _Decline
            value = token.value
            if value is _NONE:
                self.slots[line] = False
                out[key] = self.block(column, path + (key,))
            elif value is _BLOCK:
                self.slots[line] = False
                out[key] = _BLOCK
                self.block_scalar(column)
            else:
                out[key] = value
                self.slots[line] = (path + (key,), token.start)

    def block(self, column: int, path: tuple[str | int, ...]) -> Any:
        """The value opened by a key without one on its line (at `column`)."""
        found = self.peek()
        if found is None or found[1] is _SEPARATOR:
            return None
        _, token = found
        if token.indent > column:
            if token.dash:
                return self.sequence(token.indent, path)
            return self.mapping(token.indent, path, None)
        if token.indent == column and token.dash:
            return self.sequence(column, path)  # the compact form: "key:\n- item"
        return None

    def block_scalar(self, column: int) -> None:
        """Pass the lines of a ``|`` or ``>`` scalar opened by a key at `column`."""
        lines = self.lines
        while self.at < len(lines):
            line = lines[self.at]
            text = line.lstrip(" ")
            if text and len(line) - len(text) <= column:
                return
            self.slots[self.at] = False  # any change inside: read the whole file
            self.at += 1

    def sequence(self, column: int, path: tuple[str | int, ...]) -> list[Any]:
        if len(path) > _MAX_PATH:
            raise _Decline
        items: list[Any] = []
        while True:
            found = self.peek()
            if found is None or found[1] is _SEPARATOR:
                return items
            line, token = found
            if token.indent < column or (token.indent == column and not token.dash):
                return items
            if token.indent != column:
                raise _Decline
            self.at += 1
            here = path + (len(items),)
            if token.key is None:
                items.append(token.value)
                self.slots[line] = (here, token.start)
            else:
                items.append(self.mapping(token.column, here, (line, token)))


# --- versions ---------------------------------------------------------------------


def parse_version(text: str, expected: list[dict[str, Any]]) -> Version | None:
    """`text` read line by line, if it is in the plain style and reads as `expected`.

    Args:
        text: the file's text.
        expected: the documents as `accord.loading._quick._quick_documents` reads them.

    Returns:
        The version with its line map, or ``None`` when the text is outside
        the plain style or the line reading differs from `expected`.
    """
    if "\t" in text or "\r" in text:
        return None
    lines = text.split("\n")
    try:
        reader = _Reader(lines)
        docs = reader.documents()
    except (_Decline, RecursionError):
        return None
    if not _identical(docs, expected):
        return None
    return Version(lines, expected, reader.slots)


def next_version(previous: Version, text: str) -> Version | None:
    """The version `text` of the same file, read from its changes since `previous`.

    Returns ``None`` (read the whole text instead) unless the two versions
    have the same number of lines and every changed line is a comment or
    holds a plain one-line value under the same key.
    """
    if "\t" in text or "\r" in text:
        return None
    lines = text.split("\n")
    old = previous.lines
    if len(lines) != len(old):
        return None
    slots = previous.slots
    updates: list[tuple[tuple[str | int, ...], Any]] = []
    for i in [i for i, (a, b) in enumerate(zip(old, lines, strict=True)) if a != b]:
        after = lines[i]
        slot = slots[i]
        if slot is None:
            if not _BLANK.fullmatch(after):
                return None
            continue
        if not isinstance(slot, tuple):
            return None
        path, start = slot
        if after[:start] != old[i][:start] or not after[start:]:
            return None
        try:
            updates.append((path, _value(after[start:])))
        except (_Decline, RecursionError):
            return None
    if not updates:
        return Version(lines, previous.docs, slots, [])
    docs = _replace(previous.docs, updates)
    return Version(lines, docs, slots, [path for path, _ in updates])


def _replace(docs: list[dict[str, Any]], updates: list[tuple[tuple[str | int, ...], Any]]) -> Any:
    """A copy of `docs` with each value at a path replaced; unchanged parts are shared.

    Each container on the way to a changed value is copied once.
    """
    root: Any = list(docs)
    copies: dict[int, Any] = {}  # id of an original container → its copy
    for path, value in updates:
        node: Any = root
        original: Any = docs
        for step in path[:-1]:
            inner = original[step]
            copy = copies.get(id(inner))
            if copy is None:
                copy = copies[id(inner)] = inner.copy()
                node[step] = copy
            node, original = copy, inner
        node[path[-1]] = value
    return root


def _identical(a: Any, b: Any) -> bool:
    """Equal, with equal types and mapping keys in the same order (``1`` is not ``true``).

    A block scalar in `a` (whose value the line reader does not compute) matches any text.
    """
    if a is _BLOCK:
        return type(b) is str
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is dict:
        return list(a) == list(b) and all(_identical(a[k], b[k]) for k in a)
    if kind is list:
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
