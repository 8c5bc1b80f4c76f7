"""What an evaluation returns: plain, immutable values the CLI, dashboard and wiki render.

`Evaluation.to_json()` is exactly the ``accord status --json`` shape (docs/reference/formats.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.domain.clock import iso_z
from accord.domain.workspace import CommitmentRef
from accord.store import StoreInfo

Status = Literal["breached", "at_risk", "on_track", "met", "no_data"]
SEVERITY: tuple[Status, ...] = ("breached", "at_risk", "on_track", "met", "no_data")
"""Statuses from most to least severe."""


def worst(statuses: list[Status]) -> Status:
    """The most severe status; `no_data` only when all are (or there are none)."""
    present = [s for s in statuses if s != "no_data"]
    if not present:
        return "no_data"
    return min(present, key=SEVERITY.index)


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class CommitmentResult:
    """One commitment evaluated as of an instant."""

    agreement: str
    id: str
    kpi: str
    unit: str
    period: Period | None
    value: float | None
    target: dict[str, Any]
    """The target as written in YAML (``accord status --json`` echoes it back)."""
    status: Status
    projected: float | None = None
    leads: list[str] | None = None
    """Lead ids, for `open` measures."""
    cohort: int | None = None
    """How many leads the value is over (0 → "no data (0 leads)")."""
    ref: CommitmentRef | None = field(default=None, compare=False, repr=False)
    """The commitment itself (its agreement, KPI and bounds), so a face need not join
    the result back to the workspace by ids. None only for hand-made results."""

    def to_json(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "id": self.id,
            "kpi": self.kpi,
            "period": None
            if self.period is None
            else {"start": iso_z(self.period.start), "end": iso_z(self.period.end)},
            "value": self.value,
            "target": self.target,
            "status": self.status,
            "projected": self.projected,
            "leads": self.leads,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every commitment of the active agreements, evaluated as of `as_of`."""

    as_of: dt.datetime
    store: StoreInfo
    agreements: dict[str, Status]
    commitments: list[CommitmentResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": iso_z(self.as_of),
            "store": self.store.to_json(),
            "agreements": [{"id": k, "status": v} for k, v in self.agreements.items()],
            "commitments": [c.to_json() for c in self.commitments],
        }


@dataclass(frozen=True)
class StageCount:
    """Distinct leads that entered a funnel stage in a period."""

    stage: str
    name: str
    count: int
    conversion_from_previous: float | None
    """count ÷ the previous stage's count; None for the first stage or when that is 0."""


@dataclass(frozen=True)
class AttentionItem:
    """A lead waiting in the result of an `open` measure (the dashboard's attention list)."""

    lead_id: str
    agreement: str
    commitment: str
    kpi: str
    since: dt.datetime
    """When the wait began: the lead's first `from` event."""
    age_hours: float
    """Hours waited by the evaluation instant, on the measure's clock."""
    owner: str | None
    hot: bool | None
    stage: str | None
    """The stage the lead last entered (as of the evaluation instant)."""
