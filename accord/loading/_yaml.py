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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.error import YAMLError

from accord.domain.errors import LoadError, Problem, clip

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
    """One YAML document of a file, with the position of every node.

    `values` maps the path of every node (``()`` for the root, then keys and
    list indexes) to its position, `keys` maps a mapping entry's path to the
    position of its key, and `raw` keeps the source text of plain scalars that
    were read as something other than text (``012345`` → 12345), so a message
    can say how to quote them.
    """

    file: str
    data: dict[str, Any]
    pos: Pos
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        """The document's ``kind`` when it is text."""
        kind = self.data.get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def id(self) -> str | None:
        """The document's ``id`` when it is text."""
        ident = self.data.get("id")
        return ident if isinstance(ident, str) else None

    def at(self, path: Path) -> Pos:
        """Position of the value at `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while True:
            found = self.values.get(path)
            if found is not None:
                return found
            if not path:
                return self.pos
            path = path[:-1]

    def key_at(self, path: Path) -> Pos:
        """Position of the key that introduces `path` (falls back to the value)."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.at(path)

    def problem(
        self, path: Path, message: str, *, key: bool = False, warning: bool = False
    ) -> Problem:
        """A `Problem` at the node (or, with `key`, the key) at `path`."""
        pos = self.key_at(path) if key else self.at(path)
        return Problem(self.file, pos.line, pos.col, message, "warning" if warning else "error")


_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_MAX_DIGITS = 400


def resolve_plain(text: str) -> Any:
    """Type of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if not text:
        return None
    if text[0] not in _MAYBE_TYPED:
        return text  # the common case: a word
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT10.match(text):
        if len(text) > _MAX_DIGITS:  # beyond any float, and int() refuses 4300+ digits
            return float("-inf") if text.startswith("-") else float("inf")
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
_CONTROL_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "BS",
    "\x0b": "VT",
    "\x0c": "FF",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x85": "NEL, next line",
}


def _bad_char(ch: str) -> str | None:
    """Why `ch` may not appear in an agreement file, or None when it may."""
    if ch in _BIDI:
        return "bidirectional-override character"
    if ch in _ZERO_WIDTH:
        return "invisible zero-width character"
    if ch in "\u2028\u2029":
        return "line/paragraph-separator character"
    if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
        return "control character"
    return None


def _char_name(ch: str) -> str:
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} ({name})" if name else f"U+{ord(ch):04X}"


_SUSPECT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)
MAX_CHAR_PROBLEMS = 20


def _problem(file: str, line: int, col: int, message: str) -> LoadError:
    return LoadError([Problem(file, line, col, message)])


def too_big(file: str, size: int) -> Problem:
    """The problem of a file over `MAX_BYTES` (`size` bytes), at its first line."""
    return Problem(
        file,
        1,
        1,
        f"file is {size:,} bytes; agreement files may be at most {MAX_BYTES:,} bytes "
        "(split it into several files)",
    )


def decode(data: bytes, file: str) -> str:
    """Decode `data` strictly as UTF-8 and refuse invisible or control characters.

    A UTF-8 byte-order mark at the start is dropped.

    Raises:
        LoadError: for a file over `MAX_BYTES`, bytes that are not UTF-8, or
            control, bidirectional-override and zero-width characters (each
            with its line and column).
    """
    if len(data) > MAX_BYTES:
        raise LoadError([too_big(file, len(data))])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        col = len(head.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        raise _problem(
            file,
            line,
            col,
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (is the file Latin-1 or "
            "Windows-1252?); save the file as UTF-8",
        ) from None
    problems: list[Problem] = []
    for found in _SUSPECT.finditer(text):
        ch = found.group()
        reason = _bad_char(ch)
        if reason is None:  # pragma: no cover - _SUSPECT only matches refused characters
            continue
        before = text[: found.start()]
        line = before.count("\n") + 1
        col = found.start() - (before.rfind("\n") + 1) + 1
        problems.append(
            Problem(file, line, col, f"{reason} {_char_name(ch)} is not allowed; delete it")
        )
        if len(problems) >= MAX_CHAR_PROBLEMS:
            break
    if problems:
        raise LoadError(problems)
    return text


try:  # the C parser of ruamel.yaml.clib, as ruamel.yaml.cyaml finds it
    from _ruamel_yaml import CParser as _CParser  # type: ignore[import-not-found]

    HAVE_CLIB = True
except ImportError:  # pragma: no cover - ruamel.yaml.clib is a declared dependency
    HAVE_CLIB = False


def document_starts(get: Callable[[], Any]) -> Iterator[Any]:
    """The DocumentStartEvents of a parser's event stream, read with `get` (its
    ``get_event``) up to the StreamEndEvent; the caller reads each document's own
    events before it asks for the next."""
    while True:
        event = get()
        kind = type(event)
        if kind is ev.StreamEndEvent:
            return
        if kind is ev.DocumentStartEvent:
            yield event  # anything else is the StreamStartEvent


def has_directives(event: Any) -> bool:
    """Whether a DocumentStartEvent carries a %YAML or %TAG directive."""
    return getattr(event, "version", None) is not None or bool(getattr(event, "tags", None))


def _parser(text: str) -> Any:
    """An event parser for `text`: the C parser when present, else ruamel's pure one."""
    if HAVE_CLIB:
        return _CParser(text)
    from types import SimpleNamespace  # pragma: no cover

    from ruamel.yaml.main import YAML  # pragma: no cover

    events = YAML(typ="safe", pure=True).parse(text)  # pragma: no cover
    return SimpleNamespace(get_event=events.__next__)  # pragma: no cover


