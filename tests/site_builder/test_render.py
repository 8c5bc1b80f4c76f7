"""Tests for site_builder._render: escaping YAML and git text for the wiki."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder._render import _LINE_START, _SPECIAL, escape, text

_REFERENCE_REFS = {ord(ch): f"&#{ord(ch)};" for ch in (*_SPECIAL, *map(chr, range(32)), chr(127))}


def _reference_escape(value: object) -> str:
    """The first implementation (str.translate): the regex version must match it."""
    return re.sub(r"\s+", " ", str(value)).translate(_REFERENCE_REFS)


def _reference_text(value: object) -> str:
    out = _reference_escape(str(value).strip())
    if out[:1] in _LINE_START or re.match(r"\d+[.)]", out):
        out = f"&#{ord(out[0])};" + out[1:]
    return out


special = st.sampled_from(sorted(_SPECIAL) + ["\n", "\t", "\r", " ", "  ", "\x00", "\x7f", "\xa0"])
texty = st.lists(special | st.text(max_size=4), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(texty)
def test_escape_and_text_match_the_reference(value: str) -> None:
    assert escape(value) == _reference_escape(value)
    assert text(value) == _reference_text(value)


def test_markup_becomes_references() -> None:
    assert text("<script>alert(1)</script>") == "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;"
    assert text("[x](javascript:alert(1))").startswith("&#91;x&#93;&#40;javascript:")
    assert text("- item") == "&#45; item"
    assert text("12. twelve") == "&#49;2. twelve"
    assert text("a\n\n b\tc") == "a b c"
