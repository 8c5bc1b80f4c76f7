"""The attention list: waiting leads, their age ticking on the agreement's clock, paged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual.binding import Binding

from accord.domain.workspace import Workspace
from tui.data import WaitingLead
from tui.logic import page_of
from tui.rows import age_text, attention_cells, waiting_matches
from tui.widgets._style import theme_style
from tui.widgets._table import SyncTable, cell

PAGE_SIZE = 50
"""Rows per page: a DataTable stays fast with a page, not with 10,000 rows."""


class AttentionTable(SyncTable):
    """A page of waiting leads; `[` and `]` turn pages; ages update in place every second."""

    BINDINGS = [
        Binding("left_square_bracket,f7", "page(-1)", "Prev page", show=False),
        Binding("right_square_bracket,f8", "page(1)", "Next page", show=False),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.page = 0
        self.pages = 1
        self._ws: Workspace | None = None
        self._leads: Sequence[WaitingLead] = ()
        self._shown: Sequence[WaitingLead] = ()
        self._total = 0
        self._now: dt.datetime | None = None
        """The instant ages were last computed at (set by `show` and `tick`)."""
        self._loading = True
        """The list is not known for the current view yet (rows shown are the previous)."""

    def on_mount(self) -> None:
        self.border_title = "Attention"
        self.border_subtitle = "finding who waits…"
        self.add_column("Lead", key="lead", width=12)
        self.add_column("Waiting", key="age", width=8)
        self.add_column("Owner", key="owner", width=10)
        self.add_column("Stage", key="stage", width=12)
        self.add_column("Breaks", key="breaks", width=16)
        self.add_column("", key="hot", width=3)

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
        self._leads = [lead for lead in leads if waiting_matches(lead, query)] if query else leads
        self._total = len(self._leads) if query or total is None else total
        self._now = now
        self._render_page(now)

    def _render_page(self, now: dt.datetime) -> None:
        if self._ws is None:
            return
        shown, self.page, self.pages = page_of(self._leads, self.page, PAGE_SIZE)
        self._shown = shown
        hot = theme_style(self.app, "error", bold=True)
        self.sync(
            [
                (
                    c.key,
                    (c.lead, c.age, c.owner, c.stage, c.breaks, c.hot),
                    (
                        cell(c.lead),
                        cell(c.age, justify="right"),
                        cell(c.owner),
                        cell(c.stage),
                        cell(c.breaks),
                        cell(c.hot, style=hot),
                    ),
                )
                for c in attention_cells(self._ws, shown, now)
            ]
        )
        more = f" (first {len(self._leads):,} shown)" if self._total > len(self._leads) else ""
        updating = " · updating…" if self._loading else ""
        self.border_subtitle = (
            f"{self._total:,} waiting{more}{updating} · page {self.page + 1}/{self.pages}"
            " · [ ] pages"
            if self._total
            else "finding who waits…"
            if self._loading
            else "nobody waiting"
        )

    def tick(self, now: dt.datetime) -> None:
        """Recompute the visible ages at `now` without re-querying; repaint changed cells."""
        self._now = now
        if self._ws is None or not self._shown:
            return
        for index, lead in enumerate(self._shown):
            key = self._keys[index] if index < len(self._keys) else None
            if key is None:
                return
            text = age_text(self._ws, lead, now)
            plain = self._plain.get(key)
            if plain is not None and plain[1] != text:
                self.update_cell(key, "age", cell(text, justify="right"), update_width=True)
                self._plain[key] = (plain[0], text, *plain[2:])

    def action_page(self, step: int) -> None:
        self.page += step
        if self._now is not None:
            self._render_page(self._now)
