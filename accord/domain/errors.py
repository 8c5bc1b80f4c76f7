"""Accord's exceptions and the `Problem` record every check reports.

One base class, one subclass per area::

    AccordError
     ├── LoadError          a file could not be read as agreements (YAML, encoding, size)
     ├── ValidationFailed   the agreements have errors (carries every Problem)
     ├── StoreError         the event store could not be reached or read
     ├── ImportRejected     rows of an import file were rejected
     ├── HistoryError       git history could not be read
     └── MetricError        a measure could not be evaluated

Messages never contain a store password: `redact_url` strips it.
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


_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@]*:)[^@/]*@", re.IGNORECASE)


def redact_url(url: str) -> str:
    """Return `url` with any password replaced by `***`."""
    return _PASSWORD.sub(lambda m: f"{m.group('head')}***@", url)
