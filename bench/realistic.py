# ruff: noqa: E501  (hand-written SQL and result lines read best on one line)
"""Benchmark on data shaped like a real funnel (issue 11): `accord import` and
`accord status --at` beside their floors, and the demo's `accord status`.

    .venv/bin/python bench/realistic.py                    # 300,000 leads, SQLite
    .venv/bin/python bench/realistic.py --postgres         # and a throwaway PostgreSQL server
    .venv/bin/python bench/realistic.py --postgres URL     # ... or that (emptied!) database
    .venv/bin/python bench/realistic.py --leads 1000000    # 1M leads
    .venv/bin/python bench/realistic.py --dir /tmp/r300k   # keep the files; add --reuse to
                                                           # skip generating and importing again

**The data.** The repository's agreements/ are copied into a temporary workspace
and every count, sum and open target (min, max, warn) is multiplied by one factor,
found by a one-year run of the unscaled workspace, so that
`accord.simulation.generate_history(ws, 365, SEED, END)` produces about `--leads`
leads over a year. The simulator (checked when this was written) spreads arrivals
over the business calendar, emits the follow-ups the KPIs measure (the first
contact after the SQL, acceptance, rejection of ~12% of SQLs, `decided`, the
hand-over, onboarding, churn) — but about 16% hot leads, no contact before the
SQL, one contact at most, and no lead ever enters a stage twice. So:

* **hot leads**: the simulator's hot share (`generate_history(hot_share=)`, default
  `accord.simulation.HOT_SHARE`) is raised for the run so that about 30% of leads are
  hot; the simulator then draws their follow-ups with the hot leads' rules;
* **post-processing** (its own seeded random stream, every added event at or before
  END, see `enrich`): 45% of MQLs get one or two `contacted` events between the MQL
  and the SQL (or, without an SQL, in the MQL's first three weeks); half of the SQLs
  contacted get one to three further contacts after the first; re-entries: 35% of
  rejected SQLs come back as an MQL 2–13 weeks later and 40% of those become an SQL
  again (a second `entered sql`, contacted again), 12% of MQLs that stalled become an
  MQL again after 1–5 months (a quarter of them then an SQL for the first time, with
  a contact, an acceptance and Sales' decision), and 6% of leads that never became an
  MQL come back as a lead (a second `entered lead`) 3–28 weeks later.

Leads and events are written as CSV (local time with offset, to the second, as a CRM
export), then:

1. **import**: `accord import leads.csv WS --store URL`, then events.csv, each a
   process, into a fresh store. Floor: the rows `accord import` stored, read back,
   inserted with a plain DB-API ``executemany`` into a fresh store with the same
   schema (`accord.store` tables and indexes), 5,000 rows per transaction as the
   import writes them, on a connection with the store's own settings (SQLite: WAL,
   ``synchronous=NORMAL``). Goal: import ≤ 2 × floor.
2. **status**: ``accord status WS --at AT --current --json --store URL`` as a process
   (``--current``: the temporary workspace is not a git repository; the working tree is
   what ``--at`` would fall back to). Floor: a process of this script that runs the
   hand-written SQL of `_common.floor_sql` with the bare DB-API driver and turns the rows
   into the same numbers with the business calendar's own arithmetic
   (accord/domain/calendar.py, loaded on its own, without the accord package). The
   values must be equal (every commitment's value; the lead ids of `open` measures; the
   store's event count). Median of ``--repeat`` runs each (3), alternating, after one
   warm-up each. Goal: status ≤ 1.5 × floor. Where the time goes: the same command on an
   empty store (the fixed cost: start-up, workspace, connection), the evaluation in
   process, its statements re-run on the bare driver (execute and fetch every row), the
   floor's own SQL time; each commitment's time (`Evaluator.full(on_result=…)`); and the
   slowest cohort query's plan (SQLite: ``EXPLAIN QUERY PLAN``, whose per-lead probes
   must search ``ix_events_lead_type_stage_at``; PostgreSQL: ``EXPLAIN (ANALYZE,
   BUFFERS)``).
3. **demo**: ``accord demo DIR --no-dash --no-site``, then ``accord status DIR`` (the
   demo's own data and "now"; median of 3). Goal: ≤ 1.5 s.

Nothing depends on today's date except the demo (which builds its history up to
today by design): the data ends at, and status is asked as of, the end of
2026-11-18 in the workspace's zone (`AT`), with seed `SEED`. ``--postgres`` repeats
steps 1–2 on PostgreSQL 15 (a throwaway cluster as tests/conftest.py starts one:
initdb in a temp dir, trust auth, 127.0.0.1, ``fsync=off``) or on the URL given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ACCORD = Path(sys.executable).with_name("accord")
AT = "2026-11-18"
"""`accord status --at`: the end of this day in the workspace's zone; the data ends there."""
SEED = 11
DAYS = 365
HOT_TARGET = 0.30
LEAD_INDEX = "ix_events_lead_type_stage_at"
BATCH = 5000
"""Rows per transaction of the import floor (the importer's batch)."""

# post-processing shares (see the module docstring)
PRE_SQL_CONTACT = 0.45
FOLLOW_UP = 0.5
RECYCLE_REJECTED, REJECTED_TO_SQL = 0.35, 0.4
RECYCLE_MQL, MQL_TO_SQL = 0.12, 0.25
RECYCLE_LEAD = 0.06
CHANNELS = ("phone", "phone", "email", "video call")

