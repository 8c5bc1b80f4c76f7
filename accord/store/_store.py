"""The `Store`: engines, transactions, writes and the URL it is opened with."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy import exc as sa_exc

from accord.domain.clock import iso_z
from accord.domain.errors import StoreError, redact_url
from accord.domain.settings import store_url
from accord.store._connect import (
    BEGIN_OPTION,
    NO_STORE_HINT,
    describe,
    is_in_memory,
    is_missing_table,
    make_engine,
)
from accord.store._info import StoreInfo, store_info
from accord.store._schema import events, leads, metadata

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace


_BATCH = 5000
_LEAD_COLUMNS = ("created_at", "source", "segment", "hot", "value", "owner", "attributes")
_EVENT_COLUMNS = ("lead_id", "at", "type", "stage", "actor", "source_key", "extra")


class Store:
    """An opened event store. Use `Store.open` or `open_store`; close with `close()`."""

    url: str
    """The store URL with any password redacted (safe to show)."""
    engine: Engine
    """The SQLAlchemy engine (a pool; PostgreSQL connections are pre-pinged)."""
    readonly: bool

    def __init__(self, engine: Engine, url: str, raw_url: str, *, readonly: bool) -> None:
        self.engine = engine
        self.url = url
        self._raw_url = raw_url
        self.readonly = readonly

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    @property
    def dialect(self) -> str:
        """The SQLAlchemy dialect name: "sqlite", "postgresql", …"""
        return self.engine.dialect.name

    @classmethod
    def open(
        cls,
        url: str,
        *,
        readonly: bool = False,
        create: bool = True,
        busy_timeout: float = 5.0,
    ) -> Store:
        """Open (and unless `readonly`, create the tables of) the store at `url`.

        Args:
            url: a SQLAlchemy URL, e.g. ``sqlite:////abs/funnel.db`` or
                ``postgresql+psycopg://user:pw@host/db``.
            readonly: read only; a missing SQLite file or missing tables is an error
                instead of being created.
            create: create a missing SQLite file and missing tables (ignored when
                `readonly`).
            busy_timeout: seconds to wait for a lock (SQLite) or to connect (PostgreSQL).

        Raises:
            StoreError: the store cannot be reached, opened or read.
        """
        engine, shown = make_engine(
            url, readonly=readonly, create=create, busy_timeout=busy_timeout
        )
        store = cls(engine, shown, url, readonly=readonly)
        try:
            if readonly or not create:
                store._check_tables()
            else:
                store.ensure_schema()
        except BaseException:
            engine.dispose()
            raise
        return store

    def _plans_ready(self) -> bool:
        """Whether the SQLite file has the engine's indexes and planner statistics (a
        store written by an older Accord, or by hand, may have neither)."""
        with self.read() as conn:
            names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        wanted = {str(ix.name) for ix in events.indexes}
        return "sqlite_stat1" in names and wanted <= names

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver errors into `StoreError` (one line, no password)."""
        try:
            yield
        except StoreError:
            raise
        except sa_exc.SQLAlchemyError as error:
            if is_missing_table(error):
                raise StoreError(
                    f"the event store at {self.url} has no tables; {NO_STORE_HINT}"
                ) from None
            raise StoreError(describe(error, self.url, self._raw_url)) from None
        except OSError as error:
            raise StoreError(f"cannot use the event store at {self.url}: {error}") from None

    def _check_tables(self) -> None:
        with self._guard(), self.engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            missing = {"leads", "events"} - names
            if missing:
                raise StoreError(
                    f"the event store at {self.url} has no {' or '.join(sorted(missing))} table; "
                    f"{NO_STORE_HINT}"
                )
            conn.execute(select(events.c.event_id).limit(1)).all()

    def ensure_schema(self) -> None:
        """Create the tables and indexes that are missing (a no-op when all exist)."""
        if self.readonly:
            self._check_tables()
            return
        with self._guard(), self.engine.begin() as conn:
            create_missing(conn)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A short write transaction; commits on success, rolls back on error.

        SQLite takes the write lock at ``BEGIN IMMEDIATE`` (a busy timeout waits for
        another writer); PostgreSQL serializes writers of ``events`` with a table lock so
        that ``event_id`` order is commit order (the incremental-refresh cursor then
        never skips an event committed late).
        """
        if self.readonly:
            raise StoreError(f"the event store at {self.url} is open read-only")
        with self._guard(), self.engine.connect() as raw:
            conn = raw.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: every query inside sees one consistent snapshot."""
        with self._guard(), self.engine.connect() as conn, conn.begin():
            if self.dialect == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield conn

    def update_statistics(self) -> None:
        """Refresh the query planner's statistics after a bulk write (import, simulate,
        demo): ``ANALYZE`` on SQLite and PostgreSQL, a no-op elsewhere and read-only.

        Without statistics SQLite can pick the wrong index for the cohort queries'
        per-lead probes (docs/performance.md); one ANALYZE takes well under a second at
        300k leads.
        """
        if self.readonly or self.dialect not in ("sqlite", "postgresql"):
            return
        with self._guard(), self.engine.connect() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "ANALYZE leads, events"
                )
            conn.commit()

    def info(self) -> StoreInfo:
        """How many events the store holds and the newest one."""
        with self.read() as conn:
            return store_info(conn, self.url)

    def max_event_id(self) -> int:
        """The highest `event_id` (0 when there are no events): the refresh cursor."""
        with self.read() as conn:
            return int(conn.execute(select(func.max(events.c.event_id))).scalar() or 0)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_missing(conn: Connection) -> None:
    """Create the tables and indexes that do not exist yet. (`create_all` skips the
    indexes of a table that exists, so a store from an older Accord would never get a
    new index.)"""
    metadata.create_all(conn, checkfirst=True)
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def tune_for_reading(url: str) -> bool:
    """Give a SQLite store written by an older Accord (or by hand) the engine's indexes
    and planner statistics, when they are missing and the store can be written.

    `accord status` and `accord dash` call it before they open the store read-only; a
    store that cannot be written now (read-only file, a writer busy) is read as it is.
    Returns whether the store was tuned.
    """
    if not url.startswith("sqlite"):
        return False
    try:
        with Store.open(url, readonly=True) as reader:
            if reader._plans_ready():
                return False
    except StoreError:
        return False  # the reader that follows says what is wrong
    try:
        with Store.open(url, create=False, busy_timeout=0.5) as writer:
            with writer._guard(), writer.engine.begin() as conn:
                create_missing(conn)
            writer.update_statistics()
            with writer._guard(), writer.engine.connect() as conn:
                # leave the file whole: the tuning's pages back from the WAL into it
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except StoreError:
        return False
    return True


