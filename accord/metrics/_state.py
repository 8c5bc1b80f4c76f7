"""One commitment's state between evaluations: its cohort rows and the running
aggregates its value is computed from, updated row by row (see `accord.metrics._engine`)."""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select

from accord.domain import model as m
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import _sql


class Row(NamedTuple):
    """One lead of a cohort. A tuple of atoms: compact, and untracked by the garbage
    collector, whose passes over a large cohort would otherwise dominate a refresh."""

    first_at: dt.datetime
    to_at: dt.datetime | None
    deadline: dt.datetime | None = None
    hours: float | None = None


@dataclass
class State:
    """What one commitment's value is computed from.

    Besides the cohort rows, a cohort measure keeps running aggregates, built on first
    use and then updated row by row, so that a refresh costs what changed rather than
    the size of the cohort: converted leads (`conversion`); met leads and the sorted
    deadlines of the others (`within`); the sorted durations (`duration`); the sorted
    waiting list, its lead ids and a heap of deadlines not yet passed (`open`).
    """

    ref: CommitmentRef
    kind: str
    spec: Any
    flt: ColumnElement[bool] | None
    matchers: list[m.EventMatch]
    window: tuple[dt.datetime, dt.datetime] | None = None
    amount: Decimal = Decimal(0)
    rows: dict[str, Row] = field(default_factory=dict)
    stmts: dict[str, Select[Any]] = field(default_factory=dict)
    """Refresh statements with bound parameters, built on first use."""
    ready: bool = False
    """Whether the aggregates below are built (and kept up to date)."""
    converted: int = 0
    """`conversion`: rows converted (within the limit)."""
    met: int = 0
    """`within`: rows that reached `to` by their deadline."""
    sorted_: list[Any] = field(default_factory=list)
    """`within`: deadlines of the rows not met; `duration`: hours; both sorted."""
    ids: list[str] = field(default_factory=list)
    """`open`: the waiting leads, sorted by ``(first_at, lead)`` (their `rows`)."""
    shared: list[str] | None = None
    """`open`: the copy of `ids` handed out in results, while `ids` has not changed."""
    pending: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)
    """`open`: a heap of ``(deadline, first_at, lead)`` of leads not yet overdue; entries
    of leads changed since are stale and skipped."""

    def reset(self) -> None:
        """Drop the aggregates (the rows are being recomputed in full)."""
        self.ready, self.converted, self.met = False, 0, 0
        self.sorted_, self.ids, self.pending = [], [], []
        self.shared = None

    def build(self, at: dt.datetime) -> None:
        """Compute the aggregates from the rows."""
        self.reset()
        self.ready = True
        rows = self.rows
        if self.kind == "conversion":
            self.converted = sum(1 for r in rows.values() if self.is_converted(r))
        elif self.kind == "within":
            unmet = []
            for r in rows.values():
                assert r.deadline is not None
                if r.to_at is not None and r.to_at <= r.deadline:
                    self.met += 1
                else:
                    unmet.append(r.deadline)
            self.sorted_ = sorted(unmet)
        elif self.kind == "duration":
            self.sorted_ = sorted(r.hours for r in rows.values() if r.hours is not None)
        elif self.kind == "open":
            for lead, r in rows.items():
                if r.deadline is None or at > r.deadline:
                    self.ids.append(lead)
                else:
                    self.pending.append((r.deadline, r.first_at, lead))
            self.ids.sort(key=self.order)
            heapq.heapify(self.pending)

    def order(self, lead: str) -> tuple[dt.datetime, str]:
        """The sort key of a waiting lead."""
        return (self.rows[lead].first_at, lead)

    def is_converted(self, r: Row) -> bool:
        if r.to_at is None:
            return False
        within = self.spec.within
        return within is None or r.to_at <= r.first_at + dt.timedelta(hours=within)

    def forget(self, lead: str, row: Row) -> None:
        """Take a lead's row out of the aggregates (an `open` pending entry goes stale)."""
        if not self.ready:
            return
        kind = self.kind
        if kind == "conversion":
            self.converted -= self.is_converted(row)
        elif kind == "within":
            assert row.deadline is not None
            if row.to_at is not None and row.to_at <= row.deadline:
                self.met -= 1
            else:
                _discard(self.sorted_, row.deadline)
        elif kind == "duration":
            if row.hours is not None:
                _discard(self.sorted_, row.hours)
        elif kind == "open":
            # (called while rows[lead] is still `row`)
            i = bisect_left(self.ids, (row.first_at, lead), key=self.order)
            if i < len(self.ids) and self.ids[i] == lead:
                del self.ids[i]
                self.shared = None

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        """Add a lead's new row to the aggregates."""
        if not self.ready:
            return
        kind = self.kind
        if kind == "conversion":
            self.converted += self.is_converted(row)
        elif kind == "within":
            assert row.deadline is not None
            if row.to_at is not None and row.to_at <= row.deadline:
                self.met += 1
            else:
                insort(self.sorted_, row.deadline)
        elif kind == "duration":
            if row.hours is not None:
                insort(self.sorted_, row.hours)
        elif kind == "open":
            if row.deadline is None or at > row.deadline:
                self.wait(row.first_at, lead)
            else:
                heapq.heappush(self.pending, (row.deadline, row.first_at, lead))

    def wait(self, first_at: dt.datetime, lead: str) -> None:
        """Put a lead on the waiting list (once); rows[lead] is its current row."""
        i = bisect_left(self.ids, (first_at, lead), key=self.order)
        if i == len(self.ids) or self.ids[i] != lead:
            self.ids.insert(i, lead)
            self.shared = None


def _discard(ordered: list[Any], value: Any) -> None:
    """Remove one occurrence of `value` from the sorted list `ordered`."""
    i = bisect_left(ordered, value)
    assert i < len(ordered) and ordered[i] == value
    del ordered[i]


def new_state(ws: Workspace, ref: CommitmentRef, dialect: str) -> State:
    measure = ref.kpi.measure
    kind, spec = measure.kind, measure.spec
    if kind == "count":
        matchers = [m.as_match(spec)]
    elif kind == "sum":
        matchers = [m.as_match(spec.of)]
    else:
        matchers = [m.as_match(spec.from_), m.as_match(spec.to)]
    return State(ref, kind, spec, _sql.lead_filter(ref.kpi.where, dialect), matchers)
