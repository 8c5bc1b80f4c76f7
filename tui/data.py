"""The dashboard's one seam to the data: `Snapshot` and the sources that make it.

Widgets render a `Snapshot` and nothing else. A `Source` makes snapshots; the
real one, `StoreSource`, asks the metric engine (`accord.metrics`) over an
event store (`accord.store`) and keeps an incremental `Evaluator` between
refreshes. Tests hand the app a `Source` that returns hand-built snapshots.

`StoreSource.fetch` runs in a worker thread. It raises on any failure (the
caller shows STALE) and drops its connection so the next call reconnects.
`fetch` is the fast path (the incremental evaluation only, so the first frame
with data costs no more than the engine's evaluation) and never waits for the
other parts: the funnel comes from `fetch_funnel` when `funnel_due` says so (new
events, another period), trends and the attention list from `fetch_slow` when
`slow_due` says so (new events, new inputs, or `SLOW_EVERY` seconds); each runs
in its own worker and is merged into later snapshots. The periodic work is
spaced by its own measured cost (`IDLE_SHARE`, `BUSY_SHARE`), so a large store
does not keep a core busy while nothing happens.

With `on_partial`, a fetch that evaluates from scratch (`Evaluator.full`) hands
over a partial snapshot as each commitment's result arrives (`progress`; the others
are `Snapshot.pending`), so the first frame paints before the whole evaluation.

A SQLite store whose file disappears while the dashboard runs is reported as
missing (an open connection would otherwise go on reading the deleted file).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from accord.metrics import CommitmentResult, Evaluation, Period
from accord.store import StoreInfo
from tui.logic import open_clock

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace

SLOW_EVERY = 30.0
"""Seconds after which trends and attention are recomputed even without new events."""
SLOW_MIN = 10.0
"""New events recompute trends and attention at most this often."""
TRENDS_EVERY = 600.0
"""Seconds the past periods of the trends are kept (the current one is always fresh)."""
FULL_EVERY = 60.0
"""Seconds between full evaluations (edits to lead rows are seen only by a full one)."""
IDLE_SHARE = 0.005
"""Without new events, periodic recomputation (full evaluation; trends and attention) uses
at most this share of a core: on a large store a 4 s full evaluation runs every 800 s."""
BUSY_SHARE = 0.05
"""With new events, trends and attention are recomputed using at most this share of a core."""
TREND_PERIODS = 6
ATTENTION_LIMIT = 5000
"""Waiting leads fetched at most (the list pages them; the count says if there are more)."""


@dataclass(frozen=True)
class StageRow:
    """One funnel stage this period."""

    stage: str
    name: str
    count: int
    conversion: float | None
    """Share of the previous stage's count (None for the first or an empty previous)."""


@dataclass(frozen=True)
class WaitingLead:
    """A lead from an `open` measure: waiting, and breaking an agreement."""

    lead_id: str
    agreement: str
    commitment: str
    kpi: str
    since: dt.datetime
    owner: str | None
    hot: bool | None
    stage: str | None
    clock: str = "calendar"
    """The clock its age counts on (the KPI's): business or calendar."""


@dataclass(frozen=True)
class Snapshot:
    """Everything the dashboard shows, as of one instant."""

    as_of: dt.datetime
    live: bool
    """True when `as_of` is "now" (ages tick); False when time travelling."""
    per: str
    """The funnel's period (day, week, month, quarter)."""
    store: StoreInfo
    evaluation: Evaluation
    funnel: tuple[StageRow, ...] = ()
    trends: dict[tuple[str, str], tuple[tuple[Period, float | None], ...]] = field(
        default_factory=dict
    )
    attention: tuple[WaitingLead, ...] = ()
    attention_total: int = 0
    """Waiting leads in all (may exceed `len(attention)`)."""
    attention_known: bool = True
    """False until the attention list has been computed for this view: the panel then
    says it is loading, never "nobody waiting"."""
    pending: frozenset[tuple[str, str]] = frozenset()
    """Commitments still being evaluated (a progressive first frame: `StoreSource.fetch`
    with `on_partial`); their values are not known yet, and `store` is a placeholder."""

    def result(self, key: tuple[str, str]) -> CommitmentResult | None:
        """The evaluated commitment (agreement id, commitment id), if any."""
        for c in self.evaluation.commitments:
            if (c.agreement, c.id) == key:
                return c
        return None


Partial = Callable[[Snapshot], None]
"""Called (in the worker thread) with a partial snapshot as each commitment is evaluated."""


