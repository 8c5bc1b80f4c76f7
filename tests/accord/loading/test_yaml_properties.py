"""Property tests: the loader and the validator never raise a foreign exception.

Arbitrary text and bytes go to `load_bytes` and to `check_workspace`; the only
exceptions allowed are Accord's own (`AccordError` subclasses). Arbitrary YAML
trees, dumped by ruamel.yaml's safe dumper, come back as the same data with a
position for every node.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from accord.domain.errors import AccordError, LoadError
from accord.loading._yaml import MAX_DEPTH, load_bytes
from accord.loading.validate import check_workspace

# ACCORD_FUZZ_EXAMPLES=5000 runs a deeper search by hand; the suite keeps it quick.
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text biased towards YAML's own punctuation so the parser sees plenty of structure.
yaml_alphabet = st.sampled_from(
    list("abcdefkindTeam:-[]{},#&*!|>'\"%@`?~\t\n\r 0123456789.\\") + ["\u202e", "\x85", "é"]
)
yaml_ish = st.text(yaml_alphabet, max_size=200) | st.text(max_size=200)


def _load(data: bytes) -> None:
    try:
        load_bytes(data, "agreements/x.yaml")
    except AccordError as exc:
        assert isinstance(exc, LoadError)
        assert exc.problems, "a LoadError carries at least one problem"
        for problem in exc.problems:
            assert problem.file == "agreements/x.yaml"
            assert problem.line >= 1 and problem.col >= 1


@SETTINGS
@given(yaml_ish)
def test_arbitrary_text_only_raises_load_error(text: str) -> None:
    _load(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_load_error(data: bytes) -> None:
    _load(data)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["agreements/a.yaml", "agreements/b.yml"]), yaml_ish))
def test_check_workspace_on_arbitrary_text_returns_problems(files: dict[str, str]) -> None:
    encoded = {name: text.encode("utf-8", "surrogatepass") for name, text in files.items()}
    try:
        result = check_workspace(Path("/nonexistent"), today=dt.date(2026, 6, 1), files=encoded)
    except AccordError:
        return
    # nothing here has a Workspace with a calendar, so it can never be valid
    assert result.workspace is None
    assert result.errors


# --- documents shaped like agreements ---------------------------------------

KINDS = ["Workspace", "Team", "Role", "Stage", "Term", "Kpi", "Agreement", "Ritual"]
FIELDS = [
    "id",
    "name",
    "title",
    "team",
    "members",
    "holders",
    "order",
    "owner",
    "measure",
    "count",
    "target",
    "min",
    "max",
    "commitments",
    "kpi",
    "per",
    "parties",
    "owners",
    "status",
    "calendar",
    "timezone",
    "responses",
    "statements",
    "bands",
    "stage",
    "from",
]
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 500),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["sales", "marketing", "sql", "95%", "4h", "-2d", "month", "active", "x y"]),
    st.text(max_size=8),
)
shaped = st.recursive(
    leaf,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS), children, max_size=5)
    ),
    max_leaves=25,
)
documents = st.fixed_dictionaries({"kind": st.sampled_from(KINDS)}, optional={"id": leaf}).flatmap(
    lambda base: st.dictionaries(st.sampled_from(FIELDS), shaped, max_size=6).map(
        lambda extra: {**extra, **base}
    )
)


def _dump_all(docs: list[Any]) -> bytes:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump_all(docs, out)
    return out.getvalue().encode()


@SETTINGS
@given(st.lists(documents, min_size=1, max_size=4))
def test_check_workspace_on_agreement_shaped_documents(docs: list[dict[str, Any]]) -> None:
    files = {"agreements/all.yaml": _dump_all(docs)}
    try:
        result = check_workspace(Path("/nonexistent"), today=dt.date(2026, 6, 1), files=files)
    except AccordError:
        return
    for problem in result.problems:
        assert problem.line >= 1 and problem.col >= 1
        assert problem.message


# --- round trip of arbitrary trees -------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20).filter(lambda s: all(c.isprintable() or c in " " for c in s)),
)
keys = st.text(min_size=1, max_size=10).filter(lambda s: s.isprintable())
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=30,
)


def _depth(node: Any) -> int:
    if isinstance(node, dict):
        return 1 + max((_depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((_depth(v) for v in node), default=0)
    return 0


def _paths(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*path, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*path, i)))
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isinf(a) and math.isinf(b) and (a > 0) == (b > 0))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@SETTINGS
@given(st.dictionaries(keys, trees, min_size=1, max_size=5))
def test_trees_round_trip_with_positions(tree: dict[str, Any]) -> None:
    data = _dump_all([tree])
    if _depth(tree) > MAX_DEPTH:
        return
    docs = load_bytes(data, "t.yaml")
    assert len(docs) == 1
    doc = docs[0]
    assert _same(doc.data, tree)
    lines = data.decode().splitlines()
    for path in _paths(tree):
        assert path in doc.values, f"no position for {path}"
        pos = doc.values[path]
        assert 1 <= pos.line <= len(lines) + 1
        assert pos.col >= 1
        if path and isinstance(path[-1], str):
            assert path in doc.keys
