# ruff: noqa: E501  (hand-written SQL reads best on one line)
"""Benchmark of the metric engine: full evaluation vs hand-written SQL, incremental refresh.

    .venv/bin/python bench/metrics.py                      # 1,000,000 leads, ~3.9M events
    .venv/bin/python bench/metrics.py --leads 100000       # a quick run
    .venv/bin/python bench/metrics.py --postgres URL       # also into PostgreSQL
    .venv/bin/python bench/metrics.py --leads 200000 --extra-events-per-lead 10.7
                                                           # ~14.6 events per lead, not ~3.9

Generates leads and events (bulk inserts, indexes built afterwards, SQLite with
``synchronous=OFF`` while loading), then, in a fresh child process so that peak
memory reflects evaluation only, times:

* full: `accord.metrics.evaluate` of the repository's agreements/ workspace;
* floor: hand-written SQL that fetches the same numbers (scalars for count/sum,
  per-lead first/next times for the cohort measures, the waiting leads for open);
* refresh: `Evaluator.refresh` after 1,000 new events.

Prints the ratios and the child's peak RSS (its own VmHWM). Goals: full ≤ 1.5 × floor, refresh ≤ 50 ms,
memory independent of the event count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import floor_sql, peak_rss_mb, wall_times
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from accord.domain import model as m
from accord.domain.workspace import Workspace
from accord.loading.validate import load_workspace
from accord.metrics import Evaluator, evaluate
from accord.store import Store, add_events, events, metadata

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 18, 14, 0, tzinfo=dt.UTC)
console = Console(stderr=True)


def workspace() -> Workspace:
    return load_workspace(ROOT)


def plan(ws: Workspace) -> tuple[list[str], list[tuple[str, str]]]:
    """Stage ids in funnel order, and (after-stage, event type) pairs the KPIs wait for."""
    stages = [s.id for s in ws.funnel]
    extras: set[tuple[str, str]] = set()
    for kpi in ws.kpis.values():
        spec = kpi.measure.spec
        if kpi.measure.kind in ("within", "duration", "open"):
            start, end = m.as_match(spec.from_), m.as_match(spec.to)
            if end.type != "entered" and start.stage:
                extras.add((start.stage, end.type))
        if kpi.measure.kind == "count":
            match = m.as_match(spec)
            if match.type != "entered":
                extras.add((stages[-1], match.type))
    return stages, sorted(extras)


def generate(n_leads: int, ws: Workspace, seed: int = 7, extra: float = 0.0) -> Any:
    """Yield (leads batch, events batch) tuples of plain rows.

    `extra` adds that many events per lead on average (a fraction is a probability)
    on top of the ~3.6 of the funnel walk, drawn from their own random stream so the
    funnel walk is the same with or without them: each repeats an event the lead
    already has (`entered` a stage it entered, another `contacted`, `accepted`, ...)
    at a later time spread over the lead's lifetime (up to its last event, or 30 days
    after the repeated one, whichever is later, and never after NOW). Every "first"
    event, and so every lead's cohort, stays as it was; only the counts of
    later periods can gain a lead whose repeat falls into them.
    """
    rng = random.Random(seed)
    rng_extra = random.Random(seed + 1)
    whole, part = int(extra), extra - int(extra)
    stages, extras = plan(ws)
    after: dict[str, list[str]] = {}
    for stage, kind in extras:
        after.setdefault(stage, []).append(kind)
    start = NOW - dt.timedelta(days=365)
    batch_leads: list[tuple[Any, ...]] = []
    batch_events: list[tuple[Any, ...]] = []
    for i in range(n_leads):
        lead = f"L{i:07d}"
        hot = rng.random() < 0.2
        created = start + dt.timedelta(seconds=rng.uniform(0, 365 * 86400))
        batch_leads.append(
            (
                lead,
                fmt(created),
                rng.choice(["content", "ads", "events", "referral"]),
                rng.choice(["smb", "mid", "enterprise"]),
                hot,
                round(rng.uniform(1000, 90000), 2),
                rng.choice(["jan", "sanne", "piet", "eva"]),
            )
        )
        at = created
        for depth, stage in enumerate(stages):
            if depth and rng.random() > 0.62:
                break
            batch_events.append((lead, fmt(at), "entered", stage, None, f"{lead}-{stage}"))
            for kind in after.get(stage, []):
                if rng.random() < 0.9:
                    delay = dt.timedelta(hours=rng.expovariate(1 / 6))
                    batch_events.append(
                        (
                            lead,
                            fmt(at + delay),
                            kind,
                            stage if kind == "completed" else None,
                            None,
                            f"{lead}-{stage}-{kind}",
                        )
                    )
            at = at + dt.timedelta(hours=rng.expovariate(1 / 72))
            if at > NOW:
                break
        if extra:
            repeat_extra(batch_events, lead, whole + (rng_extra.random() < part), rng_extra)
        if len(batch_events) >= 50_000:
            yield batch_leads, batch_events
            batch_leads, batch_events = [], []
    yield batch_leads, batch_events


def repeat_extra(batch: list[tuple[Any, ...]], lead: str, n: int, rng: random.Random) -> None:
    """Append `n` later repeats of `lead`'s events (the last rows of `batch`) to `batch`."""
    own: list[tuple[Any, ...]] = []
    for row in reversed(batch):
        if row[0] != lead:
            break
        own.append(row)
    seen = [(dt.datetime.fromisoformat(r[1]).replace(tzinfo=dt.UTC), r[2], r[3]) for r in own]
    seen = [s for s in seen if s[0] <= NOW]
    if not seen:
        return
    last = max(s[0] for s in seen)
    for j in range(n):
        at, kind, stage = rng.choice(seen)
        end = min(max(last, at + dt.timedelta(days=30)), NOW)
        when = at + (end - at) * rng.random()
        batch.append((lead, fmt(when), kind, stage, None, f"{lead}-x{j}"))


