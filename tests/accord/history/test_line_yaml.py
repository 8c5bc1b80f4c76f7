"""Tests for accord.history._line_yaml: reading a file version from its changed lines.

The line reader may decline anything (the caller then parses the whole text),
but whatever it accepts must read exactly as the event parser reads it. The
properties mutate real agreement files and hand-written edge cases with
values chosen to break YAML, and compare with `quick_documents`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.history._line_yaml import Version, next_version, parse_version
from accord.history.diff import diff_entity, diff_entity_at
from accord.loading._quick import quick_documents

EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

DEMO = sorted((Path(__file__).parents[3] / "agreements").rglob("*.yaml"))

EDGES = """\
# a comment before the first document
kind: Agreement
id: edge
title: 'It''s agreed'   # a trailing comment
url: https://example.com/a#b
owners: [head-of-sales, 'cro']
empty:
nothing: ~
target: {min: "80%", max: 90}
notes: >-
  Folded text
  # not a comment: part of the text

  over lines
commitments:
- id: a
  text: Deliver 30 SQLs
  tags:
  - one
  - 2
  nested:
    deep:
      deeper: true
-   id: b
    text: "Quoted: with colon"
bands:
  - {min: 0, max: 10}
  - max: 20
    label: high
---
---
kind: Team
id: sales
members:
  - id: jan
    name: Jan
"""

# Values that read differently, or break the file, when written after "key: ".
VALUES = [
    "word", "two words", "30", "-5", "0x1F", "0o17", "1e3", "1.5", ".inf", ".NaN", "~",
    "null", "NULL", "true", "False", "yes", "2026-01-01", "12:30", "é ü", "x#y", "x #c",
    "a: b", "a:", "http://x", "'it''s'", "'unterminated", '"quoted"', '"esc\\u202e"',
    '"a \\" b"', '"it\'s"', "''", '""', "[a, b]", "[]", "{}", "{min: 3}", "{a: 1, a: 2}",
    "{a: 1,}", "[a,,b]", "[a, [b, [c, [d]]]]", "[{id: x, n: 1}]", "{a: [1, 2]}",
    "[a: b]", "{a}", "{a: }", "|", ">-", "|2", "&x y", "*x", "!t v", "%x", "@x", "`x",
    "- x", "? x", "-", "#", " leading", "trailing ", "a\tb", "[a] #c", "[a]#c", "{a: b} x",
    "x\\y", ":x", ",x", "a, b", "[ a , b ]", "{ min : 3 }", "{min:3}",
]  # fmt: skip


def _same(a: Any, b: Any) -> bool:
    """Identical data (types and key order too), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is float and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _version(text: str) -> Version:
    docs = quick_documents(text)
    assert docs is not None
    version = parse_version(text, docs)
    assert version is not None, "the plain style is read line by line"
    return version


BASES = [EDGES] + [path.read_text(encoding="utf-8") for path in DEMO]


@pytest.mark.parametrize("text", BASES, ids=["edges"] + [p.name for p in DEMO])
def test_demo_files_and_edge_cases_are_read_line_by_line(text: str) -> None:
    version = _version(text)
    assert _same(version.docs, quick_documents(text))
    assert len(version.slots) == len(text.split("\n"))


def _mutate(text: str, line: int, how: int, value: str) -> str:
    lines = text.split("\n")
    i = line % len(lines)
    old = lines[i]
    if how == 0 and ": " in old:  # a new value after the key
        lines[i] = old[: old.index(": ") + 2] + value
    elif how == 1 and old.lstrip().startswith("- "):  # a new list item value
        lines[i] = old[: old.index("- ") + 2] + value
    elif how == 2:  # a comment, a blank line, or arbitrary text in place of the line
        lines[i] = ["# changed", "", "   # indented comment", value][len(value) % 4]
    else:  # the line's indentation changes
        lines[i] = (" " if len(value) % 2 else "") + old.lstrip(" ")
    return "\n".join(lines)