LEAD_COLUMNS = ["lead_id", "created_at", "source", "segment", "hot", "value", "owner"]
LEAD_ATTRIBUTES = ["company", "employees"]
EVENT_COLUMNS = ["lead_id", "at", "type", "stage", "actor"]
EVENT_EXTRA = ["channel", "reason"]


def console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def progress() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console(),
    )


# --- 1. the workspace and the data -----------------------------------------------------


def end_instant(ws: Any) -> dt.datetime:
    from accord.domain.clock import parse_instant

    return parse_instant(AT, ws.tz)


def make_workspace(dest: Path, n_leads: int) -> tuple[Any, float, float]:
    """agreements/ copied to `dest`, volume targets scaled for about `n_leads` leads a
    year; returns (workspace, scale factor, the simulator's hot share for 30% hot)."""
    from accord.loading.roundtrip import dump_all, load_all
    from accord.loading.validate import load_workspace
    from accord.simulation import HOT_SHARE, generate_history

    shutil.copytree(ROOT / "agreements", dest / "agreements")
    ws = load_workspace(dest)
    # One year of the unscaled workspace: its lead count gives the factor (arrivals are
    # linear in the lead-volume target) and its hot share the simulator setting.
    n = hot = 0
    with console().status("probing the simulator (unscaled workspace, one year)"):
        for leads, _ in generate_history(ws, DAYS, SEED, end_instant(ws)):
            n += len(leads)
            hot += sum(1 for lead in leads if lead["hot"])
    factor = n_leads / n
    hot_share = HOT_SHARE * HOT_TARGET / (hot / n)
    kinds = {k.id: k.measure.kind for k in ws.kpis.values()}

    def scaled(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return round(value * factor)

    for path in sorted((dest / "agreements").rglob("*.yaml")):
        text = path.read_text()
        if "kind: Agreement" not in text:
            continue
        docs = load_all(text)
        for doc in docs:
            if not isinstance(doc, dict) or doc.get("kind") != "Agreement":
                continue
            for c in doc.get("commitments") or []:
                if kinds.get(c["kpi"]) not in ("count", "sum", "open"):
                    continue
                for key in ("min", "max"):
                    if key in c["target"]:
                        c["target"][key] = scaled(c["target"][key])
                if "warn" in c:
                    c["warn"] = scaled(c["warn"])
        path.write_text(dump_all(docs, text))
    return load_workspace(dest), factor, hot_share


@dataclass
class Stats:
    leads: int = 0
    events: int = 0
    hot: int = 0
    mql: int = 0
    sql: int = 0
    contacted_before_sql: int = 0
    """Leads with an SQL and a `contacted` event before their first SQL."""
    contacted_as_mql: int = 0
    """Leads contacted after their MQL and before any SQL (or without one)."""
    several_contacts_after_sql: int = 0
    rejected: int = 0
    reentered: int = 0
    """Leads that entered some stage more than once."""
    sql_twice: int = 0
    types: dict[str, int] = field(default_factory=dict)
    added: int = 0
    """Events added by `enrich`."""

    def note(self, lead: dict[str, Any], events: list[dict[str, Any]]) -> None:
        self.leads += 1
        self.events += len(events)
        self.hot += bool(lead["hot"])
        entered: dict[str, int] = {}
        first: dict[tuple[str, str | None], dt.datetime] = {}
        contacts = []
        for e in events:
            self.types[e["type"]] = self.types.get(e["type"], 0) + 1
            first.setdefault((e["type"], e["stage"]), e["at"])
            if e["type"] == "entered":
                entered[e["stage"]] = entered.get(e["stage"], 0) + 1
            elif e["type"] == "contacted":
                contacts.append(e["at"])
            elif e["type"] == "rejected":
                self.rejected += 1
        mql, sql = first.get(("entered", "mql")), first.get(("entered", "sql"))
        self.mql += mql is not None
        self.sql += sql is not None
        self.reentered += any(n > 1 for n in entered.values())
        self.sql_twice += entered.get("sql", 0) > 1
        if sql is not None:
            self.contacted_before_sql += any(c < sql for c in contacts)
            self.several_contacts_after_sql += sum(1 for c in contacts if c >= sql) > 1
        if mql is not None:
            self.contacted_as_mql += any(mql <= c and (sql is None or c < sql) for c in contacts)


def enrich(
    lead: dict[str, Any],
    events: list[dict[str, Any]],
    rng: random.Random,
    cal: Any,
    end: dt.datetime,
) -> list[dict[str, Any]]:
    """`events` (one lead's, sorted) plus contacts before and after the SQL and
    re-entries (module docstring), sorted; nothing after `end`."""
    day = dt.timedelta(days=1)
    first: dict[tuple[str, str | None], dt.datetime] = {}
    for e in events:
        first.setdefault((e["type"], e["stage"]), e["at"])
    added: list[dict[str, Any]] = []

    def add(at: dt.datetime, kind: str, stage: str | None = None, **extra: Any) -> dt.datetime:
        if at <= end:
            added.append(
                {"lead_id": lead["lead_id"], "at": at, "type": kind, "stage": stage,
                 "actor": lead["owner"], "extra": extra or None}
            )  # fmt: skip
        return at

    def working(at: dt.datetime, low: float, high: float) -> dt.datetime:
        """Some working time `low`..`high` working hours after `at`."""
        return cal.add(at, rng.uniform(low, high))

    def call_back(sql_at: dt.datetime) -> None:
        if lead["hot"] and rng.random() < 0.9:
            add(working(sql_at, 0.2, 3.8), "contacted", channel=rng.choice(CHANNELS))
        elif rng.random() < 0.95:
            add(working(sql_at, 0.5, 20), "contacted", channel=rng.choice(CHANNELS))

    mql, sql = first.get(("entered", "mql")), first.get(("entered", "sql"))
    contact, rejected = first.get(("contacted", None)), first.get(("rejected", None))
    # contacts before the SQL: an SDR calls the MQL while Marketing still qualifies it
    if mql is not None and rng.random() < PRE_SQL_CONTACT:
        low = mql + dt.timedelta(minutes=10)
        high = sql - dt.timedelta(minutes=10) if sql is not None else mql + 21 * day
        if high > low:
            for _ in range(1 + (rng.random() < 0.3)):
                add(low + (high - low) * rng.random(), "contacted", channel=rng.choice(CHANNELS))
    # follow-up contacts after the first one after the SQL
    if contact is not None and sql is not None and contact > sql and rng.random() < FOLLOW_UP:
        at = contact
        for _ in range(rng.randint(1, 3)):
            at = add(
                working(at + rng.uniform(1, 10) * day, 0, 8),
                "contacted",
                channel=rng.choice(CHANNELS),
            )
    # re-entries
    if rejected is not None and rng.random() < RECYCLE_REJECTED:
        back = add(working(rejected + rng.uniform(14, 90) * day, 0, 8), "entered", "mql")
        if rng.random() < REJECTED_TO_SQL:
            again = add(working(back + rng.uniform(2, 20) * day, 0, 8), "entered", "sql")
            call_back(again)
    elif mql is not None and sql is None and rng.random() < RECYCLE_MQL:
        back = add(working(mql + rng.uniform(30, 150) * day, 0, 8), "entered", "mql")
        if rng.random() < MQL_TO_SQL:
            new_sql = add(working(back + rng.uniform(1, 10) * day, 0, 8), "entered", "sql")
            call_back(new_sql)
            if rng.random() < 0.85:
                add(working(new_sql, 0.5, 12), "accepted")
            if rng.random() < 0.97:
                add(new_sql + dt.timedelta(hours=336 * rng.uniform(0.1, 1.4)), "decided")
    elif mql is None and rng.random() < RECYCLE_LEAD:
        add(working(lead["created_at"] + rng.uniform(20, 200) * day, 0, 8), "entered", "lead")
    if not added:
        return events
    return sorted(events + added, key=lambda e: e["at"])


def generate_csv(ws: Any, hot_share: float, leads_csv: Path, events_csv: Path) -> Stats:
    """Generate one year of funnel data, enrich it, write the two CSV files."""
    import csv

    from accord.simulation import generate_history

    end = end_instant(ws)
    tz, cal = ws.tz, ws.calendar
    rng = random.Random(SEED + 1)
    stats = Stats()

    def local(at: dt.datetime) -> str:
        return at.astimezone(tz).isoformat(timespec="seconds")

    with (
        leads_csv.open("w", newline="") as lf,
        events_csv.open("w", newline="") as ef,
        progress() as bar,
    ):
        leads_out, events_out = csv.writer(lf), csv.writer(ef)
        leads_out.writerow(LEAD_COLUMNS + LEAD_ATTRIBUTES)
        events_out.writerow(EVENT_COLUMNS + EVENT_EXTRA)
        days = bar.add_task("generating (days)", total=DAYS + 1)
        rows = bar.add_task("writing CSV (rows)", total=None)
        for leads, events in generate_history(ws, DAYS, SEED, end, hot_share=hot_share):
            by_lead: dict[str, list[dict[str, Any]]] = {lead["lead_id"]: [] for lead in leads}
            for e in events:
                by_lead[e["lead_id"]].append(e)
            written = 0
            for lead in leads:
                own = by_lead[lead["lead_id"]]
                mine = enrich(lead, own, rng, cal, end)
                stats.added += len(mine) - len(own)
                stats.note(lead, mine)
                attributes = lead.get("attributes") or {}
                unknown = set(attributes) - set(LEAD_ATTRIBUTES)
                if unknown:
                    raise SystemExit(
                        f"the simulator writes lead attributes this bench does not know: {unknown}"
                    )
                leads_out.writerow(
                    [lead["lead_id"], local(lead["created_at"]), lead["source"], lead["segment"],
                     "true" if lead["hot"] else "false", lead["value"], lead["owner"]]
                    + [attributes.get(a, "") for a in LEAD_ATTRIBUTES]
                )  # fmt: skip
                for e in mine:
                    extra = e.get("extra") or {}
                    unknown = set(extra) - set(EVENT_EXTRA)
                    if unknown:
                        raise SystemExit(
                            f"the simulator writes event data this bench does not know: {unknown}"
                        )
                    events_out.writerow(
                        [e["lead_id"], local(e["at"]), e["type"], e["stage"] or "", e["actor"] or ""]
                        + [extra.get(x, "") for x in EVENT_EXTRA]
                    )  # fmt: skip
                written += 1 + len(mine)
            bar.advance(days)
            bar.advance(rows, written)
    return stats


def describe_data(s: Stats) -> list[str]:
    pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "-"  # noqa: E731
    return [
        f"{s.leads:,} leads, {s.events:,} events ({s.events / s.leads:.2f} per lead; {s.added:,} added by post-processing)",
        f"hot {pct(s.hot, s.leads)}; MQL {pct(s.mql, s.leads)}, SQL {pct(s.sql, s.leads)} of leads",
        f"SQLs contacted before the SQL {pct(s.contacted_before_sql, s.sql)}; MQLs contacted before any SQL {pct(s.contacted_as_mql, s.mql)}; SQLs with 2+ contacts after it {pct(s.several_contacts_after_sql, s.sql)}",
        f"rejections {s.rejected:,} ({pct(s.rejected, s.sql)} of SQL leads); leads entering a stage twice {pct(s.reentered, s.leads)} (SQL twice: {s.sql_twice:,})",
        "events by type: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(s.types.items(), key=lambda kv: -kv[1])),
    ]


# --- stores ----------------------------------------------------------------------------


@dataclass
class Target:
    """One dialect's pair of stores: the import's and the import floor's."""

    name: str
    url: str
    floor_url: str
    server: Any = None

    @property
    def sqlite(self) -> bool:
        return self.url.startswith("sqlite")


def sqlite_file(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def empty_store(url: str) -> None:
    """Drop the tables (PostgreSQL) or the file (SQLite)."""
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_file(url)) + suffix).unlink(missing_ok=True)
        return
    from accord.store import Store, metadata

    store = Store.open(url)
    with store.engine.begin() as conn:
        metadata.drop_all(conn)
    store.close()


