"""The one place Accord reads the wall clock, and the one reading of an as-of instant.

Provides:

* `Clock` — a callable returning the current instant (aware, UTC). Everything that
  needs "now" takes one (the metric engine's `Evaluator`, the simulator's `stream`,
  the dashboard's `make_app`, the CLI's context), so a test decides its own instant.
* `system_now` — the real clock: the only call of ``datetime.now`` in the product.
* `today_in` — the local date of an instant in a zone (review dates, wiki badges).
* `parse_instant` — what ``--at`` and the dashboard's time-travel dialog accept.
  A bare date means the **end of that day** in the workspace's zone ("as of
  31 October" includes all of the 31st); a time without an offset is read in
  that zone. See docs/metrics.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

__all__ = ["Clock", "end_of_day", "iso_z", "parse_instant", "system_now", "today_in"]

Clock = Callable[[], dt.datetime]
"""Returns the current instant, timezone-aware (UTC)."""

_TICK = dt.timedelta(microseconds=1)


def system_now() -> dt.datetime:
    """The wall clock, in UTC."""
    return dt.datetime.now(dt.UTC)


def iso_z(moment: dt.datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` (seconds precision unless there are microseconds)."""
    text = moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def today_in(tz: ZoneInfo, clock: Clock = system_now) -> dt.date:
    """The local date in `tz` at the clock's instant."""
    return clock().astimezone(tz).date()


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The last instant (to the microsecond) of `day` in `tz`, in UTC.

    Computed as the next local midnight minus one microsecond, so a day on which
    the clocks change (23 or 25 hours long) still ends at its own midnight.
    """
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return midnight.astimezone(dt.UTC) - _TICK


def parse_instant(text: str, tz: ZoneInfo) -> dt.datetime:
    """An ISO-8601 date or date-time typed by a person, as an aware UTC instant.

    Args:
        text: ``2026-10-31`` (the end of that day in `tz`), ``2026-10-31T17:00`` (in
            `tz`), or with an offset (``…T17:00+01:00``, ``…T16:00Z``).
        tz: the workspace's zone.

    Raises:
        ValueError: the text is not an ISO-8601 date or date-time; the message says
            what to write.
    """
    text = text.strip()
    if len(text) == 10:
        try:
            return end_of_day(dt.date.fromisoformat(text), tz)
        except ValueError:
            pass
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"'{text}' is not an ISO-8601 date or time; "
            "write e.g. 2026-10-31 (the end of that day) or 2026-10-31T17:00"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.UTC)
