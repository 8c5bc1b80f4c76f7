"""Hand-worked values of every measure kind and every status (docs/reference/metrics.md),
on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from metrics_support import ams, backend_store, ev, make_workspace, put

from accord.domain.workspace import Workspace
from accord.metrics import (
    Evaluation,
    Evaluator,
    attention,
    evaluate,
    funnel,
    trend,
)
from accord.store import Store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from backend_store(request, tmp_path)


def one(result: Evaluation, ident: str) -> Any:
    return next(c for c in result.commitments if c.id == ident)


def ws_with(tmp_path: Path, *commitments: dict[str, Any]) -> Workspace:
    return make_workspace(tmp_path / "ws", list(commitments))


HALF_NOVEMBER = ams(2026, 11, 16)  # 15 of 30 days elapsed: fraction 0.5


class TestCount:
    def test_distinct_leads_in_the_period_as_of(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "sqls", "target": {"min": 10}})
        put(
            store,
            events=[
                *(ev(f"n{i}", ams(2026, 11, 2 + i, 10), "sql") for i in range(6)),
                ev("n0", ams(2026, 11, 10, 10), "sql"),  # second entry: same lead
                ev("oct", ams(2026, 10, 20, 10), "sql"),  # previous period
                ev("later", ams(2026, 11, 20, 10), "sql"),  # after T
                ev("x", ams(2026, 11, 3, 10), "mql"),  # other stage
            ],
        )
        c = one(evaluate(ws, store, HALF_NOVEMBER), "c")
        assert c.value == 6
        assert c.projected == 12.0
        assert c.status == "on_track"
        assert c.period.start == ams(2026, 11, 1)
        assert c.period.end == ams(2026, 12, 1)

    @pytest.mark.parametrize(
        ("target", "warn", "leads", "status", "projected"),
        [
            ({"min": 10}, None, 4, "at_risk", 8.0),  # pace says it will fall short
            ({"min": 10}, None, 10, "met", 20.0),
            ({"max": 8}, None, 6, "at_risk", 12.0),  # under max now, over at this pace
            ({"max": 8}, None, 9, "breached", 18.0),
            ({"max": 8}, 10, 9, "at_risk", 18.0),  # over max but within warn
            ({"max": 20}, None, 6, "met", 12.0),
        ],
    )
    def test_pace_and_status(
        self,
        tmp_path: Path,
        store: Store,
        target: dict[str, Any],
        warn: float | None,
        leads: int,
        status: str,
        projected: float,
    ) -> None:
        c: dict[str, Any] = {"id": "c", "kpi": "sqls", "target": target}
        if warn is not None:
            c["warn"] = warn
        ws = ws_with(tmp_path, c)
        put(store, events=[ev(f"n{i}", ams(2026, 11, 2, 9, i), "sql") for i in range(leads)])
        result = one(evaluate(ws, store, HALF_NOVEMBER), "c")
        assert (result.value, result.status, result.projected) == (leads, status, projected)

    def test_rolling_window_has_no_pace(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "r", "kpi": "sqls", "target": {"min": 10}, "per": "30d"},
            {"id": "w", "kpi": "sqls", "target": {"min": 10}, "per": "30d", "warn": 5},
        )
        put(store, events=[ev(f"n{i}", ams(2026, 11, 10, 9, i), "sql") for i in range(6)])
        result = evaluate(ws, store, HALF_NOVEMBER)
        assert (one(result, "r").status, one(result, "r").projected) == ("breached", None)
        assert one(result, "w").status == "at_risk"
        assert one(result, "r").period.end == HALF_NOVEMBER

    def test_nothing_is_zero_not_no_data(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "sqls", "target": {"min": 10}})
        c = one(evaluate(ws, store, HALF_NOVEMBER), "c")
        assert (c.value, c.status) == (0, "at_risk")

    def test_month_edge_in_local_time(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "sqls", "target": {"min": 1}})
        put(store, events=[ev("edge", ams(2026, 10, 31, 23, 30), "sql")])  # 22:30 UTC
        assert one(evaluate(ws, store, ams(2026, 10, 31, 23, 45)), "c").value == 1
        november = one(evaluate(ws, store, ams(2026, 11, 1, 0, 30)), "c")
        assert november.value == 0
        assert november.period.start == ams(2026, 11, 1)

    def test_where_columns_attributes_and_missing_lead_row(
        self, tmp_path: Path, store: Store
    ) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "content-sqls", "target": {"min": 1}})
        put(
            store,
            leads=[
                {"lead_id": "eu", "source": "content", "attributes": {"region": "eu"}},
                {"lead_id": "uk", "source": "content", "attributes": {"region": "uk"}},
                {"lead_id": "us", "source": "content", "attributes": {"region": "us"}},
                {"lead_id": "ads", "source": "ads", "attributes": {"region": "eu"}},
                {"lead_id": "bare", "source": "content"},
            ],
            events=[
                ev(lead, ams(2026, 11, 5, 10), "sql")
                for lead in ("eu", "uk", "us", "ads", "bare", "no-row")
            ],
        )
        assert one(evaluate(ws, store, HALF_NOVEMBER), "c").value == 2


class TestSum:
    def test_sum_over_distinct_leads(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "s", "kpi": "pipeline", "target": {"min": 10000}})
        put(
            store,
            leads=[
                {"lead_id": "a", "value": 1000.5},
                {"lead_id": "b", "value": 2000},
                {"lead_id": "c", "value": 99999},
            ],
            events=[
                ev("a", ams(2026, 11, 3, 10), "opportunity"),
                ev("a", ams(2026, 11, 4, 10), "opportunity"),  # counted once
                ev("b", ams(2026, 11, 5, 10), "opportunity"),
                ev("no-row", ams(2026, 11, 5, 10), "opportunity"),  # no value
                ev("c", ams(2026, 11, 20, 10), "opportunity"),  # after T
            ],
        )
        s = one(evaluate(ws, store, HALF_NOVEMBER), "s")
        assert s.value == pytest.approx(3000.5)
        assert s.projected == pytest.approx(6001.0)
        assert s.status == "at_risk"

    def test_empty_sum_is_zero(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "s", "kpi": "pipeline", "target": {"max": 10}})
        s = one(evaluate(ws, store, HALF_NOVEMBER), "s")
        assert (s.value, s.status) == (0.0, "met")


class TestConversion:
    def test_cohort_of_first_entries_in_the_period(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "all", "kpi": "mql-to-sql", "target": {"min": "50%"}, "per": "quarter"},
            {"id": "d30", "kpi": "mql-to-sql-30d", "target": {"min": "50%"}, "per": "quarter"},
            {
                "id": "warned",
                "kpi": "mql-to-sql-30d",
                "target": {"min": "50%"},
                "warn": "30%",
                "per": "quarter",
            },
        )
        put(
            store,
            events=[
                ev("a", ams(2026, 10, 1, 10), "mql"),
                ev("a", ams(2026, 10, 20, 10), "sql"),  # within 30 days
                ev("b", ams(2026, 10, 2, 10), "mql"),
                ev("b", ams(2026, 11, 15, 10), "sql"),  # 44 days: converted, not in 30d
                ev("c", ams(2026, 10, 5, 10), "mql"),  # never converts
                ev("old", ams(2026, 9, 30, 10), "mql"),  # first mql in Q3: not in cohort
                ev("old", ams(2026, 10, 3, 10), "mql"),
                ev("old", ams(2026, 10, 4, 10), "sql"),
                ev("d", ams(2026, 10, 6, 10), "sql"),  # sql before its mql: not after it
                ev("d", ams(2026, 10, 7, 10), "mql"),
                ev("e", ams(2026, 12, 10, 10), "mql"),
                ev("e", ams(2026, 12, 25, 10), "sql"),  # after T
            ],
        )
        result = evaluate(ws, store, ams(2026, 12, 20))
        assert one(result, "all").value == pytest.approx(2 / 5)
        assert one(result, "all").status == "breached"
        assert one(result, "d30").value == pytest.approx(1 / 5)
        assert one(result, "d30").projected is None
        assert one(result, "warned").status == "breached"
        assert one(result, "all").cohort == 5

    def test_warn_gives_at_risk(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "c", "kpi": "mql-to-sql", "target": {"min": "50%"}, "warn": "30%"},
        )
        put(
            store,
            events=[
                ev("a", ams(2026, 11, 2, 10), "mql"),
                ev("a", ams(2026, 11, 3, 10), "sql"),
                ev("b", ams(2026, 11, 2, 10), "mql"),
                ev("c", ams(2026, 11, 2, 10), "mql"),
            ],
        )
        c = one(evaluate(ws, store, HALF_NOVEMBER), "c")
        assert c.value == pytest.approx(1 / 3)
        assert c.status == "at_risk"

    def test_no_cohort_is_no_data(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "mql-to-sql", "target": {"min": "50%"}})
        put(store, events=[ev("a", ams(2026, 11, 3, 10), "sql")])
        result = evaluate(ws, store, HALF_NOVEMBER)
        c = one(result, "c")
        assert (c.value, c.status, c.cohort) == (None, "no_data", 0)
        assert result.agreements == {"sla": "no_data"}


class TestWithin:
    def test_friday_afternoon_hot_lead(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "hot", "kpi": "hot-callback", "target": {"min": "95%"}, "warn": "90%"},
        )
        friday = ams(2026, 11, 13, 16)  # due Monday 12:00
        put(
            store,
            leads=[{"lead_id": f"h{i}", "hot": True} for i in (1, 2, 5)]
            + [{"lead_id": "cold", "hot": False}],
            events=[
                ev("h1", friday, "sql"),
                ev("h1", ams(2026, 11, 16, 11, 59), "contacted"),  # met
                ev("h2", friday, "sql"),
                ev("h2", ams(2026, 11, 16, 12, 1), "contacted"),  # missed
                ev("h5", ams(2026, 11, 16, 10), "sql"),  # due 14:00: pending at 13:00
                ev("cold", friday, "sql"),  # filtered out
                ev("no-row", friday, "sql"),  # no leads row: fails the filter
            ],
        )
        at_one = one(evaluate(ws, store, ams(2026, 11, 16, 13)), "hot")
        assert (at_one.value, at_one.cohort, at_one.status) == (0.5, 2, "breached")
        after = one(evaluate(ws, store, ams(2026, 11, 16, 14, 1)), "hot")
        assert (after.value, after.cohort) == (pytest.approx(1 / 3), 3)
        before_deadline = one(evaluate(ws, store, ams(2026, 11, 16, 11, 0)), "hot")
        assert (before_deadline.value, before_deadline.status) == (None, "no_data")

    def test_holiday_is_skipped(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "hot", "kpi": "hot-callback", "target": {"min": "95%"}})
        put(
            store,
            leads=[{"lead_id": "k", "hot": True}, {"lead_id": "l", "hot": True}],
            events=[
                ev("k", ams(2026, 4, 24, 16), "sql"),  # Friday; Monday 27 April is a holiday
                ev("k", ams(2026, 4, 28, 11, 59), "contacted"),  # due Tuesday 12:00: met
                ev("l", ams(2026, 4, 24, 16), "sql"),
                ev("l", ams(2026, 4, 28, 12, 1), "contacted"),  # missed
            ],
        )
        hot = one(evaluate(ws, store, ams(2026, 4, 29)), "hot")
        assert (hot.value, hot.status) == (0.5, "breached")

    def test_daylight_saving_weekend(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "hot", "kpi": "hot-callback", "target": {"min": "95%"}},
            {"id": "day", "kpi": "callback-calendar", "target": {"min": "95%"}},
        )
        put(
            store,
            leads=[{"lead_id": n, "hot": True} for n in ("p", "q")],
            events=[
                # Fri 15:00 + 4 working hours = Mon 11:00 local (09:00 UTC, not 10:00)
                ev("p", ams(2026, 3, 27, 15), "sql"),
                ev("p", ams(2026, 3, 30, 10, 59), "contacted"),
                ev("q", ams(2026, 3, 27, 15), "sql"),
                ev("q", ams(2026, 3, 30, 11, 1), "contacted"),
                # Sat 12:00 → Sun 12:30 local is 23.5 real hours across the change
                ev("r", ams(2026, 3, 28, 12), "sql"),
                ev("r", ams(2026, 3, 29, 12, 30), "contacted"),
            ],
        )
        result = evaluate(ws, store, ams(2026, 3, 31))
        assert one(result, "hot").value == 0.5
        day = one(result, "day")
        # p and q took over 24 real hours; r's 23.5 hours meet the day (wall clock: 24.5)
        assert (day.value, day.cohort) == (pytest.approx(1 / 3), 3)

    def test_ties_are_broken_by_event_id(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "day", "kpi": "callback-calendar", "target": {"min": "95%"}},
            {"id": "p90", "kpi": "time-to-contact", "target": {"max": "4h"}},
        )
        at = ams(2026, 11, 3, 10)
        put(
            store,
            events=[
                ev("before", at, "contacted"),  # same instant, stored first: before the sql
                ev("before", at, "sql"),
                ev("after", at, "sql"),
                ev("after", at, "contacted"),  # same instant, stored after: counts
            ],
        )
        result = evaluate(ws, store, ams(2026, 11, 10))
        day = one(result, "day")
        assert (day.value, day.cohort) == (0.5, 2)
        assert one(result, "p90").value == 0.0


class TestDuration:
    def test_nearest_rank_percentile(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "p90", "kpi": "time-to-contact", "target": {"max": "8h"}},
            {"id": "met", "kpi": "time-to-contact", "target": {"max": "10h"}},
        )
        rows = []
        for i in range(1, 11):
            start = ams(2026, 11, 2, 0) + dt.timedelta(days=i)
            rows += [
                ev(f"d{i}", start, "sql"),
                ev(f"d{i}", start + dt.timedelta(hours=i), "contacted"),
            ]
        rows.append(ev("never", ams(2026, 11, 3), "sql"))  # no contact: not in the sample
        put(store, events=rows)
        result = evaluate(ws, store, HALF_NOVEMBER)
        p90 = one(result, "p90")
        assert (p90.value, p90.cohort, p90.status, p90.projected) == (9.0, 10, "breached", None)
        assert one(result, "met").status == "met"

    def test_business_clock_median(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path, {"id": "m", "kpi": "business-time-to-contact", "target": {"max": "4h"}}
        )
        put(
            store,
            events=[
                ev("a", ams(2026, 11, 13, 16), "sql"),  # Fri 16:00 → Mon 10:00 = 2 working h
                ev("a", ams(2026, 11, 16, 10), "contacted"),
                ev("b", ams(2026, 11, 10, 9), "sql"),
                ev("b", ams(2026, 11, 10, 15), "contacted"),  # 6 h
                ev("c", ams(2026, 11, 11, 9), "sql"),
                ev("c", ams(2026, 11, 11, 12), "contacted"),  # 3 h
            ],
        )
        m = one(evaluate(ws, store, ams(2026, 11, 17)), "m")
        assert (m.value, m.status) == (3.0, "met")


class TestOpen:
    def test_open_leads_listed_oldest_first(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "wait", "kpi": "waiting", "target": {"max": 1}},
            {"id": "hot", "kpi": "waiting-hot", "target": {"max": 0}},
        )
        put(
            store,
            leads=[
                {"lead_id": "h-old", "hot": True, "owner": "sam"},
                {"lead_id": "h-new", "hot": True},
                {"lead_id": "h-done", "hot": True},
            ],
            events=[
                ev("h-old", ams(2026, 10, 1, 10), "sql"),  # long ago: open periods are unbounded
                ev("h-new", ams(2026, 11, 16, 10), "sql"),  # 3 working hours at 13:00
                ev("h-done", ams(2026, 11, 2, 10), "sql"),
                ev("h-done", ams(2026, 11, 2, 11), "contacted"),
                ev("plain", ams(2026, 11, 5, 10), "sql"),
                ev("late", ams(2026, 11, 5, 10), "sql"),
                ev("late", ams(2026, 11, 17, 10), "contacted"),  # after T: still open at T
            ],
        )
        at = ams(2026, 11, 16, 13)
        result = evaluate(ws, store, at)
        wait = one(result, "wait")
        assert wait.leads == ["h-old", "late", "plain", "h-new"]
        assert (wait.value, wait.status, wait.period) == (4, "breached", None)
        hot = one(result, "hot")
        assert (hot.value, hot.leads, hot.status) == (1, ["h-old"], "breached")
        items = attention(ws, store, at)
        # longest wait first; the hot measure's age is in working hours
        assert [(i.lead_id, i.commitment) for i in items] == [
            ("h-old", "wait"),
            ("late", "wait"),
            ("plain", "wait"),
            ("h-old", "hot"),
            ("h-new", "wait"),
        ]
        assert items[3].age_hours == ws.calendar.hours_between(ams(2026, 10, 1, 10), at)
        first = items[0]
        assert (first.owner, first.hot, first.stage) == ("sam", True, "sql")
        assert first.since == ams(2026, 10, 1, 10)
        assert first.age_hours == 1108.0  # 46 days and 3 hours, plus the hour DST gave back
        assert len(attention(ws, store, at, limit=2)) == 2


class TestAgreementsAndHelpers:
    def test_agreement_status_is_the_worst(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "ok", "kpi": "sqls", "target": {"min": 1}},
            {"id": "nodata", "kpi": "mql-to-sql", "target": {"min": "50%"}},
            {"id": "bad", "kpi": "sqls", "target": {"max": 0}},
        )
        put(store, events=[ev("a", ams(2026, 11, 2), "sql")])
        result = evaluate(ws, store, HALF_NOVEMBER)
        assert result.agreements == {"sla": "breached"}
        data = result.to_json()
        assert data["as_of"] == "2026-11-15T23:00:00Z"
        assert data["store"]["events"] == 1
        assert data["commitments"][0]["period"] == {
            "start": "2026-10-31T23:00:00Z",
            "end": "2026-11-30T23:00:00Z",
        }

    def test_funnel_and_trend(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "sqls", "target": {"min": 1}})
        put(
            store,
            events=[
                *(ev(f"l{i}", ams(2026, 11, 2, 10), "lead") for i in range(4)),
                *(ev(f"l{i}", ams(2026, 11, 3, 10), "mql") for i in range(2)),
                ev("l0", ams(2026, 11, 4, 10), "sql"),
                ev("x", ams(2026, 9, 4, 10), "sql"),
                ev("y", ams(2026, 9, 5, 10), "sql"),
            ],
        )
        stages = funnel(ws, store, "month", HALF_NOVEMBER)
        assert [(s.stage, s.count) for s in stages] == [
            ("lead", 4),
            ("mql", 2),
            ("sql", 1),
            ("opportunity", 0),
            ("customer", 0),
        ]
        assert stages[0].conversion_from_previous is None
        assert stages[1].conversion_from_previous == 0.5
        assert stages[4].conversion_from_previous is None
        ref = ws.commitments()[0]
        points = trend(ws, store, ref, periods=3, at=HALF_NOVEMBER)
        assert [(p.start, v) for p, v in points] == [
            (ams(2026, 9, 1), 2),
            (ams(2026, 10, 1), 0),
            (ams(2026, 11, 1), 1),
        ]

    def test_not_yet_effective_agreement_is_not_measured(
        self, tmp_path: Path, store: Store
    ) -> None:
        ws = ws_with(tmp_path, {"id": "c", "kpi": "sqls", "target": {"min": 1}})
        result = evaluate(ws, store, ams(2025, 12, 31, 12))
        assert result.commitments == [] and result.agreements == {}

    def test_incremental_matches_full(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "c", "kpi": "sqls", "target": {"min": 3}},
            {"id": "h", "kpi": "callback-calendar", "target": {"min": "50%"}},
            {"id": "w", "kpi": "waiting", "target": {"max": 1}},
        )
        put(store, events=[ev("a", ams(2026, 11, 2, 10), "sql")])
        live = Evaluator(ws, store)
        live.full(ams(2026, 11, 10))
        put(
            store,
            events=[
                ev("b", ams(2026, 11, 3, 10), "sql"),  # arrives late, happened earlier
                ev("a", ams(2026, 11, 2, 12), "contacted"),
                ev("c", ams(2026, 11, 11, 10), "sql"),  # in the future of the first T
            ],
        )
        for at in (ams(2026, 11, 10, 1), ams(2026, 11, 12), ams(2026, 12, 2)):
            assert live.refresh(at) == evaluate(ws, store, at)
        assert live.last_event_id == store.max_event_id()


class TestProgressive:
    def test_on_result_gets_every_result_cheap_first(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "wait", "kpi": "waiting", "target": {"max": 1}},
            {"id": "roll", "kpi": "sqls", "target": {"min": 1}, "per": "30d"},
            {"id": "p90", "kpi": "time-to-contact", "target": {"max": "8h"}},
            {"id": "count", "kpi": "sqls", "target": {"min": 3}},
            {"id": "sum", "kpi": "pipeline", "target": {"min": 100}},
        )
        put(
            store,
            events=[
                ev("a", ams(2026, 11, 2, 10), "sql"),
                ev("a", ams(2026, 11, 2, 12), "contacted"),
                ev("b", ams(2026, 11, 3, 10), "sql"),
            ],
        )
        seen: list[Any] = []
        result = Evaluator(ws, store).full(HALF_NOVEMBER, on_result=seen.append)
        assert [c.id for c in result.commitments] == ["wait", "roll", "p90", "count", "sum"]
        assert [c.id for c in seen] == ["count", "sum", "p90", "wait", "roll"]
        assert sorted(seen, key=lambda c: c.id) == sorted(result.commitments, key=lambda c: c.id)
        assert result == evaluate(ws, store, HALF_NOVEMBER)
        assert one(result, "wait").leads == ["b"]

    def test_refresh_uses_first_from_event_ever(self, tmp_path: Path, store: Store) -> None:
        ws = ws_with(
            tmp_path,
            {"id": "h", "kpi": "callback-calendar", "target": {"min": "50%"}},
            {"id": "w", "kpi": "waiting", "target": {"max": 1}},
        )
        put(
            store,
            events=[
                ev("old", ams(2026, 10, 20, 10), "sql"),  # first SQL last month: not in cohort
                ev("old", ams(2026, 10, 20, 11), "contacted"),
                ev("in", ams(2026, 11, 5, 10), "sql"),
                ev("in", ams(2026, 11, 5, 11), "contacted"),
            ],
        )
        live = Evaluator(ws, store)
        live.full(ams(2026, 11, 10))
        put(
            store,
            events=[
                ev("old", ams(2026, 11, 9, 10), "sql"),  # re-entry: stays out, not waiting
                ev("in", ams(2026, 11, 4, 10), "sql"),  # late, earlier: moves its first SQL
                ev("in", ams(2026, 11, 3, 10), "contacted"),  # before its first SQL: ignored
                ev("new", ams(2026, 11, 9, 12), "sql"),  # first ever: joins, waits
            ],
        )
        at = ams(2026, 11, 10, 1)
        got = live.refresh(at)
        assert got == evaluate(ws, store, at)
        assert one(got, "w").leads == ["new"]
        # "in" now waited 25 h from its earlier first SQL: missed; "new" still has time
        assert (one(got, "h").value, one(got, "h").cohort) == (0.0, 1)

    def test_refresh_of_many_leads_recomputes_in_full(
        self, tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from accord.metrics import _calc

        monkeypatch.setattr(_calc, "_MAX_IN", 1)
        ws = ws_with(
            tmp_path,
            {"id": "c", "kpi": "sqls", "target": {"min": 3}},
            {"id": "w", "kpi": "waiting", "target": {"max": 1}},
        )
        put(store, events=[ev("a", ams(2026, 11, 2, 10), "sql")])
        live = Evaluator(ws, store)
        live.full(ams(2026, 11, 10))
        put(store, events=[ev(x, ams(2026, 11, 9, 10), "sql") for x in "bcd"])
        got = live.refresh(ams(2026, 11, 10, 1))
        assert got == evaluate(ws, store, ams(2026, 11, 10, 1))
        assert (one(got, "c").value, one(got, "w").leads) == (4, ["a", "b", "c", "d"])