def _mark(mark: Any) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


_FRIENDLY = {
    "mapping values are not allowed in this context": (
        "a ':' where no new key can start; check the indentation, or quote a value that "
        "contains ': '"
    ),
    "did not find expected key": "a line is not indented like the keys around it; check the "
    "indentation",
    "did not find expected '-' indicator": "a line is not indented like the list items around "
    "it; check the indentation",
    "found character that cannot start any token": "",
    "could not find expected ':'": "a key without ':' after it; add ': ' or join the lines",
    "did not find expected <document start>": "unexpected text after the end of the document; "
    "check for a stray character or start a new document with '---'",
}


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _parser_words(text: object) -> str:
    """A parser's own words without any of the file's text: its first line only, quoted
    fragments longer than one character (other than ``'<stream end>'``-style token
    names) cut to ``'…'``, and at most 120 characters."""
    first = str(text).strip().split("\n", 1)[0]

    def cut(found: re.Match[str]) -> str:
        inner = found.group()[1:-1]
        keep = len(inner) <= 1 or re.fullmatch(r"<[a-z ]+>", inner) or inner in ("\\n", "\\t")
        return found.group() if keep else f"{found.group()[0]}…{found.group()[0]}"

    return clip(_QUOTED.sub(cut, first), 120)


def _syntax_problem(exc: YAMLError, file: str, text: str) -> Problem:
    """Our own message for a ruamel.yaml syntax error, at its position.

    ruamel's words are used only where no message of ours fits, and then without
    any text of the file (`_parser_words`): a syntax error never quotes a line.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    col = mark.column + 1 if mark is not None else 1
    problem = _parser_words(getattr(exc, "problem", None) or str(exc))
    context = getattr(exc, "context", None)
    context = _parser_words(context) if context else None
    context_mark = getattr(exc, "context_mark", None)
    lines = text.splitlines()
    here = lines[line - 1][col - 1 : col] if 0 < line <= len(lines) else ""
    where = f"line {context_mark.line + 1}:{context_mark.column + 1}" if context_mark else ""
    if here == "\t" or "'\\t'" in problem:
        message = "tab character; indent YAML with spaces, not tabs"
    elif problem.startswith("did not find expected ',' or ']'"):
        message = f"the list opened with '[' at {where} is not closed; add ']' or a ','"
    elif problem.startswith("did not find expected ',' or '}'"):
        message = f"the mapping opened with '{{' at {where} is not closed; add '}}' or a ','"
    elif problem == "found unexpected end of stream" and context and "quoted" in context:
        message = f"the quoted text opened at {where} is never closed; add the closing quote"
    elif problem == "found character that cannot start any token" and here:
        message = f"'{here}' cannot start a value; put the value in quotes"
    elif _FRIENDLY.get(problem):
        message = _FRIENDLY[problem]
    else:
        message = problem
        if context:
            message += f" ({context}{' at ' + where if where else ''})"
    return Problem(file, line, col, f"YAML syntax error: {message}")


def _kind_of(value: Any) -> str:
    """What a scalar is, without its content."""
    if isinstance(value, str):
        return "text (is this an agreement file?)"
    return "true/false" if isinstance(value, bool) else "a number"


def _read_as(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return "a number"


_ANCHOR_WHY = (
    "anchors and aliases are refused, so a file cannot expand into a huge tree; "
    "write the value out in full"
)


class _Composer:
    """Builds plain data from parser events and records every node's position."""

    __slots__ = ("file", "parser", "doc")

    def __init__(self, file: str, parser: Any) -> None:
        self.file = file
        self.parser = parser

    def compose(self) -> list[Document]:
        parser = self.parser
        docs: list[Document] = []
        for event in document_starts(parser.get_event):
            if has_directives(event):
                raise self._fail(
                    event,
                    "%YAML and %TAG directives are not allowed; agreements are always YAML 1.2 "
                    "(delete the directive line)",
                )
            doc = Document(self.file, {}, _mark(event.start_mark))
            self.doc = doc
            data = self._node(parser.get_event(), (), 0)
            parser.get_event()  # DocumentEndEvent
            if data is None:
                continue
            root = doc.values[()]
            if not isinstance(data, dict):
                # never quoted: a file that is not a mapping may be anything (a key file,
                # a .env) and its first line is the last thing a message should repeat
                found = "a list" if isinstance(data, list) else _kind_of(data)
                raise _problem(
                    self.file,
                    root.line,
                    root.col,
                    f"expected a mapping with 'kind:' at the top of the document, found {found}",
                )
            doc.data = data
            doc.pos = root
            docs.append(doc)
        return docs

    def _fail(self, event: Any, message: str) -> LoadError:
        pos = _mark(event.start_mark)
        return _problem(self.file, pos.line, pos.col, message)

    def _escaped(self, event: Any) -> LoadError:
        found = _SUSPECT.search(event.value)
        assert found is not None
        return self._fail(
            event,
            f"quoted text holds an escaped {_bad_char(found.group())} "
            f"{_char_name(found.group())}; remove the escape sequence",
        )

    def _check(self, event: Any, depth: int) -> None:
        anchor = event.anchor
        if anchor is not None:
            raise self._fail(event, f"anchor '&{clip(anchor)}' is not allowed; {_ANCHOR_WHY}")
        tag = event.tag
        if tag is not None:
            shown = clip(str(tag).replace("tag:yaml.org,2002:", "!!"))
            raise self._fail(
                event,
                f"explicit tag '{shown}' is not allowed; remove it (agreements are plain data: "
                "no tag may construct or convert anything)",
            )
        if depth > MAX_DEPTH:
            raise self._fail(
                event, f"nesting is deeper than {MAX_DEPTH} levels; flatten the document"
            )

    def _node(self, event: Any, path: Path, depth: int) -> Any:
        kind = type(event)
        if kind is ev.AliasEvent:
            raise self._fail(event, f"alias '*{clip(event.anchor)}' is not allowed; {_ANCHOR_WHY}")
        if event.anchor is not None or event.tag is not None or depth > MAX_DEPTH:
            self._check(event, depth)
        doc = self.doc
        mark = event.start_mark
        doc.values[path] = Pos(mark.line + 1, mark.column + 1)
        if kind is ev.ScalarEvent:
            if event.style == '"' and _SUSPECT.search(event.value):
                raise self._escaped(event)
            if not event.style and event.implicit[0]:
                value = event.value
                resolved = resolve_plain(value)
                if resolved is not value:
                    doc.raw[path] = value
                return resolved
            return event.value
        get_event = self.parser.get_event
        if kind is ev.SequenceStartEvent:
            items: list[Any] = []
            while True:
                child = get_event()
                if type(child) is ev.SequenceEndEvent:
                    return items
                items.append(self._node(child, (*path, len(items)), depth + 1))
        if kind is ev.MappingStartEvent:
            mapping: dict[str, Any] = {}
            keys = doc.keys
            while True:
                child = get_event()
                ckind = type(child)
                if ckind is ev.MappingEndEvent:
                    return mapping
                if ckind is ev.AliasEvent:
                    raise self._fail(
                        child, f"alias '*{clip(child.anchor)}' is not allowed; {_ANCHOR_WHY}"
                    )
                if child.anchor is not None or child.tag is not None:
                    self._check(child, depth + 1)
                if ckind is not ev.ScalarEvent:
                    raise self._fail(child, "keys must be plain words, not lists or mappings")
                key: Any = child.value
                if child.style == '"' and _SUSPECT.search(key):
                    raise self._escaped(child)
                if not child.style and child.implicit[0]:
                    key = resolve_plain(key)
                if not isinstance(key, str):
                    shown = clip(child.value)
                    raise self._fail(
                        child,
                        f"key '{shown}' is read as {_read_as(key)}; keys must be text: "
                        f"quote it, e.g. '{shown}':",
                    )
                sub = (*path, key)
                if key in mapping:
                    first = keys[sub]
                    raise self._fail(
                        child,
                        f"duplicate key '{clip(key)}' (first at line {first.line}:{first.col}); "
                        "keep one of them",
                    )
                cmark = child.start_mark
                keys[sub] = Pos(cmark.line + 1, cmark.column + 1)
                mapping[key] = self._node(get_event(), sub, depth + 1)
        raise self._fail(event, "unexpected YAML structure")  # pragma: no cover


def parse_documents(text: str, file: str) -> list[Document]:
    """Parse the text of one file into documents (empty documents are skipped).

    Raises:
        LoadError: with the file, line and column of the first problem.
    """
    parser = _parser(text)
    try:
        return _Composer(file, parser).compose()
    except LoadError:
        raise
    except YAMLError as exc:
        raise LoadError([_syntax_problem(exc, file, text)]) from None
    except (RecursionError, MemoryError):  # pragma: no cover - the depth cap comes first
        raise _problem(
            file, 1, 1, f"nesting is deeper than {MAX_DEPTH} levels; flatten the document"
        ) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def load_bytes(data: bytes, file: str) -> list[Document]:
    """Decode and parse one file; an empty or comment-only file is an error.

    Raises:
        LoadError: for any problem of encoding, size, syntax or structure.
    """
    text = decode(data, file)
    docs = parse_documents(text, file)
    if not docs:
        what = "is empty" if not text.strip() else "holds no YAML document (only comments)"
        raise _problem(file, 1, 1, f"file {what}; add a document with 'kind:' or delete the file")
    return docs
