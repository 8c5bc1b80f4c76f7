"""The header: workspace, period, as-of time and data freshness, fitted to the width."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Label

from tui.headline import Part, fit_row
from tui.logic import clip

ROWS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("title", 3), ("asof", 9), ("period", 2), ("filter", 8), ("band", 1)),
    (("state", 9), ("freshness", 5), ("agreements", 4)),
)
"""The parts of each row with how long each keeps its long form (`tui.headline.Part`):
at 80 columns the relationship's band, the period and the agreements shorten first;
the state and the instant judged stay."""


class StatusHeader(Vertical):
    """Two lines of labels; each label repaints only when its own text changes (and
    without a layout pass when its width stays the same)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._texts: dict[str, str] = {}
        self._short: dict[str, str] = {}
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="header-row"):
            yield Label("Accord", id="title")
            yield Label("", id="asof")
            yield Label("", id="period")
            yield Label("", id="filter")
            yield Label("", id="band")
        with Horizontal(classes="header-row"):
            yield Label("", id="state")
            yield Label("", id="freshness")
            yield Label("", id="agreements")
        with Horizontal(classes="header-row", id="commit-row"):
            yield Label("", id="commit")

    def show(self, part: str, text: str, short: str = "") -> None:
        """Set the text of one part (title, period, asof, filter, state, freshness,
        agreements) and the short form it takes when the row is short of space."""
        if self._texts.get(part) == text and self._short.get(part, "") == short:
            return
        self._texts[part] = text
        self._short[part] = short
        self._fit()

    def on_resize(self, event: Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.size.width - 2 if self.size.width else 118  # less the padding
        # the agreements of a commit (time travel) get a row of their own: never dropped
        agreements = self._texts.get("agreements", "")
        own_row = agreements.startswith("agreements as committed")
        for row in ROWS:
            parts = [
                Part(key, self._texts.get(key, ""), self._short.get(key, ""), keep)
                for key, keep in row
                if not (own_row and key == "agreements")
            ]
            for key, text in fit_row(parts, width).items():
                self._paint(key, text)
        if own_row:
            self._paint("agreements", "")
        self._paint("commit", clip(agreements, width) if own_row else "")
        self.query_one("#commit-row").display = own_row

    def _paint(self, part: str, text: str) -> None:
        old = self._shown.get(part)
        if old == text:
            return
        self._shown[part] = text
        label = self.query_one(f"#{part}", Label)
        # the same width (a ticking clock): repaint the label alone, no layout pass
        same = bool(old) and cell_len(old or "") == cell_len(text)
        label.update(text, layout=not same)
        if label.display != bool(text):
            label.display = bool(text)

    def text(self, part: str) -> str:
        """The full text of a part (shown whole, or shortened to fit)."""
        return self._texts.get(part, "")

    def shown(self, part: str) -> str:
        """What the part shows now."""
        return self._shown.get(part, "")

    def set_stale(self, stale: bool) -> None:
        self.query_one("#state", Label).set_class(stale, "-stale")
