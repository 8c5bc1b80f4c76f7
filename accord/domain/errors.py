"""Accord's exceptions and the `Problem` record every check reports.

One base class, one subclass per area::

    AccordError
     ├── LoadError          a file could not be read as agreements (YAML, encoding, size)
     ├── ValidationFailed   the agreements have errors (carries every Problem)
     ├── StoreError         the event store could not be reached or read
     ├── ImportRejected     rows of an import file were rejected
     ├── HistoryError       git history could not be read
     └── MetricError        a measure could not be evaluated

Messages never contain a store password: `redact_url` strips it. Messages quote
at most the offending token of a file, on one line: `clip` shortens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, pointing at a place in a file (1-based line and column)."""

    file: str
    line: int
    col: int
    message: str = field(compare=True)
    severity: Severity = field(default="error", compare=False)

    def format(self) -> str:
        """`FILE:LINE:COL: error: MESSAGE`, the form editors and CI understand."""
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "severity": self.severity,
            "message": self.message,
        }


class AccordError(Exception):
    """Base of every error Accord raises on purpose."""


class LoadError(AccordError):
    """A file could not be read as agreements; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class ValidationFailed(AccordError):
    """The workspace has errors; `problems` lists all of them, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__("\n".join(p.format() for p in errors))


class StoreError(AccordError):
    """The event store could not be reached, opened or queried."""


class ImportRejected(AccordError):
    """Rows of an import file were rejected (the good rows were still loaded)."""


class HistoryError(AccordError):
    """Git history could not be read."""


class MetricError(AccordError):
    """A measure could not be evaluated."""


# scheme://user:PASSWORD@host — the password runs to the '@' after which the host has
# no further '@', so an unencoded '@' or '/' in it does not leave its tail behind
_PASSWORD = re.compile(
    r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)\S*?@(?=[^@\s/?#]*(?:[/?#\s]|$))", re.IGNORECASE
)
# key=value after '?', '&' or ';' (a URL's query string), or at the start of a word (a
# libpq keyword string such as "host=db password=x"); the value ends at '&', ';', '#',
# white space or a quote
_PARAMETER = re.compile(
    r"(?P<head>(?:^|(?<=[?&;\s]))(?P<key>[A-Za-z0-9_.%~-]+)=)(?P<value>[^&;#\s'\"]*)"
)
_SECRET_KEY = re.compile(
    r"pass|pwd|secret|token|credential|api[-_]?key|access[-_]?key|private[-_]?key"
    r"|^(?:sig|signature|auth|authorization|key)$",
    re.IGNORECASE,
)


def _is_secret(key: str) -> bool:
    from urllib.parse import unquote

    return bool(_SECRET_KEY.search(unquote(key)))


def redact_url(url: str) -> str:
    """Return `url` (or a line of text holding URLs) with every secret replaced by `***`.

    Masked: the password of ``scheme://user:password@host`` and the value of any
    parameter whose name says it is a secret (``password=``, ``pwd=``,
    ``sslpassword=``, ``token=``, ``api_key=``, ``client_secret=``, ``sig=``, …),
    in a query string (``?password=…&…``) or a ``key=value`` connection string.
    """
    text = _PASSWORD.sub(lambda m: f"{m.group('head')}***@", url)
    return _PARAMETER.sub(
        lambda m: (
            f"{m.group('head')}***"
            if m.group("value") and _is_secret(m.group("key"))
            else m.group(0)
        ),
        text,
    )


MAX_QUOTE = 60
"""The most characters of a file's content a message quotes (`clip`)."""


def clip(text: str, limit: int = MAX_QUOTE) -> str:
    """`text` as a message may quote it: one line, at most `limit` characters.

    Line breaks, tabs and other invisible characters are written as escapes
    (``\\n``), so a value can never start a new line of output; anything past
    `limit` becomes ``…``.
    """
    shown = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
