"""Field-level differences between versions of agreement entities.

Pure functions on plain data (the dicts that `accord.loading._yaml` produces), used by
the git history (`accord.history`), `accord diff` and the wiki's change lists:

* `FieldChange` — one changed, added or removed field, with `describe()` giving
  the one-line text people read ("target.min: 100 → 120").
* `diff_entity(old, new)` — the changes between two versions of one entity
  (``None`` on one side: the entity was added or removed).
* `diff_snapshots(old, new)` — the changes between two sets of entities keyed by
  ``(kind, id)`` (`EntityKey`; the Workspace's id is ``"workspace"``).

Lists of mappings that all carry an ``id`` (commitments, members, statements)
are matched by id, so reordering them is not a change; the path names the item
by id (``commitments[sql-volume].target.min``). Other lists of mappings of equal
length are compared item by item (``bands[1].max``); every other list is one
value (``holders: [jan] → [jan, sanne]``).

`describe()` returns plain text; escaping it for HTML is the caller's job.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from accord.loading import resolve_plain

EntityKey = tuple[str, str]
"""``(kind, id)`` of an entity; the Workspace is ``("Workspace", "workspace")``."""

Op = Literal["changed", "added", "removed"]

MAX_SHOWN = 60
"""Longest value text `FieldChange.describe` shows before shortening it with "…"."""

__all__ = [
    "MAX_SHOWN",
    "EntityKey",
    "FieldChange",
    "Op",
    "diff_entity",
    "diff_snapshots",
    "entity_key",
    "format_value",
]


@dataclass(frozen=True)
class FieldChange:
    """One difference between two versions of an entity.

    Attributes:
        path: where the field is, e.g. ``target.min``, ``commitments[sql-volume].text``,
            ``holders``; ``""`` for the whole entity (added or removed).
        old: the value before (``None`` when added).
        new: the value after (``None`` when removed).
        op: ``"changed"``, ``"added"`` or ``"removed"``.
    """

    path: str
    old: Any
    new: Any
    op: Op

    def describe(self) -> str:
        """One line for people, e.g. ``target.min: 100 → 120``.

        Whole entities read ``Agreement marketing-sales-sla added``, list items
        matched by id read ``commitment hot-callback added``, other fields
        ``warn added: 90%`` / ``warn removed (was 90%)``. Long values are
        shortened to about `MAX_SHOWN` characters. Computed once per change (the
        wiki shows each change on an entity page and in the changelog).
        """
        described: str | None = self.__dict__.get("_described")
        if described is None:
            described = self._describe()
            object.__setattr__(self, "_described", described)  # a cache, not a field
        return described

    def _describe(self) -> str:
        if self.path == "":
            subject = _entity_name(self.new if self.op == "added" else self.old)
            if self.op != "changed":
                return f"{subject} {self.op}"
        item = _item_name(self.path) if self.op != "changed" else None
        if item is not None:
            return f"{item} {self.op}"
        if self.op == "added":
            return f"{self.path} added: {format_value(self.new)}"
        if self.op == "removed":
            return f"{self.path} removed (was {format_value(self.old)})"
        before, after = self.old, self.new
        if isinstance(before, str) and isinstance(after, str):
            before, after = _around_difference(before, after)
        return f"{self.path or '(entity)'}: {format_value(before)} → {format_value(after)}"


def entity_key(data: Mapping[str, Any]) -> EntityKey | None:
    """The ``(kind, id)`` of a document's data, or ``None`` when it has none.

    The Workspace has no id and is keyed ``("Workspace", "workspace")``.
    """
    kind = data.get("kind")
    if not isinstance(kind, str):
        return None
    if kind == "Workspace":
        return (kind, "workspace")
    ident = data.get("id")
    if not isinstance(ident, str):
        return None
    return (kind, ident)


def diff_entity(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[FieldChange]:
    """The field changes from `old` to `new`.

    Args:
        old: the entity's data before, or ``None`` if it did not exist.
        new: the entity's data after, or ``None`` if it no longer exists.

    Returns:
        One `FieldChange` with path ``""`` when the entity was added or removed,
        otherwise one per changed, added or removed field (empty when equal).
    """
    if old is None and new is None:
        return []
    if old is None:
        return [FieldChange("", None, new, "added")]
    if new is None:
        return [FieldChange("", old, None, "removed")]
    out: list[FieldChange] = []
    _diff(old, new, "", out)
    return out


def diff_snapshots(
    old: Mapping[EntityKey, dict[str, Any]], new: Mapping[EntityKey, dict[str, Any]]
) -> dict[EntityKey, list[FieldChange]]:
    """The changes of every entity between two snapshots.

    Args:
        old: entity data by ``(kind, id)`` before.
        new: entity data by ``(kind, id)`` after.

    Returns:
        Only the entities that changed, in the order of `new` followed by the
        removed ones in the order of `old`.
    """
    result: dict[EntityKey, list[FieldChange]] = {}
    for key, data in new.items():
        changes = diff_entity(old.get(key), data)
        if changes:
            result[key] = changes
    for key, data in old.items():
        if key not in new:
            result[key] = diff_entity(data, None)
    return result


# --- comparison -----------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _same(a: Any, b: Any) -> bool:
    """Equality that tells ``true`` from ``1`` and treats NaN as equal to NaN."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _ids(items: list[Any]) -> list[str] | None:
    """The ids of a list whose items are all mappings with a unique text id."""
    ids: list[str] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return None
        ids.append(item["id"])
    return ids if len(set(ids)) == len(ids) else None


