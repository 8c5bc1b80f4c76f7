"""Writing to the event store: `add_leads`, `add_events` and the content key `event_key`.

Both writers are idempotent — a lead is upserted, an event whose ``source_key`` is
stored already is skipped — and hand their rows to the database driver's own bulk
path. Each value is converted once in Python (a time to naive UTC, JSON encoded once)
and SQLAlchemy does no work per row:

* SQLite: the driver's ``executemany`` of one short ``INSERT … ON CONFLICT`` statement,
  with the values as SQLAlchemy's column types store them (a time as text in its
  format, a lead's value as a float, JSON as text), so rows read back the same;
* PostgreSQL: ``COPY`` into a temporary staging table (dropped at commit), then one
  ``INSERT … SELECT … ON CONFLICT``, where the table's types check every value;
* any other dialect: SQLAlchemy Core statements.

Call the writers inside a transaction (`Store.write`): the PostgreSQL staging table
lives as long as it. A driver error comes out as SQLAlchemy's exception
(`sqlalchemy.exc.DataError`, `IntegrityError`, …), as it does from any statement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy import exc as sa_exc

from accord.store._schema import events, leads

__all__ = ["EVENT_COLUMNS", "LEAD_COLUMNS", "add_events", "add_leads", "event_key", "known_leads"]

_BATCH = 5000
_IN_CHUNK = 500
"""Ids per ``IN (…)`` list (older SQLite builds take at most 999 parameters)."""
LEAD_COLUMNS = ("lead_id", "created_at", "source", "segment", "hot", "value", "owner", "attributes")
"""The columns a lead row may give (``lead_id`` is required)."""
EVENT_COLUMNS = ("lead_id", "at", "type", "stage", "actor", "source_key", "extra")
"""The columns an event is written with (``event_id`` is the store's)."""
_STAGING_TYPES = {
    "lead_id": "text",
    "created_at": "timestamp",
    "source": "text",
    "segment": "text",
    "hot": "boolean",
    "value": "numeric",
    "owner": "text",
    "attributes": "json",
    "at": "timestamp",
    "type": "text",
    "stage": "text",
    "actor": "text",
    "source_key": "text",
    "extra": "json",
}
"""PostgreSQL staging columns: loose types, so that the INSERT into the real table is
where a value that does not fit is refused, with the column type's own message."""
_quote = json.encoder.encode_basestring_ascii
"""A string as `json.dumps` writes it (the C encoder)."""


# --- values as the store keeps them ---------------------------------------------------


def _utc(value: Any, name: str) -> dt.datetime:
    """An aware datetime as naive UTC, as the store keeps times (`accord.store.UtcDateTime`).

    Raises:
        ValueError: `value` is not a datetime, or naive.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is dt.UTC:
            return value.replace(tzinfo=None)
        offset = value.utcoffset()
        if offset is not None:
            return value.replace(tzinfo=None) - offset
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")
    raise ValueError(f"{name} must be a datetime, got {value!r}")


def _sqlite_time(value: Any, name: str) -> str:
    """An aware datetime as the text SQLAlchemy's SQLite ``DateTime`` stores for it in UTC
    (``2026-03-02 13:05:00.000000``): the metric queries compare these texts, so the
    format must be exactly this.

    Raises:
        ValueError: `value` is not a datetime, or naive.
    """
    if type(value) is dt.datetime and value.tzinfo is dt.UTC:  # as the importer gives it
        return value.isoformat(" ", "microseconds")[:26]  # without "+00:00"
    return _utc(value, name).isoformat(" ", "microseconds")


def _json(value: Any) -> str:
    """JSON text as SQLAlchemy's ``JSON`` type writes it (`json.dumps`; ``None`` is JSON
    ``null``). A flat object of strings, the usual extra data or attributes, is written
    here: the same text at a fraction of the cost."""
    if value is None:
        return "null"
    if type(value) is dict:
        parts = []
        for key, item in value.items():
            if type(key) is not str or type(item) is not str:
                return json.dumps(value)
            parts.append(f"{_quote(key)}: {_quote(item)}")
        return "{" + ", ".join(parts) + "}"
    return json.dumps(value)


def _content_key(lead_id: Any, iso: str, kind: Any, stage: Any) -> str:
    """`event_key` from the event's parts, `iso` its time in UTC as ``datetime.isoformat``
    writes it (naive)."""
    if type(lead_id) is str and type(kind) is str and (stage is None or type(stage) is str):
        # The same text as json.dumps([...]) below, without its per-call overhead.
        shown = "null" if stage is None else _quote(stage)
        content = f'[{_quote(lead_id)}, "{iso}Z", {_quote(kind)}, {shown}]'
    else:
        content = json.dumps([lead_id, iso + "Z", kind, stage])
    return "c:" + hashlib.sha256(content.encode()).hexdigest()[:32]


def event_key(row: Mapping[str, Any]) -> str:
    """The default `source_key` of an event: a digest of its lead, time, type and stage.

    ``"c:"`` and the first 32 hex digits of the SHA-256 of the JSON array
    ``[lead_id, time in UTC as ISO-8601 with "Z", type, stage]``. Stores hold these
    keys, so the formula never changes: a file imported again adds nothing twice.
    """
    iso = _utc(row["at"], "at").isoformat()
    return _content_key(row["lead_id"], iso, row["type"], row.get("stage"))


def _event_record(row: Mapping[str, Any], sqlite: bool) -> tuple[Any, ...]:
    """An event's values in `EVENT_COLUMNS` order, as the driver takes them."""
    lead_id, kind = row.get("lead_id"), row.get("type")
    if not lead_id or not kind:
        raise ValueError(f"an event needs lead_id, at and type: {dict(row)!r}")
    stage, extra = row.get("stage"), row.get("extra")
    key = row.get("source_key")
    at: Any
    if sqlite:
        at = _sqlite_time(row.get("at"), "at")
        if not key:  # `isoformat()`, cut from the stored text (formatting again costs more)
            iso = f"{at[:10]}T{at[11:19] if at.endswith('.000000') else at[11:]}"
            key = _content_key(lead_id, iso, kind, stage)
    else:
        at = _utc(row.get("at"), "at")
        if not key:
            key = _content_key(lead_id, at.isoformat(), kind, stage)
    return (
        lead_id if type(lead_id) is str else str(lead_id),
        at,
        kind,
        stage,
        row.get("actor"),
        key if type(key) is str else str(key),
        "null" if extra is None else _json(extra),
    )


