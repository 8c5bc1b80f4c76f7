"""Reading import files for `accord.importing.importer`: CSV or JSON Lines rows and their layout.

The file is decoded line by line (never held in memory, a UTF-8 BOM dropped); a
line ends at LF, CRLF or a lone CR. `RowSource` yields each row with its line
number, and `resolve_layout` matches the header against the mapping (suggesting
near misses for unknown columns).

A CSV record may span lines (a quoted field with line breaks), but a broken one
never swallows the rest of the file: a record that spans several lines must
close its quote within `MAX_RECORD_LINES` lines and before the end of the file,
be well formed (nothing but a delimiter or a line end after a closing quote) and
have the header's number of fields. Otherwise its first line is rejected and
reading resumes on the line after it (docs/import.md).
"""

from __future__ import annotations

import csv
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from accord.domain.errors import ImportRejected
from accord.domain.workspace import Workspace
from accord.importing.mappings import EVENT_FIELDS, LEAD_FIELDS, PLAIN, Mapping

Kind = Literal["leads", "events"]
Row = dict[str, Any]
_BOM = "\ufeff"
_ESCAPED = re.compile("[\udc80-\udcff]")
"""An undecodable byte, as the ``surrogateescape`` error handler keeps it."""

MAX_RECORD_LINES = 1000
"""The most physical lines one CSV record (a quoted field with line breaks) may span."""
PROGRESS_STEP = 256 * 1024
"""Bytes read between two calls of the progress callback."""


class RowError(ValueError):
    """One row is bad; the message is the reason shown after ``FILE:LINE:``."""


# --- reading ----------------------------------------------------------------


def open_text(path: Path) -> IO[str]:
    """`path` for `decoded_lines`: UTF-8, line ends kept as they are (LF, CRLF or CR)."""
    return path.open("r", encoding="utf-8", errors="surrogateescape", newline="")


def decoded_lines(fh: IO[str], file: str, progress: Callable[[int], None] | None) -> Iterator[str]:
    """The lines of a file opened with `open_text`, strictly UTF-8 (a leading BOM dropped).

    `progress` is told the bytes read every `PROGRESS_STEP` bytes and at the end (not per
    line: a progress bar costs more than reading a line).

    Raises:
        ImportRejected: a byte that is not UTF-8 (with its line and column).
    """
    unreported = 0
    for number, text in enumerate(fh, 1):
        size = len(text)
        if not text.isascii():
            size = len(text.encode("utf-8", "surrogateescape"))
            if number == 1 and text.startswith(_BOM):
                text = text[len(_BOM) :]
            bad = _ESCAPED.search(text)
            if bad is not None:
                column = len(text[: bad.start()].encode("utf-8", "surrogateescape")) + 1
                raise ImportRejected(
                    f"{file}:{number}: byte 0x{ord(bad.group()) - 0xDC00:02x} at column {column} "
                    "is not valid UTF-8; save the file as UTF-8 and import it again (rows already "
                    "loaded are skipped)"
                )
        unreported += size
        if unreported >= PROGRESS_STEP and progress is not None:
            progress(unreported)
            unreported = 0
        yield text
    if unreported and progress is not None:
        progress(unreported)


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


class _TooManyLines(Exception):
    """A record has taken `MAX_RECORD_LINES` lines without closing its quote."""


_TOO_MANY = "too many lines"
_UNCLOSED = 'a quoted field opened on this line is not closed {}; a closing quote (") is missing'


class _Feed:
    """The lines after a CSV header for `csv.reader`, numbered; a broken record's lines
    after its first can be pushed back to be read again."""

    def __init__(self, lines: Iterator[str], number: int) -> None:
        self._lines = lines
        self._number = number
        """The physical number of the last line taken from `_lines`."""
        self._back: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        """(number, text) of the lines the current record has read."""
        self.ran_out = False
        """The current record wanted another line and the file had none (an open quote)."""

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if len(self.taken) >= MAX_RECORD_LINES:
            raise _TooManyLines
        item = self.pull()
        if item is None:
            self.ran_out = bool(self.taken)
            raise StopIteration
        self.taken.append(item)
        return item[1]

    def pull(self) -> tuple[int, str] | None:
        """The next line and its number (None at the end), outside any record."""
        if self._back:
            return self._back.popleft()
        text = next(self._lines, None)
        if text is None:
            return None
        self._number += 1
        return self._number, text

    def unread(self, item: tuple[int, str]) -> None:
        """Put back a line from `pull`: `csv.reader` reads it next."""
        self._back.appendleft(item)

    def next_record(self) -> None:
        self.taken = []
        self.ran_out = False

    def read_again_after_first(self) -> None:
        """Read the current record's lines after its first again, as records of their own."""
        self._back.extendleft(reversed(self.taken[1:]))


def _broken_record(
    feed: _Feed, values: list[str], delimiter: str, fields: int, error: str | None
) -> str | None:
    """Why a record that spans several lines cannot be trusted (None when it can)."""
    spans = f"a quoted field opened on this line runs over {len(feed.taken)} lines"
    if error is _TOO_MANY:
        return _UNCLOSED.format(f"within {MAX_RECORD_LINES} lines")
    if error is not None:
        return f"{spans} and cannot be read ({error}); is a closing quote missing?"
    if feed.ran_out:
        return _UNCLOSED.format("by the end of the file")
    try:
        strict = list(csv.reader([t for _, t in feed.taken], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        return f"{spans} and is malformed ({exc}); is a closing quote missing?"
    if len(strict) != 1 or len(values) != fields:
        return (
            f"{spans} and leaves {len(values)} fields, the header has {fields}; "
            "is a closing quote missing?"
        )
    return None


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
        if "\x00" in name:
            raise ImportRejected(f"{file}:1: the header has a NUL character (\\x00) in a name")
        if name.casefold() in seen:
            raise ImportRejected(f"{file}:1: column '{name}' appears twice in the header")
        seen.add(name.casefold())

    def rows() -> Iterator[tuple[int, Row | str]]:
        feed = _Feed(lines, offset)
        reader = csv.reader(feed, delimiter=delimiter)
        width = len(header)
        limit = csv.field_size_limit()
        while True:
            item = feed.pull()
            if item is None:
                return
            line, text = item
            if '"' not in text and len(text) < limit:
                # No quote: the line is a whole record, and csv.reader would split it
                # at the delimiters as this does (at a fraction of the cost).
                values = text.rstrip("\r\n").split(delimiter)
            else:
                feed.unread(item)
                feed.next_record()
                error: str | None = None
                values = []
                try:
                    values = next(reader)
                except StopIteration:  # pragma: no cover - the line just put back is there
                    return
                except csv.Error as exc:
                    error = str(exc)
                except _TooManyLines:
                    error = _TOO_MANY
                if len(feed.taken) > 1:
                    broken = _broken_record(feed, values, delimiter, width, error)
                    if broken is not None:
                        feed.read_again_after_first()
                        reader = csv.reader(feed, delimiter=delimiter)
                        yield line, broken
                        continue
                elif error is not None:
                    reader = csv.reader(feed, delimiter=delimiter)
                    yield line, f"cannot read the row: {error}"
                    continue
            if not "".join(values).strip():
                continue
            if len(values) != width:
                yield line, f"row has {len(values)} fields, the header has {width}"
                continue
            yield line, dict(zip(header, values, strict=False))  # lengths are equal

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
    except RecursionError:
        return "not usable JSON: nested too deeply"
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        return f"not usable JSON: {exc}"
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
