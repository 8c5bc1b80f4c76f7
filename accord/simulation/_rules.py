"""The shape of simulated funnel data for `accord.simulation`: rates, weights, targets.

Calendar and segment weights, step probabilities and delays, `desired` (the
value a commitment's measure should come out at for a planned outcome) and
`Rule` (a drawn delay or rate around a commitment's target).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Literal

from accord.domain import model as m
from accord.domain.workspace import CommitmentRef

Row = dict[str, Any]
Intent = Literal["met", "at_risk", "breached"]
INTENTS: tuple[Intent, ...] = ("met", "at_risk", "met", "breached")
"""Planned outcome of the n-th commitment, in turn."""

HOT_SHARE = 0.15
DAYS_PER_MONTH = 30.4
WEEKDAY_WEIGHT = (1.3, 1.25, 1.05, 1.0, 0.7, 0.12, 0.08)
"""Relative lead volume Monday..Sunday."""
HOLIDAY_WEIGHT = 0.1
IN_HOURS = 0.85
"""Share of a working day's arrivals inside working hours."""
STEP_P = (0.45, 0.5, 0.55, 0.35, 0.95, 0.8)
"""Default probability of moving from the n-th stage to the next."""
STEP_DAYS = ((0.2, 6.0), (0.5, 12.0), (1.0, 12.0), (7.0, 50.0), (1.0, 7.0), (60.0, 200.0))
"""Default calendar days (low, high) between the n-th stage and the next."""
SOURCES = {
    "website": 30,
    "content": 18,
    "webinar": 12,
    "paid-search": 16,
    "events": 8,
    "referral": 8,
    "partner": 8,
}
SEGMENTS = {"smb": 55, "mid-market": 30, "enterprise": 15}
SEGMENT_VALUE = {"smb": 0.45, "mid-market": 1.3, "enterprise": 3.5}
SEGMENT_HOT = {"smb": 0.8, "mid-market": 1.1, "enterprise": 1.6}
REASONS = ("no budget", "too small", "wrong contact", "no project this year", "duplicate")
CHANNELS = ("phone", "phone", "email", "video call")
COMPANY_A = ("Blue", "North", "Swift", "Green", "Bright", "Iron", "Silver", "Delta", "Nova")
COMPANY_B = ("Logistics", "Foods", "Systems", "Health", "Retail", "Labs", "Energy", "Works")


def match_key(match: m.EventMatch) -> tuple[str, str | None]:
    return (match.type, match.stage)


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


@dataclass
class Rule:
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


def lead_matches(lead: Row, where: dict[str, Any]) -> bool:
    for column, wanted in where.items():
        value = lead.get(column, (lead.get("attributes") or {}).get(column))
        options = wanted if isinstance(wanted, list) else [wanted]
        if value not in options:
            return False
    return True


def poisson(rng: random.Random, mean: float) -> int:
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
