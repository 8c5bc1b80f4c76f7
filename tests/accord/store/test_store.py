"""The event store: opening, idempotent writes, and its faults (a missing, locked or
corrupt file, a restarted server)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from metrics_support import ams, backend_store, ev, fresh_store, make_workspace, put
from sqlalchemy import select

from accord.domain.errors import StoreError
from accord.metrics import Evaluator
from accord.store import ENV_STORE, Store, add_events, add_leads, events, leads, open_store

T = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


class TestWrites:
    def test_duplicate_events_are_skipped(self, store: Store) -> None:
        row = {"lead_id": "a", "at": T, "type": "entered", "stage": "sql"}
        with store.write() as conn:
            assert add_events(conn, [row, dict(row)]) == 1  # same content, same key
            assert add_events(conn, [{**row, "source_key": "crm-1"}]) == 1
        with store.write() as conn:
            assert add_events(conn, [row, {**row, "source_key": "crm-1"}]) == 0
        info = store.info()
        assert (info.events, info.last_event_at) == (2, T)
        assert store.max_event_id() == info.last_event_id >= 2  # PostgreSQL may skip ids

    def test_times_are_stored_as_utc(self, store: Store) -> None:
        local = ams(2026, 10, 31, 23, 30)
        put(store, events=[ev("a", local, "sql")])
        with store.read() as conn:
            at = conn.execute(select(events.c.at)).scalar_one()
        assert at == local and at.tzinfo == dt.UTC and at.hour == 22

    def test_naive_time_is_refused(self, store: Store) -> None:
        with pytest.raises(ValueError, match="timezone-aware"), store.write() as conn:
            add_events(conn, [{"lead_id": "a", "at": dt.datetime(2026, 1, 1), "type": "x"}])
        assert store.info().events == 0  # the transaction rolled back

    def test_leads_upsert_updates_given_columns_only(self, store: Store) -> None:
        with store.write() as conn:
            add_leads(conn, [{"lead_id": "a", "hot": True}, {"lead_id": "a", "hot": False}])
            assert (
                add_leads(conn, [{"lead_id": "a", "hot": True, "owner": "sam", "value": 12.5}]) == 1
            )
        with store.write() as conn:
            add_leads(conn, [{"lead_id": "a", "hot": False}, {"lead_id": "b"}])
        with store.read() as conn:
            rows = {r.lead_id: r for r in conn.execute(select(leads))}
        assert (rows["a"].hot, rows["a"].owner, float(rows["a"].value)) == (False, "sam", 12.5)
        assert rows["b"].hot is None

    def test_ids_grow_in_arrival_order(self, store: Store) -> None:
        put(store, events=[ev("a", T, "sql")])
        put(store, events=[ev("b", T - dt.timedelta(days=3), "sql")])  # older, arrives later
        with store.read() as conn:
            rows = conn.execute(select(events.c.lead_id).order_by(events.c.event_id)).scalars()
            assert list(rows) == ["a", "b"]


class TestSqliteFaults:
    def test_missing_file_is_not_created_by_a_reader(self, tmp_path: Path) -> None:
        path = tmp_path / "nope" / "funnel.db"
        with pytest.raises(StoreError) as caught:
            Store.open(f"sqlite:///{path}", readonly=True)
        assert str(caught.value) == (
            f"no event store at {path}; run `accord simulate` or `accord import` first"
        )
        assert not path.exists() and not path.parent.exists()

    def test_writer_creates_file_folder_and_wal(self, tmp_path: Path) -> None:
        path = tmp_path / "deep" / "funnel.db"
        with Store.open(f"sqlite:///{path}") as store:
            put(store, events=[ev("a", T, "sql")])
            with store.read() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        reader = Store.open(f"sqlite:///{path}", readonly=True)
        assert reader.info().events == 1
        with pytest.raises(StoreError, match="read-only"), reader.write():
            pass
        reader.close()

    def test_file_without_tables(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.db"
        sqlite3.connect(path).close()
        with pytest.raises(StoreError, match="has no events or leads table"):
            Store.open(f"sqlite:///{path}", readonly=True)

    def test_corrupt_file(self, tmp_path: Path) -> None:
        path = tmp_path / "funnel.db"
        path.write_bytes(b"this is not a database at all" * 200)
        for readonly in (True, False):
            with pytest.raises(StoreError) as caught:
                Store.open(f"sqlite:///{path}", readonly=readonly)
            assert "not a readable SQLite database" in str(caught.value)
            assert "\n" not in str(caught.value)

    def test_truncated_file(self, tmp_path: Path) -> None:
        path = tmp_path / "funnel.db"
        with Store.open(f"sqlite:///{path}") as store:
            put(store, events=[ev(f"l{i}", T, "sql") for i in range(3000)])
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        with path.open("r+b") as f:
            f.truncate(size // 2)
        with pytest.raises(StoreError, match="not a readable SQLite database"):
            reader = Store.open(f"sqlite:///{path}", readonly=True)
            reader.info()

    def test_locked_by_another_process(self, tmp_path: Path) -> None:
        path = tmp_path / "funnel.db"
        Store.open(f"sqlite:///{path}").close()
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys, time\n"
                f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
                "c.execute('BEGIN IMMEDIATE')\n"
                "print('locked', flush=True)\n"
                "sys.stdin.readline()\n",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            store = Store.open(f"sqlite:///{path}", busy_timeout=0.2)
            assert store.info().events == 0  # WAL: a reader is not blocked by the writer
            with pytest.raises(StoreError) as caught, store.write() as conn:
                add_events(conn, [ev("a", T, "sql")])
            assert "locked by another process" in str(caught.value)
            store.close()
        finally:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(timeout=10)
            if holder.stdout is not None:
                holder.stdout.close()

    def test_directory_instead_of_file(self, tmp_path: Path) -> None:
        with pytest.raises(StoreError, match="is a directory"):
            Store.open(f"sqlite:///{tmp_path}")


class TestUrls:
    def test_unreachable_postgres_names_url_without_password(self) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        url = f"postgresql+psycopg://accord:s3cr3t-pw@127.0.0.1:{port}/funnel"
        with pytest.raises(StoreError) as caught:
            Store.open(url, busy_timeout=1)
        message = str(caught.value)
        assert "s3cr3t-pw" not in message
        assert (
            f"cannot reach the event store at postgresql+psycopg://accord:***@127.0.0.1:{port}/funnel"
            in message
        )
        assert "\n" not in message

    def test_bad_url_and_unknown_driver(self) -> None:
        with pytest.raises(StoreError, match="not a valid store URL"):
            Store.open("not a url")
        with pytest.raises(StoreError, match="no driver"):
            Store.open("nosuchdb://user:pw@host/db")

    def test_open_store_precedence(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        ws = make_workspace(tmp_path / "ws", [])
        monkeypatch.delenv(ENV_STORE, raising=False)
        default = open_store(ws)
        assert default.url == f"sqlite:///{(tmp_path / 'ws' / '.accord' / 'funnel.db').resolve()}"
        default.close()
        monkeypatch.setenv(ENV_STORE, f"sqlite:///{tmp_path}/env.db")
        env = open_store(ws)
        assert env.url.endswith("/env.db")
        env.close()
        explicit = open_store(ws, f"sqlite:///{tmp_path}/cli.db")
        assert explicit.url.endswith("/cli.db")
        explicit.close()


class TestPostgres:
    def test_restart_between_evaluations_reconnects(
        self, postgres_server: Any, tmp_path: Path
    ) -> None:
        for store in fresh_store(postgres_server.url):
            ws = make_workspace(tmp_path / "ws", [{"id": "c", "kpi": "sqls", "target": {"min": 1}}])
            put(store, events=[ev("a", ams(2026, 11, 2, 10), "sql")])
            live = Evaluator(ws, store)
            assert live.full(ams(2026, 11, 3)).commitments[0].value == 1
            postgres_server.restart()
            put(store, events=[ev("b", ams(2026, 11, 2, 11), "sql")])
            assert live.refresh(ams(2026, 11, 3)).commitments[0].value == 2
            postgres_server.restart()
            assert live.full(ams(2026, 11, 3)).commitments[0].value == 2

    def test_stopped_server_is_a_store_error(self, postgres_server: Any) -> None:
        store = Store.open(postgres_server.url)
        postgres_server.stop()
        try:
            with pytest.raises(StoreError, match="cannot reach the event store"):
                store.info()
        finally:
            postgres_server.start()
        assert store.info().events >= 0
        store.close()


def test_postgresql_connections_run_without_jit(postgres_url: str) -> None:
    """JIT compilation doubled the metric queries' time (bench/metrics.py): it is off."""
    from sqlalchemy import text

    for readonly in (False, True):
        store = Store.open(postgres_url, readonly=readonly)
        try:
            with store.read() as conn:
                assert conn.execute(text("SHOW jit")).scalar() == "off"
                read_only = conn.execute(text("SHOW default_transaction_read_only")).scalar()
                assert read_only == ("on" if readonly else "off")
        finally:
            store.close()