def start_postgres(base_dir: Path) -> tuple[Any, str]:
    """A throwaway PostgreSQL cluster (tests/pgserver.py, as the tests start one); (server,
    url of its database `accord_bench`)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pgserver import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer.launch("accord_bench", parent=base_dir)
    except PostgresUnavailable as exc:
        raise SystemExit(str(exc)) from None
    return server, server.url


def side_database(url: str, suffix: str) -> str:
    """`<database>_<suffix>` on the same server, created when missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    u = make_url(url)
    name = f"{u.database}_{suffix}"
    engine = create_engine(u, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return u.set(database=name).render_as_string(hide_password=False)


def driver_dsn(url: str) -> str:
    """A psycopg conninfo for a SQLAlchemy PostgreSQL URL."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- 1. import vs its floor --------------------------------------------------------------


def run(cmd: list[str], check: bool = True) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if check and out.returncode:
        print(f"$ {' '.join(cmd)}\n{out.stdout[-3000:]}{out.stderr[-3000:]}", file=sys.stderr)
        raise SystemExit(f"exit {out.returncode}: {cmd[1]}")
    return took, out


def import_files(target: Target, ws_dir: Path, files: list[Path]) -> list[tuple[str, float, str]]:
    empty_store(target.url)
    out = []
    for f in files:
        took, res = run([str(ACCORD), "import", str(f), str(ws_dir), "--store", target.url])
        out.append((f.name, took, res.stdout.strip().splitlines()[-1]))
        console().print(f"  accord import {f.name}: {took:.1f} s — {out[-1][2]}")
    return out


def stored_rows(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows `accord import` stored, as the driver returns them (JSON as text)."""
    if url.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(sqlite_file(url))
        try:
            leads = con.execute(
                f"SELECT {', '.join(LEAD_COLUMNS)}, attributes FROM leads ORDER BY rowid"
            ).fetchall()
            events = con.execute(
                "SELECT lead_id, at, type, stage, actor, source_key, extra FROM events ORDER BY event_id"
            ).fetchall()
        finally:
            con.close()
        return leads, events
    import psycopg

    with psycopg.connect(driver_dsn(url)) as con:
        leads = con.execute(
            f"SELECT {', '.join(LEAD_COLUMNS)}, attributes::text FROM leads ORDER BY created_at, lead_id"
        ).fetchall()
        events = con.execute(
            "SELECT lead_id, at, type, stage, actor, source_key, extra::text FROM events ORDER BY event_id"
        ).fetchall()
    return leads, events


def import_floor(
    target: Target, leads: list[tuple[Any, ...]], events: list[tuple[Any, ...]]
) -> tuple[float, float]:
    """Seconds to insert the leads, then the events, into a fresh store with a plain
    ``executemany``, `BATCH` rows per transaction."""
    from accord.store import Store

    empty_store(target.floor_url)
    store = Store.open(target.floor_url)  # the schema: tables and indexes
    raw = store.engine.raw_connection()  # the store's connection settings (SQLite pragmas)
    lead_cols = ", ".join([*LEAD_COLUMNS, "attributes"])
    event_cols = "lead_id, at, type, stage, actor, source_key, extra"
    if target.sqlite:
        lead_sql = f"INSERT INTO leads ({lead_cols}) VALUES ({', '.join('?' * 8)})"
        event_sql = f"INSERT INTO events ({event_cols}) VALUES ({', '.join('?' * 7)})"
    else:
        lead_sql = f"INSERT INTO leads ({lead_cols}) VALUES ({', '.join(['%s'] * 7)}, %s::json)"
        event_sql = f"INSERT INTO events ({event_cols}) VALUES ({', '.join(['%s'] * 6)}, %s::json)"
    times = []
    try:
        cur = raw.cursor()
        for sql, rows in ((lead_sql, leads), (event_sql, events)):
            t0 = time.perf_counter()
            for i in range(0, len(rows), BATCH):
                if target.sqlite:
                    cur.execute("BEGIN")  # the store's connections run in autocommit mode
                cur.executemany(sql, rows[i : i + BATCH])
                if target.sqlite:
                    cur.execute("COMMIT")
                else:
                    raw.commit()
            times.append(time.perf_counter() - t0)
    finally:
        raw.close()
        store.close()
    return times[0], times[1]


def statistics_state(url: str) -> str:
    """Whether the planner has statistics (nobody ran ANALYZE → SQLite has none)."""
    from accord.store import Store

    store = Store.open(url, readonly=True)
    try:
        with store.read() as conn:
            if store.dialect == "sqlite":
                found = conn.exec_driver_sql(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
                ).scalar()
                return (
                    "sqlite_stat1 present"
                    if found
                    else "no sqlite_stat1 (no ANALYZE since the import)"
                )
            rows = conn.exec_driver_sql(
                "SELECT relname, last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE relname IN ('leads', 'events') ORDER BY relname"
            ).all()
            return "; ".join(
                f"{r[0]}: analyze {r[1] or '-'}, autoanalyze {r[2] or '-'}" for r in rows
            )
    finally:
        store.close()


# --- 2. status vs its floor ------------------------------------------------------------


def floor_plan(ws: Any, url: str, at: dt.datetime) -> dict[str, Any]:
    """What the floor process needs: each commitment's statement and how its rows make a
    number, the calendar, the instant, the connection."""
    from _common import floor_sql

    from accord.metrics import measured

    refs = measured(ws, at)
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    items = []
    for ref, (sql, params) in zip(refs, floor_sql(ws, dialect, at, refs), strict=True):
        spec = ref.kpi.measure.spec
        item: dict[str, Any] = {
            "key": f"{ref.agreement.id}/{ref.commitment.id}",
            "kind": ref.kpi.measure.kind,
        }
        for name in ("within", "limit", "percentile", "older_than", "clock"):
            value = getattr(spec, name, None)
            if value is not None:
                item[name] = value
        if dialect == "postgresql":
            sql = re.sub(r":(\w+)", r"%(\1)s", sql)
        item["sql"], item["params"] = sql, params
        items.append(item)
    cal = ws.calendar
    return {
        "dialect": dialect,
        "connect": str(sqlite_file(url)) if dialect == "sqlite" else driver_dsn(url),
        "at": at.isoformat(),
        "calendar": {
            "tz": cal.tz.key,
            "workdays": sorted(cal.workdays),
            "start": cal.start.isoformat(),
            "end": cal.end.isoformat(),
            "holidays": sorted(d.isoformat() for d in cal.holidays),
        },
        "calendar_module": str(ROOT / "accord" / "domain" / "calendar.py"),
        "commitments": items,
    }


def floor_child(plan_file: str) -> None:
    """The status floor as a process: the driver, the SQL, the numbers (prints JSON)."""
    import importlib.util
    import math
    from fractions import Fraction
    from zoneinfo import ZoneInfo

    t0 = time.perf_counter()
    plan = json.loads(Path(plan_file).read_text())
    spec = importlib.util.spec_from_file_location("floor_calendar", plan["calendar_module"])
    assert spec is not None and spec.loader is not None
    calendar = importlib.util.module_from_spec(spec)
    sys.modules["floor_calendar"] = calendar  # dataclasses look their module up
    spec.loader.exec_module(calendar)
    c = plan["calendar"]
    cal = calendar.BusinessCalendar(
        tz=ZoneInfo(c["tz"]),
        workdays=frozenset(c["workdays"]),
        start=dt.time.fromisoformat(c["start"]),
        end=dt.time.fromisoformat(c["end"]),
        holidays=frozenset(dt.date.fromisoformat(d) for d in c["holidays"]),
    )
    at = dt.datetime.fromisoformat(plan["at"])
    if plan["dialect"] == "sqlite":
        import sqlite3

        con: Any = sqlite3.connect(f"file:{plan['connect']}?mode=ro", uri=True)

        def when(v: Any) -> dt.datetime:
            return dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC)
    else:
        import psycopg

        con = psycopg.connect(plan["connect"], options="-c jit=off")

        def when(v: Any) -> dt.datetime:
            return v.replace(tzinfo=dt.UTC)

    def deadline(start: dt.datetime, hours: float, clock: str) -> dt.datetime:
        return cal.add(start, hours) if clock == "business" else start + dt.timedelta(hours=hours)

    out: dict[str, Any] = {}
    t_sql = time.perf_counter()
    n_events = con.execute("SELECT COUNT(*), MAX(event_id), MAX(at) FROM events").fetchone()[0]
    sql_seconds = time.perf_counter() - t_sql
    for item in plan["commitments"]:
        t_sql = time.perf_counter()
        rows = con.execute(item["sql"], item["params"]).fetchall()
        sql_seconds += time.perf_counter() - t_sql
        kind, leads = item["kind"], None
        value: float | None
        if kind == "count":
            value = int(rows[0][0] or 0)
        elif kind == "sum":
            value = float(rows[0][0] or 0)
        elif kind == "conversion":
            limit = None if "within" not in item else dt.timedelta(hours=item["within"])
            done = sum(
                1
                for _, f, t in rows
                if t is not None and (limit is None or when(t) <= when(f) + limit)
            )
            value = done / len(rows) if rows else None
        elif kind == "within":
            met = missed = 0
            for _, f, t in rows:
                due = deadline(when(f), item["limit"], item["clock"])
                if t is not None and when(t) <= due:
                    met += 1
                elif due < at:
                    missed += 1
            value = met / (met + missed) if met + missed else None
        elif kind == "duration":
            hours = []
            for _, f, t in rows:
                if t is not None:
                    a, b = when(f), when(t)
                    hours.append(
                        cal.hours_between(a, b)
                        if item["clock"] == "business"
                        else (b - a) / dt.timedelta(hours=1)
                    )
            hours.sort()
            rank = math.ceil(Fraction(str(item["percentile"])) * len(hours) / 100)
            value = hours[max(rank, 1) - 1] if hours else None
        elif kind == "open":
            older = item.get("older_than")
            waiting = [
                (when(f), lead)
                for lead, f in rows
                if older is None or at > deadline(when(f), older, item["clock"])
            ]
            leads = [lead for _, lead in sorted(waiting)]
            value = len(leads)
        else:
            raise SystemExit(f"the floor has no measure {kind}")
        out[item["key"]] = {"value": value, "leads": leads}
    con.close()
    seconds = time.perf_counter() - t0
    print(
        json.dumps({"events": n_events, "commitments": out, "seconds": seconds, "sql": sql_seconds})
    )


