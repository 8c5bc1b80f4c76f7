"""The header: workspace, period, as-of time and data freshness."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label


class StatusHeader(Vertical):
    """Two lines of labels; each label repaints only when its own text changes (and
    without a layout pass when its width stays the same)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="header-row"):
            yield Label("Accord", id="title")
            yield Label("", id="asof")
            yield Label("", id="period")
            yield Label("", id="filter")
        with Horizontal(classes="header-row"):
            yield Label("", id="state")
            yield Label("", id="freshness")
            yield Label("", id="agreements")

    def show(self, part: str, text: str) -> None:
        """Set the text of one part (title, period, asof, filter, state, freshness, agreements)."""
        old = self._texts.get(part)
        if old == text:
            return
        self._texts[part] = text
        label = self.query_one(f"#{part}", Label)
        # the same width (a ticking clock): repaint the label alone, no layout pass
        same = old is not None and cell_len(old) == cell_len(text) and bool(old)
        label.update(text, layout=not same)
        if label.display != bool(text):
            label.display = bool(text)

    def text(self, part: str) -> str:
        return self._texts.get(part, "")

    def set_stale(self, stale: bool) -> None:
        self.query_one("#state", Label).set_class(stale, "-stale")
