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
``event_id`` and ``at``) with their times and grouped by (type, stage) for all
commitments; a lead is recomputed only when its new events can change its row
(`_Calc.plan`), with one shared "first `from` event ever" lookup per `from`
matcher for leads outside a cohort; each commitment builds its refresh statement
once, with bound parameters, and reruns it; cohort rows are plain tuples
(compact, and not scanned by the garbage collector); values come from running
aggregates updated row by row (`_State`), and an `open` result's lead list is
copied only when it changed.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, bindparam, func, select

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
    rows: dict[str, _Row] = field(default_factory=dict)
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

    def is_converted(self, r: _Row) -> bool:
        if r.to_at is None:
            return False
        within = self.spec.within
        return within is None or r.to_at <= r.first_at + dt.timedelta(hours=within)

    def forget(self, lead: str, row: _Row) -> None:
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

    def note(self, lead: str, row: _Row, at: dt.datetime) -> None:
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


_Delta = dict[tuple[str, str | None], dict[str, tuple[dt.datetime, dt.datetime]]]
"""Newly visible events: by (type, stage), each lead's earliest and latest time."""


def _key(match: m.EventMatch) -> tuple[str, str | None]:
    return (match.type, match.stage)


def _new(delta: _Delta, match: m.EventMatch) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """The newly visible events `match` matches: each lead's earliest and latest time."""
    out: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for (kind, stage), found in delta.items():
        if kind != match.type or (match.stage is not None and stage != match.stage):
            continue
        if not out:
            out = dict(found)
            continue
        for lead, (lo, hi) in found.items():
            span = out.get(lead)
            out[lead] = (lo, hi) if span is None else (min(span[0], lo), max(span[1], hi))
    return out


@dataclass
class _Plan:
    """The leads a refresh recomputes for one commitment."""

    start: dt.datetime | None
    """The period's start (None: `open`)."""
    sure: set[str] = field(default_factory=set)
    unknown: dict[str, dt.datetime] = field(default_factory=dict)
    """Leads outside the cohort with a new `from` event: its earliest new time."""

    def settle(self, first_ever: dict[str, dt.datetime]) -> set[str]:
        """`sure`, plus the `unknown` leads whose first `from` event ever is a new one
        (and, for a period, within it)."""
        out = set(self.sure)
        for lead, earliest in self.unknown.items():
            first = first_ever.get(lead)
            if first is not None and first < earliest:
                continue  # an earlier one was seen already: in or out as before
            if self.start is None or first is None or first >= self.start:
                out.add(lead)
        return out


