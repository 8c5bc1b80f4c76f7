"""The seeded funnel generator behind `accord.simulation`: `Simulator`.

It calibrates step probabilities and delays to the workspace's commitments,
draws arrivals along the business calendar and plays each lead's lifecycle.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from accord.domain import model as m
from accord.domain.workspace import CommitmentRef, Workspace
from accord.simulation._rules import (
    CHANNELS,
    COMPANY_A,
    COMPANY_B,
    DAYS_PER_MONTH,
    HOLIDAY_WEIGHT,
    HOT_SHARE,
    IN_HOURS,
    INTENTS,
    REASONS,
    SEGMENT_HOT,
    SEGMENT_VALUE,
    SEGMENTS,
    SOURCES,
    STEP_DAYS,
    STEP_P,
    WEEKDAY_WEIGHT,
    Row,
    Rule,
    desired,
    lead_matches,
    match_key,
    poisson,
    weighted,
)

Key = tuple[str, str | None]
"""An event's (type, stage)."""
ROLLING_DAYS = {"30d": 30.0, "90d": 90.0}


def _add(table: dict[str, list[Key]], stage: str, key: Key) -> None:
    keys = table.setdefault(stage, [])
    if key not in keys:
        keys.append(key)


@dataclass
class Simulator:
    """The seeded generator for one workspace (see the module docstring)."""

    ws: Workspace
    seed: int = 0
    hot_share: float = HOT_SHARE
    """The share of hot leads before the segment and referral factors."""
    rng: random.Random = field(init=False)
    stages: list[str] = field(init=False)
    step_p: list[float] = field(init=False)
    leads_per_day: float = field(init=False, default=25.0)
    value_mean: float = field(init=False, default=15000.0)
    reject_p: float = field(init=False, default=0.12)
    handoff: int = field(init=False, default=2)
    rules: dict[tuple[str, str | None], list[Rule]] = field(init=False)
    tail_types: dict[str, float] = field(init=False)
    closers: list[tuple[str, str, float]] = field(init=False)
    """(from stage, closing event type, older_than hours) of `open` measures whose
    `to` is an event no other rule emits, e.g. Sales' decision on an SQL."""
    waits: dict[str, list[Key]] = field(init=False)
    """Per stage, the events that end a wait of an `open` measure in it (the demo:
    `contacted` and `decided` in sql, `completed` in onboarding)."""
    follow_ups: dict[str, list[Key]] = field(init=False)
    """Per stage, the follow-up events the rules emit while a lead is in it (`accepted`
    and `contacted` in sql, `handed-over` in customer, `completed` in onboarding)."""
    owners: list[str] = field(init=False)
    team_people: dict[str, list[str]] = field(init=False)
    sources: dict[str, float] = field(init=False)
    segments: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        ws = self.ws
        self.stages = [s.id for s in ws.funnel]
        n = max(0, len(self.stages) - 1)
        self.step_p = [STEP_P[min(i, len(STEP_P) - 1)] for i in range(n)]
        self.rules = {}
        self.tail_types = {}
        self.closers = []
        self.waits = {}
        self.follow_ups = {}
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
        self.sources = dict(SOURCES)
        self.segments = dict(SEGMENTS)
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
            aim = desired(ref, intents[ref.key])
            window = ROLLING_DAYS.get(ref.commitment.per)
            if window is not None:  # the window's young leads have not converted yet
                spec = ref.kpi.measure.conversion
                assert spec is not None
                aim = min(0.97, aim / self.maturity(a, b, window, spec.within))
            scale = (aim / self._reach(a, b)) ** (1 / (b - a))
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
                    rule = Rule(
                        match_key(m.as_match(spec.to)), dict(ref.kpi.where), "within",
                        spec.limit, value, spec.clock,
                    )  # fmt: skip
                else:
                    rule = Rule(
                        match_key(m.as_match(spec.to)), dict(ref.kpi.where), "duration",
                        max(value, 0.1), spec.percentile / 100, spec.clock,
                    )  # fmt: skip
                self.rules.setdefault(match_key(m.as_match(spec.from_)), []).append(rule)
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
        for ref in by_kind.get("open", []):
            waiting = ref.kpi.measure.open
            assert waiting is not None
            start, close = m.as_match(waiting.from_), m.as_match(waiting.to)
            if start.type == "entered" and start.stage is not None and close.type != "entered":
                _add(self.waits, start.stage, (close.type, close.stage))
        for (kind, stage), rules in self.rules.items():
            for rule in rules:
                if rule.to[0] == "entered":
                    continue
                home = rule.to[1] or (stage if kind == "entered" else None)
                if home is not None:
                    _add(self.follow_ups, home, rule.to)

    def maturity(self, a: int, b: int, window_days: float, within: float | None) -> float:
        """What share of a conversion from stage `a` to `b` (within `within` hours) a
        rolling window of `window_days` shows: its youngest leads are still on their way.

        The delays are the default step delays (plus about half a day for working
        time); the window's `from` arrivals are spread evenly over it.
        """
        rng = random.Random(f"maturity-{a}-{b}")
        limit = math.inf if within is None else within / 24
        shown = reached = 0.0
        steps = [STEP_DAYS[min(i, len(STEP_DAYS) - 1)] for i in range(a, b)]
        for _ in range(2000):
            days = sum(rng.uniform(low, high) + 0.5 for low, high in steps)
            if days <= limit:
                reached += 1
                shown += max(0.0, window_days - days) / window_days
        return max(0.05, shown / reached) if reached else 1.0

    def month_aims(self) -> dict[str, float]:
        """Stage entries a month the calibrated model expects, per stage."""
        per_month = self.leads_per_day * DAYS_PER_MONTH
        return {s: per_month * self._reach(0, i) for i, s in enumerate(self.stages)}

    # --- one lead ------------------------------------------------------------------

    def _arrivals(self, day: dt.date) -> list[dt.datetime]:
        """Arrival instants of the leads of one local day."""
        cal = self.ws.calendar
        weight = WEEKDAY_WEIGHT[day.weekday()]
        if day in cal.holidays:
            weight = HOLIDAY_WEIGHT
        mean_weight = sum(WEEKDAY_WEIGHT) / 7
        count = poisson(self.rng, self.leads_per_day * weight / mean_weight)
        tz = cal.tz
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        working = cal.is_working_day(day)
        open_h = cal.start.hour + cal.start.minute / 60
        close_h = cal.end.hour + cal.end.minute / 60
        out = []
        for _ in range(count):
            if working and self.rng.random() < IN_HOURS:
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
        segment = weighted(rng, self.segments)
        source = weighted(rng, self.sources)
        hot_p = (
            self.hot_share * SEGMENT_HOT.get(segment, 1.0) * (1.4 if source == "referral" else 1)
        )
        value = self.value_mean * SEGMENT_VALUE.get(segment, 1.0) * rng.lognormvariate(0, 0.35)
        return {
            "lead_id": lead_id,
            "created_at": at,
            "source": source,
            "segment": segment,
            "hot": rng.random() < hot_p,
            "value": round(value / 50) * 50,
            "owner": rng.choice(self.owners),
            "attributes": {
                "company": f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}",
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
            chosen: dict[tuple[str, str | None], Rule] = {}
            for rule in self.rules.get(key, []):
                current = chosen.get(rule.to)
                if not lead_matches(lead, rule.where):
                    if current is None:
                        chosen[rule.to] = Rule(rule.to, {}, "within", rule.hours, 0.7, rule.clock)
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
                        extra["channel"] = rng.choice(CHANNELS)
                    pending.append((when, to, extra))

        done: set[tuple[str, str | None]] = set()
        pending: list[tuple[dt.datetime, tuple[str, str | None], dict[str, Any]]] = []
        entered: dict[str, dt.datetime] = {}
        rejected = False
        rejected_at: dt.datetime | None = None

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
                low, high = STEP_DAYS[min(i, len(STEP_DAYS) - 1)]
                days = rng.uniform(low, high)
                at = self.ws.calendar.add(at + dt.timedelta(days=days), rng.uniform(0, 1))
            if i + 1 == self.handoff:
                rejected = rng.random() < self.reject_p
                if rejected:
                    when = self.ws.calendar.add(at, rng.uniform(0.5, 16))
                    rejected_at = when
                    pending.append((when, ("rejected", None), {"reason": rng.choice(REASONS)}))
            entered[nxt] = at
            emit(at, "entered", nxt)
        flush(final=True)
        for stage, kind, limit in self.closers:
            if stage not in entered:
                continue
            leave = self._leave(stage, entered, rejected_at)
            if leave is not None:  # the decision is what moves the lead on (or back)
                early = dt.timedelta(minutes=rng.uniform(0, 30))
                emit(max(entered[stage], leave - early), kind, None)
                continue
            draw = rng.random()
            if draw < 0.995:  # the rest never get one: they wait in the attention list
                factor = rng.uniform(0.1, 0.9) if draw < 0.88 else rng.uniform(1.1, 3.0)
                when = entered[stage] + dt.timedelta(hours=limit * factor)
                keys = self.follow_ups.get(stage, [])
                last = max(
                    (e["at"] for e in events if (e["type"], e["stage"]) in keys), default=None
                )
                if last is not None and last >= when:  # Sales decides after its follow-ups
                    when = last + dt.timedelta(hours=rng.uniform(0.5, 24))
                emit(when, kind, None)
        self._settle(lead, events, entered, rejected_at)
        reached = max(self.stages.index(s) for s in entered)
        if reached >= min(len(self.stages) - 1, self.handoff + 2):
            for kind, share in self.tail_types.items():
                if rng.random() < share:
                    late = at + dt.timedelta(days=rng.uniform(20, 200))
                    emit(self.ws.calendar.add(late, rng.uniform(0, 1)), kind, None)
        return lead, sorted(events, key=lambda e: e["at"])

    def _leave(
        self, stage: str, entered: dict[str, dt.datetime], rejected_at: dt.datetime | None
    ) -> dt.datetime | None:
        """When a lead left `stage`: it entered the next stage, or was rejected in it."""
        i = self.stages.index(stage)
        if i + 1 < len(self.stages) and self.stages[i + 1] in entered:
            return entered[self.stages[i + 1]]
        last = max(entered, key=self.stages.index)
        if rejected_at is not None and last == stage and rejected_at >= entered[stage]:
            return rejected_at
        return None

    def _settle(
        self,
        lead: Row,
        events: list[Row],
        entered: dict[str, dt.datetime],
        rejected_at: dt.datetime | None,
    ) -> None:
        """Close every wait a lead ends: what a lead waits for in a stage (an `open`
        measure's `to`) comes at or before it leaves the stage — moves on, is rejected,
        or is decided (a decision follows the first contact); moving on also needs the
        stage's follow-ups before the decision (an SQL is accepted, then becomes an
        opportunity).

        A wait whose event never came is moved into the stay, or added there.
        """
        for stage, since in entered.items():
            leave = self._leave(stage, entered, rejected_at)
            moved = leave is not None and leave != rejected_at
            decisions = {kind for at_stage, kind, _ in self.closers if at_stage == stage}
            decided = min(
                (e["at"] for e in events if e["type"] in decisions and e["at"] >= since),
                default=None,
            )
            ends = [t for t in (leave, decided) if t is not None]
            if not ends:
                continue  # still in the stage: it may wait
            keys = list(self.waits.get(stage, []))
            if moved:
                keys += self.follow_ups.get(stage, [])
            need = {key: min(ends) for key in keys if key[0] not in decisions}
            for (kind, at_stage), deadline in need.items():
                found = [
                    e
                    for e in events
                    if e["type"] == kind
                    and (at_stage is None or e["stage"] == at_stage)
                    and e["at"] >= since
                ]
                first = min(found, key=lambda e: e["at"], default=None)
                if first is not None and first["at"] <= deadline:
                    continue
                when = since + (deadline - since) * self.rng.uniform(0.05, 0.95)
                if first is not None:
                    first["at"] = when
                    continue
                extra = {"channel": self.rng.choice(CHANNELS)} if kind == "contacted" else None
                events.append(
                    {
                        "lead_id": lead["lead_id"],
                        "at": when,
                        "type": kind,
                        "stage": at_stage,
                        "actor": str(lead["owner"]),
                        "extra": extra,
                    }
                )