class Source(Protocol):
    """Makes snapshots; `fetch` is called from a worker thread and may raise.

    When `fetch` evaluates everything from scratch and `on_partial` is given, it may
    call `on_partial` with partial snapshots (`Snapshot.pending`) before returning.
    """

    def fetch(
        self,
        ws: Workspace,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        per: str,
        on_partial: Partial | None = None,
    ) -> Snapshot: ...

    def reset(self) -> None:
        """Forget cached state (the workspace changed); the next fetch starts afresh."""

    def close(self) -> None: ...


class StoreSource:
    """Snapshots from an event store through the metric engine (`accord.metrics`)."""

    busy_timeout = 2.0
    """Seconds a read waits for a lock held by another process before it fails (STALE)."""

    def __init__(self, store_url: str) -> None:
        self.store_url = store_url
        self._file = sqlite_file(store_url)
        self._lock = threading.Lock()
        self._store: Any = None
        self._evaluator: Any = None
        self._ws: Workspace | None = None
        self._full_at: dt.datetime | None = None
        self._funnel: tuple[StageRow, ...] = ()
        self._funnel_key: tuple[Any, ...] | None = None
        self._funnel_for: tuple[Any, ...] | None = None
        self._slow_lock = threading.Lock()
        self._slow_key: tuple[Any, ...] | None = None
        self._slow_for: tuple[Any, ...] | None = None
        self._slow: tuple[Any, ...] = ({}, (), 0)
        self._slow_at: dt.datetime | None = None
        self._trends: dict[tuple[str, str], tuple[tuple[Period, float | None], ...]] = {}
        self._trends_for: tuple[Any, ...] | None = None
        self._trends_at: dt.datetime | None = None
        self._full_cost = 0.0
        self._slow_cost = 0.0
        """Wall seconds the last full evaluation / trends-and-attention run took."""
        self.slow_due = False
        """Set by `fetch` when trends and the attention list should be recomputed."""
        self.funnel_due = False
        """Set by `fetch` when the funnel should be recomputed (`fetch_funnel`)."""

    def reset(self) -> None:
        with self._lock:
            self._evaluator = None
            self._funnel_key = None
        with self._slow_lock:
            self._slow_for = self._trends_for = None

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        store, self._store, self._evaluator = self._store, None, None
        self._funnel_key = None
        if store is not None:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - closing a broken store must not hide the cause
                pass

    def fetch(
        self,
        ws: Workspace,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        per: str,
        on_partial: Partial | None = None,
    ) -> Snapshot:
        with self._lock:
            try:
                return self._fetch(ws, at=at, now=now, per=per, on_partial=on_partial)
            except BaseException:
                self._drop()
                raise

    def _fetch(
        self,
        ws: Workspace,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        per: str,
        on_partial: Partial | None,
    ) -> Snapshot:
        from accord import metrics

        if self._file is not None and not self._file.exists():
            from accord.domain.errors import StoreError

            raise StoreError(f"no event store at {self._file} (the file is gone)")
        if self._store is None:
            self._store = self._open()
        if self._evaluator is None or self._ws is not ws:
            self._evaluator = metrics.Evaluator(ws, self._store)
            self._ws = ws
            self._slow_key = None
            self._full_at = None
        when = now if at is None else at
        every = spacing(self._full_cost, FULL_EVERY, IDLE_SHARE)
        due = self._full_at is None or (now - self._full_at).total_seconds() >= every
        last = self._evaluator.at
        if not due and last is not None and when >= last:
            evaluation = self._evaluator.refresh(when)
        else:
            started = time.perf_counter()
            arrived = None if on_partial is None else progress(ws, at, when, per, on_partial)
            evaluation = self._evaluator.full(when, on_result=arrived)
            self._full_cost = time.perf_counter() - started
            self._full_at = now
        info = evaluation.store
        key = (id(ws), at, per, info.last_event_id, info.events)
        self.funnel_due = key != self._funnel_key
        slow_key = (id(ws), at, per)
        with self._slow_lock:
            since = None if self._slow_at is None else (now - self._slow_at).total_seconds()
            idle_every = spacing(self._slow_cost, SLOW_EVERY, IDLE_SHARE)
            busy_every = spacing(self._slow_cost, SLOW_MIN, BUSY_SHARE)
            aged = since is None or since >= idle_every
            changed = key != self._slow_key and (since is None or since >= busy_every)
            self.slow_due = self._slow_for != slow_key or aged or changed
            trends, attention, total = self._slow if self._slow_for == slow_key else ({}, (), 0)
        return Snapshot(
            as_of=evaluation.as_of,
            live=at is None,
            per=per,
            store=info,
            evaluation=evaluation,
            funnel=self._funnel if self._funnel_for == (id(ws), at, per) else (),
            trends=with_current(trends, evaluation),
            attention=attention,
            attention_total=total,
            attention_known=self._slow_for == slow_key,
        )

    def _open(self) -> Any:
        from accord import store

        return store.Store.open(self.store_url, readonly=True, busy_timeout=self.busy_timeout)

    def fetch_funnel(
        self, ws: Workspace, base: Snapshot, *, at: dt.datetime | None, now: dt.datetime
    ) -> Snapshot:
        """`base` with the funnel of its period (run it in its own worker)."""
        from accord import metrics

        when = now if at is None else at
        own = self._open()
        try:
            rows = tuple(
                StageRow(s.stage, s.name, int(s.count), s.conversion_from_previous)
                for s in metrics.funnel(ws, own, base.per, at=when)
            )
        finally:
            own.close()
        with self._lock:
            self._funnel = rows
            self._funnel_for = (id(ws), at, base.per)
            self._funnel_key = (
                id(ws), at, base.per, base.store.last_event_id, base.store.events
            )  # fmt: skip
            self.funnel_due = False
        return replace(base, funnel=rows)

    def fetch_slow(
        self, ws: Workspace, base: Snapshot, *, at: dt.datetime | None, now: dt.datetime
    ) -> Snapshot:
        """`base` completed with trends and the attention list (slow: run it in its own worker).

        Uses its own connections, so fast refreshes go on meanwhile. Past periods of the
        trends are kept for `TRENDS_EVERY` seconds; the current period comes from `base`.
        """
        from accord import metrics

        started = time.perf_counter()
        own = self._open()
        try:
            when = now if at is None else at
            with self._slow_lock:
                cached = self._trends if self._trends_for == (id(ws), at) else None
                fresh = self._trends_at is not None and (
                    (now - self._trends_at).total_seconds() < TRENDS_EVERY
                )
            if cached is None or not fresh:
                cached = {
                    ref.key: tuple(metrics.trend(ws, own, ref, periods=TREND_PERIODS, at=when))
                    for ref in ws.commitments()
                }
            items = metrics.attention(ws, own, at=when, limit=None)
        finally:
            own.close()
        waiting = tuple(
            WaitingLead(
                lead_id=i.lead_id,
                agreement=i.agreement,
                commitment=i.commitment,
                kpi=i.kpi,
                since=i.since,
                owner=i.owner,
                hot=i.hot,
                stage=i.stage,
                clock=open_clock(ws.kpis[i.kpi]) if i.kpi in ws.kpis else "calendar",
            )
            for i in items[:ATTENTION_LIMIT]
        )
        with self._slow_lock:
            if self._trends_for != (id(ws), at) or not fresh:
                self._trends, self._trends_for, self._trends_at = cached, (id(ws), at), now
            self._slow = (cached, waiting, len(items))
            self._slow_for = (id(ws), at, base.per)
            self._slow_key = (id(ws), at, base.per, base.store.last_event_id, base.store.events)
            self._slow_at = now
            self._slow_cost = time.perf_counter() - started
            self.slow_due = False
        return replace(
            base,
            trends=with_current(cached, base.evaluation),
            attention=waiting,
            attention_total=len(items),
            attention_known=True,
        )


