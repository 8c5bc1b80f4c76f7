"""Filter: words that commitments and waiting leads must contain."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class FilterDialog(ModalScreen[str | None]):
    """An input for the filter; enter applies (empty clears), escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str) -> None:
        super().__init__(classes="dialog")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Filter commitments and waiting leads", classes="dialog-title")
            yield Input(value=self.current, placeholder="e.g. sla hot jan", id="filter-input")
            yield Label(
                "Every word must appear (agreement, commitment, KPI, lead, owner, stage). "
                "Empty clears. Enter applies, Esc cancels.",
                classes="dialog-hint",
            )

    @on(Input.Submitted, "#filter-input")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
