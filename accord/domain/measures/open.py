"""``open: {from, to, older_than?, clock}`` — not period-bound: the leads whose first `from`
is at or before T with no `to` at or after it by T (older than the limit, if given).
The value is how many; the lead ids are part of the result."""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from accord.domain.measures._base import Cohort, Row, Timing, Value, Words


class _Waiting:
    """The waiting list sorted by ``(first_at, lead)``, and a heap of the leads whose
    `older_than` deadline has not passed yet (entries of changed leads go stale)."""

    def __init__(self, rows: Mapping[str, Row]) -> None:
        self.rows = rows
        self.ids: list[str] = []
        self.shared: list[str] | None = None
        """The copy of `ids` handed out in results, while `ids` has not changed."""
        self.pending: list[tuple[dt.datetime, dt.datetime, str]] = []

    def _order(self, lead: str) -> tuple[dt.datetime, str]:
        return (self.rows[lead].first_at, lead)

    def _wait(self, first_at: dt.datetime, lead: str) -> None:
        """Put a lead on the waiting list (once); rows[lead] is its current row."""
        i = bisect_left(self.ids, (first_at, lead), key=self._order)
        if i == len(self.ids) or self.ids[i] != lead:
            self.ids.insert(i, lead)
            self.shared = None

    def build(self, at: dt.datetime) -> None:
        for lead, r in self.rows.items():
            if r.deadline is None or at > r.deadline:
                self.ids.append(lead)
            else:
                self.pending.append((r.deadline, r.first_at, lead))
        self.ids.sort(key=self._order)
        heapq.heapify(self.pending)

    def forget(self, lead: str, row: Row) -> None:
        i = bisect_left(self.ids, (row.first_at, lead), key=self._order)
        if i < len(self.ids) and self.ids[i] == lead:
            del self.ids[i]
            self.shared = None

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        if row.deadline is None or at > row.deadline:
            self._wait(row.first_at, lead)
        else:
            heapq.heappush(self.pending, (row.deadline, row.first_at, lead))

    def value(self, at: dt.datetime) -> Value:
        while self.pending and self.pending[0][0] < at:
            deadline, first_at, lead = heapq.heappop(self.pending)
            now = self.rows.get(lead)
            if now is None or now.first_at != first_at or now.deadline != deadline:
                continue  # stale: the lead's row changed since
            self._wait(first_at, lead)
        if self.shared is None:
            self.shared = self.ids.copy()
        return len(self.shared), len(self.shared), self.shared


class Open(Cohort):
    name = "open"
    unit = "count"
    period_bound = False
    cost = 2

    def row(self, spec: Any, first_at: dt.datetime, to_at: dt.datetime | None, t: Timing) -> Row:
        if spec.older_than is None:
            return Row(first_at, to_at)
        # A deadline already passed is not kept: the lead waits from now on (most of an
        # all-time list; saves a datetime per lead).
        deadline = t.deadline(first_at, spec.older_than, spec.clock)
        return Row(first_at, to_at, None if t.at > deadline else deadline)

    def aggregate(self, spec: Any, rows: Mapping[str, Row]) -> _Waiting:
        return _Waiting(rows)

    def describe(self, spec: Any, who: str, words: Words) -> str:
        older = (
            f", waiting longer than {words.hours(spec.older_than, spec.clock)}"
            if spec.older_than is not None
            else ""
        )
        return (
            f"Number of {who} that {words.event(spec.from_)} and are still waiting for "
            f"{words.event(spec.to, gerund=True)}{older} (listed by lead)"
        )


KIND = Open()
