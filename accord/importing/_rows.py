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
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from accord.domain.clock import system_now
from accord.domain.workspace import Workspace
from accord.importing._reading import Layout, Row, RowError, snake_case
from accord.importing.mappings import LEAD_FIELDS, Mapping
from accord.store import events as events_table
from accord.store import leads as leads_table

FUTURE_SLACK = dt.timedelta(minutes=5)
"""A timestamp later than now plus this is flagged as in the future (clock skew)."""

_TYPE = re.compile(r"^[a-z][a-z0-9_-]*$")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_BOOLS = {word: True for word in _TRUE} | {word: False for word in _FALSE}
"""The words for true and false as most files write them (lower case, no blanks)."""


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
    return _parse_time(text, tz, formats)[0]


def _parse_time(
    text: str, tz: ZoneInfo, formats: tuple[str, ...] = ()
) -> tuple[dt.datetime, dt.datetime]:
    """`parse_time`, and the same instant in UTC (worked out to check that it exists)."""
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
            return moment, moment.astimezone(dt.UTC)  # stored in UTC: it must exist there
        local = moment.replace(tzinfo=tz)
        utc = local.astimezone(dt.UTC)
        back = utc.astimezone(tz)
    except OverflowError:
        raise RowError(
            f"time '{text}' is out of range: in UTC it falls outside the years 1 to 9999"
        ) from None
    if back.replace(tzinfo=None) != moment:
        raise RowError(
            f"local time '{text}' does not exist in {tz.key} (the clocks jump forward); "
            "give the time with an offset"
        )
    return local, utc


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


def _row_storable(row: Row) -> bool:
    """`_storable` for every cell and column name of a row (one scan when all are text);
    whether all the cells are text (so no NaN can be among them)."""
    try:
        text = "".join(row) + "".join(row.values())
    except TypeError:  # JSON: numbers, objects, …
        texts = False
    else:
        if text.isascii():  # no surrogate then: only a NUL can be there
            if "\x00" not in text:
                return True
        elif _UNSTORABLE.search(text) is None:
            return True
        texts = True
    for column, value in row.items():
        _storable(value, f"column '{column}'")
        _storable(column, "a column name")
    return texts


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


@dataclass(slots=True)
class Checked:
    """A good row: a lead (with events from its stage dates) or an event."""

    line: int
    lead: Row | None = None
    events: list[Row] = field(default_factory=list)
    future: bool = False
    key: str | None = None
    """The lead_id or event_id the row claimed in its file (see `RowChecker.forget`)."""


REPEAT_WINDOW = 5000
"""How many rows back a repeated id is recognised by the file itself (see `_Repeats`)."""


def _dump(row: Row) -> str:
    return json.dumps(row, sort_keys=True, default=str)


class _Repeats:
    """The ids (lead_id, event_id) the rows of a file claimed lately, with their line and
    row: a repeat among them is an exact repeat or an error naming the first line.

    Kept in two generations of `window` ids: an id is remembered for at least `window`
    rows after its first (at most twice that), then let go, so memory does not grow with
    the file. A repeat further apart is the store's to recognise, as for a file imported
    again (docs/import.md)."""

    def __init__(self, window: int) -> None:
        self.window = max(1, window)
        self.young: dict[str, tuple[int, Row]] = {}
        self.old: dict[str, tuple[int, Row]] = {}

    def claim(self, kind: str, ident: str, line: int, row: Row) -> bool:
        """True when `ident` is new here; False for an exact repeat of its first row.

        Raises:
            RowError: the id was used with different content.
        """
        first = self.young.get(ident) or self.old.get(ident)
        if first is None:
            young = self.young
            young[ident] = (line, row)
            if len(young) >= self.window:
                self.old, self.young = young, {}
            return True
        earlier = first[1]
        if earlier == row and (
            all(type(v) is str for v in row.values()) or _dump(earlier) == _dump(row)
        ):
            return False
        raise RowError(f"{kind} '{ident}' already used on line {first[0]} with different content")

    def release(self, ident: str, line: int) -> None:
        """Let go of `ident` when the row on `line` claimed it."""
        for generation in (self.young, self.old):
            first = generation.get(ident)
            if first is not None and first[0] == line:
                del generation[ident]


