"""The header's words: how old the data is, what is judged, and what fits the width.

- `ago(seconds)`: "3 minutes ago", "just now", "2 days ago".
- `freshness(snap, now, ...)`: the freshness line, live or time travelling, with
  events stamped in the future flagged (never called the newest event).
- `relationship(ws, on)`: the relationship's band from the latest assessment.
- `fit_row(parts, width)`: which text of each header part to show on one row, so a row
  never runs off the screen: long forms first, then short forms, then parts dropped, in
  the row's order of priority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.cells import cell_len

from accord.domain.workspace import Workspace, maturity
from tui.data import Snapshot
from tui.logic import format_clock, format_moment

GAP = 2
"""Cells between two parts of a header row."""


def ago(seconds: float) -> str:
    """How long ago, in words: ``just now``, ``42 seconds ago``, ``3 minutes ago``,
    ``5 hours ago``, ``2 days ago``."""
    seconds = max(0.0, seconds)
    if seconds < 5:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def before(seconds: float) -> str:
    """``3 minutes before``: how long before the instant judged."""
    return ago(seconds).replace(" ago", " before").replace("just now", "at that moment")


def freshness(
    snap: Snapshot, now: dt.datetime, tz: ZoneInfo, refreshed: dt.datetime | None
) -> tuple[str, str]:
    """(the freshness text, its short form) for the header's second row.

    Live: ``37,851 events · newest event 3 minutes ago · refreshed 11:24:07``; time
    travelling: ``newest event then 2026-10-31 17:45 (6 hours before)``. Events stamped
    after the instant judged are flagged when live (``⚠ 1 event stamped in the future
    (2027-01-21), not counted``)."""
    newest = snap.newest_event if snap.later_events else snap.store.last_event_at
    parts = [f"{snap.store.events:,} events"]
    if newest is None:
        words = "no events yet" if snap.live else "no events then"
        short = words
    elif snap.live:
        words = f"newest event {ago((now - newest).total_seconds())}"
        short = words
    else:
        gap = before((snap.as_of - newest).total_seconds())
        words = f"newest event then {format_moment(newest, tz)} ({gap})"
        short = f"newest then {format_moment(newest, tz)}"
    parts.append(words)
    if snap.live and snap.later_events:
        first = snap.later_first.astimezone(tz).strftime("%Y-%m-%d") if snap.later_first else ""
        n = snap.later_events
        flag = f"⚠ {n:,} event{'' if n == 1 else 's'} stamped in the future ({first}), not counted"
        parts.append(flag)
        short += f" · ⚠ {n:,} in the future"
    if refreshed is not None and snap.live:
        parts.append(f"refreshed {format_clock(refreshed, tz)}")
    return " · ".join(parts), short


@dataclass(frozen=True)
class Part:
    """One part of a header row."""

    key: str
    text: str
    short: str = ""
    """What to show when the row is short of space ("" : the part is left out)."""
    keep: int = 0
    """Higher keeps its long form longer and is left out last."""


def fit_row(parts: Sequence[Part], width: int) -> dict[str, str]:
    """The text of each part so that the row fits in `width` cells (parts joined by
    `GAP` cells): parts shorten, then go, lowest `keep` first."""
    shown = {p.key: p.text for p in parts}

    def total() -> int:
        texts = [t for t in shown.values() if t]
        return sum(cell_len(t) for t in texts) + GAP * len(texts)

    order = sorted(parts, key=lambda p: p.keep)
    for p in order:  # short forms
        if total() <= width:
            return shown
        if p.short and shown[p.key]:
            shown[p.key] = p.short
    for p in order:  # then drop
        if total() <= width:
            return shown
        if p.keep < 9:
            shown[p.key] = ""
    return shown


def relationship(ws: Workspace, on: dt.date) -> tuple[str, str]:
    """The relationship's band from the latest assessment on or before `on` (issue 14):
    ("relationship: Aligned (71)", "Aligned"), or two empty strings without one."""
    rounds = [a for a in ws.assessments.values() if a.date <= on]
    if not rounds:
        return "", ""
    latest = max(rounds, key=lambda a: (a.date, a.id))
    score, stage = maturity(ws, latest).get("combined", (None, None))
    if score is None or stage is None:
        return "", ""
    band = stage.capitalize()
    return f"relationship: {band} ({score})", band
