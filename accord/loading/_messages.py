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

from accord.domain.errors import Problem, clip
from accord.domain.model import EMAIL_PATTERN, GIT_HANDLE_PATTERN, ID_PATTERN
from accord.loading._yaml import Document, Path, resolve_plain


def suggest(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or an empty string."""
    if len(word) > 200:  # nothing is that long, and difflib is quadratic
        return ""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{clip(match[0])}'?" if match else ""


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
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
}
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


def describe(value: Any) -> str:
    """How a found value is shown in a message."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, str):
        return f"'{clip(value)}'"
    return clip(repr(value))


def _label(path: Path, kind: str) -> str:
    """``commitments[0].target`` for a path, or the kind for the document itself."""
    if not path:
        return kind
    shown = ""
    for part in path:
        word = clip(part) if isinstance(part, str) else part
        shown += f"[{word}]" if isinstance(part, int) else (f".{word}" if shown else str(word))
    return shown


def _either(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c' without repeats ("a whole number" folds into "a number")."""
    unique = list(dict.fromkeys(words))
    if "a number" in unique and "a whole number" in unique:
        unique.remove("a whole number")
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " or " + unique[-1]


def _type_hint(etype: str, value: Any, raw: str | None) -> str:
    """Advice for a value of the wrong type: quote it, unquote it, YAML 1.2 booleans."""
    if etype == "string_type" and raw is not None and not isinstance(value, str):
        return f"; quote it to keep it as written: '{clip(raw)}'"
    if not isinstance(value, str):
        return ""
    if etype == "list_type":
        return f"; write it as a list: [{clip(value)}]"
    plain = resolve_plain(value)
    if etype == "bool_type":
        if isinstance(plain, bool):
            return f"; write {value.lower()} without quotes"
        if value.lower() in _YAML11_BOOLS:
            return " (YAML 1.2 reads yes/no/on/off as text); write true or false"
    if etype in ("int_type", "float_type") and isinstance(plain, int | float):
        if not isinstance(plain, bool) and (etype == "float_type" or isinstance(plain, int)):
            return f"; write it without quotes: {clip(value.strip())}"
    return ""


def _range_message(etype: str, ctx: dict[str, Any]) -> str:
    if etype == "greater_than_equal":
        return f"is too small; the least allowed is {ctx.get('ge')}"
    if etype == "greater_than":
        return f"is too small; it must be more than {ctx.get('gt')}"
    if etype == "less_than_equal":
        return f"is too large; the most allowed is {ctx.get('le')}"
    return f"is too large; it must be less than {ctx.get('lt')}"


def _suggest_id(value: Any) -> str:
    fixed = "".join(c if c.isalnum() or c == "-" else "-" for c in str(value).strip().lower())
    fixed = "-".join(part for part in fixed.split("-") if part)
    fixed = "".join(c for c in fixed if c.isascii())
    return f"; did you mean '{clip(fixed)}'?" if fixed and fixed != value else ""


def _pattern_message(name: str, value: Any, pattern: str) -> str:
    """Why a text does not match the pattern of an id, a git handle or an e-mail address."""
    if pattern == GIT_HANDLE_PATTERN:
        return (
            f"{name}: {describe(value)} is not a git handle; a handle is a user name of "
            "letters, digits, '-', '_' and '.' (at most 39, starting with a letter or digit), "
            "or org/team, e.g. rvisser"
        )
    if pattern == EMAIL_PATTERN:
        return (
            f"{name}: {describe(value)} is not an e-mail address; write it as "
            "name@example.com (no spaces, quotes or brackets)"
        )
    if pattern != ID_PATTERN:  # pragma: no cover - every pattern of the model is above
        return f"{name}: {describe(value)} does not have the expected form"
    return (
        f"{name}: {describe(value)} is not a valid id; ids use lowercase letters, "
        f"digits and '-', starting with a letter or digit{_suggest_id(value)}"
    )


def problems_from(error: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    """Positioned problems for every error pydantic found in `doc`.

    Errors of union branches (a value that may be text or a mapping, say) are
    folded into one "expected text or a mapping" unless a branch reported a
    more specific problem under the same node; a missing field is not reported
    when an unknown field beside it already says "did you mean" that field.
    """
    kind = doc.kind or "document"
    root = f"{kind} '{clip(doc.id)}'" if doc.id else kind
    seen: dict[Path, list[Problem]] = {}
    union_type_errors: dict[Path, list[str]] = {}
    missing: list[tuple[Path, str, Problem]] = []
    suggested: set[tuple[Path, str]] = set()
    for err in error.errors(include_url=False):
        etype = err["type"]
        loc = tuple(err["loc"])
        path = _clean_path(doc.data, loc)
        value = err.get("input")
        name = _label(path, kind)
        real_parts = [p for p in loc if not str(p).startswith("function-")]
        is_union = len(path) < len(real_parts) and etype != "missing"
        if etype == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            parent = model_at(model, path[:-1])
            allowed = field_names(parent) if parent else []
            owner = _label(path[:-1], root)
            hint = suggest(key, allowed)
            if hint:
                suggested.add((path[:-1], hint.split("'")[1]))
            message = f"unknown field '{clip(key)}' in {owner}{hint}"
            if allowed:
                message += f" (allowed: {', '.join(allowed)})"
            problem = doc.problem(path, message, key=True)
        elif etype == "missing":
            field = str(loc[-1]).rstrip("_") if loc else "?"
            parent_path = path[:-1] if path and path[-1] == field else path
            owner = _label(parent_path, root)
            problem = doc.problem(parent_path, f"missing required field '{field}' in {owner}")
            missing.append((parent_path, field, problem))
            continue
        elif etype in _TYPE_WORDS:
            wanted = _TYPE_WORDS[etype]
            if is_union:
                # the branch for the value's own shape may report the real problem
                union_type_errors.setdefault(path, []).append(wanted)
                continue
            message = f"{name}: expected {wanted}, found {describe(value)}"
            message += _type_hint(etype, value, doc.raw.get(path))
            problem = doc.problem(path, message)
        elif etype == "literal_error":
            expected = str((err.get("ctx") or {}).get("expected", ""))
            choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",")]
            choices = [c for c in choices if c]
            message = f"{name}: {describe(value)} is not allowed; allowed: {', '.join(choices)}"
            if isinstance(value, str):
                message += suggest(value, choices)
            problem = doc.problem(path, message)
        elif etype == "string_pattern_mismatch":
            pattern = str((err.get("ctx") or {}).get("pattern", ID_PATTERN))
            problem = doc.problem(path, _pattern_message(name, value, pattern))
        elif etype in ("value_error", "assertion_error"):
            msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            problem = doc.problem(path, f"{name}: {msg}")
        elif etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            detail = _range_message(etype, dict(err.get("ctx") or {}))
            problem = doc.problem(path, f"{name}: {describe(value)} {detail}")
        else:
            problem = doc.problem(path, f"{name}: {err['msg']}")
        seen.setdefault(path, []).append(problem)
    for parent_path, field, problem in missing:
        if (parent_path, field) not in suggested:
            seen.setdefault(parent_path, []).append(problem)
    for path, words in union_type_errors.items():
        covered = any(p[: len(path)] == path for p in seen)
        if not covered:
            value = _value_at(doc.data, path)
            seen.setdefault(path, []).append(
                doc.problem(
                    path,
                    f"{_label(path, kind)}: expected {_either(words)}, found {describe(value)}",
                )
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
