"""Pure functions behind the dashboard: formatting, projections, ages, paging.

Widgets only render what these functions compute, so all of it is unit tested
without a terminal (tests/tui/test_logic.py).

- `status_label`, `STATUS_STYLE`: a status as symbol + word (colour is never the
  only signal) and the theme variable that colours it.
- `format_value`, `format_bounds`, `format_projection`, `format_conversion`:
  numbers by unit (count, ratio as %, hours as h/m/d, money compact).
- `age_hours`, `format_age`: a waiting lead's age on its agreement's clock.
- `bar`, `cycle_period`, `describe_period`, `parse_as_of`, `page_of`,
  `matches`, `kpi_in_words`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from accord import present
from accord.domain import model as m
from accord.domain.calendar import BusinessCalendar, period_bounds
from accord.domain.clock import parse_instant
from accord.domain.measures import kind_of
from accord.domain.workspace import Bounds, Workspace

Status = Literal["breached", "at_risk", "on_track", "met", "no_data"]
Clock = Literal["business", "calendar"]
T = TypeVar("T")

PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")
"""The periods `p` cycles through for the funnel."""

STATUS_STYLE: dict[str, str] = {
    "breached": "error",
    "at_risk": "warning",
    "on_track": "primary",
    "met": "success",
    "no_data": "foreground-muted",
}
"""Status → the theme variable (without `$`) that colours it."""


def format_value(value: float | None, unit: str, *, cohort: int | None = None) -> str:
    """A KPI value as the dashboard shows it: `accord.present.format_value`, with money
    compact (``45.3k``) for its narrow cells."""
    return present.format_value(value, unit, cohort=cohort, compact=True)


def format_bounds(bounds: Bounds, unit: str, *, warn: bool = True) -> str:
    """A target as the dashboard shows it (`accord.present.format_target`, money compact)."""
    return present.format_target(bounds, unit, warn=warn, compact=True)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar of `width` cells filled to `fraction` (eighths of a cell)."""
    if width <= 0:
        return ""
    fraction = 0.0 if not math.isfinite(fraction) else min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[part] if part else ""
    return ("█" * full + partial).ljust(width)


# --- time --------------------------------------------------------------------


def age_hours(
    since: dt.datetime, now: dt.datetime, clock: str, calendar: BusinessCalendar
) -> float:
    """How long a lead has waited by `now`: working hours on a business clock, else plain."""
    if now <= since:
        return 0.0
    if clock == "business":
        return calendar.hours_between(since, now)
    return (now - since).total_seconds() / 3600


def format_age(hours: float) -> str:
    """An age that visibly ticks: ``42s``, ``12m 05s``, ``3h 12m``, ``2d 4h``."""
    seconds = max(0, int(hours * 3600))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        mins, secs = divmod(seconds, 60)
        return f"{mins}m {secs:02d}s"
    if seconds < 48 * 3600:
        h, rest = divmod(seconds, 3600)
        return f"{h}h {rest // 60:02d}m"
    d, rest = divmod(seconds, 86400)
    return f"{d}d {rest // 3600}h"


def cycle_period(per: str) -> str:
    """The period after `per` in day → week → month → quarter → day."""
    try:
        return PERIODS[(PERIODS.index(per) + 1) % len(PERIODS)]
    except ValueError:
        return PERIODS[0]


def describe_period(per: str, at: dt.datetime, tz: ZoneInfo) -> str:
    """The period containing `at`, in words: ``Nov 2026``, ``week 47 2026``, ``Q4 2026``."""
    start, _ = period_bounds(per, at, tz)
    local = start.astimezone(tz)
    if per == "day":
        return local.strftime("%a %d %b %Y")
    if per == "week":
        year, week, _ = local.isocalendar()
        return f"week {week} {year}"
    if per == "quarter":
        return f"Q{(local.month - 1) // 3 + 1} {local.year}"
    if per == "month":
        return local.strftime("%b %Y")
    return per


def format_moment(moment: dt.datetime | None, tz: ZoneInfo, *, seconds: bool = False) -> str:
    """``2026-11-22 10:00`` in the workspace zone (``—`` for none)."""
    if moment is None:
        return "—"
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_clock(moment: dt.datetime, tz: ZoneInfo) -> str:
    """``10:31:05`` in the workspace zone."""
    return moment.astimezone(tz).strftime("%H:%M:%S")


def parse_as_of(text: str, tz: ZoneInfo) -> dt.datetime | None:
    """A time-travel target typed by a person; `None` means "now" (live).

    Anything else is read by `accord.domain.clock.parse_instant`, as ``--at`` is: a date
    alone means the end of that day, a time without an offset is in `tz`.

    Raises:
        ValueError: the text is not an ISO-8601 date or date-time.
    """
    if text.strip().lower() in ("", "now", "live"):
        return None
    return parse_instant(text, tz)


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, with an ellipsis when cut."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


PER_SHORT = {
    "day": "day",
    "week": "wk",
    "month": "mo",
    "quarter": "qtr",
    "30d": "30d",
    "90d": "90d",
}
"""Short period names for narrow columns."""


# --- lists -------------------------------------------------------------------


def page_of(items: Sequence[T], page: int, size: int) -> tuple[Sequence[T], int, int]:
    """Rows of one page: (rows, page clamped to range, number of pages ≥ 1)."""
    size = max(1, size)
    pages = max(1, math.ceil(len(items) / size))
    page = min(max(0, page), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


def matches(query: str, *fields: object) -> bool:
    """Whether every word of `query` occurs (case-insensitively) in one of `fields`."""
    words = query.lower().split()
    if not words:
        return True
    haystack = " ".join("" if f is None else str(f) for f in fields).lower()
    return all(word in haystack for word in words)


# --- KPI definitions in plain words ---------------------------------------------


def kpi_in_words(kpi: m.Kpi, ws: Workspace, per: str | None = None) -> str:
    """What a KPI counts (`accord.present.describe_measure`), and over which period."""
    text = present.describe_measure(kpi, ws)
    if per in ("30d", "90d"):
        return f"{text}; the period is the last {per[:-1]} days."
    if per and kind_of(kpi.measure).period_bound:
        return f"{text}; the period is one {per}."
    return f"{text}."


def open_clock(kpi: m.Kpi) -> Clock:
    """The clock a KPI's waiting leads age on: the measure's own for a measure that is not
    period-bound (`open`), else calendar."""
    if not kind_of(kpi.measure).period_bound:
        clock: Clock = getattr(kpi.measure.spec, "clock", "calendar")
        return clock
    return "calendar"
