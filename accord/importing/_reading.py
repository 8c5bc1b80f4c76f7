"""Reading import files for `accord.importing.importer`: CSV or JSON Lines rows and their layout.

The file is decoded line by line (never held in memory, a UTF-8 BOM dropped);
`RowSource` yields each row with its line number, and `resolve_layout` matches
the header against the mapping (suggesting near misses for unknown columns).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from accord.domain.errors import ImportRejected
from accord.domain.workspace import Workspace
from accord.importing.mappings import EVENT_FIELDS, LEAD_FIELDS, PLAIN, Mapping

Kind = Literal["leads", "events"]
Row = dict[str, Any]
_BOM = b"\xef\xbb\xbf"


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
