"""Loading and refreshing a commitment's state, and computing its result as of an
instant (see `accord.metrics._engine`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, bindparam

from accord.domain import model as m
from accord.domain.calendar import elapsed_fraction
from accord.domain.measures import Row, Value
from accord.domain.workspace import Workspace
from accord.metrics import _sql
from accord.metrics._fetch import fetch_all, utc_times
from accord.metrics._results import CommitmentResult, Period
from accord.metrics._scope import window_of
from accord.metrics._state import State
from accord.metrics._status import decide, has_pace, project
from accord.store import collector_paused, events

_T = TypeVar("_T")

_MAX_IN = 5000
"""More touched leads than this and a commitment is recomputed in full."""

# Bound parameters of the refresh statements, built once per commitment and run
# with new values on every refresh (building SQLAlchemy constructs is the slow part).
_P_START = bindparam("start", type_=events.c.at.type)
P_AT = bindparam("at", type_=events.c.at.type)
_P_SEEN: _sql.Seen = (
    bindparam("seen_at", type_=events.c.at.type),
    bindparam("seen_id", type_=events.c.event_id.type),
)


_ROLLING = ("30d", "90d")

Delta = dict[tuple[str, str | None], dict[str, tuple[dt.datetime, dt.datetime]]]
"""Newly visible events: by (type, stage), each lead's earliest and latest time."""


def match_key(match: m.EventMatch) -> tuple[str, str | None]:
    return (match.type, match.stage)


def _new(delta: Delta, match: m.EventMatch) -> dict[str, tuple[dt.datetime, dt.datetime]]:
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


def _slides(st: State, window: tuple[dt.datetime, dt.datetime]) -> bool:
    """Whether `st` reaches `window` by sliding its rolling window forward (`State.slide`)
    rather than by a full reload: a cohort kind only (a count or sum is one SQL
    aggregate, with no rows to drop)."""
    return (
        st.measure.amount is None
        and st.ref.commitment.per in _ROLLING
        and st.window is not None
        and window[0] >= st.window[0]
    )


def _query_key(st: State, start: dt.datetime | None, at: dt.datetime) -> Hashable:
    """What a full query of `st` depends on: its SQL family, events, lead filter and
    period (the measure's other settings are applied to its rows in Python)."""
    kind = st.measure
    # repr: `hot: true` and `hot: 1` are equal in Python but filter differently
    where = repr(sorted(st.ref.kpi.where.items()))
    matchers = tuple(match_key(match) for match in st.matchers)
    return (kind.amount, kind.period_bound, matchers, where, start, at)


