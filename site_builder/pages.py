"""The wiki's pages as plain Markdown, independent of MkDocs (docs/reference/formats.md).

`generate_pages(ws, history, today=...)` returns ``{relative path: Markdown}``:

* ``index.md`` — relationship stage, the SLA at a glance, agreements due for
  review, recent changes;
* ``agreements/<id>.md`` — one page per agreement;
* ``funnel.md``, ``roles.md``, ``kpis.md``, ``glossary.md``, ``rituals.md``,
  ``teams.md``, ``assessment.md`` — one page per kind;
* ``status.md`` — each commitment's value, target and status as of the build,
  when the build tried the event store (`site_builder._numbers`); the home page's
  SLA table shows the same numbers;
* ``reports/<YYYY-MM>.md`` and ``reports/index.md`` — the monthly pack
  (`accord.report`), when the build read the store;
* ``changelog.md`` — every change to any document, newest first: the newest
  `CHANGELOG_LIMIT` commits as Markdown with links to the entities' pages,
  the older ones under "Earlier changes" as one raw HTML block (entity names
  as text), which is much cheaper to build for long histories.

Each "Change history" section shows at most `HISTORY_LIMIT` commits (the
newest) and likewise says how many older ones there are: long histories
would otherwise dominate both the pages and the build time.

Every page about entities ends with their change history. Text from YAML and
git passes through `site_builder._render` (escaped), links are built here
from ids, and headings and labels follow the Workspace ``language``. Pages
start with front matter ``render_macros: false`` so template plugins
(mkdocs-macros) leave them alone. The Markdown uses tables,
nested lists, raw ``<a id>`` anchors, ``<span class="accord-badge">`` and
images of the SVG files of `generate_pictures`, which most Markdown site builders
understand.
"""

from __future__ import annotations

import datetime as dt

from accord.domain.workspace import Workspace
from accord.history import History
from accord.present import describe_measure
from site_builder._changes import Defer
from site_builder._numbers import Numbers
from site_builder._pages_common import Ctx
from site_builder._pages_kinds import (
    _assessment,
    _funnel,
    _glossary,
    _kpis,
    _rituals,
    _roles,
    _teams,
    pictures,
)
from site_builder._pages_main import agreement_page, changelog_page, home_page
from site_builder._pages_status import STATUS_PAGE, status_page
from site_builder.i18n import labels

__all__ = [
    "CHANGELOG_LIMIT",
    "HISTORY_LIMIT",
    "PAGE_KINDS",
    "describe_measure",
    "generate_pages",
    "generate_pictures",
    "page_sources",
]

FRONT_MATTER = "---\nrender_macros: false\n---\n\n"
CHANGELOG_LIMIT = 100
"""Commits on the changelog page with links to the entities' pages (the newest)."""
HISTORY_LIMIT = 50
"""Commits listed in one "Change history" section (the newest)."""

PAGE_KINDS: dict[str, tuple[str, ...]] = {
    "funnel.md": ("Stage",),
    "roles.md": ("Role",),
    "kpis.md": ("Kpi",),
    "glossary.md": ("Term",),
    "rituals.md": ("Ritual",),
    "teams.md": ("Team",),
    "assessment.md": ("Questionnaire", "Assessment"),
}
"""Collection page → the kinds whose documents it shows."""


def generate_pictures(ws: Workspace) -> dict[str, str]:
    """Relative path → SVG text of the pictures the pages show (``assets/funnel.svg``,
    ``assets/maturity.svg``): drawn at build time, so no page needs the network."""
    return pictures(ws, labels(ws.settings.language))


def page_sources(ws: Workspace) -> dict[str, str]:
    """Generated page → the YAML file (relative to the workspace) it mostly comes from.

    Used for edit links: an agreement page edits its agreement's file, a
    collection page the file of its first document.
    """
    out: dict[str, str] = {}
    home = ws.source("Workspace", "workspace")
    if home is not None:
        out["index.md"] = home.file
    for ident in ws.agreements:
        src = ws.source("Agreement", ident)
        if src is not None:
            out[f"agreements/{ident}.md"] = src.file
    for page, kinds in PAGE_KINDS.items():
        files = sorted(
            src.file
            for kind in kinds
            for ident in ws.table(kind)
            if (src := ws.source(kind, ident)) is not None
        )
        if files:
            out[page] = files[0]
    return out


# --- pages --------------------------------------------------------------------------


def generate_pages(
    ws: Workspace,
    history: History | None,
    *,
    today: dt.date,
    intro: str | None = None,
    defer: Defer | None = None,
    numbers: Numbers | None = None,
    reports: dict[str, str] | None = None,
) -> dict[str, str]:
    """Every generated page of the wiki.

    Args:
        ws: the loaded workspace.
        history: the agreements' git history (`accord.history.entity_history`),
            or ``None`` to build without history (each page says so).
        today: the date against which review dates are overdue.
        intro: trusted Markdown (a hand-written ``docs/index.md``) shown at the
            top of the home page, below its title.
        defer: when given, each raw HTML history list (`HISTORY_OPEN`) is not
            written into its page: ``defer(render)`` is called with a function
            that writes it and returns the line to put in its place (the MkDocs
            plugin renders the lists in another process meanwhile).
        numbers: the build's evaluation (`site_builder._numbers.read_numbers`): the
            Status page and the home page's numbers, or one line saying why there are
            none. ``None``: no Status page and no numbers (nothing said).
        reports: report pages (`site_builder._pages_reports.report_pages`), added as
            they are.

    Returns:
        Relative page path (``agreements/<id>.md``) → Markdown text.
    """
    lab = labels(ws.settings.language)
    ctx = Ctx(ws, history, lab, today, HISTORY_LIMIT, CHANGELOG_LIMIT, defer=defer, numbers=numbers)
    pages: dict[str, str] = {"index.md": home_page(ctx, intro)}
    for agreement in sorted(ws.agreements.values(), key=lambda a: a.id):
        pages[f"agreements/{agreement.id}.md"] = agreement_page(ctx, agreement)
    pages["funnel.md"] = _funnel(ctx)
    pages["roles.md"] = _roles(ctx)
    pages["kpis.md"] = _kpis(ctx)
    pages["glossary.md"] = _glossary(ctx)
    pages["rituals.md"] = _rituals(ctx)
    pages["teams.md"] = _teams(ctx)
    pages["assessment.md"] = _assessment(ctx)
    if numbers is not None:
        pages[STATUS_PAGE] = status_page(ctx)
    pages.update(reports or {})
    pages["changelog.md"] = changelog_page(ctx)
    return {path: FRONT_MATTER + body.rstrip() + "\n" for path, body in pages.items()}
