"""Evaluation entry points and the dashboard's queries: funnel, trend, attention."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from accord.domain.calendar import period_bounds
from accord.domain.clock import Clock, system_now
from accord.domain.measures import kind_of
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import _sql
from accord.metrics._calc import Calc
from accord.metrics._engine import (
    Evaluator,
    evaluate_one,
    measured,
    open_state,
    resolve_at,
)
from accord.metrics._fetch import fetch_all
from accord.metrics._results import (
    AttentionItem,
    Evaluation,
    Period,
    StageCount,
)
from accord.metrics._state import State
from accord.metrics._trend import PastValues, cohort_values, value_key
from accord.store import events, leads

if TYPE_CHECKING:
    from accord.store import Store


_TICK = dt.timedelta(microseconds=1)


def evaluate(
    ws: Workspace, store: Store, at: dt.datetime | None = None, *, now: Clock = system_now
) -> Evaluation:
    """Every commitment of the agreements in force at `at` (default `now()`), evaluated.

    A naive `at` is read in the workspace's time zone.

    Raises:
        StoreError: the store cannot be read.
    """
    return Evaluator(ws, store, now=now).full(at)


def funnel(
    ws: Workspace,
    store: Store,
    per: str,
    at: dt.datetime | None = None,
    *,
    now: Clock = system_now,
) -> list[StageCount]:
    """Distinct leads entering each stage (funnel order) in the `per` period containing `at`
    (default `now()`)."""
    when = resolve_at(ws, at, now)
    start, _ = period_bounds(per, when, ws.tz)
    stages = ws.funnel
    with store.read() as conn:
        rows = conn.execute(_sql.stage_entries([s.id for s in stages], start, when))
        counts: dict[str, int] = {str(stage): int(n) for stage, n in rows}
    out: list[StageCount] = []
    previous: int | None = None
    for stage in stages:
        count = int(counts.get(stage.id, 0))
        ratio = count / previous if previous else None
        out.append(StageCount(stage.id, stage.name, count, ratio))
        previous = count
    return out


def trend(
    ws: Workspace,
    store: Store,
    ref: CommitmentRef,
    periods: int = 6,
    at: dt.datetime | None = None,
    *,
    now: Clock = system_now,
    cache: PastValues | None = None,
) -> list[tuple[Period, float | None]]:
    """The commitment's value in each of the last `periods` periods, oldest first.

    The current period is evaluated as of `at`, earlier ones as of their last instant.
    For `open` measures (not period-bound) each point is the value at the end of the
    corresponding `per` period (all of them from one read). Without `at`, as of `now()`.

    With `cache`, values kept there (for the same store, measure and instant, and no
    event since at or before that instant) are used, and the others kept: see
    `PastValues` for when to clear it.
    """
    when = resolve_at(ws, at, now)
    per = ref.commitment.per
    moments: list[dt.datetime] = []
    bounds: list[tuple[dt.datetime, dt.datetime]] = []
    moment = when
    for _ in range(max(periods, 0)):
        start, end = period_bounds(per, moment, ws.tz)
        moments.append(moment)
        bounds.append((start, end))
        moment = start - _TICK if per not in ("30d", "90d") else start
    key = value_key(ws, ref)
    values: dict[dt.datetime, float | None] = {}
    with store.read() as conn:
        version = 0 if cache is None else cache.sync(conn, store.url)
        wanted: list[dt.datetime] = []
        for moment in moments:
            found, value = (False, None) if cache is None else cache.get(key, moment)
            if found:
                values[moment] = value
            else:
                wanted.append(moment)
        if not kind_of(ref.kpi.measure).period_bound:
            # `open`: each instant's list reads all time; one read serves them all
            computed = cohort_values(conn, ws, ref, wanted)
        else:
            computed = [evaluate_one(conn, ws, ref, moment).value for moment in wanted]
    for moment, value in zip(wanted, computed, strict=True):
        values[moment] = value
        if cache is not None:
            cache.put(key, moment, value, version)
    points = [
        (Period(start, end), values[moment])
        for (start, end), moment in zip(bounds, moments, strict=True)
    ]
    points.reverse()
    return points


def attention(
    ws: Workspace,
    store: Store,
    at: dt.datetime | None = None,
    limit: int | None = None,
    *,
    now: Clock = system_now,
    evaluator: Evaluator | None = None,
) -> list[AttentionItem]:
    """The leads waiting in every `open` commitment as of `at` (default `now()`), longest
    wait first.

    With `evaluator` (an `Evaluator` of `ws` last evaluated as of that same instant:
    call it between its refreshes, not beside one), its `open` states are used instead
    of being loaded again; otherwise they are loaded here. Only the leads' details
    (owner, hot, stage) are read from `store`.
    """
    when = resolve_at(ws, at, now)
    calc = Calc(ws, when)
    waiting: list[tuple[CommitmentRef, State, list[str]]] = []
    with store.read() as conn:
        if evaluator is not None and evaluator.ws is ws and evaluator.at == when:
            for st, _ in evaluator.open_rows():
                _, _, ids = st.value(when)
                waiting.append((st.ref, st, list(ids or [])))
        else:
            for ref in measured(ws, when):
                if kind_of(ref.kpi.measure).period_bound:
                    continue
                st, _ = open_state(conn, ws, ref, when)
                _, _, ids = st.value(when)
                waiting.append((ref, st, list(ids or [])))
        found: list[tuple[CommitmentRef, str, dt.datetime, float]] = []
        for ref, st, ids in waiting:
            clock, rows = st.spec.clock, st.rows
            for lead in ids:
                since = rows[lead].first_at
                found.append((ref, lead, since, calc.hours(since, when, clock)))
        wanted = sorted({lead for _, lead, _, _ in found})
        details = _lead_details(conn, wanted, when)
    items: list[AttentionItem] = []
    for ref, lead, since, age in found:
        owner, hot, stage = details.get(lead, (None, None, None))
        items.append(
            AttentionItem(
                lead_id=lead,
                agreement=ref.agreement.id,
                commitment=ref.commitment.id,
                kpi=ref.kpi.id,
                since=since,
                age_hours=age,
                owner=owner,
                hot=hot,
                stage=stage,
            )
        )
    items.sort(key=lambda i: (-i.age_hours, i.lead_id, i.agreement, i.commitment))
    return items if limit is None else items[:limit]


def _lead_details(
    conn: Connection, ids: list[str], at: dt.datetime
) -> dict[str, tuple[str | None, bool | None, str | None]]:
    """Each lead's owner, `hot` and the stage it last entered by `at` (rows read in bulk
    from the driver, `fetch_all`: no timestamp among them)."""
    out: dict[str, tuple[str | None, bool | None, str | None]] = {}
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        rows = fetch_all(
            conn,
            select(leads.c.lead_id, leads.c.owner, leads.c.hot).where(leads.c.lead_id.in_(chunk)),
        )
        # SQLite's driver gives `hot` as 0/1
        info = {r[0]: (r[1], None if r[2] is None else bool(r[2])) for r in rows}
        stage: dict[str, str | None] = {}
        entered = fetch_all(
            conn,
            select(events.c.lead_id, events.c.stage)
            .where(events.c.lead_id.in_(chunk), events.c.type == "entered", events.c.at <= at)
            .order_by(events.c.lead_id, events.c.at, events.c.event_id),
        )
        for lead, entered_stage in entered:
            stage[lead] = entered_stage
        for lead in chunk:
            owner, hot = info.get(lead, (None, None))
            out[lead] = (owner, hot, stage.get(lead))
    return out
