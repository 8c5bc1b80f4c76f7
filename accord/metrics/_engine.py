"""Evaluating commitments: a full evaluation, and an incremental refresh from a cursor.

Each commitment keeps a small state between evaluations:

* `count` / `sum`: the number (or sum) so far in the period, aggregated in SQL;
* `conversion`, `within`, `duration`: the period's cohort, one row per lead
  (first `from` time, first `to` time after it, its deadline);
* `open`: the leads currently waiting (first `from` time, deadline).

`Evaluator.refresh` reads only the events the last evaluation did not see (new
``event_id``\\ s, and older events whose time ``at`` has now come), and recomputes
the state of just the leads those events touch. A commitment whose period has
changed (a new month) is recomputed in full; a rolling window (``30d``, ``90d``) of a
cohort kind slides instead (`State.slide`: the leads whose first `from` event fell
out of it leave), so a refresh with no new events costs a few small queries. Both paths
compute values with the same code from the same state, so a refresh gives what
a full evaluation would.

To keep a refresh cheap: the new events are read once (two small queries by
``event_id`` and ``at``) with their times and grouped by (type, stage) for all
commitments; a lead is recomputed only when its new events can change its row
(`Calc.plan`), with one shared "first `from` event ever" lookup per `from`
matcher for leads outside a cohort; each commitment builds its refresh statement
once, with bound parameters, and reruns it; cohort rows are plain tuples
(compact, and not scanned by the garbage collector); values come from running
aggregates updated row by row (`State`), and an `open` result's lead list is
copied only when it changed.

The parts: `_scope` (the instant, the agreements in force, a period), `_state` (a
commitment's rows and running aggregates), `_calc` (loading, planning and updating
a state, and its result), and here the `Evaluator` that runs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, func, select

from accord.domain import model as m
from accord.domain.clock import Clock, system_now
from accord.domain.measures import Row, kind_of
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import _sql
from accord.metrics._calc import P_AT, Calc, Delta, match_key
from accord.metrics._results import CommitmentResult, Evaluation, Status, worst
from accord.metrics._scope import in_force, measured, resolve_at
from accord.metrics._state import State, new_state
from accord.store import StoreInfo, events

if TYPE_CHECKING:
    from accord.store import Store

__all__ = [
    "Evaluator",
    "assemble",
    "cost_rank",
    "evaluate_one",
    "in_force",
    "measured",
    "open_state",
    "resolve_at",
]


def cost_rank(ref: CommitmentRef) -> int:
    """How expensive a commitment is to evaluate in full, roughly: 0 for a period-bound
    count or sum, 1 for a period-bound cohort (within, conversion, duration), 2 for
    `open` (all time) and rolling windows (``30d``, ``90d``)."""
    return 2 if ref.commitment.per in ("30d", "90d") else kind_of(ref.kpi.measure).cost


def assemble(
    ws: Workspace, at: dt.datetime, info: StoreInfo, results: Iterable[CommitmentResult]
) -> Evaluation:
    results = list(results)
    agreements: dict[str, Status] = {}
    for agreement in in_force(ws, at):
        agreements[agreement.id] = worst([r.status for r in results if r.agreement == agreement.id])
    return Evaluation(as_of=at, store=info, agreements=agreements, commitments=results)


def _store_info(conn: Connection, url: str) -> StoreInfo:
    """What `accord.store.store_info` says of the store, read with `_sql.store_summary`."""
    count, last_id, last_at = conn.execute(_sql.store_summary()).one()
    return StoreInfo(url=url, events=int(count or 0), last_event_at=last_at, last_event_id=last_id)


class Evaluator:
    """Evaluates a workspace's commitments, then keeps them up to date incrementally.

    `full(at)` computes everything; `refresh(at)` reads only the events added (or
    come due) since the last evaluation and gives the same result a `full(at)`
    would. Going back in time, or a first call, falls back to `full`. Changes to
    *lead* rows (a lead's `hot` or `value` edited after its events) are seen by
    `full` only: call it now and then (the dashboard does every minute).
    """

    def __init__(self, ws: Workspace, store: Store, *, now: Clock = system_now) -> None:
        self.ws = ws
        self.store = store
        self.now = now
        """The clock an evaluation without `at` is made at."""
        self.last_event_id: int = 0
        """The highest event_id seen by the last evaluation (the refresh cursor)."""
        self.at: dt.datetime | None = None
        """The instant of the last evaluation."""
        self._states: list[State] = []
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
        when = resolve_at(self.ws, at, self.now)
        calc = Calc(self.ws, when)
        results: list[CommitmentResult | None]
        with self.store.read() as conn:
            info = _store_info(conn, self.store.url)
            states = [new_state(self.ws, ref, conn.dialect.name) for ref in measured(self.ws, when)]
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
        when = resolve_at(self.ws, at, self.now)
        if self.at is None or self._info is None or when < self.at:
            return self.full(when)
        if [s.ref.key for s in self._states] != [r.key for r in measured(self.ws, when)]:
            return self.full(when)  # an agreement came into force in between
        calc = Calc(self.ws, when)
        seen: _sql.Seen = (self.at, self.last_event_id)
        with self.store.read() as conn:
            new_count, new_last, new_at = conn.execute(
                select(func.count(), func.max(events.c.event_id), func.max(events.c.at)).where(
                    events.c.event_id > self.last_event_id
                )
            ).one()
            # One pass over the delta shared by all commitments: for each (type, stage),
            # each lead's earliest and latest newly visible event.
            delta: Delta = {}
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
                    asked.setdefault(match_key(st.matchers[0]), set()).update(plan.unknown)
            first_ever = {
                key: self._first_ever(conn, key, leads, when) for key, leads in asked.items()
            }
            for st, plan in zip(self._states, plans, strict=True):
                if plan is not None:
                    calc.update(
                        conn, st, plan.settle(first_ever.get(match_key(st.matchers[0]), {})), seen
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
                    e.c.at <= P_AT,
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

    def open_rows(self) -> list[tuple[State, dict[str, Row]]]:
        """The waiting leads of each `open` commitment, as of the last evaluation."""
        return [(st, st.rows) for st in self._states if not st.measure.period_bound]


def evaluate_one(
    conn: Connection, ws: Workspace, ref: CommitmentRef, at: dt.datetime
) -> CommitmentResult:
    """One commitment evaluated from scratch as of `at` (for trends)."""
    calc = Calc(ws, at)
    st = new_state(ws, ref, conn.dialect.name)
    calc.load(conn, st)
    return calc.result(st)


def open_state(
    conn: Connection, ws: Workspace, ref: CommitmentRef, at: dt.datetime
) -> tuple[State, Calc]:
    """The loaded state of an `open` commitment as of `at`."""
    calc = Calc(ws, at)
    st = new_state(ws, ref, conn.dialect.name)
    calc.load(conn, st)
    return st, calc
