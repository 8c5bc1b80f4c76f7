"""An import at the edges (issues 11 and 17): a store that fills up, memory that stays flat
with ids to remember, repeats near and far, progress in steps, and a store that holds
keys an older Accord wrote."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from metrics_support import backend_store
from sqlalchemy import Engine, event, func, select
from testclock import Cli

from accord.cli import main
from accord.domain.errors import StoreError
from accord.domain.workspace import Workspace
from accord.importing._reading import PROGRESS_STEP
from accord.importing.importer import ImportReport, Row, StoreSink, import_file
from accord.loading.validate import load_workspace
from accord.store import Store, _store, events, leads

DATA = Path(__file__).parents[1] / "data"
WORKSPACE = DATA / "workspace"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return load_workspace(WORKSPACE)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


def run(ws: Workspace, store: Store, path: Path, **kw: Any) -> ImportReport:
    return import_file(ws, path, StoreSink(store), now=NOW, name=path.name, **kw)


def stored(store: Store, table: Any = leads) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# --- a store that fills up ---------------------------------------------------------------


def limit_pages(engine: Engine, pages: int = 24) -> None:
    """Cap the SQLite file at `pages` pages on every connection: writing past them fails
    as a full disk does (SQLITE_FULL, "database or disk is full")."""

    @event.listens_for(engine, "connect")
    def _cap(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()  # connections made from now on get the cap


def leads_file(path: Path, rows: int) -> Path:
    path.write_text(
        "lead_id,source,segment\n"
        + "".join(f"L{i:06d},{'web' * 20},{'x' * 60}\n" for i in range(rows))
    )
    return path


def full_message(url: str, file: str, stored_rows: int) -> str:
    return (
        f"the event store at {url} is full (database or disk is full); the import of {file} "
        f"stopped at line {stored_rows + 2}: {stored_rows} rows before it are stored "
        f"({stored_rows} new leads), that line and the rest are not; import the file again "
        "once the store is fixed (rows already stored are skipped)"
    )


def test_a_full_store_says_what_is_stored_and_where_it_stopped(
    ws: Workspace, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    path = leads_file(tmp_path / "l.csv", 3000)
    with Store.open(url) as store:
        limit_pages(store.engine)
        with pytest.raises(StoreError) as caught:
            run(ws, store, path, batch_size=100)
        kept = stored(store)
    assert 0 < kept < 3000 and kept % 100 == 0  # whole batches, committed
    assert str(caught.value) == full_message(url, "l.csv", kept)
    with Store.open(url) as store:  # room again: the same file adds the rest
        report = run(ws, store, path, batch_size=100)
        assert (report.imported, report.already, stored(store)) == (3000 - kept, kept, 3000)


def test_the_cli_reports_a_full_store_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _store.make_engine

    def capped(*args: Any, **kwargs: Any) -> tuple[Engine, str]:
        engine, shown = real(*args, **kwargs)
        limit_pages(engine, 250)  # room for one batch of 5,000 leads, not two
        return engine, shown

    monkeypatch.setattr(_store, "make_engine", capped)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    path = leads_file(tmp_path / "l.csv", 12_000)
    result = Cli().invoke(main, ["import", str(path), str(WORKSPACE), "--store", url])
    monkeypatch.undo()
    with Store.open(url, readonly=True) as store:
        kept = stored(store)
    assert result.exit_code == 1
    assert 0 < kept < 12_000
    assert result.output == f"error: {full_message(url, str(path), kept)}\n"


# --- memory ----------------------------------------------------------------------------


class Counting:
    def write(self, leads: list[Row], events: list[Row]) -> tuple[int, int, set[str]]:
        return len(leads), len(events), set()


FILES: dict[str, tuple[str, Callable[[int], str]]] = {
    "leads": ("lead_id,source,hot\n", lambda i: f"L{i},web{i % 7},yes\n"),
    "events with ids": (
        "event_id,lead_id,at,type\n",
        lambda i: f"e{i},L{i // 3},2026-03-01T10:{i % 60:02d}:00Z,contacted\n",
    ),
}


@pytest.mark.parametrize("kind", list(FILES))
def test_memory_stays_flat_with_ids_to_remember(ws: Workspace, tmp_path: Path, kind: str) -> None:
    """Every row has an id the file must not repeat with other content; remembering all
    of them would grow with the file. Four times the rows take about the same memory."""
    header, line = FILES[kind]

    def peak(rows: int) -> int:
        path = tmp_path / f"m{rows}.csv"
        path.write_text(header + "".join(line(i) for i in range(rows)))
        tracemalloc.start()
        try:
            report = import_file(ws, path, Counting(), now=NOW, batch_size=500)
            _, top = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert (report.imported, report.rejected) == (rows, 0)
        return top

    small, large = peak(4_000), peak(16_000)
    assert large < small * 1.2 + 100_000, (small, large)


# --- repeats near and far ------------------------------------------------------------------


def test_a_repeat_within_the_window_is_named_with_its_first_line(
    ws: Workspace, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "l.csv"
    path.write_text("lead_id,source\nA,web\nB,web\nA,ads\nA,web\n")
    report = run(ws, store, path, batch_size=2)
    assert report.problems == [(4, "lead_id 'A' already used on line 2 with different content")]
    assert (report.imported, report.already, report.rejected) == (2, 1, 1)


def test_a_repeat_further_apart_is_the_store_s_to_recognise(
    ws: Workspace, store: Store, tmp_path: Path
) -> None:
    """Beyond the window (at least `batch_size` rows) the file's first row is let go:
    the store decides, as for a file imported again — a lead is updated (the later row
    wins), an event whose id is stored is skipped."""
    far = [f"F{i},web" for i in range(6)]
    path = tmp_path / "l.csv"
    path.write_text("lead_id,source\nA,web\n" + "\n".join(far) + "\nA,ads\n")
    report = run(ws, store, path, batch_size=2)
    assert (report.imported, report.already, report.rejected) == (7, 1, 0)
    with store.read() as conn:
        assert conn.execute(select(leads.c.source).where(leads.c.lead_id == "A")).scalar() == "ads"
    path = tmp_path / "e.csv"
    lines = [f"x{i},F{i},2026-03-0{i + 1}T10:00:00Z,contacted" for i in range(6)]
    path.write_text(
        "event_id,lead_id,at,type\ne1,A,2026-03-01T10:00:00Z,contacted\n"
        + "\n".join(lines)
        + "\ne1,B,2026-03-09T10:00:00Z,rejected\n"
    )
    report = run(ws, store, path, batch_size=2)
    assert (report.imported, report.already, report.rejected) == (7, 1, 0)
    with store.read() as conn:
        kept = conn.execute(select(events.c.lead_id).where(events.c.source_key == "id:e1"))
        assert kept.scalars().all() == ["A"]


# --- progress ------------------------------------------------------------------------------


def test_progress_is_told_in_steps_not_per_line(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("lead_id,source\n" + "".join(f"L{i},web\n" for i in range(60_000)))
    size = path.stat().st_size
    told: list[int] = []
    import_file(ws, path, Counting(), now=NOW, progress=told.append)
    assert sum(told) == size
    assert len(told) == size // PROGRESS_STEP + 1  # one per step, and the rest at the end
    assert all(step >= PROGRESS_STEP for step in told[:-1])


# --- a store written by an older Accord ----------------------------------------------------


def test_a_file_imported_by_an_older_accord_adds_nothing(
    ws: Workspace, store: Store, tmp_path: Path
) -> None:
    """Events without an event_id are keyed by their content; a store holds the keys an
    older Accord computed (here: written as it wrote them), and they must match."""
    at = dt.datetime(2026, 3, 2, 13, 5, tzinfo=dt.UTC)
    old = {"lead_id": "L1", "at": at, "type": "entered", "stage": "sql", "actor": None,
           "extra": None, "source_key": "c:7ab9d69702a73dbed3752afa8d7b3fde"}  # fmt: skip
    with store.write() as conn:
        conn.execute(events.insert(), [old])
    path = tmp_path / "e.csv"
    path.write_text("lead_id,at,type,stage\nL1,2026-03-02T14:05:00+01:00,entered,sql\n")
    report = run(ws, store, path)
    assert (report.imported, report.already) == (0, 1)
    assert stored(store, events) == 1
