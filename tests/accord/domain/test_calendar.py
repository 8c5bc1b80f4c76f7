"""Tests for accord.domain.calendar: the business clock and calendar periods."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.domain.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    calendar_hours_add,
    elapsed_fraction,
    parse_hours,
    period_bounds,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
MON_FRI = frozenset(range(5))


def cal(
    *,
    tz: ZoneInfo = AMS,
    workdays: frozenset[int] = MON_FRI,
    hours: tuple[time, time] = (time(9), time(17)),
    holidays: frozenset[date] = frozenset(),
) -> BusinessCalendar:
    return BusinessCalendar(
        tz=tz, workdays=workdays, start=hours[0], end=hours[1], holidays=holidays
    )


def ams(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class TestAdd:
    def test_spec_example_friday_afternoon_is_due_monday_noon(self) -> None:
        due = cal().add(ams(2026, 11, 6, 16), 4)
        assert due == ams(2026, 11, 9, 12)
        assert due.tzinfo is UTC
        assert due == utc(2026, 11, 9, 11)

    def test_holiday_is_skipped(self) -> None:
        christmas = cal(holidays=frozenset({date(2026, 12, 25)}))
        # Thursday 15:00: 2 hours on Thursday, Friday is Christmas, 2 hours on Monday.
        assert christmas.add(ams(2026, 12, 24, 15), 4) == ams(2026, 12, 28, 11)
        assert cal().add(ams(2026, 12, 24, 15), 4) == ams(2026, 12, 25, 11)
        assert not christmas.is_working_day(date(2026, 12, 25))
        assert christmas.is_working_day(date(2026, 12, 24))
        assert not christmas.is_working_day(date(2026, 12, 26))  # Saturday

    def test_autumn_change_weekend(self) -> None:
        due = cal().add(ams(2026, 10, 23, 15), 4)
        assert due == utc(2026, 10, 26, 10)
        assert due.astimezone(AMS).replace(tzinfo=None) == datetime(2026, 10, 26, 11)

    def test_spring_change_weekend(self) -> None:
        due = cal().add(ams(2026, 3, 27, 15), 4)
        assert due == utc(2026, 3, 30, 9)
        assert due.astimezone(AMS).replace(tzinfo=None) == datetime(2026, 3, 30, 11)

    def test_lead_on_sunday_of_spring_change(self) -> None:
        assert cal().add(ams(2026, 3, 29, 10), 4) == utc(2026, 3, 30, 11)  # Mon 13:00 CEST

    def test_lead_on_sunday_of_autumn_change_in_the_repeated_hour(self) -> None:
        second_0230 = datetime(2026, 10, 25, 2, 30, tzinfo=AMS, fold=1)
        # (An instant in the fold never compares equal across zones: compare in UTC.)
        assert second_0230.astimezone(UTC) == utc(2026, 10, 25, 1, 30)
        assert cal().add(second_0230, 4) == utc(2026, 10, 26, 12)  # Mon 13:00 CET

    @pytest.mark.parametrize(("day", "utc_open", "utc_close"), [(29, 7, 15), (25, 8, 16)])
    def test_working_day_across_a_change_night_has_eight_hours(
        self, day: int, utc_open: int, utc_close: int
    ) -> None:
        every_day = cal(workdays=frozenset(range(7)))
        month = 3 if day == 29 else 10
        assert every_day.add(ams(2026, month, day, 0), 0) == utc(2026, month, day, utc_open)
        assert every_day.add(ams(2026, month, day, 9), 8) == utc(2026, month, day, utc_close)
        whole_day = every_day.hours_between(ams(2026, month, day), ams(2026, month, day + 1))
        assert whole_day == 8.0

    def test_opening_in_the_spring_gap_is_when_the_clock_jumps(self) -> None:
        # 02:30 does not exist on 2026-03-29 in Amsterdam: clocks go 02:00 CET -> 03:00 CEST.
        night = cal(workdays=frozenset({6}), hours=(time(2, 30), time(5)))
        assert night.add(ams(2026, 3, 28, 12), 0) == utc(2026, 3, 29, 1)  # 03:00 CEST
        assert night.add(ams(2026, 3, 28, 12), 2) == utc(2026, 3, 29, 3)  # 05:00 CEST
        assert night.hours_between(ams(2026, 3, 28), ams(2026, 3, 30)) == 2.0

    def test_opening_in_the_autumn_fold_is_the_first_occurrence(self) -> None:
        night = cal(workdays=frozenset({6}), hours=(time(2, 30), time(4)))
        assert night.add(ams(2026, 10, 24, 12), 0) == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
        assert night.hours_between(ams(2026, 10, 24), ams(2026, 10, 26)) == 2.5

    def test_start_before_opening(self) -> None:
        assert cal().add(ams(2026, 11, 9, 7), 1) == ams(2026, 11, 9, 10)

    def test_start_after_closing(self) -> None:
        assert cal().add(ams(2026, 11, 9, 18), 1) == ams(2026, 11, 10, 10)

    def test_zero_hours(self) -> None:
        c = cal()
        assert c.add(ams(2026, 11, 9, 11, 15), 0) == ams(2026, 11, 9, 11, 15)
        assert c.add(ams(2026, 11, 9, 9), 0) == ams(2026, 11, 9, 9)
        assert c.add(ams(2026, 11, 9, 17), 0) == ams(2026, 11, 10, 9)  # closing is outside
        assert c.add(ams(2026, 11, 7, 12), 0) == ams(2026, 11, 9, 9)  # Saturday

    def test_ending_exactly_at_closing_stays_on_that_day(self) -> None:
        assert cal().add(ams(2026, 11, 9, 13), 4) == ams(2026, 11, 9, 17)

    def test_fractional_hours_and_long_spans(self) -> None:
        c = cal()
        assert c.add(ams(2026, 11, 9, 9), 1.25) == ams(2026, 11, 9, 10, 15)
        # 40 hours = one working week, from Monday opening to Friday closing.
        assert c.add(ams(2026, 11, 9, 9), 40) == ams(2026, 11, 13, 17)
        assert c.add(ams(2026, 11, 9, 9), 40.5) == ams(2026, 11, 16, 9, 30)

    def test_start_in_another_zone(self) -> None:
        # Friday 10:00 in New York is Friday 16:00 in Amsterdam.
        assert cal().add(datetime(2026, 11, 6, 10, tzinfo=NYC), 4) == ams(2026, 11, 9, 12)

    def test_rejects_bad_input(self) -> None:
        c = cal()
        with pytest.raises(ValueError, match="timezone-aware"):
            c.add(datetime(2026, 11, 9, 9), 1)
        with pytest.raises(ValueError, match="hours"):
            c.add(ams(2026, 11, 9, 9), -1)
        with pytest.raises(ValueError, match="hours"):
            c.add(ams(2026, 11, 9, 9), math.nan)
        with pytest.raises(ValueError, match="beyond"):
            c.add(ams(9999, 12, 1), 10_000)


class TestCalendarValidation:
    def test_needs_a_workday(self) -> None:
        with pytest.raises(ValueError, match="at least one workday"):
            cal(workdays=frozenset())

    def test_weekday_range(self) -> None:
        with pytest.raises(ValueError, match=r"0 \(Monday\) .. 6 \(Sunday\), got \[7\]"):
            cal(workdays=frozenset({0, 7}))

    def test_end_after_start(self) -> None:
        with pytest.raises(ValueError, match="end after they start"):
            cal(hours=(time(17), time(9)))


class TestHoursBetween:
    def test_inverse_of_add(self) -> None:
        c = cal(holidays=frozenset({date(2026, 12, 25)}))
        start = ams(2026, 12, 24, 15)
        for hours in (0, 0.5, 2, 4, 8, 13.75, 40, 123):
            assert c.hours_between(start, c.add(start, hours)) == pytest.approx(hours, abs=1e-9)

    def test_counts_only_working_time(self) -> None:
        c = cal()
        assert c.hours_between(ams(2026, 11, 6, 16), ams(2026, 11, 9, 12)) == 4.0
        assert c.hours_between(ams(2026, 11, 7, 0), ams(2026, 11, 8, 23)) == 0.0  # weekend
        assert c.hours_between(ams(2026, 11, 9, 0), ams(2026, 11, 16, 0)) == 40.0

    def test_same_zone_instants_across_the_change_are_not_wall_clock(self) -> None:
        every_day = cal(workdays=frozenset(range(7)), hours=(time(0), time(23, 59)))
        # 01:00 -> 04:00 local on the spring day is 2 elapsed hours, not 3.
        assert every_day.hours_between(ams(2026, 3, 29, 1), ams(2026, 3, 29, 4)) == 2.0

    def test_zero_when_not_after(self) -> None:
        c = cal()
        assert c.hours_between(ams(2026, 11, 9, 12), ams(2026, 11, 9, 12)) == 0.0
        assert c.hours_between(ams(2026, 11, 9, 12), ams(2026, 11, 9, 10)) == 0.0


def test_calendar_hours_add_is_elapsed_time_in_utc() -> None:
    due = calendar_hours_add(ams(2026, 3, 28, 12), 24)
    assert due.tzinfo is UTC
    assert due == utc(2026, 3, 29, 11)
    assert due.astimezone(AMS).hour == 13  # the lost hour is not working-day aware
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_hours_add(datetime(2026, 3, 28), 1)


class TestPeriodBounds:
    def test_month_edge_in_local_time(self) -> None:
        late_october = ams(2026, 10, 31, 23, 30)
        assert late_october == utc(2026, 10, 31, 22, 30)
        assert period_bounds("month", late_october, AMS) == (
            utc(2026, 9, 30, 22),  # 1 October 00:00 CEST
            utc(2026, 10, 31, 23),  # 1 November 00:00 CET
        )
        early_november = ams(2026, 11, 1, 0, 30)
        assert early_november == utc(2026, 10, 31, 23, 30)
        assert period_bounds("month", early_november, AMS) == (
            utc(2026, 10, 31, 23),
            utc(2026, 11, 30, 23),
        )

    def test_bounds_are_utc_and_start_inclusive(self) -> None:
        start, end = period_bounds("month", utc(2026, 10, 31, 23), AMS)
        assert start.tzinfo is UTC and end.tzinfo is UTC
        assert start == utc(2026, 10, 31, 23)

    def test_december_rolls_into_next_year(self) -> None:
        assert period_bounds("month", ams(2026, 12, 31, 12), AMS) == (
            utc(2026, 11, 30, 23),
            utc(2026, 12, 31, 23),
        )

    def test_days_of_the_changes_are_23_and_25_hours(self) -> None:
        spring = period_bounds("day", ams(2026, 3, 29, 12), AMS)
        autumn = period_bounds("day", ams(2026, 10, 25, 12), AMS)
        assert spring == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
        assert autumn == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))

    def test_week_starts_monday(self) -> None:
        # Sunday 2026-10-25 belongs to the week of Monday 19 October.
        assert period_bounds("week", ams(2026, 10, 25, 23, 59), AMS) == (
            utc(2026, 10, 18, 22),
            utc(2026, 10, 25, 23),
        )
        assert period_bounds("week", ams(2026, 10, 26, 0), AMS) == (
            utc(2026, 10, 25, 23),
            utc(2026, 11, 1, 23),
        )

    def test_quarter(self) -> None:
        assert period_bounds("quarter", ams(2026, 11, 15, 8), AMS) == (
            utc(2026, 9, 30, 22),
            utc(2026, 12, 31, 23),
        )
        assert period_bounds("quarter", ams(2026, 3, 31, 23, 30), AMS) == (
            utc(2025, 12, 31, 23),
            utc(2026, 3, 31, 22),
        )
        assert period_bounds("quarter", utc(2026, 3, 31, 22), AMS)[0] == utc(2026, 3, 31, 22)

    def test_local_midnight_that_does_not_exist(self) -> None:
        # Santiago skips 00:00-01:00 on 2026-09-06: the day starts at 01:00 -03.
        santiago = ZoneInfo("America/Santiago")
        at = datetime(2026, 9, 6, 12, tzinfo=santiago)
        assert period_bounds("day", at, santiago) == (utc(2026, 9, 6, 4), utc(2026, 9, 7, 3))

    @pytest.mark.parametrize(("per", "days"), [("30d", 30), ("90d", 90)])
    def test_rolling_window_ends_at_the_instant(self, per: str, days: int) -> None:
        at = ams(2026, 10, 31, 23, 30)
        assert period_bounds(per, at, AMS) == (
            utc(2026, 10, 31, 22, 30) - timedelta(days=days),
            utc(2026, 10, 31, 22, 30),
        )
        assert elapsed_fraction(per, at, AMS) == 1.0

    def test_rejects_unknown_period_and_naive_instant(self) -> None:
        with pytest.raises(ValueError, match="unknown period 'year'.*day, week, month"):
            period_bounds("year", ams(2026, 1, 1), AMS)
        with pytest.raises(ValueError, match="timezone-aware"):
            period_bounds("day", datetime(2026, 1, 1), AMS)


class TestElapsedFraction:
    def test_fraction_of_a_25_hour_day(self) -> None:
        # Noon CET on the autumn day is 13 hours after midnight CEST.
        assert elapsed_fraction("day", ams(2026, 10, 25, 12), AMS) == pytest.approx(13 / 25)

    def test_start_of_month_and_mid_month(self) -> None:
        assert elapsed_fraction("month", ams(2026, 11, 1), AMS) == 0.0
        assert elapsed_fraction("month", ams(2026, 11, 16), AMS) == pytest.approx(0.5)


class TestParseHours:
    @pytest.mark.parametrize("text", ["09:00-17:00", " 9:00 - 17:00 ", "09:00\u201317:00"])
    def test_valid(self, text: str) -> None:
        assert parse_hours(text) == (time(9), time(17))

    def test_minutes(self) -> None:
        assert parse_hours("08:30-16:45") == (time(8, 30), time(16, 45))

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("9-17", "expected HH:MM-HH:MM"),
            ("", "expected HH:MM-HH:MM"),
            ("09:00", "expected HH:MM-HH:MM"),
            ("25:00-26:00", "hours must be 00-23"),
            ("09:60-17:00", "minutes 00-59"),
            ("17:00-09:00", "end must be after the start"),
            ("09:00-09:00", "end must be after the start"),
        ],
    )
    def test_invalid(self, text: str, message: str) -> None:
        with pytest.raises(ValueError, match=message) as info:
            parse_hours(text)
        assert repr(text) in str(info.value)


def test_weekdays() -> None:
    assert WEEKDAYS == {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


# Property: add and hours_between agree, and add is monotonic in hours.

ZONES = [ZoneInfo(name) for name in ("UTC", "Europe/Amsterdam", "America/New_York", "Asia/Kolkata")]
CALENDARS = [
    cal(holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)})),
    cal(tz=NYC, workdays=frozenset({0, 2, 4}), hours=(time(8, 30), time(12, 15))),
    # Hours that straddle Amsterdam's spring-forward gap and autumn fold.
    cal(workdays=frozenset(range(7)), hours=(time(1, 30), time(4))),
    cal(tz=ZoneInfo("Australia/Lord_Howe"), workdays=frozenset({5, 6}), hours=(time(1), time(3))),
]
starts = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
)
hours_st = st.floats(min_value=0, max_value=200, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=starts, h1=hours_st, h2=hours_st)
def test_add_and_hours_between_agree(
    calendar: BusinessCalendar, start: datetime, h1: float, h2: float
) -> None:
    clock_start = calendar.add(start, 0)
    assert clock_start >= start
    assert calendar.hours_between(start, clock_start) == 0.0

    due = calendar.add(start, h1)
    assert due.tzinfo is UTC
    assert calendar.hours_between(clock_start, due) == pytest.approx(h1, abs=1e-6)
    assert calendar.hours_between(start, due) == pytest.approx(h1, abs=1e-6)

    low, high = sorted((h1, h2))
    assert calendar.add(start, low) <= calendar.add(start, high)


def _hours_day_by_day(calendar: BusinessCalendar, a: datetime, b: datetime) -> float:
    """The reference: every local day's working window, one day at a time."""
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    if b <= a:
        return 0.0
    day, last = a.astimezone(calendar.tz).date(), b.astimezone(calendar.tz).date()
    total = timedelta(0)
    while day <= last:
        if calendar.is_working_day(day):
            opening, closing = calendar._window(day)
            low, high = max(opening, a), min(closing, b)
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total / timedelta(hours=1)


