"""Time arithmetic for metrics: the business clock and calendar periods.

Provides:

- `BusinessCalendar`: working days, hours and holidays in one zone; `add` finds the
  instant when a number of working hours have elapsed (the business-clock deadline),
  `hours_between` counts the working hours between two instants.
- `calendar_hours_add`: the plain-elapsed-time counterpart (the calendar clock).
- `period_bounds` and `elapsed_fraction`: the period of a commitment's `per` containing
  an instant, and how far through it that instant is.
- `parse_hours` and `WEEKDAYS`: reading a workspace's `hours:` and `workdays:` settings.

Every result is an aware UTC `datetime`. Calendars are walked in local dates of their
own zone and each local wall time is converted to UTC on its own day, so days around a
daylight-saving change are right: a local time that does not exist (the
spring-forward gap) means the instant the clock jumps past it, and an ambiguous local
time (the fall-back fold) means its first occurrence.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

Per = Literal["day", "week", "month", "quarter", "30d", "90d"]

WEEKDAYS: dict[str, int] = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}

_PERIODS: tuple[str, ...] = get_args(Per)
_ROLLING_DAYS: dict[str, int] = {"30d": 30, "90d": 90}
_ONE_DAY = timedelta(days=1)
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$")


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


def _require_hours(hours: float) -> None:
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be a finite number >= 0, got {hours!r}")


def _local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of the local wall time `wall` on `day` in `tz`.

    An ambiguous wall time (the fold when clocks go back) gives its first occurrence. A
    wall time that does not exist (the gap when clocks go forward) gives the instant the
    clock jumps past it, i.e. the first instant whose local time is later than `wall`.
    """
    naive = datetime.combine(day, wall)
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == naive:
        return instant
    # In a gap, fold=0 maps with the offset before the change (an instant after it) and
    # fold=1 with the offset after the change (an instant before it). Transitions fall on
    # whole seconds: bisect for the first second whose local time is at or past `wall`.
    before = naive.replace(tzinfo=tz, fold=1).astimezone(UTC).replace(microsecond=0)
    after = instant.replace(microsecond=0)
    lo, hi = 0, int((after - before).total_seconds())
    while lo < hi:
        mid = (lo + hi) // 2
        probe = before + timedelta(seconds=mid)
        if probe.astimezone(tz).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid + 1
    return before + timedelta(seconds=lo)


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time: the workdays, the daily hours and the holidays, in one zone.

    Working time on a working day is the half-open interval from the local opening
    (`start`) to the local closing (`end`); the closing instant itself is not working time.
    """

    tz: ZoneInfo
    """The zone in which workdays, hours and holidays are meant."""
    workdays: frozenset[int]
    """Working weekdays, 0 = Monday .. 6 = Sunday."""
    start: time
    """Local opening time, e.g. 09:00."""
    end: time
    """Local closing time, after `start`, e.g. 17:00."""
    holidays: frozenset[date]
    """Local dates on which nobody works, whatever the weekday."""

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise ValueError(f"tz must be a zoneinfo.ZoneInfo, got {self.tz!r}")
        bad = sorted(d for d in self.workdays if not (isinstance(d, int) and 0 <= d <= 6))
        if bad:
            raise ValueError(f"workdays must be 0 (Monday) .. 6 (Sunday), got {bad}")
        if not self.workdays:
            raise ValueError("a business calendar needs at least one workday")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are local wall times: give them without tzinfo")
        if self.end <= self.start:
            raise ValueError(
                f"working hours must end after they start, got "
                f"{self.start.isoformat('minutes')}-{self.end.isoformat('minutes')}"
            )

    def is_working_day(self, day: date) -> bool:
        """Whether `day` (a local date) is a workday and not a holiday."""
        return day.weekday() in self.workdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        """The UTC opening and closing instants of the local date `day`."""
        return _local_to_utc(day, self.start, self.tz), _local_to_utc(day, self.end, self.tz)

    def add(self, start: datetime, hours: float) -> datetime:
        """The instant when `hours` of working time have elapsed after `start`.

        Counting begins at `start` if it is inside working time, else at the next opening;
        `hours == 0` gives that instant. The walk is one step per local day spanned.

        Args:
            start: an aware datetime, in any zone.
            hours: working hours to add, finite and >= 0.

        Returns:
            An aware UTC datetime.

        Raises:
            ValueError: `start` is naive, `hours` is negative or not finite, no workday
                is configured, or the result lies beyond the supported dates.
        """
        _require_aware(start, "start")
        _require_hours(hours)
        if not self.workdays:
            raise ValueError("a business calendar needs at least one workday")
        remaining = timedelta(hours=hours)
        current = start.astimezone(UTC)
        day = current.astimezone(self.tz).date()
        try:
            while True:
                if self.is_working_day(day):
                    opening, closing = self._window(day)
                    if current < closing:
                        begin = max(current, opening)
                        available = closing - begin
                        if remaining <= available:
                            return begin + remaining
                        remaining -= available
                        current = closing
                day += _ONE_DAY
        except OverflowError:
            raise ValueError(
                f"{hours} working hours after {start.isoformat()} is beyond the last supported date"
            ) from None

    def hours_between(self, a: datetime, b: datetime) -> float:
        """Working hours between the aware instants `a` and `b`; 0 if `b <= a`.

        The first and last local days are counted on their own; the whole days between
        come from a running total of each day's working time (`_WorkingTotals`, kept per
        calendar and computed once per date), so a long wait costs the same as a short
        one. The sum is exact (whole microseconds): the same as adding day by day.
        """
        _require_aware(a, "a")
        _require_aware(b, "b")
        a, b = a.astimezone(UTC), b.astimezone(UTC)  # same-zone subtraction is wall-clock
        if b <= a:
            return 0.0
        day = a.astimezone(self.tz).date()
        last = b.astimezone(self.tz).date()
        total = timedelta(0)
        for edge in (day,) if day == last else (day, last):
            if self.is_working_day(edge):
                opening, closing = self._window(edge)
                low, high = max(opening, a), min(closing, b)
                if high > low:
                    total += high - low
        if (last - day).days > 1:
            total += _totals(self).between(day.toordinal() + 1, last.toordinal())
        return total / timedelta(hours=1)


class _WorkingTotals:
    """A calendar's working time summed over whole local days: ``cum[i]`` is the working
    time of the days ``origin .. origin + i - 1`` (a day's window, never negative), grown
    on demand to cover the dates asked for."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self.origin = 0
        self.cum: list[timedelta] = [timedelta(0)]
        self.lock = threading.Lock()

    def _day(self, ordinal: int) -> timedelta:
        day = date.fromordinal(ordinal)
        if not self.calendar.is_working_day(day):
            return timedelta(0)
        opening, closing = self.calendar._window(day)
        return max(closing - opening, timedelta(0))

    def between(self, first: int, stop: int) -> timedelta:
        """Working time of the whole days with ordinals ``first .. stop - 1``."""
        with self.lock:
            origin, cum = self.origin, self.cum
            if first < origin or stop > origin + len(cum) - 1:
                low = min(first, origin) if len(cum) > 1 else first
                high = max(stop, origin + len(cum) - 1) if len(cum) > 1 else stop
                low = max(1, low - 31)
                high = max(stop, min(high + 366, date.max.toordinal() - 1))
                cum = [timedelta(0)]
                for ordinal in range(low, high):
                    cum.append(cum[-1] + self._day(ordinal))
                self.origin, self.cum, origin = low, cum, low
            return cum[stop - origin] - cum[first - origin]


_TOTALS: dict[BusinessCalendar, _WorkingTotals] = {}
_TOTALS_LOCK = threading.Lock()


def _totals(calendar: BusinessCalendar) -> _WorkingTotals:
    """The running totals of `calendar` (one per distinct calendar)."""
    with _TOTALS_LOCK:
        found = _TOTALS.get(calendar)
        if found is None:
            if len(_TOTALS) > 64:  # calendars made on the fly (tests): keep a few
                _TOTALS.clear()
            found = _TOTALS[calendar] = _WorkingTotals(calendar)
        return found


def calendar_hours_add(start: datetime, hours: float) -> datetime:
    """`start` plus `hours` of plain elapsed time (the calendar clock), in UTC."""
    _require_aware(start, "start")
    if not math.isfinite(hours):
        raise ValueError(f"hours must be a finite number, got {hours!r}")
    return start.astimezone(UTC) + timedelta(hours=hours)


def _period_dates(per: str, day: date) -> tuple[date, date]:
    """First local date of the period containing `day` and of the next one."""
    if per == "day":
        return day, day + _ONE_DAY
    if per == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7)
    first_month = day.month if per == "month" else 3 * ((day.month - 1) // 3) + 1
    months = 1 if per == "month" else 3
    first = date(day.year, first_month, 1)
    index = day.year * 12 + first_month - 1 + months
    return first, date(index // 12, index % 12 + 1, 1)


def period_bounds(per: str, at: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The period of `per` that contains the instant `at`, as aware UTC datetimes.

    Calendar periods (`day`, `week` from Monday, `month`, `quarter`) run from local
    midnight in `tz` to the local midnight that starts the next period (end exclusive).
    Rolling windows (`30d`, `90d`) are `(at - N days, at)`.

    Raises:
        ValueError: `per` is not one of the known periods, or `at` is naive.
    """
    _require_aware(at, "at")
    if per not in _PERIODS:
        raise ValueError(f"unknown period {per!r}: expected one of {', '.join(_PERIODS)}")
    instant = at.astimezone(UTC)
    if per in _ROLLING_DAYS:
        return instant - timedelta(days=_ROLLING_DAYS[per]), instant
    first, after = _period_dates(per, instant.astimezone(tz).date())
    return _local_to_utc(first, time(0), tz), _local_to_utc(after, time(0), tz)


def elapsed_fraction(per: str, at: datetime, tz: ZoneInfo) -> float:
    """How far `at` is through its period of `per`: (at - start) / (end - start), in [0, 1]."""
    start, end = period_bounds(per, at, tz)
    fraction = (at.astimezone(UTC) - start) / (end - start)
    return min(1.0, max(0.0, fraction))


def parse_hours(text: str) -> tuple[time, time]:
    """Read working hours such as `"09:00-17:00"` into `(time(9), time(17))`.

    Raises:
        ValueError: the text is not `HH:MM-HH:MM`, a time is out of range, or the end is
            not after the start.
    """
    match = _HOURS_RE.match(text)
    if match is None:
        raise ValueError(f"invalid working hours {text!r}: expected HH:MM-HH:MM, e.g. 09:00-17:00")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    try:
        opening, closing = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(
            f"invalid working hours {text!r}: hours must be 00-23 and minutes 00-59"
        ) from None
    if closing <= opening:
        raise ValueError(
            f"invalid working hours {text!r}: the end must be after the start "
            f"(hours cannot run past midnight)"
        )
    return opening, closing
