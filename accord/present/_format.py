"""Formatting evaluation results for people: values by unit, targets, periods, statuses.

Used by ``accord status`` and available to the dashboard. Colour is never the only
signal: every status has a word and a symbol.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from accord.domain.workspace import Bounds, Workspace
from accord.metrics import CommitmentResult, Evaluation, Status

if TYPE_CHECKING:
    from rich.table import Table

STATUS_LABEL: dict[Status, tuple[str, str, str]] = {
    "breached": ("✗", "breached", "bold red"),
    "at_risk": ("!", "at risk", "yellow"),
    "on_track": ("→", "on track", "cyan"),
    "met": ("✓", "met", "green"),
    "no_data": ("·", "no data", "dim"),
}
"""Status → (symbol, words, rich style)."""


def format_value(value: float | None, unit: str) -> str:
    """`value` in its unit: ratio as %, hours as "3.5h", counts and money with separators."""
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "hours":
        return f"{value:,.1f}h"
    if unit == "money":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def format_target(bounds: Bounds, unit: str) -> str:
    """ "≥ 120", "≤ 4.0h", "95.0%–100.0%", with "(warn …)" when a warn bound is set."""
    parts = []
    if bounds.min is not None and bounds.max is not None:
        parts.append(f"{format_value(bounds.min, unit)}–{format_value(bounds.max, unit)}")
    elif bounds.min is not None:
        parts.append(f"≥ {format_value(bounds.min, unit)}")
    elif bounds.max is not None:
        parts.append(f"≤ {format_value(bounds.max, unit)}")
    if bounds.warn is not None:
        parts.append(f"(warn {format_value(bounds.warn, unit)})")
    return " ".join(parts)


def format_period(result: CommitmentResult, per: str, tz: ZoneInfo) -> str:
    """The period in local dates: "Nov 2026", "2026-11-16", "30d to 2026-11-16 13:00"."""
    if result.period is None:
        return "open now"
    start = result.period.start.astimezone(tz)
    last = (result.period.end - dt.timedelta(microseconds=1)).astimezone(tz)
    if per in ("30d", "90d"):
        return f"{per} to {result.period.end.astimezone(tz):%Y-%m-%d %H:%M}"
    if per == "day":
        return f"{start:%Y-%m-%d}"
    if per == "month":
        return f"{start:%b %Y}"
    if per == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start:%Y}"
    return f"{start:%Y-%m-%d} – {last:%Y-%m-%d}"


def format_status(result: CommitmentResult) -> str:
    """The status in words with its symbol; no data says over how many leads."""
    symbol, words, _ = STATUS_LABEL[result.status]
    if result.status == "no_data" and result.cohort is not None:
        return f"{symbol} {words} ({result.cohort} leads)"
    return f"{symbol} {words}"


def status_table(evaluation: Evaluation, ws: Workspace) -> Table:
    """A rich table of every commitment, grouped by agreement (agreement rows in bold)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    for column in ("Commitment", "Status", "Value", "Target", "Pace", "Period"):
        right = column in ("Value", "Pace")
        table.add_column(
            column,
            justify="right" if right else "left",
            no_wrap=column not in ("Commitment", "Target"),
            min_width=22 if column == "Commitment" else None,
        )
    bounds = {ref.key: ref for ref in ws.commitments(active_only=False)}
    for agreement_id, status in evaluation.agreements.items():
        symbol, words, style = STATUS_LABEL[status]
        title = ws.agreements[agreement_id].title if agreement_id in ws.agreements else ""
        table.add_row(
            Text(f"{agreement_id} — {title}", style="bold"),
            Text(f"{symbol} {words}", style=f"bold {style}"),
            end_section=False,
        )
        for result in evaluation.commitments:
            if result.agreement != agreement_id:
                continue
            ref = bounds.get((result.agreement, result.id))
            per = ref.commitment.per if ref else "month"
            table.add_row(
                f"  {result.id} ({result.kpi})",
                Text(format_status(result), style=STATUS_LABEL[result.status][2]),
                format_value(result.value, result.unit),
                format_target(ref.bounds, result.unit) if ref else "",
                format_value(result.projected, result.unit) if result.projected is not None else "",
                format_period(result, per, ws.tz),
            )
        table.add_section()
    return table
