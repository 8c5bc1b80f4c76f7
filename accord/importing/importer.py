"""`accord import`: load leads or events from CSV or JSON Lines into the event store.

The file is streamed (never held in memory) and written in batches of
`BATCH_SIZE` rows, each in its own short write transaction. Each row is checked
on its own; a bad row is rejected with its file line number and a reason while
the good rows still load. Re-importing a file adds nothing twice: an event's
``source_key`` is the file's ``event_id`` when it has one, else the event's own
content (lead, time, type, stage), and the store skips keys it already holds.

The parsing side (`open_rows`, `RowChecker`) is pure; `import_file` adds the
store through a small `Sink` protocol so it can be tested without a database.
See docs/import.md for the formats, the mappings and every rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from accord.domain.workspace import Workspace
from accord.importing._reading import (
    Kind,
    Layout,
    Row,
    RowError,
    RowSource,
    _csv_rows,
    _decoded_lines,
    _json_rows,
    is_jsonl,
    resolve_layout,
    snake_case,
)
from accord.importing._rows import FUTURE_SLACK, Checked, RowChecker, parse_time
from accord.importing.mappings import PLAIN, Mapping

if TYPE_CHECKING:
    from accord.store import Store

__all__ = [
    "BATCH_SIZE",
    "FUTURE_SLACK",
    "MAX_SHOWN",
    "Checked",
    "ImportReport",
    "Kind",
    "Layout",
    "Row",
    "RowChecker",
    "RowError",
    "RowSource",
    "Sink",
    "StoreSink",
    "import_file",
    "is_jsonl",
    "parse_time",
    "resolve_layout",
    "snake_case",
]

BATCH_SIZE = 5000
MAX_SHOWN = 50
"""Rejected rows kept for the report; the rest are only counted."""


# --- importing ------------------------------------------------------------------


class Sink(Protocol):
    """Where checked rows go (the store, or a list in tests)."""

    def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
        """Insert; return (leads inserted, events inserted, lead ids of `events` not in leads)."""
        ...


class StoreSink:
    """Writes checked rows to an event store, one short transaction per batch."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
        from sqlalchemy import select

        from accord.store import add_events, add_leads
        from accord.store import leads as leads_table

        column = leads_table.c.lead_id
        with self.store.write() as conn:
            new_leads = 0
            if leads:
                ids = [r["lead_id"] for r in leads]
                existing = set(conn.execute(select(column).where(column.in_(ids))).scalars())
                add_leads(conn, leads)
                new_leads = sum(1 for i in ids if i not in existing)
            unknown: set[str] = set()
            if events:
                wanted = {r["lead_id"] for r in events}
                known = set(conn.execute(select(column).where(column.in_(wanted))).scalars())
                unknown = wanted - known
            return new_leads, add_events(conn, events), unknown


@dataclass
class ImportReport:
    """What an import did."""

    file: str
    kind: Kind
    rows: int = 0
    """Data rows read (not counting blank lines)."""
    imported: int = 0
    """New leads (leads file) or events (events file) written."""
    already: int = 0
    """Rows skipped because the store (or an earlier line of the file) already held them."""
    stage_events: int = 0
    """New `entered` events made from a leads file's stage-date columns."""
    rejected: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(line, reason) of the first `MAX_SHOWN` rejected rows."""
    future: int = 0
    first_future_line: int | None = None
    unknown_leads: int = 0
    """Events whose lead has no row in the leads table."""

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_SHOWN:
            self.problems.append((line, reason))

    def problem_lines(self) -> list[str]:
        """``FILE:LINE: reason`` for the shown rows, then "… and N more"."""
        lines = [f"{self.file}:{line}: {reason}" for line, reason in self.problems]
        if self.rejected > len(self.problems):
            lines.append(f"… and {self.rejected - len(self.problems)} more")
        return lines

    def summary(self) -> str:
        text = f"imported {self.imported} {self.kind} ({self.already} already present)"
        if self.kind == "leads" and self.stage_events:
            text += f" and {self.stage_events} stage events"
        return text + f", rejected {self.rejected} rows"

    def notes(self) -> list[str]:
        out = []
        if self.future:
            out.append(
                f"warning: {self.future} rows have timestamps in the future (first on line "
                f"{self.first_future_line}); they count only once their time has come"
            )
        if self.unknown_leads:
            out.append(
                f"note: {self.unknown_leads} events are for leads with no row in leads; such "
                "leads fail every KPI `where` filter until their lead row is imported"
            )
        return out


def import_file(
    ws: Workspace,
    path: Path,
    sink: Sink,
    mapping: Mapping = PLAIN,
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    name: str | None = None,
) -> ImportReport:
    """Stream `path` into `sink` in batches; bad rows are reported, good ones loaded.

    Args:
        ws: the workspace (stages, time zone, people).
        path: a CSV file (delimiter , ; or tab) or JSON Lines (.jsonl, .ndjson).
        sink: where rows go; `StoreSink` writes to the event store.
        mapping: column mapping (`accord.importing.mappings`).
        now: the instant for the future-timestamp check (default: now).
        progress: called with the number of bytes read, as the file is read.
        name: the file name used in messages (default: `path` as given).

    Raises:
        ImportRejected: the whole file is unusable (encoding, missing columns, empty).
    """
    file = name or str(path)
    with path.open("rb") as fh:
        lines = _decoded_lines(fh, file, progress)
        source = _json_rows(lines, file) if is_jsonl(path) else _csv_rows(lines, file)
        layout = resolve_layout(source.header, mapping, ws, file, loose=is_jsonl(path))
        checker = RowChecker(ws, layout, mapping, now=now)
        report = ImportReport(file, layout.kind)
        leads: list[Row] = []
        events: list[Row] = []

        def flush() -> None:
            if not leads and not events:
                return
            n_leads, n_events, unknown = sink.write(leads, events)
            if layout.kind == "leads":
                report.imported += n_leads
                report.already += len(leads) - n_leads
                report.stage_events += n_events
            else:
                report.imported += n_events
                report.already += len(events) - n_events
                report.unknown_leads += sum(1 for e in events if e["lead_id"] in unknown)
            leads.clear()
            events.clear()

        for line, row in source.rows:
            report.rows += 1
            if isinstance(row, str):
                report.reject(line, row)
                continue
            try:
                checked = checker.check(line, row)
            except RowError as exc:
                report.reject(line, str(exc))
                continue
            if checked is None:
                report.already += 1
                continue
            if checked.future:
                report.future += 1
                if report.first_future_line is None:
                    report.first_future_line = line
            if checked.lead is not None:
                leads.append(checked.lead)
            events.extend(checked.events)
            if len(leads) + len(events) >= batch_size:
                flush()
        flush()
    return report
