"""Files the dashboard writes on request: the attention list as CSV, screenshots.

Every file goes to a folder that exists (`output_folder`: the configured one, created
when needed, else the working directory) under a name that is new (`new_path`): a
file already there is never overwritten.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from accord.domain.workspace import Workspace
from tui.data import WaitingLead
from tui.logic import age_hours
from tui.rows import attention_cells

ENV_FOLDER = "ACCORD_DASH_EXPORT_DIR"
"""The folder exports and screenshots go to (default: the working directory)."""

CSV_HEADER = (
    "company",
    "lead",
    "waiting",
    "waiting_hours",
    "clock",
    "waiting_since",
    "owner",
    "stage",
    "commitment",
    "agreement",
    "hot",
)


def output_folder(configured: Path | str | None = None) -> Path:
    """Where to write: `configured` (else ``$ACCORD_DASH_EXPORT_DIR``), created when
    missing; the working directory when neither is set or it cannot be created."""
    wanted = configured or os.environ.get(ENV_FOLDER)
    if wanted:
        folder = Path(wanted).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return Path.cwd()
        return folder
    return Path.cwd()


def new_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``, ``-3`` … when taken."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def attention_rows(
    ws: Workspace, leads: Sequence[WaitingLead], now: dt.datetime
) -> list[tuple[str, ...]]:
    """The CSV rows of `leads` in their order: the list's cells, and the raw facts."""
    out: list[tuple[str, ...]] = []
    for lead, cells in zip(leads, attention_cells(ws, leads, now), strict=True):
        hours = age_hours(lead.since, now, lead.clock, ws.calendar)
        out.append(
            (
                cells.name,
                cells.lead,
                cells.age,
                f"{hours:.2f}",
                lead.clock,
                lead.since.astimezone(ws.tz).isoformat(timespec="seconds"),
                cells.owner,
                cells.stage,
                cells.breaks,
                lead.agreement,
                "yes" if lead.hot else "",
            )
        )
    return out


def export_attention(
    ws: Workspace,
    leads: Sequence[WaitingLead],
    now: dt.datetime,
    folder: Path,
) -> Path:
    """Write `leads` (as listed, every page) to a new CSV file in `folder`; its path."""
    stamp = now.astimezone(ws.tz).strftime("%Y%m%d-%H%M%S")
    path = new_path(folder, f"attention-{stamp}", ".csv")
    with path.open("x", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        writer.writerows(attention_rows(ws, leads, now))
    return path
