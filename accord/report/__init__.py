"""``accord report``: the pack for the joint monthly meeting (docs/report.md).

* `build_report(ws, store, period, now=..., history=..., root=...)` — each
  commitment's result for the month and the month before, the breaches with the
  leads behind them, the agreements changed in the month and those due for review,
  the latest maturity score and band, as a `Report`.
* `render_markdown(report, link=...)` and `render_html(report)` — the same pack as
  Markdown (the wiki's ``reports/<YYYY-MM>.md``) and as a printable, self-contained
  HTML page; every text escaped.
* `Month`, `parse_period` — the period (``2026-11``).
"""

from accord.report._build import build_report
from accord.report._model import (
    Breach,
    Change,
    Changed,
    Due,
    LeadRow,
    Line,
    Maturity,
    Month,
    Report,
    parse_period,
)
from accord.report._render import md_text, render_html, render_markdown

__all__ = [
    "Breach",
    "Change",
    "Changed",
    "Due",
    "LeadRow",
    "Line",
    "Maturity",
    "Month",
    "Report",
    "build_report",
    "md_text",
    "parse_period",
    "render_html",
    "render_markdown",
]
