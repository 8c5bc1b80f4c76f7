"""`accord simulate`: realistic funnel data, shaped by the workspace's own agreements.

A pure, seeded generator (`Simulator`, `generate_history`) and two writers
(`write_history`, `stream`). The generator reads the workspace:

* arrivals follow the business calendar — mostly in working hours, Monday and
  Tuesday busiest, Friday lighter, few at weekends and on holidays;
* every lead enters the first stage and moves along `ws.funnel` with step
  probabilities and delays; about 15% of leads are hot; sources, segments and
  values vary; owners are the members of the Sales team;
* the follow-up events the KPIs measure (``contacted``, ``accepted``,
  ``rejected``, ``handed-over``, ``completed``, ``churned`` … whatever types the
  measures name) are emitted after the events that start their clocks;
* volumes, conversions and delays are drawn around each commitment's own target
  with a planned outcome per commitment (met, at risk, breached, in turn), so a
  generated history shows a realistic mix of statuses.

See docs/simulate.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from accord import model as m
from accord.workspace import CommitmentRef, Workspace

if TYPE_CHECKING:
    from accord.store import Store

Row = dict[str, Any]
Intent = Literal["met", "at_risk", "breached"]
INTENTS: tuple[Intent, ...] = ("met", "at_risk", "met", "breached")
"""Planned outcome of the n-th commitment, in turn."""

HOT_SHARE = 0.15
DAYS_PER_MONTH = 30.4
_WEEKDAY_WEIGHT = (1.3, 1.25, 1.05, 1.0, 0.7, 0.12, 0.08)
"""Relative lead volume Monday..Sunday."""
_HOLIDAY_WEIGHT = 0.1
_IN_HOURS = 0.85
"""Share of a working day's arrivals inside working hours."""
_STEP_P = (0.45, 0.5, 0.55, 0.35, 0.95, 0.8)
"""Default probability of moving from the n-th stage to the next."""
_STEP_DAYS = ((0.2, 6.0), (0.5, 12.0), (1.0, 12.0), (7.0, 50.0), (1.0, 7.0), (60.0, 200.0))
"""Default calendar days (low, high) between the n-th stage and the next."""
_SOURCES = {
    "website": 30,
    "content": 18,
    "webinar": 12,
    "paid-search": 16,
    "events": 8,
    "referral": 8,
    "partner": 8,
}
_SEGMENTS = {"smb": 55, "mid-market": 30, "enterprise": 15}
_SEGMENT_VALUE = {"smb": 0.45, "mid-market": 1.3, "enterprise": 3.5}
_SEGMENT_HOT = {"smb": 0.8, "mid-market": 1.1, "enterprise": 1.6}
_REASONS = ("no budget", "too small", "wrong contact", "no project this year", "duplicate")
_CHANNELS = ("phone", "phone", "email", "video call")
_COMPANY_A = ("Blue", "North", "Swift", "Green", "Bright", "Iron", "Silver", "Delta", "Nova")
_COMPANY_B = ("Logistics", "Foods", "Systems", "Health", "Retail", "Labs", "Energy", "Works")


def _key(match: m.EventMatch) -> tuple[str, str | None]:
    return (match.type, match.stage)


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


@dataclass
class _Rule:
    """How long after a `from` event its `to` event comes (drawn around a target)."""

    to: tuple[str, str | None]
    where: dict[str, Any]
    kind: Literal["within", "duration"]
    hours: float
    """within: the limit; duration: the planned percentile value."""
    share: float
    """within: planned share in time; duration: the percentile as a share."""
    clock: str

    def draw(self, rng: random.Random) -> float | None:
        """Hours until the `to` event, or None when it never comes."""
        if self.kind == "duration":
            if rng.random() < self.share:
                return self.hours * rng.uniform(0.15, 1.0)
            return self.hours * rng.uniform(1.0, 2.5)
        roll = rng.random()
        if roll < self.share:
            return self.hours * rng.uniform(0.05, 0.95)
        if roll < self.share + (1 - self.share) * 0.75:
            return self.hours * rng.uniform(1.05, 4.0)
        return None


