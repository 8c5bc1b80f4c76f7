"""``within: {from, to, limit, clock}`` — of the leads whose first `from` is in the period,
the share whose first `to` at or after it came by the deadline; leads still inside
their deadline are pending and not counted."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections.abc import Mapping
from typing import Any

from accord.domain.measures._base import Cohort, Row, Timing, Value, Words, discard


class _Deadlines:
    """Met rows, and the sorted deadlines of the others (missed once passed)."""

    def __init__(self, rows: Mapping[str, Row]) -> None:
        self.rows = rows
        self.met = 0
        self.unmet: list[dt.datetime] = []

    @staticmethod
    def _met(r: Row) -> bool:
        assert r.deadline is not None
        return r.to_at is not None and r.to_at <= r.deadline

    def build(self, at: dt.datetime) -> None:
        unmet = []
        for r in self.rows.values():
            if self._met(r):
                self.met += 1
            else:
                assert r.deadline is not None
                unmet.append(r.deadline)
        self.unmet = sorted(unmet)

    def forget(self, lead: str, row: Row) -> None:
        if self._met(row):
            self.met -= 1
        else:
            assert row.deadline is not None
            discard(self.unmet, row.deadline)

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        if self._met(row):
            self.met += 1
        else:
            assert row.deadline is not None
            insort(self.unmet, row.deadline)

    def value(self, at: dt.datetime) -> Value:
        decided = self.met + bisect_left(self.unmet, at)  # missed: deadline passed
        return (self.met / decided if decided else None), decided, None


class Within(Cohort):
    name = "within"
    unit = "ratio"

    def row(self, spec: Any, first_at: dt.datetime, to_at: dt.datetime | None, t: Timing) -> Row:
        return Row(first_at, to_at, t.deadline(first_at, spec.limit, spec.clock))

    def aggregate(self, spec: Any, rows: Mapping[str, Row]) -> _Deadlines:
        return _Deadlines(rows)

    def describe(self, spec: Any, who: str, words: Words) -> str:
        return (
            f"Share of {who} {words.event_clause(spec.to)} within "
            f"{words.hours(spec.limit, spec.clock)} "
            f"of {words.event(spec.from_, gerund=True)}"
        )


KIND = Within()