class _Calc:
    """Per-evaluation helpers bound to a workspace and an instant."""

    def __init__(self, ws: Workspace, at: dt.datetime, names: dict[str, str] | None = None) -> None:
        self.ws = ws
        self.at = at
        self.names: dict[str, str] = {} if names is None else names
        """Lead ids by themselves: one string per lead across all cohorts."""

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
            st.rows = {}
            st.reset()
            names = self.names
            for row in conn.execute(full):
                lead = names.setdefault(row[0], row[0])
                st.rows[lead] = self._row(st, row[1], None if is_open else row[2])
            return
        stmt = st.stmts.get("cohort")
        if stmt is None:
            stmt = _sql.cohort(
                from_m,
                to_m,
                st.flt,
                None if is_open else _P_START,
                _P_AT,
                only=_sql.only_param(conn.dialect.name),
                open_only=is_open,
            )
            st.stmts["cohort"] = stmt
        found: dict[str, _Row] = {}
        for row in conn.execute(stmt, {"start": start, "at": at, "only": list(only)}):
            found[row[0]] = self._row(st, row[1], None if is_open else row[2])
        for lead in only:
            old, new = st.rows.get(lead), found.get(lead)
            if old == new:
                continue  # most touched leads: nothing changed for this commitment
            if old is not None:
                st.forget(lead, old)
                del st.rows[lead]
            if new is not None:
                st.rows[lead] = new
                st.note(lead, new, at)

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
                only_p = _sql.only_param(conn.dialect.name)
                stmt = build(match, st.flt, _P_START, _P_AT, only=only_p, seen=_P_SEEN)
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
            # A deadline already passed is not kept: the lead waits from now on (most
            # of an all-time list; saves a datetime per lead).
            deadline = self.deadline(first_at, spec.older_than, spec.clock)
            return _Row(first_at, to_at, None if self.at > deadline else deadline)
        if st.kind == "duration" and to_at is not None:
            return _Row(first_at, to_at, None, self.hours(first_at, to_at, spec.clock))
        return _Row(first_at, to_at)

    def plan(self, conn: Connection, st: _State, delta: _Delta) -> _Plan | None:
        """Which leads of `st` the newly visible events may change (None: none, or `st`
        was recomputed in full because its period changed).

        A cohort row depends on the lead's first `from` event and its first `to` event
        at or after it. So a new `to` event matters only for a lead in the cohort, at or
        after its `from` and not after its current `to`; a new `from` event only when it
        is not later than the lead's current `from`, or, for a lead not in the cohort,
        when it is the lead's first `from` event ever (`_Plan.unknown`, looked up once
        for all commitments sharing the `from`): had the lead an earlier one, it is kept
        out of a period's cohort (or already was in or out of an `open` list) as before.
        """
        if st.kind != "open":
            window = window_of(self.ws, st.ref, self.at)
            if window != st.window:
                self.load(conn, st)
                return None
        assert st.kind == "open" or st.window is not None
        start = st.window[0] if st.window is not None else None
        plan = _Plan(start)
        if st.kind in ("count", "sum"):
            for lead, (_, latest) in _new(delta, st.matchers[0]).items():
                if start is None or latest >= start:
                    plan.sure.add(lead)
            return plan
        rows = st.rows
        for lead, (earliest, latest) in _new(delta, st.matchers[1]).items():
            r = rows.get(lead)
            if r is not None and latest >= r.first_at and (r.to_at is None or earliest <= r.to_at):
                plan.sure.add(lead)
        for lead, (earliest, _) in _new(delta, st.matchers[0]).items():
            r = rows.get(lead)
            if r is None:
                plan.unknown[lead] = earliest
            elif earliest <= r.first_at:
                plan.sure.add(lead)
        if len(plan.sure) + len(plan.unknown) > _MAX_IN:
            self.load(conn, st)  # a bulk import: one full query beats many lookups
            return None
        return plan

    def update(self, conn: Connection, st: _State, touched: set[str], seen: _sql.Seen) -> None:
        """Bring `st` from the evaluation that saw `seen` to `self.at`, given the leads
        whose events (may) change it."""
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
        at = self.at
        if st.kind == "count":
            return int(st.amount), int(st.amount), None
        if st.kind == "sum":
            return float(st.amount), None, None
        if not st.ready:
            st.build(at)
        if st.kind == "conversion":
            n = len(st.rows)
            return (st.converted / n if n else None), n, None
        if st.kind == "within":
            decided = st.met + bisect_left(st.sorted_, at)  # missed: deadline passed
            return (st.met / decided if decided else None), decided, None
        if st.kind == "duration":
            return nearest_rank(st.sorted_, st.spec.percentile, ordered=True), len(st.sorted_), None
        while st.pending and st.pending[0][0] < at:
            deadline, first_at, lead = heapq.heappop(st.pending)
            now = st.rows.get(lead)
            if now is None or now.first_at != first_at or now.deadline != deadline:
                continue  # stale: the lead's row changed since
            st.wait(first_at, lead)
        if st.shared is None:
            st.shared = st.ids.copy()
        return len(st.shared), len(st.shared), st.shared

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


