"""Evaluating commitments: a full evaluation, and an incremental refresh from a cursor.

Each commitment keeps a small state between evaluations:

* `count` / `sum`: the number (or sum) so far in the period, aggregated in SQL;
* `conversion`, `within`, `duration`: the period's cohort, one row per lead
  (first `from` time, first `to` time after it, its deadline);
* `open`: the leads currently waiting (first `from` time, deadline).

`Evaluator.refresh` reads only the events the last evaluation did not see (new
``event_id``\\ s, and older events whose time ``at`` has now come), and recomputes
the state of just the leads those events touch. A commitment whose period has
changed (a new month, or a rolling window) is recomputed in full. Both paths
compute values with the same code from the same state, so a refresh gives what
a full evaluation would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, func, select

from accord import model as m
from accord._calendar import elapsed_fraction, period_bounds
from accord.metrics import _sql
from accord.metrics._results import (
    CommitmentResult,
    Evaluation,
    Period,
    Status,
    StoreInfo,
    worst,
)
from accord.metrics._status import decide, has_pace, nearest_rank, project
from accord.store._schema import events
from accord.workspace import CommitmentRef, Workspace

if TYPE_CHECKING:
    from accord.store import Store

_MAX_IN = 5000
"""More touched leads than this and a commitment is recomputed in full."""


def resolve_at(ws: Workspace, at: dt.datetime | None) -> dt.datetime:
    """The evaluation instant in UTC: now by default; a naive time is read in the
    workspace's zone."""
    if at is None:
        return dt.datetime.now(dt.UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=ws.tz)
    return at.astimezone(dt.UTC)


def in_force(ws: Workspace, at: dt.datetime) -> list[m.Agreement]:
    """Active agreements whose `effective` date (if any) is on or before `at` (local date)."""
    today = at.astimezone(ws.tz).date()
    return [
        a
        for a in ws.agreements.values()
        if a.status == "active" and (a.effective is None or a.effective <= today)
    ]


def measured(ws: Workspace, at: dt.datetime) -> list[CommitmentRef]:
    """The commitments of the agreements in force at `at`."""
    ids = {a.id for a in in_force(ws, at)}
    return [ref for ref in ws.commitments() if ref.agreement.id in ids]


@dataclass
class _Row:
    first_at: dt.datetime
    to_at: dt.datetime | None
    deadline: dt.datetime | None = None
    hours: float | None = None


@dataclass
class _State:
    """What one commitment's value is computed from."""

    ref: CommitmentRef
    kind: str
    spec: Any
    flt: ColumnElement[bool] | None
    matchers: list[m.EventMatch]
    window: tuple[dt.datetime, dt.datetime] | None = None
    amount: Decimal = Decimal(0)
    rows: dict[str, _Row] = field(default_factory=dict)


def _state(ws: Workspace, ref: CommitmentRef, dialect: str) -> _State:
    measure = ref.kpi.measure
    kind, spec = measure.kind, measure.spec
    if kind == "count":
        matchers = [m.as_match(spec)]
    elif kind == "sum":
        matchers = [m.as_match(spec.of)]
    else:
        matchers = [m.as_match(spec.from_), m.as_match(spec.to)]
    return _State(ref, kind, spec, _sql.lead_filter(ref.kpi.where, dialect), matchers)


