"""Unit tests of the dashboard's pure functions: formatting, ages, rows, owners, freshness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tui_support import NOW, snapshot, workspace

from accord import StoreError
from accord.domain.errors import Problem, ValidationFailed
from accord.domain.workspace import Bounds
from tui.describe import agreement_lines, commitment_lines, kpi_lines, period_lines
from tui.live import Freshness, agreement_stamp, error_line, problems_line, retry_delay
from tui.logic import (
    age_hours,
    bar,
    clip,
    cycle_period,
    describe_period,
    format_age,
    format_bounds,
    format_value,
    kpi_in_words,
    matches,
    page_of,
    parse_as_of,
)
from tui.owners import commitment_owners, stage_owners
from tui.rows import attention_cells, commitment_cells, funnel_cells, parse_commitment_key

AMS = ZoneInfo("Europe/Amsterdam")


class TestDashboardNumbers:
    def test_money_is_compact_in_the_narrow_cells(self) -> None:
        assert format_value(45300, "money") == "45.3k"
        assert format_bounds(Bounds(630_000, None, None), "money") == "≥ 630.0k"
        assert format_value(0.875, "ratio") == "87.5%"  # the rest as everywhere

    def test_bar_uses_eighths_and_clamps(self) -> None:
        assert bar(1.0, 4) == "████"
        assert bar(0.0, 4) == "    "
        assert bar(0.5, 4) == "██  "
        assert bar(1 / 16, 2) == "▏ "
        assert bar(7.0, 3) == "███"
        assert bar(float("nan"), 3) == "   "
        assert bar(0.5, 0) == ""

    def test_clip(self) -> None:
        assert clip("Marketing Qualified Lead", 13) == "Marketing Qu…"
        assert clip("Lead", 13) == "Lead"
        assert clip("x", 0) == ""


class TestTime:
    def test_business_age_counts_only_working_hours(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        # Friday 16:00 → Monday 10:00 Amsterdam: 1h on Friday + 1h on Monday.
        since = dt.datetime(2026, 11, 13, 16, 0, tzinfo=AMS)
        now = dt.datetime(2026, 11, 16, 10, 0, tzinfo=AMS)
        assert age_hours(since, now, "business", ws.calendar) == pytest.approx(2.0)
        assert age_hours(since, now, "calendar", ws.calendar) == pytest.approx(66.0)
        assert age_hours(now, since, "calendar", ws.calendar) == 0.0

    @pytest.mark.parametrize(
        ("hours", "text"),
        [(0, "0s"), (42 / 3600, "42s"), (725 / 3600, "12m 05s"), (3.2, "3h 12m"),
         (52.5, "2d 4h"), (-1, "0s")],
    )  # fmt: skip
    def test_format_age_ticks_in_seconds_below_an_hour(self, hours: float, text: str) -> None:
        assert format_age(hours) == text

    def test_cycle_period(self) -> None:
        assert [cycle_period(p) for p in ("day", "week", "month", "quarter")] == [
            "week", "month", "quarter", "day",
        ]  # fmt: skip
        assert cycle_period("30d") == "day"

    def test_describe_period(self) -> None:
        assert describe_period("month", NOW, AMS) == "Nov 2026"
        assert describe_period("quarter", NOW, AMS) == "Q4 2026"
        assert describe_period("week", NOW, AMS) == "week 47 2026"
        assert describe_period("day", NOW, AMS) == "Wed 18 Nov 2026"

    def test_parse_as_of(self) -> None:
        assert parse_as_of("", AMS) is None
        assert parse_as_of(" now ", AMS) is None
        # a date alone is the end of that day, local
        assert parse_as_of("2026-10-31", AMS) == dt.datetime(
            2026, 10, 31, 22, 59, 59, 999999, tzinfo=dt.UTC
        )
        assert parse_as_of("2026-10-31T17:00", AMS) == dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)
        assert parse_as_of("2026-10-31T17:00Z", AMS) == dt.datetime(2026, 10, 31, 17, tzinfo=dt.UTC)
        with pytest.raises(ValueError, match="not an ISO-8601 date or time"):
            parse_as_of("last tuesday", AMS)


class TestLists:
    def test_page_of_clamps(self) -> None:
        items = list(range(120))
        rows, page, pages = page_of(items, 0, 50)
        assert (list(rows)[:2], page, pages) == ([0, 1], 0, 3)
        rows, page, pages = page_of(items, 9, 50)
        assert (list(rows), page) == (list(range(100, 120)), 2)
        assert page_of([], 3, 50) == ([], 0, 1)

    def test_matches_every_word_any_field(self) -> None:
        assert matches("", "x")
        assert matches("SLA hot", "marketing-sales-sla", "hot-lead-callback")
        assert not matches("sla cold", "marketing-sales-sla", "hot-lead-callback")
        assert matches("jan", None, "jan")


class TestKpiWords:
    def test_every_measure_kind_in_plain_words(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        assert kpi_in_words(ws.kpis["sqls-delivered"], ws, "month") == (
            "Number of leads that became Sales Qualified Lead in the period; "
            "the period is one month."
        )
        within = kpi_in_words(ws.kpis["hot-lead-response"], ws, "month")
        assert within == (
            "Share of hot leads (hot = true) contacted within 4 working hours of becoming "
            "Sales Qualified Lead; the period is one month."
        )
        waiting = kpi_in_words(ws.kpis["hot-waiting"], ws, "day")
        assert "still waiting for being contacted, waiting longer than 4 working hours" in waiting
        assert waiting.endswith("(listed by lead).")  # not bound to a period
        duration = kpi_in_words(ws.kpis["time-to-contact"], ws, "30d")
        assert duration.startswith("Median hours from becoming Sales Qualified Lead")
        assert duration.endswith("the period is the last 30 days.")


class TestRows:
    def test_funnel_cells_scale_bars_to_the_largest(self) -> None:
        snap = snapshot()
        cells = funnel_cells(snap.funnel, 8)
        assert [c.key for c in cells] == ["lead", "mql", "sql", "customer"]
        assert cells[0].bar == "████████"
        assert cells[0].conversion == "—"
        assert cells[2].count == "57" and cells[2].conversion == "13.9%"
        assert funnel_cells([], 8) == []

    def test_commitment_cells_grouped_by_agreement(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        cells = commitment_cells(ws, snapshot())
        keys = [c.key for c in cells]
        assert keys == [
            "a:marketing-sales-sla",
            "c:marketing-sales-sla/sql-volume",
            "c:marketing-sales-sla/hot-lead-callback",
            "c:marketing-sales-sla/no-hot-waiting",
            "a:speed",
            "c:speed/contact-time",
        ]
        volume = cells[1]
        assert (volume.value, volume.target, volume.status, volume.pace) == (
            "57", "≥ 120/mo", "on_track", "→ 130",
        )  # fmt: skip
        assert volume.trend == (98.0, 110, 125, 119, 131, 57)
        assert cells[2].trend == (0.97, 0.96, 0.91, 0.93, 0.875)  # no-data periods left out
        assert cells[5].value == "(0 leads)"  # never 100%
        assert cells[0].status == "breached"

    def test_commitment_cells_before_any_data_and_filtered(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        waiting = commitment_cells(ws, None)
        assert all(c.value in ("", "…") for c in waiting)
        only = commitment_cells(ws, snapshot(), "speed")
        assert [c.key for c in only] == ["a:speed", "c:speed/contact-time"]
        assert commitment_cells(ws, snapshot(), "nothing-like-this") == []

    def test_parse_commitment_key(self) -> None:
        assert parse_commitment_key("c:sla/x") == ("sla", "x")
        assert parse_commitment_key("a:sla") is None

    def test_attention_ages_on_the_business_clock(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        snap = snapshot(waiting=3)
        cells = attention_cells(ws, snap.attention, NOW)
        # L-0000 waits since 05:47 local on a Wednesday: 09:00–11:00 counts.
        assert cells[0].age == "2h 00m"
        assert cells[0].owner == "Jan de Boer" and cells[2].owner == "—"
        assert cells[0].stage == "Sales Qualified Lead" and cells[0].hot == "hot"
        assert cells[0].breaks == "No hot waiting"  # the commitment's title, not its id
        later = attention_cells(ws, snap.attention, NOW + dt.timedelta(seconds=65))
        assert later[0].age == "2h 01m"


class TestOwners:
    def test_stage_raci_with_holders(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        title, lines = stage_owners(ws, "sql")
        assert title == "Stage: Sales Qualified Lead"
        assert ("Owner team", "Sales") in lines
        assert ("R  Responsible", "Sales Development Rep — Sanne Bakker") in lines
        assert ("A  Accountable", "Head of Sales — Jan de Boer") in lines
        assert ("C  Consulted", "Marketing Ops — Max de Vries") in lines
        assert ("Max days", "14 days in this stage") in lines
        assert stage_owners(ws, "nope")[1] == [("", "unknown stage nope")]

    def test_commitment_owners(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        title, lines = commitment_owners(ws, ("marketing-sales-sla", "hot-lead-callback"))
        assert title == "Commitment: hot-lead-callback"
        assert lines[:2] == [("By", "Sales"), ("To", "Marketing")]
        assert ("Approvers", "Head of Marketing — Mia Jansen") in lines
        assert ("KPI owner", "Head of Sales — Jan de Boer") in lines


class TestDescribe:
    def test_detail_lines(self, tmp_path: Path) -> None:
        ws = workspace(tmp_path)
        snap = snapshot()
        key = ("marketing-sales-sla", "hot-lead-callback")
        title, facts = commitment_lines(ws, key, snap.result(key))
        assert title == "Marketing and Sales SLA › Hot lead callback"
        assert ("Target", "≥ 95% (warn 90%) per month") in facts
        assert ("Now", "87.5% — ✖ breached") in facts
        assert kpi_lines(ws, key)[0] == (
            "KPI", "Hot leads contacted in time (hot-lead-response, unit: ratio)",
        )  # fmt: skip
        agreement = dict(agreement_lines(ws, "marketing-sales-sla"))
        assert agreement["Hand-off"] == "company, contact_name, pain"
        periods = period_lines(snap.trends[key], "ratio", AMS)
        assert periods[-1] == ("2026-11-01 – 2026-11-30", "87.5%")
        assert periods[2][1] == "no data"


class TestFreshness:
    def test_failure_keeps_since_and_success_clears(self) -> None:
        fresh = Freshness().succeeded(NOW)
        failed = fresh.failed("boom", NOW + dt.timedelta(minutes=1))
        again = failed.failed("boom 2", NOW + dt.timedelta(minutes=2))
        assert again.stale and again.error == "boom 2" and again.failures == 2
        assert again.failing_since == NOW + dt.timedelta(minutes=1)
        assert again.last_refresh == NOW
        assert not again.succeeded(NOW).stale

    def test_error_line_is_one_line_without_password(self) -> None:
        exc = StoreError("cannot reach postgresql+psycopg://bob:s3cret@db/x\nDETAIL: more")
        line = error_line(exc)
        assert "s3cret" not in line and "***" in line and "\n" not in line
        assert error_line(RuntimeError("x" * 500)).endswith("…")
        assert len(error_line(RuntimeError("x" * 500))) == 200
        assert error_line(KeyError("k")) == "KeyError: 'k'"

    def test_validation_errors_show_the_first_problem(self) -> None:
        problems = [
            Problem("agreements/a.yaml", 3, 5, "unknown field 'tagret'"),
            Problem("agreements/b.yaml", 1, 1, "bad id"),
        ]
        assert error_line(ValidationFailed(problems)) == (
            "agreements/a.yaml:3:5: error: unknown field 'tagret' (+1 more)"
        )
        assert problems_line([]) == "the agreements could not be loaded"

    def test_retry_backs_off_to_a_ceiling(self) -> None:
        assert [retry_delay(n, 2.0) for n in range(6)] == [2.0, 2.0, 4.0, 8.0, 15.0, 15.0]
        assert retry_delay(3, 30.0) == 30.0

    def test_agreement_stamp_sees_edits(self, tmp_path: Path) -> None:
        workspace(tmp_path)
        before = agreement_stamp(tmp_path)
        assert len(before) == 5
        (tmp_path / "agreements" / "sla.yaml").write_text("kind: Agreement\n")
        (tmp_path / "agreements" / "notes.txt").write_text("ignored")
        after = agreement_stamp(tmp_path)
        assert after != before and len(after) == 5


class TestSchedule:
    def test_spacing_keeps_periodic_work_within_its_share_of_a_core(self) -> None:
        from tui.data import spacing

        assert spacing(0.05, 60.0, 0.005) == 60.0  # cheap: the floor
        assert spacing(4.0, 60.0, 0.005) == pytest.approx(800.0)  # 4 s at 0.5% of a core
        assert spacing(5.0, 10.0, 0.05) == pytest.approx(100.0)
        assert spacing(5.0, 10.0, 0.0) == 10.0

    def test_sqlite_file_names_the_file_of_sqlite_urls_only(self, tmp_path: Path) -> None:
        from tui.data import sqlite_file

        assert sqlite_file(f"sqlite:///{tmp_path}/funnel.db") == tmp_path / "funnel.db"
        assert sqlite_file("sqlite://") is None
        assert sqlite_file("sqlite:///:memory:") is None
        assert sqlite_file("postgresql+psycopg://accord:pw@localhost/db") is None
        assert sqlite_file("not a url") is None
