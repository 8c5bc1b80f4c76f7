"""Time travel: ask for the as-of instant (ISO date or date-time; empty = now)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.logic import format_moment, parse_as_of

AsOfResult = dt.datetime | None | bool
"""A datetime to travel to, None for "now" (live), False when cancelled."""


class AsOfDialog(ModalScreen[AsOfResult]):
    """An input for the as-of time; enter applies, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, tz: ZoneInfo, current: dt.datetime | None) -> None:
        super().__init__(classes="dialog")
        self.tz = tz
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Time travel: show the numbers as of …", classes="dialog-title")
            yield Input(
                value="" if self.current is None else format_moment(self.current, self.tz),
                placeholder="2026-10-31 or 2026-10-31T17:00 (empty: now)",
                id="as-of",
            )
            yield Label("", id="as-of-error", classes="dialog-error")
            yield Label(
                "A date alone means the end of that day; times are in "
                f"{self.tz.key}. Enter applies, Esc cancels.",
                classes="dialog-hint",
            )

    @on(Input.Submitted, "#as-of")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            when = parse_as_of(event.value, self.tz)
        except ValueError as exc:
            self.query_one("#as-of-error", Label).update(str(exc))
            return
        self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(False)
