"""The text of the commitment detail screen, as plain lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from accord.domain.workspace import Bounds, Workspace
from accord.metrics import CommitmentResult, Period, decide
from accord.present import format_projection, status_label
from tui.logic import format_bounds, format_value, kpi_in_words
from tui.owners import role_line
from tui.rows import commitment_title

Line = tuple[str, str]


def _teams(ws: Workspace, ids: list[str]) -> str:
    return ", ".join(ws.teams[t].name if t in ws.teams else t for t in ids) or "—"


def commitment_lines(
    ws: Workspace,
    key: tuple[str, str],
    result: CommitmentResult | None,
    *,
    evaluating: bool = False,
) -> tuple[str, list[Line]]:
    """Title and facts of one commitment with its current value (while `evaluating`,
    `result` is the previous one, if any)."""
    ref = next(r for r in ws.commitments() if r.key == key)
    c, kpi = ref.commitment, ref.kpi
    lines: list[Line] = [
        ("Promise", c.text),
        ("By → to", f"{_teams(ws, c.by_teams)} → {_teams(ws, c.to_teams)}"),
        ("Target", f"{format_bounds(ref.bounds, kpi.unit)} per {c.per}"),
    ]
    if result is None:
        lines.append(("Now", "evaluating…" if evaluating else "no data yet"))
    else:
        value = format_value(result.value, kpi.unit, cohort=result.cohort)
        status = status_label("evaluating" if evaluating else result.status)
        lines.append(("Now", f"{value} — {status}"))
        lines.append(("Pace", format_projection(result.projected, kpi.unit)))
        if result.leads is not None:
            lines.append(("Waiting leads", f"{len(result.leads):,}"))
    title = f"{ref.agreement.title} › {commitment_title(ws, c.id)}"
    return title, lines


def kpi_lines(ws: Workspace, key: tuple[str, str]) -> list[Line]:
    """The KPI's name, unit, owner and its definition in plain words."""
    ref = next(r for r in ws.commitments() if r.key == key)
    kpi = ref.kpi
    lines: list[Line] = [
        ("KPI", f"{kpi.name} ({kpi.id}, unit: {kpi.unit})"),
        ("Measures", kpi_in_words(kpi, ws, ref.commitment.per)),
    ]
    if kpi.description:
        lines.append(("Meaning", kpi.description))
    if kpi.owner:
        lines.append(("Owner", role_line(ws, kpi.owner)))
    return lines


def agreement_lines(ws: Workspace, agreement_id: str) -> list[Line]:
    """The agreement's text: summary, parties, owners, dates, hand-off, other commitments."""
    a = ws.agreements[agreement_id]
    lines: list[Line] = [
        ("Agreement", f"{a.title} ({a.id}, {a.status})"),
        ("Parties", _teams(ws, a.parties)),
    ]
    if a.summary:
        lines.append(("Summary", a.summary.strip()))
    for i, role in enumerate(a.owners):
        lines.append(("Approvers" if i == 0 else "", role_line(ws, role)))
    if a.effective:
        lines.append(("Effective", a.effective.isoformat()))
    if a.review_by:
        lines.append(("Review by", a.review_by.isoformat()))
    if a.handoff and a.handoff.required_fields:
        lines.append(("Hand-off", ", ".join(a.handoff.required_fields)))
    for i, c in enumerate(a.commitments):
        lines.append(("Commitments" if i == 0 else "", f"{c.id}: {c.text}"))
    return lines


def period_label(period: Period, tz: ZoneInfo) -> str:
    """``2026-11-01 – 2026-11-30`` (end exclusive shown as the last day)."""
    start = period.start.astimezone(tz)
    end = period.end.astimezone(tz) - dt.timedelta(microseconds=1)
    if start.date() == end.date():
        return start.strftime("%Y-%m-%d")
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def period_lines(
    trend: Sequence[tuple[Period, float | None]], unit: str, tz: ZoneInfo
) -> list[Line]:
    """One line per period, newest last."""
    return [(period_label(p, tz), format_value(v, unit)) for p, v in trend]


def history_lines(entries: Sequence[tuple[Any, Sequence[Any]]], tz: ZoneInfo) -> list[Line]:
    """(commit, field changes) pairs, newest first, as ``date sha author`` and change lines."""
    lines: list[Line] = []
    for commit, changes in entries:
        when = commit.date.astimezone(tz).strftime("%Y-%m-%d")
        pr = f" (PR {commit.pr})" if commit.pr else ""
        lines.append((when, f"{commit.short_sha} {commit.author}: {commit.subject}{pr}"))
        for change in changes:
            lines.append(("", f"  {change.describe()}"))
    return lines


def period_rows(
    trend: Sequence[tuple[Period, float | None]],
    bounds: Bounds,
    unit: str,
    tz: ZoneInfo,
    current: CommitmentResult | None = None,
) -> list[tuple[str, str, str, str]]:
    """(period, value, target, status) per period, oldest first. A past period is judged
    on its final value against the target as agreed now; the current one carries its
    evaluation's status (pace included)."""
    target = format_bounds(bounds, unit)
    rows = []
    for i, (period, value) in enumerate(trend):
        last = i == len(trend) - 1
        if last and current is not None and current.period == period:
            status = current.status
        else:
            status = decide(value, bounds, paced=False, projected=None)
        label = period_label(period, tz) + (" (now)" if last else "")
        rows.append((label, format_value(value, unit), target, status_label(status)))
    return rows


CHART_HEIGHT = 6
"""Rows of the detail screen's trend chart."""


def trend_chart(
    values: Sequence[float | None], bounds: Bounds, unit: str, *, column: int = 6
) -> list[str]:
    """The trend as bars, one `column` wide per period, with the target drawn across as a
    dashed line (``╌``) and named at its right; a period without a value is blank."""
    targets = [b for b in (bounds.min, bounds.max) if b is not None]
    known = [v for v in values if v is not None]
    top = max([*known, *targets, 0.0])
    if top <= 0:
        top = 1.0
    height = CHART_HEIGHT
    line_rows = {min(height - 1, max(0, round(t / top * height) - 1)) for t in targets}
    out = []
    for row in range(height - 1, -1, -1):  # top row first
        cells = []
        for value in values:
            level = 0.0 if value is None else value / top * height
            if value is not None and level >= row + 1:
                piece = "█" * (column - 2)
            elif value is not None and level > row:
                piece = " ▁▂▃▄▅▆▇█"[max(1, round((level - row) * 8))] * (column - 2)
            elif row in line_rows:
                piece = "╌" * (column - 2)
            else:
                piece = " " * (column - 2)
            gap = "╌" if row in line_rows else " "
            cells.append(gap + piece + gap)
        text = "".join(cells)
        if row in line_rows:
            text += " target " + format_bounds(bounds, unit, warn=False)
        out.append(text.rstrip())
    return out
