"""The commitments' trends (the sparklines), computed one commitment at a time and kept.

- `trend_points`: a commitment's last `TREND_PERIODS` values, as `accord.metrics.trend`
  gives them, but with the current period taken from the evaluation already made
  (the engine would evaluate it once more: a sixth of the work).
- `trend_order`: cheap commitments first, so most sparklines appear early.
- `TrendCache`: points per (`tui.model_keys.commitment_key`, as-of), so a reload of the
  agreements recomputes only the commitments that changed; entries age out after
  `TRENDS_EVERY` seconds or, on a large store, after their cost allows
  (`IDLE_SHARE`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.domain.calendar import period_bounds
from accord.domain.measures import kind_of
from accord.metrics import CommitmentResult, Period

if TYPE_CHECKING:
    from accord.domain.workspace import CommitmentRef, Workspace

TREND_PERIODS = 6
"""Points per sparkline (the current period and five before it)."""
TRENDS_EVERY = 600.0
"""Seconds a commitment's past periods are kept (the current one is always fresh)."""
ROLLING = ("30d", "90d")
_TICK = dt.timedelta(microseconds=1)

Points = tuple[tuple[Period, float | None], ...]


def trend_points(
    ws: Workspace,
    store: Any,
    ref: CommitmentRef,
    result: CommitmentResult | None,
    when: dt.datetime,
) -> Points:
    """The commitment's values over its last `TREND_PERIODS` periods, oldest first, as of
    `when` (`accord.metrics.trend`): the past periods from `store`, the current one from
    `result` (its evaluation as of `when`; None: evaluated here)."""
    from accord import metrics

    if result is None:
        return tuple(metrics.trend(ws, store, ref, periods=TREND_PERIODS, at=when))
    per = ref.commitment.per
    start, end = period_bounds(per, when, ws.tz)
    before = start if per in ROLLING else start - _TICK
    past = metrics.trend(ws, store, ref, periods=TREND_PERIODS - 1, at=before)
    return (*past, (Period(start, end), result.value))


def trend_order(refs: Iterable[CommitmentRef]) -> list[CommitmentRef]:
    """`refs` cheapest first (period-bound counts and sums; then cohorts; then `open`
    measures and rolling windows, which read all time), in their order otherwise."""

    def rank(ref: CommitmentRef) -> int:
        return 2 if ref.commitment.per in ROLLING else kind_of(ref.kpi.measure).cost

    return sorted(refs, key=rank)


@dataclass(frozen=True)
class _Entry:
    points: Points
    made: dt.datetime
    """The dashboard's "now" when they were computed."""
    cost: float
    """Wall seconds they took."""


class TrendCache:
    """Trend points per (commitment key, as-of); not thread-safe (the caller locks)."""

    def __init__(self, keep: int = 200) -> None:
        self._entries: dict[tuple[str, dt.datetime | None], _Entry] = {}
        self._keep = keep

    def get(self, key: str, at: dt.datetime | None) -> Points | None:
        entry = self._entries.get((key, at))
        return None if entry is None else entry.points

    def put(
        self, key: str, at: dt.datetime | None, points: Points, made: dt.datetime, cost: float
    ) -> None:
        self._entries[(key, at)] = _Entry(points, made, cost)
        if len(self._entries) > self._keep:  # time travel to many instants: drop the oldest
            oldest = min(self._entries, key=lambda k: self._entries[k].made)
            del self._entries[oldest]

    def missing(
        self,
        keys: dict[tuple[str, str], str],
        at: dt.datetime | None,
        now: dt.datetime,
        share: float,
    ) -> list[tuple[str, str]]:
        """The commitments (of `keys`: id → commitment key) whose trend is not kept, or
        older than `TRENDS_EVERY` seconds and than the set's cost allows at `share` of a
        core."""
        entries = [self._entries.get((key, at)) for key in keys.values()]
        cost = sum(e.cost for e in entries if e is not None)
        every = max(TRENDS_EVERY, cost / share) if share > 0 else TRENDS_EVERY
        return [
            ident
            for ident, entry in zip(keys, entries, strict=True)
            if entry is None or (now - entry.made).total_seconds() >= every
        ]

    def points(
        self, keys: dict[tuple[str, str], str], at: dt.datetime | None
    ) -> dict[tuple[str, str], Points]:
        """The kept points of the commitments of `keys` (aged or not)."""
        out = {}
        for ident, key in keys.items():
            entry = self._entries.get((key, at))
            if entry is not None:
                out[ident] = entry.points
        return out
