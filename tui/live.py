"""Freshness bookkeeping for the live dashboard, as plain values and functions.

- `Freshness`: the last good snapshot's time, the last refresh, and — while the
  store fails — the error and since when (the STALE marker).
- `error_line`: any exception as one short line without a password.
- `retry_delay`: back-off between attempts while the store fails.
- `agreement_stamp`: a cheap fingerprint of the agreement files (paths, sizes,
  mtimes) to notice edits without reading them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from accord.domain.errors import LoadError, Problem, ValidationFailed, redact_url

MAX_ERROR = 200


@dataclass(frozen=True)
class Freshness:
    """Where the data stands."""

    last_refresh: dt.datetime | None = None
    """When the last successful refresh finished."""
    error: str | None = None
    """Why the store is failing now (None when it works)."""
    failing_since: dt.datetime | None = None
    failures: int = 0

    @property
    def stale(self) -> bool:
        return self.error is not None

    def succeeded(self, now: dt.datetime) -> Freshness:
        return Freshness(last_refresh=now)

    def failed(self, error: str, now: dt.datetime) -> Freshness:
        return replace(
            self,
            error=error,
            failing_since=self.failing_since or now,
            failures=self.failures + 1,
        )


def error_line(exc: BaseException) -> str:
    """One line naming the problem, password-free and at most `MAX_ERROR` characters."""
    if isinstance(exc, ValidationFailed | LoadError):
        return problems_line(exc.problems)
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    name = type(exc).__name__
    line = first if name in ("StoreError", "MetricError") and first else f"{name}: {first}"
    line = redact_url(line.rstrip(": "))
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


def problems_line(problems: list[Problem]) -> str:
    """The first error of a validation, and how many more there are."""
    errors = [p for p in problems if p.severity == "error"] or problems
    if not errors:
        return "the agreements could not be loaded"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return errors[0].format() + more


def retry_delay(failures: int, refresh: float, ceiling: float = 15.0) -> float:
    """Seconds to wait before the next attempt after `failures` failures in a row."""
    if failures <= 0:
        return refresh
    return float(min(refresh * 2 ** min(failures - 1, 10), max(ceiling, refresh)))


def agreement_stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime_ns) of every YAML file under ``root/agreements`` — cheap to compare."""
    out: list[tuple[str, int, int]] = []
    base = root / "agreements"
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.endswith((".yaml", ".yml")):
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                out.append((path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))
