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

To keep a refresh cheap: the new events are read once (two small queries by
``event_id`` and ``at``) and grouped by (type, stage) for all commitments; each
commitment builds its refresh statement once, with bound parameters, and reruns
it; cohort rows are plain tuples (compact, and not scanned by the garbage
collector); an `open` commitment keeps its sorted waiting list and a heap of
deadlines, updated for the touched leads instead of re-sorted.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, bindparam, func, select
from sqlalchemy.sql.elements import BindParameter

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

# Bound parameters of the refresh statements, built once per commitment and run
# with new values on every refresh (building SQLAlchemy constructs is the slow part).
_P_START = bindparam("start", type_=events.c.at.type)
_P_AT = bindparam("at", type_=events.c.at.type)
_P_ONLY: BindParameter[Any] = bindparam("only", expanding=True)
_P_SEEN: _sql.Seen = (
    bindparam("seen_at", type_=events.c.at.type),
    bindparam("seen_id", type_=events.c.event_id.type),
)


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


class _Row(NamedTuple):
    """One lead of a cohort. A tuple of atoms: compact, and untracked by the garbage
    collector, whose passes over a large cohort would otherwise dominate a refresh."""

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
    stmts: dict[str, Select[Any]] = field(default_factory=dict)
    """Refresh statements with bound parameters, built on first use."""
    waiting: list[tuple[dt.datetime, str]] | None = None
    """`open`: the waiting leads as ``(first_at, lead)``, sorted (None: not yet built)."""
    pending: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)
    """`open`: a heap of ``(deadline, first_at, lead)`` of leads not yet overdue; entries
    of leads changed since are stale and skipped."""

    def forget(self, lead: str, row: _Row) -> None:
        """Drop a lead's row from the waiting list (its pending entry goes stale)."""
        if self.waiting is None:
            return
        key = (row.first_at, lead)
        i = bisect_left(self.waiting, key)
        if i < len(self.waiting) and self.waiting[i] == key:
            del self.waiting[i]

    def note(self, lead: str, row: _Row, at: dt.datetime) -> None:
        """Add a lead's new row to the waiting list or the pending heap."""
        if self.waiting is None:
            return
        if row.deadline is None or at > row.deadline:
            insort(self.waiting, (row.first_at, lead))
        else:
            heapq.heappush(self.pending, (row.deadline, row.first_at, lead))


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
        is_open = st.kind == "open"
        if only is None:
            full = _sql.cohort(from_m, to_m, st.flt, start, at, open_only=is_open)
            st.rows, st.waiting, st.pending = {}, None, []
            for row in conn.execute(full):
                st.rows[row[0]] = self._row(st, row[1], None if is_open else row[2])
            return
        stmt = st.stmts.get("cohort")
        if stmt is None:
            stmt = _sql.cohort(
                from_m,
                to_m,
                st.flt,
                None if is_open else _P_START,
                _P_AT,
                only=_P_ONLY,
                open_only=is_open,
            )
            st.stmts["cohort"] = stmt
        for lead in only:
            old = st.rows.pop(lead, None)
            if old is not None:
                st.forget(lead, old)
        for row in conn.execute(stmt, {"start": start, "at": at, "only": list(only)}):
            new = self._row(st, row[1], None if is_open else row[2])
            st.rows[row[0]] = new
            st.note(row[0], new, at)

    def _amount(
        self,
        conn: Connection,
        st: _State,
        start: dt.datetime,
        only: Sequence[str] | None,
        seen: _sql.Seen | None,
    ) -> Decimal:
        (match,) = st.matchers
        build = _sql.count_leads if st.kind == "count" else _sql.sum_value
        if only is None or seen is None:
            value = conn.execute(
                build(match, st.flt, start, self.at, only=only, seen=seen)
            ).scalar()
        else:
            stmt = st.stmts.get("amount")
            if stmt is None:
                stmt = build(match, st.flt, _P_START, _P_AT, only=_P_ONLY, seen=_P_SEEN)
                st.stmts["amount"] = stmt
            seen_at, seen_id = seen
            params = {"start": start, "at": self.at, "only": list(only)}
            params |= {"seen_at": seen_at, "seen_id": seen_id}
            value = conn.execute(stmt, params).scalar()
        return Decimal(0) if value is None else Decimal(str(value))

    def _row(self, st: _State, first_at: dt.datetime, to_at: dt.datetime | None) -> _Row:
        spec = st.spec
        if st.kind == "within":
            return _Row(first_at, to_at, self.deadline(first_at, spec.limit, spec.clock))
        if st.kind == "open" and spec.older_than is not None:
            return _Row(first_at, to_at, self.deadline(first_at, spec.older_than, spec.clock))
        if st.kind == "duration" and to_at is not None:
            return _Row(first_at, to_at, None, self.hours(first_at, to_at, spec.clock))
        return _Row(first_at, to_at)

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
        ids = [lead for _, lead in self._waiting(st)]
        return len(ids), len(ids), ids

    def _waiting(self, st: _State) -> list[tuple[dt.datetime, str]]:
        """The sorted waiting list of an `open` state as of `self.at`: built once, then
        kept up to date as rows change and deadlines pass."""
        at = self.at
        if st.waiting is None:
            st.waiting, st.pending = [], []
            for lead, r in st.rows.items():
                if r.deadline is None or at > r.deadline:
                    st.waiting.append((r.first_at, lead))
                else:
                    st.pending.append((r.deadline, r.first_at, lead))
            st.waiting.sort()
            heapq.heapify(st.pending)
            return st.waiting
        while st.pending and st.pending[0][0] < at:
            deadline, first_at, lead = heapq.heappop(st.pending)
            now = st.rows.get(lead)
            if now is None or now.first_at != first_at or now.deadline != deadline:
                continue  # stale: the lead's row changed since
            key = (first_at, lead)
            i = bisect_left(st.waiting, key)
            if i == len(st.waiting) or st.waiting[i] != key:
                st.waiting.insert(i, key)
        return st.waiting

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
            # One pass over the delta shared by all commitments: leads by (type, stage).
            delta: dict[tuple[str, str | None], set[str]] = {}
            for stmt in _sql.visible_delta(self.last_event_id, self.at, when):
                for _, lead, kind, stage in conn.execute(stmt).tuples():
                    delta.setdefault((kind, stage), set()).add(lead)
            for st in self._states:
                touched: set[str] = set()
                for mt in st.matchers:
                    for (kind, stage), found in delta.items():
                        if kind == mt.type and (mt.stage is None or stage == mt.stage):
                            touched |= found
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
