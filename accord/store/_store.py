"""The `Store`: engines, transactions, writes and the URL it is opened with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy import exc as sa_exc

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
from accord.store._schema import events, metadata

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace

_SCHEMA_LOCK = 0x61636364
"""PostgreSQL advisory lock key held while the tables are created (``"accd"``)."""


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
        """Create the tables and indexes that are missing (a no-op when all exist).

        Safe when several processes open a new store at once: the creation runs in a
        transaction that holds the write lock from its start (SQLite ``BEGIN IMMEDIATE``,
        a PostgreSQL advisory lock), so the others wait for it (the busy timeout) and
        then find the tables; should a database still report an object that "already
        exists", the check runs once more.
        """
        if self.readonly:
            self._check_tables()
            return
        with self._guard():
            with self.engine.connect() as conn:
                if _schema_complete(conn):
                    return
            try:
                self._create_missing()
            except sa_exc.DatabaseError as error:
                if "already exists" not in str(error).lower():
                    raise
                self._create_missing()

    def _create_missing(self) -> None:
        with self.engine.connect() as raw:
            conn = raw.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
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


def _schema_complete(conn: Connection) -> bool:
    """Whether every table and index of the schema exists (read only)."""
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    if not {t.name for t in metadata.sorted_tables} <= tables:
        return False
    for table in metadata.sorted_tables:
        have = {ix["name"] for ix in inspector.get_indexes(table.name)}
        if not {str(ix.name) for ix in table.indexes} <= have:
            return False
    return True


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
            with writer._guard():
                writer._create_missing()
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