def desired(ref: CommitmentRef, intent: Intent) -> float:
    """A value near the commitment's target that gives the planned outcome."""
    b = ref.bounds
    ratio = ref.kpi.unit == "ratio"
    if b.min is not None:
        low = b.min
        if intent == "met":
            value = min(low * 1.12, low + (1 - low) * 0.4) if ratio else low * 1.12
        elif intent == "at_risk":
            value = (low + b.warn) / 2 if b.warn is not None and b.warn < low else low * 0.95
        else:
            value = (b.warn if b.warn is not None and b.warn < low else low) * 0.82
    else:
        high = b.max if b.max is not None else 0.0
        warn = b.warn if b.warn is not None and b.warn > high else None
        if intent == "met":
            value = high * 0.75
        elif intent == "at_risk":
            value = (high + warn) / 2 if warn is not None else high * 0.97
        else:
            value = (warn if warn is not None else high) * 1.25 + (1 if high == 0 else 0)
    return min(0.995, max(0.005, value)) if ratio else max(0.0, value)


def _matches(lead: Row, where: dict[str, Any]) -> bool:
    for column, wanted in where.items():
        value = lead.get(column, (lead.get("attributes") or {}).get(column))
        options = wanted if isinstance(wanted, list) else [wanted]
        if value not in options:
            return False
    return True


