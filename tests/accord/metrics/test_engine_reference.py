"""The engine against a small, obviously correct pure-Python evaluator of
docs/reference/metrics.md, on
random event sets (hypothesis), on SQLite and on PostgreSQL; and the incremental
refresh against a full evaluation after random appends."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_support import ams, backend_store, make_workspace, put
from sqlalchemy import delete

from accord.domain import model as m
from accord.domain.calendar import period_bounds
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import Evaluator, PastValues, attention, evaluate, trend
from accord.store import Store, events, leads

# --- the reference -----------------------------------------------------------------


@dataclass(frozen=True)
class E:
    event_id: int
    lead_id: str
    at: dt.datetime
    type: str
    stage: str | None


def ref_matches(e: E, match: m.Match) -> bool:
    mm = m.as_match(match)
    return e.type == mm.type and (mm.stage is None or e.stage == mm.stage)


def ref_passes(lead: dict[str, Any] | None, where: dict[str, Any]) -> bool:
    if not where:
        return True
    if lead is None:
        return False
    for key, wanted in where.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        have = lead.get(key) if key in m.LEAD_COLUMNS else (lead.get("attributes") or {}).get(key)
        if have is None or not any(have == v and type(have) is type(v) for v in values):
            return False
    return True


def order(e: E) -> tuple[dt.datetime, int]:
    return (e.at, e.event_id)


def reference(
    ws: Workspace,
    ref: CommitmentRef,
    evs: list[E],
    lead_rows: dict[str, dict[str, Any]],
    at: dt.datetime,
) -> tuple[float | None, list[str] | None]:
    """(value, open lead ids) of one commitment, straight from docs/reference/metrics.md."""
    kpi = ref.kpi
    visible = [
        e for e in evs if e.at <= at and ref_passes(lead_rows.get(e.lead_id), dict(kpi.where))
    ]
    start, _ = period_bounds(ref.commitment.per, at, ws.tz)
    kind, spec = kpi.measure.kind, kpi.measure.spec
    if kind in ("count", "sum"):
        match = spec if kind == "count" else spec.of
        ids = {e.lead_id for e in visible if ref_matches(e, match) and start <= e.at <= at}
        if kind == "count":
            return len(ids), None
        total = sum(
            float(lead_rows[i]["value"])
            for i in ids
            if i in lead_rows and lead_rows[i].get("value") is not None
        )
        return total, None
    by_lead: dict[str, list[E]] = {}
    for e in sorted(visible, key=order):
        by_lead.setdefault(e.lead_id, []).append(e)
    pairs: list[tuple[str, E, E | None]] = []
    for lead, mine in by_lead.items():
        froms = [e for e in mine if ref_matches(e, spec.from_)]
        if not froms:
            continue
        first = froms[0]  # sorted by (at, event_id)
        if kind != "open" and not start <= first.at <= at:
            continue
        tos = [e for e in mine if ref_matches(e, spec.to) and order(e) >= order(first)]
        pairs.append((lead, first, min(tos, key=lambda e: e.at) if tos else None))

    def clock_add(t: dt.datetime, hours: float, clock: str) -> dt.datetime:
        return ws.calendar.add(t, hours) if clock == "business" else t + dt.timedelta(hours=hours)

    if kind == "conversion":
        if not pairs:
            return None, None
        ok = [
            1
            for _, f, t in pairs
            if t is not None
            and (spec.within is None or t.at <= f.at + dt.timedelta(hours=spec.within))
        ]
        return len(ok) / len(pairs), None
    if kind == "within":
        met = missed = 0
        for _, f, t in pairs:
            deadline = clock_add(f.at, spec.limit, spec.clock)
            if t is not None and t.at <= deadline:
                met += 1
            elif at > deadline:
                missed += 1
        return (met / (met + missed) if met + missed else None), None
    if kind == "duration":
        hours = sorted(
            ws.calendar.hours_between(f.at, t.at)
            if spec.clock == "business"
            else (t.at - f.at).total_seconds() / 3600
            for _, f, t in pairs
            if t is not None
        )
        if not hours:
            return None, None
        rank = math.ceil(spec.percentile * len(hours) / 100)
        return hours[rank - 1], None
    waiting = sorted(
        (f.at, lead)
        for lead, f, t in pairs
        if t is None
        and (spec.older_than is None or at > clock_add(f.at, spec.older_than, spec.clock))
    )
    return len(waiting), [lead for _, lead in waiting]


# --- the random data ------------------------------------------------------------------

COMMITMENTS = [
    {"id": "count", "kpi": "sqls", "target": {"min": 3}},
    {"id": "count-week", "kpi": "sqls", "target": {"min": 1}, "per": "week"},
    {"id": "count-30d", "kpi": "sqls", "target": {"min": 1}, "per": "30d"},
    {"id": "filtered", "kpi": "content-sqls", "target": {"min": 1}},
    {"id": "sum", "kpi": "pipeline", "target": {"min": 100}},
    {"id": "conv", "kpi": "mql-to-sql", "target": {"min": "50%"}},
    {"id": "conv30", "kpi": "mql-to-sql-30d", "target": {"min": "50%"}, "per": "quarter"},
    {"id": "hot", "kpi": "hot-callback", "target": {"min": "90%"}},
    {"id": "day", "kpi": "callback-calendar", "target": {"min": "90%"}, "per": "week"},
    {"id": "p90", "kpi": "time-to-contact", "target": {"max": "8h"}},
    {"id": "median", "kpi": "business-time-to-contact", "target": {"max": "8h"}},
    {"id": "wait-hot", "kpi": "waiting-hot", "target": {"max": 0}},
    {"id": "wait", "kpi": "waiting", "target": {"max": 2}},
    # Rolling cohorts: a refresh slides their window instead of reloading it.
    {"id": "conv-30d", "kpi": "mql-to-sql", "target": {"min": "50%"}, "per": "30d"},
    {"id": "hot-30d", "kpi": "hot-callback", "target": {"min": "90%"}, "per": "30d"},
    {"id": "median-30d", "kpi": "business-time-to-contact", "target": {"max": "8h"}, "per": "30d"},
]

LEADS = ["a", "b", "c", "d", "e"]
KINDS = [("entered", "mql"), ("entered", "sql"), ("entered", "opportunity"), ("contacted", None)]
T0 = ams(2026, 10, 20)

event_st = st.tuples(
    st.sampled_from(LEADS),
    st.integers(min_value=0, max_value=60 * 24 * 45),  # minutes after T0, ~45 days
    st.sampled_from(KINDS),
)
lead_st = st.fixed_dictionaries(
    {
        "hot": st.sampled_from([True, False, None]),
        "source": st.sampled_from(["content", "ads"]),
        "value": st.sampled_from([None, 10, 250.5]),
        "attributes": st.sampled_from([{}, {"region": "eu"}, {"region": "us"}]),
    }
)
leads_st = st.dictionaries(st.sampled_from(LEADS[:4]), lead_st)  # "e" never has a row
minutes_st = st.integers(min_value=0, max_value=60 * 24 * 50)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("ref"), COMMITMENTS)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from backend_store(request, tmp_path_factory.mktemp("refdb"))


def examples(store: Store, sqlite: int, postgres: int) -> int:
    return sqlite if store.dialect == "sqlite" else postgres


def load(
    store: Store, raw: list[tuple[str, int, tuple[str, str | None]]], lead_rows: dict[str, Any]
) -> list[E]:
    with store.write() as conn:
        conn.execute(delete(events))
        conn.execute(delete(leads))
    rows = [
        {
            "lead_id": lead,
            "at": T0 + dt.timedelta(minutes=mins),
            "type": k,
            "stage": s,
            "source_key": f"r{i}",
        }
        for i, (lead, mins, (k, s)) in enumerate(raw)
    ]
    put(store, [{"lead_id": k, **v} for k, v in lead_rows.items()], rows)
    with store.read() as conn:
        stored = conn.execute(events.select().order_by(events.c.event_id)).all()
    return [E(r.event_id, r.lead_id, r.at, r.type, r.stage) for r in stored]


def check(
    ws: Workspace, got: Any, evs: list[E], lead_rows: dict[str, Any], at: dt.datetime
) -> None:
    by_id = {c.id: c for c in got.commitments}
    for ref in ws.commitments():
        value, ids = reference(ws, ref, evs, lead_rows, at)
        result = by_id[ref.commitment.id]
        assert result.value == pytest.approx(value), ref.commitment.id
        assert result.leads == ids, ref.commitment.id


def run_property(ws: Workspace, db: Store, n: int) -> None:
    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck))
    @given(raw=st.lists(event_st, max_size=25), lead_rows=leads_st, at_minutes=minutes_st)
    def prop(raw: Any, lead_rows: dict[str, Any], at_minutes: int) -> None:
        evs = load(db, raw, lead_rows)
        at = T0 + dt.timedelta(minutes=at_minutes)
        check(ws, evaluate(ws, db, at), evs, lead_rows, at)

    prop()


def test_engine_equals_reference(ws: Workspace, db: Store) -> None:
    run_property(ws, db, examples(db, 150, 40))


def test_incremental_refresh_equals_full(ws: Workspace, db: Store) -> None:
    n = examples(db, 100, 25)

    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        first=st.lists(event_st, max_size=15),
        batches=st.lists(
            st.tuples(st.lists(event_st, max_size=8), st.integers(0, 60 * 24 * 10)),
            min_size=1,
            max_size=4,
        ),
        lead_rows=leads_st,
        start=minutes_st,
    )
    def prop(first: Any, batches: Any, lead_rows: dict[str, Any], start: int) -> None:
        load(db, first, lead_rows)
        at = T0 + dt.timedelta(minutes=start)
        live = Evaluator(ws, db)
        live.full(at)
        key = 0
        for extra, step in batches:
            rows = []
            for lead, mins, (k, s) in extra:  # out of order: any time, before or after `at`
                key += 1
                rows.append(
                    {
                        "lead_id": lead,
                        "at": T0 + dt.timedelta(minutes=mins),
                        "type": k,
                        "stage": s,
                        "source_key": f"x{key}",
                    }
                )
            put(db, events=rows)
            at = at + dt.timedelta(minutes=step)
            assert live.refresh(at) == evaluate(ws, db, at)

    prop()


def test_trend_equals_an_evaluation_per_period(ws: Workspace, db: Store) -> None:
    """Each point of a trend (the cohort kinds from one read for all periods) is the
    commitment's value in a fresh evaluation as of that period's last instant."""
    n = examples(db, 40, 10)

    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck))
    @given(raw=st.lists(event_st, max_size=25), lead_rows=leads_st, at_minutes=minutes_st)
    def prop(raw: Any, lead_rows: dict[str, Any], at_minutes: int) -> None:
        load(db, raw, lead_rows)
        at = T0 + dt.timedelta(minutes=at_minutes)
        evaluations: dict[dt.datetime, dict[str, float | None]] = {}
        for ref in ws.commitments():
            points = trend(ws, db, ref, periods=4, at=at)
            moment = at
            for period, value in reversed(points):
                start, end = period_bounds(ref.commitment.per, moment, ws.tz)
                assert (period.start, period.end) == (start, end)
                if moment not in evaluations:
                    evaluations[moment] = {
                        c.id: c.value for c in evaluate(ws, db, moment).commitments
                    }
                assert value == evaluations[moment][ref.commitment.id], (ref.commitment.id, moment)
                rolling = ref.commitment.per in ("30d", "90d")
                moment = start if rolling else start - dt.timedelta(microseconds=1)

    prop()


def test_trend_cache_equals_a_fresh_trend(ws: Workspace, db: Store) -> None:
    """Trends through a `PastValues` cache, after events appended at any time (before,
    in or after the cached periods, and past the instant), equal trends without it."""
    n = examples(db, 30, 8)

    @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        first=st.lists(event_st, max_size=15),
        batches=st.lists(
            st.tuples(st.lists(event_st, max_size=6), st.integers(0, 60 * 24 * 20)),
            min_size=1,
            max_size=3,
        ),
        lead_rows=leads_st,
        start=minutes_st,
    )
    def prop(first: Any, batches: Any, lead_rows: dict[str, Any], start: int) -> None:
        load(db, first, lead_rows)
        cache = PastValues()
        at = T0 + dt.timedelta(minutes=start)
        key = 0
        for extra, step in [([], 0), *batches]:
            rows = []
            for lead, mins, (k, s) in extra:
                key += 1
                rows.append(
                    {
                        "lead_id": lead,
                        "at": T0 + dt.timedelta(minutes=mins),
                        "type": k,
                        "stage": s,
                        "source_key": f"z{key}",
                    }
                )
            put(db, events=rows)
            at += dt.timedelta(minutes=step)
            for ref in ws.commitments():
                for when in (at, at + dt.timedelta(days=3)):
                    kept = trend(ws, db, ref, periods=3, at=when, cache=cache)
                    assert kept == trend(ws, db, ref, periods=3, at=when), ref.commitment.id
        assert len(cache) > 0

    prop()


def test_attention_from_the_evaluator_equals_a_fresh_one(ws: Workspace, db: Store) -> None:
    """`attention` over an evaluator's `open` states (kept by refreshes) lists what it
    lists when it loads them itself."""

    @settings(
        max_examples=examples(db, 30, 8), deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        first=st.lists(event_st, max_size=15),
        extra=st.lists(event_st, max_size=8),
        lead_rows=leads_st,
        start=minutes_st,
    )
    def prop(first: Any, extra: Any, lead_rows: dict[str, Any], start: int) -> None:
        load(db, first, lead_rows)
        at = T0 + dt.timedelta(minutes=start)
        live = Evaluator(ws, db)
        live.full(at)
        put(
            db,
            events=[
                {
                    "lead_id": lead,
                    "at": T0 + dt.timedelta(minutes=mins),
                    "type": k,
                    "stage": s,
                    "source_key": f"y{i}",
                }
                for i, (lead, mins, (k, s)) in enumerate(extra)
            ],
        )
        at += dt.timedelta(hours=30)
        live.refresh(at)
        assert attention(ws, db, at, evaluator=live) == attention(ws, db, at)

    prop()


def test_reference_agrees_on_a_hand_case(ws: Workspace) -> None:
    """The reference itself, on the Friday-afternoon case of test_metrics."""
    hot = next(r for r in ws.commitments() if r.commitment.id == "hot")
    evs = [
        E(1, "h", ams(2026, 11, 13, 16), "entered", "sql"),
        E(2, "h", ams(2026, 11, 16, 11, 59), "contacted", None),
    ]
    assert reference(ws, hot, evs, {"h": {"hot": True}}, ams(2026, 11, 20)) == (1.0, None)
    assert reference(ws, hot, evs, {"h": {"hot": False}}, ams(2026, 11, 20)) == (None, None)
