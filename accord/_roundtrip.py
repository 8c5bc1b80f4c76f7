"""Round-trip YAML edits that keep comments, quotes and order (HAZARDS 37).

With ``indent(mapping=2, sequence=4, offset=2)``, ``preserve_quotes`` and a
wide line width, an untouched file comes back byte-identical.
"""

from __future__ import annotations

import io
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


def dump_all(docs: list[Any]) -> str:
    out = io.StringIO()
    rt_yaml().dump_all(docs, out)
    return out.getvalue()


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