def _lead_time(value: Any) -> dt.datetime | None:
    return None if value is None else _utc(value, "created_at")


def _sqlite_lead_time(value: Any) -> str | None:
    return None if value is None else _sqlite_time(value, "created_at")


def _lead_value(value: Any) -> Decimal | None:
    return Decimal(str(value)) if isinstance(value, float) else value


def _sqlite_lead_value(value: Any) -> float | None:
    return None if value is None else float(value)  # SQLAlchemy's Numeric on SQLite


def _lead_hot(value: Any) -> bool | None:
    if value is not None and value not in (True, False):
        raise TypeError(f"Not a boolean value: {value!r}")
    return None if value is None else bool(value)


_LEAD_CELLS: dict[str, Callable[[Any], Any]] = {
    "created_at": _lead_time,
    "value": _lead_value,
    "hot": _lead_hot,
    "attributes": _json,
}
"""How a lead's value becomes the driver's, by column (the others are kept as they are)."""
_SQLITE_LEAD_CELLS = {**_LEAD_CELLS, "created_at": _sqlite_lead_time, "value": _sqlite_lead_value}


def _lead_records(
    columns: tuple[str, ...], group: dict[str, Mapping[str, Any]], sqlite: bool
) -> list[tuple[Any, ...]]:
    """The leads of `group` (by lead_id) as driver rows of `columns` (lead_id first)."""
    convert = _SQLITE_LEAD_CELLS if sqlite else _LEAD_CELLS
    cells = [(i, convert[c]) for i, c in enumerate(columns) if c in convert]
    if len(columns) == 1:
        return [(lead_id,) for lead_id in group]
    pick = itemgetter(*columns)
    records = []
    for lead_id, row in group.items():
        values = list(pick(row))
        values[0] = lead_id
        for i, cell in cells:
            values[i] = cell(values[i])
        records.append(tuple(values))
    return records