@SETTINGS
@given(
    base=st.sampled_from(BASES),
    edits=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 3), st.sampled_from(VALUES)),
        min_size=1,
        max_size=4,
    ),
)
def test_next_version_reads_exactly_what_the_parser_reads(
    base: str, edits: list[tuple[int, int, str]]
) -> None:
    previous = _version(base)
    text = base
    for line, how, value in edits:
        text = _mutate(text, line, how, value)
    expected = quick_documents(text)
    got = next_version(previous, text)
    if got is None:
        return  # declined: the caller parses the whole text
    assert expected is not None, "the line reader accepted a text the parser refuses"
    assert _same(got.docs, expected)
    assert got.changed is not None
    # the changed paths are the only places where the documents differ
    for index, (old, new) in enumerate(zip(previous.docs, got.docs, strict=True)):
        paths = [path[1:] for path in got.changed if path[0] == index]
        assert diff_entity_at(old, new, paths) == diff_entity(old, new)  # type: ignore[arg-type]


@SETTINGS
@given(st.sampled_from(BASES), st.sampled_from(BASES))
def test_a_first_version_read_from_another_file_is_exact(base: str, other: str) -> None:
    got = next_version(_version(base), other)
    if got is not None:
        assert _same(got.docs, quick_documents(other))


def test_a_value_change_shares_everything_else() -> None:
    before = _version(EDGES)
    after = next_version(before, EDGES.replace("Deliver 30 SQLs", "Deliver 40 SQLs"))
    assert after is not None
    assert after.changed == [(0, "commitments", 0, "text")]
    old, new = before.docs[0], after.docs[0]
    assert new["commitments"][0]["text"] == "Deliver 40 SQLs"
    assert new["commitments"][1] is old["commitments"][1]
    assert new["notes"] is old["notes"] and new["target"] is old["target"]
    assert before.docs[1] is after.docs[1]
    assert old["commitments"][0]["text"] == "Deliver 30 SQLs", "the old version is untouched"


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (("  over lines", "  over two lines"), "inside a block scalar"),
        (("kind: Team\n", "kind: Team\nextra: 1\n"), "a line added"),
        (("- id: a", "- id: a\n"), "a line added"),
        (("empty:", "empty: 3"), "a key that opened a block gets a value"),
        (("title: 'It''s agreed'", "title: >"), "a block scalar starts"),
        (("url: https", "url:  https"), "the spacing before the value changes"),
        (("  text: Deliver", "  test: Deliver"), "a key is renamed"),
        (("owners: [head-of-sales, 'cro']", "owners: [a, [b, [c, [d]]]]"), "deep flow nesting"),
    ],
)
def test_declines_what_is_not_a_value_change(edit: tuple[str, str], why: str) -> None:
    text = EDGES.replace(*edit, 1)
    assert text != EDGES
    assert next_version(_version(EDGES), text) is None, why


@pytest.mark.parametrize(
    "text",
    [
        "kind: Team\n\tid: x\n",  # a tab
        "kind: Team\r\nid: x\r\n",  # CRLF line ends
        "kind: Team\nid: &a x\nname: *a\n",  # anchors
        "kind: Team\nid: x\n  more: 1\n",  # a deeper line after a value
        "- kind: Team\n",  # not a mapping
        "  kind: Team\n",  # not at column 0
        "kind: Team\ntext: two\n  lines\n",  # a multi-line plain scalar
        "kind: Team\n? complex\n: key\n",
        "%YAML 1.2\n---\nkind: Team\n",
        "kind: Team\n...\n",
    ],
)
def test_parse_version_declines_what_it_does_not_read(text: str) -> None:
    docs = quick_documents(text)
    assert docs is None or parse_version(text, docs) is None


def test_parse_version_refuses_a_reading_that_differs() -> None:
    text = "kind: Team\nid: x\n"
    assert parse_version(text, [{"kind": "Team", "id": "y"}]) is None
    assert parse_version(text, [{"id": "x", "kind": "Team"}]) is None, "key order counts"
    assert parse_version("n: 1\n", [{"n": True}]) is None, "1 is not true"
