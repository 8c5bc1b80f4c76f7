"""Round-trip YAML writes keep comments, quotes and order."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.loading.roundtrip import dump_all, find_doc, load_all, resolve

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted((ROOT / "agreements").rglob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_an_untouched_file_comes_back_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dump_all(load_all(text), text) == text


def test_without_the_original_ruamel_re_spaces_aligned_values() -> None:
    text = "responses:\n  marketing:        [2, 2]   # 4\n  customer-success: [1, 1]   # 2\n"
    assert dump_all(load_all(text)) != text  # the limitation this module works around
    assert dump_all(load_all(text), text) == text


def test_spacing_inside_a_string_is_not_restored() -> None:
    text = 'a: "x  y"\nb: 1\n'
    docs = load_all(text)
    docs[0]["a"] = "x y"
    assert dump_all(docs, text) == 'a: "x y"\nb: 1\n'


def test_an_edit_changes_only_its_line() -> None:
    path = ROOT / "agreements" / "agreements" / "marketing-sales-sla.yaml"
    text = path.read_text(encoding="utf-8")
    docs = load_all(text)
    doc = find_doc(docs, "Agreement", "marketing-sales-sla")
    found = resolve(doc, ["commitments", {"id": "sql-volume"}, "target", "min"])
    assert found is not None
    container, key = found
    assert container[key] == 120
    container[key] = 130
    changed = dump_all(docs, text)
    before, after = text.splitlines(), changed.splitlines()
    assert len(before) == len(after)
    diff = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert diff == [("    target: {min: 120}", "    target: {min: 130}")]


def test_resolve_returns_none_for_a_missing_path() -> None:
    docs = load_all("kind: Agreement\nid: a\ncommitments: [{id: x, target: {min: 1}}]\n")
    doc = find_doc(docs, "Agreement", "a")
    assert resolve(doc, ["commitments", {"id": "nope"}, "target"]) is None
    assert resolve(doc, ["nothing", "here"]) is None
    assert find_doc(docs, "Agreement", "b") is None
