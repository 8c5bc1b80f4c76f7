"""Reading agreement files: strict, positioned, safe.

`parse_documents` turns the text of one file into `Document`s: plain Python
data (dict, list, str, int, float, bool, None) plus an index from each node's
path to its 1-based line and column, so any later check can point at it.

It runs ruamel.yaml's C parser (`ruamel.yaml.clib`) as an event stream and
composes the tree itself, which lets one pass both refuse what agreements must
never contain and record positions:

* anchors, aliases and explicit tags (alias bombs, object construction);
* ``%YAML`` / ``%TAG`` directives (YAML 1.1 surprises);
* duplicate keys (both lines named), non-string keys;
* nesting deeper than `MAX_DEPTH`, files larger than `MAX_BYTES`;
* bytes that are not UTF-8, control and bidirectional-override characters.

Plain scalars resolve by the YAML 1.2 core schema: only null, true/false,
integers and floats are typed; everything else (dates, times, ``NO``) stays text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from accord._errors import LoadError, Problem

MAX_BYTES = 512 * 1024
MAX_DEPTH = 32

Path = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Pos:
    """A 1-based line and column."""

    line: int
    col: int


@dataclass
class Document:
    """One YAML document of a file, with the position of every node."""

    file: str
    data: dict[str, Any]
    pos: Pos
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        kind = self.data.get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def id(self) -> str | None:
        ident = self.data.get("id")
        return ident if isinstance(ident, str) else None

    def at(self, path: Path) -> Pos:
        """Position of the value at `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.pos

    def key_at(self, path: Path) -> Pos:
        """Position of the key that introduces `path` (falls back to the value)."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.at(path)

    def problem(self, path: Path, message: str, *, key: bool = False, warning: bool = False) -> Problem:
        pos = self.key_at(path) if key else self.at(path)
        return Problem(self.file, pos.line, pos.col, message, "warning" if warning else "error")


_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def resolve_plain(text: str) -> Any:
    """Type of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"}
_ALLOWED_CONTROL = {"\t", "\n", "\r"}


def _bad_char(ch: str) -> str | None:
    if ch in _ALLOWED_CONTROL:
        return None
    if ch in _BIDI:
        return "bidirectional-override character"
    if ch in _ZERO_WIDTH:
        return "invisible zero-width character"
    if ch in "\u2028\u2029":
        return "line/paragraph-separator character"
    if unicodedata.category(ch) == "Cc":
        return "control character"
    return None


_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]")


def decode(data: bytes, file: str) -> str:
    """Decode `data` strictly as UTF-8 and refuse invisible or control characters."""
    if len(data) > MAX_BYTES:
        raise LoadError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"file is {len(data):,} bytes; agreement files may be at most "
                    f"{MAX_BYTES:,} bytes (split it into several files)",
                )
            ]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        raise LoadError(
            [
                Problem(
                    file,
                    line,
                    col,
                    f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
                )
            ]
        ) from None
    problems: list[Problem] = []
    for m in _SUSPECT.finditer(text):
        reason = _bad_char(m.group())
        if reason is None:
            continue
        before = text[: m.start()]
        line = before.count("\n") + 1
        col = m.start() - (before.rfind("\n") + 1) + 1
        problems.append(
            Problem(file, line, col, f"{reason} U+{ord(m.group()):04X} is not allowed; delete it")
        )
        if len(problems) >= 20:
            break
    if problems:
        raise LoadError(problems)
    return text


_PARSER = YAML(typ="safe", pure=False)


def _syntax_problem(exc: YAMLError, file: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    lines = text.splitlines()
    here = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    if here == "\t" or "'\\t'" in str(problem):
        message = "tab character; indent YAML with spaces, not tabs"
    else:
        message = f"YAML syntax error: {problem}"
        if context:
            message += f" ({context})"
    return Problem(file, line, col, message)


def _pos(event: Any) -> Pos:
    mark = event.start_mark
    return Pos(mark.line + 1, mark.column + 1)


class _Composer:
    """Builds plain data from parser events and records every node's position."""

    def __init__(self, file: str) -> None:
        self.file = file

    def compose(self, events: Any) -> list[Document]:
        docs: list[Document] = []
        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                if getattr(event, "version", None) is not None or getattr(event, "tags", None):
                    raise self._fail(
                        event,
                        "%YAML and %TAG directives are not allowed; agreements are always YAML 1.2"
                        " (delete the directive line)",
                    )
                doc = Document(self.file, {}, _pos(event))
                data = self._node(next(events), events, doc, (), 0)
                end = next(events)
                assert isinstance(end, ev.DocumentEndEvent)
                if data is None:
                    continue
                if not isinstance(data, dict):
                    found = "a list" if isinstance(data, list) else f"the value {data!r}"
                    raise LoadError(
                        [
                            Problem(
                                self.file,
                                doc.at(()).line,
                                doc.at(()).col,
                                f"expected a mapping with 'kind:' at the top of the document, "
                                f"found {found}",
                            )
                        ]
                    )
                doc.data = data
                doc.pos = doc.at(())
                docs.append(doc)
        return docs

    def _fail(self, event: Any, message: str) -> LoadError:
        pos = _pos(event)
        return LoadError([Problem(self.file, pos.line, pos.col, message)])

    def _check(self, event: Any, depth: int) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise self._fail(
                event,
                f"anchor '&{anchor}' is not allowed; write the value out in full "
                "(agreements are read by people)",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise self._fail(event, f"explicit tag '{shown}' is not allowed; remove it")
        if depth > MAX_DEPTH:
            raise self._fail(event, f"nesting is deeper than {MAX_DEPTH} levels; flatten the document")

    def _node(self, event: Any, events: Any, doc: Document, path: Path, depth: int) -> Any:
        if isinstance(event, ev.AliasEvent):
            raise self._fail(
                event,
                f"alias '*{event.anchor}' is not allowed; write the value out in full "
                "(agreements are read by people)",
            )
        self._check(event, depth)
        doc.values[path] = _pos(event)
        if isinstance(event, ev.ScalarEvent):
            if event.style in (None, "") and event.implicit[0]:
                doc.raw[path] = event.value
                return resolve_plain(event.value)
            return event.value
        if isinstance(event, ev.SequenceStartEvent):
            items: list[Any] = []
            for child in events:
                if isinstance(child, ev.SequenceEndEvent):
                    return items
                items.append(self._node(child, events, doc, (*path, len(items)), depth + 1))
        if isinstance(event, ev.MappingStartEvent):
            mapping: dict[str, Any] = {}
            for child in events:
                if isinstance(child, ev.MappingEndEvent):
                    return mapping
                if not isinstance(child, ev.ScalarEvent):
                    raise self._fail(child, "keys must be plain words, not lists or mappings")
                self._check(child, depth + 1)
                key: Any = child.value
                if child.style in (None, "") and child.implicit[0]:
                    key = resolve_plain(child.value)
                if not isinstance(key, str):
                    raise self._fail(child, f"key {child.value!r} must be text; quote it")
                key_pos = _pos(child)
                if key in mapping:
                    first = doc.keys[(*path, key)]
                    raise self._fail(
                        child,
                        f"duplicate key '{key}' (first defined at line {first.line}); "
                        "keep one of them",
                    )
                doc.keys[(*path, key)] = key_pos
                mapping[key] = self._node(next(events), events, doc, (*path, key), depth + 1)
        raise self._fail(event, "unexpected YAML structure")  # pragma: no cover


def parse_documents(text: str, file: str) -> list[Document]:
    """Parse the text of one file into documents.

    Raises:
        LoadError: with the file, line and column of the first problem.
    """
    composer = _Composer(file)
    try:
        events = iter(_PARSER.parse(text))
        return composer.compose(events)
    except LoadError:
        raise
    except MarkedYAMLError as exc:
        raise LoadError([_syntax_problem(exc, file, text)]) from None
    except YAMLError as exc:
        raise LoadError([_syntax_problem(exc, file, text)]) from None
    except (RecursionError, MemoryError):
        raise LoadError(
            [Problem(file, 1, 1, f"nesting is deeper than {MAX_DEPTH} levels; flatten the document")]
        ) from None


def load_bytes(data: bytes, file: str) -> list[Document]:
    """Decode and parse one file; an empty or comment-only file is an error."""
    docs = parse_documents(decode(data, file), file)
    if not docs:
        raise LoadError(
            [Problem(file, 1, 1, "file holds no YAML document; add one with 'kind:' or delete the file")]
        )
    return docs
