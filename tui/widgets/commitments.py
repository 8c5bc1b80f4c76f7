"""The commitments panel: grouped by agreement, value against target, status, pace, trend."""

from __future__ import annotations

from rich.color import Color
from rich.console import RenderableType
from textual import on
from textual.renderables.sparkline import Sparkline
from textual.widgets import DataTable

from accord.domain.workspace import Workspace
from accord.present import status_label
from tui.data import Snapshot
from tui.messages import CommitmentOpened, CommitmentSelected
from tui.rows import LABEL_WIDTH, commitment_cells, parse_commitment_key
from tui.widgets._style import status_style, theme_style
from tui.widgets._table import SyncTable, cell

TREND_WIDTH = 6


class CommitmentTable(SyncTable):
    """Agreement heading rows followed by their commitments; enter opens the detail."""

    def on_mount(self) -> None:
        self.border_title = "Commitments"
        self.add_column("Commitment", key="label", width=LABEL_WIDTH)
        self.add_column("Value", key="value", width=9)
        self.add_column("Target", key="target", width=11)
        self.add_column("Status", key="status", width=10)
        self.add_column("Pace", key="pace", width=7)
        self.add_column("Trend", key="trend", width=TREND_WIDTH)

    def show(self, ws: Workspace, snap: Snapshot | None, query: str = "") -> None:
        heading = theme_style(self.app, "foreground", bold=True)
        colour = theme_style(self.app, "primary").color
        spark = colour.get_truecolor() if colour is not None else None
        spark_colour = Color.from_triplet(spark) if spark is not None else Color.default()
        rows = []
        for c in commitment_cells(ws, snap, query):
            status = cell(status_label(c.status), style=status_style(self.app, c.status))
            if c.key.startswith("a:"):
                cells: tuple[RenderableType, ...] = (
                    cell(c.label, style=heading),
                    cell(""),
                    cell(""),
                    status,
                    cell(""),
                    cell(""),
                )
            else:
                trend: RenderableType = (
                    cell("…")  # being computed
                    if c.trend is None
                    else Sparkline(
                        list(c.trend),
                        width=TREND_WIDTH,
                        min_color=spark_colour,
                        max_color=spark_colour,
                    )
                    if len(c.trend) >= 2
                    else cell("—")
                )
                cells = (
                    cell(c.label),
                    cell(c.value, justify="right"),
                    cell(c.target),
                    status,
                    cell(c.pace),
                    trend,
                )
            rows.append((c.key, (c.label, c.value, c.target, c.status, c.pace, c.trend), cells))
        self.sync(rows)

    def selected(self) -> tuple[str, str] | None:
        """The commitment under the cursor (None on an agreement heading)."""
        key = self.current_key()
        return parse_commitment_key(key) if key else None

    def select(self, key: tuple[str, str]) -> bool:
        """Move the cursor to a commitment; False if it is not shown."""
        row = f"c:{key[0]}/{key[1]}"
        if row not in self._keys:
            return False
        self.move_cursor(row=self._keys.index(row), animate=False)
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        key = parse_commitment_key(str(event.row_key.value))
        if key is not None:
            self.post_message(CommitmentSelected(key))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = parse_commitment_key(str(event.row_key.value))
        if key is None:  # an agreement heading: open its first commitment
            index = self._keys.index(str(event.row_key.value)) + 1
            if index < len(self._keys):
                key = parse_commitment_key(self._keys[index])
        if key is not None:
            self.post_message(CommitmentOpened(key))