def compare(status: dict[str, Any], floor: dict[str, Any]) -> list[str]:
    """Differences between `accord status --json` and the floor's numbers."""
    diffs = []
    if status["store"]["events"] != floor["events"]:
        diffs.append(f"events: status {status['store']['events']} floor {floor['events']}")
    mine = {f"{c['agreement']}/{c['id']}": c for c in status["commitments"]}
    if set(mine) != set(floor["commitments"]):
        diffs.append(f"commitments: status {sorted(mine)} floor {sorted(floor['commitments'])}")
    for key, f in floor["commitments"].items():
        s = mine.get(key)
        if s is None:
            continue
        a, b = s["value"], f["value"]
        if (a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9 * max(1.0, abs(b))):
            diffs.append(f"{key}: status {a!r} floor {b!r}")
        if f["leads"] is not None and s["leads"] != f["leads"]:
            only_s = set(s["leads"] or []) - set(f["leads"])
            only_f = set(f["leads"]) - set(s["leads"] or [])
            diffs.append(
                f"{key}: waiting leads differ (status only {sorted(only_s)[:5]}, floor only {sorted(only_f)[:5]}, order equal: {not only_s and not only_f})"
            )
    return diffs


def time_status(target: Target, ws: Any, ws_dir: Path, work: Path, repeat: int) -> dict[str, Any]:
    """`accord status --at` and its floor, as processes, alternating; values compared."""
    at = end_instant(ws)
    plan_file = work / f"floor-plan-{target.name}.json"
    plan_file.write_text(json.dumps(floor_plan(ws, target.url, at)))
    status_cmd = [
        str(ACCORD),
        "status",
        str(ws_dir),
        "--at",
        AT,
        "--current",
        "--json",
        "--store",
        target.url,
    ]
    floor_cmd = [sys.executable, __file__, "--floor-child", str(plan_file)]
    # the fixed cost: the same command on an empty store (start-up, workspace, connection)
    empty = (
        f"sqlite:///{work / 'empty.db'}" if target.sqlite else side_database(target.url, "empty")
    )
    empty_store(empty)
    from accord.store import Store

    Store.open(empty).close()  # the tables, no rows
    empty_cmd = [*status_cmd[:-1], empty]
    run(empty_cmd)
    fixed = statistics.median(run(empty_cmd)[0] for _ in range(repeat))
    first, res = run(status_cmd)
    console().print(f"  accord status --at {AT}, first run after the import: {first:.2f} s")
    status_json = json.loads(res.stdout)
    _, fres = run(floor_cmd)
    floor_json = json.loads(fres.stdout)
    s_times, f_times, f_inner, f_sql = [], [], [], []
    for _ in range(repeat):
        took, res = run(status_cmd)
        s_times.append(took)
        took, fres = run(floor_cmd)
        f_times.append(took)
        f_inner.append(json.loads(fres.stdout)["seconds"])
        f_sql.append(json.loads(fres.stdout)["sql"])
    diffs = compare(status_json, floor_json)
    return {
        "first": first,
        "status": statistics.median(s_times),
        "status_all": s_times,
        "floor": statistics.median(f_times),
        "floor_all": f_times,
        "floor_inner": statistics.median(f_inner),
        "floor_sql": statistics.median(f_sql),
        "diffs": diffs,
        "status_json": status_json,
        "cmd": status_cmd,
        "fixed": fixed,
    }


