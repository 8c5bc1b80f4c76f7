"""Faults injected into a real event store while the dashboard runs.

Each test starts the dashboard on a SQLite file or a PostgreSQL database, breaks
the store underneath it, sees the STALE banner with the last good numbers kept,
repairs the store and sees the dashboard recover by itself — without a
traceback and without the store's password anywhere on screen or in the output.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_app import SIZE, cell_text, header, started, wait_for
from testclock import NOW, running
from tui_support import fill_store, write_workspace

from accord.domain.workspace import Workspace
from tui.app import AccordApp, make_app
from tui.data import Partial, Snapshot, StoreSource
from tui.screens.help import HelpScreen
from tui.widgets.banner import Banner
from tui.widgets.commitments import CommitmentTable

SQL_VOLUME = "c:marketing-sales-sla/sql-volume"


class WatchedSource(StoreSource):
    """A real `StoreSource` that counts fetches and tells when one is in progress."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.fetches = 0
        self.inflight = threading.Event()

    def fetch(
        self,
        ws: Workspace,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        per: str,
        on_partial: Partial | None = None,
    ) -> Snapshot:
        self.inflight.set()
        try:
            return super().fetch(ws, at=at, now=now, per=per, on_partial=on_partial)
        finally:
            self.fetches += 1
            self.inflight.clear()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


def dashboard(root: Path, source: StoreSource, refresh: float = 0.05) -> AccordApp:
    return make_app(
        root,
        source=source,
        refresh=refresh,
        clock=running(NOW),  # the data lies in the 14 days before NOW: this month
        history=lambda key: "no history in this test",
    )


def banner_of(app: AccordApp) -> Banner:
    return app.main_screen().query_one("#stale-banner", Banner)


def sql_volume(app: AccordApp) -> str:
    return cell_text(app.main_screen().query_one(CommitmentTable), SQL_VOLUME, "value")


def no_traceback(capfd: pytest.CaptureFixture[str], *secrets: str) -> None:
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    for secret in secrets:
        assert secret not in out + err


def sqlite_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


class TestSqlite:
    async def test_file_removed_while_running_then_restored(
        self, root: Path, capfd: pytest.CaptureFixture[str]
    ) -> None:
        db = root / "funnel.db"
        fill_store(f"sqlite:///{db}", now=NOW)
        app = dashboard(root, WatchedSource(f"sqlite:///{db}"))
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            assert sql_volume(app) == "10"
            aside = root / "aside"
            aside.mkdir()
            moved = [(p, p.rename(aside / p.name)) for p in sqlite_files(db)]
            banner = banner_of(app)
            await wait_for(pilot, lambda: banner.display, timeout=8)
            assert "STALE since" in banner.message and "no event store" in banner.message
            assert "funnel.db" in banner.message
            assert header(app, "state").startswith("STALE since")
            assert sql_volume(app) == "10"  # the last good numbers stay
            assert not db.exists()  # read-only, never created anew
            for original, now_at in moved:
                now_at.rename(original)
            await wait_for(pilot, lambda: not banner.display, timeout=10)
            assert header(app, "state") == "● live" and sql_volume(app) == "10"
            assert app.is_running
        no_traceback(capfd)

    async def test_locked_wal_file_does_not_stop_readers(
        self, root: Path, capfd: pytest.CaptureFixture[str]
    ) -> None:
        """in WAL mode a writer's exclusive transaction never blocks a reader."""
        db = root / "funnel.db"
        fill_store(f"sqlite:///{db}", now=NOW)
        source = WatchedSource(f"sqlite:///{db}")
        app = dashboard(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            writer = sqlite3.connect(db, isolation_level=None)
            try:
                assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                writer.execute("BEGIN EXCLUSIVE")
                writer.execute("DELETE FROM events")  # uncommitted: readers don't see it
                before = source.fetches
                await wait_for(pilot, lambda: source.fetches >= before + 3, timeout=10)
                assert not banner_of(app).display
                assert header(app, "state") == "● live" and sql_volume(app) == "10"
            finally:
                writer.execute("ROLLBACK")
                writer.close()
        no_traceback(capfd)

    async def test_locked_file_goes_stale_without_blocking_the_ui_then_recovers(
        self, root: Path, capfd: pytest.CaptureFixture[str]
    ) -> None:
        """A rollback-journal file under another process's exclusive lock: the read waits
        its busy timeout in the worker (the UI answers keys meanwhile), then STALE."""
        db = root / "funnel.db"
        fill_store(f"sqlite:///{db}", now=NOW)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        conn.close()
        source = WatchedSource(f"sqlite:///{db}")
        assert source.busy_timeout >= 1.0  # the wait the UI must not feel
        app = dashboard(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            locker = sqlite3.connect(db, isolation_level=None)
            try:
                locker.execute("BEGIN EXCLUSIVE")
                banner = banner_of(app)
                # a fetch that started after the lock waits on it in its worker thread...
                before = source.fetches
                await wait_for(pilot, lambda: source.fetches > before, timeout=10)
                await wait_for(pilot, lambda: source.inflight.is_set(), timeout=20)
                await pilot.press("question_mark")  # ...and the UI still answers keys
                assert isinstance(app.screen, HelpScreen)
                assert source.inflight.is_set()  # the key was handled during the wait
                await pilot.press("escape")
                await wait_for(pilot, lambda: banner.display, timeout=10)
                assert "STALE since" in banner.message and "locked" in banner.message
                assert sql_volume(app) == "10"
            finally:
                locker.execute("ROLLBACK")
                locker.close()
            await wait_for(pilot, lambda: not banner.display, timeout=15)
            assert header(app, "state") == "● live" and sql_volume(app) == "10"
            assert app.is_running
        no_traceback(capfd)


PASSWORD = "s3cret"


@pytest.fixture
def pg_url(postgres_server: Any) -> Iterator[str]:
    """A fresh database of its own on the session server, with a password in its URL
    (trust auth accepts any); dropped afterwards."""
    import psycopg

    name = f"dash_{uuid.uuid4().hex[:10]}"
    admin = f"host=127.0.0.1 port={postgres_server.port} user=accord dbname=accord_test"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://accord:{PASSWORD}@127.0.0.1:{postgres_server.port}/{name}"
    finally:
        postgres_server.start()  # a failed test may have left it stopped
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TestPostgres:
    async def test_server_restart_goes_stale_and_recovers(
        self, root: Path, postgres_server: Any, pg_url: str, capfd: pytest.CaptureFixture[str]
    ) -> None:
        fill_store(pg_url, now=NOW)
        app = dashboard(root, WatchedSource(pg_url))
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            assert sql_volume(app) == "10"
            banner = banner_of(app)
            try:
                postgres_server.stop()
                await wait_for(pilot, lambda: banner.display, timeout=15)
                assert "STALE since" in banner.message
                assert PASSWORD not in banner.message
                assert "127.0.0.1" in banner.message or "postgresql" in banner.message
                assert header(app, "state").startswith("STALE since")
                assert sql_volume(app) == "10"
                assert app.is_running
            finally:
                postgres_server.start()
            # retries back off (up to 15 s between attempts); recovery follows the next one
            await wait_for(pilot, lambda: not banner.display, timeout=30)
            assert header(app, "state") == "● live" and sql_volume(app) == "10"
            assert PASSWORD not in header(app, "freshness") + header(app, "state")
        no_traceback(capfd, PASSWORD)
