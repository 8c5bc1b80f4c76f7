"""Turn pydantic's validation errors into messages a team lead can act on.

pydantic reports a `loc` path (which may include union branch names), an
error type and the input. We map the path to the node's line and column in
the YAML file and write the message ourselves: what is wrong, what is allowed,
and a "did you mean" for misspelt names.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from accord._errors import Problem
from accord._yaml import Document, Path


def suggest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, dict):
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path` (ints skip list items)."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = _field(current, part)
        if field is None:
            return None
        models = _models_in(field.annotation)
        current = models[0] if models else None
    return current


def _field(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return info
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _clean_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """Keep the parts of pydantic's `loc` that are real keys or indexes in `data`."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part.endswith("_"):
            # python names of aliased fields (from_ -> from)
            if part[:-1] in node:
                path.append(part[:-1])
                node = node[part[:-1]]
    return tuple(path)


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def _label(path: Path, kind: str) -> str:
    if not path:
        return kind
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else (f".{part}" if shown else part)
    return shown


def problems_from(error: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    """Positioned problems for every error pydantic found in `doc`."""
    kind = doc.kind or "document"
    seen: dict[Path, list[Problem]] = {}
    union_type_errors: dict[Path, list[str]] = {}
    for err in error.errors(include_url=False):
        etype = err["type"]
        loc = tuple(err["loc"])
        path = _clean_path(doc.data, loc)
        value = err.get("input")
        name = _label(path, kind)
        is_union = len(path) < len([p for p in loc if not str(p).startswith("function-")])
        if etype == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            parent = model_at(model, path[:-1])
            allowed = field_names(parent) if parent else []
            owner = _label(path[:-1], kind)
            message = f"unknown field '{key}' in {owner}{suggest(key, allowed)}"
            if allowed:
                message += f" (allowed: {', '.join(allowed)})"
            problem = doc.problem(path, message, key=True)
        elif etype == "missing":
            missing = str(loc[-1]).rstrip("_") if loc else "?"
            parent_path = path if (path and path[-1] != missing) or not path else path[:-1]
            owner = _label(parent_path, kind)
            problem = doc.problem(parent_path, f"missing required field '{missing}' in {owner}")
        elif etype in _TYPE_WORDS:
            wanted = _TYPE_WORDS[etype]
            if is_union and not (isinstance(value, dict) or isinstance(value, str)):
                union_type_errors.setdefault(path, []).append(wanted)
                continue
            if is_union:
                # the union branch for the other shape reports the real problem
                union_type_errors.setdefault(path, []).append(wanted)
                continue
            message = f"{name}: expected {wanted}, found {_describe(value)}"
            raw = doc.raw.get(path)
            if etype == "string_type" and raw is not None and not isinstance(value, str):
                message += f"; quote it to keep it as written: '{raw}'"
            problem = doc.problem(path, message)
        elif etype == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")]
            choices = [c for c in choices if c]
            message = f"{name}: {_describe(value)} is not allowed; allowed: {', '.join(choices)}"
            if isinstance(value, str):
                message += suggest(value, choices)
            problem = doc.problem(path, message)
        elif etype == "string_pattern_mismatch":
            fixed = "".join(
                c if c.isalnum() or c == "-" else "-" for c in str(value).strip().lower()
            ).strip("-")
            message = (
                f"{name}: bad id {_describe(value)}; ids use lowercase letters, digits and '-'"
                + (f" (e.g. '{fixed}')" if fixed else "")
            )
            problem = doc.problem(path, message)
        elif etype in ("value_error", "assertion_error"):
            msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            problem = doc.problem(path, f"{name}: {msg}")
        elif etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            problem = doc.problem(path, f"{name}: {_describe(value)} is out of range: {err['msg'].lower()}")
        else:
            problem = doc.problem(path, f"{name}: {err['msg']}")
        seen.setdefault(path, []).append(problem)
    for path, wanted in union_type_errors.items():
        covered = any(p[: len(path)] == path for p in seen)
        if not covered:
            value = _value_at(doc.data, path)
            choices = " or ".join(dict.fromkeys(wanted))
            seen.setdefault(path, []).append(
                doc.problem(path, f"{_label(path, kind)}: expected {choices}, found {_describe(value)}")
            )
    out: list[Problem] = []
    for problems in seen.values():
        out.extend(dict.fromkeys(problems))
    return out


def _value_at(data: Any, path: Path) -> Any:
    node = data
    for part in path:
        node = node[part]
    return node
