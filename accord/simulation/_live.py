"""The live feed behind `accord.simulation.stream`: what to write next, paced by the month.

A `Feed` continues the store as it is. It reads the leads in flight (those with
an event in the last `LOOKBACK_DAYS`) and how many leads had each kind of event
this month, and each call of `Feed.next` gives one event of one of two kinds:

* a **new lead**, entering the first stage;
* a **step of a lead in flight**: in its stage first what an `open` measure waits
  for and the stage's follow-ups (contacted, then accepted — or rejected, by the
  lead's own coin), then the decision (`decided`), then the move to the next
  stage. A lead moves on only when its coin (seeded by its id, so every stream
  agrees) falls inside the model's step probability and only while its stay is
  fresh; a wait is always closed before the lead leaves the stage, as in the
  history.

**The month's budget.** No kind of event — a stage entry, new leads included, or a
follow-up — gets more leads this month than the calibrated model expects for a
whole month × `HEADROOM` × the share of the month gone by (and never more than a
monthly `max` target of a count). So however fast or long the stream runs, a
month's pace stays in the band around the targets; once the budget is spent the
stream writes only as the month goes on. Leads on an attention list are worked
slowly (`OVERDUE_SHARE`), so the list does not empty in a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from accord.domain import model as m
from accord.domain.calendar import elapsed_fraction, period_bounds
from accord.simulation._rules import CHANNELS, REASONS, STEP_DAYS, Row
from accord.simulation._simulator import Key, Simulator
from accord.store import Store, events, leads

LOOKBACK_DAYS = 120
"""Leads with an event this recent are in flight (onboarding can take months)."""
HEADROOM = 1.15
"""The stream keeps each stage's month at most this far above the model's aim."""
NEW_SHARE = 0.3
"""Of the events written while both are possible, about this share are new leads."""
TRIES = 40
"""Random leads in flight tried for a step before looking at all of them."""
IDLE = dt.timedelta(seconds=30)
"""When no lead in flight may take a step, the feed looks again after this long."""
OVERDUE_SHARE = 0.01
"""The share of events that may take a lead off an attention list: Sales works the
list, but a demo's list shrinks by a few leads, not all at once."""
DECIDE_MOVE = dt.timedelta(hours=1)
"""A decision moves the lead on within this time (as in the history), or it was a loss."""


@dataclass
class Flight:
    """A lead in flight: the stage it is in, since when, and what happened there."""

    lead: Row
    stage: str
    since: dt.datetime
    done: dict[Key, dt.datetime] = field(default_factory=dict)
    """The events the lead had since it entered `stage`, each with its first time."""
    rejected: bool = False
    coins: dict[str, float] = field(default_factory=dict)


