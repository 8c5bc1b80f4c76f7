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

import csv
import datetime as dt
import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol
from zoneinfo import ZoneInfo

from accord._errors import ImportRejected
from accord.store.mappings import EVENT_FIELDS, LEAD_FIELDS, PLAIN, Mapping
from accord.workspace import Workspace

if TYPE_CHECKING:
    from accord.store import Store

BATCH_SIZE = 5000
MAX_SHOWN = 50
"""Rejected rows kept for the report; the rest are only counted."""
FUTURE_SLACK = dt.timedelta(minutes=5)
"""A timestamp later than now plus this is flagged as in the future (clock skew)."""

Kind = Literal["leads", "events"]
Row = dict[str, Any]
_BOM = b"\xef\xbb\xbf"
_TYPE = re.compile(r"^[a-z][a-z0-9_-]*$")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


class RowError(ValueError):
    """One row is bad; the message is the reason shown after ``FILE:LINE:``."""


# --- reading ----------------------------------------------------------------


def _decoded_lines(
    fh: IO[bytes], file: str, progress: Callable[[int], None] | None
) -> Iterator[str]:
    """The file's lines decoded strictly as UTF-8 (a leading BOM dropped)."""
    for number, raw in enumerate(fh, 1):
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                f"{file}:{number}: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} is not "
                "valid UTF-8; save the file as UTF-8 and import it again (rows already loaded "
                "are skipped)"
            ) from None
        if progress is not None:
            progress(len(raw))
        yield text


def _delimiter(header_line: str) -> str:
    """The delimiter (, ; or tab) that splits the header into the most columns."""
    best, most = ",", 0
    for candidate in (",", ";", "\t"):
        fields = next(csv.reader([header_line], delimiter=candidate), [])
        if len(fields) > most:
            best, most = candidate, len(fields)
    return best


def is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in (".jsonl", ".ndjson")


@dataclass
class RowSource:
    """The header of a file and an iterator over its data rows as (line, row)."""

    header: list[str]
    rows: Iterator[tuple[int, Row | str]]
    """(line, row) or (line, reason) for a row that cannot be read at all."""


def _csv_rows(lines: Iterator[str], file: str) -> RowSource:
    first = next(lines, None)
    offset = 1  # physical lines consumed before the reader starts (up to the header)
    while first is not None and not first.strip():
        first = next(lines, None)
        offset += 1
    if first is None:
        raise ImportRejected(f"{file}:1: the file is empty; expected a header line")
    delimiter = _delimiter(first)
    header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
    seen: set[str] = set()
    for name in header:
        if not name:
            raise ImportRejected(f"{file}:1: the header has an empty column name")
        if name.casefold() in seen:
            raise ImportRejected(f"{file}:1: column '{name}' appears twice in the header")
        seen.add(name.casefold())

    def rows() -> Iterator[tuple[int, Row | str]]:
        reader = csv.reader(lines, delimiter=delimiter)
        previous = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield offset + previous + 1, f"cannot read the row: {exc}"
                previous = reader.line_num
                continue
            line = offset + previous + 1
            previous = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield line, f"row has {len(values)} fields, the header has {len(header)}"
                continue
            yield line, dict(zip(header, values, strict=True))

    return RowSource(header, rows())


def _json_rows(lines: Iterator[str], file: str) -> RowSource:
    pending: list[tuple[int, Row | str]] = []
    header: list[str] | None = None
    number = 0
    for text in lines:
        number += 1
        if not text.strip():
            continue
        item = _json_row(text)
        pending.append((number, item))
        if isinstance(item, dict):
            header = list(item)
            break
    if header is None:
        raise ImportRejected(
            f"{file}:{max(number, 1)}: no JSON object found; expected one per line"
        )
    start = number

    def rows() -> Iterator[tuple[int, Row | str]]:
        yield from pending
        for line, text in enumerate(lines, start + 1):
            if text.strip():
                yield line, _json_row(text)

    return RowSource(header, rows())


def _json_row(text: str) -> Row | str:
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(item, dict):
        return "expected a JSON object with column names as keys"
    return {str(k): v for k, v in item.items()}


# --- layout -----------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Which of the file's columns hold which of our fields."""

    kind: Kind
    fields: dict[str, str]
    """Our field → the file's column name."""
    stage_dates: dict[str, str]
    """Stage id → the file's date column (leads files)."""
    rest: tuple[str, ...]
    """The file's other columns: attributes (leads) or extra data (events)."""
    snake: bool
    """Whether other columns are renamed to snake_case (files read through a mapping)."""


def snake_case(name: str) -> str:
    """``"Lead Status"`` → ``"lead_status"``."""
    return re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_") or name