def cost_rank(ref: CommitmentRef) -> int:
    """How expensive a commitment is to evaluate in full, roughly: 0 for a period-bound
    count or sum, 1 for a period-bound cohort (within, conversion, duration), 2 for
    `open` (all time) and rolling windows (``30d``, ``90d``)."""
    kind = ref.kpi.measure.kind
    if kind == "open" or ref.commitment.per in ("30d", "90d"):
        return 2
    return 0 if kind in ("count", "sum") else 1


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
        self._stmts: dict[tuple[str, str | None], Select[Any]] = {}

    def full(
        self,
        at: dt.datetime | None = None,
        *,
        on_result: Callable[[CommitmentResult], None] | None = None,
    ) -> Evaluation:
        """Evaluate every commitment from scratch as of `at` (default now).

        With `on_result`, each commitment's result is passed to it as soon as it is
        ready, cheap ones first (period-bound count and sum; then within, conversion
        and duration; then `open` and rolling windows), so a caller can show a first
        frame early. The returned `Evaluation` keeps the workspace's order.
        """
        when = resolve_at(self.ws, at)
        calc = _Calc(self.ws, when)
        results: list[CommitmentResult | None]
        with self.store.read() as conn:
            info = store_info(conn, self.store.url)
            states = [_state(self.ws, ref, conn.dialect.name) for ref in measured(self.ws, when)]
            results = [None] * len(states)
            for i in sorted(range(len(states)), key=lambda i: cost_rank(states[i].ref)):
                st = states[i]
                calc.load(conn, st)
                result = calc.result(st)
                results[i] = result
                if on_result is not None:
                    on_result(result)
        self._states, self._info, self.at = states, info, when
        self.last_event_id = info.last_event_id or 0
        return assemble(self.ws, when, info, [r for r in results if r is not None])

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
            # One pass over the delta shared by all commitments: for each (type, stage),
            # each lead's earliest and latest newly visible event.
            delta: _Delta = {}
            for stmt in _sql.visible_delta(self.last_event_id, self.at, when):
                for _, lead, kind, stage, moment in conn.execute(stmt).tuples():
                    group = delta.setdefault((kind, stage), {})
                    span = group.get(lead)
                    if span is None:
                        group[lead] = (moment, moment)
                    elif moment < span[0] or moment > span[1]:
                        group[lead] = (min(span[0], moment), max(span[1], moment))
            plans = [calc.plan(conn, st, delta) for st in self._states]
            asked: dict[tuple[str, str | None], set[str]] = {}
            for st, plan in zip(self._states, plans, strict=True):
                if plan is not None and plan.unknown:
                    asked.setdefault(_key(st.matchers[0]), set()).update(plan.unknown)
            first_ever = {
                key: self._first_ever(conn, key, leads, when) for key, leads in asked.items()
            }
            for st, plan in zip(self._states, plans, strict=True):
                if plan is not None:
                    calc.update(
                        conn, st, plan.settle(first_ever.get(_key(st.matchers[0]), {})), seen
                    )
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

    def _first_ever(
        self, conn: Connection, key: tuple[str, str | None], leads: set[str], at: dt.datetime
    ) -> dict[str, dt.datetime]:
        """Each lead's first event matching `key` as of `at` (one indexed query for all
        commitments with that `from`)."""
        stmt = self._stmts.get(key)
        if stmt is None:
            e = events.alias("e")
            stmt = (
                select(e.c.lead_id, func.min(e.c.at))
                .where(
                    _sql.matches(e, m.EventMatch(type=key[0], stage=key[1])),
                    _sql.lead_in(e.c.lead_id, _sql.only_param(conn.dialect.name)),
                    e.c.at <= _P_AT,
                )
                .group_by(e.c.lead_id)
            )
            self._stmts[key] = stmt
        out: dict[str, dt.datetime] = {}
        ordered = sorted(leads)
        for i in range(0, len(ordered), 1000):
            chunk = ordered[i : i + 1000]
            for lead, first in conn.execute(stmt, {"only": chunk, "at": at}).tuples():
                out[lead] = first
        return out

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
