"""Round-trip YAML edits that keep comments, quotes and order.

With ``indent(mapping=2, sequence=4, offset=2)``, ``preserve_quotes`` and a
wide line width, ruamel.yaml gives an untouched file back byte-identical —
except for spaces a person added to line values up in columns
(``marketing:        [2, 2, 1]``), which it re-spaces. `dump_all` with the
original text puts such lines back as written wherever they differ from the
new dump only in spacing, and checks that this did not change the data.
"""

from __future__ import annotations

import difflib
import io
import re
from typing import Any

from ruamel.yaml import YAML


def rt_yaml() -> YAML:
    """A round-trip YAML instance with the settings that keep files byte-identical."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def load_all(text: str) -> list[Any]:
    return list(rt_yaml().load_all(text))


def dump_all(docs: list[Any], original: str | None = None) -> str:
    """The documents as YAML; given the file's `original` text, keep its spacing."""
    out = io.StringIO()
    rt_yaml().dump_all(docs, out)
    dumped = out.getvalue()
    if original is None or original == dumped:
        return dumped
    restored = _restore_spacing(original, dumped)
    if restored != dumped and _plain(restored) != _plain(dumped):
        return dumped  # the spacing mattered (e.g. inside a quoted string)
    return restored


_RUNS = re.compile(r"(?<=\S)[ \t]+")


def _spacing_free(line: str) -> str:
    """The line with runs of spaces after its indentation collapsed to one."""
    return _RUNS.sub(" ", line.rstrip())


def _restore_spacing(original: str, dumped: str) -> str:
    old = original.splitlines(keepends=True)
    new = dumped.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(
        None, [_spacing_free(x) for x in old], [_spacing_free(x) for x in new], autojunk=False
    )
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out.extend(old[i1:i2] if tag == "equal" else new[j1:j2])
    return "".join(out)


def _plain(text: str) -> Any:
    from ruamel.yaml import YAML

    return list(YAML(typ="safe", pure=True).load_all(text))


def find_doc(docs: list[Any], kind: str, ident: str) -> Any | None:
    for doc in docs:
        if (
            isinstance(doc, dict)
            and doc.get("kind") == kind
            and doc.get("id", "workspace") == ident
        ):
            return doc
    return None


Step = str | int | dict[str, str]
"""A path step: a key, a list index, or {"id": X} to pick the list item with that id."""


def resolve(node: Any, path: list[Step]) -> tuple[Any, str | int] | None:
    """The container and last key of `path` inside `node`, or None when it does not exist."""
    for i, step in enumerate(path):
        last = i == len(path) - 1
        if isinstance(step, dict):
            if not isinstance(node, list):
                return None
            index = next(
                (
                    j
                    for j, item in enumerate(node)
                    if isinstance(item, dict) and item.get("id") == step["id"]
                ),
                None,
            )
            if index is None:
                return None
            if last:
                return node, index
            node = node[index]
        elif last:
            return node, step
        else:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
    return None
