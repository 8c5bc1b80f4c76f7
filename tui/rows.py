"""The text of every panel's rows, computed from a `Snapshot` and the workspace.

Plain functions returning plain tuples, so the panels only paint them and the
tests check them without a terminal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import CommitmentResult
from accord.present import format_conversion, human_title, status_label
from tui.data import Snapshot, StageRow, WaitingLead
from tui.logic import (
    PER_SHORT,
    age_hours,
    bar,
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


def funnel_cells(rows: Sequence[StageRow], bar_width: int) -> list[FunnelCells]:
    """One row per stage, bars scaled to the largest count; names in full (the panel
    sizes its columns, `tui.layout`)."""
    top = max((r.count for r in rows), default=0)
    return [
        FunnelCells(
            key=r.stage,
            name=r.name,
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
    promise: str = ""
    """The commitment's text ("Marketing delivers at least 120 …")."""
    who: str = ""
    """Who promises to whom: "Marketing → Sales"."""


def commitment_key(key: tuple[str, str]) -> str:
    return f"c:{key[0]}/{key[1]}"


def parse_commitment_key(row_key: str) -> tuple[str, str] | None:
    if not row_key.startswith("c:"):
        return None
    agreement, _, ident = row_key[2:].partition("/")
    return agreement, ident


def _ref_matches(ref: CommitmentRef, query: str, ws: Workspace | None = None) -> bool:
    return matches(
        query,
        ref.agreement.id,
        ref.agreement.title,
        ref.commitment.id,
        commitment_title(ws, ref.commitment.id) if ws is not None else "",
        ref.commitment.text,
        ref.kpi.id,
        ref.kpi.name,
    )


def _by_to(ws: Workspace, ref: CommitmentRef) -> str:
    def teams(ids: list[str]) -> str:
        return ", ".join(ws.teams[t].name if t in ws.teams else t for t in ids) or "—"

    by, to = ref.commitment.by_teams, ref.commitment.to_teams
    if not by and not to:
        return ""
    if not to:
        return f"by {teams(by)}"
    return f"{teams(by)} → {teams(to)}" if by else f"to {teams(to)}"


def commitment_title(ws: Workspace, ident: str) -> str:
    """A commitment's name for people: its id in words, glossary terms as written
    (``sql-volume`` → "SQL volume", `accord.present.human_title`)."""

    def term(key: str) -> str | None:
        found = ws.terms.get(key)
        return found.term if found is not None else None

    return human_title(ident, term)


def person_name(ws: Workspace, ident: str | None) -> str:
    """A lead owner's full name (the store names a person by id or git handle); the
    text as stored when nobody in the workspace has it; ``—`` for none."""
    if not ident:
        return "—"
    member = ws.people.get(ident)
    if member is not None:
        return member.person.name
    handle = ident.lstrip("@").lower()
    for member in ws.people.values():
        if member.person.git and member.person.git.lstrip("@").lower() == handle:
            return member.person.name
    return ident


def pace_text(projected: float | None, unit: str) -> str:
    """Pace as the dashboard shows it: ``→ 294``, money compact (``→ 334.0k``); ``—``
    where no pace applies."""
    if projected is None:
        return "—"
    if unit in ("count", "money") and math.isfinite(projected):
        projected = float(round(projected))
    return f"→ {format_value(projected, unit)}"


def commitment_cells(
    ws: Workspace, snap: Snapshot | None, query: str = ""
) -> list[CommitmentCells]:
    """Agreement heading rows, each followed by its commitments (filtered by `query`)."""
    out: list[CommitmentCells] = []
    by_agreement: dict[str, list[CommitmentRef]] = {}
    for ref in ws.commitments():
        if _ref_matches(ref, query, ws):
            by_agreement.setdefault(ref.agreement.id, []).append(ref)
    statuses = snap.evaluation.agreements if snap else {}
    for agreement_id, refs in by_agreement.items():
        agreement = refs[0].agreement
        status: str = statuses.get(agreement_id, "no_data")
        if any(waiting(snap, ref.key) for ref in refs):
            status = "evaluating"
        out.append(CommitmentCells(f"a:{agreement_id}", agreement.title, "", "", status, "", ()))
        for ref in refs:
            result = snap.result(ref.key) if snap else None
            unit = ref.kpi.unit
            pending = waiting(snap, ref.key)
            value = "…" if pending and result is None else value_cell(result, unit)
            out.append(
                CommitmentCells(
                    key=commitment_key(ref.key),
                    label=" " + commitment_title(ws, ref.commitment.id),
                    value=value,
                    target=format_bounds(ref.bounds, unit, warn=False)
                    + f"/{PER_SHORT.get(ref.commitment.per, ref.commitment.per)}",
                    status="evaluating" if pending else result.status if result else "no_data",
                    pace=pace_text(result.projected if result else None, unit),
                    trend=trend_values(snap, ref.key),
                    promise=" ".join(ref.commitment.text.split()),
                    who=_by_to(ws, ref),
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
    name: str
    """The company or lead name from the lead's attributes ("" when it has none)."""
    lead: str
    age: str
    owner: str
    stage: str
    breaks: str
    """The commitment it breaks, by its title ("No hot lead waiting")."""
    hot: str


ATTENTION_HEADERS = {
    "name": "Company",
    "lead": "Lead",
    "age": "Waiting",
    "owner": "Owner",
    "stage": "Stage",
    "breaks": "Breaks",
    "hot": "Hot",
}
"""Every column of the attention list has a header."""

SORTS = ("waiting", "owner", "commitment")
"""The orders of the attention list: longest wait first, by owner, by commitment."""


def waiting_matches(lead: WaitingLead, query: str) -> bool:
    return matches(
        query,
        lead.lead_id,
        lead.name,
        lead.owner,
        lead.stage,
        lead.agreement,
        lead.commitment,
        lead.kpi,
    )


def sort_leads(
    ws: Workspace, leads: Sequence[WaitingLead], by: str, now: dt.datetime, *, reverse: bool = False
) -> list[WaitingLead]:
    """`leads` in the order `by` (one of `SORTS`): waiting time (longest first, on each
    lead's clock), owner (full name, A–Z) or commitment (title, A–Z), each then by the
    longest wait; `reverse` turns the order round."""

    def wait(lead: WaitingLead) -> float:
        return age_hours(lead.since, now, lead.clock, ws.calendar)

    def key(lead: WaitingLead) -> tuple[str, float, str]:
        if by == "owner":
            first = person_name(ws, lead.owner).lower()
        elif by == "commitment":
            first = commitment_title(ws, lead.commitment).lower()
        else:
            first = ""
        return (first, -wait(lead), lead.lead_id)

    return sorted(leads, key=key, reverse=reverse)


def attention_cells(
    ws: Workspace, leads: Sequence[WaitingLead], now: dt.datetime
) -> list[AttentionCells]:
    """Rows of waiting leads with their age at `now` on their agreement's clock; names
    in full (the panel sizes its columns, `tui.layout`)."""
    out = []
    for i, lead in enumerate(leads):
        stage = ws.stages.get(lead.stage or "")
        out.append(
            AttentionCells(
                key=f"{i}:{lead.lead_id}:{lead.agreement}/{lead.commitment}",
                name=lead.name or "",
                lead=lead.lead_id,
                age=age_text(ws, lead, now),
                owner=person_name(ws, lead.owner),
                stage=stage.name if stage else (lead.stage or "—"),
                breaks=commitment_title(ws, lead.commitment),
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
