"""The monthly reports on the wiki: ``reports/<YYYY-MM>.md`` and their index.

Written only when the build read the event store (`site_builder._numbers`): the
month before the build's instant (the one the joint meeting looks back on) and
the month so far. The pack itself is `accord.report`'s; its Markdown escapes every
text the wiki's way, and its links point at the agreements' pages.
"""

from __future__ import annotations

from pathlib import Path

from accord.domain.clock import Clock
from accord.domain.errors import AccordError
from accord.domain.workspace import Workspace
from accord.history import History
from accord.present import ChangeWords
from accord.report import Month, build_report, render_markdown
from site_builder._numbers import Numbers
from site_builder._render import link, text
from site_builder.i18n import Labels


def report_pages(
    ws: Workspace,
    numbers: Numbers | None,
    history: History | None,
    lab: Labels,
    now: Clock,
    *,
    root: Path | None = None,
) -> dict[str, str]:
    """Relative path → Markdown of each report page; empty without a store."""
    if numbers is None or numbers.store is None:
        return {}
    this = Month.of(numbers.at, ws.tz)
    out: dict[str, str] = {}
    made: list[Month] = []
    for month in (this, this.previous):
        try:
            report = build_report(ws, numbers.store, month, now=now, history=history, root=root)
        except (AccordError, ValueError):
            continue
        out[f"reports/{month}.md"] = render_markdown(report, link=_link)
        made.append(month)
    if made:
        words = ChangeWords.for_workspace(ws)
        lines = [f"# {lab('reports')}", "", lab("reports_intro"), ""]
        for month in made:
            start, end = month.bounds(ws.tz)
            name = text(words.period(start, end, "month", ws.tz))
            lines.append(f"- {link(name, f'{month}.md')}")
        out["reports/index.md"] = "\n".join(lines) + "\n"
    return out


def _link(agreement: str, commitment: str | None) -> str:
    page = f"../agreements/{agreement}.md"
    return f"{page}#commitment-{commitment}" if commitment else page