@settings(max_examples=300, deadline=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    a=starts,
    b=st.one_of(starts, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900))),
)
def test_hours_between_equals_the_day_by_day_sum(
    calendar: BusinessCalendar, a: datetime, b: datetime | timedelta
) -> None:
    """The running totals over whole days give exactly the day-by-day sum, both ways
    round, across DST changes, holidays and years."""
    end = a + b if isinstance(b, timedelta) else b
    assert calendar.hours_between(a, end) == _hours_day_by_day(calendar, a, end)
    assert calendar.hours_between(end, a) == _hours_day_by_day(calendar, end, a)


def test_hours_between_long_waits_and_far_dates() -> None:
    c = cal(holidays=frozenset({date(2026, 12, 25), date(2027, 1, 1)}))
    # Earlier dates than the totals cover, then later ones: the totals grow both ways.
    for a, b in [
        (ams(2026, 11, 2, 10), ams(2026, 11, 30, 10)),
        (ams(2020, 1, 6, 10), ams(2026, 11, 30, 10)),
        (ams(2026, 1, 5, 10), ams(2031, 6, 2, 10)),
        (ams(2026, 12, 21), ams(2027, 1, 4)),
    ]:
        assert c.hours_between(a, b) == _hours_day_by_day(c, a, b)
    assert c.hours_between(ams(2026, 11, 2, 9), ams(2026, 11, 30, 9)) == 4 * 40.0
