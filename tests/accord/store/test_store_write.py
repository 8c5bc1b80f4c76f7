"""The writers' bulk path (issue 11) and opening a new store from several writers at once
(issue 17): rows go to the driver as SQLAlchemy's column types would store them, the
content key never changes, and concurrent first opens take turns."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from metrics_support import backend_store
from sqlalchemy import select, text

from accord.store import (
    Store,
    _write,
    add_events,
    add_leads,
    event_key,
    events,
    known_leads,
    leads,
)

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


# --- the content key ----------------------------------------------------------------------


# Keys computed by the formula stores have held since the first release:
# "c:" + sha256(json.dumps([lead_id, iso_z(at), type, stage]))[:32].
OLD_KEYS = [
    (
        {"lead_id": "L1", "at": dt.datetime(2026, 3, 2, 14, 5, tzinfo=AMS), "type": "entered",
         "stage": "sql"},
        "c:7ab9d69702a73dbed3752afa8d7b3fde",
    ),
    (
        {"lead_id": 'Zoë "q"', "at": dt.datetime(2026, 3, 2, 14, 5, 0, 250, tzinfo=dt.UTC),
         "type": "contacted", "stage": None},
        "c:b822dca198753a23bce49f81ee3ffdc6",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("row", "key"), OLD_KEYS)
def test_the_content_key_is_the_one_stores_hold(row: dict[str, Any], key: str) -> None:
    assert event_key(row) == key
    for sqlite in (True, False):  # the key the writers compute on their way to the driver
        assert _write._event_record(row, sqlite)[5] == key


def test_the_content_key_is_the_json_formula_for_any_text() -> None:
    """The key is built without json.dumps; it must be the same text for every input."""
    rng = random.Random(11)
    alphabet = 'ab"\\\n\t\x01é€😀\u2028/ '
    zones = [dt.UTC, AMS, dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
    for _ in range(2000):

        def word() -> str:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

        at = dt.datetime(
            rng.randint(2, 9998), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
            rng.randint(0, 59), rng.randint(0, 59), rng.choice([0, rng.randint(0, 999_999)]),
            tzinfo=rng.choice(zones),
        )  # fmt: skip
        row = {"lead_id": word() or "x", "at": at, "type": word() or "t",
               "stage": rng.choice([None, word()])}  # fmt: skip
        iso = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"
        content = json.dumps([row["lead_id"], iso, row["type"], row["stage"]])
        expected = "c:" + hashlib.sha256(content.encode()).hexdigest()[:32]
        assert event_key(row) == expected
        assert _write._event_record(row, True)[5] == expected


def test_an_event_stored_under_its_old_key_is_not_added_again(store: Store) -> None:
    row, key = OLD_KEYS[0]
    with store.write() as conn:  # as an older Accord wrote it
        conn.execute(events.insert(), [{**row, "source_key": key, "extra": None}])
    with store.write() as conn:
        assert add_events(conn, [dict(row)]) == 0
    assert store.info().events == 1


# --- what the driver is given ---------------------------------------------------------------


def test_flat_json_is_written_as_json_dumps_writes_it() -> None:
    rng = random.Random(5)
    alphabet = 'ab"\\\n\x00\x7fé€😀\ud800 '
    for _ in range(2000):
        value = {
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5))): "".join(
                rng.choice(alphabet) for _ in range(rng.randint(0, 5))
            )
            for _ in range(rng.randint(0, 4))
        }
        assert _write._json(value) == json.dumps(value)
    for other in (None, {"n": 1.5, "k": [1, None]}, {1: "a"}, ["x"], "text"):
        assert _write._json(other) == json.dumps(other)


def core_rows(store: Store) -> tuple[dict[str, Any], dict[str, Any]]:
    """A lead and an event written through SQLAlchemy Core (its column types)."""
    lead = {
        "lead_id": "core",
        "created_at": dt.datetime(2026, 3, 29, 1, 30, tzinfo=AMS),
        "source": "web",
        "segment": None,
        "hot": True,
        "value": Decimal("12500.50"),
        "owner": "sam",
        "attributes": {"company": "Zoë's", "employees": "55"},
    }
    event = {
        "lead_id": "core",
        "at": dt.datetime(2026, 3, 29, 3, 30, 0, 120, tzinfo=AMS),
        "type": "entered",
        "stage": "sql",
        "actor": None,
        "source_key": "core-1",
        "extra": {"channel": "phone", "n": [1, 2.5]},
    }
    with store.write() as conn:
        conn.execute(leads.insert(), [lead])
        conn.execute(events.insert(), [event])
    return lead, event


def test_rows_are_stored_as_sqlalchemy_stores_them(store: Store) -> None:
    """The bulk path hands the driver values itself: what is stored is what SQLAlchemy's
    column types store (read back raw and typed), so the metric queries see no
    difference — on SQLite times are compared as text."""
    lead, event = core_rows(store)
    with store.write() as conn:
        add_leads(conn, [{**lead, "lead_id": "bulk", "value": 12500.5}])
        add_events(conn, [{**event, "source_key": "bulk-1"}, {**event, "source_key": "bulk-2",
                                                                 "extra": None}])  # fmt: skip
    with store.read() as conn:
        typed = {r.lead_id: r._asdict() for r in conn.execute(select(leads))}
        raw_leads = {
            r[0]: r[1:]
            for r in conn.execute(
                text("SELECT lead_id, created_at, hot, value, attributes FROM leads")
            )
        }
        typed_events = conn.execute(select(events).order_by(events.c.event_id)).all()
        raw_events = conn.execute(text("SELECT at, extra FROM events ORDER BY event_id")).all()
    assert {**typed["bulk"], "lead_id": "core"} == typed["core"]
    assert raw_leads["bulk"] == raw_leads["core"]
    assert [e.at for e in typed_events] == [event["at"]] * 3
    assert typed_events[1].extra == event["extra"] and typed_events[2].extra is None
    assert raw_events[1] == raw_events[0]
    if store.dialect == "sqlite":
        assert raw_events[0][0] == "2026-03-29 01:30:00.000120"


def test_many_writes_in_one_transaction_and_column_sets(store: Store) -> None:
    """PostgreSQL stages rows in a temporary table: a second write in the same
    transaction finds it emptied; leads of different column sets each keep theirs."""
    t = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    with store.write() as conn:
        add_leads(conn, [{"lead_id": "a", "source": "web"}, {"lead_id": "b", "hot": False}])
        add_leads(conn, [{"lead_id": "a", "hot": True}])
        first = add_events(conn, [{"lead_id": "a", "at": t, "type": "entered", "stage": "sql"}])
        second = add_events(
            conn,
            [
                {"lead_id": "a", "at": t, "type": "entered", "stage": "sql"},  # same key
                *({"lead_id": f"m{i}", "at": t, "type": "x"} for i in range(6000)),
            ],
        )
    assert (first, second) == (1, 6000)
    with store.read() as conn:
        rows = {r.lead_id: (r.source, r.hot) for r in conn.execute(select(leads))}
        order = list(conn.execute(select(events.c.lead_id).order_by(events.c.event_id)).scalars())
        assert known_leads(conn, ["a", "zz", "b", "a"]) == {"a", "b"}
    assert rows == {"a": ("web", True), "b": (None, False)}
    assert order == ["a", *(f"m{i}" for i in range(6000))]  # ids in the rows' order


# --- several writers opening a new store at once ----------------------------------------------


def test_writers_opening_a_new_sqlite_store_at_once_take_turns(tmp_path: Path) -> None:
    """Two imports starting on a store that does not exist yet: both create the schema
    and switch the file to WAL at the same moment. Each of them must get through (before
    the fix most rounds ended in "database is locked")."""
    for round_ in range(8):
        url = f"sqlite:///{tmp_path / f'new{round_}.db'}"
        start = threading.Barrier(3)
        failures: list[BaseException] = []

        def open_and_write(
            who: int,
            url: str = url,
            start: threading.Barrier = start,
            failures: list[BaseException] = failures,
        ) -> None:
            start.wait()
            try:
                with Store.open(url) as opened, opened.write() as conn:
                    add_leads(conn, [{"lead_id": f"w{who}"}])
            except BaseException as error:  # reported by the assertion below
                failures.append(error)

        threads = [threading.Thread(target=open_and_write, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        with Store.open(url, readonly=True) as opened, opened.read() as conn:
            assert set(conn.execute(select(leads.c.lead_id)).scalars()) == {"w0", "w1", "w2"}


def test_two_import_processes_on_a_new_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    script = (
        "import sys\n"
        "from accord.store import Store, add_leads\n"
        "with Store.open(sys.argv[1]) as s, s.write() as conn:\n"
        "    add_leads(conn, [{'lead_id': sys.argv[2]}])\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, url, name], stderr=subprocess.PIPE)
        for name in ("p1", "p2")
    ]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    with Store.open(url, readonly=True) as opened, opened.read() as conn:
        assert set(conn.execute(select(leads.c.lead_id)).scalars()) == {"p1", "p2"}
