"""One commitment's state between evaluations: its cohort rows and the running
aggregates its value is computed from, updated row by row (see `accord.metrics._engine`)."""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select

from accord.domain import model as m
from accord.domain.measures import Aggregate, MeasureKind, Row, Value, kind_of
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import _sql


@dataclass
class State:
    """What one commitment's value is computed from.

    An amount kind (count, sum) keeps its SQL aggregate (`amount`). A cohort kind keeps
    the cohort's rows and its measure kind's running totals (`agg`), built on first
    use and then updated row by row, so that a refresh costs what changed rather than
    the size of the cohort.
    """

    ref: CommitmentRef
    measure: MeasureKind
    spec: Any
    flt: ColumnElement[bool] | None
    matchers: list[m.EventMatch]
    window: tuple[dt.datetime, dt.datetime] | None = None
    amount: Decimal = Decimal(0)
    rows: dict[str, Row] = field(default_factory=dict)
    stmts: dict[str, Select[Any]] = field(default_factory=dict)
    """Refresh statements with bound parameters, built on first use."""
    agg: Aggregate | None = None
    """The running totals over `rows` (None until built, and after a full reload)."""
    starts: list[tuple[dt.datetime, str]] | None = None
    """A rolling window's rows as a heap by first `from` time (entries of changed rows
    go stale), built when the window first slides (`slide`); None after a full reload."""

    @property
    def kind(self) -> str:
        return self.measure.name

    def reset(self) -> None:
        """Drop the totals (the rows are being recomputed in full)."""
        self.agg = None
        self.starts = None

    def slide(self, window: tuple[dt.datetime, dt.datetime]) -> None:
        """Move a rolling window forward to `window`: the leads whose first `from` event
        is now before its start leave the cohort. (Leads enter only by new events, which
        a refresh reads anyway; a lead's first `from` event ever stays where it was.)"""
        start = window[0]
        if self.starts is None:
            self.starts = [(r.first_at, lead) for lead, r in self.rows.items()]
            heapq.heapify(self.starts)
        starts, rows = self.starts, self.rows
        while starts and starts[0][0] < start:
            first_at, lead = heapq.heappop(starts)
            row = rows.get(lead)
            if row is not None and row.first_at == first_at:
                self.forget(lead, row)
                del rows[lead]
        self.window = window

    def value(self, at: dt.datetime) -> Value:
        """(value, cohort size, lead ids) as of `at`."""
        if self.measure.amount is not None:
            return self.measure.from_amount(self.amount)
        if self.agg is None:
            self.agg = self.measure.aggregate(self.spec, self.rows)
            self.agg.build(at)
        return self.agg.value(at)

    def forget(self, lead: str, row: Row) -> None:
        """Take a lead's row out of the totals (called while rows[lead] is still `row`)."""
        if self.agg is not None:
            self.agg.forget(lead, row)

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        """Add a lead's new row to the totals."""
        if self.starts is not None:
            heapq.heappush(self.starts, (row.first_at, lead))
        if self.agg is not None:
            self.agg.note(lead, row, at)


def new_state(ws: Workspace, ref: CommitmentRef, dialect: str) -> State:
    measure = ref.kpi.measure
    kind = kind_of(measure)
    spec = measure.spec
    flt = _sql.lead_filter(ref.kpi.where, dialect)
    return State(ref, kind, spec, flt, kind.matchers(spec))
