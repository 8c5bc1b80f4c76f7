"""The cohort queries' per-lead probes use the lead index on a store without statistics.

After a bulk import SQLite has no statistics (``sqlite_stat1`` is empty) and once
chose ``(type, stage, at)`` for the probe of a lead's earlier `from` event: a scan
of every earlier event of that stage per cohort lead, more than ten minutes at
300k leads. With ``(lead_id, type, stage, at)`` the planner needs no statistics to
pick the right index; these tests read ``EXPLAIN QUERY PLAN`` so a change that
brings the scan back fails.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest
from metrics_support import ams, backend_store, ev, make_workspace, put
from sqlalchemy import Select
from sqlalchemy.engine import Connection
from testclock import Cli

from accord.cli import main
from accord.domain import model as m
from accord.metrics import _sql
from accord.store import Store, tune_for_reading

START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
AT = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
SQL = m.EventMatch(type="entered", stage="sql")
OPP = m.EventMatch(type="entered", stage="opportunity")
CONTACTED = m.EventMatch(type="contacted")
LEAD_INDEX = "ix_events_lead_type_stage_at"


def plan(conn: Connection, stmt: Select[object]) -> list[str]:
    sql = stmt.compile(conn, compile_kwargs={"literal_binds": True})
    return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(f"sqlite:///{tmp_path / 'funnel.db'}")
    with s.read() as conn:  # a fresh store, as after an import: no statistics at all
        stat = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).scalar()
        assert stat == 0
    return s


@pytest.mark.parametrize(
    ("start_match", "end_match"), [(SQL, CONTACTED), (SQL, OPP), (OPP, SQL)], ids=str
)
@pytest.mark.parametrize("open_only", [False, True], ids=["cohort", "open"])
@pytest.mark.parametrize("period", [True, False], ids=["period", "all-time"])
def test_every_per_lead_probe_searches_the_lead_index(
    store: Store,
    start_match: m.EventMatch,
    end_match: m.EventMatch,
    open_only: bool,
    period: bool,
) -> None:
    stmt = _sql.cohort(
        start_match, end_match, None, START if period else None, AT, open_only=open_only
    )
    with store.read() as conn:
        lines = plan(conn, stmt)
    probes = [line for line in lines if re.match(r"(SEARCH|SCAN) [btf]\b", line)]
    # t: the `to` event; f: the tie at the same instant; b: an earlier `from` (periods)
    assert len(probes) == (3 if period else 2), lines
    for line in probes:
        assert line.startswith("SEARCH") and f"INDEX {LEAD_INDEX} (lead_id=?" in line, lines
    assert not any(line.startswith("SCAN e") for line in lines), lines


def test_update_statistics_fills_sqlite_stat1(store: Store) -> None:
    put(store, events=[ev(f"l{i}", ams(2026, 11, 2, 10), "sql") for i in range(5)])
    store.update_statistics()
    with store.read() as conn:
        rows = conn.exec_driver_sql("SELECT tbl, idx FROM sqlite_stat1").all()
    assert ("events", LEAD_INDEX) in {(t, i) for t, i in rows}


def test_update_statistics_analyzes_postgresql(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    for pg in backend_store(request, tmp_path, "postgresql"):
        put(pg, events=[ev(f"l{i}", ams(2026, 11, 2, 10), "sql") for i in range(5)])
        pg.update_statistics()
        with pg.read() as conn:
            analyzed = conn.exec_driver_sql(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'events'"
            ).scalar()
        assert analyzed is True


def test_update_statistics_is_a_no_op_read_only(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "funnel.db"
    store.update_statistics()  # the table exists; the read-only store must not fill it
    with Store.open(f"sqlite:///{path}", readonly=True) as reader:
        with sqlite3.connect(path) as side:
            side.execute("DELETE FROM sqlite_stat1")
        reader.update_statistics()  # read-only: must not write
    with sqlite3.connect(path) as side:
        assert side.execute("SELECT count(*) FROM sqlite_stat1").fetchone() == (0,)


def _old_store(path: Path) -> str:
    """A store as an older Accord left it: no lead index, no statistics."""
    url = f"sqlite:///{path}"
    with Store.open(url) as s:
        put(s, events=[ev(f"l{i}", ams(2026, 11, 2, 10), "sql") for i in range(5)])
        with s.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP INDEX {LEAD_INDEX}")
    return url


def _names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}


def test_tuning_gives_an_old_store_its_index_and_statistics(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = _old_store(path)
    assert LEAD_INDEX not in _names(path) and "sqlite_stat1" not in _names(path)
    assert tune_for_reading(url) is True
    assert {LEAD_INDEX, "sqlite_stat1"} <= _names(path)
    assert tune_for_reading(url) is False  # once is enough


def test_tuning_gives_way_to_a_writer_holding_the_store(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = _old_store(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer: the tuning cannot write now
    try:
        assert tune_for_reading(url) is False
        with Store.open(url, readonly=True) as reader:
            assert reader.info().events == 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert LEAD_INDEX not in _names(path)


def test_accord_status_tunes_an_old_store(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    make_workspace(root, [{"id": "volume", "kpi": "sqls", "target": {"min": 10}}])
    path = root / ".accord" / "funnel.db"
    url = _old_store(path)
    out = Cli().invoke(main, ["status", str(root), "--store", url, "--json"])
    assert out.exit_code == 0, out.output
    assert LEAD_INDEX in _names(path)
