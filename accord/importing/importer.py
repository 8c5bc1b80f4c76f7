"""`accord import`: load leads or events from CSV or JSON Lines into the event store.

The file is streamed (never held in memory) and written in batches of
`BATCH_SIZE` rows, each in its own short write transaction. Each row is checked
on its own — against the workspace and against the store's column types — and a
bad row is rejected with its file line number and a reason while the good rows
still load. Should the database still refuse a batch for its values
(`RowsRefused`), the batch is split in halves until the refused rows are found
and rejected one by one; the rest of the batch loads. Re-importing a file adds
nothing twice: an event's ``source_key`` is the file's ``event_id`` when it has
one, else the event's own content (lead, time, type, stage), and the store skips
keys it already holds.

The parsing side (`open_rows`, `RowChecker`) is pure; `import_file` adds the
store through a small `Sink` protocol so it can be tested without a database.
See docs/import.md for the formats, the mappings and every rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from accord.domain.errors import ImportRejected, StoreError
from accord.domain.workspace import Workspace
from accord.importing._reading import (
    MAX_RECORD_LINES,
    Kind,
    Layout,
    Row,
    RowError,
    RowSource,
    _csv_rows,
    _json_rows,
    decoded_lines,
    is_jsonl,
    open_text,
    resolve_layout,
    snake_case,
)
from accord.importing._rows import FUTURE_SLACK, Checked, RowChecker, parse_time
from accord.importing.mappings import PLAIN, Mapping
from accord.store import collector_paused

if TYPE_CHECKING:
    from accord.store import Store

__all__ = [
    "BATCH_SIZE",
    "FUTURE_SLACK",
    "MAX_RECORD_LINES",
    "MAX_SHOWN",
    "Checked",
    "ImportReport",
    "Kind",
    "Layout",
    "Row",
    "RowChecker",
    "RowError",
    "RowSource",
    "RowsRefused",
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


class RowsRefused(Exception):
    """A `Sink` refused a batch because of its values (the database said a value does not fit
    its column); nothing of the batch was written. The message is the database's reason."""


class Sink(Protocol):
    """Where checked rows go (the store, or a list in tests)."""

    def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
        """Insert all or nothing; return (leads inserted, events inserted, lead ids of `events`
        not in leads).

        Raises:
            RowsRefused: the values of some row do not fit (nothing was written).
        """
        ...


