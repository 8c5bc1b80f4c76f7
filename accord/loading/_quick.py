"""A quick YAML reader for `accord.history`: the documents' values, without positions.

History parses thousands of file versions and needs their values only, not
the position index that makes the validator's loader slower. `quick_documents`
returns ``None`` for anything unusual so the caller falls back to
`accord.loading._yaml.parse_documents`, which reports errors exactly.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.error import YAMLError

from accord.loading._yaml import (
    _SUSPECT,
    MAX_DEPTH,
    _parser,
    document_starts,
    has_directives,
    resolve_plain,
)


class _Unusual(Exception):
    """The quick parser met something only `parse_documents` reports properly."""


def quick_documents(text: str) -> list[dict[str, Any]] | None:
    """The documents' data as `parse_documents` gives it, without positions.

    History needs the values only, not the position index that makes the
    validator's loader slower. Anything the full parser refuses or reports
    (anchors, tags, directives, duplicate or non-text keys, suspicious escapes,
    deep nesting, syntax errors) returns ``None``, so the caller asks
    `parse_documents`, which gives the exact error.
    """
    parser = _parser(text)
    get = parser.get_event
    docs: list[dict[str, Any]] = []
    try:
        for event in document_starts(get):
            if has_directives(event):
                return None
            data = _quick_node(get, get(), 0)
            get()  # DocumentEndEvent
            if data is None:
                continue
            if type(data) is not dict:
                return None
            docs.append(data)
        return docs
    except (_Unusual, YAMLError, RecursionError):
        return None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


_Scalar, _SeqStart, _SeqEnd = ev.ScalarEvent, ev.SequenceStartEvent, ev.SequenceEndEvent
_MapStart, _MapEnd = ev.MappingStartEvent, ev.MappingEndEvent


_PLAIN: dict[str, Any] = {}  # plain scalar → its value: agreements repeat their words


def _plain_scalar(text: str) -> Any:
    """The value of a plain scalar (`resolve_plain`), remembered for the words repeated."""
    value = _PLAIN.get(text, _PLAIN)
    if value is _PLAIN:
        value = resolve_plain(text)
        if len(_PLAIN) < 50_000 and len(text) < 200:
            _PLAIN[text] = value
    return value


def _quick_node(get: Any, event: Any, depth: int) -> Any:
    kind = type(event)
    if kind is _Scalar:
        if event.anchor is not None or event.ctag is not None:
            raise _Unusual
        value = event.value
        style = event.style
        if not style and event.implicit[0]:
            return _plain_scalar(value)
        if style == '"' and _SUSPECT.search(value):
            raise _Unusual
        return value
    if kind is not _MapStart and kind is not _SeqStart:
        raise _Unusual  # aliases, and anything else unexpected
    if event.anchor is not None or event.ctag is not None or depth >= MAX_DEPTH:
        raise _Unusual
    depth += 1
    if kind is _MapStart:
        mapping: dict[str, Any] = {}
        while True:
            child = get()
            if type(child) is not _Scalar:
                if type(child) is _MapEnd:
                    return mapping
                raise _Unusual
            if child.anchor is not None or child.ctag is not None:
                raise _Unusual
            key: Any = child.value
            if not child.style and child.implicit[0]:
                key = _plain_scalar(key)
                if type(key) is not str:
                    raise _Unusual
            elif child.style == '"' and _SUSPECT.search(key):
                raise _Unusual
            if key in mapping:
                raise _Unusual
            mapping[key] = _quick_node(get, get(), depth)
    items: list[Any] = []
    while True:
        child = get()
        if type(child) is _SeqEnd:
            return items
        items.append(_quick_node(get, child, depth))
