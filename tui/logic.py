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

from accord.domain import model as m
from accord.domain.calendar import BusinessCalendar, period_bounds
from accord.domain.clock import parse_instant
from accord.domain.workspace import Bounds

Status = Literal["breached", "at_risk", "on_track", "met", "no_data"]
Clock = Literal["business", "calendar"]
T = TypeVar("T")

PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")
"""The periods `p` cycles through for the funnel."""

_STATUS_LABEL: dict[str, tuple[str, str]] = {
    "breached": ("✖", "breached"),
    "at_risk": ("▲", "at risk"),
    "on_track": ("●", "on track"),
    "met": ("✔", "met"),
    "no_data": ("○", "no data"),
    "evaluating": ("…", "evaluating"),
}

STATUS_STYLE: dict[str, str] = {
    "breached": "error",
    "at_risk": "warning",
    "on_track": "primary",
    "met": "success",
    "no_data": "foreground-muted",
}
"""Status → the theme variable (without `$`) that colours it."""


def status_label(status: str) -> str:
    """``"✖ breached"``: a symbol and a word, readable without colour."""
    symbol, word = _STATUS_LABEL.get(status, ("?", status.replace("_", " ")))
    return f"{symbol} {word}"


# --- numbers -----------------------------------------------------------------


def _group(number: float) -> str:
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.1f}"


def format_hours(hours: float) -> str:
    """Hours as ``45m``, ``3h 15m``, ``2d 4h`` (rounded to the minute)."""
    if not math.isfinite(hours):
        return "—"
    sign = "-" if hours < 0 else ""
    minutes = round(abs(hours) * 60)
    if minutes < 60:
        return f"{sign}{minutes}m"
    if minutes < 48 * 60:
        h, mins = divmod(minutes, 60)
        return f"{sign}{h}h" if mins == 0 else f"{sign}{h}h {mins:02d}m"
    d, rest = divmod(minutes, 24 * 60)
    h = rest // 60
    return f"{sign}{d}d" if h == 0 else f"{sign}{d}d {h}h"


def format_money(amount: float) -> str:
    """Compact money: ``950``, ``45.3k``, ``1.2M``."""
    size = abs(amount)
    if size >= 1_000_000:
        return f"{amount / 1_000_000:.1f}M"
    if size >= 10_000:
        return f"{amount / 1000:.1f}k"
    return _group(round(amount, 2))


def format_value(value: float | None, unit: str, *, cohort: int | None = None) -> str:
    """A KPI value in its unit; `None` is "no data", with the cohort size when known.

    A ratio over an empty cohort is "no data (0 leads)", never 100% (HAZARDS 30).
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "no data" if cohort is None else f"no data ({cohort} leads)"
    if unit == "ratio":
        percent = value * 100
        return f"{percent:.0f}%" if percent == round(percent) else f"{percent:.1f}%"
    if unit == "hours":
        return format_hours(value)
    if unit == "money":
        return format_money(value)
    return _group(value)


def format_bounds(bounds: Bounds, unit: str, *, warn: bool = True) -> str:
    """The target as ``≥ 120``, ``≤ 4h`` or ``90%–100%`` (and ``(warn 90%)`` if `warn`)."""
    if bounds.min is not None and bounds.max is not None:
        text = f"{format_value(bounds.min, unit)}–{format_value(bounds.max, unit)}"
    elif bounds.min is not None:
        text = f"≥ {format_value(bounds.min, unit)}"
    elif bounds.max is not None:
        text = f"≤ {format_value(bounds.max, unit)}"
    else:
        text = "—"
    if warn and bounds.warn is not None:
        text += f" (warn {format_value(bounds.warn, unit)})"
    return text


def format_projection(projected: float | None, unit: str) -> str:
    """Pace: ``→ 130`` (where the period ends at this rate), or ``—`` without pace."""
    if projected is None:
        return "—"
    if unit == "count" and math.isfinite(projected):
        projected = float(round(projected))
    return f"→ {format_value(projected, unit)}"


def format_conversion(ratio: float | None) -> str:
    """Conversion between two funnel stages; ``—`` when the previous stage is empty."""
    if ratio is None:
        return "—"
    return format_value(ratio, "ratio")


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


def _event(match: m.Match, stages: dict[str, m.Stage]) -> str:
    ev = m.as_match(match)
    if ev.type == "entered" and ev.stage:
        stage = stages.get(ev.stage)
        return f"entered {stage.name if stage else ev.stage}"
    if ev.stage:
        stage = stages.get(ev.stage)
        return f"{ev.type} ({stage.name if stage else ev.stage})"
    return ev.type


def _clock_words(clock: str) -> str:
    return "working hours" if clock == "business" else "calendar hours"


def kpi_in_words(kpi: m.Kpi, stages: dict[str, m.Stage], per: str | None = None) -> str:
    """What a KPI counts, in one or two plain sentences."""
    from accord.domain.units import format_hours as short_hours

    measure = kpi.measure
    spec = measure.spec
    period = f" in each {per}" if per and per not in ("30d", "90d") else ""
    if per in ("30d", "90d"):
        period = f" in the last {per[:-1]} days"
    if measure.kind == "count":
        text = f"Counts the leads that {_event(spec, stages)}{period}."
    elif measure.kind == "sum":
        text = f"Adds up the {spec.field} of the leads that {_event(spec.of, stages)}{period}."
    elif measure.kind == "conversion":
        src = stages.get(spec.from_)
        dst = stages.get(spec.to)
        limit = f" within {short_hours(spec.within)}" if spec.within is not None else ""
        text = (
            f"Of the leads that first entered {src.name if src else spec.from_}{period}, "
            f"the share that reached {dst.name if dst else spec.to}{limit}."
        )
    elif measure.kind == "within":
        text = (
            f"Of the leads that {_event(spec.from_, stages)}{period}, the share that "
            f"{_event(spec.to, stages)} within {short_hours(spec.limit)} "
            f"({_clock_words(spec.clock)}); leads still inside their deadline are not counted yet."
        )
    elif measure.kind == "duration":
        pct = f"{spec.percentile:g}"
        name = "median" if pct == "50" else f"{pct}th percentile"
        text = (
            f"The {name} of the {_clock_words(spec.clock)} between when a lead "
            f"{_event(spec.from_, stages)} and when it {_event(spec.to, stages)}{period}."
        )
    else:  # open
        older = (
            f" for more than {short_hours(spec.older_than)} ({_clock_words(spec.clock)})"
            if spec.older_than is not None
            else ""
        )
        text = (
            f"The leads that {_event(spec.from_, stages)} and are still waiting to be "
            f"{_event(spec.to, stages)}{older}, right now (not bound to a period)."
        )
    if kpi.where:
        conditions = ", ".join(
            f"{key} is {' or '.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in kpi.where.items()
        )
        text += f" Only leads where {conditions}."
    return text


def open_clock(kpi: m.Kpi) -> Clock:
    """The clock a KPI's waiting leads age on (calendar unless an `open` measure says so)."""
    if kpi.measure.kind == "open" and kpi.measure.open is not None:
        return kpi.measure.open.clock
    return "calendar"