class Calc:
    """Per-evaluation helpers bound to a workspace and an instant."""

    def __init__(self, ws: Workspace, at: dt.datetime, names: dict[str, str] | None = None) -> None:
        self.ws = ws
        self.at = at
        self.names: dict[str, str] = {} if names is None else names
        """Lead ids by themselves: one string per lead across all cohorts."""
        self._last: tuple[Hashable, Any] | None = None
        """The last full query's key (`_query_key`) and what it returned."""

    def deadline(self, start: dt.datetime, hours: float, clock: str) -> dt.datetime:
        if clock == "business":
            return self.ws.calendar.add(start, hours)
        return start + dt.timedelta(hours=hours)

    def hours(self, start: dt.datetime, end: dt.datetime, clock: str) -> float:
        if clock == "business":
            return self.ws.calendar.hours_between(start, end)
        return (end - start) / dt.timedelta(hours=1)

    # --- loading state --------------------------------------------------------------

    def load(self, conn: Connection, st: State, only: Sequence[str] | None = None) -> None:
        """Compute `st` in full, or (with `only`) recompute those leads' part of it."""
        at = self.at
        kind = st.measure
        if not kind.period_bound:
            st.window = None
        elif only is None:
            st.window = window_of(self.ws, st.ref, at)
        assert not kind.period_bound or st.window is not None
        start = st.window[0] if st.window else None
        if kind.amount is not None:
            assert start is not None
            st.amount = self._shared(st, start, lambda: self._amount(conn, st, start, None, None))
            return
        from_m, to_m = st.matchers
        is_open = not kind.period_bound
        if only is None:
            full = _sql.cohort(from_m, to_m, st.flt, start, at, open_only=is_open)
            raw = self._shared(st, start, lambda: fetch_all(conn, full))
            with collector_paused():
                st.rows = self._cohort_rows(st, raw, is_open)
            st.reset()
            return
        stmt = st.stmts.get("cohort")
        if stmt is None:
            stmt = _sql.cohort(
                from_m,
                to_m,
                st.flt,
                None if is_open else _P_START,
                P_AT,
                only=_sql.only_param(conn.dialect.name),
                open_only=is_open,
            )
            st.stmts["cohort"] = stmt
        found: dict[str, Row] = {}
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

    def _shared(self, st: State, start: dt.datetime | None, run: Callable[[], _T]) -> _T:
        """What `run` (the full query of `st`) returns; run once for consecutive
        commitments that ask the same (`_query_key`): the same KPI twice, or two measures
        of one cohort, such as the share accepted within 8 working hours and the share
        accepted within 7 days."""
        key = _query_key(st, start, self.at)
        if self._last is not None and self._last[0] == key:
            found: _T = self._last[1]
            return found
        value = run()
        self._last = (key, value)
        return value

    def _amount(
        self,
        conn: Connection,
        st: State,
        start: dt.datetime,
        only: Sequence[str] | None,
        seen: _sql.Seen | None,
    ) -> Decimal:
        (match,) = st.matchers
        build = _sql.count_leads if st.measure.amount == "count" else _sql.sum_value
        if only is None or seen is None:
            value = conn.execute(
                build(match, st.flt, start, self.at, only=only, seen=seen)
            ).scalar()
        else:
            stmt = st.stmts.get("amount")
            if stmt is None:
                only_p = _sql.only_param(conn.dialect.name)
                stmt = build(match, st.flt, _P_START, P_AT, only=only_p, seen=_P_SEEN)
                st.stmts["amount"] = stmt
            seen_at, seen_id = seen
            params = {"start": start, "at": self.at, "only": list(only)}
            params |= {"seen_at": seen_at, "seen_id": seen_id}
            value = conn.execute(stmt, params).scalar()
        return Decimal(0) if value is None else Decimal(str(value))

    def _row(self, st: State, first_at: dt.datetime, to_at: dt.datetime | None) -> Row:
        return st.measure.row(st.spec, first_at, to_at, self)

    def _cohort_rows(
        self, st: State, raw: Sequence[Sequence[Any]], is_open: bool
    ) -> dict[str, Row]:
        """A cohort's rows by lead from a full query's rows as the driver returned them
        (``(lead_id, first_at, to_at)``, or ``(lead_id, first_at)`` when `is_open`)."""
        names = self.names
        leads = [names.setdefault(r[0], r[0]) for r in raw]
        # MIN(at) of a lead's `from` events: never NULL.
        firsts = cast(list[dt.datetime], utc_times([r[1] for r in raw]))
        tos: Iterable[dt.datetime | None] = (
            repeat(None) if is_open else utc_times([r[2] for r in raw])
        )
        make, spec = st.measure.row, st.spec
        return {
            lead: make(spec, first, to, self)
            for lead, first, to in zip(leads, firsts, tos, strict=False)
        }

    def plan(self, conn: Connection, st: State, delta: Delta) -> _Plan | None:
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
        kind = st.measure
        if kind.period_bound:
            window = window_of(self.ws, st.ref, self.at)
            if window != st.window:
                if not _slides(st, window):
                    self.load(conn, st)
                    return None
                st.slide(window)
        assert not kind.period_bound or st.window is not None
        start = st.window[0] if st.window is not None else None
        plan = _Plan(start)
        if kind.amount is not None:
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

    def update(self, conn: Connection, st: State, touched: set[str], seen: _sql.Seen) -> None:
        """Bring `st` from the evaluation that saw `seen` to `self.at`, given the leads
        whose events (may) change it."""
        leads = sorted(touched)
        if not leads:
            return
        if len(leads) > _MAX_IN:
            self.load(conn, st)
            return
        if st.measure.amount is not None:
            assert st.window is not None
            st.amount += self._amount(conn, st, st.window[0], leads, seen)
        else:
            self.load(conn, st, only=leads)

    # --- values ---------------------------------------------------------------------

    def value(self, st: State) -> Value:
        """(value, cohort size, lead ids) of a state as of `self.at`."""
        return st.value(self.at)

    def result(self, st: State) -> CommitmentResult:
        ref = st.ref
        value, cohort, ids = self.value(st)
        per = ref.commitment.per
        paced = has_pace(st.measure, per)
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
            ref=ref,
        )