def resolve_layout(
    header: list[str], mapping: Mapping, ws: Workspace, file: str, *, loose: bool = False
) -> Layout:
    """Recognise the file as leads or events by its header and locate our columns.

    Raises:
        ImportRejected: a required column is missing (the message names the expected header).
    """
    folded = {h.casefold(): h for h in header}
    used: set[str] = set()
    fields: dict[str, str] = {}
    for ours in dict.fromkeys((*LEAD_FIELDS, *EVENT_FIELDS)):
        for theirs in (*mapping.columns.get(ours, ()), ours):
            column = folded.get(theirs.casefold())
            if column is not None and column not in used:
                fields[ours] = column
                used.add(column)
                break
    stage_dates: dict[str, str] = {}
    for stage, candidates in mapping.stage_dates.items():
        if stage not in ws.stages:
            continue
        for theirs in candidates:
            column = folded.get(theirs.casefold())
            if column is not None and column not in used:
                stage_dates[stage] = column
                used.add(column)
                break
    found = ", ".join(header)
    via = "" if mapping is PLAIN else f" (mapping '{mapping.name}')"
    if "at" in fields or "type" in fields:
        missing = [
            f for f in ("lead_id", "at", "type") if f not in fields and f not in mapping.defaults
        ]
        if missing:
            raise ImportRejected(
                f"{file}:1: an events file needs the columns lead_id, at, type "
                f"(optional: stage, actor, event_id, and any extra such as reason); "
                f"missing: {', '.join(missing)}{via}; found: {found}"
            )
        kind: Kind = "events"
    elif "lead_id" in fields:
        kind = "leads"
    else:
        hint = "" if mapping is not PLAIN else "; for CRM exports use --mapping hubspot|salesforce"
        raise ImportRejected(
            f"{file}:1: the header is neither a leads file (lead_id, created_at, source, segment, "
            f"hot, value, owner, …) nor an events file (lead_id, at, type, stage, actor, …)"
            f"{via}; found: {found}{hint}"
        )
    allowed = (*LEAD_FIELDS, "stage") if kind == "leads" else EVENT_FIELDS
    fields = {k: v for k, v in fields.items() if k in allowed}
    if loose:  # JSON Lines: a key of ours may first appear in a later row
        taken = set(fields.values())
        for ours in allowed:
            if ours not in fields and ours not in taken and ours.casefold() not in folded:
                fields[ours] = ours
    stage_dates_used = stage_dates if kind == "leads" else {}
    used = set(fields.values()) | set(stage_dates_used.values())
    rest = tuple(h for h in header if h not in used)
    return Layout(kind, fields, stage_dates_used, rest, snake=mapping is not PLAIN)


# --- checking rows ------------------------------------------------------------


def parse_time(text: str, tz: ZoneInfo, formats: tuple[str, ...] = ()) -> dt.datetime:
    """An aware datetime from ISO-8601 (or one of `formats`); no offset → local time in `tz`.

    Raises:
        RowError: unparseable, or a local time that does not exist (daylight-saving gap).
    """
    text = text.strip()
    moment: dt.datetime | None = None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        for fmt in formats:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        shown = "ISO-8601 such as 2026-03-02T14:05:00+01:00"
        if formats:
            shown += " or " + " / ".join(formats)
        raise RowError(f"cannot read time '{text}'; write {shown}")
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment
    local = moment.replace(tzinfo=tz)
    if local.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != moment:
        raise RowError(
            f"local time '{text}' does not exist in {tz.key} (the clocks jump forward); "
            "give the time with an offset"
        )
    return local


