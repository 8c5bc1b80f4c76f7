"""The status rules of docs/reference/metrics.md: value, bounds and pace → a commitment's status."""

from __future__ import annotations

from accord.domain.measures import MeasureKind
from accord.domain.workspace import Bounds
from accord.metrics._results import Status, worst

ROLLING = ("30d", "90d")


def has_pace(kind: MeasureKind, per: str) -> bool:
    """Pace applies to the paced kinds (count, sum) over calendar periods, not rolling
    windows."""
    return kind.paced and per not in ROLLING


def project(value: float, fraction: float) -> float | None:
    """The value at the period's end at the same rate; None at the period's first instant."""
    if fraction <= 0:
        return None
    return value / fraction


def decide(value: float | None, bounds: Bounds, *, paced: bool, projected: float | None) -> Status:
    """The status of a commitment (docs/reference/metrics.md).

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