# --- the drivers' bulk paths -------------------------------------------------------------


def _driver_error(conn: Connection, statement: str, error: Exception) -> BaseException:
    """A driver error raised outside SQLAlchemy, as SQLAlchemy would raise it."""
    dbapi = conn.dialect.loaded_dbapi
    if isinstance(error, dbapi.Error):
        return sa_exc.DBAPIError.instance(statement, None, error, dbapi.Error, dialect=conn.dialect)
    return error


def _copy_staged(
    conn: Connection, table: str, columns: Sequence[str], records: Sequence[tuple[Any, ...]]
) -> str:
    """COPY `records` into a temporary staging table for `table` (made for the transaction,
    emptied first); the name of the staging table, whose ``n`` keeps the rows' order."""
    staging = f"accord_staging_{table}"
    every = LEAD_COLUMNS if table == "leads" else EVENT_COLUMNS
    types = ", ".join(f"{c} {_STAGING_TYPES[c]}" for c in every)
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (n bigserial, {types}) ON COMMIT DROP"
    )
    conn.exec_driver_sql(f"TRUNCATE {staging}")
    statement = f"COPY {staging} ({', '.join(columns)}) FROM STDIN"
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for record in records:
                copy.write_row(record)
    except Exception as error:
        raise _driver_error(conn, statement, error) from error
    return staging


def _insert_events(conn: Connection, records: list[tuple[Any, ...]]) -> int:
    columns = ", ".join(EVENT_COLUMNS)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(EVENT_COLUMNS))
        sql = f"INSERT INTO events ({columns}) VALUES ({marks}) ON CONFLICT (source_key) DO NOTHING"
        return int(conn.exec_driver_sql(sql, records).rowcount or 0)
    staging = _copy_staged(conn, "events", EVENT_COLUMNS, records)
    sql = (
        f"INSERT INTO events ({columns}) SELECT {columns} FROM {staging} ORDER BY n "
        "ON CONFLICT (source_key) DO NOTHING"
    )
    return int(conn.exec_driver_sql(sql).rowcount or 0)


def _upsert_leads(
    conn: Connection, columns: tuple[str, ...], records: list[tuple[Any, ...]]
) -> int:
    names = ", ".join(columns)
    update = [c for c in columns if c != "lead_id"]
    action = (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update)
        if update
        else "DO NOTHING"
    )
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO leads ({names}) VALUES ({marks}) ON CONFLICT (lead_id) {action}"
        return int(conn.exec_driver_sql(sql, records).rowcount or 0)
    staging = _copy_staged(conn, "leads", columns, records)
    sql = (
        f"INSERT INTO leads ({names}) SELECT {names} FROM {staging} ORDER BY n "
        f"ON CONFLICT (lead_id) {action}"
    )
    return int(conn.exec_driver_sql(sql).rowcount or 0)


# --- the writers ---------------------------------------------------------------------------


