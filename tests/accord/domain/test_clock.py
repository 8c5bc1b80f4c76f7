"""`accord.domain.clock`: the one reading of an as-of instant (`--at`, the dashboard's `t`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.domain.clock import end_of_day, parse_instant, today_in

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # winter time (+01:00), summer time (+02:00)
        ("2026-10-31", utc(2026, 10, 31, 22, 59, 59, 999999)),
        ("2026-07-15", utc(2026, 7, 15, 21, 59, 59, 999999)),
        # the days the clocks change: 23 and 25 hours long, each ends at its own midnight
        ("2026-03-29", utc(2026, 3, 29, 21, 59, 59, 999999)),
        ("2026-10-25", utc(2026, 10, 25, 22, 59, 59, 999999)),
        # the last day of the year and a leap day
        ("2026-12-31", utc(2026, 12, 31, 22, 59, 59, 999999)),
        ("2028-02-29", utc(2028, 2, 29, 22, 59, 59, 999999)),
    ],
)
def test_a_bare_date_is_the_end_of_that_day(text: str, expected: dt.datetime) -> None:
    assert parse_instant(text, AMS) == expected


def test_times_without_an_offset_are_local_with_one_are_kept() -> None:
    assert parse_instant("2026-10-31T17:00", AMS) == utc(2026, 10, 31, 16)
    assert parse_instant(" 2026-10-31T17:00Z ", AMS) == utc(2026, 10, 31, 17)
    assert parse_instant("2026-10-31T17:00+05:00", AMS) == utc(2026, 10, 31, 12)
    # midnight written out is the start of the day, not its end
    assert parse_instant("2026-10-31T00:00", AMS) == utc(2026, 10, 30, 23)


@pytest.mark.parametrize("text", ["yesterday", "31-10-2026", "2026-13-01", "", "2026-10-31T25:00"])
def test_what_is_not_iso_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"not an ISO-8601 date or time; write e\.g\. 2026-10-31"):
        parse_instant(text, AMS)


def test_today_is_the_local_date_of_the_clock() -> None:
    # 23:30 UTC on 31 December is already 1 January in Amsterdam
    assert today_in(AMS, lambda: utc(2026, 12, 31, 23, 30)) == dt.date(2027, 1, 1)
    assert today_in(ZoneInfo("UTC"), lambda: utc(2026, 12, 31, 23, 30)) == dt.date(2026, 12, 31)


ZONES = [ZoneInfo(z) for z in ("Europe/Amsterdam", "America/Santiago", "Asia/Kolkata", "UTC")]


@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 30)), zone=st.sampled_from(ZONES))
def test_end_of_day_is_the_last_instant_of_that_local_day(day: dt.date, zone: ZoneInfo) -> None:
    end = end_of_day(day, zone)
    assert end.astimezone(zone).date() == day
    assert (end + dt.timedelta(microseconds=1)).astimezone(zone).date() == day + dt.timedelta(1)