@dataclass
class Feed:
    """What the stream writes next (see the module docstring)."""

    sim: Simulator
    paced: bool = True
    """False: no month's budget (load generation: every tick writes its events)."""
    flights: list[Flight] = field(default_factory=list)
    entries: dict[Key, int] = field(default_factory=dict)
    """Leads with an event of each (type, stage) in the current month (local)."""
    month: dt.datetime | None = None
    """Start of the month `entries` counts."""
    loaded: dt.datetime | None = None
    """When the feed last read the store."""
    idle_until: dt.datetime | None = None
    """No lead in flight had a step in the budgets: look again at this instant."""
    caps: dict[Key, float] = field(init=False)
    """Per (type, stage) the feed writes, the most leads a whole month may have."""
    listed: dict[tuple[str, Key], tuple[float, str]] = field(init=False)
    """(stage, awaited event) of each `open` measure: its older_than hours and clock."""

    def __post_init__(self) -> None:
        sim = self.sim
        self.caps = {}
        for stage, aim in sim.month_aims().items():  # every lead entering gets these
            decisions = [(kind, None) for s, kind, _ in sim.closers if s == stage]
            keys = [*sim.waits.get(stage, []), *sim.follow_ups.get(stage, []), *decisions]
            for key in dict.fromkeys([("entered", stage), *keys]):
                share = 1 - sim.reject_p if key == ("accepted", None) else 1.0
                self.caps[key] = self.caps.get(key, 0.0) + aim * share * HEADROOM
            if stage == sim.stages[sim.handoff]:
                self.caps[("rejected", None)] = aim * sim.reject_p * HEADROOM
        for ref in sim.ws.commitments():  # a stated monthly maximum is a ceiling
            count = ref.kpi.measure.count
            if count is None or ref.kpi.where or ref.commitment.per != "month":
                continue
            match = m.as_match(count)
            key = (match.type, match.stage)
            if key in self.caps and ref.bounds.max is not None:
                self.caps[key] = min(self.caps[key], ref.bounds.max)
        self.listed = {}
        for ref in sim.ws.commitments():
            spec = ref.kpi.measure.open
            if spec is not None and m.as_match(spec.from_).type == "entered":
                start, close = m.as_match(spec.from_), m.as_match(spec.to)
                self.listed[(start.stage or "", (close.type, close.stage))] = (
                    spec.older_than or 0.0,
                    spec.clock,
                )

    # --- the store as it is ------------------------------------------------------

    def load(self, store: Store, now: dt.datetime) -> None:
        """Read the leads in flight and this month's stage entries from `store`."""
        tz = self.sim.ws.tz
        start, _ = period_bounds("month", now, tz)
        cutoff = now - dt.timedelta(days=LOOKBACK_DAYS)
        recent = select(events.c.lead_id).where(events.c.at >= cutoff, events.c.at <= now)
        with store.read() as conn:
            counted = conn.execute(
                select(events.c.type, events.c.stage, func.count(func.distinct(events.c.lead_id)))
                .where(events.c.at >= start, events.c.at <= now)
                .group_by(events.c.type, events.c.stage)
            ).all()
            rows = conn.execute(
                select(events.c.lead_id, events.c.type, events.c.stage, events.c.at)
                .where(events.c.lead_id.in_(recent.distinct()), events.c.at <= now)
                .order_by(events.c.lead_id, events.c.at, events.c.event_id)
            ).all()
            owners: dict[str, str | None] = {
                r.lead_id: r.owner
                for r in conn.execute(
                    select(leads.c.lead_id, leads.c.owner).where(
                        leads.c.lead_id.in_(recent.distinct())
                    )
                )
            }
        self.month, self.loaded, self.idle_until = start, now, None
        self.entries = {(kind, stage): n for kind, stage, n in counted}
        order = {s: i for i, s in enumerate(self.sim.stages)}
        self.flights = []
        current: Flight | None = None
        for lead_id, kind, stage, at in rows:
            if current is None or current.lead["lead_id"] != lead_id:
                self._keep(current, now)
                current = None
            if kind == "entered" and stage in order:
                if current is None or order[stage] > order[current.stage]:
                    owner = owners.get(lead_id) or self.sim.owners[0]
                    lead = {"lead_id": lead_id, "owner": owner}
                    rejected = current.rejected if current is not None else False
                    current = Flight(lead, stage, _utc(at), rejected=rejected)
                continue
            if current is None:
                continue  # the lead's stage entry lies before the lookback
            current.done.setdefault((kind, stage), _utc(at))
            current.rejected |= kind == "rejected"
        self._keep(current, now)

    def _keep(self, flight: Flight | None, now: dt.datetime) -> None:
        if flight is not None and self.step(flight, now) is not None:
            self.flights.append(flight)

    # --- the next event ------------------------------------------------------------

    def _coin(self, flight: Flight, purpose: str) -> float:
        """The lead's own draw in [0, 1) for `purpose` in its stage: the same in every
        stream, so a lead the model keeps in a stage stays there."""
        name = f"{flight.lead['lead_id']}|{flight.stage}|{purpose}"
        if name not in flight.coins:
            digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
            flight.coins[name] = int.from_bytes(digest) / 2**64
        return flight.coins[name]

    def _allowed(self, key: Key, now: dt.datetime) -> bool:
        """Whether one more lead with `key` this month keeps the month in its budget."""
        if not self.paced or key not in self.caps:
            return True
        cap = self.caps[key] * elapsed_fraction("month", now, self.sim.ws.tz)
        return self.entries.get(key, 0) + 1 <= cap

    def step(self, flight: Flight, now: dt.datetime, *, budget: bool = False) -> Key | None:
        """The lead's next event, or None when the model has nothing more for it now.

        In its stage a lead first gets what the stage waits for and its follow-ups
        (at the hand-off: contacted, then accepted — or rejected, by the lead's own
        coin), then the decision that ends the stay, then the move on: only if its
        coin and the stage's freshness allow, and (with `budget`) only when the next
        stage's month has room, else ``("blocked", stage)``. A decided lead takes no
        further step in the stage but the move its decision made.
        """
        sim = self.sim
        if flight.rejected:
            return None
        stage = flight.stage
        decisions = [(kind, None) for s, kind, _ in sim.closers if s == stage]
        decided = min((flight.done[k] for k in decisions if k in flight.done), default=None)
        rejecting = (
            stage == sim.stages[sim.handoff]
            and ("accepted", None) not in flight.done
            and self._coin(flight, "rejected") < sim.reject_p
        )
        if decided is None:
            todo = [k for k in sim.waits.get(stage, []) if k not in decisions]
            todo += [k for k in sim.follow_ups.get(stage, []) if k not in todo]
            if rejecting:
                todo = [k for k in todo if k[0] != "accepted"] + [("rejected", None)]
            for key in [*todo, *decisions]:
                if key not in flight.done:
                    return ("blocked", key[0]) if budget and not self._allowed(key, now) else key
        i = sim.stages.index(stage)
        if rejecting or i + 1 >= len(sim.stages) or self._coin(flight, "move") >= sim.step_p[i]:
            return None  # the model keeps this lead here
        fresh = dt.timedelta(days=STEP_DAYS[min(i, len(STEP_DAYS) - 1)][1] * 1.5)
        if now - flight.since > fresh or (decided is not None and now - decided > DECIDE_MOVE):
            return None  # gone cold, or decided long ago without moving on: lost
        key = ("entered", sim.stages[i + 1])
        return ("blocked", key[1]) if budget and not self._allowed(key, now) else key

    def next(self, now: dt.datetime, new_id: str) -> tuple[Row | None, Row] | None:
        """One event to write at `now` (and the new lead's row when it starts one), or
        None when neither a new lead nor any step fits the month's budgets."""
        sim = self.sim
        if self.month is not None and period_bounds("month", now, sim.ws.tz)[0] != self.month:
            self.entries, self.month = {}, period_bounds("month", now, sim.ws.tz)[0]
        may_start = bool(sim.stages) and self._allowed(("entered", sim.stages[0]), now)
        if may_start and (not self.flights or sim.rng.random() < NEW_SHARE):
            return self._start(now, new_id)
        flight, key = None, None
        if self.idle_until is None or now >= self.idle_until:
            flight, key = self._pick(now, sim.rng.random() < OVERDUE_SHARE)
            self.idle_until = None if flight is not None else now + IDLE
        if flight is None or key is None:
            return self._start(now, new_id) if may_start else None
        return None, self._emit(flight, key, now)

    def _pick(self, now: dt.datetime, overdue: bool) -> tuple[Flight | None, Key | None]:
        """A random lead in flight with a step inside the budgets; one waiting on an
        attention list only when `overdue`."""
        rng = self.sim.rng
        for _ in range(TRIES):
            if not self.flights:
                return None, None
            i = rng.randrange(len(self.flights))
            flight = self.flights[i]
            key = self.step(flight, now, budget=True)
            if key is None:
                self.flights[i] = self.flights[-1]
                self.flights.pop()
            elif key[0] != "blocked" and (overdue or not self._overdue(flight, key, now)):
                return flight, key
        for flight in list(self.flights):  # a full look before giving up
            key = self.step(flight, now, budget=True)
            if key is None:
                self.flights.remove(flight)
            elif key[0] != "blocked" and (overdue or not self._overdue(flight, key, now)):
                return flight, key
        return None, None

    def _overdue(self, flight: Flight, key: Key, now: dt.datetime) -> bool:
        """Whether the lead is on an attention list waiting for `key`."""
        found = self.listed.get((flight.stage, key))
        if found is None:
            return False
        hours, clock = found
        cal = self.sim.ws.calendar
        waited = (
            cal.hours_between(flight.since, now)
            if clock == "business"
            else ((now - flight.since) / dt.timedelta(hours=1))
        )
        return waited > hours

    def _start(self, now: dt.datetime, new_id: str) -> tuple[Row, Row]:
        sim = self.sim
        lead = sim._lead_row(new_id, now)
        stage = sim.stages[0]
        flight = Flight(lead, stage, now)
        self.flights.append(flight)
        return lead, self._emit(flight, ("entered", stage), now, new=True)

    def _emit(self, flight: Flight, key: Key, now: dt.datetime, *, new: bool = False) -> Row:
        sim = self.sim
        kind, stage = key
        extra: dict[str, Any] = {}
        if kind == "contacted":
            extra["channel"] = sim.rng.choice(CHANNELS)
        elif kind == "rejected":
            extra["reason"] = sim.rng.choice(REASONS)
            flight.rejected = True
        self.entries[key] = self.entries.get(key, 0) + 1
        if kind == "entered" and stage is not None:
            if not new:
                flight.stage, flight.since, flight.done = stage, now, {}
        else:
            flight.done.setdefault(key, now)
        actor = sim._actor(flight.lead, stage) if kind == "entered" else flight.lead["owner"]
        return {
            "lead_id": flight.lead["lead_id"],
            "at": now,
            "type": kind,
            "stage": stage,
            "actor": None if actor is None else str(actor),
            "extra": extra or None,
        }


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