def _batches(rows: Iterable[Mapping[str, Any]], size: int = _BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(conn: Connection) -> bool:
    """Whether the dialect has a bulk path here (else SQLAlchemy Core statements)."""
    return conn.dialect.name in ("sqlite", "postgresql")


def add_leads(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert leads; a lead that exists gets the columns given in the row updated.

    Rows are mappings with ``lead_id`` and any of created_at (aware datetime), source,
    segment, hot, value, owner, attributes (a JSON-able dict).

    Returns:
        The number of rows written (inserted or updated).

    Raises:
        ValueError: a row has no lead_id, or a naive created_at.
    """
    written = 0
    sqlite = conn.dialect.name == "sqlite"
    for batch in _batches(rows):
        # One row per lead and column set (the last wins): PostgreSQL refuses to
        # update a row twice in one statement.
        groups: dict[tuple[str, ...], dict[str, Mapping[str, Any]]] = {}
        shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
        """The keys of a row → its columns (rows mostly share their keys)."""
        for row in batch:
            lead_id = row.get("lead_id")
            if not lead_id:
                raise ValueError(f"a lead needs a lead_id: {dict(row)!r}")
            shape = tuple(row)
            columns = shapes.get(shape)
            if columns is None:
                given = sorted(k for k in shape if k in LEAD_COLUMNS and k != "lead_id")
                columns = shapes[shape] = ("lead_id", *given)
            groups.setdefault(columns, {})[str(lead_id)] = row
        for columns, group in groups.items():
            if not _bulk(conn):
                written += _generic_leads(conn, columns, group)
                continue
            written += _upsert_leads(conn, columns, _lead_records(columns, group, sqlite))
    return written


def known_leads(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Which of `ids` have a row in ``leads``."""
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    name = conn.dialect.name
    if name == "postgresql":
        sql = "SELECT lead_id FROM leads WHERE lead_id = ANY(%(ids)s)"
        found.update(r[0] for r in conn.exec_driver_sql(sql, {"ids": wanted}))
        return found
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        if name == "sqlite":
            sql = f"SELECT lead_id FROM leads WHERE lead_id IN ({', '.join('?' * len(chunk))})"
            found.update(r[0] for r in conn.exec_driver_sql(sql, tuple(chunk)))
        else:
            column = leads.c.lead_id
            found.update(conn.execute(select(column).where(column.in_(chunk))).scalars())
    return found


def add_events(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append events, skipping any whose ``source_key`` is already stored.

    Rows are mappings with ``lead_id``, ``at`` (an aware datetime), ``type`` and optionally
    ``stage``, ``actor``, ``source_key`` (default: `event_key` of the row) and ``extra``
    (a JSON-able dict). ``event_id`` is assigned by the store, in the rows' order.

    Returns:
        The number of events inserted (duplicates are not counted).

    Raises:
        ValueError: a row lacks lead_id, at or type, or `at` is naive.
    """
    inserted = 0
    sqlite = conn.dialect.name == "sqlite"
    for batch in _batches(rows):
        records = [_event_record(row, sqlite) for row in batch]
        if _bulk(conn):
            inserted += _insert_events(conn, records)
        else:
            inserted += _generic_events(conn, batch, records)
    return inserted


# --- other dialects: SQLAlchemy Core --------------------------------------------------------


def _generic_leads(
    conn: Connection, columns: tuple[str, ...], group: dict[str, Mapping[str, Any]]
) -> int:
    """Look up which leads exist, update those, insert the rest."""
    clean: dict[str, dict[str, Any]] = {}
    for lead_id, row in group.items():
        item = {c: row[c] for c in columns[1:]}
        if item.get("created_at") is not None:
            _utc(item["created_at"], "created_at")
        if isinstance(item.get("value"), float):
            item["value"] = Decimal(str(item["value"]))
        clean[lead_id] = {"lead_id": lead_id, **item}
    column = leads.c.lead_id
    existing = set(conn.execute(select(column).where(column.in_(list(clean)))).scalars())
    fresh = [r for lead_id, r in clean.items() if lead_id not in existing]
    if fresh:
        conn.execute(leads.insert(), fresh)
    update = columns[1:]
    if update:
        for lead_id in existing:
            row = clean[lead_id]
            conn.execute(
                leads.update().where(column == lead_id).values({c: row[c] for c in update})
            )
    return len(clean)


def _generic_events(
    conn: Connection, batch: list[Mapping[str, Any]], records: list[tuple[Any, ...]]
) -> int:
    """Look up which keys are stored; insert the other events, each key once."""
    column = events.c.source_key
    keys = [r[5] for r in records]
    existing = set(conn.execute(select(column).where(column.in_(keys))).scalars())
    fresh: dict[str, dict[str, Any]] = {}
    for row, record in zip(batch, records, strict=True):
        key = record[5]
        if key not in existing and key not in fresh:
            fresh[key] = {
                **dict(zip(EVENT_COLUMNS, record, strict=True)),
                "at": row["at"],
                "extra": row.get("extra"),
            }
    if fresh:
        conn.execute(events.insert(), list(fresh.values()))
    return len(fresh)
