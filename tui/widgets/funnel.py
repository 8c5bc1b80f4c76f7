"""The funnel panel: stages in order, counts this period, conversions, bars."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.events import Resize
from textual.widgets import DataTable

from tui.data import StageRow
from tui.layout import Col, fit, natural
from tui.messages import StageSelected
from tui.rows import funnel_cells
from tui.widgets._style import theme_style
from tui.widgets._table import SyncTable, cell, name_cell

BAR_MAX = 24
"""The bar grows up to this many cells when the panel has room."""


def funnel_columns(names: Sequence[str], counts: Sequence[str], convs: Sequence[str]) -> list[Col]:
    """The funnel's columns: stage names first, numbers never cut, the bar dropped first."""
    name = natural("Stage", names)
    return [
        Col("name", "Stage", name, "name", minimum=max(8, name // 2 + 1)),
        Col("count", "Count", natural("Count", counts), justify="right"),
        Col("bar", "", 8, "decor", minimum=4, maximum=BAR_MAX, drop=3),
        Col("conversion", "Conv.", natural("Conv.", convs), justify="right", drop=1),
    ]


class FunnelTable(SyncTable):
    """One row per stage; moving the cursor selects the stage for the owners panel."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[StageRow] = ()
        self._loading = True

    def on_mount(self) -> None:
        self.border_title = "Funnel"
        self.border_subtitle = "loading…"
        self.show((), loading=True)

    def on_resize(self, event: Resize) -> None:
        self.show(self._rows, loading=self._loading)

    def show(self, rows: Sequence[StageRow], *, loading: bool = False) -> None:
        """Show `rows`; while `loading` (not computed for this view yet) say so: rows
        shown then are the previous view's, updating."""
        self._rows, self._loading = rows, loading
        self.border_subtitle = ("updating…" if rows else "loading…") if loading else ""
        bar_style = theme_style(self.app, "primary")
        plain = funnel_cells(rows, 1)
        columns = funnel_columns(
            [c.name for c in plain], [c.count for c in plain], [c.conversion for c in plain]
        )
        widths = fit(columns, self.available_width(len(rows)))
        self.set_columns(
            [(c.key, c.label, widths[c.key], c.justify) for c in columns if c.key in widths]
        )
        shown = self.shown_columns()
        name_width = widths.get("name", 8)
        out = []
        heights = []
        for c in funnel_cells(rows, widths.get("bar", 0)):
            name, height = name_cell(c.name, name_width)
            heights.append(height)
            values = {
                "name": (c.name, name),
                "count": (c.count, cell(c.count, justify="right")),
                "bar": (c.bar, cell(c.bar, style=bar_style)),
                "conversion": (c.conversion, cell(c.conversion, justify="right")),
            }
            out.append(
                (
                    c.key,
                    tuple(values[k][0] for k in shown),
                    tuple(values[k][1] for k in shown),
                )
            )
        self.sync(out, heights)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(StageSelected(str(event.row_key.value)))