def window_of(
    ws: Workspace, ref: CommitmentRef, at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The period of the commitment containing `at` (``(at - N days, at)`` when rolling)."""
    return period_bounds(ref.commitment.per, at, ws.tz)


class _Calc:
    """Per-evaluation helpers bound to a workspace and an instant."""

    def __init__(self, ws: Workspace, at: dt.datetime) -> None:
        self.ws = ws
        self.at = at

    def deadline(self, start: dt.datetime, hours: float, clock: str) -> dt.datetime:
        if clock == "business":
            return self.ws.calendar.add(start, hours)
        return start + dt.timedelta(hours=hours)

    def hours(self, start: dt.datetime, end: dt.datetime, clock: str) -> float:
        if clock == "business":
            return self.ws.calendar.hours_between(start, end)
        return (end - start) / dt.timedelta(hours=1)

    # --- loading state --------------------------------------------------------------

    def load(self, conn: Connection, st: _State, only: Sequence[str] | None = None) -> None:
        """Compute `st` in full, or (with `only`) recompute those leads' part of it."""
        at = self.at
        if st.kind == "open":
            st.window = None
        elif only is None:
            st.window = window_of(self.ws, st.ref, at)
        assert st.kind == "open" or st.window is not None
        start = st.window[0] if st.window else None
        if st.kind in ("count", "sum"):
            assert start is not None
            st.amount = self._amount(conn, st, start, None, None)
            return
        from_m, to_m = st.matchers
        stmt = _sql.cohort(from_m, to_m, st.flt, start, at, only=only, open_only=st.kind == "open")
        if only is None:
            st.rows = {}
        else:
            for lead in only:
                st.rows.pop(lead, None)
        for row in conn.execute(stmt):
            lead, first_at = row[0], row[1]
            to_at = row[2] if st.kind != "open" else None
            st.rows[lead] = self._row(st, first_at, to_at)

    def _amount(
        self,
        conn: Connection,
        st: _State,
        start: dt.datetime,
        only: Sequence[str] | None,
        seen: _sql.Seen | None,
    ) -> Decimal:
        (match,) = st.matchers
        if st.kind == "count":
            stmt = _sql.count_leads(match, st.flt, start, self.at, only=only, seen=seen)
        else:
            stmt = _sql.sum_value(match, st.flt, start, self.at, only=only, seen=seen)
        value = conn.execute(stmt).scalar()
        return Decimal(0) if value is None else Decimal(str(value))

    def _row(self, st: _State, first_at: dt.datetime, to_at: dt.datetime | None) -> _Row:
        spec = st.spec
        row = _Row(first_at, to_at)
        if st.kind == "within":
            row.deadline = self.deadline(first_at, spec.limit, spec.clock)
        elif st.kind == "open" and spec.older_than is not None:
            row.deadline = self.deadline(first_at, spec.older_than, spec.clock)
        elif st.kind == "duration" and to_at is not None:
            row.hours = self.hours(first_at, to_at, spec.clock)
        return row

    def update(self, conn: Connection, st: _State, touched: set[str], seen: _sql.Seen) -> None:
        """Bring `st` from the evaluation that saw `seen` to `self.at`, given the leads
        whose events became visible since."""
        if st.kind != "open":
            window = window_of(self.ws, st.ref, self.at)
            if window != st.window:
                self.load(conn, st)
                return
        leads = sorted(touched)
        if not leads:
            return
        if len(leads) > _MAX_IN:
            self.load(conn, st)
            return
        if st.kind in ("count", "sum"):
            assert st.window is not None
            st.amount += self._amount(conn, st, st.window[0], leads, seen)
        else:
            self.load(conn, st, only=leads)

    # --- values ---------------------------------------------------------------------

    def value(self, st: _State) -> tuple[float | None, int | None, list[str] | None]:
        """(value, cohort size, lead ids) of a state as of `self.at`."""
        at, spec = self.at, st.spec
        if st.kind == "count":
            return int(st.amount), int(st.amount), None
        if st.kind == "sum":
            return float(st.amount), None, None
        rows = st.rows.values()
        if st.kind == "conversion":
            limit = None if spec.within is None else dt.timedelta(hours=spec.within)
            converted = sum(
                1
                for r in rows
                if r.to_at is not None and (limit is None or r.to_at <= r.first_at + limit)
            )
            n = len(st.rows)
            return (converted / n if n else None), n, None
        if st.kind == "within":
            met = missed = 0
            for r in rows:
                assert r.deadline is not None
                if r.to_at is not None and r.to_at <= r.deadline:
                    met += 1
                elif at > r.deadline:
                    missed += 1
            decided = met + missed
            return (met / decided if decided else None), decided, None
        if st.kind == "duration":
            hours = [r.hours for r in rows if r.hours is not None]
            return nearest_rank(hours, spec.percentile), len(hours), None
        waiting = sorted(
            (r.first_at, lead)
            for lead, r in st.rows.items()
            if r.deadline is None or at > r.deadline
        )
        ids = [lead for _, lead in waiting]
        return len(ids), len(ids), ids

    def result(self, st: _State) -> CommitmentResult:
        ref = st.ref
        value, cohort, ids = self.value(st)
        per = ref.commitment.per
        paced = has_pace(st.kind, per)
        projected = None
        if paced and value is not None:
            raw = project(value, elapsed_fraction(per, self.at, self.ws.tz))
            projected = None if raw is None else round(raw, 2)
        status = decide(value, ref.bounds, paced=paced, projected=projected)
        period = None if st.window is None else Period(*st.window)
        return CommitmentResult(
            agreement=ref.agreement.id,
            id=ref.commitment.id,
            kpi=ref.kpi.id,
            unit=ref.kpi.unit,
            period=period,
            value=value,
            target=ref.commitment.target.model_dump(exclude_none=True),
            status=status,
            projected=projected,
            leads=ids,
            cohort=cohort,
        )


def store_info(conn: Connection, url: str) -> StoreInfo:
    count, last_id, last_at = conn.execute(
        select(func.count(), func.max(events.c.event_id), func.max(events.c.at))
    ).one()
    return StoreInfo(url=url, events=int(count or 0), last_event_at=last_at, last_event_id=last_id)


def assemble(
    ws: Workspace, at: dt.datetime, info: StoreInfo, results: Iterable[CommitmentResult]
) -> Evaluation:
    results = list(results)
    agreements: dict[str, Status] = {}
    for agreement in in_force(ws, at):
        agreements[agreement.id] = worst([r.status for r in results if r.agreement == agreement.id])
    return Evaluation(as_of=at, store=info, agreements=agreements, commitments=results)


class Evaluator:
    """Evaluates a workspace's commitments, then keeps them up to date incrementally.

    `full(at)` computes everything; `refresh(at)` reads only the events added (or
    come due) since the last evaluation and gives the same result a `full(at)`
    would. Going back in time, or a first call, falls back to `full`. Changes to
    *lead* rows (a lead's `hot` or `value` edited after its events) are seen by
    `full` only: call it now and then (the dashboard does every minute).
    """

    def __init__(self, ws: Workspace, store: Store) -> None:
        self.ws = ws
        self.store = store
        self.last_event_id: int = 0
        """The highest event_id seen by the last evaluation (the refresh cursor)."""
        self.at: dt.datetime | None = None
        """The instant of the last evaluation."""
        self._states: list[_State] = []
        self._info: StoreInfo | None = None

    def full(self, at: dt.datetime | None = None) -> Evaluation:
        """Evaluate every commitment from scratch as of `at` (default now)."""
        when = resolve_at(self.ws, at)
        calc = _Calc(self.ws, when)
        with self.store.read() as conn:
            info = store_info(conn, self.store.url)
            states = [_state(self.ws, ref, conn.dialect.name) for ref in measured(self.ws, when)]
            for st in states:
                calc.load(conn, st)
        self._states, self._info, self.at = states, info, when
        self.last_event_id = info.last_event_id or 0
        return assemble(self.ws, when, info, [calc.result(st) for st in states])

    def refresh(self, at: dt.datetime | None = None) -> Evaluation:
        """Evaluate as of `at` (default now) from the last evaluation plus new events."""
        when = resolve_at(self.ws, at)
        if self.at is None or self._info is None or when < self.at:
            return self.full(when)
        if [s.ref.key for s in self._states] != [r.key for r in measured(self.ws, when)]:
            return self.full(when)  # an agreement came into force in between
        calc = _Calc(self.ws, when)
        seen: _sql.Seen = (self.at, self.last_event_id)
        with self.store.read() as conn:
            new_count, new_last, new_at = conn.execute(
                select(func.count(), func.max(events.c.event_id), func.max(events.c.at)).where(
                    events.c.event_id > self.last_event_id
                )
            ).one()
            delta: list[tuple[str, str, str | None]] = []
            for stmt in _sql.visible_delta(self.last_event_id, self.at, when):
                delta.extend((r.lead_id, r.type, r.stage) for r in conn.execute(stmt))
            for st in self._states:
                touched = {
                    lead
                    for lead, kind, stage in delta
                    if any(
                        kind == mt.type and (mt.stage is None or stage == mt.stage)
                        for mt in st.matchers
                    )
                }
                calc.update(conn, st, touched, seen)
        old = self._info
        last_at = old.last_event_at
        if new_at is not None and (last_at is None or new_at > last_at):
            last_at = new_at
        info = StoreInfo(
            url=old.url,
            events=old.events + int(new_count or 0),
            last_event_at=last_at,
            last_event_id=new_last if new_last is not None else old.last_event_id,
        )
        self._info, self.at = info, when
        self.last_event_id = info.last_event_id or 0
        return assemble(self.ws, when, info, [calc.result(st) for st in self._states])

    def open_rows(self) -> list[tuple[_State, dict[str, _Row]]]:
        """The waiting leads of each `open` commitment, as of the last evaluation."""
        return [(st, st.rows) for st in self._states if st.kind == "open"]


def evaluate_one(
    conn: Connection, ws: Workspace, ref: CommitmentRef, at: dt.datetime
) -> CommitmentResult:
    """One commitment evaluated from scratch as of `at` (for trends)."""
    calc = _Calc(ws, at)
    st = _state(ws, ref, conn.dialect.name)
    calc.load(conn, st)
    return calc.result(st)


def open_state(
    conn: Connection, ws: Workspace, ref: CommitmentRef, at: dt.datetime
) -> tuple[_State, _Calc]:
    """The loaded state of an `open` commitment as of `at`."""
    calc = _Calc(ws, at)
    st = _state(ws, ref, conn.dialect.name)
    calc.load(conn, st)
    return st, calc
