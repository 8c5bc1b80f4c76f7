"""The commitments panel: grouped by agreement, value against target, status, pace, trend."""

from __future__ import annotations

from collections.abc import Sequence

from rich.color import Color
from rich.console import RenderableType
from textual import on
from textual.events import Resize
from textual.renderables.sparkline import Sparkline
from textual.widgets import DataTable

from accord.domain.workspace import Workspace
from accord.present import status_label
from tui.data import Snapshot
from tui.layout import PADDING, Col, fit, natural
from tui.messages import CommitmentOpened, CommitmentSelected
from tui.rows import CommitmentCells, commitment_cells, parse_commitment_key
from tui.widgets._style import status_style, theme_style
from tui.widgets._table import SyncTable, cell, name_cell

HEADING_MAX = 40
"""An agreement heading widens the label column up to this; a longer one wraps."""

TREND_WIDTH = 6
"""One cell per period; the sparkline doubles when the panel has room."""


def commitment_columns(rows: Sequence[CommitmentCells]) -> list[Col]:
    """Names first, numbers never cut: at wide sizes the promise is shown too; space
    short, the promise goes first, then the trend, then long names wrap, then the pace.

    The label is as wide as the widest commitment; an agreement heading wider than that
    takes what room is left (`fit_headings`), else wraps (onto up to three lines)."""
    items = [c for c in rows if not c.key.startswith("a:")]
    statuses = [status_label(c.status) for c in rows] + [status_label("evaluating")]
    label = natural("Commitment", [c.label for c in items])

    promise = natural("Promise", [c.promise for c in items])
    who = natural("By → to", [c.who for c in items])
    return [
        Col("label", "Commitment", label, "name", minimum=max(12, label // 2 + 1)),
        Col("value", "Value", natural("Value", [c.value for c in items]), justify="right"),
        Col("target", "Target", natural("Target", [c.target for c in items])),
        Col("status", "Status", natural("Status", statuses)),
        Col("pace", "Pace", natural("Pace", [c.pace for c in items]), drop=2),
        Col("trend", "Trend", TREND_WIDTH, "decor", minimum=TREND_WIDTH,
            maximum=2 * TREND_WIDTH, step=TREND_WIDTH, drop=4),
        Col("who", "By → to", who, "name", minimum=who, drop=8),
        Col("promise", "Promise", promise, "name", minimum=promise, drop=9),
    ]  # fmt: skip


def fit_headings(
    widths: dict[str, int], rows: Sequence[CommitmentCells], available: int
) -> dict[str, int]:
    """`widths` with the label widened for the agreement headings (up to `HEADING_MAX`)
    out of the room left, before the trend takes it to grow."""
    out = dict(widths)
    if "label" not in out:
        return out
    wanted = min(natural("", [c.label for c in rows]), HEADING_MAX)
    if "trend" in out:
        out["trend"] = TREND_WIDTH
    spare = available - sum(w + PADDING for w in out.values())
    if spare > 0 and wanted > out["label"]:
        more = min(spare, wanted - out["label"])
        out["label"] += more
        spare -= more
    if "trend" in out and spare >= TREND_WIDTH:
        out["trend"] = 2 * TREND_WIDTH
    return out


class CommitmentTable(SyncTable):
    """Agreement heading rows followed by their commitments; enter opens the detail."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._last: tuple[Workspace, Snapshot | None, str] | None = None

    def on_mount(self) -> None:
        self.border_title = "Commitments"

    def on_resize(self, event: Resize) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, ws: Workspace, snap: Snapshot | None, query: str = "") -> None:
        self._last = (ws, snap, query)
        heading = theme_style(self.app, "foreground", bold=True)
        colour = theme_style(self.app, "primary").color
        spark = colour.get_truecolor() if colour is not None else None
        spark_colour = Color.from_triplet(spark) if spark is not None else Color.default()
        found = commitment_cells(ws, snap, query)
        columns = commitment_columns(found)
        available = self.available_width(len(found))
        widths = fit_headings(fit(columns, available), found, available)
        self.set_columns(
            [(c.key, c.label, widths[c.key], c.justify) for c in columns if c.key in widths]
        )
        shown = self.shown_columns()
        label_width = widths.get("label", 12)
        trend_width = widths.get("trend", TREND_WIDTH)
        rows = []
        heights = []
        for c in found:
            status = cell(status_label(c.status), style=status_style(self.app, c.status))
            if c.key.startswith("a:"):
                label, height = name_cell(c.label, label_width, heading, most=3)
                cells: dict[str, RenderableType] = {"label": label, "status": status}
            else:
                label, height = name_cell(c.label, label_width)
                trend: RenderableType = (
                    cell("…")  # being computed
                    if c.trend is None
                    else Sparkline(
                        list(c.trend),
                        width=trend_width,
                        min_color=spark_colour,
                        max_color=spark_colour,
                    )
                    if len(c.trend) >= 2
                    else cell("—")
                )
                cells = {
                    "label": label,
                    "value": cell(c.value, justify="right"),
                    "target": cell(c.target),
                    "status": status,
                    "pace": cell(c.pace),
                    "trend": trend,
                    "promise": cell(c.promise),
                    "who": cell(c.who),
                }
            plain = {
                "label": c.label,
                "value": c.value,
                "target": c.target,
                "status": c.status,
                "pace": c.pace,
                "trend": (c.trend, trend_width),
                "promise": c.promise,
                "who": c.who,
            }
            rows.append(
                (
                    c.key,
                    tuple(plain[k] for k in shown),
                    tuple(cells.get(k, cell("")) for k in shown),
                )
            )
            heights.append(height)
        self.sync(rows, heights)

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