def fmt(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def load(url: str, n_leads: int, ws: Workspace, extra: float = 0.0) -> int:
    store = Store.open(url)
    with store.engine.begin() as conn:
        metadata.drop_all(conn)
    store.ensure_schema()
    for index in events.indexes:
        index.drop(store.engine)
    total = 0
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        pg = store.dialect == "postgresql"
        if not pg:
            cur.execute("PRAGMA synchronous=OFF")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(f"loading {store.dialect}", total=n_leads)
            for leads_rows, event_rows in generate(n_leads, ws, extra=extra):
                if pg:
                    with cur.copy(
                        "COPY leads (lead_id, created_at, source, segment, hot, value, owner) FROM STDIN"
                    ) as cp:  # type: ignore[attr-defined]
                        for row in leads_rows:
                            cp.write_row(row)
                    with cur.copy(
                        "COPY events (lead_id, at, type, stage, actor, source_key) FROM STDIN"
                    ) as cp:  # type: ignore[attr-defined]
                        for row in event_rows:
                            cp.write_row(row)
                else:
                    cur.executemany(
                        "INSERT INTO leads (lead_id, created_at, source, segment, hot, value, owner) VALUES (?,?,?,?,?,?,?)",
                        leads_rows,
                    )
                    cur.executemany(
                        "INSERT INTO events (lead_id, at, type, stage, actor, source_key) VALUES (?,?,?,?,?,?)",
                        event_rows,
                    )
                raw.commit()
                total += len(event_rows)
                progress.update(task, advance=len(leads_rows))
        if not pg:
            cur.execute("PRAGMA synchronous=NORMAL")
        raw.commit()
    finally:
        raw.close()
    with console.status("building indexes"):
        for index in events.indexes:
            index.create(store.engine)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    store.close()
    return total


def child(url: str) -> None:
    """Time full, floor and refresh in this (fresh) process; print JSON."""
    from sqlalchemy import text

    ws = workspace()
    store = Store.open(url)
    statements = floor_sql(ws, store.dialect, NOW)

    def run_floor() -> None:
        with store.read() as conn:
            conn.execute(text("SELECT COUNT(*), MAX(event_id), MAX(at) FROM events")).all()
            for sql, params in statements:
                conn.execute(text(sql), params).all()

    def timed(fn: Any, repeat: int = 3) -> float:
        fn()  # warm the page cache
        return statistics.median(wall_times(fn, repeat))

    full = timed(lambda: evaluate(ws, store, NOW))
    # Per-commitment breakdown of one full evaluation: the time between results as
    # `on_result` reports them (cheap commitments come first).
    kinds = {f"{r.agreement.id}/{r.commitment.id}": r for r in ws.commitments()}
    marks: list[tuple[str, float]] = []
    t_start = time.perf_counter()
    Evaluator(ws, store).full(
        NOW, on_result=lambda c: marks.append((f"{c.agreement}/{c.id}", time.perf_counter()))
    )
    breakdown, prev = [], t_start
    for key, t in marks:
        ref = kinds[key]
        breakdown.append((key, ref.kpi.measure.kind, ref.commitment.per, t - prev))
        prev = t
    rss_full = peak_rss_mb()  # before the floor runs
    floor = timed(run_floor)
    live = Evaluator(ws, store)
    live.full(NOW)
    rng = random.Random(1)
    stages = [s.id for s in ws.funnel]
    refreshes = []
    for round_ in range(3):
        rows = [
            {
                "lead_id": f"L{rng.randrange(1000):07d}",
                "at": NOW + dt.timedelta(seconds=round_ * 10 + rng.uniform(0, 9)),
                "type": "entered",
                "stage": rng.choice(stages),
                "source_key": f"bench-{round_}-{i}",
            }
            for i in range(1000)
        ]
        with store.write() as conn:
            add_events(conn, rows)
        t0 = time.perf_counter()
        live.refresh(NOW + dt.timedelta(seconds=round_ * 10 + 10))
        refreshes.append(time.perf_counter() - t0)
    with store.write() as conn:
        conn.execute(events.delete().where(events.c.source_key.like("bench-%")))
    info = store.info()
    rss = peak_rss_mb()
    print(
        json.dumps(
            {
                "full": full,
                "floor": floor,
                "refresh": statistics.median(refreshes),
                "events": info.events,
                "commitments": len(ws.commitments()),
                "rss_mb": rss,
                "rss_full_mb": rss_full,
                "breakdown": breakdown,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--postgres", metavar="URL", help="also benchmark this PostgreSQL database")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="skip generation when --db exists")
    parser.add_argument(
        "--extra-events-per-lead",
        type=float,
        default=0.0,
        metavar="K",
        help="add K events per lead (repeats of events the lead already has, later in its"
        " lifetime; a fraction is a probability) to vary events per lead at a fixed lead count",
    )
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    ws = workspace()
    tmp = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    db = args.db or tmp / "funnel.db"
    urls = [f"sqlite:///{db.resolve()}"]
    if args.postgres:
        urls.append(args.postgres)
    for url in urls:
        if not (args.reuse and url.startswith("sqlite") and db.exists()):
            t0 = time.perf_counter()
            n = load(url, args.leads, ws, args.extra_events_per_lead)
            console.print(
                f"generated {args.leads:,} leads, {n:,} events in {time.perf_counter() - t0:.0f}s"
            )
        out = subprocess.run(
            [sys.executable, __file__, "--child", url], capture_output=True, text=True
        )
        if out.returncode:
            console.print(out.stderr)
            raise SystemExit(1)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        name = url.split(":", 1)[0]
        print(
            f"{name}: {args.leads:,} leads, {r['events']:,} events"
            f" ({r['events'] / args.leads:.1f} per lead), {r['commitments']} commitments"
        )
        print(f"  full evaluation   {r['full'] * 1000:8.1f} ms")
        print(
            f"  hand-written SQL  {r['floor'] * 1000:8.1f} ms   ratio {r['full'] / r['floor']:.2f} (goal <= 1.5)"
        )
        print(f"  refresh +1000 ev  {r['refresh'] * 1000:8.1f} ms   (goal <= 50 ms)")
        print(
            f"  peak RSS (child)  {r['rss_mb']:8.1f} MB   (after the full evaluations, before the floor: {r['rss_full_mb']:.1f} MB)"
        )
        print(
            "  full evaluation by commitment (evaluation order, one run; the first"
            " includes counting the store's events):"
        )
        total = sum(b[3] for b in r["breakdown"]) or 1.0
        for key, kind, per, secs in r["breakdown"]:
            share = 100 * secs / total
            print(f"    {key:<40} {kind:<10} {per:<8} {secs * 1000:8.1f} ms  {share:5.1f}%")


if __name__ == "__main__":
    main()
