"""The status rules of SPEC §4: value, bounds and pace → a commitment's status."""

from __future__ import annotations

import math
from fractions import Fraction

from accord.domain.workspace import Bounds
from accord.metrics._results import Status, worst

PACED_KINDS = ("count", "sum")
ROLLING = ("30d", "90d")


def has_pace(kind: str, per: str) -> bool:
    """Pace applies to `count` and `sum` over calendar periods (not rolling windows)."""
    return kind in PACED_KINDS and per not in ROLLING


def project(value: float, fraction: float) -> float | None:
    """The value at the period's end at the same rate; None at the period's first instant."""
    if fraction <= 0:
        return None
    return value / fraction


def decide(value: float | None, bounds: Bounds, *, paced: bool, projected: float | None) -> Status:
    """The status of a commitment (SPEC §4).

    `paced` says the period is running and pace applies (count/sum, calendar period);
    `projected` is then the value projected to the period's end (None at the very
    first instant of the period, when no pace can be told: the status is then
    `on_track` below a min and `met` below a max).
    """
    if value is None:
        return "no_data"
    found: list[Status] = []
    if bounds.min is not None:
        if value >= bounds.min:
            found.append("met")
        elif paced:
            found.append("on_track" if projected is None or projected >= bounds.min else "at_risk")
        elif bounds.warn is not None and value >= bounds.warn:
            found.append("at_risk")
        else:
            found.append("breached")
    if bounds.max is not None:
        if value > bounds.max:
            found.append(
                "at_risk" if bounds.warn is not None and value <= bounds.warn else "breached"
            )
        elif paced and projected is not None and projected > bounds.max:
            found.append("at_risk")
        else:
            found.append("met")
    return worst(found)


def nearest_rank(values: list[float], percentile: float, *, ordered: bool = False) -> float | None:
    """The nearest-rank `percentile` (0 < P <= 100) of `values` (already sorted when
    `ordered`); None when empty."""
    if not values:
        return None
    if not ordered:
        values = sorted(values)
    rank = math.ceil(Fraction(str(percentile)) * len(values) / 100)
    return values[max(rank, 1) - 1]