def _text(value: Any) -> str | None:
    """A cell as stripped text; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value).strip()
    return text or None


@dataclass
class Checked:
    """A good row: a lead (with events from its stage dates) or an event."""

    line: int
    lead: Row | None = None
    events: list[Row] = field(default_factory=list)
    future: bool = False


class RowChecker:
    """Checks rows of one file against the workspace and turns them into store rows."""

    def __init__(
        self,
        ws: Workspace,
        layout: Layout,
        mapping: Mapping,
        *,
        now: dt.datetime | None = None,
    ) -> None:
        self.ws = ws
        self.layout = layout
        self.mapping = mapping
        self.now = (now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK
        self.stage_ids = [s.id for s in ws.funnel]
        self.people: dict[str, str] = {}
        for member in ws.people.values():
            person = member.person
            for key in (person.id, person.name, person.email):
                if key:
                    self.people.setdefault(key.casefold(), person.id)
        self.maps = {f: mapping.value_map(f) for f in mapping.values}
        self.first_line: dict[str, tuple[int, int]] = {}
        """event_id or lead_id → (first line, hash of its content)."""

    def _get(self, row: Row, ours: str) -> Any:
        column = self.layout.fields.get(ours)
        value: Any = row.get(column) if column is not None else None
        if column is None and ours in self.mapping.defaults:
            value = self.mapping.defaults[ours]
        if ours in self.maps and value is not None:
            key = value.strip().casefold() if isinstance(value, str) else value
            if isinstance(key, str) and key in self.maps[ours]:
                return self.maps[ours][key]
        return value

    def _time(self, value: Any, name: str) -> dt.datetime | None:
        text = _text(value)
        if text is None:
            return None
        try:
            return parse_time(text, self.ws.tz, self.mapping.time_formats)
        except RowError as exc:
            raise RowError(f"{name}: {exc}") from None

    def _stage(self, value: Any) -> str | None:
        stage = _text(value)
        if stage is None or stage in self.ws.stages:
            return stage
        close = difflib.get_close_matches(stage.casefold(), self.stage_ids, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise RowError(f"unknown stage '{stage}'{hint} (stages: {', '.join(self.stage_ids)})")

    def _person(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        return self.people.get(text.casefold(), text)

    def _rest(self, row: Row) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for column in self.layout.rest:
            value = row.get(column)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            key = snake_case(column) if self.layout.snake else column
            out[key] = value.strip() if isinstance(value, str) else value
        for column in row.keys() - set(self.layout.fields.values()) - set(self.layout.rest):
            if column in self.layout.stage_dates.values():
                continue
            value = row[column]  # keys only some JSON rows have
            if value is not None and value != "":
                out[snake_case(column) if self.layout.snake else column] = value
        return out

    def _once(self, kind: str, ident: str, line: int, row: Row) -> bool:
        """False when `ident` was seen with the same content; raises when content differs."""
        digest = hash(json.dumps(row, sort_keys=True, default=str))
        first = self.first_line.get(ident)
        if first is None:
            self.first_line[ident] = (line, digest)
            return True
        if first[1] == digest:
            return False
        raise RowError(f"{kind} '{ident}' already used on line {first[0]} with different content")

    def check(self, line: int, row: Row) -> Checked | None:
        """The store rows for one file row; None for an exact repeat of an earlier row.

        Raises:
            RowError: the row is bad (the reason is the message).
        """
        lead_id = _text(self._get(row, "lead_id"))
        if lead_id is None:
            raise RowError("empty lead_id")
        if self.layout.kind == "events":
            return self._event(line, row, lead_id)
        return self._lead(line, row, lead_id)

    def _event(self, line: int, row: Row, lead_id: str) -> Checked | None:
        at = self._time(self._get(row, "at"), "at")
        if at is None:
            raise RowError("empty at (the event's time)")
        kind = _text(self._get(row, "type"))
        if kind is None:
            raise RowError("empty type")
        kind = kind.casefold()
        if not _TYPE.match(kind):
            raise RowError(f"type '{kind}' is not a word (e.g. entered, contacted, rejected)")
        stage = self._stage(self._get(row, "stage"))
        if kind == "entered" and stage is None:
            raise RowError("an 'entered' event needs a stage")
        event_id = _text(self._get(row, "event_id"))
        if event_id is not None and not self._once("event_id", event_id, line, row):
            return None
        event = {
            "lead_id": lead_id,
            "at": at,
            "type": kind,
            "stage": stage,
            "actor": self._person(self._get(row, "actor")),
            "extra": self._rest(row) or None,
        }
        if event_id is not None:
            event["source_key"] = f"id:{event_id}"
        return Checked(line, events=[event], future=at > self.now)

    def _lead(self, line: int, row: Row, lead_id: str) -> Checked | None:
        if not self._once("lead_id", lead_id, line, row):
            return None
        created = self._time(self._get(row, "created_at"), "created_at")
        attributes = self._rest(row)
        stage_value = self._get(row, "stage")
        if "stage" in self.layout.fields:
            stage = self._stage(stage_value)
            attributes.pop("stage", None)
            if stage is not None:
                attributes["stage"] = stage
        lead: Row = {
            "lead_id": lead_id,
            "created_at": created,
            "source": _text(self._get(row, "source")),
            "segment": _text(self._get(row, "segment")),
            "hot": self._hot(self._get(row, "hot")),
            "value": self._value(self._get(row, "value")),
            "owner": self._person(self._get(row, "owner")),
            "attributes": attributes or None,
        }
        # Only the columns the file has: re-importing a partial file updates just those.
        present = set(self.layout.fields) | {"lead_id"}
        if self.layout.rest or "stage" in present or attributes:
            present.add("attributes")
        lead = {k: v for k, v in lead.items() if k in present}
        events = []
        future = created is not None and created > self.now
        for stage, column in self.layout.stage_dates.items():
            at = self._time(row.get(column), column)
            if at is None:
                continue
            future = future or at > self.now
            events.append(
                {
                    "lead_id": lead_id,
                    "at": at,
                    "type": "entered",
                    "stage": stage,
                    "actor": None,
                    "extra": None,
                }
            )
        return Checked(line, lead=lead, events=events, future=future)

    @staticmethod
    def _hot(value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        text = _text(value)
        if text is None:
            return None
        if text.casefold() in _TRUE:
            return True
        if text.casefold() in _FALSE:
            return False
        raise RowError(f"hot '{text}' is not true or false (use true/false, yes/no or 1/0)")

    @staticmethod
    def _value(value: Any) -> Decimal | None:
        if isinstance(value, bool):
            raise RowError(f"value {value} is not a number")
        if isinstance(value, int | float):
            return Decimal(str(value))
        text = _text(value)
        if text is None:
            return None
        bare = text.lstrip("$€£").strip()
        if not _NUMBER.match(bare):
            raise RowError(f"value '{text}' is not a number (write e.g. 12500 or 12500.50)")
        try:
            return Decimal(bare.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise RowError(f"value '{text}' is not a number") from None


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
        mapping: column mapping (`accord.store.mappings`).
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
