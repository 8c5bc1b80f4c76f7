"""Ids and field names as people say them: ``sql-volume`` → "SQL volume".

A commitment has an id but no title, and a hand-off field is a code name
(``company_size``). `human_title` makes a heading of either: the words of the
id, glossary terms as the glossary writes them (``sql`` → "SQL" when a term has
that id), known acronyms upper-cased, the first letter capital. `id_words` is the
same without the capital, for the middle of a sentence (`accord diff`'s
"commitment SQL volume added"). The wiki, the report, `accord diff` and the
dashboard all call these, so a commitment is called the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable

ACRONYMS = frozenset(
    {
        "abm", "ae", "api", "arr", "b2b", "b2c", "bdr", "cac", "ceo", "cfo", "cmo", "coo",
        "cro", "crm", "cs", "csm", "cta", "faq", "icp", "id", "kpi", "ltv", "mql", "mrr",
        "nps", "okr", "pql", "qbr", "roi", "sal", "sdr", "seo", "sla", "sql", "url", "utm",
    }
)  # fmt: skip
"""Words written in capitals wherever an id or field name contains them."""

Lookup = Callable[[str], str | None]
"""A glossary: an id (one or more words joined by ``-``) → its term as written, or None."""

_SPLIT = re.compile(r"[-_\s]+")


def id_words(ident: str, term: Lookup | None = None) -> str:
    """An id or field name in words: ``hot-lead-callback`` → "hot lead callback",
    ``sql-volume`` → "SQL volume", ``company_size`` → "company size".

    Args:
        ident: the id (``-`` between words) or field name (``_`` between words).
        term: the glossary; the longest run of words that is a term's id reads as
            the term (``mql-to-sql`` → "MQL to SQL" when ``mql`` and ``sql`` are terms).
    """
    parts = [p for p in _SPLIT.split(ident.strip()) if p]
    out: list[str] = []
    i = 0
    while i < len(parts):
        if term is not None:
            for j in range(len(parts), i, -1):
                found = term("-".join(parts[i:j]).lower())
                if found is not None and found.strip():
                    out.append(_inner(found.strip()) if out else found.strip())
                    i = j
                    break
            else:
                out.append(_word(parts[i]))
                i += 1
        else:
            out.append(_word(parts[i]))
            i += 1
    return " ".join(out) or ident


def human_title(ident: str, term: Lookup | None = None) -> str:
    """`id_words` as a heading, its first letter a capital: "Hot lead callback",
    "SQL volume", "Company size"."""
    words = id_words(ident, term)
    return words[:1].upper() + words[1:]


def _inner(term: str) -> str:
    """A glossary term inside a title: "Hot lead" → "hot lead", "Go-live" → "go-live"; an
    acronym ("SQL") or a name of capitalised words ("Customer Success") stays as written."""
    if (
        len(term) > 1
        and term[0].isupper()
        and term[1].islower()
        and not any(w[:1].isupper() for w in term.split()[1:])
    ):
        return term[0].lower() + term[1:]
    return term


def _word(part: str) -> str:
    lower = part.lower()
    if lower in ACRONYMS:
        return lower.upper()
    if lower.endswith("s") and lower[:-1] in ACRONYMS:  # "sqls" → "SQLs"
        return lower[:-1].upper() + "s"
    return part
