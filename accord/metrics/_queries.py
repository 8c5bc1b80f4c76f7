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
from accord.metrics._engine import (
    Evaluator,
    evaluate_one,
    measured,
    open_state,
    resolve_at,
)
from accord.metrics._results import (
    AttentionItem,
    Evaluation,
    Period,
    StageCount,
)
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
) -> list[tuple[Period, float | None]]:
    """The commitment's value in each of the last `periods` periods, oldest first.

    The current period is evaluated as of `at`, earlier ones as of their last instant.
    For `open` measures (not period-bound) each point is the value at the end of the
    corresponding `per` period. Without `at`, as of `now()`.
    """
    when = resolve_at(ws, at, now)
    points: list[tuple[Period, float | None]] = []
    moment = when
    with store.read() as conn:
        for _ in range(max(periods, 0)):
            start, end = period_bounds(ref.commitment.per, moment, ws.tz)
            result = evaluate_one(conn, ws, ref, moment)
            points.append((Period(start, end), result.value))
            moment = start - _TICK if ref.commitment.per not in ("30d", "90d") else start
    points.reverse()
    return points


def attention(
    ws: Workspace,
    store: Store,
    at: dt.datetime | None = None,
    limit: int | None = None,
    *,
    now: Clock = system_now,
) -> list[AttentionItem]:
    """The leads waiting in every `open` commitment as of `at` (default `now()`), longest
    wait first."""
    when = resolve_at(ws, at, now)
    items: list[AttentionItem] = []
    with store.read() as conn:
        found: list[tuple[CommitmentRef, str, dt.datetime, float]] = []
        for ref in measured(ws, when):
            if kind_of(ref.kpi.measure).period_bound:
                continue
            st, calc = open_state(conn, ws, ref, when)
            _, _, ids = calc.value(st)
            for lead in ids or []:
                since = st.rows[lead].first_at
                found.append((ref, lead, since, calc.hours(since, when, st.spec.clock)))
        wanted = sorted({lead for _, lead, _, _ in found})
        details = _lead_details(conn, wanted, when)
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
    out: dict[str, tuple[str | None, bool | None, str | None]] = {}
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        rows = conn.execute(
            select(leads.c.lead_id, leads.c.owner, leads.c.hot).where(leads.c.lead_id.in_(chunk))
        )
        info = {r.lead_id: (r.owner, r.hot) for r in rows}
        stage: dict[str, str | None] = {}
        entered = conn.execute(
            select(events.c.lead_id, events.c.stage)
            .where(events.c.lead_id.in_(chunk), events.c.type == "entered", events.c.at <= at)
            .order_by(events.c.lead_id, events.c.at, events.c.event_id)
        )
        for r in entered:
            stage[r.lead_id] = r.stage
        for lead in chunk:
            owner, hot = info.get(lead, (None, None))
            out[lead] = (owner, hot, stage.get(lead))
    return out
