"""Large results read in bulk: the driver's rows as they come, and stored timestamps
turned into aware UTC datetimes a column at a time.

A full evaluation reads each period's cohort, up to one row per lead (75,000 rows for
a 90-day conversion at 300,000 leads). Through SQLAlchemy's `Result` each row is
fetched on its own and each timestamp goes through the store's type
(`accord.store.UtcDateTime`); here the rows come from the DB-API cursor in one
``fetchall`` and the timestamps are converted in one pass per column, to exactly
the values `UtcDateTime` gives (``tests/accord/metrics`` compares them on SQLite and
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Executable, exc

from accord.store import collector_paused

RAW_DRIVERS = frozenset({("sqlite", "pysqlite"), ("postgresql", "psycopg")})
"""(dialect, driver) pairs whose rows are read straight from the DB-API cursor: their
timestamps come as text (SQLite) or naive datetimes (psycopg). Any other driver's rows
come through SQLAlchemy, typed."""

_NAIVE_EPOCH = dt.datetime(1970, 1, 1)
_UTC_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_parse = dt.datetime.fromisoformat


def fetch_all(conn: Connection, stmt: Executable) -> Sequence[Sequence[Any]]:
    """Every row of `stmt`: the DB-API cursor's tuples for the `RAW_DRIVERS` (no
    per-row processing: timestamps as the driver returns them, see `utc_times`),
    SQLAlchemy's typed rows for any other driver. The rows are fetched in one call,
    with the collector paused; a driver error while fetching is raised as SQLAlchemy
    raises it (`sqlalchemy.exc.DBAPIError`), so the store reports it as a `StoreError`."""
    result = conn.execute(stmt)
    with collector_paused():
        if (conn.dialect.name, conn.dialect.driver) not in RAW_DRIVERS:
            return result.all()
        dbapi_error = conn.dialect.loaded_dbapi.Error
        try:
            rows: Sequence[Sequence[Any]] = result.cursor.fetchall()
        except dbapi_error as error:  # SQLite runs much of a query while it is fetched
            raise exc.DBAPIError.instance(
                None, None, error, dbapi_error, dialect=conn.dialect
            ) from error
        finally:
            result.close()
    return rows


def utc(value: Any) -> dt.datetime:
    """One stored timestamp as an aware UTC datetime, as `accord.store.UtcDateTime` reads
    it: text is parsed (ISO 8601, as SQLAlchemy's SQLite dialect does); a naive time is
    UTC; an aware one is converted to UTC."""
    moment: dt.datetime = _parse(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def utc_times(values: Sequence[Any]) -> list[dt.datetime | None]:
    """A column of stored timestamps (None kept) as aware UTC datetimes, each equal to
    `utc(value)`.

    The common columns — all text without an offset (SQLite), or all naive datetimes
    (psycopg) — take a fast pass that attaches UTC by adding the value's distance from
    the naive epoch to the UTC epoch (``datetime.replace`` costs several times more);
    a value with an offset, or of another type, sends the column the careful way.
    """
    sample = next((v for v in values if v is not None), None)
    try:
        if isinstance(sample, str):
            return [None if v is None else _UTC_EPOCH + (_parse(v) - _NAIVE_EPOCH) for v in values]
        if isinstance(sample, dt.datetime) and sample.tzinfo is None:
            return [None if v is None else _UTC_EPOCH + (v - _NAIVE_EPOCH) for v in values]
    except (TypeError, ValueError):
        pass  # an aware or unexpected value: `utc` says what it is, or fails as the store would
    return [None if v is None else utc(v) for v in values]
