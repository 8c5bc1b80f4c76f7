"""A DataTable that repaints only the cells whose content changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, JustifyMethod, RenderableType
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist


def cell(text: str, style: Style | str = "", *, justify: JustifyMethod | None = None) -> Text:
    """A one-line cell: never wrapped (a cut shows an ellipsis), never parsed as markup."""
    return Text(text, style=style, justify=justify, no_wrap=True, overflow="ellipsis", end="")


def lines_needed(text: str, width: int, most: int = 2) -> int:
    """How many lines `text` takes wrapped at `width` (at most `most`)."""
    if width <= 0 or cell_len(text) <= width:
        return 1
    wrapped = Text(text).wrap(Console(width=width, legacy_windows=False), width)
    return max(1, min(most, len(wrapped)))


def name_cell(text: str, width: int, style: Style | str = "", most: int = 2) -> tuple[Text, int]:
    """A name that wraps onto up to `most` lines rather than being cut, and its height."""
    height = lines_needed(text, width, most)
    if height == 1:
        return cell(text, style), 1
    return Text(text, style=style, no_wrap=False, overflow="ellipsis", end=""), height


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
        self._columns: tuple[tuple[str, str, int, JustifyMethod], ...] = ()
        """(key, label, width, justify) of the columns shown (`set_columns`)."""
        self._keys_before: str | None = None
        self._heights: list[int] = []
        """The row under the cursor before the columns changed (kept by the rebuild)."""

    def set_columns(self, columns: Sequence[tuple[str, str, int, JustifyMethod]]) -> bool:
        """Show these columns (key, label, width, justify); the rows are rebuilt by the
        next `sync` when they changed. Returns whether they changed."""
        wanted = tuple(columns)
        if wanted == self._columns:
            return False
        current = self.current_key()
        self.clear(columns=True)
        for key, label, width, justify in wanted:
            self.add_column(Text(label, justify=justify, no_wrap=True), key=key, width=width)
        self._columns = wanted
        self._keys, self._plain = [], {}
        if current is not None:
            self._keys_before = current
        return True

    def shown_columns(self) -> list[str]:
        """The keys of the columns shown, in order."""
        return [key for key, _, _, _ in self._columns]

    def available_width(self, rows: int) -> int:
        """Cells across for the columns: the panel's content width (inside its border),
        less the vertical scrollbar when `rows` (plus the header) do not fit."""
        width, height = self.size
        if width <= 0:
            width, height = 74, 10
        if rows + 1 > height:
            width -= self.styles.scrollbar_size_vertical
        return max(10, width)

    def sync(
        self,
        rows: Sequence[tuple[str, tuple[Any, ...], tuple[RenderableType, ...]]],
        heights: Sequence[int] | None = None,
    ) -> None:
        """Rows as (key, plain values to compare, renderables to show), with each row's
        height in lines (default 1)."""
        keys = [key for key, _, _ in rows]
        lines = list(heights) if heights is not None else [1] * len(rows)
        if keys != self._keys or lines != self._heights:
            self._heights = lines
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
        current = self.current_key() or self._keys_before
        self._keys_before = None
        self.clear()
        heights = self._heights if len(self._heights) == len(rows) else [1] * len(rows)
        for (key, plain, cells), height in zip(rows, heights, strict=True):
            self.add_row(*cells, key=key, height=height)
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