class RowChecker:
    """Checks rows of one file against the workspace and turns them into store rows."""

    def __init__(
        self,
        ws: Workspace,
        layout: Layout,
        mapping: Mapping,
        *,
        now: dt.datetime | None = None,
        window: int = REPEAT_WINDOW,
    ) -> None:
        self.ws = ws
        self.layout = layout
        self.mapping = mapping
        self.now = (now or system_now()) + FUTURE_SLACK
        self.tz = ws.tz
        self.stage_ids = [s.id for s in ws.funnel]
        self.people: dict[str, str] = {}
        for member in ws.people.values():
            person = member.person
            for key in (person.id, person.name, person.email):
                if key:
                    self.people.setdefault(key.casefold(), person.id)
        self.maps = {f: mapping.value_map(f) for f in mapping.values}
        self.repeats = _Repeats(window)
        self._columns = dict(layout.fields)
        """Our field → the file's column."""
        self._direct = {f: c for f, c in layout.fields.items() if f not in self.maps}
        """Our fields read from a column as they are (no value map)."""
        self._rest_keys = tuple((c, snake_case(c) if layout.snake else c) for c in layout.rest)
        """(the file's column, key in attributes or extra data) of the other columns."""
        self._known = frozenset(
            (*layout.fields.values(), *layout.rest, *layout.stage_dates.values())
        )
        """Every column of the header (a JSON row may have keys beyond them)."""
        present = {*layout.fields, "lead_id"}
        self._lead_columns = frozenset(present & set(LEAD_FIELDS))
        """The lead columns a leads file gives (a re-import updates just those)."""
        self._attributes_always = bool(layout.rest) or "stage" in present
        self._stages = ws.stages
        self._event_ids = "event_id" in layout.fields or "event_id" in mapping.defaults
        """Whether the file gives events an id (else their content is their key)."""

    def _get(self, row: Row, ours: str) -> Any:
        column = self._columns.get(ours)
        value: Any = self.mapping.defaults.get(ours) if column is None else row.get(column)
        values = self.maps.get(ours)
        if values is not None and value is not None:
            key = value.strip().casefold() if isinstance(value, str) else value
            if isinstance(key, str) and key in values:
                return values[key]
        return value

    def _raw(self, row: Row, ours: str) -> Any:
        """Our field `ours` of `row` as the file gives it (mapped, or the default)."""
        column = self._direct.get(ours)
        return row.get(column) if column is not None else self._get(row, ours)

    def _field(self, row: Row, ours: str) -> str | None:
        """Our field `ours` of `row` as stripped text; None when empty."""
        column = self._direct.get(ours)
        value = row.get(column) if column is not None else self._get(row, ours)
        if type(value) is str:
            return value.strip() or None
        return _text(value)

    def _time(self, value: Any, name: str) -> dt.datetime | None:
        """The time in `value`, in UTC (the store keeps UTC; comparing is cheapest so)."""
        text = value.strip() if type(value) is str else _text(value)
        if not text:
            return None
        try:
            return _parse_time(text, self.tz, self.mapping.time_formats)[1]
        except RowError as exc:
            raise RowError(f"{name}: {exc}") from None

    def _stage(self, stage: str | None) -> str | None:
        if stage is None or stage in self._stages:
            return stage
        close = difflib.get_close_matches(stage.casefold(), self.stage_ids, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise RowError(f"unknown stage '{stage}'{hint} (stages: {', '.join(self.stage_ids)})")

    def _person(self, text: str | None) -> str | None:
        if text is None:
            return None
        return self.people.get(text.casefold(), text)

    def _rest(self, row: Row) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for column, key in self._rest_keys:
            value = row.get(column)
            if type(value) is str:
                value = value.strip()
                if value:
                    out[key] = value
            elif value is not None:
                out[key] = value
        if not row.keys() <= self._known:  # keys only some JSON rows have
            for column in row:
                if column in self._known:
                    continue
                value = row[column]
                if value is not None and value != "":
                    out[snake_case(column) if self.layout.snake else column] = value
        return out

    def check(self, line: int, row: Row) -> Checked | None:
        """The store rows for one file row; None for an exact repeat of an earlier row.

        Raises:
            RowError: the row is bad (the reason is the message).
        """
        texts = _row_storable(row)
        lead_id = self._field(row, "lead_id")
        if lead_id is None:
            raise RowError("empty lead_id")
        if self.layout.kind == "events":
            checked = self._event(line, row, lead_id, texts)
            kind = "event_id"
        else:
            checked = self._lead(line, row, lead_id, texts)
            kind = "lead_id"
        # Only a row that passed every check claims its id: a repeat of a rejected row is
        # checked on its own.
        if checked.key is not None and not self.repeats.claim(kind, checked.key, line, row):
            return None
        return checked

    def forget(self, checked: Checked) -> None:
        """Release the id of a row the store refused, so that a repeat is checked on its own."""
        if checked.key is not None:
            self.repeats.release(checked.key, checked.line)

    def _event(self, line: int, row: Row, lead_id: str, texts: bool) -> Checked:
        at = self._time(self._raw(row, "at"), "at")
        if at is None:
            raise RowError("empty at (the event's time)")
        kind = self._field(row, "type")
        if kind is None:
            raise RowError("empty type")
        kind = kind.casefold()
        if not _TYPE.match(kind):
            raise RowError(f"type '{kind}' is not a word (e.g. entered, contacted, rejected)")
        stage = self._stage(self._field(row, "stage"))
        if kind == "entered" and stage is None:
            raise RowError("an 'entered' event needs a stage")
        event_id = self._field(row, "event_id") if self._event_ids else None
        extra = self._rest(row)
        event = {
            "lead_id": lead_id,
            "at": at,
            "type": kind,
            "stage": stage,
            "actor": self._person(self._field(row, "actor")),
            "extra": extra or None,
        }
        _fits(event, EVENT_LENGTHS)
        if extra and not texts and not _finite(extra):
            raise RowError("an extra column holds NaN or Infinity, which JSON cannot store")
        if event_id is not None:
            event["source_key"] = f"id:{event_id}"
        return Checked(line, events=[event], future=at > self.now, key=event_id)

    def _lead(self, line: int, row: Row, lead_id: str, texts: bool) -> Checked:
        created = self._time(self._raw(row, "created_at"), "created_at")
        attributes = self._rest(row)
        if "stage" in self._columns:
            stage = self._stage(self._field(row, "stage"))
            attributes.pop("stage", None)
            if stage is not None:
                attributes["stage"] = stage
        # Only the columns the file has: re-importing a partial file updates just those.
        given = self._lead_columns
        lead: Row = {"lead_id": lead_id}
        if "created_at" in given:
            lead["created_at"] = created
        if "source" in given:
            lead["source"] = self._field(row, "source")
        if "segment" in given:
            lead["segment"] = self._field(row, "segment")
        if "hot" in given:
            lead["hot"] = self._hot(self._raw(row, "hot"))
        if "value" in given:
            lead["value"] = self._value(self._raw(row, "value"))
        if "owner" in given:
            lead["owner"] = self._person(self._field(row, "owner"))
        if self._attributes_always or attributes:
            lead["attributes"] = attributes or None
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
        _fits(lead, LEAD_LENGTHS)
        if attributes and not texts and not _finite(attributes):
            raise RowError("an attribute holds NaN or Infinity, which JSON cannot store")
        for event in events:
            _fits(event, EVENT_LENGTHS)
        return Checked(line, lead=lead, events=events, future=future, key=lead_id)

    @staticmethod
    def _hot(value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        if type(value) is str:
            word = _BOOLS.get(value)
            if word is not None:
                return word
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
            text = (value.strip() or None) if type(value) is str else _text(value)
            if text is None:
                return None
            bare = text.lstrip("$€£").strip()
            plain = bare.isascii() and bare.isdigit()  # the usual case, without the pattern
            if not plain and not _NUMBER.match(bare):
                raise RowError(f"value '{text}' is not a number (write e.g. 12500 or 12500.50)")
            try:
                number = Decimal(bare if plain else bare.replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                raise RowError(f"value '{text}' is not a number") from None
            if number.is_finite() and abs(number) < _VALUE_LIMIT:
                return number
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


def _fits(row: Row, lengths: dict[str, int]) -> None:
    """Raise when a text of `row` (a store row: text or None in these columns) is longer
    than its column."""
    for column, limit in lengths.items():
        value = row.get(column)
        if value is not None and len(value) > limit:
            raise RowError(
                f"{column} is {len(value)} characters long; the store keeps at most {limit}"
            )


def _finite(data: dict[str, Any]) -> bool:
    """Whether JSON can store `data`: no NaN or Infinity anywhere in it (nested too)."""
    pending: list[Any] = list(data.values())
    while pending:
        value = pending.pop()
        if type(value) is str:
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                return False
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True
