"""The last line of defence: the generated pages' HTML through nh3.

The pages are escaped when they are written (`site_builder._render`); this
pass removes anything that still looks like active content after Markdown
and its extensions ran: script and style elements, event-handler and style
attributes, and links other than http, https, mailto and relative ones.
"""

from __future__ import annotations

import nh3

__all__ = ["sanitize_html"]

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "del", "details", "div", "dd",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href", "name"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}


def sanitize_html(html: str) -> str:
    """`html` with only the tags, attributes and URL schemes a generated page uses."""
    cleaned: str = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    return cleaned
