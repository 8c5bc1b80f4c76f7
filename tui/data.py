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
events, another period), the attention list and then the trends from
`fetch_slow` when `slow_due` says so (new events, new inputs, or `SLOW_EVERY`
seconds); each runs in its own worker and is merged into later snapshots. The
periodic work is spaced by its own measured cost (`IDLE_SHARE`, `BUSY_SHARE`),
so a large store does not keep a core busy while nothing happens.

Every part says whether it is known for the snapshot's question
(`Snapshot.funnel_known`, `trends_known`, `attention_known`), so a panel says it
is loading (or, with the previous question's values, updating) instead of
showing an empty list as if nothing were there.

What is computed is kept by what it depends on in the agreements
(`tui.model_keys`): after an agreements reload only the commitments that changed are
evaluated from scratch (`tui.evaluation`), and their trends computed; the attention
list and the funnel are re-used when their inputs are unchanged.

With `on_partial`, a fetch that evaluates from scratch (`Evaluator.full`: all of it,
or a reload's changed commitments) hands over a partial snapshot as each result
arrives (`progress`; the others are `Snapshot.pending`), so the first frame paints
before the whole evaluation, and the partial snapshots carry the parts already known.

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
from tui.evaluation import Evaluations
from tui.leads import events_around, lead_names
from tui.logic import open_clock
from tui.model_keys import ModelKeys, model_keys
from tui.trends import TREND_PERIODS, TRENDS_EVERY, TrendCache, trend_order, trend_points

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace

__all__ = ["TREND_PERIODS", "TRENDS_EVERY"]  # (re-exported: they used to live here)

SLOW_EVERY = 30.0
"""Seconds after which the attention list is recomputed even without new events."""
SLOW_MIN = 10.0
"""New events recompute the attention list at most this often."""
FULL_EVERY = 60.0
"""Seconds between full evaluations (edits to lead rows are seen only by a full one)."""
IDLE_SHARE = 0.005
"""Without new events, periodic recomputation (full evaluation; trends; attention) uses
at most this share of a core: on a large store a 4 s full evaluation runs every 800 s."""
BUSY_SHARE = 0.05
"""With new events, the attention list is recomputed using at most this share of a core."""
REFRESH_SHARE = 0.25
"""The live refresh uses at most this share of a core: when one incremental evaluation
costs more than a quarter of the refresh interval (the engine re-reads rolling windows in
full), refreshes are spaced out, so the first fill and the other work keep a core."""
ATTENTION_LIMIT = 5000
"""Waiting leads fetched at most (the list pages them; the count says if there are more)."""
PART_EVERY = 0.25
"""Seconds between the partial results `fetch_slow` hands over (trends as they come)."""


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
    name: str | None = None
    """The company or lead name from the lead's attributes (`lead_names`), if any."""


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
    says it is loading (or shows the previous view's list as updating), never "nobody
    waiting"."""
    funnel_known: bool = True
    """False until the funnel has been computed for this view (`funnel` is then empty, or
    the previous view's rows, shown as updating)."""
    trends_known: bool = True
    """False until every commitment's trend is computed for this view: a commitment
    without one in `trends` is still loading (not "no trend")."""
    newest_event: dt.datetime | None = None
    """The newest event at or before `as_of` (None: `store.last_event_at` is that one,
    or there is none)."""
    later_events: int = 0
    """Events stamped after `as_of`: in live mode stamped in the future (a clock or import
    error), which count for nothing; they are flagged, never shown as the newest."""
    later_first: dt.datetime | None = None
    """The earliest of those."""
    pending: frozenset[tuple[str, str]] = frozenset()
    """Commitments still being evaluated (a progressive first frame: `StoreSource.fetch`
    with `on_partial`; an agreements reload); their values are not known yet (a result
    in `evaluation` is the previous one, shown as updating), and with
    `evaluation.commitments` incomplete, `store` may be a placeholder."""

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

    When `fetch` evaluates from scratch (everything, or a reload's changed commitments)
    and `on_partial` is given, it may call `on_partial` with partial snapshots
    (`Snapshot.pending`) before returning.
    A source may also offer the slower parts, each run in its own worker when its flag
    says so: ``fetch_funnel(ws, base, at=, now=)`` (``funnel_due``) and
    ``fetch_slow(ws, base, at=, now=, on_part=, cancelled=)`` (``slow_due``), both
    returning `base` completed; `StoreSource` does.
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
        """The workspace was reloaded (a source keyed by the model may keep what is
        unchanged)."""

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
        self._evaluations: Evaluations | None = None
        self._keys_lock = threading.Lock()
        self._keys_for: Workspace | None = None
        self._keys: ModelKeys | None = None
        self._full_at: dt.datetime | None = None
        self._full_for: dt.datetime | None = None
        """The as-of of the last full evaluation (None: live)."""
        self._full_cost = 0.0
        """Wall seconds the last full evaluation took."""
        self._funnel_lock = threading.Lock()
        self._funnel: tuple[StageRow, ...] = ()
        self._funnel_for: tuple[Any, ...] | None = None
        """(funnel key, at, per) of `_funnel`."""
        self._funnel_seen: int | None = None
        """The last event id the funnel was computed after."""
        self._slow_lock = threading.Lock()
        self._attention: tuple[tuple[WaitingLead, ...], int] = ((), 0)
        self._attention_for: tuple[Any, ...] | None = None
        """(attention key, at) of `_attention`."""
        self._attention_seen: tuple[Any, ...] | None = None
        """(last event id, events) of the store it was computed from."""
        self._attention_at: dt.datetime | None = None
        self._attention_cost = 0.0
        self._trends = TrendCache()
        self.refresh_cost = 0.0
        """Wall seconds the last incremental refresh took (the screen spaces refreshes by
        it, `REFRESH_SHARE`)."""
        self.slow_due = False
        """Set by `fetch` when the attention list or trends should be (re)computed."""
        self.funnel_due = False
        """Set by `fetch` when the funnel should be recomputed (`fetch_funnel`)."""

    def reset(self) -> None:
        """Nothing to forget: what a reload changes is found by its keys (`tui.model_keys`)."""

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        store, self._store, self._evaluations = self._store, None, None
        with self._funnel_lock:
            self._funnel_seen = None
        if store is not None:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - closing a broken store must not hide the cause
                pass

    def keys(self, ws: Workspace) -> ModelKeys:
        """The keys of `ws` (made once per loaded workspace)."""
        with self._keys_lock:
            if self._keys_for is not ws or self._keys is None:
                self._keys, self._keys_for = model_keys(ws), ws
            return self._keys

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
        if self._file is not None and not self._file.exists():
            from accord.domain.errors import StoreError

            raise StoreError(f"no event store at {self._file} (the file is gone)")
        if self._store is None:
            self._store = self._open()
            self._evaluations = Evaluations(self._store)
            self._full_at = None
        assert self._evaluations is not None
        keys = self.keys(ws)
        funnel_for = (keys.funnel, at, per)
        with self._funnel_lock:
            if self._funnel_for != funnel_for:
                self.funnel_due = True  # it may start beside the evaluation (one query)
        when = now if at is None else at
        every = spacing(self._full_cost, FULL_EVERY, IDLE_SHARE)
        due = (
            self._full_at is None
            or (now - self._full_at).total_seconds() >= every
            or at != self._full_for  # another as-of: from scratch (not over all between)
        )
        arrived = None
        if on_partial is not None:
            arrived = progress(ws, at, when, per, on_partial, self._known(keys, at, per))
        started = time.perf_counter()
        evaluation = None if due else self._evaluations.refresh(ws, keys, when, arrived)
        if evaluation is not None:
            if not self._evaluations.evaluated:  # (a reload's changed commitments: not one)
                self.refresh_cost = time.perf_counter() - started
        else:
            evaluation = self._evaluations.full(ws, keys, when, arrived)
            self._full_cost = time.perf_counter() - started
            self._full_at, self._full_for = now, at
        info = evaluation.store
        with self._funnel_lock:
            known_funnel = self._funnel_for == funnel_for
            self.funnel_due = not known_funnel or self._funnel_seen != (info.last_event_id or 0)
        with self._slow_lock:
            self.slow_due = self._attention_due(keys, at, now, info) or bool(
                self._trends.missing(keys.commitments, at, now, IDLE_SHARE)
            )
        base = Snapshot(
            as_of=evaluation.as_of, live=at is None, per=per, store=info, evaluation=evaluation
        )
        if info.last_event_at is not None and info.last_event_at > evaluation.as_of:
            newest, later, first = events_around(self._store, evaluation.as_of)
            base = replace(base, newest_event=newest, later_events=later, later_first=first)
        return self._complete(keys, base, at)

    def _open(self) -> Any:
        from accord import store

        return store.Store.open(self.store_url, readonly=True, busy_timeout=self.busy_timeout)

    def _attention_due(
        self, keys: ModelKeys, at: dt.datetime | None, now: dt.datetime, info: StoreInfo
    ) -> bool:
        """Whether to compute the attention list (call with `_slow_lock` held): not known
        for this question; new events (at most every `SLOW_MIN` s, `BUSY_SHARE`); or
        aged (`SLOW_EVERY` s, `IDLE_SHARE`)."""
        if self._attention_for != (keys.attention, at) or self._attention_at is None:
            return True
        since = (now - self._attention_at).total_seconds()
        if since >= spacing(self._attention_cost, SLOW_EVERY, IDLE_SHARE):
            return True
        changed = (info.last_event_id, info.events) != self._attention_seen
        return changed and since >= spacing(self._attention_cost, SLOW_MIN, BUSY_SHARE)

    def _known(self, keys: ModelKeys, at: dt.datetime | None, per: str) -> dict[str, Any]:
        """The parts kept for the question (`ws` by its keys, `at`, `per`), as `Snapshot`
        fields: the funnel, the attention list, the trends, each with its known flag."""
        with self._funnel_lock:
            funnel_known = self._funnel_for == (keys.funnel, at, per)
            funnel = self._funnel if funnel_known else ()
        with self._slow_lock:
            trends = self._trends.points(keys.commitments, at)
            attention_known = self._attention_for == (keys.attention, at)
            waiting, total = self._attention if attention_known else ((), 0)
        return {
            "funnel": funnel,
            "funnel_known": funnel_known,
            "trends": trends,
            "trends_known": len(trends) == len(keys.commitments),
            "attention": waiting,
            "attention_total": total,
            "attention_known": attention_known,
        }

    def _complete(self, keys: ModelKeys, base: Snapshot, at: dt.datetime | None) -> Snapshot:
        """`base` with the parts kept for its question (trends ending with its values)."""
        known = self._known(keys, at, base.per)
        known["trends"] = with_current(known["trends"], base.evaluation)
        return replace(base, **known)

    def lead_story(self, ws: Workspace, lead_id: str, *, at: dt.datetime) -> Any:
        """One lead's story as of `at` (`accord.metrics.lead_story`; run it in a
        worker: its own connection)."""
        from accord.metrics import lead_story

        own = self._open()
        try:
            return lead_story(ws, own, lead_id, at)
        finally:
            own.close()

    def fetch_funnel(
        self, ws: Workspace, base: Snapshot, *, at: dt.datetime | None, now: dt.datetime
    ) -> Snapshot:
        """`base` with the funnel of its period (run it in its own worker; it may run
        beside the first evaluation, `base` a partial snapshot)."""
        from accord import metrics

        when = now if at is None else at
        keys = self.keys(ws)
        own = self._open()
        try:
            seen = own.max_event_id()
            rows = tuple(
                StageRow(s.stage, s.name, int(s.count), s.conversion_from_previous)
                for s in metrics.funnel(ws, own, base.per, at=when)
            )
        finally:
            own.close()
        with self._funnel_lock:
            self._funnel = rows
            self._funnel_for = (keys.funnel, at, base.per)
            self._funnel_seen = seen
            self.funnel_due = False
        return replace(base, funnel=rows, funnel_known=True)

    def fetch_slow(
        self,
        ws: Workspace,
        base: Snapshot,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        on_part: Partial | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Snapshot:
        """`base` completed with the attention list, then the trends (slow: run it in its
        own worker, with `base` a complete snapshot).

        The attention list first (when due), handed to `on_part` as soon as it is there;
        then the trends missing for this question, cheapest first, handed over every
        `PART_EVERY` seconds. Stops early when `cancelled()` says so (what is done is
        kept). Uses its own connection, so fast refreshes go on meanwhile. A trend's
        current period is `base`'s value; its past periods are kept (`tui.trends`).
        """
        from accord import metrics

        keys = self.keys(ws)
        when = base.as_of  # the evaluation's instant: trends end with its values
        own = self._open()
        try:
            with self._slow_lock:
                attention_due = self._attention_due(keys, at, now, base.store)
                missing = set(self._trends.missing(keys.commitments, at, now, IDLE_SHARE))
            if attention_due:
                started = time.perf_counter()
                items = metrics.attention(ws, own, at=when, limit=None)
                names = lead_names(own, (i.lead_id for i in items[:ATTENTION_LIMIT]))
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
                        name=names.get(i.lead_id),
                    )
                    for i in items[:ATTENTION_LIMIT]
                )
                with self._slow_lock:
                    self._attention = (waiting, len(items))
                    self._attention_for = (keys.attention, at)
                    self._attention_seen = (base.store.last_event_id, base.store.events)
                    self._attention_at = now
                    self._attention_cost = time.perf_counter() - started
                if on_part is not None and missing:
                    on_part(self._complete(keys, base, at))
            posted = time.perf_counter()
            refs = [ref for ref in ws.commitments() if ref.key in missing]
            for ref in trend_order(refs):
                if cancelled is not None and cancelled():
                    break
                started = time.perf_counter()
                points = trend_points(ws, own, ref, base.result(ref.key), when)
                cost = time.perf_counter() - started
                with self._slow_lock:
                    self._trends.put(keys.commitments[ref.key], at, points, now, cost)
                if on_part is not None and time.perf_counter() - posted >= PART_EVERY:
                    on_part(self._complete(keys, base, at))
                    posted = time.perf_counter()
        finally:
            own.close()
        self.slow_due = False
        return self._complete(keys, base, at)


def progress(
    ws: Workspace,
    at: dt.datetime | None,
    when: dt.datetime,
    per: str,
    on_partial: Partial,
    known: dict[str, Any] | None = None,
) -> Callable[[CommitmentResult], None]:
    """An `Evaluator.full` ``on_result`` callback that hands `on_partial` a snapshot of
    the results so far (every commitment of `ws` not yet evaluated is `pending`), with
    the parts `known` for the question (`Snapshot` fields; the others unknown)."""
    keys = frozenset(ref.key for ref in ws.commitments())
    done: list[CommitmentResult] = []
    info = StoreInfo(url="", events=0, last_event_at=None)
    parts: dict[str, Any] = {
        "attention_known": False,
        "funnel_known": False,
        "trends_known": False,
        **(known or {}),
    }

    def arrived(result: CommitmentResult) -> None:
        done.append(result)
        evaluation = Evaluation(as_of=when, store=info, agreements={}, commitments=list(done))
        snap = Snapshot(
            as_of=when,
            live=at is None,
            per=per,
            store=info,
            evaluation=evaluation,
            pending=keys - {(c.agreement, c.id) for c in done},
            **parts,
        )
        on_partial(replace(snap, trends=with_current(snap.trends, evaluation)))

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
