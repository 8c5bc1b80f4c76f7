"""The attention list: waiting leads, their age ticking on the agreement's clock, paged,
sorted by waiting time, owner or commitment, exported as CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.console import RenderableType
from textual import on
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import DataTable

from accord.domain.workspace import Workspace
from tui.data import WaitingLead
from tui.layout import Col, fit, natural
from tui.logic import page_of
from tui.messages import ExportAsked, LeadOpened
from tui.rows import (
    ATTENTION_HEADERS,
    AttentionCells,
    age_text,
    attention_cells,
    sort_leads,
    waiting_matches,
)
from tui.widgets._style import theme_style
from tui.widgets._table import SyncTable, cell, name_cell

PAGE_SIZE = 50
"""Rows per page: a DataTable stays fast with a page, not with 10,000 rows."""

SORT_OF_COLUMN = {"age": "waiting", "owner": "owner", "breaks": "commitment"}
"""A click on these headers sorts by them."""


def attention_columns(rows: Sequence[AttentionCells], sort: str, reverse: bool) -> list[Col]:
    """Names first (company, owner, commitment), the wait never cut; short of space the
    lead id goes first (when a company names the lead), then the stage; then long names
    wrap onto a second line; `hot` goes last."""
    named = any(c.name for c in rows)

    def label(key: str) -> str:
        text = ATTENTION_HEADERS[key]
        if SORT_OF_COLUMN.get(key) == sort:
            text += " ▲" if reverse else " ▼"
        return text

    def width(key: str, cells: list[str]) -> int:
        return natural(label(key), cells)

    def half(key: str, cells: list[str], least: int) -> int:
        return max(least, width(key, cells) // 2 + 1)

    names = [c.name for c in rows]
    owners = [c.owner for c in rows]
    stages = [c.stage for c in rows]
    breaks = [c.breaks for c in rows]
    columns = []
    if named:
        columns.append(
            Col(
                "name", label("name"), width("name", names), "name", minimum=half("name", names, 10)
            )
        )
    columns += [
        Col("lead", label("lead"), width("lead", [c.lead for c in rows]),
            "number" if named else "name", minimum=8, drop=4 if named else 0),
        Col("age", label("age"), width("age", [c.age for c in rows] + ["000d 00h"]),
            justify="right"),
        Col("owner", label("owner"), width("owner", owners), "name",
            minimum=half("owner", owners, 8)),
        Col("stage", label("stage"), width("stage", stages), "name",
            minimum=half("stage", stages, 8), drop=3),
        Col("breaks", label("breaks"), width("breaks", breaks), "name",
            minimum=half("breaks", breaks, 10)),
        Col("hot", label("hot"), width("hot", ["hot"]), drop=1),
    ]  # fmt: skip
    return columns


class AttentionTable(SyncTable):
    """A page of waiting leads; `[` and `]` turn pages; ages update in place every second."""

    BINDINGS = [
        Binding("left_square_bracket,f7", "page(-1)", "Prev page", show=False),
        Binding("right_square_bracket,f8", "page(1)", "Next page", show=False),
        Binding("w", "sort('waiting')", "Sort by waiting time", show=False),
        Binding("o", "sort('owner')", "Sort by owner", show=False),
        Binding("c", "sort('commitment')", "Sort by commitment", show=False),
        Binding("e", "export", "Export the list as CSV", show=False),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.page = 0
        self.pages = 1
        self.sort_by = "waiting"
        """The order (`tui.rows.SORTS`): waiting (longest first), owner or commitment."""
        self.sort_reverse = False
        self._ws: Workspace | None = None
        self._given: Sequence[WaitingLead] = ()
        self._query = ""
        self._leads: Sequence[WaitingLead] = ()
        """The listed leads (filtered, sorted): every page."""
        self._shown: Sequence[WaitingLead] = ()
        self._total = 0
        self._now: dt.datetime | None = None
        """The instant ages were last computed at (set by `show` and `tick`)."""
        self._loading = True
        """The list is not known for the current view yet (rows shown are the previous)."""

    def on_mount(self) -> None:
        self.border_title = "Attention"
        self.border_subtitle = "finding who waits…"

    def on_resize(self, event: Resize) -> None:
        if self._now is not None:
            self._render_page(self._now)

    @property
    def leads(self) -> Sequence[WaitingLead]:
        """The leads listed, in their order (all pages)."""
        return self._leads

    def show(
        self,
        ws: Workspace,
        leads: Sequence[WaitingLead],
        now: dt.datetime,
        *,
        total: int | None = None,
        query: str = "",
        loading: bool = False,
    ) -> None:
        """Show the waiting leads matching `query`, at the current page; while `loading`
        (the list is not computed for this view yet) say so instead of "nobody waiting",
        and mark the previous view's leads, if shown, as updating."""
        self._loading = loading
        self._ws = ws
        self._given, self._query = leads, query
        matching = [lead for lead in leads if waiting_matches(lead, query)] if query else leads
        self._leads = self._sorted(matching, now)
        self._total = len(self._leads) if query or total is None else total
        self._now = now
        self._render_page(now)

    def _sorted(self, leads: Sequence[WaitingLead], now: dt.datetime) -> Sequence[WaitingLead]:
        if self._ws is None or (self.sort_by == "waiting" and not self.sort_reverse):
            return leads  # the source's order: longest wait first
        return sort_leads(self._ws, leads, self.sort_by, now, reverse=self.sort_reverse)

    def _render_page(self, now: dt.datetime) -> None:
        if self._ws is None:
            return
        shown, self.page, self.pages = page_of(self._leads, self.page, PAGE_SIZE)
        self._shown = shown
        hot = theme_style(self.app, "error", bold=True)
        found = attention_cells(self._ws, shown, now)
        columns = attention_columns(found, self.sort_by, self.sort_reverse)
        widths = fit(columns, self.available_width(len(found)))
        self.set_columns(
            [(c.key, c.label, widths[c.key], c.justify) for c in columns if c.key in widths]
        )
        keys = self.shown_columns()
        rows = []
        heights = []
        for c in found:
            height = 1
            cells: dict[str, RenderableType] = {}
            for key in ("name", "lead", "owner", "stage", "breaks"):
                if key in widths:
                    cells[key], lines = name_cell(getattr(c, key), widths[key])
                    height = max(height, lines)
            cells["age"] = cell(c.age, justify="right")
            cells["hot"] = cell(c.hot, style=hot)
            plain = tuple(getattr(c, key) for key in keys)
            rows.append((c.key, plain, tuple(cells[key] for key in keys)))
            heights.append(height)
        self.sync(rows, heights)
        more = f" (first {len(self._leads):,} shown)" if self._total > len(self._leads) else ""
        updating = " · updating…" if self._loading else ""
        order = {"waiting": "longest wait", "owner": "owner", "commitment": "commitment"}
        self.border_subtitle = (
            f"{self._total:,} waiting{more}{updating} · page {self.page + 1}/{self.pages}"
            f" · by {order[self.sort_by]}"
            if self._total
            else "finding who waits…"
            if self._loading
            else "nobody waiting"
        )

    def tick(self, now: dt.datetime) -> None:
        """Recompute the visible ages at `now` without re-querying; repaint changed cells."""
        self._now = now
        if self._ws is None or not self._shown or "age" not in self.shown_columns():
            return
        at = self.shown_columns().index("age")
        for index, lead in enumerate(self._shown):
            key = self._keys[index] if index < len(self._keys) else None
            if key is None:
                return
            text = age_text(self._ws, lead, now)
            plain = self._plain.get(key)
            if plain is not None and plain[at] != text:
                self.update_cell(key, "age", cell(text, justify="right"), update_width=False)
                self._plain[key] = (*plain[:at], text, *plain[at + 1 :])

    def action_page(self, step: int) -> None:
        self.page += step
        if self._now is not None:
            self._render_page(self._now)

    def action_sort(self, by: str) -> None:
        """Sort by `by`; asked again, the order turns round."""
        if self.sort_by == by:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_by, self.sort_reverse = by, False
        self.page = 0
        if self._ws is not None and self._now is not None:
            self.show(
                self._ws,
                self._given,
                self._now,
                total=self._total if not self._query else None,
                query=self._query,
                loading=self._loading,
            )

    def action_export(self) -> None:
        self.post_message(ExportAsked())

    def selected_lead(self) -> WaitingLead | None:
        """The lead under the cursor, if any."""
        if not self._shown or not (0 <= self.cursor_row < len(self._shown)):
            return None
        return self._shown[self.cursor_row]

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        by = SORT_OF_COLUMN.get(str(event.column_key.value))
        if by is not None:
            self.action_sort(by)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        lead = self.selected_lead()
        if lead is not None:
            self.post_message(LeadOpened(lead.lead_id))