_LEAF = (str, int, float, bool, type(None))
_ABSENT = object()


def _diff(old: Any, new: Any, path: str, out: list[FieldChange]) -> None:
    kind = type(old)
    if kind is type(new) and kind in _LEAF:  # the common case, without the general checks
        if old != new and not (kind is float and math.isnan(old) and math.isnan(new)):
            out.append(FieldChange(path, old, new, "changed"))
        return
    if isinstance(old, dict) and isinstance(new, dict):
        if old is new:
            return
        prefix = f"{path}." if path else ""
        added = False
        for key, value in new.items():
            was = old.get(key, _ABSENT)
            if was is value or (type(was) is str and type(value) is str and was == value):
                continue
            if was is _ABSENT:
                added = True
                out.append(FieldChange(prefix + key, None, value, "added"))
            else:
                _diff(was, value, prefix + key, out)
        if added or len(old) != len(new):  # else every old key is among the new ones
            for key, value in old.items():
                if key not in new:
                    out.append(FieldChange(_join(path, key), value, None, "removed"))
        return
    if isinstance(old, list) and isinstance(new, list):
        old_ids, new_ids = _ids(old), _ids(new)
        if old_ids is not None and new_ids is not None and (old or new):
            _diff_by_id(
                dict(zip(old_ids, old, strict=True)),
                dict(zip(new_ids, new, strict=True)),
                path,
                out,
            )
            return
        if _positional(old, new):
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                _diff(a, b, f"{path}[{i}]", out)
            return
    if not _same(old, new):
        out.append(FieldChange(path, old, new, "changed"))


def _diff_by_id(
    old: dict[str, Any], new: dict[str, Any], path: str, out: list[FieldChange]
) -> None:
    for ident, item in new.items():
        where = f"{path}[{ident}]"
        if ident in old:
            _diff(old[ident], item, where, out)
        else:
            out.append(FieldChange(where, None, item, "added"))
    for ident, item in old.items():
        if ident not in new:
            out.append(FieldChange(f"{path}[{ident}]", item, None, "removed"))


def _positional(old: list[Any], new: list[Any]) -> bool:
    """Lists of mappings without ids, of equal length: compare item by item."""
    return (
        len(old) == len(new) > 0
        and all(isinstance(x, dict) and "id" not in x for x in old)
        and all(isinstance(x, dict) and "id" not in x for x in new)
    )


# --- describing -----------------------------------------------------------------


def _entity_name(data: Any) -> str:
    if isinstance(data, dict):
        key = entity_key(data)
        if key is not None:
            return key[0] if key[0] == "Workspace" else f"{key[0]} {key[1]}"
    return "entity"


def _item_name(path: str) -> str | None:
    """``commitments[hot-callback]`` → ``commitment hot-callback`` (id-matched items)."""
    if not path.endswith("]") or "[" not in path:
        return None
    # Only id-matched items are added or removed whole: positional comparison
    # needs lists of equal length, so `bands[1]` is never added alone.
    head, _, ident = path[:-1].rpartition("[")
    prefix, dot, name = head.rpartition(".")
    return f"{prefix}{dot}{_singular(name)} {ident}"


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def _shorten(text: str, limit: int = MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _around_difference(old: str, new: str) -> tuple[str, str]:
    """Cut the common start of two long texts so the shortened forms show where they differ."""
    if max(len(old), len(new)) <= MAX_SHOWN:
        return old, new
    common = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        common += 1
    if common + MAX_SHOWN // 4 <= MAX_SHOWN:
        return old, new  # the difference shows anyway
    start = common - MAX_SHOWN // 3
    return "…" + old[start:], "…" + new[start:]


# whitespace (as str.isspace: re's \s is the same test) or a character that reads as syntax
_QUOTE_IF = re.compile("[\\s,\\[\\]{}\"'#→…`]")


def _text(value: str) -> str:
    """A string as shown: bare when it reads unambiguously, else JSON-quoted."""
    short = _shorten(value)
    if (
        short
        and short == value
        and not _QUOTE_IF.search(value)
        and isinstance(resolve_plain(value), str)
    ):
        return value
    return json.dumps(short, ensure_ascii=False)


def plain_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return "[" + ", ".join(plain_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {plain_scalar(v)}" for k, v in value.items()) + "}"
    return _text(str(value))


def format_value(value: Any) -> str:
    """A value as `FieldChange.describe` shows it: one line, about `MAX_SHOWN` chars at most.

    Strings are bare when unambiguous (``active``, ``95%``) and quoted otherwise
    (``"Sales calls back within 4 hours."``); lists and mappings use YAML flow style.
    """
    if isinstance(value, list | dict):
        return _shorten(plain_scalar(value), MAX_SHOWN + 2)
    return plain_scalar(value)
