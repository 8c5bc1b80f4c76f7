"""The text of every panel's rows, computed from a `Snapshot` and the workspace.

Plain functions returning plain tuples, so the panels only paint them and the
tests check them without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import CommitmentResult
from accord.present import format_conversion, format_projection, status_label
from tui.data import Snapshot, StageRow, WaitingLead
from tui.logic import (
    PER_SHORT,
    age_hours,
    bar,
    clip,
    format_age,
    format_bounds,
    format_value,
    matches,
)


@dataclass(frozen=True)
class FunnelCells:
    key: str
    name: str
    count: str
    bar: str
    conversion: str


NAME_WIDTH = 13
LABEL_WIDTH = 17


def funnel_cells(rows: Sequence[StageRow], bar_width: int) -> list[FunnelCells]:
    """One row per stage, bars scaled to the largest count."""
    top = max((r.count for r in rows), default=0)
    return [
        FunnelCells(
            key=r.stage,
            name=clip(r.name, NAME_WIDTH),
            count=f"{r.count:,}",
            bar=bar(r.count / top if top else 0.0, bar_width),
            conversion=format_conversion(r.conversion),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class CommitmentCells:
    key: str
    """``a:<agreement>`` for an agreement's heading row, ``c:<agreement>/<id>`` for a commitment."""
    label: str
    value: str
    target: str
    status: str
    """The raw status (breached, at_risk, …); `status_label` gives its text."""
    pace: str
    trend: tuple[float, ...] | None
    """The values of the trend's periods; None while it is being computed."""


def commitment_key(key: tuple[str, str]) -> str:
    return f"c:{key[0]}/{key[1]}"


def parse_commitment_key(row_key: str) -> tuple[str, str] | None:
    if not row_key.startswith("c:"):
        return None
    agreement, _, ident = row_key[2:].partition("/")
    return agreement, ident


def _ref_matches(ref: CommitmentRef, query: str) -> bool:
    return matches(
        query,
        ref.agreement.id,
        ref.agreement.title,
        ref.commitment.id,
        ref.commitment.text,
        ref.kpi.id,
        ref.kpi.name,
    )


def commitment_cells(
    ws: Workspace, snap: Snapshot | None, query: str = ""
) -> list[CommitmentCells]:
    """Agreement heading rows, each followed by its commitments (filtered by `query`)."""
    out: list[CommitmentCells] = []
    by_agreement: dict[str, list[CommitmentRef]] = {}
    for ref in ws.commitments():
        if _ref_matches(ref, query):
            by_agreement.setdefault(ref.agreement.id, []).append(ref)
    statuses = snap.evaluation.agreements if snap else {}
    for agreement_id, refs in by_agreement.items():
        agreement = refs[0].agreement
        status: str = statuses.get(agreement_id, "no_data")
        if any(waiting(snap, ref.key) for ref in refs):
            status = "evaluating"
        out.append(
            CommitmentCells(
                f"a:{agreement_id}", clip(agreement.title, LABEL_WIDTH), "", "", status, "", ()
            )
        )
        for ref in refs:
            result = snap.result(ref.key) if snap else None
            unit = ref.kpi.unit
            pending = waiting(snap, ref.key)
            value = "…" if pending and result is None else value_cell(result, unit)
            out.append(
                CommitmentCells(
                    key=commitment_key(ref.key),
                    label=" " + clip(ref.commitment.id, LABEL_WIDTH - 1),
                    value=value,
                    target=format_bounds(ref.bounds, unit, warn=False)
                    + f"/{PER_SHORT.get(ref.commitment.per, ref.commitment.per)}",
                    status="evaluating" if pending else result.status if result else "no_data",
                    pace=format_projection(result.projected if result else None, unit),
                    trend=trend_values(snap, ref.key),
                )
            )
    return out


def waiting(snap: Snapshot | None, key: tuple[str, str]) -> bool:
    """Whether the commitment's value is still being computed (before the first snapshot,
    or pending in it: a result it has is the previous one, shown as updating)."""
    return snap is None or key in snap.pending


def trend_values(snap: Snapshot | None, key: tuple[str, str]) -> tuple[float, ...] | None:
    """The commitment's trend values (periods without a value left out); None while the
    trend is being computed."""
    trend = snap.trends.get(key) if snap else None
    if trend is None:
        return None if snap is None or not snap.trends_known else ()
    return tuple(v for _, v in trend if v is not None)


@dataclass(frozen=True)
class AttentionCells:
    key: str
    lead: str
    age: str
    owner: str
    stage: str
    breaks: str
    hot: str


def waiting_matches(lead: WaitingLead, query: str) -> bool:
    return matches(
        query, lead.lead_id, lead.owner, lead.stage, lead.agreement, lead.commitment, lead.kpi
    )


def attention_cells(
    ws: Workspace, leads: Sequence[WaitingLead], now: dt.datetime
) -> list[AttentionCells]:
    """Rows of waiting leads with their age at `now` on their agreement's clock."""
    out = []
    for i, lead in enumerate(leads):
        stage = ws.stages.get(lead.stage or "")
        out.append(
            AttentionCells(
                key=f"{i}:{lead.lead_id}:{lead.agreement}/{lead.commitment}",
                lead=clip(lead.lead_id, 12),
                age=age_text(ws, lead, now),
                owner=clip(lead.owner or "—", 10),
                stage=clip(stage.name if stage else (lead.stage or "—"), 12),
                breaks=clip(lead.commitment, 16),
                hot="hot" if lead.hot else "",
            )
        )
    return out


def age_text(ws: Workspace, lead: WaitingLead, now: dt.datetime) -> str:
    """The lead's wait at `now`, on its agreement's clock (working hours for business)."""
    return format_age(age_hours(lead.since, now, lead.clock, ws.calendar))


def value_cell(result: CommitmentResult | None, unit: str) -> str:
    """The value column: the value, ``(0 leads)`` for an empty cohort, ``—`` for no data."""
    if result is None or result.value is None:
        if result is not None and result.cohort is not None:
            return f"({result.cohort} leads)"
        return "—"
    return format_value(result.value, unit)


def status_text(status: str) -> str:
    return status_label(status)
