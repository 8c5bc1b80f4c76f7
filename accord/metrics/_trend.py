"""A cohort commitment's values at several instants from one read of the store (trends).

A trend asks for a commitment's value at the end of each of its last periods. For a
cohort kind (`conversion`, `within`, `duration`, `open`) each of those is a function of
each lead's first `from` event and first `to` event at or after it, so one cohort query
as of the latest instant, over the earliest period's start, holds every period's
cohort:

* a lead is in a period's cohort when its first `from` event ever lies in the period
  (for `open`: at or before the instant), which the query's ``first_at`` (the first
  ever, since none came before the earliest start) says;
* its first `to` event by an earlier instant is the query's ``to_at`` if that is not
  later than the instant, and there is none otherwise (``to_at`` is the earliest).

Each period's rows are then built and valued with the same code as an evaluation
(`MeasureKind.row`, the measure's aggregate), so each value equals
`accord.metrics._engine.evaluate_one` at that instant. (Used for `open`, whose every
instant reads all time; a period's cohort reads its own period, and one read of all
the periods costs about what their separate reads cost.)

`PastValues` keeps values as of past instants between trends, dropped when events
arrive with a time at or before them.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Hashable
from typing import cast

from sqlalchemy import Connection, func, select

from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import _sql
from accord.metrics._calc import Calc
from accord.metrics._fetch import fetch_all, utc_times
from accord.metrics._scope import window_of
from accord.metrics._state import new_state
from accord.store import collector_paused, events


def _first_lead(row: tuple[dt.datetime, dt.datetime | None, str]) -> tuple[dt.datetime, str]:
    return row[0], row[2]


def cohort_values(
    conn: Connection, ws: Workspace, ref: CommitmentRef, moments: list[dt.datetime]
) -> list[float | None]:
    """The value of the cohort commitment `ref` as of each of `moments`, each equal to a
    fresh evaluation as of that instant."""
    if not moments:
        return []
    st = new_state(ws, ref, conn.dialect.name)
    kind, spec = st.measure, st.spec
    assert kind.amount is None, "a cohort kind"
    windows = [window_of(ws, ref, moment) if kind.period_bound else None for moment in moments]
    earliest = min(w[0] for w in windows if w is not None) if kind.period_bound else None
    from_m, to_m = st.matchers
    raw = fetch_all(conn, _sql.cohort(from_m, to_m, st.flt, earliest, max(moments)))
    with collector_paused():
        firsts = cast(list[dt.datetime], utc_times([r[1] for r in raw]))
        tos = utc_times([r[2] for r in raw])
        ordered = sorted(zip(firsts, tos, [r[0] for r in raw], strict=True), key=_first_lead)
    by_first = [first for first, _, _ in ordered]
    out: list[float | None] = []
    for moment, window in zip(moments, windows, strict=True):
        calc = Calc(ws, moment)
        lo = 0 if window is None else bisect_left(by_first, window[0])
        hi = bisect_right(by_first, moment)
        one = new_state(ws, ref, conn.dialect.name)
        one.window = window
        make = kind.row
        with collector_paused():
            if kind.period_bound:
                one.rows = {
                    lead: make(spec, first, None if to is None or to > moment else to, calc)
                    for first, to, lead in ordered[lo:hi]
                }
            else:  # `open`: the leads with no `to` event by then
                one.rows = {
                    lead: make(spec, first, None, calc)
                    for first, to, lead in ordered[lo:hi]
                    if to is None or to > moment
                }
        out.append(calc.value(one)[0])
    return out


def value_key(ws: Workspace, ref: CommitmentRef) -> Hashable:
    """What a commitment's value as of an instant depends on in the agreements: its
    measure, lead filter and period, and the workspace's calendar (not its target, text or
    agreement: two commitments of one KPI and period share their values)."""
    kpi = ref.kpi
    # repr: `hot: true` and `hot: 1` are equal in Python but filter differently
    where = repr(sorted(kpi.where.items()))
    return (ref.commitment.per, kpi.measure.model_dump_json(), where, ws.tz.key, ws.calendar)


class PastValues:
    """Commitments' values as of past instants, kept between trends (`trend`'s `cache`).

    A value as of T depends only on the events with ``at <= T`` and on the lead rows.
    Before each use (`sync`) the cache reads the highest ``event_id``; when events were
    added since, the values as of instants at or after the earliest ``at`` among them are
    dropped (an import of old events drops the periods it falls in, a live event none of
    the past ones). The store is assumed to only grow, as accord's importers and
    simulator write it; edits to lead rows (`hot`, `value`, a filtered attribute) are not
    seen: call `clear` when they may have happened (the dashboard's periodic full
    evaluation). A store with fewer events than before, or another store, clears it.
    Thread-safe.
    """

    def __init__(self, keep: int = 20_000) -> None:
        self._values: dict[tuple[Hashable, dt.datetime], float | None] = {}
        self._keep = keep
        self._store: str | None = None
        self._seen: int | None = None
        """The highest event_id the kept values were computed with."""
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def sync(self, conn: Connection, url: str) -> int:
        """Drop the values new events of the store at `url` may change; returns the
        highest event_id, the version the values computed next in `conn` are put with."""
        last = int(conn.execute(select(func.max(events.c.event_id))).scalar() or 0)
        with self._lock:
            if url != self._store or self._seen is None or last < self._seen:
                self._values.clear()
                self._store = url
            elif last > self._seen:
                lowest = conn.execute(
                    select(func.min(events.c.at)).where(events.c.event_id > self._seen)
                ).scalar()
                if lowest is not None:
                    stale = [k for k in self._values if k[1] >= lowest]
                    for k in stale:
                        del self._values[k]
            self._seen = last
        return last

    def get(self, key: Hashable, moment: dt.datetime) -> tuple[bool, float | None]:
        """(found, value) as of `moment`."""
        with self._lock:
            found = (key, moment) in self._values
            return found, self._values.get((key, moment))

    def put(self, key: Hashable, moment: dt.datetime, value: float | None, version: int) -> None:
        """Keep a value computed with the events up to `version` (not kept if newer events
        were synced meanwhile: it may be stale)."""
        with self._lock:
            if version != self._seen:
                return
            if len(self._values) >= self._keep:
                self._values.clear()  # time travel to very many instants: start over
            self._values[(key, moment)] = value