def _refusal(error: BaseException) -> str:
    """The one-line reason a database gave for refusing a value."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"the database refused the row: {text or type(original).__name__}"


class StoreSink:
    """Writes checked rows to an event store, one short transaction per batch."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
        from sqlalchemy import exc

        from accord.store import add_events, add_leads, known_leads

        with self.store.write() as conn:
            try:
                new_leads = 0
                if leads:
                    ids = [r["lead_id"] for r in leads]
                    existing = known_leads(conn, ids)
                    add_leads(conn, leads)
                    new_leads = sum(1 for i in ids if i not in existing)
                unknown: set[str] = set()
                if events:
                    wanted = {r["lead_id"] for r in events}
                    unknown = wanted - known_leads(conn, wanted)
                return new_leads, add_events(conn, events), unknown
            except exc.DBAPIError as error:
                # The values' fault: the batch is split to find the row. Anything else (the
                # connection, a lock) is the store's and stops the import.
                if not isinstance(error, exc.DataError | exc.IntegrityError):
                    raise
                raise RowsRefused(_refusal(error)) from error
            except (exc.StatementError, ValueError, TypeError, ArithmeticError) as error:
                # A value the driver or a column type could not convert (raised before the
                # database saw it); the transaction rolls back as the exception leaves it.
                raise RowsRefused(_refusal(error)) from error


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
    """(line, reason) of the first `MAX_SHOWN` rejected rows, by line."""
    future: int = 0
    first_future_line: int | None = None
    unknown_leads: int = 0
    """Events whose lead has no row in the leads table."""
    stored: int = 0
    """Rows of the file in batches the store committed (new or already present)."""

    def reject(self, line: int, reason: str) -> None:
        """Count a rejected row; keep it among `problems` when it is one of the first lines.

        Rows the database refuses are found after later rows were checked, so a line may
        come in out of order: `problems` stays sorted and keeps the lowest lines.
        """
        self.rejected += 1
        if len(self.problems) >= MAX_SHOWN and line > self.problems[-1][0]:
            return
        bisect.insort(self.problems, (line, reason), key=lambda p: p[0])
        del self.problems[MAX_SHOWN:]

    def problem_lines(self) -> list[str]:
        """``FILE:LINE: reason`` for the shown rows, then "… and N more"."""
        lines = [f"{self.file}:{line}: {reason}" for line, reason in self.problems]
        if self.rejected > len(self.problems):
            lines.append(f"… and {self.rejected - len(self.problems)} more")
        return lines

    def stopped_at(self, line: int) -> str:
        """What an import that the store stopped at `line` leaves behind, for its error."""
        new = f"{self.imported} new {self.kind}"
        if self.kind == "leads" and self.stage_events:
            new += f" and {self.stage_events} stage events"
        return (
            f"the import of {self.file} stopped at line {line}: {self.stored} rows before it "
            f"are stored ({new}), that line and the rest are not; import the file again once "
            "the store is fixed (rows already stored are skipped)"
        )

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
        progress: called with the number of bytes read, as the file is read (every
            `PROGRESS_STEP` bytes, and at the end).
        name: the file name used in messages (default: `path` as given).

    Raises:
        ImportRejected: the whole file is unusable (encoding, missing columns, empty).
        StoreError: the store failed (full, unreachable, locked); the message says at which
            line the import stopped and how many rows before it are stored.
    """
    file = name or str(path)
    with collector_paused(), open_text(path) as fh:
        lines = decoded_lines(fh, file, progress)
        source = _json_rows(lines, file) if is_jsonl(path) else _csv_rows(lines, file)
        layout = resolve_layout(source.header, mapping, ws, file, loose=is_jsonl(path))
        checker = RowChecker(ws, layout, mapping, now=now, window=batch_size)
        report = ImportReport(file, layout.kind)
        batch: list[Checked] = []
        size = 0
        writing = 0
        """The first line of the rows being written."""

        def write(items: list[Checked]) -> None:
            nonlocal writing
            leads = [c.lead for c in items if c.lead is not None]
            events = [e for c in items for e in c.events]
            writing = items[0].line
            try:
                n_leads, n_events, unknown = sink.write(leads, events)
            except RowsRefused as refused:
                if len(items) == 1:
                    checker.forget(items[0])
                    report.reject(items[0].line, str(refused))
                    return
                half = len(items) // 2
                write(items[:half])
                write(items[half:])
                return
            if layout.kind == "leads":
                report.imported += n_leads
                report.already += len(leads) - n_leads
                report.stage_events += n_events
            else:
                report.imported += n_events
                report.already += len(events) - n_events
                if unknown:
                    report.unknown_leads += sum(1 for e in events if e["lead_id"] in unknown)
            report.stored += len(items)
            for item in items:
                if item.future:
                    report.future += 1
                    if report.first_future_line is None or item.line < report.first_future_line:
                        report.first_future_line = item.line

        def flush() -> None:
            nonlocal size
            try:
                if batch:
                    write(batch)
            except StoreError as error:  # the store failed (full, gone, locked): stop here
                raise StoreError(f"{error}; {report.stopped_at(writing)}") from None
            batch.clear()
            size = 0

        try:
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
                batch.append(checked)
                size += len(checked.events) + (checked.lead is not None)
                if size >= batch_size:
                    flush()
        except ImportRejected:
            flush()  # the good rows before the line that stops the import are kept
            raise
        flush()
    return report