def progress(
    ws: Workspace, at: dt.datetime | None, when: dt.datetime, per: str, on_partial: Partial
) -> Callable[[CommitmentResult], None]:
    """An `Evaluator.full` ``on_result`` callback that hands `on_partial` a snapshot of
    the results so far (every commitment of `ws` not yet evaluated is `pending`)."""
    keys = frozenset(ref.key for ref in ws.commitments())
    done: list[CommitmentResult] = []
    info = StoreInfo(url="", events=0, last_event_at=None)

    def arrived(result: CommitmentResult) -> None:
        done.append(result)
        evaluation = Evaluation(as_of=when, store=info, agreements={}, commitments=list(done))
        on_partial(
            Snapshot(
                as_of=when,
                live=at is None,
                per=per,
                store=info,
                evaluation=evaluation,
                pending=keys - {(c.agreement, c.id) for c in done},
                attention_known=False,
            )
        )

    return arrived


def spacing(cost: float, floor: float, share: float) -> float:
    """Seconds between runs of a periodic job taking `cost` seconds, so that it uses at
    most `share` of a core, and never less than `floor`."""
    return max(floor, cost / share) if share > 0 else floor


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store URL (None for other stores or an unparsable URL)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database)


def with_current(
    trends: dict[tuple[str, str], tuple[tuple[Period, float | None], ...]],
    evaluation: Evaluation,
) -> dict[tuple[str, str], tuple[tuple[Period, float | None], ...]]:
    """Trends whose current period carries the value just evaluated."""
    out = dict(trends)
    for result in evaluation.commitments:
        points = out.get((result.agreement, result.id))
        if points and result.period is not None and points[-1][0] == result.period:
            out[(result.agreement, result.id)] = (*points[:-1], (result.period, result.value))
    return out
