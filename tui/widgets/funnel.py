"""The funnel panel: stages in order, counts this period, conversions, bars."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.widgets import DataTable

from tui.data import StageRow
from tui.messages import StageSelected
from tui.rows import NAME_WIDTH, funnel_cells
from tui.widgets._style import theme_style
from tui.widgets._table import SyncTable, cell

BAR_WIDTH = 8


class FunnelTable(SyncTable):
    """One row per stage; moving the cursor selects the stage for the owners panel."""

    def on_mount(self) -> None:
        self.border_title = "Funnel"
        self.border_subtitle = "loading…"
        self.add_column("Stage", key="name", width=NAME_WIDTH)
        self.add_column("Count", key="count", width=7)
        self.add_column("", key="bar", width=BAR_WIDTH)
        self.add_column("Conv.", key="conversion", width=6)

    def show(self, rows: Sequence[StageRow], *, loading: bool = False) -> None:
        """Show `rows`; while `loading` (not computed for this view yet) say so: rows
        shown then are the previous view's, updating."""
        self.border_subtitle = ("updating…" if rows else "loading…") if loading else ""
        bar_style = theme_style(self.app, "primary")
        self.sync(
            [
                (
                    c.key,
                    (c.name, c.count, c.bar, c.conversion),
                    (
                        cell(c.name),
                        cell(c.count, justify="right"),
                        cell(c.bar, style=bar_style),
                        cell(c.conversion, justify="right"),
                    ),
                )
                for c in funnel_cells(rows, BAR_WIDTH)
            ]
        )

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(StageSelected(str(event.row_key.value)))
