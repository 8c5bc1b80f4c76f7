"""Cohorts read in bulk (`accord.metrics._fetch`): the driver's rows, with their
timestamps converted a column at a time, equal what the store's typed columns give
(`accord.store.UtcDateTime` through SQLAlchemy), on SQLite and on PostgreSQL; the
store line read in one statement; commitments asking the same query share it."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from metrics_support import ams, backend_store, ev, fresh_store, make_workspace, put
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from accord.domain import model as m
from accord.domain.errors import StoreError
from accord.metrics import _fetch, _sql, evaluate
from accord.store import Store, UtcDateTime, collector_paused

AT = ams(2026, 11, 20, 12)

SQLITE = sqlite.dialect()
PSYCOPG = postgresql.dialect(driver="psycopg")

TEXTS = [
    "2026-11-18 10:00:00.000000",  # what the store writes
    "2026-11-18 10:00:00.123456",
    "2026-11-18 10:00:00",
    "2026-11-18T10:00:00",
    "2026-11-18",
    "1969-12-31 23:59:59.999999",
    "0001-01-01 00:00:00.000000",
    "9999-12-31 23:59:59.999999",
]
OFFSET_TEXTS = ["2026-11-18 10:00:00+01:00", "2026-11-18T10:00:00Z", "2026-03-29 01:30:00-05:00"]


def typed(dialect: Dialect, value: Any) -> dt.datetime | None:
    """A stored value as the store's typed column reads it on `dialect`."""
    column = UtcDateTime().dialect_impl(dialect)
    processor = column.result_processor(dialect, None)
    out: dt.datetime | None = processor(value) if processor is not None else value
    return out


def same(got: list[dt.datetime | None], want: list[dt.datetime | None]) -> None:
    assert got == want
    for value in got:
        assert value is None or value.tzinfo is dt.UTC  # isoformat() and iso_z() alike


@pytest.mark.parametrize(
    "values",
    [
        TEXTS,
        [None, *TEXTS, None],
        OFFSET_TEXTS,
        [TEXTS[0], OFFSET_TEXTS[0], None, TEXTS[1]],  # one with an offset: the careful way
        [OFFSET_TEXTS[1], TEXTS[0]],
        [None, None],
        [],
    ],
)
def test_text_reads_as_the_store_reads_it_on_sqlite(values: list[str | None]) -> None:
    same(_fetch.utc_times(values), [None if v is None else typed(SQLITE, v) for v in values])


NAIVE = [dt.datetime(2026, 11, 18, 10, 0, 0, 123456), dt.datetime(1969, 12, 31, 23, 59, 59)]
AWARE = [
    dt.datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Amsterdam")),
    dt.datetime(2026, 11, 18, 10, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC),
]


@pytest.mark.parametrize(
    "values", [NAIVE, [None, *NAIVE], AWARE, [*NAIVE, *AWARE], [AWARE[0], NAIVE[0], None]]
)
def test_datetimes_read_as_the_store_reads_them_from_psycopg(
    values: list[dt.datetime | None],
) -> None:
    same(_fetch.utc_times(values), [None if v is None else typed(PSYCOPG, v) for v in values])


@pytest.mark.parametrize("values", [["not a time"], [TEXTS[0], "2026-13-01 00:00:00"]])
def test_text_that_is_no_time_fails_as_in_the_store(values: list[str]) -> None:
    with pytest.raises(ValueError):
        [typed(SQLITE, v) for v in values]
    with pytest.raises(ValueError):
        _fetch.utc_times(values)


def test_the_collector_is_paused_and_restored() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


# --- on the stores ----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


