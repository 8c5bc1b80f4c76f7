"""Writing simulated funnel data: a back-filled history and a live stream."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from accord.domain.clock import Clock, system_now
from accord.domain.workspace import Workspace
from accord.simulation._live import Feed
from accord.simulation._rules import HOT_SHARE, Row
from accord.simulation._simulator import Simulator

if TYPE_CHECKING:
    from accord.store import Store

RELOAD = dt.timedelta(minutes=5)
"""A long stream re-reads the store this often (to see other writers)."""
DEMO_RATE = 0.5
"""The default `--rate` of `accord demo`'s live stream (docs/simulate.md)."""


def generate_history(
    ws: Workspace,
    days: int,
    seed: int = 0,
    end: dt.datetime | None = None,
    *,
    hot_share: float = HOT_SHARE,
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Leads and events of `days` past days ending at `end` (default: the system clock's
    now), one day a chunk; `hot_share` sets how many leads are hot (`Simulator`).

    Each chunk holds the leads that arrived on one local day and all of their events
    up to `end`; events after `end` are not yet known and left out. The same
    workspace, seed and end give the same data.
    """
    end = (end or system_now()).astimezone(dt.UTC)
    sim = Simulator(ws, seed, hot_share)
    last = end.astimezone(ws.tz).date()
    counter = itertools.count(1)
    for offset in range(days, -1, -1):
        day = last - dt.timedelta(days=offset)
        leads: list[Row] = []
        events: list[Row] = []
        for arrival in sim._arrivals(day):
            if arrival > end:
                continue
            lead, lifecycle = sim.lifecycle(f"sim-{seed}-{next(counter):06d}", arrival)
            leads.append(lead)
            events.extend(e for e in lifecycle if e["at"] <= end)
        yield leads, events


def write_history(
    ws: Workspace,
    store: Store,
    days: int,
    seed: int = 0,
    end: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Back-fill `days` of history into `store`; returns (leads, events) written.

    `progress` is called with 1 after each day. Re-running with the same seed and end
    adds nothing twice (events are keyed by their content).
    """
    from accord.store import add_events, add_leads

    total_leads = total_events = 0
    batch_leads: list[Row] = []
    batch_events: list[Row] = []

    def flush() -> None:
        nonlocal total_leads, total_events
        with store.write() as conn:
            total_leads += add_leads(conn, batch_leads)
            total_events += add_events(conn, batch_events)
        batch_leads.clear()
        batch_events.clear()

    for leads, events in generate_history(ws, days, seed, end):
        batch_leads.extend(leads)
        batch_events.extend(events)
        if len(batch_events) >= 5000:
            flush()
        if progress is not None:
            progress(1)
    flush()
    store.update_statistics()  # the cohort queries need the planner's statistics
    return total_leads, total_events


def stream(
    ws: Workspace,
    store: Store,
    rate: float,
    seconds: float | None = None,
    seed: int | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    now: Clock = system_now,
    on_write: Callable[[int], None] | None = None,
    paced: bool = True,
) -> int:
    """Append live events at up to `rate` per second for `seconds` (None: until interrupted).

    Each event is stamped with `now()`; `clock` (monotonic seconds) and `sleep` pace
    the stream. It continues the store as it is (`accord.simulation._live.Feed`):
    leads in flight take their next step and new leads arrive, but no kind of
    event gets more leads this month than the model's monthly aim × `HEADROOM` ×
    the share of the month gone by. A tick with nothing in the budget writes
    nothing, so the month's pace stays in the band around the targets however long
    the stream runs (docs/simulate.md). A call whose `seconds × rate` is not whole
    writes the fraction as a chance (`accord demo` calls it once a second).
    Unseeded calls on the same store and workspace continue one another's feed
    while nobody else writes. ``paced=False`` drops the budget (load generation:
    every tick writes its events, the month's pace be as it may). Returns the
    number of events written; a `KeyboardInterrupt` propagates after the events so
    far are stored.
    """
    from accord.store import add_events, add_leads

    if rate <= 0:
        raise ValueError(f"rate must be above 0 events per second, got {rate}")
    feed = _resume(ws, store, paced) if seed is None else None
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    tag = f"live-{int(now().timestamp())}-{seed}"
    counter = itertools.count(1)
    if feed is None:
        feed = Feed(Simulator(ws, seed), paced)
        feed.load(store, now().astimezone(dt.UTC))
    start = clock()
    written = slots = 0
    tick = min(0.25, max(0.02, 1 / rate))
    while True:
        elapsed = clock() - start
        done = seconds is not None and elapsed >= seconds
        due = int((min(elapsed, seconds) if seconds is not None else elapsed) * rate) - slots
        if done and seconds is not None:  # a short call at a low rate writes its share
            due += feed.sim.rng.random() < seconds * rate - int(seconds * rate)
        if due > 0:
            slots += due
            stamp = now().astimezone(dt.UTC)
            if feed.loaded is None or stamp - feed.loaded >= RELOAD:  # other writers
                feed.load(store, stamp)
            leads: list[Row] = []
            batch: list[Row] = []
            for n in range(due):
                step = feed.next(stamp + dt.timedelta(microseconds=n), f"{tag}-{next(counter):06d}")
                if step is None:
                    break
                lead, event = step
                if lead is not None:
                    leads.append(lead)
                batch.append(event)
            if batch:
                with store.write() as conn:
                    add_leads(conn, leads)
                    add_events(conn, batch)
                written += len(batch)
                if on_write is not None:
                    on_write(len(batch))
        if done:
            _keep(store, feed)
            return written
        sleep(tick)


_FEED: list[tuple[Store, Feed, int]] = []
"""The last unseeded stream's feed, and the store's newest event id when it ended."""
_FEED_LOCK = threading.Lock()


def _resume(ws: Workspace, store: Store, paced: bool) -> Feed | None:
    """The feed of the previous unseeded `stream` call on the same store and workspace,
    if nobody wrote since: `accord demo` streams in one-second calls, and re-reading
    the leads in flight every second would cost more than the writing."""
    with _FEED_LOCK:
        if not _FEED:
            return None
        was, feed, newest = _FEED.pop()
    same = was is store and feed.sim.ws is ws and feed.paced == paced
    return feed if same and store.max_event_id() == newest else None


def _keep(store: Store, feed: Feed) -> None:
    newest = store.max_event_id()
    with _FEED_LOCK:
        _FEED[:] = [(store, feed, newest)]
