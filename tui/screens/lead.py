"""A lead's story: its events on a timeline, the commitments it counts for and why.

Opened with Enter on a lead of the attention list. The story comes from the source
(`tui.data.StoreSource.lead_story`, `accord.metrics.lead_story`) in a worker; the screen
says so while it is read, and why when it cannot be.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from tui.live import error_line

if TYPE_CHECKING:
    from tui.app import AccordApp


def story_grid(lines: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, text in lines:
        style = "bold" if label in ("Counts for", "Not counted") else ""
        grid.add_row(Text(label), Text(text, style=style))
    return grid


class LeadScreen(Screen[None]):
    """One lead's story; escape goes back."""

    BINDINGS = [Binding("escape,backspace,f9", "app.pop_screen", "Back")]

    def __init__(self, lead_id: str, at: dt.datetime | None) -> None:
        super().__init__(id="lead")
        self.lead_id = lead_id
        self.at = at
        self.lines: list[tuple[str, str]] = []
        """The story as shown (empty until read)."""

    @property
    def accord(self) -> AccordApp:
        from tui.app import AccordApp

        assert isinstance(self.app, AccordApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Label(f"Lead {self.lead_id}", id="detail-title")
        with VerticalScroll(id="detail-body"):
            yield Static("Reading the lead's events…", classes="section", id="lead-story")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        when = self.at or self.accord.now()
        self.run_worker(
            lambda: self._load(when), thread=True, exit_on_error=False, group="lead", name="lead"
        )

    def _load(self, when: dt.datetime) -> None:
        """Runs in a worker thread; never raises."""
        from accord.metrics import story_lines

        app = self.accord
        reader: Any = getattr(app.source, "lead_story", None)
        try:
            if reader is None:
                raise LookupError("this source has no lead stories (no event store)")
            story = reader(app.ws, self.lead_id, at=when)
            lines = story_lines(app.ws, story)
            title = f"Lead {self.lead_id}" + (f" — {story.name}" if story.name else "")
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            lines, title = [("", f"The lead's story could not be read: {error_line(exc)}")], ""
        self.app.call_from_thread(self._show, title, lines)

    def _show(self, title: str, lines: list[tuple[str, str]]) -> None:
        if not self.is_attached:
            return
        self.lines = lines
        if title:
            self.query_one("#detail-title", Label).update(title)
        self.query_one("#lead-story", Static).update(story_grid(lines))