def open_store(ws: Workspace, url: str | None = None, *, readonly: bool = False) -> Store:
    """Open the event store of a workspace: `url` (``--store``) > env ``ACCORD_STORE`` >
    the workspace's ``store:`` > ``sqlite:///.accord/funnel.db`` (`store_url` decides).

    Raises:
        StoreError: the store cannot be reached or, when `readonly`, does not exist; or it
            is an in-memory database opened to write (what a command writes there is gone
            when it ends).
    """
    chosen = store_url(ws, url)
    if not readonly and is_in_memory(chosen):
        raise StoreError(
            f"the event store {redact_url(chosen)} is an in-memory database: what is written "
            "there is gone when the command ends; give a file (sqlite:///path/funnel.db) or a "
            "database server"
        )
    return Store.open(chosen, readonly=readonly)


# --- writing ---------------------------------------------------------------------


def _aware(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")
    return value


def event_key(row: Mapping[str, Any]) -> str:
    """The default `source_key` of an event: a digest of its lead, time, type and stage."""
    at = _aware(row["at"], "at")
    content = json.dumps([row["lead_id"], iso_z(at), row["type"], row.get("stage")])
    return "c:" + hashlib.sha256(content.encode()).hexdigest()[:32]


def _batches(rows: Iterable[dict[str, Any]], size: int = _BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn: Connection, table: Any, index: str) -> Any:
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    return None


def _written(conn: Connection, stmt: Any, key: Any, rows: list[dict[str, Any]]) -> int:
    """Execute an INSERT … ON CONFLICT for many rows; how many rows it wrote.

    SQLite's executemany reports a summed rowcount; psycopg does not, so elsewhere the
    statement returns `key` for each written row (batched by SQLAlchemy's
    "insertmanyvalues") and those rows are counted.
    """
    if conn.dialect.name == "sqlite":
        return int(conn.execute(stmt, rows).rowcount or 0)
    return len(conn.execute(stmt.returning(key), rows).all())


def add_leads(conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
    """Insert leads; a lead that exists gets the columns given in the row updated.

    Rows are dicts with ``lead_id`` and any of created_at (aware datetime), source,
    segment, hot, value, owner, attributes (a dict).

    Returns:
        The number of rows written (inserted or updated).
    """
    written = 0
    for batch in _batches(rows):
        # One row per lead and column set (the last wins): PostgreSQL refuses to
        # update a row twice in one statement.
        groups: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}
        for row in batch:
            if not row.get("lead_id"):
                raise ValueError(f"a lead needs a lead_id: {row!r}")
            clean = {k: _lead_value(k, v) for k, v in row.items() if k in _LEAD_COLUMNS}
            clean["lead_id"] = str(row["lead_id"])
            groups.setdefault(tuple(sorted(clean)), {})[clean["lead_id"]] = clean
        for columns, group in groups.items():
            written += _upsert_leads(conn, columns, list(group.values()))
    return written


def _lead_value(key: str, value: Any) -> Any:
    if key == "created_at" and value is not None:
        return _aware(value, "created_at")
    if key == "value" and isinstance(value, float):
        return Decimal(str(value))
    return value


def _upsert_leads(conn: Connection, columns: tuple[str, ...], group: list[dict[str, Any]]) -> int:
    stmt = _insert(conn, leads, "lead_id")
    update = [c for c in columns if c != "lead_id"]
    if stmt is not None:
        if update:
            stmt = stmt.on_conflict_do_update(
                index_elements=[leads.c.lead_id], set_={c: stmt.excluded[c] for c in update}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=[leads.c.lead_id])
        return _written(conn, stmt, leads.c.lead_id, group)
    # Generic dialect: look up which exist, update those, insert the rest.
    ids = [r["lead_id"] for r in group]
    existing = set(conn.execute(select(leads.c.lead_id).where(leads.c.lead_id.in_(ids))).scalars())
    fresh = [r for r in {r["lead_id"]: r for r in group}.values() if r["lead_id"] not in existing]
    if fresh:
        conn.execute(leads.insert(), fresh)
    for row in group:
        if row["lead_id"] in existing and update:
            conn.execute(
                leads.update()
                .where(leads.c.lead_id == row["lead_id"])
                .values({c: row[c] for c in update})
            )
    return len(group)


def add_events(conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
    """Append events, skipping any whose ``source_key`` is already stored.

    Rows are dicts with ``lead_id``, ``at`` (an aware datetime), ``type`` and optionally
    ``stage``, ``actor``, ``source_key`` (default: `event_key` of the row) and ``extra``
    (a JSON-able dict). ``event_id`` is assigned by the store.

    Returns:
        The number of events inserted (duplicates are not counted).

    Raises:
        ValueError: a row lacks lead_id, at or type, or `at` is naive.
    """
    inserted = 0
    for batch in _batches(rows):
        clean: list[dict[str, Any]] = []
        for row in batch:
            if not row.get("lead_id") or not row.get("type"):
                raise ValueError(f"an event needs lead_id, at and type: {row!r}")
            _aware(row.get("at"), "at")
            item = {k: row.get(k) for k in _EVENT_COLUMNS}
            item["lead_id"] = str(item["lead_id"])
            item["source_key"] = str(row.get("source_key") or event_key(row))
            clean.append(item)
        stmt = _insert(conn, events, "source_key")
        if stmt is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=[events.c.source_key])
            inserted += _written(conn, stmt, events.c.event_id, clean)
            continue
        keys = [r["source_key"] for r in clean]
        existing = set(
            conn.execute(select(events.c.source_key).where(events.c.source_key.in_(keys))).scalars()
        )
        fresh: dict[str, dict[str, Any]] = {}
        for item in clean:
            if item["source_key"] not in existing:
                fresh.setdefault(item["source_key"], item)
        if fresh:
            conn.execute(events.insert(), list(fresh.values()))
        inserted += len(fresh)
    return inserted
