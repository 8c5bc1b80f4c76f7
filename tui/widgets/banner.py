"""A one-line banner for problems: a stale store, agreements that did not reload."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class Banner(Static):
    """Hidden while empty; `-error` or `-warning` class sets its colour in app.tcss."""

    def __init__(
        self,
        *,
        level: str = "error",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", name=name, id=id, classes=classes)
        self.add_class(f"-{level}")
        self.message = ""
        self.display = False

    def say(self, message: str) -> None:
        """Show `message` (plain text, never markup); an empty message hides the banner."""
        if message == self.message:
            return
        self.message = message
        self.update(Text(message))
        self.display = bool(message)
