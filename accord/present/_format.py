"""How a value, a target, a status, a pace and a period read — the same on every face.

The CLI (`accord status`), the dashboard and the wiki show numbers with these
functions only: a ratio is ``95%`` or ``64.2%``, a duration ``4h`` or ``2h 46m``,
a count ``1,180``, money ``10,000`` (``45.3k`` where space is short), a target
``≥ 95%`` (``(warn 90%)``), a pace ``→ 1,642``, and a status a symbol and a word
(``✖ breached``), never colour alone.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from accord.domain.workspace import Bounds, Workspace
from accord.metrics import CommitmentResult, Evaluation, Status

if TYPE_CHECKING:
    from rich.table import Table

STATUS_LABEL: dict[str, tuple[str, str]] = {
    "breached": ("✖", "breached"),
    "at_risk": ("▲", "at risk"),
    "on_track": ("●", "on track"),
    "met": ("✔", "met"),
    "no_data": ("○", "no data"),
    "evaluating": ("…", "evaluating"),
}
"""Status → (symbol, words). "evaluating" is shown while a value is being computed."""

_RICH_STYLE: dict[Status, str] = {
    "breached": "bold red",
    "at_risk": "yellow",
    "on_track": "cyan",
    "met": "green",
    "no_data": "dim",
}


def status_label(status: str) -> str:
    """``"✖ breached"``: a symbol and a word, readable without colour."""
    symbol, word = STATUS_LABEL.get(status, ("?", status.replace("_", " ")))
    return f"{symbol} {word}"


def _group(number: float) -> str:
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.1f}"


def format_hours(hours: float) -> str:
    """Hours as ``45m``, ``4h``, ``3h 15m``, ``2d 4h`` (rounded to the minute)."""
    if not math.isfinite(hours):
        return "—"
    sign = "-" if hours < 0 else ""
    minutes = round(abs(hours) * 60)
    if minutes < 60:
        return f"{sign}{minutes}m"
    if minutes < 48 * 60:
        h, mins = divmod(minutes, 60)
        return f"{sign}{h}h" if mins == 0 else f"{sign}{h}h {mins:02d}m"
    d, rest = divmod(minutes, 24 * 60)
    h = rest // 60
    return f"{sign}{d}d" if h == 0 else f"{sign}{d}d {h}h"


def format_money(amount: float, *, compact: bool = False) -> str:
    """Money: ``10,000`` or ``1,234.5``; compact ``45.3k``, ``1.2M`` from 10,000 up."""
    size = abs(amount)
    if compact and size >= 1_000_000:
        return f"{amount / 1_000_000:.1f}M"
    if compact and size >= 10_000:
        return f"{amount / 1000:.1f}k"
    return _group(round(amount, 2))


def format_value(
    value: float | None, unit: str, *, cohort: int | None = None, compact: bool = False
) -> str:
    """A KPI value in its unit; `None` is "no data", with the cohort size when known.

    A ratio over an empty cohort is "no data (0 leads)", never 100%.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "no data" if cohort is None else f"no data ({cohort} leads)"
    if unit == "ratio":
        percent = round(value * 100, 1)  # 0.28 * 100 is 28.000000000000004
        return f"{percent:.0f}%" if percent == round(percent) else f"{percent:.1f}%"
    if unit == "hours":
        return format_hours(value)
    if unit == "money":
        return format_money(value, compact=compact)
    return _group(value)


def format_target(bounds: Bounds, unit: str, *, warn: bool = True, compact: bool = False) -> str:
    """The target as ``≥ 120``, ``≤ 4h`` or ``90%–100%`` (and ``(warn 90%)`` if `warn`)."""

    def value(v: float) -> str:
        return format_value(v, unit, compact=compact)

    if bounds.min is not None and bounds.max is not None:
        text = f"{value(bounds.min)}–{value(bounds.max)}"
    elif bounds.min is not None:
        text = f"≥ {value(bounds.min)}"
    elif bounds.max is not None:
        text = f"≤ {value(bounds.max)}"
    else:
        text = "—"
    if warn and bounds.warn is not None:
        text += f" (warn {value(bounds.warn)})"
    return text


def format_projection(projected: float | None, unit: str) -> str:
    """Pace: ``→ 130`` (where the period ends at this rate), or ``—`` without pace."""
    if projected is None:
        return "—"
    if unit in ("count", "money") and math.isfinite(projected):
        projected = float(round(projected))  # a projection is no more exact than a unit
    return f"→ {format_value(projected, unit)}"


def format_conversion(ratio: float | None) -> str:
    """Conversion between two funnel stages; ``—`` when the previous stage is empty."""
    if ratio is None:
        return "—"
    return format_value(ratio, "ratio")


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
    if result.status == "no_data" and result.cohort is not None:
        return f"{status_label(result.status)} ({result.cohort} leads)"
    return status_label(result.status)


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
    for agreement_id, status in evaluation.agreements.items():
        title = ws.agreements[agreement_id].title if agreement_id in ws.agreements else ""
        table.add_row(
            Text(f"{agreement_id} — {title}", style="bold"),
            Text(status_label(status), style=f"bold {_RICH_STYLE[status]}"),
            end_section=False,
        )
        for result in evaluation.commitments:
            if result.agreement != agreement_id:
                continue
            ref = result.ref
            per = ref.commitment.per if ref else "month"
            table.add_row(
                f"  {result.id} ({result.kpi})",
                Text(format_status(result), style=_RICH_STYLE[result.status]),
                format_value(result.value, result.unit),
                format_target(ref.bounds, result.unit) if ref else "",
                format_projection(result.projected, result.unit)
                if result.projected is not None
                else "",
                format_period(result, per, ws.tz),
            )
        table.add_section()
    return table
