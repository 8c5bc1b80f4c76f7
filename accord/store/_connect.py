"""Opening a SQLAlchemy engine for the event store, and turning driver errors into `StoreError`.

SQLite: the file and its folder are created on demand (unless the
store is opened read-only, which uses a ``mode=ro`` URI so a missing file is
reported instead of created); every connection gets WAL mode, a busy timeout
and ``synchronous=NORMAL``; writers take the write lock up front with
``BEGIN IMMEDIATE`` so a read transaction never has to upgrade. A path that is
not a regular file (a FIFO, socket or device would block or mislead SQLite) is
refused before connecting, and a ``.accord`` folder the store creates gets a
``.gitignore`` of ``*`` so git never stages the database.

PostgreSQL: a pool with ``pool_pre_ping`` so a connection that
died in a server restart is replaced before use, and a connect timeout so an
unreachable server fails fast.

Every message names the store by its URL with the password redacted.
"""

from __future__ import annotations

import contextlib
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import ConnectionPoolEntry

from accord.domain.errors import StoreError, redact_url

NO_STORE_HINT = "run `accord simulate` or `accord import` first"
BEGIN_OPTION = "accord_begin"
"""Connection execution option: the SQLite ``BEGIN`` variant ("IMMEDIATE" for writers)."""
STATE_FOLDER = ".accord"
"""The folder of Accord's local state (the default store, caches): never committed."""
GITIGNORE = "# Accord's local state (the event store, caches): never committed.\n*\n"
_COMPANIONS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database."""
_WAL_RETRY = 0.005
"""Seconds between two attempts to switch a new SQLite file to WAL mode."""
_FULL = ("database or disk is full", "no space left on device", "disk full", "disk quota")
"""How drivers say that the disk (or the database's size limit) is full."""
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def sqlite_path(url: URL) -> Path | None:
    """The database file of a sqlite URL, or ``None`` for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def is_in_memory(raw_url: str) -> bool:
    """Whether `raw_url` is an in-memory SQLite database (gone when the process ends)."""
    try:
        url = make_url(raw_url)
    except exc.ArgumentError:
        return False
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return True
    return "mode=memory" in database or url.query.get("mode") == "memory"


def _not_regular(path: Path) -> str | None:
    """What `path` is when it exists and is neither a regular file nor a directory."""
    try:
        mode = path.stat().st_mode
    except OSError:  # missing, or unreadable: SQLite says what is wrong
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def _make_folder(folder: Path) -> None:
    """Create `folder` and its parents; a ``.accord`` folder created here gets a
    ``.gitignore`` of ``*`` (an existing one is never touched)."""
    created = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        created.append(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    for made in created:
        if made.name == STATE_FOLDER:
            with contextlib.suppress(OSError), (made / ".gitignore").open("x") as fh:
                fh.write(GITIGNORE)


def make_engine(
    raw_url: str, *, readonly: bool, create: bool, busy_timeout: float
) -> tuple[Engine, str]:
    """An engine for `raw_url` and the URL's redacted form.

    Raises:
        StoreError: the URL cannot be parsed, names an unknown driver, or (SQLite) the
            file is missing when it may not be created.
    """
    shown = redact_url(raw_url)
    try:
        url = make_url(raw_url)
    except exc.ArgumentError:
        raise StoreError(
            f"{shown} is not a valid store URL (e.g. sqlite:///path/funnel.db)"
        ) from None
    try:
        if url.get_backend_name() == "sqlite":
            engine = _sqlite_engine(url, shown, readonly=readonly, create=create, busy=busy_timeout)
        else:
            options: dict[str, Any] = {"pool_pre_ping": True}
            if url.get_backend_name() == "postgresql":
                # JIT compilation cost more than it saved on every metric query measured
                # (bench/metrics.py: full evaluation 1.2 s with JIT, 0.6 s without).
                settings = ["-c jit=off"]
                if readonly:
                    settings.append("-c default_transaction_read_only=on")
                options["connect_args"] = {
                    "connect_timeout": max(1, round(busy_timeout)),
                    "options": " ".join(settings),
                }
            engine = create_engine(url, **options)
    except (exc.NoSuchModuleError, ImportError, ModuleNotFoundError) as error:
        raise StoreError(
            f"cannot open the event store at {shown}: no driver for it ({error}); "
            "PostgreSQL needs `pip install accord[postgres]`"
        ) from None
    return engine, shown


def _sqlite_engine(url: URL, shown: str, *, readonly: bool, create: bool, busy: float) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        # SQLite would block on a FIFO (and misread a device): refuse before connecting,
        # the database and the files SQLite keeps beside it.
        for companion in (path, *(path.with_name(path.name + s) for s in _COMPANIONS)):
            kind = _not_regular(companion)
            if kind is not None:
                raise StoreError(
                    f"the event store at {path} cannot be used: {companion} is {kind}, not a "
                    "regular file; give the path of a SQLite database file"
                )
        if not path.exists():
            if readonly or not create:
                raise StoreError(f"no event store at {path}; {NO_STORE_HINT}")
            try:
                _make_folder(path.parent)
            except OSError as error:
                raise StoreError(f"cannot create the event store at {path}: {error}") from None
        elif path.is_dir():
            raise StoreError(f"the event store at {path} is a directory, not a SQLite file")
    if readonly and path is not None:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
        )
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False})
    wal = path is not None and not readonly

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own
        # transaction handling would defer it, see SQLAlchemy's sqlite docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy * 1000)}")
            if wal:
                _use_wal(cursor, busy)
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        kind = connection.get_execution_options().get(BEGIN_OPTION, "")
        connection.exec_driver_sql(f"BEGIN {kind}".strip())

    return engine


def _use_wal(cursor: Any, busy: float) -> None:
    """Put the database in WAL mode (it stays so; a no-op once it is).

    The switch needs the database to itself, and SQLite refuses it at once ("database
    is locked") rather than wait its busy timeout when another connection is switching
    a new file at the same moment (two imports starting on a new store): this tries
    again until the busy timeout has passed.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + busy
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY)


def describe(error: BaseException, shown: str, url: str) -> str:
    """A one-line, password-free explanation of a driver error."""
    original = getattr(error, "orig", None) or error
    text = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    lowered = text.lower()
    try:
        password = make_url(url).password
    except exc.ArgumentError:
        password = None
    if password:
        text = text.replace(str(password), "***")
    if any(full in lowered for full in _FULL):
        return f"the event store at {shown} is full ({text})"
    if "database is locked" in lowered or "database table is locked" in lowered:
        return f"the event store at {shown} is locked by another process (still busy after waiting)"
    if "file is not a database" in lowered or "malformed" in lowered:
        return (
            f"the event store at {shown} is not a readable SQLite database ({text}); "
            "restore it from a backup or delete it"
        )
    if "unable to open database" in lowered:
        return f"cannot open the event store at {shown} ({text})"
    if "readonly" in lowered or "read-only" in lowered:
        return f"the event store at {shown} is read-only ({text})"
    if isinstance(error, exc.OperationalError | exc.InterfaceError) or "connect" in lowered:
        return f"cannot reach the event store at {shown}: {text}"
    return f"event store error at {shown}: {text}"


def is_missing_table(error: BaseException) -> bool:
    """Whether a driver error says a table does not exist."""
    text = str(getattr(error, "orig", None) or error).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)