def engine_profile(target: Target, ws: Any, repeat: int) -> dict[str, Any]:
    """In process: the evaluation's time (median of `repeat`); one more evaluation with
    each commitment's and each statement's time; its statements again on the bare driver
    (execute and fetch every row); the plan of the slowest cohort query."""
    from _common import wall_times
    from sqlalchemy import event

    from accord.metrics import Evaluator, evaluate
    from accord.store import Store

    at = end_instant(ws)
    store = Store.open(target.url, readonly=True)
    timed: list[tuple[float, float, str, Any]] = []
    """(end, seconds, statement, parameters) of each statement executed."""

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        conn.info["t0"] = time.perf_counter()

    def after(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        end = time.perf_counter()
        timed.append((end, end - conn.info.pop("t0"), statement, params))

    try:
        evaluation = statistics.median(wall_times(lambda: evaluate(ws, store, at), repeat))
        event.listen(store.engine, "before_cursor_execute", before)
        event.listen(store.engine, "after_cursor_execute", after)
        marks: list[tuple[str, float]] = []
        t0 = time.perf_counter()
        Evaluator(ws, store).full(
            at, on_result=lambda r: marks.append((f"{r.agreement}/{r.id}", time.perf_counter()))
        )
        event.remove(store.engine, "before_cursor_execute", before)
        event.remove(store.engine, "after_cursor_execute", after)
        per_commitment, prev = [], t0
        for key, t in marks:
            per_commitment.append((key, t - prev))
            prev = t
        raw = store.engine.raw_connection()
        try:
            cur, bare = raw.cursor(), 0.0
            for _, _, sql, params in timed:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue  # SET TRANSACTION …
                t = time.perf_counter()
                cur.execute(sql, params)
                cur.fetchall()
                bare += time.perf_counter() - t
            raw.rollback()
        finally:
            raw.close()
        end, secs, sql, params = max((t for t in timed if "first_at" in t[2]), key=lambda t: t[1])
        owner = next((key for key, t in marks if t >= end), "?")
        with store.read() as conn:
            if store.dialect == "sqlite":
                plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
                probes = [p for p in plan if re.match(r"(SEARCH|SCAN) [btf]\b", p)]
                off = [
                    p
                    for p in probes
                    if not (p.startswith("SEARCH") and f"INDEX {LEAD_INDEX} (lead_id=?" in p)
                ]
            else:
                explain = f"EXPLAIN (ANALYZE, BUFFERS) {sql}"
                plan = [row[0] for row in conn.exec_driver_sql(explain, params)]
                probes = [p for p in plan if re.search(r"Scan .*on events [btf]\b", p)]
                off = [p.strip() for p in probes if LEAD_INDEX not in p]
        return {
            "evaluation": evaluation,
            "bare_sql": bare,
            "statements": len(timed),
            "per_commitment": sorted(per_commitment, key=lambda kv: -kv[1]),
            "slowest": (owner, secs, sql),
            "plan": plan,
            "probes": len(probes),
            "probes_off": off,
        }
    finally:
        store.close()


# --- 3. the demo -------------------------------------------------------------------------


def time_demo(work: Path, repeat: int) -> dict[str, Any]:
    demo_dir = work / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    made, res = run([str(ACCORD), "demo", str(demo_dir), "--no-dash", "--no-site"])
    data_line = next((line for line in res.stdout.splitlines() if "funnel data" in line), "")
    cmd = [str(ACCORD), "status", str(demo_dir)]
    first, _ = run(cmd, check=False)
    times = [run(cmd, check=False)[0] for _ in range(repeat)]
    return {
        "demo": made,
        "data": data_line.strip(),
        "first": first,
        "status": statistics.median(times),
        "all": times,
    }


def code_state() -> str:
    """The commit measured, and whether accord/ has uncommitted changes (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "accord"],
            capture_output=True,
            text=True,
        ).stdout.splitlines()
    except OSError:
        return "unknown (no git)"
    return f"{head or 'unknown'}" + (
        f" + uncommitted changes in {len(dirty)} files under accord/" if dirty else ""
    )


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--leads",
        type=int,
        default=300_000,
        help="about this many leads over the year (default 300,000)",
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="start",
        metavar="URL",
        help="also PostgreSQL: a throwaway server, or the database at URL (its tables are dropped)",
    )
    parser.add_argument(
        "--dir", type=Path, help="work directory to keep (default: a temporary one, removed)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --dir: reuse its CSV files and imported stores"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of status and its floor (median)"
    )
    parser.add_argument("--no-demo", action="store_true", help="skip step 3")
    parser.add_argument("--floor-child", metavar="PLAN", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_child:
        floor_child(args.floor_child)
        return
    out = console()
    work = args.dir or Path(tempfile.mkdtemp(prefix="accord-realistic-"))
    work.mkdir(parents=True, exist_ok=True)
    ws_dir, leads_csv, events_csv = work / "ws", work / "leads.csv", work / "events.csv"
    meta_file = work / "data.json"
    reuse = (
        args.reuse
        and meta_file.exists()
        and json.loads(meta_file.read_text()).get("leads") == args.leads
    )
    server = None
    try:
        from accord.loading.validate import load_workspace

        if reuse:
            ws = load_workspace(ws_dir)
            meta = json.loads(meta_file.read_text())
            out.print(f"reusing {work} (generated earlier)")
        else:
            shutil.rmtree(ws_dir, ignore_errors=True)
            t0 = time.perf_counter()
            ws, factor, hot_share = make_workspace(ws_dir, args.leads)
            out.print(
                f"workspace {ws_dir}: volume targets × {factor:.2f}; simulator hot share {hot_share:.3f} for {HOT_TARGET:.0%} hot"
            )
            stats = generate_csv(ws, hot_share, leads_csv, events_csv)
            meta = {
                "leads": args.leads,
                "factor": factor,
                "describe": describe_data(stats),
                "generated_s": time.perf_counter() - t0,
                "n_leads": stats.leads,
                "n_events": stats.events,
            }
            meta_file.write_text(json.dumps(meta))
        print(f"code: {code_state()}")
        print(
            f"data: seed {SEED}, {DAYS + 1} days up to {AT} (end of day, {ws.settings.calendar.timezone}); volume targets × {meta['factor']:.2f}; generated and written in {meta['generated_s']:.0f} s"
        )
        for line in meta["describe"]:
            print(f"  {line}")
        print(
            f"  CSV: {leads_csv} ({leads_csv.stat().st_size / 1e6:.0f} MB), {events_csv} ({events_csv.stat().st_size / 1e6:.0f} MB)"
        )
        targets = [
            Target("sqlite", f"sqlite:///{work / 'import.db'}", f"sqlite:///{work / 'floor.db'}")
        ]
        if args.postgres:
            if args.postgres == "start":
                with out.status("starting a throwaway PostgreSQL server"):
                    server, url = start_postgres(work)
            else:
                url = args.postgres
            targets.append(Target("postgresql", url, side_database(url, "floor"), server))
        summary = []
        for target in targets:
            print(f"\n== {target.name} ==")
            done_file = work / f"imported-{target.name}.json"
            imported = None
            if not (reuse and done_file.exists() and target.sqlite):
                with out.status(f"accord import into {target.name}"):
                    steps = import_files(target, ws_dir, [leads_csv, events_csv])
                with out.status("reading back the stored rows"):
                    leads, events = stored_rows(target.url)
                with out.status("import floor: executemany into a fresh store"):
                    floor_leads, floor_events = import_floor(target, leads, events)
                del leads, events
                imported = {
                    "import": sum(s[1] for s in steps),
                    "steps": steps,
                    "floor": floor_leads + floor_events,
                    "floor_steps": [floor_leads, floor_events],
                }
                done_file.write_text(json.dumps(imported))
            else:
                imported = json.loads(done_file.read_text())
                out.print("  (import reused: figures from the earlier run)")
            i_ratio = imported["import"] / imported["floor"]
            print(
                f"1. import   accord import (2 processes)  {imported['import']:7.1f} s   (leads {imported['steps'][0][1]:.1f} s, events {imported['steps'][1][1]:.1f} s)"
            )
            for name, _, line in imported["steps"]:
                print(f"            {name}: {line}")
            print(
                f"            floor: executemany        {imported['floor']:7.1f} s   (leads {imported['floor_steps'][0]:.1f} s, events {imported['floor_steps'][1]:.1f} s)"
            )
            print(f"            ratio {i_ratio:.2f} (goal <= 2)")
            print(f"   planner statistics: {statistics_state(target.url)}")
            st = time_status(target, ws, ws_dir, work, args.repeat)
            s_ratio = st["status"] / st["floor"]
            print(f"2. status   $ {' '.join(st['cmd'])}")
            print(
                f"            accord status (process)      {st['status']:7.2f} s   median of {args.repeat}: {', '.join(f'{t:.2f}' for t in st['status_all'])}; first run {st['first']:.2f} s"
            )
            print(
                f"            floor (process)              {st['floor']:7.2f} s   median of {args.repeat}: {', '.join(f'{t:.2f}' for t in st['floor_all'])}; inside it {st['floor_inner']:.2f} s"
            )
            print(f"            ratio {s_ratio:.2f} (goal <= 1.5)")
            n = len(st["status_json"]["commitments"])
            if st["diffs"]:
                print(f"            VALUES DIFFER ({len(st['diffs'])} of {n} commitments):")
                for d in st["diffs"]:
                    print(f"              {d}")
            else:
                print(
                    f"            values equal: {n} commitments, {st['status_json']['store']['events']:,} events"
                )
            prof = engine_profile(target, ws, args.repeat)
            ev, bare = prof["evaluation"], prof["bare_sql"]
            print(
                f"   status on an empty store (start-up, workspace, connection): {st['fixed']:.2f} s (median of {args.repeat})"
            )
            print(
                f"   where the time goes: status {st['status']:.2f} s ≈ start-up and workspace {st['status'] - ev:.2f} s"
                f" + evaluation {ev:.2f} s (in process, median of {args.repeat}; its {prof['statements']} statements"
                f" on the bare driver {bare:.2f} s, the rest {ev - bare:.2f} s: SQLAlchemy's rows, deadlines, results)"
            )
            print(
                f"                        floor  {st['floor']:.2f} s ≈ start-up {st['floor'] - st['floor_inner']:.2f} s"
                f" + SQL {st['floor_sql']:.2f} s + numbers {st['floor_inner'] - st['floor_sql']:.2f} s"
            )
            print("   slowest commitments (one evaluation, in the order `on_result` reports them):")
            for key, secs in prof["per_commitment"][:6]:
                print(f"              {key:<50} {secs * 1000:7.0f} ms")
            owner, secs, sql = prof["slowest"]
            how = "EXPLAIN QUERY PLAN" if target.sqlite else "EXPLAIN (ANALYZE, BUFFERS)"
            print(f"   slowest cohort query: {owner}, {secs * 1000:.0f} ms; {how}:")
            for line in prof["plan"]:
                print(f"     {line}")
            if prof["probes"] and not prof["probes_off"]:
                print(f"   per-lead probes: all {prof['probes']} use {LEAD_INDEX}")
            else:
                print(
                    f"   per-lead probes NOT using {LEAD_INDEX} ({len(prof['probes_off'])} of {prof['probes']}):"
                )
                for line in prof["probes_off"]:
                    print(f"     {line}")
            summary.append(
                (
                    target.name,
                    imported["import"],
                    imported["floor"],
                    i_ratio,
                    st["status"],
                    st["floor"],
                    s_ratio,
                    bool(st["diffs"]),
                )
            )
        if not args.no_demo:
            with out.status("accord demo, then accord status"):
                d = time_demo(work, args.repeat)
            print(f"\n3. demo     accord demo --no-dash --no-site {d['demo']:.1f} s ({d['data']})")
            print(
                f"            accord status DIR             {d['status']:7.2f} s   median of {args.repeat}: {', '.join(f'{t:.2f}' for t in d['all'])}; first run {d['first']:.2f} s (goal <= 1.5 s)"
            )
        print(f"\nsummary: {meta['n_leads']:,} leads, {meta['n_events']:,} events")
        print(
            f"  {'dialect':<11} {'import':>8} {'floor':>8} {'ratio':>6}   {'status':>8} {'floor':>8} {'ratio':>6}"
        )
        for name, imp, ifl, ir, sta, sfl, sr, bad in summary:
            print(
                f"  {name:<11} {imp:7.1f}s {ifl:7.1f}s {ir:6.2f}   {sta:7.2f}s {sfl:7.2f}s {sr:6.2f}{'   VALUES DIFFER' if bad else ''}"
            )
        if any(row[-1] for row in summary):
            raise SystemExit(1)
    finally:
        if server is not None:
            server.close()
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
