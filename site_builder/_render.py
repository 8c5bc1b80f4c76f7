"""Safe Markdown text for the wiki.

Every string that comes from a YAML document, an author name or a commit
message goes through `text()` (inline) or `paragraphs()` (block) before it
reaches a page. They turn each character that Markdown, its extensions or
HTML could act on into a numeric character reference, so

* ``<script>`` and ``<img onerror=…>`` show as text (``&#60;script&#62;``),
* ``[x](javascript:…)`` is no link (the brackets and parentheses are references),
* ``{ onclick=… }`` never reaches ``attr_list`` (braces are references),
* ``{{ … }}`` is not a template for mkdocs-macros or Jinja,
* ``|`` cannot end a table cell and a leading ``-``, ``+``, ``1.`` or ``#``
  cannot start a list or heading.

Browsers, MkDocs' title extraction and the search index all decode the
references back to the characters people wrote. Links are only made by
`link()`, which accepts relative links to generated pages and absolute
``http``, ``https`` and ``mailto`` addresses.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

__all__ = ["anchor", "code", "escape", "is_safe_url", "link", "paragraphs", "safe_label", "text"]

# ASCII characters that Markdown, pymdownx extensions, HTML or template engines
# give a meaning. Letters, digits, space and . , ; : ? / % @ - stay readable.
_SPECIAL = frozenset("&<>\"'`*_[](){}#|!\\~=^+$\t")
_WHITESPACE = re.compile(r"\s+")
# ASCII characters that begin a block (list, quote, heading, rule) at the start of a line.
_LINE_START = frozenset("-+.>*=#%,;:?/@")
_SAFE_SCHEMES = ("http", "https", "mailto")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _ref(ch: str) -> str:
    return f"&#{ord(ch)};"


_REFS = {ch: _ref(ch) for ch in (*_SPECIAL, *map(chr, range(32)), chr(127))}
_TO_REF = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_REFS)) + "]")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # whitespace that collapses: a run, or not a space
_NUMBERED = re.compile(r"\d+[.)]")


def _to_ref(match: re.Match[str]) -> str:
    return _REFS[match.group()]


def escape(value: object) -> str:
    """`value` with every special character as a reference, whitespace collapsed.

    Safe anywhere inside a line; use `text()` where the result may start a line.
    """
    out = str(value)
    if _ODD_SPACE.search(out):
        out = _WHITESPACE.sub(" ", out)
    return _TO_REF.sub(_to_ref, out)


def text(value: object) -> str:
    """`value` as inline Markdown that shows exactly its characters.

    Whitespace (newlines included) collapses to single spaces, so the result
    fits in a table cell, a list item or a heading, and a leading ``-``,
    ``+``, ``>`` or ``1.`` cannot start a list, quote or heading.
    """
    out = escape(str(value).strip())
    if out[:1] in _LINE_START or _NUMBERED.match(out):
        out = _ref(out[0]) + out[1:]
    return out


def paragraphs(value: object) -> str:
    """`value` as Markdown paragraphs: blank lines separate paragraphs, the rest is `text()`."""
    blocks = re.split(r"\n\s*\n", str(value).strip())
    return "\n\n".join(text(b) for b in blocks if b.strip())


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 32 or code == 127


def safe_label(value: object) -> str:
    """Plain text for a Mermaid label: quotes and angle brackets as Mermaid entity codes.

    Mermaid (strict security level) escapes labels itself; this keeps a label
    from ending its quotes or opening Markdown strings (backticks).
    """
    raw = _WHITESPACE.sub(" ", str(value)).strip()
    repl = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;", "#": "#35;", ";": "#59;"}
    return "".join(repl.get(ch, ch) for ch in raw if not _is_control(ch))


def code(value: object) -> str:
    """`value` in a code span (ids, field paths), escaped like `text()`."""
    return f"<code>{text(value)}</code>"


def is_safe_url(url: str) -> bool:
    """True for absolute ``http``/``https``/``mailto`` URLs with no whitespace or quotes."""
    if any(ch.isspace() or ch in "\"'<>`\\" or _is_control(ch) for ch in url):
        return False
    parts = urlsplit(url)
    if parts.scheme not in _SAFE_SCHEMES:
        return False
    return bool(parts.netloc) if parts.scheme != "mailto" else bool(parts.path)


def link(label: str, target: str) -> str:
    """A Markdown link with an already-escaped `label`.

    `target` is either a relative link to a generated page (built from ids:
    ``../glossary.md#term-sql``) or an absolute http/https/mailto URL; anything
    else gives the label alone, without a link.
    """
    if _is_relative_page(target):
        return f"[{label}]({target})"
    if is_safe_url(target):
        # percent-encode what would end the Markdown link destination
        safe = quote(target, safe=":/?#[]@!$&'*+,;=%-._~")
        safe = safe.replace("(", "%28").replace(")", "%29")
        return f"[{label}]({safe})"
    return label


_RELATIVE = re.compile(
    r"^(?:\.\./)*(?:[a-z0-9][a-z0-9-]*/)*[a-z0-9][a-z0-9-]*\.md(?:#[a-z0-9-]+)?$"
)


def _is_relative_page(target: str) -> bool:
    return bool(_RELATIVE.match(target)) or bool(re.match(r"^#[a-z0-9-]+$", target))


def anchor(ident: str) -> str:
    """An HTML anchor (``<a id="…"></a>``) for an id made of ``[a-z0-9-]``."""
    if not _ID.match(ident):
        raise ValueError(f"not an anchor id: {ident!r}")
    return f'<a id="{ident}"></a>'
