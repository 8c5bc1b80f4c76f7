"""The last line of defence: the generated pages' HTML through nh3.

The pages are escaped when they are written (`site_builder._render`); this
pass removes anything that still looks like active content after Markdown
and its extensions ran: script and style elements, event-handler and style
attributes, and links other than http, https, mailto and relative ones.
"""

from __future__ import annotations

import re

import nh3

__all__ = ["sanitize_html"]

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "del", "details", "div", "dd",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href", "name"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}


_PICTURE = re.compile(r"(?:\.\./)*assets/[a-z]+\.svg")
"""The only images a generated page shows: its own pictures (`site_builder._svg`)."""


def _only_own_pictures(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _PICTURE.fullmatch(value):
        return None
    return value


def sanitize_html(html: str) -> str:
    """`html` with only the tags, attributes and URL schemes a generated page uses; an
    image only when it is one of the wiki's own pictures."""
    cleaned: str = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_only_own_pictures,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    return cleaned
