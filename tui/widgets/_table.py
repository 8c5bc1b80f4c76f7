"""A DataTable that repaints only the cells whose content changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import JustifyMethod, RenderableType
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


def cell(text: str, style: Style | str = "", *, justify: JustifyMethod | None = None) -> Text:
    """A one-line cell: never wrapped (a cut shows an ellipsis), never parsed as markup."""
    return Text(text, style=style, justify=justify, no_wrap=True, overflow="ellipsis", end="")


class SyncTable(DataTable[RenderableType]):
    """`sync(rows)` brings the table to `rows`, touching only what differs.

    ← and → move to the previous and next panel (rows are whole: no column cursor).
    """

    BINDINGS = [
        Binding("left", "app.focus_previous", "Previous panel", show=False),
        Binding("right", "app.focus_next", "Next panel", show=False),
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        self._keys: list[str] = []
        self._plain: dict[str, tuple[Any, ...]] = {}

    def sync(self, rows: Sequence[tuple[str, tuple[Any, ...], tuple[RenderableType, ...]]]) -> None:
        """Rows as (key, plain values to compare, renderables to show)."""
        keys = [key for key, _, _ in rows]
        if keys != self._keys:
            self._rebuild(rows)
            return
        columns = list(self.columns)
        for key, plain, cells in rows:
            old = self._plain.get(key)
            if old == plain:
                continue
            for index, (shown, value) in enumerate(zip(cells, plain, strict=True)):
                if old is None or old[index] != value:
                    self.update_cell(key, columns[index], shown, update_width=True)
            self._plain[key] = plain

    def _rebuild(
        self, rows: Sequence[tuple[str, tuple[Any, ...], tuple[RenderableType, ...]]]
    ) -> None:
        current = self.current_key()
        self.clear()
        for key, plain, cells in rows:
            self.add_row(*cells, key=key)
            self._plain[key] = plain
        self._keys = [key for key, _, _ in rows]
        self._plain = {key: plain for key, plain, _ in rows}
        if current is not None:
            try:
                self.move_cursor(row=self.get_row_index(current), animate=False)
            except RowDoesNotExist:
                pass

    def current_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        if not self._keys or not (0 <= self.cursor_row < len(self._keys)):
            return None
        return self._keys[self.cursor_row]

    def reset_plain(self) -> None:
        """Forget what is shown, so the next `sync` repaints every cell (theme change)."""
        self._plain = {}
