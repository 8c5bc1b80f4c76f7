"""Writing simulated funnel data: a back-filled history and a live stream."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from accord.domain.clock import Clock, system_now
from accord.domain.workspace import Workspace
from accord.simulation._rules import (
    Row,
)
from accord.simulation._simulator import Simulator

if TYPE_CHECKING:
    from accord.store import Store


def generate_history(
    ws: Workspace, days: int, seed: int = 0, end: dt.datetime | None = None
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Leads and events of `days` past days ending at `end` (default: the system clock's
    now), one day a chunk.

    Each chunk holds the leads that arrived on one local day and all of their events
    up to `end`; events after `end` are not yet known and left out. The same
    workspace, seed and end give the same data.
    """
    end = (end or system_now()).astimezone(dt.UTC)
    sim = Simulator(ws, seed)
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
) -> int:
    """Append live events at about `rate` per second for `seconds` (None: until interrupted).

    Each event is stamped with `now()`; `clock` (monotonic seconds) and `sleep` pace
    the stream. New leads arrive and leads already
    in flight take their next step (a lifecycle is planned by `Simulator` and played
    back in order, compressed into real time). Returns the number of events written;
    a `KeyboardInterrupt` propagates after the events so far are stored.
    """
    from accord.store import add_events, add_leads

    if rate <= 0:
        raise ValueError(f"rate must be above 0 events per second, got {rate}")
    seed = random.SystemRandom().randrange(1 << 30) if seed is None else seed
    sim = Simulator(ws, seed)
    rng = sim.rng
    tag = f"live-{int(now().timestamp())}-{seed}"
    counter = itertools.count(1)
    in_flight: list[list[Row]] = []
    written = 0
    start = clock()
    tick = min(0.25, max(0.02, 1 / rate))

    def next_event(moment: dt.datetime, leads: list[Row]) -> Row:
        if not in_flight or rng.random() < 0.3 or len(in_flight) > 200:
            lead, plan = sim.lifecycle(f"{tag}-{next(counter):06d}", moment)
            lead["created_at"] = moment
            leads.append(lead)
            in_flight.append(plan)
        plan = rng.choice(in_flight)
        event = dict(plan.pop(0), at=moment)
        if not plan:
            in_flight.remove(plan)
        return event

    while True:
        elapsed = clock() - start
        done = seconds is not None and elapsed >= seconds
        due = int((min(elapsed, seconds) if seconds is not None else elapsed) * rate) - written
        if due > 0:
            stamp = now().astimezone(dt.UTC)
            leads: list[Row] = []
            batch = []
            for n in range(due):
                batch.append(next_event(stamp + dt.timedelta(microseconds=n), leads))
            with store.write() as conn:
                add_leads(conn, leads)
                add_events(conn, batch)
            written += due
            if on_write is not None:
                on_write(due)
        if done:
            return written
        sleep(tick)