@dataclass
class Simulator:
    """The seeded generator for one workspace (see the module docstring)."""

    ws: Workspace
    seed: int = 0
    rng: random.Random = field(init=False)
    stages: list[str] = field(init=False)
    step_p: list[float] = field(init=False)
    leads_per_day: float = field(init=False, default=25.0)
    value_mean: float = field(init=False, default=15000.0)
    reject_p: float = field(init=False, default=0.12)
    handoff: int = field(init=False, default=2)
    rules: dict[tuple[str, str | None], list[_Rule]] = field(init=False)
    tail_types: dict[str, float] = field(init=False)
    closers: list[tuple[str, str, float]] = field(init=False)
    """(from stage, closing event type, older_than hours) of `open` measures whose
    `to` is an event no other rule emits, e.g. Sales' decision on an SQL."""
    owners: list[str] = field(init=False)
    team_people: dict[str, list[str]] = field(init=False)
    sources: dict[str, float] = field(init=False)
    segments: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        ws = self.ws
        self.stages = [s.id for s in ws.funnel]
        n = max(0, len(self.stages) - 1)
        self.step_p = [_STEP_P[min(i, len(_STEP_P) - 1)] for i in range(n)]
        self.rules = {}
        self.tail_types = {}
        self.closers = []
        self.team_people = {t.id: [p.id for p in t.members] for t in ws.teams.values()}
        first_owner = ws.funnel[0].owner if ws.funnel else None
        self.handoff = next(
            (i for i, s in enumerate(ws.funnel) if s.owner != first_owner), min(2, n)
        )
        sales = next(
            (t for t in ws.teams.values() if t.id == "sales" or t.name.casefold() == "sales"),
            None,
        )
        if sales is None and ws.funnel:
            sales = ws.teams.get(ws.funnel[min(self.handoff, n)].owner)
        self.owners = [p.id for p in sales.members] if sales and sales.members else ["sales"]
        self.sources = dict(_SOURCES)
        self.segments = dict(_SEGMENTS)
        for kpi in ws.kpis.values():  # make every `where` value of a KPI occur
            for column, table in (("source", self.sources), ("segment", self.segments)):
                wanted = kpi.where.get(column)
                for value in wanted if isinstance(wanted, list) else [wanted]:
                    if isinstance(value, str) and value not in table:
                        table[value] = 6
        self._calibrate()

    # --- calibration from the commitments -------------------------------------

    def _index(self, stage: str | None) -> int | None:
        return self.stages.index(stage) if stage in self.stages else None

    def _reach(self, start: int, stop: int) -> float:
        """Probability that a lead in stage `start` reaches stage `stop`."""
        p = 1.0
        for i in range(start, stop):
            p *= self.step_p[i]
            if i == self.handoff:
                p *= 1 - self.reject_p
        return p

    def _calibrate(self) -> None:
        refs = self.ws.commitments()
        intents = {ref.key: INTENTS[i % len(INTENTS)] for i, ref in enumerate(refs)}
        monthly = {"day": DAYS_PER_MONTH, "week": DAYS_PER_MONTH / 7, "month": 1.0}
        monthly |= {"quarter": 1 / 3, "30d": DAYS_PER_MONTH / 30, "90d": DAYS_PER_MONTH / 90}

        def per_month(ref: CommitmentRef) -> float:
            return desired(ref, intents[ref.key]) * monthly[ref.commitment.per]

        by_kind: dict[str, list[CommitmentRef]] = {}
        for ref in refs:
            by_kind.setdefault(ref.kpi.measure.kind, []).append(ref)
        # rejections: a count of `rejected` sets how often Sales sends SQLs back
        rejected = [
            r
            for r in by_kind.get("count", [])
            if m.as_match(r.kpi.measure.count or "").type == "rejected"
        ]
        # conversions: scale the steps between the two stages, longest spans first
        spans = []
        for ref in by_kind.get("conversion", []):
            spec = ref.kpi.measure.conversion
            assert spec is not None
            a, b = self._index(spec.from_), self._index(spec.to)
            if a is not None and b is not None and b > a:
                spans.append((b - a, a, b, ref))
        for _, a, b, ref in sorted(spans, key=lambda s: -s[0]):
            scale = (desired(ref, intents[ref.key]) / self._reach(a, b)) ** (1 / (b - a))
            for i in range(a, b):
                self.step_p[i] = min(0.97, max(0.01, self.step_p[i] * scale))
        # volume: the first count of an entered stage sets the arrival rate
        for ref in by_kind.get("count", []):
            match = m.as_match(ref.kpi.measure.count or "")
            index = self._index(match.stage)
            if match.type == "entered" and index is not None and ref.bounds.min is not None:
                rate = per_month(ref) / DAYS_PER_MONTH / max(self._reach(0, index), 1e-6)
                self.leads_per_day = max(0.5, rate)
                break
        for ref in rejected:
            sqls = self.leads_per_day * DAYS_PER_MONTH * self._reach(0, self.handoff)
            self.reject_p = min(0.6, max(0.01, per_month(ref) / max(sqls, 1e-6)))
            break
        # value: the first sum sets the mean lead value
        for ref in by_kind.get("sum", []):
            sum_spec = ref.kpi.measure.sum
            assert sum_spec is not None
            index = self._index(m.as_match(sum_spec.of).stage)
            if index is not None:
                leads = self.leads_per_day * DAYS_PER_MONTH * self._reach(0, index)
                self.value_mean = max(100.0, per_month(ref) / max(leads, 1e-6))
                break
        # delays: within and duration measures shape the wait for their `to` event
        for kind in ("within", "duration"):
            for ref in by_kind.get(kind, []):
                spec = ref.kpi.measure.spec
                value = desired(ref, intents[ref.key])
                if kind == "within":
                    rule = _Rule(
                        _key(m.as_match(spec.to)), dict(ref.kpi.where), "within",
                        spec.limit, value, spec.clock,
                    )  # fmt: skip
                else:
                    rule = _Rule(
                        _key(m.as_match(spec.to)), dict(ref.kpi.where), "duration",
                        max(value, 0.1), spec.percentile / 100, spec.clock,
                    )  # fmt: skip
                self.rules.setdefault(_key(m.as_match(spec.from_)), []).append(rule)
        # counted event types that no clock starts (e.g. churned) happen late in life
        for ref in by_kind.get("count", []):
            match = m.as_match(ref.kpi.measure.count or "")
            if match.type in ("entered", "rejected", "accepted", "contacted"):
                continue
            if not any(r.to[0] == match.type for rs in self.rules.values() for r in rs):
                self.tail_types.setdefault(match.type, 0.06)
        # open measures closed by an event nothing else emits: most leads get it in time
        emitted = {r.to for rs in self.rules.values() for r in rs}
        for ref in by_kind.get("open", []):
            waiting = ref.kpi.measure.open
            assert waiting is not None
            start, close = m.as_match(waiting.from_), m.as_match(waiting.to)
            if start.type != "entered" or start.stage is None or close.type == "entered":
                continue
            if (close.type, close.stage) in emitted or close.stage is not None:
                continue
            self.closers.append((start.stage, close.type, waiting.older_than or 24.0))

    # --- one lead ------------------------------------------------------------------

    def _arrivals(self, day: dt.date) -> list[dt.datetime]:
        """Arrival instants of the leads of one local day."""
        cal = self.ws.calendar
        weight = _WEEKDAY_WEIGHT[day.weekday()]
        if day in cal.holidays:
            weight = _HOLIDAY_WEIGHT
        mean_weight = sum(_WEEKDAY_WEIGHT) / 7
        count = _poisson(self.rng, self.leads_per_day * weight / mean_weight)
        tz = cal.tz
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        working = cal.is_working_day(day)
        open_h = cal.start.hour + cal.start.minute / 60
        close_h = cal.end.hour + cal.end.minute / 60
        out = []
        for _ in range(count):
            if working and self.rng.random() < _IN_HOURS:
                hour = self.rng.uniform(open_h, close_h)
            elif working:
                hour = self.rng.uniform(0, 24 - (close_h - open_h))
                hour = hour if hour < open_h else hour + (close_h - open_h)
            else:
                hour = self.rng.uniform(8, 22)
            local = midnight + dt.timedelta(hours=hour)
            out.append(local.replace(tzinfo=None).replace(tzinfo=tz).astimezone(dt.UTC))
        return sorted(out)

    def _lead_row(self, lead_id: str, at: dt.datetime) -> Row:
        rng = self.rng
        segment = _weighted(rng, self.segments)
        source = _weighted(rng, self.sources)
        hot_p = HOT_SHARE * _SEGMENT_HOT.get(segment, 1.0) * (1.4 if source == "referral" else 1)
        value = self.value_mean * _SEGMENT_VALUE.get(segment, 1.0) * rng.lognormvariate(0, 0.35)
        return {
            "lead_id": lead_id,
            "created_at": at,
            "source": source,
            "segment": segment,
            "hot": rng.random() < hot_p,
            "value": round(value / 50) * 50,
            "owner": rng.choice(self.owners),
            "attributes": {
                "company": f"{rng.choice(_COMPANY_A)} {rng.choice(_COMPANY_B)}",
                "employees": int(rng.lognormvariate(4, 1.2)) + 1,
            },
        }

    def _after(self, start: dt.datetime, hours: float, clock: str) -> dt.datetime:
        if clock == "business":
            return self.ws.calendar.add(start, hours)
        return start + dt.timedelta(hours=hours)

    def _actor(self, lead: Row, stage: str | None) -> str | None:
        if stage is None or stage not in self.ws.stages:
            return str(lead["owner"])
        owner_team = self.ws.stages[stage].owner
        if lead["owner"] in self.team_people.get(owner_team, []):
            return str(lead["owner"])
        people = self.team_people.get(owner_team)
        return self.rng.choice(people) if people else None

    def lifecycle(self, lead_id: str, arrival: dt.datetime) -> tuple[Row, list[Row]]:
        """A lead and all its events from `arrival` on (times may lie in the future)."""
        rng = self.rng
        lead = self._lead_row(lead_id, arrival)
        events: list[Row] = []

        def emit(at: dt.datetime, kind: str, stage: str | None, **extra: Any) -> None:
            row = {
                "lead_id": lead_id,
                "at": at,
                "type": kind,
                "stage": stage,
                "actor": self._actor(lead, stage) if kind == "entered" else str(lead["owner"]),
                "extra": extra or None,
            }
            events.append(row)
            follow(at, (kind, stage))

        scheduled: dict[tuple[str, str | None], dt.datetime] = {}

        def follow(at: dt.datetime, key: tuple[str, str | None]) -> None:
            """Emit the follow-up events whose clocks this event starts."""
            chosen: dict[tuple[str, str | None], _Rule] = {}
            for rule in self.rules.get(key, []):
                current = chosen.get(rule.to)
                if not _matches(lead, rule.where):
                    if current is None:
                        chosen[rule.to] = _Rule(rule.to, {}, "within", rule.hours, 0.7, rule.clock)
                    continue
                if current is None or not current.where or len(rule.where) > len(current.where):
                    chosen[rule.to] = rule
            for to, rule in chosen.items():
                hours = rule.draw(rng)
                if hours is None:
                    continue
                when = self._after(at, hours, rule.clock)
                if to[0] == "entered":
                    scheduled[to] = when
                elif to[0] == "accepted" and rejected:
                    continue
                elif to not in done:
                    done.add(to)
                    extra: dict[str, Any] = {}
                    if to[0] == "contacted":
                        extra["channel"] = rng.choice(_CHANNELS)
                    pending.append((when, to, extra))

        done: set[tuple[str, str | None]] = set()
        pending: list[tuple[dt.datetime, tuple[str, str | None], dict[str, Any]]] = []
        entered: dict[str, dt.datetime] = {}
        rejected = False

        def flush(final: bool = False) -> None:
            """Emit pending follow-ups in time order; one tied to a stage waits for it."""
            while True:
                ready = [p for p in pending if p[1][1] is None or p[1][1] in entered]
                if not ready:
                    break
                item = min(ready, key=lambda p: p[0])
                pending.remove(item)
                when, (kind, stage), extra = item
                if stage is not None:
                    when = max(when, entered[stage] + dt.timedelta(hours=1))
                emit(when, kind, stage, **extra)
            if final:
                pending.clear()

        if not self.stages:
            return lead, events
        at = arrival
        entered[self.stages[0]] = at
        emit(at, "entered", self.stages[0])
        for i in range(len(self.stages) - 1):
            flush()
            if rejected or rng.random() >= self.step_p[i]:
                break
            nxt = self.stages[i + 1]
            if ("entered", nxt) in scheduled:
                at = max(at, scheduled[("entered", nxt)])
            elif any(r.to == ("entered", nxt) for rs in self.rules.values() for r in rs):
                break  # the event that starts its clock never came
            else:
                low, high = _STEP_DAYS[min(i, len(_STEP_DAYS) - 1)]
                days = rng.uniform(low, high)
                at = self.ws.calendar.add(at + dt.timedelta(days=days), rng.uniform(0, 1))
            if i + 1 == self.handoff:
                rejected = rng.random() < self.reject_p
                if rejected:
                    when = self.ws.calendar.add(at, rng.uniform(0.5, 16))
                    pending.append((when, ("rejected", None), {"reason": rng.choice(_REASONS)}))
            entered[nxt] = at
            emit(at, "entered", nxt)
        flush(final=True)
        for stage, kind, limit in self.closers:
            if stage in entered:
                draw = rng.random()
                if draw < 0.995:  # the rest never get one: they wait in the attention list
                    factor = rng.uniform(0.1, 0.9) if draw < 0.88 else rng.uniform(1.1, 3.0)
                    emit(entered[stage] + dt.timedelta(hours=limit * factor), kind, None)
        reached = max(self.stages.index(s) for s in entered)
        if reached >= min(len(self.stages) - 1, self.handoff + 2):
            for kind, share in self.tail_types.items():
                if rng.random() < share:
                    late = at + dt.timedelta(days=rng.uniform(20, 200))
                    emit(self.ws.calendar.add(late, rng.uniform(0, 1)), kind, None)
        return lead, sorted(events, key=lambda e: e["at"])


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (normal approximation above 50)."""
    if mean <= 0:
        return 0
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def generate_history(
    ws: Workspace, days: int, seed: int = 0, end: dt.datetime | None = None
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Leads and events of `days` past days ending at `end` (default now), one day a chunk.

    Each chunk holds the leads that arrived on one local day and all of their events
    up to `end`; events after `end` are not yet known and left out. The same
    workspace, seed and end give the same data.
    """
    end = (end or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
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
    on_write: Callable[[int], None] | None = None,
) -> int:
    """Append live events at about `rate` per second for `seconds` (None: until interrupted).

    Each event is stamped with the current time. New leads arrive and leads already
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
    tag = f"live-{int(time.time())}-{seed}"
    counter = itertools.count(1)
    in_flight: list[list[Row]] = []
    written = 0
    start = clock()
    tick = min(0.25, max(0.02, 1 / rate))

    def next_event(now: dt.datetime, leads: list[Row]) -> Row:
        if not in_flight or rng.random() < 0.3 or len(in_flight) > 200:
            lead, plan = sim.lifecycle(f"{tag}-{next(counter):06d}", now)
            lead["created_at"] = now
            leads.append(lead)
            in_flight.append(plan)
        plan = rng.choice(in_flight)
        event = dict(plan.pop(0), at=now)
        if not plan:
            in_flight.remove(plan)
        return event

    while True:
        elapsed = clock() - start
        done = seconds is not None and elapsed >= seconds
        due = int((min(elapsed, seconds) if seconds is not None else elapsed) * rate) - written
        if due > 0:
            now = dt.datetime.now(dt.UTC)
            leads: list[Row] = []
            batch = []
            for n in range(due):
                batch.append(next_event(now + dt.timedelta(microseconds=n), leads))
            with store.write() as conn:
                add_leads(conn, leads)
                add_events(conn, batch)
            written += due
            if on_write is not None:
                on_write(due)
        if done:
            return written
        sleep(tick)
