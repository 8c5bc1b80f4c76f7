"""Checking import rows for `accord.importing.importer`: one row at a time, pure.

`RowChecker` turns a raw row into a lead or an event (or raises `RowError` with
the reason); `parse_time` reads a timestamp in the Workspace's time zone.

A row is checked against the store's column types too, so that every database
takes what the checks let through: text no longer than its column
(`accord.store.leads` / `events`), no NUL character and no unpaired surrogate
anywhere, a ``value`` that fits ``Numeric(18, 2)``, times that exist in UTC
(years 1 to 9999) and JSON without NaN or Infinity.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from accord.domain.clock import system_now
from accord.domain.workspace import Workspace
from accord.importing._reading import Layout, Row, RowError, snake_case
from accord.importing.mappings import Mapping
from accord.store import events as events_table
from accord.store import leads as leads_table

FUTURE_SLACK = dt.timedelta(minutes=5)
"""A timestamp later than now plus this is flagged as in the future (clock skew)."""

_TYPE = re.compile(r"^[a-z][a-z0-9_-]*$")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _lengths(table: Any) -> dict[str, int]:
    """Column → the most characters it keeps, for the table's String columns."""
    return {
        c.name: c.type.length for c in table.columns if getattr(c.type, "length", None) is not None
    }


LEAD_LENGTHS = _lengths(leads_table)
"""The longest text each column of `leads` keeps (lead_id, source, segment, owner)."""
EVENT_LENGTHS = _lengths(events_table)
"""The longest text each column of `events` keeps (lead_id, type, stage, actor)."""
_VALUE_TYPE: Any = leads_table.c.value.type
VALUE_DIGITS: int = _VALUE_TYPE.precision - _VALUE_TYPE.scale
"""Digits a lead's value may have before the decimal point (Numeric(18, 2): 16)."""
_VALUE_LIMIT = Decimal(10) ** VALUE_DIGITS - Decimal(5) / Decimal(10) ** (_VALUE_TYPE.scale + 1)
"""The smallest magnitude that rounds to more than `VALUE_DIGITS` digits."""


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
    try:
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            moment.astimezone(dt.UTC)  # stored in UTC: it must exist there
            return moment
        local = moment.replace(tzinfo=tz)
        back = local.astimezone(dt.UTC).astimezone(tz)
    except OverflowError:
        raise RowError(
            f"time '{text}' is out of range: in UTC it falls outside the years 1 to 9999"
        ) from None
    if back.replace(tzinfo=None) != moment:
        raise RowError(
            f"local time '{text}' does not exist in {tz.key} (the clocks jump forward); "
            "give the time with an offset"
        )
    return local


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""A NUL character or half of a surrogate pair: text no store keeps."""


def _storable(value: Any, name: str) -> None:
    """Raise when text in `value` (nested too) holds what no store keeps: a NUL
    character, or an unpaired surrogate (from a JSON escape such as ``\\ud800``)."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found is None:
            return
        if found.group() == "\x00":
            raise RowError(f"{name} contains a NUL character (\\x00); remove it")
        raise RowError(
            f"{name} contains \\u{ord(found.group()):04x}, half of a surrogate pair, "
            "which is not a character"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _storable(key, name)
            _storable(item, name)
    elif isinstance(value, list):
        for item in value:
            _storable(item, name)


def _row_storable(row: Row) -> None:
    """`_storable` for every cell and column name of a row (one scan when all are text)."""
    try:
        text = "".join(row) + "".join(row.values())
    except TypeError:  # JSON: numbers, objects, …
        pass
    else:
        if _UNSTORABLE.search(text) is None:
            return
    for column, value in row.items():
        _storable(value, f"column '{column}'")
        _storable(column, "a column name")


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
    key: str | None = None
    """The lead_id or event_id the row claimed in its file (see `RowChecker.forget`)."""


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
        self.now = (now or system_now()) + FUTURE_SLACK
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
        _row_storable(row)
        lead_id = _text(self._get(row, "lead_id"))
        if lead_id is None:
            raise RowError("empty lead_id")
        if self.layout.kind == "events":
            checked = self._event(line, row, lead_id)
            for event in checked.events:
                _fits(event, EVENT_LENGTHS, "extra")
            event_id = _text(self._get(row, "event_id"))
            key = None if event_id is None else ("event_id", event_id)
        else:
            checked = self._lead(line, row, lead_id)
            _fits(checked.lead or {}, LEAD_LENGTHS, "attributes")
            for event in checked.events:
                _fits(event, EVENT_LENGTHS, "extra")
            key = ("lead_id", lead_id)
        # Only a row that passed every check claims its id: a repeat of a rejected row is
        # checked on its own.
        if key is not None and not self._once(*key, line, row):
            return None
        checked.key = key[1] if key is not None else None
        return checked

    def forget(self, checked: Checked) -> None:
        """Release the id of a row the store refused, so that a repeat is checked on its own."""
        if checked.key is not None:
            self.first_line.pop(checked.key, None)

    def _event(self, line: int, row: Row, lead_id: str) -> Checked:
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

    def _lead(self, line: int, row: Row, lead_id: str) -> Checked:
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
            number = Decimal(str(value))
            shown = str(value)
        else:
            text = _text(value)
            if text is None:
                return None
            bare = text.lstrip("$€£").strip()
            if not _NUMBER.match(bare):
                raise RowError(f"value '{text}' is not a number (write e.g. 12500 or 12500.50)")
            try:
                number = Decimal(bare.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                raise RowError(f"value '{text}' is not a number") from None
            shown = f"'{text}'"
        if len(shown) > 40:
            shown = shown[:36] + "…" + shown[-1]
        if not number.is_finite():
            raise RowError(f"value {shown} is not a finite number")
        if abs(number) >= _VALUE_LIMIT:
            raise RowError(
                f"value {shown} is out of range: the store keeps at most {VALUE_DIGITS} digits "
                "before the decimal point"
            )
        return number


def _fits(row: Row, lengths: dict[str, int], data: str) -> None:
    """Raise when a text of `row` is longer than its column, or its JSON `data` column
    holds NaN or Infinity."""
    for column, limit in lengths.items():
        value = row.get(column)
        if isinstance(value, str) and len(value) > limit:
            raise RowError(
                f"{column} is {len(value)} characters long; the store keeps at most {limit}"
            )
    if row.get(data):
        try:
            json.dumps(row[data], allow_nan=False, default=str)
        except ValueError:
            raise RowError(
                f"{'an attribute' if data == 'attributes' else 'an extra column'} holds NaN or "
                "Infinity, which JSON cannot store"
            ) from None
