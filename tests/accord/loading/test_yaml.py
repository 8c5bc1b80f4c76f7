"""The positioned YAML loader: YAML 1.2 scalars, positions, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from accord.domain.errors import LoadError
from accord.loading import _yaml
from accord.loading._yaml import Pos, load_bytes, parse_documents, resolve_plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("NO", "NO"),
        ("yes", "yes"),
        ("on", "on"),
        ("17:30", "17:30"),
        ("2026-01-01", "2026-01-01"),
        ("012345", 12345),
        ("1.10", 1.1),
        ("0x1f", 31),
        ("0o17", 15),
        ("true", True),
        ("False", False),
        ("~", None),
        ("", None),
        ("-.inf", float("-inf")),
        ("1e3", 1000.0),
    ],
)
def test_plain_scalars_resolve_by_the_yaml_12_core_schema(text: str, value: Any) -> None:
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_positions_of_keys_and_values() -> None:
    text = "kind: Team\nid: sales\nmembers:\n  - {id: jan, name: Jan}\n  - id: sanne\n    name: S\n"
    (doc,) = parse_documents(text, "t.yaml")
    assert doc.pos == Pos(1, 1)
    assert doc.values[("id",)] == Pos(2, 5)
    assert doc.keys[("members",)] == Pos(3, 1)
    assert doc.values[("members", 0, "name")] == Pos(4, 21)
    assert doc.values[("members", 1, "id")] == Pos(5, 9)
    assert doc.keys[("members", 1, "name")] == Pos(6, 5)
    # a path that does not exist falls back to its nearest ancestor
    assert doc.at(("members", 1, "email")) == Pos(5, 5)
    assert doc.raw == {}


def test_several_documents_and_empty_ones() -> None:
    docs = parse_documents("---\n---\nkind: Term\n---\nkind: Team\n...\n", "t.yaml")
    assert [d.kind for d in docs] == ["Term", "Team"]
    assert docs[1].pos == Pos(5, 1)


def test_root_position_of_a_later_document_that_is_a_list() -> None:
    with pytest.raises(LoadError) as exc:
        parse_documents("kind: Term\n---\n- x\n", "t.yaml")
    assert exc.value.problems[0].line == 3


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    (doc,) = load_bytes(b"\xef\xbb\xbfkind: Team\r\nid: x\r\n", "t.yaml")
    assert doc.data == {"kind": "Team", "id": "x"}
    assert doc.values[("id",)] == Pos(2, 5)


def test_quoted_values_stay_text_and_unquoted_typed_ones_keep_their_source() -> None:
    (doc,) = parse_documents("a: '012345'\nb: 012345\nc: \"on\"\n", "t.yaml")
    assert doc.data == {"a": "012345", "b": 12345, "c": "on"}
    assert doc.raw == {("b",): "012345"}


class _Counting:
    """Wraps the event parser and counts the events the composer asked for."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0

    def get_event(self) -> Any:
        self.count += 1
        return self.inner.get_event()

    def dispose(self) -> None:
        self.inner.dispose()


def test_alias_bomb_is_refused_at_the_first_anchor_before_any_expansion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By construction: the composer stops at the first anchor event, so it never builds,
    walks or even parses the rest of a bomb, however many levels it has."""
    levels = 40  # 9**40 strings if anything expanded it
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    seen: list[_Counting] = []
    real = _yaml._parser

    def counting(text: str) -> _Counting:
        seen.append(_Counting(real(text)))
        return seen[-1]

    monkeypatch.setattr(_yaml, "_parser", counting)
    with pytest.raises(LoadError) as exc:
        load_bytes("\n".join(lines).encode(), "bomb.yaml")
    (problem,) = exc.value.problems
    assert (problem.line, problem.col) == (1, 5)
    assert problem.message.startswith("anchor '&a0' is not allowed")
    assert seen[0].count <= 5  # stream start, document start, mapping start, key, anchored node


def test_self_referencing_alias_is_refused() -> None:
    with pytest.raises(LoadError, match=r"1:4: error: anchor '&a' is not allowed"):
        load_bytes(b"a: &a [*a]\n", "t.yaml")


def test_bare_alias_is_refused() -> None:
    with pytest.raises(LoadError, match=r"1:4: error: alias '\*x' is not allowed"):
        load_bytes(b"a: *x\n", "t.yaml")


def test_very_deep_nesting_stops_at_the_cap_without_recursion_error() -> None:
    data = b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"
    with pytest.raises(LoadError, match="nesting is deeper than 32 levels"):
        load_bytes(data, "t.yaml")


def test_escaped_control_characters_in_double_quotes_are_refused() -> None:
    with pytest.raises(LoadError, match=r"escaped control character U\+0007 \(BEL\)"):
        load_bytes(b'a: "x\\ay"\n', "t.yaml")
    (doc,) = load_bytes(b'a: "x\\ty\\n"\n', "t.yaml")
    assert doc.data == {"a": "x\ty\n"}


def test_many_bad_characters_are_capped() -> None:
    with pytest.raises(LoadError) as exc:
        load_bytes(b"a: " + b"\x07" * 100 + b"\n", "t.yaml")
    assert len(exc.value.problems) == _yaml.MAX_CHAR_PROBLEMS