TRICKY = [
    ams(2026, 11, 2, 9, 0, 0) + dt.timedelta(microseconds=1),
    ams(2026, 11, 3, 23, 59, 59) + dt.timedelta(microseconds=999999),
    dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Amsterdam")),  # DST
    dt.datetime(2026, 11, 4, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
]


def tricky_events() -> list[dict[str, Any]]:
    rows = []
    for i, moment in enumerate(TRICKY):
        rows.append(ev(f"l{i}", moment, "sql"))
        if i % 2 == 0:
            rows.append(ev(f"l{i}", moment + dt.timedelta(hours=3, microseconds=7), "contacted"))
    rows.append(ev("tie", TRICKY[0], "sql"))
    rows.append(ev("tie", TRICKY[0], "contacted"))  # at the same instant, after it
    return rows


@pytest.mark.parametrize("open_only", [False, True])
def test_driver_rows_equal_typed_rows(store: Store, open_only: bool) -> None:
    put(store, events=tricky_events())
    stmt = _sql.cohort(
        m.EventMatch(type="entered", stage="sql"),
        m.EventMatch(type="contacted"),
        None,
        None if open_only else ams(2026, 10, 1),
        AT,
        open_only=open_only,
    )
    with store.read() as conn:
        want = sorted(tuple(row) for row in conn.execute(stmt))
        raw = _fetch.fetch_all(conn, stmt)
    assert (store.dialect, "pysqlite" if store.dialect == "sqlite" else "psycopg") in (
        _fetch.RAW_DRIVERS
    )
    columns = list(zip(*raw, strict=True))
    got = list(zip(columns[0], *(_fetch.utc_times(c) for c in columns[1:]), strict=True))
    assert sorted(got) == want
    assert len(want) == (2 if open_only else 5)


KINDS = [
    {"id": "count", "kpi": "sqls", "target": {"min": 3}},
    {"id": "conv", "kpi": "mql-to-sql", "target": {"min": "50%"}},
    {"id": "hot", "kpi": "hot-callback", "target": {"min": "90%"}},
    {"id": "day", "kpi": "callback-calendar", "target": {"min": "90%"}},
    {"id": "p90", "kpi": "time-to-contact", "target": {"max": "8h"}},
    {"id": "median", "kpi": "business-time-to-contact", "target": {"max": "8h"}},
    {"id": "wait-hot", "kpi": "waiting-hot", "target": {"max": 0}},
    {"id": "wait", "kpi": "waiting", "target": {"max": 2}},
]


def test_other_drivers_give_the_same_evaluation_through_typed_rows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace(tmp_path / "ws", KINDS)
    put(
        store,
        leads=[{"lead_id": f"l{i}", "hot": i != 3} for i in range(len(TRICKY))],
        events=[*tricky_events(), ev("l1", ams(2026, 11, 5, 9), "mql")],
    )
    bulk = evaluate(ws, store, AT)
    monkeypatch.setattr(_fetch, "RAW_DRIVERS", frozenset())
    assert evaluate(ws, store, AT) == bulk
    waiting = {c.id: c.leads for c in bulk.commitments if c.id in ("wait", "wait-hot")}
    assert waiting == {"wait": ["l1", "l3"], "wait-hot": ["l1"]}


def test_the_store_line_is_what_the_store_says(store: Store, tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", KINDS[:1])
    assert evaluate(ws, store, AT).store == store.info()  # empty: no last event
    put(store, events=tricky_events())
    info = evaluate(ws, store, AT).store
    assert info == store.info()
    assert info.events == 8
    assert info.last_event_at == TRICKY[3]


def test_commitments_asking_the_same_query_share_it(store: Store, tmp_path: Path) -> None:
    same_cohort = [
        {"id": "p90", "kpi": "time-to-contact", "target": {"max": "8h"}},
        {"id": "median", "kpi": "business-time-to-contact", "target": {"max": "8h"}},
        {"id": "count", "kpi": "sqls", "target": {"min": 3}},
        {"id": "count-again", "kpi": "sqls", "target": {"max": 30}},
    ]
    put(store, events=tricky_events())
    ws = make_workspace(tmp_path / "ws", same_cohort)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        together = {c.id: c.value for c in evaluate(ws, store, AT).commitments}
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert sum("first_at" in s for s in statements) == 1
    assert sum("count(DISTINCT" in s for s in statements) == 1
    for i, commitment in enumerate(same_cohort):
        alone = make_workspace(tmp_path / f"alone{i}", [commitment])
        (result,) = evaluate(alone, store, AT).commitments
        assert result.value == together[commitment["id"]]
    assert together["count"] == together["count-again"] == 4


def test_a_driver_error_while_fetching_is_a_store_error(tmp_path: Path) -> None:
    """SQLite runs much of a cohort query while its rows are fetched: a failure then is
    reported like any other (here SQLite is interrupted once, after the first row)."""
    store = next(fresh_store(f"sqlite:///{tmp_path}/funnel.db"))
    ws = make_workspace(tmp_path / "ws", [KINDS[1]])
    put(store, events=[ev(f"l{i}", ams(2026, 11, 2, 9, i), "mql") for i in range(50)])
    executed: list[str] = []
    interrupted: list[bool] = []

    def interrupt_once() -> int:
        if executed and not interrupted:
            interrupted.append(True)
            return 1
        return 0

    @event.listens_for(store.engine, "connect")
    def watch(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.set_progress_handler(interrupt_once, 1)

    @event.listens_for(store.engine, "after_cursor_execute")
    def cohort_executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "first_at" in statement:
            executed.append(statement)

    store.engine.dispose()  # connections made from now on have the handler
    with pytest.raises(StoreError, match="interrupted"):
        evaluate(ws, store, AT)
    assert interrupted
    store.close()
