"""Which commitments are measured, and when: the evaluation instant, the agreements
in force, and a commitment's period."""

from __future__ import annotations

import datetime as dt

from accord.domain import model as m
from accord.domain.calendar import period_bounds
from accord.domain.clock import Clock, system_now
from accord.domain.workspace import CommitmentRef, Workspace


def resolve_at(ws: Workspace, at: dt.datetime | None, now: Clock = system_now) -> dt.datetime:
    """The evaluation instant in UTC: `now()` by default; a naive time is read in the
    workspace's zone."""
    if at is None:
        return now().astimezone(dt.UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=ws.tz)
    return at.astimezone(dt.UTC)


def in_force(ws: Workspace, at: dt.datetime) -> list[m.Agreement]:
    """Active agreements whose `effective` date (if any) is on or before `at` (local date)."""
    today = at.astimezone(ws.tz).date()
    return [
        a
        for a in ws.agreements.values()
        if a.status == "active" and (a.effective is None or a.effective <= today)
    ]


def measured(ws: Workspace, at: dt.datetime) -> list[CommitmentRef]:
    """The commitments of the agreements in force at `at`."""
    ids = {a.id for a in in_force(ws, at)}
    return [ref for ref in ws.commitments() if ref.agreement.id in ids]


def window_of(
    ws: Workspace, ref: CommitmentRef, at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The period of the commitment containing `at` (``(at - N days, at)`` when rolling)."""
    return period_bounds(ref.commitment.per, at, ws.tz)
